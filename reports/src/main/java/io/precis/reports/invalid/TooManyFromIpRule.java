package io.precis.reports.invalid;

/** More than N clicks on one campaign from one truncated IP prefix within 60 minutes. */
public final class TooManyFromIpRule implements ClickRule {
    public static final String REASON = "too_many_ip";

    private final SlidingHourCounter counter;
    private final SourceKeys keys;

    TooManyFromIpRule(int maxPerHour, SourceKeys keys) {
        this.counter = new SlidingHourCounter(maxPerHour);
        this.keys = keys;
    }

    @Override
    public String reason() {
        return REASON;
    }

    @Override
    public boolean rejects(ClickFacts click) {
        if (click.context().ipPrefix() == null) {
            return false;
        }
        return counter.addAndExceeds(keys.of("ip", click.ad().campaignId(), click.context().ipPrefix().cidr()),
                click.at().toEpochMilli());
    }
}
