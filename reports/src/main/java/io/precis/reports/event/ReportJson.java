package io.precis.reports.event;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;

/** A {@link Report} in API.md's JSON shape: from, to, groupBy, rows, totals. */
public final class ReportJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReportJson() {
    }

    public static ObjectNode toJson(Report r) {
        ObjectNode o = NODES.objectNode();
        o.put("from", r.query().from().toString());
        o.put("to", r.query().to().toString());
        ArrayNode groupBy = o.putArray("groupBy");
        r.query().groupBy().forEach(d -> groupBy.add(d.jsonName()));
        ArrayNode rows = o.putArray("rows");
        for (ReportRow row : r.rows()) {
            ObjectNode n = rows.addObject();
            row.keys().forEach((d, v) -> n.put(d.jsonName(), v));
            putMetrics(n, row.counts());
        }
        putMetrics(o.putObject("totals"), r.totals());
        return o;
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
