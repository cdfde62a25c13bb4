package io.precis.gateway.redis;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.delivery.DeliveryLedger;
import io.precis.matcher.delivery.Money;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * One match's view of the {@link RedisDeliveryLedger}: the counters of its candidates as one
 * script read them, so ranking asks Redis once per chunk of candidates, not once per
 * candidate. Writes (cap slots, holds, releases) go to the ledger, whose scripts check again
 * atomically: a snapshot a moment old can let a candidate be tried, never let it pass a limit.
 * Confined to the matching thread.
 */
final class LedgerSnapshot implements DeliveryLedger {
    private final RedisDeliveryLedger ledger;
    private final Pseudonym user;
    private final Instant now;
    private final Map<String, Integer> capCounts = new HashMap<>();
    private final Map<String, long[]> spend = new HashMap<>();

    LedgerSnapshot(RedisDeliveryLedger ledger, Pseudonym user, Instant now) {
        this.ledger = ledger;
        this.user = user;
        this.now = now;
    }

    void capCount(String campaignId, int n) {
        capCounts.put(campaignId, n);
    }

    /** {spent total, day, spent on the day, held}, nanos. */
    void spend(String campaignId, LocalDate day, long total, long onDay, long held) {
        spend.put(campaignId, new long[] {total, day.toEpochDay(), onDay, held});
    }

    @Override
    public int impressionsSince(Pseudonym p, String campaignId, Instant since) {
        Integer n = p != null && p.equals(user) ? capCounts.get(campaignId) : null;
        // The snapshot counted over the campaign's own window, the one the matcher asks for.
        return n != null ? n : ledger.impressionsSince(p, campaignId, since);
    }

    @Override
    public boolean reserve(String adId, Pseudonym p, String campaignId, int cap, Instant since, Instant at,
                           Instant expires) {
        return ledger.reserve(adId, p, campaignId, cap, since, at, expires);
    }

    @Override
    public boolean tryHold(String campaignId, long nanos, long roomNanos, Instant at, Instant expires) {
        return ledger.tryHold(campaignId, nanos, roomNanos, at, expires);
    }

    @Override
    public void release(String campaignId, long nanos, Instant servedAt) {
        ledger.release(campaignId, nanos, servedAt);
    }

    @Override
    public long heldMicros(String campaignId, Instant at) {
        long[] s = spend.get(campaignId);
        return s != null && at.equals(now) ? Math.ceilDiv(s[3], Money.NANOS_PER_MICRO) : ledger.heldMicros(campaignId, at);
    }

    @Override
    public long spentMicrosTotal(String campaignId) {
        long[] s = spend.get(campaignId);
        return s != null ? Math.ceilDiv(s[0], Money.NANOS_PER_MICRO) : ledger.spentMicrosTotal(campaignId);
    }

    @Override
    public long spentMicrosOn(String campaignId, LocalDate day) {
        long[] s = spend.get(campaignId);
        return s != null && s[1] == day.toEpochDay() ? Math.ceilDiv(s[2], Money.NANOS_PER_MICRO)
                : ledger.spentMicrosOn(campaignId, day);
    }
}
