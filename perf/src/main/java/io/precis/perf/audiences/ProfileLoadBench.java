package io.precis.perf.audiences;

import io.precis.consent.identity.Pseudonym;
import io.precis.consent.vault.UserVault;
import io.precis.gateway.audiences.ProfileStore;
import io.precis.gateway.audiences.StoredProfiles;
import io.precis.gateway.storage.Database;
import io.precis.matcher.lookalike.InterestProfile;
import io.precis.matcher.lookalike.ProfileIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a gateway's start costs with N stored interest profiles: the profiles are written through
 * the gateway's {@link ProfileStore} (sealed, into H2 as the embedded gateway keeps them), then
 * a fresh {@link StoredProfiles} loads them all, timed, with the heap after GC before and after.
 * Baseline in the same run: the same profiles indexed straight from memory into a
 * {@link ProfileIndex} (no database, no decryption). Also one lookalike search
 * ({@link ProfileIndex#nearest}, the exact scan) over the loaded index.
 *
 * <p>{@code ProfileLoadBench [profiles=100000] [dir]}: {@code dir} holds the data and keys (a
 * RAM file system keeps each new person's vault-salt {@code fsync} cheap); a temporary folder
 * by default. Run after {@code mvn -pl perf -am package -DskipTests}.
 */
public final class ProfileLoadBench {
    private ProfileLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = args.length > 1 ? Files.createTempDirectory(Path.of(args[1]), "profiles")
                : Files.createTempDirectory("profiles");
        Random random = new Random(16);
        List<ProfileStore.Profile> profiles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[InterestProfile.DIMENSIONS];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            profiles.add(new ProfileStore.Profile(List.of(new Pseudonym("bench-person-" + i)), List.of(),
                    InterestProfile.normalised(v), Set.of("interest:c" + (i % 200), "value:B")));
        }

        long start = System.nanoTime();
        try (Database db = Database.open(dir); ProfileStore store = new ProfileStore(db, vault(dir), java.time.Clock.systemUTC())) {
            ExecutorService writers = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int from = t;
                done.add(writers.submit(() -> {
                    for (int i = from; i < n; i += 8) {
                        store.save(profiles.get(i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            writers.shutdown();
        }
        System.out.printf("wrote %,d profiles in %,d ms%n", n, (System.nanoTime() - start) / 1_000_000);

        long heapBefore = heapAfterGc();
        start = System.nanoTime();
        try (ProfileIndex baseline = new ProfileIndex()) {
            for (ProfileStore.Profile p : profiles) {
                baseline.put(p.aliases(), p.measurement(), p.vector(), p.segments());
            }
            baseline.size(); // the refresh a first search makes
            long indexMs = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("baseline: indexed %,d profiles from memory in %,d ms, heap +%,d MB%n", n, indexMs,
                    (heapAfterGc() - heapBefore) >> 20);
        }
        profiles.clear(); // the loaded index's heap is measured without the benchmark's copies
        heapBefore = heapAfterGc();

        try (Database db = Database.open(dir);
             StoredProfiles loaded = new StoredProfiles(new ProfileIndex(), new ProfileStore(db, vault(dir), java.time.Clock.systemUTC()))) {
            start = System.nanoTime();
            loaded.loadInBackground();
            while (!loaded.loaded()) {
                Thread.sleep(5);
            }
            long loadMs = (System.nanoTime() - start) / 1_000_000;
            long heap = heapAfterGc() - heapBefore;
            System.out.printf("loaded %,d profiles from the store in %,d ms (%,d by the loader), heap +%,d MB"
                    + " (%,d bytes a profile)%n", loaded.index().size(), loadMs, loaded.loadMillis(), heap >> 20,
                    heap / Math.max(1, loaded.index().size()));
            List<ProfileIndex.Person> seed = loaded.index().inSegment("interest:c7");
            List<Pseudonym> leaveOut = seed.stream().map(ProfileIndex.Person::current).toList();
            for (int round = 0; round < 5; round++) {
                start = System.nanoTime();
                int found = loaded.index().nearest(seed.get(0).vector(), 1_000, leaveOut).size();
                System.out.printf("nearest 1,000 of %,d, %,d left out: %,d ms (found %,d)%n", n, leaveOut.size(),
                        (System.nanoTime() - start) / 1_000_000, found);
            }
        }
    }

    static UserVault vault(Path dir) {
        return UserVault.open(dir, dir.resolve("keys"));
    }

    static long heapAfterGc() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return r.totalMemory() - r.freeMemory();
    }
}
