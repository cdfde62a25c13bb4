package io.precis.consent.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.consent.Purposes;
import org.junit.jupiter.api.Test;

class ConsentResolverTest {
    @Test
    void withoutSignalsTheStoredChoiceApplies() {
        assertEquals(Purposes.ALL, ConsentResolver.effective(Purposes.ALL, null, false, false));
        assertEquals(Purposes.ALL, ConsentResolver.effective(Purposes.ALL, "  ", false, false));
        assertEquals(Purposes.NONE, ConsentResolver.effective(null, null, false, false));
    }

    @Test
    void validTcfStringReplacesTheStoredChoice() {
        String measurementOnly = TcfSignalTest.withPurposes(7);
        assertEquals(new Purposes(false, false, true, false),
                ConsentResolver.effective(Purposes.ALL, measurementOnly, false, false));
        assertEquals(Purposes.ALL, ConsentResolver.effective(Purposes.NONE,
                TcfSignalTest.tcf(4).addPurposesConsent(3).addPurposesConsent(4).addPurposesConsent(7)
                        .addSpecialFeatureOptIns(1).encode(), false, false));
    }

    @Test
    void invalidTcfStringMeansNoConsentEvenWhenStoredAllowsEverything() {
        assertEquals(Purposes.NONE, ConsentResolver.effective(Purposes.ALL, "garbage", false, false));
    }

    @Test
    void gpcTurnsPersonalisationAndProfilingOffButKeepsTheRest() {
        assertEquals(new Purposes(false, false, true, true), ConsentResolver.effective(Purposes.ALL, null, true, false));
    }

    @Test
    void dntTurnsPersonalisationAndProfilingOffEvenOverAValidTcfString() {
        String all = TcfSignalTest.withPurposes(1, 3, 4, 7);
        assertEquals(new Purposes(false, false, true, false), ConsentResolver.effective(Purposes.NONE, all, false, true));
    }

    @Test
    void gdprAppliesWithoutAConsentStringGrantsNothingWhateverIsStored() {
        RequestConsent noString = new RequestConsent(null, GppString.NONE, true);
        assertEquals(Purposes.NONE, ConsentResolver.resolve(Purposes.ALL, noString, false, false));
        assertEquals(Purposes.NONE, ConsentResolver.resolve(Purposes.ALL, new RequestConsent(" ", null, true), false, false));
        assertEquals(Purposes.ALL, ConsentResolver.resolve(Purposes.ALL, new RequestConsent(null, null, false), false, false));
        // A TCF string is the consent GDPR asks for.
        String measurementOnly = TcfSignalTest.withPurposes(7);
        assertEquals(new Purposes(false, false, true, false), ConsentResolver.resolve(Purposes.ALL,
                new RequestConsent(measurementOnly, null, true), false, false));
        // A GPP string without a TCF EU section gives none: a US section's "no opt-out" grants nothing.
        assertEquals(Purposes.NONE, ConsentResolver.resolve(Purposes.ALL,
                new RequestConsent(null, new GppString(GppSignalTest.USP_NOT_OPTED_OUT, null), true), false, false));
    }
}
