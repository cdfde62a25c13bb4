package io.precis.matcher.segment;

import io.precis.consent.identity.Pseudonym;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link BehaviourStore} in memory for the segment tests: the newest {@link #MAX_PER_USER} events of every user, never evicted. */
final class InMemoryBehaviourStore implements BehaviourStore {
    /** Bounds memory per user; segment rules look at counts far below this. */
    static final int MAX_PER_USER = 10_000;

    private final ConcurrentHashMap<Pseudonym, List<BehaviourEvent>> events =
            new ConcurrentHashMap<>();

    @Override
    public void append(Pseudonym p, List<BehaviourEvent> added) {
        events.compute(p, (k, old) -> {
            List<BehaviourEvent> all = old == null ? new ArrayList<>() : new ArrayList<>(old);
            all.addAll(added);
            if (all.size() > MAX_PER_USER) {
                all.sort((a, b) -> a.ts().compareTo(b.ts()));
                all = new ArrayList<>(all.subList(all.size() - MAX_PER_USER, all.size()));
            }
            return List.copyOf(all);
        });
    }

    @Override
    public List<BehaviourEvent> read(Pseudonym p) {
        return events.getOrDefault(p, List.of());
    }

    @Override
    public void erase(Pseudonym p) {
        events.remove(p);
    }
}
