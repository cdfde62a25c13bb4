package io.precis.gateway.audiences;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.Purposes;
import io.precis.gateway.behaviour.ProfileSink;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.privacy.PersonalData;
import io.precis.gateway.privacy.UserKeys;
import io.precis.matcher.lookalike.InterestProfile;
import io.precis.matcher.lookalike.Lookalikes;
import io.precis.matcher.lookalike.ProfileIndex;
import io.precis.matcher.segment.SegmentService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Lookalikes: audiences of the N people whose interest profiles are nearest a seed's (a
 * segment, one of the advertiser's audiences, or the converters of one of its campaigns), among
 * the people who gave {@code profiling} consent. Profiles are stored (sealed) and enter the
 * {@link ProfileIndex} as behaviour is ingested (this is the behaviour routes'
 * {@link ProfileSink}), and the index is loaded from the store at start ({@link StoredProfiles});
 * a lookalike is built when created, when asked ({@link #rebuild}) and on a schedule
 * ({@link #rebuildAll}), each time over every stored profile, whichever gateway received the
 * behaviour; its members are stored as a customer list's: fingerprints of delivery pseudonyms,
 * so campaigns target it as they target a list. Until the start-up load is done a build is
 * refused with 503 (a build over part of the people would be silently wrong), and the schedule
 * waits for its next turn.
 *
 * <p>Consent: a person's stored choice is read at every build, for the seed and for each person
 * found; one who withdrew profiling is left out and their profile deleted, as it is at once
 * when they withdraw through this gateway ({@link #withdrawn}). Erasure ({@link #personalData})
 * deletes the person's profile and takes them out of every lookalike at once. Nothing here names
 * a person but by pseudonym, and a profile reaches disk only sealed under the person's key.
 *
 * <p>Thread-safe. Blocking: call from workers.
 */
public final class LookalikeService implements ProfileSink {
    private static final System.Logger LOG = System.getLogger(LookalikeService.class.getName());

    private final StoredProfiles stored;
    private final ProfileIndex profiles;
    private final AudienceService audiences;
    private final LookalikeStore store;
    private final Predicate<List<Pseudonym>> profilingConsent;
    private final BiPredicate<String, String> ownsPlaceSegment;
    private final Converters converters;
    private final Clock clock;
    private final Map<String, LookalikeStore.Spec> specs = new ConcurrentHashMap<>();
    private final AtomicLong rebuildFailures = new AtomicLong();

    /** The converters of an advertiser's campaign (reports know them by measurement pseudonym). */
    public interface Converters {
        /** The campaigns of {@code campaigns}, and their converters as {@code events} recorded them. */
        static Converters of(io.precis.gateway.campaigns.CampaignService campaigns,
                             io.precis.reports.event.EventStore events) {
            return new Converters() {
                @Override
                public boolean owns(String advertiserId, String campaignId) {
                    return campaigns.find(campaignId).filter(c -> c.advertiserId().equals(advertiserId)).isPresent();
                }

                @Override
                public java.util.Collection<Pseudonym> of(String campaignId) {
                    return events.converters(campaignId);
                }
            };
        }

        /** Whether {@code campaignId} is the advertiser's campaign (else the seed is refused). */
        boolean owns(String advertiserId, String campaignId);

        /** The measurement pseudonyms of the people whose conversions were credited to the campaign. Blocking. */
        java.util.Collection<Pseudonym> of(String campaignId);
    }

    /**
     * @param profilingConsent whether the stored choice of the person behind these delivery
     *     aliases (current first) grants profiling
     * @param ownsPlaceSegment whether a place segment ({@code place:<id>:...}) is of one of the
     *     advertiser's places: only those may seed its lookalikes, as only those may be targeted
     */
    public LookalikeService(StoredProfiles profiles, AudienceService audiences, LookalikeStore store,
                            Predicate<List<Pseudonym>> profilingConsent, BiPredicate<String, String> ownsPlaceSegment,
                            Converters converters, Clock clock) {
        this.stored = profiles;
        this.profiles = profiles.index();
        this.audiences = audiences;
        this.store = store;
        this.profilingConsent = profilingConsent;
        this.ownsPlaceSegment = ownsPlaceSegment;
        this.converters = converters;
        this.clock = clock;
        store.all().forEach(s -> specs.put(s.audienceId(), s));
    }

    /**
     * The person's behaviour is being ingested (with profiling consent): their profile becomes
     * what it now says. Their measurement pseudonyms are kept beside it (in memory) only with
     * measurement consent, so that they can be among a campaign's converters.
     */
    @Override
    public SegmentService.ProfileListener of(UserKeys keys, Purposes purposes) {
        List<Pseudonym> measurement = purposes.measurement() ? keys.measurement() : List.of();
        // Best effort: the behaviour is stored already, and the profile is made again from it.
        return (aliases, webEvents, segments, now) -> stored.update(
                new ProfileStore.Profile(aliases, measurement, InterestProfile.of(webEvents, segments, now), segments));
    }

    /** The person withdrew profiling consent: their profile is deleted (they leave lookalikes at the next build). */
    public void withdrawn(UserKeys keys) {
        stored.remove(keys.delivery());
    }

    /**
     * Creates the advertiser's lookalike {@code name} of {@code size} people like {@code seed}
     * and builds it. 400 naming {@code seed} when the seed is not the advertiser's or has fewer
     * than {@link Lookalikes#MIN_SEED} people with a profile and profiling consent.
     */
    public AudienceStore.Audience create(String advertiserId, String name, LookalikeStore.Seed seed, int size) {
        if (size < 1 || size > Lookalikes.MAX_SIZE) {
            throw ApiError.badField("size", "size must be 1 to " + Lookalikes.MAX_SIZE);
        }
        requireLoaded();
        List<ProfileIndex.Person> seedPeople = seedPeople(advertiserId, seed);
        var a = audiences.create(advertiserId, name, AudienceStore.LOOKALIKE);
        var spec = new LookalikeStore.Spec(a.id(), seed, size, null);
        store.save(spec);
        specs.put(a.id(), spec);
        build(a, spec, seedPeople);
        return a;
    }

    /** Builds the advertiser's lookalike {@code id} again now; 404 for another's or a list. */
    public AudienceStore.Audience rebuild(String advertiserId, String id) {
        var a = audiences.owned(advertiserId, id);
        var spec = spec(id).orElse(null);
        if (!a.lookalike() || spec == null) {
            throw ApiError.notFound("lookalike");
        }
        requireLoaded();
        build(a, spec, seedPeople(advertiserId, spec.seed()));
        return a;
    }

    /**
     * Deletes the profiles past the behaviour's retention, builds every lookalike again (the
     * schedule), then drops deleted profiles from memory. A
     * lookalike whose seed no longer qualifies keeps its members (still gated by consent at
     * serving, and cut by erasure); the failure is counted and logged by audience id only.
     */
    public void rebuildAll() {
        if (!stored.loaded()) {
            LOG.log(System.Logger.Level.INFO, "lookalikes not rebuilt: the interest profiles are still loading");
            return;
        }
        // A profile outlives none of the behaviour it was made of: gone before the builds.
        stored.expire(ProfileStore.day(clock.instant()));
        for (var a : audiences.lookalikes()) {
            try {
                rebuild(a.advertiserId(), a.id());
            } catch (RuntimeException e) {
                rebuildFailures.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "lookalike " + a.id() + " not rebuilt: "
                        + (e instanceof ApiError ? e.getMessage() : e.getClass().getSimpleName()));
            }
        }
        profiles.purgeDeleted();
    }

    /** Scheduled rebuilds that failed, since start. */
    public long rebuildFailures() {
        return rebuildFailures.get();
    }

    /** Lookalike {@code id}'s recipe, when it is one. */
    public Optional<LookalikeStore.Spec> spec(String id) {
        return Optional.ofNullable(specs.get(id));
    }

    /** Reads lookalike {@code id}'s recipe again after another gateway changed it. Blocking. */
    public void reload(String id) {
        store.find(id).ifPresentOrElse(s -> specs.put(id, s), () -> specs.remove(id));
    }

    /** People with a profile in this gateway's index. */
    public int profiled() {
        return profiles.size();
    }

    /** 503 while the stored profiles are loading after a start; else takes in other gateways' new ones. */
    private void requireLoaded() {
        if (!stored.loaded()) {
            throw ApiError.unavailable("interest profiles are still loading after a start; try again shortly");
        }
        stored.catchUp();
    }

    /** Whether the person may be profiled now; one who may not is deleted from the profiles. */
    private boolean allowed(List<Pseudonym> aliases) {
        if (profilingConsent.test(aliases)) {
            return true;
        }
        stored.remove(aliases);
        return false;
    }

    private void build(AudienceStore.Audience a, LookalikeStore.Spec spec, List<ProfileIndex.Person> seedPeople) {
        List<List<Pseudonym>> found;
        try {
            found = Lookalikes.build(profiles, seedPeople, spec.size(), p -> allowed(p.aliases()));
        } catch (Lookalikes.SeedTooSmallException e) {
            throw seedTooSmall();
        }
        long[] prints = new long[found.size()];
        for (int i = 0; i < prints.length; i++) {
            prints[i] = AudienceFingerprint.of(found.get(i).get(0));
        }
        audiences.replaceMembers(a.advertiserId(), a.id(), prints);
        Instant now = clock.instant();
        store.built(a.id(), now);
        specs.put(a.id(), spec.built(now));
    }

    /** The seed's people with a profile and profiling consent; 400 when fewer than the floor. */
    private List<ProfileIndex.Person> seedPeople(String advertiserId, LookalikeStore.Seed seed) {
        List<ProfileIndex.Person> people = switch (seed.kind()) {
            case LookalikeStore.Seed.SEGMENT -> {
                if (seed.ref().startsWith("trigger:")
                        || seed.ref().startsWith("place:") && !ownsPlaceSegment.test(advertiserId, seed.ref())) {
                    throw ApiError.badField("seed.segment", "seed.segment names a segment this advertiser may not use");
                }
                yield profiles.inSegment(seed.ref());
            }
            case LookalikeStore.Seed.AUDIENCE -> {
                try {
                    audiences.owned(advertiserId, seed.ref());
                } catch (ApiError notYours) {
                    throw ApiError.badField("seed.audience", "seed.audience names an audience that is not yours");
                }
                yield profiles.where(p -> audiences.isMember(seed.ref(), prints(p.aliases())));
            }
            case LookalikeStore.Seed.CAMPAIGN -> {
                if (!converters.owns(advertiserId, seed.ref())) {
                    throw ApiError.badField("seed.campaign", "seed.campaign names a campaign that is not yours");
                }
                yield profiles.measuredAs(converters.of(seed.ref()));
            }
            default -> throw ApiError.badField("seed", "seed must name a segment, an audience or a campaign");
        };
        List<ProfileIndex.Person> allowed = people.stream().filter(p -> allowed(p.aliases())).toList();
        if (allowed.size() < Lookalikes.MIN_SEED) {
            throw seedTooSmall();
        }
        return allowed;
    }

    /** No count in the message: the size of a small seed is not for the advertiser to learn. */
    private static ApiError seedTooSmall() {
        return ApiError.badField("seed", "the seed needs at least " + Lookalikes.MIN_SEED
                + " people with an interest profile and profiling consent");
    }

    static long[] prints(List<Pseudonym> aliases) {
        long[] out = new long[aliases.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = AudienceFingerprint.of(aliases.get(i));
        }
        return out;
    }

    /**
     * The {@code lookalikes} section of the person's data: the lookalikes they are in (export),
     * and on erasure their profile and their place in every lookalike, at once.
     */
    public PersonalData personalData() {
        return new PersonalData() {
            @Override
            public String section() {
                return "lookalikes";
            }

            @Override
            public JsonNode export(UserKeys user) {
                ArrayNode out = JsonBodies.MAPPER.createArrayNode();
                audiences.listsOf(user.delivery()).stream().filter(specs::containsKey).sorted().forEach(out::add);
                return out;
            }

            @Override
            public void erase(UserKeys user) {
                stored.remove(user.delivery());
                audiences.removeFromLookalikes(prints(user.delivery()));
            }
        };
    }
}
