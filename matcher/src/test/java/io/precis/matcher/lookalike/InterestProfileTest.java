package io.precis.matcher.lookalike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The hashing trick's signs can cancel: two features of equal weight in one bucket with
 * opposite signs sum to nothing. A person with two such segments (PrivacyLeakTest's reader:
 * a keyword segment and a visit segment of a place whose id is random, about 1 run in 100)
 * got no vector, so no profile, and the one stored was deleted. A person with any interest
 * always has a profile.
 */
class InterestProfileTest {
    private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

    @Test
    void featuresWhoseSignsCancelStillMakeAProfile() {
        String other = cancelling("interest:privacy");
        Set<String> segments = Set.of("interest:privacy", other);
        float[] v = InterestProfile.of(List.of(), segments, NOW);
        assertNotNull(v, "interests that cancel in the signed hash are still interests: " + segments);
        double length = 0;
        for (float x : v) {
            length += (double) x * x;
        }
        assertEquals(1.0, length, 1e-6, "a unit vector");
        int bucket = Math.abs(InterestProfile.signedBucket("s:interest:privacy")) - 1;
        assertEquals(1.0f, v[bucket], 1e-6f, "both in their one bucket, without signs");
        // Alone, each hashes with its sign, as before: only a vector that cancelled changes.
        for (String segment : segments) {
            int at = InterestProfile.signedBucket("s:" + segment);
            float[] alone = new float[InterestProfile.DIMENSIONS];
            alone[Math.abs(at) - 1] = Integer.signum(at);
            assertArrayEquals(alone, InterestProfile.of(List.of(), Set.of(segment), NOW), 1e-6f, segment);
        }
    }

    @Test
    void nothingThatSpeaksOfAnInterestMakesNoProfile() {
        assertNull(InterestProfile.of(List.of(), Set.of(), NOW));
        assertNull(InterestProfile.of(List.of(), Set.of("lifecycle:new", "trigger:c1"), NOW));
    }

    /** A place segment whose feature falls in {@code segment}'s bucket with the other sign. */
    private static String cancelling(String segment) {
        for (int i = 0; ; i++) {
            String candidate = "place:pl_" + i + ":occasional";
            if (InterestProfile.signedBucket("s:" + candidate) == -InterestProfile.signedBucket("s:" + segment)) {
                return candidate;
            }
        }
    }
}
