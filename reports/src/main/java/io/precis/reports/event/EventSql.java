package io.precis.reports.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;

/** The writer's SQL on the events table: the per-batch lookup and the batched insert. */
final class EventSql {
    /** The columns before migration V8 added {@code channel}: what earlier migrations may read. */
    static final String COLUMNS_BEFORE_V8 = "kind, at_ms, utc_day, advertiser_id, campaign_id, creative_id, "
            + "slot, site, matched_by, bid_model, price_micros, cost_nanos, value_micros, currency, "
            + "event_name, is_valid, reason, click_id, order_id, dedupe_key, pseudonym, region";
    static final String COLUMNS = COLUMNS_BEFORE_V8 + ", channel";
    private static final String INSERT = "INSERT INTO " + EventSchema.TABLE + " (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private EventSql() {
    }

    /** Rows whose dedupe key, click id or order id is among those given (any may be empty). */
    static List<StoredEvent> lookup(Connection c, Collection<String> keys, Collection<String> clickIds,
                                    Collection<String> orderIds) throws SQLException {
        StringJoiner where = new StringJoiner(" OR ");
        List<String> params = new ArrayList<>();
        in(where, params, "dedupe_key", keys);
        in(where, params, "click_id", clickIds);
        in(where, params, "order_id", orderIds);
        List<StoredEvent> out = new ArrayList<>();
        if (params.isEmpty()) {
            return out;
        }
        String sql = "SELECT " + COLUMNS + " FROM " + EventSchema.TABLE + " WHERE " + where;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    /** Impressions of any of {@code pseudonyms} recorded at or after {@code sinceMs} (view-through). */
    static List<StoredEvent> impressionsOf(Connection c, Collection<String> pseudonyms, long sinceMs)
            throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        if (pseudonyms.isEmpty()) {
            return out;
        }
        String sql = "SELECT " + COLUMNS + " FROM " + EventSchema.TABLE + " WHERE kind = 'imp' AND at_ms >= ? AND "
                + "pseudonym IN (" + "?,".repeat(pseudonyms.size() - 1) + "?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setLong(++i, sinceMs);
            for (String p : pseudonyms) {
                ps.setString(++i, p);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    static void insert(Connection c, List<StoredEvent> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        boolean shared = SqlDialect.of(c) == SqlDialect.POSTGRES;
        // Shared by several writers: a duplicate one of them stored first is skipped, not fatal.
        try (PreparedStatement ps = c.prepareStatement(shared ? INSERT + " ON CONFLICT DO NOTHING" : INSERT)) {
            for (StoredEvent e : rows) {
                int i = 0;
                ps.setString(++i, e.kind());
                ps.setLong(++i, e.at().toEpochMilli());
                ps.setObject(++i, LocalDate.ofInstant(e.at(), ZoneOffset.UTC));
                ps.setString(++i, e.advertiserId());
                ps.setString(++i, e.campaignId());
                ps.setString(++i, e.creativeId());
                ps.setString(++i, e.slot());
                ps.setString(++i, e.site());
                ps.setString(++i, e.matchedBy());
                ps.setString(++i, e.bidModel());
                if (e.bidModel() == null) {
                    ps.setNull(++i, Types.BIGINT);
                } else {
                    ps.setLong(++i, e.priceMicros());
                }
                ps.setLong(++i, e.costNanos());
                ps.setLong(++i, e.valueMicros());
                ps.setString(++i, e.currency());
                ps.setString(++i, e.eventName());
                ps.setBoolean(++i, e.valid());
                ps.setString(++i, e.reason());
                ps.setString(++i, e.clickId());
                ps.setString(++i, e.orderId());
                ps.setString(++i, e.dedupeKey());
                ps.setString(++i, e.pseudonym());
                ps.setString(++i, e.region());
                ps.setString(++i, e.channel());
                ps.addBatch();
            }
            for (int n : ps.executeBatch()) {
                if (n == 0) {
                    throw new SqlDialect.Conflict("another writer stored one of this batch's events first");
                }
            }
        }
    }

    private static void in(StringJoiner where, List<String> params, String column, Collection<String> values) {
        if (values.isEmpty()) {
            return;
        }
        where.add(column + " IN (" + "?,".repeat(values.size() - 1) + "?)");
        params.addAll(values);
    }

    static StoredEvent read(ResultSet rs) throws SQLException {
        return read(rs, true);
    }

    /** A row of {@link #COLUMNS}, or of {@link #COLUMNS_BEFORE_V8} when not {@code withChannel} (web, then). */
    static StoredEvent read(ResultSet rs, boolean withChannel) throws SQLException {
        return new StoredEvent(rs.getString("kind"), Instant.ofEpochMilli(rs.getLong("at_ms")),
                rs.getString("advertiser_id"), rs.getString("campaign_id"), rs.getString("creative_id"),
                rs.getString("slot"), rs.getString("site"), rs.getString("matched_by"),
                rs.getString("bid_model"), rs.getLong("price_micros"), rs.getLong("cost_nanos"),
                rs.getLong("value_micros"), rs.getString("currency"), rs.getString("event_name"),
                rs.getBoolean("is_valid"), rs.getString("reason"), rs.getString("click_id"),
                rs.getString("order_id"), rs.getString("dedupe_key"), rs.getString("pseudonym"),
                rs.getString("region"), withChannel ? rs.getString("channel") : null);
    }
}
