package io.precis.matcher.match;

/** Great-circle distance on a spherical earth (haversine), as geofences are checked exactly. */
final class GeoDistance {
    /**
     * Lucene's GeoUtils.EARTH_MEAN_RADIUS_METERS: the index's covering boxes are computed with
     * the same radius, so every point within the exact distance lies inside its box.
     */
    static final double EARTH_RADIUS_M = 6_371_008.7714;

    private GeoDistance() {
    }

    static double meters(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2)
                + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
