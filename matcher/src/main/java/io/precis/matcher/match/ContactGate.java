package io.precis.matcher.match;

import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.ContactRules;

/**
 * What a person may still be contacted with on one channel, beyond targeting and each
 * campaign's own delivery limits: the channels campaigns declare, stop after conversion, and
 * the contact policy (at most so many ads a day per person, gateway-wide and per advertiser).
 * The auction skips a campaign the gate does not {@link #allows allow} (as neither winner nor
 * runner-up) and, for each winner, {@link #take takes} one contact in one atomic step with the
 * check, so the best ad within the policy wins. One gate serves one request; implementations
 * are called from the matching thread only, and {@link #take} must be atomic against parallel
 * requests of the same person. Cheap: they run inside the auction.
 */
public interface ContactGate {
    /** An ad slot with nothing held back but the campaigns that do not serve the web. */
    ContactGate WEB = channel(ContactRules.WEB);

    /**
     * Whether an ad of {@code c} may be shown to this person now: its channels include the
     * request's, the person has not converted in its group, and the contact policy had room
     * when the request began.
     */
    boolean allows(Campaign c);

    /**
     * For a winner: takes one contact of the policy for {@code c}'s advertiser, atomically with
     * the check that the policy still has room; false (nothing taken) when it has none left,
     * for instance because a parallel request of the same person took it.
     */
    default boolean take(Campaign c) {
        return true;
    }

    /** A winner that is not served after all (its budget or cap slot went): gives back its contact. */
    default void giveBack(Campaign c) {
    }

    /** The gate of a person about whom nothing is known, on {@code channel}. */
    static ContactGate channel(String channel) {
        return c -> c.contact().allows(channel);
    }
}
