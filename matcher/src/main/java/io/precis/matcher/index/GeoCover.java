package io.precis.matcher.index;

import io.precis.matcher.campaign.Geo;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.geo.Polygon;
import org.apache.lucene.geo.Rectangle;

/**
 * Polygons that cover a campaign's geofence circle for the LatLonShape index: the circle's
 * bounding box (Lucene's {@link Rectangle#fromPointDistance}, which handles the poles), split in
 * two where it crosses the antimeridian. A box over-selects by at most 4/π in area; candidates
 * are re-checked with the exact distance, so covering is all that matters.
 */
public final class GeoCover {
    /**
     * Degrees added on every side: LatLonShape quantises coordinates to about 1e-7 degrees, so a
     * 1e-6 margin (about 11 cm) keeps a user exactly on the circle inside the indexed shape.
     */
    static final double MARGIN = 1e-6;

    /** Widest box in degrees of longitude (see {@link #split}). */
    private static final double MAX_WIDTH = 90;

    private GeoCover() {
    }

    /**
     * The point to query the cover with for a user at (lat, lon): moved inwards by MARGIN from
     * the poles and the antimeridian, where it would sit on the edge of every box.
     */
    public static double[] queryPoint(double lat, double lon) {
        return new double[] {Math.max(-90 + MARGIN, Math.min(90 - MARGIN, lat)),
            Math.max(-180 + MARGIN, Math.min(180 - MARGIN, lon))};
    }

    static List<Polygon> of(Geo geo) {
        Rectangle r = Rectangle.fromPointDistance(geo.lat(), geo.lon(), geo.radiusKm() * 1000);
        double minLat = Math.max(-90, r.minLat - MARGIN);
        double maxLat = Math.min(90, r.maxLat + MARGIN);
        List<Polygon> out = new ArrayList<>();
        if (r.crossesDateline()) {
            split(out, minLat, maxLat, Math.max(-180, r.minLon - MARGIN), 180);
            split(out, minLat, maxLat, -180, Math.min(180, r.maxLon + MARGIN));
        } else {
            split(out, minLat, maxLat, Math.max(-180, r.minLon - MARGIN),
                    Math.min(180, r.maxLon + MARGIN));
        }
        return out;
    }

    /**
     * Boxes of at most {@link #MAX_WIDTH} degrees of longitude: near a pole a circle's box spans
     * every longitude, and LatLonShape's tessellation of one box that wide misses points.
     */
    private static void split(List<Polygon> out, double minLat, double maxLat, double minLon,
                              double maxLon) {
        for (double lon = minLon; lon < maxLon; lon += MAX_WIDTH) {
            // Neighbours overlap by MARGIN: a point on the shared edge is inside one of them.
            out.add(box(minLat, maxLat, lon, Math.min(maxLon, lon + MAX_WIDTH + MARGIN)));
        }
    }

    private static Polygon box(double minLat, double maxLat, double minLon, double maxLon) {
        return new Polygon(new double[] {minLat, minLat, maxLat, maxLat, minLat},
                new double[] {minLon, maxLon, maxLon, minLon, minLon});
    }
}
