package io.precis.matcher.index;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.text.Phrase;
import io.precis.matcher.text.TextAnalysis;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A serving campaign with its contextual targeting analysed once at indexing time, so matching
 * never re-analyses keywords.
 *
 * @param keywords the analysed {@code targeting.keywords}
 * @param excludeKeywords the analysed {@code targeting.excludeKeywords}
 * @param categories {@code targeting.categories}, normalised by {@link IndexFields#normaliseCategory}
 */
public record IndexedCampaign(Campaign campaign, List<Phrase> keywords,
                              List<Phrase> excludeKeywords, Set<String> categories) {
    public IndexedCampaign {
        keywords = List.copyOf(keywords);
        excludeKeywords = List.copyOf(excludeKeywords);
        categories = Set.copyOf(categories);
    }

    /** Analyses {@code c}'s contextual targeting with {@code analysis}. */
    public static IndexedCampaign of(Campaign c, TextAnalysis analysis) {
        var t = c.targeting();
        return new IndexedCampaign(c,
                t.keywords().stream().map(analysis::phrase).toList(),
                t.excludeKeywords().stream().map(analysis::phrase).toList(),
                t.categories().stream().map(IndexFields::normaliseCategory)
                        .collect(Collectors.toSet()));
    }
}
