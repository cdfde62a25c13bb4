package io.precis.matcher.delivery;

import io.precis.matcher.campaign.Bid;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Amounts as micros (1 currency unit = 1,000,000 micros): exact and cheap to add up. */
public final class Money {
    /** Micros per currency unit. */
    public static final long MICROS = 1_000_000;
    private static final BigDecimal MICROS_DECIMAL = BigDecimal.valueOf(MICROS);
    /** A CPM price is per thousand impressions. */
    private static final BigDecimal PER_MILLE = BigDecimal.valueOf(1000);

    private Money() {
    }

    /** Nanos (10^-9 units, what the event store charges in) per micro. */
    public static final long NANOS_PER_MICRO = 1000;

    /**
     * Non-negative {@code micros} in nanos, saturating at {@link Long#MAX_VALUE} (about 9.2
     * billion currency units) instead of overflowing.
     */
    public static long nanos(long micros) {
        return micros > Long.MAX_VALUE / NANOS_PER_MICRO ? Long.MAX_VALUE : micros * NANOS_PER_MICRO;
    }

    /** {@code amount} in micros, rounded half up. */
    public static long micros(BigDecimal amount) {
        return amount.multiply(MICROS_DECIMAL).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * What one billable event costs at {@code price} under {@code bid}'s model, in micros: one
     * impression for CPM (price / 1000), one click for CPC, one conversion for CPA. Rounded up,
     * so spend never under-counts.
     */
    public static long chargeMicros(Bid bid, BigDecimal price) {
        BigDecimal per = switch (bid.model()) {
            case CPM -> price.divide(PER_MILLE);
            case CPC, CPA -> price;
        };
        return per.multiply(MICROS_DECIMAL).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
