package io.precis.gateway.contact;

import io.precis.consent.crypto.Randoms;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.match.ContactGate;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link ContactGate} of one request of one known person: the request's channel, their
 * suppressed conversion groups and the contact policy, read once from the {@link ContactBook}
 * when the request begins; each winner's contact is then taken in the book's atomic step.
 * One request, one thread.
 */
final class PersonGate implements ContactGate {
    private final ContactPolicy policy;
    private final String channel;
    private final Pseudonym person;
    private final ContactBook.Person seen;
    private final Instant now;
    private final LocalDate day;
    /** Contacts this request took, by campaign id: the id of each one's row on disk. */
    private final Map<String, String> taken = new HashMap<>(4);

    PersonGate(ContactPolicy policy, String channel, Pseudonym person, ContactBook.Person seen, Instant now,
               LocalDate day) {
        this.policy = policy;
        this.channel = channel;
        this.person = person;
        this.seen = seen;
        this.now = now;
        this.day = day;
    }

    @Override
    public boolean allows(Campaign c) {
        if (!c.contact().allows(channel)) {
            return false;
        }
        String group = c.contact().groupOf(c.id());
        if (group != null && seen.suppressed(c.advertiserId(), group, now)) {
            policy.effects().count(c.id(), day, ContactEffects.Reason.NOT_SHOWN);
            return false;
        }
        int all = policy.settings().perDay();
        int own = policy.limitOf(c.advertiserId());
        if ((all > 0 && seen.total() >= all) || (own > 0 && seen.of(c.advertiserId()) >= own)) {
            policy.effects().count(c.id(), day, ContactEffects.Reason.SUPPRESSED);
            return false;
        }
        return true;
    }

    @Override
    public boolean take(Campaign c) {
        int all = policy.settings().perDay();
        int own = policy.limitOf(c.advertiserId());
        if (all == 0 && own == 0) {
            return true; // no policy applies: nothing to count
        }
        if (!policy.book().take(person, c.advertiserId(), day, all, own)) {
            policy.effects().count(c.id(), day, ContactEffects.Reason.SUPPRESSED);
            return false;
        }
        String id = Randoms.token(12);
        policy.store().appendContact(id, person, c.advertiserId(), now);
        taken.put(c.id(), id);
        return true;
    }

    @Override
    public void giveBack(Campaign c) {
        String id = taken.remove(c.id());
        if (id != null) {
            policy.book().giveBack(person, c.advertiserId(), day);
            policy.store().removeContact(id);
        }
    }
}
