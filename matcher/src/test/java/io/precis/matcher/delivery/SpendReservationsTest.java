package io.precis.matcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Budget held by ads in flight: held within the room, released on impression, gone at expiry. */
class SpendReservationsTest {
    private static final Instant T0 = Instant.parse("2026-11-03T04:00:30Z");
    private static final Duration TOKEN = Duration.ofHours(1);

    private final SpendReservations holds = new SpendReservations();

    @Test
    void holdsFitInTheRoomAndAreReleasedByImpressionsAndExpiry() {
        assertTrue(holds.reserve("c", 10, 25, T0, T0.plus(TOKEN)));
        assertTrue(holds.reserve("c", 10, 25, T0.plusSeconds(45), T0.plus(TOKEN)));
        assertFalse(holds.reserve("c", 10, 25, T0, T0.plus(TOKEN)), "20 held and 10 more is past 25");
        assertEquals(20, holds.heldNanos("c", T0));
        assertEquals(0, holds.heldNanos("other", T0));
        // The second ad's token was issued in the next minute: its hold is found in the one before.
        holds.release("c", 10, T0.plusSeconds(45));
        holds.release("c", 10, T0);
        assertEquals(0, holds.heldNanos("c", T0));
        holds.release("c", 10, T0);
        assertEquals(0, holds.heldNanos("c", T0), "never below zero");

        assertTrue(holds.reserve("c", 10, 25, T0, T0.plus(TOKEN)));
        assertEquals(10, holds.heldNanos("c", T0.plus(TOKEN).minusMillis(1)));
        assertEquals(0, holds.heldNanos("c", T0.plus(TOKEN)), "an ad never seen stops holding at expiry");
    }

    @Test
    void parallelHoldsNeverPassTheRoom() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 100; round++) {
                String campaign = "c" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> tries = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    tries.add(pool.submit(() -> {
                        go.await();
                        return holds.reserve(campaign, 10, 35, T0, T0.plus(TOKEN));
                    }));
                }
                go.countDown();
                int held = 0;
                for (Future<Boolean> f : tries) {
                    held += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(3, held, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
