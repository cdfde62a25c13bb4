package io.precis.consent.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.GeoPoint;
import org.junit.jupiter.api.Test;

class GeoCoarseningTest {
    @Test
    void withoutPreciseGeoLocationIsRoundedToTwoDecimals() {
        GeoPoint p = GeoCoarsening.apply(39.91234, 116.40789, false);
        assertEquals(39.91, p.lat());
        assertEquals(116.41, p.lon());
        assertFalse(p.precise());
    }

    @Test
    void halfwayValuesRoundAwayFromZeroAsWritten() {
        assertEquals(39.92, GeoCoarsening.apply(39.915, 0, false).lat());
        assertEquals(-33.87, GeoCoarsening.apply(-33.865, 0, false).lat());
        assertEquals(0.0, GeoCoarsening.apply(-0.001, 0, false).lat());
        assertEquals("0.0", String.valueOf(GeoCoarsening.apply(-0.001, 0, false).lat()));
    }

    @Test
    void withPreciseGeoLocationIsKeptExactly() {
        GeoPoint p = GeoCoarsening.apply(39.912345, 116.407891, true);
        assertEquals(39.912345, p.lat());
        assertEquals(116.407891, p.lon());
        assertTrue(p.precise());
    }

    @Test
    void valuesNearTheLimitsStayValid() {
        assertEquals(90.0, GeoCoarsening.apply(89.999, 179.999, false).lat());
        assertEquals(180.0, GeoCoarsening.apply(89.999, 179.999, false).lon());
    }

    @Test
    void outOfRangeOrNanIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GeoCoarsening.apply(91, 0, false));
        assertThrows(IllegalArgumentException.class, () -> GeoCoarsening.apply(Double.NaN, 0, false));
        assertThrows(IllegalArgumentException.class, () -> GeoCoarsening.apply(0, 181, true));
    }
}
