package io.precis.reports.event;

import static io.precis.reports.event.StoreFixture.ad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.precis.consent.identity.IpPrefix;
import io.precis.consent.identity.Pseudonym;
import io.precis.reports.InvalidRequestException;
import io.precis.reports.invalid.ClickContext;
import io.precis.reports.invalid.InvalidClickPolicy;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The integrity rules through the store: invalid clicks, attribution windows, view-through, replay. */
class IntegrityTest {
    private static final String CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.0 Safari/605.1.15";
    private static final ClickContext BROWSER = new ClickContext(new IpPrefix("203.0.113.0/24"), CHROME, false);

    @TempDir
    Path dir;
    StoreFixture f;

    @AfterEach
    void close() {
        f.close();
    }

    private StoreFixture open(AttributionPolicy a, InvalidClickPolicy c) {
        f = new StoreFixture(dir, a, c, ReportPolicy.DEFAULTS);
        return f;
    }

    private StoreFixture open() {
        return open(AttributionPolicy.DEFAULTS, InvalidClickPolicy.DEFAULTS);
    }

    private static AdServed userAd(String campaign, String user) {
        return ad("adv", campaign, "cr1", "CPC", 1_000_000, user, "CN-11", "news.example.cn", List.of("contextual"));
    }

    private Counts totals() {
        return f.report("adv", Dimension.CAMPAIGN).totals();
    }

    @Test
    void aClickSoonerThanOneSecondAfterItsImpressionIsInvalidTooFast() {
        open();
        AdServed a = userAd("c1", "u1");
        f.impression(a);
        f.clock.advance(Duration.ofMillis(300));
        ClickOutcome o = StoreFixture.await(f.store.recordClick(f.token(TokenKind.CLICK, a), f.signer.clickId(a), BROWSER));
        assertEquals("too_fast", o.invalidReason());
        assertEquals(new Counts(1, 0, 1, 0, 0, 0), totals());
    }

    @Test
    void clicksBeyondTheUserCapInAnHourAreInvalidAndTheCapResetsAfterTheHour() {
        open(AttributionPolicy.DEFAULTS, new InvalidClickPolicy(Duration.ofSeconds(1), 3, 1000));
        for (int i = 0; i < 5; i++) {
            AdServed a = userAd("c1", "u1");
            f.impression(a);
            ClickOutcome o = f.click(a, BROWSER);
            assertEquals(i < 3 ? null : "too_many_user", o.invalidReason(), "click " + i);
        }
        AdServed other = userAd("c2", "u1"); // another campaign: its own count
        f.impression(other);
        assertTrue(f.click(other, BROWSER).valid());
        f.clock.advance(Duration.ofHours(1));
        AdServed later = userAd("c1", "u1");
        f.impression(later);
        assertTrue(f.click(later, BROWSER).valid());
        Counts t = totals();
        assertEquals(5, t.clicks());
        assertEquals(2, t.invalidClicks());
        assertEquals(5_000_000, t.spendMicros()); // invalid clicks are never billed
    }

    @Test
    void clicksBeyondTheIpPrefixCapInAnHourAreInvalidEvenWithoutConsent() {
        open(AttributionPolicy.DEFAULTS, new InvalidClickPolicy(Duration.ofSeconds(1), 100, 4));
        for (int i = 0; i < 6; i++) {
            AdServed a = userAd("c1", null);
            f.impression(a);
            assertEquals(i < 4 ? null : "too_many_ip", f.click(a, BROWSER).invalidReason());
        }
        AdServed elsewhere = userAd("c1", null);
        f.impression(elsewhere);
        assertTrue(f.click(elsewhere, new ClickContext(new IpPrefix("198.51.100.0/24"), CHROME, false)).valid());
    }

    @Test
    void robotClicksAreInvalidAndNeverBilled() {
        open();
        AdServed a = userAd("c1", "u1");
        f.impression(a);
        ClickOutcome o = f.click(a, new ClickContext(null, "Mozilla/5.0 (compatible; bingbot/2.0)", false));
        assertEquals(new ClickOutcome(true, false, "robot", f.signer.clickId(a)), o);
        assertEquals(0, totals().spendMicros());
        // The robot's click id credits nothing.
        assertFalse(f.conversion(a, 10, "o-1").attributed());
    }

    @Test
    void aPrefetchIsInvalidButTheRealClickThatFollowsStillCounts() {
        open();
        AdServed a = userAd("c1", "u1");
        f.impression(a);
        ClickOutcome prefetch = f.click(a, new ClickContext(null, CHROME, true));
        assertEquals("prefetch", prefetch.invalidReason());
        assertFalse(f.click(a, new ClickContext(null, CHROME, true)).counted()); // a second prefetch: a repeat
        assertFalse(f.conversion(a, 5, null).attributed()); // nobody clicked yet
        ClickOutcome real = f.click(a, BROWSER);
        assertTrue(real.counted());
        assertTrue(real.valid());
        assertTrue(f.conversion(a, 5, null).attributed());
        Counts t = totals();
        assertEquals(1, t.clicks());
        assertEquals(1, t.invalidClicks());
    }

    @Test
    void aCampaignsOwnClickWindowOverridesTheDefault() {
        open(new AttributionPolicy(Duration.ofDays(7), Duration.ofDays(1),
                c -> c.equals("short") ? Duration.ofDays(1) : c.equals("long") ? Duration.ofDays(30) : null),
                InvalidClickPolicy.DEFAULTS);
        AdServed shortAd = userAd("short", null);
        AdServed longAd = userAd("long", null);
        AdServed plain = userAd("plain", null);
        for (AdServed a : List.of(shortAd, longAd, plain)) {
            f.impression(a);
            f.click(a);
        }
        f.clock.advance(Duration.ofDays(2));
        assertFalse(f.conversion(shortAd, 1, null).attributed());
        assertTrue(f.conversion(longAd, 1, null).attributed());
        assertTrue(f.conversion(plain, 1, null).attributed());
        f.clock.advance(Duration.ofDays(6));
        assertTrue(f.conversion(longAd, 1, null).attributed());
        assertFalse(f.conversion(plain, 1, null).attributed());
    }

    @Test
    void viewThroughCreditsTheConsentingUsersLatestImpressionWithinOneDay() {
        open();
        AdServed older = userAd("c1", "u1");
        AdServed latest = userAd("c2", "u1");
        f.impression(older);
        f.clock.advance(Duration.ofHours(2));
        f.impression(latest);
        f.clock.advance(Duration.ofHours(20));
        Pseudonym u1 = new Pseudonym("u1");
        ConversionOutcome o = f.conversion(new ConversionRequest(null, "purchase", 80_000_000, "CNY", "o-9", u1, null));
        assertEquals(new ConversionOutcome(true, true, "c2", true), o);
        // Replayed with the same order id: counted once.
        assertFalse(f.conversion(new ConversionRequest(null, "purchase", 80_000_000, "CNY", "o-9", u1, null)).counted());
        f.clock.advance(Duration.ofHours(3)); // now 23 h after c2's impression, 25 h after c1's
        assertEquals("c2", f.conversion(new ConversionRequest(null, "purchase", 1, "CNY", null, u1, null)).campaignId());
        f.clock.advance(Duration.ofHours(2)); // past the view window of both
        assertFalse(f.conversion(new ConversionRequest(null, "purchase", 1, "CNY", null, u1, null)).attributed());
        Counts t = totals();
        assertEquals(2, t.conversions());
        assertEquals(80_000_001, t.revenueMicros());
    }

    @Test
    void withoutMeasurementConsentThereIsNoViewThrough() {
        open();
        AdServed anonymous = userAd("c1", null); // served without consent: the token has no pseudonym
        f.impression(anonymous);
        // Without consent the gateway sets no pseudonym, and then a click is required.
        assertThrows(IllegalArgumentException.class,
                () -> new ConversionRequest(null, "purchase", 1, "CNY", null, null, null));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> ConversionRequest.parse(new ObjectMapper().valueToTree(Map.of("value", 5))));
        assertEquals("click", e.field());
        // Even a pseudonym guessed later cannot reach an impression recorded without one.
        assertFalse(f.conversion(new ConversionRequest(null, "purchase", 1, "CNY", null, new Pseudonym("u1"), null))
                .attributed());
        assertEquals(0, totals().conversions());
    }

    @Test
    void aValidClickTakesPrecedenceOverViewThroughAndViewThroughCanBeScopedToAnAdvertiser() {
        open();
        AdServed clicked = userAd("c1", "u1");
        f.impression(clicked);
        f.click(clicked);
        AdServed seen = userAd("c2", "u1");
        f.impression(seen);
        AdServed foreign = ad("other", "x1", "cr", "CPA", 5_000_000, "u1", null, null, List.of());
        f.clock.advance(Duration.ofSeconds(1)); // the foreign impression is the user's latest
        f.impression(foreign);
        Pseudonym u1 = new Pseudonym("u1");
        ConversionOutcome viaClick = f.conversion(new ConversionRequest(f.signer.clickId(clicked), "purchase", 1,
                "CNY", null, u1, null));
        assertEquals(new ConversionOutcome(true, true, "c1", false), viaClick);
        // Forged click id, pseudonym present: falls back to view-through, scoped to adv.
        ConversionOutcome scoped = f.conversion(new ConversionRequest("forged-click-id", "purchase", 1, "CNY", null,
                u1, "adv"));
        assertEquals(new ConversionOutcome(true, true, "c2", true), scoped);
        ConversionOutcome unscoped = f.conversion(new ConversionRequest(null, "purchase", 1, "CNY", null, u1, null));
        assertEquals("x1", unscoped.campaignId());
        assertEquals(5_000_000, f.report("other", Dimension.CAMPAIGN).totals().spendMicros()); // CPA on view
    }

    @Test
    void forgedAndReplayedConversionsNeverCredit() {
        open();
        AdServed a = userAd("c1", "u1");
        f.impression(a);
        f.click(a);
        // Forged: a click id nobody was given, or one of another ad (ids are HMACs under the server key).
        assertEquals(new ConversionOutcome(true, false, null), f.conversion("AAAAAAAAAAAAAAAAAAAAAA", 100, "o-1"));
        AdServed never = userAd("c1", "u1");
        assertFalse(f.conversion(f.signer.clickId(never), 100, "o-2").attributed());
        // Replayed: the same order id of the same campaign counts once, however often it comes.
        assertTrue(f.conversion(a, 100, "o-3").counted());
        for (int i = 0; i < 5; i++) {
            assertEquals(new ConversionOutcome(false, true, "c1"), f.conversion(a, 100, "o-3"));
        }
        Counts t = totals();
        assertEquals(1, t.conversions());
        assertEquals(100_000_000, t.revenueMicros());
    }

    @Test
    void tokensBindThePseudonymAndRegionSoNeitherCanBeChanged() throws Exception {
        open();
        AdServed a = userAd("c1", "u1");
        String token = f.signer.issue(TokenKind.IMPRESSION, a);
        assertEquals("u1", f.signer.verify(token, TokenKind.IMPRESSION).ad().pseudonym());
        assertEquals("CN-11", f.signer.verify(token, TokenKind.IMPRESSION).ad().region());
        // Sealed: the pseudonym cannot be found to be edited, and no changed byte opens.
        byte[] sealed = java.util.Base64.getUrlDecoder().decode(token);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x02;
            String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            assertThrows(io.precis.reports.token.InvalidTokenException.class,
                    () -> f.signer.verify(forged, TokenKind.IMPRESSION), "byte " + i);
        }
        assertNull(f.signer.verify(f.signer.issue(TokenKind.CLICK, userAd("c1", null)), TokenKind.CLICK).ad().pseudonym());
    }
}
