package io.precis.reports.event;

import java.time.Instant;

/**
 * One measurement event linked to a person (with their measurement consent), as the person
 * sees it in their data export: what happened, when, for which campaign and site.
 */
public record LinkedEvent(String kind, Instant at, String campaignId, String creativeId, String site,
                          boolean valid, long valueMicros) {}
