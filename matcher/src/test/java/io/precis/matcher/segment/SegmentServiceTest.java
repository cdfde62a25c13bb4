package io.precis.matcher.segment;

import static io.precis.matcher.TestCampaigns.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.identity.Pseudonym;
import io.precis.consent.MutableClock;
import io.precis.matcher.campaign.InvalidFieldException;
import io.precis.matcher.segment.BehaviourEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SegmentServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-20T00:00:00Z");
    private static final Pseudonym P = new Pseudonym("p");
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryBehaviourStore store = new InMemoryBehaviourStore();
    private final SegmentService service = new SegmentService(store, clock);

    private static BehaviourEvent event(Type type, int daysAgo, String text, String category,
                                        long valueMicros) {
        return new BehaviourEvent(type, NOW.minus(Duration.ofDays(daysAgo)), null, text, null,
                category, valueMicros);
    }

    private static BehaviourEvent view(int daysAgo, String text) {
        return event(Type.VIEW, daysAgo, text, null, 0);
    }

    @Test
    void aUserSegmentsAreReadFromTheStoreOnceAndThenFromTheCache() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        BehaviourStore counting = new BehaviourStore() {
            @Override
            public void append(Pseudonym p, List<BehaviourEvent> events) {
                store.append(p, events);
            }

            @Override
            public List<BehaviourEvent> read(Pseudonym p) {
                reads.incrementAndGet();
                return store.read(p);
            }

            @Override
            public void erase(Pseudonym p) {
                store.erase(p);
            }
        };
        SegmentService cached = new SegmentService(counting, clock);
        Pseudonym nobody = new Pseudonym("no-behaviour");
        for (int i = 0; i < 3; i++) {
            assertEquals(Set.of(), cached.segments(nobody));
            assertEquals(Set.of(), cached.segments(List.of(new Pseudonym("no-behaviour"))));
        }
        assertEquals(1, reads.get(), "a user without behaviour is read once, then cached");
    }

    @Test
    void eventsParseWithErrorsNamingTheField() {
        List<BehaviourEvent> events = BehaviourEvent.parseEvents(json("""
                [{"type": "purchase", "ts": "2026-11-19T10:00:00Z", "value": 12.5, "category": " home "},
                 {"type": "search", "ts": "2026-11-19T11:00:00+08:00", "query": "空调清洗"}]"""), NOW).events();
        assertEquals(12_500_000, events.get(0).valueMicros());
        assertEquals("home", events.get(0).category());
        assertEquals(Type.SEARCH, events.get(1).type());
        assertEquals("events[1].type", fieldOf("""
                [{"type": "view", "ts": "2026-11-19T10:00:00Z"}, {"type": "click", "ts": "2026-11-19T10:00:00Z"}]"""));
        assertEquals("events[0].ts", fieldOf("[{\"type\": \"view\", \"ts\": \"yesterday\"}]"));
        assertEquals("events[0].value", fieldOf(
                "[{\"type\": \"view\", \"ts\": \"2026-11-19T10:00:00Z\", \"value\": -1}]"));
        assertEquals("events[0].text", fieldOf(
                "[{\"type\": \"view\", \"ts\": \"2026-11-19T10:00:00Z\", \"text\": 5}]"));
        assertEquals("events", fieldOf("{}"));
    }

    @Test
    void anEventWithoutTsHappenedNowAndOneFromTheFutureIsRefusedAlone() {
        BehaviourEvent.Batch b = BehaviourEvent.parseEvents(json("""
                [{"type": "view", "text": "no time"},
                 {"type": "view", "ts": "2027-01-01T00:00:00Z"},
                 {"type": "view", "ts": "2026-11-20T00:04:59Z"}]"""), NOW);
        assertEquals(2, b.events().size());
        assertEquals(NOW, b.events().get(0).ts());
        assertEquals(List.of(2), b.rejected().stream().map(r -> r.index() + 1).toList());
        assertEquals("events[1].ts", b.rejected().get(0).field());
    }

    @Test
    void aValueBeyondTheDoubleRangeIsRefusedNamingTheField() {
        assertEquals("events[0].value", fieldOf("[{\"type\": \"purchase\", \"value\": 1e400}]"));
        assertEquals("events[0].value", fieldOf("[{\"type\": \"purchase\", \"value\": -1e400}]"));
    }

    private static String fieldOf(String events) {
        return assertThrows(InvalidFieldException.class,
                () -> BehaviourEvent.parseEvents(json(events), NOW)).field();
    }

    @Test
    void segmentRulesParseWithDefaultsAndRejectDerivedPrefixes() {
        SegmentRule r = SegmentRule.parse(json("""
                {"id": "interest:home-appliance", "keywords": ["空调", "冰箱"], "minEvents": 2}"""));
        assertEquals(new SegmentRule("interest:home-appliance", List.of("空调", "冰箱"), 2, 30), r);
        assertEquals("id", assertThrows(InvalidFieldException.class, () -> SegmentRule.parse(
                json("{\"id\": \"lifecycle:new\", \"keywords\": [\"x\"]}"))).field());
        assertEquals("keywords[1]", assertThrows(InvalidFieldException.class, () -> SegmentRule.parse(
                json("{\"id\": \"a:b\", \"keywords\": [\"x\", \" \"]}"))).field());
        assertEquals("withinDays", assertThrows(InvalidFieldException.class, () -> SegmentRule.parse(
                json("{\"id\": \"a:b\", \"keywords\": [\"x\"], \"withinDays\": 0}"))).field());
    }

    @Test
    void keywordRuleNeedsMinEventsWithinTheWindowInChineseOrEnglish() {
        service.define(new SegmentRule("interest:home-appliance", List.of("空调", "fridge"), 2, 30));
        service.ingest(P, List.of(view(1, "格力空调清洗服务")));
        assertFalse(service.segments(P).contains("interest:home-appliance"));
        service.ingest(P, List.of(view(40, "空调"))); // outside the window
        assertFalse(service.segments(P).contains("interest:home-appliance"));
        service.ingest(P, List.of(event(Type.SEARCH, 2, null, null, 0).withQuery("best fridges 2026")));
        assertTrue(service.segments(P).contains("interest:home-appliance"));
    }

    @Test
    void categoryInterestNeedsTwoViewsOrSearches() {
        service.ingest(P, List.of(event(Type.VIEW, 1, null, "Travel", 0),
                event(Type.PURCHASE, 1, null, "food", 0)));
        assertFalse(service.segments(P).contains("interest:travel"));
        service.ingest(P, List.of(event(Type.SEARCH, 3, null, "travel", 0)));
        assertTrue(service.segments(P).contains("interest:travel"));
        assertFalse(service.segments(P).contains("interest:food"));
    }

    @Test
    void lifecycleMovesFromNewToActiveToSilentToChurned() {
        service.ingest(P, List.of(view(3, "a")));
        assertTrue(service.segments(P).contains("lifecycle:new"));
        service.ingest(P, List.of(view(10, "a"), view(1, "b"), view(0, "c")));
        assertTrue(service.segments(P).contains("lifecycle:active"));
        clock.set(NOW.plus(Duration.ofDays(20)));
        assertTrue(service.segments(P).contains("lifecycle:silent"), service.segments(P).toString());
        clock.set(NOW.plus(Duration.ofDays(61)));
        assertTrue(service.segments(P).contains("lifecycle:churned"));
    }

    @Test
    void valueTiersAreTopTwentyNextThirtyRestAcrossUsersAndUpdateIncrementally() {
        for (int i = 1; i <= 10; i++) {
            service.ingest(new Pseudonym("u" + i),
                    List.of(event(Type.PURCHASE, 1, null, null, i * 100_000_000L)));
        }
        assertTrue(service.segments(new Pseudonym("u10")).contains("value:A"));
        assertTrue(service.segments(new Pseudonym("u9")).contains("value:A"));
        assertTrue(service.segments(new Pseudonym("u8")).contains("value:B"));
        assertTrue(service.segments(new Pseudonym("u6")).contains("value:B"));
        assertTrue(service.segments(new Pseudonym("u5")).contains("value:C"));
        // u1 buys big: it moves to A and pushes u9 down to B without u9 being recomputed.
        service.ingest(new Pseudonym("u1"), List.of(event(Type.PURCHASE, 0, null, null, 5_000_000_000L)));
        assertTrue(service.segments(new Pseudonym("u1")).contains("value:A"));
        assertTrue(service.segments(new Pseudonym("u9")).contains("value:B"));
        assertFalse(service.segments(P).stream().anyMatch(s -> s.startsWith("value:")));
    }

    @Test
    void eraseForgetsBehaviourAndSegments() {
        service.ingest(P, List.of(event(Type.PURCHASE, 1, null, "travel", 1), view(2, "x")));
        assertFalse(service.segments(P).isEmpty());
        service.erase(P);
        assertEquals(Set.of(), service.segments(P));
        assertEquals(List.of(), store.read(P));
    }

    @Test
    void eventsOlderThanTheHistoryAreDropped() {
        assertEquals(1, service.ingest(P, List.of(view(1, "a"),
                view(SegmentService.HISTORY_DAYS + 1, "b"))));
    }

    @Test
    void aPersonKnownByTwoKeyEpochsHasTheSegmentsOfAllTheirBehaviour() {
        Pseudonym old = new Pseudonym("p-epoch-1");
        Pseudonym current = new Pseudonym("p-epoch-2");
        List<Pseudonym> aliases = List.of(current, old);
        // Before the rotation: one view of a category and half the purchases, under the old key.
        service.ingest(old, List.of(event(Type.VIEW, 3, null, "travel", 0),
                event(Type.PURCHASE, 3, null, null, 300_000_000L)));
        Pseudonym other = new Pseudonym("someone-else");
        service.ingest(other, List.of(event(Type.PURCHASE, 2, null, null, 500_000_000L)));
        assertTrue(service.segments(old).contains("value:C"), "300 ranks below 500 on its own");
        // After it: the second view and the other half, under the current key.
        assertEquals(2, service.ingest(aliases, List.of(event(Type.VIEW, 1, null, "travel", 0),
                event(Type.PURCHASE, 1, null, null, 300_000_000L))));
        assertEquals(2, store.read(current).size(), "new behaviour is stored under the current key");
        Set<String> merged = service.segments(aliases);
        assertTrue(merged.contains("interest:travel"), "two views, one per epoch: " + merged);
        assertTrue(merged.contains("value:A"), "600 in all ranks above 500, counted once: " + merged);
        assertTrue(service.segments(other).contains("value:C"),
                "two people ranked, not three: the old pseudonym left the ranking");
        assertFalse(service.segments(current).contains("interest:travel"), "the current key alone has one view");
    }
}
