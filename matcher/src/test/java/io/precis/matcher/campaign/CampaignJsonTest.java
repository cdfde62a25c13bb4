package io.precis.matcher.campaign;

import static io.precis.matcher.TestCampaigns.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignJsonTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-02T00:00:00Z");

    /** The example of API.md. */
    private static final String FULL = """
            {
              "name": "Air-conditioner cleaning, Beijing",
              "goal": "awareness",
              "status": "active",
              "bid": {"model": "CPM", "amount": 12.5, "currency": "CNY"},
              "budget": {"total": 5000, "daily": 500},
              "schedule": {"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z",
                           "hours": [8, 9, 20, 21], "timezone": "Asia/Shanghai"},
              "frequencyCap": {"impressions": 3, "perHours": 24},
              "targeting": {
                "keywords": ["空调清洗", "air conditioner cleaning"], "excludeKeywords": ["维修"],
                "categories": ["home-appliance"],
                "ageBands": ["25-34", "35-44", "65+"], "genders": ["f", "m"],
                "regions": ["CN-11", "CN-11-0115"],
                "segments": ["interest:home-appliance", "lifecycle:silent"],
                "excludeSegments": ["lifecycle:new"],
                "geo": {"lat": 39.79, "lon": 116.39, "radiusKm": 3},
                "sites": {"allow": [], "block": ["spam.example"]},
                "formats": ["banner-300x250"]
              },
              "creatives": [{"id": "c1", "format": "banner-300x250", "title": "深度清洗 99 元",
                             "imageUrl": "https://cdn.example/c1.png",
                             "landingUrl": "https://shop.example/ac"}],
              "someFutureField": {"ignored": true}
            }
            """;

    private static Campaign parse(String body) {
        return CampaignJson.fromRequest(json(body), "cmp-1", "adv-1", T0, T1);
    }

    /** Parses FULL with {@code member} (a JSON member or members) replacing the same keys. */
    private static Campaign parseWith(String member) {
        ObjectNode body = (ObjectNode) json(FULL);
        body.setAll((ObjectNode) json("{" + member + "}"));
        return CampaignJson.fromRequest(body, "cmp-1", "adv-1", T0, T1);
    }

    private static String rejectedField(String member) {
        return assertThrows(InvalidFieldException.class, () -> parseWith(member)).field();
    }

    private static String rejectedTargeting(String members) {
        ObjectNode body = (ObjectNode) json(FULL);
        ((ObjectNode) body.get("targeting")).setAll((ObjectNode) json("{" + members + "}"));
        return assertThrows(InvalidFieldException.class,
                () -> CampaignJson.fromRequest(body, "cmp-1", "adv-1", T0, T1)).field();
    }

    @Test
    void apiExampleParsesIntoEveryField() {
        Campaign c = parse(FULL);
        assertEquals("cmp-1", c.id());
        assertEquals("adv-1", c.advertiserId());
        assertEquals(Goal.AWARENESS, c.goal());
        assertEquals(CampaignStatus.ACTIVE, c.status());
        assertEquals(new Bid(BidModel.CPM, new BigDecimal("12.5"), "CNY"), c.bid());
        assertEquals(new Budget(new BigDecimal("5000"), new BigDecimal("500")), c.budget());
        assertEquals(List.of(8, 9, 20, 21), c.schedule().hours());
        assertEquals(ZoneId.of("Asia/Shanghai"), c.schedule().timezone());
        assertEquals(new FrequencyCap(3, 24), c.frequencyCap());
        assertEquals(new Geo(39.79, 116.39, 3), c.targeting().geo());
        assertEquals(List.of("spam.example"), c.targeting().sites().block());
        assertEquals("深度清洗 99 元", c.creatives().get(0).title());
        assertEquals(T0, c.createdAt());
        assertEquals(T1, c.updatedAt());
    }

    @Test
    void minimalBodyGetsDefaults() {
        Campaign c = parse("""
                {"name": "n", "bid": {"model": "CPC", "amount": 1},
                 "creatives": [{"id": "a", "format": "native", "landingUrl": "http://x.example/"}]}
                """);
        assertEquals(Goal.AWARENESS, c.goal());
        assertEquals(CampaignStatus.ACTIVE, c.status());
        assertEquals("CNY", c.bid().currency());
        assertEquals(Budget.UNLIMITED, c.budget());
        assertEquals(Schedule.ALWAYS, c.schedule());
        assertNull(c.frequencyCap());
        assertEquals(Targeting.NONE, c.targeting());
        assertTrue(c.targeting().keywords().isEmpty());
    }

    @Test
    void storedJsonRoundTripsToAnEqualCampaign() {
        Campaign c = parse(FULL);
        assertEquals(c, CampaignJson.fromStored(CampaignJson.toJson(c)));
        Campaign archived = c.withStatus(CampaignStatus.ARCHIVED, T1.plusSeconds(5));
        assertEquals(archived, CampaignJson.fromStored(CampaignJson.toJson(archived)));
    }

    @Test
    void storedJsonRoundTripsThroughTextAndForMinimalCampaigns() throws Exception {
        Campaign minimal = parse("""
                {"name": "n", "bid": {"model": "CPA", "amount": 30.50},
                 "creatives": [{"id": "a", "format": "native", "landingUrl": "http://x.example/"}]}
                """);
        for (Campaign c : List.of(minimal, parse(FULL))) {
            String text = CampaignJson.toJson(c).toString();
            assertEquals(c, CampaignJson.fromStored(json(text)));
        }
        assertEquals("adv-1", CampaignJson.toJson(minimal).get("advertiserId").asText());
    }

    @Test
    void bodyMustBeAnObject() {
        var e = assertThrows(InvalidFieldException.class,
                () -> CampaignJson.fromRequest(json("[1]"), "i", "a", T0, T1));
        assertEquals("", e.field());
    }

    @Test
    void nameIsRequiredNonBlankAndAtMost200Characters() {
        ObjectNode noName = (ObjectNode) json(FULL);
        noName.remove("name");
        assertEquals("name", assertThrows(InvalidFieldException.class,
                () -> CampaignJson.fromRequest(noName, "i", "a", T0, T1)).field());
        assertEquals("name", rejectedField("\"name\": \"  \""));
        assertEquals("name", rejectedField("\"name\": \"" + "x".repeat(201) + "\""));
        assertEquals("name", rejectedField("\"name\": 5"));
    }

    @Test
    void wrongJsonTypesNameTheField() {
        assertEquals("bid", rejectedField("\"bid\": \"x\""));
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPM\", \"amount\": \"12\"}"));
        assertEquals("targeting.keywords", rejectedTargeting("\"keywords\": \"a\""));
        assertEquals("targeting.keywords[1]", rejectedTargeting("\"keywords\": [\"a\", 3]"));
        assertEquals("schedule.hours[0]", rejectedField("\"schedule\": {\"hours\": [\"8\"]}"));
        assertEquals("schedule.hours[0]", rejectedField("\"schedule\": {\"hours\": [8.5]}"));
        assertEquals("targeting", rejectedField("\"targeting\": []"));
        assertEquals("creatives[0]", rejectedField("\"creatives\": [\"c1\"]"));
    }

    @Test
    void unknownEnumValuesAndArchivedStatusAreRejected() {
        assertEquals("goal", rejectedField("\"goal\": \"fame\""));
        assertEquals("goal", rejectedField("\"goal\": \"AWARENESS\""));
        assertEquals("status", rejectedField("\"status\": \"archived\""));
        assertEquals("status", rejectedField("\"status\": \"deleted\""));
        assertEquals("bid.model", rejectedField("\"bid\": {\"model\": \"cpm\", \"amount\": 1}"));
        assertEquals(CampaignStatus.PAUSED, parseWith("\"status\": \"paused\"").status());
        assertEquals(Goal.CONVERSION, parseWith("\"goal\": \"conversion\"").goal());
    }

    @Test
    void bidIsRequiredWithPositiveAmountAndCurrencyCode() {
        ObjectNode noBid = (ObjectNode) json(FULL);
        noBid.remove("bid");
        assertEquals("bid", assertThrows(InvalidFieldException.class,
                () -> CampaignJson.fromRequest(noBid, "i", "a", T0, T1)).field());
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPM\", \"amount\": 0}"));
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPM\", \"amount\": -1}"));
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPM\"}"));
        assertEquals("bid.currency",
                rejectedField("\"bid\": {\"model\": \"CPM\", \"amount\": 1, \"currency\": \"cny\"}"));
        assertEquals("bid.currency",
                rejectedField("\"bid\": {\"model\": \"CPM\", \"amount\": 1, \"currency\": \"YUAN\"}"));
    }

    @Test
    void moneyIsChargeableExactlyAndBounded() {
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPC\", \"amount\": 1000000.01}"));
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPC\", \"amount\": 1e30}"));
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPC\", \"amount\": 1e400}"));
        assertEquals("bid.amount", rejectedField("\"bid\": {\"model\": \"CPM\", \"amount\": 0.0000001}"));
        assertEquals("budget.total", rejectedField("\"budget\": {\"total\": 1e20}"));
        assertEquals("budget.daily", rejectedField("\"budget\": {\"daily\": 1000000000.5}"));
        assertEquals("budget.daily", rejectedField("\"budget\": {\"daily\": 0.1234567}"));
        InvalidFieldException e = assertThrows(InvalidFieldException.class,
                () -> parseWith("\"budget\": {\"total\": 1e20}"));
        assertTrue(e.getMessage().contains("at most 1000000000"), e.getMessage());
        // The limits themselves are fine, and so are trailing zeros past six decimals.
        Campaign c = parseWith("\"bid\": {\"model\": \"CPC\", \"amount\": 1000000},"
                + "\"budget\": {\"total\": 1000000000, \"daily\": 0.000001}");
        assertEquals(0, c.bid().amount().compareTo(BigDecimal.valueOf(1_000_000)));
        assertEquals(new BigDecimal("0.000001"), c.budget().daily());
        assertEquals(new BigDecimal("12.5"),
                parseWith("\"bid\": {\"model\": \"CPM\", \"amount\": 12.500000000}").bid().amount());
    }

    @Test
    void storedCampaignsLoadAsTheyWereAcceptedEvenBeyondTodaysLimits() {
        ObjectNode stored = CampaignJson.toJson(parse(FULL));
        ((ObjectNode) stored.get("budget")).put("total", new BigDecimal("1E+20"));
        assertEquals(0, CampaignJson.fromStored(stored).budget().total()
                .compareTo(new BigDecimal("1E+20")));
    }

    @Test
    void conversionCountingIsOneByDefaultEveryOnRequestAndAnythingElseIsRejected() {
        assertEquals(ConversionCounting.ONE, parse(FULL).conversionCounting());
        Campaign every = parseWith("\"conversionCounting\": \"every\"");
        assertEquals(ConversionCounting.EVERY, every.conversionCounting());
        assertEquals("every", CampaignJson.toJson(every).get("conversionCounting").textValue());
        assertEquals(every, CampaignJson.fromStored(CampaignJson.toJson(every)));
        assertEquals("conversionCounting", rejectedField("\"conversionCounting\": \"all\""));
        assertEquals("conversionCounting", rejectedField("\"conversionCounting\": \"ONE\""));
        assertEquals("conversionCounting", rejectedField("\"conversionCounting\": 1"));
        // Campaigns stored before the field existed count one.
        ObjectNode old = CampaignJson.toJson(every);
        old.remove("conversionCounting");
        assertEquals(ConversionCounting.ONE, CampaignJson.fromStored(old).conversionCounting());
    }

    @Test
    void adCategoriesAreIabContentCategoriesStoredOnlyWhenDeclared() {
        assertEquals(List.of(), parse(FULL).adCategories());
        assertNull(CampaignJson.toJson(parse(FULL)).get("adCategories"));
        Campaign c = parseWith("\"adCategories\": [\"IAB9\", \" IAB7-39 \"]");
        assertEquals(List.of("IAB9", "IAB7-39"), c.adCategories());
        assertEquals(c, CampaignJson.fromStored(CampaignJson.toJson(c)));
        assertEquals("adCategories[0]", rejectedField("\"adCategories\": [\"gambling\"]"));
        assertEquals("adCategories[1]", rejectedField("\"adCategories\": [\"IAB1\", \"iab2\"]"));
        assertEquals("adCategories", rejectedField("\"adCategories\": \"IAB1\""));
    }

    @Test
    void holdoutIsAShareFromZeroToBelowOneStoredOnlyWhenSet() {
        assertEquals(0.0, parse(FULL).holdout());
        assertNull(CampaignJson.toJson(parse(FULL)).get("holdout"));
        Campaign c = parseWith("\"holdout\": 0.1");
        assertEquals(0.1, c.holdout());
        assertEquals(c, CampaignJson.fromStored(CampaignJson.toJson(c)));
        assertEquals(0.0, parseWith("\"holdout\": 0").holdout());
        for (String bad : new String[] {"1", "1.5", "-0.1", "\"0.1\"", "true", "0.12345"}) {
            assertEquals("holdout", rejectedField("\"holdout\": " + bad), bad);
        }
    }

    @Test
    void budgetMustNotBeNegative() {
        assertEquals("budget.total", rejectedField("\"budget\": {\"total\": -1}"));
        assertEquals("budget.daily", rejectedField("\"budget\": {\"daily\": -0.01}"));
        assertEquals("budget.daily", rejectedField("\"budget\": {\"daily\": \"5\"}"));
        assertEquals(new Budget(null, BigDecimal.ZERO), parseWith("\"budget\": {\"daily\": 0}").budget());
    }

    @Test
    void scheduleNeedsInstantsEndAfterStartHours0To23AndAValidZone() {
        assertEquals("schedule.start", rejectedField("\"schedule\": {\"start\": \"tomorrow\"}"));
        assertEquals("schedule.end", rejectedField(
                "\"schedule\": {\"start\": \"2026-11-02T00:00:00Z\", \"end\": \"2026-11-01T00:00:00Z\"}"));
        assertEquals("schedule.end", rejectedField(
                "\"schedule\": {\"start\": \"2026-11-02T00:00:00Z\", \"end\": \"2026-11-02T00:00:00Z\"}"));
        assertEquals("schedule.hours[1]", rejectedField("\"schedule\": {\"hours\": [0, 24]}"));
        assertEquals("schedule.hours[0]", rejectedField("\"schedule\": {\"hours\": [-1]}"));
        assertEquals("schedule.timezone", rejectedField("\"schedule\": {\"timezone\": \"Mars/Olympus\"}"));
        Schedule s = parseWith("\"schedule\": {\"start\": \"2026-11-01T08:00:00+08:00\"}").schedule();
        assertEquals(Instant.parse("2026-11-01T00:00:00Z"), s.start());
    }

    @Test
    void frequencyCapNeedsAtLeastOneImpressionPerAtLeastOneHour() {
        assertEquals("frequencyCap.impressions",
                rejectedField("\"frequencyCap\": {\"impressions\": 0, \"perHours\": 24}"));
        assertEquals("frequencyCap.perHours",
                rejectedField("\"frequencyCap\": {\"impressions\": 1, \"perHours\": 0}"));
        assertEquals("frequencyCap.perHours", rejectedField("\"frequencyCap\": {\"impressions\": 1}"));
    }

    @Test
    void geoNeedsValidCoordinatesAndRadiusUpTo1000Km() {
        assertEquals("targeting.geo.lat",
                rejectedTargeting("\"geo\": {\"lat\": 91, \"lon\": 0, \"radiusKm\": 1}"));
        assertEquals("targeting.geo.lon",
                rejectedTargeting("\"geo\": {\"lat\": 0, \"lon\": -181, \"radiusKm\": 1}"));
        assertEquals("targeting.geo.radiusKm",
                rejectedTargeting("\"geo\": {\"lat\": 0, \"lon\": 0, \"radiusKm\": 0}"));
        assertEquals("targeting.geo.radiusKm",
                rejectedTargeting("\"geo\": {\"lat\": 0, \"lon\": 0, \"radiusKm\": 1001}"));
    }

    @Test
    void regionCodesMustHaveTheHierarchicalForm() {
        assertEquals("targeting.regions[1]", rejectedTargeting("\"regions\": [\"CN\", \"cn-11\"]"));
        assertEquals("targeting.regions[0]", rejectedTargeting("\"regions\": [\"Beijing\"]"));
        assertEquals("targeting.regions[0]", rejectedTargeting("\"regions\": [\"CN-11-01150000\"]"));
        assertEquals(List.of("CN", "CN-11", "CN-11-0115"),
                parseWith("\"targeting\": {\"regions\": [\"CN\", \"CN-11\", \"CN-11-0115\"]}")
                        .targeting().regions());
    }

    @Test
    void ageBandsAndGendersMustBeKnownForms() {
        assertEquals("targeting.ageBands[0]", rejectedTargeting("\"ageBands\": [\"34-25\"]"));
        assertEquals("targeting.ageBands[0]", rejectedTargeting("\"ageBands\": [\"young\"]"));
        assertEquals("targeting.genders[1]", rejectedTargeting("\"genders\": [\"f\", \"q\"]"));
    }

    @Test
    void keywordsMustBeNonBlankShortAndFewerThan500() {
        assertEquals("targeting.keywords[0]", rejectedTargeting("\"keywords\": [\" \"]"));
        assertEquals("targeting.excludeKeywords[0]",
                rejectedTargeting("\"excludeKeywords\": [\"" + "k".repeat(101) + "\"]"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append('"');
        }
        assertEquals("targeting.keywords", rejectedTargeting("\"keywords\": [" + many + "]"));
    }

    @Test
    void sitesAreHostNamesStoredLowerCase() {
        assertEquals("targeting.sites.block[0]",
                rejectedTargeting("\"sites\": {\"block\": [\"http://spam.example/\"]}"));
        assertEquals("targeting.sites.allow[0]",
                rejectedTargeting("\"sites\": {\"allow\": [\"bad_host.example\"]}"));
        assertEquals(List.of("news.example"),
                parseWith("\"targeting\": {\"sites\": {\"allow\": [\"News.Example\"]}}")
                        .targeting().sites().allow());
    }

    @Test
    void formatsMustBeLowerCaseTokens() {
        assertEquals("targeting.formats[0]", rejectedTargeting("\"formats\": [\"Banner 300x250\"]"));
        assertEquals("creatives[0].format", rejectedField(
                "\"creatives\": [{\"id\": \"c1\", \"format\": \"-x\", \"landingUrl\": \"https://a.example\"}]"));
    }

    @Test
    void creativesAreRequiredWithUniqueIdsFormatsInTargetingAndHttpUrls() {
        assertEquals("creatives", rejectedField("\"creatives\": []"));
        ObjectNode none = (ObjectNode) json(FULL);
        none.remove("creatives");
        assertEquals("creatives", assertThrows(InvalidFieldException.class,
                () -> CampaignJson.fromRequest(none, "i", "a", T0, T1)).field());
        String ok = "{\"id\": \"c1\", \"format\": \"banner-300x250\", \"landingUrl\": \"https://a.example\"}";
        assertEquals("creatives[1].id", rejectedField("\"creatives\": [" + ok + "," + ok + "]"));
        assertEquals("creatives[0].id", rejectedField(
                "\"creatives\": [{\"id\": \"\", \"format\": \"banner-300x250\", \"landingUrl\": \"https://a.example\"}]"));
        assertEquals("creatives[0].format", rejectedField(
                "\"creatives\": [{\"id\": \"c\", \"format\": \"video\", \"landingUrl\": \"https://a.example\"}]"));
        assertEquals("creatives[0].landingUrl", rejectedField(
                "\"creatives\": [{\"id\": \"c\", \"format\": \"banner-300x250\", \"landingUrl\": \"/relative\"}]"));
        assertEquals("creatives[0].landingUrl", rejectedField(
                "\"creatives\": [{\"id\": \"c\", \"format\": \"banner-300x250\", \"landingUrl\": \"javascript:alert(1)\"}]"));
        assertEquals("creatives[0].imageUrl", rejectedField(
                "\"creatives\": [{\"id\": \"c\", \"format\": \"banner-300x250\", \"imageUrl\": \"ftp://a.example/x.png\", \"landingUrl\": \"https://a.example\"}]"));
        assertEquals("creatives[0].landingUrl", rejectedField(
                "\"creatives\": [{\"id\": \"c\", \"format\": \"banner-300x250\"}]"));
    }

    @Test
    void creativeFormatIsFreeWhenTargetingHasNoFormats() {
        Campaign c = parseWith("""
                "targeting": {}, "creatives": [{"id": "v", "format": "video-16x9", "landingUrl": "https://a.example"}]
                """);
        assertEquals("video-16x9", c.creatives().get(0).format());
    }

    @Test
    void messagesNameTheField() {
        var e = assertThrows(InvalidFieldException.class,
                () -> parseWith("\"bid\": {\"model\": \"CPM\", \"amount\": -5}"));
        assertTrue(e.getMessage().contains("bid.amount"), e.getMessage());
    }

    @Test
    void listsOfCampaignAreImmutable() {
        Campaign c = parse(FULL);
        JsonNode unused = CampaignJson.toJson(c);
        assertThrows(UnsupportedOperationException.class, () -> c.creatives().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.targeting().keywords().clear());
        assertTrue(unused.has("targeting"));
    }
}
