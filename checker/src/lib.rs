//! weft's checker: the semantics of Go's concurrency primitives, the
//! explorer that visits every reachable state, and the bug detectors.
//!
//! - [`semantics`]: the seam — enabled transitions of a state, and the next
//!   state of a transition;
//! - [`state`]: canonical states;
//! - [`explore`]: the stateful breadth-first explorer with bounds;
//! - [`graph`]: the explored state graph, built by the explorer and read
//!   by the detectors;
//! - [`detect`]: deadlocks, leaks, races, panics, assertions, context leaks;
//! - [`counterexample`]: choosing, replaying, identifying objects in,
//!   slicing and explaining a counterexample (replay tokens, strict replay,
//!   the verdict of one run, minimal schedules, happens-before, wait-for
//!   graphs, the one description of operations for readers);
//! - [`report`]: filling the report view types (`weft_reports::view`);
//! - [`stop`]: asking a running search to stop (its time limit, Ctrl-C).

pub mod counterexample;
pub mod detect;
pub mod explore;
pub mod graph;
pub mod memory;
pub mod reduce;
pub mod report;
pub use weft_models::scc;
pub mod semantics;
pub mod state;
pub mod stop;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod value;
