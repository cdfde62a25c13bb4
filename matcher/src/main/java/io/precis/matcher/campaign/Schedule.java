package io.precis.matcher.campaign;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * When a campaign serves: {@code start <= now < end}, and in one of {@code hours} of its time zone.
 *
 * @param start inclusive, or null for "already started"
 * @param end exclusive, or null for "never ends"
 * @param hours hours of the day 0..23 in {@code timezone}, sorted and distinct; empty = every hour
 * @param timezone the zone of {@code hours}; {@link #DEFAULT_ZONE} when the client gives none
 */
public record Schedule(Instant start, Instant end, List<Integer> hours, ZoneId timezone) {
    /** The deployment's market is China, so its local time is the natural default. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
    /** Always serving. */
    public static final Schedule ALWAYS = new Schedule(null, null, List.of(), DEFAULT_ZONE);

    public Schedule {
        hours = hours == null ? List.of() : List.copyOf(hours);
        timezone = timezone == null ? DEFAULT_ZONE : timezone;
    }

    /** Whether the schedule serves at {@code now}. */
    public boolean isOpenAt(Instant now) {
        if (start != null && now.isBefore(start)) {
            return false;
        }
        if (end != null && !now.isBefore(end)) {
            return false;
        }
        return hours.isEmpty() || hours.contains(now.atZone(timezone).getHour());
    }
}
