package io.precis.reports.sql;

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
 * The group-commit queue the event store, the behaviour log and the profile store write
 * through: batches in queue order of at most the batch size, everything queued before a close
 * written, a full queue refused at once, an enqueue after close refused; chores done when due,
 * while idle and between batches, never during one.
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

    @Test
    void choresRunOnTheWriterBetweenBatches() throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        GroupCommitQueue<Write> q = new GroupCommitQueue<>("test-writer", "test", 100, 2, batch -> {
            log.add("write");
            batch.forEach(w -> w.done().complete(null));
        }, new GroupCommitQueue.Chores() {
            @Override
            public long dueInNanos() {
                return Long.MAX_VALUE;
            }

            @Override
            public void run() {
                log.add("chores on " + Thread.currentThread().getName());
            }
        });
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Write w = new Write(i, new CompletableFuture<>());
            writes.add(w);
            q.enqueue(w);
        }
        for (Write w : writes) {
            w.done().get(10, TimeUnit.SECONDS);
        }
        q.close();
        assertTrue(log.stream().filter("write"::equals).count() >= 3, "batches of at most 2: " + log);
        for (int i = 1; i < log.size(); i++) {
            assertTrue(!log.get(i).equals("write") || !log.get(i - 1).equals("write"), "chores between batches: " + log);
            assertTrue(log.get(i).equals("write") || log.get(i).equals("chores on test-writer"), "on the writer: " + log);
        }
    }

    /** A chore that falls due while nothing is queued runs then: the writer waits until it is due. */
    @Test
    void aChoreDueWhileIdleRunsWithNothingQueued() throws Exception {
        long dueAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        CountDownLatch ran = new CountDownLatch(1);
        GroupCommitQueue<Write> q = new GroupCommitQueue<>("test-writer", "test", 100, 2, batch -> { },
                new GroupCommitQueue.Chores() {
                    @Override
                    public long dueInNanos() {
                        return ran.getCount() == 0 ? Long.MAX_VALUE : dueAt - System.nanoTime();
                    }

                    @Override
                    public void run() {
                        if (dueInNanos() <= 0) {
                            ran.countDown();
                        }
                    }
                });
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the chore ran with nothing queued");
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
