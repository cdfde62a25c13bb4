package io.precis.matcher.index;

import io.precis.matcher.campaign.AgeBand;
import io.precis.matcher.campaign.BidModel;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.campaign.Goal;
import io.precis.matcher.text.Phrase;
import io.precis.matcher.text.TextAnalysis;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A serving campaign with its targeting prepared once at indexing time (keywords analysed,
 * lists as sets, age bands as numbers), so matching never re-analyses or re-parses. The
 * ranking inputs (id for the rate history, goal, bid model, bid as a double) are copied in
 * too: matching reads them for every fitting candidate, and here they share the cache line the
 * eligibility checks already loaded instead of costing more pointer chases (campaign, bid,
 * BigDecimal) each.
 * Immutable; identity is what matters (the index compares versions with {@code ==}).
 */
public final class IndexedCampaign {
    private final Campaign campaign;
    private final String id;
    private final Goal goal;
    private final BidModel bidModel;
    private final double bidAmount;
    private final List<Phrase> keywords;
    private final List<Phrase> excludeKeywords;
    private final Set<String> categories;
    private final Set<String> formats;
    private final List<AgeBand> ageBands;
    private final Set<String> genders;
    private final Set<String> regions;
    private final Set<String> segments;
    private final Set<String> excludeSegments;

    /**
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
    public IndexedCampaign(Campaign campaign, List<Phrase> keywords, List<Phrase> excludeKeywords,
                           Set<String> categories, Set<String> formats, List<AgeBand> ageBands,
                           Set<String> genders, Set<String> regions, Set<String> segments,
                           Set<String> excludeSegments) {
        this.campaign = Objects.requireNonNull(campaign, "campaign");
        this.id = campaign.id();
        this.goal = campaign.goal();
        this.bidModel = campaign.bid().model();
        this.bidAmount = campaign.bid().amount().doubleValue();
        this.keywords = List.copyOf(keywords);
        this.excludeKeywords = List.copyOf(excludeKeywords);
        this.categories = Set.copyOf(categories);
        this.formats = Set.copyOf(formats);
        this.ageBands = List.copyOf(ageBands);
        this.genders = Set.copyOf(genders);
        this.regions = Set.copyOf(regions);
        this.segments = Set.copyOf(segments);
        this.excludeSegments = Set.copyOf(excludeSegments);
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

    public Campaign campaign() {
        return campaign;
    }

    /** {@code campaign().id()}. */
    public String id() {
        return id;
    }

    /** {@code campaign().goal()}. */
    public Goal goal() {
        return goal;
    }

    /** {@code campaign().bid().model()}. */
    public BidModel bidModel() {
        return bidModel;
    }

    /** {@code campaign().bid().amount()} as a double, for ranking (prices stay exact). */
    public double bidAmount() {
        return bidAmount;
    }

    public List<Phrase> keywords() {
        return keywords;
    }

    public List<Phrase> excludeKeywords() {
        return excludeKeywords;
    }

    public Set<String> categories() {
        return categories;
    }

    public Set<String> formats() {
        return formats;
    }

    public List<AgeBand> ageBands() {
        return ageBands;
    }

    public Set<String> genders() {
        return genders;
    }

    public Set<String> regions() {
        return regions;
    }

    public Set<String> segments() {
        return segments;
    }

    public Set<String> excludeSegments() {
        return excludeSegments;
    }

    @Override
    public String toString() {
        return "IndexedCampaign[" + campaign.id() + "]";
    }
}
