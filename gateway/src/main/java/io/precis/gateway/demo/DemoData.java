package io.precis.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.crypto.KeyFiles;
import io.precis.gateway.PrecisGateway;
import io.precis.gateway.auth.AccountType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Demo data for {@code ./precis run}: one advertiser and a few Chinese and English campaigns,
 * created on the first start with a given data dir. The advertiser's API key goes to
 * {@code <data-dir>/demo-advertiser-key} (mode 600), never to the log.
 */
public final class DemoData {
    private static final String KEY_FILE = "demo-advertiser-key";

    private DemoData() {}

    /** Where the demo advertiser's key is kept in {@code dataDir}: it exists once the demo is seeded. */
    public static Path keyFile(Path dataDir) {
        return dataDir.resolve(KEY_FILE);
    }

    /** Seeds the demo once; returns the path of the file holding the demo advertiser's key. */
    public static String seed(PrecisGateway gw) {
        Path keyFile = keyFile(gw.config().dataDir());
        if (Files.exists(keyFile)) {
            return keyFile.toString();
        }
        ObjectNode account = gw.accounts().create(AccountType.ADVERTISER, "Demo Advertiser");
        String advertiserId = account.get("id").textValue();
        try (InputStream in = DemoData.class.getResourceAsStream("/demo/campaigns.json")) {
            JsonNode campaigns = io.precis.gateway.http.JsonBodies.MAPPER.readTree(in);
            for (JsonNode c : campaigns) {
                gw.campaigns().create(advertiserId, c);
            }
            KeyFiles.writeOwnerOnly(keyFile, account.get("apiKey").textValue().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seed the demo data", e);
        }
        return keyFile.toString();
    }
}
