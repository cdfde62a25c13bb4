package io.precis.matcher.campaign;

/**
 * An age band of {@code targeting.ageBands} as numbers: {@code 25-34} is [25, 34], {@code 65+}
 * is [65, {@link Integer#MAX_VALUE}].
 *
 * @param min inclusive
 * @param max inclusive
 */
public record AgeBand(int min, int max) {
    /** The band spelled {@code band} (already validated by the campaign rules). */
    public static AgeBand parse(String band) {
        if (band.endsWith("+")) {
            return new AgeBand(Integer.parseInt(band.substring(0, band.length() - 1)),
                    Integer.MAX_VALUE);
        }
        int dash = band.indexOf('-');
        return new AgeBand(Integer.parseInt(band.substring(0, dash)),
                Integer.parseInt(band.substring(dash + 1)));
    }

    /** Whether {@code age} falls in the band. */
    public boolean contains(int age) {
        return age >= min && age <= max;
    }
}
