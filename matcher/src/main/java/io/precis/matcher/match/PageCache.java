package io.precis.matcher.match;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.precis.matcher.text.TextAnalysis;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.crypto.digests.SHA256Digest;

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
        ContentDigest digest = DIGESTS.get();
        Key key = new Key(page.url(), digest.of(page));
        long chars = digest.chars;
        Analysed hit = cache.getIfPresent(key);
        if (hit != null) {
            return hit.text();
        }
        // Analysed outside the cache's lock: two requests of a new page may both analyse it,
        // but no request waits behind another page's analysis.
        PageText text = PageText.of(page, analysis);
        cache.put(key, new Analysed(text, (int) Math.min(Integer.MAX_VALUE, page.url().length() + chars)));
        return text;
    }

    /** Each thread's digest of page content (SHA-256 keeps no state between pages once finished). */
    private static final ThreadLocal<ContentDigest> DIGESTS = ThreadLocal.withInitial(ContentDigest::new);

    /**
     * 128 bits of SHA-256 (Bouncy Castle) of a page's fields but the URL, each length-prefixed
     * so none can run into the next, the text as its UTF-16 code units. Fed a chunk at a time
     * through buffers the thread keeps: building the content as one string and encoding it
     * (as before) copied a page three times per request, half of what a match allocated.
     */
    private static final class ContentDigest {
        private static final int CHUNK = 1024;
        private final SHA256Digest sha = new SHA256Digest();
        private final char[] chars16 = new char[CHUNK];
        private final byte[] bytes = new byte[CHUNK * 2];
        private final byte[] out = new byte[32];
        /** Characters of the fields digested for the last page: its weight in the cache. */
        long chars;

        Content of(PageContext page) {
            chars = 0;
            field(page.title());
            field(page.text());
            list(page.keywords());
            list(page.categories());
            sha.doFinal(out, 0); // also resets it for the next page
            ByteBuffer d = ByteBuffer.wrap(out);
            return new Content(d.getLong(), d.getLong());
        }

        private void list(List<String> items) {
            number(items.size());
            for (int i = 0, n = items.size(); i < n; i++) {
                field(items.get(i));
            }
        }

        private void field(String s) {
            if (s == null) {
                number(-1);
                return;
            }
            number(s.length());
            chars += s.length();
            for (int from = 0, n = s.length(); from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                s.getChars(from, to, chars16, 0);
                for (int i = 0, len = to - from; i < len; i++) {
                    bytes[2 * i] = (byte) (chars16[i] >>> 8);
                    bytes[2 * i + 1] = (byte) chars16[i];
                }
                sha.update(bytes, 0, 2 * (to - from));
            }
        }

        private void number(int n) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                sha.update((byte) (n >>> shift));
            }
        }
    }

    private record Key(String url, Content content) {
    }

    private record Content(long high, long low) {
    }

    /** An analysed page and its size in characters (its weight in the cache). */
    private record Analysed(PageText text, int chars) {
    }
}
