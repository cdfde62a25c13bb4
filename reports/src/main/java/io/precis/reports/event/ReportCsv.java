package io.precis.reports.event;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Report} as RFC 4180 CSV (CRLF line ends, minimal quoting), to be sent as UTF-8
 * without a BOM: a header, one line per row, then a {@code (total)} line.
 */
public final class ReportCsv {
    /** RFC 4180 §2: records end with CRLF. */
    private static final String CRLF = "\r\n";
    static final String TOTAL_LABEL = "(total)";

    private ReportCsv() {
    }

    public static String toCsv(Report r) {
        List<Dimension> dims = ReportColumns.keyColumns(r.query().groupBy());
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>();
        dims.forEach(d -> header.add(d.jsonName()));
        header.addAll(Metrics.columns(Counts.ZERO).keySet());
        header.addAll(List.of("uniqueUsers", "frequency"));
        line(out, header);
        for (ReportRow row : r.rows()) {
            List<String> cells = new ArrayList<>();
            dims.forEach(d -> cells.add(text(row.keys().get(d))));
            addMetrics(cells, row.counts());
            addReach(cells, row.reach());
            line(out, cells);
        }
        List<String> totals = new ArrayList<>();
        for (int i = 0; i < dims.size(); i++) {
            totals.add(i == 0 ? TOTAL_LABEL : null);
        }
        addMetrics(totals, r.totals());
        addReach(totals, r.totalReach());
        line(out, totals);
        return out.toString();
    }

    private static void addMetrics(List<String> cells, Counts c) {
        for (BigDecimal v : Metrics.columns(c).values()) {
            cells.add(v == null ? null : v.toPlainString());
        }
    }

    /** Empty cells when withheld, as a null ratio is. */
    private static void addReach(List<String> cells, Reach reach) {
        cells.add(reach.withheld() ? null : Long.toString(reach.uniqueUsers()));
        BigDecimal f = Metrics.frequency(reach);
        cells.add(f == null ? null : f.toPlainString());
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(cells.get(i)));
        }
        out.append(CRLF);
    }

    /**
     * A text cell made inert for spreadsheets (OWASP "CSV injection"): one that begins with
     * {@code = + - @}, a tab or a carriage return would be read as a formula by Excel, LibreOffice
     * or Google Sheets, so it gets a leading single quote, which they show as text. Keys are
     * ids and names that clients chose (creative ids, sites); metric cells are numbers and are
     * never passed here, so a negative ROI stays a number.
     */
    static String text(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        return "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
    }

    /** Quotes a field only when it holds a comma, quote, CR or LF; quotes inside are doubled. */
    static String field(String s) {
        if (s == null) {
            return "";
        }
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
