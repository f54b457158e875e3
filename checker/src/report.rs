//! Fills in the report view types from an outcome: replays each
//! counterexample and maps code locations to lines, columns and source text.

use std::collections::BTreeMap;

use weft_models::ir::{Op, Program};
use weft_models::span::{SourceFile, Span};
use weft_models::syntax::{Behavior, BugKind, Cause};
use weft_reports::view::{
    BugView, GoroutineView, Location, ScenarioReport, StatsView, StepView, TaxonomyView,
    SCHEMA_VERSION,
};

use crate::detect::Bug;
use crate::explore::Outcome;
use crate::schedule;
use crate::semantics::Transition;
use crate::state::Site;
use crate::trace::{self, Trace};

/// Maps code locations of one program to source positions.
pub struct Locator<'a> {
    /// The scenario file.
    pub file: &'a SourceFile,
    /// The program lowered from it.
    pub prog: &'a Program,
}

impl Locator<'_> {
    /// The position and text of a span.
    pub fn span(&self, span: Span) -> Location {
        let (line, col) = self.file.line_col(span.start);
        Location {
            line,
            col,
            text: self
                .file
                .slice(span)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
        }
    }

    /// The position of an instruction; for a select step, of the arm taken.
    pub fn site(&self, site: Site, alt: Option<u32>) -> Location {
        let instr = self.prog.instr(site.func, site.pc);
        if let (Op::Select { arms, .. }, Some(a)) = (&instr.op, alt) {
            if let Some(arm) = arms.get(a as usize) {
                return self.span(arm.span);
            }
        }
        self.span(instr.span)
    }
}

/// Whether the kinds found match what the scenario expects. A clean
/// verdict counts only when the search was complete.
pub fn expected_met(expect: &[BugKind], outcome: &Outcome) -> bool {
    let mut found: Vec<BugKind> = outcome.bugs.iter().map(|b| b.kind).collect();
    found.sort();
    found.dedup();
    let mut want = expect.to_vec();
    want.sort();
    want.dedup();
    found == want && (outcome.complete || !want.is_empty())
}

fn steps(loc: &Locator, trace: &Trace, path: &[Transition]) -> Vec<StepView> {
    trace
        .steps
        .iter()
        .zip(path)
        .enumerate()
        .map(|(i, (s, t))| {
            let alt = match t {
                Transition::Step { alt, .. } => Some(*alt),
                Transition::Rendezvous { send_arm, .. } => Some(*send_arm),
                Transition::Fire { .. } => None,
            };
            let at = s.site.map(|site| loc.site(site, alt));
            StepView {
                index: i + 1,
                goroutine: s
                    .goroutine
                    .as_ref()
                    .map_or_else(|| "timer".to_string(), |g| trace.name(g)),
                op: at.as_ref().map_or_else(String::new, |l| l.text.clone()),
                action: s.action.clone(),
                line: at.as_ref().map_or(0, |l| l.line),
                col: at.as_ref().map_or(0, |l| l.col),
                partner: s.partner.as_ref().map(|(g, site)| {
                    let l = loc.site(*site, None);
                    format!("{} at {}:{}", trace.name(g), l.line, l.col)
                }),
            }
        })
        .collect()
}

/// The view of one bug (replays its path).
pub fn bug_view(loc: &Locator, bug: &Bug) -> BugView {
    let token = schedule::encode(&bug.path);
    let trace = trace::replay(loc.prog, &bug.path);
    let (steps, goroutines) = match &trace {
        Ok(tr) => (
            steps(loc, tr, &bug.path),
            tr.end
                .iter()
                .map(|g| GoroutineView {
                    goroutine: tr.name(&g.goroutine),
                    status: if g.blocked { "blocked" } else { "runnable" }.into(),
                    at: loc.site(g.site, None),
                })
                .collect(),
        ),
        Err(_) => (Vec::new(), Vec::new()),
    };
    let related = bug
        .involved
        .iter()
        .filter(|i| i.site != bug.site)
        .map(|i| loc.site(i.site, None))
        .collect();
    BugView {
        kind: bug.kind.as_str().to_string(),
        message: bug.message.clone(),
        location: loc.site(bug.site, None),
        related,
        schedule: token,
        steps,
        goroutines,
    }
}

/// The report of one checked scenario.
pub fn scenario_report(loc: &Locator, display_path: &str, outcome: &Outcome) -> ScenarioReport {
    let meta = &loc.prog.meta;
    let taxonomy = meta.taxonomy.map(|t| TaxonomyView {
        behavior: match t.behavior {
            Behavior::Blocking => "blocking",
            Behavior::NonBlocking => "non-blocking",
        }
        .into(),
        cause: match t.cause {
            Cause::SharedMemory => "shared-memory",
            Cause::MessagePassing => "message-passing",
        }
        .into(),
    });
    ScenarioReport {
        schema_version: SCHEMA_VERSION,
        file: display_path.to_string(),
        scenario: meta.name.clone(),
        summary: meta.summary.clone(),
        origin: meta.origin.clone(),
        taxonomy,
        params: meta.params.iter().cloned().collect::<BTreeMap<_, _>>(),
        expect: meta.expect.iter().map(|k| k.as_str().to_string()).collect(),
        complete: outcome.complete,
        bound: outcome.bound.map(|b| b.to_string()),
        expected_met: expected_met(&meta.expect, outcome),
        bugs: outcome.bugs.iter().map(|b| bug_view(loc, b)).collect(),
        stats: StatsView {
            states: outcome.stats.states,
            transitions: outcome.stats.transitions,
            seconds: outcome.stats.seconds,
            max_depth: outcome.stats.max_depth,
            bytes_per_state: outcome.stats.bytes_per_state,
        },
    }
}
