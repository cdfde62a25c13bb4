package io.precis.reports.sql;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Versioned schema migrations by Flyway, the same for the embedded H2 database and PostgreSQL.
 * Each module keeps its own numbered SQL files under {@code db/precis/<module>} and its own
 * history table ({@code precis_schema_<module>}), so modules that share a database migrate
 * independently and in any order.
 *
 * <p>A database without the module's history table but with other tables (one made before
 * migrations, whose tables were created with {@code IF NOT EXISTS} at every start, or one where
 * another module migrated first) is baselined at version 0, so version 1 runs over it. Version 1
 * of every module is therefore idempotent.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {
    }

    /** Applies the pending migrations of {@code module} ({@code classpath:db/precis/<module>}). */
    public static void apply(DataSource ds, String module) {
        Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/precis/" + module)
                .table("precis_schema_" + module)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("tables made before migrations")
                .validateMigrationNaming(true)
                .load()
                .migrate();
    }
}
