package io.precis.reports.invalid;

import io.precis.reports.token.AdServed;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything a rule may judge a click by.
 *
 * @param ad           the clicked ad, from its verified token
 * @param at           when the click arrived
 * @param impressionAt when the same ad's impression was recorded; null when none was
 * @param context      what the gateway saw of the request
 */
public record ClickFacts(AdServed ad, Instant at, Instant impressionAt, ClickContext context) {
    public ClickFacts {
        Objects.requireNonNull(ad, "ad");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(context, "context");
    }
}
