package io.precis.reports.privacy;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;

/**
 * Discrete Laplace (two-sided geometric) noise: P(X = x) ∝ exp(−ε·|x|) over the integers.
 *
 * <p>Privacy meaning: adding one event to or removing one event from the data changes any one
 * count by at most 1, and the noisy count's distribution by at most a factor e^ε, so a reader of
 * the report cannot tell whether that single event happened (ε-differential privacy per event
 * and per published count; Ghosh, Roughgarden, Sundararajan 2009). A user with m events in a
 * cell is protected at m·ε, and every count published (rows, columns, repeated reports) spends
 * its own ε: this blurs small numbers, it is not a lifetime user-level budget.
 *
 * <p>Mean 0, symmetric, variance 2p/(1−p)² with p = e^−ε. Sampled as the difference of two
 * geometric variables by inversion. Production uses {@link SecureRandom}: a predictable
 * generator would let the noise be subtracted. Thread-safe when its {@link Random} is
 * (SecureRandom and java.util.Random are).
 */
public final class DiscreteLaplace {
    private final double epsilon;
    private final double logP;
    private final Random random;

    /** Noise of scale 1/epsilon from a new {@link SecureRandom}. */
    public DiscreteLaplace(double epsilon) {
        this(epsilon, new SecureRandom());
    }

    /** Noise from the given generator: tests pass a seeded one to reproduce a run. */
    public DiscreteLaplace(double epsilon, Random random) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0");
        }
        this.epsilon = epsilon;
        this.logP = -epsilon;
        this.random = Objects.requireNonNull(random, "random");
    }

    public double epsilon() {
        return epsilon;
    }

    /** One sample. */
    public long sample() {
        return geometric() - geometric();
    }

    /** The variance of {@link #sample()}: 2p/(1−p)², p = e^−ε. */
    public double variance() {
        double p = Math.exp(logP);
        return 2 * p / ((1 - p) * (1 - p));
    }

    /** Failures before the first success, success probability 1 − e^−ε: floor(ln U / ln p). */
    private long geometric() {
        double u;
        do {
            u = random.nextDouble();
        } while (u == 0.0); // ln 0 is −∞
        return (long) Math.floor(Math.log(u) / logP);
    }
}
