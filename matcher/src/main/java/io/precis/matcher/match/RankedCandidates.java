package io.precis.matcher.match;

import io.precis.matcher.auction.CampaignStats;
import io.precis.matcher.index.CandidateVisitor;
import io.precis.matcher.index.IndexedCampaign;
import io.precis.matcher.index.RankedReplay;
import io.precis.matcher.index.TargetingMask;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * A request's candidates handed to the auction best score first, most of them never fully
 * checked: top-k pruning as Lucene's scorers do it (block-max WAND,
 * {@code Scorer.setMinCompetitiveScore}). Each candidate gets, when collected, an upper bound
 * of its score: an upper bound of its expected value per impression
 * ({@link Ranking#scoreBound}: its bid × the highest rates any campaign has, so no history is
 * looked up, × the relevance it would have if every targeted keyword, category, demographic
 * dimension and segment hit, from the index's per-document arrays, so the campaign object is
 * not touched). Its history is read, and its exact
 * value computed, only when it is checked.
 * Candidates are checked ({@link Eligibility#fit}) in descending bound, and the best checked
 * one is handed out only once its score beats every unchecked bound, so the auction sees
 * exactly the order a full evaluation gives ({@link Scored#BEST}); it stops asking once it has
 * its winners and runner-up, and the candidates below are never checked. Ties between a score
 * and a bound are checked, never guessed.
 *
 * <p>One request at a time, on one thread: a matcher keeps one per thread and reuses its arrays
 * ({@link #start}, {@link #finish}), as allocating and growing them per request showed in the
 * profile. Not thread-safe.
 */
final class RankedCandidates {
    private Request request;
    private IndexedCampaign[] campaigns;
    private int[] facts;
    private double[] bounds;
    private CampaignStats stats;
    private int size;
    /** Unchecked candidates: indexes into the arrays, a max-heap by bound once {@link #heaped}. */
    private int[] heap;
    private int unchecked;
    private boolean heaped;
    private final PriorityQueue<Scored> checked = new PriorityQueue<>(Scored.BEST);
    private int evaluated;
    /** Candidates not added yet, visited best static bound first as the auction needs them; or null. */
    private RankedReplay source;
    private CandidateVisitor adder;

    RankedCandidates() {
        int n = 256; // grows to the largest request the thread has seen
        campaigns = new IndexedCampaign[n];
        facts = new int[n];
        bounds = new double[n];
        heap = new int[n];
    }

    /** Empties this for the candidates of {@code r}, valued with {@code stats}. */
    RankedCandidates start(Request r, CampaignStats stats) {
        request = r;
        this.stats = stats;
        size = 0;
        unchecked = 0;
        heaped = false;
        evaluated = 0;
        checked.clear();
        source = null;
        adder = null;
        return this;
    }

    /**
     * Takes further candidates from {@code replay} as they are needed: {@link #next} visits
     * its next document, with {@code adder} (which calls {@link #add}), whenever the next
     * document's static bound is at least every unchecked bound, so no candidate is handed
     * out while one not yet visited could beat it.
     */
    void replaying(RankedReplay replay, CandidateVisitor adder) {
        this.source = replay;
        this.adder = adder;
    }

    /** Lets go of the request and its campaigns (a removed campaign is not kept alive here). */
    void finish() {
        Arrays.fill(campaigns, 0, size, null);
        checked.clear();
        request = null;
        stats = null;
        source = null;
        adder = null;
    }

    /**
     * Adds a candidate found by the index with the {@link TargetingMask} pre-check's
     * {@code facts}, and {@code scoreBound}, an upper bound of its score
     * ({@link Ranking#scoreBound}). After the first {@link #next}, only from the
     * {@link #replaying} source.
     */
    void add(IndexedCampaign ic, int facts, double scoreBound) {
        if (size == campaigns.length) {
            int n = size * 2;
            campaigns = Arrays.copyOf(campaigns, n);
            this.facts = Arrays.copyOf(this.facts, n);
            bounds = Arrays.copyOf(bounds, n);
        }
        if (heaped && heap.length < campaigns.length) {
            heap = Arrays.copyOf(heap, campaigns.length);
        }
        campaigns[size] = ic;
        this.facts[size] = facts;
        bounds[size] = scoreBound;
        size++;
        if (heaped) {
            heap[unchecked] = size - 1;
            siftUp(unchecked++);
        }
    }

    /** The best-scored fitting candidate not handed out yet, or null when none is left. */
    Scored next() {
        if (!heaped) {
            heapify();
        }
        while (true) {
            Scored best = checked.peek();
            if (source != null && source.hasNext()) {
                double visit = source.peekBound();
                if ((unchecked == 0 || visit >= bounds[heap[0]]) && (best == null || best.score() <= visit)) {
                    source.visitNext(adder);
                    continue;
                }
            }
            if (unchecked == 0 || (best != null && best.score() > bounds[heap[0]])) {
                return checked.poll();
            }
            int i = pop();
            evaluated++;
            Fit fit = Eligibility.fit(campaigns[i], request, facts[i]);
            if (fit != null) {
                checked.add(Scored.of(campaigns[i], fit, Ranking.valuePerImpression(campaigns[i], stats)));
            }
        }
    }

    /** Candidates added, and the replayed documents not visited (which a full visit could add). */
    int size() {
        return source == null ? size : size + source.unvisited();
    }

    /** Candidates fully checked so far. */
    int evaluated() {
        return evaluated;
    }

    private void heapify() {
        heaped = true;
        if (heap.length < size) {
            heap = new int[campaigns.length];
        }
        for (int i = 0; i < size; i++) {
            heap[i] = i;
        }
        unchecked = size;
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    private void siftUp(int at) {
        int item = heap[at];
        double bound = bounds[item];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (bounds[heap[parent]] >= bound) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = item;
    }

    private int pop() {
        int top = heap[0];
        heap[0] = heap[--unchecked];
        siftDown(0);
        return top;
    }

    private void siftDown(int at) {
        int item = heap[at];
        double bound = bounds[item];
        int half = unchecked >>> 1;
        while (at < half) {
            int child = 2 * at + 1;
            if (child + 1 < unchecked && bounds[heap[child + 1]] > bounds[heap[child]]) {
                child++;
            }
            if (bounds[heap[child]] <= bound) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = item;
    }
}
