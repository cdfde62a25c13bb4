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
import io.precis.matcher.delivery.InMemoryDeliveryLedger;
import io.precis.reports.event.Dimension;
import io.precis.reports.event.EventStore;
import io.precis.reports.event.ReportQuery;
import io.precis.reports.event.ReportRow;
import io.precis.reports.token.AdServed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Feeds what measurement records back into what matching decides: impressions, clicks and
 * conversions into each campaign's expected rates, and impressions into frequency caps. Spend
 * and rates are rebuilt from the event store at start.
 *
 * <p>Frequency caps count recorded impressions, by delivery pseudonym. The impression pixel
 * carries no delivery pseudonym (its token is readable, and the delivery pseudonym is for caps
 * only), so the ledger remembers, for each ad of a capped campaign served to a known user, the
 * ad id and the pseudonym until the pixel fires or the impression token expires; meanwhile the
 * ad counts as pending towards the cap, so a cap holds while pixels are in flight. Recorded
 * impressions are also written to the {@link CapHistoryStore}, from which {@link #restoreCaps}
 * reloads them at start, so caps hold across a restart; pending ads (at most an hour's) do not.
 *
 * <p>Spend is not booked here but by {@link CampaignBudgets}, on the event store's writer
 * thread, at what each event was actually charged: the writer caps every charge at what the
 * budget has left, so spend never passes a budget, however many served ads are clicked,
 * converted or seen after it is reached.
 */
public final class DeliveryFeedback {
    /** Spend and rates are rebuilt from at most this much history: the longest report span. */
    private static final int REBUILD_DAYS = 366;

    private final InMemoryDeliveryLedger ledger;
    private final InMemoryCampaignStats stats;
    private final CampaignService campaigns;
    private final Clock clock;
    private final Duration impressionTtl;
    private final CapHistoryStore caps;

    /**
     * @param impressionTtl how long an impression token is valid (a served ad may be seen)
     * @param caps where recorded impressions of capped campaigns are kept across restarts
     */
    public DeliveryFeedback(InMemoryDeliveryLedger ledger, InMemoryCampaignStats stats, CampaignService campaigns,
                            Clock clock, Duration impressionTtl, CapHistoryStore caps) {
        this.ledger = ledger;
        this.stats = stats;
        this.campaigns = campaigns;
        this.clock = clock;
        this.impressionTtl = impressionTtl;
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
     * Notes ad {@code adId} of {@code campaign} served to {@code user}: pending towards the
     * user's cap until its impression is recorded or its token expires. Only for campaigns with
     * a frequency cap and a known user; nothing is kept for the others.
     */
    public void served(String adId, Pseudonym user, Campaign campaign) {
        if (user != null && campaign.frequencyCap() != null) {
            Instant now = clock.instant();
            ledger.recordServed(adId, user, campaign.id(), now, now.plus(impressionTtl));
        }
    }

    /** Counts a counted impression towards its campaign's expected rates and its user's cap. */
    public void impression(AdServed ad) {
        stats.recordImpression(ad.campaignId());
        Instant now = clock.instant();
        Pseudonym user = ledger.recordImpression(ad.adId(), now);
        if (user != null) { // an ad of a capped campaign, served to a known user
            caps.append(new CapHistoryStore.Row(user, ad.campaignId(), now));
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
     * Rebuilds spend and rates from the stored events of {@code advertiserIds}. Blocking. Call
     * it once at start, before any traffic: spend the event store books meanwhile
     * ({@link CampaignBudgets}) would be counted twice. Reports give spend to the micro (half
     * up), so a CPM campaign's rebuilt spend can lack under half a micro per day.
     */
    public void rebuild(List<String> advertiserIds, EventStore events) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        for (String advertiser : advertiserIds) {
            ReportQuery q = new ReportQuery(advertiser, today.minusDays(REBUILD_DAYS - 1), today,
                    List.of(Dimension.CAMPAIGN, Dimension.DAY), null);
            for (ReportRow row : events.report(q).rows()) {
                String campaignId = row.keys().get(Dimension.CAMPAIGN);
                var c = row.counts();
                stats.seed(campaignId, stats.impressions(campaignId) + c.impressions(),
                        stats.clicks(campaignId) + c.clicks(), stats.conversions(campaignId) + c.conversions());
                // Reports keep UTC days; noon UTC lands on the same calendar day in every zone
                // within ±12 h, which covers the campaigns' budget days closely enough.
                Instant noon = LocalDate.parse(row.keys().get(Dimension.DAY)).atTime(12, 0).toInstant(ZoneOffset.UTC);
                campaigns.find(campaignId).ifPresent(campaign ->
                        ledger.recordSpend(campaignId, noon, c.spendMicros(), campaign.schedule().timezone()));
            }
        }
    }
}
