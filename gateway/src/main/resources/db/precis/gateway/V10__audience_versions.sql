-- Each change of a list's members bumps its version in the change's own transaction (the
-- row's lock orders changes of one list), so that memory applies a list's changes in the order
-- they committed without holding a lock across the store's I/O (AudienceService, ListVersions).
ALTER TABLE audiences ADD COLUMN IF NOT EXISTS version BIGINT DEFAULT 0 NOT NULL;
