-- Back to the stricter key. It cannot be restored while two documents registered under the new
-- rule share an issuer abbreviation, year and number (e.g. 19/KH-SCT and 19/QĐ-SCT): the index
-- creation then fails and names them, and this migration stays applied.
DROP INDEX documents_number_symbol_idx;
CREATE UNIQUE INDEX documents_number_idx
    ON documents (issuer, issue_year, number, (symbol_year IS NOT NULL));
ALTER TABLE documents DROP COLUMN agency_key;
