package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.consent.identity.RawUserId;
import io.precis.gateway.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A list's changes reach memory in the order the store committed them, though no lock is held
 * across the store's I/O (AudienceService held a per-list lock around each JDBC upload).
 */
class ListVersionsTest {
    @TempDir
    Path dir;

    @Test
    void changesCommittedOutOfOrderAreAppliedInVersionOrderAndASnapshotStandsForEarlierOnes() {
        ListVersions versions = new ListVersions();
        List<String> log = new ArrayList<>();
        versions.reset("a", 0, () -> log.add("snapshot 0"));
        versions.apply("a", 2, () -> log.add("v2"));
        assertEquals(List.of("snapshot 0"), log, "v2 waits for v1");
        versions.apply("a", 1, () -> log.add("v1"));
        assertEquals(List.of("snapshot 0", "v1", "v2"), log);
        versions.apply("a", 4, () -> log.add("v4"));
        versions.reset("a", 3, () -> log.add("snapshot 3"));
        assertEquals(List.of("snapshot 0", "v1", "v2", "snapshot 3", "v4"), log, "the snapshot fills the gap");
        versions.reset("a", 2, () -> log.add("stale snapshot"));
        versions.apply("a", 3, () -> log.add("v3 again"));
        versions.forget("a", () -> log.add("deleted"));
        versions.apply("a", 5, () -> log.add("late v5"));
        assertEquals(List.of("snapshot 0", "v1", "v2", "snapshot 3", "v4", "deleted"), log);
    }

    @Test
    void concurrentUploadsToOneListLeaveMemoryAsTheStoreHasIt() throws Exception {
        Clock clock = Clock.systemUTC();
        Pseudonymiser ps = Pseudonymiser.open(dir.resolve("keys"), Duration.ofDays(30), clock);
        List<RawUserId> people = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            people.add(RawUserId.ofNullable("customer-" + i));
        }
        try (Database db = Database.open(dir)) {
            AudienceService audiences = new AudienceService(new AudienceStore(db), ps, 10, clock, x -> { });
            String id = audiences.create("adv", "customers").id();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    SplittableRandom random = new SplittableRandom(t);
                    done.add(pool.submit(() -> {
                        for (int n = 0; n < 25; n++) {
                            List<RawUserId> batch = new ArrayList<>();
                            for (int i = random.nextInt(1, 12); i > 0; i--) {
                                batch.add(people.get(random.nextInt(people.size())));
                            }
                            AudienceService.Mode mode = AudienceService.Mode.values()[random.nextInt(3)];
                            audiences.upload("adv", id, batch, mode);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            // What the store committed, read by a fresh service, is what memory holds.
            AudienceService reread = new AudienceService(new AudienceStore(db), ps, 10, clock, x -> { });
            for (RawUserId p : people) {
                long[] print = {AudienceFingerprint.of(ps.delivery(p))};
                assertEquals(reread.isMember(id, print), audiences.isMember(id, print),
                        "a member in memory and in the store alike");
            }
            assertEquals(reread.roundedSize(id), audiences.roundedSize(id));
        }
    }

    /**
     * Members stored before key epochs were recorded (migration V12 gives them epoch 0) take the
     * oldest epoch still resolvable at start, so they are deleted when its key is destroyed.
     */
    @Test
    void membersStoredBeforeEpochsWereRecordedExpireWithTheOldestLiveKey() throws Exception {
        java.time.Instant start = java.time.Instant.parse("2026-11-01T00:00:00Z");
        io.precis.consent.MutableClock clock = new io.precis.consent.MutableClock(start);
        Pseudonymiser ps = Pseudonymiser.open(dir.resolve("keys"), Duration.ofDays(30), clock);
        RawUserId old = RawUserId.ofNullable("customer-before-v12");
        try (Database db = Database.open(dir)) {
            AudienceService audiences = new AudienceService(new AudienceStore(db), ps, 10, clock, x -> { });
            String id = audiences.create("adv", "customers").id();
            audiences.upload("adv", id, List.of(old), AudienceService.Mode.ADD);
            try (var c = db.dataSource().getConnection()) {
                c.createStatement().executeUpdate("UPDATE audience_members SET epoch = 0");
            }
            ps.rotate();
            long[] print = AudienceService.fingerprints(ps.deliveryAliases(old));
            AudienceService restarted = new AudienceService(new AudienceStore(db), ps, 10, clock, x -> { });
            assertEquals(java.util.Set.of(1), new AudienceStore(db).epochs(id), "the oldest live epoch");
            assertEquals(true, restarted.isMember(id, print));
            assertEquals(start.plus(Duration.ofDays(30)), restarted.keyState(id).reuploadBy());
            clock.advance(Duration.ofDays(31));
            assertEquals(true, restarted.keyState(id).stale(), "expired: its members match nobody");
            assertEquals(1, ps.destroyExpired());
            restarted.expireKeys();
            assertEquals(false, restarted.isMember(id, print), "deleted with the destroyed key");
            assertEquals(0, new AudienceStore(db).members(id).length);
            assertEquals(true, restarted.keyState(id).stale());
        }
    }
}
