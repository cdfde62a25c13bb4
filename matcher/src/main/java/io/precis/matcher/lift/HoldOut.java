package io.precis.matcher.lift;

import io.precis.consent.crypto.Hkdf;
import io.precis.consent.crypto.Hmac;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.Campaign;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Who is held out of a campaign's lift test: a person whose keyed hash of (delivery pseudonym,
 * campaign id), read as a number in [0, 1), is below the campaign's {@link Campaign#holdout}
 * share. The hash is HMAC-SHA256 under a key derived (HKDF) from the deployment's token key, so
 * every instance and every restart draws the same people, nobody without the key can tell or
 * steer who is held out, and each campaign draws its own independent sample. A person with no
 * delivery pseudonym (no user id, or no consent path that yields one) is never held out: they
 * are served as ever, and as their events carry no pseudonym either, they count in neither
 * group of the test. The draw is stable for as long as the person's delivery pseudonym is: a
 * pseudonym epoch rotation draws again, since the new pseudonym cannot be linked to the old.
 *
 * <p>Immutable and thread-safe.
 */
public final class HoldOut {
    /** Holds nobody out (no key): for matchers without lift tests. */
    public static final HoldOut NOBODY = new HoldOut(null);
    /** HKDF info of the hold-out key; the version lets a future draw use a fresh key. */
    private static final byte[] INFO = "precis/holdout/v1".getBytes(StandardCharsets.US_ASCII);
    /** 256-bit HMAC key, as every other keyed hash of Precis. */
    private static final int KEY_BYTES = 32;
    /** A double has 53 bits of mantissa: the top 53 bits of the MAC make a uniform number in [0, 1). */
    private static final double TWO_TO_MINUS_53 = 0x1.0p-53;

    private final Hmac mac;

    private HoldOut(Hmac mac) {
        this.mac = mac;
    }

    /** Draws under a key derived from {@code rootKey} (the token key: shared by every instance). */
    public static HoldOut keyedBy(byte[] rootKey) {
        return new HoldOut(new Hmac(Hkdf.derive(rootKey, null, INFO, KEY_BYTES)));
    }

    /** Whether the person of delivery pseudonym {@code person} (null: anonymous) is held out of {@code c}. */
    public boolean heldOut(Pseudonym person, Campaign c) {
        if (mac == null || person == null || c.holdout() <= 0) {
            return false;
        }
        return draw(person, c.id()) < c.holdout();
    }

    /** The person's uniform number in [0, 1) for campaign {@code campaignId}. */
    double draw(Pseudonym person, String campaignId) {
        byte[] h = mac.macOf(person.value().getBytes(StandardCharsets.UTF_8),
                campaignId.getBytes(StandardCharsets.UTF_8));
        return (ByteBuffer.wrap(h).getLong() >>> 11) * TWO_TO_MINUS_53;
    }
}
