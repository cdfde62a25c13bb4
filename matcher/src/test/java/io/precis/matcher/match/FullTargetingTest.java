package io.precis.matcher.match;

import static io.precis.matcher.TestCampaigns.campaign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.precis.consent.Purposes;
import io.precis.consent.identity.GeoPoint;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.index.CampaignIndex;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Demographic, behavioural, geo and time targeting, and how consent gates them. */
class FullTargetingTest {
    /** 12:00 in Asia/Shanghai, 2026. */
    private static final Instant NOW = Instant.parse("2026-11-03T04:00:00Z");
    private static final Purposes PERSONAL = new Purposes(true, false, false, false);
    private static final Purposes PRECISE_GEO = new Purposes(false, false, false, true);

    private final CampaignIndex index = new CampaignIndex();
    private final CampaignMatcher matcher = new CampaignMatcher(index);

    @AfterEach
    void close() throws Exception {
        index.close();
    }

    private static UserContext user(Integer yob, String gender, String region, String... segments) {
        return new UserContext(new Pseudonym("p1"), yob, gender, region, null, Set.of(segments));
    }

    private List<String> ids(Purposes purposes, UserContext user) {
        return matcher.match(new AdQuery("banner-300x250", "news.example", null, NOW, 10,
                purposes, user)).stream().map(a -> a.campaign().id()).sorted().toList();
    }

    @Test
    void ageBandsUseTheAgeReachedInTheRequestYear() {
        index.upsert(campaign("young", 10, "\"targeting\": {\"ageBands\": [\"25-34\"]}"));
        index.upsert(campaign("senior", 10, "\"targeting\": {\"ageBands\": [\"65+\"]}"));
        assertEquals(List.of("young"), ids(PERSONAL, user(1992, null, null))); // 34
        assertEquals(List.of(), ids(PERSONAL, user(1991, null, null))); // 35
        assertEquals(List.of("senior"), ids(PERSONAL, user(1930, null, null)));
        assertEquals(List.of(), ids(PERSONAL, user(null, null, null)));
    }

    @Test
    void gendersMatchCaseInsensitively() {
        index.upsert(campaign("women", 10, "\"targeting\": {\"genders\": [\"f\"]}"));
        assertEquals(List.of("women"), ids(PERSONAL, user(null, "F", null)));
        assertEquals(List.of(), ids(PERSONAL, user(null, "m", null)));
    }

    @Test
    void campaignTargetingBeijingMatchesUserInChaoyangDistrict() {
        index.upsert(campaign("beijing", 10, "\"targeting\": {\"regions\": [\"CN-11\"]}"));
        index.upsert(campaign("china", 10, "\"targeting\": {\"regions\": [\"CN\"]}"));
        index.upsert(campaign("fengtai", 10, "\"targeting\": {\"regions\": [\"CN-11-0106\"]}"));
        assertEquals(List.of("beijing", "china"), ids(PERSONAL, user(null, null, "CN-11-0105")));
        assertEquals(List.of("china"), ids(PERSONAL, user(null, null, "cn-31")));
        // A user known only by province is not known to be in a district.
        assertEquals(List.of("beijing", "china"), ids(PERSONAL, user(null, null, "CN-11")));
    }

    @Test
    void invalidRegionCodesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> user(null, null, "Beijing"));
        assertThrows(IllegalArgumentException.class, () -> user(null, null, "ZZ-11"));
        assertThrows(IllegalArgumentException.class, () -> user(null, null, "CN-19"));
    }

    @Test
    void segmentsAndExcludedSegmentsApplyWithPersonalisation() {
        index.upsert(campaign("travel", 10, "\"targeting\": {\"segments\": [\"interest:travel\"]}"));
        index.upsert(campaign("notNew", 10,
                "\"targeting\": {\"excludeSegments\": [\"lifecycle:new\"]}"));
        assertEquals(List.of("notNew", "travel"), ids(PERSONAL, user(null, null, null,
                "interest:travel")));
        assertEquals(List.of("travel"), ids(PERSONAL, user(null, null, null, "interest:travel",
                "lifecycle:new")));
    }

    @Test
    void withoutPersonalisationDemographicAndBehaviouralCampaignsDoNotMatch() {
        index.upsert(campaign("regional", 10, "\"targeting\": {\"regions\": [\"CN-11\"]}"));
        index.upsert(campaign("travel", 10, "\"targeting\": {\"segments\": [\"interest:travel\"]}"));
        index.upsert(campaign("open", 10, ""));
        UserContext u = user(1990, "f", "CN-11-0105", "interest:travel");
        assertEquals(List.of("open"), ids(Purposes.NONE, u));
        assertEquals(List.of("open", "regional", "travel"), ids(PERSONAL, u));
    }

    @Test
    void geoRadiusNeedsPreciseGeoConsentAndAPrecisePoint() {
        index.upsert(campaign("tiananmen", 10,
                "\"targeting\": {\"geo\": {\"lat\": 39.9087, \"lon\": 116.3975, \"radiusKm\": 3}}"));
        UserContext near = new UserContext(null, null, null, null,
                new GeoPoint(39.92, 116.41, true), null); // ~1.7 km away
        UserContext far = new UserContext(null, null, null, null,
                new GeoPoint(39.99, 116.40, true), null); // ~9 km away
        UserContext coarse = new UserContext(null, null, null, null,
                new GeoPoint(39.92, 116.41, false), null);
        assertEquals(List.of("tiananmen"), ids(PRECISE_GEO, near));
        assertEquals(List.of(), ids(PRECISE_GEO, far));
        assertEquals(List.of(), ids(PRECISE_GEO, coarse));
        assertEquals(List.of(), ids(PERSONAL, near));
    }

    @Test
    void geofenceAcrossTheAntimeridianAndAroundThePoleFindsUsers() {
        index.upsert(campaign("fiji", 10,
                "\"targeting\": {\"geo\": {\"lat\": -16.5, \"lon\": 179.99, \"radiusKm\": 50}}"));
        index.upsert(campaign("pole", 10,
                "\"targeting\": {\"geo\": {\"lat\": 89.9, \"lon\": 0, \"radiusKm\": 30}}"));
        assertEquals(List.of("fiji"), ids(PRECISE_GEO, new UserContext(null, null, null, null,
                new GeoPoint(-16.5, -179.9, true), null)));
        assertEquals(List.of("pole"), ids(PRECISE_GEO, new UserContext(null, null, null, null,
                new GeoPoint(90, 120, true), null)));
    }

    @Test
    void matchedByNamesEveryKindTheAdMatchedOn() {
        index.upsert(campaign("all", 10, """
                "targeting": {"keywords": ["咖啡"], "genders": ["f"], "segments": ["interest:food"],
                              "geo": {"lat": 39.9, "lon": 116.4, "radiusKm": 5}}"""));
        MatchedAd ad = matcher.match(new AdQuery("banner-300x250", null,
                new PageContext(null, "北京的咖啡很好喝", null, null, null, "zh"), NOW, 1, Purposes.ALL,
                new UserContext(null, null, "f", null, new GeoPoint(39.9, 116.4, true),
                        Set.of("interest:food")))).get(0);
        assertEquals(List.of(TargetingKind.CONTEXTUAL, TargetingKind.DEMOGRAPHIC,
                TargetingKind.BEHAVIOURAL, TargetingKind.GEO), ad.matchedBy());
    }

    @Test
    void scheduleHoursAreFoundByTheIndexInEachTimeZone() {
        index.upsert(campaign("noonShanghai", 10, "\"schedule\": {\"hours\": [12]}"));
        index.upsert(campaign("noonNewYork", 10,
                "\"schedule\": {\"hours\": [12], \"timezone\": \"America/New_York\"}"));
        assertEquals(List.of("noonShanghai"), ids(Purposes.NONE, null));
        assertEquals(List.of("noonNewYork"), matcher.match(new AdQuery(null, null, null,
                Instant.parse("2026-11-03T17:30:00Z"), 5, null)).stream()
                .map(a -> a.campaign().id()).toList());
    }

    @Test
    void goalWeightsFavourTheirKind() {
        index.upsert(campaign("reach", 10, "\"goal\": \"reach\", \"targeting\": {\"genders\": [\"f\"]}"));
        index.upsert(campaign("aware", 10, "\"goal\": \"awareness\", \"targeting\": {\"genders\": [\"f\"]}"));
        List<MatchedAd> ads = matcher.match(new AdQuery("banner-300x250", null, null, NOW, 2,
                PERSONAL, user(null, "f", null)));
        assertEquals("reach", ads.get(0).campaign().id());
        assertEquals(1.25, ads.get(0).relevance(), 1e-12); // demographic fit 1.25, weight 1
        assertEquals(Math.sqrt(1.25), ads.get(1).relevance(), 1e-12); // weight 1/2
    }
}
