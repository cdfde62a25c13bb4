package io.precis.gateway.behaviour;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.identity.Pseudonym;
import io.precis.consent.vault.UserVault;
import io.precis.gateway.http.JsonBodies;
import io.precis.matcher.segment.BehaviourEvent;
import io.precis.matcher.segment.BehaviourStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Behaviour at rest in the encrypted {@link UserVault} (AES-256-GCM under the user's own key), as
 * one JSON record per user. Erasing it deletes the record and the key that opened it.
 */
public final class VaultBehaviourStore implements BehaviourStore {
    static final String KIND = "behaviour";

    private final UserVault vault;

    public VaultBehaviourStore(UserVault vault) {
        this.vault = vault;
    }

    @Override
    public synchronized void append(Pseudonym p, List<BehaviourEvent> events) {
        List<BehaviourEvent> all = new ArrayList<>(read(p));
        all.addAll(events);
        vault.put(p, KIND, encode(all));
    }

    @Override
    public List<BehaviourEvent> read(Pseudonym p) {
        return vault.get(p, KIND).map(VaultBehaviourStore::decode).orElse(List.of());
    }

    @Override
    public void erase(Pseudonym p) {
        vault.erase(p);
    }

    static byte[] encode(List<BehaviourEvent> events) {
        ArrayNode list = JsonBodies.MAPPER.createArrayNode();
        events.forEach(e -> list.add(toJson(e)));
        try {
            return JsonBodies.MAPPER.writeValueAsBytes(list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode toJson(BehaviourEvent e) {
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        o.put("type", e.type().jsonName());
        o.put("ts", e.ts().toString());
        o.put("url", e.url());
        o.put("text", e.text());
        o.put("query", e.query());
        o.put("category", e.category());
        o.put("valueMicros", e.valueMicros());
        return o;
    }

    private static List<BehaviourEvent> decode(byte[] bytes) {
        try {
            List<BehaviourEvent> out = new ArrayList<>();
            for (JsonNode o : JsonBodies.MAPPER.readTree(bytes)) {
                out.add(new BehaviourEvent(BehaviourEvent.Type.valueOf(o.get("type").asText().toUpperCase()),
                        Instant.parse(o.get("ts").asText()), text(o, "url"), text(o, "text"), text(o, "query"),
                        text(o, "category"), o.path("valueMicros").asLong()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
