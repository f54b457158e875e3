//! Counterexample rendering for weft.
//!
//! The checker fills in plain view types ([`view`]); each renderer turns
//! them into one format: [`text`] for terminals (a swim-lane table per
//! counterexample), [`json`] for tools (JSON Lines, one object per
//! scenario; schema in reports/README.md), [`dot`] for Graphviz
//! (happens-before and wait-for graphs), [`sarif`] for code scanning and
//! [`junit`] for CI test reports, [`html`] for the review page (one
//! self-contained page per scenario, its graphs laid out by [`layout`]);
//! [`words`] makes the sentences the views carry. Renderers never look at the
//! checker's internals, so the crate graph stays acyclic.

pub mod dot;
pub mod html;
pub mod json;
pub mod junit;
pub mod layout;
pub mod sarif;
pub mod text;
pub mod view;
pub mod words;

pub use view::*;
