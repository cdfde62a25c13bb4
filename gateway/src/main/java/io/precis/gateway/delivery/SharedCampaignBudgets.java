package io.precis.gateway.delivery;

import io.precis.gateway.campaigns.CampaignService;
import io.precis.gateway.redis.RedisDeliveryLedger;
import io.precis.matcher.campaign.Budget;
import io.precis.matcher.campaign.Campaign;
import io.precis.reports.budget.Charge;
import io.precis.reports.budget.SpendLimits;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@link CampaignBudgets} for several event writers (gateways on one database and one Redis):
 * each charge is taken from the budget in Redis in one atomic step with the check
 * ({@link RedisDeliveryLedger#takeSpendNanos}), instead of read here and booked after the
 * commit, which let two writers both charge what was left. What a rolled-back batch took is
 * given back. Called on the writer thread; each call is a Redis round trip, and a Redis that is
 * away fails the batch (503, nothing acknowledged).
 */
public final class SharedCampaignBudgets implements SpendLimits {
    /**
     * Budgets beyond 2^53 nanos (about 9 million currency units) are compared as no budget: the
     * script's numbers are doubles, exact only below that.
     */
    private static final long EXACT_IN_LUA = 1L << 53;

    private final RedisDeliveryLedger ledger;
    private final CampaignBudgets single;
    private final CampaignService campaigns;

    public SharedCampaignBudgets(RedisDeliveryLedger ledger, CampaignService campaigns) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.campaigns = Objects.requireNonNull(campaigns, "campaigns");
        this.single = new CampaignBudgets(ledger, campaigns);
    }

    @Override
    public long remainingNanos(String campaignId, Instant at) {
        return single.remainingNanos(campaignId, at);
    }

    @Override
    public long take(String campaignId, Instant at, long costNanos, long takenInBatch) {
        Campaign c = campaigns.find(campaignId).orElse(null);
        if (c == null) {
            return costNanos; // an unknown campaign has no budget (as CampaignBudgets says)
        }
        if (c.status() == io.precis.matcher.campaign.CampaignStatus.ARCHIVED) {
            return 0; // archiving ends the campaign: its late events are counted, never charged
        }
        // Unbudgeted spend is booked too: a budget added later counts what was spent before it.
        Budget b = c.budget();
        return ledger.takeSpendNanos(campaignId, at, c.schedule().timezone(), costNanos, limit(b.total()),
                limit(b.daily()));
    }

    private static long limit(java.math.BigDecimal amount) {
        if (amount == null) {
            return -1;
        }
        long nanos = CampaignBudgets.nanos(amount);
        return nanos >= EXACT_IN_LUA ? -1 : nanos;
    }

    /** Booked already, in {@link #take}. */
    @Override
    public void charged(List<Charge> charges) {
    }

    @Override
    public void givenBack(List<Charge> charges) {
        for (Charge charge : charges) {
            campaigns.find(charge.campaignId()).ifPresent(c -> ledger.returnSpendNanos(c.id(), charge.at(),
                    c.schedule().timezone(), charge.costNanos()));
        }
    }
}
