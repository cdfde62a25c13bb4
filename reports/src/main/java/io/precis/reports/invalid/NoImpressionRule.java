package io.precis.reports.invalid;

/** A click on an ad whose impression was never recorded: a URL copied or a script, not a person. */
public final class NoImpressionRule implements ClickRule {
    public static final String REASON = "no_impression";

    @Override
    public String reason() {
        return REASON;
    }

    @Override
    public boolean rejects(ClickFacts click) {
        return click.impressionAt() == null;
    }
}
