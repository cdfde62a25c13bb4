-- The lookalikes' interest profiles (ProfileStore): one row a person with profiling consent, so
-- that a gateway's profile index is loaded again at start and sees the profiles made through
-- every gateway on the same database. Nothing here is in clear: user_name is the vault's keyed
-- hash of the person's current delivery pseudonym (as behaviour_records'); owner is that
-- pseudonym sealed under a vault key, so a loader knows whose record to open; sealed is the
-- profile (aliases, segments, vector) sealed under the person's own vault key, which erasure
-- destroys. seq grows with every write: loads and catch-ups read in its order. updated_day (UTC
-- days since 1970) is when the profile was last made: one not made again within the behaviour's
-- retention is deleted with it.
CREATE SEQUENCE IF NOT EXISTS profile_seq;
CREATE TABLE IF NOT EXISTS profiles (
  user_name VARCHAR(64) PRIMARY KEY,
  owner BYTEA NOT NULL,
  sealed BYTEA NOT NULL,
  seq BIGINT NOT NULL,
  updated_day INT NOT NULL
);
CREATE INDEX IF NOT EXISTS profiles_day ON profiles (updated_day);
CREATE INDEX IF NOT EXISTS profiles_seq ON profiles (seq);
