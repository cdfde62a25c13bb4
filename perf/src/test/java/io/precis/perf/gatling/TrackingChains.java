package io.precis.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The ad-then-pixel-then-click-then-conversion path of a reader, shared by the simulations. */
final class TrackingChains {
    private TrackingChains() {}

    static ChainBuilder adThenTracking(double clickShare) {
        return exec(session -> session.set("clicks", ThreadLocalRandom.current().nextDouble() < clickShare)
                        .set("converts", ThreadLocalRandom.current().nextDouble() < 1 / 3.0))
                .feed(Bench.consentingReaders())
                .exec(http("POST /v1/ad (reader)").post("/v1/ad")
                        .header("X-Forwarded-For", "#{ip}")
                        .body(StringBody("#{adBody}"))
                        .check(status().in(200, 204),
                                regex("\"impressionUrl\":\"([^\"]+)\"").optional().saveAs("imp"),
                                regex("\"clickUrl\":\"([^\"]+)\"").optional().saveAs("click")))
                .doIf(session -> session.contains("imp")).then(
                        exec(http("GET /v1/t/imp").get("#{imp}")
                                .header("X-Forwarded-For", "#{ip}")
                                .check(status().is(204)))
                        .doIf(session -> session.getBoolean("clicks")).then(
                                // more than the minimum time from impression to click (1 s), as a person takes
                                pause(Duration.ofMillis(1200), Duration.ofMillis(3000))
                                .exec(http("GET /v1/t/click").get("#{click}")
                                        .header("X-Forwarded-For", "#{ip}")
                                        .disableFollowRedirect()
                                        .check(status().is(302),
                                                header("Location").transform(TrackingChains::clickId).saveAs("clickId")))
                                .doIf(session -> session.getBoolean("converts")).then(
                                        exec(http("POST /v1/t/conversion").post("/v1/t/conversion")
                                                .header("X-Forwarded-For", "#{ip}")
                                                .body(StringBody("{\"click\":\"#{clickId}\",\"event\":\"purchase\","
                                                        + "\"value\":199,\"currency\":\"CNY\",\"id\":\"#{order}\"}"))
                                                .check(status().is(202))))));
    }

    private static String clickId(String location) {
        int i = location.indexOf("precis_click=");
        if (i < 0) {
            throw new IllegalStateException("no precis_click in the landing URL");
        }
        String rest = location.substring(i + "precis_click=".length());
        int end = rest.indexOf('&');
        return end < 0 ? rest : rest.substring(0, end);
    }
}
