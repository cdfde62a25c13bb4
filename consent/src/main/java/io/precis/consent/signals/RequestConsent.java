package io.precis.consent.signals;

/**
 * What one request says about consent, as the page's CMP or the exchange passed it; read only
 * by {@link ConsentResolver}, never logged or stored ({@code toString} hides the strings).
 *
 * @param tcf the IAB TCF string; null or blank when the request carried none
 * @param gpp the GPP string and its applicable sections; null is read as {@link GppString#NONE}
 * @param gdprApplies the request says the GDPR applies to this user (TCF's {@code gdprApplies},
 *     OpenRTB's {@code regs.gdpr} = 1). Consent must then be given by a string: without a TCF
 *     string, nor an applicable TCF EU section in the GPP string, no purpose is granted, whatever
 *     the stored choice. False: not said, or said not to apply.
 */
public record RequestConsent(String tcf, GppString gpp, boolean gdprApplies) {
    /** A request saying nothing about consent: the stored choice applies. */
    public static final RequestConsent NONE = new RequestConsent(null, GppString.NONE, false);

    public RequestConsent {
        gpp = gpp == null ? GppString.NONE : gpp;
    }

    /** Whether a TCF string is present (a blank one is absent). */
    public boolean hasTcf() {
        return tcf != null && !tcf.isBlank();
    }

    @Override
    public String toString() {
        return "RequestConsent[gdprApplies=" + gdprApplies + "]";
    }
}
