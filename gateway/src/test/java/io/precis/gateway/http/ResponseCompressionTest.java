package io.precis.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.gateway.Campaigns;
import io.precis.gateway.PrecisGateway;
import io.precis.gateway.TestGateway;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that accept gzip (every browser) get large responses compressed, and small ones, an
 * ad answer among them, as they are: deflating a body of a few hundred bytes sets up a zlib
 * stream per response and saves next to nothing.
 */
class ResponseCompressionTest {
    @TempDir
    Path dir;

    @Test
    void largeResponsesAreCompressedAndAnAdAnswerIsNot() throws Exception {
        try (TestGateway gw = TestGateway.start(dir); HttpClient http = HttpClient.newHttpClient()) {
            String key = gw.advertiser("Coffee Co");
            gw.campaign(key, Campaigns.keywords("Coffee", "[\"coffee\"]", "CPM", 10));
            HttpResponse<byte[]> ad = http.send(gw.builder("/v1/ad", null).header("Accept-Encoding", "gzip, deflate, br")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Campaigns.adRequest("news.example", "fresh coffee")))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, ad.statusCode());
            assertNull(ad.headers().firstValue("Content-Encoding").orElse(null), "an ad answer is sent as it is");
            assertTrue(ad.body().length < PrecisGateway.COMPRESS_FROM_BYTES, "" + ad.body().length);
            assertTrue(new String(ad.body(), java.nio.charset.StandardCharsets.UTF_8).contains("\"ads\""));

            byte[] plain = http.send(gw.builder("/precis.js", null).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            assertTrue(plain.length >= PrecisGateway.COMPRESS_FROM_BYTES, "the tag script is large enough: " + plain.length);
            HttpResponse<byte[]> script = http.send(gw.builder("/precis.js", null).header("Accept-Encoding", "gzip").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("gzip", script.headers().firstValue("Content-Encoding").orElse(null));
            assertTrue(script.body().length < plain.length, script.body().length + " compressed of " + plain.length);
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(script.body()))) {
                assertArrayEquals(plain, in.readAllBytes());
            }
        }
    }
}
