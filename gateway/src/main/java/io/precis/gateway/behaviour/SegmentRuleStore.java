package io.precis.gateway.behaviour;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import io.precis.matcher.segment.SegmentRule;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The admin's keyword segment definitions, kept so they survive a restart. */
public final class SegmentRuleStore {
    private final DataSource ds;
    /** The dialect's insert-or-replace (Database.upsert). */
    private final String save;
    private final io.precis.gateway.storage.ChangeFeed changes;

    /** A store whose saves {@code changes} tells the other gateways of (they reload with {@link #find}). */
    public SegmentRuleStore(Database db, io.precis.gateway.storage.ChangeFeed changes) {
        this.ds = db.dataSource();
        this.save = db.upsert("segment_rules", List.of("id"), List.of("id", "body"));
        this.changes = changes;
    }

    public void save(SegmentRule rule) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(save)) {
            ps.setString(1, rule.id());
            ps.setString(2, JsonBodies.MAPPER.writeValueAsString(toJson(rule)));
            ps.executeUpdate();
        } catch (SQLException | IOException e) {
            throw new StorageException("cannot store segment rule", e);
        }
        changes.publish(io.precis.gateway.storage.ChangeFeed.SEGMENT_RULE, rule.id());
    }

    /** The rule {@code id}, as stored (another gateway's change is read back with it). */
    public java.util.Optional<SegmentRule> find(String id) {
        return all().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    public List<SegmentRule> all() {
        List<SegmentRule> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT body FROM segment_rules ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(SegmentRule.parse(JsonBodies.MAPPER.readTree(rs.getString(1))));
            }
            return out;
        } catch (SQLException | IOException e) {
            throw new StorageException("cannot read segment rules", e);
        }
    }

    public static ObjectNode toJson(SegmentRule r) {
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        o.put("id", r.id());
        var kw = o.putArray("keywords");
        r.keywords().forEach(kw::add);
        o.put("minEvents", r.minEvents());
        o.put("withinDays", r.withinDays());
        return o;
    }
}
