package io.precis.consent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @Test
    void keyIsCreatedOwnerOnlyAndReadBackUnchanged(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys").resolve("token.key");
        byte[] first = KeyFiles.loadOrCreate(file, 32);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(first, KeyFiles.loadOrCreate(file, 32));
    }

    /**
     * Threads creating the same new keys at once (as gateways sharing a keys dir do with a new
     * person's salt) all get the one key the file keeps, and none fails: each had been renaming
     * its own random key over the others' (a key already used was replaced) or deleting the
     * temporary file another was writing.
     */
    @Test
    void aKeyCreatedByManyAtOnceIsOneKeyForAll(@TempDir Path dir) throws Exception {
        int threads = 8;
        int keys = 40;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        byte[][][] got = new byte[threads][keys][];
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                all.add(pool.submit(() -> {
                    for (int k = 0; k < keys; k++) {
                        start.await(20, java.util.concurrent.TimeUnit.SECONDS);
                        got[me][k] = KeyFiles.loadOrCreate(dir.resolve("salts").resolve(k + ".salt"), 16);
                    }
                    return null;
                }));
            }
            awaitAll(all);
        }
        for (int k = 0; k < keys; k++) {
            byte[] kept = Files.readAllBytes(dir.resolve("salts").resolve(k + ".salt"));
            for (int t = 0; t < threads; t++) {
                assertArrayEquals(kept, got[t][k], "thread " + t + " used the key the file keeps, key " + k);
            }
        }
        try (var left = Files.list(dir.resolve("salts"))) {
            assertEquals(keys, left.count(), "no temporary file is left");
        }
    }

    /** Writers replacing one file at once each finish, and the file holds one of their contents whole. */
    @Test
    void writersAtOnceEachFinishAndOneWins(@TempDir Path dir) throws Exception {
        int threads = 8;
        Path file = dir.resolve("record");
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte[] mine = new byte[64];
                java.util.Arrays.fill(mine, (byte) t);
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        start.await(20, java.util.concurrent.TimeUnit.SECONDS);
                        KeyFiles.writeOwnerOnly(file, mine);
                    }
                    return null;
                }));
            }
            awaitAll(all);
        }
        byte[] kept = Files.readAllBytes(file);
        assertEquals(64, kept.length);
        for (byte b : kept) {
            assertEquals(kept[0], b, "one writer's content, whole");
        }
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary file is left");
        }
    }

    /**
     * Waits for every task; throws the first failure that is not a barrier broken by another
     * task's failure (the cause worth reading).
     */
    private static void awaitAll(java.util.List<java.util.concurrent.Future<?>> all) throws Exception {
        java.util.concurrent.ExecutionException knockOn = null;
        for (var f : all) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof java.util.concurrent.TimeoutException
                        || e.getCause() instanceof java.util.concurrent.BrokenBarrierException)) {
                    throw e;
                }
                knockOn = knockOn == null ? e : knockOn;
            }
        }
        if (knockOn != null) {
            throw knockOn;
        }
    }
}
