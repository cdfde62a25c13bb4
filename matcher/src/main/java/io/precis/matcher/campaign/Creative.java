package io.precis.matcher.campaign;

import java.util.Objects;

/**
 * One ad of a campaign, as shown in a slot of its format.
 *
 * @param id unique within its campaign
 * @param format the slot format it fits, e.g. {@code banner-300x250}
 * @param title may be null
 * @param imageUrl absolute http(s) URL, may be null
 * @param landingUrl absolute http(s) URL a click goes to
 */
public record Creative(String id, String format, String title, String imageUrl, String landingUrl) {
    public Creative {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(landingUrl, "landingUrl");
    }
}
