package io.precis.reports.invalid;

/**
 * More than N clicks on one campaign from one source within 60 minutes; subclasses say what a
 * source is. Sources are counted under a keyed hash, never as their own text.
 */
abstract class TooManyFromSourceRule implements ClickRule {
    private final int maxPerHour;
    private final ClickCounters counters;
    private final String kind;

    TooManyFromSourceRule(int maxPerHour, ClickCounters counters, String kind) {
        this.maxPerHour = maxPerHour;
        this.counters = counters;
        this.kind = kind;
    }

    /** The click's source, or null when it has none of this kind (the rule then passes it). */
    abstract String sourceOf(ClickFacts click);

    @Override
    public final boolean rejects(ClickFacts click) {
        String source = sourceOf(click);
        if (source == null) {
            return false;
        }
        return counters.addAndExceeds(kind, click.ad().campaignId(), source, maxPerHour, click.at().toEpochMilli());
    }
}
