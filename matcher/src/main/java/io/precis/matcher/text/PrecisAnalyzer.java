package io.precis.matcher.text;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cn.smart.HMMChineseTokenizer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;

/**
 * The one analysis chain for campaign keywords and page text: SmartChineseAnalyzer's chain
 * (Chinese word segmentation; Latin words lower-cased and Porter-stemmed; punctuation dropped,
 * leaving a position hole) with a position gap between the values of a field.
 *
 * <p>SmartChineseAnalyzer already applies PorterStemFilter to Latin words, but it is final and
 * cannot be given a position gap, hence this copy of its chain. The extra LowerCaseFilter covers
 * non-ASCII letters (É, Ä) that SmartChineseAnalyzer's own lower-casing of Basic Latin misses.
 * Thread-safe, as every Lucene Analyzer: build it once and share it.
 */
public final class PrecisAnalyzer extends Analyzer {
    /**
     * Positions between two values (segments) of a field. Far larger than any phrase window
     * ({@link Phrase#window()} is at most ~30), so a phrase never spans two segments.
     */
    public static final int SEGMENT_GAP = 100;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer tokenizer = new HMMChineseTokenizer();
        TokenStream result = new LowerCaseFilter(tokenizer);
        result = new PorterStemFilter(result);
        result = new StopFilter(result, SmartChineseAnalyzer.getDefaultStopSet());
        return new TokenStreamComponents(tokenizer, result);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
    }

    @Override
    public int getPositionIncrementGap(String fieldName) {
        return SEGMENT_GAP;
    }
}
