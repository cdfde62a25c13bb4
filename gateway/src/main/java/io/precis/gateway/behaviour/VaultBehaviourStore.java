package io.precis.gateway.behaviour;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.vault.UserVault;
import io.precis.gateway.http.JsonBodies;
import io.precis.matcher.segment.BehaviourEvent;
import io.precis.matcher.segment.BehaviourStore;
import io.precis.gateway.storage.Database;
import io.precis.matcher.segment.SegmentService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Behaviour at rest, encrypted under the user's own key from the {@link UserVault} (AES-256-GCM),
 * as an append-only log: each append seals only its new events, one record per UTC day of them,
 * and adds the records through a group-committing writer ({@link BehaviourLog}); a read opens
 * and concatenates the user's records. Erasing deletes the user's vault key first (every record,
 * backups included, is undecryptable from then on), then the records.
 *
 * <p>Retention: behaviour is kept {@link SegmentService#HISTORY_DAYS} days. Reads leave out
 * older events at once; {@link #deleteExpired} deletes the records of days wholly before the
 * cutoff, at start and then every {@link #SWEEP_EVERY} on a thread of its own, so an event
 * leaves the disk at most a day and a sweep after it turns 180 days old.
 *
 * <p>Thread-safe. Appends of one user are serialised by a per-user (striped) lock held while
 * sealing and queueing, never across the commit; callers wait for the commit without a lock.
 * Blocking: call from a worker. Records written before this layout (one vault record holding the
 * whole history) are still read, and moved into the log on the user's next append.
 */
public final class VaultBehaviourStore implements BehaviourStore, AutoCloseable {
    static final String KIND = "behaviour";
    /** How often expired records are deleted: retention is counted in days, an hour is plenty. */
    static final Duration SWEEP_EVERY = Duration.ofHours(1);
    /** Lock stripes: enough that unrelated users rarely share one. */
    private static final int STRIPES = 1024;
    private static final System.Logger LOG = System.getLogger(VaultBehaviourStore.class.getName());

    private final UserVault vault;
    private final BehaviourLog log;
    private final Clock clock;
    private final Object[] locks = new Object[STRIPES];
    private final ScheduledExecutorService sweeper;
    private final AtomicLong sweepFailures = new AtomicLong();

    /**
     * Opens the store over {@code db} (creating its table if absent), deletes expired records,
     * and schedules the hourly sweep.
     */
    public VaultBehaviourStore(UserVault vault, Database db, Clock clock) {
        this.vault = vault;
        this.clock = clock;
        this.log = new BehaviourLog(db);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        deleteExpired();
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "precis-behaviour-retention");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY.toMinutes(), SWEEP_EVERY.toMinutes(),
                TimeUnit.MINUTES);
    }

    /** Adds {@code events} to {@code p}'s log; durable on return. */
    @Override
    public void append(Pseudonym p, List<BehaviourEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        String user = vault.storageName(p);
        CompletableFuture<Void> written;
        synchronized (lock(user)) {
            Optional<byte[]> legacy = vault.get(p, KIND);
            List<BehaviourEvent> all = events;
            if (legacy.isPresent()) {
                all = new ArrayList<>(fresh(decode(legacy.get())));
                all.addAll(events);
            }
            List<BehaviourLog.Row> rows = new ArrayList<>();
            byDay(all).forEach((day, list) -> rows.add(new BehaviourLog.Row(user, day, vault.seal(p, KIND, encode(list)))));
            written = log.insert(rows);
            if (legacy.isPresent()) { // once per user: the lock waits for the commit so no one moves it twice
                await(written);
                vault.remove(p, KIND);
            }
        }
        await(written);
    }

    /** {@code p}'s events of the last {@link SegmentService#HISTORY_DAYS} days, in the order appended. */
    @Override
    public List<BehaviourEvent> read(Pseudonym p) {
        String user = vault.storageName(p);
        Instant cutoff = cutoff();
        List<BehaviourEvent> out = new ArrayList<>();
        // No lock: the log shows committed records only, and one sealed under a key erased
        // meanwhile opens as empty.
        vault.get(p, KIND).ifPresent(old -> out.addAll(decode(old)));
        for (byte[] bytes : vault.openAll(p, KIND, log.read(user, day(cutoff)))) {
            out.addAll(decode(bytes));
        }
        out.removeIf(e -> e.ts().isBefore(cutoff));
        return out;
    }

    /** Deletes {@code p}'s key (cryptographic erasure, at once), then every record; done on return. */
    @Override
    public void erase(Pseudonym p) {
        String user = vault.storageName(p);
        synchronized (lock(user)) { // held to the commit: no append of the old key may slip between
            vault.erase(p);
            await(log.deleteUser(user));
        }
    }

    /** Deletes the records of days wholly older than the retention; done on return. */
    public void deleteExpired() {
        await(log.deleteBefore(day(cutoff())));
    }

    /** Transactions the writer has committed (many appends share one under load). */
    public long commits() {
        return log.commits();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        log.close();
    }

    /** Sweeps that failed (each logged; the next one tries again): metric precis_behaviour_sweep_failures_total. */
    public long sweepFailures() {
        return sweepFailures.get();
    }

    /** The periodic sweep: a failure is counted and logged (it names no user), never thrown. */
    void sweep() {
        try {
            deleteExpired();
        } catch (RuntimeException e) {
            sweepFailures.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "deleting expired behaviour failed", e);
        }
    }

    private Instant cutoff() {
        return clock.instant().minus(Duration.ofDays(SegmentService.HISTORY_DAYS));
    }

    private List<BehaviourEvent> fresh(List<BehaviourEvent> events) {
        Instant cutoff = cutoff();
        return events.stream().filter(e -> !e.ts().isBefore(cutoff)).toList();
    }

    private static int day(Instant t) {
        return (int) Math.floorDiv(t.getEpochSecond(), 86_400L);
    }

    private static Map<Integer, List<BehaviourEvent>> byDay(List<BehaviourEvent> events) {
        Map<Integer, List<BehaviourEvent>> out = new TreeMap<>();
        events.forEach(e -> out.computeIfAbsent(day(e.ts()), d -> new ArrayList<>()).add(e));
        return out;
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private Object lock(String user) {
        return locks[Math.floorMod(user.hashCode(), STRIPES)];
    }

    static byte[] encode(List<BehaviourEvent> events) {
        ArrayNode list = JsonBodies.MAPPER.createArrayNode();
        events.forEach(e -> list.add(toJson(e)));
        try {
            return JsonBodies.MAPPER.writeValueAsBytes(list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode toJson(BehaviourEvent e) {
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        o.put("type", e.type().jsonName());
        o.put("ts", e.ts().toString());
        o.put("url", e.url());
        o.put("text", e.text());
        o.put("query", e.query());
        o.put("category", e.category());
        o.put("valueMicros", e.valueMicros());
        return o;
    }

    private static List<BehaviourEvent> decode(byte[] bytes) {
        try {
            List<BehaviourEvent> out = new ArrayList<>();
            for (JsonNode o : JsonBodies.MAPPER.readTree(bytes)) {
                out.add(new BehaviourEvent(BehaviourEvent.Type.valueOf(o.get("type").asText().toUpperCase()),
                        Instant.parse(o.get("ts").asText()), text(o, "url"), text(o, "text"), text(o, "query"),
                        text(o, "category"), o.path("valueMicros").asLong()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
