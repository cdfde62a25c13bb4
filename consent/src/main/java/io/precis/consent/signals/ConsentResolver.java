package io.precis.consent.signals;

import io.precis.consent.Purposes;
import java.util.Optional;

/** The purposes in force for one request: stored choice, then TCF and GPP strings, then GPC and DNT. */
public final class ConsentResolver {
    private ConsentResolver() {}

    /** {@link #effective(Purposes, String, GppString, boolean, boolean)} without a GPP string. */
    public static Purposes effective(Purposes stored, String tcfOrNull, boolean gpc, boolean dnt) {
        return effective(stored, tcfOrNull, GppString.NONE, gpc, dnt);
    }

    /**
     * A present TCF string decides the request's purposes: when valid it replaces {@code stored},
     * when invalid it means no consent at all (API.md: "treated as no consent"), never a fallback
     * to the stored choice. A null or blank string is absent. A present GPP string works the same
     * way: invalid, or naming no applicable section we read, means no consent; an applicable TCF
     * EU section replaces the purposes (or, beside a TCF string, keeps only what both grant); a
     * US section's opt-out of sale, sharing or targeted advertising switches personalisation and
     * profiling off. {@code Sec-GPC: 1} ({@code gpc}) or {@code DNT: 1} ({@code dnt}) then switch
     * personalisation and profiling off whatever else says; measurement and precise_geo are left
     * as they are.
     */
    public static Purposes effective(Purposes stored, String tcfOrNull, GppString gpp, boolean gpc, boolean dnt) {
        Purposes p = stored == null ? Purposes.NONE : stored;
        boolean tcf = tcfOrNull != null && !tcfOrNull.isBlank();
        if (tcf) {
            p = TcfSignal.purposes(tcfOrNull);
        }
        boolean optedOut = gpc || dnt;
        if (gpp != null && gpp.present()) {
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
