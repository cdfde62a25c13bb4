package io.precis.matcher.match;

import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.index.IndexFields;
import io.precis.matcher.text.Phrase;
import io.precis.matcher.text.TextAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Would this targeting match this page, contextually, and why: each keyword with the words the
 * analyser makes of it and whether the page has them close together, the excluded keywords
 * that veto, the categories that hit, and every word the analyser found on the page (for
 * Chinese, where the word boundaries are the analyser's, not the writer's). The same analysis
 * and rules as matching ({@link PageText}, {@link Eligibility}); demographic, behavioural and
 * geo targeting depend on the person and are not previewed.
 *
 * @param contextual whether the targeting has keywords or categories at all (without, any page fits)
 * @param matches whether the page passes the contextual rules: no veto, and a hit if contextual
 */
public record ContextualPreview(boolean contextual, boolean matches, List<KeywordHit> keywords,
                                List<KeywordHit> excludedKeywords, List<String> categoryHits,
                                List<String> pageTerms) {
    /** One keyword, the analysed words it stands for, and whether the page has them (as a phrase). */
    public record KeywordHit(String keyword, List<String> terms, boolean found) {
    }

    /** The preview of {@code targeting} on {@code page}. */
    public static ContextualPreview of(Targeting targeting, PageContext page, TextAnalysis analysis) {
        PageText text = PageText.of(page, analysis);
        List<KeywordHit> keywords = hits(targeting.keywords(), text, analysis);
        List<KeywordHit> excluded = hits(targeting.excludeKeywords(), text, analysis);
        List<String> categories = new ArrayList<>();
        for (String c : targeting.categories()) {
            if (text.categories().contains(IndexFields.normaliseCategory(c))) {
                categories.add(c);
            }
        }
        boolean contextual = !targeting.keywords().isEmpty() || !targeting.categories().isEmpty();
        boolean hit = categories.size() + keywords.stream().filter(KeywordHit::found).count() > 0;
        boolean vetoed = excluded.stream().anyMatch(KeywordHit::found);
        return new ContextualPreview(contextual, !vetoed && (!contextual || hit), keywords, excluded,
                List.copyOf(categories), List.copyOf(new TreeSet<>(text.text().terms())));
    }

    private static List<KeywordHit> hits(List<String> keywords, PageText text, TextAnalysis analysis) {
        List<KeywordHit> out = new ArrayList<>();
        for (String k : keywords) {
            Phrase p = analysis.phrase(k);
            out.add(new KeywordHit(k, p.terms(), text.text().contains(p)));
        }
        return List.copyOf(out);
    }
}
