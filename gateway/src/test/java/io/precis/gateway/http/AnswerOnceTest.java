package io.precis.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request answered by its work or by its deadline, once. The OpenRTB route's {@code tmax}
 * timer was never cancelled: an answered bid request stayed reachable until its client's
 * deadline, which OpenRTB does not bound.
 */
class AnswerOnceTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerClaimedByTheWorkLetsGoOfWhatItsDeadlineWouldHaveAnswered() throws Exception {
        AtomicInteger deadlines = new AtomicInteger();
        WeakReference<?>[] held = new WeakReference<?>[1];
        AnswerOnce answer = holding(held, deadlines);
        assertTrue(answer.claim(), "the work answers first");
        assertFalse(answer.claim(), "and only once");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (held[0].get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(held[0].get() == null, "the answered request is still reachable: its deadline's timer holds it");
        assertTrue(deadlines.get() == 0, "the deadline never answered");
    }

    /** An answer whose deadline holds a request (a megabyte), known to the caller only weakly. */
    private AnswerOnce holding(WeakReference<?>[] held, AtomicInteger deadlines) {
        byte[] request = new byte[1 << 20];
        held[0] = new WeakReference<>(request);
        return AnswerOnce.within(vertx, TimeUnit.MINUTES.toMillis(10), () -> deadlines.addAndGet(request.length));
    }

    @Test
    void aDeadlineThatComesFirstAnswersAndTheWorkThenDoesNot() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        AnswerOnce answer = AnswerOnce.within(vertx, 20, answered::countDown);
        assertTrue(answered.await(10, TimeUnit.SECONDS), "the deadline answered");
        assertFalse(answer.claim(), "the late work must not answer again");
        assertTrue(AnswerOnce.unbounded().claim(), "without a deadline the work answers");
    }
}
