//! Plain data describing a checked scenario, its bugs and their
//! counterexamples. Field names are the JSON schema (see reports/README.md).

use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the JSON schema these types produce.
pub const SCHEMA_VERSION: u32 = 1;

/// A position in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The source text of the operation (first line of it).
    pub text: String,
}

/// The study's taxonomy of a bug.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaxonomyView {
    /// `blocking` or `non-blocking`.
    pub behavior: String,
    /// `shared-memory` or `message-passing`.
    pub cause: String,
}

/// One step of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepView {
    /// 1-based step number.
    pub index: usize,
    /// The goroutine that moved (`main`, `worker#1`), or `timer`.
    pub goroutine: String,
    /// The operation as written in the scenario.
    pub op: String,
    /// What happened (`send`, `select: case 2`, `timer fires`).
    pub action: String,
    /// Line of the operation (0 for timer fires).
    pub line: u32,
    /// Column of the operation (0 for timer fires).
    pub col: u32,
    /// For a rendezvous: the receiving goroutine and its operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
}

/// A goroutine at the end of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoroutineView {
    /// Its name.
    pub goroutine: String,
    /// `blocked` or `runnable`.
    pub status: String,
    /// Where it stands.
    pub at: Location,
}

/// One bug and its counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BugView {
    /// `deadlock`, `leak`, `race`, `panic`, `assert` or `context-leak`.
    pub kind: String,
    /// Go's message, or weft's description.
    pub message: String,
    /// Where the bug shows.
    pub location: Location,
    /// Other locations involved (the second access of a race, other blocked goroutines).
    pub related: Vec<Location>,
    /// The replay token.
    pub schedule: String,
    /// The counterexample's steps.
    pub steps: Vec<StepView>,
    /// Every live goroutine at the end.
    pub goroutines: Vec<GoroutineView>,
}

/// Search counters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatsView {
    /// Distinct states.
    pub states: usize,
    /// Transitions executed.
    pub transitions: usize,
    /// Wall time.
    pub seconds: f64,
    /// Deepest level.
    pub max_depth: usize,
    /// Approximate bytes per stored state.
    pub bytes_per_state: usize,
}

/// The result of checking one scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The file checked.
    pub file: String,
    /// The scenario's name.
    pub scenario: String,
    /// One-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Origin of the bug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The study's taxonomy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<TaxonomyView>,
    /// Parameter values used.
    pub params: BTreeMap<String, i64>,
    /// Expected bug kinds (empty: clean).
    pub expect: Vec<String>,
    /// True when every reachable state was explored.
    pub complete: bool,
    /// The bound that cut the search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<String>,
    /// True when the bug kinds found equal `expect` (and a clean verdict
    /// comes from a complete search).
    pub expected_met: bool,
    /// The bugs found.
    pub bugs: Vec<BugView>,
    /// Counters.
    pub stats: StatsView,
}

impl ScenarioReport {
    /// The distinct bug kinds found, sorted.
    pub fn found_kinds(&self) -> Vec<String> {
        let mut k: Vec<String> = self.bugs.iter().map(|b| b.kind.clone()).collect();
        k.sort();
        k.dedup();
        k
    }
}
