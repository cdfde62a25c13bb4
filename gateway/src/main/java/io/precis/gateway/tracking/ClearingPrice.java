package io.precis.gateway.tracking;

import io.precis.gateway.http.ApiError;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.reports.token.TrackingToken;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The price an impression is billed at when an OpenRTB exchange says what it cleared at: the
 * {@code price} parameter of an impression URL, where the bid's {@code burl} and markup pixel
 * carry OpenRTB's {@code ${AUCTION_PRICE}} macro. It is a CPM in the bid's currency (OpenRTB
 * 2.6, 4.4), a plain decimal number from 0 to Precis' own price for the ad: a CPM ad's
 * impression is then recorded, and charged, at it. A CPC or CPA ad is charged per click or
 * conversion at its own price, which the clearing CPM does not change; its price is still
 * checked to be a number. The macro left unsubstituted, or no parameter, bills at the ad's own
 * price: the most the exchange can charge.
 */
final class ClearingPrice {
    static final String PARAM = "price";
    /** What an exchange that does not substitute the macro sends. */
    private static final String MACRO = "${AUCTION_PRICE}";
    /** Longer than any CPM worth billing ({@code AdServed.MAX_PRICE_MICROS} has 7 digits before the point). */
    private static final int MAX_CHARS = 32;

    private ClearingPrice() {
    }

    /**
     * {@code t} as it is to be recorded: at the clearing price {@code price} when it is given
     * (a CPM ad), else unchanged. 400 naming {@code price} when it is not a plain decimal, is
     * negative or is above the ad's own price (a notice the exchange cannot have meant).
     */
    static TrackingToken billed(TrackingToken t, String price, GatewayMetrics metrics) {
        if (price == null || price.equals(MACRO)) {
            return t;
        }
        BigDecimal cpm = parse(price);
        if (cpm == null || cpm.signum() < 0) {
            metrics.rejected("bad_price");
            throw ApiError.badField(PARAM, "price must be the clearing CPM, a decimal number of at least 0");
        }
        if (!"CPM".equals(t.ad().bidModel())) {
            return t;
        }
        // Micros, rounded down: a fraction of a micro-unit is never charged.
        BigDecimal micros = cpm.movePointRight(6).setScale(0, RoundingMode.DOWN);
        if (micros.compareTo(BigDecimal.valueOf(t.ad().priceMicros())) > 0) {
            metrics.rejected("bad_price");
            throw ApiError.badField(PARAM, "price is above the bid");
        }
        return new TrackingToken(t.kind(), t.ad().withPriceMicros(micros.longValueExact()), t.issuedAt(), t.expiresAt());
    }

    /** A plain decimal ({@code 2.5}, {@code 0}, {@code -1}): no exponent, NaN or spaces; null otherwise. */
    private static BigDecimal parse(String s) {
        return s.length() <= MAX_CHARS && s.matches("-?[0-9]+(\\.[0-9]+)?") ? new BigDecimal(s) : null;
    }
}
