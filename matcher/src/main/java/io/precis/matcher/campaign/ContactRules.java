package io.precis.matcher.campaign;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a campaign may contact a person beyond its targeting: whether it stops for a person once
 * they converted, with which other campaigns of its advertiser (its conversion group), and on
 * which channels it may be offered.
 *
 * @param stopAfterConversion once a conversion of the person is attributed to a campaign of the
 *     group, no campaign of the group is served to them for the gateway's suppression period
 * @param conversionGroup the group's name, shared by campaigns of one advertiser; null = the
 *     campaign alone. Set only together with {@code stopAfterConversion}
 * @param channels where the campaign may be offered: {@link #WEB} (an ad slot: {@code /v1/ad},
 *     OpenRTB) and the channels of {@code POST /v1/decide}; never empty, copied and sorted
 */
public record ContactRules(boolean stopAfterConversion, String conversionGroup, List<String> channels) {
    /** An ad slot on a web page or in an app, served by {@code /v1/ad} or OpenRTB. */
    public static final String WEB = "web";
    /** Every channel, in the order API.md lists them: {@link #WEB}, then those of {@code /v1/decide}. */
    public static final List<String> CHANNELS = List.of(WEB, "email", "sms", "app-push", "call-centre", "store");
    /** The rules of a campaign that sets none: no stop after conversion, the web only. */
    public static final ContactRules DEFAULT = new ContactRules(false, null, List.of(WEB));

    public ContactRules {
        channels = channels == null || channels.isEmpty() ? List.of(WEB)
                : List.copyOf(new java.util.TreeSet<>(channels));
        for (String ch : channels) {
            if (!CHANNELS.contains(ch)) {
                throw new IllegalArgumentException("unknown channel " + ch);
            }
        }
        if (conversionGroup != null && !stopAfterConversion) {
            throw new IllegalArgumentException("a conversion group needs stopAfterConversion");
        }
    }

    /** Whether a campaign with these rules may be offered on {@code channel}. */
    public boolean allows(String channel) {
        return channels.contains(channel);
    }

    /**
     * The key a conversion suppresses, among the campaigns of its advertiser: the conversion
     * group, or the campaign's own id ({@code campaignId}) when it names none; null when the
     * campaign does not stop after conversion.
     */
    public String groupOf(String campaignId) {
        if (!stopAfterConversion) {
            return null;
        }
        return conversionGroup != null ? "g:" + conversionGroup : "c:" + Objects.requireNonNull(campaignId);
    }

    /** Whether {@code channel} is one of {@link #CHANNELS}. */
    public static boolean known(String channel) {
        return CHANNELS.contains(channel);
    }

    /** The channels of {@code POST /v1/decide}: every one but {@link #WEB}. */
    public static Set<String> decideChannels() {
        return Set.copyOf(CHANNELS.subList(1, CHANNELS.size()));
    }
}
