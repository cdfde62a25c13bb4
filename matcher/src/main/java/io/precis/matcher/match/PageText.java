package io.precis.matcher.match;

import io.precis.matcher.index.CampaignIndex;
import io.precis.matcher.index.IndexFields;
import io.precis.matcher.text.AnalysedText;
import io.precis.matcher.text.TextAnalysis;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.lucene.search.Query;

/**
 * A page as contextual targeting sees it: its segments (each page keyword, the title, each
 * paragraph of the text, the URL's words, each category) analysed with position gaps between
 * them, so a keyword phrase never matches across two segments, and its categories. Immutable
 * but for a memo of its last candidate query ({@link #candidateQuery}); thread-safe.
 */
final class PageText {
    private static final Pattern PARAGRAPHS = Pattern.compile("\\R");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final AnalysedText text;
    private final Set<String> categories;
    /**
     * The candidate query last built for this page, with its format: a page reused from the
     * {@link PageCache} is asked for by one slot format after another, and building the query
     * (a term per page term, sorted and prefix-coded) was a tenth of a match. Lucene queries
     * are immutable, so one may serve concurrent searches.
     */
    private volatile QueryOfFormat lastQuery;

    PageText(AnalysedText text, Set<String> categories) {
        this.text = text;
        this.categories = categories;
    }

    AnalysedText text() {
        return text;
    }

    Set<String> categories() {
        return categories;
    }

    /** {@code build}'s query of this page for {@code format} (null: any), built once per format in a row. */
    Query candidateQuery(String format, Function<String, Query> build) {
        QueryOfFormat last = lastQuery;
        if (last != null && Objects.equals(last.format(), format)) {
            return last.query();
        }
        Query q = build.apply(format);
        lastQuery = new QueryOfFormat(format, q);
        return q;
    }

    private record QueryOfFormat(String format, Query query) {
    }

    /**
     * The documents the last candidate query matched, in the index reader of then: the next
     * request for this page replays them instead of running the query, while the index has
     * not changed ({@link CampaignIndex#visitCandidates(Query, io.precis.matcher.index.TargetingMask,
     * io.precis.matcher.index.CandidateVisitor, CampaignIndex.Matches)}).
     */
    private volatile CampaignIndex.Matches lastMatches;

    /** What to pass the index for {@code query}: the matches kept for it, or null. */
    CampaignIndex.Matches matches(Query query) {
        CampaignIndex.Matches m = lastMatches;
        return m != null && m.query() == query ? m : null;
    }

    /** Keeps {@code matches} (null: nothing to keep) for the next request of this page. */
    void keepMatches(CampaignIndex.Matches matches) {
        if (matches != null && matches != lastMatches) {
            lastMatches = matches;
        }
    }

    static PageText of(PageContext page, TextAnalysis analysis) {
        List<String> segments = new ArrayList<>(page.keywords());
        segments.add(page.title());
        if (page.text() != null) {
            segments.addAll(List.of(PARAGRAPHS.split(page.text())));
        }
        segments.add(urlWords(page.url()));
        segments.addAll(page.categories());
        Set<String> categories = new LinkedHashSet<>();
        page.categories().forEach(c -> categories.add(IndexFields.normaliseCategory(c)));
        return new PageText(analysis.analyse(segments), Set.copyOf(categories));
    }

    /** The URL's words: decoded (Chinese paths are percent-encoded), punctuation as spaces. */
    private static String urlWords(String url) {
        if (url == null) {
            return null;
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(url, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = url;
        }
        return NON_WORD.matcher(decoded).replaceAll(" ");
    }
}
