package io.precis.matcher.lookalike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.consent.identity.Pseudonym;
import io.precis.matcher.segment.BehaviourEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link ProfileIndex#nearest} when the seed left out is most of the people like it: the few
 * left of the seed's own kind must be found, not people of another kind.
 */
class ProfileIndexTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theRestOfAGroupIsFoundWhenTheSeedLeftOutIsMostOfTheIndex() {
        try (ProfileIndex index = new ProfileIndex()) {
            List<ProfileIndex.Person> seed = new ArrayList<>();
            for (int i = 0; i < 130; i++) {
                Pseudonym water = new Pseudonym("water-" + i);
                float[] v = profile("净水器", "厨房电器", i);
                index.put(List.of(water), List.of(), v, Set.of());
                index.put(List.of(new Pseudonym("shoe-" + i)), List.of(), profile("跑鞋", "运动服", i), Set.of());
                if (i < 110) {
                    seed.add(new ProfileIndex.Person(List.of(water), v));
                }
            }
            // A seed of 110 of the 260 people: the filter (everyone else) lets fewer than 60%
            // through, where Lucene's default strategy walks only the graph's accepted nodes,
            // and the group's many equal profiles leave it no path to the 20 water people left.
            Set<String> found = index.nearest(Lookalikes.centroid(seed), 15,
                            seed.stream().map(ProfileIndex.Person::current).toList()).stream()
                    .map(s -> s.person().current().value().replaceAll("-\\d+", ""))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("water"), found, "the 15 nearest outside the seed are water people");
        }
    }

    /** Views, a search and a purchase of {@code category}, a view of {@code second}, one of four others. */
    static float[] profile(String category, String second, int i) {
        String noise = List.of("图书", "旅行", "音乐", "美食").get(i % 4);
        List<BehaviourEvent> events = new ArrayList<>();
        for (BehaviourEvent.Type t : List.of(BehaviourEvent.Type.VIEW, BehaviourEvent.Type.VIEW,
                BehaviourEvent.Type.SEARCH, BehaviourEvent.Type.PURCHASE)) {
            events.add(new BehaviourEvent(t, NOW, null, null, null, category, t == BehaviourEvent.Type.PURCHASE ? 99 : 0));
        }
        events.add(new BehaviourEvent(BehaviourEvent.Type.VIEW, NOW, null, null, null, second, 0));
        events.add(new BehaviourEvent(BehaviourEvent.Type.VIEW, NOW, null, null, null, noise, 0));
        return InterestProfile.of(events, Set.of("interest:" + category), NOW);
    }
}
