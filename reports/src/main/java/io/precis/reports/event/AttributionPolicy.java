package io.precis.reports.event;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How conversions are credited.
 *
 * @param clickWindow           a conversion within this long after a valid click is credited
 *                              to the click's campaign (API.md: 7 days by default)
 * @param viewWindow            a conversion carrying a measurement pseudonym but no creditable
 *                              click is credited to that pseudonym's latest impression within
 *                              this long before it (view-through; 1 day by default). Only users
 *                              with measurement consent have a pseudonym, so only they are
 *                              ever attributed this way
 * @param clickWindowByCampaign a campaign's own click window, or null to use {@code clickWindow};
 *                              called on the writer thread, so it must be fast and must not block
 *                              (an in-memory campaign lookup)
 * @param countsEveryConversion true for a campaign whose conversions without an order id all
 *                              count ("every"); false (the default, "one") allows at most one
 *                              such conversion of each event name per credited click or
 *                              impression. Called on the writer thread, so as fast as
 *                              {@code clickWindowByCampaign}
 */
public record AttributionPolicy(Duration clickWindow, Duration viewWindow,
                                Function<String, Duration> clickWindowByCampaign,
                                Predicate<String> countsEveryConversion) {
    /** API.md: 7 days, the usual e-commerce consideration time for a clicked ad. */
    public static final Duration DEFAULT_CLICK_WINDOW = Duration.ofDays(7);
    /**
     * One day: the industry's usual post-view window (an ad seen but not clicked influences a
     * purchase the same day far more than a week later), kept short because view-through credit
     * is weaker evidence than a click.
     */
    public static final Duration DEFAULT_VIEW_WINDOW = Duration.ofDays(1);
    public static final AttributionPolicy DEFAULTS =
            new AttributionPolicy(DEFAULT_CLICK_WINDOW, DEFAULT_VIEW_WINDOW, campaign -> null);

    public AttributionPolicy {
        nonNegative(clickWindow, "clickWindow");
        nonNegative(viewWindow, "viewWindow");
        Objects.requireNonNull(clickWindowByCampaign, "clickWindowByCampaign");
        Objects.requireNonNull(countsEveryConversion, "countsEveryConversion");
    }

    /** Windows as given; every campaign counts one conversion per click and event name. */
    public AttributionPolicy(Duration clickWindow, Duration viewWindow,
                             Function<String, Duration> clickWindowByCampaign) {
        this(clickWindow, viewWindow, clickWindowByCampaign, campaign -> false);
    }

    /** This policy with {@code countsEveryConversion} telling which campaigns count every conversion. */
    public AttributionPolicy withEveryConversionCounted(Predicate<String> countsEveryConversion) {
        return new AttributionPolicy(clickWindow, viewWindow, clickWindowByCampaign, countsEveryConversion);
    }

    /** The default windows with a different default click window. */
    public static AttributionPolicy withClickWindow(Duration clickWindow) {
        return new AttributionPolicy(clickWindow, DEFAULT_VIEW_WINDOW, campaign -> null);
    }

    /** The click window of {@code campaignId}: its own when it has one and it is valid, else the default. */
    public Duration clickWindowOf(String campaignId) {
        Duration own = clickWindowByCampaign.apply(campaignId);
        return own == null || own.isNegative() ? clickWindow : own;
    }

    private static void nonNegative(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0");
        }
    }
}
