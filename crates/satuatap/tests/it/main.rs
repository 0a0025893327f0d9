//! Integration tests over real HTTP, against SQLite or PostgreSQL (`TEST_DB`).

mod support;

mod application;
mod audit_log;
mod authz;
mod booking;
mod catalogue;
mod complaint;
mod dashboard;
mod evaluation;
mod evaluation_results;
mod hardening;
mod input;
mod national;
mod operations;
mod oss;
mod queue;
mod registry;
mod security;
mod survey;
mod survey_pages;
mod ticket_alerts;
mod walk_in;
