package io.precis.matcher.delivery;

import io.precis.matcher.campaign.Schedule;
import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * Even pacing of a daily budget over the serving hours of the day, in the campaign's time zone.
 *
 * <p>Let D be the daily budget, S what was spent today, and e ∈ [0, 1] the fraction of today's
 * serving time already elapsed (serving time = the schedule's hours, or the whole day). An
 * on-pace campaign has spent D·e by now. When S ≤ D·e the campaign is behind or on pace and
 * always serves. When it is ahead, it serves with probability
 *
 * <pre>  p = (D − S) / (D · (1 − e))</pre>
 *
 * the ratio of what it has left to what an on-pace campaign would have left: the remaining
 * budget then spreads evenly over the remaining serving time, instead of burning out early.
 * p is 1 at the pace line and falls to 0 as S reaches D.
 */
public final class Pacing {
    private static final int SECONDS_PER_HOUR = 3600;

    private Pacing() {
    }

    /**
     * The probability to serve now (0..1).
     *
     * @param dailyMicros the daily budget D, positive
     * @param spentTodayMicros S
     * @param elapsed e, from {@link #elapsedFraction}
     */
    public static double serveProbability(long dailyMicros, long spentTodayMicros, double elapsed) {
        if (dailyMicros <= 0 || spentTodayMicros >= dailyMicros) {
            return 0;
        }
        double onPace = dailyMicros * elapsed;
        if (spentTodayMicros <= onPace) {
            return 1;
        }
        return Math.min(1, (dailyMicros - spentTodayMicros) / (dailyMicros * (1 - elapsed)));
    }

    /**
     * Fraction of today's serving time elapsed at {@code now}: with schedule hours, the served
     * seconds of the hours so far over all scheduled seconds; otherwise the second of the local
     * day over 86,400 (local clock time: a daylight-saving day counts as 24 hours).
     */
    public static double elapsedFraction(Schedule s, Instant now) {
        ZonedDateTime local = now.atZone(s.timezone());
        int second = local.toLocalTime().toSecondOfDay();
        if (s.hours().isEmpty()) {
            return second / (24.0 * SECONDS_PER_HOUR);
        }
        long elapsed = 0;
        for (int h : s.hours()) {
            elapsed += Math.max(0, Math.min(SECONDS_PER_HOUR, second - h * SECONDS_PER_HOUR));
        }
        return elapsed / ((double) s.hours().size() * SECONDS_PER_HOUR);
    }
}
