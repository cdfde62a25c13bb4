package io.precis.consent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON names of the purposes (API.md) and conversions between them and {@link Purposes}. */
public final class PurposeKeys {
    public static final String PERSONALISATION = "personalisation";
    public static final String PROFILING = "profiling";
    public static final String MEASUREMENT = "measurement";
    public static final String PRECISE_GEO = "precise_geo";
    /** Every key, in the order they are written. */
    public static final List<String> ALL = List.of(PERSONALISATION, PROFILING, MEASUREMENT, PRECISE_GEO);

    private PurposeKeys() {}

    /** The purposes as an ordered {@code {"personalisation": ..., ...}} map. */
    public static Map<String, Boolean> toMap(Purposes p) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put(PERSONALISATION, p.personalisation());
        m.put(PROFILING, p.profiling());
        m.put(MEASUREMENT, p.measurement());
        m.put(PRECISE_GEO, p.preciseGeo());
        return m;
    }

    /**
     * {@code base} with the entries of {@code partial} applied. Throws
     * {@link IllegalArgumentException} on an unknown key or a null value, so a typo never
     * silently grants or keeps a purpose.
     */
    public static Purposes apply(Purposes base, Map<String, Boolean> partial) {
        boolean personalisation = base.personalisation();
        boolean profiling = base.profiling();
        boolean measurement = base.measurement();
        boolean preciseGeo = base.preciseGeo();
        for (Map.Entry<String, Boolean> e : partial.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("purpose " + e.getKey() + " must be true or false");
            }
            boolean v = e.getValue();
            switch (String.valueOf(e.getKey())) {
                case PERSONALISATION -> personalisation = v;
                case PROFILING -> profiling = v;
                case MEASUREMENT -> measurement = v;
                case PRECISE_GEO -> preciseGeo = v;
                default -> throw new IllegalArgumentException("unknown purpose: " + e.getKey());
            }
        }
        return new Purposes(personalisation, profiling, measurement, preciseGeo);
    }

    /** The purposes of a complete map as read back from a receipt; missing keys read as false. */
    public static Purposes fromMap(Map<?, ?> map) {
        return new Purposes(Boolean.TRUE.equals(map.get(PERSONALISATION)),
                Boolean.TRUE.equals(map.get(PROFILING)),
                Boolean.TRUE.equals(map.get(MEASUREMENT)),
                Boolean.TRUE.equals(map.get(PRECISE_GEO)));
    }
}
