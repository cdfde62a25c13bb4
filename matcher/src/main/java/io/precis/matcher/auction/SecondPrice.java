package io.precis.matcher.auction;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Generalised second-price: each ad pays the least bid that would still have kept its rank,
 * i.e. just enough for its score to beat the score of the ad ranked below it, never more than
 * its own bid. Scores are bid × q, where q (expected events per impression × relevance × goal
 * weight) is fixed for the ad, so the price is runnerUpScore / q, plus one {@link #TICK}.
 */
public final class SecondPrice {
    /** The smallest price step: one fen (0.01 CNY), the smallest unit prices are quoted in. */
    public static final BigDecimal TICK = new BigDecimal("0.01");
    /**
     * The score an ad must beat when nobody ranks below it (the reserve): the value of an
     * impression at 1 CNY CPM (0.001 per impression), a typical floor for Chinese display
     * inventory. An ad whose own score is under the reserve pays its bid (it is still served:
     * the reserve sets prices, not eligibility).
     */
    public static final double RESERVE_SCORE = 0.001;

    private SecondPrice() {
    }

    /**
     * The price of an ad bidding {@code bid} with score {@code score}, whose runner-up scores
     * {@code runnerUp} (use {@link #RESERVE_SCORE} when there is none), in the bid's unit.
     */
    public static BigDecimal price(BigDecimal bid, double score, double runnerUp) {
        if (!(score > 0) || runnerUp >= score) {
            return bid;
        }
        double quality = score / bid.doubleValue();
        // The least price on the TICK grid strictly above the break-even bid.
        BigDecimal breakEven = BigDecimal.valueOf(Math.max(0, runnerUp) / quality);
        BigDecimal price = breakEven.divide(TICK, 0, RoundingMode.FLOOR).add(BigDecimal.ONE)
                .multiply(TICK);
        return price.compareTo(bid) >= 0 ? bid : price;
    }

    /**
     * {@code price} raised to at least {@code minimum} (a floor, rounded up to the {@link #TICK}
     * grid: meeting a floor is enough, unlike beating a runner-up), never above {@code bid}.
     */
    public static BigDecimal atLeast(BigDecimal price, BigDecimal bid, BigDecimal minimum) {
        BigDecimal floor = minimum.divide(TICK, 0, RoundingMode.CEILING).multiply(TICK);
        BigDecimal raised = price.max(floor);
        return raised.compareTo(bid) >= 0 ? bid : raised;
    }
}
