package io.precis.reports.event;

import static io.precis.reports.event.StoreFixture.ad;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.reports.token.AdServed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A known sequence of events, and every report number computed by hand. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportNumbersTest {
    StoreFixture f;

    /** The store under test; {@link PostgresReportNumbersTest} checks the same numbers on PostgreSQL. */
    StoreFixture fixture(Path dir) {
        return new StoreFixture(dir);
    }

    @BeforeAll
    void recordKnownSequence(@TempDir Path dir) {
        f = fixture(dir);
        // Day 1 (2026-11-03): c1 is CPM 12.5, three impressions over two creatives, one click, one sale.
        AdServed c1a = ad("adv", "c1", "cr1", "CPM", 12_500_000);
        AdServed c1b = ad("adv", "c1", "cr1", "CPM", 12_500_000);
        AdServed c1c = ad("adv", "c1", "cr2", "CPM", 12_500_000);
        List.of(c1a, c1b, c1c).forEach(f::impression);
        f.click(c1a);
        f.conversion(c1a, 199.0, "o-1");
        // The same campaign id under another advertiser must never leak into adv's report.
        AdServed foreign = ad("other", "c1", "cr1", "CPC", 9_000_000);
        f.impression(foreign);
        f.click(foreign);
        f.conversion(foreign, 1000, null);

        f.clock.advance(Duration.ofDays(1));
        // Day 2 (2026-11-04): c2 is CPC 0.5, two valid clicks and one without an impression.
        AdServed c2a = ad("adv", "c2", "cr1", "CPC", 500_000);
        AdServed c2b = ad("adv", "c2", "cr1", "CPC", 500_000);
        AdServed c2c = ad("adv", "c2", "cr1", "CPC", 500_000);
        f.impression(c2a);
        f.impression(c2b);
        f.click(c2a);
        f.click(c2b);
        f.click(c2c);
        f.conversion(c2a, 100, null);
        f.conversion(c2c, 70, null); // invalid click: unattributed
        // c3 is CPA 30: one sale worth 50, plus a repeated order id that must not count again.
        AdServed c3 = ad("adv", "c3", "cr1", "CPA", 30_000_000);
        f.impression(c3);
        f.click(c3);
        f.conversion(c3, 50, "o-1");
        f.conversion(c3, 50, "o-1");
        // c4 is CPC with one impression and nothing else: every ratio but ctr and ecpm is null.
        f.impression(ad("adv", "c4", "cr1", "CPC", 500_000));
    }

    @AfterAll
    void closeStore() {
        f.close();
    }

    private static final String METRICS = "impressions,clicks,invalidClicks,conversions,spend,revenue,ctr,cvr,cpc,cpa,ecpm,roas,roi";
    private static final String VIEWABILITY = "measuredImpressions,viewableImpressions,viewabilityRate,vcpm";

    private static String metrics(JsonNode n) {
        StringBuilder b = new StringBuilder();
        for (String m : METRICS.split(",")) {
            b.append(b.isEmpty() ? "" : ",").append(n.get(m).asText(null) == null ? "null" : n.get(m).toString());
        }
        return b.toString();
    }

    @Test
    void byCampaignEveryMetricMatchesTheHandComputedValue() {
        JsonNode json = ReportJson.toJson(f.report("adv", Dimension.CAMPAIGN));
        JsonNode rows = json.get("rows");
        assertEquals(4, rows.size());
        assertEquals("c1", rows.get(0).get("campaign").asText());
        // spend 3 × 12.5 / 1000 = 0.0375; roas 199 / 0.0375; roi (199 − 0.0375) / 0.0375
        assertEquals("3,1,0,1,0.0375,199,0.3333,1,0.0375,0.0375,12.5,5306.6667,5305.6667", metrics(rows.get(0)));
        // spend 2 valid clicks × 0.5; the click without impression is invalid, unbilled, its sale unattributed
        assertEquals("c2", rows.get(1).get("campaign").asText());
        assertEquals("2,2,1,1,1,100,1,0.5,0.5,1,500,100,99", metrics(rows.get(1)));
        // spend one conversion × 30; the repeated order id counted once
        assertEquals("c3", rows.get(2).get("campaign").asText());
        assertEquals("1,1,0,1,30,50,1,1,30,30,30000,1.6667,0.6667", metrics(rows.get(2)));
        assertEquals("c4", rows.get(3).get("campaign").asText());
        assertEquals("1,0,0,0,0,0,0,null,null,null,0,null,null", metrics(rows.get(3)));
        // totals: 7 impressions, 4 clicks, spend 31.0375, revenue 349
        assertEquals("7,4,1,3,31.0375,349,0.5714,0.75,7.7594,10.3458,4433.9286,11.2445,10.2445",
                metrics(json.get("totals")));
    }

    @Test
    void jsonHasApiShapeWithKeysBeforeMetrics() {
        JsonNode json = ReportJson.toJson(f.report("adv", Dimension.CAMPAIGN, Dimension.DAY));
        assertEquals(List.of("from", "to", "groupBy", "usersCounted", "rows", "totals", "lift"), fieldNames(json));
        assertEquals("[]", json.get("lift").toString(), "no campaign here holds anyone out");
        assertEquals("measurementConsent", json.get("usersCounted").asText());
        assertEquals("[\"campaign\",\"day\"]", json.get("groupBy").toString());
        assertEquals("2026-10-04", json.get("from").asText());
        assertEquals(List.of("campaign", "day", "impressions", "clicks", "invalidClicks", "conversions", "spend",
                "revenue", "ctr", "cvr", "cpc", "cpa", "ecpm", "roas", "roi", "measuredImpressions",
                "viewableImpressions", "viewabilityRate", "vcpm", "uniqueUsers", "frequency",
                "uniqueUsersEstimated"), fieldNames(json.get("rows").get(0)));
        assertEquals(List.of((METRICS + "," + VIEWABILITY + ",uniqueUsers,frequency,uniqueUsersEstimated").split(",")),
                fieldNames(json.get("totals")));
    }

    @Test
    void byCreativeRowsNameCampaignAndCreative() {
        Report r = f.report("adv", Dimension.CREATIVE);
        assertEquals(List.of(Map.of(Dimension.CAMPAIGN, "c1", Dimension.CREATIVE, "cr1"),
                Map.of(Dimension.CAMPAIGN, "c1", Dimension.CREATIVE, "cr2"),
                Map.of(Dimension.CAMPAIGN, "c2", Dimension.CREATIVE, "cr1"),
                Map.of(Dimension.CAMPAIGN, "c3", Dimension.CREATIVE, "cr1"),
                Map.of(Dimension.CAMPAIGN, "c4", Dimension.CREATIVE, "cr1")),
                r.rows().stream().map(ReportRow::keys).toList());
        assertEquals(new Counts(2, 1, 0, 1, 25_000, 199_000_000), r.rows().get(0).counts());
        assertEquals(new Counts(1, 0, 0, 0, 12_500, 0), r.rows().get(1).counts());
        assertEquals(List.of(Dimension.CAMPAIGN, Dimension.CREATIVE), List.copyOf(r.rows().get(0).keys().keySet()));
    }

    @Test
    void byDayRowsAreUtcDaysInOrder() {
        Report r = f.report("adv", Dimension.DAY);
        assertEquals(2, r.rows().size());
        assertEquals(Map.of(Dimension.DAY, "2026-11-03"), r.rows().get(0).keys());
        assertEquals(new Counts(3, 1, 0, 1, 37_500, 199_000_000), r.rows().get(0).counts());
        assertEquals(Map.of(Dimension.DAY, "2026-11-04"), r.rows().get(1).keys());
        assertEquals(new Counts(4, 3, 1, 2, 31_000_000, 150_000_000), r.rows().get(1).counts());
    }

    @Test
    void totalsEqualTheSumOfRowsForEveryBreakdown() {
        Counts expected = new Counts(7, 4, 1, 3, 31_037_500, 349_000_000);
        for (List<Dimension> g : List.of(List.of(Dimension.CAMPAIGN), List.of(Dimension.CREATIVE),
                List.of(Dimension.DAY), List.of(Dimension.DAY, Dimension.CREATIVE))) {
            Report r = f.report("adv", g.toArray(Dimension[]::new));
            assertEquals(expected, r.totals(), g.toString());
            assertEquals(expected, r.rows().stream().map(ReportRow::counts).reduce(Counts.ZERO, Counts::plus));
        }
    }

    @Test
    void anAdvertiserSeesOnlyItsOwnEventsEvenUnderTheSameCampaignId() {
        Report other = f.report("other", Dimension.CAMPAIGN);
        assertEquals(1, other.rows().size());
        assertEquals(new Counts(1, 1, 0, 1, 9_000_000, 1_000_000_000), other.totals());
        assertEquals(List.of(), f.report("nobody", Dimension.CAMPAIGN).rows());
        assertEquals(Counts.ZERO, f.report("nobody", Dimension.CAMPAIGN).totals());
    }

    @Test
    void campaignFilterAndDateRangeNarrowTheReport() {
        Report c2 = f.store.report(new ReportQuery("adv", StoreFixture.DAY0, StoreFixture.DAY0.plusDays(1),
                List.of(Dimension.DAY), "c2"));
        assertEquals(1, c2.rows().size());
        assertEquals(new Counts(2, 2, 1, 1, 1_000_000, 100_000_000), c2.totals());
        Report day1 = f.store.report(new ReportQuery("adv", StoreFixture.DAY0, StoreFixture.DAY0,
                List.of(Dimension.CAMPAIGN), null));
        assertEquals(List.of(Map.of(Dimension.CAMPAIGN, "c1")), day1.rows().stream().map(ReportRow::keys).toList());
    }

    @Test
    void csvHasHeaderRowsAndTotalLine() {
        String csv = ReportCsv.toCsv(f.report("adv", Dimension.CREATIVE));
        String[] lines = csv.split("\r\n", -1);
        assertEquals("campaign,creative," + METRICS + "," + VIEWABILITY + ",uniqueUsers,frequency", lines[0]);
        // No ad tag measured these ads: 0 measured, 0 viewable, and no rate or vCPM. The events
        // carry no measurement pseudonym: no users, so reach is withheld (empty).
        assertEquals("c1,cr1,2,1,0,1,0.025,199,0.5,1,0.025,0.025,12.5,7960,7959,0,0,,,,", lines[1]);
        assertEquals("c4,cr1,1,0,0,0,0,0,0,,,,0,,,0,0,,,,", lines[5]);
        assertEquals("(total),,7,4,1,3,31.0375,349,0.5714,0.75,7.7594,10.3458,4433.9286,11.2445,10.2445,0,0,,,,",
                lines[6]);
        assertEquals("", lines[7]); // the last record ends with CRLF too
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
