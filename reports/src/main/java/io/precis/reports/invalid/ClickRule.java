package io.precis.reports.invalid;

/**
 * One invalid-click rule. Rules run on the event writer thread only, one click at a time, so a
 * stateful rule needs no locking.
 */
public interface ClickRule {
    /** The reason code recorded on the click's row when this rule rejects it, e.g. {@code too_fast}. */
    String reason();

    /**
     * Whether the click is invalid by this rule. Called for every click counted (repeats of an
     * ad's click are not), even when an earlier rule already rejected it, so counting rules see
     * a robot's clicks too.
     */
    boolean rejects(ClickFacts click);
}
