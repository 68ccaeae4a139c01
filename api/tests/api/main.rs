//! API tests through the real HTTP stack: a server on a loopback port, a real PostgreSQL
//! database per test, real tokens.

mod common;

mod assessment_computed;
mod assessment_files;
mod assessments;
mod attachments;
mod attachments_macros;
mod audit;
mod auth;
mod authz_matrix;
mod campaigns;
mod cli;
mod consolidation_rules;
mod criteria_sets;
mod criteria_versions;
mod criteria_workbook;
mod documents;
mod excel;
mod excel_limits;
mod health;
mod holidays;
mod idempotency;
mod index;
mod indicators;
mod input;
mod jobs;
mod limits;
mod mail_links;
mod mail_links_work;
mod notifications;
mod openapi;
mod outbound;
mod periods;
mod pinned_versions;
mod plans;
mod qlvb_events;
mod qlvb_import;
mod robustness;
mod running_sums;
mod seed_scenario;
mod submissions;
mod units;
mod webhooks;
