package io.precis.matcher.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A hierarchical region code: an ISO 3166-1 country ({@code CN}), a subdivision
 * ({@code CN-11}) or a district ({@code CN-11-0115}). A code covers every code below it, so a
 * campaign targeting {@code CN-11} reaches a user in {@code CN-11-0115}.
 *
 * @param value the canonical (upper case) spelling
 */
public record RegionCode(String value) {
    private static final Pattern FORM = Pattern.compile("^[A-Z]{2}(-[0-9A-Z]{1,3}(-[0-9A-Z]{1,6})?)?$");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    /**
     * China's provincial-level codes (GB/T 2260, the numeric ISO 3166-2:CN codes before 2017
     * and what Chinese data sources still use): a typo such as CN-19 is rejected.
     */
    private static final Set<String> CN_PROVINCES = Set.of("11", "12", "13", "14", "15", "21",
            "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45",
            "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "91", "92");

    public RegionCode {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * {@code text} as a region code, upper-cased and stripped first (user input is lenient).
     *
     * @throws IllegalArgumentException when it is not a valid code
     */
    public static RegionCode parse(String text) {
        return new RegionCode(text == null ? null : text.strip().toUpperCase(Locale.ROOT));
    }

    /** Why {@code value} (exact spelling) is not a valid code, or null when it is. */
    static String problem(String value) {
        if (value == null || !FORM.matcher(value).matches()) {
            return "must be a region code such as CN, CN-11 or CN-11-0115";
        }
        String[] parts = value.split("-");
        if (!COUNTRIES.contains(parts[0])) {
            return "must start with an ISO 3166-1 country code";
        }
        if (parts[0].equals("CN") && parts.length > 1 && !CN_PROVINCES.contains(parts[1])) {
            return "must use a Chinese province code such as CN-11 (Beijing)";
        }
        return null;
    }

    /** This code and every code above it, most specific first: CN-11-0115, CN-11, CN. */
    public List<String> selfAndAncestors() {
        List<String> out = new ArrayList<>(3);
        String v = value;
        while (true) {
            out.add(v);
            int dash = v.lastIndexOf('-');
            if (dash < 0) {
                return out;
            }
            v = v.substring(0, dash);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
