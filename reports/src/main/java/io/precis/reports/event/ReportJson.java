package io.precis.reports.event;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;

/** A {@link Report} in API.md's JSON shape: from, to, groupBy, usersCounted, rows, totals, lift. */
public final class ReportJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Says whom uniqueUsers and frequency count: only users who gave measurement consent. */
    public static final String USERS_COUNTED = "measurementConsent";

    private ReportJson() {
    }

    public static ObjectNode toJson(Report r) {
        ObjectNode o = NODES.objectNode();
        o.put("from", r.query().from().toString());
        o.put("to", r.query().to().toString());
        ArrayNode groupBy = o.putArray("groupBy");
        r.query().groupBy().forEach(d -> groupBy.add(d.jsonName()));
        o.put("usersCounted", USERS_COUNTED);
        ArrayNode rows = o.putArray("rows");
        for (ReportRow row : r.rows()) {
            ObjectNode n = rows.addObject();
            row.keys().forEach((d, v) -> n.put(d.jsonName(), v));
            putMetrics(n, row.counts());
            putReach(n, row.reach());
        }
        ObjectNode totals = o.putObject("totals");
        putMetrics(totals, r.totals());
        putReach(totals, r.totalReach());
        o.set("lift", io.precis.reports.lift.LiftJson.toJson(r.lift()));
        return o;
    }

    private static void putReach(ObjectNode n, Reach reach) {
        if (reach.withheld()) {
            n.putNull("uniqueUsers");
            n.putNull("frequency");
        } else {
            n.put("uniqueUsers", reach.uniqueUsers());
            n.put("frequency", Metrics.frequency(reach));
        }
        n.put("uniqueUsersEstimated", reach.estimated());
    }

    private static void putMetrics(ObjectNode n, Counts c) {
        for (Map.Entry<String, BigDecimal> e : Metrics.columns(c).entrySet()) {
            BigDecimal v = e.getValue();
            if (v == null) {
                n.putNull(e.getKey());
            } else if (v.scale() == 0) {
                n.put(e.getKey(), v.longValueExact()); // counts and whole amounts as JSON integers
            } else {
                n.put(e.getKey(), v);
            }
        }
    }
}
