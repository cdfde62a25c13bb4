package io.precis.gateway.audiences;

import io.precis.consent.crypto.Randoms;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.identity.RawUserId;
import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.gateway.http.ApiError;
import io.precis.matcher.campaign.Targeting;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Audiences: customer lists and lookalikes, in one id space. An advertiser creates lists and
 * uploads members by its own customer ids,
 * which are pseudonymised on arrival with the delivery HMAC (the same keyed pseudonym a user id
 * of an ad request gets) and kept only as fingerprints; the raw ids are dropped at once. Sizes
 * are shown rounded down to a multiple of the privacy k. A lookalike's members are set by
 * {@link LookalikeService} instead ({@link #replaceMembers}), as the same fingerprints. Blocking:
 * call from worker threads, except {@link #listsOf}, which reads memory only.
 *
 * <p>Key rotation: raw ids are never kept, so a list cannot be pseudonymised again under a new
 * key. Each member is stored with the key epoch it was pseudonymised under. During a rotation's
 * overlap a person is known by the pseudonyms of both epochs, so a list uploaded under the old
 * key still matches them, and removing ids (or erasing a person) removes them under every epoch
 * still known. The list then shows {@code reuploadBy}: when the old key expires. Once it has
 * expired the old members match nobody; when its key is destroyed they are deleted
 * ({@link #expireKeys}) and the list shows {@code stale} until it is uploaded again whole
 * ({@link Mode#REPLACE}).
 */
public final class AudienceService {
    /** The change-feed kind of a list changed through another gateway on the same PostgreSQL. */
    public static final String CHANGE_KIND = "audience";

    /** How an upload changes a list. */
    public enum Mode { ADD, REPLACE, REMOVE }

    private final AudienceStore store;
    private final Pseudonymiser pseudonyms;
    private final AudienceMembership members = new AudienceMembership();
    private final Map<String, AudienceStore.Audience> byId = new ConcurrentHashMap<>();
    private final int k;
    private final Clock clock;
    /** Each list's changes applied to memory in the order the store committed them. */
    private final ListVersions versions = new ListVersions();
    /** Told the id of each list changed here (after it is stored), for the other gateways. */
    private final java.util.function.Consumer<String> changed;
    /** The key epochs each list's members were pseudonymised under (changed with its members). */
    private final Map<String, Set<Integer>> epochsOf = new ConcurrentHashMap<>();
    /** When each stale list lost members to a destroyed key ({@link #expireKeys}). */
    private final Map<String, java.time.Instant> staleSince = new ConcurrentHashMap<>();

    /**
     * What a list's keys mean for its advertiser: {@code stale} when some of its members can no
     * longer match (their key expired or was destroyed) until it is uploaded again whole;
     * {@code reuploadBy} when some were pseudonymised under an older key still in its overlap:
     * when they stop matching (null otherwise).
     */
    public record KeyState(boolean stale, java.time.Instant reuploadBy) {
        static final KeyState FRESH = new KeyState(false, null);
    }

    /**
     * Loads every list; {@code k} is the reports' privacy threshold (sizes round down to it);
     * {@code changed} is told of each list created, uploaded to or deleted here.
     */
    public AudienceService(AudienceStore store, Pseudonymiser pseudonyms, int k, Clock clock,
                           java.util.function.Consumer<String> changed) {
        this.changed = changed;
        this.store = store;
        this.pseudonyms = pseudonyms;
        this.k = Math.max(1, k);
        this.clock = clock;
        // Versions first: members read after them hold at least those versions (see ListVersions#reset).
        Map<String, Long> stored = store.versions();
        Map<String, Set<Integer>> epochs = adoptUnknownEpochs(store.epochs());
        Map<String, java.time.Instant> stale = store.staleSince();
        Map<String, long[]> all = store.members();
        for (var a : store.all()) {
            versions.reset(a.id(), stored.getOrDefault(a.id(), 0L), () -> {
                byId.put(a.id(), a);
                members.replace(a.id(), all.getOrDefault(a.id(), new long[0]));
                epochsOf.put(a.id(), Set.copyOf(epochs.getOrDefault(a.id(), Set.of())));
                if (stale.containsKey(a.id())) {
                    staleSince.put(a.id(), stale.get(a.id()));
                }
            });
        }
        expireKeys();
    }

    /**
     * {@code epochs} with the members stored before epochs were recorded (epoch 0) given the
     * oldest epoch still resolvable, in the store too: they expire with it at the latest.
     */
    private Map<String, Set<Integer>> adoptUnknownEpochs(Map<String, Set<Integer>> epochs) {
        if (epochs.values().stream().noneMatch(e -> e.contains(0))) {
            return epochs;
        }
        java.time.Instant now = clock.instant();
        int oldest = pseudonyms.epochs().stream().filter(e -> e.resolvableAt(now))
                .mapToInt(io.precis.consent.pseudonym.Epoch::number).min().orElse(pseudonyms.currentEpoch());
        store.adoptUnknownEpochs(oldest);
        Map<String, Set<Integer>> out = new java.util.HashMap<>();
        epochs.forEach((id, e) -> {
            Set<Integer> known = new java.util.TreeSet<>(e);
            if (known.remove(0)) {
                known.add(oldest);
            }
            out.put(id, known);
        });
        return out;
    }

    /**
     * Deletes the members of customer lists pseudonymised under a key epoch whose key has been
     * destroyed (they can match nobody any more), marks those lists stale, and tells the other
     * gateways. Run after each key refresh and at start; does nothing when no list holds such
     * members. Blocking.
     */
    public void expireKeys() {
        Set<Integer> destroyed = new java.util.HashSet<>();
        for (var e : pseudonyms.epochs()) {
            if (e.destroyed()) {
                destroyed.add(e.number());
            }
        }
        if (destroyed.isEmpty()) {
            return;
        }
        for (var a : List.copyOf(byId.values())) {
            Set<Integer> dead = new java.util.TreeSet<>(epochsOf.getOrDefault(a.id(), Set.of()));
            dead.retainAll(destroyed);
            if (a.lookalike() || dead.isEmpty()) {
                continue; // a lookalike is built again from current profiles
            }
            if (store.expire(a.id(), dead, clock.instant()) >= 0) {
                reload(a.id());
                changed.accept(a.id());
            }
        }
    }

    /** What list {@code id}'s key epochs mean for its advertiser now ({@link KeyState}). */
    public KeyState keyState(String id) {
        var a = byId.get(id);
        if (a == null || a.lookalike()) {
            return KeyState.FRESH;
        }
        java.time.Instant now = clock.instant();
        boolean stale = staleSince.containsKey(id);
        java.time.Instant by = null;
        int current = pseudonyms.currentEpoch();
        Set<Integer> held = epochsOf.getOrDefault(id, Set.of());
        for (var e : pseudonyms.epochs()) {
            if (e.number() == current || !held.contains(e.number())) {
                continue;
            }
            if (!e.resolvableAt(now)) {
                stale = true;
            } else if (e.expires() != null && (by == null || e.expires().isBefore(by))) {
                by = e.expires();
            }
        }
        return new KeyState(stale, by);
    }

    public AudienceStore.Audience create(String advertiserId, String name) {
        return create(advertiserId, name, AudienceStore.LIST);
    }

    /** Creates an empty audience of {@code kind} ({@link AudienceStore#LIST} or {@link AudienceStore#LOOKALIKE}). */
    public AudienceStore.Audience create(String advertiserId, String name, String kind) {
        var a = new AudienceStore.Audience(Randoms.token(12), advertiserId, name, clock.instant(), kind);
        store.create(a);
        versions.reset(a.id(), 0, () -> byId.put(a.id(), a));
        changed.accept(a.id());
        return a;
    }

    /** The advertiser's list {@code id}; 404 when it does not exist or is another's. */
    public AudienceStore.Audience owned(String advertiserId, String id) {
        var a = byId.get(id);
        if (a == null || !a.advertiserId().equals(advertiserId)) {
            throw ApiError.notFound("audience");
        }
        return a;
    }

    public List<AudienceStore.Audience> ownedBy(String advertiserId) {
        return byId.values().stream().filter(a -> a.advertiserId().equals(advertiserId))
                .sorted(Comparator.comparing(AudienceStore.Audience::createdAt)
                        .thenComparing(AudienceStore.Audience::id)).toList();
    }

    /** Members of {@code id} rounded down to a multiple of k: a list below k shows 0. */
    public long roundedSize(String id) {
        return members.size(id) / k * k;
    }

    /** The rounding of {@link #roundedSize}. */
    public int k() {
        return k;
    }

    /** Pseudonymises {@code ids} and changes list {@code id} of the advertiser by them. */
    public AudienceStore.Audience upload(String advertiserId, String id, List<RawUserId> ids, Mode mode) {
        var a = owned(advertiserId, id);
        if (a.lookalike()) {
            throw new ApiError(409, "conflict", "a lookalike's members are built from its seed, not uploaded", null);
        }
        if (mode == Mode.REMOVE) {
            // Under every epoch the ids are still known by: members uploaded before a rotation too.
            List<Pseudonym> aliases = new java.util.ArrayList<>(ids.size());
            ids.forEach(raw -> aliases.addAll(pseudonyms.deliveryAliases(raw)));
            change(advertiserId, id, fingerprints(aliases), pseudonyms.currentEpoch(), mode);
            return a;
        }
        long[] prints = new long[ids.size()];
        int epoch = -1;
        for (int i = 0; i < prints.length; i++) {
            Pseudonym p = pseudonyms.delivery(ids.get(i));
            int e = io.precis.consent.pseudonym.Pseudonymiser.epochOf(p);
            if (epoch != e && i > 0) {
                i = -1; // a rotation picked up mid-batch: the whole batch again, under the new key
                epoch = e;
                continue;
            }
            epoch = e;
            prints[i] = AudienceFingerprint.of(p);
        }
        change(advertiserId, id, prints, epoch, mode);
        return a;
    }

    /** Sets the members of the advertiser's audience {@code id} to {@code prints} (a lookalike's build). */
    public void replaceMembers(String advertiserId, String id, long[] prints) {
        change(advertiserId, id, prints, pseudonyms.currentEpoch(), Mode.REPLACE);
    }

    /** Removes {@code prints} (one person's fingerprints) from every lookalike (erasure). */
    public void removeFromLookalikes(long[] prints) {
        for (var a : byId.values()) {
            if (a.lookalike() && members.contains(a.id(), prints)) {
                change(a.advertiserId(), a.id(), prints, pseudonyms.currentEpoch(), Mode.REMOVE);
            }
        }
    }

    /**
     * Removes {@code prints} (one person's fingerprints, every key epoch they are known by) from
     * every customer list of every advertiser (erasure): in the store, then in memory here, and
     * through the change feed in every other gateway's memory.
     */
    public void removeFromLists(long[] prints) {
        for (var a : byId.values()) {
            if (!a.lookalike() && members.contains(a.id(), prints)) {
                try {
                    change(a.advertiserId(), a.id(), prints, pseudonyms.currentEpoch(), Mode.REMOVE);
                } catch (ApiError deletedMeanwhile) {
                    // the list went with its members
                }
            }
        }
    }

    /**
     * The {@code customerLists} section of the person's data: the customer lists they are in
     * (export, by list id; the advertiser uploaded them, the raw ids are not kept), and on
     * erasure their removal from every one of them.
     */
    public io.precis.gateway.privacy.PersonalData personalData() {
        return new io.precis.gateway.privacy.PersonalData() {
            @Override
            public String section() {
                return "customerLists";
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode export(io.precis.gateway.privacy.UserKeys user) {
                var out = io.precis.gateway.http.JsonBodies.MAPPER.createArrayNode();
                members.listsOf(user.delivery()).stream().filter(id -> {
                    var a = byId.get(id);
                    return a != null && !a.lookalike();
                }).sorted().forEach(out::add);
                return out;
            }

            @Override
            public void erase(io.precis.gateway.privacy.UserKeys user) {
                removeFromLists(fingerprints(user.delivery()));
            }
        };
    }

    /** The fingerprints of {@code aliases}. */
    static long[] fingerprints(List<Pseudonym> aliases) {
        long[] out = new long[aliases.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = AudienceFingerprint.of(aliases.get(i));
        }
        return out;
    }

    /** Whether any of {@code prints} is a member of audience {@code id}. */
    public boolean isMember(String id, long[] prints) {
        return members.contains(id, prints);
    }

    /**
     * Stores the change, then applies it to memory in the list's commit order (no lock is held
     * across the store's I/O: {@link ListVersions}). With several gateways, a change that
     * committed after another gateway's shows here once that one is read back (the change feed).
     */
    private void change(String advertiserId, String id, long[] prints, int epoch, Mode mode) {
        owned(advertiserId, id);
        long version = store.change(id, prints, epoch, mode);
        if (version < 0) {
            throw ApiError.notFound("audience"); // deleted meanwhile
        }
        versions.apply(id, version, () -> {
            switch (mode) {
                case ADD -> {
                    members.add(id, prints);
                    Set<Integer> held = new java.util.TreeSet<>(epochsOf.getOrDefault(id, Set.of()));
                    held.add(epoch);
                    epochsOf.put(id, Set.copyOf(held));
                }
                case REMOVE -> members.remove(id, prints);
                case REPLACE -> {
                    members.replace(id, prints);
                    epochsOf.put(id, prints.length == 0 ? Set.of() : Set.of(epoch));
                    staleSince.remove(id);
                }
            }
        });
        changed.accept(id);
    }

    public void delete(String advertiserId, String id) {
        owned(advertiserId, id);
        store.delete(id);
        versions.forget(id, () -> forget(id));
        changed.accept(id);
    }

    /**
     * Reads list {@code id} back from the store after another gateway changed it (the change
     * feed): its row and all its members, or its absence. Blocking.
     */
    public void reload(String id) {
        // The version first: the members read after it hold at least that version.
        long version = store.version(id);
        var found = store.find(id);
        if (version < 0 || found.isEmpty()) {
            versions.forget(id, () -> forget(id));
            return;
        }
        long[] stored = store.members(id);
        Set<Integer> epochs = Set.copyOf(store.epochs(id));
        java.time.Instant stale = store.staleSince().get(id);
        versions.reset(id, version, () -> {
            members.replace(id, stored);
            byId.put(id, found.get());
            epochsOf.put(id, epochs);
            if (stale == null) {
                staleSince.remove(id);
            } else {
                staleSince.put(id, stale);
            }
        });
    }

    /** Drops list {@code id} from memory. */
    private void forget(String id) {
        byId.remove(id);
        members.drop(id);
        epochsOf.remove(id);
        staleSince.remove(id);
    }

    /** The lists any of a person's delivery aliases is in (memory only: safe on any thread). */
    public Set<String> listsOf(List<Pseudonym> deliveryAliases) {
        return members.listsOf(deliveryAliases);
    }

    /**
     * {@link #listsOf(List)}, without the lookalikes unless {@code profiling}: a lookalike is
     * made of profiles, so a person who withdrew profiling is in none from the next request on
     * (the next rebuild then leaves them out for good).
     */
    public Set<String> listsOf(List<Pseudonym> deliveryAliases, boolean profiling) {
        Set<String> in = members.listsOf(deliveryAliases);
        if (profiling || in.isEmpty()) {
            return in;
        }
        return in.stream().filter(id -> {
            var a = byId.get(id);
            return a != null && !a.lookalike();
        }).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Every lookalike, of every advertiser (for the scheduled rebuild). */
    public List<AudienceStore.Audience> lookalikes() {
        return byId.values().stream().filter(AudienceStore.Audience::lookalike).toList();
    }

    /** 400 unless every list {@code t} names is the advertiser's. */
    public void checkOwned(String advertiserId, Targeting t) {
        for (String id : t.audiences().all()) {
            var a = byId.get(id);
            if (a == null || !a.advertiserId().equals(advertiserId)) {
                throw ApiError.badField("targeting.audiences", "targeting.audiences names an audience that is not yours");
            }
        }
    }
}
