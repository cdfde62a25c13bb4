package io.precis.consent.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Each thread has its own generator (Randoms): they must not repeat one another, as generators
 * seeded alike would, and a token must be the 128 bits it promises.
 */
class RandomsTest {
    @Test
    void threadsDrawDistinctTokens() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> drawn = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                drawn.add(pool.submit(() -> {
                    List<String> tokens = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) {
                        tokens.add(Randoms.token(16));
                    }
                    return tokens;
                }));
            }
            Set<String> all = new HashSet<>();
            int count = 0;
            for (Future<List<String>> f : drawn) {
                for (String token : f.get()) {
                    assertEquals(22, token.length());
                    all.add(token);
                    count++;
                }
            }
            assertEquals(count, all.size(), "no token repeated, within or across threads");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bytesLookUniform() {
        int[] ones = new int[8];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            byte b = Randoms.bytes(1)[0];
            for (int bit = 0; bit < 8; bit++) {
                ones[bit] += (b >>> bit) & 1;
            }
        }
        for (int bit = 0; bit < 8; bit++) {
            // 20,000 fair coin flips: 10,000 ± 5σ (σ ≈ 71).
            assertTrue(Math.abs(ones[bit] - n / 2) < 355, "bit " + bit + " set " + ones[bit] + " times");
        }
    }
}
