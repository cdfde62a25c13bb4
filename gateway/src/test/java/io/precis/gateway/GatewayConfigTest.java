package io.precis.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void defaultsAreOptInOnPort8080WithDemoAndKeysInsideTheDataDir() {
        GatewayConfig c = GatewayConfig.parse(new String[0], Map.of());
        assertEquals(8080, c.port());
        assertEquals(Path.of("data"), c.dataDir());
        assertEquals(Path.of("data", "keys"), c.keysDirOrDefault());
        assertTrue(c.demo());
        assertFalse(c.defaultPurposes().personalisation() || c.defaultPurposes().measurement());
        assertEquals(64 * 1024, c.bodyLimit());
        assertEquals(10, c.reportPolicy().minUsers());
        assertFalse(c.trustProxy());
    }

    @Test
    void flagsAndEnvironmentOverrideTheDefaults() {
        GatewayConfig c = GatewayConfig.parse(new String[] {"--port", "0", "--data-dir", "/tmp/p", "--keys-dir", "/k",
                "--no-demo"}, Map.of("PRECIS_DEFAULT_PURPOSES", "measurement", "PRECIS_CLICK_MIN_MS", "0",
                "PRECIS_REPORT_MIN_USERS", "5", "PRECIS_ADMIN_TOKEN", "0123456789abcdef", "PRECIS_TRUST_PROXY", "1"));
        assertEquals(0, c.port());
        assertEquals(Path.of("/k"), c.keysDirOrDefault());
        assertFalse(c.demo());
        assertTrue(c.defaultPurposes().measurement());
        assertFalse(c.defaultPurposes().profiling());
        assertEquals(Duration.ZERO, c.clickPolicy().minTimeToClick());
        assertEquals(5, c.reportPolicy().minUsers());
        assertTrue(c.trustProxy());
    }

    @Test
    void eventRetentionComesFromTheEnvironmentAndBadValuesStopTheStart() {
        assertEquals(Duration.ofDays(400), GatewayConfig.eventRetention(Map.of()));
        assertEquals(Duration.ofDays(30), GatewayConfig.eventRetention(Map.of("PRECIS_EVENT_RETENTION_DAYS", "30")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_EVENT_RETENTION_DAYS", "0")));
        assertTrue(e.getMessage().contains("PRECIS_EVENT_RETENTION_DAYS"), e.getMessage());
    }

    @Test
    void lookalikeRebuildIntervalComesFromTheEnvironmentAndBadValuesStopTheStart() {
        assertEquals(Duration.ofHours(24), GatewayConfig.lookalikeRebuild(Map.of()));
        assertEquals(Duration.ofHours(6), GatewayConfig.lookalikeRebuild(Map.of("PRECIS_LOOKALIKE_REBUILD_HOURS", "6")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_LOOKALIKE_REBUILD_HOURS", "0")));
        assertTrue(e.getMessage().contains("PRECIS_LOOKALIKE_REBUILD_HOURS"), e.getMessage());
    }

    @Test
    void pageCacheSizeAndTimeComeFromTheEnvironmentAndBadValuesStopTheStart() {
        assertEquals(0, GatewayConfig.pageCache(Map.of("PRECIS_PAGE_CACHE_CHARS", "0")).size());
        GatewayConfig.pageCache(Map.of("PRECIS_PAGE_CACHE_CHARS", "100000", "PRECIS_PAGE_CACHE_TTL_S", "5"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_PAGE_CACHE_CHARS", "-1")));
        assertTrue(e.getMessage().contains("PRECIS_PAGE_CACHE_CHARS"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_PAGE_CACHE_TTL_S", "forever")));
        assertTrue(e.getMessage().contains("PRECIS_PAGE_CACHE_TTL_S"), e.getMessage());
    }

    @Test
    void badFlagsAndValuesAreRejectedWithAMessage() {
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(new String[] {"--port", "x"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(new String[] {"--port"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(new String[] {"--fast"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_DEFAULT_PURPOSES", "telepathy")));
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_ADMIN_TOKEN", "short")));
    }

    @Test
    void theStoreIsEmbeddedUnlessAPostgresUrlIsGivenAndNeverShowsItsPassword() {
        java.util.Map<String, String> none = java.util.Map.of();
        assertEquals(GatewayConfig.Store.EMBEDDED, GatewayConfig.parse(new String[0], none).store());
        GatewayConfig pg = GatewayConfig.parse(new String[] {"--store", "postgres", "--pg-url",
                "postgresql://precis:s3cret@db.example:5433/ads"}, none);
        assertEquals("jdbc:postgresql://db.example:5433/ads?user=precis&password=s3cret", pg.store().jdbcUrl());
        assertEquals("PostgreSQL at db.example:5433/ads", pg.store().describe());
        assertEquals(pg.store(), GatewayConfig.parse(new String[0],
                java.util.Map.of("PRECIS_PG_URL", "postgresql://precis:s3cret@db.example:5433/ads")).store());
        assertEquals("--store postgres needs --pg-url URL or PRECIS_PG_URL", assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[] {"--store", "postgres"}, none)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[] {"--store", "mysql"}, none)).getMessage().startsWith("--store must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(
                new String[] {"--pg-url", "mysql://x/y"}, none)).getMessage().contains("postgresql://user@host:port/db"));
    }

    @Test
    void aRedisUrlIsForPostgresOnlyAndNeverShowsItsPassword() {
        java.util.Map<String, String> none = java.util.Map.of();
        GatewayConfig shared = GatewayConfig.parse(new String[] {"--pg-url", "postgresql://precis@db.example/ads",
                "--redis-url", "redis://:s3cret@cache.example:6380"}, none);
        assertEquals("redis://:s3cret@cache.example:6380", shared.store().redisUrl());
        assertEquals("PostgreSQL at db.example:5432/ads and Redis at cache.example:6380", shared.store().describe());
        assertEquals(shared.store(), GatewayConfig.parse(new String[0], java.util.Map.of(
                "PRECIS_PG_URL", "postgresql://precis@db.example/ads",
                "PRECIS_REDIS_URL", "redis://:s3cret@cache.example:6380")).store());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(
                new String[] {"--redis-url", "redis://cache.example:6379"}, none)).getMessage()
                .startsWith("--redis-url is for several instances on one database: it needs --store postgres"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(
                new String[] {"--pg-url", "postgresql://precis@db.example/ads", "--redis-url", "cache:6379"}, none))
                .getMessage().contains("redis://host:port"));
    }

    @Test
    void eventLoopsWorkerPoolsAndRateLimitsComeFromFlagsAndEnvironment() {
        int cores = Runtime.getRuntime().availableProcessors();
        GatewayConfig d = GatewayConfig.parse(new String[0], Map.of());
        assertEquals(new GatewayConfig.Capacity(cores, cores, 16, 256, 65_536), d.capacity());
        assertEquals(GatewayConfig.RateLimit.DEFAULTS, d.rateLimit());
        GatewayConfig c = GatewayConfig.parse(new String[] {"--event-loops", "3"}, Map.of("PRECIS_EVENT_LOOPS", "5",
                "PRECIS_MATCH_THREADS", "4", "PRECIS_STORAGE_THREADS", "8", "PRECIS_WORK_QUEUE", "0",
                "PRECIS_RATE_LIMIT", "50", "PRECIS_RATE_BURST", "70", "PRECIS_EVENT_QUEUE", "100"));
        assertEquals(new GatewayConfig.Capacity(3, 4, 8, 0, 100), c.capacity()); // the flag wins over the environment
        assertEquals(new GatewayConfig.RateLimit(50, 70), c.rateLimit());
        assertEquals(5, GatewayConfig.parse(new String[0], Map.of("PRECIS_EVENT_LOOPS", "5")).capacity().eventLoops());
        assertTrue(GatewayConfig.parse(new String[0], Map.of("PRECIS_RATE_LIMIT", "0")).rateLimit().off());
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[] {"--event-loops", "0"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_MATCH_THREADS", "many")));
        assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.parse(new String[0], Map.of("PRECIS_RATE_LIMIT", "-1")));
    }
}
