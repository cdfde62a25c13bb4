package io.precis.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.precis.gateway.GatewayConfig;
import io.precis.gateway.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways on one PostgreSQL: every person's behaviour goes to A, and a lookalike built on
 * B, which received none of it, finds the people like the seed from the profiles A stored. A
 * person erased through A leaves B's lookalike, and B's rebuild does not bring them back.
 */
class LookalikesEverywhereTest {
    static final int GROUP = 120;
    static final int SEEDED = 105;
    static final int SIZE = 10;

    @TempDir
    Path dir;

    @Test
    void aLookalikeBuiltOnBFindsPeopleWhoseBehaviourWentToA() {
        try (GatewayPair pair = GatewayPair.start(dir, c -> c.withRateLimit(GatewayConfig.RateLimit.OFF))) {
            TestGateway a = pair.a;
            TestGateway b = pair.b;
            String advertiser = a.advertiser("Water Filters Co");
            String publisher = a.account("publisher", "News Site");
            GatewayPair.within(10, "the keys reach B", () -> b.get("/v1/audiences", advertiser).status() == 200
                    && b.get("/v1/me?user=nobody", publisher).status() == 200);
            for (int i = 0; i < GROUP; i++) {
                person(a, publisher, "water-" + i, "净水器", "厨房电器", i);
                person(a, publisher, "shoe-" + i, "跑鞋", "运动服", i);
            }
            TestGateway.Resp list = b.post("/v1/audiences", "{\"name\": \"best customers\"}", advertiser);
            assertEquals(201, list.status(), list.body());
            String listId = list.json().get("id").textValue();
            assertEquals(200, b.put("/v1/audiences/" + listId + "/members", IntStream.range(0, SEEDED)
                    .mapToObj(i -> "\"water-" + i + "\"").collect(Collectors.joining(", ", "{\"ids\": [", "]}")),
                    advertiser).status());

            TestGateway.Resp built = b.post("/v1/audiences/lookalike", "{\"name\": \"alike\", \"seed\": {\"audience\": \""
                    + listId + "\"}, \"size\": " + SIZE + "}", advertiser);
            assertEquals(201, built.status(), "B has the seed's profiles from A: " + built.body());
            String lookalike = built.json().get("id").textValue();
            List<String> found = waterMembersOf(b, publisher, lookalike);
            assertEquals(SIZE, found.size(), "B found water people whose behaviour went to A: " + found);
            assertTrue(IntStream.range(0, 10).noneMatch(i -> lookalikesOf(b, publisher, "shoe-" + i).contains(lookalike)));

            String erased = found.get(0);
            assertEquals(204, a.delete("/v1/me?user=" + erased, publisher).status());
            GatewayPair.within(10, "B takes the person erased through A out of its lookalike",
                    () -> !lookalikesOf(b, publisher, erased).contains(lookalike));
            assertEquals(200, b.post("/v1/audiences/" + lookalike + "/rebuild", "", advertiser).status());
            List<String> rebuilt = waterMembersOf(b, publisher, lookalike);
            assertFalse(rebuilt.contains(erased), "B's rebuild does not bring the erased person back");
            assertEquals(SIZE, rebuilt.size(), "another water person takes the place: " + rebuilt);
        }
    }

    static void person(TestGateway gw, String publisher, String user, String category, String second, int i) {
        TestGateway.Resp c = gw.put("/v1/consent?user=" + user,
                "{\"purposes\": {\"personalisation\": true, \"profiling\": true, \"measurement\": true}}", publisher);
        assertEquals(200, c.status(), c.body());
        String noise = List.of("图书", "旅行", "音乐", "美食").get(i % 4);
        TestGateway.Resp r = gw.post("/v1/behaviour", """
                {"user": "%s", "events": [
                  {"type": "view", "category": "%s"}, {"type": "view", "category": "%s"},
                  {"type": "search", "category": "%s"}, {"type": "view", "category": "%s"},
                  {"type": "purchase", "category": "%s", "value": 99}, {"type": "view", "category": "%s"}]}
                """.formatted(user, category, category, category, second, category, noise), publisher);
        assertEquals(202, r.status(), r.body());
    }

    static List<String> lookalikesOf(TestGateway gw, String publisher, String user) {
        TestGateway.Resp r = gw.get("/v1/me?user=" + user, publisher);
        assertEquals(200, r.status(), r.body());
        List<String> out = new ArrayList<>();
        JsonNode section = r.json().get("lookalikes");
        if (section != null) {
            section.forEach(n -> out.add(n.textValue()));
        }
        return out;
    }

    static List<String> waterMembersOf(TestGateway gw, String publisher, String id) {
        return IntStream.range(SEEDED, GROUP).mapToObj(i -> "water-" + i)
                .filter(u -> lookalikesOf(gw, publisher, u).contains(id)).toList();
    }
}
