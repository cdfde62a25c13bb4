package io.precis.reports.event;

/**
 * Result of recording an impression.
 *
 * @param counted false for a repeat of the same ad
 * @param capped  true when the campaign's budget had less left than the impression's price, so
 *                it was charged that rest or nothing; it still counts
 */
public record ImpressionOutcome(boolean counted, boolean capped) {
    /** An outcome charged in full (or not billable). */
    public ImpressionOutcome(boolean counted) {
        this(counted, false);
    }
}
