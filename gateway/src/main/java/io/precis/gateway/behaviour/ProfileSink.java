package io.precis.gateway.behaviour;

import io.precis.consent.Purposes;
import io.precis.gateway.privacy.UserKeys;
import io.precis.matcher.segment.SegmentService;

/**
 * Where a person's interest profile goes after their behaviour is ingested (the lookalikes'
 * profile index), told who the person is and what they consented to on this request.
 */
@FunctionalInterface
public interface ProfileSink {
    /** Keeps no profile. */
    ProfileSink NONE = (keys, purposes) -> null;

    /** The listener for one ingest of the person behind {@code keys}; null for none. */
    SegmentService.ProfileListener of(UserKeys keys, Purposes purposes);
}
