-- Customer lists (AudienceStore): an advertiser's lists, and each list's members as 64-bit
-- fingerprints of their delivery pseudonyms (AudienceFingerprint), never a raw id. A list's
-- members are deleted with it.
CREATE TABLE IF NOT EXISTS audiences (
  id VARCHAR(32) PRIMARY KEY,
  advertiser_id VARCHAR(128) NOT NULL,
  name VARCHAR(200) NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS audiences_advertiser ON audiences (advertiser_id);
CREATE TABLE IF NOT EXISTS audience_members (
  audience_id VARCHAR(32) NOT NULL,
  fingerprint BIGINT NOT NULL,
  PRIMARY KEY (audience_id, fingerprint)
);
