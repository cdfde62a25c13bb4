package io.precis.consent.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.field.TcfEuV2Field;
import com.iab.gpp.encoder.field.UsCaField;
import com.iab.gpp.encoder.field.UsNatField;
import com.iab.gpp.encoder.section.TcfEuV2;
import com.iab.gpp.encoder.section.UsCa;
import com.iab.gpp.encoder.section.UsNat;
import io.precis.consent.Purposes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real GPP strings, from the IAB library's own test fixtures and built with the IAB's own
 * encoder, read back through our mapping.
 */
class GppSignalTest {
    /** iabgpp-java GppModelTest: a US Privacy section, notice given, sale not opted out. */
    static final String USP_NOT_OPTED_OUT = "DBABTA~1YNN";
    /** iabgpp-java GppModelTest: a TCF EU v2 section of policy version 2 (before TCF v2.2). */
    static final String TCF_EU_POLICY_2 = "DBABMA~CPSG_8APSG_8ANwAAAENAwCAAAAAAAAAAAAAAAAAAAAA.QAAA.IAAA";
    /** iabgpp-java GppModelTest: TCF EU v2 (policy 2) and US Privacy. */
    static final String TCF_EU_AND_USP = "DBACNYA~CPSG_8APSG_8ANwAAAENAwCAAAAAAAAAAAAAAAAAAAAA.QAAA.IAAA~1YNN";

    /** A GPP model holding a TCF EU v2 section of {@code policyVersion} granting {@code purposes}. */
    static GppModel tcfEu(int policyVersion, int... purposes) {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        GppModel m = new GppModel();
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.CMP_ID, 7);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.CONSENT_LANGUAGE, "EN");
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.VENDOR_LIST_VERSION, 150);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.POLICY_VERSION, policyVersion);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.PUBLISHER_COUNTRY_CODE, "DE");
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.CREATED, t);
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.LAST_UPDATED, t);
        List<Boolean> bits = new ArrayList<>(java.util.Collections.nCopies(24, false));
        for (int p : purposes) {
            bits.set(p - 1, true);
        }
        m.setFieldValue(TcfEuV2.NAME, TcfEuV2Field.PURPOSE_CONSENTS, bits);
        return m;
    }

    /** Adds a US national section with the given sale, sharing and targeted-advertising opt-outs (1 = out, 2 = not). */
    static GppModel usNat(GppModel m, int sale, int sharing, int targeted) {
        m.setFieldValue(UsNat.NAME, UsNatField.SALE_OPT_OUT_NOTICE, 1);
        m.setFieldValue(UsNat.NAME, UsNatField.SALE_OPT_OUT, sale);
        m.setFieldValue(UsNat.NAME, UsNatField.SHARING_OPT_OUT, sharing);
        m.setFieldValue(UsNat.NAME, UsNatField.TARGETED_ADVERTISING_OPT_OUT, targeted);
        return m;
    }

    static Purposes effective(Purposes stored, String gpp, List<Integer> sid) {
        return ConsentResolver.effective(stored, null, new GppString(gpp, sid), false, false);
    }

    @Test
    void tcfEuSectionMapsAsTcfDoes() {
        assertEquals(new Purposes(true, true, false, false), effective(null, tcfEu(4, 1, 3, 4).encode(), List.of(2)));
        assertEquals(new Purposes(false, true, true, false), effective(Purposes.ALL, tcfEu(5, 3, 7).encode(), List.of(2)));
        assertEquals(Purposes.NONE, effective(Purposes.ALL, tcfEu(4, 1, 4).encode(), List.of(2)));
    }

    @Test
    void tcfEuSectionOfPolicyVersionBelow4IsNoConsent() {
        assertTrue(GppSignal.parse(TCF_EU_POLICY_2, List.of(2)).isEmpty());
        assertEquals(Purposes.NONE, effective(Purposes.ALL, TCF_EU_POLICY_2, List.of(2)));
        assertEquals(Purposes.NONE, effective(Purposes.ALL, tcfEu(2, 1, 3, 4, 7).encode(), List.of(2)));
    }

    @Test
    void usNationalOptOutOfSaleSharingOrTargetingSwitchesPersonalisationAndProfilingOff() {
        Purposes measured = new Purposes(false, false, true, true);
        assertEquals(measured, effective(Purposes.ALL, usNat(new GppModel(), 1, 2, 2).encode(), List.of(7)));
        assertEquals(measured, effective(Purposes.ALL, usNat(new GppModel(), 2, 1, 2).encode(), List.of(7)));
        assertEquals(measured, effective(Purposes.ALL, usNat(new GppModel(), 2, 2, 1).encode(), List.of(7)));
        assertEquals(Purposes.ALL, effective(Purposes.ALL, usNat(new GppModel(), 2, 2, 2).encode(), List.of(7)));
    }

    @Test
    void usStateSectionOptOutCountsToo() {
        GppModel m = new GppModel();
        m.setFieldValue(UsCa.NAME, UsCaField.SALE_OPT_OUT_NOTICE, 1);
        m.setFieldValue(UsCa.NAME, UsCaField.SALE_OPT_OUT, 2);
        m.setFieldValue(UsCa.NAME, UsCaField.SHARING_OPT_OUT, 1);
        assertEquals(new Purposes(false, false, true, true), effective(Purposes.ALL, m.encode(), List.of(8)));
    }

    @Test
    void usOptOutBesideGrantingTcfSectionStillSwitchesPersonalisationOff() {
        String s = usNat(tcfEu(4, 1, 3, 4, 7), 1, 2, 2).encode();
        assertEquals(new Purposes(false, false, true, false), effective(null, s, List.of(2, 7)));
        // gppSid decides: where only the TCF EU section applies, the US opt-out is not read.
        assertEquals(new Purposes(true, true, true, false), effective(null, s, List.of(2)));
        // Without gppSid every section in the string applies.
        assertEquals(new Purposes(false, false, true, false), effective(null, s, null));
    }

    @Test
    void usPrivacySectionWithoutOptOutKeepsTheStoredChoice() {
        assertEquals(Purposes.ALL, effective(Purposes.ALL, USP_NOT_OPTED_OUT, List.of(6)));
        assertEquals(new Purposes(false, false, true, true), effective(Purposes.ALL, "DBABTA~1YYN", List.of(6)));
    }

    @Test
    void tcfStringAndGppTcfSectionTogetherGrantOnlyWhatBothGrant() {
        String tcf = TcfSignalTest.withPurposes(1, 3, 4, 7);
        String gpp = tcfEu(4, 1, 3).encode();
        assertEquals(new Purposes(false, true, false, false),
                ConsentResolver.effective(Purposes.ALL, tcf, new GppString(gpp, List.of(2)), false, false));
    }

    @Test
    void gppSidNamingNoSectionWeReadIsNoConsent() {
        assertEquals(Purposes.NONE, effective(Purposes.ALL, TCF_EU_AND_USP, List.of(5)));
        assertEquals(Purposes.NONE, effective(Purposes.ALL, USP_NOT_OPTED_OUT, List.of()));
        assertEquals(Purposes.NONE, effective(Purposes.ALL, "DBAA", null));
    }

    @Test
    void invalidGppStringsMeanNoConsentNeverAnException() {
        String valid = usNat(tcfEu(4, 1, 3, 4, 7), 2, 2, 2).encode();
        for (String bad : new String[] {"invalid gpp string", "z", "%%%", "DBAB", "DBABMA~", "DBABMA~%%%",
                "DBACNYA~CPSG_8APSG~1", valid.substring(0, 12), "~~~", "DBABTA~1", "x".repeat(20_000)}) {
            assertEquals(Purposes.NONE, effective(Purposes.ALL, bad, null), bad.length() > 40 ? "long" : bad);
        }
    }

    @Test
    void absentGppStringLeavesTheOtherSignalsInCharge() {
        assertEquals(Purposes.ALL, effective(Purposes.ALL, null, List.of(2)));
        assertEquals(Purposes.ALL, effective(Purposes.ALL, "  ", null));
    }

    @Test
    void theStringNeverShowsInToString() {
        assertEquals("GppString[redacted]", new GppString(USP_NOT_OPTED_OUT, List.of(6)).toString());
    }
}
