package io.precis.consent.signals;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.field.TcfEuV2Field;
import com.iab.gpp.encoder.field.UsNatField;
import com.iab.gpp.encoder.field.UspV1Field;
import com.iab.gpp.encoder.section.EncodableSection;
import com.iab.gpp.encoder.section.TcfEuV2;
import com.iab.gpp.encoder.section.UspV1;
import io.precis.consent.Purposes;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an IAB Global Privacy Platform string with the IAB's own decoder.
 *
 * <p>Only the sections named by {@code gppSid} (the applicable section ids the CMP or exchange
 * sends beside the string) are read; without {@code gppSid}, every section in the string
 * applies. The TCF EU v2 section (id 2) maps exactly as {@link TcfSignal} maps a TCF string,
 * policy-version rule included. A US section (US national, the state sections the library
 * decodes, and the legacy US Privacy section 6) reports an opt-out when the user opted out of
 * sale, sharing or targeted advertising, or the section carries GPC. Anything the decoder
 * rejects, or a set of applicable sections none of which we understand, is no reading at all:
 * the caller treats it as no consent. The string itself is never kept or logged.
 */
public final class GppSignal {
    /** Longer than any real GPP string (a full TCF EU section with publisher TC is a few KB). */
    static final int MAX_LENGTH = 16_384;
    /** US sections' opt-out fields: 1 means "opted out" (0 not applicable, 2 did not opt out). */
    private static final int OPTED_OUT = 1;

    private GppSignal() {}

    /**
     * What the applicable sections of one GPP string say.
     *
     * @param tcfEu the purposes the TCF EU v2 section grants, or null when that section does not apply
     * @param optedOut whether a US section records an opt-out of sale, sharing or targeted advertising
     */
    public record Reading(Purposes tcfEu, boolean optedOut) {}

    /** The reading of a valid string; empty when it is absent, invalid or names no section we read. */
    public static Optional<Reading> parse(String gpp, List<Integer> gppSid) {
        if (gpp == null || gpp.isBlank() || gpp.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            // The decoder is lazy: sections are decoded (and may fail) on access, hence one try around all.
            GppModel model = new GppModel(gpp.strip());
            List<Integer> present = model.getSectionIds();
            Set<Integer> applicable = gppSid == null ? Set.copyOf(present) : Set.copyOf(gppSid);
            Purposes tcf = null;
            boolean understood = false;
            boolean optedOut = false;
            for (int id : present) {
                if (!applicable.contains(id)) {
                    continue;
                }
                EncodableSection section = model.getSection(id);
                if (id == TcfEuV2.ID) {
                    Optional<Purposes> p = tcfEu(section);
                    if (p.isEmpty()) {
                        return Optional.empty(); // an applicable TCF section we reject: no consent, as for TCF
                    }
                    tcf = p.get();
                    understood = true;
                } else if (id == UspV1.ID) {
                    understood = true;
                    optedOut |= Character.valueOf('Y').equals(section.getFieldValue(UspV1Field.OPT_OUT_SALE));
                } else if (section.hasField(UsNatField.SALE_OPT_OUT)) {
                    // Every US section (national and state) names its opt-outs as the national one does.
                    understood = true;
                    optedOut |= optedOut(section, UsNatField.SALE_OPT_OUT)
                            || optedOut(section, UsNatField.SHARING_OPT_OUT)
                            || optedOut(section, UsNatField.TARGETED_ADVERTISING_OPT_OUT)
                            || (section.hasField(UsNatField.GPC) && Boolean.TRUE.equals(section.getFieldValue(UsNatField.GPC)));
                }
            }
            return understood ? Optional.of(new Reading(tcf, optedOut)) : Optional.empty();
        } catch (RuntimeException e) {
            // DecodingException, InvalidFieldException, index and number errors from malformed input.
            return Optional.empty();
        }
    }

    private static boolean optedOut(EncodableSection section, String field) {
        return section.hasField(field) && Integer.valueOf(OPTED_OUT).equals(section.getFieldValue(field));
    }

    @SuppressWarnings("unchecked")
    private static Optional<Purposes> tcfEu(EncodableSection s) {
        Object policy = s.getFieldValue(TcfEuV2Field.POLICY_VERSION);
        if (!(policy instanceof Integer v) || v < TcfSignal.MIN_POLICY_VERSION) {
            return Optional.empty();
        }
        List<Boolean> consents = (List<Boolean>) s.getFieldValue(TcfEuV2Field.PURPOSE_CONSENTS);
        List<Boolean> features = (List<Boolean>) s.getFieldValue(TcfEuV2Field.SPECIAL_FEATURE_OPTINS);
        // Both lists are bit fields: index 0 is purpose 1, special feature 1.
        return Optional.of(TcfSignal.map(i -> isSet(consents, i - 1), i -> isSet(features, i - 1)));
    }

    private static boolean isSet(List<Boolean> bits, int index) {
        return bits != null && index < bits.size() && Boolean.TRUE.equals(bits.get(index));
    }
}
