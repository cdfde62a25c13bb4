package io.precis.reports.invalid;

/** More than N clicks on one campaign from one truncated IP prefix within 60 minutes. */
public final class TooManyFromIpRule extends TooManyFromSourceRule {
    public static final String REASON = "too_many_ip";

    TooManyFromIpRule(int maxPerHour, ClickCounters counters) {
        super(maxPerHour, counters, "ip");
    }

    @Override
    public String reason() {
        return REASON;
    }

    @Override
    String sourceOf(ClickFacts click) {
        return click.context().ipPrefix() == null ? null : click.context().ipPrefix().cidr();
    }
}
