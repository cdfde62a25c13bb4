-- Packed roll-ups (issue 14): the cells of one advertiser, grain code and closed period (a day or a
-- block of days that has ended), encoded together (io.precis.reports.event.RollupPack) in parts of
-- at most ~256 KB, so a report reads a few contiguous rows per period instead of one row per cell
-- fetched at random through precis_rollups_report. The writer still writes precis_rollups; it
-- packs closed periods (RollupPacker) and deletes their cells in the same transaction. A cell
-- written to a period after it was packed stays in precis_rollups and reports add the two.
-- One SQL for H2 2.x and PostgreSQL 10+.
CREATE TABLE precis_rollup_packs (
  advertiser_id VARCHAR(128) NOT NULL,
  grain VARCHAR(2) NOT NULL,
  period_ms BIGINT NOT NULL,
  part INT NOT NULL,
  cells BYTEA NOT NULL,
  PRIMARY KEY (advertiser_id, grain, period_ms, part)
);
