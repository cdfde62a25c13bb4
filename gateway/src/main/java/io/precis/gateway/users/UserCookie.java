package io.precis.gateway.users;

import io.precis.consent.crypto.Base64Url;
import io.precis.consent.crypto.ConstantTime;
import io.precis.consent.crypto.Hmac;
import io.precis.consent.crypto.KeyFiles;
import io.precis.consent.crypto.Randoms;
import io.precis.consent.identity.RawUserId;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code precis_uid} cookie: who the browser's person is, set on first contact.
 *
 * <p>Its value is {@code <id>.<mac>}: a random 128-bit id and an HMAC-SHA256 tag of it under
 * this deployment's cookie key, both unpadded base64url. Only a value carrying a valid tag is
 * honoured, so knowing someone's user id (a publisher's {@code reader-1}) is not enough to act as
 * them; any other value is ignored and, where the person needs an id, replaced by a fresh one.
 * The cookie is {@code HttpOnly} (page scripts cannot read it), {@code SameSite=Lax}, and
 * {@code Secure} when the request came over TLS. Like every raw id the whole value is
 * pseudonymised on arrival and never stored.
 *
 * <p>Immutable and thread-safe.
 */
public final class UserCookie {
    public static final String NAME = "precis_uid";
    /** The key file in the keys directory; deleting it forgets every browser's identity. */
    static final String KEY_FILE = "cookie.key";
    /** 13 months, the longest lifetime European regulators accept for such cookies. */
    private static final long MAX_AGE_SECONDS = 395L * 24 * 3600;
    /** 128 random bits: an id nobody guesses. */
    private static final int ID_BYTES = 16;
    /**
     * The tag is HMAC-SHA256 cut to 128 bits (NIST SP 800-107 allows truncation to 64): forging
     * one takes about 2^128 tries, each a request.
     */
    private static final int TAG_BYTES = 16;
    /** 22 base64url characters each for id and tag, and the dot. */
    private static final int LENGTH = 2 * 22 + 1;
    /** Keeps this key's tags apart from any other use of it. */
    private static final byte[] LABEL = "precis_uid v1".getBytes(StandardCharsets.US_ASCII);

    private final Hmac mac;

    public UserCookie(byte[] key) {
        this.mac = new Hmac(key);
    }

    /** The cookie of the deployment whose keys live in {@code keysDir} (key created on first start). */
    public static UserCookie open(Path keysDir) {
        return new UserCookie(KeyFiles.loadOrCreate(keysDir.resolve(KEY_FILE), 32));
    }

    /**
     * The browser's user id, issuing a new cookie when it sent none this deployment issued (no
     * cookie, a malformed one, a forged or tampered one).
     */
    public RawUserId userOf(RoutingContext ctx) {
        RawUserId known = existing(ctx);
        if (known != null) {
            return known;
        }
        String value = issue();
        set(ctx, value);
        return RawUserId.ofNullable(value);
    }

    /**
     * Sets the cookie to {@code value} on {@code ctx}'s response: a value {@link #issue} made on
     * a worker, set by the event loop as it answers.
     */
    public void set(RoutingContext ctx, String value) {
        ctx.response().addCookie(Cookie.cookie(NAME, value)
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX)
                .setSecure(ctx.request().isSSL())
                .setMaxAge(MAX_AGE_SECONDS));
    }

    /** The browser's user id if it sent a cookie this deployment issued; null otherwise. Sets nothing. */
    public RawUserId existing(RoutingContext ctx) {
        return existing(sent(ctx));
    }

    /** The values of every cookie of this name the request sent, for {@link #existing(List)} on a worker. */
    public static List<String> sent(RoutingContext ctx) {
        return ctx.request().cookies(NAME).stream().map(Cookie::getValue).toList();
    }

    /** The user id of the first of {@code values} this deployment issued; null if none. Any thread. */
    public RawUserId existing(List<String> values) {
        // Every cookie of the name: one planted next to the real one must not shadow it.
        for (String value : values) {
            if (isIssued(value)) {
                return RawUserId.ofNullable(value);
            }
        }
        return null;
    }

    /** A fresh cookie value: a new random id and its tag. */
    public String issue() {
        byte[] id = Randoms.bytes(ID_BYTES);
        return Base64Url.encode(id) + "." + Base64Url.encode(tag(id));
    }

    /** Whether {@code value} is one this deployment issued; the tag is compared in constant time. */
    boolean isIssued(String value) {
        if (value == null || value.length() != LENGTH || value.charAt(LENGTH / 2) != '.') {
            return false;
        }
        byte[] id;
        byte[] tag;
        try {
            id = Base64Url.decode(value.substring(0, LENGTH / 2));
            tag = Base64Url.decode(value.substring(LENGTH / 2 + 1));
        } catch (IllegalArgumentException e) {
            return false; // not base64url, or not its canonical form: not a value we wrote
        }
        return id.length == ID_BYTES && ConstantTime.equals(tag(id), tag);
    }

    private byte[] tag(byte[] id) {
        return Arrays.copyOf(mac.macOf(LABEL, id), TAG_BYTES);
    }
}
