package io.precis.matcher.lookalike;

import io.precis.consent.identity.Pseudonym;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds the people most like a seed: the {@code n} profiles nearest to the centroid of the
 * seed's profiles, the seed itself left out (an advertiser already has those people). One
 * exact scan of the profiles answers it ({@link ProfileIndex#nearest}); people the {@code allowed} check refuses
 * (their consent to profiling was withdrawn since their behaviour arrived) are removed from the
 * index and the search is repeated for the places they leave. Plain Java, thread-safe.
 */
public final class Lookalikes {
    /**
     * The smallest seed: below a hundred people a centroid says more about the few than about a
     * kind of customer (the floor), and a lookalike of a handful would come close to
     * naming them.
     */
    public static final int MIN_SEED = 100;
    /** The largest lookalike: a search keeps k candidates in memory at once. */
    public static final int MAX_SIZE = 1_000_000;
    /** Searches repeated at most this often for places left by refused people. */
    private static final int MAX_ROUNDS = 4;

    private Lookalikes() {
    }

    /** The seed had fewer than {@link #MIN_SEED} people with a profile. */
    public static final class SeedTooSmallException extends RuntimeException {
        SeedTooSmallException() {
            super("the seed needs at least " + MIN_SEED + " people with an interest profile");
        }
    }

    /**
     * The aliases (current first) of the {@code n} people closest to {@code seed}, closest
     * first; fewer when the index holds fewer allowed people outside the seed.
     *
     * @param seed the seed's people, each already {@code allowed}
     * @throws SeedTooSmallException when the seed has fewer than {@link #MIN_SEED} people
     */
    public static List<List<Pseudonym>> build(ProfileIndex index, List<ProfileIndex.Person> seed, int n,
                                              Predicate<ProfileIndex.Person> allowed) {
        if (seed.size() < MIN_SEED) {
            throw new SeedTooSmallException();
        }
        if (n < 1 || n > MAX_SIZE) {
            throw new IllegalArgumentException("n must be 1 to " + MAX_SIZE);
        }
        float[] target = centroid(seed);
        List<Pseudonym> leaveOut = seed.stream().map(ProfileIndex.Person::current).toList();
        List<List<Pseudonym>> out = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            out.clear();
            // The refused people of a round are gone from the index, so the next round's n
            // nearest are the allowed ones, and those beyond them.
            List<ProfileIndex.Scored> found = index.nearest(target, n, leaveOut);
            int refused = 0;
            for (ProfileIndex.Scored s : found) {
                if (allowed.test(s.person())) {
                    out.add(s.person().aliases());
                } else {
                    index.remove(s.person().aliases());
                    refused++;
                }
            }
            if (refused == 0 || found.size() < n) {
                break;
            }
        }
        return out;
    }

    /** The mean of the seed's unit profiles, scaled to unit length. */
    static float[] centroid(List<ProfileIndex.Person> seed) {
        float[] sum = new float[InterestProfile.DIMENSIONS];
        for (ProfileIndex.Person p : seed) {
            float[] v = p.vector();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        float[] unit = InterestProfile.normalised(sum);
        if (unit == null) { // opposite profiles cancelling out exactly: nothing to be like
            throw new SeedTooSmallException();
        }
        return unit;
    }
}
