//! Fills in the report view types: chooses each bug's counterexample (the
//! minimal one, [`crate::counterexample::minimal`]), replays it ([`crate::counterexample::replay`]), explains
//! its end ([`crate::counterexample::waitfor`]) and maps code locations to lines, columns
//! and source text.

use std::collections::{BTreeMap, BTreeSet};

use weft_models::ir::{Op, Program};
use weft_models::span::{SourceFile, Span};
use weft_models::syntax::{Behavior, BugKind, Cause};
use weft_reports::view::*;

use crate::counterexample::identity::ObjId;
use crate::counterexample::minimal::{self, Search};
use crate::counterexample::replay::{self, Switch, Trace};
use crate::counterexample::waitfor::{self, Relation, Status, WaitFor};
use crate::detect::Bug;
use crate::explore::Outcome;
use crate::semantics::{self, Access, Event, Transition};
use crate::state::{GoroutineId, Site};

/// Maps code locations of one program to source positions.
pub struct Locator<'a> {
    /// The scenario file.
    pub file: &'a SourceFile,
    /// The program lowered from it.
    pub prog: &'a Program,
}

/// Source text on one line: comments dropped, whitespace collapsed, no
/// space just inside brackets and no trailing comma before a closing one.
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            }
            if !in_str && c == '/' && prev == '/' {
                cut = i - 1;
                break;
            }
            prev = c;
        }
        out.push(' ');
        out.push_str(line[..cut].trim());
    }
    let mut s = String::new();
    let mut in_str = false;
    let chars: Vec<char> = out.trim().chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '"' {
            in_str = !in_str;
        }
        if !in_str && c.is_whitespace() {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let last = s.chars().last();
            if last.is_none_or(|l| l == ' ' || l == '[' || l == '(')
                || matches!(next, Some(']' | ')') | None)
            {
                continue;
            }
            s.push(' ');
            continue;
        }
        if !in_str && matches!(c, ']' | ')') && s.ends_with(',') {
            s.pop();
        }
        s.push(c);
    }
    s
}

impl Locator<'_> {
    /// The position and text of a span.
    pub fn span(&self, span: Span) -> Location {
        let (line, col) = self.file.line_col(span.start);
        Location {
            line,
            col,
            text: one_line(self.file.slice(span)),
        }
    }

    /// The position of an instruction; for a select step, of the case taken.
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

/// How reports are made.
#[derive(Clone, Debug)]
pub struct Options {
    /// Work cap of the minimal-schedule search ([`minimal::DEFAULT_CAP`]);
    /// 0 keeps the checker's breadth-first counterexamples.
    pub minimal_cap: usize,
    /// `--param` arguments to repeat in the reproduce command.
    pub params: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            minimal_cap: minimal::DEFAULT_CAP,
            params: Vec::new(),
        }
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

/// Shell-quotes a word when it needs it.
fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The `weft replay` command line of a token.
pub fn reproduce(display_path: &str, token: &str, opts: &Options) -> String {
    let mut cmd = format!("weft replay {} --schedule {token}", quote(display_path));
    for (k, v) in &opts.params {
        cmd.push_str(&format!(" --param {}", quote(&format!("{k}={v}"))));
    }
    cmd
}

fn title(bug: &Bug, trace: &Trace) -> String {
    match bug.kind {
        BugKind::Deadlock => "global deadlock".into(),
        BugKind::Leak if bug.involved.first().is_some_and(|i| i.goroutine.is_main()) => {
            "partial deadlock (main blocked forever)".into()
        }
        BugKind::Leak => "goroutine leak".into(),
        BugKind::Race => "data race".into(),
        BugKind::Panic
            if trace
                .failure
                .as_ref()
                .is_some_and(|f| f.message.starts_with("fatal error")) =>
        {
            "fatal error".into()
        }
        BugKind::Panic => "panic".into(),
        BugKind::Assert => "assertion failure".into(),
        BugKind::ContextLeak => "context leak".into(),
    }
}

/// Whether an operation is message passing (channels, select, contexts,
/// timers): `None` for operations that say nothing (`panic`, `assert`).
fn message_passing(prog: &Program, site: Site) -> Option<bool> {
    match &prog.instr(site.func, site.pc).op {
        Op::Send { .. } | Op::Recv { .. } | Op::Close { .. } | Op::Select { .. } => Some(true),
        Op::Cancel { .. } | Op::CtxErr { .. } | Op::TimerStop { .. } | Op::TimerReset { .. } => {
            Some(true)
        }
        Op::New { .. } => Some(true),
        Op::Panic { .. } | Op::Assert { .. } | Op::Go { .. } | Op::Choose { .. } | Op::Sleep => {
            None
        }
        _ => Some(false),
    }
}

fn taxonomy(prog: &Program, bug: &Bug) -> TaxonomyView {
    let blocking = matches!(
        bug.kind,
        BugKind::Deadlock | BugKind::Leak | BugKind::ContextLeak
    );
    let sites = std::iter::once(bug.site).chain(bug.involved.iter().map(|i| i.site));
    let mp: Vec<bool> = sites.filter_map(|s| message_passing(prog, s)).collect();
    let declared = prog.meta.taxonomy.map(|t| t.cause == Cause::MessagePassing);
    let message = match bug.kind {
        BugKind::Race => false,
        BugKind::ContextLeak => true,
        _ if mp.is_empty() => declared.unwrap_or(false),
        _ => mp.iter().any(|&m| m),
    };
    TaxonomyView {
        behavior: if blocking { "blocking" } else { "non-blocking" }.into(),
        cause: if message {
            "message-passing"
        } else {
            "shared-memory"
        }
        .into(),
    }
}

/// Context for filling one bug's view.
struct Filler<'a> {
    loc: &'a Locator<'a>,
    trace: &'a Trace,
    bug: &'a Bug,
    lanes: BTreeMap<GoroutineId, usize>,
}

impl Filler<'_> {
    fn name(&self, g: &GoroutineId) -> String {
        self.trace.name(g)
    }

    fn obj(&self, id: ObjId) -> String {
        if id.0 == u32::MAX {
            return "an object".into();
        }
        let info = self.trace.objects.info(id);
        match &info.name {
            Some(n) => format!("{} `{n}`", info.kind),
            None => match info.created {
                Some(site) => {
                    let l = self.loc.site(site, None);
                    format!("the {} made at {}:{}", info.kind, l.line, l.col)
                }
                None => format!("a {}", info.kind),
            },
        }
    }

    fn at(&self, site: Site) -> String {
        let l = self.loc.site(site, None);
        format!("{}:{}", l.line, l.col)
    }

    fn steps(&self) -> Vec<StepView> {
        let relevant = self.relevance();
        let mut last_touch: BTreeMap<ObjId, usize> = BTreeMap::new();
        let mut first_step: BTreeSet<GoroutineId> = BTreeSet::new();
        let mut spawner: BTreeMap<GoroutineId, usize> = BTreeMap::new();
        let mut out = Vec::new();
        for (i, s) in self.trace.steps.iter().enumerate() {
            let alt = match s.transition {
                Transition::Step { alt, .. } => Some(alt),
                Transition::Rendezvous { send_arm, .. } => Some(send_arm),
                Transition::Fire { .. } => None,
            };
            let (lane, goroutine, at) = match &s.actor {
                Some(a) => (
                    self.lanes.get(&a.goroutine).copied(),
                    self.name(&a.goroutine),
                    Some(self.loc.site(a.site, alt)),
                ),
                None => {
                    let made = s
                        .fired
                        .and_then(|f| self.trace.objects.info(f).created)
                        .map(|site| self.loc.site(site, None));
                    (None, "timer".to_string(), made)
                }
            };
            let partner = s.partner.as_ref().map(|p| {
                let recv_arm = match s.transition {
                    Transition::Rendezvous { recv_arm, .. } => Some(recv_arm),
                    _ => None,
                };
                let l = self.loc.site(p.site, recv_arm);
                PartnerView {
                    lane: self.lanes.get(&p.goroutine).copied().unwrap_or(0),
                    goroutine: self.name(&p.goroutine),
                    op: l.text,
                    action: match p.alt {
                        crate::counterexample::token::Alt::Case(n) => format!("select: case {n}"),
                        _ => "receive".into(),
                    },
                    line: l.line,
                    col: l.col,
                }
            });
            // Happens-before edges besides program order.
            let mut after = BTreeSet::new();
            let movers: Vec<&GoroutineId> = s.movers().map(|a| &a.goroutine).collect();
            for m in &movers {
                if first_step.insert((*m).clone()) {
                    if let Some(&j) = spawner.get(*m) {
                        after.insert(j + 1);
                    }
                }
            }
            for &(o, a) in &s.touches {
                if matches!(a, Access::Sync | Access::Atomic) {
                    if let Some(&j) = last_touch.get(&o) {
                        let prev = &self.trace.steps[j];
                        if !prev.movers().any(|p| movers.contains(&&p.goroutine)) {
                            after.insert(j + 1);
                        }
                    }
                    last_touch.insert(o, i);
                }
            }
            if let Some(c) = &s.spawned {
                spawner.insert(c.clone(), i);
            }
            let failing = s.failure.is_some()
                || (self.bug.kind == BugKind::ContextLeak
                    && s.events
                        .iter()
                        .any(|Event::ContextLeak { site }| *site == self.bug.site));
            let at = at.unwrap_or(Location {
                line: 0,
                col: 0,
                text: String::new(),
            });
            out.push(StepView {
                index: i + 1,
                item: s.item.to_string(),
                lane,
                goroutine,
                op: at.text,
                action: s.action.clone(),
                line: at.line,
                col: at.col,
                partner,
                switch: match s.switch {
                    Switch::None => "none",
                    Switch::Switch => "switch",
                    Switch::Preemption => "preemption",
                }
                .into(),
                relevant: relevant[i],
                failing,
                after: after.into_iter().collect(),
            });
        }
        out
    }

    /// Which steps the bug depends on: the backward closure, from the bug's
    /// own operations, of program order, spawns and conflicting accesses to
    /// one object.
    fn relevance(&self) -> Vec<bool> {
        let prog = self.loc.prog;
        let steps = &self.trace.steps;
        let mut goroutines: BTreeSet<GoroutineId> = BTreeSet::new();
        let mut objects: BTreeMap<ObjId, BTreeSet<bool>> = BTreeMap::new();
        let add_touches = |objects: &mut BTreeMap<ObjId, BTreeSet<bool>>, t: &[(ObjId, Access)]| {
            for &(o, a) in t {
                objects.entry(o).or_default().insert(a == Access::Read);
            }
        };
        // Sinks: the pending operations of the involved goroutines.
        let last = &self.trace.last;
        for inv in &self.bug.involved {
            if let Some(p) = last.position(&inv.goroutine) {
                goroutines.insert(inv.goroutine.clone());
                let fp = semantics::footprint(
                    prog,
                    last,
                    &Transition::Step {
                        g: p as u32,
                        alt: 0,
                    },
                );
                let t: Vec<(ObjId, Access)> = fp
                    .objects
                    .iter()
                    .map(|&(r, a)| (self.trace.objects.id(r), a))
                    .collect();
                add_touches(&mut objects, &t);
            }
        }
        let mut relevant = vec![false; steps.len()];
        for i in (0..steps.len()).rev() {
            let s = &steps[i];
            let sink = s.failure.is_some()
                || (!s.events.is_empty() && self.bug.kind == BugKind::ContextLeak)
                || s.actor.as_ref().is_some_and(|a| {
                    self.bug.kind == BugKind::ContextLeak && a.site == self.bug.site
                });
            let by_goroutine = s.movers().any(|a| goroutines.contains(&a.goroutine));
            let by_spawn = s.spawned.as_ref().is_some_and(|c| goroutines.contains(c));
            let by_object = s.touches.iter().any(|&(o, a)| {
                objects
                    .get(&o)
                    .is_some_and(|reads| !(a == Access::Read && reads.iter().all(|&r| r)))
            });
            if sink || by_goroutine || by_spawn || by_object {
                relevant[i] = true;
                goroutines.extend(s.movers().map(|a| a.goroutine.clone()));
                add_touches(&mut objects, &s.touches);
            }
        }
        relevant
    }

    fn pending(&self) -> Vec<PendingView> {
        let role = match self.bug.kind {
            BugKind::Race => "races",
            BugKind::Deadlock | BugKind::Leak => "blocked",
            _ => return Vec::new(),
        };
        self.bug
            .involved
            .iter()
            .filter_map(|inv| {
                let p = self.trace.last.position(&inv.goroutine)?;
                let g = &self.trace.last.goroutines[p];
                let l = self.loc.site(g.site(), None);
                Some(PendingView {
                    lane: self.lanes.get(&inv.goroutine).copied().unwrap_or(0),
                    goroutine: self.name(&inv.goroutine),
                    op: l.text,
                    role: role.into(),
                    line: l.line,
                    col: l.col,
                })
            })
            .collect()
    }

    fn nobody(verb: &str) -> &'static str {
        match verb {
            "waits to send on" => "nobody left can receive from it",
            "waits to receive from" => "nobody left can send on it, close it or cancel it",
            "waits in a select on" => "nobody left can complete any of its cases",
            "waits for" => "nobody left can call Done on it",
            "waits for a signal on" => "nobody left can signal it",
            "waits to enter once.Do of" => "nobody left can finish it",
            _ => "nobody left can unlock it",
        }
    }

    fn wait_view(&self, w: &waitfor::Wait, wf: &WaitFor) -> WaitView {
        let objects: Vec<String> = w.objects.iter().map(|&o| self.obj(o)).collect();
        let target = if objects.is_empty() {
            "a nil channel".to_string()
        } else {
            objects.join(", ")
        };
        let blocked_forever = |g: &GoroutineId| {
            wf.goroutines
                .iter()
                .any(|s| s.goroutine == *g && s.status == Status::Blocked)
        };
        let mut why = format!("{} {target}", w.verb);
        if !w.holders.is_empty() {
            let names: Vec<String> = w.holders.iter().map(|h| self.name(h)).collect();
            why.push_str(&format!(", held by {}", names.join(" and ")));
        } else if !w.could.is_empty() {
            let parts: Vec<String> = w
                .could
                .iter()
                .map(|c| {
                    let state = if blocked_forever(&c.goroutine) {
                        " but is blocked itself"
                    } else {
                        ""
                    };
                    format!(
                        "{}{} could {} it at {}{state}",
                        self.name(&c.goroutine),
                        if c.via_spawn {
                            " (in a goroutine it would start)"
                        } else {
                            ""
                        },
                        c.what,
                        self.at(c.site)
                    )
                })
                .collect();
            why.push_str(&format!("; {}", parts.join("; ")));
        } else if w.note.is_none() || w.verb == "waits for" {
            why.push_str(&format!(": {}", Self::nobody(w.verb)));
        }
        if let Some(n) = &w.note {
            why.push_str(&format!(" ({n})"));
        }
        WaitView {
            verb: w.verb.into(),
            objects,
            held_by: w.holders.iter().map(|h| self.name(h)).collect(),
            could_release: w
                .could
                .iter()
                .map(|c| ReleaseView {
                    goroutine: self.name(&c.goroutine),
                    what: c.what.into(),
                    object: self.obj(c.object),
                    at: self.loc.site(c.site, None),
                    via_spawn: c.via_spawn,
                })
                .collect(),
            note: w.note.clone(),
            why,
        }
    }

    fn goroutines(&self, wf: &WaitFor) -> Vec<GoroutineView> {
        let mut names: Vec<(&GoroutineId, &replay::GoroutineName)> =
            self.trace.names.iter().collect();
        names.sort_by_key(|(_, n)| n.number);
        names
            .into_iter()
            .map(|(id, n)| {
                let live = wf.goroutines.iter().find(|g| g.goroutine == *id);
                let crashed = self
                    .trace
                    .failure
                    .as_ref()
                    .is_some_and(|f| f.goroutine == *id);
                let (status, at, waiting) = match live {
                    Some(g) => (
                        if crashed {
                            "crashed"
                        } else {
                            match g.status {
                                Status::Blocked => "blocked",
                                Status::Runnable => "runnable",
                                Status::Spinning => "spinning",
                            }
                        },
                        Some(self.loc.site(g.site, None)),
                        g.wait.as_ref().map(|w| self.wait_view(w, wf)),
                    ),
                    None if id.is_main() => ("returned", None, None),
                    None => ("exited", None, None),
                };
                GoroutineView {
                    goroutine: n.display.clone(),
                    number: n.number,
                    status: status.into(),
                    at,
                    waiting,
                }
            })
            .collect()
    }

    fn wait_for(&self, wf: &WaitFor, views: &[GoroutineView]) -> WaitForView {
        let edges = wf
            .edges
            .iter()
            .map(|e| {
                let from = self.name(&e.from);
                let to = self.name(&e.to);
                let verb = views
                    .iter()
                    .find(|v| v.goroutine == from)
                    .and_then(|v| v.waiting.as_ref())
                    .map_or("waits for".to_string(), |w| w.verb.clone());
                let object = self.obj(e.object);
                let (relation, label) = match &e.relation {
                    Relation::HeldBy => {
                        ("held-by", format!("{from} {verb} {object}, held by {to}"))
                    }
                    Relation::CouldRelease { site, what } => (
                        "could-release",
                        format!(
                            "{from} {verb} {object}, which {to} could {what} at {}",
                            self.at(*site)
                        ),
                    ),
                };
                WaitEdgeView {
                    from,
                    to,
                    object,
                    relation: relation.into(),
                    label,
                }
            })
            .collect();
        WaitForView {
            edges,
            cycle: wf.cycle.clone(),
        }
    }

    fn explanation(&self, views: &[GoroutineView], pending: &[PendingView]) -> Vec<String> {
        let mut out = Vec::new();
        let waiting = |name: &str| {
            views
                .iter()
                .find(|v| v.goroutine == name)
                .and_then(|v| v.waiting.as_ref())
                .map(|w| w.why.clone())
        };
        let main_gone = views
            .iter()
            .any(|v| v.number == 0 && v.status == "returned");
        match self.bug.kind {
            BugKind::Deadlock => {
                out.push(
                    "every goroutine is blocked and main has not returned, so Go's runtime stops the program"
                        .into(),
                );
                let _ = pending;
            }
            BugKind::Leak => {
                if let Some(first) = self.bug.involved.first() {
                    let name = self.name(&first.goroutine);
                    let stuck = if waiting(&name).is_some() {
                        "is blocked"
                    } else {
                        "cannot move"
                    };
                    out.push(format!(
                        "{name} {stuck} and can never move again, whatever the other goroutines do"
                    ));
                    if main_gone {
                        out.push("main has returned; in a long-running program the blocked goroutine and everything it references are never freed".into());
                    }
                }
            }
            BugKind::Race => {
                let last = &self.trace.last;
                let access = |g: &GoroutineId| {
                    let p = last.position(g)?;
                    let a = semantics::footprint::memory_access(
                        self.loc.prog,
                        last,
                        &last.goroutines[p],
                    )?;
                    let verb = match (a.atomic, a.write) {
                        (true, _) => "accesses atomically",
                        (false, true) => "writes",
                        (false, false) => "reads",
                    };
                    Some((verb, self.obj(self.trace.objects.id(a.object))))
                };
                if let ([a, b], [ia, ib]) = (pending, self.bug.involved.as_slice()) {
                    if let (Some((va, obj)), Some((vb, _))) =
                        (access(&ia.goroutine), access(&ib.goroutine))
                    {
                        out.push(format!(
                            "{} {va} {obj} at {}:{} and {} {vb} it at {}:{}, and nothing orders the two (no happens-before edge): the schedule ends with both about to happen",
                            a.goroutine, a.line, a.col, b.goroutine, b.line, b.col
                        ));
                    }
                }
            }
            BugKind::Panic | BugKind::Assert => {
                if let Some(f) = &self.trace.failure {
                    let l = self.loc.site(f.site, None);
                    out.push(format!(
                        "{} fails at {}:{} and the program crashes: {}",
                        self.name(&f.goroutine),
                        l.line,
                        l.col,
                        f.message
                    ));
                }
            }
            BugKind::ContextLeak => {
                let l = self.loc.site(self.bug.site, None);
                let gc = self.trace.steps.iter().position(|s| {
                    s.events
                        .iter()
                        .any(|Event::ContextLeak { site }| *site == self.bug.site)
                });
                out.push(match gc {
                    Some(i) => format!(
                        "after step {}, nothing can reach the cancel function of the context made at {}:{}: it can never be called",
                        i + 1,
                        l.line,
                        l.col
                    ),
                    None => format!(
                        "the cancel function of the context made at {}:{} is never called on any continuation of this schedule",
                        l.line, l.col
                    ),
                });
            }
        }
        out
    }
}

fn minimality(trace: &Trace, search: Option<Search>) -> MinimalityView {
    let (switches, preemptions) = trace.switches();
    let steps = trace.steps.len();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let counts = format!(
        "{}, {}, {}",
        plural(preemptions, "preemption"),
        plural(switches, "context switch").replace("switchs", "switches"),
        plural(steps, "step")
    );
    let (search, note) = match search {
        Some(Search::Minimal) => (
            "minimal",
            format!("minimal: {counts} (fewest preemptions, then fewest steps, of all schedules reaching this bug)"),
        ),
        Some(Search::Cut { explored: 0 }) => (
            "shortest",
            format!("shortest: {counts} (the breadth-first schedule; the search for fewest preemptions is off)"),
        ),
        Some(Search::Cut { explored }) => (
            "shortest",
            format!("shortest: {counts} (the breadth-first schedule: the search for fewest preemptions stopped at its cap, after {explored} states)"),
        ),
        Some(Search::NotFound) => ("shortest", format!("shortest: {counts}")),
        None => ("replayed", format!("replayed: {counts}")),
    };
    MinimalityView {
        search: search.into(),
        steps,
        context_switches: switches,
        preemptions,
        note,
    }
}

/// The view of one bug shown with `trace` (its counterexample, replayed);
/// `search` says how the schedule was chosen (`None`: given by the user).
pub fn bug_view_of(
    loc: &Locator,
    display_path: &str,
    bug: &Bug,
    trace: &Trace,
    search: Option<Search>,
    opts: &Options,
) -> BugView {
    let mut order: Vec<(&GoroutineId, u32)> =
        trace.names.iter().map(|(g, n)| (g, n.number)).collect();
    order.sort_by_key(|(_, n)| *n);
    let lanes: BTreeMap<GoroutineId, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (g, _))| ((*g).clone(), i))
        .collect();
    let f = Filler {
        loc,
        trace,
        bug,
        lanes,
    };
    let wf = waitfor::analyse(loc.prog, trace);
    let goroutines = f.goroutines(&wf);
    let pending = f.pending();
    let token = trace.token();
    let mut related: Vec<Location> = Vec::new();
    for i in bug.involved.iter().filter(|i| i.site != bug.site) {
        let l = loc.site(i.site, None);
        if !related.contains(&l) {
            related.push(l);
        }
    }
    BugView {
        kind: bug.kind.as_str().to_string(),
        title: title(bug, trace),
        taxonomy: taxonomy(loc.prog, bug),
        message: bug.message.clone(),
        goroutine: bug.involved.first().map(|i| trace.name(&i.goroutine)),
        location: loc.site(bug.site, None),
        related,
        reproduce: reproduce(display_path, &token, opts),
        schedule: token,
        minimality: minimality(trace, search),
        lanes: order
            .iter()
            .map(|(g, n)| LaneView {
                goroutine: trace.name(g),
                number: *n,
                function: trace
                    .names
                    .get(*g)
                    .map_or_else(String::new, |x| x.func.clone()),
                started_by: trace
                    .steps
                    .iter()
                    .position(|s| s.spawned.as_ref() == Some(*g))
                    .map(|i| i + 1),
            })
            .collect(),
        steps: f.steps(),
        explanation: f.explanation(&goroutines, &pending),
        wait_for: f.wait_for(&wf, &goroutines),
        pending,
        goroutines,
    }
}

/// The view of one bug of a check: finds its minimal counterexample and
/// replays it.
pub fn bug_view(loc: &Locator, display_path: &str, bug: &Bug, opts: &Options) -> BugView {
    let chosen = minimal::minimal_schedule(loc.prog, bug, opts.minimal_cap);
    let (trace, search) = match replay::replay_path(loc.prog, &chosen.path) {
        Ok(t) => (t, chosen.search),
        Err(_) => match replay::replay_path(loc.prog, &bug.path) {
            Ok(t) => (t, Search::NotFound),
            Err(e) => panic!("internal weft bug: a counterexample does not replay: {e}"),
        },
    };
    // The schedule shown may reach the same bug (same kind and code
    // location) in other goroutines than the checker's first path did (two
    // goroutines running the same function): name the ones this run shows,
    // as `weft replay` of the token will.
    let shown = rebase(loc.prog, bug, &trace);
    bug_view_of(
        loc,
        display_path,
        shown.as_ref().unwrap_or(bug),
        &trace,
        Some(search),
        opts,
    )
}

/// `bug` as the run of `trace` shows it (its goroutines), if that run shows it.
fn rebase(prog: &Program, bug: &Bug, trace: &Trace) -> Option<Bug> {
    let results: Vec<_> = trace
        .steps
        .iter()
        .map(|s| (s.events.clone(), s.failure.clone()))
        .collect();
    let key = crate::counterexample::verdict::key_of(bug);
    let reached = crate::counterexample::verdict::reached(
        prog,
        &trace.path,
        &results,
        &trace.last,
        REPLAY_BUDGET,
    );
    reached
        .bugs
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, b)| b)
}

fn taxonomy_of_scenario(prog: &Program) -> Option<TaxonomyView> {
    prog.meta.taxonomy.map(|t| TaxonomyView {
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
    })
}

/// The report of one checked scenario.
pub fn scenario_report(
    loc: &Locator,
    display_path: &str,
    outcome: &Outcome,
    opts: &Options,
) -> ScenarioReport {
    let meta = &loc.prog.meta;
    ScenarioReport {
        schema_version: SCHEMA_VERSION,
        file: display_path.to_string(),
        scenario: meta.name.clone(),
        summary: meta.summary.clone(),
        origin: meta.origin.clone(),
        taxonomy: taxonomy_of_scenario(loc.prog),
        params: meta.params.iter().cloned().collect::<BTreeMap<_, _>>(),
        expect: meta.expect.iter().map(|k| k.as_str().to_string()).collect(),
        complete: outcome.complete,
        bound: outcome.bound.map(|b| b.to_string()),
        expected_met: expected_met(&meta.expect, outcome),
        bugs: outcome
            .bugs
            .iter()
            .map(|b| bug_view(loc, display_path, b, opts))
            .collect(),
        stats: StatsView {
            states: outcome.stats.states,
            transitions: outcome.stats.transitions,
            seconds: outcome.stats.seconds,
            max_depth: outcome.stats.max_depth,
            bytes_per_state: outcome.stats.bytes_per_state,
            reduction: outcome.stats.reduction.as_str().to_string(),
            distinct_states: outcome.stats.distinct_states,
            complete_runs: outcome.stats.complete_runs,
        },
    }
}

/// The state budget for deciding, at the end of a replay, whether a
/// goroutine is blocked forever.
pub const REPLAY_BUDGET: usize = 1_000_000;

/// The report of a replayed schedule: the bugs its run shows.
pub fn replay_report(
    loc: &Locator,
    display_path: &str,
    trace: &Trace,
    opts: &Options,
) -> ReplayReport {
    let results: Vec<_> = trace
        .steps
        .iter()
        .map(|s| (s.events.clone(), s.failure.clone()))
        .collect();
    let reached = crate::counterexample::verdict::reached(
        loc.prog,
        &trace.path,
        &results,
        &trace.last,
        REPLAY_BUDGET,
    );
    ReplayReport {
        schema_version: SCHEMA_VERSION,
        file: display_path.to_string(),
        scenario: loc.prog.meta.name.clone(),
        schedule: trace.token(),
        steps: trace.steps.len(),
        bugs: reached
            .bugs
            .values()
            .map(|b| bug_view_of(loc, display_path, b, trace, None, opts))
            .collect(),
        complete: reached.complete,
    }
}
