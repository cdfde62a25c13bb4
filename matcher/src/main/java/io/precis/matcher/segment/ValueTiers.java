package io.precis.matcher.segment;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.precis.consent.identity.Pseudonym;
import java.time.Duration;

/**
 * {@code value:A|B|C} among users with purchases: A is the top 20% by purchase total, B the
 * next 30%, C the rest. Kept incrementally: totals fall into logarithmic buckets counted in a
 * Fenwick tree, so an update and a rank query are O(log buckets) whatever the number of users.
 * Totals within 1% of each other share a bucket and rank as equal (a user's tier is decided by
 * how many users are strictly above its bucket). Users without purchases get no value tier.
 * Thread-safe (synchronised: both operations are a few microseconds).
 */
final class ValueTiers {
    /** Share of buyers in tier A. */
    static final double A_SHARE = 0.2;
    /** Share of buyers in tiers A and B together (A 20% + B 30%). */
    static final double AB_SHARE = 0.5;
    /** Bucket width: totals within this ratio rank as equal. */
    private static final double RATIO = 1.01;
    /** ln(Long.MAX_VALUE) / ln(1.01) ≈ 4,390: every positive micro total has a bucket. */
    private static final int BUCKETS = 4400;

    private final long[] tree = new long[BUCKETS + 1];
    private final Cache<Pseudonym, Integer> bucketOf;
    private long ranked; // buyers counted in the tree

    ValueTiers(long maxBuyers, Duration window, Ticker ticker) {
        this.bucketOf = Caffeine.newBuilder()
                .maximumSize(maxBuyers)
                .expireAfterWrite(window)
                .ticker(ticker)
                .executor(Runnable::run) // evictions on the caller's thread, under this object's lock
                .evictionListener((Pseudonym p, Integer b, RemovalCause cause) -> {
                    if (b != null) {
                        add(b, -1);
                    }
                })
                .build();
    }

    /** Sets {@code p}'s purchase total in micros (0 or less removes the user from ranking). */
    synchronized void update(Pseudonym p, long totalMicros) {
        Integer old = bucketOf.asMap().remove(p); // an explicit removal: no eviction listener
        if (old != null) {
            add(old, -1);
        }
        if (totalMicros > 0) {
            int b = bucket(totalMicros);
            add(b, 1);
            bucketOf.put(p, b); // may evict another buyer, who is then taken out of the tree
        }
    }

    synchronized void remove(Pseudonym p) {
        update(p, 0);
    }

    /** {@code p}'s tier ("A", "B" or "C"), or null when it has no purchases. */
    synchronized String tier(Pseudonym p) {
        Integer b = bucketOf.getIfPresent(p);
        if (b == null) {
            return null;
        }
        long n = ranked;
        long above = n - prefix(b); // users in buckets strictly above b
        if (above < A_SHARE * n) {
            return "A";
        }
        return above < AB_SHARE * n ? "B" : "C";
    }

    /** Buyers ranked now. */
    synchronized long size() {
        bucketOf.cleanUp();
        return ranked;
    }

    private static int bucket(long micros) {
        return Math.min(BUCKETS - 1, (int) (Math.log(micros) / Math.log(RATIO)));
    }

    private void add(int bucket, long delta) {
        ranked += delta;
        for (int i = bucket + 1; i <= BUCKETS; i += i & -i) {
            tree[i] += delta;
        }
    }

    /** Users in buckets 0..bucket. */
    private long prefix(int bucket) {
        long s = 0;
        for (int i = bucket + 1; i > 0; i -= i & -i) {
            s += tree[i];
        }
        return s;
    }
}
