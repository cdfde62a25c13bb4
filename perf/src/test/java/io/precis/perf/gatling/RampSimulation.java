package io.precis.perf.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * (4) Open-model ramp of ad requests: stairs from {@code precis.rampFrom} requests per second
 * (default 50) up by {@code precis.rampStep} (50) for {@code precis.rampLevels} levels (8) of
 * {@code precis.rampSeconds} each (5). Each request's response time is recorded with the level it
 * was sent in; at the end the simulation prints, per level, the rate and p99, and the highest
 * rate at which p99 stayed under {@code precis.rampTargetMs} (10 ms), also written to
 * {@code ramp-result.txt} in {@code precis.results} (default {@code target/gatling}). The run
 * passes with no failed request and a p99 over the whole ramp under {@code precis.p99Ms}
 * (default 1,000 ms: the ramp is meant to pass the knee).
 */
public class RampSimulation extends Simulation {
    private static final ConcurrentLinkedQueue<long[]> SAMPLES = new ConcurrentLinkedQueue<>();

    private final double from = Bench.number("precis.rampFrom", 50);
    private final double step = Bench.number("precis.rampStep", 50);
    private final int levels = (int) Bench.number("precis.rampLevels", 8);
    private final long levelSeconds = (long) Bench.number("precis.rampSeconds", 5);

    private final ScenarioBuilder ads = scenario("ad requests, ramp")
            .feed(Bench.adRequests())
            .exec(session -> session.set("sentAt", System.currentTimeMillis()))
            .exec(http("POST /v1/ad").post("/v1/ad").header("X-Forwarded-For", "#{ip}")
                    .body(StringBody("#{adBody}"))
                    .check(status().in(200, 204), responseTimeInMillis().saveAs("rt")))
            .exec(session -> {
                if (session.contains("rt")) {
                    SAMPLES.add(new long[] {session.getLong("sentAt"), session.getInt("rt")});
                }
                return session;
            });

    {
        setUp(ads.injectOpen(incrementUsersPerSec(step).times(levels)
                        .eachLevelLasting(Duration.ofSeconds(levelSeconds))
                        .startingFrom(from)))
                .protocols(Bench.protocol())
                .assertions(Bench.assertions(1000));
    }

    @Override
    public void after() {
        Bench.release();
        double target = Bench.number("precis.rampTargetMs", 10);
        List<List<Long>> perLevel = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            perLevel.add(new ArrayList<>());
        }
        // Levels are counted from the first request sent (injection starts a moment after before()).
        long startMillis = SAMPLES.stream().mapToLong(s -> s[0]).min().orElse(0);
        for (long[] s : SAMPLES) {
            int level = (int) ((s[0] - startMillis) / (levelSeconds * 1000));
            if (level >= 0 && level < levels) {
                perLevel.get(level).add(s[1]);
            }
        }
        StringBuilder out = new StringBuilder("level  offered/s  answered/s  p99 ms   (answered: within the request timeout)\n");
        double best = 0;
        boolean under = true;
        for (int i = 0; i < levels; i++) {
            List<Long> rt = perLevel.get(i);
            rt.sort(null);
            double offered = from + i * step;
            long p99 = rt.isEmpty() ? -1 : rt.get(Math.min(rt.size() - 1, (int) Math.ceil(rt.size() * 0.99) - 1));
            out.append(String.format("%5d  %9.0f  %10.0f  %6d%n", i + 1, offered, rt.size() / (double) levelSeconds, p99));
            under = under && p99 >= 0 && p99 < target;
            if (under) {
                best = offered;
            }
        }
        out.append(String.format("highest rate with p99 under %.0f ms: %s%n", target,
                best > 0 ? String.format("%.0f requests/s", best) : "none (the first level already missed it)"));
        System.out.print(out);
        try {
            Path dir = Path.of(Bench.setting("precis.results", "target/gatling"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("ramp-result.txt"), out);
        } catch (IOException e) {
            System.err.println("could not write ramp-result.txt");
        }
    }
}
