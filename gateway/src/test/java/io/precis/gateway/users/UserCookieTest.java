package io.precis.gateway.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.crypto.Randoms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cookie value's MAC: what this deployment issued verifies, nothing else does. */
class UserCookieTest {
    private final UserCookie cookie = new UserCookie(Randoms.bytes(32));

    @Test
    void issuedValuesVerifyAndAreUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String v = cookie.issue();
            assertTrue(v.matches("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{22}"), v);
            assertTrue(cookie.isIssued(v), v);
            assertTrue(seen.add(v));
        }
    }

    @Test
    void anyOtherValueIsNotIssued() {
        String v = cookie.issue();
        String id = v.substring(0, 22);
        String tag = v.substring(23);
        for (String bad : new String[] {null, "", "reader-1", id, id + "." + id, tag + "." + id, v + "A",
                v.substring(1), id + "." + tag.replace(tag.charAt(3), tag.charAt(3) == 'A' ? 'B' : 'A'),
                id.replace(id.charAt(3), id.charAt(3) == 'A' ? 'B' : 'A') + "." + tag,
                id + "." + tag.substring(0, 21) + "=", id + "+" + tag, "%%%%%%%%%%%%%%%%%%%%%%.%%%%%%%%%%%%%%%%%%%%%%"}) {
            assertFalse(cookie.isIssued(bad), String.valueOf(bad));
        }
    }

    @Test
    void anotherKeyIssuesValuesThisOneRejects() {
        UserCookie other = new UserCookie(Randoms.bytes(32));
        assertFalse(cookie.isIssued(other.issue()));
        assertFalse(other.isIssued(cookie.issue()));
    }

    @Test
    void theKeyIsKeptInTheKeysDirSoCookiesOutliveARestart(@TempDir Path keys) throws Exception {
        String v = UserCookie.open(keys).issue();
        assertTrue(UserCookie.open(keys).isIssued(v));
        assertEquals(32, Files.size(keys.resolve(UserCookie.KEY_FILE)));
        assertNotEquals(v, UserCookie.open(keys).issue());
    }
}
