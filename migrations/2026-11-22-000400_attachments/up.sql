-- Files of a submission: the narrative report, the statistics workbook and evidence documents.
-- The bytes live in object storage under storage_key; this row says what they are.

CREATE TABLE submission_attachments (
    id bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('narrative', 'statistics', 'evidence')),
    -- As uploaded, without folders or control characters; used for downloads.
    filename text NOT NULL CHECK (btrim(filename) <> '' AND char_length(filename) <= 255),
    -- Decided from the content, not from the name or the declared type.
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key text NOT NULL UNIQUE,
    indicator_id bigint REFERENCES indicators (id) ON DELETE RESTRICT,
    uploaded_at timestamptz NOT NULL,
    uploaded_by text NOT NULL,
    -- Target of the evidence citations' same-submission foreign key below.
    UNIQUE (submission_id, id)
);

-- A citation may point at the uploaded copy of the document it cites, which must be a file of
-- the same submission. With MATCH SIMPLE the key is not checked while attachment_id is NULL.
ALTER TABLE submission_evidence
    ADD COLUMN attachment_id bigint,
    ADD CONSTRAINT submission_evidence_attachment_fkey
        FOREIGN KEY (submission_id, attachment_id)
        REFERENCES submission_attachments (submission_id, id);
CREATE INDEX submission_evidence_attachment_idx ON submission_evidence (submission_id, attachment_id);
