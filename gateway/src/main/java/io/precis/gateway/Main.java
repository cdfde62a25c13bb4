package io.precis.gateway;

import io.precis.gateway.demo.DemoData;
import io.precis.gateway.demo.DemoWeek;
import io.precis.gateway.observability.LogFile;
import io.precis.gateway.observability.ShutdownLogManager;
import java.io.IOException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code ./precis run}: starts the gateway, seeds the demo, and says where to go. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Before anything logs: the shutdown hook below must still be able to log.
        System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        GatewayConfig config;
        try {
            config = GatewayConfig.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PrecisGateway gateway;
        try {
            // The demo's week runs a gateway of its own on the data dir first (once), under the same lock.
            if (DemoWeek.simulateOnce(config)) {
                System.out.println("precis: simulated a week of demo traffic, so the dashboard has something to show");
            }
            gateway = PrecisGateway.start(config);
        } catch (StartupException e) {
            System.err.println("precis: " + e.getMessage());
            System.exit(1);
            return;
        }
        // Only once the data dir is ours: a second gateway must not write into the first one's log.
        logToDataDir(config);
        Logger log = Logger.getLogger(Main.class.getName());
        log.info("started " + StartupSummary.of(config, gateway.port(), gateway.transport()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            gateway.close();
            log.info("stopped");
            ShutdownLogManager.finish();
        }, "precis-shutdown"));
        String demoKeyFile = config.demo() ? DemoData.seed(gateway) : null;
        banner(gateway, demoKeyFile);
    }

    /** Logs also go to {@code <data-dir>/logs/precis.log}, where the privacy tests scan them. */
    private static void logToDataDir(GatewayConfig config) {
        try {
            Handler file = LogFile.open(config.dataDir().resolve("logs"));
            file.setLevel(Level.INFO);
            Logger.getLogger("").addHandler(file);
        } catch (IOException e) {
            System.err.println("precis: cannot write logs under " + config.dataDir() + ", logging to the console only");
        }
    }

    private static void banner(PrecisGateway gw, String demoKeyFile) {
        String base = "http://localhost:" + gw.port();
        StringBuilder b = new StringBuilder();
        b.append("Precis is listening on port ").append(gw.port()).append('\n');
        b.append("  privacy centre:  ").append(base).append("/privacy\n");
        b.append("  dashboard:       ").append(base).append("/dashboard").append('\n');
        if (demoKeyFile != null) {
            try {
                String key = java.nio.file.Files.readString(java.nio.file.Path.of(demoKeyFile)).strip();
                b.append("  demo dashboard:  ").append(base).append("/dashboard#login=")
                        .append(gw.logins().issue(key)).append("   (a one-time login, valid 15 minutes)\n");
            } catch (java.io.IOException e) {
                b.append("  demo dashboard:  paste the key from ").append(demoKeyFile).append('\n');
            }
        }
        b.append("  health:          ").append(base).append("/health\n");
        b.append("  metrics:         ").append(base).append("/metrics\n");
        b.append("  data directory:  ").append(gw.config().dataDir().toAbsolutePath()).append('\n');
        b.append("  admin token:     ").append(StartupSummary.adminTokenSource(gw.config())).append('\n');
        b.append("  log file:        ").append(gw.config().dataDir().resolve("logs").resolve("precis.log")
                .toAbsolutePath()).append('\n');
        if (demoKeyFile != null) {
            b.append("  demo advertiser key: ").append(demoKeyFile).append('\n');
            b.append("Try an ad request:\n");
            b.append("  curl -s -X POST ").append(base).append("/v1/ad -H 'Content-Type: application/json' \\\n");
            b.append("    -d '{\"slot\":{\"id\":\"top\",\"format\":\"banner-300x250\",\"site\":\"news.example\"},"
                    + "\"page\":{\"title\":\"夏季空调清洗服务指南\",\"lang\":\"zh\"}}'\n");
            b.append("Then the demo advertiser's report:\n");
            b.append("  curl -s ").append(base).append("/v1/reports -H \"Authorization: Bearer $(cat ")
                    .append(demoKeyFile).append(")\"\n");
        }
        System.out.print(b);
        System.out.flush();
    }
}
