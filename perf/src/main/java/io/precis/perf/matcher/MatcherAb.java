package io.precis.perf.matcher;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two builds of the matcher in one JVM, each in its own class loader, measured in alternating
 * rounds of {@link KeywordAdsBenchmark#match} on one thread: CPU time per match (what the
 * shared machine's other load disturbs least) and wall time, and the ratio within each round.
 * On a machine shared with other builds this is the fairest before/after: both see the same
 * load at nearly the same moment.
 *
 * <pre>
 * java -cp "perf/target/classes:perf/target/lib/*" io.precis.perf.matcher.MatcherAb \
 *     BASE_MATCHER_CLASSES AFTER_MATCHER_CLASSES [pages=500] [rounds=12] [matchesPerRound=2000]
 * </pre>
 */
public final class MatcherAb {
    private MatcherAb() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: MatcherAb BASE_MATCHER_CLASSES AFTER_MATCHER_CLASSES [pages] [rounds] [perRound]");
            System.exit(2);
        }
        int pages = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        int perRound = args.length > 4 ? Integer.parseInt(args[4]) : 2000;
        Variant base = new Variant("base", Path.of(args[0]), pages);
        Variant after = new Variant("after", Path.of(args[1]), pages);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<double[]> cpu = List.of(new double[rounds], new double[rounds]);
        List<double[]> wall = List.of(new double[rounds], new double[rounds]);
        int warmUp = 2;
        for (int r = -warmUp; r < rounds; r++) {
            Variant[] order = (r & 1) == 0 ? new Variant[] {base, after} : new Variant[] {after, base};
            for (Variant v : order) {
                long c0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    v.match.invoke(v.bench);
                }
                if (r >= 0) {
                    int k = v == base ? 0 : 1;
                    cpu.get(k)[r] = (threads.getCurrentThreadCpuTime() - c0) / 1e3 / perRound;
                    wall.get(k)[r] = (System.nanoTime() - w0) / 1e3 / perRound;
                }
            }
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = cpu.get(0)[r] / cpu.get(1)[r];
        }
        System.out.printf("pages=%d rounds=%d x %d matches, load average %s%n", pages, rounds, perRound,
                java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.printf("base : cpu median %.1f us/match, wall median %.1f us/match%n",
                median(cpu.get(0)), median(wall.get(0)));
        System.out.printf("after: cpu median %.1f us/match, wall median %.1f us/match%n",
                median(cpu.get(1)), median(wall.get(1)));
        System.out.printf("speed-up (base cpu / after cpu): median of rounds %.2fx, min %.2fx, max %.2fx%n",
                median(ratios), Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0));
        after.printCandidates();
        base.close();
        after.close();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One matcher build, its benchmark state set up in its own class loader. */
    private static final class Variant {
        final Object bench;
        final Method match;
        final ClassLoader loader;

        Variant(String name, Path matcherClasses, int pages) throws Exception {
            List<URL> urls = new ArrayList<>();
            urls.add(matcherClasses.toUri().toURL());
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                String file = Path.of(entry).getFileName().toString();
                if (!(file.startsWith("precis-matcher-") && !file.endsWith("-tests.jar"))) {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            }
            loader = new URLClassLoader(name, urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> type = loader.loadClass(KeywordAdsBenchmark.class.getName());
            bench = type.getConstructor().newInstance();
            type.getField("pages").setInt(bench, pages);
            type.getMethod("setUp").invoke(bench);
            match = type.getMethod("match");
        }

        void close() throws Exception {
            bench.getClass().getMethod("tearDown").invoke(bench);
        }

        /** Candidates found and fully checked per request, when this build reports them. */
        void printCandidates() throws Exception {
            Field f = bench.getClass().getDeclaredField("matcher");
            f.setAccessible(true);
            Object matcher = f.get(bench);
            Method result;
            try {
                result = matcher.getClass().getMethod("matchResult",
                        loader.loadClass("io.precis.matcher.match.AdQuery"));
            } catch (NoSuchMethodException e) {
                return;
            }
            Field q = bench.getClass().getDeclaredField("queries");
            q.setAccessible(true);
            long found = 0;
            long checked = 0;
            List<?> queries = (List<?>) q.get(bench);
            for (Object query : queries) {
                Object r = result.invoke(matcher, query);
                found += (int) r.getClass().getMethod("candidates").invoke(r);
                checked += (int) r.getClass().getMethod("evaluated").invoke(r);
            }
            System.out.printf("after: %.1f candidates found, %.1f fully checked per request%n",
                    (double) found / queries.size(), (double) checked / queries.size());
        }
    }
}
