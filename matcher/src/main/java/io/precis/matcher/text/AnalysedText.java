package io.precis.matcher.text;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A text (for example a page, as several segments) after analysis: every term with its sorted
 * positions. Immutable; thread-safe.
 */
public final class AnalysedText {
    /** Nothing analysed. */
    public static final AnalysedText EMPTY = new AnalysedText(Map.of());

    private final Map<String, int[]> positions;

    AnalysedText(Map<String, int[]> positions) {
        this.positions = Map.copyOf(positions);
    }

    private AnalysedText(Map<String, int[]> positions, boolean owned) {
        this.positions = positions;
    }

    /** Takes {@code positions} as is: the caller must not change or leak it afterwards. */
    static AnalysedText owning(Map<String, int[]> positions) {
        return new AnalysedText(positions, true);
    }

    /** The distinct terms of the text. */
    public Set<String> terms() {
        return Collections.unmodifiableSet(positions.keySet());
    }

    /** Whether {@code term} occurs. */
    public boolean contains(String term) {
        return positions.containsKey(term);
    }

    /**
     * Whether all the phrase's terms occur within {@link Phrase#window()} consecutive positions,
     * in any order. A phrase without terms never hits.
     */
    public boolean contains(Phrase phrase) {
        List<String> terms = phrase.terms();
        if (terms.isEmpty()) {
            return false;
        }
        if (terms.size() == 1) {
            return positions.containsKey(terms.get(0));
        }
        for (int i = 0, n = terms.size(); i < n; i++) { // most phrases miss: find out before allocating
            if (!positions.containsKey(terms.get(i))) {
                return false;
            }
        }
        // Each distinct term's positions once (a phrase may repeat a term); phrases have a few
        // terms, so a pairwise check beats building a set per candidate.
        int[][] lists = new int[terms.size()][];
        int distinct = 0;
        next:
        for (int i = 0, n = terms.size(); i < n; i++) {
            String t = terms.get(i);
            for (int j = 0; j < i; j++) {
                if (terms.get(j).equals(t)) {
                    continue next;
                }
            }
            lists[distinct++] = positions.get(t);
        }
        return distinct == 1 || withinWindow(lists, distinct, phrase.window());
    }

    /**
     * Smallest span holding one position of every list (the k-list minimum window walk): keep a
     * cursor per list, measure the span, advance the cursor at the smallest position.
     */
    private static boolean withinWindow(int[][] lists, int count, int window) {
        int[] cursor = new int[count];
        while (true) {
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            int minList = 0;
            for (int l = 0; l < count; l++) {
                int p = lists[l][cursor[l]];
                if (p < min) {
                    min = p;
                    minList = l;
                }
                max = Math.max(max, p);
            }
            if (max - min < window) {
                return true;
            }
            if (++cursor[minList] == lists[minList].length) {
                return false;
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("AnalysedText{");
        positions.forEach((t, p) -> b.append(t).append(Arrays.toString(p)).append(' '));
        return b.append('}').toString();
    }
}
