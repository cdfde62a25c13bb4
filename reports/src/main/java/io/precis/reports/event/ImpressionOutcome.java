package io.precis.reports.event;

/** Result of recording an impression; {@code counted} is false for a repeat of the same ad. */
public record ImpressionOutcome(boolean counted) {
}
