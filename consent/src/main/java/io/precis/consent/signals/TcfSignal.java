package io.precis.consent.signals;

import com.iabtcf.decoder.TCString;
import com.iabtcf.utils.IntIterable;
import io.precis.consent.Purposes;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Reads an IAB TCF v2 consent string with the IAB's own decoder and maps it to our purposes.
 *
 * <p>Mapping (API.md): purposes 3 ("create profiles for personalised advertising") and 4 ("use
 * profiles to select personalised advertising") → personalisation; 3 → profiling; 7 ("measure
 * advertising performance") → measurement; special feature 1 ("use precise geolocation data")
 * → precise_geo. Only purpose consent counts, never legitimate interest. TCF policy version 4
 * is the one of TCF v2.2 (and v2.3 keeps it): older strings predate the current purpose texts
 * and are not accepted. The string itself is never kept or logged.
 */
public final class TcfSignal {
    /** Lowest accepted TCF policy version: 4 is TCF v2.2's. */
    public static final int MIN_POLICY_VERSION = 4;

    private TcfSignal() {}

    /** The purposes a TCF string grants; {@link Purposes#NONE} when it is absent, invalid or too old. */
    public static Purposes purposes(String tcf) {
        return parse(tcf).orElse(Purposes.NONE);
    }

    /** The purposes of a valid TCF v2 string of policy version ≥ 4; empty for anything else. */
    public static Optional<Purposes> parse(String tcf) {
        if (tcf == null || tcf.isBlank() || tcf.length() > 16_384) {
            return Optional.empty();
        }
        try {
            // The decoder is lazy: fields are read (and may fail) on access, hence one try around all.
            TCString s = TCString.decode(tcf.strip());
            if (s.getVersion() != 2 || s.getTcfPolicyVersion() < MIN_POLICY_VERSION) {
                return Optional.empty();
            }
            IntIterable consent = s.getPurposesConsent();
            IntIterable features = s.getSpecialFeatureOptIns();
            return Optional.of(map(consent::contains, features::contains));
        } catch (RuntimeException e) {
            // ByteParseException, UnsupportedVersionException, IllegalArgumentException, index errors...
            return Optional.empty();
        }
    }

    /**
     * The one mapping of TCF purpose consents and special-feature opt-ins to our purposes, shared
     * with the TCF EU section of a GPP string ({@link GppSignal}).
     */
    static Purposes map(IntPredicate purposeConsent, IntPredicate specialFeature) {
        boolean p3 = purposeConsent.test(3);
        boolean p4 = purposeConsent.test(4);
        return new Purposes(p3 && p4, p3, purposeConsent.test(7), specialFeature.test(1));
    }
}
