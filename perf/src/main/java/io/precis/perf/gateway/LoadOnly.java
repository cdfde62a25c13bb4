package io.precis.perf.gateway;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Ad-request load against a running bench gateway, for profiling it alone:
 * {@code LoadOnly TARGET_JSON SECONDS [CONNECTIONS] [RATE...]} (the gateway from
 * {@code BenchGateway serve}): a closed model (every connection busy) without a rate; with rates,
 * an open model at each rate in turn, {@code SECONDS} each (for the tail at a given load, as
 * {@code GatewayBench}'s "p99 at half the peak"). {@code -DacceptEncoding=gzip} sends that
 * {@code Accept-Encoding}, as browsers do.
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
        String encoding = System.getProperty("acceptEncoding");
        String[] headers = encoding == null ? new String[0] : new String[] {"Accept-Encoding", encoding};
        IntFunction<LoadGen.Request> ads = i -> LoadGen.Request.postJson("/v1/ad", bodies.get(i % bodies.size()), headers);
        try (LoadGen load = new LoadGen(port, connections)) {
            if (args.length <= 3) {
                System.out.println(load.closed(connections, seconds, ads));
            }
            for (int i = 3; i < args.length; i++) {
                System.out.println(load.open(Double.parseDouble(args[i]), seconds, ads));
            }
        }
    }
}
