package io.precis.reports.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.consent.identity.Pseudonym;
import io.precis.reports.InvalidRequestException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated conversion report ({@code POST /v1/t/conversion} body).
 *
 * @param clickId              the {@code precis_click} id the landing page received; may be null
 *                             only when {@code measurementPseudonym} is set
 * @param event                conversion name, default {@code purchase}
 * @param valueMicros          value in micro-units of {@code currency}, rounded half-up
 * @param currency             ISO 4217 code, default {@code CNY}
 * @param orderId              optional order id for de-duplication; may be null
 * @param measurementPseudonym the converting user's pseudonym, which the gateway sets from the
 *                             user's cookie only when the user gave the measurement purpose;
 *                             null otherwise. It allows view-through attribution
 * @param advertiserId         optional (body field {@code advertiser}): view-through credit is
 *                             then given only to this advertiser's impressions; null allows any
 */
public record ConversionRequest(String clickId, String event, long valueMicros, String currency,
                                String orderId, Pseudonym measurementPseudonym, String advertiserId) {
    public static final String DEFAULT_EVENT = "purchase";
    public static final String DEFAULT_CURRENCY = "CNY";
    /** Click ids are 22 chars; 64 leaves room for future formats without inviting junk. */
    static final int MAX_CLICK_CHARS = 64;
    static final int MAX_EVENT_CHARS = 64;
    /** Order ids of common shop systems fit in 128 chars. */
    static final int MAX_ORDER_CHARS = 128;
    /** A trillion currency units: far above any order, and × 10^6 still fits in a long. */
    static final BigDecimal MAX_VALUE = new BigDecimal("1e12");
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);
    static final int MAX_ADVERTISER_CHARS = 128;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    public ConversionRequest {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(currency, "currency");
        if (clickId == null && measurementPseudonym == null) {
            throw new IllegalArgumentException("a conversion needs a click id or a measurement pseudonym");
        }
    }

    /** A click-through conversion without a user link. */
    public ConversionRequest(String clickId, String event, long valueMicros, String currency, String orderId) {
        this(clickId, event, valueMicros, currency, orderId, null, null);
    }

    /** Validates a JSON body that must name a click; throws {@link InvalidRequestException}. */
    public static ConversionRequest parse(JsonNode body) {
        return parse(body, null);
    }

    /**
     * Validates a JSON body; throws {@link InvalidRequestException} naming the bad field.
     * {@code measurementPseudonym} (null without measurement consent) makes {@code click}
     * optional and allows view-through attribution.
     */
    public static ConversionRequest parse(JsonNode body, Pseudonym measurementPseudonym) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "body must be a JSON object");
        }
        String click = string(body, "click", MAX_CLICK_CHARS);
        if (click != null && click.isBlank()) {
            throw new InvalidRequestException("click", "click must not be blank");
        }
        if (click == null && measurementPseudonym == null) {
            throw new InvalidRequestException("click", "click is required");
        }
        String advertiser = string(body, "advertiser", MAX_ADVERTISER_CHARS);
        if (advertiser != null && advertiser.isBlank()) {
            throw new InvalidRequestException("advertiser", "advertiser must not be blank");
        }
        String event = string(body, "event", MAX_EVENT_CHARS);
        if (event == null) {
            event = DEFAULT_EVENT;
        } else if (event.isBlank()) {
            throw new InvalidRequestException("event", "event must not be blank");
        }
        String currency = string(body, "currency", 3);
        if (currency == null) {
            currency = DEFAULT_CURRENCY;
        } else if (!CURRENCY.matcher(currency).matches()) {
            throw new InvalidRequestException("currency", "currency must be 3 upper-case letters");
        }
        String order = string(body, "id", MAX_ORDER_CHARS);
        if (order != null && order.isBlank()) {
            throw new InvalidRequestException("id", "id must not be blank");
        }
        return new ConversionRequest(click, event, valueMicros(body.get("value")), currency, order,
                measurementPseudonym, advertiser);
    }

    private static long valueMicros(JsonNode v) {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isNumber()) {
            throw new InvalidRequestException("value", "value must be a number");
        }
        if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
            throw new InvalidRequestException("value", "value must be finite");
        }
        BigDecimal d = v.decimalValue();
        if (d.signum() < 0 || d.compareTo(MAX_VALUE) > 0) {
            throw new InvalidRequestException("value", "value must be between 0 and 1e12");
        }
        return d.multiply(MICROS).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** The field as a string, null when absent or JSON null; too long or not a string fails. */
    private static String string(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException(field, field + " must be a string");
        }
        String s = v.asText();
        if (s.length() > max) {
            throw new InvalidRequestException(field, field + " must be at most " + max + " characters");
        }
        return s;
    }
}
