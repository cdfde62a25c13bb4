package io.precis.matcher.text;

import java.util.List;
import java.util.Objects;

/**
 * A campaign keyword after analysis: it hits a text where all its terms occur, in any order,
 * within {@link #window()} consecutive positions.
 *
 * @param keyword the keyword as the advertiser wrote it
 * @param terms its analysed terms in order (may repeat); empty if it has no searchable word
 */
public record Phrase(String keyword, List<String> terms) {
    /**
     * Positions allowed beyond the keyword's own terms. API.md: "within a few words, in any
     * order". Three admits "cleaning your air conditioners" for "air conditioner cleaning"
     * (span 4 of 6) and a stop word or punctuation mark or two, while words of different
     * sentences or paragraphs rarely fall this close.
     */
    public static final int SLACK = 3;

    public Phrase {
        Objects.requireNonNull(keyword, "keyword");
        terms = List.copyOf(terms);
    }

    /** Number of consecutive positions all terms must fall within. */
    public int window() {
        return terms.size() + SLACK;
    }
}
