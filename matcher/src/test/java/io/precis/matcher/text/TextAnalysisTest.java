package io.precis.matcher.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextAnalysisTest {
    private final TextAnalysis analysis = TextAnalysis.shared();

    private boolean hits(String keyword, String... segments) {
        return analysis.analyse(List.of(segments)).contains(analysis.phrase(keyword));
    }

    @Test
    void chineseIsSegmentedIntoWords() {
        assertEquals(List.of("空调", "清洗"), analysis.terms("空调清洗"));
    }

    @Test
    void englishIsLowerCasedAndStemmed() {
        assertEquals(List.of("air", "condition", "clean"), analysis.terms("Air CONDITIONERS Cleaning"));
    }

    @Test
    void chineseKeywordMatchesLongerCompoundOnThePage() {
        assertTrue(hits("空调清洗", "我们提供专业的空调清洗服务，价格实惠。"));
    }

    @Test
    void englishKeywordMatchesOtherWordFormsInAnyOrder() {
        assertTrue(hits("air conditioner cleaning", "Tips for cleaning your air conditioners"));
    }

    @Test
    void multiWordKeywordMissesWhenWordsAreFarApart() {
        assertFalse(hits("air conditioner cleaning",
                "Air quality matters. We reviewed ten brands of heaters and fans this summer, "
                        + "and the conditioner in each needs regular cleaning"));
    }

    @Test
    void chineseWordsInDifferentParagraphsAreNoHit() {
        String[] page = {"夏天到了，很多家庭开始使用空调。",
                "另外，厨房的油烟机也需要定期清洗，否则会影响使用效果。"};
        assertBothWordsPresent(page);
        assertFalse(hits("空调清洗", page));
    }

    @Test
    void chineseWordsFarApartInOneParagraphAreNoHit() {
        String[] page = {"夏天到了很多家庭开始使用空调但是厨房里的油烟机和燃气灶也需要定期清洗"};
        assertBothWordsPresent(page);
        assertFalse(hits("空调清洗", page));
    }

    private void assertBothWordsPresent(String... segments) {
        AnalysedText text = analysis.analyse(List.of(segments));
        assertTrue(text.contains("空调") && text.contains("清洗"), text.toString());
    }

    @Test
    void phraseNeverSpansTwoSegments() {
        assertTrue(hits("air conditioner", "best air conditioner"));
        assertFalse(hits("air conditioner", "fresh air", "conditioner"));
    }

    @Test
    void windowIsTermCountPlusThreePositions() {
        // "a b" has 2 terms: window 5 positions, so 3 words may sit between them, not 4.
        assertTrue(hits("apple banana", "apple one two three banana"));
        assertFalse(hits("apple banana", "apple one two three four banana"));
    }

    @Test
    void singleTermKeywordMatchesAnywhere() {
        assertTrue(hits("维修", "第一段", "很多很多文字之后提到维修"));
    }

    @Test
    void keywordWithoutSearchableWordsNeverHits() {
        assertTrue(analysis.phrase("!!!").terms().isEmpty());
        assertFalse(hits("!!!", "wow!!!"));
    }
}
