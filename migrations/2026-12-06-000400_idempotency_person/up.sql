-- People's Idempotency-Keys (issue 24). A person's OpenID Connect access token has no API
-- token, so their keys are kept under who they are at the identity provider (issuer and
-- subject). A key belongs to exactly one caller: an API token or a person; the same key of
-- two callers never collides.
ALTER TABLE idempotency_keys
    DROP CONSTRAINT idempotency_keys_pkey,
    ALTER COLUMN token_id DROP NOT NULL,
    ADD COLUMN person_issuer text,
    ADD COLUMN person_subject text,
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ADD CONSTRAINT idempotency_keys_one_caller CHECK (
        (token_id IS NOT NULL AND person_issuer IS NULL AND person_subject IS NULL)
        OR (token_id IS NULL AND person_issuer IS NOT NULL AND person_subject IS NOT NULL)
    );

CREATE UNIQUE INDEX idempotency_keys_token_key_idx
    ON idempotency_keys (token_id, key) WHERE token_id IS NOT NULL;
CREATE UNIQUE INDEX idempotency_keys_person_key_idx
    ON idempotency_keys (person_issuer, person_subject, key) WHERE token_id IS NULL;

-- Who submitted a report last and who returned or accepted it last, as their names: the
-- token's name, or the person's for an access token (boards, receipts). Filled from the
-- versions and the audit trail for the reports already there.
ALTER TABLE submissions
    ADD COLUMN submitted_by text,
    ADD COLUMN reviewed_by text;

UPDATE submissions s
SET submitted_by = v.submitted_by
FROM submission_versions v
WHERE v.submission_id = s.id AND v.version = s.submit_count;

UPDATE submissions s
SET reviewed_by = last_review.actor_name
FROM (
    SELECT DISTINCT ON (entity_id) entity_id, actor_name
    FROM audit_events
    WHERE entity_type = 'submission' AND action IN ('returned', 'accepted')
    ORDER BY entity_id, id DESC
) last_review
WHERE last_review.entity_id = s.id::text;
