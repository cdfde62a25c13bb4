package io.precis.consent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.log.ConsentLog;
import io.precis.consent.log.LogIndex;
import io.precis.consent.log.LogWriter;
import io.precis.consent.receipt.Receipt;
import io.precis.consent.receipt.ReceiptKey;
import io.precis.consent.receipt.Receipts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Users' stored consent: every change signed as a receipt and appended durably to the
 * hash-chained {@link ConsentLog}, whose {@link LogIndex} finds each pseudonym's lines on disk.
 * Only the current state of recently used pseudonyms is in memory, in a cache bounded to
 * {@code cacheSize} entries (Caffeine, size-based eviction); a miss and every history are read
 * from the log.
 *
 * <p>Thread-safe. Updates of one pseudonym are serialised by a lock of its own (one of
 * {@link #LOCK_STRIPES}), so different people's updates sign in parallel and share one fsync
 * ({@link LogWriter}'s group commit); each returns only after its line is on disk, and the next
 * {@link #current} sees it. Blocking (disk reads and fsync): call from a worker.
 * At open the log is streamed once: every link is checked, the index catches up, the signed
 * head is checked against the log (a missing tail refuses to open), and the last line's
 * signature is checked; the full signature check is {@code AuditVerifier}'s.
 */
public final class ConsentService implements AutoCloseable {
    public static final Set<String> SOURCES = Set.of("user", "tcf", "default");
    /** Current states kept in memory unless told otherwise: ~1 KB each (the receipt dominates), so ~50 MB. */
    public static final int DEFAULT_CACHE_SIZE = 50_000;
    /** Per-user locks are striped: a fixed 4,096 locks, few collisions at any worker pool size. */
    static final int LOCK_STRIPES = 4096;
    private static final System.Logger LOG = System.getLogger(ConsentService.class.getName());

    private final ReceiptKey key;
    private final Purposes defaults;
    private final String policyVersion;
    private final Clock clock;
    private final ConsentLog log;
    private final LogIndex index;
    private final LogWriter writer;
    private final Cache<Pseudonym, Optional<ConsentState>> latest;
    private final io.precis.consent.concurrent.StripedLocks locks =
            new io.precis.consent.concurrent.StripedLocks(LOCK_STRIPES);

    private ConsentService(ReceiptKey key, Purposes defaults, String policyVersion, Clock clock, Path dataDir,
                           int cacheSize) {
        this.key = key;
        this.defaults = defaults;
        this.policyVersion = policyVersion;
        this.clock = clock;
        // Upkeep on the caller, not a common-pool wake-up per few requests (perf/README.md).
        this.latest = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
        LogIndex idx = LogIndex.open(dataDir);
        ConsentLog opened;
        try {
            opened = LogOpening.open(dataDir, key, idx, clock);
        } catch (RuntimeException e) {
            idx.close();
            throw e;
        }
        this.index = idx;
        this.log = opened;
        this.writer = new LogWriter(opened, idx, dataDir, key, clock);
    }

    /**
     * Opens (or creates) the consent log of {@code dataDir} with the receipt key of
     * {@code keysDir}. {@code defaults} apply to pseudonyms without a stored choice.
     */
    public static ConsentService open(Path dataDir, Path keysDir, Purposes defaults, String policyVersion,
                                      Clock clock) {
        return open(dataDir, keysDir, defaults, policyVersion, clock, DEFAULT_CACHE_SIZE);
    }

    /** As {@link #open(Path, Path, Purposes, String, Clock)}, keeping at most {@code cacheSize} current states in memory. */
    public static ConsentService open(Path dataDir, Path keysDir, Purposes defaults, String policyVersion,
                                      Clock clock, int cacheSize) {
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(clock, "clock");
        if (cacheSize < 1) {
            throw new IllegalArgumentException("cacheSize must be at least 1");
        }
        return new ConsentService(ReceiptKey.openOrCreate(keysDir), defaults, policyVersion, clock, dataDir,
                cacheSize);
    }

    /** The Ed25519 public key receipts are signed with (gateways sharing a keys dir share it). */
    public byte[] receiptPublicKey() {
        return key.publicKey();
    }

    /** A state as {@code compact}, a receipt this service's key signed; InvalidReceiptException otherwise. */
    public ConsentState verified(String compact) {
        return stateOf(io.precis.consent.receipt.Receipts.verify(compact, key.publicKey()));
    }

    /** The stored consent of {@code p}, or the defaults (source "default", no receipt) when there is none. */
    public ConsentState current(Pseudonym p) {
        return stored(p).orElseGet(() -> new ConsentState(defaults, "default", null, null));
    }

    /**
     * The stored consent of the first of {@code aliases} (current pseudonym first, as
     * {@code Pseudonymiser.deliveryAliases} gives them) that has any, so a choice survives a key
     * rotation during the overlap; the defaults when none has.
     */
    public ConsentState current(List<Pseudonym> aliases) {
        if (aliases.isEmpty()) {
            throw new IllegalArgumentException("at least one pseudonym is needed");
        }
        for (Pseudonym p : aliases) {
            Optional<ConsentState> s = stored(p);
            if (s.isPresent()) {
                return s.get();
            }
        }
        return current(aliases.get(0));
    }

    /**
     * Applies {@code partialPurposes} (keys {@code personalisation}, {@code profiling},
     * {@code measurement}, {@code precise_geo}; missing ones keep their value) to the current
     * consent of {@code p}, signs a receipt, appends it durably and returns the new state.
     * Throws {@link IllegalArgumentException} on an unknown purpose or source.
     */
    public ConsentState update(Pseudonym p, Map<String, Boolean> partialPurposes, String source) {
        return update(List.of(p), partialPurposes, source);
    }

    /**
     * As {@link #update(Pseudonym, Map, String)} for {@code aliases.get(0)}, starting from
     * {@link #current(List)} so that a change after a key rotation builds on the choice stored
     * under an older pseudonym.
     */
    public ConsentState update(List<Pseudonym> aliases, Map<String, Boolean> partialPurposes, String source) {
        if (!SOURCES.contains(source)) {
            throw new IllegalArgumentException("source must be one of " + SOURCES);
        }
        if (aliases.isEmpty()) {
            throw new IllegalArgumentException("at least one pseudonym is needed");
        }
        Pseudonym p = aliases.get(0);
        // One of 4,096 striped locks, held until the receipt is durable: the next change of the
        // same person must chain (prev) on a receipt that is in the log, and a failed batch must
        // not leave a receipt in memory that the log lacks. Other people's changes share the
        // group commit meanwhile; only those on the same stripe (1 in 4,096) wait for it.
        ReentrantLock lock = locks.of(p);
        lock.lock();
        try {
            Purposes purposes = PurposeKeys.apply(current(aliases).purposes(), partialPurposes);
            String prev = stored(p).map(s -> Receipt.hash(s.receipt())).orElse(null);
            long iat = clock.instant().getEpochSecond();
            Receipt r = Receipts.issue(key, p.value(), purposes, source, iat, policyVersion, prev);
            writer.append(p.value(), r.compact());
            ConsentState state = stateOf(r);
            latest.put(p, Optional.of(state));
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Every change of {@code p}, oldest first, each with its receipt; empty when none. Read from disk. */
    public List<ConsentState> history(Pseudonym p) {
        long[] offsets = index.offsets(p.value());
        List<ConsentState> out = new ArrayList<>(offsets.length);
        for (long offset : offsets) {
            out.add(read(offset));
        }
        return List.copyOf(out);
    }

    /** The JWK that verifies every receipt: {@code {"kty":"OKP","crv":"Ed25519","x":...,"kid":...}}. */
    public Map<String, Object> publicJwk() {
        return key.publicJwk();
    }

    /** The policy version written into new receipts. */
    public String policyVersion() {
        return policyVersion;
    }

    /** Current states held in memory now (at most the cache size, give or take pending evictions). */
    public long cachedStates() {
        latest.cleanUp();
        return latest.estimatedSize();
    }

    /** Group commits (log fsyncs) so far: fewer than updates when updates share them. */
    public long commits() {
        return writer.batches();
    }

    @Override
    public synchronized void close() {
        writer.close();
        index.close();
        log.close();
    }

    private Optional<ConsentState> stored(Pseudonym p) {
        return latest.get(p, k -> {
            long[] offsets = index.offsets(k.value());
            return offsets.length == 0 ? Optional.empty() : Optional.of(read(offsets[offsets.length - 1]));
        });
    }

    private ConsentState read(long offset) {
        String line = log.readAt(offset);
        try {
            return stateOf(Receipts.parse(ConsentLog.parse(line).receipt()));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "consent log line at byte " + offset + " is unreadable");
            throw new IllegalStateException("consent log holds an unreadable line at byte " + offset
                    + ": run `precis audit verify`", e);
        }
    }

    private static ConsentState stateOf(Receipt r) {
        return new ConsentState(r.purposes(), r.source(), Instant.ofEpochSecond(r.iat()), r.compact());
    }
}
