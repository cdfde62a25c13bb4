package io.precis.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The few-second smoke that {@code mvn verify} (so {@code ./precis test}) runs: a gateway started
 * in-process with 300 campaigns, a handful of ad requests per second and a few readers with
 * pixels, clicks and conversions, for 5 s. Zero failed requests; the p99 bound (5 s) only
 * catches a hang, it makes no claim about speed on a shared machine.
 */
public class SmokeSimulation extends Simulation {
    private final ScenarioBuilder ads = scenario("ad requests").feed(Bench.adRequests())
            .exec(http("POST /v1/ad").post("/v1/ad").header("X-Forwarded-For", "#{ip}")
                    .body(StringBody("#{adBody}")).check(status().in(200, 204)));

    private final ScenarioBuilder readers = scenario("readers").exec(TrackingChains.adThenTracking(0.5));

    {
        setUp(ads.injectOpen(constantUsersPerSec(10).during(5)),
                readers.injectOpen(constantUsersPerSec(2).during(5)))
                .protocols(Bench.protocol())
                .assertions(Bench.assertions(5000));
    }

    @Override
    public void after() {
        Bench.release();
    }
}
