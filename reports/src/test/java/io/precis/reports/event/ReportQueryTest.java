package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.precis.reports.InvalidRequestException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportQueryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T23:59:00Z"), ZoneOffset.UTC);

    private static ReportQuery parse(Map<String, String> params) {
        return ReportQuery.parse("adv", params::get, CLOCK);
    }

    private static InvalidRequestException error(Map<String, String> params) {
        return assertThrows(InvalidRequestException.class, () -> parse(params));
    }

    @Test
    void defaultsAreTheLast30UtcDaysByCampaign() {
        ReportQuery q = parse(Map.of());
        assertEquals(LocalDate.parse("2026-11-30"), q.to());
        assertEquals(LocalDate.parse("2026-11-01"), q.from());
        assertEquals(List.of(Dimension.CAMPAIGN), q.groupBy());
        assertNull(q.campaignId());
        assertEquals("adv", q.advertiserId());
    }

    @Test
    void explicitParametersAreRead() {
        ReportQuery q = parse(Map.of("from", "2026-01-01", "to", "2026-01-31",
                "groupBy", "day, creative", "campaign", "c-9"));
        assertEquals(new ReportQuery("adv", LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-31"),
                List.of(Dimension.DAY, Dimension.CREATIVE), "c-9"), q);
    }

    @Test
    void aFullLeapYearIsAllowedButNotOneDayMore() {
        parse(Map.of("from", "2028-01-01", "to", "2028-12-31"));
        assertEquals("from", error(Map.of("from", "2027-12-31", "to", "2028-12-31")).field());
    }

    @Test
    void everyDimensionCanBeCombined() {
        assertEquals(List.of(Dimension.SITE, Dimension.REGION, Dimension.TARGETING, Dimension.CAMPAIGN,
                Dimension.CREATIVE, Dimension.DAY),
                parse(Map.of("groupBy", "site,Region,targeting,campaign,creative,day")).groupBy());
        assertEquals(List.of(Dimension.HOUR, Dimension.CAMPAIGN), parse(Map.of("groupBy", "hour,campaign")).groupBy());
        assertNull(parse(Map.of()).policy()); // the store's policy; never read from the request
    }

    @Test
    void hourCombinesOnlyWithCampaignCreativeAndDay() {
        InvalidRequestException e = error(Map.of("groupBy", "hour,region"));
        assertEquals("groupBy", e.field());
        assertEquals(ReportQuery.HOUR_COMBINATION, e.getMessage());
        assertEquals("groupBy", error(Map.of("groupBy", "browser")).field());
    }

    @Test
    void badParametersNameTheParameter() {
        assertEquals("from", error(Map.of("from", "2026-13-01")).field());
        assertEquals("to", error(Map.of("to", "yesterday")).field());
        assertEquals("to", error(Map.of("to", "-999999999-01-01")).field());
        assertEquals("from", error(Map.of("from", "2026-11-30", "to", "2026-11-29")).field());
        assertEquals("groupBy", error(Map.of("groupBy", "campaign,campaign")).field());
        assertEquals("groupBy", error(Map.of("groupBy", "campaign,")).field());
        assertEquals("campaign", error(Map.of("campaign", "c".repeat(129))).field());
    }
}
