package io.precis.consent.vault;

import io.precis.consent.crypto.Base64Url;
import io.precis.consent.crypto.Hkdf;
import io.precis.consent.crypto.Hmac;
import io.precis.consent.crypto.KeyFiles;
import io.precis.consent.crypto.SealException;
import io.precis.consent.crypto.Sealer;
import io.precis.consent.identity.Pseudonym;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-user data at rest (profile attributes, behaviour), encrypted so that erasure is also
 * cryptographic.
 *
 * <p>Each user's data key = HKDF-SHA256(master key, salt = the user's random 32-byte salt,
 * info = "precis/vault/user/v1/" + pseudonym). The master key and the salts live in the KEYS
 * dir, the ciphertexts in the DATA dir, so a copy of the data dir alone (a backup) decrypts
 * nothing; {@link #erase} deletes the data and the salt, after which no copy of that user's data
 * can be decrypted even with the master key. Records are AES-256-GCM with AAD binding the
 * pseudonym and the kind, so a file moved to another user or kind does not open. File and
 * directory names are HMACs under a key derived from the master key: nothing in a name can be
 * reversed or linked to a pseudonym without it.
 *
 * <p>Layout: {@code <keysDir>/vault/master.key}, {@code <keysDir>/vault/salts/<user>.salt}
 * (mode 600); {@code <dataDir>/vault/<user>/<record>.bin} (mode 600). A record file holds
 * version byte 1, the sealed kind name (length-prefixed) and the sealed data, so a user's kinds
 * can be listed for export without revealing them in names.
 *
 * <p>Records kept elsewhere ({@link #seal}, {@link #open}): a store that appends a user's data
 * as many small records (behaviour) seals each under the same user key, with its own AAD label
 * and a short key id in front, and files them under {@link #storageName}. Erasure deletes the
 * salt, so they become undecryptable with the records here; a record sealed under a key since
 * erased opens as empty, never as another key's data.
 *
 * <p>Thread-safe: operations on one user are serialised by a striped lock; writes are atomic
 * (temporary file, fsync, rename, directory fsync). Blocking: call from a worker.
 */
public final class UserVault {
    private static final System.Logger LOG = System.getLogger(UserVault.class.getName());

    private static final byte FORMAT = 1;
    private static final int SALT_BYTES = 32;
    /** Lock stripes: enough to keep unrelated users from waiting on each other. */
    private static final int STRIPES = 4096;
    private static final byte[] USER_INFO = "precis/vault/user/v1/".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NAMES_INFO = "precis/vault/names/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KIND_AAD = "precis/vault/kind/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA_AAD = "precis/vault/data/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LOG_AAD = "precis/vault/log/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_ID_INFO = "precis/vault/key-id/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OWNERS_INFO = "precis/vault/owners/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OWNER_AAD = "precis/vault/owner/v1".getBytes(StandardCharsets.UTF_8);
    /** Enough to tell a user's keys apart (a new key after erasure), far too short to say anything about one. */
    private static final int KEY_ID_BYTES = 8;
    private static final String SUFFIX = ".bin";

    private final Path dataRoot;
    private final Path saltRoot;
    private final byte[] master;
    private final Hmac names;
    /** Seals the pseudonyms of {@link #sealOwner}: a key of the vault's, not of any user. */
    private final Sealer owners;
    private final Object[] locks = new Object[STRIPES];

    private UserVault(Path dataRoot, Path saltRoot, byte[] master) {
        this.dataRoot = dataRoot;
        this.saltRoot = saltRoot;
        this.master = master;
        this.names = new Hmac(Hkdf.derive(master, null, NAMES_INFO, 32));
        this.owners = Sealer.reusingCiphers(Hkdf.derive(master, null, OWNERS_INFO, Sealer.KEY_LENGTH));
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** Opens the vault; creates its master key in {@code keysDir} on first use. */
    public static UserVault open(Path dataDir, Path keysDir) {
        byte[] master = KeyFiles.loadOrCreate(keysDir.resolve("vault").resolve("master.key"), 32);
        return new UserVault(dataDir.resolve("vault"), keysDir.resolve("vault").resolve("salts"), master);
    }

    /** Stores {@code plaintext} as the user's {@code kind} record, replacing any previous one; durable on return. */
    public void put(Pseudonym p, String kind, byte[] plaintext) {
        requireKind(kind);
        String user = userName(p);
        synchronized (lock(user)) {
            try {
                byte[] salt = KeyFiles.loadOrCreate(saltRoot.resolve(user + ".salt"), SALT_BYTES);
                Sealer sealer = new Sealer(userKey(salt, p));
                byte[] header = sealer.seal(kind.getBytes(StandardCharsets.UTF_8), aad(KIND_AAD, p, ""));
                byte[] body = sealer.seal(plaintext, aad(DATA_AAD, p, kind));
                ByteBuffer out = ByteBuffer.allocate(1 + 4 + header.length + body.length);
                out.put(FORMAT).putInt(header.length).put(header).put(body);
                Path dir = dataRoot.resolve(user);
                boolean fresh = !Files.isDirectory(dir);
                Files.createDirectories(dir);
                if (fresh) {
                    KeyFiles.fsyncDirectory(dataRoot);
                }
                KeyFiles.writeOwnerOnly(dir.resolve(kindName(p, kind) + SUFFIX), out.array());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to the user vault", e);
            }
        }
    }

    /**
     * The name the vault files {@code p} under: an HMAC under a key derived from the master key,
     * not reversible and not linkable to the pseudonym without it. For stores that keep the
     * user's sealed records elsewhere.
     */
    public String storageName(Pseudonym p) {
        return userName(p);
    }

    /**
     * Seals {@code plaintext} as one record of {@code p}'s {@code kind} log, kept by the caller:
     * AES-256-GCM under the user's data key (created, durably, on the user's first record),
     * bound to the pseudonym and kind. Form: 8-byte key id || nonce || ciphertext || tag.
     */
    public byte[] seal(Pseudonym p, String kind, byte[] plaintext) {
        requireKind(kind);
        String user = userName(p);
        byte[] key;
        synchronized (lock(user)) {
            key = userKey(KeyFiles.loadOrCreate(saltRoot.resolve(user + ".salt"), SALT_BYTES), p);
        }
        byte[] sealed = new Sealer(key).seal(plaintext, aad(LOG_AAD, p, kind));
        return ByteBuffer.allocate(KEY_ID_BYTES + sealed.length).put(keyId(key)).put(sealed).array();
    }

    /**
     * The plaintext of a record made by {@link #seal}; empty when the user has no key now
     * (erased) or the record was sealed under another key (one since erased, or another
     * user's). Throws {@link SealException} when it was tampered with or sealed for another kind.
     */
    public Optional<byte[]> open(Pseudonym p, String kind, byte[] record) {
        return openAll(p, kind, List.of(record)).stream().findFirst();
    }

    /**
     * {@link #open} for many records of one user, deriving the key once: the plaintexts in order,
     * leaving out records sealed under another key; empty when the user has no key now.
     */
    public List<byte[]> openAll(Pseudonym p, String kind, List<byte[]> records) {
        requireKind(kind);
        String user = userName(p);
        Optional<byte[]> salt;
        synchronized (lock(user)) {
            salt = readSalt(user);
        }
        if (salt.isEmpty()) {
            return List.of();
        }
        byte[] key = userKey(salt.get(), p);
        byte[] id = keyId(key);
        Sealer sealer = new Sealer(key);
        byte[] aad = aad(LOG_AAD, p, kind);
        List<byte[]> out = new ArrayList<>(records.size());
        for (byte[] record : records) {
            if (record == null || record.length < KEY_ID_BYTES) {
                throw new SealException("vault log record is truncated");
            }
            if (java.security.MessageDigest.isEqual(id, Arrays.copyOf(record, KEY_ID_BYTES))) {
                out.add(sealer.open(Arrays.copyOfRange(record, KEY_ID_BYTES, record.length), aad));
            }
        }
        return out;
    }

    /**
     * {@code p} sealed (AES-256-GCM) under a key derived from the master key, for a store that
     * must find, with no pseudonym in hand, whose records it holds (to load them all at start):
     * it keeps this beside the records sealed by {@link #seal}. It reveals nothing without the
     * master key, and with it only the pseudonym: the records stay sealed under the user's
     * key, so an erased user's stay unreadable.
     */
    public byte[] sealOwner(Pseudonym p) {
        return owners.seal(p.value().getBytes(StandardCharsets.UTF_8), OWNER_AAD);
    }

    /** The pseudonym {@link #sealOwner} sealed; throws {@link SealException} when tampered with. */
    public Pseudonym openOwner(byte[] sealed) {
        return new Pseudonym(new String(owners.open(sealed, OWNER_AAD), StandardCharsets.UTF_8));
    }

    /** Deletes the user's {@code kind} record kept here, if any (the key and other kinds stay). */
    public void remove(Pseudonym p, String kind) {
        requireKind(kind);
        String user = userName(p);
        synchronized (lock(user)) {
            try {
                Path dir = dataRoot.resolve(user);
                if (Files.deleteIfExists(dir.resolve(kindName(p, kind) + SUFFIX))) {
                    KeyFiles.fsyncDirectory(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete from the user vault", e);
            }
        }
    }

    /**
     * The user's {@code kind} record; empty when there is none or the user was erased. Throws
     * {@link SealException} when the record was tampered with.
     */
    public Optional<byte[]> get(Pseudonym p, String kind) {
        requireKind(kind);
        String user = userName(p);
        synchronized (lock(user)) {
            Optional<byte[]> salt = readSalt(user);
            Path file = dataRoot.resolve(user).resolve(kindName(p, kind) + SUFFIX);
            if (salt.isEmpty() || !Files.exists(file)) {
                return Optional.empty();
            }
            Record r = decrypt(new Sealer(userKey(salt.get(), p)), p, file);
            if (!r.kind().equals(kind)) {
                throw new SealException("vault record does not hold the kind it is named for");
            }
            return Optional.of(r.data());
        }
    }

    /** Every record of the user by kind (sorted), for export; empty when none. Throws {@link SealException} on tampering. */
    public Map<String, byte[]> getAll(Pseudonym p) {
        String user = userName(p);
        synchronized (lock(user)) {
            Optional<byte[]> salt = readSalt(user);
            Path dir = dataRoot.resolve(user);
            Map<String, byte[]> out = new TreeMap<>();
            if (salt.isEmpty() || !Files.isDirectory(dir)) {
                return out;
            }
            Sealer sealer = new Sealer(userKey(salt.get(), p));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path f : files) {
                    Record r = decrypt(sealer, p, f);
                    out.put(r.kind(), r.data());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the user vault", e);
            }
            return out;
        }
    }

    /** The kinds the user has records of. */
    public Set<String> kinds(Pseudonym p) {
        return getAll(p).keySet();
    }

    /** Whether the vault holds any readable record of the user. */
    public boolean exists(Pseudonym p) {
        String user = userName(p);
        synchronized (lock(user)) {
            Path dir = dataRoot.resolve(user);
            if (readSalt(user).isEmpty() || !Files.isDirectory(dir)) {
                return false;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                return files.iterator().hasNext();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the user vault", e);
            }
        }
    }

    /**
     * Erases the user: first the salt (without it the data key cannot be derived again, so every
     * copy of the records, backups included, is undecryptable from this moment), then the
     * records themselves. Idempotent.
     */
    public void erase(Pseudonym p) {
        String user = userName(p);
        synchronized (lock(user)) {
            try {
                Path salt = saltRoot.resolve(user + ".salt");
                if (Files.exists(salt)) {
                    Files.write(salt, new byte[SALT_BYTES], StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                    Files.delete(salt);
                    KeyFiles.fsyncDirectory(saltRoot);
                }
                Path dir = dataRoot.resolve(user);
                if (Files.isDirectory(dir)) {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                        for (Path f : files) {
                            Files.delete(f);
                        }
                    }
                    Files.delete(dir);
                    KeyFiles.fsyncDirectory(dataRoot);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot erase from the user vault", e);
            }
        }
    }

    private record Record(String kind, byte[] data) {}

    private Record decrypt(Sealer sealer, Pseudonym p, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the user vault", e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 5 || in.get() != FORMAT) {
            throw new SealException("vault record has an unknown format");
        }
        int headerLength = in.getInt();
        if (headerLength < 0 || headerLength > in.remaining()) {
            throw new SealException("vault record is truncated");
        }
        byte[] header = Arrays.copyOfRange(bytes, 5, 5 + headerLength);
        byte[] body = Arrays.copyOfRange(bytes, 5 + headerLength, bytes.length);
        String kind = new String(sealer.open(header, aad(KIND_AAD, p, "")), StandardCharsets.UTF_8);
        return new Record(kind, sealer.open(body, aad(DATA_AAD, p, kind)));
    }

    private byte[] userKey(byte[] salt, Pseudonym p) {
        byte[] id = p.value().getBytes(StandardCharsets.UTF_8);
        byte[] info = Arrays.copyOf(USER_INFO, USER_INFO.length + id.length);
        System.arraycopy(id, 0, info, USER_INFO.length, id.length);
        return Hkdf.derive(master, salt, info, Sealer.KEY_LENGTH);
    }

    private static byte[] keyId(byte[] userKey) {
        return Hkdf.derive(userKey, null, KEY_ID_INFO, KEY_ID_BYTES);
    }

    /** Length-prefixed label ‖ pseudonym ‖ kind, so no two (pseudonym, kind) pairs share an AAD. */
    private static byte[] aad(byte[] label, Pseudonym p, String kind) {
        byte[][] parts = {label, p.value().getBytes(StandardCharsets.UTF_8), kind.getBytes(StandardCharsets.UTF_8)};
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(x -> 4 + x.length).sum());
        for (byte[] part : parts) {
            b.putInt(part.length).put(part);
        }
        return b.array();
    }

    private String userName(Pseudonym p) {
        return Base64Url.encode(names.macOf("user".getBytes(StandardCharsets.UTF_8),
                p.value().getBytes(StandardCharsets.UTF_8)));
    }

    private String kindName(Pseudonym p, String kind) {
        return Base64Url.encode(names.macOf("kind".getBytes(StandardCharsets.UTF_8),
                p.value().getBytes(StandardCharsets.UTF_8), kind.getBytes(StandardCharsets.UTF_8)));
    }

    private Optional<byte[]> readSalt(String user) {
        Path f = saltRoot.resolve(user + ".salt");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(KeyFiles.loadOrCreate(f, SALT_BYTES));
    }

    private Object lock(String user) {
        return locks[Math.floorMod(user.hashCode(), STRIPES)];
    }

    private static void requireKind(String kind) {
        if (kind == null || kind.isEmpty() || kind.length() > 64) {
            throw new IllegalArgumentException("kind must be 1 to 64 characters");
        }
    }

    @Override
    public String toString() {
        return "UserVault[" + dataRoot + "]";
    }
}
