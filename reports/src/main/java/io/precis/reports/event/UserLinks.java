package io.precis.reports.event;

import io.precis.consent.identity.Pseudonym;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * The link between measurement events and a person's measurement pseudonym: read for the
 * person's export, removed on erasure. Removing it keeps every count, spend and roll-up, so
 * reports still add up; only the answer to "whose event was this" is gone. The same holds for
 * the people of lift tests ({@link LiftPeople}).
 */
final class UserLinks {
    /** An export lists at most this many events; a person with more gets the newest. */
    static final int MAX_EXPORT = 10_000;

    private UserLinks() {}

    static List<LinkedEvent> linkedTo(DataSource ds, Collection<Pseudonym> pseudonyms) {
        List<LinkedEvent> out = new ArrayList<>();
        String sql = "SELECT kind, at_ms, campaign_id, creative_id, site, is_valid, value_micros FROM precis_events "
                + "WHERE pseudonym = ? ORDER BY at_ms DESC LIMIT " + MAX_EXPORT;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (Pseudonym p : pseudonyms) {
                ps.setString(1, p.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new LinkedEvent(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getBoolean(6), rs.getLong(7)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read linked events", e);
        }
        out.sort((a, b) -> a.at().compareTo(b.at()));
        return out;
    }

    /** The pseudonyms linked to conversions credited to {@code campaignId}. */
    static java.util.Set<Pseudonym> converters(DataSource ds, String campaignId) {
        java.util.Set<Pseudonym> out = new java.util.HashSet<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT pseudonym FROM precis_events WHERE kind = '" + StoredEvent.CONVERSION
                        + "' AND campaign_id = ? AND is_valid = TRUE AND pseudonym IS NOT NULL")) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pseudonym(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read converters", e);
        }
        return out;
    }

    static int unlink(DataSource ds, Collection<Pseudonym> pseudonyms) {
        int changed = 0;
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE precis_events SET pseudonym = NULL WHERE pseudonym = ?")) {
            for (Pseudonym p : pseudonyms) {
                ps.setString(1, p.value());
                changed += ps.executeUpdate();
            }
            LiftPeople.unlink(c, pseudonyms); // the lift tests' counts stay, their link goes
        } catch (SQLException e) {
            throw new IllegalStateException("cannot unlink events", e);
        }
        return changed;
    }
}
