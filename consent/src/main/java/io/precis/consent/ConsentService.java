package io.precis.consent;

import io.precis.consent.log.ConsentLog;
import io.precis.consent.identity.Pseudonym;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users' stored consent: every change signed as a receipt, appended durably to the hash-chained
 * {@link ConsentLog}, and the current state of each pseudonym kept in memory, rebuilt by replaying
 * the log at open.
 *
 * <p>Thread-safe. Reads never block; updates are serialised and return only after the log line
 * is on disk (fsync), and the next {@link #current} sees them. Blocking: call from a worker.
 * At open every link of the log and the signature of its last line are checked; the full
 * signature check is {@code AuditVerifier}'s.
 */
public final class ConsentService implements AutoCloseable {
    public static final Set<String> SOURCES = Set.of("user", "tcf", "default");

    private final ConsentLog log;
    private final ReceiptKey key;
    private final Purposes defaults;
    private final String policyVersion;
    private final Clock clock;
    private final Map<Pseudonym, List<ConsentState>> histories = new ConcurrentHashMap<>();
    private boolean closed;
    private long replayed;
    private String lastReplayed;

    private ConsentService(ReceiptKey key, Purposes defaults, String policyVersion, Clock clock, Path dataDir) {
        this.key = key;
        this.defaults = defaults;
        this.policyVersion = policyVersion;
        this.clock = clock;
        this.log = ConsentLog.open(dataDir, e -> replay(e.receipt()));
    }

    /**
     * Opens (or creates) the consent log of {@code dataDir} with the receipt key of
     * {@code keysDir}. {@code defaults} apply to pseudonyms without a stored choice.
     */
    public static ConsentService open(Path dataDir, Path keysDir, Purposes defaults, String policyVersion,
                                      Clock clock) {
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(clock, "clock");
        ConsentService s = new ConsentService(ReceiptKey.openOrCreate(keysDir), defaults, policyVersion, clock,
                dataDir);
        s.checkLastSignature();
        return s;
    }

    /** The stored consent of {@code p}, or the defaults (source "default", no receipt) when there is none. */
    public ConsentState current(Pseudonym p) {
        List<ConsentState> h = histories.get(p);
        return h == null ? new ConsentState(defaults, "default", null, null) : h.get(h.size() - 1);
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
            List<ConsentState> h = histories.get(p);
            if (h != null) {
                return h.get(h.size() - 1);
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
    public synchronized ConsentState update(List<Pseudonym> aliases, Map<String, Boolean> partialPurposes,
                                            String source) {
        if (closed) {
            throw new IllegalStateException("consent service is closed");
        }
        if (!SOURCES.contains(source)) {
            throw new IllegalArgumentException("source must be one of " + SOURCES);
        }
        if (aliases.isEmpty()) {
            throw new IllegalArgumentException("at least one pseudonym is needed");
        }
        Pseudonym p = aliases.get(0);
        Purposes purposes = PurposeKeys.apply(current(aliases).purposes(), partialPurposes);
        List<ConsentState> own = histories.get(p);
        String prev = own == null ? null : Receipt.hash(own.get(own.size() - 1).receipt());
        long iat = clock.instant().getEpochSecond();
        Receipt r = Receipts.issue(key, p.value(), purposes, source, iat, policyVersion, prev);
        log.append(r.compact());
        return record(p, r);
    }

    /** Every change of {@code p}, oldest first, each with its receipt; empty when none. */
    public List<ConsentState> history(Pseudonym p) {
        return histories.getOrDefault(p, List.of());
    }

    /** The JWK that verifies every receipt: {@code {"kty":"OKP","crv":"Ed25519","x":...,"kid":...}}. */
    public Map<String, Object> publicJwk() {
        return key.publicJwk();
    }

    /** The policy version written into new receipts. */
    public String policyVersion() {
        return policyVersion;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            log.close();
        }
    }

    private void replay(String compact) {
        Receipt r;
        try {
            r = Receipts.parse(compact);
        } catch (RuntimeException e) {
            throw new IllegalStateException("consent log holds an unreadable receipt at line "
                    + (replayed + 1) + ": run `precis audit verify`", e);
        }
        replayed++;
        lastReplayed = compact;
        record(new Pseudonym(r.sub()), r);
    }

    private ConsentState record(Pseudonym p, Receipt r) {
        ConsentState state = new ConsentState(r.purposes(), r.source(), Instant.ofEpochSecond(r.iat()), r.compact());
        histories.compute(p, (k, old) -> {
            List<ConsentState> next = new ArrayList<>(old == null ? List.of() : old);
            next.add(state);
            return List.copyOf(next);
        });
        return state;
    }

    /** The last line's signature proves the key in the keys dir is the one that wrote the log. */
    private void checkLastSignature() {
        if (lastReplayed != null) {
            try {
                Receipts.verify(lastReplayed, key.publicKey());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("consent log line " + replayed + " does not verify under the"
                        + " receipt key: " + e.getMessage() + "; run `precis audit verify`");
            }
        }
    }
}
