package io.precis.reports.invalid;

import java.util.List;

/**
 * Runs the invalid-click rules in a fixed order and names the first that rejects a click.
 * Single-threaded: owned by the event writer, like the counters inside its rules.
 *
 * <p>Order: prefetch, robot, no impression, too fast, too many from a user, too many from an
 * IP prefix. Every rule sees every counted click (the counting rules must count a robot's
 * clicks too); the recorded reason is the first rejection in that order.
 */
public final class ClickJudge {
    private final List<ClickRule> rules;

    public ClickJudge(InvalidClickPolicy policy) {
        ClickCounters counters = policy.counters() != null ? policy.counters() : new InMemoryClickCounters();
        this.rules = List.of(new PrefetchRule(), new RobotUserAgentRule(), new NoImpressionRule(),
                new TooFastRule(policy.minTimeToClick()),
                new TooManyFromUserRule(policy.maxClicksPerUserPerHour(), counters),
                new TooManyFromIpRule(policy.maxClicksPerIpPrefixPerHour(), counters));
    }

    /** The reason code of the first rule that rejects the click, or null when it is valid. */
    public String judge(ClickFacts click) {
        String reason = null;
        for (ClickRule r : rules) {
            if (r.rejects(click) && reason == null) {
                reason = r.reason();
            }
        }
        return reason;
    }
}
