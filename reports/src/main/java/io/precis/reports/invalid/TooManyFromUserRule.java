package io.precis.reports.invalid;

/** More than N clicks on one campaign from one measurement pseudonym within 60 minutes. */
public final class TooManyFromUserRule extends TooManyFromSourceRule {
    public static final String REASON = "too_many_user";

    TooManyFromUserRule(int maxPerHour, ClickCounters counters) {
        super(maxPerHour, counters, "user");
    }

    @Override
    public String reason() {
        return REASON;
    }

    /** No pseudonym without measurement consent: the IP prefix rule still applies then. */
    @Override
    String sourceOf(ClickFacts click) {
        return click.ad().pseudonym();
    }
}
