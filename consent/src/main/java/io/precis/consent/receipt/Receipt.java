package io.precis.consent.receipt;

import io.precis.consent.Purposes;
import io.precis.consent.crypto.Base64Url;
import io.precis.consent.crypto.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A consent receipt: the signed statement of one consent change, and its compact JWS.
 *
 * @param sub the pseudonym the change belongs to
 * @param purposes the purposes in force after the change
 * @param source "user", "tcf" or "default"
 * @param iat when, in Unix seconds
 * @param policy the policy version the choice was made under
 * @param prev {@link #hash} of the previous receipt of the same subject, null for the first
 * @param compact the JWS itself, {@code header.payload.signature}
 */
public record Receipt(String sub, Purposes purposes, String source, long iat, String policy,
                      String prev, String compact) {
    public Receipt {
        Objects.requireNonNull(sub, "sub");
        Objects.requireNonNull(purposes, "purposes");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(compact, "compact");
    }

    /** The value a following receipt puts in {@code prev}: base64url SHA-256 of the compact JWS. */
    public static String hash(String compact) {
        return Base64Url.encode(Digests.sha256(compact.getBytes(StandardCharsets.US_ASCII)));
    }

    public String hash() {
        return hash(compact);
    }
}
