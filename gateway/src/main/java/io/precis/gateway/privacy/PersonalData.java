package io.precis.gateway.privacy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One kind of data held about a person, as {@code GET /v1/me} exports it and {@code DELETE /v1/me}
 * erases it. Each store of personal data contributes one implementation, so a new store cannot
 * be forgotten by export or erasure. Blocking: called on worker threads.
 */
public interface PersonalData {
    /** The key of this section in the export, e.g. {@code "segments"}. */
    String section();

    /** What is held about the person, as JSON (an empty array or object when nothing). */
    JsonNode export(UserKeys user);

    /** Erases (or, for aggregates that must stay, unlinks) everything held about the person. */
    void erase(UserKeys user);
}
