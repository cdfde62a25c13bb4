package io.precis.matcher.campaign;

/** What a bid pays for: a thousand impressions, a click or a conversion. JSON spells it upper case. */
public enum BidModel {
    CPM, CPC, CPA;

    /** The model spelled {@code json} (exact, upper case), or null when there is none. */
    public static BidModel fromJson(String json) {
        for (BidModel m : values()) {
            if (m.name().equals(json)) {
                return m;
            }
        }
        return null;
    }
}
