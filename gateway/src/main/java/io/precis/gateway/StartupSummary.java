package io.precis.gateway;

import io.precis.consent.PurposeKeys;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The configuration as the start-up log line and banner show it: every setting an operator may
 * want to check, and no secret (the admin token appears only as where it comes from; keys only
 * as the directory that holds them).
 */
final class StartupSummary {
    private StartupSummary() {}

    /** Where the admin token comes from, never the token itself. */
    static String adminTokenSource(GatewayConfig c) {
        return c.adminToken() != null
                ? "from the environment (PRECIS_ADMIN_TOKEN)"
                : "from the file " + c.dataDir().resolve("admin-token").toAbsolutePath();
    }

    /**
     * One line: {@code host=... port=... dataDir=... ... transport="..."}; {@code transport} is
     * the network transport the server runs on ({@link PrecisGateway#transport}).
     */
    static String of(GatewayConfig c, int actualPort, String transport) {
        String purposes = PurposeKeys.toMap(c.defaultPurposes()).entrySet().stream()
                .filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted().collect(Collectors.joining(","));
        return "host=" + c.host()
                + " port=" + actualPort
                + " dataDir=" + c.dataDir().toAbsolutePath()
                + " keysDir=" + c.keysDirOrDefault().toAbsolutePath()
                + " demo=" + c.demo()
                + " adminToken=" + (c.adminToken() != null ? "environment" : "file")
                + " bodyLimit=" + c.bodyLimit()
                + " defaultPurposes=" + (purposes.isEmpty() ? "none" : purposes)
                + " clickMinMs=" + c.clickPolicy().minTimeToClick().toMillis()
                + " reportMinUsers=" + c.reportPolicy().minUsers()
                + " reportEpsilon=" + c.reportPolicy().epsilon()
                + " trustProxy=" + c.trustProxy()
                + " idleTimeoutS=" + c.connections().idle().toSeconds()
                + " headerTimeoutS=" + c.connections().header().toSeconds()
                + " maxConnections=" + c.connections().max()
                + " store=\"" + c.store().describe() + "\""
                + " eventLoops=" + c.capacity().eventLoops()
                + " matchThreads=" + c.capacity().matchThreads()
                + " storageThreads=" + c.capacity().storageThreads()
                + " workQueue=" + c.capacity().workQueue()
                + " eventQueue=" + c.capacity().eventQueue()
                + " rateLimit=" + (c.rateLimit().off() ? "off" : c.rateLimit().perSecond() + "/s burst " + c.rateLimit().burst())
                + " pseudonymKey=" + (System.getenv("PRECIS_PSEUDONYM_KEY") != null ? "environment" : "key files")
                + " transport=\"" + transport + "\"";
    }
}
