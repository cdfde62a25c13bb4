package io.precis.reports.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.reports.InvalidRequestException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * A validated conversion report ({@code POST /v1/t/conversion} body).
 *
 * @param clickId     the {@code precis_click} id the landing page received
 * @param event       conversion name, default {@code purchase}
 * @param valueMicros value in micro-units of {@code currency}, rounded half-up
 * @param currency    ISO 4217 code, default {@code CNY}
 * @param orderId     optional order id for de-duplication; may be null
 */
public record ConversionRequest(String clickId, String event, long valueMicros, String currency,
                                String orderId) {
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
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    /** Validates a JSON body; throws {@link InvalidRequestException} naming the bad field. */
    public static ConversionRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "body must be a JSON object");
        }
        String click = string(body, "click", MAX_CLICK_CHARS);
        if (click == null || click.isBlank()) {
            throw new InvalidRequestException("click", "click is required");
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
        return new ConversionRequest(click, event, valueMicros(body.get("value")), currency, order);
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
