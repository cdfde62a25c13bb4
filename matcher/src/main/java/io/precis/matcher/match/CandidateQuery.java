package io.precis.matcher.match;

import io.precis.matcher.index.GeoCover;
import io.precis.matcher.index.IndexFields;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.IntRange;
import org.apache.lucene.document.LatLonShape;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.ShapeField.QueryRelation;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The one Lucene query that finds a request's candidate campaigns: a FILTER per targeting
 * dimension (the request's values or {@link IndexFields#ANY}), MUST_NOT for exclusions. The
 * user dimensions carry the user's values only where consent allows ({@link Request}), so
 * without consent only campaigns leaving them untargeted qualify. It may over-select (time is
 * indexed in milliseconds, phrases as bags of terms, geofences as boxes); {@link Eligibility}
 * decides exactly.
 */
final class CandidateQuery {
    private CandidateQuery() {
    }

    static Query of(Request r, Set<ZoneId> hourZones) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        if (r.format() != null) {
            b.add(new TermQuery(new Term(IndexFields.FORMAT, r.format())), Occur.FILTER);
        }
        b.add(anyOf(IndexFields.SITE_ALLOW, r.sites()), Occur.FILTER);
        if (!r.sites().isEmpty()) {
            b.add(new TermInSetQuery(IndexFields.SITE_BLOCK, bytes(r.sites())), Occur.MUST_NOT);
        }
        long t = r.now().toEpochMilli();
        b.add(LongPoint.newRangeQuery(IndexFields.START, Long.MIN_VALUE, t), Occur.FILTER);
        // Inclusive of t: the index truncates end to milliseconds; the exclusive end is exact in
        // Eligibility.
        b.add(LongPoint.newRangeQuery(IndexFields.END, t, Long.MAX_VALUE), Occur.FILTER);
        b.add(hours(r, hourZones), Occur.FILTER);
        b.add(context(r.page()), Occur.FILTER);
        b.add(age(r.age()), Occur.FILTER);
        b.add(anyOf(IndexFields.GENDER, r.gender() == null ? List.of() : List.of(r.gender())),
                Occur.FILTER);
        b.add(anyOf(IndexFields.REGION, r.regions()), Occur.FILTER);
        b.add(anyOf(IndexFields.SEGMENT, r.segments()), Occur.FILTER);
        if (r.personalised() && !r.segments().isEmpty()) {
            b.add(new TermInSetQuery(IndexFields.EXCLUDE_SEGMENT, bytes(r.segments())),
                    Occur.MUST_NOT);
        }
        b.add(geo(r), Occur.FILTER);
        return b.build();
    }

    /** Untargeted hours, or the request's local hour in each zone some campaign schedules in. */
    private static Query hours(Request r, Set<ZoneId> zones) {
        List<String> terms = new ArrayList<>(zones.size() + 1);
        for (ZoneId z : zones) {
            terms.add(IndexFields.hourTerm(z, r.now().atZone(z).getHour()));
        }
        terms.add(IndexFields.ANY);
        return new TermInSetQuery(IndexFields.HOURS, bytes(terms));
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

    /** Untargeted age, or (with a known age) any band containing it. */
    private static Query age(Integer age) {
        Query any = new TermQuery(new Term(IndexFields.AGE_BAND, IndexFields.ANY));
        if (age == null) {
            return any;
        }
        return new BooleanQuery.Builder().add(any, Occur.SHOULD)
                .add(IntRange.newIntersectsQuery(IndexFields.AGE_RANGE, new int[] {age},
                        new int[] {age}), Occur.SHOULD)
                .build();
    }

    /** No geofence, or (with a precise, consented point) a geofence covering the point. */
    private static Query geo(Request r) {
        Query any = new TermQuery(new Term(IndexFields.GEO, IndexFields.ANY));
        if (r.geo() == null) {
            return any;
        }
        return new BooleanQuery.Builder().add(any, Occur.SHOULD)
                .add(LatLonShape.newPointQuery(IndexFields.GEO_SHAPE, QueryRelation.INTERSECTS,
                        GeoCover.queryPoint(r.geo().lat(), r.geo().lon())), Occur.SHOULD)
                .build();
    }

    private static Query anyOf(String field, Collection<String> values) {
        List<String> terms = new ArrayList<>(values);
        terms.add(IndexFields.ANY);
        return new TermInSetQuery(field, bytes(terms));
    }

    private static List<BytesRef> bytes(Collection<String> values) {
        return values.stream().map(BytesRef::new).toList();
    }
}
