package io.precis.matcher.campaign;

/**
 * A circle on the earth that a campaign targets users within.
 *
 * @param lat degrees, -90..90
 * @param lon degrees, -180..180
 * @param radiusKm greater than 0, at most 1000
 */
public record Geo(double lat, double lon, double radiusKm) {
}
