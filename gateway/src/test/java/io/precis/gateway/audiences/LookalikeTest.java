package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.Ads;
import io.precis.gateway.Campaigns;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.LogCapture;
import io.precis.gateway.PrivacyLeakTest;
import io.precis.gateway.TestGateway;
import io.precis.reports.invalid.InvalidClickPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookalikes end to end over HTTP: two planted groups of people with profiling consent (water
 * filters, running shoes) send behaviour; a lookalike of most of the water group, seeded by a
 * customer list, a segment or a campaign's converters, finds the rest of it; a campaign
 * targeting the lookalike reaches a member with consent and not without; a withdrawal leaves at
 * the next rebuild, an erasure at once; refused seeds and another advertiser get clear 4xx.
 */
class LookalikeTest {
    static final int GROUP = 160;
    /** The water people in the customer list that seeds the first lookalike. */
    static final int SEEDED = 120;

    @TempDir
    static Path dir;
    static TestGateway gw;
    static String advertiser;
    static String other;
    static String publisher;
    static String list;
    static String lookalike;
    static String campaign;
    static LogCapture logs;
    /** Every answer the lookalike routes gave, scanned for raw ids at the end. */
    static final List<String> responses = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        logs = new LogCapture();
        gw = TestGateway.start(dir, c -> c.withRateLimit(GatewayConfig.RateLimit.OFF)
                .withClickPolicy(new InvalidClickPolicy(Duration.ZERO, 10, 100_000)));
        advertiser = gw.advertiser("Water Filters Co");
        other = gw.advertiser("Someone Else");
        publisher = gw.account("publisher", "News Site");
        for (int i = 0; i < GROUP; i++) {
            person("water-" + i, "净水器", "厨房电器", i);
            person("shoe-" + i, "跑鞋", "运动服", i);
        }
        list = createList("best customers");
        TestGateway.Resp up = gw.put("/v1/audiences/" + list + "/members", ids("water-", 0, SEEDED), advertiser);
        assertEquals(200, up.status(), up.body());
        TestGateway.Resp r = kept(gw.post("/v1/audiences/lookalike", """
                {"name": "like our best", "seed": {"audience": "%s"}, "size": %d}""".formatted(list, GROUP - SEEDED),
                advertiser));
        assertEquals(201, r.status(), r.body());
        lookalike = r.json().get("id").textValue();
        campaign = gw.campaign(advertiser, withAudiences("People like ours", 80,
                "{\"include\": [\"" + lookalike + "\"]}"));
    }

    /**
     * No raw id of a seed or lookalike member reaches the data dir, a log line or an answer of
     * the audience routes (the leak scan of {@code PrivacyLeakTest}, over this population).
     */
    @AfterAll
    static void stopAndScanForRawIds() throws Exception {
        gw.close();
        logs.close();
        // Every person's interest profile is stored (sealed) in the data dir the scan reads.
        assertTrue(PrivacyLeakTest.storedProfiles(dir) >= 2 * GROUP - 3, "profiles stored, but of the erased and the withdrawn");
        List<String> secrets = List.of("water-0", "water-119", "water-137", "water-159", "shoe-42");
        List<String> findings = new ArrayList<>();
        for (String r : responses) {
            PrivacyLeakTest.scan("response", r.getBytes(java.nio.charset.StandardCharsets.UTF_8), secrets, findings);
        }
        for (String line : logs.lines()) {
            PrivacyLeakTest.scan("a log line", line.getBytes(java.nio.charset.StandardCharsets.UTF_8), secrets, findings);
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                PrivacyLeakTest.scan(dir.relativize(f).toString(), java.nio.file.Files.readAllBytes(f), secrets, findings);
            }
        }
        assertTrue(findings.isEmpty(), "raw ids found: " + findings);
        assertTrue(responses.size() > 10, "the answers were collected");
    }

    /** A person with all consent who looked at two categories, and once at something else. */
    static void person(String user, String category, String second, int i) {
        consent(user, true);
        String noise = List.of("图书", "旅行", "音乐", "美食").get(i % 4);
        TestGateway.Resp r = gw.post("/v1/behaviour", """
                {"user": "%s", "events": [
                  {"type": "view", "category": "%s"}, {"type": "view", "category": "%s"},
                  {"type": "search", "category": "%s"}, {"type": "view", "category": "%s"},
                  {"type": "purchase", "category": "%s", "value": 99}, {"type": "view", "category": "%s"}]}
                """.formatted(user, category, category, category, second, category, noise), publisher);
        assertEquals(202, r.status(), r.body());
        assertEquals(6, r.json().get("accepted").asInt(), r.body());
    }

    static void consent(String user, boolean profiling) {
        TestGateway.Resp r = gw.put("/v1/consent?user=" + user, """
                {"purposes": {"personalisation": true, "profiling": %s, "measurement": true}}""".formatted(profiling),
                publisher);
        assertEquals(200, r.status(), r.body());
    }

    static String createList(String name) {
        TestGateway.Resp r = gw.post("/v1/audiences", "{\"name\": \"" + name + "\"}", advertiser);
        assertEquals(201, r.status(), r.body());
        assertEquals("list", r.json().get("kind").textValue());
        return r.json().get("id").textValue();
    }

    static String withAudiences(String name, int cpm, String audiencesJson) {
        return CustomerListsTest.withAudiences(name, cpm, audiencesJson);
    }

    /** The campaigns served to {@code user} on a page nothing else targets. */
    static List<String> served(String user) {
        TestGateway.Resp r = gw.ad("""
                {"slot": {"id": "top", "format": "banner-300x250", "site": "news.example"},
                 "page": {"url": "https://news.example/x", "text": "今日新闻"},
                 "user": {"id": "%s"}, "count": 3}
                """.formatted(user));
        assertTrue(r.status() == 200 || r.status() == 204, r.body());
        List<String> out = new ArrayList<>();
        if (r.status() == 200) {
            r.json().get("ads").forEach(a -> out.add(a.get("campaignId").textValue()));
        }
        return out;
    }

    static String ids(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "\"" + prefix + i + "\"")
                .collect(Collectors.joining(", ", "{\"ids\": [", "]}"));
    }

    /** The lookalikes the person's own data export says they are in. */
    static List<String> lookalikesOf(String user) {
        TestGateway.Resp r = kept(gw.get("/v1/me?user=" + user, publisher));
        assertEquals(200, r.status(), r.body());
        List<String> out = new ArrayList<>();
        JsonNode section = r.json().get("lookalikes");
        if (section != null) {
            section.forEach(n -> out.add(n.textValue()));
        }
        return out;
    }

    /** Water people outside the seed who are in {@code id}, by their exports. */
    static List<String> waterMembersOf(String id) {
        return IntStream.range(SEEDED, GROUP).mapToObj(i -> "water-" + i)
                .filter(u -> lookalikesOf(u).contains(id)).toList();
    }

    @Test
    void aLookalikeOfAListFindsTheRestOfTheGroupAndShowsOnlyARoundedSize() {
        TestGateway.Resp r = kept(gw.get("/v1/audiences/" + lookalike, advertiser));
        assertEquals(200, r.status());
        JsonNode a = r.json();
        assertEquals("lookalike", a.get("kind").textValue());
        assertEquals(list, a.get("lookalike").get("seed").get("audience").textValue());
        assertEquals(GROUP - SEEDED, a.get("lookalike").get("requestedSize").asInt());
        assertTrue(a.get("lookalike").get("builtAt").isTextual());
        assertEquals(0, a.get("size").asInt() % a.get("sizeRoundedTo").asInt(), "rounded like a list");
        kept(gw.get("/v1/audiences", advertiser));
        int found = waterMembersOf(lookalike).size();
        assertTrue(found >= (GROUP - SEEDED) * 9 / 10, "found " + found + " of the " + (GROUP - SEEDED));
        assertTrue(IntStream.range(0, 20).noneMatch(i -> lookalikesOf("shoe-" + i).contains(lookalike)));
        assertTrue(lookalikesOf("water-0").isEmpty(), "the seed itself is left out");
    }

    @Test
    void aMemberGetsTheAdWithProfilingConsentAndNotWithout() {
        String member = waterMembersOf(lookalike).get(0);
        assertTrue(served(member).contains(campaign));
        consent(member, false);
        assertFalse(served(member).contains(campaign),
                "personalisation alone does not use a lookalike");
        consent(member, true);
        assertTrue(served(member).contains(campaign));
        assertFalse(served("shoe-3").contains(campaign));
        assertFalse(served("water-5").contains(campaign), "a seed member is not in it");
    }

    @Test
    void aWithdrawalLeavesTheLookalikeAtTheNextRebuild() {
        String own = create("rebuilt", "{\"audience\": \"" + list + "\"}", GROUP - SEEDED);
        String leaver = waterMembersOf(own).get(1);
        consent(leaver, false);
        TestGateway.Resp r = kept(gw.post("/v1/audiences/" + own + "/rebuild", "", advertiser));
        assertEquals(200, r.status(), r.body());
        consent(leaver, true);
        assertFalse(lookalikesOf(leaver).contains(own), "rebuilt without the person who withdrew");
    }

    @Test
    void erasureTakesThePersonOutOfEveryLookalikeAtOnce() {
        String second = create("second", "{\"audience\": \"" + list + "\"}", GROUP - SEEDED);
        List<String> inBoth = waterMembersOf(second).stream().filter(u -> lookalikesOf(u).contains(lookalike)).toList();
        String erased = inBoth.get(inBoth.size() - 1);
        assertEquals(204, gw.delete("/v1/me?user=" + erased, publisher).status());
        consent(erased, true);
        assertTrue(lookalikesOf(erased).isEmpty(), "in no lookalike after erasure");
        assertFalse(served(erased).contains(campaign));
        assertEquals(200, gw.post("/v1/audiences/" + second + "/rebuild", "", advertiser).status());
        assertTrue(lookalikesOf(erased).isEmpty(), "and no rebuild brings their profile back");
    }

    @Test
    void aSegmentSeedsALookalike() {
        String bySegment = create("shoe lovers' lookalikes", "{\"segment\": \"interest:跑鞋\"}", 20);
        assertEquals(20, gw.get("/v1/audiences/" + bySegment, advertiser).json().get("size").asInt());
    }

    @Test
    void theConvertersOfACampaignSeedALookalike() {
        String sale = gw.campaign(advertiser, Campaigns.keywords("Sale", "[\"特价\"]", "CPM", 50));
        Ads ads = new Ads(gw);
        for (int i = 0; i < 110; i++) {
            JsonNode ad = ads.serve("sale.example", "今日特价", "water-" + i);
            assertEquals(sale, ad.get("campaignId").textValue());
            assertEquals(204, ads.impression(ad));
            assertEquals(202, ads.convert(ads.click(ad), 10, "order-" + i));
        }
        String seed = "{\"campaign\": \"" + sale + "\"}";
        Instant deadline = Instant.now().plusSeconds(20);
        TestGateway.Resp r = lookalike("buyers alike", seed, 30);
        while (r.status() == 400 && Instant.now().isBefore(deadline)) { // conversions are written in batches
            Thread.onSpinWait();
            r = lookalike("buyers alike", seed, 30);
        }
        assertEquals(201, r.status(), r.body());
        assertEquals(30, r.json().get("size").asInt());
    }

    @Test
    void badSeedsAndOthersGetAClearError() {
        String small = createList("a few");
        assertEquals(200, gw.put("/v1/audiences/" + small + "/members", ids("water-", 0, 99), advertiser).status());
        assertBad(lookalike("too small", "{\"audience\": \"" + small + "\"}", 10), "seed");
        assertBad(lookalike("nobody", "{\"segment\": \"interest:nothing\"}", 10), "seed");
        assertBad(lookalike("another's", "{\"audience\": \"" + list + "\"}", 10, other), "seed.audience");
        assertBad(lookalike("another's", "{\"campaign\": \"" + campaign + "\"}", 10, other), "seed.campaign");
        assertBad(lookalike("two", "{\"segment\": \"a\", \"audience\": \"b\"}", 10), "seed");
        assertBad(lookalike("zero", "{\"audience\": \"" + list + "\"}", 0), "size");
        assertEquals(404, gw.post("/v1/audiences/" + lookalike + "/rebuild", "", other).status());
        assertEquals(404, gw.post("/v1/audiences/" + list + "/rebuild", "", advertiser).status(), "a list is not rebuilt");
        TestGateway.Resp upload = kept(gw.put("/v1/audiences/" + lookalike + "/members", "{\"ids\": [\"x\"]}", advertiser));
        assertEquals(409, upload.status(), upload.body());
        assertEquals("conflict", upload.json().get("error").textValue());
    }

    static void assertBad(TestGateway.Resp r, String field) {
        assertEquals(400, r.status(), r.body());
        assertEquals("bad_request", r.json().get("error").textValue(), r.body());
        assertTrue(r.json().get("message").isTextual(), r.body());
        assertEquals(field, r.json().get("field").textValue(), r.body());
        assertFalse(r.body().contains("water-"), r.body());
    }

    static TestGateway.Resp lookalike(String name, String seed, int size) {
        return lookalike(name, seed, size, advertiser);
    }

    static TestGateway.Resp lookalike(String name, String seed, int size, String key) {
        return kept(gw.post("/v1/audiences/lookalike",
                "{\"name\": \"" + name + "\", \"seed\": " + seed + ", \"size\": " + size + "}", key));
    }

    static TestGateway.Resp kept(TestGateway.Resp r) {
        responses.add(r.body());
        return r;
    }

    static String create(String name, String seed, int size) {
        TestGateway.Resp r = lookalike(name, seed, size);
        assertEquals(201, r.status(), r.body());
        return r.json().get("id").textValue();
    }
}
