package io.precis.matcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Spend in the ledger: booked in nanos exactly, read in micros rounded up, never wrapping. */
class InMemoryDeliveryLedgerTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** 12:00 in Asia/Shanghai on 2026-11-03. */
    private static final Instant NOON = Instant.parse("2026-11-03T04:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2026-11-03");
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();

    @Test
    void nanosAreKeptExactlyAndReadAsMicrosRoundedUp() {
        ledger.recordSpendNanos("c", NOON, 1, SHANGHAI);
        assertEquals(1, ledger.spentNanosTotal("c"));
        assertEquals(1, ledger.spentMicrosTotal("c"), "a fraction of a micro counts as a whole one");
        ledger.recordSpendNanos("c", NOON, 999, SHANGHAI);
        assertEquals(1000, ledger.spentNanosTotal("c"));
        assertEquals(1, ledger.spentMicrosTotal("c"), "fractions add up exactly, not rounded one by one");
        ledger.recordSpendNanos("c", NOON, 1, SHANGHAI);
        assertEquals(2, ledger.spentMicrosTotal("c"));
        assertEquals(2, ledger.spentMicrosOn("c", DAY));
        assertEquals(1001, ledger.spentNanosOn("c", DAY));
    }

    @Test
    void microsAreStillBookedThroughTheOldMethod() {
        ledger.recordSpend("c", NOON, 990_000, SHANGHAI);
        ledger.recordSpendNanos("c", NOON, 10_000_000, SHANGHAI);
        assertEquals(1_000_000, ledger.spentMicrosTotal("c"));
        assertEquals(1_000_000_000, ledger.spentNanosTotal("c"));
        assertEquals(1_000_000, ledger.spentMicrosOn("c", DAY));
    }

    @Test
    void spendLandsOnTheDayOfTheCampaignTimeZone() {
        // 23:59:59 on 2026-11-02 in Shanghai is 15:59:59 UTC on the same date; 16:00 UTC is the 3rd there.
        ledger.recordSpendNanos("c", Instant.parse("2026-11-02T15:59:59Z"), 5_000, SHANGHAI);
        ledger.recordSpendNanos("c", Instant.parse("2026-11-02T16:00:00Z"), 7_000, SHANGHAI);
        assertEquals(5, ledger.spentMicrosOn("c", LocalDate.parse("2026-11-02")));
        assertEquals(7, ledger.spentMicrosOn("c", DAY));
        assertEquals(12, ledger.spentMicrosTotal("c"));
    }

    @Test
    void hugeSpendSaturatesInsteadOfWrappingNegative() {
        ledger.recordSpend("c", NOON, Long.MAX_VALUE / 10, SHANGHAI); // beyond a long in nanos
        ledger.recordSpendNanos("c", NOON, Long.MAX_VALUE, SHANGHAI);
        assertEquals(Long.MAX_VALUE, ledger.spentNanosTotal("c"));
        assertEquals(Long.MAX_VALUE, ledger.spentNanosOn("c", DAY));
        assertEquals(Math.ceilDiv(Long.MAX_VALUE, 1000), ledger.spentMicrosTotal("c"));
    }

    @Test
    void negativeSpendIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ledger.recordSpendNanos("c", NOON, -1, SHANGHAI));
        assertThrows(IllegalArgumentException.class, () -> ledger.recordSpend("c", NOON, -1, SHANGHAI));
        assertEquals(0, ledger.spentMicrosTotal("c"));
    }

    @Test
    void forgettingACampaignDropsItsSpend() {
        ledger.recordSpendNanos("c", NOON, 5_000, SHANGHAI);
        ledger.forgetCampaign("c");
        assertEquals(0, ledger.spentNanosTotal("c"));
        assertEquals(0, ledger.spentMicrosOn("c", DAY));
    }
}
