package io.precis.gateway.contact;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * The operator's contact settings (API.md, "Contact policy").
 *
 * @param perDay at most this many ads and offers a day per person across every advertiser
 *     ({@code PRECIS_CONTACT_PER_DAY}); 0, the default, for no gateway-wide limit
 * @param suppression how long a conversion stops its group for the person who converted
 *     ({@code PRECIS_SUPPRESSION_DAYS}, default 30 days)
 * @param zone the time zone whose days the policy counts ({@code PRECIS_CONTACT_ZONE}, default
 *     Asia/Shanghai, the zone campaigns default to)
 */
public record ContactSettings(int perDay, Duration suppression, ZoneId zone) {
    /** A person is offered far fewer than a thousand ads a day; beyond it a limit means nothing. */
    public static final int MAX_PER_DAY = 1000;
    /** A year: the longest suppression that still means "this purchase", not "this customer". */
    static final int MAX_SUPPRESSION_DAYS = 365;
    public static final ContactSettings DEFAULTS = new ContactSettings(0, Duration.ofDays(30), ZoneId.of("Asia/Shanghai"));

    public ContactSettings {
        if (perDay < 0 || perDay > MAX_PER_DAY) {
            throw new IllegalArgumentException("perDay must be between 0 and " + MAX_PER_DAY);
        }
        if (suppression == null || suppression.isNegative() || suppression.isZero()) {
            throw new IllegalArgumentException("suppression must be positive");
        }
        java.util.Objects.requireNonNull(zone, "zone");
    }

    /** The settings the environment names; a malformed one is a clear start-up error. */
    public static ContactSettings parse(Map<String, String> env) {
        int perDay = DEFAULTS.perDay;
        Duration suppression = DEFAULTS.suppression;
        ZoneId zone = DEFAULTS.zone;
        if (env.containsKey("PRECIS_CONTACT_PER_DAY")) {
            perDay = (int) range("PRECIS_CONTACT_PER_DAY", env.get("PRECIS_CONTACT_PER_DAY"), 0, MAX_PER_DAY);
        }
        if (env.containsKey("PRECIS_SUPPRESSION_DAYS")) {
            suppression = Duration.ofDays(range("PRECIS_SUPPRESSION_DAYS", env.get("PRECIS_SUPPRESSION_DAYS"), 1,
                    MAX_SUPPRESSION_DAYS));
        }
        if (env.containsKey("PRECIS_CONTACT_ZONE")) {
            try {
                zone = ZoneId.of(env.get("PRECIS_CONTACT_ZONE"));
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("PRECIS_CONTACT_ZONE must be a time zone such as Asia/Shanghai");
            }
        }
        return new ContactSettings(perDay, suppression, zone);
    }

    public ContactSettings withPerDay(int n) {
        return new ContactSettings(n, suppression, zone);
    }

    public ContactSettings withSuppression(Duration d) {
        return new ContactSettings(perDay, d, zone);
    }

    private static long range(String name, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number between " + min + " and " + max);
    }
}
