package io.precis.gateway.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.crypto.Randoms;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.storage.CampaignStore;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignJson;
import io.precis.matcher.campaign.CampaignStatus;
import io.precis.matcher.index.CampaignIndex;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Campaign lifecycle: validate, store durably, then update the live index, so a campaign is
 * matchable as soon as its 2xx is sent. Holds every campaign (archived too) in memory for
 * ownership checks and click redirects. Blocking: call from worker threads.
 */
public final class CampaignService {
    private final CampaignStore store;
    private final CampaignIndex index;
    private final Clock clock;
    private final Map<String, Campaign> byId = new ConcurrentHashMap<>();
    /**
     * One save at a time per campaign, so the store, the map and the index see its versions in
     * the same order; other campaigns never wait (no global lock around the store's I/O).
     */
    private final io.precis.consent.concurrent.StripedLocks locks = new io.precis.consent.concurrent.StripedLocks(256);
    /** Nanoseconds the last change took to reach the index (its refresh lag), for metrics. */
    private volatile long lastIndexNanos;

    /** Throws a 4xx when an advertiser's targeting names what is not its own (customer lists, places). */
    private final java.util.function.BiConsumer<String, io.precis.matcher.campaign.Targeting> targetingCheck;

    public CampaignService(CampaignStore store, CampaignIndex index, Clock clock) {
        this(store, index, clock, (advertiser, targeting) -> { });
    }

    /** @param targetingCheck run on each created or replaced campaign's targeting, with its advertiser */
    public CampaignService(CampaignStore store, CampaignIndex index, Clock clock,
                           java.util.function.BiConsumer<String, io.precis.matcher.campaign.Targeting> targetingCheck) {
        this.targetingCheck = targetingCheck;
        this.store = store;
        this.index = index;
        this.clock = clock;
        List<Campaign> all = store.all();
        all.forEach(c -> byId.put(c.id(), c));
        index.replaceAll(all.stream().filter(c -> c.status() == CampaignStatus.ACTIVE).toList());
    }

    public Campaign create(String advertiserId, JsonNode body) {
        Instant now = clock.instant();
        Campaign c = CampaignJson.fromRequest(body, Randoms.token(12), advertiserId, now, now);
        return save(allowed(c));
    }

    /** {@code c}, once its targeting names nothing that is not its advertiser's; else a 4xx. */
    private Campaign allowed(Campaign c) {
        targetingCheck.accept(c.advertiserId(), c.targeting());
        return c;
    }

    public Campaign replace(String advertiserId, String id, JsonNode body) {
        Campaign old = owned(advertiserId, id);
        if (old.status() == CampaignStatus.ARCHIVED) {
            throw new ApiError(409, "conflict", "campaign is archived and cannot be changed", null);
        }
        return save(allowed(CampaignJson.fromRequest(body, id, advertiserId, old.createdAt(), clock.instant())));
    }

    public Campaign archive(String advertiserId, String id) {
        Campaign old = owned(advertiserId, id);
        return old.status() == CampaignStatus.ARCHIVED ? old : save(old.withStatus(CampaignStatus.ARCHIVED, clock.instant()));
    }

    /** The advertiser's campaign {@code id}; 404 when it does not exist or belongs to another. */
    public Campaign owned(String advertiserId, String id) {
        Campaign c = byId.get(id);
        if (c == null || !c.advertiserId().equals(advertiserId)) {
            throw ApiError.notFound("campaign");
        }
        return c;
    }

    public List<Campaign> ownedBy(String advertiserId) {
        return byId.values().stream()
                .filter(c -> c.advertiserId().equals(advertiserId))
                .sorted(Comparator.comparing(Campaign::createdAt).thenComparing(Campaign::id))
                .toList();
    }

    /** The text analysis campaigns are indexed and pages matched with (for previews). */
    public io.precis.matcher.text.TextAnalysis analysis() {
        return index.analysis();
    }

    /** Every campaign, archived ones included. */
    public java.util.Collection<Campaign> all() {
        return java.util.Collections.unmodifiableCollection(byId.values());
    }

    /** Any campaign by id, archived ones included. */
    public Optional<Campaign> find(String campaignId) {
        return Optional.ofNullable(byId.get(campaignId));
    }

    /**
     * Where a click on creative {@code creativeId} of campaign {@code campaignId} lands, archived
     * campaigns included: the creative's landing URL, or, when the advertiser has replaced that
     * creative since the ad was served, the campaign's current one (its first creative's): a
     * person who clicked is never stranded on an error. Empty only for an unknown campaign.
     */
    public Optional<String> landingUrl(String campaignId, String creativeId) {
        Campaign c = byId.get(campaignId);
        if (c == null) {
            return Optional.empty();
        }
        return Optional.of(c.creatives().stream().filter(cr -> cr.id().equals(creativeId)).findFirst()
                .orElse(c.creatives().get(0)).landingUrl());
    }

    /**
     * Reads campaign {@code id} back from the store after another gateway changed it (the
     * change feed), and serves it, or stops serving it, as this gateway would its own change.
     */
    public void reload(String id) {
        store.find(id).ifPresent(c -> {
            var lock = locks.of(id);
            lock.lock();
            try {
                // Read outside the lock: a save of this gateway's that came meanwhile is newer.
                Campaign known = byId.get(id);
                if (known == null || !c.updatedAt().isBefore(known.updatedAt())) {
                    byId.put(c.id(), c);
                    index.upsert(c);
                    listeners.forEach(l -> l.accept(c));
                }
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Tells {@code listener} of every campaign now and of each one saved or reloaded from now
     * on (what else keeps per-campaign state beside the index: real-time triggers).
     */
    public void onChange(java.util.function.Consumer<Campaign> listener) {
        listeners.add(listener);
        byId.values().forEach(listener);
    }

    private final List<java.util.function.Consumer<Campaign>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Campaign save(Campaign c) {
        var lock = locks.of(c.id());
        lock.lock();
        try {
            store.save(c);
            byId.put(c.id(), c);
            long stored = System.nanoTime();
            index.upsert(c);
            lastIndexNanos = System.nanoTime() - stored;
            listeners.forEach(l -> l.accept(c));
            return c;
        } finally {
            lock.unlock();
        }
    }

    /** Seconds the last campaign change took from stored to matchable (0 before any change). */
    public double indexRefreshLagSeconds() {
        return lastIndexNanos / 1e9;
    }
}
