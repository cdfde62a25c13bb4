package io.precis.gateway;

import com.iabtcf.encoder.TCStringEncoder;
import java.time.Instant;

/** TCF v2 consent strings for tests, built with the IAB's own encoder. */
public final class TcfStrings {
    private TcfStrings() {}

    /** A TCF v2 string granting purposes 1 to 10 and special feature 1 (full consent). */
    public static String fullConsent() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        TCStringEncoder.Builder b = TCStringEncoder.newBuilder()
                .version(2).created(t).lastUpdated(t)
                .cmpId(7).cmpVersion(1).consentScreen(1).consentLanguage("EN")
                .vendorListVersion(150).tcfPolicyVersion(5)
                .isServiceSpecific(true).publisherCC("DE")
                .addVendorConsent(755)
                .addSpecialFeatureOptIns(1);
        for (int purpose = 1; purpose <= 10; purpose++) {
            b.addPurposesConsent(purpose);
        }
        return b.encode();
    }
}
