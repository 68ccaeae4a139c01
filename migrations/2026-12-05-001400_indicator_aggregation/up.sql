-- An aggregation rule per indicator: how the units' figures are rolled up in the consolidated
-- report (issue 19). It belongs to the definition, so each version keeps its own and a period
-- pinned to a version keeps the rule it had.
--
-- Existing definitions get the default their kind and unit of measure give: pooled for a
-- ratio, the mean for a decimal measured in percent ('%' or 'phần trăm', trimmed, in any
-- case; such a figure was summed until now, which meant nothing), none for text, the sum
-- otherwise. `translate` lowers the two non-ASCII capitals of 'PHẦN TRĂM', which lower()
-- leaves alone under the C locale.

CREATE FUNCTION pg_temp.default_aggregation(kind text, unit_of_measure text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN kind = 'ratio' THEN 'pooled'
        WHEN kind = 'text' THEN 'none'
        WHEN kind = 'decimal'
             AND translate(lower(btrim(coalesce(unit_of_measure, ''))), 'ẦĂ', 'ầă')
                 IN ('%', 'phần trăm') THEN 'mean'
        ELSE 'sum'
    END
$$;

ALTER TABLE indicators
    ADD COLUMN aggregation text,
    ADD COLUMN aggregation_weight text;
UPDATE indicators SET aggregation = pg_temp.default_aggregation(kind, unit_of_measure);
ALTER TABLE indicators
    ALTER COLUMN aggregation SET NOT NULL,
    ADD CONSTRAINT indicators_aggregation_check
        CHECK (aggregation IN ('pooled', 'sum', 'mean', 'weighted_mean', 'min', 'max', 'none')),
    ADD CONSTRAINT indicators_aggregation_weight_check
        CHECK ((aggregation = 'weighted_mean') = (aggregation_weight IS NOT NULL));

ALTER TABLE indicator_versions
    ADD COLUMN aggregation text,
    ADD COLUMN aggregation_weight text;
UPDATE indicator_versions SET aggregation = pg_temp.default_aggregation(kind, unit_of_measure);
ALTER TABLE indicator_versions
    ALTER COLUMN aggregation SET NOT NULL,
    ADD CONSTRAINT indicator_versions_aggregation_check
        CHECK (aggregation IN ('pooled', 'sum', 'mean', 'weighted_mean', 'min', 'max', 'none')),
    ADD CONSTRAINT indicator_versions_aggregation_weight_check
        CHECK ((aggregation = 'weighted_mean') = (aggregation_weight IS NOT NULL));

DROP FUNCTION pg_temp.default_aggregation(text, text);
