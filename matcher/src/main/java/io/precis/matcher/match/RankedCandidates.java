package io.precis.matcher.match;

import io.precis.matcher.index.IndexedCampaign;
import io.precis.matcher.index.TargetingMask;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * A request's candidates handed to the auction best score first, most of them never fully
 * checked: top-k pruning as Lucene's scorers do it (block-max WAND,
 * {@code Scorer.setMinCompetitiveScore}). Each candidate gets, when collected, an upper bound
 * of its score ({@link Ranking#bound}: its exact expected value per impression × the relevance
 * it would have if every targeted keyword, category, demographic dimension and segment hit).
 * Candidates are checked ({@link Eligibility#fit}) in descending bound, and the best checked
 * one is handed out only once its score beats every unchecked bound, so the auction sees
 * exactly the order a full evaluation gives ({@link Scored#BEST}); it stops asking once it has
 * its winners and runner-up, and the candidates below are never checked. Ties between a score
 * and a bound are checked, never guessed. One request, one thread; not thread-safe.
 */
final class RankedCandidates {
    private final Request request;
    private IndexedCampaign[] campaigns = new IndexedCampaign[64];
    private int[] facts = new int[64];
    private double[] values = new double[64];
    private double[] bounds = new double[64];
    private int size;
    /** Unchecked candidates: indexes into the arrays, a max-heap by bound once {@link #heaped}. */
    private int[] heap;
    private int unchecked;
    private boolean heaped;
    private final PriorityQueue<Scored> checked = new PriorityQueue<>(Scored.BEST);
    private int evaluated;

    RankedCandidates(Request request) {
        this.request = request;
    }

    /**
     * Adds a candidate found by the index with the {@link TargetingMask} pre-check's
     * {@code facts}, and {@code value}, its expected value of one impression. Before the first
     * {@link #next} only.
     */
    void add(IndexedCampaign ic, int facts, double value) {
        if (size == campaigns.length) {
            int n = size * 2;
            campaigns = Arrays.copyOf(campaigns, n);
            this.facts = Arrays.copyOf(this.facts, n);
            values = Arrays.copyOf(values, n);
            bounds = Arrays.copyOf(bounds, n);
        }
        campaigns[size] = ic;
        this.facts[size] = facts;
        values[size] = value;
        bounds[size] = value * Ranking.maxRelevance(ic, facts);
        size++;
    }

    /** The best-scored fitting candidate not handed out yet, or null when none is left. */
    Scored next() {
        if (!heaped) {
            heapify();
        }
        while (true) {
            Scored best = checked.peek();
            if (unchecked == 0 || (best != null && best.score() > bounds[heap[0]])) {
                return checked.poll();
            }
            int i = pop();
            evaluated++;
            Fit fit = Eligibility.fit(campaigns[i], request, facts[i]);
            if (fit != null) {
                checked.add(Scored.of(campaigns[i], fit, values[i]));
            }
        }
    }

    /** Candidates added. */
    int size() {
        return size;
    }

    /** Candidates fully checked so far. */
    int evaluated() {
        return evaluated;
    }

    private void heapify() {
        heaped = true;
        heap = new int[size];
        for (int i = 0; i < size; i++) {
            heap[i] = i;
        }
        unchecked = size;
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
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
