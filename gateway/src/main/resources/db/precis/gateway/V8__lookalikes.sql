-- Lookalikes (LookalikeService): an audience of kind 'lookalike' whose members (fingerprints in
-- audience_members, as a customer list's) are built from a seed, not uploaded. The seed names a
-- segment, a customer list or a campaign, never a person. Deleted with its audience.
ALTER TABLE audiences ADD COLUMN kind VARCHAR(16) DEFAULT 'list' NOT NULL;
CREATE TABLE IF NOT EXISTS lookalikes (
  audience_id VARCHAR(32) PRIMARY KEY,
  seed_kind VARCHAR(16) NOT NULL,
  seed_ref VARCHAR(200) NOT NULL,
  target_size INTEGER NOT NULL,
  built_at_ms BIGINT
);
