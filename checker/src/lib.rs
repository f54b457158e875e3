//! weft's checker: the semantics of Go's concurrency primitives, the
//! explorer that visits every reachable state, and the bug detectors.
//!
//! - [`semantics`]: the seam — enabled transitions of a state, and the next
//!   state of a transition;
//! - [`state`]: canonical states;
//! - [`explore`]: the stateful breadth-first explorer with bounds;
//! - [`detect`]: deadlocks, leaks, races, panics, assertions, context leaks;
//! - [`trace`]: replaying a path into readable steps;
//! - [`schedule`]: the replay token of a path.

pub mod detect;
pub mod explore;
pub mod report;
pub mod schedule;
pub mod semantics;
pub mod state;
pub mod trace;
pub mod value;
