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
 * @param now the request time: schedules, caps, budgets and pacing are checked against it
 * @param count how many ads at most; 0 or less asks for none
 * @param purposes what the user allows; null is read as {@link Purposes#NONE}
 * @param user what is known about the user; null is read as {@link UserContext#ANONYMOUS}
 * @param filter what the buyer rules out; null is read as {@link AdFilter#NONE}
 * @param contacts the channel, stop after conversion and the contact policy of this person;
 *     null is read as {@link ContactGate#WEB}
 */
public record AdQuery(String slotFormat, String site, PageContext page, Instant now, int count,
                      Purposes purposes, UserContext user, AdFilter filter, ContactGate contacts) {
    public AdQuery {
        page = page == null ? PageContext.EMPTY : page;
        Objects.requireNonNull(now, "now");
        purposes = purposes == null ? Purposes.NONE : purposes;
        user = user == null ? UserContext.ANONYMOUS : user;
        filter = filter == null ? AdFilter.NONE : filter;
        contacts = contacts == null ? ContactGate.WEB : contacts;
    }

    /** A request of an ad slot with no contact policy ({@link ContactGate#WEB}). */
    public AdQuery(String slotFormat, String site, PageContext page, Instant now, int count,
                   Purposes purposes, UserContext user, AdFilter filter) {
        this(slotFormat, site, page, now, count, purposes, user, filter, ContactGate.WEB);
    }

    /** A request whose buyer rules nothing out ({@link AdFilter#NONE}). */
    public AdQuery(String slotFormat, String site, PageContext page, Instant now, int count,
                   Purposes purposes, UserContext user) {
        this(slotFormat, site, page, now, count, purposes, user, AdFilter.NONE);
    }

    /** A request without user attributes ({@link UserContext#ANONYMOUS}). */
    public AdQuery(String slotFormat, String site, PageContext page, Instant now, int count,
                   Purposes purposes) {
        this(slotFormat, site, page, now, count, purposes, UserContext.ANONYMOUS);
    }
}
