package io.precis.consent.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.iabtcf.encoder.TCStringEncoder;
import io.precis.consent.Purposes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Real TCF v2 strings built with the IAB's own encoder, read back through our mapping. */
class TcfSignalTest {
    static TCStringEncoder.Builder tcf(int policyVersion) {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        return TCStringEncoder.newBuilder()
                .version(2).created(t).lastUpdated(t)
                .cmpId(7).cmpVersion(1).consentScreen(1).consentLanguage("EN")
                .vendorListVersion(150).tcfPolicyVersion(policyVersion)
                .isServiceSpecific(true).publisherCC("DE")
                .addVendorConsent(755);
    }

    static String withPurposes(int... purposes) {
        TCStringEncoder.Builder b = tcf(4);
        for (int p : purposes) {
            b.addPurposesConsent(p);
        }
        return b.encode();
    }

    @Test
    void purposes3And4GivePersonalisationAndProfiling() {
        assertEquals(new Purposes(true, true, false, false), TcfSignal.purposes(withPurposes(1, 3, 4)));
    }

    @Test
    void purpose3AloneGivesProfilingButNotPersonalisation() {
        assertEquals(new Purposes(false, true, false, false), TcfSignal.purposes(withPurposes(1, 3)));
        assertEquals(Purposes.NONE, TcfSignal.purposes(withPurposes(1, 4)));
    }

    @Test
    void purpose7GivesMeasurementAndSpecialFeature1GivesPreciseGeo() {
        assertEquals(new Purposes(false, false, true, false), TcfSignal.purposes(withPurposes(7)));
        assertEquals(new Purposes(false, false, false, true), TcfSignal.purposes(tcf(4).addSpecialFeatureOptIns(1).encode()));
        assertEquals(Purposes.NONE, TcfSignal.purposes(tcf(4).addSpecialFeatureOptIns(2).encode()));
    }

    @Test
    void everythingGrantedGivesAllPurposes() {
        String s = tcf(5).addPurposesConsent(1).addPurposesConsent(3).addPurposesConsent(4)
                .addPurposesConsent(7).addSpecialFeatureOptIns(1).encode();
        assertEquals(Purposes.ALL, TcfSignal.purposes(s));
    }

    @Test
    void legitimateInterestAloneGrantsNothing() {
        String s = tcf(4).addPurposesLITransparency(3).addPurposesLITransparency(4).addPurposesLITransparency(7).encode();
        assertEquals(Purposes.NONE, TcfSignal.purposes(s));
    }

    @Test
    void policyVersionBelow4IsRejectedAsNoConsent() {
        String s = tcf(2).addPurposesConsent(3).addPurposesConsent(4).addPurposesConsent(7).encode();
        assertTrue(TcfSignal.parse(s).isEmpty());
        assertEquals(Purposes.NONE, TcfSignal.purposes(s));
    }

    @Test
    void invalidStringsMeanNoConsent() {
        String valid = withPurposes(1, 3, 4, 7);
        for (String bad : new String[] {null, "", "   ", "not-a-tcf-string", "%%%", "AAAA", "C",
                valid.substring(0, 10), "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA"}) {
            assertEquals(Purposes.NONE, TcfSignal.purposes(bad), String.valueOf(bad));
        }
    }
}
