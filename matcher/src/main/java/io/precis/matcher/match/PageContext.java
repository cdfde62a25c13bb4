package io.precis.matcher.match;

import java.util.List;
import java.util.Objects;

/**
 * The page an ad slot is on, as the publisher describes it; what contextual targeting matches.
 * Every field may be null; lists are copied, null lists and null items dropped.
 *
 * @param lang a hint only; the analysis handles Chinese and English text alike
 */
public record PageContext(String url, String title, List<String> keywords,
                          List<String> categories, String text, String lang) {
    /** A page nothing is known about. */
    public static final PageContext EMPTY = new PageContext(null, null, null, null, null, null);

    public PageContext {
        keywords = clean(keywords);
        categories = clean(categories);
    }

    private static List<String> clean(List<String> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }
}
