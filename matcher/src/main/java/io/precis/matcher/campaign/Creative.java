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
 * @param text the offer's body text for channels that show text (email, SMS, app push; API.md
 *     {@code POST /v1/decide}), may be null
 */
public record Creative(String id, String format, String title, String imageUrl, String landingUrl,
                       java.util.List<String> audience, String text) {
    public Creative {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(landingUrl, "landingUrl");
        audience = audience == null ? java.util.List.of() : java.util.List.copyOf(audience);
    }

    /** A creative without body text. */
    public Creative(String id, String format, String title, String imageUrl, String landingUrl,
                    java.util.List<String> audience) {
        this(id, format, title, imageUrl, landingUrl, audience, null);
    }

    /** A creative for everyone the campaign reaches. */
    public Creative(String id, String format, String title, String imageUrl, String landingUrl) {
        this(id, format, title, imageUrl, landingUrl, null);
    }

    /**
     * Whether this creative may be shown to a person with {@code segments} (empty without
     * personalisation): a creative without an audience to anyone, one with an audience only to
     * people in one of its segments.
     */
    public boolean shownTo(java.util.Set<String> segments) {
        if (audience.isEmpty()) {
            return true;
        }
        for (int i = 0, n = audience.size(); i < n; i++) {
            if (segments.contains(audience.get(i))) {
                return true;
            }
        }
        return false;
    }
}
