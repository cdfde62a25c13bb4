package io.precis.matcher.segment;

import io.precis.matcher.campaign.TriggerTargeting;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.index.IndexFields;
import io.precis.matcher.text.AnalysedText;
import io.precis.matcher.text.Phrase;
import io.precis.matcher.text.TextAnalysis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Derives behavioural segments from users' stored events, keyed by pseudonym only.
 *
 * <ul>
 *   <li>Keyword rules ({@link #define}): {@code minEvents} events within {@code withinDays}
 *       whose text, query or category contains a rule keyword (campaign keyword analysis).
 *   <li>{@code interest:<category>}: at least {@link #INTEREST_MIN_EVENTS} view or search
 *       events in that category within {@link #INTEREST_DAYS} days.
 *   <li>{@code lifecycle:}: new if first seen under {@link #NEW_DAYS} days ago; else active if
 *       last seen under {@link #ACTIVE_DAYS} days ago with at least {@link #ACTIVE_MIN_EVENTS}
 *       events in the last {@link #FREQUENCY_DAYS} days; else silent if last seen under
 *       {@link #CHURN_DAYS} days ago; else churned.
 *   <li>{@code value:A|B|C}: purchase totals ranked across users ({@link ValueTiers}).
 *   <li>{@code place:<id>:regular|occasional|never} and {@code category:<c>:frequent}: from
 *       the visit-days to registered places ({@link PlaceVisits}), once {@link #places} is set.
 *       Visits count for nothing else (keyword, interest, lifecycle are about the web).
 *   <li>{@code trigger:<campaignId>}: while a campaign's real-time trigger
 *       ({@link TriggerTargeting}) has fired for the person: from a matching event until the
 *       trigger's window after it ({@link #trigger}). Checked against the clock at every read,
 *       so it lapses on time whatever the cache holds.
 * </ul>
 *
 * Segments are cached per pseudonym, recomputed on ingest, when rules change, and after
 * {@link #CACHE_TTL} (lifecycle moves with time). Memory is bounded ({@link Limits}): the cache
 * keeps the most recently used users' segments (Caffeine, size-bounded, entries expire after
 * {@link #CACHE_TTL} by the service's clock) and value tiers rank a bounded number of buyers.
 * Thread-safe.
 */
public final class SegmentService {
    /** Events older than this are ignored and not accepted: half a year of behaviour at most. */
    public static final int HISTORY_DAYS = 180;
    /** Category interest needs repeated attention, not one stray click. */
    public static final int INTEREST_MIN_EVENTS = 2;
    /** Interest is recent: a month. */
    public static final int INTEREST_DAYS = 30;
    /** A user first seen within a week is new. */
    public static final int NEW_DAYS = 7;
    /** Active users were seen within two weeks... */
    public static final int ACTIVE_DAYS = 14;
    /** ...with at least this many events... */
    public static final int ACTIVE_MIN_EVENTS = 3;
    /** ...in the last 30 days. */
    public static final int FREQUENCY_DAYS = 30;
    /** Unseen for two months: churned (between ACTIVE_DAYS and this: silent). */
    public static final int CHURN_DAYS = 60;
    /** Lifecycle changes over days; an hour-old answer is fresh enough. */
    public static final Duration CACHE_TTL = Duration.ofHours(1);

    private final BehaviourStore store;
    private final Clock clock;
    private final TextAnalysis analysis;
    private final ConcurrentHashMap<String, CompiledRule> rules = new ConcurrentHashMap<>();
    private final AtomicLong rulesVersion = new AtomicLong();
    private final Cache<Pseudonym, Cached> cache;
    private final ValueTiers tiers;
    private volatile PlaceVisits.Catalog places;
    private final ConcurrentHashMap<String, CompiledTrigger> triggers = new ConcurrentHashMap<>();
    private volatile PlaceVisits.Rules placeRules = PlaceVisits.Rules.DEFAULTS;

    /**
     * Told, on the ingesting thread, what a person's behaviour says after an accepted ingest
     * (so only with the profiling consent the caller checked): the lookalikes' profile index.
     */
    public interface ProfileListener {
        /**
         * @param aliases the person's delivery pseudonyms, current first
         * @param webEvents their stored web events within {@link #HISTORY_DAYS} (no visits)
         * @param segments their segments, triggers and value tier left out
         */
        void profiled(List<Pseudonym> aliases, List<BehaviourEvent> webEvents, Set<String> segments, Instant now);
    }

    /**
     * How much the service keeps in memory.
     *
     * @param cachedUsers users whose segments are cached (least recently used leave first; a
     *                    user not cached is recomputed from the store on the next lookup)
     * @param rankedBuyers buyers ranked for value tiers (see {@link ValueTiers})
     */
    public record Limits(long cachedUsers, long rankedBuyers) {
        /**
         * About 40 MB of cached segments (~0.4 KB a user: pseudonym, segment set, aliases) and
         * about 100 MB of buyers (~0.2 KB each), measured by perf's {@code MemoryBoundBench}: the
         * users of an hour of heavy traffic, and the buyers of a large shop's half year.
         */
        public static final Limits DEFAULTS = new Limits(100_000, 500_000);

        public Limits {
            if (cachedUsers < 1 || rankedBuyers < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    public SegmentService(BehaviourStore store, Clock clock) {
        this(store, clock, TextAnalysis.shared());
    }

    public SegmentService(BehaviourStore store, Clock clock, TextAnalysis analysis) {
        this(store, clock, analysis, Limits.DEFAULTS);
    }

    public SegmentService(BehaviourStore store, Clock clock, TextAnalysis analysis, Limits limits) {
        this.store = store;
        this.clock = clock;
        this.analysis = analysis;
        this.cache = Caffeine.newBuilder()
                .maximumSize(limits.cachedUsers())
                .expireAfterWrite(CACHE_TTL)
                .ticker(ticker(clock))
                .executor(Runnable::run) // upkeep on the caller, not a common-pool wake-up per few requests
                .build();
        this.tiers = new ValueTiers(limits.rankedBuyers(), Duration.ofDays(HISTORY_DAYS), ticker(clock));
    }

    /** Caffeine's time, told by {@code clock} so tests that move the clock move expiry too. */
    static Ticker ticker(Clock clock) {
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    /** Users whose segments are in memory now (at most {@link Limits#cachedUsers}), after pending evictions. */
    public long cachedUsers() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Buyers ranked for value tiers now (at most {@link Limits#rankedBuyers}). */
    public long rankedBuyers() {
        return tiers.size();
    }

    /** Derives place segments from visits to the places of {@code catalog}, by {@code rules}. */
    public void places(PlaceVisits.Catalog catalog, PlaceVisits.Rules rules) {
        this.placeRules = rules;
        this.places = catalog;
        rulesVersion.incrementAndGet();
    }

    /**
     * Campaign {@code campaignId}'s real-time trigger is {@code trigger} (null: it has none, or
     * no longer serves). Segments are recomputed when next read.
     */
    public void trigger(String campaignId, TriggerTargeting trigger) {
        CompiledTrigger old = trigger == null ? triggers.remove(campaignId)
                : triggers.put(campaignId, new CompiledTrigger(trigger,
                        trigger.keywords().stream().map(analysis::phrase).toList()));
        if (old != null || trigger != null) {
            rulesVersion.incrementAndGet();
        }
    }

    /** A place was registered, changed or deleted: segments are recomputed when next read. */
    public void placesChanged() {
        rulesVersion.incrementAndGet();
    }

    /** Adds or replaces the keyword rule {@code r.id()}; segments are recomputed when next read. */
    public void define(SegmentRule r) {
        List<Phrase> phrases = r.keywords().stream().map(analysis::phrase).toList();
        rules.put(r.id(), new CompiledRule(r, phrases));
        rulesVersion.incrementAndGet();
    }

    /** The keyword rules defined, by id. */
    public Map<String, SegmentRule> rules() {
        Map<String, SegmentRule> out = new HashMap<>();
        rules.forEach((id, c) -> out.put(id, c.rule()));
        return out;
    }

    /**
     * Stores {@code p}'s events (those not older than {@link #HISTORY_DAYS} days) and recomputes
     * its segments. The caller has checked the profiling consent.
     *
     * @return how many events were accepted (the rest are dropped as too old)
     */
    public int ingest(Pseudonym p, List<BehaviourEvent> events) {
        return ingest(List.of(p), events);
    }

    /**
     * {@link #ingest(Pseudonym, List)} for a person known by several pseudonyms: the events are
     * stored under the first (the current key epoch's) and the segments recomputed over all.
     */
    public int ingest(List<Pseudonym> aliases, List<BehaviourEvent> events) {
        return ingest(aliases, events, null);
    }

    /**
     * {@link #ingest(List, List)}, then, when any event was accepted, tells {@code listener}
     * (null: nobody) what the person's whole behaviour now says.
     */
    public int ingest(List<Pseudonym> aliases, List<BehaviourEvent> events, ProfileListener listener) {
        return ingestAccepted(aliases, events, listener).size();
    }

    /**
     * {@link #ingest(List, List, ProfileListener)}, returning the events it kept (within the
     * history, and visits not already stored), all stored in one append.
     */
    public List<BehaviourEvent> ingestAccepted(List<Pseudonym> aliases, List<BehaviourEvent> events,
                                               ProfileListener listener) {
        Instant cutoff = clock.instant().minus(Duration.ofDays(HISTORY_DAYS));
        List<BehaviourEvent> accepted = events.stream().filter(e -> !e.ts().isBefore(cutoff))
                .toList();
        accepted = newVisitsOnly(aliases, accepted);
        if (!accepted.isEmpty()) {
            store.append(aliases.get(0), accepted);
            cache.put(aliases.get(0), compute(aliases, listener));
        }
        return accepted;
    }

    /**
     * {@code events} without the visits already stored (one per place and day: a visit is a
     * visit-day, however many locations inside the place arrive that day) or repeated in it.
     */
    private List<BehaviourEvent> newVisitsOnly(List<Pseudonym> aliases, List<BehaviourEvent> events) {
        if (events.stream().noneMatch(e -> e.type() == BehaviourEvent.Type.VISIT)) {
            return events;
        }
        Set<String> seen = new java.util.HashSet<>();
        for (Pseudonym alias : aliases) {
            for (BehaviourEvent e : store.read(alias)) {
                if (e.type() == BehaviourEvent.Type.VISIT) {
                    seen.add(e.category() + "@" + e.ts());
                }
            }
        }
        List<BehaviourEvent> out = new ArrayList<>(events.size());
        for (BehaviourEvent e : events) {
            if (e.type() != BehaviourEvent.Type.VISIT || seen.add(e.category() + "@" + e.ts())) {
                out.add(e);
            }
        }
        return out;
    }

    /** {@code p}'s segments now; empty for an unknown user. */
    public Set<String> segments(Pseudonym p) {
        return segments(List.of(p));
    }

    /**
     * The segments now of a person known by several pseudonyms: the current key epoch's first,
     * then older epochs' still in their rotation overlap. They are computed over the behaviour
     * stored under all of them, so a key rotation does not cut the person's history in two
     * (until the old epoch is destroyed and its pseudonym unlinkable); the person is ranked for
     * value tiers once, under the current pseudonym. Empty for an unknown user.
     */
    public Set<String> segments(List<Pseudonym> aliases) {
        Pseudonym p = aliases.get(0);
        Instant now = clock.instant();
        Cached c = cached(aliases, now);
        String tier = tiers.tier(p);
        boolean firing = false;
        for (Instant until : c.firedUntil().values()) {
            firing |= now.isBefore(until);
        }
        if (tier == null && !firing) {
            return c.segments();
        }
        Set<String> out = new TreeSet<>(c.segments());
        if (tier != null) {
            out.add("value:" + tier);
        }
        c.firedUntil().forEach((segment, until) -> {
            if (now.isBefore(until)) {
                out.add(segment);
            }
        });
        return Set.copyOf(out);
    }

    /** The person's cached segments, computed again when the rules, aliases or time made them stale. */
    private Cached cached(List<Pseudonym> aliases, Instant now) {
        Pseudonym p = aliases.get(0);
        Cached c = cache.getIfPresent(p);
        if (c == null || c.rulesVersion() != rulesVersion.get() || !c.aliases().equals(aliases)
                || now.isAfter(c.computedAt().plus(CACHE_TTL))) {
            c = compute(aliases, null);
            cache.put(p, c);
        }
        return c;
    }

    /** Whether any campaign that serves has a real-time trigger ({@link #trigger}). */
    public boolean hasTriggers() {
        return !triggers.isEmpty();
    }

    /** The longest window of the triggers of the campaigns that serve, in minutes (0 when none). */
    public int longestTriggerMinutes() {
        int longest = 0;
        for (CompiledTrigger t : triggers.values()) {
            longest = Math.max(longest, t.trigger().withinMinutes());
        }
        return longest;
    }

    /**
     * The trigger segments ({@code trigger:<campaignId>}) that have fired for the person behind
     * {@code aliases} (current first) and when each lapses, those still running now: what
     * {@link #segments(List)} adds for them, for sharing with other instances. Empty when none.
     */
    public Map<String, Instant> firedTriggers(List<Pseudonym> aliases) {
        if (triggers.isEmpty()) {
            return Map.of();
        }
        Instant now = clock.instant();
        Cached c = cached(aliases, now);
        Map<String, Instant> out = new HashMap<>();
        c.firedUntil().forEach((segment, until) -> {
            if (now.isBefore(until)) {
                out.put(segment, until);
            }
        });
        return out;
    }

    /** Deletes {@code p}'s behaviour and everything derived from it. */
    public void erase(Pseudonym p) {
        store.erase(p);
        cache.invalidate(p);
        tiers.remove(p);
    }

    /**
     * The segments of the person behind {@code aliases} (current first), from all their
     * behaviour; {@code listener}, when not null, is told of them and the web events.
     */
    private Cached compute(List<Pseudonym> aliases, ProfileListener listener) {
        long version = rulesVersion.get();
        Instant now = clock.instant();
        Instant cutoff = now.minus(Duration.ofDays(HISTORY_DAYS));
        List<BehaviourEvent> events = new ArrayList<>();
        for (Pseudonym alias : aliases) {
            for (BehaviourEvent e : store.read(alias)) {
                if (!e.ts().isBefore(cutoff)) {
                    events.add(e);
                }
            }
        }
        Set<String> out = new TreeSet<>();
        PlaceVisits.Catalog catalog = places;
        if (catalog != null) {
            PlaceVisits.segments(events, now, placeRules, catalog, out);
        }
        events.removeIf(e -> e.type() == BehaviourEvent.Type.VISIT); // the rest is about the web
        Map<String, Instant> fired = firedTriggers(events, now);
        keywordSegments(events, now, out);
        interestSegments(events, now, out);
        String lifecycle = lifecycle(events, now);
        if (lifecycle != null) {
            out.add("lifecycle:" + lifecycle);
        }
        long purchases = 0;
        for (BehaviourEvent e : events) {
            if (e.type() == BehaviourEvent.Type.PURCHASE) {
                purchases = Math.addExact(purchases, e.valueMicros());
            }
        }
        tiers.update(aliases.get(0), purchases);
        for (int i = 1; i < aliases.size(); i++) { // one person, ranked once, under the current one
            tiers.remove(aliases.get(i));
            cache.invalidate(aliases.get(i));
        }
        if (listener != null) {
            listener.profiled(List.copyOf(aliases), events, Set.copyOf(out), now);
        }
        return new Cached(Set.copyOf(out), now, version, List.copyOf(aliases), Map.copyOf(fired));
    }

    /**
     * The trigger segments of {@code events}: for each campaign's trigger, the end of the window
     * after its latest matching event, where that is still ahead of {@code now}.
     */
    private Map<String, Instant> firedTriggers(List<BehaviourEvent> events, Instant now) {
        if (triggers.isEmpty()) {
            return Map.of();
        }
        Instant oldest = now.minus(Duration.ofMinutes(TriggerTargeting.MAX_MINUTES));
        Map<String, Instant> out = new HashMap<>();
        Map<BehaviourEvent, AnalysedText> analysed = new HashMap<>();
        triggers.forEach((campaignId, t) -> {
            Instant latest = null;
            for (BehaviourEvent e : events) {
                if (e.ts().isBefore(oldest) || (latest != null && !e.ts().isAfter(latest))
                        || !t.trigger().events().isEmpty() && !t.trigger().events().contains(e.type().jsonName())) {
                    continue;
                }
                if (!t.phrases().isEmpty()) {
                    AnalysedText text = analysed.computeIfAbsent(e, ev -> analysis.analyse(
                            java.util.Arrays.asList(ev.text(), ev.query(), ev.category())));
                    if (t.phrases().stream().noneMatch(text::contains)) {
                        continue;
                    }
                }
                latest = e.ts();
            }
            if (latest != null) {
                Instant until = latest.plus(Duration.ofMinutes(t.trigger().withinMinutes()));
                if (now.isBefore(until)) {
                    out.put(TriggerTargeting.segmentOf(campaignId), until);
                }
            }
        });
        return out;
    }

    private record CompiledTrigger(TriggerTargeting trigger, List<Phrase> phrases) {
    }

    private void keywordSegments(List<BehaviourEvent> events, Instant now, Set<String> out) {
        if (rules.isEmpty()) {
            return;
        }
        int longest = rules.values().stream().mapToInt(r -> r.rule().withinDays()).max().orElse(0);
        Instant oldest = now.minus(Duration.ofDays(longest));
        Map<String, Integer> hits = new HashMap<>();
        for (BehaviourEvent e : events) {
            if (e.ts().isBefore(oldest)) {
                continue;
            }
            AnalysedText text = null;
            for (CompiledRule r : rules.values()) {
                if (e.ts().isBefore(now.minus(Duration.ofDays(r.rule().withinDays())))) {
                    continue;
                }
                if (text == null) { // analyse lazily, once per event
                    List<String> parts = new ArrayList<>(3);
                    parts.add(e.text());
                    parts.add(e.query());
                    parts.add(e.category());
                    text = analysis.analyse(parts);
                }
                for (Phrase ph : r.phrases()) {
                    if (text.contains(ph)) {
                        hits.merge(r.rule().id(), 1, Integer::sum);
                        break;
                    }
                }
            }
        }
        for (CompiledRule r : rules.values()) {
            if (hits.getOrDefault(r.rule().id(), 0) >= r.rule().minEvents()) {
                out.add(r.rule().id());
            }
        }
    }

    private static void interestSegments(List<BehaviourEvent> events, Instant now, Set<String> out) {
        Instant since = now.minus(Duration.ofDays(INTEREST_DAYS));
        Map<String, Integer> counts = new HashMap<>();
        for (BehaviourEvent e : events) {
            if (e.category() != null && !e.ts().isBefore(since)
                    && (e.type() == BehaviourEvent.Type.VIEW || e.type() == BehaviourEvent.Type.SEARCH)) {
                counts.merge(IndexFields.normaliseCategory(e.category()), 1, Integer::sum);
            }
        }
        counts.forEach((category, n) -> {
            if (n >= INTEREST_MIN_EVENTS) {
                out.add("interest:" + category);
            }
        });
    }

    /** new, active, silent or churned; null without events. */
    static String lifecycle(List<BehaviourEvent> events, Instant now) {
        if (events.isEmpty()) {
            return null;
        }
        Instant first = events.get(0).ts();
        Instant last = first;
        int recent = 0;
        Instant frequencySince = now.minus(Duration.ofDays(FREQUENCY_DAYS));
        for (BehaviourEvent e : events) {
            first = e.ts().isBefore(first) ? e.ts() : first;
            last = e.ts().isAfter(last) ? e.ts() : last;
            recent += e.ts().isBefore(frequencySince) ? 0 : 1;
        }
        if (first.isAfter(now.minus(Duration.ofDays(NEW_DAYS)))) {
            return "new";
        }
        if (last.isAfter(now.minus(Duration.ofDays(ACTIVE_DAYS))) && recent >= ACTIVE_MIN_EVENTS) {
            return "active";
        }
        return last.isAfter(now.minus(Duration.ofDays(CHURN_DAYS))) ? "silent" : "churned";
    }

    private record CompiledRule(SegmentRule rule, List<Phrase> phrases) {
    }

    /** @param firedUntil trigger segments and when each lapses (checked at every read) */
    private record Cached(Set<String> segments, Instant computedAt, long rulesVersion,
                          List<Pseudonym> aliases, Map<String, Instant> firedUntil) {
    }
}
