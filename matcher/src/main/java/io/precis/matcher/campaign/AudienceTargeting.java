package io.precis.matcher.campaign;

import java.util.List;

/**
 * The customer lists a campaign targets ({@code targeting.audiences}), by audience id. Include
 * (white list): only members are eligible, and only with {@code personalisation}. Exclude (black
 * list): members never are, whatever the consent, since it only removes ads. Caution (grey
 * list): members are served with the bid multiplied by {@code cautionBidMultiplier} (at most 1,
 * so the matcher's score bounds stay upper bounds) and under {@code cautionFrequencyCap}, also
 * whatever the consent, since both only reduce delivery.
 *
 * @param include audience ids; empty means no include list
 * @param exclude audience ids
 * @param caution audience ids
 * @param cautionBidMultiplier in (0, 1]
 * @param cautionFrequencyCap the cap for caution members, or null for the campaign's own
 */
public record AudienceTargeting(List<String> include, List<String> exclude, List<String> caution,
                                double cautionBidMultiplier, FrequencyCap cautionFrequencyCap) {
    /** No lists. */
    public static final AudienceTargeting NONE = new AudienceTargeting(null, null, null, 1, null);

    public AudienceTargeting {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        caution = caution == null ? List.of() : List.copyOf(caution);
        if (!(cautionBidMultiplier > 0 && cautionBidMultiplier <= 1)) {
            throw new IllegalArgumentException("cautionBidMultiplier must be in (0, 1]");
        }
    }

    /** Whether any list is targeted. */
    public boolean any() {
        return !include.isEmpty() || !exclude.isEmpty() || !caution.isEmpty();
    }

    /** Every audience id named, each once. */
    public List<String> all() {
        return java.util.stream.Stream.of(include, exclude, caution).flatMap(List::stream).distinct().toList();
    }
}
