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
//! - [`trace`]: strict replay of a schedule into readable steps;
//! - [`schedule`]: the replay token of a schedule;
//! - [`objects`]: object identities, names and lock holders along a trace;
//! - [`reached`]: the bugs one run shows (replay's verdict);
//! - [`minimal`]: counterexamples with the fewest preemptions, then steps;
//! - [`waitfor`]: who waits for whom at the end of a counterexample;
//! - [`report`]: filling the report view types.

pub mod detect;
pub mod explore;
pub mod graph;
pub mod minimal;
pub mod objects;
pub mod reached;
pub mod reduce;
pub mod report;
pub mod schedule;
pub mod semantics;
pub mod state;
pub mod trace;
pub mod value;
pub mod waitfor;
