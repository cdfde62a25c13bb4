package io.precis.consent.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Where each pseudonym's lines are in the consent log: {@code <dataDir>/consent/consent.index},
 * an H2 MVStore map from pseudonym to the byte offsets of its lines, oldest first. It lets the
 * service find a person's current consent and history on disk without holding every person in
 * memory (MVStore keeps only a bounded page cache, {@link #CACHE_MB}).
 *
 * <p>The index is derived from the log and never trusted over it: it records how far it covers
 * (the offset and hash of the last line it holds), {@link ConsentLog#open} re-adds any line
 * past that, and an index that does not match the log (lost, damaged, or from another log) is
 * dropped and rebuilt. Adding a line is idempotent, so a line indexed twice after a crash is
 * held once. MVStore commits in the background; each commit is a consistent snapshot of the
 * one map, in which the coverage mark (written after the lines it covers) never runs ahead of
 * the lines.
 *
 * <p>Thread-safe: one writer ({@link LogWriter}) and any number of readers.
 */
public final class LogIndex implements AutoCloseable {
    public static final String RELATIVE_PATH = "consent/consent.index";
    /** MVStore's page cache; enough for the index's upper levels, bounded whatever the log's size. */
    static final int CACHE_MB = 8;
    /** The coverage mark's key: a pseudonym is never empty. */
    private static final String COVERED = "";

    private final MVStore store;
    private final MVMap<String, Object> map;

    private LogIndex(MVStore store) {
        this.store = store;
        this.map = store.openMap("lines");
    }

    /** Opens (or creates) the index of {@code dataDir}; one that cannot be opened is deleted and starts empty. */
    public static LogIndex open(Path dataDir) {
        Path f = dataDir.resolve(RELATIVE_PATH);
        try {
            Files.createDirectories(f.getParent());
            try {
                return new LogIndex(build(f));
            } catch (MVStoreException e) {
                if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                    throw new IllegalStateException("consent log index " + f + " is in use by another process", e);
                }
                // Derived data: a damaged index is rebuilt from the log, never repaired.
                Files.deleteIfExists(f);
                return new LogIndex(build(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open consent log index " + f, e);
        }
    }

    private static MVStore build(Path f) {
        return new MVStore.Builder().fileName(f.toString()).cacheSize(CACHE_MB).open();
    }

    /** The offsets of {@code pseudonym}'s lines, oldest first; empty when it has none. */
    public long[] offsets(String pseudonym) {
        Object v = map.get(pseudonym);
        return v instanceof long[] a ? a : new long[0];
    }

    /** Records that the line at {@code offset} is {@code pseudonym}'s; a no-op when it is already held. */
    public void add(String pseudonym, long offset) {
        long[] old = offsets(pseudonym);
        if (old.length > 0 && old[old.length - 1] >= offset) {
            return;
        }
        long[] next = Arrays.copyOf(old, old.length + 1);
        next[old.length] = offset;
        map.put(pseudonym, next);
    }

    /** Marks every line up to the one at {@code offset} (whose hash is {@code hash}) as indexed. */
    public void covered(long offset, String hash) {
        map.put(COVERED, new Object[] {offset, hash});
    }

    /** The offset of the last line indexed, -1 when none. */
    public long coveredOffset() {
        return map.get(COVERED) instanceof Object[] c ? (Long) c[0] : -1;
    }

    /** The hash of the last line indexed, null when none. */
    public String coveredHash() {
        return map.get(COVERED) instanceof Object[] c ? (String) c[1] : null;
    }

    /** Forgets everything, for a rebuild. */
    public void clear() {
        map.clear();
    }

    /** Pseudonyms held. */
    public long pseudonyms() {
        return map.containsKey(COVERED) ? map.sizeAsLong() - 1 : map.sizeAsLong();
    }

    @Override
    public void close() {
        store.close();
    }
}
