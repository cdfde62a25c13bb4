package io.precis.gateway.audiences;

import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies each list's changes to memory in the order the store committed them, without a lock
 * across the store's I/O. Every change of a list bumps the list's version in its own
 * transaction (the row lock orders them), and memory applies version {@code n} only after
 * {@code n - 1}; a change that commits ahead of an earlier one waits here, in memory, for it.
 * A snapshot read from the store ({@link #reset}) stands for every version up to its own.
 * Two uploads to one list thus no longer wait for each other's round trips, and two lists never
 * share anything. Thread-safe; nothing here blocks on I/O.
 */
final class ListVersions {
    private static final class State {
        long applied;
        final TreeMap<Long, Runnable> pending = new TreeMap<>();
    }

    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    /** Runs {@code change}, committed as {@code version} of list {@code id}, once every earlier version has run. */
    void apply(String id, long version, Runnable change) {
        State s = states.computeIfAbsent(id, k -> new State());
        synchronized (s) {
            if (version <= s.applied) {
                return; // a snapshot read after it already holds it
            }
            s.pending.put(version, change);
            drain(s);
        }
    }

    /**
     * Runs {@code install}, a snapshot of list {@code id} read at {@code version} or later, unless
     * memory already holds a later version; the changes after it then run again in order (each
     * adds, removes or sets members, so running them again over a state that holds them already
     * ends where they ended).
     */
    void reset(String id, long version, Runnable install) {
        State s = states.computeIfAbsent(id, k -> new State());
        synchronized (s) {
            if (version < s.applied) {
                return;
            }
            install.run();
            s.applied = version;
            s.pending.headMap(version, true).clear();
            drain(s);
        }
    }

    /** Runs {@code drop} for a deleted list; its late changes are ignored from then on. */
    void forget(String id, Runnable drop) {
        State s = states.computeIfAbsent(id, k -> new State());
        synchronized (s) {
            drop.run();
            s.applied = Long.MAX_VALUE;
            s.pending.clear();
        }
    }

    private static void drain(State s) {
        while (!s.pending.isEmpty() && s.pending.firstKey() == s.applied + 1) {
            s.pending.pollFirstEntry().getValue().run();
            s.applied++;
        }
    }
}
