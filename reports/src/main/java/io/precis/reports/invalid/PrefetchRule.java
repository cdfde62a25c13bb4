package io.precis.reports.invalid;

/** A browser prefetching the click URL ahead of any click: nobody clicked. */
public final class PrefetchRule implements ClickRule {
    public static final String REASON = "prefetch";

    @Override
    public String reason() {
        return REASON;
    }

    @Override
    public boolean rejects(ClickFacts click) {
        return click.context().prefetch();
    }
}
