package io.precis.matcher.segment;

import io.precis.matcher.campaign.InvalidFieldException;
import io.precis.matcher.index.IndexFields;
import java.util.Objects;
import org.apache.lucene.util.SloppyMath;

/**
 * A place an advertiser registered (a mall, a store) whose visitors it wants to reach: a circle
 * around a point. A person's location is matched against places when their behaviour arrives
 * and then forgotten; only the place's id is kept, once per day (see {@link PlaceVisits}).
 *
 * @param category lower case, normalised as categories are ({@code mall})
 * @param radiusMeters between {@link #MIN_RADIUS_M} and {@link #MAX_RADIUS_M}
 */
public record Place(String id, String advertiserId, String name, String category, double lat, double lon,
                    int radiusMeters) {
    /** Below a building's size a location fix cannot tell inside from outside. */
    public static final int MIN_RADIUS_M = 20;
    /** Beyond a district a "visit" says nothing about the place. */
    public static final int MAX_RADIUS_M = 5_000;
    static final int MAX_NAME = 200;

    public Place {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(advertiserId, "advertiserId");
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new InvalidFieldException("name", "is required, at most " + MAX_NAME + " characters");
        }
        if (category == null || category.isBlank() || category.length() > BehaviourEvent.MAX_CATEGORY) {
            throw new InvalidFieldException("category", "is required, at most " + BehaviourEvent.MAX_CATEGORY + " characters");
        }
        category = IndexFields.normaliseCategory(category);
        if (category.contains(":")) {
            throw new InvalidFieldException("category", "must not contain ':'");
        }
        if (!(lat >= -90 && lat <= 90)) {
            throw new InvalidFieldException("latitude", "must be between -90 and 90");
        }
        if (!(lon >= -180 && lon <= 180)) {
            throw new InvalidFieldException("longitude", "must be between -180 and 180");
        }
        if (radiusMeters < MIN_RADIUS_M || radiusMeters > MAX_RADIUS_M) {
            throw new InvalidFieldException("radius", "must be between " + MIN_RADIUS_M + " and " + MAX_RADIUS_M + " metres");
        }
    }

    /** Whether a location is inside this place (great-circle distance, Lucene's haversine). */
    public boolean contains(double atLat, double atLon) {
        return SloppyMath.haversinMeters(lat, lon, atLat, atLon) <= radiusMeters;
    }

    /** The segment of people with at least the regular number of visit-days here. */
    public String regularSegment() {
        return "place:" + id + ":regular";
    }
}
