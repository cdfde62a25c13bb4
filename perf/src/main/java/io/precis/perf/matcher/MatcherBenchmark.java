package io.precis.perf.matcher;

import io.precis.matcher.oracle.BruteForceMatcher;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.CampaignMatcher;
import io.precis.matcher.match.MatchedAd;
import io.precis.matcher.text.TextAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ad request against 100k active campaigns, single thread: the Lucene matcher (index query,
 * exact checks, caps, budgets, pacing, auction) against a brute-force scan of every campaign's
 * rules, in the same run. SampleTime gives the mean and the percentiles (p99). Setup prints the
 * index build time and the heap the index and campaigns take.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// As the gateway runs (see the launcher): transparent huge pages for the heap. The index and
// its campaigns are ~140 MB of pointer-chasing; with 4 KiB pages nearly every candidate costs a
// TLB miss and, under a hypervisor, a nested page walk (perf/README.md, sixth round).
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseTransparentHugePages",
    "-XX:+AlwaysPreTouch", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class MatcherBenchmark {
    /** Distinct requests cycled through: enough that caches do not see the same page twice. */
    private static final int REQUESTS = 2000;

    @Param("100000")
    public int campaigns;

    private CampaignIndex index;
    private CampaignMatcher lucene;
    private BruteForceMatcher bruteForce;
    private final List<AdQuery> queries = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        BenchWorld world = new BenchWorld(42);
        List<Campaign> all = new ArrayList<>(campaigns);
        for (int i = 0; i < campaigns; i++) {
            all.add(world.campaign(i));
        }
        for (int i = 0; i < REQUESTS; i++) {
            queries.add(world.query());
        }
        TextAnalysis.shared().terms("预热 warm up"); // load the dictionaries outside the timing
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        index = new CampaignIndex();
        index.replaceAll(all);
        long buildMillis = (System.nanoTime() - start) / 1_000_000;
        long heapAfter = usedHeap();
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
        lucene = new CampaignMatcher(index, ledger, world.history(all), new SplittableRandom(1));
        bruteForce = new BruteForceMatcher(all, ledger, TextAnalysis.shared());
        long eligible = 0;
        for (int i = 0; i < 200; i++) {
            eligible += lucene.eligible(queries.get(i)).size();
        }
        System.out.printf("%nmatcher setup: %d campaigns indexed in %d ms; heap for index and"
                        + " campaigns %d MB (campaign objects %d MB before); %d eligible per"
                        + " request on average%n", campaigns, buildMillis,
                (heapAfter - heapBefore) / (1 << 20), heapBefore / (1 << 20), eligible / 200);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        index.close();
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private AdQuery nextQuery() {
        AdQuery q = queries.get(next);
        next = (next + 1) % queries.size();
        return q;
    }

    @Benchmark
    public List<MatchedAd> lucene() {
        return lucene.match(nextQuery());
    }

    @Benchmark
    public String bruteForce() {
        return bruteForce.best(nextQuery());
    }
}
