-- Customer lists across key rotations (AudienceService#expireKeys): each member row records the
-- pseudonym key epoch it was pseudonymised under, so that when that epoch's key is destroyed
-- its members, which can then match nobody, are deleted, and the list is marked stale until the
-- advertiser uploads it again with ?mode=replace. Rows stored before this migration (epoch 0)
-- are given the oldest epoch still resolvable when a gateway next starts.
ALTER TABLE audience_members ADD COLUMN IF NOT EXISTS epoch INT DEFAULT 0 NOT NULL;
ALTER TABLE audiences ADD COLUMN IF NOT EXISTS stale_at_ms BIGINT;
