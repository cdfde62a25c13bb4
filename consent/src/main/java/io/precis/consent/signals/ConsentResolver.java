package io.precis.consent.signals;

import io.precis.consent.Purposes;
import java.util.Optional;

/** The purposes in force for one request: stored choice, then whether GDPR applies, TCF and GPP strings, then GPC and DNT. */
public final class ConsentResolver {
    private ConsentResolver() {}

    /** {@link #effective(Purposes, String, GppString, boolean, boolean)} without a GPP string. */
    public static Purposes effective(Purposes stored, String tcfOrNull, boolean gpc, boolean dnt) {
        return effective(stored, tcfOrNull, GppString.NONE, gpc, dnt);
    }

    /** {@link #resolve} of a request not saying whether GDPR applies. */
    public static Purposes effective(Purposes stored, String tcfOrNull, GppString gpp, boolean gpc, boolean dnt) {
        return resolve(stored, new RequestConsent(tcfOrNull, gpp, false), gpc, dnt);
    }

    /**
     * A present TCF string decides the request's purposes: when valid it replaces {@code stored},
     * when invalid it means no consent at all (API.md: "treated as no consent"), never a fallback
     * to the stored choice. A null or blank string is absent. Where GDPR applies
     * ({@link RequestConsent#gdprApplies}) and no TCF string is present, no purpose is granted:
     * the law asks for consent and the request carries none. A present GPP string works the same
     * way: invalid, or naming no applicable section we read, means no consent; an applicable TCF
     * EU section replaces the purposes (it is the consent string GDPR asks for; beside a TCF
     * string only what both grant applies); a US section's opt-out of sale, sharing or targeted
     * advertising switches personalisation and profiling off. {@code Sec-GPC: 1} ({@code gpc})
     * or {@code DNT: 1} ({@code dnt}) then switch personalisation and profiling off whatever else
     * says; measurement and precise_geo are left as they are.
     */
    public static Purposes resolve(Purposes stored, RequestConsent consent, boolean gpc, boolean dnt) {
        Purposes p = stored == null ? Purposes.NONE : stored;
        boolean tcf = consent.hasTcf();
        if (tcf) {
            p = TcfSignal.purposes(consent.tcf());
        } else if (consent.gdprApplies()) {
            p = Purposes.NONE;
        }
        boolean optedOut = gpc || dnt;
        GppString gpp = consent.gpp();
        if (gpp.present()) {
            Optional<GppSignal.Reading> reading = GppSignal.parse(gpp.value(), gpp.sectionIds());
            if (reading.isEmpty()) {
                return Purposes.NONE;
            }
            Purposes fromTcfSection = reading.get().tcfEu();
            if (fromTcfSection != null) {
                p = tcf ? both(p, fromTcfSection) : fromTcfSection;
            }
            optedOut |= reading.get().optedOut();
        }
        if (optedOut) {
            p = new Purposes(false, false, p.measurement(), p.preciseGeo());
        }
        return p;
    }

    private static Purposes both(Purposes a, Purposes b) {
        return new Purposes(a.personalisation() && b.personalisation(), a.profiling() && b.profiling(),
                a.measurement() && b.measurement(), a.preciseGeo() && b.preciseGeo());
    }
}
