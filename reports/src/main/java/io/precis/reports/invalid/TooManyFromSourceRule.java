package io.precis.reports.invalid;

/**
 * More than N clicks on one campaign from one source within 60 minutes; subclasses say what a
 * source is. Sources are counted under a keyed hash, never as their own text.
 */
abstract class TooManyFromSourceRule implements ClickRule {
    private final SlidingHourCounter counter;
    private final SourceKeys keys;
    private final String kind;

    TooManyFromSourceRule(int maxPerHour, SourceKeys keys, String kind) {
        this.counter = new SlidingHourCounter(maxPerHour);
        this.keys = keys;
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
        return counter.addAndExceeds(keys.of(kind, click.ad().campaignId(), source), click.at().toEpochMilli());
    }
}
