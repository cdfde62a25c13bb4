package io.precis.matcher.match;

import io.precis.consent.Purposes;
import java.time.Instant;
import java.util.Objects;

/**
 * One ad request as the matcher sees it.
 *
 * @param slotFormat the slot's format, or null for any format
 * @param site the host the slot is on, or null when unknown (then only campaigns without an
 *     allow-list match)
 * @param page null is read as {@link PageContext#EMPTY}
 * @param now the request time: schedules are checked against it
 * @param count how many ads at most; 0 or less asks for none
 * @param purposes what the user allows; null is read as {@link Purposes#NONE}
 */
public record AdQuery(String slotFormat, String site, PageContext page, Instant now, int count,
                      Purposes purposes) {
    public AdQuery {
        page = page == null ? PageContext.EMPTY : page;
        Objects.requireNonNull(now, "now");
        purposes = purposes == null ? Purposes.NONE : purposes;
    }
}
