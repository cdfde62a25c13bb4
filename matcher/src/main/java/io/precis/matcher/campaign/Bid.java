package io.precis.matcher.campaign;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a campaign pays, and for what.
 *
 * @param model what is paid for
 * @param amount positive, in {@code currency}; per thousand impressions for CPM
 * @param currency ISO 4217 code, three upper-case letters
 */
public record Bid(BidModel model, BigDecimal amount, String currency) {
    public Bid {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
    }
}
