package io.precis.gateway.audiences;

import io.precis.consent.identity.Pseudonym;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in which customer list, in memory: per list a sorted {@code long[]} of member
 * fingerprints ({@link AudienceFingerprint}), 8 bytes a member (100 lists of 20 million members
 * in all: 160 MB), looked up by binary search. Loaded at start, changed on upload.
 *
 * <p>Thread-safe: readers take the current array of a list without locking (an array once
 * published is never written again); changes to one list are serialised and publish a new
 * array, so a reader sees a list before or after a batch, never half of one. A change holds a
 * second copy of the list while it merges.
 */
public final class AudienceMembership {
    private static final long[] EMPTY = new long[0];
    private final Map<String, long[]> lists = new ConcurrentHashMap<>();

    /** The lists (audience ids) any of {@code aliases} is in; empty when none or no aliases. */
    public Set<String> listsOf(List<Pseudonym> aliases) {
        if (aliases == null || aliases.isEmpty() || lists.isEmpty()) {
            return Set.of();
        }
        long[] prints = new long[aliases.size()];
        for (int i = 0; i < prints.length; i++) {
            prints[i] = AudienceFingerprint.of(aliases.get(i));
        }
        Set<String> out = null;
        for (Map.Entry<String, long[]> e : lists.entrySet()) {
            long[] members = e.getValue();
            for (long p : prints) {
                if (Arrays.binarySearch(members, p) >= 0) {
                    out = out == null ? new HashSet<>() : out;
                    out.add(e.getKey());
                    break;
                }
            }
        }
        return out == null ? Set.of() : out;
    }

    /** Members of list {@code id} (0 when unknown). */
    public int size(String id) {
        long[] m = lists.get(id);
        return m == null ? 0 : m.length;
    }

    /** Sets list {@code id} to {@code members} (any order, duplicates allowed; not kept). */
    public void replace(String id, long[] members) {
        lists.put(id, sortedDistinct(members.clone()));
    }

    /** Adds {@code members} to list {@code id}. */
    public void add(String id, long[] members) {
        long[] add = sortedDistinct(members.clone());
        lists.compute(id, (k, old) -> old == null ? add : union(old, add));
    }

    /** Removes {@code members} from list {@code id}. */
    public void remove(String id, long[] members) {
        long[] drop = sortedDistinct(members.clone());
        lists.computeIfPresent(id, (k, old) -> minus(old, drop));
    }

    /** Forgets list {@code id}. */
    public void drop(String id) {
        lists.remove(id);
    }

    static long[] sortedDistinct(long[] a) {
        Arrays.sort(a);
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (i == 0 || a[i] != a[i - 1]) {
                a[n++] = a[i];
            }
        }
        return n == a.length ? a : Arrays.copyOf(a, n);
    }

    private static long[] union(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            long next;
            if (j == b.length || (i < a.length && a[i] < b[j])) {
                next = a[i++];
            } else if (i == a.length || b[j] < a[i]) {
                next = b[j++];
            } else {
                next = a[i++];
                j++;
            }
            out[n++] = next;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static long[] minus(long[] a, long[] drop) {
        long[] out = new long[a.length];
        int n = 0;
        for (long v : a) {
            if (Arrays.binarySearch(drop, v) < 0) {
                out[n++] = v;
            }
        }
        return n == 0 ? EMPTY : Arrays.copyOf(out, n);
    }
}
