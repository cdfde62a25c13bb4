-- Stop after conversion and the contact policy (API.md, "Contact policy"). People appear only
-- by delivery pseudonym (unlinkable once its key epoch is destroyed), and only for as long as
-- the rule needs them: a day's contacts, a click's attribution window, a suppression period.

-- One ad or offer served to a person, counted against the daily contact policy.
CREATE TABLE IF NOT EXISTS contact_history (
  id VARCHAR(32) PRIMARY KEY,
  pseudonym VARCHAR(128) NOT NULL,
  advertiser_id VARCHAR(64) NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS contact_history_at ON contact_history (at_ms);
CREATE INDEX IF NOT EXISTS contact_history_pseudonym ON contact_history (pseudonym);

-- A click of a campaign that stops after conversion, by a person who gave measurement: the
-- conversion that cites the click id stops the campaign's group for that person.
CREATE TABLE IF NOT EXISTS conversion_links (
  click_id VARCHAR(64) PRIMARY KEY,
  pseudonym VARCHAR(128) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversion_links_pseudonym ON conversion_links (pseudonym);

-- A conversion group of an advertiser not served to a person until until_ms.
CREATE TABLE IF NOT EXISTS conversion_suppressions (
  pseudonym VARCHAR(128) NOT NULL,
  advertiser_id VARCHAR(64) NOT NULL,
  grp VARCHAR(140) NOT NULL,
  until_ms BIGINT NOT NULL,
  PRIMARY KEY (pseudonym, advertiser_id, grp)
);

-- An advertiser's own contact policy: at most per_day of its ads a day per person.
CREATE TABLE IF NOT EXISTS advertiser_contact_policies (
  advertiser_id VARCHAR(64) PRIMARY KEY,
  per_day INTEGER NOT NULL
);

-- What the rules held back, per campaign and day (Asia/Shanghai by default), appended by each
-- gateway as deltas and summed when read: no person here.
CREATE TABLE IF NOT EXISTS contact_effects (
  campaign_id VARCHAR(64) NOT NULL,
  effect_day DATE NOT NULL,
  not_shown BIGINT NOT NULL,
  suppressed BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS contact_effects_campaign ON contact_effects (campaign_id, effect_day);
