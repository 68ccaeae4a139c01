-- Running figures of each period, kept in the transaction of every change, so the compliance
-- board and the consolidated report are read in a few rows whatever the number of units
-- (issue 23).
--
-- period_running_totals: one row per period, the lock every change of the period's figures
-- takes first (so two changes never take the figures' rows in opposite orders), with the
-- latest first submission (a board at an earlier instant is computed afresh) and whether the
-- consolidation's sums must be rebuilt before they are read (the indicators changed, a unit
-- was renamed, a sum overflowed, or the period predates the sums: they are computed by the
-- application's decimal rules, which SQL does not reproduce digit for digit).
CREATE TABLE period_running_totals (
    period_id bigint PRIMARY KEY REFERENCES periods (id) ON DELETE CASCADE,
    latest_first_submitted_at timestamptz,
    consolidation_stale boolean NOT NULL DEFAULT false
);

-- The compliance board's counts: participating units by their report's status and first
-- timeliness (null: no report) and their extension's deadline (null: the period's).
CREATE TABLE period_board_counts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id bigint NOT NULL REFERENCES period_running_totals (period_id) ON DELETE CASCADE,
    status text,
    timeliness text,
    extension_deadline timestamptz,
    units integer NOT NULL,
    CONSTRAINT period_board_counts_key
        UNIQUE NULLS NOT DISTINCT (period_id, status, timeliness, extension_deadline)
);

-- What each counted report (submitted or accepted) adds to each indicator of its period
-- (rules::consolidation::sums::Contribution), with what the discrepancies list. The running
-- tables refer only to their period's lock row, which every writer holds already: no foreign
-- key check here waits on a report, an indicator or a period another transaction has locked.
CREATE TABLE period_figures (
    submission_id bigint NOT NULL,
    indicator_id bigint NOT NULL,
    period_id bigint NOT NULL REFERENCES period_running_totals (period_id) ON DELETE CASCADE,
    unit_code text NOT NULL,
    accepted boolean NOT NULL,
    reports_text boolean NOT NULL,
    usable boolean NOT NULL,
    numerator numeric,
    denominator numeric,
    number numeric,
    figure numeric,
    extreme numeric,
    weight numeric,
    weighted numeric,
    yes boolean NOT NULL,
    fails_target boolean NOT NULL,
    -- A listed discrepancy: the figure as shown, the system's and the difference.
    unit_figure numeric,
    system_value numeric,
    difference numeric,
    explanation text,
    PRIMARY KEY (submission_id, indicator_id)
);
-- The next lowest or highest figure once the one kept stops counting: one index probe.
CREATE INDEX period_figures_extremes
    ON period_figures (period_id, indicator_id, extreme, unit_code COLLATE "C")
    WHERE extreme IS NOT NULL;
CREATE INDEX period_figures_accepted_extremes
    ON period_figures (period_id, indicator_id, extreme, unit_code COLLATE "C")
    WHERE extreme IS NOT NULL AND accepted;
CREATE INDEX period_figures_discrepancies
    ON period_figures (period_id, indicator_id)
    WHERE difference IS NOT NULL;

-- Each indicator's running sums, over every counted report and over the accepted ones
-- (rules::consolidation::sums::Sums; a null sum has overflowed).
CREATE TABLE period_indicator_sums (
    period_id bigint NOT NULL REFERENCES period_running_totals (period_id) ON DELETE CASCADE,
    indicator_id bigint NOT NULL,
    accepted_only boolean NOT NULL,
    usable bigint NOT NULL,
    texts bigint NOT NULL,
    numerators numeric,
    denominators numeric,
    numbers numeric,
    figures numeric,
    weighted numeric,
    weights numeric,
    yes bigint NOT NULL,
    failing bigint NOT NULL,
    lowest_unit text,
    lowest numeric,
    highest_unit text,
    highest numeric,
    PRIMARY KEY (period_id, indicator_id, accepted_only)
);

-- Takes period p's lock; false when the period is gone (being deleted).
CREATE FUNCTION period_running_lock(p bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM period_running_totals t JOIN periods ON periods.id = t.period_id
        WHERE t.period_id = p FOR UPDATE OF t;
    RETURN FOUND;
END
$$;

CREATE FUNCTION period_board_count_add(
    p bigint, s text, t text, ext timestamptz, delta integer
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO period_board_counts (period_id, status, timeliness, extension_deadline, units)
    VALUES (p, s, t, ext, delta)
    ON CONFLICT ON CONSTRAINT period_board_counts_key
    DO UPDATE SET units = period_board_counts.units + EXCLUDED.units;
END
$$;

CREATE FUNCTION periods_running_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO period_running_totals (period_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER periods_running_totals AFTER INSERT ON periods
    FOR EACH ROW EXECUTE FUNCTION periods_running_totals();

-- A report started, moved, or deleted.
CREATE FUNCTION submissions_board_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
    u bigint;
    ext timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        p := OLD.period_id; u := OLD.unit_id;
    ELSE
        p := NEW.period_id; u := NEW.unit_id;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status
       AND OLD.first_timeliness IS NOT DISTINCT FROM NEW.first_timeliness
       AND OLD.first_submitted_at IS NOT DISTINCT FROM NEW.first_submitted_at THEN
        RETURN NULL;
    END IF;
    IF NOT period_running_lock(p) THEN
        RETURN NULL;
    END IF;
    -- A report that counts in the consolidation (or did) changed outside the use cases that
    -- keep the sums (they set cchc.sums_kept for their transaction): a script, a data load.
    -- The sums are rebuilt before the next read.
    IF current_setting('cchc.sums_kept', true) IS DISTINCT FROM 'on'
       AND ((TG_OP <> 'INSERT' AND OLD.status IN ('submitted', 'accepted'))
            OR (TG_OP <> 'DELETE' AND NEW.status IN ('submitted', 'accepted'))) THEN
        UPDATE period_running_totals SET consolidation_stale = true
        WHERE period_id = p AND NOT consolidation_stale;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.first_submitted_at IS NOT NULL THEN
        UPDATE period_running_totals
        SET latest_first_submitted_at = GREATEST(latest_first_submitted_at, NEW.first_submitted_at)
        WHERE period_id = p;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM period_units WHERE period_id = p AND unit_id = u) THEN
        RETURN NULL;
    END IF;
    SELECT deadline INTO ext FROM period_extensions WHERE period_id = p AND unit_id = u;
    IF TG_OP = 'INSERT' THEN
        PERFORM period_board_count_add(p, NULL, NULL, ext, -1);
    ELSE
        PERFORM period_board_count_add(p, OLD.status, OLD.first_timeliness, ext, -1);
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM period_board_count_add(p, NULL, NULL, ext, 1);
    ELSE
        PERFORM period_board_count_add(p, NEW.status, NEW.first_timeliness, ext, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER submissions_board_counts
    AFTER INSERT OR DELETE OR UPDATE OF status, first_timeliness, first_submitted_at
    ON submissions FOR EACH ROW EXECUTE FUNCTION submissions_board_counts();

-- A unit joins or leaves a period.
CREATE FUNCTION period_units_board_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
    u bigint;
    s text;
    t text;
    ext timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        p := OLD.period_id; u := OLD.unit_id;
    ELSE
        p := NEW.period_id; u := NEW.unit_id;
    END IF;
    IF NOT period_running_lock(p) THEN
        RETURN NULL;
    END IF;
    SELECT status, first_timeliness INTO s, t
        FROM submissions WHERE period_id = p AND unit_id = u;
    SELECT deadline INTO ext FROM period_extensions WHERE period_id = p AND unit_id = u;
    PERFORM period_board_count_add(p, s, t, ext, CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END);
    RETURN NULL;
END
$$;
CREATE TRIGGER period_units_board_counts AFTER INSERT OR DELETE ON period_units
    FOR EACH ROW EXECUTE FUNCTION period_units_board_counts();

-- An extension granted, changed or withdrawn.
CREATE FUNCTION period_extensions_board_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
    u bigint;
    s text;
    t text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        p := OLD.period_id; u := OLD.unit_id;
    ELSE
        p := NEW.period_id; u := NEW.unit_id;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.deadline = NEW.deadline THEN
        RETURN NULL;
    END IF;
    IF NOT period_running_lock(p) THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM period_units WHERE period_id = p AND unit_id = u) THEN
        RETURN NULL;
    END IF;
    SELECT status, first_timeliness INTO s, t
        FROM submissions WHERE period_id = p AND unit_id = u;
    PERFORM period_board_count_add(p, s, t,
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.deadline END, -1);
    PERFORM period_board_count_add(p, s, t,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.deadline END, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER period_extensions_board_counts
    AFTER INSERT OR DELETE OR UPDATE ON period_extensions
    FOR EACH ROW EXECUTE FUNCTION period_extensions_board_counts();

-- The consolidation's sums hold the indicators' pinned versions and the units' codes: a
-- change to either has them rebuilt before the next read.
CREATE FUNCTION period_indicators_stale_sums() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN p := OLD.period_id; ELSE p := NEW.period_id; END IF;
    IF period_running_lock(p) THEN
        UPDATE period_running_totals SET consolidation_stale = true
        WHERE period_id = p AND NOT consolidation_stale;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER period_indicators_stale_sums
    AFTER INSERT OR DELETE OR UPDATE ON period_indicators
    FOR EACH ROW EXECUTE FUNCTION period_indicators_stale_sums();

CREATE FUNCTION units_stale_sums() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The periods' locks in one order, so two renames never wait on each other in a circle.
    PERFORM 1 FROM period_running_totals
    WHERE period_id IN (SELECT period_id FROM submissions WHERE unit_id = NEW.id)
    ORDER BY period_id FOR UPDATE;
    UPDATE period_running_totals SET consolidation_stale = true
    WHERE NOT consolidation_stale
      AND period_id IN (SELECT DISTINCT f.period_id FROM period_figures f
                        JOIN submissions s ON s.id = f.submission_id
                        WHERE s.unit_id = NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER units_stale_sums AFTER UPDATE OF code ON units
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION units_stale_sums();

-- Backfill: every period's counts now; the sums of a period with counted reports on their
-- first read.
INSERT INTO period_running_totals (period_id, latest_first_submitted_at, consolidation_stale)
SELECT periods.id,
       (SELECT max(first_submitted_at) FROM submissions WHERE period_id = periods.id),
       EXISTS (SELECT 1 FROM submissions
               WHERE period_id = periods.id AND status IN ('submitted', 'accepted'))
FROM periods;

INSERT INTO period_board_counts (period_id, status, timeliness, extension_deadline, units)
SELECT pu.period_id, s.status, s.first_timeliness, e.deadline, count(*)
FROM period_units pu
LEFT JOIN submissions s ON s.period_id = pu.period_id AND s.unit_id = pu.unit_id
LEFT JOIN period_extensions e ON e.period_id = pu.period_id AND e.unit_id = pu.unit_id
GROUP BY 1, 2, 3, 4;

-- A board looking back counts the reports first submitted after its instant: an index range.
CREATE INDEX submissions_first_submitted
    ON submissions (period_id, first_submitted_at)
    WHERE first_submitted_at IS NOT NULL;
