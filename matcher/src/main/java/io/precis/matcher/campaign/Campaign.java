package io.precis.matcher.campaign;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An advertiser's campaign as stored and matched; build it from JSON with {@link CampaignJson}.
 *
 * @param budget never null; its limits may be null
 * @param schedule never null
 * @param frequencyCap may be null (no cap)
 * @param targeting never null
 * @param creatives at least one, ids unique
 * @param conversionCounting how conversions without an order id count; null is read as
 *                           {@link ConversionCounting#ONE}
 * @param adCategories what the ad is about, as IAB Content Taxonomy 1.0 categories
 *                     ({@code IAB9-7}): what an exchange's {@code bcat} is checked against;
 *                     null is read as empty (declares none); copied
 * @param contact stop after conversion and the channels it may use; null is read as
 *                {@link ContactRules#DEFAULT}
 * @param holdout the share of eligible people (0 ≤ holdout &lt; 1) held out of the campaign for a
 *                lift test ({@link io.precis.matcher.lift.HoldOut}): 0 holds nobody out
 */
public record Campaign(String id, String advertiserId, String name, Goal goal,
                       CampaignStatus status, Bid bid, Budget budget, Schedule schedule,
                       FrequencyCap frequencyCap, Targeting targeting, List<Creative> creatives,
                       Instant createdAt, Instant updatedAt, ConversionCounting conversionCounting,
                       List<String> adCategories, ContactRules contact, double holdout) {
    public Campaign {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(advertiserId, "advertiserId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(bid, "bid");
        budget = budget == null ? Budget.UNLIMITED : budget;
        schedule = schedule == null ? Schedule.ALWAYS : schedule;
        targeting = targeting == null ? Targeting.NONE : targeting;
        creatives = List.copyOf(creatives);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        conversionCounting = conversionCounting == null ? ConversionCounting.ONE : conversionCounting;
        adCategories = adCategories == null ? List.of() : List.copyOf(adCategories);
        contact = contact == null ? ContactRules.DEFAULT : contact;
        if (!(holdout >= 0 && holdout < 1)) {
            throw new IllegalArgumentException("holdout must be at least 0 and below 1");
        }
    }

    /** A campaign holding nobody out. */
    public Campaign(String id, String advertiserId, String name, Goal goal, CampaignStatus status, Bid bid,
                    Budget budget, Schedule schedule, FrequencyCap frequencyCap, Targeting targeting,
                    List<Creative> creatives, Instant createdAt, Instant updatedAt,
                    ConversionCounting conversionCounting, List<String> adCategories, ContactRules contact) {
        this(id, advertiserId, name, goal, status, bid, budget, schedule, frequencyCap, targeting, creatives,
                createdAt, updatedAt, conversionCounting, adCategories, contact, 0);
    }

    /** A campaign with the default {@link ContactRules}: the web only, no stop after conversion. */
    public Campaign(String id, String advertiserId, String name, Goal goal, CampaignStatus status, Bid bid,
                    Budget budget, Schedule schedule, FrequencyCap frequencyCap, Targeting targeting,
                    List<Creative> creatives, Instant createdAt, Instant updatedAt,
                    ConversionCounting conversionCounting, List<String> adCategories, double holdout) {
        this(id, advertiserId, name, goal, status, bid, budget, schedule, frequencyCap, targeting, creatives,
                createdAt, updatedAt, conversionCounting, adCategories, ContactRules.DEFAULT, holdout);
    }

    /** A campaign with the default {@link ContactRules} holding nobody out. */
    public Campaign(String id, String advertiserId, String name, Goal goal, CampaignStatus status, Bid bid,
                    Budget budget, Schedule schedule, FrequencyCap frequencyCap, Targeting targeting,
                    List<Creative> creatives, Instant createdAt, Instant updatedAt,
                    ConversionCounting conversionCounting, List<String> adCategories) {
        this(id, advertiserId, name, goal, status, bid, budget, schedule, frequencyCap, targeting, creatives,
                createdAt, updatedAt, conversionCounting, adCategories, ContactRules.DEFAULT, 0);
    }

    /** A campaign declaring no ad category. */
    public Campaign(String id, String advertiserId, String name, Goal goal, CampaignStatus status, Bid bid,
                    Budget budget, Schedule schedule, FrequencyCap frequencyCap, Targeting targeting,
                    List<Creative> creatives, Instant createdAt, Instant updatedAt,
                    ConversionCounting conversionCounting) {
        this(id, advertiserId, name, goal, status, bid, budget, schedule, frequencyCap, targeting, creatives,
                createdAt, updatedAt, conversionCounting, List.of());
    }

    /** A campaign counting {@link ConversionCounting#ONE} conversion per click and event name. */
    public Campaign(String id, String advertiserId, String name, Goal goal, CampaignStatus status, Bid bid,
                    Budget budget, Schedule schedule, FrequencyCap frequencyCap, Targeting targeting,
                    List<Creative> creatives, Instant createdAt, Instant updatedAt) {
        this(id, advertiserId, name, goal, status, bid, budget, schedule, frequencyCap, targeting, creatives,
                createdAt, updatedAt, ConversionCounting.ONE);
    }

    /** This campaign with another status, changed at {@code updatedAt}. */
    public Campaign withStatus(CampaignStatus s, Instant updatedAt) {
        return new Campaign(id, advertiserId, name, goal, s, bid, budget, schedule, frequencyCap,
                targeting, creatives, createdAt, updatedAt, conversionCounting, adCategories, contact, holdout);
    }
}
