-- The registry of official documents (văn bản) exchanged with the province's document-management
-- system (QLVB): their number and symbol per Decree 30/2020/NĐ-CP, files, and links to periods
-- (legal basis, request letter) and to submissions (the unit's report sent as an official
-- document); the per-integration signing secrets and the inbound events received from QLVB.

-- The agency's identifier code in QLVB (mã định danh, e.g. 000.00.12.H56).
ALTER TABLE units ADD COLUMN qlvb_code text UNIQUE
    CHECK (qlvb_code ~ '^[A-Za-z0-9][A-Za-z0-9.-]{0,39}$');

CREATE TABLE documents (
    id bigserial PRIMARY KEY,
    -- Canonical form of the number and symbol, e.g. 383/KH-SCT, 09/2019/NĐ-CP.
    number_symbol text NOT NULL CHECK (btrim(number_symbol) <> ''),
    number integer NOT NULL CHECK (number > 0),
    -- The year written in a legal normative document's symbol (09/2019/NĐ-CP).
    symbol_year integer,
    document_type text,
    issuer text NOT NULL CHECK (btrim(issuer) <> ''),
    drafter text,
    issued_on date NOT NULL,
    -- The numbering year: the symbol's year if it has one, else the year of issued_on.
    issue_year integer NOT NULL,
    issuing_agency text NOT NULL CHECK (btrim(issuing_agency) <> ''),
    subject text NOT NULL CHECK (btrim(subject) <> ''),
    signer text,
    direction text NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    source text NOT NULL CHECK (source IN ('manual', 'qlvb')),
    -- The integration that delivered it (source qlvb).
    integration_token_id bigint REFERENCES api_tokens (id) ON DELETE RESTRICT,
    received_at timestamptz,
    status text NOT NULL CHECK (status IN ('registered', 'unmatched', 'linked')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- Decree 30: numbers run from 01 each year per issuing agency; legal normative documents (with
-- the year in the symbol) are numbered apart from administrative ones.
CREATE UNIQUE INDEX documents_number_idx
    ON documents (issuer, issue_year, number, (symbol_year IS NOT NULL));
CREATE INDEX documents_status_idx ON documents (status);

CREATE TABLE document_files (
    id bigserial PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    filename text NOT NULL CHECK (btrim(filename) <> '' AND char_length(filename) <= 255),
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);
CREATE INDEX document_files_document_id_idx ON document_files (document_id);

CREATE TABLE document_period_links (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    period_id bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('legal_basis', 'request_letter')),
    linked_at timestamptz NOT NULL,
    linked_by text NOT NULL,
    PRIMARY KEY (document_id, period_id)
);
CREATE INDEX document_period_links_period_id_idx ON document_period_links (period_id);

CREATE TABLE document_submission_links (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('unit_report')),
    linked_at timestamptz NOT NULL,
    linked_by text NOT NULL,
    PRIMARY KEY (document_id, submission_id)
);
CREATE INDEX document_submission_links_submission_id_idx ON document_submission_links (submission_id);

-- The HMAC secret an integration signs its events with. Unlike a bearer token it cannot be
-- stored as a hash: verifying an HMAC needs the key itself. Protect database backups.
CREATE TABLE integration_secrets (
    token_id bigint PRIMARY KEY REFERENCES api_tokens (id) ON DELETE CASCADE,
    secret text NOT NULL CHECK (char_length(secret) >= 32),
    created_at timestamptz NOT NULL
);

-- Inbound QLVB events that were answered with success, with the answer, so the same event id
-- from the same integration is answered again as before with no second effect.
CREATE TABLE qlvb_events (
    id bigserial PRIMARY KEY,
    token_id bigint NOT NULL REFERENCES api_tokens (id) ON DELETE RESTRICT,
    event_id text NOT NULL CHECK (btrim(event_id) <> '' AND char_length(event_id) <= 200),
    event_type text NOT NULL,
    received_at timestamptz NOT NULL,
    body_sha256 text NOT NULL CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
    answer_status smallint NOT NULL,
    answer jsonb NOT NULL,
    document_id bigint REFERENCES documents (id) ON DELETE SET NULL,
    UNIQUE (token_id, event_id)
);
