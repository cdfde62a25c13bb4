package db.precis.reports;

import io.precis.reports.event.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The cells that reports without day or hour read (issue 14) for the days summed before they
 * existed: the advertiser-wide grain of targeting × region × site, and the blocks of 4 to 16
 * days of every blocked grain ({@link RollupBackfill#periodBlocks}).
 */
public class V9__period_blocks extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.periodBlocks(context.getConnection());
    }
}
