package io.precis.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * (1) Ad requests: the mix of {@code BenchWorkload.adRequests} (Chinese and English pages, with and
 * without user ids, TCF strings) against the seeded campaigns, at {@code precis.rate} requests per
 * second (default 50) for {@code precis.seconds} (default 20). Passes with no failed request and
 * p99 under {@code precis.p99Ms} (default 100 ms).
 */
public class AdRequestSimulation extends Simulation {
    private final ScenarioBuilder ads = scenario("ad requests")
            .feed(Bench.adRequests())
            .exec(http("POST /v1/ad").post("/v1/ad")
                    .header("X-Forwarded-For", "#{ip}")
                    .body(StringBody("#{adBody}"))
                    .check(status().in(200, 204)));

    {
        setUp(ads.injectOpen(constantUsersPerSec(Bench.number("precis.rate", 50))
                        .during((long) Bench.number("precis.seconds", 20))))
                .protocols(Bench.protocol())
                .assertions(Bench.assertions(100));
    }

    @Override
    public void after() {
        Bench.release();
    }
}
