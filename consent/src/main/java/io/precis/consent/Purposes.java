package io.precis.consent;

/**
 * The consent purposes of API.md for one request: what the user allows us to do with their data.
 *
 * @param personalisation demographic and behavioural targeting
 * @param profiling storing behaviour and deriving segments
 * @param measurement linking measurement events to the user (anonymous counting is always done)
 * @param preciseGeo geo radius targeting on the exact location
 */
public record Purposes(boolean personalisation, boolean profiling, boolean measurement,
                       boolean preciseGeo) {
    /** Nothing allowed: the opt-in default. */
    public static final Purposes NONE = new Purposes(false, false, false, false);
    /** Everything allowed. */
    public static final Purposes ALL = new Purposes(true, true, true, true);
}
