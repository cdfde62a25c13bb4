package io.precis.matcher.lookalike;

import io.precis.matcher.index.IndexFields;
import io.precis.matcher.segment.BehaviourEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A person's interest profile as a unit vector of {@link #DIMENSIONS} floats, derived from their
 * stored behaviour: the categories they viewed, searched, put in a cart or bought (weighted by
 * how committed the act was and how recent), and the segments the behaviour put them in
 * (keyword rules, interests, places, value tier). Features are hashed into the vector with a
 * sign bit (the "hashing trick"), so the profile needs no vocabulary shared across people and
 * a new category costs nothing; collisions only add a little noise to the cosine. Where the
 * signs cancel to nothing, the features are hashed without signs ({@link #of}).
 *
 * <p>Two people with the same interests in the same proportions have dot product 1; people with
 * nothing in common about 0. Stateless and thread-safe.
 */
public final class InterestProfile {
    /**
     * 64 floats (256 bytes a person): a shop's few hundred categories and segments hash into 64
     * signed buckets with little cross-talk in the cosine (the planted-groups check in
     * {@code LookalikeRecoveryTest} recovers groups with precision above 0.9), and a million
     * profiles stay near 300 MB in the index.
     */
    public static final int DIMENSIONS = 64;
    /** Interest fades: an act a month old counts half (as {@code SegmentService.INTEREST_DAYS}). */
    static final Duration HALF_LIFE = Duration.ofDays(30);
    /** A segment weighs as much as a few views of its category: it summarises many events. */
    static final float SEGMENT_WEIGHT = 2f;

    private InterestProfile() {
    }

    /**
     * The profile of a person with these web events (visits are ignored: places reach the
     * profile through their segments) and these segments at {@code now}; null when nothing in
     * them speaks of an interest (no category, no lasting segment).
     */
    public static float[] of(List<BehaviourEvent> events, Set<String> segments, Instant now) {
        Map<String, Double> features = new HashMap<>();
        double halfLifeSeconds = HALF_LIFE.toSeconds();
        for (BehaviourEvent e : events) {
            if (e.category() == null || e.type() == BehaviourEvent.Type.VISIT) {
                continue;
            }
            double age = Math.max(0, Duration.between(e.ts(), now).toSeconds());
            double w = weight(e.type()) * Math.pow(0.5, age / halfLifeSeconds);
            features.merge("c:" + IndexFields.normaliseCategory(e.category()), w, Double::sum);
        }
        for (String s : segments) {
            if (lasting(s)) {
                features.merge("s:" + s, (double) SEGMENT_WEIGHT, Double::sum);
            }
        }
        if (features.isEmpty()) {
            return null;
        }
        float[] signed = hashed(features, true);
        // Signs can cancel: features of equal weight in one bucket with opposite signs sum to
        // nothing, and a person with two such segments (about 1 in 128 of those with just two)
        // had no profile at all. Such a person is hashed without signs, into the same buckets:
        // never all zeros, and every vector that did not cancel stays as it was.
        float[] v = normalised(signed);
        return v != null ? v : normalised(hashed(features, false));
    }

    private static float[] hashed(Map<String, Double> features, boolean withSigns) {
        float[] v = new float[DIMENSIONS];
        features.forEach((feature, w) -> {
            int at = signedBucket(feature);
            // log1p: ten views of a category are not ten times the interest of one.
            v[Math.abs(at) - 1] += (float) ((withSigns ? Integer.signum(at) : 1) * Math.log1p(w));
        });
        return v;
    }

    /** The bucket of {@code feature}, plus one, with the sign its value gets there. */
    static int signedBucket(String feature) {
        long h = mix(feature.hashCode() * 0x9E3779B97F4A7C15L + feature.length());
        int bucket = (int) Math.floorMod(h, (long) DIMENSIONS) + 1;
        return (h >>> 63) == 0 ? bucket : -bucket;
    }

    /** {@code v} scaled to length 1 (a new array); null when it is all zeros. */
    public static float[] normalised(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return null;
        }
        float[] out = new float[v.length];
        double norm = Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** How much one act says about an interest: buying says more than looking. */
    private static double weight(BehaviourEvent.Type type) {
        return switch (type) {
            case PURCHASE -> 3;
            case CART -> 2;
            default -> 1;
        };
    }

    /**
     * Segments that describe interests: not a trigger (minutes long) nor the lifecycle (how
     * often, not what); the rest (keyword rules, interest:, place:, category:, value:) do.
     */
    private static boolean lasting(String segment) {
        return !segment.startsWith("trigger:") && !segment.startsWith("lifecycle:");
    }

    /** Spreads bits (the SplitMix64 finaliser). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
