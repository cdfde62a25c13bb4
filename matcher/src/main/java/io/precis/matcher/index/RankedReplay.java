package io.precis.matcher.index;

import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.FixedBitSet;

/**
 * A popular page's candidates, replayed best bound first and only as far as asked for.
 *
 * <p>A page asked for again keeps the documents its query matched ({@link CampaignIndex.Matches});
 * replaying them all put every one (about a thousand on a news page with 10k campaigns) through
 * the {@link TargetingMask} pre-check and a score bound, a fifth of the gateway's CPU, though
 * the auction then checks a few dozen. This keeps, with the page's matches, the first
 * {@link #PREFIX} documents in descending <em>static</em> bound (a bound that holds whatever the
 * request: the caller's bound with every targeted dimension hit), and visits them one at a time
 * ({@link #visitNext}) as the auction asks ({@link #peekBound}): the auction stops once its
 * winners and runner-up beat the next static bound, so the rest are never looked at. Past the
 * prefix, the remaining documents are visited all at once, in document order, each bounded by
 * the last bound of the prefix (which is at least theirs).
 *
 * <p>The order is computed once per page, index reader and {@code boundKey} (the rates the
 * bounds depend on), and shared by every request of the page; a cursor is one request's, on one
 * thread. The order holds at most {@link #PREFIX} documents (12 bytes each) beside the memo's
 * bit sets.
 */
public final class RankedReplay {
    /** Documents kept in bound order: the auction of a busy page looks at a few dozen. */
    static final int PREFIX = 256;

    /** A bound of a candidate's score that holds for any request; the caller's. */
    @FunctionalInterface
    public interface StaticBound {
        /** An upper bound of {@code campaign}'s score for any request (bid and rank key as in {@link CandidateVisitor}). */
        double of(IndexedCampaign campaign, double bidAmount, int rankKey);
    }

    /** The first documents of a memo in descending static bound, with what the bounds were computed for. */
    record Order(Object boundKey, long[] docs, double[] bounds, int total) {
        /** The last kept bound: at least the static bound of every document not kept. */
        double cutoff() {
            return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
        }
    }

    private final CampaignIndex.Matches memo;
    private final CampaignIndex.SegmentCampaigns[] segments;
    private final TargetingMask mask;
    private final long[][] resolved;
    private final Order order;
    private int next;
    private boolean drained;
    private int visited;

    RankedReplay(CampaignIndex.Matches memo, CampaignIndex.SegmentCampaigns[] segments, TargetingMask mask,
                 Object boundKey, StaticBound bound) {
        this.memo = memo;
        this.segments = segments;
        this.mask = mask;
        this.resolved = new long[segments.length][];
        Order o = memo.order;
        if (o == null || !o.boundKey().equals(boundKey)) {
            o = order(memo, segments, boundKey, bound);
            memo.order = o; // a race computes the same order twice, harmlessly
        }
        this.order = o;
    }

    /** Whether a document is left to visit. */
    public boolean hasNext() {
        return next < order.docs().length || (!drained && order.total() > order.docs().length);
    }

    /** The static bound of the next document (at least that of every later one); only when {@link #hasNext}. */
    public double peekBound() {
        return next < order.docs().length ? order.bounds()[next] : order.cutoff();
    }

    /**
     * Visits the next document as {@link CampaignIndex#visitCandidates} would (pre-check,
     * current campaign, its bid and rank key), or, past the kept prefix, every remaining one.
     */
    public void visitNext(CandidateVisitor visitor) {
        if (next < order.docs().length) {
            long d = order.docs()[next++];
            visit((int) (d >>> 32), (int) d, visitor);
            visited++;
            return;
        }
        if (drained) {
            return;
        }
        drained = true;
        FixedBitSet[] kept = new FixedBitSet[segments.length];
        for (long d : order.docs()) {
            int leaf = (int) (d >>> 32);
            if (kept[leaf] == null) {
                kept[leaf] = new FixedBitSet(memo.docs[leaf].length());
            }
            kept[leaf].set((int) d);
        }
        for (int leaf = 0; leaf < segments.length; leaf++) {
            FixedBitSet docs = memo.docs[leaf];
            if (docs == null) {
                continue;
            }
            int last = docs.length() - 1;
            for (int doc = docs.nextSetBit(0); doc != DocIdSetIterator.NO_MORE_DOCS;
                 doc = doc < last ? docs.nextSetBit(doc + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                if (kept[leaf] == null || !kept[leaf].get(doc)) {
                    visit(leaf, doc, visitor);
                    visited++;
                }
            }
        }
    }

    /** Documents the query matched that were not visited (nor pre-checked) yet. */
    public int unvisited() {
        return order.total() - visited;
    }

    private void visit(int leaf, int doc, CandidateVisitor visitor) {
        CampaignIndex.SegmentCampaigns s = segments[leaf];
        IndexedCampaign ic = s.byDoc()[doc];
        if (ic == null) {
            return;
        }
        int facts = TargetingMask.UNKNOWN;
        if (mask != null) {
            long[] request = resolved[leaf];
            if (request == null) {
                request = mask.resolve(s.dictionaries());
                resolved[leaf] = request;
            }
            facts = TargetingMask.check(s.masks(), doc * TargetingMask.SLOTS, request);
            if (facts == TargetingMask.REJECT) {
                return;
            }
        }
        visitor.visit(ic, facts, s.bidAmounts()[doc], s.rankKeys()[doc]);
    }

    /** The first {@link #PREFIX} of the memo's documents in descending static bound; ties in document order. */
    private static Order order(CampaignIndex.Matches memo, CampaignIndex.SegmentCampaigns[] segments,
                               Object boundKey, StaticBound bound) {
        int total = 0;
        for (FixedBitSet docs : memo.docs) {
            total += docs == null ? 0 : docs.cardinality();
        }
        long[] all = new long[total];
        double[] bounds = new double[total];
        int n = 0;
        for (int leaf = 0; leaf < memo.docs.length; leaf++) {
            FixedBitSet docs = memo.docs[leaf];
            if (docs == null) {
                continue;
            }
            CampaignIndex.SegmentCampaigns s = segments[leaf];
            int last = docs.length() - 1;
            for (int doc = docs.nextSetBit(0); doc != DocIdSetIterator.NO_MORE_DOCS;
                 doc = doc < last ? docs.nextSetBit(doc + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                IndexedCampaign ic = s.byDoc()[doc];
                all[n] = ((long) leaf << 32) | doc;
                // A document without a serving campaign is never visited: last, bounded by 0.
                bounds[n] = ic == null ? 0 : bound.of(ic, s.bidAmounts()[doc], s.rankKeys()[doc]);
                n++;
            }
        }
        int keep = Math.min(PREFIX, total);
        int[] byBound = IntStream.range(0, total).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -bounds[i]).thenComparingLong(i -> all[i]))
                .limit(keep).mapToInt(Integer::intValue).toArray();
        long[] docs = new long[keep];
        double[] kept = new double[keep];
        for (int i = 0; i < keep; i++) {
            docs[i] = all[byBound[i]];
            kept[i] = bounds[byBound[i]];
        }
        return new Order(boundKey, docs, kept, total);
    }

    @Override
    public String toString() {
        return "RankedReplay[" + visited + " of " + order.total() + " documents visited]";
    }
}
