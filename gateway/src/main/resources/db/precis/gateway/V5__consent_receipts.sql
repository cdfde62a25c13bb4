-- Every consent receipt recorded through any gateway on this PostgreSQL, in one hash chain per
-- database (SharedConsent): each row's hash is SHA-256 of the previous row's hash and its own
-- receipt, and rows are appended under one advisory lock, so two gateways never fork the chain.
-- Pseudonyms and signed receipts only, never a raw id.
CREATE TABLE IF NOT EXISTS consent_receipts (
  seq BIGINT PRIMARY KEY,
  pseudonym VARCHAR(128) NOT NULL,
  receipt TEXT NOT NULL,
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_receipts_pseudonym ON consent_receipts (pseudonym, seq);
