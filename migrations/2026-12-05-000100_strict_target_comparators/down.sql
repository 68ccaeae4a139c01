-- The older schema has no strict comparators: a strict target becomes its non-strict
-- neighbour (the closest it can say), in the indicators and in their frozen versions.
UPDATE indicators SET target_comparator = 'gte' WHERE target_comparator = 'gt';
UPDATE indicators SET target_comparator = 'lte' WHERE target_comparator = 'lt';
UPDATE indicator_versions SET target_comparator = 'gte' WHERE target_comparator = 'gt';
UPDATE indicator_versions SET target_comparator = 'lte' WHERE target_comparator = 'lt';
ALTER TABLE indicators DROP CONSTRAINT indicators_target_comparator_check;
ALTER TABLE indicators ADD CONSTRAINT indicators_target_comparator_check
    CHECK (target_comparator IN ('gte', 'lte', 'eq'));
