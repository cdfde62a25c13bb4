package io.precis.matcher.index;

import io.precis.matcher.campaign.AgeBand;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.text.Phrase;
import io.precis.matcher.text.TextAnalysis;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A serving campaign with its targeting prepared once at indexing time (keywords analysed,
 * lists as sets, age bands as numbers), so matching never re-analyses or re-parses.
 *
 * @param keywords the analysed {@code targeting.keywords}
 * @param excludeKeywords the analysed {@code targeting.excludeKeywords}
 * @param categories {@code targeting.categories}, normalised by {@link IndexFields#normaliseCategory}
 * @param formats the formats of the campaign's creatives
 * @param ageBands {@code targeting.ageBands} parsed
 * @param genders {@code targeting.genders}
 * @param regions {@code targeting.regions}
 * @param segments {@code targeting.segments}
 * @param excludeSegments {@code targeting.excludeSegments}
 */
public record IndexedCampaign(Campaign campaign, List<Phrase> keywords,
                              List<Phrase> excludeKeywords, Set<String> categories,
                              Set<String> formats, List<AgeBand> ageBands, Set<String> genders,
                              Set<String> regions, Set<String> segments,
                              Set<String> excludeSegments) {
    public IndexedCampaign {
        keywords = List.copyOf(keywords);
        excludeKeywords = List.copyOf(excludeKeywords);
        categories = Set.copyOf(categories);
        formats = Set.copyOf(formats);
        ageBands = List.copyOf(ageBands);
        genders = Set.copyOf(genders);
        regions = Set.copyOf(regions);
        segments = Set.copyOf(segments);
        excludeSegments = Set.copyOf(excludeSegments);
    }

    /** Prepares {@code c}'s targeting, analysing keywords with {@code analysis}. */
    public static IndexedCampaign of(Campaign c, TextAnalysis analysis) {
        var t = c.targeting();
        return new IndexedCampaign(c,
                t.keywords().stream().map(analysis::phrase).toList(),
                t.excludeKeywords().stream().map(analysis::phrase).toList(),
                t.categories().stream().map(IndexFields::normaliseCategory)
                        .collect(Collectors.toSet()),
                c.creatives().stream().map(Creative::format).collect(Collectors.toSet()),
                t.ageBands().stream().map(AgeBand::parse).toList(),
                Set.copyOf(t.genders()), Set.copyOf(t.regions()), Set.copyOf(t.segments()),
                Set.copyOf(t.excludeSegments()));
    }
}
