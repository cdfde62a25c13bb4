package io.precis.consent.signals;

import java.util.List;

/**
 * A GPP string and the ids of its sections that apply to the request ({@code gppSid}), as a
 * request carried them. Only ever read by {@link GppSignal}; its {@code toString} hides the
 * string, which is never logged or stored.
 *
 * @param value the GPP string; null or blank when the request carried none
 * @param sectionIds the applicable section ids; null when the request did not say (all apply)
 */
public record GppString(String value, List<Integer> sectionIds) {
    /** No GPP string. */
    public static final GppString NONE = new GppString(null, null);

    public GppString {
        sectionIds = sectionIds == null ? null : List.copyOf(sectionIds);
    }

    /** Whether the request carried a GPP string at all. */
    public boolean present() {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "GppString[redacted]";
    }
}
