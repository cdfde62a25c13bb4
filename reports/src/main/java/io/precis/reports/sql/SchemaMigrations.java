package io.precis.reports.sql;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Versioned schema migrations by Flyway, the same for the embedded H2 database and PostgreSQL.
 * Each module keeps its own numbered SQL files under {@code db/precis/<module>} and its own
 * history table ({@code precis_schema_<module>}), so modules that share a database migrate
 * independently and in any order.
 *
 * <p>A database made before migrations existed (its tables created with {@code IF NOT
 * EXISTS} at every start, the same schema as version 1) is baselined at version 1 when its
 * module's marker table is there and its history table is not; later versions then apply.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {
    }

    /**
     * Applies the pending migrations of {@code module}.
     *
     * @param markerTable a table version 1 creates: when it exists without a history table, the
     *                    database predates migrations and is baselined at 1
     */
    public static void apply(DataSource ds, String module, String markerTable) {
        Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/precis/" + module)
                .table("precis_schema_" + module)
                .baselineVersion("1")
                .baselineDescription("tables made before migrations")
                .validateMigrationNaming(true)
                .load();
        if (flyway.info().applied().length == 0 && exists(ds, markerTable)) {
            flyway.baseline();
        }
        flyway.migrate();
    }

    /** Whether a table of that name exists (H2 folds unquoted names to upper case, PostgreSQL to lower). */
    static boolean exists(DataSource ds, String table) {
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            for (String name : new String[] {table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT)}) {
                try (ResultSet rs = meta.getTables(null, null, name, new String[] {"TABLE"})) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database's tables", e);
        }
    }
}
