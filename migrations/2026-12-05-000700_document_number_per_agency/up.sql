-- Decree 30/2020/NĐ-CP, Art. 15: the number and symbol of a document is unique within its
-- issuing agency's year. The old key (issuer abbreviation, year, number) was stricter than the
-- decree: it refused 19/QĐ-SCT after 19/KH-SCT, a district's 12/QĐ-UBND after the province's
-- 12/CT-UBND, and 02/2019/TT-BNV after 02/2019/TTLT-BNV-BTC. The key is now the agency, the
-- year and the whole canonical number and symbol.

-- The issuing agency as compared: NFC, lower case, single spaces (the API writes it; rows of
-- before are filled here the same way, as far as PostgreSQL's lower() goes).
ALTER TABLE documents ADD COLUMN agency_key text;
UPDATE documents SET agency_key = lower(regexp_replace(btrim(normalize(issuing_agency, NFC)), '\s+', ' ', 'g'));
ALTER TABLE documents ALTER COLUMN agency_key SET NOT NULL;
ALTER TABLE documents ADD CONSTRAINT documents_agency_key_check CHECK (agency_key <> '');

DROP INDEX documents_number_idx;
CREATE UNIQUE INDEX documents_number_symbol_idx ON documents (agency_key, issue_year, number_symbol);
