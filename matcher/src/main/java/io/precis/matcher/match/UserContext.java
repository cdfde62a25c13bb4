package io.precis.matcher.match;

import io.precis.consent.identity.GeoPoint;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.RegionCode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;

/**
 * What the matcher may know about the user of one request. The matcher itself applies consent:
 * demographic and behavioural attributes are used only with {@code personalisation}, the
 * location only with {@code preciseGeo} and a precise point. Every field may be null.
 *
 * @param pseudonym the delivery pseudonym frequency caps are counted under; null when none
 *     (then frequency-capped campaigns do not serve, see {@link CampaignMatcher})
 * @param yob year of birth; the age is the request year minus it
 * @param gender f, m or x (case-insensitive); anything else is treated as unknown
 * @param region a region code such as CN-11-0115; upper-cased; an invalid code throws
 *     {@link IllegalArgumentException} (validate user input before, e.g. with
 *     {@link RegionCode#parse})
 * @param geo the location, already coarsened unless precise geo is allowed
 * @param segments the user's stored behavioural segments; null is empty; copied
 * @param audiences the customer lists (audience ids) the person is in, whatever the consent:
 *     exclude and caution lists apply to everyone, include lists only with personalisation
 *     (the matcher checks); null is empty; copied
 */
public record UserContext(Pseudonym pseudonym, Integer yob, String gender, String region,
                          GeoPoint geo, Set<String> segments, Set<String> audiences) {
    /** Nothing known about the user. */
    public static final UserContext ANONYMOUS = new UserContext(null, null, null, null, null, null);

    /** A user in no customer list. */
    public UserContext(Pseudonym pseudonym, Integer yob, String gender, String region,
                       GeoPoint geo, Set<String> segments) {
        this(pseudonym, yob, gender, region, geo, segments, null);
    }

    public UserContext {
        if (gender != null) {
            gender = gender.strip().toLowerCase(Locale.ROOT);
        }
        if (region != null) {
            region = region.isBlank() ? null : RegionCode.parse(region).value();
        }
        segments = segments == null ? Set.of() : Set.copyOf(segments);
        audiences = audiences == null ? Set.of() : Set.copyOf(audiences);
    }

    /** The user's age at {@code now} (request year minus year of birth), or null if unknown. */
    public Integer ageAt(Instant now) {
        return yob == null ? null : now.atZone(ZoneOffset.UTC).getYear() - yob;
    }
}
