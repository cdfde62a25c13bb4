package io.precis.gateway.audiences;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.lookalike.ProfileIndex;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The lookalikes' profile index kept from the {@link ProfileStore}: every change of a profile is
 * stored (sealed) and then made in the in-memory {@link ProfileIndex}; at start the index is
 * loaded from the store on a thread of its own ({@link #loadInBackground}), and before each
 * build it takes in what other gateways on the same database stored meanwhile
 * ({@link #catchUp}). So a gateway that restarted, or that never saw a person's behaviour,
 * builds from every stored profile.
 *
 * <p>Order: a change stores first, then indexes, under the read lock (changes run side by side);
 * a page of a load or catch-up is read and indexed under the write lock. A page therefore never
 * puts back a profile older than one a change indexed after reading it, nor one removed (erased,
 * withdrawn) after it was read: either the page came first and the change overwrites it, or the
 * change came first and the page reads what it stored.
 *
 * <p>Thread-safe. Blocking: call from workers.
 */
public final class StoredProfiles implements AutoCloseable {
    /** Rows read and indexed at once while loading: a few milliseconds of other writers' wait. */
    static final int PAGE = 1_000;
    /**
     * Sequence numbers are given at write and become visible at commit, so another gateway's row
     * may appear after one with a higher number (as in the change feed). A catch-up therefore
     * reads again this many numbers below the highest it has seen: far more than the rows
     * committed while one transaction of {@link ProfileStore#MAX_BATCH} is open. Indexing a row
     * twice is harmless: it holds the person's latest profile.
     */
    static final int LOOK_BACK = 4_096;
    /** A load that failed (the database away) is tried again after this. */
    static final Duration RETRY = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(StoredProfiles.class.getName());

    private final ProfileIndex index;
    private final ProfileStore store;
    /** Fair: a page's release lets the changes waiting for it in before the next page. */
    private final ReadWriteLock lock = new ReentrantReadWriteLock(true);
    /** The highest sequence number ever indexed (guarded by the write lock). */
    private long highest;
    private volatile boolean loaded;
    private volatile boolean closing;
    private volatile long loadMillis = -1;
    private final AtomicLong loadFailures = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private Thread loader;

    public StoredProfiles(ProfileIndex index, ProfileStore store) {
        this.index = index;
        this.store = store;
    }

    /** The index, for searches; change it only through this class. */
    public ProfileIndex index() {
        return index;
    }

    /** Stores and indexes {@code p} (a null vector removes the person); durable on return. */
    public void put(ProfileStore.Profile p) {
        if (p.vector() == null) {
            remove(p.aliases());
            return;
        }
        lock.readLock().lock();
        try {
            store.save(p);
            index.put(p.aliases(), p.measurement(), p.vector(), p.segments());
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * {@link #put} for a profile remade from behaviour that is already stored: a failure to store
     * it (the database away) is counted and logged, not thrown. Thrown, it failed the behaviour's
     * request after its events were stored, and the client, sending them again, had them count
     * twice. The person's stored and indexed profile stay as they were (the index follows the
     * store) until their next behaviour makes it again. Returns whether it was stored.
     */
    public boolean update(ProfileStore.Profile p) {
        try {
            put(p);
            return true;
        } catch (RuntimeException e) {
            writeFailures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "an interest profile was not stored (kept as it was): "
                    + e.getClass().getSimpleName());
            return false;
        }
    }

    /** Profiles remade from behaviour that could not be stored ({@link #update}), since start. */
    public long writeFailures() {
        return writeFailures.get();
    }

    /** Deletes the profile of the person behind {@code aliases} from the store and the index (erasure, withdrawal). */
    public void remove(Collection<Pseudonym> aliases) {
        lock.readLock().lock();
        try {
            store.delete(aliases);
            index.remove(aliases);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Deletes, from the store and the index, the profiles not made again within the behaviour's
     * retention ({@code SegmentService.HISTORY_DAYS}: a profile outlives none of the behaviour
     * it is made of), as of {@code today} (UTC days since 1970). Blocking; the lookalike
     * schedule calls it.
     */
    public void expire(int today) {
        int cutoff = today - io.precis.matcher.segment.SegmentService.HISTORY_DAYS;
        ProfileStore.Expired page;
        long cursor = 0;
        do {
            page = store.madeBefore(cutoff, cursor, PAGE);
            cursor = page.lastSeq();
            for (Pseudonym p : page.owners()) {
                remove(List.of(p));
            }
        } while (page.rows() == PAGE);
        store.deleteBefore(cutoff); // and the rows that did not open
    }

    /** Whether every profile stored before the start is in the index. */
    public boolean loaded() {
        return loaded;
    }

    /** How long the start-up load took, in milliseconds; -1 until it is done. */
    public long loadMillis() {
        return loadMillis;
    }

    /** Stored rows that did not open (tampered with, or sealed under other keys), since start. */
    public long unreadable() {
        return store.unreadable();
    }

    /** Start-up loads that failed and were tried again. */
    public long loadFailures() {
        return loadFailures.get();
    }

    /**
     * Loads the stored profiles into the index on a thread of its own, page by page, while the
     * gateway serves; {@link #loaded} turns true at the end. A failure (the database away) is
     * logged and the load tried again from where it stopped.
     */
    public synchronized void loadInBackground() {
        if (loader != null) {
            return;
        }
        loader = new Thread(this::load, "precis-profile-load");
        loader.setDaemon(true);
        loader.start();
    }

    private void load() {
        long start = System.nanoTime();
        long cursor = 0;
        while (!closing) {
            try {
                ProfileStore.Page page = page(cursor);
                cursor = page.lastSeq();
                if (page.rows() < PAGE) {
                    loadMillis = (System.nanoTime() - start) / 1_000_000;
                    loaded = true;
                    LOG.log(System.Logger.Level.INFO, "interest profiles loaded: " + index.size() + " in "
                            + loadMillis + " ms");
                    return;
                }
            } catch (RuntimeException e) {
                loadFailures.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "loading the interest profiles failed; trying again in "
                        + RETRY.toSeconds() + " s", e);
                // Not interrupted at close (an interrupt can close the embedded database's file):
                // the wait looks at closing now and then.
                long until = System.nanoTime() + RETRY.toNanos();
                while (!closing && System.nanoTime() < until) {
                    LockSupport.parkNanos(50_000_000L);
                }
            }
        }
    }

    /**
     * Indexes what was stored since the last catch-up or the load, through this gateway or
     * another; call before a build. Does nothing until the load is done.
     */
    public void catchUp() {
        if (!loaded) {
            return;
        }
        long cursor;
        lock.writeLock().lock();
        try {
            cursor = Math.max(0, highest - LOOK_BACK);
        } finally {
            lock.writeLock().unlock();
        }
        // The write lock a page at a time, as the load takes it: held across every page, a
        // catch-up of many other gateways' rows (each opened with its person's key) held back
        // every profile change of this gateway's behaviour requests for as long. A page is
        // still read and indexed whole under it, which is what keeps the order above.
        ProfileStore.Page page;
        do {
            page = page(cursor);
            cursor = page.lastSeq();
        } while (page.rows() == PAGE);
    }

    /** Reads and indexes up to {@link #PAGE} rows after sequence number {@code after}. */
    private ProfileStore.Page page(long after) {
        lock.writeLock().lock();
        try {
            ProfileStore.Page page = store.after(after, PAGE);
            for (ProfileStore.Profile p : page.profiles()) {
                index.put(p.aliases(), p.measurement(), p.vector(), p.segments());
            }
            highest = Math.max(highest, page.lastSeq());
            return page;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Stops a load under way, writes what is queued, and frees the index. */
    @Override
    public void close() {
        closing = true;
        Thread t;
        synchronized (this) {
            t = loader;
        }
        if (t != null) {
            try {
                t.join(RETRY.toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
        index.close();
    }
}
