-- Viewability (the ad tag, GET /precis.js): per roll-up cell, how many served ads the tag
-- rendered (measured_impressions: the ads whose viewability was measured) and how many of those
-- became viewable by the MRC's definition (viewable_impressions). The events behind them are
-- rows of kind 'rend' and 'view' (one per ad each, no cost, no pseudonym) beside the 'imp' rows.
-- Cells made before this version measured nothing: 0 is their true value.
-- One SQL for H2 2.x and PostgreSQL 10+ (PostgreSQL 11+ adds a column with a constant default
-- without rewriting the table).
ALTER TABLE precis_rollups ADD COLUMN measured_impressions BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE precis_rollups ADD COLUMN viewable_impressions BIGINT DEFAULT 0 NOT NULL;
