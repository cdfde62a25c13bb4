package io.precis.gateway.delivery;

import io.precis.gateway.campaigns.CampaignService;
import io.precis.matcher.campaign.Budget;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.delivery.DeliveryBook;
import io.precis.matcher.delivery.Money;
import io.precis.reports.budget.Charge;
import io.precis.reports.budget.SpendLimits;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The campaigns' budgets as the event store's writer enforces them: what is left is the budget
 * (from {@link CampaignService}) less the spend in the same ledger the matcher reads, and every
 * committed charge is booked into that ledger, exactly, at the event's time. This is the only
 * place spend is booked while the gateway runs ({@link DeliveryFeedback#rebuild} seeds it at
 * start), so every charge is counted once, at what was actually charged.
 *
 * <p>Called on the writer thread only. With the ledger in memory both lookups are in memory (a
 * ConcurrentHashMap each), nothing here blocks, and nothing throws for any stored campaign; with
 * a shared ledger (Redis) a lookup is a round trip, and a Redis that is away fails the batch
 * (its events are answered 503 and not acknowledged, so none is lost).
 */
public final class CampaignBudgets implements SpendLimits {
    private final DeliveryBook ledger;
    private final CampaignService campaigns;

    public CampaignBudgets(DeliveryBook ledger, CampaignService campaigns) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.campaigns = Objects.requireNonNull(campaigns, "campaigns");
    }

    @Override
    public long remainingNanos(String campaignId, Instant at) {
        Campaign c = campaigns.find(campaignId).orElse(null);
        if (c == null) {
            return Long.MAX_VALUE;
        }
        if (c.status() == CampaignStatus.ARCHIVED) {
            return 0; // archiving ends the campaign: its late events are counted, never charged
        }
        Budget b = c.budget();
        long left = Long.MAX_VALUE;
        if (b.total() != null) {
            left = Math.min(left, nanos(b.total()) - ledger.spentNanosTotal(campaignId));
        }
        if (b.daily() != null) {
            left = Math.min(left, nanos(b.daily())
                    - ledger.spentNanosOn(campaignId, at.atZone(c.schedule().timezone()).toLocalDate()));
        }
        return Math.max(0, left); // a budget lowered below its spend has nothing left, not less
    }

    @Override
    public void charged(List<Charge> charges) {
        for (Charge charge : charges) {
            campaigns.find(charge.campaignId()).ifPresent(c -> ledger.recordSpendNanos(c.id(), charge.at(),
                    charge.costNanos(), c.schedule().timezone()));
        }
    }

    /**
     * A budget in nanos, rounded to the micro as the matcher rounds it ({@link Money#micros}).
     * Budgets have no upper bound in validation: one beyond what a long holds in nanos (about
     * 9.2 billion currency units) saturates at {@link Long#MAX_VALUE}, which no charge (at most
     * 10^15 nanos, see {@code AdServed.MAX_PRICE_MICROS}) comes near; what is left is then
     * under-estimated, never over-estimated, and only once 9.2 billion units have been spent.
     */
    static long nanos(BigDecimal amount) {
        long micros;
        try {
            micros = Money.micros(amount);
        } catch (ArithmeticException beyondLong) {
            return Long.MAX_VALUE;
        }
        return Money.nanos(micros);
    }
}
