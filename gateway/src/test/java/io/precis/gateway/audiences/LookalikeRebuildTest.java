package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import io.precis.consent.identity.RawUserId;
import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.consent.vault.UserVault;
import io.precis.gateway.http.ApiError;
import io.precis.gateway.storage.Database;
import io.precis.matcher.lookalike.InterestProfile;
import io.precis.matcher.lookalike.ProfileIndex;
import io.precis.matcher.segment.BehaviourEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduled rebuild ({@link LookalikeService#rebuildAll}) over the real stores on H2: a
 * person who withdrew profiling is gone after it; a lookalike whose seed fell below 100 keeps
 * its members and counts a failure; and lookalikes (recipe, kind, members) survive a restart,
 * as the stored profiles do (but the withdrawn people's), loaded in the background: a build
 * before the load is done is refused with 503.
 */
class LookalikeRebuildTest {
    static final String ADVERTISER = "adv-1";
    @TempDir
    Path dir;

    /** Campaign seeds are not used here: no campaign is anyone's. */
    static final LookalikeService.Converters NO_CAMPAIGNS = new LookalikeService.Converters() {
        @Override
        public boolean owns(String advertiserId, String campaignId) {
            return false;
        }

        @Override
        public java.util.Collection<Pseudonym> of(String campaignId) {
            return List.of();
        }
    };

    @Test
    void theScheduledRebuildFollowsConsentAndKeepsMembersWhenTheSeedShrinks() {
        Clock clock = Clock.systemUTC();
        Pseudonymiser ps = Pseudonymiser.open(dir.resolve("keys"), Duration.ofDays(30), clock);
        Set<Pseudonym> withdrawn = ConcurrentHashMap.newKeySet();
        String id;
        try (Database db = Database.open(dir); StoredProfiles profiles = loaded(db)) {
            for (int i = 0; i < 150; i++) {
                profile(profiles, ps, "a-" + i, "净水器");
            }
            for (int i = 0; i < 100; i++) {
                profile(profiles, ps, "b-" + i, "跑鞋");
            }
            AudienceService audiences = new AudienceService(new AudienceStore(db), ps, 10, clock, x -> { });
            LookalikeService lookalikes = new LookalikeService(profiles, audiences, new LookalikeStore(db),
                    aliases -> aliases.stream().noneMatch(withdrawn::contains), (a, s) -> false, NO_CAMPAIGNS, clock);
            String list = audiences.create(ADVERTISER, "customers").id();
            audiences.upload(ADVERTISER, list, IntStream.range(0, 110).mapToObj(i -> RawUserId.ofNullable("a-" + i)).toList(),
                    AudienceService.Mode.ADD);
            id = lookalikes.create(ADVERTISER, "alike", new LookalikeStore.Seed(LookalikeStore.Seed.AUDIENCE, list), 40).id();
            assertTrue(in(audiences, id, ps, "a-120"));
            assertFalse(in(audiences, id, ps, "a-5"), "the seed is left out");

            withdrawn.add(ps.delivery(RawUserId.ofNullable("a-120")));
            lookalikes.rebuildAll();
            assertFalse(in(audiences, id, ps, "a-120"), "withdrawn: out at the scheduled rebuild");
            assertTrue(in(audiences, id, ps, "a-121"));
            assertEquals(0, lookalikes.rebuildFailures());
            assertEquals(40, audiences.roundedSize(id), "the place left is taken by the next nearest");

            IntStream.range(0, 20).forEach(i -> withdrawn.add(ps.delivery(RawUserId.ofNullable("a-" + i))));
            lookalikes.rebuildAll();
            assertEquals(1, lookalikes.rebuildFailures(), "a seed of 90 with profiling is refused");
            assertTrue(in(audiences, id, ps, "a-121"), "the lookalike keeps its members meanwhile");
        }
        try (Database db = Database.open(dir); StoredProfiles profiles = new StoredProfiles(new ProfileIndex(),
                new ProfileStore(db, vault(), Clock.systemUTC()))) {
            AudienceService audiences = new AudienceService(new AudienceStore(db), ps, 10, clock, x -> { });
            LookalikeService lookalikes = new LookalikeService(profiles, audiences, new LookalikeStore(db),
                    aliases -> true, (a, s) -> false, NO_CAMPAIGNS, clock);
            assertTrue(audiences.owned(ADVERTISER, id).lookalike());
            assertEquals(40, audiences.roundedSize(id));
            assertTrue(lookalikes.spec(id).orElseThrow().builtAt() != null);
            assertTrue(in(audiences, id, ps, "a-121"), "members are stored, profiles are not needed to serve");

            // Before the stored profiles are loaded a build would see part of the people: refused.
            ApiError early = org.junit.jupiter.api.Assertions.assertThrows(ApiError.class,
                    () -> lookalikes.rebuild(ADVERTISER, id));
            assertEquals(503, early.status());
            assertEquals("unavailable", early.code());
            lookalikes.rebuildAll();
            assertEquals(0, lookalikes.rebuildFailures(), "the schedule waits for its next turn, no failure");
            ProfileStoreTest.loaded(profiles);
            assertEquals(250 - 21, lookalikes.profiled(),
                    "every stored profile is back, but those of the 21 who withdrew: deleted, not only unindexed");
        }
    }

    UserVault vault() {
        return UserVault.open(dir, dir.resolve("keys"));
    }

    /** The stored profiles of {@code db}, loaded. */
    StoredProfiles loaded(Database db) {
        return ProfileStoreTest.loaded(
                new StoredProfiles(new ProfileIndex(), new ProfileStore(db, vault(), Clock.systemUTC())));
    }

    static void profile(StoredProfiles profiles, Pseudonymiser ps, String user, String category) {
        List<Pseudonym> aliases = ps.deliveryAliases(RawUserId.ofNullable(user));
        Instant now = Instant.now();
        List<BehaviourEvent> events = List.of(
                new BehaviourEvent(BehaviourEvent.Type.VIEW, now, null, null, null, category, 0),
                new BehaviourEvent(BehaviourEvent.Type.VIEW, now, null, null, null, "其他-" + user.hashCode() % 7, 0));
        profiles.put(new ProfileStore.Profile(aliases, List.of(), InterestProfile.of(events, Set.of(), now), Set.of()));
    }

    static boolean in(AudienceService audiences, String id, Pseudonymiser ps, String user) {
        return audiences.isMember(id, LookalikeService.prints(ps.deliveryAliases(RawUserId.ofNullable(user))));
    }
}
