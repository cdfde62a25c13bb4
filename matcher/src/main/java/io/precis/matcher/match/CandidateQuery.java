package io.precis.matcher.match;

import io.precis.matcher.index.IndexFields;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The one Lucene query that finds a request's candidate campaigns. It may over-select (time is
 * indexed in milliseconds, phrases as bags of terms); {@link Eligibility} decides exactly.
 */
final class CandidateQuery {
    /**
     * User-attribute dimensions: the request carries no consented user values yet, so only
     * campaigns that leave them untargeted qualify. The full-targeting work adds the user's
     * values to each set (and MUST_NOT on {@link IndexFields#EXCLUDE_SEGMENT}).
     */
    private static final List<String> USER_DIMENSIONS = List.of(IndexFields.AGE_BAND,
            IndexFields.GENDER, IndexFields.REGION, IndexFields.SEGMENT, IndexFields.GEO);

    private CandidateQuery() {
    }

    /**
     * @param format the slot format (normalised), or null for any
     * @param sites the slot's host and its parent domains; empty when unknown
     */
    static Query of(String format, List<String> sites, PageText page, Instant now) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        if (format != null) {
            b.add(new TermQuery(new Term(IndexFields.FORMAT, format)), Occur.FILTER);
        }
        b.add(anyOf(IndexFields.SITE_ALLOW, sites), Occur.FILTER);
        if (!sites.isEmpty()) {
            b.add(new TermInSetQuery(IndexFields.SITE_BLOCK, bytes(sites)), Occur.MUST_NOT);
        }
        long t = now.toEpochMilli();
        b.add(LongPoint.newRangeQuery(IndexFields.START, Long.MIN_VALUE, t), Occur.FILTER);
        // Inclusive of t: the index truncates end to milliseconds; the exclusive end is exact in
        // Eligibility.
        b.add(LongPoint.newRangeQuery(IndexFields.END, t, Long.MAX_VALUE), Occur.FILTER);
        b.add(context(page), Occur.FILTER);
        for (String field : USER_DIMENSIONS) {
            b.add(new TermQuery(new Term(field, IndexFields.ANY)), Occur.FILTER);
        }
        return b.build();
    }

    /** Campaign keyword terms ∩ page terms, or categories ∩ page categories, or untargeted. */
    private static Query context(PageText page) {
        List<String> terms = new ArrayList<>(page.text().terms().size()
                + page.categories().size() + 1);
        page.text().terms().forEach(t -> terms.add(IndexFields.keywordTerm(t)));
        page.categories().forEach(c -> terms.add(IndexFields.categoryTerm(c)));
        terms.add(IndexFields.ANY);
        return new TermInSetQuery(IndexFields.CONTEXT, bytes(terms));
    }

    private static Query anyOf(String field, List<String> values) {
        List<String> terms = new ArrayList<>(values);
        terms.add(IndexFields.ANY);
        return new TermInSetQuery(field, bytes(terms));
    }

    private static List<BytesRef> bytes(Collection<String> values) {
        return values.stream().map(BytesRef::new).toList();
    }
}
