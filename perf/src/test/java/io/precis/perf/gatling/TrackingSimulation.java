package io.precis.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * (2) Tracking: each virtual reader asks for an ad (user id, full TCF consent), fires its
 * impression pixel, and clicks {@code precis.clickShare} of them (default 0.5) after more than
 * the minimum click delay (1.2 s; API.md "Measurement rules": 1 s), with a browser's user agent
 * and an address of its own; a third of the clickers post a conversion with the click id of the
 * landing URL. Afterwards one request checks that the advertiser has no invalid click: every
 * click of the run was a valid one. {@code precis.rate} readers per second (default 20) for
 * {@code precis.seconds} (default 20); no failed request, p99 under {@code precis.p99Ms} (100 ms).
 */
public class TrackingSimulation extends Simulation {
    private final ScenarioBuilder readers = scenario("readers").exec(TrackingChains.adThenTracking(Bench.number("precis.clickShare", 0.5)));

    private final ScenarioBuilder verify = scenario("no invalid clicks")
            .pause(Duration.ofSeconds(1))
            .exec(http("GET /v1/reports/invalid-clicks").get("/v1/reports/invalid-clicks")
                    .header("Authorization", "Bearer " + Bench.target().advertiserKey())
                    .check(status().is(200), jsonPath("$.rows[*]").count().is(0)));

    {
        setUp(readers.injectOpen(constantUsersPerSec(Bench.number("precis.rate", 20))
                        .during((long) Bench.number("precis.seconds", 20)))
                .andThen(verify.injectOpen(atOnceUsers(1))))
                .protocols(Bench.protocol())
                .assertions(Bench.assertions(100));
    }

    @Override
    public void after() {
        Bench.release();
    }
}
