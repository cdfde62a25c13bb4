package io.precis.matcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.precis.consent.identity.Pseudonym;
import io.precis.consent.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Frequency caps count recorded impressions: a served ad is pending until its impression is
 * recorded (then it is that impression) or its token expires (then it no longer counts).
 */
class PendingImpressionsTest {
    private static final Instant T0 = Instant.parse("2026-11-03T04:00:00Z");
    private static final Duration TOKEN = Duration.ofHours(1);
    private static final Pseudonym ALICE = new Pseudonym("alice");
    private static final Pseudonym BOB = new Pseudonym("bob");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(clock);

    private void serve(String adId, Pseudonym p, String campaign) {
        Instant now = clock.instant();
        ledger.recordServed(adId, p, campaign, now, now.plus(TOKEN));
    }

    private int dayCount(Pseudonym p, String campaign) {
        return ledger.impressionsSince(p, campaign, clock.instant().minus(Duration.ofHours(24)));
    }

    @Test
    void aServedAdCountsWhilePendingAndStopsWhenItsTokenExpiresUnseen() {
        serve("ad-1", ALICE, "c");
        assertEquals(1, dayCount(ALICE, "c"), "pending counts: a cap holds while the pixel is in flight");
        assertEquals(0, dayCount(ALICE, "other"));
        assertEquals(0, dayCount(BOB, "c"));
        clock.advance(TOKEN.minusSeconds(1));
        assertEquals(1, dayCount(ALICE, "c"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, dayCount(ALICE, "c"), "never seen, so it does not use up the cap");
        assertNull(ledger.recordImpression("ad-1", clock.instant()), "its pixel can no longer count");
        assertEquals(0, dayCount(ALICE, "c"));
    }

    @Test
    void aRecordedImpressionReplacesItsPendingAdAndCountsForTheWholeWindow() {
        serve("ad-1", ALICE, "c");
        clock.advance(Duration.ofMinutes(5));
        assertEquals(ALICE, ledger.recordImpression("ad-1", clock.instant()));
        assertEquals(1, dayCount(ALICE, "c"), "once, not as pending and as impression");
        assertNull(ledger.recordImpression("ad-1", clock.instant()), "a replayed pixel counts once");
        assertEquals(1, dayCount(ALICE, "c"));
        assertEquals(0, ledger.pendingAds());
        clock.advance(Duration.ofHours(23)); // long past the token's expiry, within the day
        assertEquals(1, dayCount(ALICE, "c"));
        clock.advance(Duration.ofMinutes(61)); // 24 h and 1 minute after the impression
        assertEquals(0, dayCount(ALICE, "c"));
    }

    @Test
    void unknownAdsCountNothing() {
        assertNull(ledger.recordImpression("never-served", T0));
        ledger.recordServed("anonymous", null, "c", T0, T0.plus(TOKEN));
        assertNull(ledger.recordImpression("anonymous", T0));
        assertEquals(0, ledger.pendingAds());
        assertEquals(0, ledger.usersTracked());
    }

    @Test
    void pendingAndRecordedAddUp() {
        serve("ad-1", ALICE, "c");
        serve("ad-2", ALICE, "c");
        serve("ad-3", ALICE, "c");
        assertEquals(ALICE, ledger.recordImpression("ad-2", clock.instant()));
        assertEquals(3, dayCount(ALICE, "c"));
        clock.advance(TOKEN);
        assertEquals(1, dayCount(ALICE, "c"), "only the seen one is left");
    }

    @Test
    void erasureDropsPendingAdsToo() {
        serve("ad-1", ALICE, "c");
        serve("ad-2", BOB, "c");
        ledger.erase(ALICE);
        assertEquals(0, dayCount(ALICE, "c"));
        assertNull(ledger.recordImpression("ad-1", clock.instant()), "an erased user's pixel links nothing");
        assertEquals(0, dayCount(ALICE, "c"));
        assertEquals(1, ledger.pendingAds());
        assertEquals(1, ledger.usersTracked());
    }

    @Test
    void expiredPendingAdsAreFreedByTheSweep() {
        for (int i = 0; i < 100; i++) {
            serve("old-" + i, new Pseudonym("u" + i), "c");
        }
        assertEquals(100, ledger.pendingAds());
        clock.advance(TOKEN.plusSeconds(1));
        for (int i = 0; i < 5000; i++) { // past one sweep period
            serve("new-" + i, ALICE, "c" + (i % 3));
        }
        assertEquals(0, ledger.impressionsSince(new Pseudonym("u1"), "c", T0));
        assertEquals(1, ledger.usersTracked(), "users with nothing left are dropped");
        assertEquals(3 * 1000, ledger.pendingAds(), "at most the largest cap pending per user and campaign");
    }
}
