package io.precis.matcher.delivery;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spend held for ads served and not yet seen, per campaign: a CPM ad's impression price is
 * known when it is served, so the budget keeps it free until the pixel fires (the spend is then
 * booked for real and the hold released) or the impression token expires (the ad was never
 * seen). A campaign is then served only while its budget, less its spend and its holds, still
 * covers one more impression, instead of serving every request until the first pixels arrive
 * and giving the rest away for free.
 *
 * <p>Holds are summed per campaign in one bucket per minute of serving, so memory is bounded by
 * campaigns × minutes of token lifetime, not by ads; a release names the minute its ad was
 * served in (its token's issue time) and the amount, both of which its token carries. A bucket
 * stops counting once the last token served in it has expired. The sum is kept as buckets
 * change, and buckets are dropped oldest first, so reading what a campaign holds costs O(1)
 * amortised: it is read for every budgeted candidate the auction considers. Thread-safe; each
 * campaign's buckets are guarded by their own monitor.
 */
final class SpendReservations {
    private static final long MINUTE_MS = 60_000;

    private final ConcurrentHashMap<String, Buckets> byCampaign = new ConcurrentHashMap<>();

    /**
     * Holds {@code nanos} for an ad of {@code campaignId} served at {@code at}, until
     * {@code expires}, if what is held already plus {@code nanos} fits in {@code roomNanos} (the
     * budget less the spend): the check and the hold are one step, so parallel requests cannot
     * all take the last of a budget. Returns whether it was held.
     */
    boolean reserve(String campaignId, long nanos, long roomNanos, Instant at, Instant expires) {
        while (true) {
            Buckets b = byCampaign.computeIfAbsent(campaignId, k -> new Buckets());
            synchronized (b) {
                if (byCampaign.get(campaignId) != b) {
                    continue; // dropped as empty between the lookup and the lock: look again
                }
                if (saturatedSum(held(b, at.toEpochMilli()), nanos) > roomNanos) {
                    return false;
                }
                long[] bucket = b.byMinute.computeIfAbsent(minute(at), k -> new long[2]);
                bucket[0] = saturatedSum(bucket[0], nanos);
                bucket[1] = Math.max(bucket[1], expires.toEpochMilli());
                b.sum = saturatedSum(b.sum, nanos);
                return true;
            }
        }
    }

    /**
     * Releases the hold of an ad served at {@code servedAt} whose impression arrived. The ad was
     * held in the minute the matcher chose it, which may be the minute before its token's issue
     * time: what the first bucket lacks is taken from that one. Never below zero.
     */
    void release(String campaignId, long nanos, Instant servedAt) {
        Buckets b = byCampaign.get(campaignId);
        if (b == null || nanos <= 0) {
            return;
        }
        synchronized (b) {
            long left = nanos;
            for (long m = minute(servedAt); m >= minute(servedAt) - 1 && left > 0; m--) {
                long[] bucket = b.byMinute.get(m);
                if (bucket != null) {
                    long taken = Math.min(bucket[0], left);
                    bucket[0] -= taken;
                    b.sum -= taken;
                    left -= taken;
                }
            }
        }
    }

    /** What {@code campaignId} holds at {@code now} for ads served and not yet seen, in nanos. */
    long heldNanos(String campaignId, Instant now) {
        Buckets b = byCampaign.get(campaignId);
        if (b == null) {
            return 0;
        }
        synchronized (b) {
            long sum = held(b, now.toEpochMilli());
            if (b.byMinute.isEmpty()) {
                byCampaign.remove(campaignId, b);
            }
            return sum;
        }
    }

    /**
     * The sum of {@code b}'s live buckets at {@code nowMs}, dropping expired ones from the
     * oldest (with one token lifetime, a later minute never expires sooner); the caller holds
     * its monitor.
     */
    private static long held(Buckets b, long nowMs) {
        for (Map.Entry<Long, long[]> first = b.byMinute.firstEntry();
                first != null && first.getValue()[1] <= nowMs; first = b.byMinute.firstEntry()) {
            b.sum -= first.getValue()[0]; // every token served in that minute has expired
            b.byMinute.pollFirstEntry();
        }
        if (b.byMinute.isEmpty()) {
            b.sum = 0; // a saturated sum is exact again once nothing is held
        }
        return b.sum;
    }

    /** Forgets every hold of {@code campaignId}. */
    void forget(String campaignId) {
        byCampaign.remove(campaignId);
    }

    private static long minute(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), MINUTE_MS);
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** One campaign's holds: minute → {nanos held, latest expiry in epoch ms}, and their sum. */
    private static final class Buckets {
        final TreeMap<Long, long[]> byMinute = new TreeMap<>();
        long sum;
    }
}
