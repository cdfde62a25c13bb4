package io.precis.perf.gateway;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Closed-model ad-request load against a running bench gateway, for profiling it alone:
 * {@code LoadOnly TARGET_JSON SECONDS [CONNECTIONS]} (the gateway from {@code BenchGateway serve}).
 */
public final class LoadOnly {
    private LoadOnly() {
    }

    public static void main(String[] args) throws Exception {
        BenchGateway.Target target = BenchGateway.Target.read(Path.of(args[0]));
        double seconds = Double.parseDouble(args[1]);
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int port = Integer.parseInt(target.baseUrl().replaceAll(".*:", ""));
        List<String> bodies = BenchWorkload.adRequests(500, 12);
        IntFunction<LoadGen.Request> ads = i -> LoadGen.Request.postJson("/v1/ad", bodies.get(i % bodies.size()));
        try (LoadGen load = new LoadGen(port, connections)) {
            System.out.println(load.closed(connections, seconds, ads));
        }
    }
}
