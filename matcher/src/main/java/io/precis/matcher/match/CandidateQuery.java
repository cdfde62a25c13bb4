package io.precis.matcher.match;

import io.precis.matcher.index.IndexFields;
import io.precis.matcher.index.TargetingMask;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The one Lucene query that finds a request's candidate campaigns: the documents of the slot's
 * format whose context the page reaches (a keyword term or category of the page, or untargeted
 * context), as one term set on {@link IndexFields#FORMAT_CONTEXT} ({@link IndexFields#CONTEXT}
 * when the slot takes any format).
 *
 * <p>Only the selective dimensions are asked of the index. The others (site, schedule, hours,
 * demographics, segments, geo) leave most campaigns untargeted, so as index clauses they match
 * most of the index and cost more to evaluate than they save; {@link Eligibility} checks them
 * exactly on the few thousand candidates, in memory, after a pre-check of packed bits per
 * document ({@link TargetingMask}) has ruled out most of them. The query may over-select
 * (phrases are bags of terms here); it never under-selects: every campaign {@link Eligibility}
 * accepts has a context term the page produces, or leaves context untargeted.
 */
final class CandidateQuery {
    private CandidateQuery() {
    }

    /** The request's query; the same object for the next request of the same page and format. */
    static Query of(Request r) {
        return r.page().candidateQuery(r.format(), format -> of(r.page(), format));
    }

    private static Query of(PageText page, String format) {
        List<BytesRef> terms = new ArrayList<>(page.text().terms().size()
                + page.categories().size() + 1);
        for (String t : page.text().terms()) {
            terms.add(term(format, IndexFields.keywordTerm(t)));
        }
        for (String c : page.categories()) {
            terms.add(term(format, IndexFields.categoryTerm(c)));
        }
        terms.add(term(format, IndexFields.ANY));
        // All terms into one bit set: the postings are short but many, and a disjunction over
        // them (the default blended rewrite keeps 16 as iterators) costs more per match.
        return new TermInSetQuery(MultiTermQuery.CONSTANT_SCORE_REWRITE,
                format == null ? IndexFields.CONTEXT : IndexFields.FORMAT_CONTEXT, terms);
    }

    /** The request's side of the {@link TargetingMask} pre-check of each candidate. */
    static TargetingMask mask(Request r) {
        return TargetingMask.request(r.regions(), r.segments(), r.age(), r.gender(), r.sites(),
                r.geo() != null, r.now());
    }

    private static BytesRef term(String format, String contextTerm) {
        return new BytesRef(format == null ? contextTerm
                : IndexFields.formatContextTerm(format, contextTerm));
    }
}
