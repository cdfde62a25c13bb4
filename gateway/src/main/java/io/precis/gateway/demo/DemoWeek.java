package io.precis.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.PrecisGateway;
import io.precis.gateway.http.JsonBodies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A week of simulated traffic for the demo, so the dashboard has something to show on first
 * open. On the first start with a data dir, before the real gateway starts, a gateway of its own
 * runs over the same data dir on a loopback port with a clock that starts a week ago, creates the
 * demo data ({@link DemoData}) and is sent a week of readers through real HTTP: ad requests on
 * pages about the demo campaigns' subjects, impression pixels, clicks from a browser (after the
 * minimum click delay), a few from a robot and a few too fast (counted as invalid), and
 * conversions of some clicks (a sixth, worth 9 to 58 each). Everything goes through the same routes, measurement rules and
 * storage as real traffic; seeded, so every first start shows the same week.
 */
public final class DemoWeek {
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0 Safari/537.36";
    private static final String ROBOT = "curl/8.5.0";
    private static final String[] PAGES = {
        "夏季空调清洗服务指南：空调保养要点", "手冲咖啡入门：从咖啡豆到滤杯", "How to book air conditioner cleaning before summer",
        "Marathon training plan: choosing running shoes", "今日天气：北京晴转多云", "周末去哪儿：城市公园推荐"};
    private static final int DAYS = 7;
    /** Readers per simulated hour, busiest in the evening (a news site's day). */
    private static final int[] PER_HOUR = {1, 1, 0, 0, 0, 1, 2, 3, 4, 4, 3, 3, 4, 3, 3, 3, 4, 5, 6, 7, 7, 6, 4, 2};

    private DemoWeek() {}

    /**
     * Runs the week once for a data dir that has no demo yet; does nothing otherwise. Blocking;
     * call before the real gateway starts on {@code config}'s data dir.
     *
     * @return whether a week was simulated
     */
    public static boolean simulateOnce(GatewayConfig config) {
        if (!config.demo() || Files.exists(DemoData.keyFile(config.dataDir()))) {
            return false;
        }
        AtomicReference<Instant> now = new AtomicReference<>(
                Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(DAYS)));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneId.of("UTC");
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (PrecisGateway gw = PrecisGateway.start(config.withHost("127.0.0.1").withPort(0), clock)) {
            DemoData.seed(gw);
            new Traffic(gw.port(), now).week();
        }
        return true;
    }

    /** The readers: one HTTP client, a seeded random source, the simulated clock. */
    private record Traffic(String base, HttpClient http, SplittableRandom random, AtomicReference<Instant> now) {
        Traffic(int port, AtomicReference<Instant> now) {
            this("http://127.0.0.1:" + port, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1).build(), new SplittableRandom(20261130), now);
        }

        void week() {
            for (int hour = 0; hour < DAYS * 24; hour++) {
                for (int r = 0; r < PER_HOUR[hour % 24] * 2; r++) {
                    reader(hour);
                }
                now.set(now.get().plus(Duration.ofHours(1)));
            }
        }

        private void reader(int hour) {
            String page = PAGES[random.nextInt(PAGES.length)];
            String body = """
                    {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                     "page": {"url": "https://news.example/a/%d", "title": "%s"},
                     "user": {"region": "CN-%d"}}""".formatted(hour, page, 11 + random.nextInt(3));
            HttpResponse<String> ad = send(HttpRequest.newBuilder(URI.create(base + "/v1/ad"))
                    .header("Content-Type", "application/json").header("User-Agent", BROWSER)
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            if (ad == null || ad.statusCode() != 200 || random.nextInt(10) == 0) { // some pixels never fire
                return;
            }
            JsonNode served = json(ad.body()).path("ads").path(0);
            get(served.path("impressionUrl").asText(), BROWSER);
            int roll = random.nextInt(100);
            if (roll >= 12) {
                return; // most readers do not click
            }
            boolean robot = roll < 2;
            boolean tooFast = roll == 2;
            if (!tooFast) {
                now.set(now.get().plusSeconds(3)); // a reader takes a few seconds to click
            }
            HttpResponse<String> click = get(served.path("clickUrl").asText(), robot ? ROBOT : BROWSER);
            String location = click == null ? null : click.headers().firstValue("Location").orElse(null);
            if (location == null || robot || tooFast || random.nextInt(6) != 0) {
                return; // a sixth of the valid clicks convert
            }
            String clickId = location.substring(location.indexOf("precis_click=") + "precis_click=".length());
            send(HttpRequest.newBuilder(URI.create(base + "/v1/t/conversion"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"click\": \"" + clickId + "\", \"event\": \"purchase\","
                            + " \"value\": " + (9 + random.nextInt(50)) + "}")));
        }

        private HttpResponse<String> get(String path, String userAgent) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("User-Agent", userAgent).GET());
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            try {
                return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return null; // one lost reader does not spoil the demo
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating the demo week", e);
            }
        }

        private static JsonNode json(String body) {
            try {
                return JsonBodies.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("the gateway answered an ad request with no JSON", e);
            }
        }
    }
}
