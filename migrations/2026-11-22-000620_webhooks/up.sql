-- Outbound webhooks: subscriptions, the events this service emits (transactional outbox), and
-- the log of every delivery attempt.

-- Where an integrator wants events. The secret is kept in clear, unlike API tokens: every
-- delivery is signed with it (HMAC needs the key itself), so it cannot be stored as a hash.
-- Only administrators reach this table through the API, and the API never shows a secret
-- again after creating or rotating it.
CREATE TABLE webhook_subscriptions (
    id bigserial PRIMARY KEY,
    url text NOT NULL CHECK (url ~* '^https?://' AND length(url) <= 2000),
    event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
    secret text NOT NULL CHECK (length(secret) >= 16),
    description text,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX webhook_subscriptions_event_types_idx ON webhook_subscriptions
    USING gin (event_types) WHERE active;

-- An event, written in the transaction of the change it reports: it exists if and only if the
-- change committed. Its delivery jobs are enqueued in the same transaction.
CREATE TABLE integration_events (
    id text PRIMARY KEY CHECK (id ~ '^evt_[A-Za-z0-9]+$'),
    type text NOT NULL CHECK (btrim(type) <> ''),
    occurred_at timestamptz NOT NULL,
    data jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX integration_events_type_idx ON integration_events (type, occurred_at);

-- One row per attempt to deliver an event to a subscription, failed or not. Written by the
-- worker inside the job's transaction, which commits even when the attempt failed.
CREATE TABLE webhook_deliveries (
    id bigserial PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id text NOT NULL REFERENCES integration_events (id) ON DELETE RESTRICT,
    job_id bigint REFERENCES jobs (id) ON DELETE SET NULL,
    -- The job's attempt: 1 for the first, more for retries (a redelivery starts again at 1).
    attempt integer NOT NULL CHECK (attempt > 0),
    redelivery boolean NOT NULL DEFAULT false,
    url text NOT NULL,
    requested_at timestamptz NOT NULL,
    duration_ms integer NOT NULL CHECK (duration_ms >= 0),
    response_status integer CHECK (response_status BETWEEN 100 AND 999),
    -- A connection error or timeout (no status), or why a status counts as a failure.
    error text,
    -- The first characters of the receiver's answer, to help debugging.
    response_excerpt text,
    succeeded boolean NOT NULL
);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_job_idx ON webhook_deliveries (job_id);
