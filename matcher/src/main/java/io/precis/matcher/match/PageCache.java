package io.precis.matcher.match;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.precis.matcher.text.TextAnalysis;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Analysed pages, reused by URL for a short time, as contextual engines do: a news page is
 * asked for by every visitor and slot while it is popular, and its analysis (SmartChinese
 * segmentation) is the costliest step of a match. An entry is the page's URL, everything else
 * the analysis reads (title, text, keywords, categories) and the analysis: a request is given
 * the cached analysis only if those fields equal the cached ones, so a changed page is analysed
 * again (and replaces the entry) and a request cannot plant its text under another page's
 * analysis. Only the page is in the entry, never anything of the user. Bounded by the
 * characters of the pages kept, not their number, since anyone may send long pages under new
 * URLs (least recently and frequently used pages go first), and each entry expires {@code ttl}
 * after it was made. Pages without a URL are analysed every time. Thread-safe.
 *
 * <p>The fields are compared, not hashed: a SHA-256 of the page (the key until 2026-12-01) was
 * 5% of the gateway's CPU under load, computed on every request; comparing equal strings is a
 * few memory compares, and only the URL is hashed.
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

    private final Cache<String, Analysed> cache;

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
                .weigher((String url, Analysed a) -> a.chars()).expireAfterWrite(ttl).ticker(ticker)
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
        Analysed hit = cache.getIfPresent(page.url());
        if (hit != null && sameContent(hit.page(), page)) {
            return hit.text();
        }
        // Analysed outside the cache's lock: two requests of a new page may both analyse it,
        // but no request waits behind another page's analysis.
        PageText text = PageText.of(page, analysis);
        long chars = page.url().length() + length(page.title()) + length(page.text()) + length(page.keywords())
                + length(page.categories());
        cache.put(page.url(), new Analysed(page, text, (int) Math.min(Integer.MAX_VALUE, chars)));
        return text;
    }

    /** Whether the analysis of {@code cached} is that of {@code page}: every field it reads is equal. */
    private static boolean sameContent(PageContext cached, PageContext page) {
        return Objects.equals(cached.text(), page.text()) && Objects.equals(cached.title(), page.title())
                && cached.keywords().equals(page.keywords()) && cached.categories().equals(page.categories());
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    private static long length(List<String> items) {
        long n = 0;
        for (int i = 0, size = items.size(); i < size; i++) {
            n += items.get(i).length();
        }
        return n;
    }

    /** An analysed page, the page it was made from, and its size in characters (its weight in the cache). */
    private record Analysed(PageContext page, PageText text, int chars) {
    }
}
