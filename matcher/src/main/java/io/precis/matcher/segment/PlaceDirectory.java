package io.precis.matcher.segment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registered places in memory: by id, by category, and which contain a location. Thread-safe;
 * changes are rare (an advertiser registering a store), look-ups come with every behaviour call
 * that carries a location. A location is checked against every place whose bounding box holds it
 * (a linear scan: thousands of places cost microseconds, far below the behaviour call's own
 * storage).
 */
public final class PlaceDirectory implements PlaceVisits.Catalog {
    private final Map<String, Place> byId = new ConcurrentHashMap<>();

    /** Adds or replaces {@code place}. */
    public void put(Place place) {
        byId.put(place.id(), place);
    }

    /** Forgets the place of {@code id} (deleted): its visits then count for nothing. */
    public void remove(String id) {
        byId.remove(id);
    }

    @Override
    public Place place(String id) {
        return byId.get(id);
    }

    @Override
    public Collection<Place> inCategory(String category) {
        List<Place> out = new ArrayList<>();
        for (Place p : byId.values()) {
            if (p.category().equals(category)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Every place of {@code advertiserId}. */
    public List<Place> of(String advertiserId) {
        List<Place> out = new ArrayList<>();
        for (Place p : byId.values()) {
            if (p.advertiserId().equals(advertiserId)) {
                out.add(p);
            }
        }
        out.sort(java.util.Comparator.comparing(Place::id));
        return out;
    }

    /** The places that contain the location. */
    public List<Place> containing(double lat, double lon) {
        List<Place> out = new ArrayList<>(2);
        for (Place p : byId.values()) {
            // One degree of latitude is at least 110.5 km; a cheap box test before the haversine.
            if (Math.abs(p.lat() - lat) * 110_500 <= p.radiusMeters() && p.contains(lat, lon)) {
                out.add(p);
            }
        }
        return out;
    }
}
