package io.precis.consent.signals;

import io.precis.consent.identity.GeoPoint;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Coarsens a location unless the user allowed {@code precise_geo}. Two decimals of a degree are
 * about 1.1 km of latitude (and at most that of longitude): enough for city and district
 * targeting, too coarse to single out a home or a workplace.
 */
public final class GeoCoarsening {
    /** Decimal places kept without precise_geo consent (see class comment). */
    static final int DECIMALS = 2;

    private GeoCoarsening() {}

    /**
     * The point as the matcher may use it: exact when {@code preciseGeo}, otherwise rounded
     * half-up to {@value #DECIMALS} decimals. Throws {@link IllegalArgumentException} for a
     * latitude outside ±90, a longitude outside ±180, or NaN.
     */
    public static GeoPoint apply(double lat, double lon, boolean preciseGeo) {
        if (preciseGeo) {
            return new GeoPoint(lat, lon, true);
        }
        if (!Double.isFinite(lat) || !Double.isFinite(lon)) {
            throw new IllegalArgumentException("latitude and longitude must be finite numbers");
        }
        return new GeoPoint(round(lat), round(lon), false);
    }

    private static double round(double v) {
        // BigDecimal.valueOf goes through the shortest decimal text, so 39.915 rounds up as written.
        double r = BigDecimal.valueOf(v).setScale(DECIMALS, RoundingMode.HALF_UP).doubleValue();
        return r == 0.0 ? 0.0 : r; // no "-0.0" in output
    }
}
