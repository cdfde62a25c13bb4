package io.precis.consent.identity;

import java.util.Objects;

/**
 * A truncated client address: an IPv4 /24 or IPv6 /48 network in CIDR text
 * ({@code 203.0.113.0/24}, {@code 2001:db8:85a3::/48}). The only form of an IP used anywhere.
 */
public record IpPrefix(String cidr) {
    public IpPrefix {
        Objects.requireNonNull(cidr, "cidr");
    }
}
