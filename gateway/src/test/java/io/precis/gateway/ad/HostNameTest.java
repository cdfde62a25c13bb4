package io.precis.gateway.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.IDN;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A slot's site must be a host name. The check skips IDNA for names already in ASCII; this
 * compares it, on fixed cases and on random strings, with the check that always ran IDNA and
 * matched each label with a regular expression.
 */
class HostNameTest {
    private static final Pattern LABEL = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The reference: IDNA's ToASCII with the STD3 rules, then every label LDH. */
    static boolean reference(String site) {
        String ascii;
        try {
            ascii = IDN.toASCII(site, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            return false;
        }
        for (String label : ascii.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void fixedCases() {
        for (String ok : List.of("news.example", "NEWS.Example", "localhost", "xn--fiqs8s.example", "a-b.c-d.example",
                "news.example.", "中国.example", "a".repeat(63) + ".example", "1.2.3.4")) {
            assertTrue(AdRequestParser.isHostName(ok), ok);
            assertEquals(reference(ok), AdRequestParser.isHostName(ok), ok);
        }
        for (String bad : List.of("", ".", "a..b", ".a", "-a.example", "a-.example", "a_b.example", "news example",
                "a".repeat(64) + ".example", "=HYPERLINK(1)", "news.example..", "a.b/c", "a@b")) {
            assertFalse(AdRequestParser.isHostName(bad), bad);
            assertEquals(reference(bad), AdRequestParser.isHostName(bad), bad);
        }
        String long254 = ("a".repeat(62) + ".").repeat(4) + "ab";
        assertEquals(reference(long254), AdRequestParser.isHostName(long254));
    }

    @Test
    void randomStringsAnswerAsTheReference() {
        String alphabet = "abcXYZ019-._. /@中é";
        SplittableRandom random = new SplittableRandom(12);
        int hosts = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(1, 24);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = b.toString();
            boolean expected = reference(s);
            hosts += expected ? 1 : 0;
            assertEquals(expected, AdRequestParser.isHostName(s), s);
        }
        assertTrue(hosts > 1_000, "too few host names among the random strings to compare: " + hosts);
    }
}
