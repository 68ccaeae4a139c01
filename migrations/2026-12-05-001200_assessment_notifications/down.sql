DROP TABLE assessment_escalations;
