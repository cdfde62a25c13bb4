package io.precis.consent.pseudonym;

import io.precis.consent.Json;
import io.precis.consent.crypto.Base64Url;
import io.precis.consent.crypto.Hkdf;
import io.precis.consent.crypto.Hmac;
import io.precis.consent.crypto.KeyFiles;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.identity.RawUserId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns raw user ids into keyed pseudonyms, one key per epoch, with rotation and destruction.
 *
 * <p>Pseudonym = epoch number (base 36, 1–2 characters for epochs up to 1295) followed by the
 * base64url of the first 16 bytes of HMAC-SHA256(domainKey, "precis/pseudonym/&lt;domain&gt;/v1" ‖
 * epoch number ‖ user id), each part length-prefixed ({@link Hmac#macOf}), where domainKey = HKDF-SHA256(epoch master key, info = "precis/pseudonym/&lt;domain&gt;/v1").
 * Delivery and measurement pseudonyms use different derived keys, so the two cannot be joined
 * without the master key. Truncating to 128 bits keeps ids short (22 characters) while leaving
 * collisions out of reach (birthday bound 2^64 users) and guessing impossible without the key.
 *
 * <p>Key directory {@code <keysDir>/pseudonym/}: {@code epoch-<n>.key} (32 random bytes, mode 600)
 * and {@code epochs.json} (numbers, start and overlap-end times; no secrets). With the
 * environment variable {@value #ENV_KEY} set (base64 of ≥ 32 bytes) that key is the master key of
 * the single epoch {@value #ENV_EPOCH} names (default 1) and nothing is read from or written to
 * the directory; rotation is then done by changing the environment.
 *
 * <p>Thread-safe: lookups read an immutable snapshot; rotation and destruction are serialised.
 */
public final class Pseudonymiser {
    public static final String ENV_KEY = "PRECIS_PSEUDONYM_KEY";
    public static final String ENV_EPOCH = "PRECIS_PSEUDONYM_EPOCH";
    /** Bytes of HMAC output kept (see class comment). */
    static final int PSEUDONYM_BYTES = 16;
    static final int BODY_CHARS = 22;
    private static final int MASTER_KEY_BYTES = 32;
    private static final String SUBDIR = "pseudonym";
    private static final String METADATA = "epochs.json";

    /** The two pseudonym domains. */
    public enum Domain {
        DELIVERY("delivery"), MEASUREMENT("measurement");

        final byte[] label;

        Domain(String name) {
            this.label = ("precis/pseudonym/" + name + "/v1").getBytes(StandardCharsets.UTF_8);
        }
    }

    private record EpochKeys(Hmac delivery, Hmac measurement) {
        Hmac of(Domain d) {
            return d == Domain.DELIVERY ? delivery : measurement;
        }
    }

    private record Snapshot(int current, List<Epoch> epochs, Map<Integer, EpochKeys> keys) {}

    private final Path dir;
    private final Duration overlap;
    private final Clock clock;
    private final boolean fromEnvironment;
    private volatile Snapshot snapshot;

    private Pseudonymiser(Path dir, Duration overlap, Clock clock, boolean fromEnvironment, Snapshot snapshot) {
        this.dir = dir;
        this.overlap = overlap;
        this.clock = clock;
        this.fromEnvironment = fromEnvironment;
        this.snapshot = snapshot;
    }

    /**
     * Opens the epochs of {@code keysDir} (creating epoch 1 on first use), or uses
     * {@value #ENV_KEY} when that environment variable is set. {@code overlap} is how long the
     * previous epoch stays resolvable after {@link #rotate()}.
     */
    public static Pseudonymiser open(Path keysDir, Duration overlap, Clock clock) {
        return open(keysDir, overlap, clock, System.getenv());
    }

    /** {@link #open(Path, Duration, Clock)} reading the two variables from {@code env}. */
    public static Pseudonymiser open(Path keysDir, Duration overlap, Clock clock, Map<String, String> env) {
        Objects.requireNonNull(clock, "clock");
        if (overlap == null || overlap.isNegative()) {
            throw new IllegalArgumentException("overlap must be zero or positive");
        }
        Path dir = keysDir.resolve(SUBDIR);
        String envKey = env.get(ENV_KEY);
        if (envKey != null && !envKey.isBlank()) {
            byte[] master;
            try {
                master = java.util.Base64.getDecoder().decode(envKey.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV_KEY + " is not valid base64");
            }
            if (master.length < MASTER_KEY_BYTES) {
                throw new IllegalArgumentException(ENV_KEY + " must hold at least 32 bytes");
            }
            int n = Integer.parseInt(env.getOrDefault(ENV_EPOCH, "1").strip());
            if (n < 1) {
                throw new IllegalArgumentException(ENV_EPOCH + " must be 1 or more");
            }
            Snapshot s = new Snapshot(n, List.of(new Epoch(n, Instant.EPOCH, null, false)),
                    Map.of(n, keysOf(master)));
            return new Pseudonymiser(dir, overlap, clock, true, s);
        }
        Pseudonymiser p = new Pseudonymiser(dir, overlap, clock, false, null);
        synchronized (p) {
            p.snapshot = p.load();
            if (p.snapshot.epochs().isEmpty()) {
                p.startEpoch(1, List.of());
            }
        }
        return p;
    }

    /** The delivery pseudonym of {@code user} in the current epoch. */
    public Pseudonym delivery(RawUserId user) {
        return compute(snapshot, snapshot.current(), Domain.DELIVERY, user);
    }

    /** The measurement pseudonym of {@code user} in the current epoch; not joinable with {@link #delivery}. */
    public Pseudonym measurement(RawUserId user) {
        return compute(snapshot, snapshot.current(), Domain.MEASUREMENT, user);
    }

    /** The delivery pseudonyms of {@code user}: current epoch first, then older epochs still in their overlap. */
    public List<Pseudonym> deliveryAliases(RawUserId user) {
        return aliases(Domain.DELIVERY, user);
    }

    /** As {@link #deliveryAliases} for measurement pseudonyms. */
    public List<Pseudonym> measurementAliases(RawUserId user) {
        return aliases(Domain.MEASUREMENT, user);
    }

    /** The number of the current epoch. */
    public int currentEpoch() {
        return snapshot.current();
    }

    /** Every recorded epoch, oldest first, including destroyed ones. */
    public List<Epoch> epochs() {
        return snapshot.epochs();
    }

    /** The epoch a pseudonym names, or -1 when it is not one of ours. */
    public static int epochOf(Pseudonym p) {
        String v = p.value();
        if (v.length() <= BODY_CHARS || v.length() > BODY_CHARS + 2) {
            return -1;
        }
        try {
            return Integer.parseInt(v.substring(0, v.length() - BODY_CHARS), 36);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Starts a new epoch and returns its number; the previous one stays resolvable for the
     * overlap given at open. Throws {@link IllegalStateException} when keys come from the environment.
     */
    public synchronized int rotate() {
        requireDirectoryKeys("rotate");
        Snapshot s = load();
        Instant now = clock.instant();
        List<Epoch> epochs = new ArrayList<>();
        for (Epoch e : s.epochs()) {
            epochs.add(e.number() == s.current() && e.expires() == null
                    ? new Epoch(e.number(), e.started(), now.plus(overlap), e.destroyed()) : e);
        }
        int next = s.epochs().stream().mapToInt(Epoch::number).max().orElse(0) + 1;
        startEpoch(next, epochs);
        return next;
    }

    /**
     * Destroys the keys of every epoch whose overlap has ended: afterwards its pseudonyms can no
     * longer be recomputed from any user id, so whatever is stored under them is unlinkable.
     * Returns how many keys were destroyed.
     */
    public synchronized int destroyExpired() {
        requireDirectoryKeys("destroy keys");
        Snapshot s = load();
        Instant now = clock.instant();
        List<Epoch> epochs = new ArrayList<>();
        List<Integer> doomed = new ArrayList<>();
        for (Epoch e : s.epochs()) {
            boolean expired = e.number() != s.current() && !e.destroyed()
                    && e.expires() != null && !now.isBefore(e.expires());
            if (expired) {
                doomed.add(e.number());
                epochs.add(new Epoch(e.number(), e.started(), e.expires(), true));
            } else {
                epochs.add(e);
            }
        }
        if (doomed.isEmpty()) {
            return 0;
        }
        try {
            for (int n : doomed) {
                destroyKeyFile(keyFile(n));
            }
            writeMetadata(epochs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot destroy expired pseudonym keys in " + dir, e);
        }
        snapshot = load();
        return doomed.size();
    }

    /**
     * True when the key comes from {@value #ENV_KEY}: one fixed epoch, which {@link #reload}
     * leaves as it is and {@link #rotate} and {@link #destroyExpired} refuse to change.
     */
    public boolean keysFromEnvironment() {
        return fromEnvironment;
    }

    /** Re-reads the key directory, e.g. after {@code precis keys rotate} ran in another process. */
    public synchronized void reload() {
        if (!fromEnvironment) {
            snapshot = load();
        }
    }

    private List<Pseudonym> aliases(Domain domain, RawUserId user) {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        List<Pseudonym> out = new ArrayList<>();
        out.add(compute(s, s.current(), domain, user));
        s.epochs().stream()
                .filter(e -> e.number() != s.current() && e.resolvableAt(now) && s.keys().containsKey(e.number()))
                .sorted(Comparator.comparingInt(Epoch::number).reversed())
                .forEach(e -> out.add(compute(s, e.number(), domain, user)));
        return List.copyOf(out);
    }

    private static Pseudonym compute(Snapshot s, int epoch, Domain domain, RawUserId user) {
        Objects.requireNonNull(user, "user");
        byte[] id = user.revealForPseudonymisation().getBytes(StandardCharsets.UTF_8);
        byte[] epochBytes = Integer.toString(epoch).getBytes(StandardCharsets.US_ASCII);
        byte[] mac = s.keys().get(epoch).of(domain).macOf(domain.label, epochBytes, id);
        return new Pseudonym(Integer.toString(epoch, 36)
                + Base64Url.encode(Arrays.copyOf(mac, PSEUDONYM_BYTES)));
    }

    private static EpochKeys keysOf(byte[] master) {
        return new EpochKeys(
                new Hmac(Hkdf.derive(master, null, Domain.DELIVERY.label, 32)),
                new Hmac(Hkdf.derive(master, null, Domain.MEASUREMENT.label, 32)));
    }

    private void requireDirectoryKeys(String what) {
        if (fromEnvironment) {
            throw new IllegalStateException("cannot " + what + ": the pseudonym key comes from "
                    + ENV_KEY + "; change the environment instead");
        }
    }

    private void startEpoch(int n, List<Epoch> previous) {
        try {
            Files.createDirectories(dir);
            Path key = keyFile(n);
            Files.deleteIfExists(key); // a leftover of a rotation that never recorded its metadata
            KeyFiles.loadOrCreate(key, MASTER_KEY_BYTES);
            List<Epoch> epochs = new ArrayList<>(previous);
            epochs.add(new Epoch(n, clock.instant(), null, false));
            writeMetadata(epochs); // the commit point of the rotation
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start pseudonym epoch in " + dir, e);
        }
        snapshot = load();
    }

    private Snapshot load() {
        Path meta = dir.resolve(METADATA);
        if (!Files.exists(meta)) {
            return new Snapshot(0, List.of(), Map.of());
        }
        try {
            Map<String, Object> root = Json.readObject(Files.readString(meta));
            List<Epoch> epochs = new ArrayList<>();
            for (Object o : (List<?>) root.get("epochs")) {
                Map<?, ?> m = (Map<?, ?>) o;
                Object expires = m.get("expires");
                epochs.add(new Epoch(((Number) m.get("number")).intValue(),
                        Instant.parse((String) m.get("started")),
                        expires == null ? null : Instant.parse((String) expires),
                        Boolean.TRUE.equals(m.get("destroyed"))));
            }
            epochs.sort(Comparator.comparingInt(Epoch::number));
            int current = epochs.get(epochs.size() - 1).number();
            Map<Integer, EpochKeys> keys = new LinkedHashMap<>();
            for (Epoch e : epochs) {
                Path f = keyFile(e.number());
                if (!e.destroyed() && Files.exists(f)) {
                    keys.put(e.number(), keysOf(KeyFiles.loadOrCreate(f, MASTER_KEY_BYTES)));
                }
            }
            if (!keys.containsKey(current)) {
                throw new IllegalStateException("the key of the current pseudonym epoch " + current
                        + " is missing from " + dir);
            }
            return new Snapshot(current, List.copyOf(epochs), Map.copyOf(keys));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException
                 | java.time.format.DateTimeParseException e) {
            throw new IllegalStateException(meta + " is malformed", e);
        }
    }

    private void writeMetadata(List<Epoch> epochs) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Epoch e : epochs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", e.number());
            m.put("started", e.started().toString());
            m.put("expires", e.expires() == null ? null : e.expires().toString());
            m.put("destroyed", e.destroyed());
            list.add(m);
        }
        KeyFiles.writeOwnerOnly(dir.resolve(METADATA),
                Json.write(Map.of("epochs", list)).getBytes(StandardCharsets.UTF_8));
    }

    private Path keyFile(int n) {
        return dir.resolve("epoch-" + n + ".key");
    }

    /**
     * Overwrites then deletes a key file. The overwrite is best effort (journaling and
     * copy-on-write file systems may keep old blocks); deleting the only copy is what counts.
     */
    static void destroyKeyFile(Path f) throws IOException {
        if (!Files.exists(f)) {
            return;
        }
        long size = Files.size(f);
        Files.write(f, new byte[(int) size], java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.SYNC);
        Files.delete(f);
    }

    @Override
    public String toString() {
        return "Pseudonymiser[epoch " + snapshot.current() + (fromEnvironment ? ", key from environment]" : "]");
    }
}
