package io.precis.reports.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Deletes raw events older than the retention horizon; the roll-ups, which every
 * {@code /v1/reports} breakdown and the delivery totals read, are kept.
 *
 * <p>Events are deleted oldest first in insertion ({@code id}) order, in chunks of
 * {@value #CHUNK} rows each in its own short transaction, up to the first event not yet expired:
 * a walk of the primary key's start, with no index on time. An event stored out of time order
 * (a clock stepped back) holds the ones after it until it expires itself. Several gateways on one
 * PostgreSQL may purge at once: a row deleted twice is simply gone.
 */
final class EventRetention {
    /** API.md: raw events are kept 400 days (a year and a month of audits, exports and invalid-click reasons). */
    static final Duration DEFAULT = Duration.ofDays(400);
    /** The shortest horizon accepted: conversions credit clicks up to the click window back. */
    static final Duration MIN = Duration.ofDays(1);
    static final int CHUNK = 5_000;

    private EventRetention() {
    }

    /**
     * Deletes up to {@code maxChunks} chunks of events recorded before {@code cutoff}.
     *
     * @return events deleted; {@code >= maxChunks * CHUNK} means more may be left
     */
    static long purge(DataSource ds, Instant cutoff, int maxChunks) {
        long deleted = 0;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (int i = 0; i < maxChunks; i++) {
                    long last = lastExpired(c, cutoff.toEpochMilli());
                    if (last < 0) {
                        break;
                    }
                    int n;
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM " + EventSchema.TABLE + " WHERE id <= ? AND at_ms < ?")) {
                        ps.setLong(1, last);
                        ps.setLong(2, cutoff.toEpochMilli());
                        n = ps.executeUpdate();
                    }
                    c.commit();
                    deleted += n;
                    if (n < CHUNK) {
                        break;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                io.precis.reports.sql.Transactions.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete expired events", e);
        }
        return deleted;
    }

    /**
     * Unlinks up to {@code maxChunks} chunks of the people who entered a lift test before
     * {@code cutoff} (their pseudonym, kept beside the counts, expires with the raw events).
     *
     * @return whether more may be left
     */
    static boolean forgetLiftPeople(DataSource ds, Instant cutoff, int maxChunks) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (int i = 0; i < maxChunks; i++) {
                    int n = LiftPeople.forgetBefore(c, cutoff.toEpochMilli(), CHUNK);
                    c.commit();
                    if (n < CHUNK) {
                        return false;
                    }
                }
                return true;
            } catch (SQLException | RuntimeException e) {
                io.precis.reports.sql.Transactions.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot unlink expired lift test people", e);
        }
    }

    /** The id of the last of the oldest {@value #CHUNK} events that are all expired, or -1 if the first is not. */
    private static long lastExpired(Connection c, long cutoffMs) throws SQLException {
        long last = -1;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, at_ms FROM " + EventSchema.TABLE + " ORDER BY id LIMIT " + CHUNK)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && rs.getLong(2) < cutoffMs) {
                    last = rs.getLong(1);
                }
            }
        }
        return last;
    }
}
