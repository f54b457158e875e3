//! Counterexample rendering for weft.
//!
//! The checker fills in plain view types ([`view`]); each renderer turns
//! them into one format: [`text`] for terminals, [`json`] for tools
//! (JSON Lines, one object per scenario). Renderers never look at the
//! checker's internals, so the crate graph stays acyclic.

pub mod json;
pub mod text;
pub mod view;

pub use view::*;
