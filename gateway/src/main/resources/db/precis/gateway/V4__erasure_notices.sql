-- An erasure through one gateway, for the others on the same PostgreSQL to forget what they
-- hold of the person in memory (ChangeFeed kind "erasure" names a notice). Pseudonyms only, as
-- in the consent log; notices are deleted after a day.
CREATE TABLE IF NOT EXISTS erasure_notices (
  id VARCHAR(64) PRIMARY KEY,
  delivery TEXT NOT NULL,
  measurement TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
