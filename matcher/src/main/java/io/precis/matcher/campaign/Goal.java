package io.precis.matcher.campaign;

import java.util.Locale;

/** What an advertiser optimises a campaign for; weights the targeting kinds in ranking. */
public enum Goal {
    AWARENESS, REACH, CONVERSION;

    /** The JSON spelling: lower case ({@code "awareness"}). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The goal spelled {@code json} (exact, lower case), or null when there is none. */
    public static Goal fromJson(String json) {
        for (Goal g : values()) {
            if (g.jsonName().equals(json)) {
                return g;
            }
        }
        return null;
    }
}
