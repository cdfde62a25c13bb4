package io.precis.reports.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscreteLaplaceTest {
    private static final int N = 200_000;

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 1.0, 2.0})
    void noiseHasMeanZeroIsSymmetricAndHasTheVarianceOfItsEpsilon(double epsilon) {
        DiscreteLaplace noise = new DiscreteLaplace(epsilon, new Random(11));
        double sum = 0;
        double sumSq = 0;
        long positive = 0;
        long negative = 0;
        long zero = 0;
        for (int i = 0; i < N; i++) {
            long x = noise.sample();
            sum += x;
            sumSq += (double) x * x;
            if (x > 0) {
                positive++;
            } else if (x < 0) {
                negative++;
            } else {
                zero++;
            }
        }
        double mean = sum / N;
        double variance = sumSq / N - mean * mean;
        double expected = noise.variance();
        // Standard error of the mean is sqrt(var/N); 5 of them is far outside chance.
        assertTrue(Math.abs(mean) < 5 * Math.sqrt(expected / N), "mean " + mean);
        assertEquals(expected, variance, expected * 0.05, "variance");
        assertEquals(1.0, (double) positive / negative, 0.03, "symmetric");
        // P(0) = (1 − p)/(1 + p) for the two-sided geometric distribution.
        double p = Math.exp(-epsilon);
        assertEquals((1 - p) / (1 + p), (double) zero / N, 0.01, "P(0)");
    }

    @Test
    void epsilonMustBePositiveAndTheDefaultGeneratorIsSecure() {
        assertThrows(IllegalArgumentException.class, () -> new DiscreteLaplace(0));
        assertThrows(IllegalArgumentException.class, () -> new DiscreteLaplace(Double.NaN));
        assertTrue(new DiscreteLaplace(1).sample() > Long.MIN_VALUE); // SecureRandom-backed: just works
        assertThrows(IllegalArgumentException.class, () -> new ReportPolicy(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReportPolicy(UserSketch.CAPACITY + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReportPolicy(10, -1));
    }

    @Test
    void userSketchCountsDistinctUsersExactlyUpToItsCapacity() {
        UserSketch s = UserSketch.EMPTY;
        for (int i = 0; i < 20; i++) {
            s = s.merge(UserSketch.of("u" + (i % 7)));
        }
        assertEquals(7, s.users());
        UserSketch big = UserSketch.EMPTY;
        for (int i = 0; i < 1000; i++) {
            big = big.merge(UserSketch.of("v" + i));
        }
        assertEquals(UserSketch.CAPACITY, big.users());
        assertEquals(UserSketch.CAPACITY, big.merge(s).users());
        assertEquals(s.users(), UserSketch.fromBytes(s.toBytes()).users());
        assertEquals(0, UserSketch.fromBytes(null).users());
        // Merging is a union: the same users from two cells count once.
        UserSketch a = UserSketch.of("x").merge(UserSketch.of("y"));
        UserSketch b = UserSketch.of("y").merge(UserSketch.of("z"));
        assertEquals(3, a.merge(b).users());
    }
}
