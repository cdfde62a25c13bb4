package io.precis.gateway.audiences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.precis.consent.identity.Pseudonym;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bucket-indexed lists against plain sets, through random adds, removals and replacements. */
class AudienceMembershipTest {
    @Test
    void listsOfAgreesWithPlainSetsThroughRandomChanges() {
        SplittableRandom random = new SplittableRandom(7);
        List<Pseudonym> people = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            people.add(new Pseudonym(i % 3 == 0 ? "p" + i : "1" + java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(new byte[] {(byte) i, (byte) (i >> 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})));
        }
        AudienceMembership m = new AudienceMembership();
        Map<String, Set<Pseudonym>> expected = new HashMap<>();
        for (int round = 0; round < 300; round++) {
            String list = "l" + random.nextInt(5);
            List<Pseudonym> batch = new ArrayList<>();
            for (int n = random.nextInt(random.nextBoolean() ? 3 : 2000); n >= 0; n--) {
                batch.add(people.get(random.nextInt(people.size())));
            }
            long[] prints = batch.stream().mapToLong(AudienceFingerprint::of).toArray();
            Set<Pseudonym> set = expected.computeIfAbsent(list, k -> new HashSet<>());
            switch (random.nextInt(4)) {
                case 0 -> { m.replace(list, prints); set.clear(); set.addAll(batch); }
                case 1 -> { m.remove(list, prints); batch.forEach(set::remove); }
                case 2 -> { m.drop(list); set.clear(); }
                default -> { m.add(list, prints); set.addAll(batch); }
            }
            assertEquals(set.size(), m.size(list));
            for (int q = 0; q < 50; q++) {
                Pseudonym a = people.get(random.nextInt(people.size()));
                Pseudonym b = people.get(random.nextInt(people.size()));
                Set<String> want = new HashSet<>();
                expected.forEach((id, members) -> {
                    if (members.contains(a) || members.contains(b)) {
                        want.add(id);
                    }
                });
                assertEquals(want, m.listsOf(List.of(a, b)));
            }
        }
    }
}
