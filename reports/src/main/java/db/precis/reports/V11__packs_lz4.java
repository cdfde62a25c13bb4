package db.precis.reports;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On PostgreSQL 14 and later, packs of roll-up cells ({@code precis_rollup_packs.cells}) are
 * compressed with LZ4 instead of the default pglz. The packs are stored out of line and
 * compressed: at 10 M events the month's full-grain packs are 146 MB, 83 MB with pglz and 87 MB
 * with LZ4, and the server took 297 ms to decompress them with pglz and 108 to 122 ms with LZ4,
 * on every report that reads them (perf/README.md, "Reports on PostgreSQL").
 *
 * <p>Packs written from now on are compressed so; those already written stay as they are,
 * readable as before. Nothing happens on H2 (its own storage), or on a PostgreSQL built without
 * LZ4 or older than 14, where the column keeps pglz.
 */
public class V11__packs_lz4 extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        if (!c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
            return;
        }
        try (Statement s = c.createStatement()) {
            if (c.getMetaData().getDatabaseMajorVersion() < 14 || !lz4(s)) {
                return;
            }
            s.execute("ALTER TABLE precis_rollup_packs ALTER COLUMN cells SET COMPRESSION lz4");
        }
    }

    /** Whether the server was built with LZ4 (its {@code default_toast_compression} accepts it). */
    private static boolean lz4(Statement s) throws java.sql.SQLException {
        try (ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }
}
