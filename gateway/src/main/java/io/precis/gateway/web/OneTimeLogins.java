package io.precis.gateway.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.precis.consent.crypto.Randoms;
import java.time.Duration;
import java.util.Optional;

/**
 * One-time dashboard logins: a random code that stands for an advertiser's API key, printed by
 * the launcher so the demo advertiser opens the dashboard without pasting a key. A code works
 * once, for {@link #LIFETIME} at most, and lives only in this process's memory (a restart
 * forgets every code). Thread-safe.
 */
public final class OneTimeLogins {
    /** Long enough to open the link printed at start, short enough not to linger in a scrollback. */
    static final Duration LIFETIME = Duration.ofMinutes(15);
    /** Codes waiting at most; more than a handful means something is issuing them in a loop. */
    private static final int MAX_CODES = 1000;

    private final Cache<String, String> keysByCode = Caffeine.newBuilder()
            .expireAfterWrite(LIFETIME).maximumSize(MAX_CODES).build();

    /** A new code for {@code apiKey}: 128 random bits. */
    public String issue(String apiKey) {
        String code = Randoms.token(16);
        keysByCode.put(code, apiKey);
        return code;
    }

    /** The key {@code code} stands for, once; empty for an unknown, used or expired code. */
    public Optional<String> redeem(String code) {
        if (code == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(keysByCode.asMap().remove(code));
    }
}
