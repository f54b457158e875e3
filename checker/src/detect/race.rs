//! Data races, decided on the explored states.
//!
//! Under interleaving (sequentially consistent) semantics, two conflicting
//! accesses are unordered by happens-before in some run exactly when, in
//! some reachable state, both are the next operation of their goroutines:
//! the first racing pair of a run can always be scheduled back to back.
//! This needs nothing outside the state, so it is exact under state caching,
//! unlike vector clocks, which differ between paths that reach one state.
//! It misses a race ordered only by an observation without a happens-before
//! edge (such as polling `len(ch)`): a program that has such an operation
//! keeps happens-before knowledge in its states (`semantics::happens`), and
//! an access its goroutine makes without knowing of an earlier conflicting
//! one (on memory, a send against a close, or a WaitGroup's semaphore) is
//! a race too, with the earlier access in the schedule's past
//! (checker/README.md).

use std::collections::BTreeMap;

use weft_models::ir::{Op, Program};
use weft_models::syntax::BugKind;

use super::{record, Bug, BugKey, Finding, Involved};
use crate::semantics::eval::eval;
use crate::semantics::footprint::{memory_accesses, plain_accesses, sends_and_closes};
use crate::semantics::waits::Release;
use crate::semantics::{happens, waitgroup, wake, Transition};
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// Which kinds of race a program's code can make at all, read once from
/// its instructions: a state's check skips the kinds it cannot (a program
/// whose shared variables are all accessed atomically never races on
/// memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Races {
    /// Some operand is a plain read or write, or a `len` that may read a
    /// map (the accesses two of which may race).
    memory: bool,
    /// The program has a WaitGroup `Add` that may raise the counter and a
    /// `Wait` that may be a WaitGroup's, not both only in main's body.
    waitgroup: bool,
    /// The program closes channels and sends on channels (a send may race
    /// with the close).
    channel: bool,
}

impl Races {
    /// The races `prog`'s instructions can make.
    pub fn possible(prog: &Program) -> Races {
        Races {
            memory: plain_accesses(prog),
            waitgroup: waitgroup::may_race(prog),
            channel: sends_and_closes(prog),
        }
    }

    /// True when the program can make no race at all.
    pub fn none(&self) -> bool {
        !(self.memory || self.waitgroup || self.channel)
    }
}

/// Records every race whose two accesses are both enabled in `state`
/// (of the kinds `races` says the program can make).
pub fn detect(
    prog: &Program,
    races: Races,
    state: &State,
    path: impl Fn() -> Vec<Transition>,
    bugs: &mut BTreeMap<BugKey, Bug>,
) {
    if races.memory {
        memory_races(prog, state, &path, bugs);
    }
    if races.channel {
        close_races(prog, state, &path, bugs);
    }
    if races.waitgroup {
        waitgroup_races(prog, state, &path, bugs);
    }
}

/// Records every race on a WaitGroup. Go's race detector reads a
/// WaitGroup's semaphore at an `Add` that raises the counter from zero and
/// writes it when a `Wait` registers as the first waiter: an `Add` from
/// zero about to happen beside a `Wait` on the WaitGroup races (if the
/// `Add` runs first, the `Wait` blocks and registers), and, where the
/// states keep happens-before knowledge, so does an access of the
/// semaphore about to happen that its goroutine makes without knowing of
/// an earlier conflicting one.
fn waitgroup_races(
    prog: &Program,
    state: &State,
    path: &impl Fn() -> Vec<Transition>,
    bugs: &mut BTreeMap<BugKey, Bug>,
) {
    let live = || state.goroutines.iter().filter(|g| !g.spinning);
    for g1 in live() {
        let Some(w) = waitgroup::pending_add_from_zero(prog, state, g1) else {
            continue;
        };
        for g2 in live() {
            if g2.id != g1.id && waitgroup::pending_wait(prog, state, g2) == Some(w) {
                record(bugs, waitgroup_race(standing(g1), standing(g2), true), path);
            }
        }
    }
    let Some(known) = happens::of(prog, state) else {
        return;
    };
    for g in live() {
        let Some((w, registers)) = waitgroup::semaphore_access(prog, state, g) else {
            continue;
        };
        for past in known.races(&g.id, w, registers, false) {
            let earlier = Involved {
                goroutine: past.earlier.by.clone().unwrap_or_else(|| g.id.clone()),
                site: past.earlier.site,
            };
            let finding = match (registers, past.earlier_wrote) {
                (false, _) => waitgroup_race(standing(g), earlier, true),
                (true, false) => waitgroup_race(earlier, standing(g), true),
                (true, true) => waitgroup_race(earlier, standing(g), false),
            };
            record(bugs, finding, path);
        }
    }
}

/// Go's words for an `Add` from zero unordered with a `Wait`'s
/// registration.
pub(crate) const ADD_FROM_ZERO_RACE: &str =
    "data race: WaitGroup.Add from zero concurrent with Wait (Add must happen before Wait)";

/// Go's words for two first waiters' registrations, unordered.
pub(crate) const TWO_FIRST_WAITERS_RACE: &str =
    "data race: two Waits on a WaitGroup, each registering as its first waiter, unordered (a Wait must return before the WaitGroup is reused)";

/// The finding of a race on a WaitGroup's semaphore between `a` and `b`:
/// an `Add` from zero (`a`, when `adds`) and a `Wait`, at the `Add`, or
/// two `Wait`s, at the first in program order; however it was found.
fn waitgroup_race(a: Involved, b: Involved, adds: bool) -> Finding {
    let (first, second) = if !adds && b.site < a.site {
        (b, a)
    } else {
        (a, b)
    };
    let mut sites = vec![first.site, second.site];
    sites.sort();
    let message = if adds {
        ADD_FROM_ZERO_RACE
    } else {
        TWO_FIRST_WAITERS_RACE
    };
    Finding {
        key: BugKey {
            kind: BugKind::Race,
            sites,
        },
        message: message.to_string(),
        site: first.site,
        involved: vec![first, second],
    }
}

/// Records every pair of enabled conflicting memory accesses, not both
/// atomic.
fn memory_races(
    prog: &Program,
    state: &State,
    path: &impl Fn() -> Vec<Transition>,
    bugs: &mut BTreeMap<BugKey, Bug>,
) {
    let live = || state.goroutines.iter().filter(|g| !g.spinning);
    let accesses: Vec<_> = live()
        .flat_map(|g| {
            memory_accesses(prog, state, g)
                .into_iter()
                .map(move |a| (g, a))
        })
        .collect();
    for (i, (g1, a1)) in accesses.iter().enumerate() {
        for (g2, a2) in &accesses[i + 1..] {
            if g1.id == g2.id
                || a1.object != a2.object
                || !(a1.write || a2.write)
                || (a1.atomic && a2.atomic)
            {
                continue;
            }
            let is_map = matches!(state.object(a1.object), Object::Map(_));
            let message = race_message(is_map, a1.write && a2.write, a1.atomic || a2.atomic);
            record(bugs, memory_race(message, standing(g1), standing(g2)), path);
        }
    }
    // An access its goroutine makes without knowing of an earlier
    // conflicting one, in a program whose states keep that knowledge.
    let Some(known) = happens::of(prog, state) else {
        return;
    };
    for (g, a) in &accesses {
        for past in known.races(&g.id, a.object, a.write, a.atomic) {
            let is_map = matches!(state.object(a.object), Object::Map(_));
            let message = race_message(
                is_map,
                a.write && past.earlier_wrote,
                a.atomic || past.earlier.atomic,
            );
            // The earlier goroutine (the later one when that one has
            // ended) stands elsewhere now: the report finds its access in
            // the schedule.
            let later = standing(g);
            let earlier = Involved {
                goroutine: past.earlier.by.clone().unwrap_or_else(|| g.id.clone()),
                site: past.earlier.site,
            };
            record(bugs, memory_race(message, later, earlier), path);
        }
    }
}

/// The finding of a race between two memory accesses: its location is the
/// first of the two sites in program order, whichever way the race was
/// found (two accesses about to happen, or one in the past), so that every
/// search reports a race at the same place; that access's goroutine comes
/// first.
fn memory_race(message: &str, a: Involved, b: Involved) -> Finding {
    let (first, second) = if b.site < a.site { (b, a) } else { (a, b) };
    Finding {
        key: BugKey {
            kind: BugKind::Race,
            sites: vec![first.site, second.site],
        },
        message: message.to_string(),
        site: first.site,
        involved: vec![first, second],
    }
}

/// Go's words for a race on a variable or map: two writes or a read and a
/// write, one of them atomic or none.
fn race_message(is_map: bool, both_write: bool, an_atomic: bool) -> &'static str {
    match (is_map, both_write) {
        (true, true) => "concurrent map writes (fatal error: concurrent map writes)",
        (true, false) => {
            "concurrent map read and map write (fatal error: concurrent map read and map write)"
        }
        (false, _) if an_atomic => "data race: an atomic and a plain access to the same variable",
        (false, true) => "data race: two concurrent writes to the same variable",
        (false, false) => "data race: a concurrent read and write of the same variable",
    }
}

/// The channels goroutine `g` is about to send on, blocked or not: what
/// its operation would release as a send ([`wake::releases`] names every
/// channel a send or a select's send case is on).
pub(crate) fn pending_sends(prog: &Program, state: &State, g: &Goroutine) -> Vec<ObjRef> {
    let site = g.site();
    let locals = &g.top().locals;
    let mut out = Vec::new();
    wake::releases(
        &prog.instr(site.func, site.pc).op,
        &mut |e| eval(state, locals, e).ok(),
        &mut |r, c| {
            if r == Release::Send {
                out.push(c)
            }
        },
    );
    out
}

/// The open channel goroutine `g` is about to close.
pub(crate) fn pending_close(prog: &Program, state: &State, g: &Goroutine) -> Option<ObjRef> {
    let site = g.site();
    let Op::Close { chan } = &prog.instr(site.func, site.pc).op else {
        return None;
    };
    let c = eval(state, &g.top().locals, chan)
        .ok()
        .and_then(Value::object)?;
    matches!(state.object(c), Object::Chan(st) if !st.closed).then_some(c)
}

/// Records every send about to happen (or waiting) on a channel another
/// goroutine is about to close. Go's race detector reads a channel's
/// closed state at each send (`chansend`; each send case a `select`
/// examines, and a blocking one examines them all) and writes it at
/// `close`: a send and a close not ordered by happens-before are a data
/// race, whichever runs first (if the close does, the send panics too).
/// A blocked send took its read when it blocked and has not moved since,
/// so it counts like an enabled one.
fn close_races(
    prog: &Program,
    state: &State,
    path: &impl Fn() -> Vec<Transition>,
    bugs: &mut BTreeMap<BugKey, Bug>,
) {
    let live = || state.goroutines.iter().filter(|g| !g.spinning);
    let known = happens::of(prog, state);
    for closer in live() {
        let Some(c) = pending_close(prog, state, closer) else {
            continue;
        };
        // Sends made earlier that the closer does not know of.
        for past in known
            .map(|k| k.races(&closer.id, c, true, false))
            .unwrap_or_default()
        {
            record(
                bugs,
                close_race(
                    Involved {
                        goroutine: past.earlier.by.unwrap_or_else(|| closer.id.clone()),
                        site: past.earlier.site,
                    },
                    standing(closer),
                ),
                path,
            );
        }
        for sender in live() {
            if sender.id != closer.id && pending_sends(prog, state, sender).contains(&c) {
                record(bugs, close_race(standing(sender), standing(closer)), path);
            }
        }
    }
    // Sends about to happen (or waiting) on a channel closed earlier by a
    // goroutine they do not know of.
    let Some(known) = known else {
        return;
    };
    for sender in live() {
        for c in pending_sends(prog, state, sender) {
            for past in known.races(&sender.id, c, false, false) {
                record(
                    bugs,
                    close_race(
                        standing(sender),
                        Involved {
                            goroutine: past.earlier.by.unwrap_or_else(|| sender.id.clone()),
                            site: past.earlier.site,
                        },
                    ),
                    path,
                );
            }
        }
    }
}

/// Goroutine `g` at the operation it is about to make.
fn standing(g: &Goroutine) -> Involved {
    Involved {
        goroutine: g.id.clone(),
        site: g.site(),
    }
}

/// The finding of a send and a close unordered by happens-before, the
/// send's side first, at the send, however it was found.
fn close_race(sender: Involved, closer: Involved) -> Finding {
    let mut sites = vec![sender.site, closer.site];
    sites.sort();
    Finding {
        key: BugKey {
            kind: BugKind::Race,
            sites,
        },
        message: "data race: a send on a channel concurrent with its close".to_string(),
        site: sender.site,
        involved: vec![sender, closer],
    }
}

#[cfg(test)]
mod tests {
    use weft_models::span::SourceFile;

    use super::*;

    fn races_of(globals: &str, main: &str) -> Races {
        let text = format!("Scenario(name: \"r\", globals: [{globals}], main: [{main}])");
        let prog = weft_models::compile(&SourceFile::new("r.ron".to_string(), text), &[])
            .expect("the scenario compiles");
        Races::possible(&prog)
    }

    #[test]
    fn only_the_kinds_of_race_a_program_can_make_are_looked_for() {
        let atomic = races_of(
            r#"Var("x", 0)"#,
            r#"Go(body: [AtomicStore("x", "1")]), AtomicLoad("x", "r")"#,
        );
        assert_eq!(
            atomic,
            Races {
                memory: false,
                waitgroup: false,
                channel: false,
            }
        );
        let plain = races_of(
            r#"Var("x", 0)"#,
            r#"Go(body: [Set("x", "1")]), AtomicLoad("x", "r")"#,
        );
        assert!(plain.memory && !plain.waitgroup);
        let waits = races_of(
            r#"WaitGroup("wg")"#,
            r#"Go(body: [Add("wg", 1), Done("wg")]), Wait("wg")"#,
        );
        assert!(!waits.memory && waits.waitgroup);
        // Every `Add` that may raise the counter and every `Wait` in main's
        // body: program order, never a race (a `Done` elsewhere lowers it).
        let in_main = races_of(
            r#"WaitGroup("wg")"#,
            r#"Add("wg", 1), Go(body: [Done("wg")]), Wait("wg")"#,
        );
        assert!(in_main.none());
        // A Cond's `Wait` is no WaitGroup's.
        let cond = races_of(
            r#"Mutex("mu"), Cond("c", "mu"), WaitGroup("wg")"#,
            r#"Go(body: [Add("wg", 1), Done("wg")]), Lock("mu"), Wait("c"), Unlock("mu")"#,
        );
        assert!(!cond.waitgroup);
        // So is one of a local Cond (the checked scenario knows its type;
        // a parameter's too).
        let local = races_of(
            r#"WaitGroup("wg")"#,
            r#"Mutex("mu"), Cond("c", "mu"),
               Go(body: [Add("wg", 1), Done("wg")]),
               Go(body: [Lock("mu"), Wait("c"), Unlock("mu")])"#,
        );
        assert!(!local.waitgroup);
        // `Add` without any `Wait` cannot race on the WaitGroup.
        let no_wait = races_of(r#"WaitGroup("wg")"#, r#"Add("wg", 1), Done("wg")"#);
        assert!(!no_wait.waitgroup);
        // A send races only with a close: without one, channels are not looked at.
        let sends = races_of(
            r#"Chan("c", 1)"#,
            r#"Go(body: [Send("c", 1)]), Recv(chan: "c")"#,
        );
        assert!(!sends.channel && !sends.memory);
        let closes = races_of(r#"Chan("c", 1)"#, r#"Go(body: [Send("c", 1)]), Close("c")"#);
        assert!(closes.channel);
        // A close with no send anywhere (a select's send case counts).
        let no_send = races_of(
            r#"Chan("c", 1)"#,
            r#"Go(body: [Recv(chan: "c")]), Close("c")"#,
        );
        assert!(no_send.none());
        let select_send = races_of(
            r#"Chan("c", 1)"#,
            r#"Go(body: [Select([Send(chan: "c", value: 1), Default([])])]), Close("c")"#,
        );
        assert!(select_send.channel);
    }
}
