package io.precis.matcher.lookalike;

import io.precis.consent.identity.Pseudonym;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene102.Lucene102BinaryQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.queries.function.FunctionQuery;
import org.apache.lucene.queries.function.valuesource.ConstKnnFloatValueSource;
import org.apache.lucene.queries.function.valuesource.FloatKnnVectorFieldSource;
import org.apache.lucene.queries.function.valuesource.FloatVectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The interest profiles of the people who gave {@code profiling} consent, one Lucene document a
 * person: their delivery pseudonyms, their segments, and their {@link InterestProfile} as a
 * {@link KnnFloatVectorField}. Updated person by person as behaviour arrives (an incremental
 * rebuild: {@code updateDocument} keyed by the current pseudonym), read through a
 * {@link SearcherManager} refreshed before each search.
 *
 * <p>Why vectors and not {@code MoreLikeThis}: a lookalike is "near the seed as a whole", and a
 * seed of hundreds of people has one natural query, the centroid of their profiles, and the
 * nearest profiles to it are one scan of dot products ({@link #nearest}).
 * {@code MoreLikeThis} builds a query from the rare terms of one document, weighted by tf-idf:
 * with a seed it would need one query per seed member (or a pseudo-document of all their terms)
 * and would favour rare categories over the ones the seed shares, the opposite of what a
 * lookalike wants; and profile weights (recency, purchase over view) do not fit term counts.
 *
 * <p>The index is held in memory ({@link ByteBuffersDirectory}), never on disk: a profile is
 * derived from behaviour that is at rest only encrypted under each person's own key, and a
 * plaintext copy on disk would outlive a cryptographic erasure. Whoever keeps profiles across
 * restarts stores them sealed and puts them back here (the gateway's {@code StoredProfiles}).
 * Deleted documents leave memory when their segment is merged ({@link #purgeDeleted}).
 *
 * <p>Thread-safe (Lucene's writer and searcher manager are). Blocking: call from workers.
 */
public final class ProfileIndex implements AutoCloseable {
    /** Every delivery pseudonym of the person (current first): stored, and a term for deletes. */
    static final String ALIAS = "alias";
    /** The current delivery pseudonym: the document's key for updates. */
    static final String KEY = "key";
    /** The person's segments, one term each (a segment seed is a term query). */
    static final String SEGMENT = "segment";
    /**
     * The person's measurement pseudonyms, when they gave measurement consent: a term each, so
     * the converters of a campaign (known to reports by measurement pseudonym) can be a seed.
     * Held in memory, as the whole index (stored only sealed, by the gateway).
     */
    static final String MEASURED = "measured";
    /** The profile vector; unit length, so the dot product is the cosine. */
    static final String VECTOR = "profile";

    /**
     * Vectors stored flat, with no HNSW graph: {@link #nearest} scans them exactly (see there),
     * and building the graph was most of the time a profile took to index (perf/README,
     * "Lookalikes"). Of Lucene's flat vector formats, the binary-quantized one is registered for
     * reading segments back; it keeps the floats and adds about 24 bytes of bits a vector.
     */
    private static final Codec FLAT_VECTORS = new Lucene103Codec() {
        private final KnnVectorsFormat flat = new Lucene102BinaryQuantizedVectorsFormat();

        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return flat;
        }
    };

    /** One person of the index. */
    public record Person(List<Pseudonym> aliases, float[] vector) {
        public Pseudonym current() {
            return aliases.get(0);
        }
    }

    /** One person found by a similarity search, with its similarity to the query (higher is closer). */
    public record Scored(Person person, float score) {
    }

    private final ByteBuffersDirectory dir = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;

    public ProfileIndex() {
        try {
            writer = new IndexWriter(dir, new IndexWriterConfig().setCodec(FLAT_VECTORS));
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets the profile of the person behind {@code aliases} (delivery pseudonyms, current first)
     * to {@code vector} (unit length, {@link InterestProfile#DIMENSIONS} floats) and
     * {@code segments}; {@code measurement} are their measurement pseudonyms (empty without
     * measurement consent). A null vector removes the person. Documents of older aliases
     * (before a key rotation) are dropped.
     */
    public void put(List<Pseudonym> aliases, List<Pseudonym> measurement, float[] vector, Set<String> segments) {
        if (vector == null) {
            remove(aliases);
            return;
        }
        Document d = new Document();
        d.add(new StringField(KEY, aliases.get(0).value(), Field.Store.NO));
        for (Pseudonym p : aliases) {
            d.add(new StringField(ALIAS, p.value(), Field.Store.YES));
        }
        for (String s : segments) {
            d.add(new StringField(SEGMENT, s, Field.Store.NO));
        }
        for (Pseudonym m : measurement) {
            d.add(new StringField(MEASURED, m.value(), Field.Store.NO));
        }
        d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        try {
            for (int i = 1; i < aliases.size(); i++) {
                writer.deleteDocuments(new Term(KEY, aliases.get(i).value()));
            }
            writer.updateDocument(new Term(KEY, aliases.get(0).value()), d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes every profile that names any of {@code aliases} (erasure, withdrawn consent). */
    public void remove(Collection<Pseudonym> aliases) {
        try {
            for (Pseudonym p : aliases) {
                writer.deleteDocuments(new Term(ALIAS, p.value()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes the index holds in memory now: its files and the writer's unflushed buffer. */
    public long ramBytesUsed() {
        try {
            long files = 0;
            for (String f : dir.listAll()) {
                files += dir.fileLength(f);
            }
            return files + writer.ramBytesUsed();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** People with a profile now. */
    public int size() {
        return withSearcher(s -> s.getIndexReader().numDocs());
    }

    /** The people in {@code segment}. */
    public List<Person> inSegment(String segment) {
        return people(new TermQuery(new Term(SEGMENT, segment)), p -> true);
    }

    /** The people known by any of these measurement pseudonyms (a campaign's converters). */
    public List<Person> measuredAs(Collection<Pseudonym> measurement) {
        if (measurement.isEmpty()) {
            return List.of();
        }
        return people(new TermInSetQuery(MEASURED, measurement.stream().map(p -> new BytesRef(p.value())).toList()),
                p -> true);
    }

    /** The people {@code member} accepts, out of all (a scan: for customer lists and converters). */
    public List<Person> where(Predicate<Person> member) {
        return people(new MatchAllDocsQuery(), member);
    }

    /**
     * The {@code k} people whose profiles are closest to {@code target} (a unit vector), closest
     * first, leaving out those whose current pseudonym is in {@code leaveOut}. Exact: every
     * profile outside {@code leaveOut} is scored with the field's similarity.
     *
     * <p>Why not the HNSW graph ({@code KnnFloatVectorQuery}): a seed is by design most of the
     * people nearest its centroid, and many people share a profile exactly (the same few
     * categories); the graph keeps one of equal vectors among a node's neighbours, and a walk
     * that must step over the seed's refused nodes finds no path to the few like them left and
     * returns far people as the nearest (with Lucene's filtered walk or without it:
     * {@code ProfileIndexTest}). An exact scan costs one 64-float dot product a person (perf/README,
     * "Lookalikes"), for a build that runs when asked or on a schedule, not per request.
     */
    public List<Scored> nearest(float[] target, int k, Collection<Pseudonym> leaveOut) {
        // The score is the field's similarity, as a vector query's: (1 + cosine) / 2.
        BooleanQuery.Builder b = new BooleanQuery.Builder()
                .add(new FunctionQuery(new FloatVectorSimilarityFunction(VectorSimilarityFunction.DOT_PRODUCT,
                        new FloatKnnVectorFieldSource(VECTOR), new ConstKnnFloatValueSource(target))),
                        BooleanClause.Occur.MUST);
        if (!leaveOut.isEmpty()) {
            b.add(new TermInSetQuery(KEY, leaveOut.stream().map(p -> new BytesRef(p.value())).toList()),
                    BooleanClause.Occur.MUST_NOT);
        }
        Query q = b.build();
        return withSearcher(s -> {
            ScoreDoc[] hits = s.search(q, k).scoreDocs;
            StoredFields stored = s.storedFields();
            List<Scored> out = new ArrayList<>(hits.length);
            for (ScoreDoc h : hits) {
                out.add(new Scored(new Person(aliases(stored, h.doc), null), h.score));
            }
            return out;
        });
    }

    /**
     * Drops the bytes of deleted profiles from memory now (merging the segments that hold
     * them) rather than at Lucene's next natural merge; the lookalike schedule calls it.
     */
    public void purgeDeleted() {
        try {
            writer.forceMergeDeletes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Person> people(Query query, Predicate<Person> member) {
        return withSearcher(s -> {
            Weight w = s.createWeight(s.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1);
            List<Person> out = new ArrayList<>();
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                Scorer scorer = w.scorer(leaf);
                FloatVectorValues vectors = leaf.reader().getFloatVectorValues(VECTOR);
                if (scorer == null || vectors == null) {
                    continue;
                }
                KnnVectorValues.DocIndexIterator at = vectors.iterator();
                Bits live = leaf.reader().getLiveDocs();
                StoredFields stored = leaf.reader().storedFields();
                DocIdSetIterator docs = scorer.iterator();
                for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    if (at.docID() < doc) {
                        at.advance(doc);
                    }
                    if (at.docID() != doc) {
                        continue;
                    }
                    Person p = new Person(aliases(stored, doc), vectors.vectorValue(at.index()).clone());
                    if (member.test(p)) {
                        out.add(p);
                    }
                }
            }
            return out;
        });
    }

    private static List<Pseudonym> aliases(StoredFields stored, int doc) throws IOException {
        List<Pseudonym> out = new ArrayList<>(2);
        for (IndexableField f : stored.document(doc, Set.of(ALIAS)).getFields(ALIAS)) {
            out.add(new Pseudonym(f.stringValue()));
        }
        return out;
    }

    private interface Search<T> {
        T run(IndexSearcher s) throws IOException;
    }

    /** Runs {@code work} on a searcher that sees every change made before the call. */
    private <T> T withSearcher(Search<T> work) {
        try {
            searchers.maybeRefreshBlocking();
            IndexSearcher s = searchers.acquire();
            try {
                return work.run(s);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
