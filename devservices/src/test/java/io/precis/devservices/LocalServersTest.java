package io.precis.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The private servers the shared-store tests and ./precis cluster use really start, stop and come back. */
class LocalServersTest {
    @Test
    void postgresKeepsCommittedRowsAcrossACrashAndRefusesConnectionsWhileDown() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start("test")) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
                s.execute("INSERT INTO t VALUES (1, '北京')");
            }
            pg.crash();
            assertFalse(Processes.listening(pg.port()));
            assertThrows(SQLException.class, () -> DriverManager.getConnection(pg.jdbcUrl()).close());
            pg.start();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
                assertTrue(rs.next());
                assertEquals("北京", rs.getString(1));
            }
        }
    }

    /** The benchmarks' cluster in a directory of their own: made once, its data there for the next run. */
    @Test
    void aClusterOpenedInADirectoryKeepsItsDataForTheNextOpen() throws Exception {
        // Open to the postgres user the server runs as, as the benchmarks' temporary directory is.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("precis-pg-reuse-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"))).resolve("cluster");
        try {
            LocalPostgres first = LocalPostgres.openOrCreate(dir);
            try (Connection c = DriverManager.getConnection(first.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
                s.execute("INSERT INTO t VALUES (1, 'kept')");
            } finally {
                first.stop();
            }
            LocalPostgres second = LocalPostgres.openOrCreate(dir);
            try (Connection c = DriverManager.getConnection(second.jdbcUrl()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
                assertTrue(rs.next(), "the row written before the stop");
                assertEquals("kept", rs.getString(1));
            } finally {
                second.close(); // deletes the cluster
            }
            assertFalse(java.nio.file.Files.exists(dir));
        } finally {
            Processes.deleteTree(dir.getParent());
        }
    }

    @Test
    void twoPostgresServersRunSideBySideOnTheirOwnPorts() {
        try (LocalPostgres a = LocalPostgres.start("a"); LocalPostgres b = LocalPostgres.start("b")) {
            assertTrue(a.port() != b.port());
            assertTrue(Processes.listening(a.port()) && Processes.listening(b.port()));
        }
    }

    @Test
    void redisAnswersAndComesBackEmptyAfterAKill() throws Exception {
        try (LocalRedis redis = LocalRedis.start("test")) {
            assertEquals("+OK", command(redis.port(), "SET k v"));
            assertEquals("$1", command(redis.port(), "GET k"));
            redis.stop();
            assertFalse(Processes.listening(redis.port()));
            redis.start();
            assertEquals("$-1", command(redis.port(), "GET k"), "a restarted cache node is empty");
        }
    }

    /** The first line of Redis' answer to an inline command. */
    private static String command(int port, String line) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder out = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
                out.append((char) b);
            }
            return out.toString();
        }
    }
}
