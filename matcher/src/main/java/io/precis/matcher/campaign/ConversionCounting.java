package io.precis.matcher.campaign;

import java.util.Locale;

/**
 * How many conversions one click (or, view-through, one impression) of a campaign may yield
 * when the advertiser sends no order id: the "one" / "every" choice advertisers know from their
 * conversion actions. With an order id, conversions are de-duplicated by that id either way.
 */
public enum ConversionCounting {
    /** At most one conversion of each event name per click or impression: leads, sign-ups. The default. */
    ONE,
    /** Every conversion sent counts: purchases whose shop sends no order id. */
    EVERY;

    /** The JSON spelling: lower case ({@code "one"}). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The counting spelled {@code json} (exact, lower case), or null when there is none. */
    public static ConversionCounting fromJson(String json) {
        for (ConversionCounting c : values()) {
            if (c.jsonName().equals(json)) {
                return c;
            }
        }
        return null;
    }
}
