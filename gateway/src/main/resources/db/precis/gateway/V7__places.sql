-- Places advertisers register (a mall, a store): a circle around a point, for place-visit
-- segments. Nothing of a person is here: visits are behaviour, kept per person in the vault.
CREATE TABLE IF NOT EXISTS places (
  id VARCHAR(64) PRIMARY KEY,
  advertiser_id VARCHAR(64) NOT NULL,
  name VARCHAR(200) NOT NULL,
  category VARCHAR(100) NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  radius_m INTEGER NOT NULL,
  created_ms BIGINT NOT NULL
);
