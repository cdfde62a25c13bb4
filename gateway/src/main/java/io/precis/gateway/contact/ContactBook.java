package io.precis.gateway.contact;

import io.precis.consent.identity.Pseudonym;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Where each person's contacts of the day and conversion suppressions are counted, by delivery
 * pseudonym: in this instance's memory ({@link InMemoryContactBook}) or in the Redis every
 * instance shares ({@code RedisContactBook}). What it holds is also on disk
 * ({@link ContactStore}), from which it is seeded at start. Thread-safe; called from matching
 * threads and storage workers, never an event loop (a shared book blocks on the network).
 */
public interface ContactBook {
    /** What one read finds of a person (all their pseudonyms) on a day. */
    record Person(int total, Map<String, Integer> byAdvertiser, Map<String, Long> suppressedUntilMs) {
        public static final Person NONE = new Person(0, Map.of(), Map.of());

        /** Contacts of {@code advertiserId}'s ads today. */
        int of(String advertiserId) {
            return byAdvertiser.getOrDefault(advertiserId, 0);
        }

        /** Whether {@code group} of {@code advertiserId} is suppressed at {@code now}. */
        boolean suppressed(String advertiserId, String group, Instant now) {
            Long until = suppressedUntilMs.get(suppressionKey(advertiserId, group));
            return until != null && until > now.toEpochMilli();
        }
    }

    /** The key of one advertiser's group among a person's suppressions. */
    static String suppressionKey(String advertiserId, String group) {
        return advertiserId + "|" + group;
    }

    /** The contacts on {@code day} and the suppressions of {@code people} (one person's pseudonyms), in one read. */
    Person read(List<Pseudonym> people, LocalDate day);

    /**
     * Counts one contact of {@code advertiserId} for {@code p} on {@code day}, atomically with
     * the check that fewer than {@code gatewayLimit} contacts in all and fewer than
     * {@code advertiserLimit} of the advertiser's are counted (0: no such limit); false, and
     * nothing counted, when a limit is reached.
     */
    boolean take(Pseudonym p, String advertiserId, LocalDate day, int gatewayLimit, int advertiserLimit);

    /** Uncounts a contact {@link #take} counted whose ad was not served after all. */
    void giveBack(Pseudonym p, String advertiserId, LocalDate day);

    /** Suppresses {@code group} of {@code advertiserId} for {@code p} until {@code until} (or later, if already). */
    void suppress(Pseudonym p, String advertiserId, String group, Instant until);

    /**
     * Seeding at start: the contacts counted on disk for {@code p} on {@code day}, by advertiser;
     * a book that counts more already keeps its counts (so seeding twice counts nothing twice).
     */
    void seedContacts(Pseudonym p, LocalDate day, Map<String, Integer> byAdvertiser);

    /** Forgets everything of {@code p}. */
    void erase(Pseudonym p);

    /**
     * Whether the book lost what it was seeded with: a shared book whose Redis restarted empty.
     * Never for a book in this instance's memory (it is seeded once, at start).
     */
    default boolean lostItsSeed() {
        return false;
    }

    /** Notes that the book is seeded from disk (see {@link #lostItsSeed}). */
    default void seeded() {
    }

    /**
     * Drops suppressions that ended before {@code now}; for a book that keeps them until asked
     * (a shared book's entries expire by themselves).
     */
    default void prune(Instant now) {
    }
}
