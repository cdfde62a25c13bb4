package io.precis.reports.event;

import io.precis.reports.InvalidRequestException;
import io.precis.reports.privacy.ReportPolicy;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What an advertiser asks a report for: UTC days {@code from..to} inclusive, a breakdown, and
 * optionally one campaign. Only the advertiser's own events are ever read.
 *
 * <p>{@code policy} is the privacy policy to publish under, or null for the store's own
 * (configured by the deployment; {@link #parse} never reads it from the request).
 * {@code hour} combines only with campaign, creative and day: hourly roll-ups are kept per
 * campaign and creative only.
 */
public record ReportQuery(String advertiserId, LocalDate from, LocalDate to,
                          List<Dimension> groupBy, String campaignId, ReportPolicy policy) {
    /** API.md's example asks for a month; 30 days is the default window. */
    static final int DEFAULT_DAYS = 30;
    /** One year (leap year included) bounds the cost of a single report query. */
    static final int MAX_DAYS = 366;
    static final int MAX_CAMPAIGN_CHARS = 128;
    /** No events predate the epoch; the bounds also keep date arithmetic far from overflow. */
    static final int MIN_YEAR = 1970;
    static final int MAX_YEAR = 9999;
    /** Channels are kept by day, campaign and creative: the roll-up grain that holds them (issue 17). */
    static final String CHANNEL_COMBINATION =
            "groupBy 'channel' combines only with campaign, creative and day";
    static final String HOUR_COMBINATION = "groupBy 'hour' combines only with campaign, creative and day";

    public ReportQuery {
        Objects.requireNonNull(advertiserId, "advertiserId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        groupBy = List.copyOf(groupBy);
        if (groupBy.isEmpty() || Set.copyOf(groupBy).size() != groupBy.size()) {
            throw new IllegalArgumentException("groupBy must be non-empty without duplicates");
        }
        if (groupBy.contains(Dimension.HOUR) && groupBy.stream().anyMatch(Dimension.THRESHOLDED::contains)) {
            throw new IllegalArgumentException(HOUR_COMBINATION);
        }
        if (groupBy.contains(Dimension.CHANNEL) && (groupBy.contains(Dimension.HOUR)
                || groupBy.stream().anyMatch(Dimension.THRESHOLDED::contains))) {
            throw new IllegalArgumentException(CHANNEL_COMBINATION);
        }
    }

    /** A query published under the store's privacy policy. */
    public ReportQuery(String advertiserId, LocalDate from, LocalDate to, List<Dimension> groupBy, String campaignId) {
        this(advertiserId, from, to, groupBy, campaignId, null);
    }

    /** This query under {@code p} instead (null: the store's policy). */
    public ReportQuery withPolicy(ReportPolicy p) {
        return new ReportQuery(advertiserId, from, to, groupBy, campaignId, p);
    }

    /**
     * Reads {@code from}, {@code to}, {@code groupBy} and {@code campaign} through {@code param}
     * (which returns null for an absent parameter); throws {@link InvalidRequestException}.
     */
    public static ReportQuery parse(String advertiserId, Function<String, String> param, Clock clock) {
        return parse(advertiserId, param, clock, ZoneOffset.UTC);
    }

    /**
     * {@link #parse(String, Function, Clock)} for figures counted by the days of {@code zone}
     * (the contact policy's): {@code to} defaults to today there, not in UTC.
     */
    public static ReportQuery parse(String advertiserId, Function<String, String> param, Clock clock,
                                    java.time.ZoneId zone) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
        LocalDate to = date(param, "to", today);
        LocalDate from = date(param, "from", to.minusDays(DEFAULT_DAYS - 1));
        if (from.isAfter(to)) {
            throw new InvalidRequestException("from", "from must not be after to");
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
            throw new InvalidRequestException("from", "a report spans at most " + MAX_DAYS + " days");
        }
        String campaign = blankToNull(param.apply("campaign"));
        if (campaign != null && campaign.length() > MAX_CAMPAIGN_CHARS) {
            throw new InvalidRequestException("campaign", "campaign id too long");
        }
        return new ReportQuery(advertiserId, from, to, groupBy(param.apply("groupBy")), campaign);
    }

    private static List<Dimension> groupBy(String raw) {
        if (blankToNull(raw) == null) {
            return List.of(Dimension.CAMPAIGN);
        }
        List<Dimension> out = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            Dimension d = Dimension.ofName(name);
            if (d == null) {
                throw new InvalidRequestException("groupBy",
                        "groupBy must be a comma list of campaign, creative, day, hour, targeting, region, site, channel");
            }
            if (out.contains(d)) {
                throw new InvalidRequestException("groupBy", "groupBy '" + name + "' is repeated");
            }
            out.add(d);
        }
        if (out.contains(Dimension.HOUR) && out.stream().anyMatch(Dimension.THRESHOLDED::contains)) {
            throw new InvalidRequestException("groupBy", HOUR_COMBINATION);
        }
        if (out.contains(Dimension.CHANNEL) && (out.contains(Dimension.HOUR)
                || out.stream().anyMatch(Dimension.THRESHOLDED::contains))) {
            throw new InvalidRequestException("groupBy", CHANNEL_COMBINATION);
        }
        return out;
    }

    private static LocalDate date(Function<String, String> param, String name, LocalDate fallback) {
        String raw = blankToNull(param.apply(name));
        if (raw == null) {
            return fallback;
        }
        LocalDate d;
        try {
            d = LocalDate.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(name, name + " must be an ISO date like 2026-11-01");
        }
        if (d.getYear() < MIN_YEAR || d.getYear() > MAX_YEAR) {
            throw new InvalidRequestException(name, name + " must be between years " + MIN_YEAR + " and " + MAX_YEAR);
        }
        return d;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
