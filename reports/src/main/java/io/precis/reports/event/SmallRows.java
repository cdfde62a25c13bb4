package io.precis.reports.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The k-user threshold of breakdowns by targeting, region or site: rows with fewer than k
 * distinct users are merged into one row keyed {@link Dimension#OTHER} in every column, so the
 * totals still add up.
 *
 * <p>If the merged row itself has fewer than k users (say one small row, which it would then
 * reveal exactly), the row with the fewest users is merged into it too, and so on until it
 * reaches k or holds everything. Users come from the rows' sketches; events without a
 * measurement pseudonym add none, so rows of users without measurement consent always merge.
 */
final class SmallRows {
    /** A report row before publication: its keys in column order and its sums. */
    record Group(List<String> keys, Tally tally) {
    }

    private SmallRows() {
    }

    /**
     * The threshold applied one row at a time, in the rows' order, as they are made: a breakdown
     * of millions of cells looks at each row's users while its sums are at hand, and a small row
     * is summed into {@code "(other)"} without being kept.
     */
    static final class Split {
        private final int k;
        private final int keyCount;
        private final List<Group> kept = new ArrayList<>();
        private Tally other;

        /** {@code other}: the sums of {@code "(other)"} so far, or null for none yet. */
        Split(int k, int keyCount, Tally other) {
            this.k = k;
            this.keyCount = keyCount;
            this.other = other;
        }

        /** The next row, its sums {@code t}; {@code row} makes it, asked only if it is kept. */
        void add(Tally t, java.util.function.Supplier<Group> row) {
            if (small(t.users.users())) {
                other().add(t);
            } else {
                kept.add(row.get());
            }
        }

        /** Whether a row of {@code users} distinct users goes into {@code "(other)"}. */
        boolean small(int users) {
            return users < k;
        }

        /** The sums of {@code "(other)"}, for a small row to be added to. */
        Tally other() {
            if (other == null) {
                other = new Tally();
            }
            return other;
        }

        /** The kept rows, then the {@code "(other)"} row when there is one. */
        List<Group> rows() {
            if (other == null) {
                return kept;
            }
            if (other.users.users() < k) {
                List<Group> byUsers = new ArrayList<>(kept);
                byUsers.sort(Comparator.comparingInt((Group g) -> g.tally().users.users()));
                java.util.Set<Group> moved = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                for (Group g : byUsers) {
                    if (other.users.users() >= k) {
                        break;
                    }
                    other.add(g.tally());
                    moved.add(g);
                }
                kept.removeIf(moved::contains);
            }
            kept.add(new Group(Collections.nCopies(keyCount, Dimension.OTHER), other));
            return kept;
        }
    }
}
