package io.precis.reports.invalid;

/** More than N clicks on one campaign from one measurement pseudonym within 60 minutes. */
public final class TooManyFromUserRule implements ClickRule {
    public static final String REASON = "too_many_user";

    private final SlidingHourCounter counter;
    private final SourceKeys keys;

    TooManyFromUserRule(int maxPerHour, SourceKeys keys) {
        this.counter = new SlidingHourCounter(maxPerHour);
        this.keys = keys;
    }

    @Override
    public String reason() {
        return REASON;
    }

    @Override
    public boolean rejects(ClickFacts click) {
        String pseudonym = click.ad().pseudonym();
        if (pseudonym == null) {
            return false; // no measurement consent: the IP prefix rule still applies
        }
        return counter.addAndExceeds(keys.of("user", click.ad().campaignId(), pseudonym), click.at().toEpochMilli());
    }
}
