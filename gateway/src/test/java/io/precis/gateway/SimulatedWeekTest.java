package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.ReportOracle.Expected;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated week over real HTTP: a seeded generator serves ads, fires impressions, clicks (with
 * a known share of invalid ones of each kind: too fast, robot, prefetch, no impression) and
 * conversions, keeping its own log; every report figure is then checked against a computation
 * over that log. Time is a clock the test moves, so a week passes in seconds.
 */
class SimulatedWeekTest {
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
            Map<String, Expected> log = new HashMap<>(); // campaign|day -> what the generator did
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
                    JsonNode ad = ads.serve("news.example", CAMPAIGNS[c][4]);
                    assertEquals(ids[c], ad.get("campaignId").textValue());
                    long price = Ads.chargedMicros(ad);
                    String cell = ids[c] + "|" + date;
                    boolean shown = rnd.nextDouble() < 0.9;
                    if (shown) {
                        assertEquals(204, ads.impression(ad));
                        add(log, cell, new Expected(1, 0, 0, 0, model.equals("CPM") ? price / 1000 : 0, 0));
                    }
                    double r = rnd.nextDouble();
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
            for (JsonNode row : byCampaignDay.get("rows")) {
                Expected e = log.get(row.get("campaign").textValue() + "|" + row.get("day").textValue());
                assertTrue(e != null, "unexpected row " + row);
                ReportOracle.expect(row, e);
                total = total.plus(e);
            }
            ReportOracle.expect(byCampaignDay.get("totals"), total);

            Map<String, Expected> byDay = new HashMap<>();
            log.forEach((k, e) -> add(byDay, k.substring(k.indexOf('|') + 1), e));
            JsonNode days = gw.get("/v1/reports?" + range + "&groupBy=day", key).json().get("rows");
            assertEquals(7, days.size());
            days.forEach(row -> ReportOracle.expect(row, byDay.get(row.get("day").textValue())));

            // Breakdowns with a privacy threshold regroup rows but never lose a figure.
            for (String groupBy : List.of("targeting", "site", "region", "campaign,site")) {
                ReportOracle.expect(gw.get("/v1/reports?" + range + "&groupBy=" + groupBy, key).json().get("totals"),
                        total);
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
