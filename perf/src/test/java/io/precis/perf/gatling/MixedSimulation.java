package io.precis.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.precis.perf.gateway.BenchGateway;
import io.precis.perf.gateway.BenchWorkload;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * (3) Mixed: for every 100 ad requests of publishers' ad servers ({@code precis.rate} per second,
 * default 40), 20 readers' ads with their pixels and some clicks and conversions, 2 consent
 * changes, 5 behaviour posts, 0.5 report reads and 0.2 campaign updates, for
 * {@code precis.seconds} (default 20). No failed request, p99 under {@code precis.p99Ms} (100 ms).
 */
public class MixedSimulation extends Simulation {
    private final BenchGateway.Target target = Bench.target();
    private final String publisher = "Bearer " + target.publisherKey();
    private final String advertiser = "Bearer " + target.advertiserKey();
    private final List<String> campaignIds = target.campaignIds();

    private final ScenarioBuilder ads = scenario("ad requests").feed(Bench.adRequests())
            .exec(http("POST /v1/ad").post("/v1/ad").header("X-Forwarded-For", "#{ip}")
                    .body(StringBody("#{adBody}")).check(status().in(200, 204)));

    private final ScenarioBuilder readers = scenario("readers").exec(TrackingChains.adThenTracking(0.1));

    private final ScenarioBuilder consent = scenario("consent changes")
            .feed(Bench.each("user", () -> "bench-user-" + ThreadLocalRandom.current().nextInt(100_000)))
            .feed(Bench.each("purposes", MixedSimulation::purposes))
            .exec(http("PUT /v1/consent").put("/v1/consent?user=#{user}").header("Authorization", publisher)
                    .body(StringBody("#{purposes}")).check(status().is(200)));

    private final ScenarioBuilder behaviour = scenario("behaviour posts")
            .feed(Bench.each("behaviour", MixedSimulation::behaviour))
            .exec(http("POST /v1/behaviour").post("/v1/behaviour").header("Authorization", publisher)
                    .body(StringBody("#{behaviour}")).check(status().is(202)));

    private final ScenarioBuilder reports = scenario("report reads")
            .exec(http("GET /v1/reports").get("/v1/reports?groupBy=campaign,day").header("Authorization", advertiser)
                    .check(status().is(200)));

    private final ScenarioBuilder updates = scenario("campaign updates")
            .feed(Bench.each("n", () -> ThreadLocalRandom.current().nextInt(campaignIds.size())))
            .exec(session -> {
                int n = session.getInt("n");
                return session.set("campaignId", campaignIds.get(n))
                        .set("campaign", BenchWorkload.campaign(n).toString());
            })
            .exec(http("PUT /v1/campaigns/{id}").put("/v1/campaigns/#{campaignId}").header("Authorization", advertiser)
                    .body(StringBody("#{campaign}")).check(status().is(200)));

    {
        double rate = Bench.number("precis.rate", 40);
        long seconds = (long) Bench.number("precis.seconds", 20);
        setUp(ads.injectOpen(at(rate, seconds)),
                readers.injectOpen(at(rate * 0.2, seconds)),
                consent.injectOpen(at(rate * 0.02, seconds)),
                behaviour.injectOpen(at(rate * 0.05, seconds)),
                reports.injectOpen(at(rate * 0.005, seconds)),
                updates.injectOpen(at(rate * 0.002, seconds)))
                .protocols(Bench.protocol())
                .assertions(Bench.assertions(100));
    }

    /** At least one user of each kind in a run, however short. */
    private static OpenInjectionStep at(double perSecond, long seconds) {
        return constantUsersPerSec(Math.max(perSecond, 1.0 / seconds)).during(seconds);
    }

    private static String purposes() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "{\"purposes\":{\"personalisation\":" + r.nextBoolean() + ",\"profiling\":" + r.nextBoolean()
                + ",\"measurement\":" + r.nextBoolean() + "}}";
    }

    private static String behaviour() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder("{\"user\":\"bench-user-").append(r.nextInt(100_000)).append("\",\"events\":[");
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String k = BenchWorkload.VOCABULARY.get(r.nextInt(BenchWorkload.VOCABULARY.size()));
            b.append(i == 0 ? "" : ",").append(r.nextBoolean()
                    ? "{\"type\":\"search\",\"query\":\"" + k + "\"}"
                    : "{\"type\":\"view\",\"url\":\"https://news.example.com/a/" + r.nextInt(1000) + "\",\"category\":\"news\"}");
        }
        return b.append("]}").toString();
    }

    @Override
    public void after() {
        Bench.release();
    }
}
