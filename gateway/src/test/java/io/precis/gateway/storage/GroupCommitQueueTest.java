package io.precis.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The group-commit queue the behaviour log and the profile store write through: batches in
 * queue order of at most the batch size, everything queued before a close written, a full
 * queue refused at once, an enqueue after close refused.
 */
class GroupCommitQueueTest {
    record Write(int n, CompletableFuture<Void> done) implements GroupCommitQueue.Op {
    }

    @Test
    void batchesInQueueOrderAndCloseWritesWhatWasQueued() throws Exception {
        List<List<Integer>> batches = new ArrayList<>();
        CountDownLatch hold = new CountDownLatch(1);
        GroupCommitQueue<Write> q = new GroupCommitQueue<>("test-writer", "test", 100, 4, batch -> {
            awaitQuietly(hold);
            batches.add(batch.stream().map(Write::n).toList());
            batch.forEach(w -> w.done().complete(null));
        });
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Write w = new Write(i, new CompletableFuture<>());
            writes.add(w);
            q.enqueue(w);
        }
        hold.countDown();
        q.close();
        writes.forEach(w -> assertTrue(w.done().isDone() && !w.done().isCompletedExceptionally(), "write " + w.n()));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), batches.stream().flatMap(List::stream).toList());
        assertTrue(batches.stream().allMatch(b -> b.size() <= 4), "batches of at most 4: " + batches);

        Write late = new Write(10, new CompletableFuture<>());
        q.enqueue(late);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> late.done().get(1, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        q.close(); // idempotent
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        GroupCommitQueue<Write> q = new GroupCommitQueue<>("test-writer", "test", 2, 1, batch -> {
            writing.countDown();
            awaitQuietly(hold);
            batch.forEach(w -> w.done().complete(null));
        });
        q.enqueue(new Write(0, new CompletableFuture<>()));
        assertTrue(writing.await(10, TimeUnit.SECONDS)); // the writer holds the first
        q.enqueue(new Write(1, new CompletableFuture<>()));
        q.enqueue(new Write(2, new CompletableFuture<>()));
        Write refused = new Write(3, new CompletableFuture<>());
        q.enqueue(refused);
        assertTrue(refused.done().isCompletedExceptionally(), "refused at once, not blocked");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> refused.done().get());
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
        hold.countDown();
        q.close();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
