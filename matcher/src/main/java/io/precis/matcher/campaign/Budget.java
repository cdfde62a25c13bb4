package io.precis.matcher.campaign;

import java.math.BigDecimal;

/**
 * How much a campaign may spend; either limit may be null (no limit).
 *
 * @param total over the campaign's life, or null
 * @param daily per day in the campaign's time zone, or null
 */
public record Budget(BigDecimal total, BigDecimal daily) {
    /** No limits. */
    public static final Budget UNLIMITED = new Budget(null, null);
}
