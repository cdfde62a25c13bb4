package io.precis.matcher.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.precis.consent.MutableClock;
import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.campaign.TriggerTargeting;
import io.precis.matcher.segment.BehaviourEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Real-time triggers as segments: when they fire, for how long, and against a brute-force check. */
class TriggerSegmentsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryBehaviourStore store = new InMemoryBehaviourStore();
    private final SegmentService service = new SegmentService(store, clock);

    private static BehaviourEvent event(Type type, Instant at, String text) {
        return new BehaviourEvent(type, at, null, text, null, null, 0);
    }

    @Test
    void aCartLeftAMinuteAgoFiresUntilTheWindowEndsAndOnlyForMatchingEvents() {
        service.trigger("c1", new TriggerTargeting(List.of("cart"), List.of("净水器"), 60));
        Pseudonym p = new Pseudonym("p");
        assertEquals(Set.of(), service.segments(p));
        service.ingest(p, List.of(event(Type.VIEW, NOW.minusSeconds(30), "家用净水器 评测")));
        assertFalse(service.segments(p).contains("trigger:c1"), "a view is not a cart");
        service.ingest(p, List.of(event(Type.CART, NOW.minusSeconds(20), "空调")));
        assertFalse(service.segments(p).contains("trigger:c1"), "a cart of something else");
        service.ingest(p, List.of(event(Type.CART, NOW.minusSeconds(10), "净水器 滤芯 RO 反渗透")));
        assertTrue(service.segments(p).contains("trigger:c1"), "the very next read after the behaviour");
        clock.advance(Duration.ofMinutes(59).plusSeconds(49));
        assertTrue(service.segments(p).contains("trigger:c1"), "still within the hour");
        clock.advance(Duration.ofSeconds(2));
        assertFalse(service.segments(p).contains("trigger:c1"), "the hour after the cart is over");
    }

    @Test
    void aTriggerRemovedOrChangedIsReadAnew() {
        Pseudonym p = new Pseudonym("p");
        service.ingest(p, List.of(event(Type.SEARCH, NOW.minusSeconds(5), "running shoes")));
        service.trigger("c2", new TriggerTargeting(List.of("search"), List.of(), 10));
        assertTrue(service.segments(p).contains("trigger:c2"));
        service.trigger("c2", null);
        assertFalse(service.segments(p).contains("trigger:c2"));
        service.trigger("c2", new TriggerTargeting(List.of("cart"), List.of(), 10));
        assertFalse(service.segments(p).contains("trigger:c2"));
    }

    @Test
    void triggerSegmentsMatchABruteForceCheckOverRandomBehaviour() {
        Random random = new Random(11);
        List<String> words = List.of("shoes", "coffee", "phone", "laptop", "sofa");
        List<TriggerTargeting> defined = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            List<String> types = random.nextBoolean() ? List.of() : List.of(List.of("view", "search", "cart", "purchase").get(random.nextInt(4)));
            List<String> keywords = types.isEmpty() || random.nextBoolean() ? List.of(words.get(random.nextInt(words.size()))) : List.of();
            TriggerTargeting t = new TriggerTargeting(types, keywords, 1 + random.nextInt(120));
            defined.add(t);
            service.trigger("c" + i, t);
        }
        for (int u = 0; u < 150; u++) {
            Pseudonym p = new Pseudonym("u" + u);
            List<BehaviourEvent> events = new ArrayList<>();
            for (int k = random.nextInt(5); k > 0; k--) {
                Type type = Type.values()[random.nextInt(4)];
                Instant at = NOW.minus(Duration.ofMinutes(random.nextInt(180)));
                events.add(event(type, at, words.get(random.nextInt(words.size())) + " " + words.get(random.nextInt(words.size()))));
            }
            if (!events.isEmpty()) {
                service.ingest(p, events);
            }
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < defined.size(); i++) {
                TriggerTargeting t = defined.get(i);
                for (BehaviourEvent e : events) {
                    boolean type = t.events().isEmpty() || t.events().contains(e.type().name().toLowerCase(Locale.ROOT));
                    boolean keyword = t.keywords().isEmpty() || List.of(e.text().split(" ")).containsAll(t.keywords());
                    boolean recent = NOW.isBefore(e.ts().plus(Duration.ofMinutes(t.withinMinutes())));
                    if (type && keyword && recent) {
                        expected.add("trigger:c" + i);
                    }
                }
            }
            Set<String> actual = service.segments(p).stream().filter(s -> s.startsWith("trigger:"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expected, actual, "user " + u + " with " + events);
        }
    }
}
