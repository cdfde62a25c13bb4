package io.precis.gateway.privacy;

import io.precis.consent.identity.Pseudonym;
import java.util.List;

/**
 * Every pseudonym one person has right now: delivery and measurement, current epoch first, then
 * older epochs still within the rotation overlap. The raw id they came from is already gone.
 */
public record UserKeys(List<Pseudonym> delivery, List<Pseudonym> measurement) {
    public UserKeys {
        delivery = List.copyOf(delivery);
        measurement = List.copyOf(measurement);
    }

    /** The current delivery pseudonym: what matching, caps, segments and consent are keyed by. */
    public Pseudonym current() {
        return delivery.get(0);
    }

    /** The current measurement pseudonym: what measurement events are linked to. */
    public Pseudonym currentMeasurement() {
        return measurement.get(0);
    }
}
