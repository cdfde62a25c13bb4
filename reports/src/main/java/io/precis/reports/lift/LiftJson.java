package io.precis.reports.lift;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The {@code lift} array of a report (API.md, reports): one object per campaign with a hold-out.
 * Rates, lifts and their bounds are rounded to 6 decimals (half up): a lift of a few tenths of a
 * percentage point still shows its interval; incremental conversions to 2, iROAS to 4, money
 * exact to 10^-6. A figure that does not exist (a relative lift while a group has no
 * conversion, iROAS without spend) is {@code null}; a withheld test (a group under k) carries
 * only {@code campaign} and {@code withheld}.
 */
public final class LiftJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LiftJson() {
    }

    public static ArrayNode toJson(List<CampaignLift> lifts) {
        ArrayNode out = NODES.arrayNode();
        for (CampaignLift l : lifts) {
            ObjectNode n = out.addObject().put("campaign", l.campaignId()).put("withheld", l.withheld());
            LiftEstimate e = l.estimate();
            if (e == null) {
                continue;
            }
            n.put("confidence", LiftEstimate.CONFIDENCE);
            n.put("exposedPeople", e.exposed());
            n.put("heldOutPeople", e.heldOut());
            n.put("exposedConverters", e.exposedConverters());
            n.put("heldOutConverters", e.heldOutConverters());
            n.put("exposedConversionRate", round(e.exposedRate(), 6));
            n.put("heldOutConversionRate", round(e.heldOutRate(), 6));
            n.put("absoluteLift", round(e.absoluteLift(), 6));
            n.put("absoluteLiftLow", round(e.absoluteLow(), 6));
            n.put("absoluteLiftHigh", round(e.absoluteHigh(), 6));
            n.put("relativeLift", round(e.relativeLift(), 6));
            n.put("relativeLiftLow", round(e.relativeLow(), 6));
            n.put("relativeLiftHigh", round(e.relativeHigh(), 6));
            n.put("incrementalConversions", round(e.incrementalConversions(), 2));
            n.put("incrementalRevenue", plain(e.incrementalRevenue().setScale(6, RoundingMode.HALF_UP)));
            n.put("iroas", e.iroas() == null ? null : plain(e.iroas()));
            n.put("significant", e.significant());
        }
        return out;
    }

    private static BigDecimal round(Double v, int decimals) {
        return v == null ? null : plain(BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP));
    }

    /** One spelling per number: no trailing zeros, and never an exponent (40, not 4E+1). */
    private static BigDecimal plain(BigDecimal v) {
        BigDecimal d = v.stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }
}
