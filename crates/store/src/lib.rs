//! Persistence for satuatap on SQLite (embedded default) and PostgreSQL (scale-out).
//!
//! One surface for both engines: [`Store`] hands out [`Tx`] handles, and each
//! module adds the queries of one subject as methods on `Tx`. The SQL text is
//! shared where both engines agree (almost everywhere: `$1` placeholders,
//! `RETURNING`, `ON CONFLICT`) and the [`on_conn!`] macro runs it on whichever
//! connection the handle holds. Only this crate contains SQL.

pub mod db;
mod error;
pub mod model;

pub mod access;
pub mod application;
pub mod audit;
pub mod booking;
pub mod catalog;
pub mod complaint;
pub mod devices;
pub mod evaluation;
pub mod holidays;
pub mod mpps;
pub mod oss;
pub mod providers;
pub mod queue;
pub mod registry;
pub mod rollout;
pub mod stats;
pub mod survey;
pub mod ticket_alerts;
pub mod users;
pub mod walk_in;

pub use db::{Engine, Listener, Store, StoreOptions, Tx};
pub use error::{Constraint, StoreError};
pub use model::*;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
