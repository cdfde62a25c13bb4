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
 *
 * <p>Reports without {@code day} or {@code hour} read fewer cells still (issue 14): every
 * {@link #blocked()} grain is also kept per aligned block of 4, 8 and 16 days
 * ({@link PeriodBlocks}), so 30 days are a handful of blocks, not 30 days of cells. And the three
 * thresholded dimensions together, over all campaigns, have a grain of their own per
 * advertiser ({@link #TARGETING_REGION_SITE}: at most a few thousand cells a day, where the full
 * grain holds ~90 k at 10 M events a month).
 */
enum Grain {
    /** Day × campaign × creative. */
    DAY("dc", 'c', true, true, false, false, false),
    /** Day × campaign × creative × targeting. */
    DAY_TARGETING("dt", 't', true, true, true, false, false),
    /** Day × campaign × creative × region. */
    DAY_REGION("dr", 'r', true, true, false, true, false),
    /** Day × campaign × creative × site. */
    DAY_SITE("ds", 's', true, true, false, false, true),
    /** Day × campaign × targeting × region (issue 14). */
    DAY_TARGETING_REGION("tr", 'u', true, false, true, true, false),
    /** Day × campaign × targeting × site (issue 14). */
    DAY_TARGETING_SITE("ts", 'v', true, false, true, false, true),
    /** Day × campaign × region × site (issue 14). */
    DAY_REGION_SITE("rs", 'w', true, false, false, true, true),
    /**
     * Day × targeting × region × site over all the advertiser's campaigns ({@code campaign_id}
     * is {@link #ANY}); only for reports without campaign, nor a campaign filter (migration V9).
     */
    TARGETING_REGION_SITE("ax", 'x', false, false, true, true, true),
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
    /** No block letter: kept per day (or hour) only. */
    private static final char UNBLOCKED = 0;

    final String code;
    final boolean hourly;
    final boolean campaign;
    final boolean creative;
    final boolean targeting;
    final boolean region;
    final boolean site;
    final boolean channel;
    /** First letter of the stored code of this grain's {@link PeriodBlocks} cells, or {@link #UNBLOCKED}. */
    private final char block;

    Grain(String code, boolean hourly, boolean creative, boolean targeting, boolean region, boolean site) {
        this(code, hourly, creative, targeting, region, site, false);
    }

    Grain(String code, boolean hourly, boolean creative, boolean targeting, boolean region, boolean site,
          boolean channel) {
        this.code = code;
        this.block = UNBLOCKED;
        this.campaign = true;
        this.hourly = hourly;
        this.creative = creative;
        this.targeting = targeting;
        this.region = region;
        this.site = site;
        this.channel = channel;
    }

    /** A daily grain also kept per block of days; {@code campaign} false for one kept over all campaigns. */
    Grain(String code, char block, boolean campaign, boolean creative, boolean targeting, boolean region,
          boolean site) {
        this.code = code;
        this.block = block;
        this.campaign = campaign;
        this.hourly = false;
        this.creative = creative;
        this.targeting = targeting;
        this.region = region;
        this.site = site;
        this.channel = false;
    }

    /** Whether the grain is also kept per block of days ({@link PeriodBlocks}). */
    boolean blocked() {
        return block != UNBLOCKED;
    }

    /**
     * The stored {@code grain} code of this grain's cells of {@code level}: its own code for
     * days and hours (level 0), else its block letter and the level (a 2-character column; no
     * daily code ends in a digit).
     */
    String code(int level) {
        if (level == 0) {
            return code;
        }
        if (!blocked() || level < PeriodBlocks.MIN_LEVEL || level > PeriodBlocks.LEVELS) {
            throw new IllegalArgumentException(this + " has no cells of level " + level);
        }
        return block + Integer.toString(level);
    }

    /**
     * Whether a report by {@code cols} makes a row of each of this grain's cells: the columns
     * name every key the grain keeps and its period (day or hour), so two cells of one period
     * never share a row, nor do two periods. Within one period the packs hold each key once
     * ({@link RollupPacker}); the same key may still be in the cell table too (a late delta).
     */
    boolean rowPerCell(List<Dimension> cols) {
        return cols.contains(hourly ? Dimension.HOUR : Dimension.DAY)
                && (!campaign || cols.contains(Dimension.CAMPAIGN))
                && (!creative || cols.contains(Dimension.CREATIVE))
                && (!targeting || cols.contains(Dimension.TARGETING))
                && (!region || cols.contains(Dimension.REGION))
                && (!site || cols.contains(Dimension.SITE))
                && (!channel || cols.contains(Dimension.CHANNEL));
    }

    /**
     * The narrowest grain holding every dimension of {@code cols}; with {@code oneCampaign} (a
     * campaign filter) only a grain kept per campaign.
     */
    static Grain forColumns(List<Dimension> cols, boolean oneCampaign) {
        if (cols.contains(Dimension.HOUR)) {
            return HOUR; // ReportQuery keeps hour apart from the thresholded dimensions
        }
        if (cols.contains(Dimension.CHANNEL)) {
            return DAY_CHANNEL; // ReportQuery keeps channel apart from hour and the thresholded dimensions
        }
        boolean perCampaign = oneCampaign || cols.contains(Dimension.CAMPAIGN);
        for (Grain g : values()) {
            if (!g.hourly && !g.channel && (g.campaign || !perCampaign) && (g.creative || !cols.contains(Dimension.CREATIVE))
                    && (g.targeting || !cols.contains(Dimension.TARGETING))
                    && (g.region || !cols.contains(Dimension.REGION))
                    && (g.site || !cols.contains(Dimension.SITE))) {
                return g; // declared narrowest first
            }
        }
        return DAY_ALL;
    }
}
