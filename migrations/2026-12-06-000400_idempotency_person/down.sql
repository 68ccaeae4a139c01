ALTER TABLE submissions
    DROP COLUMN reviewed_by,
    DROP COLUMN submitted_by;

-- People's keys have no place in the table as it was.
DELETE FROM idempotency_keys WHERE token_id IS NULL;
DROP INDEX idempotency_keys_person_key_idx;
DROP INDEX idempotency_keys_token_key_idx;
ALTER TABLE idempotency_keys
    DROP CONSTRAINT idempotency_keys_one_caller,
    DROP COLUMN id,
    DROP COLUMN person_subject,
    DROP COLUMN person_issuer,
    ALTER COLUMN token_id SET NOT NULL,
    ADD PRIMARY KEY (token_id, key);
