package io.precis.consent.identity;

/**
 * A user's location as the matcher may use it: exact only with {@code precise_geo} consent,
 * otherwise rounded to 2 decimals (about 1 km) before anything sees it.
 */
public record GeoPoint(double lat, double lon, boolean precise) {
    public GeoPoint {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("latitude must be within ±90 and longitude within ±180");
        }
    }

    @Override
    public String toString() {
        return precise ? "GeoPoint[precise, redacted]" : "GeoPoint[" + lat + ", " + lon + "]";
    }
}
