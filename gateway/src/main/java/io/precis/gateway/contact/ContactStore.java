package io.precis.gateway.contact;

import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The contact policy's tables on disk (V9): contacts of the last two days, conversion links,
 * suppressions, advertisers' policies and what the rules held back. Contacts are written by a
 * writer thread of their own (they are counted on the matching path, which must not wait for a
 * disk); the rest are written by the caller, on a storage worker. Blocking; never on an event loop.
 */
public final class ContactStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ContactStore.class.getName());
    /** Contacts queued at most; past it they are dropped (and counted), never blocking a match. */
    private static final int QUEUE = 65_536;

    private final Database db;
    private final DataSource ds;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "precis-contact-writer");
                t.setDaemon(true);
                return t;
            }, (r, e) -> dropped.incrementAndGet());

    public ContactStore(Database db) {
        this.db = db;
        this.ds = db.dataSource();
    }

    /** One contact on disk. */
    public record Contact(Pseudonym user, String advertiserId, Instant at) {
    }

    /** One suppression on disk. */
    public record Suppression(Pseudonym user, String advertiserId, String group, Instant until) {
    }

    /** A click's link to the person who clicked. */
    public record Link(Pseudonym user, String campaignId) {
    }

    /** Queues contact {@code id}; never blocks. */
    public void appendContact(String id, Pseudonym p, String advertiserId, Instant at) {
        queue(() -> update("INSERT INTO contact_history (id, pseudonym, advertiser_id, at_ms) VALUES (?, ?, ?, ?)",
                id, p.value(), advertiserId, at.toEpochMilli()));
    }

    /** Queues the removal of contact {@code id} (its ad was not served after all); never blocks. */
    public void removeContact(String id) {
        queue(() -> update("DELETE FROM contact_history WHERE id = ?", id));
    }

    /** Runs {@code write} on the writer; nobody waits for it, so a failure is counted and logged, never thrown. */
    private void queue(Runnable write) {
        writer.execute(() -> {
            try {
                write.run();
            } catch (StorageException e) {
                failed.incrementAndGet();
                LOG.warning("contact history write failed: " + e.getCause().getClass().getSimpleName());
            }
        });
    }

    /** Queued contact writes that failed (a restart would not count them). */
    public long failed() {
        return failed.get();
    }

    /** Contacts not queued because the writer fell behind (a restart would not count them). */
    public long dropped() {
        return dropped.get();
    }

    public List<Contact> contactsSince(Instant since) {
        List<Contact> out = new ArrayList<>();
        query("SELECT pseudonym, advertiser_id, at_ms FROM contact_history WHERE at_ms >= ?", rs -> out.add(
                new Contact(new Pseudonym(rs.getString(1)), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)))),
                since.toEpochMilli());
        return out;
    }

    public void saveLink(String clickId, Pseudonym p, String campaignId, Instant expires) {
        update(db.upsert("conversion_links", List.of("click_id"), List.of("click_id", "pseudonym", "campaign_id",
                "expires_ms")), clickId, p.value(), campaignId, expires.toEpochMilli());
    }

    /** The link of click {@code clickId} unless it expired by {@code now}; null for none. */
    public Link link(String clickId, Instant now) {
        List<Link> out = new ArrayList<>(1);
        query("SELECT pseudonym, campaign_id FROM conversion_links WHERE click_id = ? AND expires_ms > ?",
                rs -> out.add(new Link(new Pseudonym(rs.getString(1)), rs.getString(2))), clickId, now.toEpochMilli());
        return out.isEmpty() ? null : out.get(0);
    }

    public void saveSuppression(Suppression s) {
        update(db.upsert("conversion_suppressions", List.of("pseudonym", "advertiser_id", "grp"),
                        List.of("pseudonym", "advertiser_id", "grp", "until_ms")),
                s.user().value(), s.advertiserId(), s.group(), s.until().toEpochMilli());
    }

    public List<Suppression> suppressionsAfter(Instant now) {
        List<Suppression> out = new ArrayList<>();
        query("SELECT pseudonym, advertiser_id, grp, until_ms FROM conversion_suppressions WHERE until_ms > ?",
                rs -> out.add(new Suppression(new Pseudonym(rs.getString(1)), rs.getString(2), rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)))), now.toEpochMilli());
        return out;
    }

    /** Every advertiser's own policy: ads a day per person, by advertiser id. */
    public Map<String, Integer> policies() {
        Map<String, Integer> out = new HashMap<>();
        query("SELECT advertiser_id, per_day FROM advertiser_contact_policies", rs -> out.put(rs.getString(1), rs.getInt(2)));
        return out;
    }

    /** The advertiser's policy, or null for none. */
    public Integer policy(String advertiserId) {
        List<Integer> out = new ArrayList<>(1);
        query("SELECT per_day FROM advertiser_contact_policies WHERE advertiser_id = ?", rs -> out.add(rs.getInt(1)),
                advertiserId);
        return out.isEmpty() ? null : out.get(0);
    }

    /** Sets the advertiser's policy; null removes it. */
    public void savePolicy(String advertiserId, Integer perDay) {
        if (perDay == null) {
            update("DELETE FROM advertiser_contact_policies WHERE advertiser_id = ?", advertiserId);
        } else {
            update(db.upsert("advertiser_contact_policies", List.of("advertiser_id"), List.of("advertiser_id", "per_day")),
                    advertiserId, perDay);
        }
    }

    /** Per campaign and day, what the rules held back since the last call: [not shown, suppressed]. */
    public void appendEffects(Map<String, Map<LocalDate, long[]>> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO contact_effects (campaign_id, effect_day, not_shown, suppressed) VALUES (?, ?, ?, ?)")) {
            for (var campaign : deltas.entrySet()) {
                for (var day : campaign.getValue().entrySet()) {
                    ps.setString(1, campaign.getKey());
                    ps.setObject(2, day.getKey());
                    ps.setLong(3, day.getValue()[0]);
                    ps.setLong(4, day.getValue()[1]);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new StorageException("cannot write the contact policy's effects", e);
        }
    }

    /** Per campaign of {@code campaignIds}, from {@code from} to {@code to} inclusive: [not shown, suppressed]. */
    public Map<String, long[]> effects(Collection<String> campaignIds, LocalDate from, LocalDate to) {
        Map<String, long[]> out = new HashMap<>();
        for (String id : campaignIds) {
            query("SELECT COALESCE(SUM(not_shown), 0), COALESCE(SUM(suppressed), 0) FROM contact_effects"
                    + " WHERE campaign_id = ? AND effect_day >= ? AND effect_day <= ?",
                    rs -> out.put(id, new long[] {rs.getLong(1), rs.getLong(2)}), id, from, to);
        }
        return out;
    }

    /** Deletes everything of {@code users}, after every contact queued before. */
    public void erase(Collection<Pseudonym> users) {
        try {
            writer.submit(() -> {
                for (Pseudonym p : users) {
                    for (String table : List.of("contact_history", "conversion_links", "conversion_suppressions")) {
                        update("DELETE FROM " + table + " WHERE pseudonym = ?", p.value());
                    }
                }
            }).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while erasing contact data", e);
        } catch (Exception e) {
            throw new StorageException("cannot erase contact data", e);
        }
    }

    /** Deletes contacts before {@code contactsBefore}, and links and suppressions ended by {@code now}. */
    public void prune(Instant contactsBefore, Instant now) {
        update("DELETE FROM contact_history WHERE at_ms < ?", contactsBefore.toEpochMilli());
        update("DELETE FROM conversion_links WHERE expires_ms <= ?", now.toEpochMilli());
        update("DELETE FROM conversion_suppressions WHERE until_ms <= ?", now.toEpochMilli());
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowReader reader, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read the contact policy's tables", e);
        }
    }

    private void update(String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot write the contact policy's tables", e);
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
