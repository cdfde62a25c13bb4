package io.precis.consent.concurrent;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed number of locks shared out by key: work on one key (a person, a campaign, an account)
 * is serialised, work on different keys almost never waits (only on a shared stripe), and no
 * lock is global. Held across a durable write only where the key's next step must see it.
 */
public final class StripedLocks {
    private final ReentrantLock[] locks;

    public StripedLocks(int stripes) {
        if (stripes < 1) {
            throw new IllegalArgumentException("at least one stripe");
        }
        locks = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The lock of {@code key}'s stripe. */
    public ReentrantLock of(Object key) {
        return locks[Math.floorMod(key.hashCode(), locks.length)];
    }
}
