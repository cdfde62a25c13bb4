package io.precis.reports.event;

import io.precis.consent.crypto.Digests;
import io.precis.reports.privacy.UserSketch;
import io.precis.reports.token.AdServed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The key of one roll-up cell; dimensions its grain does not keep are {@link Grain#ANY}.
 *
 * @param periodMs start of the cell's UTC day, hour or block of days, epoch milliseconds
 * @param channel the channel of a {@link Grain#DAY_CHANNEL} cell, else {@link Grain#ANY}
 * @param level 0 for a day or hour, else the {@link PeriodBlocks} level of a block of days
 */
record RollupCell(Grain grain, String advertiserId, String campaignId, String creativeId, long periodMs,
                  String targeting, String region, String site, String channel, int level) {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    /** A cell of a day or an hour, of a grain without channel. */
    RollupCell(Grain grain, String advertiserId, String campaignId, String creativeId, long periodMs,
               String targeting, String region, String site) {
        this(grain, advertiserId, campaignId, creativeId, periodMs, targeting, region, site, Grain.ANY, 0);
    }

    /** A cell of a day or an hour ({@code channel} {@link Grain#ANY} but in {@link Grain#DAY_CHANNEL}). */
    RollupCell(Grain grain, String advertiserId, String campaignId, String creativeId, long periodMs,
               String targeting, String region, String site, String channel) {
        this(grain, advertiserId, campaignId, creativeId, periodMs, targeting, region, site, channel, 0);
    }

    /** A cell of a grain without channel, of a day or hour ({@code level} 0) or a block of days. */
    RollupCell(Grain grain, String advertiserId, String campaignId, String creativeId, long periodMs,
               String targeting, String region, String site, int level) {
        this(grain, advertiserId, campaignId, creativeId, periodMs, targeting, region, site, Grain.ANY, level);
    }

    /**
     * Mixes every part: the record's default (31 × h + part) collides heavily here, where keys differ
     * in a character of short ids ({@code CN-44}, {@code site-3...}) and most parts are {@link Grain#ANY};
     * a bulk load of 10 M events spent most of its time in {@code equals} down long hash chains.
     */
    @Override
    public int hashCode() {
        long h = mix(grain.ordinal() * 31L + level, advertiserId.hashCode());
        h = mix(h, campaignId.hashCode());
        h = mix(h, creativeId.hashCode());
        h = mix(h, periodMs);
        h = mix(h, targeting.hashCode());
        h = mix(h, region.hashCode());
        h = mix(h, site.hashCode());
        h = mix(h, channel.hashCode());
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long h, long part) {
        long x = (h ^ part) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 31);
    }

    /** The stored {@code grain} column: {@link Grain#code(int)}. */
    String code() {
        return grain.code(level);
    }

    /**
     * The primary key: base64url SHA-256 of the length-prefixed parts (43 chars), so that any
     * id, site and targeting length fits one short indexed column.
     */
    String key() {
        StringBuilder b = new StringBuilder(code());
        for (String part : new String[] {advertiserId, campaignId, creativeId, Long.toString(periodMs),
                targeting, region, site}) {
            b.append('|').append(part.length()).append(':').append(part);
        }
        if (!Grain.ANY.equals(channel)) { // the keys of the grains without a channel stay as they were
            b.append('|').append(channel.length()).append(':').append(channel);
        }
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Digests.sha256(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Adds a stored event to its cell of every grain, when it counts in reports: impressions,
     * clicks (valid or not) and attributed conversions. Unattributed conversions belong to no
     * advertiser's results and are skipped, and so are ghost impressions (never an impression).
     */
    static void addTo(Map<RollupCell, Tally> cells, StoredEvent e) {
        if (e.advertiserId() == null || (StoredEvent.CONVERSION.equals(e.kind()) && !e.valid())
                || StoredEvent.GHOST.equals(e.kind())) {
            return;
        }
        long ms = e.at().toEpochMilli();
        String targeting = targetingKey(e.matchedBy());
        String region = e.region() == null ? Dimension.UNKNOWN : e.region();
        String site = e.site() == null ? Dimension.UNKNOWN : e.site();
        String channel = e.channel() == null ? AdServed.WEB : e.channel();
        long hash = e.pseudonym() == null ? 0 : UserSketch.hash(e.pseudonym());
        UserSketch user = e.pseudonym() == null ? UserSketch.EMPTY : UserSketch.ofHash(hash);
        for (Grain g : Grain.values()) {
            long period = g.hourly ? Math.floorDiv(ms, HOUR_MS) * HOUR_MS : Math.floorDiv(ms, DAY_MS) * DAY_MS;
            RollupCell cell = new RollupCell(g, e.advertiserId(), g.campaign ? e.campaignId() : Grain.ANY,
                    g.creative ? e.creativeId() : Grain.ANY,
                    period, g.targeting ? targeting : Grain.ANY, g.region ? region : Grain.ANY, g.site ? site : Grain.ANY,
                    g.channel ? channel : Grain.ANY, 0);
            cells.computeIfAbsent(cell, c -> new Tally()).add(e, user, hash);
        }
    }

    /** This cell's key in {@code g}, a grain at most as fine as this cell's (same period and level). */
    RollupCell in(Grain g) {
        return new RollupCell(g, advertiserId, g.campaign ? campaignId : Grain.ANY, g.creative ? creativeId : Grain.ANY,
                periodMs, g.targeting ? targeting : Grain.ANY, g.region ? region : Grain.ANY,
                g.site ? site : Grain.ANY, g.channel ? channel : Grain.ANY, level);
    }

    /** The block of {@code level} holding this daily cell ({@link PeriodBlocks}). */
    RollupCell inBlock(int level) {
        return new RollupCell(grain, advertiserId, campaignId, creativeId, PeriodBlocks.blockStart(periodMs, level),
                targeting, region, site, channel, level);
    }

    /** End of the cell's hour, day or block of days, epoch milliseconds. */
    long endMs() {
        return periodMs + (grain.hourly ? HOUR_MS : DAY_MS << level);
    }

    /** {@code Instant} of the period start, for day and hour keys. */
    Instant period() {
        return Instant.ofEpochMilli(periodMs);
    }

    /** The stored comma list of matchedBy kinds as a report key: see {@link Dimension}. */
    static String targetingKey(String matchedByCsv) {
        if (matchedByCsv == null || matchedByCsv.isEmpty()) {
            return AdServed.UNTARGETED;
        }
        return String.join("+", new TreeSet<>(List.of(matchedByCsv.split(","))));
    }
}
