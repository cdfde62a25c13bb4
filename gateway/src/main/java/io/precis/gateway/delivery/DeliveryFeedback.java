package io.precis.gateway.delivery;

import io.precis.consent.identity.Pseudonym;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.campaigns.CampaignService;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.privacy.PersonalData;
import io.precis.gateway.privacy.UserKeys;
import io.precis.matcher.auction.InMemoryCampaignStats;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.delivery.DeliveryBook;
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.reports.event.DeliveryTotals;
import io.precis.reports.event.EventStore;
import io.precis.reports.token.AdServed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Feeds what measurement records back into what matching decides: impressions, clicks and
 * conversions into each campaign's expected rates, and impressions into frequency caps. Spend
 * and rates are rebuilt from the event store at start.
 *
 * <p>Frequency caps count recorded impressions, by delivery pseudonym. The impression pixel
 * carries no delivery pseudonym (its token is readable, and the delivery pseudonym is for caps
 * only), so the ledger remembers, for each ad of a capped campaign served to a known user, the
 * ad id and the pseudonym until the pixel fires or the impression token expires; meanwhile the
 * ad counts as pending towards the cap, so a cap holds while pixels are in flight. The matcher
 * takes that pending slot in the same atomic step that checks the cap
 * ({@link io.precis.matcher.delivery.DeliveryLedger#reserve}), so parallel slot requests of
 * one user cannot pass it either. Recorded
 * impressions are also written to the {@link CapHistoryStore}, from which {@link #restoreCaps}
 * reloads them at start, so caps hold across a restart; pending ads (at most an hour's) do not.
 *
 * <p>Spend is not booked here but by {@link CampaignBudgets}, on the event store's writer
 * thread, at what each event was actually charged: the writer caps every charge at what the
 * budget has left, so spend never passes a budget, however many served ads are clicked,
 * converted or seen after it is reached.
 */
public final class DeliveryFeedback {
    private final DeliveryBook ledger;
    private final InMemoryCampaignStats stats;
    private final CampaignService campaigns;
    private final Clock clock;
    private final CapHistoryStore caps;
    private final java.util.concurrent.atomic.LongAdder capsLost = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param caps where recorded impressions of capped campaigns are kept across restarts
     */
    public DeliveryFeedback(DeliveryBook ledger, InMemoryCampaignStats stats, CampaignService campaigns,
                            Clock clock, CapHistoryStore caps) {
        this.ledger = ledger;
        this.stats = stats;
        this.campaigns = campaigns;
        this.clock = clock;
        this.caps = caps;
    }

    /**
     * Reloads the stored frequency-cap history of the longest cap window into the ledger.
     * Blocking; call it once at start, before any traffic.
     */
    public void restoreCaps() {
        for (CapHistoryStore.Row r : caps.since(clock.instant().minus(InMemoryDeliveryLedger.HISTORY))) {
            ledger.recordImpression(r.user(), r.campaignId(), r.at());
        }
    }

    /**
     * Counts a counted impression of {@code ad}, whose token was issued at {@code servedAt},
     * towards its campaign's expected rates and its user's cap, and releases the budget a CPM
     * ad held while it was in flight (its charge is booked by now: {@link CampaignBudgets}).
     *
     * <p>The stage completes once the cap count is durable: in the ledger, and committed to
     * the {@link CapHistoryStore} from which a restart or an emptied shared ledger is seeded
     * again. The pixel is acknowledged only then. It never completes exceptionally: an event
     * already stored is not failed for its cap count; a lost count is counted ({@link #capsLost}).
     */
    public CompletionStage<Void> impression(AdServed ad, Instant servedAt) {
        stats.recordImpression(ad.campaignId());
        if ("CPM".equals(ad.bidModel())) {
            ledger.release(ad.campaignId(), ad.priceMicros(), servedAt);
        }
        Instant now = clock.instant();
        return ledger.impressionOf(ad.adId(), now)
                .thenCompose(user -> user == null // not an ad of a capped campaign served to a known user
                        ? CompletableFuture.<Void>completedFuture(null)
                        : caps.append(new CapHistoryStore.Row(user, ad.campaignId(), now)))
                .handle((ok, failure) -> {
                    if (failure != null) {
                        // A shared ledger away or the history not written: the event is stored;
                        // only its cap count is lost.
                        capsLost.increment();
                    }
                    return null;
                });
    }

    /**
     * A shared book found empty (its Redis restarted): seeds caps and spend again from the
     * database, once across all instances. Blocking; on a worker.
     */
    public void reseedIfEmpty(EventStore events) {
        if (ledger.claimSeeding()) {
            restoreCaps();
            rebuild(events, true);
            ledger.seeded();
        }
    }

    /** Impressions stored whose frequency-cap count was lost: the shared ledger away, or its history not written. */
    public long capsLost() {
        return capsLost.sum();
    }

    /**
     * Start-up: seeds caps and spend from the database when this instance should
     * ({@link DeliveryBook#claimSeeding}), and rates always. Blocking; before any traffic.
     */
    public void restore(EventStore events) {
        boolean seed = ledger.claimSeeding();
        if (seed) {
            restoreCaps();
        }
        rebuild(events, seed);
        if (seed) {
            ledger.seeded();
        }
    }

    /** Counts a counted valid click towards its campaign's expected rates. */
    public void validClick(AdServed ad) {
        stats.recordClick(ad.campaignId());
    }

    /** Counts a counted attributed conversion towards its campaign's expected rates. */
    public void conversion(String campaignId) {
        stats.recordConversion(campaignId);
    }

    /**
     * The person's frequency-cap history (impressions of capped campaigns in the last 7 days,
     * and ads of capped campaigns served and not yet seen, by delivery pseudonym, in memory
     * only): exported and erased with the rest of their data.
     */
    public PersonalData personalData() {
        return new PersonalData() {
            @Override
            public String section() {
                return "adsServed";
            }

            @Override
            public JsonNode export(UserKeys user) {
                ObjectNode out = JsonBodies.MAPPER.createObjectNode();
                Instant since = clock.instant().minus(InMemoryDeliveryLedger.HISTORY);
                for (Campaign c : campaigns.all()) {
                    int n = 0;
                    for (Pseudonym p : user.delivery()) {
                        n += ledger.impressionsSince(p, c.id(), since);
                    }
                    if (n > 0) {
                        out.put(c.id(), n);
                    }
                }
                return out;
            }

            @Override
            public void erase(UserKeys user) {
                user.delivery().forEach(ledger::erase);
                caps.erase(user.delivery());
            }
        };
    }

    /**
     * Rebuilds rates, total spend and each campaign's spend on its recent local days from the
     * stored roll-ups, exactly as recorded (no report threshold or noise). Blocking. Call it once
     * at start, before any traffic: spend the event store books meanwhile
     * ({@link CampaignBudgets}) would be counted twice. Rates and totals replace what is held,
     * so rebuilding twice gives the same state.
     *
     * <p>Daily spend comes from the hourly grain, booked on the day of the campaign's own time
     * zone: a UTC day's total, booked at one instant, lands on the wrong local day for every
     * campaign whose zone is far from UTC (a Shanghai campaign's 07:30 is the UTC day before).
     * Each hour is booked at its last millisecond, so where a zone's offset is not a whole
     * number of hours (Asia/Kolkata), an hour that straddles local midnight counts for the later
     * day: today's spend is then over-counted by at most half an hour, never under-counted.
     */
    public void rebuild(EventStore events) {
        rebuild(events, true);
    }

    /** {@link #rebuild(EventStore)}; the spend only when {@code spend} (rates always: they are this instance's). */
    private void rebuild(EventStore events, boolean spend) {
        Map<String, Long> totals = new HashMap<>();
        for (DeliveryTotals t : events.deliveryTotals()) {
            stats.seed(t.campaignId(), t.impressions(), t.clicks(), t.conversions());
            totals.merge(t.campaignId(), t.costNanos(), DeliveryFeedback::saturatedSum);
        }
        if (!spend) {
            return;
        }
        // The local days the ledger keeps, plus a day on each side for the widest zone offset.
        Instant since = clock.instant().truncatedTo(ChronoUnit.DAYS)
                .minus(Duration.ofDays(InMemoryDeliveryLedger.SPEND_DAYS_KEPT + 1));
        Map<String, Map<LocalDate, Long>> days = new HashMap<>();
        for (DeliveryTotals t : events.hourlyDelivery(since)) {
            campaigns.find(t.campaignId()).ifPresent(campaign -> days.computeIfAbsent(t.campaignId(), k -> new TreeMap<>())
                    .merge(t.period().plus(Duration.ofHours(1)).minusMillis(1)
                            .atZone(campaign.schedule().timezone()).toLocalDate(), t.costNanos(),
                            DeliveryFeedback::saturatedSum));
        }
        Set<String> ids = new HashSet<>(totals.keySet());
        ids.addAll(days.keySet());
        for (String id : ids) {
            ledger.seedSpend(id, totals.getOrDefault(id, 0L), days.getOrDefault(id, Map.of()));
        }
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
