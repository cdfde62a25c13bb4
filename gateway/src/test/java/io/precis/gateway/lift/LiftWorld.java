package io.precis.gateway.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.TestGateway;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A lift test run through HTTP as browsers and an advertiser would: campaign L (CPM 50) holds out
 * a share of people, R (CPM 20) and S (CPM 5) compete on the same page; each person gets an
 * issued cookie, consents to everything in the privacy centre, is served, fires the impression
 * pixel, and some convert, by a click or without one, their browser reporting it.
 */
final class LiftWorld {
    static final String PAGE = "lift test coffee page";
    static final String ALL = "{\"purposes\": {\"personalisation\": true, \"profiling\": true,"
            + " \"measurement\": true, \"precise_geo\": true}}";

    /** One person as the test saw them. */
    record Person(String cookie, boolean heldOut, JsonNode ad, boolean converted, double value) {}

    final TestGateway gw;
    final String key;
    final String lift;
    final String runnerUp;
    final String third;
    final List<Person> people = new ArrayList<>();

    LiftWorld(TestGateway gw, double holdout) {
        this.gw = gw;
        key = gw.advertiser("Lift Co");
        lift = gw.campaign(key, Campaigns.keywords("L", "[\"coffee\"]", "CPM", 50)
                .replaceFirst("\\{", "{\"holdout\": " + holdout + ", "));
        runnerUp = gw.campaign(key, Campaigns.keywords("R", "[\"coffee\"]", "CPM", 20));
        third = gw.campaign(key, Campaigns.keywords("S", "[\"coffee\"]", "CPM", 5));
    }

    /** {@code n} people through serving and measurement; who converts depends on their group. */
    void run(int n) {
        Ads ads = new Ads(gw);
        for (int i = 0; i < n; i++) {
            TestGateway.Resp first = gw.get("/v1/consent", null);
            String cookie = first.header("Set-Cookie").split(";")[0];
            TestGateway.Resp consent = send(cookie, "PUT", "/v1/consent", ALL);
            assertEquals(200, consent.status(), consent.body());
            TestGateway.Resp served = send(cookie, "POST", "/v1/ad", Campaigns.adRequest("news.example", PAGE));
            assertEquals(200, served.status(), served.body());
            JsonNode ad = served.json().get("ads").get(0);
            boolean heldOut = !lift.equals(ad.get("campaignId").textValue());
            assertEquals(204, ads.impression(ad));
            // The campaign works: 30% of the exposed convert, 10% of the held out.
            boolean converts = heldOut ? i % 10 == 0 : i % 10 < 3;
            double value = 100 + i % 7;
            if (converts) {
                String body = "{\"event\": \"purchase\", \"value\": " + value + "}";
                if (i % 10 == 1) { // through a click on the ad (the lift counts it the same)
                    body = "{\"click\": \"" + ads.click(ad) + "\", \"event\": \"purchase\", \"value\": " + value + "}";
                }
                TestGateway.Resp conv = send(cookie, "POST", "/v1/t/conversion", body);
                assertEquals(202, conv.status(), conv.body());
            }
            people.add(new Person(cookie, heldOut, ad, converts, value));
        }
    }

    TestGateway.Resp send(String cookie, String method, String path, String body) {
        HttpRequest.Builder b = gw.builder(path, null).header("Cookie", cookie);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return gw.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    long count(boolean heldOut) {
        return people.stream().filter(p -> p.heldOut() == heldOut).count();
    }

    long converters(boolean heldOut) {
        return people.stream().filter(p -> p.heldOut() == heldOut && p.converted()).count();
    }

    java.math.BigDecimal revenue(boolean heldOut) {
        return people.stream().filter(p -> p.heldOut() == heldOut && p.converted())
                .map(p -> java.math.BigDecimal.valueOf(p.value())).reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
    }
}
