package io.precis.consent.signals;

import com.iabtcf.decoder.TCString;
import com.iabtcf.utils.IntIterable;
import io.precis.consent.Purposes;
import java.util.Optional;

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
            boolean p3 = consent.contains(3);
            boolean p4 = consent.contains(4);
            boolean p7 = consent.contains(7);
            boolean sf1 = s.getSpecialFeatureOptIns().contains(1);
            return Optional.of(new Purposes(p3 && p4, p3, p7, sf1));
        } catch (RuntimeException e) {
            // ByteParseException, UnsupportedVersionException, IllegalArgumentException, index errors...
            return Optional.empty();
        }
    }
}
