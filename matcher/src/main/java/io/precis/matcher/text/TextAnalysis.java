package io.precis.matcher.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * Turns campaign keywords and page text into terms with {@link PrecisAnalyzer}, so both sides
 * are analysed the same way. Thread-safe; use {@link #shared()}.
 */
public final class TextAnalysis {
    /**
     * Text beyond this many characters per segment is not analysed: it bounds the cost of one
     * ad request (the body limit is 64 KiB) and a page's topic shows well before 32K characters.
     */
    public static final int MAX_SEGMENT_CHARS = 32_768;
    private static final String FIELD = "text";
    private static final TextAnalysis SHARED = new TextAnalysis(new PrecisAnalyzer());

    private final Analyzer analyzer;

    TextAnalysis(Analyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** The process-wide instance (the analyzer's dictionaries are large; load them once). */
    public static TextAnalysis shared() {
        return SHARED;
    }

    /** The analyser behind this, for indexing with the same chain. */
    public Analyzer analyzer() {
        return analyzer;
    }

    /** The analysed terms of {@code text}, in order. */
    public List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        tokens(text, (term, pos) -> out.add(term));
        return out;
    }

    /** A keyword as a phrase to look for. */
    public Phrase phrase(String keyword) {
        return new Phrase(keyword, terms(keyword));
    }

    /**
     * Analyses the segments (title, paragraphs, each page keyword...) as one text with
     * {@link PrecisAnalyzer#SEGMENT_GAP} positions between segments. Null segments are skipped.
     */
    public AnalysedText analyse(List<String> segments) {
        // Positions as growing int arrays (no boxing); the map is handed over, not copied.
        Map<String, int[]> positions = new HashMap<>();
        int[] base = {0};
        for (String segment : segments) {
            if (segment == null || segment.isBlank()) {
                continue;
            }
            int[] last = {base[0]};
            tokens(segment, (term, pos) -> {
                int p = base[0] + pos;
                int[] list = positions.get(term);
                if (list == null) {
                    positions.put(term, new int[] {1, p, 0, 0});
                } else {
                    int n = list[0];
                    if (n + 1 == list.length) {
                        list = Arrays.copyOf(list, list.length * 2);
                        positions.put(term, list);
                    }
                    list[n + 1] = p;
                    list[0] = n + 1;
                }
                last[0] = p;
            });
            base[0] = last[0] + analyzer.getPositionIncrementGap(FIELD);
        }
        for (Map.Entry<String, int[]> e : positions.entrySet()) {
            int[] list = e.getValue();
            e.setValue(Arrays.copyOfRange(list, 1, list[0] + 1));
        }
        return AnalysedText.owning(positions);
    }

    private interface TokenSink {
        void accept(String term, int position);
    }

    private void tokens(String text, TokenSink sink) {
        String s = text.length() > MAX_SEGMENT_CHARS ? text.substring(0, MAX_SEGMENT_CHARS) : text;
        try (TokenStream ts = analyzer.tokenStream(FIELD, s)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            int pos = -1;
            while (ts.incrementToken()) {
                pos += inc.getPositionIncrement();
                sink.accept(term.toString(), pos);
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysis of an in-memory string failed", e);
        }
    }
}
