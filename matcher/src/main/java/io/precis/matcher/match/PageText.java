package io.precis.matcher.match;

import io.precis.matcher.index.IndexFields;
import io.precis.matcher.text.AnalysedText;
import io.precis.matcher.text.TextAnalysis;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A page as contextual targeting sees it: its segments (each page keyword, the title, each
 * paragraph of the text, the URL's words, each category) analysed with position gaps between
 * them, so a keyword phrase never matches across two segments, and its categories.
 */
record PageText(AnalysedText text, Set<String> categories) {
    private static final Pattern PARAGRAPHS = Pattern.compile("\\R");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    static PageText of(PageContext page, TextAnalysis analysis) {
        List<String> segments = new ArrayList<>(page.keywords());
        segments.add(page.title());
        if (page.text() != null) {
            segments.addAll(List.of(PARAGRAPHS.split(page.text())));
        }
        segments.add(urlWords(page.url()));
        segments.addAll(page.categories());
        Set<String> categories = new LinkedHashSet<>();
        page.categories().forEach(c -> categories.add(IndexFields.normaliseCategory(c)));
        return new PageText(analysis.analyse(segments), Set.copyOf(categories));
    }

    /** The URL's words: decoded (Chinese paths are percent-encoded), punctuation as spaces. */
    private static String urlWords(String url) {
        if (url == null) {
            return null;
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(url, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = url;
        }
        return NON_WORD.matcher(decoded).replaceAll(" ");
    }
}
