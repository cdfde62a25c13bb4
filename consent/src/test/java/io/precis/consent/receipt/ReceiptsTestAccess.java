package io.precis.consent.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Lets tests in other packages use the independent JWS check of {@link ReceiptsTest}. */
public final class ReceiptsTestAccess {
    private ReceiptsTestAccess() {}

    public static JsonNode verify(String jws, Map<String, Object> jwk) throws Exception {
        return ReceiptsTest.verifyIndependently(jws, jwk);
    }
}
