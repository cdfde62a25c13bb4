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
 * page is in the key, never anything of the user. Bounded (least recently and frequently used
 * pages go first) and each entry expires {@code ttl} after it was made. Pages without a URL
 * are analysed every time. Thread-safe.
 */
public final class PageCache {
    /** Pages kept by default: a large site's popular pages; each entry is one page's terms. */
    public static final int DEFAULT_PAGES = 10_000;
    /** How long an analysis is reused by default: a page's popularity lasts minutes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(1);

    private final Cache<Key, PageText> cache;

    /** At most {@code maxPages} pages (0: no caching), each for {@code ttl}. */
    public PageCache(long maxPages, Duration ttl) {
        this(maxPages, ttl, Ticker.systemTicker());
    }

    /** As above, reading the time from {@code ticker} (for tests). */
    PageCache(long maxPages, Duration ttl, Ticker ticker) {
        if (maxPages < 0 || ttl.isNegative()) {
            throw new IllegalArgumentException("maxPages and ttl must not be negative");
        }
        cache = maxPages == 0 ? null : Caffeine.newBuilder().maximumSize(maxPages)
                .expireAfterWrite(ttl).ticker(ticker).executor(Runnable::run).build();
    }

    /** {@link #DEFAULT_PAGES} for {@link #DEFAULT_TTL}. */
    public static PageCache defaults() {
        return new PageCache(DEFAULT_PAGES, DEFAULT_TTL);
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
        return cache.get(new Key(page.url(), contentHash(page)), k -> PageText.of(page, analysis));
    }

    /** 128 bits of SHA-256 over the page's fields, each length-prefixed so none can run into the next. */
    private static Content contentHash(PageContext page) {
        StringBuilder b = new StringBuilder();
        field(b, page.title());
        field(b, page.text());
        list(b, page.keywords());
        list(b, page.categories());
        ByteBuffer d = ByteBuffer.wrap(Digests.sha256(b.toString().getBytes(StandardCharsets.UTF_8)));
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
}
