-- Targets may be strict: "trên 50%" (more than) and "dưới" (less than), besides ≥, ≤ and =.
ALTER TABLE indicators DROP CONSTRAINT indicators_target_comparator_check;
ALTER TABLE indicators ADD CONSTRAINT indicators_target_comparator_check
    CHECK (target_comparator IN ('gte', 'lte', 'eq', 'gt', 'lt'));
