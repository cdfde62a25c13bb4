package io.precis.reports.event;

import io.precis.consent.crypto.Randoms;
import io.precis.consent.identity.Pseudonym;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The people of each lift test ({@code precis_lift_people}, migration V7), kept by the event
 * writer in the batch's own transaction: a person enters a campaign's test when the auction
 * first serves them the campaign (exposed) or first would have but held them out (held out, a
 * ghost impression). Both groups are thus chosen at the same point, the auction, so nothing that
 * happens after it (an impression pixel that never fires, a robot) can make them differ. Every later
 * conversion they report with their measurement pseudonym adds to each test they are in (of the
 * conversion's advertiser, when it names one), credited or not: the held-out people are never
 * credited with anything, so counting only credited conversions would compare unlike things.
 * Only events carrying a measurement pseudonym count, so only people with measurement consent.
 */
final class LiftPeople {
    static final String TABLE = "precis_lift_people";
    /** Keeps an IN list well under every driver's parameter limit. */
    private static final int CHUNK = 500;

    private LiftPeople() {
    }

    /** A conversion reported with the person's measurement pseudonym. */
    record Conversion(String person, String advertiserId, long atMs, long valueMicros) {
    }

    /** A person entering a test (unless they are in it already). */
    record Entry(String campaignId, String person, String advertiserId, boolean heldOut, long firstMs) {
        /** The entry a served (exposed) or ghost (held-out) ad with a pseudonym makes. */
        static Entry of(io.precis.reports.token.AdServed ad, boolean heldOut, java.time.Instant at) {
            return new Entry(ad.campaignId(), ad.pseudonym(), ad.advertiserId(), heldOut, at.toEpochMilli());
        }
    }

    /**
     * Adds the people of {@code arrivals} (the batch's, in order) to their tests, then
     * {@code conversions} to the tests their people are in.
     */
    static void apply(Connection c, List<Entry> arrivals, List<Conversion> conversions) throws SQLException {
        Map<List<String>, Entry> entries = new LinkedHashMap<>();
        for (Entry e : arrivals) {
            entries.putIfAbsent(List.of(e.campaignId(), e.person()), e);
        }
        if (!entries.isEmpty()) {
            insert(c, entries.values());
        }
        if (!conversions.isEmpty()) {
            convert(c, conversions);
        }
    }

    /** Inserts the entries of people not yet in their test; a person keeps the group they entered first. */
    private static void insert(Connection c, Collection<Entry> entries) throws SQLException {
        boolean shared = SqlDialect.of(c) == SqlDialect.POSTGRES;
        Set<List<String>> known = shared ? Set.of() : existing(c, entries);
        String sql = "INSERT INTO " + TABLE + " (campaign_id, person, advertiser_id, held_out, first_ms, conversions, "
                + "value_micros) VALUES (?, ?, ?, ?, ?, 0, 0)"
                // Several gateways on one PostgreSQL: the first to count the person wins.
                + (shared ? " ON CONFLICT (campaign_id, person) DO NOTHING" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Entry e : entries) {
                if (known.contains(List.of(e.campaignId(), e.person()))) {
                    continue;
                }
                ps.setString(1, e.campaignId());
                ps.setString(2, e.person());
                ps.setString(3, e.advertiserId());
                ps.setBoolean(4, e.heldOut());
                ps.setLong(5, e.firstMs());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Set<List<String>> existing(Connection c, Collection<Entry> entries) throws SQLException {
        Set<String> people = new LinkedHashSet<>();
        entries.forEach(e -> people.add(e.person()));
        Set<List<String>> out = new HashSet<>();
        for (List<String> chunk : chunks(people)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT campaign_id, person FROM " + TABLE
                    + " WHERE person IN (" + "?,".repeat(chunk.size() - 1) + "?)")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(List.of(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return out;
    }

    /** Adds each conversion to every test its person entered before it (of its advertiser, when named). */
    private static void convert(Connection c, List<Conversion> conversions) throws SQLException {
        Set<String> people = new LinkedHashSet<>();
        conversions.forEach(v -> people.add(v.person()));
        Map<String, List<Entry>> tests = new LinkedHashMap<>();
        for (List<String> chunk : chunks(people)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT campaign_id, person, advertiser_id, first_ms FROM "
                    + TABLE + " WHERE person IN (" + "?,".repeat(chunk.size() - 1) + "?)")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tests.computeIfAbsent(rs.getString(2), p -> new ArrayList<>())
                                .add(new Entry(rs.getString(1), rs.getString(2), rs.getString(3), false, rs.getLong(4)));
                    }
                }
            }
        }
        if (tests.isEmpty()) {
            return;
        }
        // Adds in the database: other gateways on the same PostgreSQL may add to the same row.
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET conversions = conversions + 1, "
                + "value_micros = value_micros + ? WHERE campaign_id = ? AND person = ?")) {
            boolean any = false;
            for (Conversion v : conversions) {
                for (Entry e : tests.getOrDefault(v.person(), List.of())) {
                    boolean ours = v.advertiserId() == null || v.advertiserId().equals(e.advertiserId());
                    if (ours && e.firstMs() <= v.atMs()) {
                        ps.setLong(1, v.valueMicros());
                        ps.setString(2, e.campaignId());
                        ps.setString(3, e.person());
                        ps.addBatch();
                        any = true;
                    }
                }
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    /** One campaign's two groups, as counted. */
    record Groups(String campaignId, long exposed, long exposedConverters, long exposedValueMicros,
                  long heldOut, long heldOutConverters, long heldOutValueMicros) {
    }

    /** The groups of each of the advertiser's lift tests ({@code campaignId} null: every campaign), by campaign id. */
    static List<Groups> read(DataSource ds, String advertiserId, String campaignId) {
        String sql = "SELECT campaign_id, held_out, COUNT(*), SUM(CASE WHEN conversions > 0 THEN 1 ELSE 0 END), "
                + "SUM(value_micros) FROM " + TABLE + " WHERE advertiser_id = ?"
                + (campaignId == null ? "" : " AND campaign_id = ?") + " GROUP BY campaign_id, held_out";
        Map<String, long[]> byCampaign = new java.util.TreeMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, advertiserId);
            if (campaignId != null) {
                ps.setString(2, campaignId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] g = byCampaign.computeIfAbsent(rs.getString(1), id -> new long[6]);
                    int at = rs.getBoolean(2) ? 3 : 0;
                    g[at] = rs.getLong(3);
                    g[at + 1] = rs.getLong(4);
                    g[at + 2] = rs.getLong(5);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lift query failed", e);
        }
        List<Groups> out = new ArrayList<>();
        byCampaign.forEach((id, g) -> out.add(new Groups(id, g[0], g[1], g[2], g[3], g[4], g[5])));
        return out;
    }

    /**
     * Erasure: each test row of {@code pseudonyms} gets a random person instead, so the test's
     * counts stay and nothing links them to anyone. Returns how many rows changed.
     */
    static int unlink(Connection c, Collection<Pseudonym> pseudonyms) throws SQLException {
        int changed = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET person = ? WHERE person = ? "
                + "AND campaign_id = ?")) {
            for (Pseudonym p : pseudonyms) {
                for (String campaign : campaignsOf(c, p.value())) {
                    // "~" never starts a pseudonym: the replacement cannot meet a real one.
                    ps.setString(1, "~" + Randoms.token(16));
                    ps.setString(2, p.value());
                    ps.setString(3, campaign);
                    changed += ps.executeUpdate();
                }
            }
        }
        return changed;
    }

    /**
     * Retention: the people who entered a test before {@code cutoffMs} (the raw events' horizon)
     * get a random person instead, at most {@code max} of them; their counts stay, and later
     * conversions of theirs no longer count. Returns how many were changed.
     */
    static int forgetBefore(Connection c, long cutoffMs, int max) throws SQLException {
        List<List<String>> old = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT campaign_id, person FROM " + TABLE
                + " WHERE first_ms < ? AND person NOT LIKE '~%' LIMIT " + max)) {
            ps.setLong(1, cutoffMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    old.add(List.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        if (old.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET person = ? WHERE campaign_id = ? "
                + "AND person = ?")) {
            for (List<String> row : old) {
                ps.setString(1, "~" + Randoms.token(16));
                ps.setString(2, row.get(0));
                ps.setString(3, row.get(1));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return old.size();
    }

    private static List<String> campaignsOf(Connection c, String person) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT campaign_id FROM " + TABLE + " WHERE person = ?")) {
            ps.setString(1, person);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static List<List<String>> chunks(Set<String> values) {
        List<String> all = new ArrayList<>(values);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) {
            out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        return out;
    }
}
