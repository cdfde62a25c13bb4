package io.precis.matcher.index;

import io.precis.matcher.campaign.AgeBand;
import io.precis.matcher.campaign.Creative;
import io.precis.matcher.campaign.Schedule;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.text.Phrase;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntRange;
import org.apache.lucene.document.LatLonShape;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.geo.Polygon;
import org.apache.lucene.util.BytesRef;

/**
 * Builds the Lucene documents of one campaign: one per distinct creative format. */
final class CampaignDocuments {
    private CampaignDocuments() {
    }

    static List<Document> of(IndexedCampaign ic) {
        var c = ic.campaign();
        Set<String> formats = new LinkedHashSet<>();
        for (Creative cr : c.creatives()) {
            formats.add(cr.format());
        }
        List<Document> docs = new ArrayList<>(formats.size());
        for (String format : formats) {
            Document d = new Document();
            d.add(new StringField(IndexFields.ID, c.id(), Field.Store.NO));
            d.add(new SortedDocValuesField(IndexFields.ID, new BytesRef(c.id())));
            d.add(new StringField(IndexFields.FORMAT, format, Field.Store.NO));
            d.add(new SortedDocValuesField(IndexFields.FORMAT, new BytesRef(format)));
            d.add(new NumericDocValuesField(IndexFields.CONTEXTUAL,
                    c.targeting().isContextual() ? 1 : 0));
            var s = c.schedule();
            addContext(d, ic, format);
            addTargeting(d, ic);
            addHours(d, s);
            d.add(new LongPoint(IndexFields.START,
                    s.start() == null ? Long.MIN_VALUE : s.start().toEpochMilli()));
            // End is exclusive; millisecond truncation is re-checked exactly on the candidates.
            d.add(new LongPoint(IndexFields.END,
                    s.end() == null ? Long.MAX_VALUE : s.end().toEpochMilli()));
            docs.add(d);
        }
        return docs;
    }

    private static void addContext(Document d, IndexedCampaign ic, String format) {
        Set<String> terms = new LinkedHashSet<>();
        if (!ic.campaign().targeting().isContextual()) {
            terms.add(IndexFields.ANY);
        }
        for (Phrase p : ic.keywords()) {
            p.terms().forEach(t -> terms.add(IndexFields.keywordTerm(t)));
        }
        for (String category : ic.categories()) {
            terms.add(IndexFields.categoryTerm(category));
        }
        for (String t : terms) {
            d.add(new StringField(IndexFields.CONTEXT, t, Field.Store.NO));
            d.add(new StringField(IndexFields.FORMAT_CONTEXT,
                    IndexFields.formatContextTerm(format, t), Field.Store.NO));
        }
    }

    private static void addTargeting(Document d, IndexedCampaign ic) {
        Targeting t = ic.campaign().targeting();
        addOrAny(d, IndexFields.SITE_ALLOW, t.sites().allow());
        add(d, IndexFields.SITE_BLOCK, t.sites().block());
        if (ic.ageBands().isEmpty()) {
            d.add(new StringField(IndexFields.AGE_BAND, IndexFields.ANY, Field.Store.NO));
        } else {
            d.add(new StringField(IndexFields.AGE_BAND, IndexFields.TARGETED, Field.Store.NO));
            for (AgeBand band : ic.ageBands()) {
                d.add(new IntRange(IndexFields.AGE_RANGE, new int[] {band.min()},
                        new int[] {band.max()}));
            }
        }
        addOrAny(d, IndexFields.GENDER, t.genders());
        addOrAny(d, IndexFields.REGION, t.regions());
        addOrAny(d, IndexFields.SEGMENT, t.segments());
        add(d, IndexFields.EXCLUDE_SEGMENT, t.excludeSegments());
        if (t.geo() == null) {
            d.add(new StringField(IndexFields.GEO, IndexFields.ANY, Field.Store.NO));
        } else {
            d.add(new StringField(IndexFields.GEO, IndexFields.GEO_RADIUS, Field.Store.NO));
            for (Polygon p : GeoCover.of(t.geo())) {
                for (Field f : LatLonShape.createIndexableFields(IndexFields.GEO_SHAPE, p)) {
                    d.add(f);
                }
            }
        }
    }

    /** One term per serving hour in the campaign's zone; the query asks for each zone's hour. */
    private static void addHours(Document d, Schedule s) {
        if (s.hours().isEmpty()) {
            d.add(new StringField(IndexFields.HOURS, IndexFields.ANY, Field.Store.NO));
            return;
        }
        for (int h : s.hours()) {
            d.add(new StringField(IndexFields.HOURS, IndexFields.hourTerm(s.timezone(), h),
                    Field.Store.NO));
        }
    }

    private static void addOrAny(Document d, String field, List<String> values) {
        if (values.isEmpty()) {
            d.add(new StringField(field, IndexFields.ANY, Field.Store.NO));
        } else {
            add(d, field, values);
        }
    }

    private static void add(Document d, String field, List<String> values) {
        new LinkedHashSet<>(values).forEach(v -> d.add(new StringField(field, v, Field.Store.NO)));
    }
}
