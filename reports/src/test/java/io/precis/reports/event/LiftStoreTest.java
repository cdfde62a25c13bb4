package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import io.precis.reports.lift.CampaignLift;
import io.precis.reports.lift.LiftEstimate;
import io.precis.reports.privacy.ReportPolicy;
import io.precis.reports.token.AdServed;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The groups of a lift test as the event store keeps them: people enter when first served the
 * campaign (exposed) or held out of it (a ghost impression), every later conversion reported with them
 * counts, credited or not; ghosts are never impressions nor billed; small groups are withheld;
 * erasure keeps the counts and drops the link.
 */
class LiftStoreTest {
    private static final String ADV = "adv-1";
    private static final String LIFT = "lift";
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir);
    }

    private static AdServed ad(String campaign, String person) {
        return StoreFixture.ad(ADV, campaign, "cr1", "CPM", 2_000_000, person, "CN-11", "news.example.cn",
                List.of("contextual"));
    }

    /** As the gateway serves a lift test's campaign: the exposure at the auction, then the impression pixel. */
    private static void served(StoreFixture f, AdServed ad) {
        assertTrue(StoreFixture.await(f.store.recordExposure(ad)));
        assertTrue(f.impression(ad).counted());
    }

    private static ConversionRequest bought(String person, double value, String advertiser) {
        return new ConversionRequest(null, "purchase", Math.round(value * 1_000_000), "CNY", null,
                new Pseudonym(person), advertiser);
    }

    private static CampaignLift liftOf(Report r) {
        assertEquals(1, r.lift().size(), r.lift().toString());
        return r.lift().getFirst();
    }

    @Test
    void exposedAndHeldOutPeopleAndTheirLaterConversionsMakeTheLiftOfTheReport(@TempDir Path dir) {
        try (StoreFixture f = fixture(dir)) {
            // A conversion before anyone entered the test counts for nobody.
            f.conversion(bought("e-0", 50, null));
            f.clock.advance(Duration.ofMinutes(1));
            for (int i = 0; i < 400; i++) {
                AdServed ad = ad(LIFT, "e-" + i);
                if (i < 10) { // served, but the impression pixel never fired: exposed all the same
                    assertTrue(StoreFixture.await(f.store.recordExposure(ad)));
                } else {
                    served(f, ad);
                }
            }
            for (int i = 0; i < 100; i++) {
                AdServed ghost = ad(LIFT, "h-" + i);
                assertTrue(StoreFixture.await(f.store.recordGhost(ghost)));
                assertFalse(StoreFixture.await(f.store.recordGhost(ghost)), "a ghost is recorded once");
            }
            // Impressions alone (another campaign's, an anonymous one) enter no test.
            f.impression(ad("plain", "e-1"));
            f.impression(StoreFixture.ad(ADV, LIFT, "cr1", "CPM", 2_000_000));
            f.clock.advance(Duration.ofHours(2));
            for (int i = 0; i < 60; i++) {
                f.conversion(bought("e-" + i, 100, i % 2 == 0 ? ADV : null));
            }
            f.conversion(bought("e-0", 100, null)); // a second purchase (a repeat under "one"): one converter, both values
            f.conversion(bought("e-1", 999, "another-advertiser")); // not this advertiser's test
            for (int i = 0; i < 5; i++) {
                f.conversion(bought("h-" + i, 100, null));
            }
            f.conversion(bought("nobody", 100, null));

            Report r = f.report(ADV, Dimension.CAMPAIGN);
            ReportRow liftRow = r.rows().stream().filter(row -> row.keys().get(Dimension.CAMPAIGN).equals(LIFT))
                    .findFirst().orElseThrow();
            assertEquals(391, liftRow.counts().impressions(), "ghosts and exposures are never impressions");
            assertEquals(391 * 2_000L, liftRow.counts().spendMicros(), "nor billed");
            CampaignLift lift = liftOf(r);
            assertEquals(LIFT, lift.campaignId());
            LiftEstimate e = lift.estimate();
            assertNotNull(e);
            LiftEstimate expected = LiftEstimate.of(400, 60, 100, 5, new BigDecimal("6100"), new BigDecimal("500"),
                    new BigDecimal("0.782"), ReportPolicy.DEFAULTS.minUsers());
            assertEquals(expected, e);
            assertEquals(0.15, e.exposedRate());
            assertEquals(0.05, e.heldOutRate());
            assertTrue(e.significant());
            assertEquals(new BigDecimal("4100.000000"), e.incrementalRevenue()); // (15.25 − 5) × 400

            // The JSON names every figure.
            var json = ReportJson.toJson(r).get("lift").get(0);
            for (String field : List.of("campaign", "withheld", "exposedPeople", "heldOutPeople",
                    "exposedConversionRate", "heldOutConversionRate", "absoluteLift", "absoluteLiftLow",
                    "absoluteLiftHigh", "relativeLift", "relativeLiftLow", "relativeLiftHigh",
                    "incrementalConversions", "incrementalRevenue", "iroas", "significant")) {
                assertTrue(json.has(field), field);
            }
            assertEquals(0.1, json.get("absoluteLift").asDouble(), 1e-9);
            // Whole numbers without an exponent, as every amount of a report.
            assertEquals("40", json.get("incrementalConversions").toString());
            assertEquals("4100", json.get("incrementalRevenue").toString());

            // A campaign filter reads that campaign's test only.
            assertEquals(List.of(), f.report(ADV, "plain", Dimension.CAMPAIGN).lift());
            assertEquals(List.of(), f.report("another-advertiser", Dimension.CAMPAIGN).lift());
        }
    }

    @Test
    void aTestWithFewerThanKPeopleInAGroupIsWithheld(@TempDir Path dir) {
        try (StoreFixture f = fixture(dir)) {
            for (int i = 0; i < 50; i++) {
                served(f, ad(LIFT, "e-" + i));
            }
            for (int i = 0; i < ReportPolicy.DEFAULTS.minUsers() - 1; i++) {
                StoreFixture.await(f.store.recordGhost(ad(LIFT, "h-" + i)));
            }
            Report r = f.report(ADV, Dimension.CAMPAIGN);
            assertTrue(liftOf(r).withheld());
            var json = ReportJson.toJson(r).get("lift").get(0);
            assertTrue(json.get("withheld").asBoolean());
            assertFalse(json.has("heldOutPeople"), "a withheld test shows no count");
            StoreFixture.await(f.store.recordGhost(ad(LIFT, "h-last")));
            assertFalse(liftOf(f.report(ADV, Dimension.CAMPAIGN)).withheld());
        }
    }

    @Test
    void aPersonKeepsTheGroupTheyEnteredFirst(@TempDir Path dir) {
        try (StoreFixture f = fixture(dir)) {
            for (int i = 0; i < 20; i++) {
                StoreFixture.await(f.store.recordGhost(ad(LIFT, "p-" + i)));
                served(f, ad(LIFT, "p-" + i)); // the hold-out share changed meanwhile
                served(f, ad(LIFT, "q-" + i));
                StoreFixture.await(f.store.recordGhost(ad(LIFT, "q-" + i)));
            }
            LiftEstimate e = liftOf(f.report(ADV, Dimension.CAMPAIGN)).estimate();
            assertEquals(20, e.exposed());
            assertEquals(20, e.heldOut());
        }
    }

    @Test
    void peopleWhoEnteredBeforeTheRetentionHorizonLoseTheirLinkAndTheCountsStay(@TempDir Path dir) throws Exception {
        try (StoreFixture f = fixture(dir)) {
            for (int i = 0; i < 20; i++) {
                served(f, ad(LIFT, "old-" + i));
                StoreFixture.await(f.store.recordGhost(ad(LIFT, "oldh-" + i)));
            }
            f.conversion(bought("old-1", 10, null));
            f.clock.advance(JdbcEventStore.DEFAULT_EVENT_RETENTION.plusDays(1));
            for (int i = 0; i < 10; i++) {
                served(f, ad(LIFT, "new-" + i));
            }
            LiftEstimate before = liftOf(f.report(ADV, Dimension.CAMPAIGN)).estimate();
            f.store.purgeExpiredEvents();
            assertEquals(before, liftOf(f.report(ADV, Dimension.CAMPAIGN)).estimate());
            try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM precis_lift_people WHERE person LIKE 'old%'"
                         + " OR person LIKE 'new%'")) {
                rs.next();
                assertEquals(10, rs.getInt(1), "only the people who entered within the horizon keep their link");
            }
            f.conversion(bought("old-2", 10, null)); // forgotten: counts for nobody
            assertEquals(before, liftOf(f.report(ADV, Dimension.CAMPAIGN)).estimate());
        }
    }

    @Test
    void erasureKeepsTheTestsCountsAndDropsTheLinkGhostsIncluded(@TempDir Path dir) throws Exception {
        try (StoreFixture f = fixture(dir)) {
            for (int i = 0; i < 20; i++) {
                served(f, ad(LIFT, "e-" + i));
                StoreFixture.await(f.store.recordGhost(ad(LIFT, "h-" + i)));
            }
            f.conversion(bought("h-3", 10, null));
            assertEquals(List.of("ghost"), f.store.linkedTo(List.of(new Pseudonym("h-3"))).stream()
                    .filter(l -> !l.kind().equals("conv")).map(LinkedEvent::kind).toList());
            LiftEstimate before = liftOf(f.report(ADV, Dimension.CAMPAIGN)).estimate();
            f.store.unlink(List.of(new Pseudonym("h-3")));
            assertEquals(List.of(), f.store.linkedTo(List.of(new Pseudonym("h-3"))));
            assertEquals(before, liftOf(f.report(ADV, Dimension.CAMPAIGN)).estimate());
            try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM precis_lift_people WHERE person = 'h-3'")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
            // A later conversion of the erased pseudonym finds no test.
            f.conversion(bought("h-3", 10, null));
            assertEquals(before, liftOf(f.report(ADV, Dimension.CAMPAIGN)).estimate());
        }
    }
}
