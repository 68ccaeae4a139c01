DROP TABLE submission_versions;
DROP TABLE submission_evidence;
DROP TABLE submission_values;
DROP TABLE submissions;
DROP TABLE period_extensions;
