package io.precis.matcher.match;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.precis.consent.crypto.Digests;
import io.precis.matcher.text.TextAnalysis;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Analysed pages, reused by URL for a short time, as contextual engines do: a news page is
 * asked for by every visitor and slot while it is popular, and its analysis (SmartChinese
 * segmentation) is the costliest step of a match. The key is the page's URL and a SHA-256 of
 * everything else the analysis reads (title, text, keywords, categories), so a changed page is
 * analysed again and a request cannot plant its text under another page's analysis. Only the
 * page is in the key, never anything of the user. Bounded by the characters of the pages
 * kept, not their number, since anyone may send long pages under new URLs (least recently and
 * frequently used pages go first), and each entry expires {@code ttl} after it was made. Pages
 * without a URL are analysed every time. Thread-safe.
 */
public final class PageCache {
    /**
     * Characters of page (URL, title, text, keywords, categories) kept by default: about 1,000
     * article pages of 2,000 characters; an analysed page takes some tens of bytes per
     * character, so tens of megabytes.
     */
    public static final long DEFAULT_CHARS = 2_000_000;
    /** How long an analysis is reused by default: a page's popularity lasts minutes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(1);

    private final Cache<Key, Analysed> cache;

    /** Pages of at most {@code maxChars} characters in all (0: no caching), each for {@code ttl}. */
    public PageCache(long maxChars, Duration ttl) {
        this(maxChars, ttl, Ticker.systemTicker());
    }

    /** As above, reading the time from {@code ticker} (for tests). */
    PageCache(long maxChars, Duration ttl, Ticker ticker) {
        if (maxChars < 0 || ttl.isNegative()) {
            throw new IllegalArgumentException("maxChars and ttl must not be negative");
        }
        cache = maxChars == 0 ? null : Caffeine.newBuilder().maximumWeight(maxChars)
                .weigher((Key k, Analysed a) -> a.chars()).expireAfterWrite(ttl).ticker(ticker)
                .executor(Runnable::run).build();
    }

    /** {@link #DEFAULT_CHARS} for {@link #DEFAULT_TTL}. */
    public static PageCache defaults() {
        return new PageCache(DEFAULT_CHARS, DEFAULT_TTL);
    }

    /** Pages cached now (approximate), for tests and diagnostics. */
    public long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }

    /** {@code page} analysed with {@code analysis}, or its analysis from a recent request. */
    PageText of(PageContext page, TextAnalysis analysis) {
        if (cache == null || page.url() == null) {
            return PageText.of(page, analysis);
        }
        StringBuilder content = content(page);
        Key key = new Key(page.url(), hash(content));
        Analysed hit = cache.getIfPresent(key);
        if (hit != null) {
            return hit.text();
        }
        // Analysed outside the cache's lock: two requests of a new page may both analyse it,
        // but no request waits behind another page's analysis.
        PageText text = PageText.of(page, analysis);
        cache.put(key, new Analysed(text, (int) Math.min(Integer.MAX_VALUE,
                (long) page.url().length() + content.length())));
        return text;
    }

    /** The page's fields but the URL, each length-prefixed so none can run into the next. */
    private static StringBuilder content(PageContext page) {
        StringBuilder b = new StringBuilder();
        field(b, page.title());
        field(b, page.text());
        list(b, page.keywords());
        list(b, page.categories());
        return b;
    }

    /** 128 bits of SHA-256 of {@code content}. */
    private static Content hash(StringBuilder content) {
        ByteBuffer d = ByteBuffer.wrap(Digests.sha256(content.toString().getBytes(StandardCharsets.UTF_8)));
        return new Content(d.getLong(), d.getLong());
    }

    private static void list(StringBuilder b, List<String> items) {
        b.append(items.size()).append(':');
        items.forEach(s -> field(b, s));
    }

    private static void field(StringBuilder b, String s) {
        if (s == null) {
            b.append("-;");
        } else {
            b.append(s.length()).append(':').append(s);
        }
    }

    private record Content(long high, long low) {
    }

    private record Key(String url, Content content) {
    }

    /** An analysed page and its size in characters (its weight in the cache). */
    private record Analysed(PageText text, int chars) {
    }
}
