package io.precis.matcher.match;

import io.precis.matcher.campaign.Schedule;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A request's time as the hour of day in each time zone asked for, computed once per zone (a
 * request meets a handful of zones, and {@code Instant.atZone} per candidate allocates and
 * looks up the zone's rules). One request's, so one thread's: not thread-safe.
 */
final class LocalHours {
    private static final int CACHED = 4;

    private final Instant now;
    private final ZoneId[] zones = new ZoneId[CACHED];
    private final int[] hours = new int[CACHED];
    private int size;

    LocalHours(Instant now) {
        this.now = now;
    }

    /** {@link Schedule#isOpenAt} at this request's time. */
    boolean isOpen(Schedule s) {
        if (s.start() != null && now.isBefore(s.start())) {
            return false;
        }
        if (s.end() != null && !now.isBefore(s.end())) {
            return false;
        }
        return s.hours().isEmpty() || s.hours().contains(hourIn(s.timezone()));
    }

    /** The hour of day of this request's time in {@code zone}. */
    int hourIn(ZoneId zone) {
        for (int i = 0; i < size; i++) {
            if (zones[i] == zone || zones[i].equals(zone)) {
                return hours[i];
            }
        }
        int hour = now.atZone(zone).getHour();
        if (size < CACHED) {
            zones[size] = zone;
            hours[size] = hour;
            size++;
        }
        return hour;
    }
}
