package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.LogCapture;
import io.precis.gateway.PrivacyLeakTest;
import io.precis.gateway.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookalikes across restarts, over HTTP on the embedded store: behaviour is posted, the gateway
 * restarted, and a lookalike built after the stored profiles are loaded finds the same people
 * as one built before the restart. A person erased, and one who withdrew profiling (and gave it
 * again, without new behaviour), are in no lookalike built after a further restart: their
 * stored profiles were deleted. No raw id reaches the data dir, which holds the stored profiles.
 */
class LookalikeRestartTest {
    static final int GROUP = 130;
    static final int SEEDED = 110;
    /** Fewer than the water people outside the seed, so that two leaving leaves water people to find. */
    static final int SIZE = 15;

    @TempDir
    Path dir;
    TestGateway gw;
    String advertiser;
    String publisher;

    TestGateway start() {
        return TestGateway.start(dir, c -> c.withRateLimit(GatewayConfig.RateLimit.OFF));
    }

    @Test
    void aLookalikeBuiltAfterARestartFindsTheSamePeopleAndNeverTheErasedOrWithdrawn() throws Exception {
        List<String> members;
        String erased;
        String withdrawn;
        try (LogCapture logs = new LogCapture()) {
            gw = start();
            try {
                advertiser = gw.advertiser("Water Filters Co");
                publisher = gw.account("publisher", "News Site");
                for (int i = 0; i < GROUP; i++) {
                    person("water-" + i, "净水器", "厨房电器", i);
                    person("shoe-" + i, "跑鞋", "运动服", i);
                }
                TestGateway.Resp list = gw.post("/v1/audiences", "{\"name\": \"best customers\"}", advertiser);
                assertEquals(201, list.status(), list.body());
                String listId = list.json().get("id").textValue();
                assertEquals(200, gw.put("/v1/audiences/" + listId + "/members", ids(0, SEEDED), advertiser).status());
                String seed = "{\"audience\": \"" + listId + "\"}";

                String before = build("before the restart", seed);
                members = waterMembersOf(before);
                assertTrue(members.size() >= SIZE * 9 / 10, "found " + members);

                gw.close();
                gw = start();
                String after = build("after the restart", seed);
                assertEquals(members, waterMembersOf(after), "the same people as without the restart");
                String metrics = gw.get("/metrics", null).body();
                assertTrue(metrics.contains("\nprecis_profiles_loaded 1"), metrics);
                assertTrue(metrics.contains("\nprecis_profiles_load_failures_total 0"), metrics);
                assertEquals(size(before), size(after));

                erased = members.get(0);
                withdrawn = members.get(1);
                assertEquals(204, gw.delete("/v1/me?user=" + erased, publisher).status());
                consent(erased, true);
                consent(withdrawn, false);
                consent(withdrawn, true); // consent again, but no new behaviour: no profile
                assertTrue(lookalikesOf(erased).isEmpty(), "erased: in no lookalike at once");

                gw.close();
                gw = start();
                String third = build("after erasure and withdrawal", seed);
                List<String> now = waterMembersOf(third);
                assertFalse(now.contains(erased), "the erased person's profile is not back after a restart");
                assertFalse(now.contains(withdrawn), "the withdrawn person's profile was deleted, not only unindexed");
                assertEquals(SIZE, now.size(), "their places are taken by other water people: " + now);
                assertTrue(lookalikesOf(erased).isEmpty(), "nor in a lookalike built before: " + lookalikesOf(erased));
                assertEquals(200, gw.post("/v1/audiences/" + before + "/rebuild", "", advertiser).status());
                assertTrue(lookalikesOf(erased).isEmpty(), "nor after a rebuild of one");
            } finally {
                gw.close();
            }
            // The consented path stored profiles (they are what the restarts loaded): now scan.
            assertEquals(2 * GROUP - 2, PrivacyLeakTest.storedProfiles(dir), "every person's profile but the erased and the withdrawn");
            List<String> secrets = List.of("water-0", "water-109", erased, withdrawn, "shoe-7");
            List<String> findings = new ArrayList<>();
            for (String line : logs.lines()) {
                PrivacyLeakTest.scan("a log line", line.getBytes(StandardCharsets.UTF_8), secrets, findings);
            }
            try (var files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    PrivacyLeakTest.scan(dir.relativize(f).toString(), Files.readAllBytes(f), secrets, findings);
                }
            }
            assertTrue(findings.isEmpty(), "raw ids found: " + findings);
        }
    }

    /** Creates a lookalike of {@code seed}, asking again while the gateway loads its profiles (503). */
    String build(String name, String seed) {
        String body = "{\"name\": \"" + name + "\", \"seed\": " + seed + ", \"size\": " + SIZE + "}";
        long deadline = System.nanoTime() + 60_000_000_000L;
        TestGateway.Resp r = gw.post("/v1/audiences/lookalike", body, advertiser);
        while (r.status() == 503 && System.nanoTime() < deadline) {
            assertEquals("unavailable", r.json().get("error").textValue(), r.body());
            assertEquals("1", r.header("Retry-After"));
            r = gw.post("/v1/audiences/lookalike", body, advertiser);
        }
        assertEquals(201, r.status(), r.body());
        return r.json().get("id").textValue();
    }

    int size(String id) {
        return gw.get("/v1/audiences/" + id, advertiser).json().get("size").asInt();
    }

    void person(String user, String category, String second, int i) {
        consent(user, true);
        String noise = List.of("图书", "旅行", "音乐", "美食").get(i % 4);
        TestGateway.Resp r = gw.post("/v1/behaviour", """
                {"user": "%s", "events": [
                  {"type": "view", "category": "%s"}, {"type": "view", "category": "%s"},
                  {"type": "search", "category": "%s"}, {"type": "view", "category": "%s"},
                  {"type": "purchase", "category": "%s", "value": 99}, {"type": "view", "category": "%s"}]}
                """.formatted(user, category, category, category, second, category, noise), publisher);
        assertEquals(202, r.status(), r.body());
    }

    void consent(String user, boolean profiling) {
        TestGateway.Resp r = gw.put("/v1/consent?user=" + user, """
                {"purposes": {"personalisation": true, "profiling": %s, "measurement": true}}""".formatted(profiling),
                publisher);
        assertEquals(200, r.status(), r.body());
    }

    static String ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "\"water-" + i + "\"")
                .collect(Collectors.joining(", ", "{\"ids\": [", "]}"));
    }

    List<String> lookalikesOf(String user) {
        TestGateway.Resp r = gw.get("/v1/me?user=" + user, publisher);
        assertEquals(200, r.status(), r.body());
        List<String> out = new ArrayList<>();
        JsonNode section = r.json().get("lookalikes");
        if (section != null) {
            section.forEach(n -> out.add(n.textValue()));
        }
        return out;
    }

    /** The water people outside the seed in lookalike {@code id}, by their own exports. */
    List<String> waterMembersOf(String id) {
        return IntStream.range(SEEDED, GROUP).mapToObj(i -> "water-" + i)
                .filter(u -> lookalikesOf(u).contains(id)).toList();
    }
}
