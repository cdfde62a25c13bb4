package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportCsvTest {
    private static Report reportWithCampaign(String campaign) {
        ReportQuery q = new ReportQuery("adv", LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"),
                List.of(Dimension.CAMPAIGN, Dimension.DAY), null);
        Map<Dimension, String> keys = new LinkedHashMap<>();
        keys.put(Dimension.CAMPAIGN, campaign);
        keys.put(Dimension.DAY, "2026-11-03");
        Counts c = new Counts(1200, 36, 2, 4, 15_000_000, 796_000_000, 1000, 750);
        Reach reach = new Reach(640L, 800L, false); // 800 impressions of consenting users, 640 of them
        return new Report(q, List.of(new ReportRow(keys, c, reach)), c, reach);
    }

    @Test
    void fieldsWithCommaQuoteOrLineBreakAreQuotedWithQuotesDoubled() {
        assertEquals("plain", ReportCsv.field("plain"));
        assertEquals("\"a,b\"", ReportCsv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ReportCsv.field("say \"hi\""));
        assertEquals("\"two\r\nlines\"", ReportCsv.field("two\r\nlines"));
        assertEquals("\"lf\nonly\"", ReportCsv.field("lf\nonly"));
        assertEquals("\"cr\ronly\"", ReportCsv.field("cr\ronly"));
        assertEquals("", ReportCsv.field(null));
        assertEquals("春节促销", ReportCsv.field("春节促销"));
    }

    @Test
    void textCellsThatSpreadsheetsWouldRunAsFormulasGetALeadingQuote() {
        assertEquals("'=HYPERLINK(\"http://evil.example\",\"x\")", ReportCsv.text("=HYPERLINK(\"http://evil.example\",\"x\")"));
        assertEquals("'+cmd|' /C calc'!A0", ReportCsv.text("+cmd|' /C calc'!A0"));
        assertEquals("'-2+3+cmd|' /C calc'!A0", ReportCsv.text("-2+3+cmd|' /C calc'!A0"));
        assertEquals("'@SUM(A1)", ReportCsv.text("@SUM(A1)"));
        assertEquals("'\tx", ReportCsv.text("\tx"));
        assertEquals("'\rx", ReportCsv.text("\rx"));
        assertEquals("c1", ReportCsv.text("c1"));
        assertEquals("a=b", ReportCsv.text("a=b"));
        String csv = ReportCsv.toCsv(reportWithCampaign("=1+1"));
        assertTrue(csv.split("\r\n")[1].startsWith("'=1+1,2026-11-03,1200,"), csv);
    }

    @Test
    void aNegativeRoiStaysANumber() {
        ReportQuery q = new ReportQuery("adv", LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"),
                List.of(Dimension.CAMPAIGN), null);
        Counts c = new Counts(1000, 10, 0, 1, 20_000_000, 5_000_000);
        String row = ReportCsv.toCsv(new Report(q, List.of(new ReportRow(Map.of(Dimension.CAMPAIGN, "c"), c)), c))
                .split("\r\n")[1];
        // then measured and viewable impressions, no rate or vCPM, and uniqueUsers and frequency, withheld
        assertTrue(row.endsWith(",-0.75,0,0,,,,"), row);
    }

    @Test
    void apiExampleRowRendersWithItsDocumentedNumbers() {
        String csv = ReportCsv.toCsv(reportWithCampaign("Spring \"sale\", 2026"));
        assertEquals("campaign,day,impressions,clicks,invalidClicks,conversions,spend,revenue,"
                + "ctr,cvr,cpc,cpa,ecpm,roas,roi,measuredImpressions,viewableImpressions,viewabilityRate,vcpm,"
                + "uniqueUsers,frequency\r\n"
                + "\"Spring \"\"sale\"\", 2026\",2026-11-03,1200,36,2,4,15,796,0.03,0.1111,0.4167,3.75,12.5,53.0667,52.0667,"
                + "1000,750,0.75,20,640,1.25\r\n"
                + "(total),,1200,36,2,4,15,796,0.03,0.1111,0.4167,3.75,12.5,53.0667,52.0667,1000,750,0.75,20,640,1.25\r\n",
                csv);
    }

    @Test
    void jsonOfTheApiExampleRowMatchesApiMd() {
        String json = ReportJson.toJson(reportWithCampaign("c")).get("rows").get(0).toString();
        assertEquals("{\"campaign\":\"c\",\"day\":\"2026-11-03\",\"impressions\":1200,\"clicks\":36,"
                + "\"invalidClicks\":2,\"conversions\":4,\"spend\":15,\"revenue\":796,\"ctr\":0.03,"
                + "\"cvr\":0.1111,\"cpc\":0.4167,\"cpa\":3.75,\"ecpm\":12.5,\"roas\":53.0667,\"roi\":52.0667,"
                + "\"measuredImpressions\":1000,\"viewableImpressions\":750,\"viewabilityRate\":0.75,\"vcpm\":20,"
                + "\"uniqueUsers\":640,\"frequency\":1.25,\"uniqueUsersEstimated\":false}", json);
    }
}
