package io.precis.reports.invalid;

import io.precis.consent.identity.IpPrefix;
import java.util.Locale;

/**
 * What the gateway saw of a click request besides its token, for the invalid-click rules.
 * Holds no raw IP: only the truncated prefix, which is itself never stored.
 *
 * @param ipPrefix  the client's truncated address (IPv4 /24, IPv6 /48); null when unknown
 * @param userAgent the {@code User-Agent} header; null when absent (then no robot rule applies;
 *                  an empty header is judged like any other value)
 * @param prefetch  true when the request said it is a prefetch ({@code Purpose: prefetch} or
 *                  {@code Sec-Purpose: prefetch...}); see {@link #isPrefetch(String, String)}
 */
public record ClickContext(IpPrefix ipPrefix, String userAgent, boolean prefetch) {
    /** What the old two-argument {@code recordClick} means: nothing known about the request. */
    public static final ClickContext NONE = new ClickContext(null, null, false);
    /** Real user agents stay under 512 chars; a longer header is cut, never rejected. */
    static final int MAX_USER_AGENT_CHARS = 1024;

    public ClickContext {
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT_CHARS) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT_CHARS);
        }
    }

    /**
     * Whether the headers mark a prefetch: {@code Purpose: prefetch} (older Chrome, Safari) or a
     * {@code Sec-Purpose} whose first token is {@code prefetch} (Fetch spec: {@code prefetch},
     * {@code prefetch;prerender}). Either argument may be null.
     */
    public static boolean isPrefetch(String purpose, String secPurpose) {
        return startsWithPrefetch(purpose) || startsWithPrefetch(secPurpose);
    }

    private static boolean startsWithPrefetch(String header) {
        return header != null && header.strip().toLowerCase(Locale.ROOT).startsWith("prefetch");
    }
}
