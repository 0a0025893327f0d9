//! Pure rules and types of satuatap: no I/O, no async, no SQL, no HTTP.
//!
//! Everything here can be unit-tested with plain values. The other crates parse
//! input into these types at the edge and rely on them afterwards.

pub mod access;
pub mod application;
pub mod booking;
pub mod catalog;
pub mod complaint;
pub mod device;
pub mod evaluation;
pub mod geo;
pub mod hours;
pub mod oss;
pub mod queue;
pub mod region;
pub mod role;
pub mod rollout;
pub mod search;
pub mod survey;
pub mod text;
pub mod validate;
pub mod workdays;

pub use validate::{FieldError, Invalid};
