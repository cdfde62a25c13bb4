-- Lift tests (issue 17): per campaign with a hold-out, each person counted in its test, by their
-- measurement pseudonym (only people with measurement consent have one; never a raw id): in the
-- exposed group (the auction served them the campaign) or the held-out group (a ghost impression:
-- the campaign would have been served), whichever came first, and what they converted since.
-- GET /v1/reports reads the lift of each campaign from these rows. Erasure replaces the person
-- by a random value (the counts stay), and so does the raw events' retention for people who
-- entered a test before its horizon. One SQL for H2 2.x and PostgreSQL 10+.
CREATE TABLE precis_lift_people (
  campaign_id VARCHAR(128) NOT NULL,
  person VARCHAR(128) NOT NULL,
  advertiser_id VARCHAR(128) NOT NULL,
  held_out BOOLEAN NOT NULL,
  first_ms BIGINT NOT NULL,
  conversions BIGINT NOT NULL,
  value_micros BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, person)
);
-- A conversion finds the tests its person is in.
CREATE INDEX precis_lift_people_person ON precis_lift_people (person);
-- A report reads one advertiser's tests.
CREATE INDEX precis_lift_people_advertiser ON precis_lift_people (advertiser_id, campaign_id);
-- Retention: a person who entered a test before the raw events' horizon loses their link.
CREATE INDEX precis_lift_people_first ON precis_lift_people (first_ms);
