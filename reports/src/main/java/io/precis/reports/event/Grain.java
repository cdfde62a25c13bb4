package io.precis.reports.event;

import java.util.List;

/**
 * The roll-up grains kept in {@code precis_rollups}: each event adds to one cell of each.
 *
 * <p>A report reads the narrowest grain holding its dimensions, so its time follows the cells it
 * reads, not the events. The common reports (by campaign, creative, day; by one of targeting,
 * region or site) read a few cells per campaign and day. Two of targeting, region and site
 * together read a pair grain kept per campaign without creative (a third of the cells: at 10 M
 * events 612 k region × site cells per month with creatives, about 200 k without); only
 * breakdowns by all three, or by creative and two of them, read the full daily grain. Hourly
 * cells are kept per campaign and creative only: an hour times region times site would hold
 * about one cell per event and save nothing.
 */
enum Grain {
    /** Day × campaign × creative. */
    DAY("dc", false, true, false, false, false),
    /** Day × campaign × creative × targeting. */
    DAY_TARGETING("dt", false, true, true, false, false),
    /** Day × campaign × creative × region. */
    DAY_REGION("dr", false, true, false, true, false),
    /** Day × campaign × creative × site. */
    DAY_SITE("ds", false, true, false, false, true),
    /** Day × campaign × targeting × region (issue 14). */
    DAY_TARGETING_REGION("tr", false, false, true, true, false),
    /** Day × campaign × targeting × site (issue 14). */
    DAY_TARGETING_SITE("ts", false, false, true, false, true),
    /** Day × campaign × region × site (issue 14). */
    DAY_REGION_SITE("rs", false, false, false, true, true),
    /** Day × campaign × creative × targeting × region × site: any other combination. */
    DAY_ALL("df", false, true, true, true, true),
    /** Hour × campaign × creative. */
    HOUR("hc", true, true, false, false, false),
    /** Day × campaign × creative × channel (migration V8, issue 17: web, email, sms, ...). */
    DAY_CHANNEL("dn", false, true, false, false, false, true);

    /** The value of a dimension a grain does not keep. */
    static final String ANY = "*";
    /** The grains added by migration V6, filled from {@link #DAY_ALL} for earlier days. */
    static final List<Grain> PAIRS = List.of(DAY_TARGETING_REGION, DAY_TARGETING_SITE, DAY_REGION_SITE);

    final String code;
    final boolean hourly;
    final boolean creative;
    final boolean targeting;
    final boolean region;
    final boolean site;
    final boolean channel;

    Grain(String code, boolean hourly, boolean creative, boolean targeting, boolean region, boolean site) {
        this(code, hourly, creative, targeting, region, site, false);
    }

    Grain(String code, boolean hourly, boolean creative, boolean targeting, boolean region, boolean site,
          boolean channel) {
        this.code = code;
        this.hourly = hourly;
        this.creative = creative;
        this.targeting = targeting;
        this.region = region;
        this.site = site;
        this.channel = channel;
    }

    /** The narrowest grain holding every dimension of {@code cols}. */
    static Grain forColumns(List<Dimension> cols) {
        if (cols.contains(Dimension.HOUR)) {
            return HOUR; // ReportQuery keeps hour apart from the thresholded dimensions
        }
        if (cols.contains(Dimension.CHANNEL)) {
            return DAY_CHANNEL; // ReportQuery keeps channel apart from hour and the thresholded dimensions
        }
        for (Grain g : values()) {
            if (!g.hourly && (g.creative || !cols.contains(Dimension.CREATIVE))
                    && (g.targeting || !cols.contains(Dimension.TARGETING))
                    && (g.region || !cols.contains(Dimension.REGION))
                    && (g.site || !cols.contains(Dimension.SITE))) {
                return g; // declared narrowest first
            }
        }
        return DAY_ALL;
    }
}
