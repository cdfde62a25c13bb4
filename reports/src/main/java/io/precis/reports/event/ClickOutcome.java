package io.precis.reports.event;

/**
 * Result of recording a click.
 *
 * @param counted       false for a repeat of an ad's click (then {@code valid} and
 *                      {@code invalidReason} are those of the first click)
 * @param valid         false when the click was judged invalid (kept, never billed)
 * @param invalidReason e.g. {@code no_impression}; null when valid
 * @param clickId       the id the landing page receives as {@code precis_click}
 * @param capped        true when the campaign's budget had less left than the click's price, so
 *                      it was charged that rest or nothing; it still counts
 */
public record ClickOutcome(boolean counted, boolean valid, String invalidReason, String clickId, boolean capped) {
    /** An outcome charged in full (or not billable). */
    public ClickOutcome(boolean counted, boolean valid, String invalidReason, String clickId) {
        this(counted, valid, invalidReason, clickId, false);
    }
}
