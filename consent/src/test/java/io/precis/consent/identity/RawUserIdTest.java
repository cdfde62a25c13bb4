package io.precis.consent.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RawUserIdTest {
    @Test
    void toStringNeverRevealsTheIdOrTheIp() {
        assertFalse(String.valueOf(RawUserId.ofNullable("alice-42")).contains("alice"));
        assertFalse(("ip=" + RawIp.ofNullable("203.0.113.7")).contains("203.0"));
        assertNull(RawUserId.ofNullable("  "));
    }
}
