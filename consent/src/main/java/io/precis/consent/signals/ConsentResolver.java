package io.precis.consent.signals;

import io.precis.consent.Purposes;

/** The purposes in force for one request: stored choice, then the TCF string, then GPC and DNT. */
public final class ConsentResolver {
    private ConsentResolver() {}

    /**
     * A present TCF string decides the request's purposes: when valid it replaces {@code stored},
     * when invalid it means no consent at all (API.md: "treated as no consent"), never a fallback
     * to the stored choice. A null or blank string is absent. {@code Sec-GPC: 1} ({@code gpc}) or
     * {@code DNT: 1} ({@code dnt}) then switch personalisation and profiling off whatever else
     * says; measurement and precise_geo are left as they are.
     */
    public static Purposes effective(Purposes stored, String tcfOrNull, boolean gpc, boolean dnt) {
        Purposes p = stored == null ? Purposes.NONE : stored;
        if (tcfOrNull != null && !tcfOrNull.isBlank()) {
            p = TcfSignal.purposes(tcfOrNull);
        }
        if (gpc || dnt) {
            p = new Purposes(false, false, p.measurement(), p.preciseGeo());
        }
        return p;
    }
}
