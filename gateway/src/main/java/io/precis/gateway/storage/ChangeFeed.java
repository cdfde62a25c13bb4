package io.precis.gateway.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Changes made by one gateway reach the others on the same PostgreSQL database: a change is a
 * row of {@code precis_changes} (kind, item id, a sequence number) and a {@code NOTIFY}; every
 * gateway {@code LISTEN}s on a connection of its own and, on each notification and at least
 * every {@link #CATCH_UP_MS}, reads the rows it has not applied yet and hands each item id to
 * the handler of its kind, which reloads the item from the store. The table, not the
 * notification, is the truth: a notification lost with a broken connection is made up by the
 * next catch-up, so a missed change heals within a second.
 *
 * <p>Sequence numbers are given at insert but rows become visible at commit, so a row may appear
 * after one with a higher number. Each catch-up therefore reads again the last
 * {@link #LOOK_BACK} numbers before the highest applied, and skips those it applied already.
 * Handlers reload, so applying a change twice is harmless.
 *
 * <p>On the embedded store there is one gateway: {@link #publish} does nothing and nothing listens.
 */
public final class ChangeFeed implements AutoCloseable {
    /** The longest a change waits for another gateway when its notification is lost. */
    static final long CATCH_UP_MS = 500;
    static final int LOOK_BACK = 64;
    private static final long KEEP_MS = 24 * 3600_000L;
    private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());
    public static final String CAMPAIGN = "campaign";
    public static final String ACCOUNT = "account";
    public static final String SEGMENT_RULE = "segment_rule";
    public static final String ERASURE = "erasure";
    public static final String PLACE = "place";

    private final DataSource ds;
    private final boolean shared;
    private final Clock clock;
    private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
    private final Set<Long> applied = new HashSet<>();
    private final ArrayDeque<Long> appliedOrder = new ArrayDeque<>();
    private long highest;
    private volatile boolean closed;
    private Thread listener;
    private long lastPrune;

    /**
     * A feed on {@code db} that starts after the changes made so far: create it before loading
     * what its handlers reload, so that a change made during the load is applied again.
     */
    public ChangeFeed(Database db, Clock clock) {
        this.ds = db.dataSource();
        this.shared = db.postgres();
        this.clock = clock;
        if (shared) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM precis_changes")) {
                    rs.next();
                    highest = rs.getLong(1);
                }
                // What is loaded now includes these: the look-back must not apply them again.
                try (ResultSet rs = s.executeQuery("SELECT seq FROM precis_changes WHERE seq > "
                        + (highest - LOOK_BACK) + " ORDER BY seq")) {
                    while (rs.next()) {
                        remember(rs.getLong(1));
                    }
                }
            } catch (SQLException e) {
                throw new StorageException("cannot read the change feed", e);
            }
        }
    }

    /** Hands the ids of changed items of {@code kind} to {@code reload} (on the feed's thread). */
    public ChangeFeed on(String kind, Consumer<String> reload) {
        handlers.put(kind, reload);
        return this;
    }

    /** Starts listening (PostgreSQL only). */
    public synchronized void start() {
        if (!shared || listener != null) {
            return;
        }
        listener = new Thread(this::listen, "precis-change-feed");
        listener.setDaemon(true);
        listener.start();
    }

    /** Tells the other gateways that item {@code id} of {@code kind} changed (after it is stored). */
    public void publish(String kind, String id) {
        if (!shared) {
            return;
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                         "INSERT INTO precis_changes (kind, item_id, at_ms) VALUES (?, ?, ?)");
                 Statement notify = c.createStatement()) {
                ps.setString(1, kind);
                ps.setString(2, id);
                ps.setLong(3, clock.millis());
                ps.executeUpdate();
                notify.execute("NOTIFY precis_changes");
                c.commit();
            } catch (SQLException e) {
                io.precis.reports.sql.Transactions.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            // The change itself is stored (a database that is away failed its save first); only
            // the other gateways miss it, until their next start. Ids here are campaigns' and
            // accounts', never a person's.
            LOG.log(System.Logger.Level.ERROR, "cannot tell the other gateways that " + kind + " " + id + " changed", e);
        }
    }

    /** {@code store}, telling the other gateways of every campaign saved. */
    public CampaignStore publishing(CampaignStore store) {
        return new CampaignStore() {
            @Override
            public void save(io.precis.matcher.campaign.Campaign campaign) {
                store.save(campaign);
                publish(CAMPAIGN, campaign.id());
            }

            @Override
            public java.util.List<io.precis.matcher.campaign.Campaign> all() {
                return store.all();
            }

            @Override
            public java.util.Optional<io.precis.matcher.campaign.Campaign> find(String id) {
                return store.find(id);
            }
        };
    }

    /** {@code store}, telling the other gateways of every account created and key changed. */
    public AccountStore publishing(AccountStore store) {
        return new AccountStore() {
            @Override
            public void insert(io.precis.gateway.auth.Account account) {
                store.insert(account);
                publish(ACCOUNT, account.id());
            }

            @Override
            public java.util.List<io.precis.gateway.auth.Account> all() {
                return store.all();
            }

            @Override
            public boolean updateKey(io.precis.gateway.auth.Account account) {
                boolean found = store.updateKey(account);
                if (found) {
                    publish(ACCOUNT, account.id());
                }
                return found;
            }
        };
    }

    private void listen() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN precis_changes");
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                backoff = 100;
                while (!closed) {
                    catchUp(c);
                    pg.getNotifications((int) CATCH_UP_MS); // returns early when notified
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                // The database is away: catch up from the table once it is back.
                LOG.log(System.Logger.Level.WARNING, "change feed interrupted (" + e.getClass().getSimpleName()
                        + "); retrying in " + backoff + " ms");
                sleep(backoff);
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    /** Applies the rows not applied yet; only the feed's own thread calls it (no lock around the query). */
    private int catchUp(Connection c) throws SQLException {
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, kind, item_id FROM precis_changes WHERE seq > ? ORDER BY seq")) {
            ps.setLong(1, Math.max(0, highest - LOOK_BACK));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    if (applied.contains(seq) || seq <= highest - LOOK_BACK) {
                        continue;
                    }
                    apply(rs.getString(2), rs.getString(3));
                    remember(seq);
                    n++;
                }
            }
        }
        prune(c);
        return n;
    }

    private void apply(String kind, String id) {
        Consumer<String> h = handlers.get(kind);
        if (h == null) {
            return;
        }
        try {
            h.accept(id);
        } catch (RuntimeException e) {
            // Item ids are campaign and account ids, never a person's: safe to name the kind.
            LOG.log(System.Logger.Level.WARNING, "reloading a changed " + kind + " failed", e);
        }
    }

    private void remember(long seq) {
        highest = Math.max(highest, seq);
        applied.add(seq);
        appliedOrder.addLast(seq);
        while (!appliedOrder.isEmpty() && appliedOrder.peekFirst() <= highest - LOOK_BACK) {
            applied.remove(appliedOrder.removeFirst());
        }
    }

    private void prune(Connection c) throws SQLException {
        long now = clock.millis();
        if (now - lastPrune < 3600_000L) {
            return;
        }
        lastPrune = now;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM precis_changes WHERE at_ms < ?")) {
            ps.setLong(1, now - KEEP_MS);
            ps.executeUpdate();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = listener;
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
