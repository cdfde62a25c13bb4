package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.ReportOracle.Expected;
import io.precis.gateway.ReportOracle.Users;
import io.precis.reports.invalid.InvalidClickPolicy;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated week over real HTTP: a seeded generator serves ads, fires impressions, clicks (with
 * a known share of invalid ones of each kind: too fast, robot, prefetch, no impression) and
 * conversions, keeping its own log; every report figure is then checked against a computation
 * over that log. Time is a clock the test moves, so a week passes in seconds. Readers come from
 * a pool of which two thirds gave measurement consent, so reach and frequency are checked too:
 * withheld below k users, exact and a union (never a sum) across days and campaigns above it.
 */
class SimulatedWeekTest {
    /** Readers; the first {@value #CONSENTING} gave measurement consent. */
    private static final int READERS = 45;
    private static final int CONSENTING = 30;
    /** API.md's default k. */
    private static final int K = 10;
    private static final Instant MONDAY = Instant.parse("2026-11-02T00:00:00Z");
    private static final String ROBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String[][] CAMPAIGNS = {
            {"Coffee", "[\"咖啡\"]", "CPM", "12", "手冲咖啡入门指南"},
            {"Shoes", "[\"running shoes\"]", "CPC", "0.9", "the best running shoes for a marathon"},
            {"Aircon", "[\"air conditioner cleaning\"]", "CPA", "25", "air conditioner cleaning before summer"},
    };

    @TempDir
    Path dir;

    @Test
    void everyReportFigureOfASimulatedWeekMatchesTheGeneratorsOwnLog() {
        MutableClock clock = new MutableClock(MONDAY);
        try (TestGateway gw = TestGateway.start(dir, c -> c.withClickPolicy(InvalidClickPolicy.DEFAULTS), clock)) {
            String key = gw.advertiser("Week Co");
            String[] ids = new String[CAMPAIGNS.length];
            for (int c = 0; c < CAMPAIGNS.length; c++) {
                ids[c] = gw.campaign(key, Campaigns.keywords(CAMPAIGNS[c][0], CAMPAIGNS[c][1], CAMPAIGNS[c][2],
                        Double.parseDouble(CAMPAIGNS[c][3])));
            }
            String publisher = gw.account("publisher", "Week News");
            for (int u = 0; u < CONSENTING; u++) {
                assertEquals(200, gw.put("/v1/consent?user=reader-" + u, "{\"purposes\": {\"measurement\": true}}",
                        publisher).status());
            }
            Map<String, Expected> log = new HashMap<>(); // campaign|day -> what the generator did
            Map<String, Users> people = new HashMap<>(); // campaign|day -> its users
            Map<String, Integer> invalidByKind = new HashMap<>();
            Random rnd = new Random(20261102);
            Ads ads = new Ads(gw);
            int orders = 0;
            for (int day = 0; day < 7; day++) {
                clock.set(MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(8)));
                String date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
                for (int i = 0; i < 30; i++) {
                    clock.advance(Duration.ofMinutes(2));
                    int c = rnd.nextInt(CAMPAIGNS.length);
                    String model = CAMPAIGNS[c][2];
                    int reader = rnd.nextInt(READERS);
                    JsonNode ad = ads.serve("news.example", CAMPAIGNS[c][4], "reader-" + reader);
                    assertEquals(ids[c], ad.get("campaignId").textValue());
                    long price = Ads.chargedMicros(ad);
                    String cell = ids[c] + "|" + date;
                    boolean shown = rnd.nextDouble() < 0.9;
                    if (shown) {
                        assertEquals(204, ads.impression(ad));
                        add(log, cell, new Expected(1, 0, 0, 0, model.equals("CPM") ? price / 1000 : 0, 0));
                    }
                    double r = rnd.nextDouble();
                    if (reader < CONSENTING && (shown || r < 0.3)) {
                        // Every event of this ad (impression, click, conversion) links the reader;
                        // an ad not shown has an event only when clicked (r < 0.3 below).
                        Set<String> them = Set.of("reader-" + reader);
                        people.merge(cell, new Users(them, shown ? them : Set.of(), shown ? 1 : 0), Users::plus);
                    }
                    if (!shown && r < 0.3) {
                        ads.click(ad);
                        invalid(log, invalidByKind, cell, "no_impression");
                    } else if (shown && r < 0.05) {
                        ads.click(ad); // at the impression's very instant: too fast for a person
                        invalid(log, invalidByKind, cell, "too_fast");
                    } else if (shown && r < 0.09) {
                        clock.advance(Duration.ofSeconds(5));
                        click(gw, ad, "User-Agent", ROBOT_UA);
                        invalid(log, invalidByKind, cell, "robot");
                    } else if (shown && r < 0.12) {
                        clock.advance(Duration.ofSeconds(5));
                        click(gw, ad, "Sec-Purpose", "prefetch");
                        invalid(log, invalidByKind, cell, "prefetch");
                    } else if (shown && r < 0.37) {
                        clock.advance(Duration.ofSeconds(5));
                        String clickId = ads.click(ad);
                        add(log, cell, new Expected(0, 1, 0, 0, model.equals("CPC") ? price : 0, 0));
                        if (rnd.nextDouble() < 0.4) {
                            int value = 50 + rnd.nextInt(250);
                            clock.advance(Duration.ofMinutes(1));
                            assertEquals(202, ads.convert(clickId, value, "order-" + (++orders)));
                            add(log, cell, new Expected(0, 0, 0, 1, model.equals("CPA") ? price : 0,
                                    value * 1_000_000L));
                        }
                    }
                }
            }
            for (String kind : List.of("no_impression", "too_fast", "robot", "prefetch")) {
                assertTrue(invalidByKind.getOrDefault(kind, 0) > 0, "the week has " + kind + " clicks");
            }

            String range = "from=2026-11-02&to=2026-11-08";
            JsonNode byCampaignDay = gw.get("/v1/reports?" + range + "&groupBy=campaign,day", key).json();
            assertEquals(log.size(), byCampaignDay.get("rows").size());
            Expected total = Expected.ZERO;
            Users everyone = Users.none();
            int published = 0;
            for (JsonNode row : byCampaignDay.get("rows")) {
                String cell = row.get("campaign").textValue() + "|" + row.get("day").textValue();
                Expected e = log.get(cell);
                assertTrue(e != null, "unexpected row " + row);
                ReportOracle.expect(row, e);
                Users u = people.getOrDefault(cell, Users.none());
                ReportOracle.expectReach(row, u, K);
                published += u.users().size() >= K ? 1 : 0;
                total = total.plus(e);
                everyone = everyone.plus(u);
            }
            ReportOracle.expect(byCampaignDay.get("totals"), total);
            // The week's reach is the union of the rows' users, not the sum of their uniqueUsers.
            ReportOracle.expectReach(byCampaignDay.get("totals"), everyone, K);
            assertTrue(everyone.reached().size() > K, "the week reaches more than k readers");

            Map<String, Users> byCampaign = new HashMap<>();
            people.forEach((k, u) -> byCampaign.merge(k.substring(0, k.indexOf('|')), u, Users::plus));
            JsonNode campaigns = gw.get("/v1/reports?" + range + "&groupBy=campaign", key).json();
            for (JsonNode row : campaigns.get("rows")) {
                ReportOracle.expectReach(row, byCampaign.get(row.get("campaign").textValue()), K);
            }
            ReportOracle.expectReach(campaigns.get("totals"), everyone, K);
            assertTrue(byCampaign.values().stream().allMatch(u -> u.users().size() >= K),
                    "each campaign's week has at least k users, so its reach is published");
            assertTrue(published < byCampaignDay.get("rows").size(), "some campaign-days stay under k");

            Map<String, Expected> byDay = new HashMap<>();
            log.forEach((k, e) -> add(byDay, k.substring(k.indexOf('|') + 1), e));
            JsonNode days = gw.get("/v1/reports?" + range + "&groupBy=day", key).json().get("rows");
            assertEquals(7, days.size());
            days.forEach(row -> ReportOracle.expect(row, byDay.get(row.get("day").textValue())));
            Map<String, Users> usersByDay = new HashMap<>();
            people.forEach((k, u) -> usersByDay.merge(k.substring(k.indexOf('|') + 1), u, Users::plus));
            days.forEach(row -> ReportOracle.expectReach(row,
                    usersByDay.getOrDefault(row.get("day").textValue(), Users.none()), K));

            // Breakdowns with a privacy threshold regroup rows but never lose a figure.
            for (String groupBy : List.of("targeting", "site", "region", "campaign,site", "targeting,region,site")) {
                JsonNode totals = gw.get("/v1/reports?" + range + "&groupBy=" + groupBy, key).json().get("totals");
                ReportOracle.expect(totals, total);
                ReportOracle.expectReach(totals, everyone, K);
            }
            String csv = gw.get("/v1/reports?" + range + "&groupBy=campaign,day&format=csv", key).body();
            assertEquals(log.size() + 2, csv.split("\r\n").length, "header, one line per row, totals");
        }
    }

    private static void click(TestGateway gw, JsonNode ad, String header, String value) {
        HttpRequest.Builder b = gw.builder(ad.get("clickUrl").textValue(), null);
        b.setHeader(header, value);
        assertEquals(302, gw.send(b.GET().build()).status());
    }

    private static void invalid(Map<String, Expected> log, Map<String, Integer> kinds, String cell, String kind) {
        add(log, cell, new Expected(0, 0, 1, 0, 0, 0));
        kinds.merge(kind, 1, Integer::sum);
    }

    private static void add(Map<String, Expected> log, String cell, Expected e) {
        log.merge(cell, e, Expected::plus);
    }
}
