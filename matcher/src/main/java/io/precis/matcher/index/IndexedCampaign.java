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
    /** Keywords plus categories: the most contextual hits it can have. */
    private final int contextualTargets;
    /** Targeted demographic dimensions (age, gender, region), 0 to 3. */
    private final int demographicTargets;
    private final boolean geofenced;
    private final int rankKey;

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
        this.contextualTargets = this.keywords.size() + this.categories.size();
        this.demographicTargets = (this.ageBands.isEmpty() ? 0 : 1) + (this.genders.isEmpty() ? 0 : 1)
                + (this.regions.isEmpty() ? 0 : 1);
        this.geofenced = campaign.targeting().geo() != null;
        this.rankKey = bidModel.ordinal() | goal.ordinal() << 2 | (geofenced ? GEOFENCED_BIT : 0)
                | Math.min(contextualTargets, MAX_CONTEXTUAL_TARGETS) << CONTEXTUAL_SHIFT;
    }

    private static final int GEOFENCED_BIT = 1 << 4;
    private static final int CONTEXTUAL_SHIFT = 8;
    private static final int MAX_CONTEXTUAL_TARGETS = 0xFFFF;

    /**
     * What a score bound needs of the campaign besides its bid, packed in one int: bid model,
     * goal, {@link #geofenced} and {@link #contextualTargets} (read them back with
     * {@link #bidModelOf}, {@link #goalOf}, {@link #geofencedOf}, {@link #contextualTargetsOf}).
     * The index keeps it per document beside {@link #bidAmount} ({@link CandidateVisitor}), so
     * bounding each of a request's hundreds of candidates reads two arrays in document order
     * instead of missing the cache on each campaign object.
     */
    public int rankKey() {
        return rankKey;
    }

    public static BidModel bidModelOf(int rankKey) {
        return BID_MODELS[rankKey & 3];
    }

    public static Goal goalOf(int rankKey) {
        return GOALS[rankKey >>> 2 & 3];
    }

    public static boolean geofencedOf(int rankKey) {
        return (rankKey & GEOFENCED_BIT) != 0;
    }

    /** {@link #contextualTargets}, at most 65,535 (no campaign comes near). */
    public static int contextualTargetsOf(int rankKey) {
        return rankKey >>> CONTEXTUAL_SHIFT;
    }

    private static final BidModel[] BID_MODELS = BidModel.values();
    private static final Goal[] GOALS = Goal.values();

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

    /**
     * {@code keywords().size() + categories().size()}: with {@link #demographicTargets},
     * {@link #geofenced} and {@code segments().size()}, what a score bound needs of the campaign,
     * kept here so that bounding a candidate reads this object alone (each list or set is one
     * more cache miss, and every candidate of a request is bounded).
     */
    public int contextualTargets() {
        return contextualTargets;
    }

    /** How many of age bands, genders and regions it targets (0 to 3). */
    public int demographicTargets() {
        return demographicTargets;
    }

    /** Whether it targets a geofence ({@code targeting.geo}). */
    public boolean geofenced() {
        return geofenced;
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
