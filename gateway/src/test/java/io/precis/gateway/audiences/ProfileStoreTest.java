package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.vault.UserVault;
import io.precis.devservices.LocalPostgres;
import io.precis.gateway.PrivacyLeakTest;
import io.precis.gateway.storage.Database;
import io.precis.matcher.lookalike.ProfileIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stored interest profiles on H2 and on PostgreSQL: a profile comes back whole from a
 * store opened again; nothing of it (pseudonyms, segments) is in clear in its row; a key
 * rotation keeps one row a person; erasure of the vault key makes a row unreadable, and a
 * delete by its aliases removes it; a catch-up takes in what another store instance wrote; a
 * profile not made again within the behaviour's retention is deleted from store and index.
 */
class ProfileStoreTest {
    static final Pseudonym ALICE = new Pseudonym("alice-delivery-pseudonym-1");
    static final Pseudonym ALICE_OLD = new Pseudonym("alice-delivery-pseudonym-0");
    static final Pseudonym ALICE_MEASURED = new Pseudonym("alice-measurement-pseudonym");
    static final Pseudonym BOB = new Pseudonym("bob-delivery-pseudonym-1");

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));

    @Test
    void profilesRoundTripSealedOnTheEmbeddedStore() throws Exception {
        try (Database db = Database.open(dir)) {
            roundTrip(db, () -> null); // one file, one database: a second store on it writes as another would
        }
    }

    @Test
    void profilesRoundTripSealedOnPostgres() throws Exception {
        String url = LocalPostgres.shared().createDatabase();
        try (Database db = Database.connect(url, 4)) {
            roundTrip(db, () -> Database.connect(url, 4));
        }
    }

    private void roundTrip(Database db, java.util.function.Supplier<Database> another) throws Exception {
        UserVault vault = UserVault.open(dir, dir.resolve("keys"));
        float[] vector = unit(3);
        try (ProfileStore store = new ProfileStore(db, vault, clock)) {
            store.save(new ProfileStore.Profile(List.of(ALICE_OLD), List.of(), unit(1), Set.of("interest:旧")));
            store.save(new ProfileStore.Profile(List.of(BOB), List.of(), unit(2), Set.of("interest:跑鞋")));
            // A key rotation: Alice's current pseudonym is new, her old one an alias.
            store.save(new ProfileStore.Profile(List.of(ALICE, ALICE_OLD), List.of(ALICE_MEASURED), vector,
                    Set.of("interest:净水器", "place:p1:regular")));
        }
        List<byte[]> rows = rows(db);
        assertEquals(2, rows.size(), "one row a person: the old alias's row went with the rotation");
        for (byte[] row : rows) {
            for (String clear : List.of(ALICE.value(), ALICE_OLD.value(), ALICE_MEASURED.value(), BOB.value(),
                    "净水器", "跑鞋", "interest:", "place:p1")) {
                List<String> found = new ArrayList<>();
                PrivacyLeakTest.scan("a profile row", row, List.of(clear), found);
                assertTrue(found.isEmpty(), "a row holds " + clear + " in clear");
            }
        }

        try (ProfileStore store = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock)) {
            ProfileStore.Page page = store.after(0, 10);
            assertEquals(2, page.rows());
            assertEquals(store.highestSeq(), page.lastSeq());
            ProfileStore.Profile alice = page.profiles().stream()
                    .filter(p -> p.aliases().get(0).equals(ALICE)).findFirst().orElseThrow();
            assertEquals(List.of(ALICE, ALICE_OLD), alice.aliases());
            assertEquals(List.of(ALICE_MEASURED), alice.measurement());
            assertEquals(Set.of("interest:净水器", "place:p1:regular"), alice.segments());
            assertArrayEquals(vector, alice.vector());
            assertEquals(0, store.after(page.lastSeq(), 10).rows(), "nothing after the last");

            // Another gateway on the same database stores a profile: a catch-up indexes it.
            StoredProfiles here = new StoredProfiles(new ProfileIndex(), store);
            loaded(here);
            assertEquals(2, here.index().size());
            Pseudonym carol = new Pseudonym("carol-delivery-pseudonym-1");
            try (Database other = another.get(); ProfileStore there = new ProfileStore(
                    other != null ? other : db, UserVault.open(dir, dir.resolve("keys")), clock)) {
                there.save(new ProfileStore.Profile(List.of(carol), List.of(), unit(5), Set.of("interest:茶")));
            }
            assertEquals(2, here.index().size(), "not before a catch-up");
            here.catchUp();
            assertEquals(3, here.index().size(), "the catch-up took in the other's profile");
            assertEquals(1, here.index().inSegment("interest:茶").size());

            // Erasure: the vault key goes first (behaviour's erasure): the row no longer opens...
            vault.erase(BOB);
            assertEquals(2, store.after(0, 10).profiles().size(), "Bob's row is unreadable");
            assertEquals(3, store.after(0, 10).rows());
            // ...and the profile's own erasure deletes the rows, by the person's aliases.
            here.remove(List.of(BOB));
            here.remove(List.of(ALICE, ALICE_OLD));
            assertEquals(1, store.after(0, 10).rows());
            assertEquals(1, here.index().size());
            assertEquals(0, store.unreadable(), "an erased key is not a tampered row");

            // Retention: a profile not made again within the behaviour's 180 days goes, from both.
            clock.advance(java.time.Duration.ofDays(120));
            Pseudonym dave = new Pseudonym("dave-delivery-pseudonym-1");
            here.put(new ProfileStore.Profile(List.of(dave), List.of(), unit(6), Set.of()));
            clock.advance(java.time.Duration.ofDays(61));
            here.expire(ProfileStore.day(clock.instant()));
            assertEquals(1, store.after(0, 10).rows(), "Carol's profile, 181 days old, is deleted; Dave's stays");
            assertEquals(1, here.index().size());
            assertEquals(List.of(dave), here.index().where(p -> true).get(0).aliases());
        }
    }

    /**
     * A profile remade from accepted behaviour that cannot be stored (here its table is away)
     * is counted, not thrown: thrown, it failed the behaviour's request after the events were
     * stored, and a client sending them again had them count twice. Store and index keep the
     * profile as it was; the next change stores again.
     */
    @Test
    void aProfileThatCannotBeStoredIsCountedAndLeftAsItWas() throws Exception {
        try (Database db = Database.open(dir);
             ProfileStore store = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
             StoredProfiles profiles = new StoredProfiles(new ProfileIndex(), store)) {
            loaded(profiles);
            assertTrue(profiles.update(new ProfileStore.Profile(List.of(ALICE), List.of(), unit(1), Set.of("interest:茶"))));
            db.execute("ALTER TABLE profiles RENAME TO profiles_away");
            assertFalse(profiles.update(new ProfileStore.Profile(List.of(ALICE), List.of(), unit(2), Set.of("interest:咖啡"))),
                    "the store refused it");
            assertEquals(1, profiles.writeFailures());
            assertEquals(1, profiles.index().inSegment("interest:茶").size(), "the index keeps what the store holds");
            assertEquals(0, profiles.index().inSegment("interest:咖啡").size());
            db.execute("ALTER TABLE profiles_away RENAME TO profiles");
            assertTrue(profiles.update(new ProfileStore.Profile(List.of(ALICE), List.of(), unit(2), Set.of("interest:咖啡"))));
            assertEquals(1, profiles.index().inSegment("interest:咖啡").size());
            assertEquals(1, profiles.writeFailures());
        }
    }

    /**
     * A catch-up of many pages (here another gateway's 4,000 profiles) lets this gateway's
     * profile changes through: once it held a lock across every page, and a behaviour request
     * that remade a profile waited for the whole catch-up (a lock around I/O that stalled the
     * storage workers).
     */
    @Test
    void profileChangesGoOnBetweenTheCatchUpsPages() throws Exception {
        try (Database db = Database.open(dir);
             ProfileStore store = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
             StoredProfiles here = new StoredProfiles(new ProfileIndex(), store)) {
            loaded(here);
            int others = 4 * StoredProfiles.PAGE;
            try (ProfileStore there = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
                 java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
                List<java.util.concurrent.Future<?>> saves = new ArrayList<>();
                for (int i = 0; i < others; i++) {
                    Pseudonym p = new Pseudonym("other-gateway-person-" + i);
                    int at = i % 8;
                    saves.add(pool.submit(() -> there.save(new ProfileStore.Profile(List.of(p), List.of(), unit(at), Set.of()))));
                }
                for (var f : saves) {
                    f.get();
                }
            }
            java.util.concurrent.atomic.AtomicLong caughtUpAt = new java.util.concurrent.atomic.AtomicLong();
            Thread catchUp = new Thread(() -> {
                here.catchUp();
                caughtUpAt.set(System.nanoTime());
            });
            catchUp.start();
            while (here.index().size() == 0) { // the first page is being indexed
                Thread.onSpinWait();
            }
            assertTrue(here.update(new ProfileStore.Profile(List.of(ALICE), List.of(), unit(1), Set.of("interest:茶"))));
            long updatedAt = System.nanoTime();
            catchUp.join();
            assertEquals(others + 1, here.index().size());
            assertTrue(updatedAt < caughtUpAt.get(), "the change waited for the whole catch-up");
        }
    }

    /**
     * A page read before a change and a removal, and indexed after them (the order a load or
     * catch-up can take now that no lock holds changes back while a page is read), puts back
     * neither the older profile nor the removed one: its rows carry lower sequence numbers. And
     * the numbers kept for that are gone once no page is under way.
     */
    @Test
    void aPageReadBeforeAChangeOrARemovalDoesNotUndoIt() throws Exception {
        try (Database db = Database.open(dir);
             ProfileStore store = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
             StoredProfiles here = loaded(new StoredProfiles(new ProfileIndex(), store))) {
            here.put(new ProfileStore.Profile(List.of(ALICE), List.of(), unit(1), Set.of("interest:old")));
            here.put(new ProfileStore.Profile(List.of(BOB), List.of(), unit(2), Set.of("interest:bob")));
            long ticket = here.pageStarts();
            ProfileStore.Page stale = store.after(0, StoredProfiles.PAGE);
            assertEquals(2, stale.profiles().size(), "the page holds both people as they were");
            here.put(new ProfileStore.Profile(List.of(ALICE), List.of(), unit(3), Set.of("interest:new")));
            here.remove(List.of(BOB));
            here.index(stale);
            here.pageEnds(ticket);
            assertEquals(1, here.index().size(), "Bob stays removed");
            assertEquals(1, here.index().inSegment("interest:new").size(), "Alice keeps her newer profile");
            assertEquals(0, here.index().inSegment("interest:old").size());
            assertEquals(0, here.versions(), "nothing is remembered once no page is under way");
            here.catchUp();
            assertEquals(1, here.index().size());
            assertEquals(1, here.index().inSegment("interest:new").size());
        }
    }

    /**
     * While a catch-up's page is stuck in the database (here behind a table lock another
     * session holds), a profile change still goes to the database: it no longer waits in the
     * gateway for the page. Before, the page held a lock every change needed across its read.
     * When the lock goes, the change's newer profile wins over the page's older row.
     */
    @Test
    void aChangeGoesToTheDatabaseWhileAPageIsStuckThere() throws Exception {
        String url = LocalPostgres.shared().createDatabase();
        try (Database db = Database.connect(url, 8);
             ProfileStore store = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
             StoredProfiles here = loaded(new StoredProfiles(new ProfileIndex(), store))) {
            here.put(new ProfileStore.Profile(List.of(ALICE), List.of(), unit(1), Set.of("interest:old")));
            Thread catchUp;
            Thread change;
            java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
            try (Connection blocker = db.dataSource().getConnection()) {
                blocker.setAutoCommit(false);
                blocker.createStatement().execute("LOCK TABLE profiles IN ACCESS EXCLUSIVE MODE");
                catchUp = new Thread(here::catchUp);
                catchUp.start();
                awaitWaitingOnALock(db, "SELECT owner, sealed, seq FROM profiles%");
                change = new Thread(() -> changed.set(here.update(
                        new ProfileStore.Profile(List.of(ALICE), List.of(), unit(2), Set.of("interest:new")))));
                change.start();
                awaitWaitingOnALock(db, "INSERT INTO profiles%");
                blocker.rollback();
            }
            catchUp.join(20_000);
            change.join(20_000);
            assertTrue(changed.get(), "the change was stored");
            assertEquals(1, here.index().size());
            assertEquals(1, here.index().inSegment("interest:new").size(), "the newer profile won");
            assertEquals(Set.of("interest:new"), store.after(0, 10).profiles().get(0).segments());
        }
    }

    /**
     * Two changes of one person on two threads can reach the index in the other order than the
     * store numbered them: here a save numbered 5 is indexed after an erasure numbered 7, with
     * no page under way. The later-numbered one stays (the concurrency test below found the
     * erased person back in the index when only pages' numbers were kept), and nothing is
     * remembered once nothing is under way.
     */
    @Test
    void changesIndexedInTheOtherOrderKeepTheLaterNumbered() {
        StoredProfiles.Versions versions = new StoredProfiles.Versions();
        List<String> applied = new ArrayList<>();
        long save = versions.starts(); // numbered 5; its commit returns late
        long erasure = versions.starts(); // numbered 7, indexed first
        versions.apply(List.of(ALICE), 7, () -> applied.add("remove"));
        versions.ends(erasure);
        assertEquals(1, versions.size(), "kept while the save that started before it is under way");
        versions.apply(List.of(ALICE_OLD, ALICE), 5, () -> applied.add("put"));
        versions.ends(save);
        assertEquals(List.of("remove"), applied, "the older save does not put the erased person back");
        assertEquals(0, versions.size(), "nothing is remembered once nothing is under way");
        long later = versions.starts(); // a save that starts now is numbered after the erasure
        versions.apply(List.of(ALICE), 8, () -> applied.add("put again"));
        versions.ends(later);
        assertEquals(List.of("remove", "put again"), applied);
    }

    /**
     * A deletion takes its sequence number when its batch starts and reaches a row later: a
     * save through another gateway numbered after it and committed in between must survive it,
     * as it survives an older save (the upsert's rule). Here an erasure of Bob's two aliases
     * waits on a lock of the first while another gateway saves a profile under the second; the
     * erasure then goes on. The later save stays: in the store, and so in every index that
     * read it (a removed row leaves nothing a catch-up could remove it by).
     */
    @Test
    void aDeletionRemovesNoWriteNumberedAfterIt() throws Exception {
        String url = LocalPostgres.shared().createDatabase();
        Pseudonym bobOld = new Pseudonym("bob-delivery-pseudonym-0");
        try (Database db = Database.connect(url, 8);
             ProfileStore store = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
             ProfileStore there = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock)) {
            long first = store.save(new ProfileStore.Profile(List.of(bobOld), List.of(), unit(1), Set.of("interest:old")));
            Thread erasure;
            long[] erased = new long[1];
            long later;
            try (Connection blocker = db.dataSource().getConnection()) {
                blocker.setAutoCommit(false);
                blocker.createStatement().execute("SELECT seq FROM profiles FOR UPDATE"); // bobOld's row
                erasure = new Thread(() -> erased[0] = store.delete(List.of(bobOld, BOB)));
                erasure.start();
                awaitWaitingOnALock(db, "DELETE FROM profiles%");
                later = there.save(new ProfileStore.Profile(List.of(BOB), List.of(), unit(2), Set.of("interest:new")));
                blocker.rollback();
            }
            erasure.join(20_000);
            assertTrue(first < erased[0] && erased[0] < later, "numbered save, erasure, save");
            List<ProfileStore.Stored> rows = store.after(0, 10).stored();
            assertEquals(List.of(later), rows.stream().map(ProfileStore.Stored::seq).toList(),
                    "the erased row is gone, the later save is not");
            assertEquals(Set.of("interest:new"), rows.get(0).profile().segments());
        }
    }

    /**
     * Changes, removals and catch-ups of many threads at once over a few people: afterwards the
     * index holds exactly what the store holds, person by person (a concurrency test of the
     * ordering by sequence number that replaced the lock).
     */
    @Test
    void concurrentChangesRemovalsAndCatchUpsLeaveTheIndexAsTheStore() throws Exception {
        try (Database db = Database.open(dir)) {
            concurrentChanges(db); // one file: its second store writes as another gateway would
        }
    }

    /** The same on PostgreSQL, where two gateways really do write one person at once. */
    @Test
    void concurrentChangesRemovalsAndCatchUpsLeaveTheIndexAsTheStoreOnPostgres() throws Exception {
        try (Database db = Database.connect(LocalPostgres.shared().createDatabase(), 8)) {
            concurrentChanges(db);
        }
    }

    private void concurrentChanges(Database db) throws Exception {
        try (ProfileStore store = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
             StoredProfiles here = loaded(new StoredProfiles(new ProfileIndex(), store));
             ProfileStore there = new ProfileStore(db, UserVault.open(dir, dir.resolve("keys")), clock);
             java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            int people = 24;
            List<java.util.concurrent.Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int seed = t;
                work.add(pool.submit(() -> {
                    java.util.Random r = new java.util.Random(seed);
                    for (int i = 0; i < 300; i++) {
                        Pseudonym p = new Pseudonym("person-" + r.nextInt(people));
                        switch (r.nextInt(4)) {
                            case 0 -> here.remove(List.of(p));
                            // another gateway on the same database: a catch-up brings its writes in
                            case 1 -> there.save(new ProfileStore.Profile(List.of(p), List.of(), unit(r.nextInt(8)),
                                    Set.of("v:" + seed + ":" + i)));
                            default -> here.put(new ProfileStore.Profile(List.of(p), List.of(), unit(r.nextInt(8)),
                                    Set.of("v:" + seed + ":" + i)));
                        }
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    here.catchUp();
                }
                return null;
            }));
            for (var f : work) {
                f.get();
            }
            here.catchUp(); // the other gateway's last writes
            java.util.Map<Pseudonym, Set<String>> stored = new java.util.HashMap<>();
            store.after(0, 1_000).profiles().forEach(p -> stored.put(p.aliases().get(0), p.segments()));
            assertFalse(stored.isEmpty());
            assertEquals(stored.size(), here.index().size(), "the same people as the store");
            stored.forEach((p, segments) -> assertEquals(List.of(p),
                    here.index().inSegment(segments.iterator().next()).stream().map(ProfileIndex.Person::current).toList(),
                    "the stored profile of " + p.value()));
            assertEquals(0, here.versions());
        }
    }

    /** {@code profiles}, loaded in the background and waited for (at most 20 s). */
    static StoredProfiles loaded(StoredProfiles profiles) {
        profiles.loadInBackground();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!profiles.loaded()) {
            assertTrue(System.nanoTime() < deadline, "loaded within 20 s");
            Thread.onSpinWait();
        }
        return profiles;
    }

    /** Waits (at most 10 s) until a statement like {@code sql} waits for a lock in PostgreSQL. */
    private static void awaitWaitingOnALock(Database db, String sql) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (Connection c = db.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?")) {
            ps.setString(1, sql);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "a statement like " + sql + " waits for the table lock");
                Thread.sleep(20);
            }
        }
    }

    static float[] unit(int at) {
        float[] v = new float[io.precis.matcher.lookalike.InterestProfile.DIMENSIONS];
        v[at] = 1;
        return v;
    }

    /** Every column of every row, as bytes. */
    static List<byte[]> rows(Database db) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT user_name, owner, sealed, seq FROM profiles")) {
            while (rs.next()) {
                byte[] name = rs.getString(1).getBytes(StandardCharsets.UTF_8);
                byte[] owner = rs.getBytes(2);
                byte[] sealed = rs.getBytes(3);
                byte[] all = new byte[name.length + owner.length + sealed.length];
                System.arraycopy(name, 0, all, 0, name.length);
                System.arraycopy(owner, 0, all, name.length, owner.length);
                System.arraycopy(sealed, 0, all, name.length + owner.length, sealed.length);
                out.add(all);
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }
}
