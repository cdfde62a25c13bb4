package io.precis.consent.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.precis.consent.identity.IpPrefix;
import io.precis.consent.identity.RawIp;
import org.junit.jupiter.api.Test;

class IpTruncationTest {
    private static String cidr(String ip) {
        IpPrefix p = IpTruncation.truncate(RawIp.ofNullable(ip));
        return p == null ? null : p.cidr();
    }

    @Test
    void ipv4IsCutToItsSlash24() {
        assertEquals("203.0.113.0/24", cidr("203.0.113.77"));
        assertEquals("10.1.2.0/24", cidr(" 10.1.2.255 "));
        assertEquals("0.0.0.0/24", cidr("0.0.0.0"));
        assertEquals("255.255.255.0/24", cidr("255.255.255.255"));
    }

    @Test
    void ipv6IsCutToItsSlash48InCanonicalForm() {
        assertEquals("2001:db8:85a3::/48", cidr("2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
        assertEquals("2001:db8:85a3::/48", cidr("2001:DB8:85A3::8A2E:370:7334"));
        assertEquals("2001:db8::/48", cidr("2001:db8::1"));
        assertEquals("::/48", cidr("::1"));
        assertEquals("::/48", cidr("::"));
        assertEquals("0:5:6::/48", cidr("0:5:6:7:8:9:a:b"));
        assertEquals("fe80::/48", cidr("fe80::1%eth0"));
        assertEquals("2001:db8:1::/48", cidr("[2001:db8:1:2::5]"));
    }

    @Test
    void ipv4MappedIpv6IsTreatedAsTheIpv4ClientItIs() {
        assertEquals("192.0.2.0/24", cidr("::ffff:192.0.2.128"));
        assertEquals("192.0.2.0/24", cidr("::FFFF:c000:0280"));
        assertEquals("192.0.2.0/24", cidr("0:0:0:0:0:ffff:192.0.2.1"));
    }

    @Test
    void garbageAndHostNamesYieldNullWithoutAnyLookup() {
        for (String bad : new String[] {"localhost", "example.com", "dead", "beef:", "1.2.3", "1.2.3.4.5",
                "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "::ffff:1.2.3",
                "g::1", ":::", "1.2.3.4/24", "[::1", "", "   "}) {
            assertNull(cidr(bad), bad);
        }
        assertNull(IpTruncation.truncate(null));
    }
}
