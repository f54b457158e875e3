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
//! - [`waitfor`]: who waits for whom at the end of a run.

pub mod identity;
pub mod minimal;
pub mod replay;
pub mod token;
pub mod verdict;
pub mod waitfor;
