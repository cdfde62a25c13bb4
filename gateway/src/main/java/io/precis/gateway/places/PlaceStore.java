package io.precis.gateway.places;

import io.precis.gateway.http.ApiError;
import io.precis.gateway.storage.ChangeFeed;
import io.precis.gateway.storage.Database;
import io.precis.gateway.storage.StorageException;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.segment.Place;
import io.precis.matcher.segment.PlaceDirectory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registered places, stored so they survive a restart and shared with the other gateways
 * of a PostgreSQL store ({@link ChangeFeed#PLACE}); held in memory by a {@link PlaceDirectory}
 * for matching locations and deriving segments. Blocking: call it on a worker.
 */
public final class PlaceStore {
    private final Database db;
    private final ChangeFeed changes;
    private final Clock clock;
    private final PlaceDirectory directory = new PlaceDirectory();

    public PlaceStore(Database db, ChangeFeed changes, Clock clock) {
        this.db = db;
        this.changes = changes;
        this.clock = clock;
        all().forEach(directory::put);
    }

    /** The places in memory (what behaviour and segments read). */
    public PlaceDirectory directory() {
        return directory;
    }

    /**
     * 400 unless every place segment ({@code place:<id>:…}) that {@code t} targets or excludes
     * names one of the advertiser's own places; other segments are anyone's.
     */
    public void checkOwned(String advertiserId, Targeting t) {
        for (var field : java.util.List.of(java.util.Map.entry("segments", t.segments()),
                java.util.Map.entry("excludeSegments", t.excludeSegments()))) {
            for (String segment : field.getValue()) {
                if (segment.startsWith("place:") && !owns(advertiserId, segment)) {
                    throw ApiError.badField("targeting." + field.getKey(), "targeting." + field.getKey()
                            + " names a place that is not one of this advertiser's places");
                }
            }
        }
    }

    /** Whether place segment {@code placeSegment} ({@code place:<id>:...}) is of the advertiser's place. */
    public boolean owns(String advertiserId, String placeSegment) {
        int end = placeSegment.indexOf(':', "place:".length());
        Place p = end < 0 ? null : directory.place(placeSegment.substring("place:".length(), end));
        return p != null && p.advertiserId().equals(advertiserId);
    }

    /** Stores {@code place}, holds it in memory and tells the other gateways. */
    public Place create(Place place) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO places (id, advertiser_id, name, category, lat, lon,"
                     + " radius_m, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, place.id());
            ps.setString(2, place.advertiserId());
            ps.setString(3, place.name());
            ps.setString(4, place.category());
            ps.setDouble(5, place.lat());
            ps.setDouble(6, place.lon());
            ps.setInt(7, place.radiusMeters());
            ps.setLong(8, clock.millis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot store a place", e);
        }
        directory.put(place);
        changes.publish(ChangeFeed.PLACE, place.id());
        return place;
    }

    /** Deletes the place {@code id} of {@code advertiserId}; false when it has none of that id. */
    public boolean delete(String advertiserId, String id) {
        int n;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM places WHERE id = ? AND advertiser_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, advertiserId);
            n = ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("cannot delete a place", e);
        }
        if (n > 0) {
            directory.remove(id);
            changes.publish(ChangeFeed.PLACE, id);
        }
        return n > 0;
    }

    /** Another gateway changed the place {@code id}: read it again (gone when deleted). */
    public void reload(String id) {
        Optional<Place> p = find(id);
        if (p.isPresent()) {
            directory.put(p.get());
        } else {
            directory.remove(id);
        }
    }

    private Optional<Place> find(String id) {
        List<Place> found = query("SELECT id, advertiser_id, name, category, lat, lon, radius_m FROM places WHERE id = ?", id);
        return found.stream().findFirst();
    }

    private List<Place> all() {
        return query("SELECT id, advertiser_id, name, category, lat, lon, radius_m FROM places ORDER BY id", null);
    }

    private List<Place> query(String sql, String id) {
        List<Place> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setString(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Place(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getDouble(5), rs.getDouble(6), rs.getInt(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StorageException("cannot read places", e);
        }
    }
}
