package io.precis.gateway.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.precis.gateway.http.JsonBodies;
import io.precis.reports.event.EventStore;
import io.precis.reports.event.LinkedEvent;

/**
 * Measurement events linked to the person (only ever with their measurement consent): exported
 * as they are, and on erasure unlinked, so that the advertisers' aggregates stay intact.
 */
public final class MeasurementData {
    private MeasurementData() {}

    public static PersonalData of(EventStore events) {
        return new PersonalData() {
            @Override
            public String section() {
                return "events";
            }

            @Override
            public JsonNode export(UserKeys user) {
                ArrayNode out = JsonBodies.MAPPER.createArrayNode();
                for (LinkedEvent e : events.linkedTo(user.measurement())) {
                    out.addObject()
                            .put("kind", e.kind())
                            .put("at", e.at().toString())
                            .put("campaign", e.campaignId())
                            .put("creative", e.creativeId())
                            .put("site", e.site())
                            .put("valid", e.valid())
                            .put("value", e.valueMicros() / 1e6);
                }
                return out;
            }

            @Override
            public void erase(UserKeys user) {
                events.unlink(user.measurement());
            }
        };
    }
}
