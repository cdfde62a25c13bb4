package io.precis.reports.invalid;

import java.time.Duration;
import java.util.Objects;

/** A click sooner after its impression than a person can see and reach the ad. */
public final class TooFastRule implements ClickRule {
    public static final String REASON = "too_fast";

    private final Duration min;

    /** @param min clicks strictly sooner than this are invalid; zero disables the rule */
    public TooFastRule(Duration min) {
        this.min = Objects.requireNonNull(min, "min");
    }

    @Override
    public String reason() {
        return REASON;
    }

    @Override
    public boolean rejects(ClickFacts click) {
        return click.impressionAt() != null && Duration.between(click.impressionAt(), click.at()).compareTo(min) < 0;
    }
}
