package io.precis.reports.invalid;

/**
 * Where the counting rules ({@link TooManyFromUserRule}, {@link TooManyFromIpRule}) keep their
 * clicks of the last 60 minutes per campaign and source: in the judge's own memory for one
 * instance, or shared by every instance writing to one database. Implementations count under a
 * keyed hash of the source, never its text. Called on the event writer's thread; a shared
 * implementation may block on I/O there and fail with an unchecked exception when its store is
 * away (the batch then fails and its events are not acknowledged).
 */
public interface ClickCounters {
    /**
     * Records one click from {@code source} (of kind {@code kind}: "user", "ip") on
     * {@code campaignId} at {@code nowMs}; true when that makes more than {@code limit} clicks
     * of that source on that campaign within 60 minutes.
     */
    boolean addAndExceeds(String kind, String campaignId, String source, int limit, long nowMs);
}
