package io.precis.gateway.behaviour;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.precis.consent.identity.Pseudonym;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.privacy.PersonalData;
import io.precis.gateway.privacy.UserKeys;
import io.precis.matcher.segment.BehaviourStore;
import io.precis.matcher.segment.SegmentService;
import java.util.TreeSet;

/** The person's stored behaviour and the segments derived from it, for export and erasure. */
public final class BehaviourData {
    private BehaviourData() {}

    /** The {@code behaviour} section: every stored event, decrypted for the person alone. */
    public static PersonalData events(BehaviourStore store, SegmentService segments) {
        return new PersonalData() {
            @Override
            public String section() {
                return "behaviour";
            }

            @Override
            public JsonNode export(UserKeys user) {
                ArrayNode out = JsonBodies.MAPPER.createArrayNode();
                for (Pseudonym p : user.delivery()) {
                    store.read(p).forEach(e -> out.add(VaultBehaviourStore.toJson(e)));
                }
                return out;
            }

            @Override
            public void erase(UserKeys user) {
                user.delivery().forEach(segments::erase);
            }
        };
    }

    /**
     * The {@code segments} section: what the behaviour says about the person right now, with the
     * real-time triggers that fired through another instance ({@code triggers}) and still run;
     * erasure forgets those too.
     */
    public static PersonalData segments(SegmentService segments, SharedTriggers triggers, java.time.Clock clock) {
        return new PersonalData() {
            @Override
            public String section() {
                return "segments";
            }

            @Override
            public JsonNode export(UserKeys user) {
                ArrayNode out = JsonBodies.MAPPER.createArrayNode();
                TreeSet<String> all = new TreeSet<>(segments.segments(user.delivery()));
                if (triggers.shared()) {
                    java.time.Instant now = clock.instant();
                    triggers.read(user.delivery()).forEach((segment, until) -> {
                        if (now.isBefore(until)) {
                            all.add(segment);
                        }
                    });
                }
                all.forEach(out::add);
                return out;
            }

            @Override
            public void erase(UserKeys user) {
                user.delivery().forEach(segments::erase);
                triggers.erase(user.delivery());
            }
        };
    }
}
