package io.precis.perf.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.iabtcf.encoder.TCStringEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's campaigns and ad requests (issue 12's mix), the same for every run (fixed seeds).
 *
 * <p>Campaigns: all one format, keyword-targeted from a vocabulary of 30 Chinese and English
 * keywords (1 to 3 each), 30% with regions, 20% with genders, CPM, CPC and CPA bids. Ad requests:
 * Chinese (60%) and English news-like pages, each with 0 to 3 vocabulary keywords among filler
 * sentences; half with a user id (then with year of birth, gender and region), a third with a TCF
 * string (full consent or measurement only), the rest with no consent signal.
 */
public final class BenchWorkload {
    public static final String FORMAT = "banner-300x250";

    /** The 30 keywords campaigns target (15 Chinese, 15 English; five of them several words). */
    public static final List<String> VOCABULARY = List.of(
            "空调清洗", "咖啡", "手机", "旅游", "健身", "电动汽车", "房地产", "股票", "美食", "化妆品",
            "教育", "保险", "游戏", "家具", "宠物",
            "coffee", "smartphone", "travel", "fitness", "electric car", "real estate", "stocks",
            "recipes", "skincare", "online course", "insurance", "video games", "furniture", "pet food",
            "running shoes");

    private static final List<String> PROVINCES = List.of(
            "CN-11", "CN-31", "CN-44", "CN-32", "CN-33", "CN-51", "CN-42", "CN-37", "CN-35", "CN-50");
    private static final String[] ZH_FILLER = {
        "今天的新闻报道了城市里的许多变化。", "记者在现场采访了几位市民。", "专家认为这种趋势还会持续一段时间。",
        "很多年轻人开始关注生活品质。", "周末的天气晴朗，适合出门散步。", "这篇文章介绍了相关的背景知识。",
        "读者可以在评论区分享自己的看法。", "市场上出现了不少新的选择。"};
    private static final String[] EN_FILLER = {
        "The city council met again this week to discuss the new plans.",
        "Readers shared their experiences in the comments below.",
        "Analysts expect the trend to continue through the next quarter.",
        "Many families are changing how they spend their weekends.",
        "The weather stays mild, and the parks are busy again.",
        "Here is what you need to know before you decide.",
        "Local shops report more visitors than last year.",
        "The report compares the options side by side."};
    private static final String BROWSER_UA =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchWorkload() {}

    /** A user agent every robot rule accepts as a browser. */
    public static String browserUserAgent() {
        return BROWSER_UA;
    }

    /** Campaign {@code i} of the benchmark set, as the body of {@code POST /v1/campaigns}. */
    public static ObjectNode campaign(int i) {
        SplittableRandom r = new SplittableRandom(42L * 1_000_003L + i);
        ObjectNode c = JSON.createObjectNode();
        c.put("name", "bench-" + i);
        c.put("goal", new String[] {"awareness", "reach", "conversion"}[r.nextInt(3)]);
        ObjectNode bid = c.putObject("bid");
        double p = r.nextDouble();
        if (p < 0.5) {
            bid.put("model", "CPM").put("amount", cents(500 + r.nextInt(2000)));
        } else if (p < 0.85) {
            bid.put("model", "CPC").put("amount", cents(20 + r.nextInt(300)));
        } else {
            bid.put("model", "CPA").put("amount", cents(500 + r.nextInt(5000)));
        }
        ObjectNode t = c.putObject("targeting");
        ArrayNode kw = t.putArray("keywords");
        int n = 1 + r.nextInt(3);
        List<String> picked = new ArrayList<>();
        while (picked.size() < n) {
            String k = VOCABULARY.get(r.nextInt(VOCABULARY.size()));
            if (!picked.contains(k)) {
                picked.add(k);
                kw.add(k);
            }
        }
        if (r.nextDouble() < 0.3) {
            ArrayNode regions = t.putArray("regions");
            regions.add(PROVINCES.get(r.nextInt(PROVINCES.size())));
            if (r.nextBoolean()) {
                regions.add(PROVINCES.get(r.nextInt(PROVINCES.size())));
            }
        }
        if (r.nextDouble() < 0.2) {
            t.putArray("genders").add(r.nextBoolean() ? "f" : "m");
        }
        t.putArray("formats").add(FORMAT);
        c.putArray("creatives").addObject().put("id", "cr" + i).put("format", FORMAT)
                .put("title", "Bench ad " + i).put("landingUrl", "https://shop.example/p/" + i);
        return c;
    }

    /**
     * {@link #campaign(int)} with delivery limits on two thirds, as the cluster benchmark seeds
     * them so that matching consults the shared counters: i mod 3 = 0 capped at 5 impressions a
     * user a day, 1 with a daily budget of 1,000 (never reached in a run), 2 unlimited.
     */
    public static ObjectNode limitedCampaign(int i) {
        ObjectNode c = campaign(i);
        switch (i % 3) {
            case 0 -> c.putObject("frequencyCap").put("impressions", 5).put("perHours", 24);
            case 1 -> c.putObject("budget").put("daily", 1000);
            default -> { }
        }
        return c;
    }

    private static java.math.BigDecimal cents(int cents) {
        return java.math.BigDecimal.valueOf(cents, 2);
    }

    /**
     * {@code count} ad request bodies, the mix described above, as JSON strings (a feeder cycles
     * them; with 500 the "500 fixed requests").
     */
    public static List<String> adRequests(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String full = tcf(true);
        String measurementOnly = tcf(false);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean zh = r.nextDouble() < 0.6;
            ObjectNode req = JSON.createObjectNode();
            String site = zh ? "news.example.cn" : "news.example.com";
            req.putObject("slot").put("id", "top").put("format", FORMAT).put("site", site);
            ObjectNode page = req.putObject("page");
            page.put("url", "https://" + site + "/a/" + i).put("lang", zh ? "zh" : "en");
            StringBuilder text = new StringBuilder();
            List<String> words = VOCABULARY.subList(zh ? 0 : 15, zh ? 15 : 30);
            int hits = r.nextInt(4);
            String[] filler = zh ? ZH_FILLER : EN_FILLER;
            String title = null;
            for (int s = 0; s < 6; s++) {
                text.append(filler[r.nextInt(filler.length)]).append(zh ? "" : " ");
                if (s < hits) {
                    String k = words.get(r.nextInt(words.size()));
                    title = title == null ? k : title;
                    text.append(zh ? "关于" + k + "的最新消息。" : "More about " + k + " this week. ");
                }
            }
            page.put("title", title == null ? (zh ? "今日新闻" : "Today's news") : (zh ? title + "：读者指南" : "A guide to " + title));
            page.put("text", text.toString().strip());
            if (r.nextBoolean()) {
                ObjectNode user = req.putObject("user");
                user.put("id", "bench-user-" + r.nextInt(100_000));
                user.put("yob", 1960 + r.nextInt(45)).put("gender", r.nextBoolean() ? "f" : "m")
                        .put("region", PROVINCES.get(r.nextInt(PROVINCES.size())));
            }
            double c = r.nextDouble();
            if (c < 0.2) {
                req.putObject("consent").put("tcf", full);
            } else if (c < 0.33) {
                req.putObject("consent").put("tcf", measurementOnly);
            }
            req.putObject("device").put("ua", BROWSER_UA);
            out.add(req.toString());
        }
        return out;
    }

    /** A real TCF v2 string: every purpose and precise geo, or measurement (purpose 7) only. */
    static String tcf(boolean full) {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        TCStringEncoder.Builder b = TCStringEncoder.newBuilder()
                .version(2).created(t).lastUpdated(t)
                .cmpId(7).cmpVersion(1).consentScreen(1).consentLanguage("EN")
                .vendorListVersion(150).tcfPolicyVersion(5)
                .isServiceSpecific(true).publisherCC("DE")
                .addVendorConsent(755);
        if (full) {
            b.addSpecialFeatureOptIns(1);
            for (int purpose = 1; purpose <= 10; purpose++) {
                b.addPurposesConsent(purpose);
            }
        } else {
            b.addPurposesConsent(1).addPurposesConsent(7);
        }
        return b.encode();
    }
}
