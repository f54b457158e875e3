//! Plain data describing a checked scenario, its bugs and their
//! counterexamples. Field names are the JSON schema (documented in
//! reports/README.md); the checker fills them in, the renderers only read
//! them.

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
    /// The source text of the operation, comments dropped and whitespace
    /// collapsed to one line.
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

/// A goroutine's column in the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaneView {
    /// Its name: `main`, or its function and spawn number (`worker#2`).
    pub goroutine: String,
    /// Spawn number, as in schedule tokens (0 is main).
    pub number: u32,
    /// The function it started in.
    pub function: String,
    /// The step that started it (absent for main).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_by: Option<usize>,
}

/// The receiving side of a hand-off step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartnerView {
    /// Its lane (index into `lanes`).
    pub lane: usize,
    /// Its name.
    pub goroutine: String,
    /// Its operation as written.
    pub op: String,
    /// What it did (`receive`, `select: case 2`).
    pub action: String,
    /// Line of its operation.
    pub line: u32,
    /// Column of its operation.
    pub col: u32,
}

/// One step of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepView {
    /// 1-based step number.
    pub index: usize,
    /// The step's item in the schedule token (`2`, `0s3`, `1>0`, `t`).
    pub item: String,
    /// The lane of the goroutine that moved; `None` for a timer firing.
    pub lane: Option<usize>,
    /// The goroutine that moved (the sender of a hand-off), or `timer`.
    pub goroutine: String,
    /// The operation as written in the scenario (for a select, the case
    /// taken); for a timer, the operation that made it.
    pub op: String,
    /// What happened (`send`, `select: case 2`, `choice 1`, `timer fires`).
    pub action: String,
    /// Line of the operation (for a timer: where it was made; 0 if unknown).
    pub line: u32,
    /// Column of the operation.
    pub col: u32,
    /// The receiver of a hand-off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<PartnerView>,
    /// `none`, `switch` (the previous goroutine blocked or ended) or
    /// `preemption` (it could have gone on).
    pub switch: String,
    /// False for a step that cannot matter to the bug: concurrent with it
    /// and touching nothing it depends on. The text report folds these.
    pub relevant: bool,
    /// True for the step that shows the bug (a crash, a context leak).
    pub failing: bool,
    /// Earlier steps of other goroutines this one synchronises with
    /// (spawns and successive operations on one synchronisation object),
    /// by index: the edges of the happens-before graph besides program order.
    pub after: Vec<usize>,
}

/// An operation about to happen at the end of a counterexample that is part
/// of the bug: both accesses of a race, the operations goroutines are
/// blocked on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingView {
    /// The goroutine's lane.
    pub lane: usize,
    /// Its name.
    pub goroutine: String,
    /// The operation as written.
    pub op: String,
    /// `races` or `blocked`.
    pub role: String,
    /// Line.
    pub line: u32,
    /// Column.
    pub col: u32,
}

/// An operation ahead of a goroutine that would release a waiter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReleaseView {
    /// The goroutine that could do it.
    pub goroutine: String,
    /// What it would do (`receive from`, `call Done on`).
    pub what: String,
    /// The object.
    pub object: String,
    /// Where.
    pub at: Location,
    /// True when a goroutine it would start does it.
    pub via_spawn: bool,
}

/// What a blocked goroutine waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaitView {
    /// What it is trying to do: `send on`, `receive from`, `lock`, ...
    pub verb: String,
    /// The objects it waits on, by name (`` `ch` ``, `` Mutex `mu` ``).
    pub objects: Vec<String>,
    /// Goroutines holding what it needs.
    pub held_by: Vec<String>,
    /// Operations ahead of live goroutines that would release it.
    pub could_release: Vec<ReleaseView>,
    /// A fact that explains the wait (`its counter is 2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The whole explanation in one sentence.
    pub why: String,
}

/// A goroutine at the end of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoroutineView {
    /// Its name.
    pub goroutine: String,
    /// Spawn number.
    pub number: u32,
    /// `blocked`, `runnable`, `spinning`, `exited` (or `returned` for main),
    /// or `crashed` for the goroutine whose step crashed the program.
    pub status: String,
    /// Where it stands (absent once it has ended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
    /// What it waits for, when blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<WaitView>,
}

/// An edge of the wait-for graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaitEdgeView {
    /// The waiting goroutine.
    pub from: String,
    /// The goroutine it waits for.
    pub to: String,
    /// The object between them.
    pub object: String,
    /// `held-by` or `could-release`.
    pub relation: String,
    /// The edge in words: ``waits to lock Mutex `f1`, held by phil#2``.
    pub label: String,
}

/// The wait-for graph at the end of a counterexample.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WaitForView {
    /// Its edges.
    pub edges: Vec<WaitEdgeView>,
    /// A cycle, as indices into `edges` in order (empty when there is none).
    pub cycle: Vec<usize>,
}

/// How the counterexample was chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MinimalityView {
    /// `minimal` (proven fewest preemptions, then fewest steps), `shortest`
    /// (the checker's breadth-first schedule, when the minimal search hit
    /// its cap) or `replayed` (a schedule given to `weft replay`).
    pub search: String,
    /// Steps.
    pub steps: usize,
    /// Context switches (including preemptions).
    pub context_switches: usize,
    /// Preemptions: switches away from a goroutine that could have gone on.
    pub preemptions: usize,
    /// The claim in words.
    pub note: String,
}

/// One bug and its counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BugView {
    /// `deadlock`, `leak`, `race`, `panic`, `assert` or `context-leak`.
    pub kind: String,
    /// The kind in words: `global deadlock`, `goroutine leak`, ...
    pub title: String,
    /// The study's classification of this bug.
    pub taxonomy: TaxonomyView,
    /// Go's message (`panic: send on closed channel`, `fatal error: all
    /// goroutines are asleep - deadlock!`), or weft's description.
    pub message: String,
    /// The goroutine where the bug shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goroutine: Option<String>,
    /// Where the bug shows.
    pub location: Location,
    /// Other locations involved (the second access of a race, other blocked
    /// goroutines).
    pub related: Vec<Location>,
    /// The replay token.
    pub schedule: String,
    /// How the schedule was chosen, and its switch counts.
    pub minimality: MinimalityView,
    /// The command that replays the counterexample.
    pub reproduce: String,
    /// The goroutines of the schedule, in spawn order: the table's columns.
    pub lanes: Vec<LaneView>,
    /// The counterexample's steps.
    pub steps: Vec<StepView>,
    /// Operations about to happen at the end that are part of the bug.
    pub pending: Vec<PendingView>,
    /// Every goroutine of the run at the end.
    pub goroutines: Vec<GoroutineView>,
    /// Who waits for whom at the end.
    pub wait_for: WaitForView,
    /// Why the bug happens, in sentences (for a leak: why nobody can release
    /// the goroutine).
    pub explanation: Vec<String>,
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
    /// The reduction applied: `none`, `por`, or that por fell back.
    pub reduction: String,
    /// Distinct program states among the stored ones (a state is stored
    /// once per sleep set it is reached with).
    pub distinct_states: usize,
    /// Maximal runs through the explored graph, when it is acyclic and
    /// complete (with partial-order reduction: one per Mazurkiewicz trace).
    pub complete_runs: Option<u128>,
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
    /// The study's taxonomy, as the scenario declares it.
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

/// What `weft replay` found at the end of a schedule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplayReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The scenario file.
    pub file: String,
    /// The scenario's name.
    pub scenario: String,
    /// The token replayed.
    pub schedule: String,
    /// Steps replayed.
    pub steps: usize,
    /// The bugs the run shows, in the same form as `weft check`'s.
    pub bugs: Vec<BugView>,
    /// False when the states after the run were too many to decide
    /// whether a goroutine is blocked forever.
    pub complete: bool,
}
