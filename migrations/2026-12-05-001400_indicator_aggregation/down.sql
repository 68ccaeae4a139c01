ALTER TABLE indicator_versions
    DROP COLUMN aggregation_weight,
    DROP COLUMN aggregation;
ALTER TABLE indicators
    DROP COLUMN aggregation_weight,
    DROP COLUMN aggregation;
