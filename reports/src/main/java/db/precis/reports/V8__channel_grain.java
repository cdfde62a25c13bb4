package db.precis.reports;

import io.precis.reports.event.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The {@code channel} of events and roll-ups (issue 17: offers decided for email, SMS, app
 * push, call centre and store), and the channel grain of the days summed before, all web
 * ({@link RollupBackfill#channelGrain}).
 */
public class V8__channel_grain extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.channelGrain(context.getConnection());
    }
}
