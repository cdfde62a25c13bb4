package io.precis.matcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.consent.identity.Pseudonym;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cap check and the reservation are one step per (user, campaign): however many threads
 * reserve at once, exactly the cap's number succeed, and the sweep of stale users running
 * meanwhile loses none of them.
 */
class ReserveConcurrencyTest {
    private static final int THREADS = 16;

    @Test
    void parallelReservationsOfOneUserNeverPassTheCap() throws Exception {
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 200; round++) {
                Pseudonym user = new Pseudonym("user-" + round);
                int cap = 1 + round % 3;
                Instant now = Instant.now();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> tries = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    String adId = "ad-" + round + "-" + t;
                    tries.add(pool.submit(() -> {
                        go.await();
                        return ledger.reserve(adId, user, "c", cap, now.minus(Duration.ofHours(24)), now,
                                now.plus(Duration.ofHours(1)));
                    }));
                }
                go.countDown();
                int reserved = 0;
                for (Future<Boolean> f : tries) {
                    reserved += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(cap, reserved, "round " + round);
                assertEquals(cap, ledger.impressionsSince(user, "c", now.minus(Duration.ofHours(24))));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
