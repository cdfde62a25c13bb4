package io.precis.matcher.lift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.TestCampaigns;
import io.precis.matcher.campaign.Campaign;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HoldOutTest {
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private static Campaign withHoldout(String id, double holdout) {
        Campaign c = TestCampaigns.withKeywords(id, 10, "coffee");
        return new Campaign(c.id(), c.advertiserId(), c.name(), c.goal(), c.status(), c.bid(), c.budget(),
                c.schedule(), c.frequencyCap(), c.targeting(), c.creatives(), c.createdAt(), c.updatedAt(),
                c.conversionCounting(), c.adCategories(), holdout);
    }

    @Test
    void aTenthOfPeopleAreHeldOutStablyAcrossInstancesAndEachCampaignDrawsItsOwnSample() {
        HoldOut one = HoldOut.keyedBy(KEY);
        HoldOut another = HoldOut.keyedBy(KEY.clone()); // a second instance or a restart
        Campaign a = withHoldout("ca", 0.1);
        Campaign b = withHoldout("cb", 0.1);
        int heldA = 0;
        int both = 0;
        int people = 20_000;
        for (int i = 0; i < people; i++) {
            Pseudonym p = new Pseudonym("p" + i);
            boolean inA = one.heldOut(p, a);
            assertEquals(inA, another.heldOut(p, a));
            assertEquals(inA, one.heldOut(p, a));
            heldA += inA ? 1 : 0;
            both += inA && one.heldOut(p, b) ? 1 : 0;
        }
        // 10% of 20,000 is 2,000 with a standard deviation of about 42: 6 sigma either side.
        assertTrue(heldA > 1750 && heldA < 2250, "held out " + heldA);
        // Independent draws: about 1% held out of both (200 ± 14), not 10% (one shared draw).
        assertTrue(both > 120 && both < 290, "held out of both " + both);
    }

    @Test
    void anotherKeyDrawsOtherPeople() {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        Campaign a = withHoldout("ca", 0.5);
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            Pseudonym p = new Pseudonym("p" + i);
            differ += HoldOut.keyedBy(KEY).heldOut(p, a) != HoldOut.keyedBy(other).heldOut(p, a) ? 1 : 0;
        }
        assertTrue(differ > 400, "only " + differ + " of 1000 differ");
    }

    @Test
    void anonymousPeopleCampaignsWithoutHoldoutAndMatchersWithoutKeyHoldNobodyOut() {
        HoldOut h = HoldOut.keyedBy(KEY);
        Campaign nearlyAll = withHoldout("c", 0.9999);
        assertFalse(h.heldOut(null, nearlyAll));
        assertFalse(HoldOut.NOBODY.heldOut(new Pseudonym("p1"), nearlyAll));
        for (int i = 0; i < 1000; i++) {
            assertFalse(h.heldOut(new Pseudonym("p" + i), withHoldout("c", 0)));
        }
    }
}
