package io.precis.matcher.campaign;

import java.util.List;

/**
 * Where a campaign may appear: lower-case host names; a host also covers its sub-domains.
 *
 * @param allow empty = every site not blocked
 * @param block never here, whatever {@code allow} says
 */
public record Sites(List<String> allow, List<String> block) {
    /** Anywhere. */
    public static final Sites ANY = new Sites(List.of(), List.of());

    public Sites {
        allow = allow == null ? List.of() : List.copyOf(allow);
        block = block == null ? List.of() : List.copyOf(block);
    }
}
