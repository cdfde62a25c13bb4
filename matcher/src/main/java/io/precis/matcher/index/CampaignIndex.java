package io.precis.matcher.index;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.text.TextAnalysis;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.SingleInstanceLockFactory;
import org.apache.lucene.util.FixedBitSet;

/**
 * The serving campaigns, in memory: a Lucene index (one document per campaign and creative
 * format) to find candidates, and the live {@link Campaign} objects by id to verify and rank
 * them. Thread-safe: writes are serialised; searches run concurrently on near-real-time
 * readers. Every write is visible to searches started after it returns.
 */
public final class CampaignIndex implements Closeable {
    private final TextAnalysis analysis;
    /**
     * Each file as one buffer: the default (many buffers per file) duplicates every buffer on
     * each clone of an input, and a request's term-set query clones inputs per term.
     */
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory(
            new SingleInstanceLockFactory(), ByteBuffersDataOutput::new,
            ByteBuffersDirectory.OUTPUT_AS_ONE_BUFFER);
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ConcurrentHashMap<String, IndexedCampaign> live = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    /**
     * Writes begun (changed only under {@link #writeLock}, before {@link #live} changes). A
     * search whose searcher was opened at the current count can trust its documents' campaigns
     * without a {@link #live} lookup.
     */
    private volatile long writes;
    /** Time zones of campaigns with schedule hours; only grows (a handful of zones in practice). */
    private final Set<ZoneId> hourZones = ConcurrentHashMap.newKeySet();
    /**
     * Per segment (by core cache key): the prepared campaign of each document, so collecting a
     * match is an array read instead of an id doc-value lookup, a string and a map probe, and
     * its {@link TargetingMask} bits, packed in doc order.
     * Segments are immutable; an entry is made when a reader first shows the segment (under the
     * write lock, from {@link #live} as of then) and dropped when the segment closes. A document
     * whose campaign changes later is deleted, so the live documents of the newest reader always
     * map to current campaigns.
     */
    private final ConcurrentHashMap<Object, SegmentCampaigns> bySegment =
            new ConcurrentHashMap<>();

    /** An empty index using {@link TextAnalysis#shared()}. */
    public CampaignIndex() {
        this(TextAnalysis.shared());
    }

    /** An empty index analysing keywords with {@code analysis}. */
    public CampaignIndex(TextAnalysis analysis) {
        this.analysis = analysis;
        try {
            IndexWriterConfig config = new IndexWriterConfig(analysis.analyzer());
            config.setIndexSort(new Sort(new SortField(IndexFields.FORMAT, SortField.Type.STRING),
                    new SortField(IndexFields.CONTEXTUAL, SortField.Type.INT)));
            writer = new IndexWriter(directory, config);
            searchers = new SearcherManager(writer, new SearcherFactory() {
                @Override
                public IndexSearcher newSearcher(IndexReader reader, IndexReader previous)
                        throws IOException {
                    IndexSearcher s = new CountedSearcher(reader, writes);
                    // Every request's query is different: caching only costs.
                    s.setQueryCache(null);
                    for (LeafReaderContext leaf : reader.leaves()) {
                        campaignsOf(leaf.reader()); // warm new segments off the search path
                    }
                    return s;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The analysis used for campaign keywords; pages must be analysed the same way. */
    public TextAnalysis analysis() {
        return analysis;
    }

    /** Adds or replaces {@code c}; a campaign that is not ACTIVE is removed instead. */
    public void upsert(Campaign c) {
        if (c.status() != CampaignStatus.ACTIVE) {
            remove(c.id());
            return;
        }
        IndexedCampaign ic = IndexedCampaign.of(c, analysis);
        noteZone(c);
        synchronized (writeLock) {
            try {
                // Not updateDocuments: a sorted index takes no document blocks (without a
                // parent field). Searchers see both steps at once: readers only open below.
                writes++;
                writer.deleteDocuments(idTerm(c.id()));
                for (Document d : CampaignDocuments.of(ic)) {
                    writer.addDocument(d);
                }
                live.put(c.id(), ic);
                refresh();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Stops serving campaign {@code campaignId}; nothing happens if it is not indexed. */
    public void remove(String campaignId) {
        synchronized (writeLock) {
            try {
                // Off the map first: a search on an older reader then skips it at once.
                writes++;
                live.remove(campaignId);
                writer.deleteDocuments(idTerm(campaignId));
                refresh();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Replaces the whole content with the ACTIVE campaigns of {@code campaigns} (start-up). */
    public void replaceAll(Collection<Campaign> campaigns) {
        Map<String, IndexedCampaign> next = new HashMap<>();
        List<Document> docs = new ArrayList<>();
        for (Campaign c : campaigns) {
            if (c.status() == CampaignStatus.ACTIVE) {
                IndexedCampaign ic = IndexedCampaign.of(c, analysis);
                noteZone(c);
                next.put(c.id(), ic);
            }
        }
        next.values().forEach(ic -> docs.addAll(CampaignDocuments.of(ic)));
        synchronized (writeLock) {
            try {
                writer.deleteAll();
                for (Document d : docs) {
                    writer.addDocument(d);
                }
                // One segment: every query clause pays a per-segment cost, and a bulk load
                // leaves dozens of small segments behind (later upserts add a few more, which
                // the merge policy folds in as usual).
                writer.forceMerge(1);
                writes++;
                live.putAll(next);
                live.keySet().retainAll(next.keySet());
                refresh();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The time zones of every indexed campaign with schedule hours (and possibly of campaigns
     * since removed): an {@link IndexFields#HOURS} query asks for the local hour in each. Noted before the campaign's
     * documents are written, so a search never sees a document whose zone is missing here.
     */
    public Set<ZoneId> hourZones() {
        return hourZones;
    }

    private void noteZone(Campaign c) {
        if (!c.schedule().hours().isEmpty()) {
            hourZones.add(c.schedule().timezone());
        }
    }

    /** Number of serving (ACTIVE) campaigns. */
    public int campaignCount() {
        return live.size();
    }

    /** The serving campaign {@code id}, or null. */
    public IndexedCampaign get(String id) {
        return live.get(id);
    }

    /** Every serving campaign (a weakly consistent view), for brute-force checks. */
    public Collection<IndexedCampaign> campaigns() {
        return live.values();
    }

    /** Ids of the campaigns with at least one document matching {@code query}, in doc order. */
    public Set<String> candidateIds(Query query) {
        return withSearcher(searcher -> searcher.search(query, new IdCollectorManager()));
    }

    /**
     * Calls {@code visitor} with the prepared campaign of every live document matching
     * {@code query} and admitted by {@code mask} (null: every one), in doc order, without
     * scoring. A campaign with several documents (one per format) may be visited more than
     * once. A campaign changed or removed since the searcher was opened may be visited as it
     * was then: check {@link #get} for the current one.
     */
    public void forEachCandidate(Query query, TargetingMask mask,
                                 Consumer<IndexedCampaign> visitor) {
        search(query, mask, (campaign, facts, bidAmount, rankKey) -> visitor.accept(campaign), false, null);
    }

    /**
     * Calls {@code visitor} with the current version of every campaign with a live document
     * matching {@code query} and admitted by {@code mask} (null: every one), in doc order,
     * without scoring, with the facts the mask established. A campaign with several documents
     * (one per format) may be visited more than once. A campaign removed since the searcher
     * was opened is skipped; one changed since is visited in its current version with
     * {@link TargetingMask#UNKNOWN} facts (it may no longer match the query or the mask). When
     * nothing was written since the searcher was opened, no campaign is looked up by id.
     */
    public void visitCandidates(Query query, TargetingMask mask, CandidateVisitor visitor) {
        search(query, mask, visitor, true, null);
    }

    /**
     * As {@link #visitCandidates(Query, TargetingMask, CandidateVisitor)}, reusing
     * {@code previous} (what an earlier call returned for the same {@code query}, or null) when
     * the index has not changed since: the documents the query matched are then replayed from
     * it and the query is not run. Returns what to pass next time for this query. The query's
     * term look-ups and postings were a sixth of a match under load, and a page is asked for
     * again and again while it is popular (the matcher keeps this with the page's analysis).
     */
    public Matches visitCandidates(Query query, TargetingMask mask, CandidateVisitor visitor,
                                   Matches previous) {
        return search(query, mask, visitor, true, previous == null || previous.query != query
                ? new Matches(query, null, null) : previous);
    }

    /**
     * The documents one query matched in one reader of the index, per segment (by leaf order).
     * Holds the query and a key of the reader (not the reader); nothing of a request or a user.
     */
    public static final class Matches {
        private final Query query;
        final Object readerKey;
        final FixedBitSet[] docs;
        /** The documents in descending static bound, for {@link RankedReplay}; null until asked. */
        volatile RankedReplay.Order order;

        private Matches(Query query, Object readerKey, FixedBitSet[] docs) {
            this.query = query;
            this.readerKey = readerKey;
            this.docs = docs;
        }

        /** The query these are the matches of. */
        public Query query() {
            return query;
        }
    }

    /**
     * One search over a fresh searcher; {@code checkLive} re-reads changed campaigns. With
     * {@code memo}, replays its documents when they are of this searcher's reader, else records
     * them; returns the memo to keep (null without one).
     */
    private Matches search(Query query, TargetingMask mask, CandidateVisitor visitor, boolean checkLive,
                           Matches memo) {
        return withSearcher(searcher -> {
            boolean stale = checkLive && (!(searcher instanceof CountedSearcher cs) || cs.writes != writes);
            FactCollector collector = new FactCollector(mask, visitor, stale);
            IndexReader.CacheHelper helper = memo == null ? null : searcher.getIndexReader().getReaderCacheHelper();
            if (helper == null) {
                searcher.search(query, collector);
                return null;
            }
            Object readerKey = helper.getKey();
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            if (memo.readerKey == readerKey) {
                for (LeafReaderContext leaf : leaves) {
                    collector.replay(leaf, memo.docs[leaf.ord]);
                }
                return memo;
            }
            collector.record(leaves.size());
            searcher.search(query, collector);
            return new Matches(query, readerKey, collector.recorded);
        });
    }

    /**
     * The documents {@code memo} recorded, to be visited one at a time in descending
     * {@code bound} (see {@link RankedReplay}), so that a caller that needs only the best few
     * never looks at the rest; null when they cannot be: the memo is of another reader than
     * the current one, or a campaign was written since that reader opened (a changed campaign's
     * bound could be out of order). {@code boundKey} names what the bounds depend on besides
     * the campaign (the order is kept with the memo and computed again when it changes).
     */
    public RankedReplay rankedReplay(Matches memo, TargetingMask mask, Object boundKey,
                                     RankedReplay.StaticBound bound) {
        if (memo == null || memo.readerKey == null) {
            return null;
        }
        return withSearcher(searcher -> {
            IndexReader.CacheHelper helper = searcher.getIndexReader().getReaderCacheHelper();
            if (!(searcher instanceof CountedSearcher cs) || cs.writes != writes || helper == null
                    || helper.getKey() != memo.readerKey) {
                return null;
            }
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            SegmentCampaigns[] segments = new SegmentCampaigns[leaves.size()];
            for (LeafReaderContext leaf : leaves) {
                segments[leaf.ord] = campaignsOf(leaf.reader());
            }
            // The segments' arrays stay valid once the searcher is released: nothing of Lucene
            // is read while the documents are visited.
            return new RankedReplay(memo, segments, mask, boundKey, bound);
        });
    }

    /** What {@code work} makes of the current searcher, which is released after it. */
    private <T> T withSearcher(SearcherWork<T> work) {
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return work.apply(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A reading of a searcher. */
    @FunctionalInterface
    private interface SearcherWork<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /** The prepared campaigns of {@code reader}'s segment. */
    private SegmentCampaigns campaignsOf(LeafReader reader) throws IOException {
        IndexReader.CacheHelper helper = reader.getCoreCacheHelper();
        if (helper == null) {
            return SegmentCampaigns.of(reader, live);
        }
        Object key = helper.getKey();
        SegmentCampaigns campaigns = bySegment.get(key);
        if (campaigns == null) {
            campaigns = SegmentCampaigns.of(reader, live);
            SegmentCampaigns raced = bySegment.putIfAbsent(key, campaigns);
            if (raced != null) {
                campaigns = raced;
            } else {
                helper.addClosedListener(bySegment::remove);
            }
        }
        return campaigns;
    }

    /**
     * One segment's documents: the prepared campaign of each (null when it was not serving as
     * the segment was first read), its {@link TargetingMask} bits, and the bit assignment.
     */
    record SegmentCampaigns(IndexedCampaign[] byDoc, long[] masks, double[] bidAmounts,
                                    int[] rankKeys, TargetingMask.Dictionaries dictionaries) {
        static SegmentCampaigns of(LeafReader reader, Map<String, IndexedCampaign> live)
                throws IOException {
            IndexedCampaign[] byDoc = new IndexedCampaign[reader.maxDoc()];
            int[] ordOfDoc = new int[reader.maxDoc()];
            java.util.Arrays.fill(ordOfDoc, -1);
            SortedDocValues ids = DocValues.getSorted(reader, IndexFields.ID);
            IndexedCampaign[] byOrd = new IndexedCampaign[ids.getValueCount()];
            boolean[] resolved = new boolean[byOrd.length];
            for (int doc = ids.nextDoc(); doc != SortedDocValues.NO_MORE_DOCS;
                 doc = ids.nextDoc()) {
                int ord = ids.ordValue();
                if (!resolved[ord]) {
                    byOrd[ord] = live.get(ids.lookupOrd(ord).utf8ToString());
                    resolved[ord] = true;
                }
                byDoc[doc] = byOrd[ord];
                ordOfDoc[doc] = ord;
            }
            TargetingMask.Dictionaries dictionaries = TargetingMask.Dictionaries.of(byOrd);
            long[] ordMasks = new long[byOrd.length * TargetingMask.SLOTS];
            for (int ord = 0; ord < byOrd.length; ord++) {
                if (byOrd[ord] != null) {
                    TargetingMask.write(byOrd[ord], dictionaries, ordMasks,
                            ord * TargetingMask.SLOTS);
                }
            }
            long[] masks = new long[reader.maxDoc() * TargetingMask.SLOTS];
            double[] bidAmounts = new double[reader.maxDoc()];
            int[] rankKeys = new int[reader.maxDoc()];
            for (int doc = 0; doc < byDoc.length; doc++) {
                if (byDoc[doc] != null) {
                    bidAmounts[doc] = byDoc[doc].bidAmount();
                    rankKeys[doc] = byDoc[doc].rankKey();
                }
                if (ordOfDoc[doc] >= 0) {
                    System.arraycopy(ordMasks, ordOfDoc[doc] * TargetingMask.SLOTS, masks,
                            doc * TargetingMask.SLOTS, TargetingMask.SLOTS);
                }
            }
            return new SegmentCampaigns(byDoc, masks, bidAmounts, rankKeys, dictionaries);
        }
    }

    /**
     * Opens a searcher on what was just written (call under the write lock). A write that changed
     * nothing (a campaign saved paused that was not serving, one removed that the index did not
     * hold) opens none, and the current searcher, whose reader then holds every write there is,
     * is brought up to the count: left behind, it made every later search re-read each candidate
     * from the live map and refused the replay by bound until the next real change.
     */
    private void refresh() throws IOException {
        searchers.maybeRefreshBlocking();
        IndexSearcher s = searchers.acquire();
        try {
            if (s instanceof CountedSearcher cs) {
                cs.writes = writes;
            }
        } finally {
            searchers.release(s);
        }
    }

    /** A searcher that knows how many writes its reader holds ({@link #refresh}). */
    private static final class CountedSearcher extends IndexSearcher {
        volatile long writes;

        CountedSearcher(IndexReader reader, long writes) {
            super(reader);
            this.writes = writes;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            searchers.close();
            writer.close();
            directory.close();
        }
    }

    private static Term idTerm(String id) {
        return new Term(IndexFields.ID, id);
    }

    /** Collects the campaign id doc value of every match. */
    private static final class IdCollector extends SimpleCollector {
        final Set<String> ids = new LinkedHashSet<>();
        private SortedDocValues values;

        @Override
        protected void doSetNextReader(LeafReaderContext context) throws IOException {
            values = DocValues.getSorted(context.reader(), IndexFields.ID);
        }

        @Override
        public void collect(int doc) throws IOException {
            if (values.advanceExact(doc)) {
                ids.add(values.lookupOrd(values.ordValue()).utf8ToString());
            }
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }
    }

    /**
     * Hands the current version of every match the mask admits to a visitor, with the facts
     * of the pre-check.
     */
    private final class FactCollector extends SimpleCollector {
        private final TargetingMask mask;
        private final CandidateVisitor visitor;
        private final boolean stale;
        private IndexedCampaign[] byDoc;
        private long[] masks;
        private double[] bidAmounts;
        private int[] rankKeys;
        private long[] request;
        /** When recording: each segment's matching documents, by leaf order. */
        FixedBitSet[] recorded;
        private FixedBitSet recording;

        FactCollector(TargetingMask mask, CandidateVisitor visitor, boolean stale) {
            this.mask = mask;
            this.visitor = visitor;
            this.stale = stale;
        }

        /** Also keeps every matching document, for {@link #replay} on a later request. */
        void record(int leaves) {
            recorded = new FixedBitSet[leaves];
        }

        /** Visits {@code docs} of {@code leaf} (null: none) as if the query had matched them now. */
        void replay(LeafReaderContext leaf, FixedBitSet docs) throws IOException {
            if (docs == null) {
                return;
            }
            setLeaf(leaf);
            int last = docs.length() - 1;
            for (int doc = docs.nextSetBit(0); doc != DocIdSetIterator.NO_MORE_DOCS;
                 doc = doc < last ? docs.nextSetBit(doc + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                visit(doc);
            }
        }

        @Override
        protected void doSetNextReader(LeafReaderContext context) throws IOException {
            setLeaf(context);
            if (recorded != null) {
                recording = new FixedBitSet(context.reader().maxDoc());
                recorded[context.ord] = recording;
            }
        }

        private void setLeaf(LeafReaderContext context) throws IOException {
            SegmentCampaigns campaigns = campaignsOf(context.reader());
            byDoc = campaigns.byDoc();
            masks = campaigns.masks();
            bidAmounts = campaigns.bidAmounts();
            rankKeys = campaigns.rankKeys();
            request = mask == null ? null : mask.resolve(campaigns.dictionaries());
        }

        @Override
        public void collect(int doc) {
            if (recording != null) {
                recording.set(doc);
            }
            visit(doc);
        }

        private void visit(int doc) {
            int facts = mask == null ? TargetingMask.UNKNOWN
                    : TargetingMask.check(masks, doc * TargetingMask.SLOTS, request);
            if (facts == TargetingMask.REJECT) {
                return;
            }
            IndexedCampaign ic = byDoc[doc];
            if (ic == null) {
                return;
            }
            if (stale) {
                IndexedCampaign current = live.get(ic.campaign().id());
                if (current == null) { // removed since the reader was opened
                    return;
                }
                if (current != ic) { // changed since
                    visitor.visit(current, TargetingMask.UNKNOWN, current.bidAmount(), current.rankKey());
                    return;
                }
            }
            visitor.visit(ic, facts, bidAmounts[doc], rankKeys[doc]);
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }
    }

    private static final class IdCollectorManager
            implements CollectorManager<IdCollector, Set<String>> {
        @Override
        public IdCollector newCollector() {
            return new IdCollector();
        }

        @Override
        public Set<String> reduce(Collection<IdCollector> collectors) {
            Set<String> all = new LinkedHashSet<>();
            collectors.forEach(c -> all.addAll(c.ids));
            return all;
        }
    }
}
