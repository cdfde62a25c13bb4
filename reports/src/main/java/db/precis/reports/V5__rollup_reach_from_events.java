package db.precis.reports;

import io.precis.reports.event.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Reach of the roll-up cells summed before V4 added it, from the raw impressions still kept
 * ({@link RollupBackfill#reachFromEvents}). Java because the user sets are built in Java.
 */
public class V5__rollup_reach_from_events extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.reachFromEvents(context.getConnection());
    }
}
