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

    /** {@code rows} (sorted) without the small ones, then the {@code "(other)"} row when there is one. */
    static List<Group> merge(List<Group> rows, int k, int keyCount) {
        List<Group> kept = new ArrayList<>();
        Tally other = null;
        for (Group g : rows) {
            if (g.tally().users.users() < k) {
                other = other == null ? new Tally() : other;
                other.add(g.tally());
            } else {
                kept.add(g);
            }
        }
        if (other == null) {
            return rows;
        }
        if (other.users.users() < k) {
            List<Group> byUsers = new ArrayList<>(kept);
            byUsers.sort(Comparator.comparingInt((Group g) -> g.tally().users.users()));
            for (Group g : byUsers) {
                if (other.users.users() >= k) {
                    break;
                }
                other.add(g.tally());
                kept.remove(g);
            }
        }
        kept.add(new Group(Collections.nCopies(keyCount, Dimension.OTHER), other));
        return kept;
    }
}
