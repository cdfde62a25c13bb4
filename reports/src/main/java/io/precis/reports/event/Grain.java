package io.precis.reports.event;

import java.util.List;

/**
 * The roll-up grains kept in {@code precis_rollups}: each event adds to one cell of each.
 *
 * <p>A report reads the narrowest grain holding its dimensions, so the common reports (by
 * campaign, creative, day; by one of targeting, region or site) read a few cells per campaign
 * and day, not one per event. Hourly cells are kept per campaign and creative only: an hour
 * times region times site would hold about one cell per event and save nothing.
 */
enum Grain {
    /** Day × campaign × creative. */
    DAY("dc", false, false, false, false),
    /** Day × campaign × creative × targeting. */
    DAY_TARGETING("dt", false, true, false, false),
    /** Day × campaign × creative × region. */
    DAY_REGION("dr", false, false, true, false),
    /** Day × campaign × creative × site. */
    DAY_SITE("ds", false, false, false, true),
    /** Day × campaign × creative × targeting × region × site: any other combination. */
    DAY_ALL("df", false, true, true, true),
    /** Hour × campaign × creative. */
    HOUR("hc", true, false, false, false);

    /** The value of a dimension a grain does not keep. */
    static final String ANY = "*";

    final String code;
    final boolean hourly;
    final boolean targeting;
    final boolean region;
    final boolean site;

    Grain(String code, boolean hourly, boolean targeting, boolean region, boolean site) {
        this.code = code;
        this.hourly = hourly;
        this.targeting = targeting;
        this.region = region;
        this.site = site;
    }

    /** The narrowest grain holding every dimension of {@code cols}. */
    static Grain forColumns(List<Dimension> cols) {
        if (cols.contains(Dimension.HOUR)) {
            return HOUR; // ReportQuery keeps hour apart from the thresholded dimensions
        }
        boolean t = cols.contains(Dimension.TARGETING);
        boolean r = cols.contains(Dimension.REGION);
        boolean s = cols.contains(Dimension.SITE);
        int n = (t ? 1 : 0) + (r ? 1 : 0) + (s ? 1 : 0);
        if (n == 0) {
            return DAY;
        }
        if (n > 1) {
            return DAY_ALL;
        }
        return t ? DAY_TARGETING : r ? DAY_REGION : DAY_SITE;
    }
}
