package io.precis.reports.event;

import java.util.ArrayList;
import java.util.List;

/** Which key columns a breakdown has: a creative is only unique within its campaign. */
final class ReportColumns {
    private ReportColumns() {
    }

    /** The groupBy dimensions in order, with CAMPAIGN inserted before CREATIVE when missing. */
    static List<Dimension> keyColumns(List<Dimension> groupBy) {
        List<Dimension> cols = new ArrayList<>();
        for (Dimension d : groupBy) {
            if (d == Dimension.CREATIVE && !groupBy.contains(Dimension.CAMPAIGN)) {
                cols.add(Dimension.CAMPAIGN);
            }
            cols.add(d);
        }
        return List.copyOf(cols);
    }

    /** The roll-up table column holding a dimension's value; day and hour share {@code period_ms}. */
    static String rollupColumn(Dimension d) {
        return switch (d) {
            case CAMPAIGN -> "campaign_id";
            case CREATIVE -> "creative_id";
            case DAY, HOUR -> "period_ms";
            case TARGETING -> "targeting";
            case REGION -> "region";
            case SITE -> "site";
            case CHANNEL -> "channel";
        };
    }
}
