-- The secret that signs the links in the mails (issue 20) when CCHC_LINK_SECRET is not set:
-- generated once by the first process that needs it and kept here, so links survive restarts
-- and a link the worker signed opens on every API process. One row at most.
CREATE TABLE link_secret (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    secret bytea NOT NULL CHECK (octet_length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
