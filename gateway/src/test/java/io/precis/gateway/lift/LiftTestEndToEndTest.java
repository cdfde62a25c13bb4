package io.precis.gateway.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.TestGateway;
import io.precis.reports.lift.CampaignLift;
import io.precis.reports.lift.LiftEstimate;
import io.precis.reports.lift.LiftJson;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lift test end to end through HTTP: a campaign holding out a quarter of people, 240 people
 * with an issued cookie and every consent, served, measured, converting by click or not. The
 * held-out people get the runner-up at the price it has in a world without the campaign, a
 * ghost impression of the campaign is recorded for each (in their data export, never an
 * impression), and the report's lift is the estimate of exactly the groups the test saw.
 */
class LiftTestEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void heldOutPeopleGetTheRunnerUpAGhostIsRecordedAndTheReportShowsTheLift() {
        try (TestGateway gw = TestGateway.start(dir)) {
            LiftWorld w = new LiftWorld(gw, 0.25);
            w.run(240);
            long held = w.count(true);
            long exposed = w.count(false);
            // 60 ± 6.7 expected: the hash really holds a quarter out.
            assertTrue(held >= 30 && held <= 90, "held out " + held);

            // Every held-out person got the runner-up, every exposed one the campaign, each at one price.
            Set<String> heldCampaigns = w.people.stream().filter(LiftWorld.Person::heldOut)
                    .map(p -> p.ad().get("campaignId").textValue()).collect(Collectors.toSet());
            assertEquals(Set.of(w.runnerUp), heldCampaigns);
            Set<Long> liftPrices = prices(w, false);
            Set<Long> runnerUpPrices = prices(w, true);
            assertEquals(1, liftPrices.size(), liftPrices.toString());
            assertEquals(1, runnerUpPrices.size(), runnerUpPrices.toString());
            // An anonymous request is never held out: the campaign, at the exposed people's price.
            Ads ads = new Ads(gw);
            JsonNode anonymous = ads.serve("news.example", LiftWorld.PAGE);
            assertEquals(w.lift, anonymous.get("campaignId").textValue());
            assertEquals(liftPrices, Set.of(Ads.chargedMicros(anonymous)));

            // A held-out person's export shows the ghost of the campaign and no impression of it;
            // an exposed person's shows the impression and no ghost.
            LiftWorld.Person someHeld = w.people.stream().filter(LiftWorld.Person::heldOut).findFirst().orElseThrow();
            JsonNode heldEvents = w.send(someHeld.cookie(), "GET", "/v1/me", null).json().get("events");
            assertEquals(List.of("ghost"), kinds(heldEvents, w.lift));
            assertTrue(kinds(heldEvents, w.runnerUp).contains("imp"), heldEvents.toString()); // (and a conversion, if any)
            assertFalse(kinds(heldEvents, w.runnerUp).contains("ghost"));
            LiftWorld.Person someExposed = w.people.stream().filter(p -> !p.heldOut()).findFirst().orElseThrow();
            assertFalse(kinds(w.send(someExposed.cookie(), "GET", "/v1/me", null).json().get("events"), w.lift)
                    .contains("ghost"));

            // The report: ghosts are no impressions; the lift is the estimate of the groups seen here.
            JsonNode report = gw.get("/v1/reports?campaign=" + w.lift, w.key).json();
            JsonNode row = report.get("rows").get(0);
            assertEquals(exposed, row.get("impressions").asLong(), "the exposed people's (the anonymous ad fired no pixel)");
            BigDecimal spend = row.get("spend").decimalValue();
            LiftEstimate expected = LiftEstimate.of(exposed, w.converters(false), held, w.converters(true),
                    w.revenue(false), w.revenue(true), spend, 10);
            JsonNode lift = report.get("lift").get(0);
            assertEquals(LiftJson.toJson(List.of(new CampaignLift(w.lift, expected))).get(0).toString(), lift.toString());
            assertEquals(held, lift.get("heldOutPeople").asLong());
            assertEquals(exposed, lift.get("exposedPeople").asLong());
            assertTrue(lift.get("absoluteLiftLow").asDouble() < lift.get("absoluteLift").asDouble());
            assertTrue(lift.get("absoluteLift").asDouble() < lift.get("absoluteLiftHigh").asDouble());
            assertTrue(lift.get("exposedConversionRate").asDouble() > lift.get("heldOutConversionRate").asDouble());
            // The other campaigns hold nobody out: no lift of theirs.
            assertEquals(1, gw.get("/v1/reports", w.key).json().get("lift").size());

            String metrics = gw.get("/metrics", null).body();
            assertEquals(held, value(metrics, "precis_events_recorded_total{kind=\"ghost_impression\",result=\"counted\"}"));
            // Exposed at the auction, as the ghosts are; the anonymous reader is in neither group.
            assertEquals(exposed, value(metrics, "precis_events_recorded_total{kind=\"lift_exposure\",result=\"counted\"}"));

            // The oracle of the runner-up's price: the auction of a world without the campaign.
            assertEquals(200, gw.delete("/v1/campaigns/" + w.lift, w.key).status());
            JsonNode without = ads.serve("news.example", LiftWorld.PAGE);
            assertEquals(w.runnerUp, without.get("campaignId").textValue());
            assertEquals(runnerUpPrices, Set.of(Ads.chargedMicros(without)));
        }
    }

    @Test
    void aBadHoldoutIs400NamingTheField() {
        try (TestGateway gw = TestGateway.start(dir)) {
            String key = gw.advertiser("Bad Lift");
            for (String bad : List.of("1", "-0.1", "\"a tenth\"", "0.00001")) {
                TestGateway.Resp r = gw.post("/v1/campaigns", io.precis.gateway.Campaigns.keywords("B", "[\"x\"]", "CPM", 1)
                        .replaceFirst("\\{", "{\"holdout\": " + bad + ", "), key);
                assertEquals(400, r.status(), r.body());
                assertEquals("holdout", r.json().get("field").textValue(), r.body());
            }
            String ok = gw.campaign(key, io.precis.gateway.Campaigns.keywords("B", "[\"x\"]", "CPM", 1)
                    .replaceFirst("\\{", "{\"holdout\": 0.1, "));
            assertEquals(0.1, gw.get("/v1/campaigns/" + ok, key).json().get("holdout").asDouble());
        }
    }

    private static Set<Long> prices(LiftWorld w, boolean heldOut) {
        return w.people.stream().filter(p -> p.heldOut() == heldOut).map(p -> Ads.chargedMicros(p.ad()))
                .collect(Collectors.toSet());
    }

    private static List<String> kinds(JsonNode events, String campaign) {
        List<String> out = new java.util.ArrayList<>();
        events.forEach(e -> {
            if (campaign.equals(e.path("campaign").textValue())) {
                out.add(e.get("kind").textValue());
            }
        });
        return out;
    }

    private static long value(String text, String series) {
        Matcher found = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
        if (!found.find()) {
            throw new AssertionError("no " + series + " in\n" + text);
        }
        return (long) Double.parseDouble(found.group(1));
    }
}
