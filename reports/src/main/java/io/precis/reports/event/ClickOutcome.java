package io.precis.reports.event;

/**
 * Result of recording a click.
 *
 * @param counted       false for a repeat of an ad's click (then {@code valid} and
 *                      {@code invalidReason} are those of the first click)
 * @param valid         false when the click was judged invalid (kept, never billed)
 * @param invalidReason e.g. {@code no_impression}; null when valid
 * @param clickId       the id the landing page receives as {@code precis_click}
 */
public record ClickOutcome(boolean counted, boolean valid, String invalidReason, String clickId) {
}
