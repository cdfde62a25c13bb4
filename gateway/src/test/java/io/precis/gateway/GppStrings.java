package io.precis.gateway;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.field.TcfEuV2Field;
import com.iab.gpp.encoder.field.UsNatField;
import com.iab.gpp.encoder.section.TcfEuV2;
import com.iab.gpp.encoder.section.UsNat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** GPP strings for tests, built with the IAB's own encoder. */
public final class GppStrings {
    private GppStrings() {}

    /** A GPP model whose TCF EU v2 section (policy version 5) grants purposes 1 to 10 and special feature 1. */
    public static GppModel fullTcfConsent() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        GppModel m = new GppModel();
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.CMP_ID, 7);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.CONSENT_LANGUAGE, "EN");
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.VENDOR_LIST_VERSION, 150);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.POLICY_VERSION, 5);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.PUBLISHER_COUNTRY_CODE, "DE");
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.CREATED, t);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.LAST_UPDATED, t);
        List<Boolean> purposes = new ArrayList<>(Collections.nCopies(24, false));
        for (int p = 1; p <= 10; p++) {
            purposes.set(p - 1, true);
        }
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.PURPOSE_CONSENTS, purposes);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.SPECIAL_FEATURE_OPTINS, List.of(true, false));
        return m;
    }

    /** Full TCF consent as a GPP string (section id 2). */
    public static String fullConsent() {
        return fullTcfConsent().encode();
    }

    /** Full TCF consent plus a US national section (id 7) in which the user opted out of targeted advertising. */
    public static String fullTcfConsentWithUsTargetingOptOut() {
        GppModel m = fullTcfConsent();
        m.setFieldValue(UsNat.NAME, UsNatField.TARGETED_ADVERTISING_OPT_OUT_NOTICE, 1);
        m.setFieldValue(UsNat.NAME, UsNatField.TARGETED_ADVERTISING_OPT_OUT, 1);
        return m.encode();
    }
}
