package io.precis.reports.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Version 3 of the payload adds the conversion link and the channel; tokens of version 2, issued
 * before the upgrade and still within their lifetime, still open (without either), and nothing
 * but those two versions does.
 */
class TokenPayloadVersionTest {
    private static final Instant T0 = Instant.parse("2026-11-03T10:15:30Z");

    @Test
    void aVersion2PayloadStillOpensAndAVersion3OneCarriesLinkAndChannel() throws Exception {
        AdServed plain = new AdServed("Zm9vYmFyYmF6cXV4cXV1eA", "adv-1", "camp-1", "cr-1", "top", "news.example",
                List.of("contextual"), "CPC", 500_000, "m-pseudonym", "CN-11");
        byte[] v3 = TokenPayload.encode(new TrackingToken(TokenKind.CLICK, plain, T0, T0.plusSeconds(3600)));
        // Version 2 was version 3 without the two trailing strings (each null here: 0xFFFF).
        byte[] v2 = Arrays.copyOf(v3, v3.length - 4);
        v2[0] = 2;
        TrackingToken old = TokenPayload.decode(v2);
        assertEquals(plain, old.ad());
        assertNull(old.ad().conversionLink());
        assertEquals("web", old.ad().channelKey());

        AdServed linked = plain.withConversionLink("d-pseudonym").withChannel("email");
        TrackingToken t = TokenPayload.decode(TokenPayload.encode(new TrackingToken(TokenKind.CLICK, linked, T0,
                T0.plusSeconds(3600))));
        assertEquals("d-pseudonym", t.ad().conversionLink());
        assertEquals("email", t.ad().channel());
        assertNull(plain.withChannel("web").channel(), "an ad slot's channel is not written");

        byte[] v1 = v2.clone();
        v1[0] = 1;
        assertThrows(InvalidTokenException.class, () -> TokenPayload.decode(v1));
        assertThrows(InvalidTokenException.class, () -> TokenPayload.decode(Arrays.copyOf(v3, v3.length - 2)),
                "a version 3 payload cut short");
    }
}
