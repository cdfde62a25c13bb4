package io.precis.consent.signals;

import io.precis.consent.identity.IpPrefix;
import io.precis.consent.identity.RawIp;

/**
 * Truncates a client address to its network before anything else sees it.
 *
 * <p>Why these widths: an IPv4 /24 is the smallest block routed on the public internet (longer
 * prefixes are filtered by most networks), so it still locates a network and coarse region but
 * is shared by up to 256 addresses, typically many households behind one ISP block. For IPv6 a
 * single subscriber usually gets a whole /48 (RIPE-690, RFC 6177) or /56, and the low 64 bits
 * are chosen by the device (often randomly, RFC 8981), so anything narrower than /48 could pin
 * one customer; /48 is the common site allocation and so plays the role the /24 plays for IPv4.
 *
 * <p>Only address literals are parsed, by hand: never {@code InetAddress.getByName}, which would
 * resolve a host name through DNS and so leak it (and block). Anything that is not a literal
 * yields null.
 */
public final class IpTruncation {
    /** The kept IPv4 bits: one /24 (see class comment). */
    static final int IPV4_BITS = 24;
    /** The kept IPv6 bits: one /48 site (see class comment). */
    static final int IPV6_BITS = 48;

    private IpTruncation() {}

    /** The /24 or /48 network of {@code ip}, or null when {@code ip} is null or not an address literal. */
    public static IpPrefix truncate(RawIp ip) {
        if (ip == null) {
            return null;
        }
        String s = ip.revealForTruncation().strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            int[] v4 = parseIpv4(s);
            return v4 == null ? null : ipv4Prefix(v4);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        int[] groups = parseIpv6(s);
        if (groups == null) {
            return null;
        }
        if (isIpv4Mapped(groups)) {
            // ::ffff:a.b.c.d is an IPv4 client seen through a dual-stack socket: an IPv4 address.
            return ipv4Prefix(new int[] {groups[6] >>> 8, groups[6] & 0xff, groups[7] >>> 8, groups[7] & 0xff});
        }
        int[] kept = new int[8];
        System.arraycopy(groups, 0, kept, 0, IPV6_BITS / 16);
        return new IpPrefix(formatIpv6(kept) + "/" + IPV6_BITS);
    }

    private static IpPrefix ipv4Prefix(int[] octets) {
        return new IpPrefix(octets[0] + "." + octets[1] + "." + octets[2] + ".0/" + IPV4_BITS);
    }

    private static boolean isIpv4Mapped(int[] g) {
        return g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
    }

    /** Strict dotted quad: four decimal octets 0–255, no leading zeros (which some parsers read as octal). */
    static int[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    /** RFC 4291 §2.2 text forms: eight groups, one optional "::", an optional dotted-quad tail. */
    static int[] parseIpv6(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        int[] groups = new int[8];
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = parseGroups(head);
        int[] t = parseGroups(tail);
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if (dbl >= 0 ? total > 7 : total != 8) {
            return null;
        }
        System.arraycopy(h, 0, groups, 0, h.length);
        System.arraycopy(t, 0, groups, 8 - t.length, t.length);
        return groups;
    }

    /** Colon-separated hex groups; a final dotted quad counts as two groups. Empty text → none. */
    private static int[] parseGroups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4Tail = parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[v4Tail ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (i == n - 1 && v4Tail) {
                int[] q = parseIpv4(p);
                if (q == null) {
                    return null;
                }
                out[i] = q[0] << 8 | q[1];
                out[i + 1] = q[2] << 8 | q[3];
                break;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 16);
                if (d < 0) {
                    return null;
                }
                v = v << 4 | d;
            }
            out[i] = v;
        }
        return out;
    }

    /** RFC 5952 canonical text: lower-case hex, the longest run (≥ 2) of zero groups as "::". */
    static String formatIpv6(int[] g) {
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
