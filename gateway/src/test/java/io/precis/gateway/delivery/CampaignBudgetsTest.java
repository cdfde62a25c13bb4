package io.precis.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.precis.gateway.campaigns.CampaignService;
import io.precis.gateway.storage.CampaignStore;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.reports.budget.Charge;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the writer may still charge a campaign, from its budgets and the ledger's spend. */
class CampaignBudgetsTest {
    /** 12:00 in Asia/Shanghai (the default campaign time zone) on 2026-11-03. */
    private static final Instant NOON = Instant.parse("2026-11-03T04:00:00Z");
    private static final long UNIT_NANOS = 1_000_000_000;

    private final CampaignIndex index = new CampaignIndex();
    private final CampaignService campaigns = new CampaignService(new MemoryStore(), index,
            Clock.fixed(NOON, ZoneOffset.UTC));
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
    private final CampaignBudgets budgets = new CampaignBudgets(ledger, campaigns);

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    private String campaign(String budgetJson) {
        try {
            return campaigns.create("adv", new ObjectMapper().readTree("""
                    {"name": "Budgeted", "bid": {"model": "CPC", "amount": 1},
                     "budget": %s,
                     "creatives": [{"id": "c1", "format": "banner-300x250", "landingUrl": "https://shop.example/"}]}
                    """.formatted(budgetJson))).id();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whatIsLeftIsTheSmallerOfTheTotalAndTodaysRest() {
        String id = campaign("{\"total\": 10, \"daily\": 3}");
        assertEquals(3 * UNIT_NANOS, budgets.remainingNanos(id, NOON));
        budgets.charged(List.of(new Charge(id, NOON, 2 * UNIT_NANOS + 1)));
        assertEquals(UNIT_NANOS - 1, budgets.remainingNanos(id, NOON), "exact to the nano");
        // The next day in Asia/Shanghai: the daily budget is fresh, the total is not.
        Instant tomorrow = NOON.plusSeconds(24 * 3600);
        assertEquals(3 * UNIT_NANOS, budgets.remainingNanos(id, tomorrow));
        budgets.charged(List.of(new Charge(id, tomorrow, 3 * UNIT_NANOS), new Charge(id, tomorrow.plusSeconds(1),
                2 * UNIT_NANOS)));
        assertEquals(0, budgets.remainingNanos(id, tomorrow), "over the daily budget counts as nothing left");
        assertEquals(3 * UNIT_NANOS - 1, 10 * UNIT_NANOS - ledger.spentNanosTotal(id));
    }

    @Test
    void chargesAreBookedOnTheDayOfTheCampaignTimeZone() {
        String id = campaign("{\"daily\": 3}");
        // 16:30 UTC on the 3rd is 00:30 on the 4th in Asia/Shanghai.
        budgets.charged(List.of(new Charge(id, Instant.parse("2026-11-03T16:30:00Z"), 1500)));
        assertEquals(2, ledger.spentMicrosOn(id, LocalDate.parse("2026-11-04")));
        assertEquals(0, ledger.spentMicrosOn(id, LocalDate.parse("2026-11-03")));
    }

    @Test
    void noBudgetOrAnUnknownCampaignIsUnlimited() {
        assertEquals(Long.MAX_VALUE, budgets.remainingNanos(campaign("{}"), NOON));
        assertEquals(Long.MAX_VALUE, budgets.remainingNanos("no-such-campaign", NOON));
        budgets.charged(List.of(new Charge("no-such-campaign", NOON, 5)));
        assertEquals(0, ledger.spentNanosTotal("no-such-campaign"));
    }

    @Test
    void budgetsRoundToTheMicroAsTheMatcherDoesAndSaturateBeyondALong() {
        assertEquals(35_000_000, CampaignBudgets.nanos(new BigDecimal("0.035")));
        assertEquals(1000, CampaignBudgets.nanos(new BigDecimal("0.0000005")));
        assertEquals(0, CampaignBudgets.nanos(new BigDecimal("0.0000004")));
        // Ten billion units: fits a long in micros, not in nanos.
        assertEquals(Long.MAX_VALUE, CampaignBudgets.nanos(new BigDecimal("10000000000")));
        // Beyond a long even in micros.
        assertEquals(Long.MAX_VALUE, CampaignBudgets.nanos(new BigDecimal("1E+20")));
    }

    /** Campaigns in memory. */
    private static final class MemoryStore implements CampaignStore {
        private final List<Campaign> saved = new ArrayList<>();

        @Override
        public synchronized void save(Campaign campaign) {
            saved.removeIf(c -> c.id().equals(campaign.id()));
            saved.add(campaign);
        }

        @Override
        public synchronized List<Campaign> all() {
            return List.copyOf(saved);
        }
    }
}
