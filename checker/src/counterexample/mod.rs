//! The counterexample wing: everything between "the checker found a bug"
//! and "here is a run that shows it, explained".
//!
//! - [`token`]: the replay token of a schedule (encoding and decoding);
//! - [`replay`]: strict step-by-step replay of a schedule into steps that
//!   say who moved, where, and what each touched;
//! - [`identity`]: stable object identities, names and lock holders along a
//!   replayed run (states renumber their objects after every step);
//! - [`verdict`]: the bugs one run shows (`weft replay`'s verdict, and the
//!   goal test of the minimal search);
//! - [`minimal`]: the run to a bug with the fewest preemptions, then steps;
//! - [`choose`]: the counterexample shown for a bug (minimal, replayed);
//! - [`describe`]: what an operation is, for readers (its action, token
//!   alternative, cause): the one place outside the semantics that reads
//!   the IR's operations;
//! - [`locate`]: lines, columns and source text of operations;
//! - [`happens_before`]: the synchronisation edges between steps;
//! - [`slice`](mod@slice): which steps the bug depends on;
//! - [`taxonomy`]: the study's classification of a bug;
//! - [`explain`]: why the run shows its bug, as typed facts, and how
//!   objects are named;
//! - [`waitfor`]: who waits for whom at the end of a run;
//! - [`values`]: the values a step shows (the alternative a choice took,
//!   the locals it read and wrote).
//!
//! The report ([`crate::report`]) only fills the views from what these
//! compute; the sentences are made in `weft_reports::words`.

pub(crate) mod choose;
pub(crate) mod describe;
pub(crate) mod explain;
pub(crate) mod happens_before;
pub mod identity;
pub mod locate;
pub mod minimal;
pub mod replay;
pub(crate) mod slice;
pub mod taxonomy;
pub mod token;
pub mod values;
pub mod verdict;
pub mod waitfor;
