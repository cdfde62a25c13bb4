package io.precis.gateway.contact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.Purposes;
import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.campaigns.CampaignService;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.privacy.PersonalData;
import io.precis.gateway.privacy.UserKeys;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.match.ContactGate;
import io.precis.reports.token.AdServed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Stop after conversion and the contact policy (API.md, "Contact policy"), the one home of both:
 * the {@link ContactGate} each ad request and decision is matched with, the link from a click
 * to the person who clicked, the suppression an attributed conversion of that click starts, the
 * advertisers' own policies, and what the rules held back ({@link ContactEffects}).
 *
 * <p>Linking a conversion to a person is processing for measurement, so it happens only with the
 * {@code measurement} purpose: only then does the click token carry the person's delivery
 * pseudonym ({@link AdServed#conversionLink}, sealed like the whole token), and only a click
 * that carries it is linked. Without it nobody is suppressed: the person may see the group's ads
 * again, which is the privacy-first failure. Counting contacts needs no such purpose: it only
 * ever removes ads, and keeps nothing but a count of today's under the delivery pseudonym that
 * frequency caps use already.
 *
 * <p>Thread-safe. {@link #gate} may block on a shared book (Redis): call it on a worker.
 */
public final class ContactPolicy {
    private final ContactSettings settings;
    private final ContactBook book;
    private final ContactStore store;
    private final CampaignService campaigns;
    private final Clock clock;
    private final Duration clickWindow;
    private final ContactEffects effects = new ContactEffects();
    /** Each advertiser's own policy, ads a day per person; absent: none. */
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    /** Tells the other gateways on the database that an advertiser's policy changed. */
    private final BiConsumer<String, String> publish;
    /**
     * The serving campaigns that stop after conversion: while there are none and no limit is
     * set, a request's gate needs no read of the book (with Redis, a round trip saved per ad).
     */
    private final java.util.Set<String> stopping = ConcurrentHashMap.newKeySet();
    /** The change-feed kind of an advertiser's policy. */
    public static final String CHANGE_KIND = "contact-policy";

    /**
     * @param clickWindow how long after a click a conversion is attributed to it: how long a
     *     click's link is kept
     * @param publish tells the other gateways (kind, advertiser id) that a policy changed
     */
    public ContactPolicy(ContactSettings settings, ContactBook book, ContactStore store, CampaignService campaigns,
                         Clock clock, Duration clickWindow, BiConsumer<String, String> publish) {
        this.settings = settings;
        this.book = book;
        this.store = store;
        this.campaigns = campaigns;
        this.clock = clock;
        this.clickWindow = clickWindow;
        this.publish = publish;
        campaigns.onChange(c -> {
            if (c.status() == io.precis.matcher.campaign.CampaignStatus.ACTIVE && c.contact().stopAfterConversion()) {
                stopping.add(c.id());
            } else {
                stopping.remove(c.id());
            }
        });
    }

    /**
     * Loads the advertisers' policies, and seeds the book with today's and yesterday's contacts
     * and the running suppressions (idempotent: a shared book seeded by another instance keeps
     * its counts). Blocking; once at start, before any traffic.
     */
    public void restore() {
        limits.putAll(store.policies());
        Instant now = clock.instant();
        store.prune(startOfYesterday(now), now);
        seed(now);
    }

    /**
     * A shared book that lost its seed (its Redis restarted empty) is seeded again from disk.
     * Blocking; from a timer, on a worker.
     */
    public void reseedIfEmpty() {
        if (book.lostItsSeed()) {
            seed(clock.instant());
        }
    }

    /** Today's and yesterday's contacts and the running suppressions into the book (idempotent). */
    private void seed(Instant now) {
        record Day(Pseudonym p, LocalDate day) {
        }
        Map<Day, Map<String, Integer>> counts = new HashMap<>();
        for (ContactStore.Contact c : store.contactsSince(startOfYesterday(now))) {
            counts.computeIfAbsent(new Day(c.user(), dayOf(c.at())), d -> new HashMap<>())
                    .merge(c.advertiserId(), 1, Integer::sum);
        }
        counts.forEach((d, byAdvertiser) -> book.seedContacts(d.p(), d.day(), byAdvertiser));
        for (ContactStore.Suppression s : store.suppressionsAfter(now)) {
            book.suppress(s.user(), s.advertiserId(), s.group(), s.until());
        }
        book.seeded();
    }

    private Instant startOfYesterday(Instant now) {
        return dayOf(now).minusDays(1).atStartOfDay(settings.zone()).toInstant();
    }

    /**
     * The gate of one request on {@code channel} for the person of {@code keys} (null: nobody
     * known, so only the channel applies: neither rule can count or recognise an anonymous
     * person), and while no rule is in force (no limit set, no serving campaign that stops after
     * conversion). Reads the book once; may block.
     */
    public ContactGate gate(UserKeys keys, String channel) {
        if (keys == null || settings.perDay() == 0 && limits.isEmpty() && stopping.isEmpty()) {
            return ContactGate.channel(channel);
        }
        Instant now = clock.instant();
        LocalDate day = dayOf(now);
        return new PersonGate(this, channel, keys.current(), book.read(keys.delivery(), day), now, day);
    }

    /**
     * What the click token of an ad of {@code c} carries to link a conversion to the person:
     * their delivery pseudonym when {@code c} stops after conversion and they gave
     * {@code measurement}; else null.
     */
    public String conversionLink(Campaign c, UserKeys keys, Purposes purposes) {
        return c.contact().stopAfterConversion() && keys != null && purposes.measurement()
                ? keys.current().value() : null;
    }

    /** A counted click of {@code ad} with id {@code clickId}: keeps its link, if it carries one, for the click window. Blocking. */
    public void clicked(String clickId, AdServed ad) {
        if (ad.conversionLink() != null) {
            store.saveLink(clickId, new Pseudonym(ad.conversionLink()), ad.campaignId(), clock.instant().plus(clickWindow));
        }
    }

    /**
     * A conversion attributed through click {@code clickId}: when the click was linked and its
     * campaign still stops after conversion, its group is not served to the person for the
     * suppression period, on disk first. Blocking.
     */
    public void converted(String clickId) {
        Instant now = clock.instant();
        ContactStore.Link link = clickId == null ? null : store.link(clickId, now);
        if (link == null) {
            return;
        }
        campaigns.find(link.campaignId()).ifPresent(c -> {
            String group = c.contact().groupOf(c.id());
            if (group != null) {
                Instant until = now.plus(settings.suppression());
                store.saveSuppression(new ContactStore.Suppression(link.user(), c.advertiserId(), group, until));
                book.suppress(link.user(), c.advertiserId(), group, until);
            }
        });
    }

    /** The advertiser's own policy, ads a day per person; 0 for none. */
    public int limitOf(String advertiserId) {
        Integer n = limits.get(advertiserId);
        return n == null ? 0 : n;
    }

    /** Sets (null: removes) the advertiser's own policy, on disk, here and on the other gateways. Blocking. */
    public void setLimit(String advertiserId, Integer perDay) {
        store.savePolicy(advertiserId, perDay);
        reload(advertiserId);
        publish.accept(CHANGE_KIND, advertiserId);
    }

    /** Reads the advertiser's policy again (another gateway changed it). Blocking. */
    public void reload(String advertiserId) {
        Integer n = store.policy(advertiserId);
        if (n == null) {
            limits.remove(advertiserId);
        } else {
            limits.put(advertiserId, n);
        }
    }

    /** Per campaign of {@code campaignIds}, [not shown, suppressed] from {@code from} to {@code to}. Blocking. */
    public Map<String, long[]> effects(List<String> campaignIds, LocalDate from, LocalDate to) {
        effects.flush(store);
        return store.effects(campaignIds, from, to);
    }

    /** The person's contacts today and their running suppressions: exported and erased with the rest. */
    public PersonalData personalData() {
        return new PersonalData() {
            @Override
            public String section() {
                return "contacts";
            }

            @Override
            public JsonNode export(UserKeys user) {
                ContactBook.Person p = book.read(user.delivery(), dayOf(clock.instant()));
                ObjectNode out = JsonBodies.MAPPER.createObjectNode();
                out.put("today", p.total());
                out.put("stoppedAfterConversion", p.suppressedUntilMs().values().stream()
                        .filter(t -> t > clock.millis()).count());
                return out;
            }

            @Override
            public void erase(UserKeys user) {
                user.delivery().forEach(book::erase);
                store.erase(user.delivery());
            }
        };
    }

    /** The day of the contact policy that {@code at} falls on. */
    public LocalDate dayOf(Instant at) {
        return at.atZone(settings.zone()).toLocalDate();
    }

    public ContactSettings settings() {
        return settings;
    }

    ContactBook book() {
        return book;
    }

    ContactStore store() {
        return store;
    }

    public ContactEffects effects() {
        return effects;
    }

    /** Writes the counts of what was held back, and drops what ended. Blocking; from a timer, on a worker. */
    public void housekeeping() {
        effects.flush(store);
        Instant now = clock.instant();
        store.prune(startOfYesterday(now), now);
        book.prune(now);
    }
}
