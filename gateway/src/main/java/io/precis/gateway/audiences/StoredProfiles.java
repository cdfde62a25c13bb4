package io.precis.gateway.audiences;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.lookalike.ProfileIndex;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lookalikes' profile index kept from the {@link ProfileStore}: every change of a profile is
 * stored (sealed) and then made in the in-memory {@link ProfileIndex}; at start the index is
 * loaded from the store on a thread of its own ({@link #loadInBackground}), and before each
 * build it takes in what other gateways on the same database stored meanwhile
 * ({@link #catchUp}). So a gateway that restarted, or that never saw a person's behaviour,
 * builds from every stored profile.
 *
 * <p>Order, with no lock held across the database: every write (save or deletion) has a number
 * from the profile sequence ({@link ProfileStore#save}), and the index takes a person's profile
 * only from a write numbered above the last it took for any of their aliases. A change stores
 * first, then indexes; a page of a load or catch-up is read, then indexed. So a page read before
 * a change or a removal (erasure, withdrawal) and indexed after it never puts back the older
 * profile, nor the removed one: its rows carry lower numbers. Two changes of one person on two
 * threads may reach the index in the other order than they were numbered: the later-numbered
 * one stays. The last numbers are kept only while a page or a change that started before them
 * is under way ({@link Versions}); one that starts later reads, or is numbered, after them.
 *
 * <p>Thread-safe. Blocking: call from workers.
 */
public final class StoredProfiles implements AutoCloseable {
    /** Rows read and indexed at once while loading. */
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
    private final Versions versions = new Versions();
    /** The highest sequence number a page has read. */
    private final AtomicLong highest = new AtomicLong();
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
        long ticket = versions.starts();
        try {
            long seq = store.save(p);
            versions.apply(p.aliases(), seq, () -> index.put(p.aliases(), p.measurement(), p.vector(), p.segments()));
        } finally {
            versions.ends(ticket);
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
        long ticket = versions.starts();
        try {
            long seq = store.delete(aliases);
            versions.apply(List.copyOf(aliases), seq, () -> index.remove(aliases));
        } finally {
            versions.ends(ticket);
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
        long cursor = Math.max(0, highest.get() - LOOK_BACK);
        ProfileStore.Page page;
        do {
            page = page(cursor);
            cursor = page.lastSeq();
        } while (page.rows() == PAGE);
    }

    /** Reads and indexes up to {@link #PAGE} rows after sequence number {@code after}. */
    private ProfileStore.Page page(long after) {
        long ticket = versions.starts();
        try {
            ProfileStore.Page page = store.after(after, PAGE);
            index(page);
            return page;
        } finally {
            versions.ends(ticket);
        }
    }

    /**
     * Indexes the rows of a page read earlier, each unless a later write of its person was
     * indexed meanwhile. Package-private for the test that puts a change and a removal between
     * a page's read and this.
     */
    void index(ProfileStore.Page page) {
        for (ProfileStore.Stored row : page.stored()) {
            ProfileStore.Profile p = row.profile();
            versions.apply(p.aliases(), row.seq(),
                    () -> index.put(p.aliases(), p.measurement(), p.vector(), p.segments()));
        }
        highest.accumulateAndGet(page.lastSeq(), Math::max);
    }

    /** A page under way, for the test that indexes a page read earlier ({@link #index}). */
    long pageStarts() {
        return versions.starts();
    }

    /** See {@link #pageStarts}. */
    void pageEnds(long ticket) {
        versions.ends(ticket);
    }

    /** Sequence numbers remembered now (for tests: none once no page or change is under way). */
    int versions() {
        return versions.size();
    }

    /**
     * The number of the last write indexed for each alias, kept while some page or change that
     * started before it is under way. Each holds a ticket from before it reads or writes the
     * store ({@link #starts}) until it has changed the index ({@link #ends}). Only such an
     * operation can bring an older profile of the person: a page that starts after a write was
     * indexed reads that write's row or a later one, and a change that starts after it is
     * numbered after it. So the map holds the writes of the time pages and commits take, never
     * one entry per person.
     *
     * <p>A person's aliases are locked together (stripes, taken in order) while their numbers
     * are compared and the in-memory index changed: no database work is done under them.
     */
    static final class Versions {
        private static final int STRIPES = 64;
        private record Version(long seq, long ticket) {
        }

        private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
        private final ConcurrentHashMap<String, Version> last = new ConcurrentHashMap<>();
        private final ConcurrentSkipListSet<Long> underWay = new ConcurrentSkipListSet<>();
        private final AtomicLong tickets = new AtomicLong();

        Versions() {
            for (int i = 0; i < STRIPES; i++) {
                stripes[i] = new ReentrantLock();
            }
        }

        /** A page or a change starts: it is given a ticket, which it gives back to {@link #ends}. */
        synchronized long starts() {
            long ticket = tickets.incrementAndGet();
            underWay.add(ticket);
            return ticket;
        }

        /**
         * The operation of {@code ticket} is done: when it was the oldest under way, the numbers
         * no operation under way can need are dropped.
         */
        void ends(long ticket) {
            long oldest;
            synchronized (this) { // as starts(): no ticket is given out meanwhile
                boolean wasOldest = underWay.first() == ticket;
                underWay.remove(ticket);
                if (!wasOldest) {
                    return; // an older one may still bring an older profile: nothing to drop yet
                }
                // With nothing under way, the next ticket: an entry made after this has a ticket
                // at least that (its operation started after this), and is kept.
                oldest = underWay.isEmpty() ? tickets.get() + 1 : underWay.first();
            }
            // Recorded before the oldest operation under way started: its write was stored before
            // that one read or was numbered, so that one (and every later one) is after it.
            last.values().removeIf(v -> v.ticket() < oldest);
        }

        /** Entries kept now (for tests: none once nothing is under way). */
        int size() {
            return last.size();
        }

        /**
         * Runs {@code change} (of the index, for the person behind {@code aliases}) if no write
         * numbered {@code seq} or above was indexed for any of the aliases, and remembers
         * {@code seq} for them. The caller holds a ticket ({@link #starts}) taken before
         * {@code seq} was read or given.
         */
        void apply(List<Pseudonym> aliases, long seq, Runnable change) {
            int[] held = aliases.stream().mapToInt(a -> Math.floorMod(a.value().hashCode(), STRIPES))
                    .distinct().sorted().toArray();
            for (int s : held) {
                stripes[s].lock();
            }
            try {
                for (Pseudonym a : aliases) {
                    Version v = last.get(a.value());
                    if (v != null && v.seq() >= seq) {
                        return; // a later write is in the index already
                    }
                }
                change.run();
                Version now = new Version(seq, tickets.get());
                for (Pseudonym a : aliases) {
                    last.put(a.value(), now);
                }
            } finally {
                for (int i = held.length - 1; i >= 0; i--) {
                    stripes[held[i]].unlock();
                }
            }
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
