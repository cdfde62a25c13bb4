package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Migration 11 on PostgreSQL: a pack large enough to be compressed is compressed with LZ4 (the
 * server here is Debian's, 14 or later and built with it), and reads back byte for byte.
 */
class PackCompressionTest {
    @Test
    void packsAreCompressedWithLz4AndReadBackWhole() throws Exception {
        DataSource ds = TestPostgres.newDatabase();
        try (JdbcEventStore ignored = new JdbcEventStore(ds, Clock.systemUTC())) { // migrates
            byte[] cells = new byte[64 * 1024]; // past the size PostgreSQL compresses (about 2 KB)
            for (int i = 0; i < cells.length; i++) {
                cells[i] = (byte) (i % 7 == 0 ? i : 0); // compressible, as packs' counts are
            }
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + RollupPacker.TABLE + " (advertiser_id, grain, period_ms, part, cells) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, "adv");
                    ps.setString(2, "df");
                    ps.setLong(3, 0);
                    ps.setInt(4, 0);
                    ps.setBytes(5, cells);
                    ps.executeUpdate();
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_column_compression(cells), cells FROM " + RollupPacker.TABLE)) {
                    rs.next();
                    assertEquals("lz4", rs.getString(1));
                    assertArrayEquals(cells, rs.getBytes(2));
                }
            }
        } finally {
            ((java.io.Closeable) ds).close();
        }
    }
}
