package io.precis.matcher.index;

import io.precis.matcher.campaign.Creative;
import io.precis.matcher.campaign.Targeting;
import io.precis.matcher.text.Phrase;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.util.BytesRef;

/** Builds the Lucene documents of one campaign: one per distinct creative format. */
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
            addContext(d, ic);
            addTargeting(d, c.targeting());
            var s = c.schedule();
            d.add(new LongPoint(IndexFields.START,
                    s.start() == null ? Long.MIN_VALUE : s.start().toEpochMilli()));
            // End is exclusive; millisecond truncation is re-checked exactly on the candidates.
            d.add(new LongPoint(IndexFields.END,
                    s.end() == null ? Long.MAX_VALUE : s.end().toEpochMilli()));
            docs.add(d);
        }
        return docs;
    }

    private static void addContext(Document d, IndexedCampaign ic) {
        if (!ic.campaign().targeting().isContextual()) {
            d.add(new StringField(IndexFields.CONTEXT, IndexFields.ANY, Field.Store.NO));
            return;
        }
        Set<String> terms = new LinkedHashSet<>();
        for (Phrase p : ic.keywords()) {
            p.terms().forEach(t -> terms.add(IndexFields.keywordTerm(t)));
        }
        for (String category : ic.categories()) {
            terms.add(IndexFields.categoryTerm(category));
        }
        terms.forEach(t -> d.add(new StringField(IndexFields.CONTEXT, t, Field.Store.NO)));
    }

    private static void addTargeting(Document d, Targeting t) {
        addOrAny(d, IndexFields.SITE_ALLOW, t.sites().allow());
        add(d, IndexFields.SITE_BLOCK, t.sites().block());
        addOrAny(d, IndexFields.AGE_BAND, t.ageBands());
        addOrAny(d, IndexFields.GENDER, t.genders());
        addOrAny(d, IndexFields.REGION, t.regions());
        addOrAny(d, IndexFields.SEGMENT, t.segments());
        add(d, IndexFields.EXCLUDE_SEGMENT, t.excludeSegments());
        d.add(new StringField(IndexFields.GEO,
                t.geo() == null ? IndexFields.ANY : IndexFields.GEO_RADIUS, Field.Store.NO));
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
