package db.precis.reports;

import io.precis.reports.event.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The pair grains (two of targeting, region and site per campaign and day) of the days summed
 * before they existed, from each day's full grain ({@link RollupBackfill#pairGrains}).
 */
public class V6__pair_grains extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.pairGrains(context.getConnection());
    }
}
