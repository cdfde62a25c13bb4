package io.precis.matcher.campaign;

import java.math.BigDecimal;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The value rules of API.md for campaign strings: region codes, age bands, formats, hosts, URLs. */
final class FieldRules {
    /** Slot formats such as banner-300x250; 64 characters is ample and keeps index terms short. */
    static final Pattern FORMAT = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
    private static final Pattern AGE_RANGE = Pattern.compile("^(\\d{1,3})-(\\d{1,3})$");
    private static final Pattern AGE_OPEN = Pattern.compile("^\\d{1,3}\\+$");
    private static final Pattern HOST_LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
    private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
    /** IAB Content Taxonomy 1.0, OpenRTB's default {@code cattax}: tier 1 {@code IAB9}, tier 2 {@code IAB9-7}. */
    private static final Pattern IAB_CATEGORY = Pattern.compile("^IAB[0-9]{1,2}(-[0-9]{1,3})?$");
    /** The taxonomy has 26 tier-1 categories and about 370 in all; an ad names a few. */
    static final int MAX_AD_CATEGORIES = 50;
    private static final Set<String> GENDERS = Set.of("f", "m", "x");
    /** RFC 1035: a host name is at most 253 characters. */
    private static final int MAX_HOST = 253;
    /** Browsers and CDNs handle URLs up to about 2 KB reliably. */
    static final int MAX_URL = 2048;
    /** Long enough for any phrase an advertiser means, short enough to keep phrase checks cheap. */
    static final int MAX_KEYWORD = 100;
    /** Bounds index size and per-request verification cost for one campaign. */
    static final int MAX_LIST = 500;

    /** Money is kept in micros (10^-6 of the currency): more decimals could not be charged. */
    static final int MONEY_DECIMALS = 6;
    /**
     * One million currency units per impression, click or conversion: a price is at most the
     * bid, and the tracking tokens and the event store hold at most this per event.
     */
    static final BigDecimal MAX_BID = BigDecimal.valueOf(1_000_000);
    /**
     * One billion currency units: far above any real campaign, and far below what spend counts
     * hold (nanos in a long saturate at about 9.2 billion units).
     */
    static final BigDecimal MAX_BUDGET = BigDecimal.valueOf(1_000_000_000);

    private FieldRules() {
    }

    /**
     * A lift test's hold-out share: at least 0 and below 1 (all held out would leave nobody to
     * compare with), with at most 4 decimals (0.01%: finer shares change nothing a test can see).
     */
    static double holdout(BigDecimal value, String path) {
        if (value.signum() < 0 || value.compareTo(BigDecimal.ONE) >= 0) {
            throw new InvalidFieldException(path, "must be at least 0 and below 1, such as 0.1");
        }
        if (value.scale() > HOLDOUT_DECIMALS) {
            throw new InvalidFieldException(path, "must have at most " + HOLDOUT_DECIMALS + " decimal places");
        }
        return value.doubleValue();
    }

    static final int HOLDOUT_DECIMALS = 4;

    /** A money amount with at most {@link #MONEY_DECIMALS} decimals and at most {@code max}. */
    static BigDecimal money(BigDecimal value, String path, BigDecimal max) {
        if (value.scale() > MONEY_DECIMALS) {
            throw new InvalidFieldException(path, "must have at most " + MONEY_DECIMALS
                    + " decimal places");
        }
        if (value.compareTo(max) > 0) {
            throw new InvalidFieldException(path, "must be at most " + max.toPlainString());
        }
        return value;
    }

    static String keyword(String value, String path) {
        String s = value.strip();
        if (s.isEmpty()) {
            throw new InvalidFieldException(path, "must not be blank");
        }
        if (s.length() > MAX_KEYWORD) {
            throw new InvalidFieldException(path, "must be at most " + MAX_KEYWORD + " characters");
        }
        return s;
    }

    static String iabCategory(String value, String path) {
        String s = value.strip();
        if (!IAB_CATEGORY.matcher(s).matches()) {
            throw new InvalidFieldException(path, "must be an IAB Content Taxonomy 1.0 category such as IAB9 or IAB9-7");
        }
        return s;
    }

    static String region(String value, String path) {
        String problem = RegionCode.problem(value);
        if (problem != null) {
            throw new InvalidFieldException(path, problem);
        }
        return value;
    }

    static String ageBand(String value, String path) {
        var range = AGE_RANGE.matcher(value);
        if (range.matches() && Integer.parseInt(range.group(1)) <= Integer.parseInt(range.group(2))) {
            return value;
        }
        if (AGE_OPEN.matcher(value).matches()) {
            return value;
        }
        throw new InvalidFieldException(path, "must be an age band such as 25-34 or 65+");
    }

    static String gender(String value, String path) {
        String g = value.strip().toLowerCase(Locale.ROOT);
        if (!GENDERS.contains(g)) {
            throw new InvalidFieldException(path, "must be one of f, m, x");
        }
        return g;
    }

    static String format(String value, String path) {
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidFieldException(path,
                    "must be a format such as banner-300x250 (lower case letters, digits, . _ -)");
        }
        return value;
    }

    /** A host name, lower-cased (IDNs in their ASCII form). */
    static String host(String value, String path) {
        String h;
        try {
            h = IDN.toASCII(value.strip(), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(path, "must be a host name such as news.example");
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > MAX_HOST) {
            throw new InvalidFieldException(path, "must be a host name such as news.example");
        }
        for (String label : h.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                throw new InvalidFieldException(path, "must be a host name such as news.example");
            }
        }
        return h;
    }

    static String currency(String value, String path) {
        if (!CURRENCY.matcher(value).matches()) {
            throw new InvalidFieldException(path, "must be a currency code of 3 upper-case letters");
        }
        return value;
    }

    /** An absolute http or https URL. */
    static String httpUrl(String value, String path) {
        if (value.length() > MAX_URL) {
            throw new InvalidFieldException(path, "must be at most " + MAX_URL + " characters");
        }
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // Handled: an unparsable URL gets the same field error as a non-http one, thrown below.
        }
        throw new InvalidFieldException(path, "must be an absolute http or https URL");
    }
}
