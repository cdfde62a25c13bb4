-- Reach and frequency (issue 14): per roll-up cell, the impressions of users with measurement
-- consent and the set of those users (io.precis.reports.reach.ReachSet: exact 8-byte hashes
-- while small, a DataSketches HLL once large). One SQL for H2 2.x and PostgreSQL 10+.
-- reach_impressions stays NULL (reach unknown) on cells V5 cannot rebuild from raw events.
ALTER TABLE precis_rollups ADD COLUMN reach_impressions BIGINT;
ALTER TABLE precis_rollups ADD COLUMN reach BYTEA;
