-- Idempotency-Key on POSTs: the first answer to a (caller, key) is kept for a while and replayed
-- when the same request comes again. A row without a status is a request still in progress.
CREATE TABLE idempotency_keys (
    token_id bigint NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    method text NOT NULL,
    path text NOT NULL,
    body_sha256 text NOT NULL,
    status smallint CHECK (status BETWEEN 200 AND 499),
    headers jsonb NOT NULL DEFAULT '{}',
    body bytea,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (token_id, key)
);

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
