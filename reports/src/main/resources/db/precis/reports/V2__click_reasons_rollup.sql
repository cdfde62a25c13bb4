-- Invalid clicks per advertiser, campaign, UTC day and reason: GET /v1/reports/invalid-clicks
-- reads these sums instead of the raw clicks, so the answer outlives the raw events' retention
-- and the events table needs no (advertiser_id, utc_day) index (about 18 bytes per event).
-- One SQL for H2 2.x and PostgreSQL 10+.
CREATE TABLE precis_click_reasons (
  advertiser_id VARCHAR(128) NOT NULL,
  utc_day DATE NOT NULL,
  campaign_id VARCHAR(128) NOT NULL,
  reason VARCHAR(32) NOT NULL,
  clicks BIGINT NOT NULL,
  PRIMARY KEY (advertiser_id, utc_day, campaign_id, reason)
);
INSERT INTO precis_click_reasons (advertiser_id, utc_day, campaign_id, reason, clicks)
  SELECT advertiser_id, utc_day, campaign_id, COALESCE(reason, 'unknown'), COUNT(*) FROM precis_events
  WHERE kind = 'click' AND is_valid = FALSE AND advertiser_id IS NOT NULL AND campaign_id IS NOT NULL
  GROUP BY advertiser_id, utc_day, campaign_id, COALESCE(reason, 'unknown');
DROP INDEX IF EXISTS precis_events_report;
