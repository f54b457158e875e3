//! The sentences of reports. The checker decides what happened and hands
//! typed values over; every English phrase a view carries (titles, the
//! minimality claim, why a goroutine waits, wait-for labels, the
//! explanation, the reproduce command) is made here, so the wording of a
//! report is changed in one place.

use crate::view::{
    BugKind, Expectation, FileVerdict, GoroutineStatus, Growing, Location, Release, RunSummary,
    ScenarioReport, Search, Unsynced, UnsyncedView, WaitNote, WaitVerb,
};

/// The goroutine column of a step that is a timer firing.
pub const TIMER: &str = "timer";

/// An object the analysis could not identify.
pub const ANY_OBJECT: &str = "an object";

/// A count and its noun, singular for one: `1 state`, `2 states`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A choice point's alternative in words: `ok = true` for a `Choose`
/// into `local`, `branch 2 of 3` for an `Either`.
pub fn chosen(local: Option<&str>, value: &str, alt: u32, of: usize) -> String {
    match local {
        Some(l) => format!("{l} = {value}"),
        None => format!("branch {alt} of {of}"),
    }
}

/// The locals a step read and wrote, in a few words: `reads x=1, y=2;
/// writes v=3`; empty when there are none.
pub fn locals(locals: &[crate::view::LocalView]) -> String {
    use crate::view::LocalAccess;
    let part = |access: LocalAccess, verb: &str| {
        let items: Vec<String> = locals
            .iter()
            .filter(|l| l.access == access)
            .map(|l| format!("{}={}", l.name, l.value))
            .collect();
        (!items.is_empty()).then(|| format!("{verb} {}", items.join(", ")))
    };
    [
        part(LocalAccess::Read, "reads"),
        part(LocalAccess::Write, "writes"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ")
}

/// A call chain in words: `main → serve → handle 23:9` (the functions,
/// outermost first, then where the innermost stands).
pub fn call_chain(chain: &[crate::view::CallView]) -> String {
    let names: Vec<&str> = chain.iter().map(|c| c.function.as_str()).collect();
    match chain.last() {
        Some(last) => format!("{} {}", names.join(" → "), at(last.line, last.col)),
        None => String::new(),
    }
}

/// A `line:col` position.
pub fn at(line: u32, col: u32) -> String {
    format!("{line}:{col}")
}

/// How a report names an object: ``Mutex `mu` `` when it has a name, `the
/// channel made at 3:5` when it was made by a step, `a timer` otherwise.
/// `kind` is the kind's noun.
pub fn object(kind: &str, name: Option<&str>, made_at: Option<(u32, u32)>) -> String {
    match (name, made_at) {
        (Some(n), _) => format!("{kind} `{n}`"),
        (None, Some((line, col))) => format!("the {kind} made at {line}:{col}"),
        (None, None) => format!("a {kind}"),
    }
}

/// A bug's kind in words.
pub fn title(kind: BugKind, main_blocked: bool, fatal: bool) -> String {
    match kind {
        BugKind::Deadlock => "global deadlock",
        BugKind::Leak if main_blocked => "partial deadlock (main blocked forever)",
        BugKind::Leak => "goroutine leak",
        BugKind::Race => "data race",
        BugKind::Panic if fatal => "fatal error",
        BugKind::Panic => "panic",
        BugKind::Assert => "assertion failure",
        BugKind::ContextLeak => "context leak",
        BugKind::Spin => "spin (endless loop without synchronisation)",
        BugKind::ResourceLeak => "resource leak (timer or ticker never stopped)",
    }
    .into()
}

/// How a counterexample's schedule was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chosen<'a> {
    /// Proven fewest preemptions, then fewest steps.
    Minimal,
    /// The search for fewest preemptions was off: breadth-first.
    SearchOff,
    /// The search stopped at its cap after this many states.
    Cut(usize),
    /// A limit of the check (`--time-limit 5s`, `--max-states 20000`,
    /// `Ctrl-C`, ...) stopped the search after this many states.
    Stopped(usize, &'a str),
    /// The search found nothing: breadth-first.
    NotFound,
    /// Given to `weft replay`.
    Replayed,
}

/// The search word and the claim of a counterexample's schedule.
pub fn minimality(
    chosen: Chosen<'_>,
    preemptions: usize,
    switches: usize,
    steps: usize,
) -> (Search, String) {
    let counts = format!(
        "{}, {}, {}",
        count(preemptions, "preemption", "preemptions"),
        count(switches, "context switch", "context switches"),
        count(steps, "step", "steps")
    );
    match chosen {
        Chosen::Minimal => (
            Search::Minimal,
            format!("minimal: {counts} (fewest preemptions, then fewest steps, of all schedules reaching this bug)"),
        ),
        Chosen::SearchOff => (
            Search::Shortest,
            format!("shortest: {counts} (the breadth-first schedule; the search for fewest preemptions is off)"),
        ),
        Chosen::Cut(explored) => (
            Search::Shortest,
            format!("shortest: {counts} (the breadth-first schedule: the search for fewest preemptions stopped at its cap, after {explored} states)"),
        ),
        Chosen::Stopped(explored, by) => (
            Search::Shortest,
            format!("shortest: {counts} (the breadth-first schedule: the search for fewest preemptions was stopped by {by}, after {explored} states)"),
        ),
        Chosen::NotFound => (Search::Shortest, format!("shortest: {counts}")),
        Chosen::Replayed => (Search::Replayed, format!("replayed: {counts}")),
    }
}

/// weft's own budget of states for the exploration after a replayed run,
/// as a replay names it when it cuts that exploration.
pub fn replay_budget(budget: usize) -> String {
    format!("weft's budget of {budget} states (raise it with --max-states)")
}

/// What a replay says when the exploration after the run was cut by
/// `bound`: nothing claimed about goroutines blocked forever.
pub fn replay_cut(bound: &str) -> String {
    format!(
        "the exploration after the run stopped at {bound}: whether a goroutine is blocked \
         forever (a leak, a pending cancel) is undecided"
    )
}

/// Added to a schedule's note when the exploration after its run, which
/// decides the goroutines the run shows the bug in, was cut: by a limit of
/// the check (`by`), or by its own budget of `budget` states.
pub fn undecided(by: Option<&str>, budget: usize) -> String {
    let limit = by.map_or_else(|| format!("its budget of {budget} states"), str::to_string);
    format!("; the goroutines are named as the search found them: the exploration after this run stopped at {limit}")
}

/// A goroutine that could release a waiter, as [`why`] says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Releaser<'a> {
    /// Its name.
    pub goroutine: &'a str,
    /// True when a goroutine it would start does it.
    pub via_spawn: bool,
    /// What it would do.
    pub what: Release,
    /// Where.
    pub at: (u32, u32),
    /// True when it is blocked forever itself.
    pub blocked_itself: bool,
}

/// Why a goroutine waits, in one sentence that follows its name.
/// `walk_cut` is the instruction budget at which the search for releasers
/// stopped, when it did: then nobody is never claimed.
pub fn why(
    verb: WaitVerb,
    objects: &[String],
    holders: &[String],
    behind: &[String],
    could: &[Releaser],
    note: Option<WaitNote>,
    walk_cut: Option<usize>,
) -> String {
    let target = if objects.is_empty() {
        "a nil channel".to_string()
    } else {
        objects.join(", ")
    };
    let mut why = format!("{verb} {target}");
    if !holders.is_empty() || !behind.is_empty() {
        if !holders.is_empty() {
            why.push_str(&format!(", {} {}", held(verb), holders.join(" and ")));
        }
        if !behind.is_empty() {
            why.push_str(&format!(
                ", queued behind {}, waiting to lock it",
                behind.join(" and ")
            ));
        }
    } else if !could.is_empty() {
        let parts: Vec<String> = could
            .iter()
            .map(|c| {
                format!(
                    "{}{} could {} it at {}{}",
                    c.goroutine,
                    if c.via_spawn {
                        " (in a goroutine it would start)"
                    } else {
                        ""
                    },
                    c.what,
                    at(c.at.0, c.at.1),
                    if c.blocked_itself {
                        " but is blocked itself"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        why.push_str(&format!("; {}", parts.join("; ")));
        if let Some(n) = walk_cut {
            why.push_str(&format!(
                "; others may too (not determined: weft stopped walking the code ahead after {n} instructions)"
            ));
        }
    } else if let Some(n) = walk_cut {
        why.push_str(&format!(
            ": who could release it was not determined (weft stopped walking the code ahead after {n} instructions)"
        ));
    } else if note.is_none() || verb == WaitVerb::WaitsFor {
        why.push_str(&format!(": {}", verb.nobody()));
    }
    // A writer it queues behind says what the note would.
    let note = note.filter(|n| *n != WaitNote::WriterPending || behind.is_empty());
    if let Some(n) = note {
        why.push_str(&format!(" ({n})"));
    }
    why
}

/// How the holders of what a goroutine waiting so needs hold it: the
/// readers a writer waits for hold read locks.
fn held(verb: WaitVerb) -> &'static str {
    match verb {
        WaitVerb::WaitsForReadersToLeave => "read-locked by",
        WaitVerb::WaitsOn
        | WaitVerb::WaitsToSendOn
        | WaitVerb::WaitsToReceiveFrom
        | WaitVerb::WaitsInSelectOn
        | WaitVerb::WaitsToLock
        | WaitVerb::WaitsToReadLock
        | WaitVerb::WaitsFor
        | WaitVerb::WaitsForSignalOn
        | WaitVerb::WaitsToRelockLockerOf
        | WaitVerb::WaitsToEnterOnceDoOf => "held by",
    }
}

/// A wait-for edge in words: ``main waits to lock Mutex `f1`, held by
/// phil#2``; `could` is what the other goroutine could do and where, for a
/// could-release edge.
pub fn edge_label(
    from: &str,
    verb: WaitVerb,
    object: &str,
    to: &str,
    could: Option<(Release, (u32, u32))>,
) -> String {
    match could {
        None => format!("{from} {verb} {object}, {} {to}", held(verb)),
        Some((what, (line, col))) => {
            format!("{from} {verb} {object}, which {to} could {what} at {line}:{col}")
        }
    }
}

/// A queued-behind edge in words: ``r#1 waits to read-lock RWMutex `rw`,
/// queued behind main, waiting to lock it``.
pub fn queued_label(from: &str, verb: WaitVerb, object: &str, to: &str) -> String {
    format!("{from} {verb} {object}, queued behind {to}, waiting to lock it")
}

/// A chain of the wait-for graph without a cycle, in one sentence: its
/// edges' labels, then what the goroutine at its end does (`end`, which
/// starts with its name).
pub fn chain(labels: &[String], end: &str) -> String {
    let mut out = labels.join("; ");
    out.push_str("; ");
    out.push_str(end);
    out
}

/// What the goroutine at the end of a wait-for chain does, after its
/// name: its wait (`why`) when it is blocked, else its status.
pub fn chain_end(name: &str, status: GoroutineStatus, why: Option<&str>) -> String {
    match (status, why) {
        (GoroutineStatus::Blocked, Some(why)) => format!("{name} {why}"),
        (GoroutineStatus::Blocked, None) => format!("{name} is blocked"),
        (GoroutineStatus::Runnable, _) => format!("{name} can still run"),
        (GoroutineStatus::Spinning, _) => {
            format!("{name} loops forever without a synchronisation operation")
        }
        (GoroutineStatus::NotStarted, _) => {
            format!("{name} has not started: its callback waits for a timer or a context")
        }
        (GoroutineStatus::Exited, _) => format!("{name} has ended without releasing it"),
        (GoroutineStatus::Returned, _) => format!("{name} has returned without releasing it"),
        (GoroutineStatus::Crashed, _) => format!("{name} crashed"),
    }
}

/// What one report of a distinct bug stands for, in one sentence:
/// `sites` are the `line:col` of its findings when they are several.
pub fn covers(kind: BugKind, sites: &[(u32, u32)], times_found: usize) -> String {
    let times = match times_found {
        1 => "once".to_string(),
        n => format!("{} times", number(n as i64)),
    };
    if sites.len() <= 1 {
        return format!("one distinct bug, met {times} by the search");
    }
    let at: Vec<String> = sites.iter().map(|&(l, c)| at(l, c)).collect();
    let what = match kind {
        BugKind::Leak => "goroutines blocked forever together at",
        BugKind::Deadlock
        | BugKind::Race
        | BugKind::Panic
        | BugKind::Assert
        | BugKind::ContextLeak
        | BugKind::ResourceLeak
        | BugKind::Spin => "findings at",
    };
    format!(
        "one distinct bug: {what} {} ({} findings, one per operation), met {times} by the search",
        at.join(", "),
        sites.len()
    )
}

/// How a goroutine touches a variable in a race.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Touch {
    /// An atomic access.
    Atomic,
    /// A plain write.
    Write,
    /// A plain read.
    Read,
}

impl Touch {
    fn verb(self) -> &'static str {
        match self {
            Touch::Atomic => "accesses atomically",
            Touch::Write => "writes",
            Touch::Read => "reads",
        }
    }

    fn past(self) -> &'static str {
        match self {
            Touch::Atomic => "accessed atomically",
            Touch::Write => "wrote",
            Touch::Read => "read",
        }
    }
}

/// One side of a race, for its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaceSide {
    /// The goroutine.
    pub goroutine: String,
    /// How it touches the variable.
    pub touch: Touch,
    /// Where.
    pub at: (u32, u32),
}

/// A step on a WaitGroup, for an explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitGroupStep {
    /// The step (1-based).
    pub step: usize,
    /// The goroutine that took it.
    pub goroutine: String,
    /// Where.
    pub at: (u32, u32),
    /// True for a `Done` (an `Add` of -1).
    pub done: bool,
}

impl WaitGroupStep {
    /// "Done" or "Add".
    fn method(&self) -> &'static str {
        if self.done {
            "Done"
        } else {
            "Add"
        }
    }
}

/// An access of a WaitGroup's semaphore as Go's race detector makes it,
/// for an explanation: an `Add` from zero reads it, the first waiter's
/// registration in `Wait` writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemaphoreUse {
    /// The goroutine.
    pub goroutine: String,
    /// Where.
    pub at: (u32, u32),
    /// True for an `Add` from zero, false for a `Wait`.
    pub adds: bool,
}

/// Why a bug happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Explanation {
    /// Every goroutine is blocked.
    Deadlock,
    /// A goroutine can never move again.
    Leak {
        /// Its name.
        goroutine: String,
        /// True when it waits on something (rather than being unable to
        /// move at all).
        waiting: bool,
        /// True when main has returned.
        main_returned: bool,
    },
    /// Two unordered accesses, the first to `object`.
    Race {
        /// The object.
        object: String,
        /// The first access.
        first: RaceSide,
        /// The second access.
        second: RaceSide,
    },
    /// An access about to happen to `object`, unordered with an earlier
    /// one the schedule made: what its goroutine learned of the earlier
    /// one, it learned without a happens-before edge.
    PastRace {
        /// The object.
        object: String,
        /// The earlier access, made in the schedule.
        earlier: RaceSide,
        /// The access about to happen.
        later: RaceSide,
    },
    /// A send on a channel and its close, unordered, one of them made
    /// earlier in the schedule.
    PastCloseRace {
        /// The channel.
        channel: String,
        /// The goroutine that sends.
        sender: String,
        /// Where.
        send_at: (u32, u32),
        /// The goroutine that closes.
        closer: String,
        /// Where.
        close_at: (u32, u32),
        /// True when the close was made earlier (the send is about to
        /// happen, and panics).
        close_first: bool,
        /// True when the earlier send is a select's send case (which the
        /// select polled, taken or not).
        polled: bool,
    },
    /// An `Add` to a WaitGroup from zero and a `Wait` on it, unordered.
    WaitGroupRace {
        /// The WaitGroup.
        waitgroup: String,
        /// The goroutine about to call `Add`.
        adder: String,
        /// Where.
        add_at: (u32, u32),
        /// The goroutine about to call `Wait`.
        waiter: String,
        /// Where.
        wait_at: (u32, u32),
    },
    /// An `Add` from zero and a `Wait` that blocks as the first waiter, or
    /// two such `Wait`s, on one WaitGroup, unordered, the first made
    /// earlier in the schedule.
    PastWaitGroupRace {
        /// The WaitGroup.
        waitgroup: String,
        /// The access made earlier in the schedule.
        earlier: SemaphoreUse,
        /// The access about to happen (or, for a blocked `Wait`, made as
        /// it blocked).
        later: SemaphoreUse,
    },
    /// A `Wait` released when its WaitGroup's counter reached zero woke to
    /// find the counter raised again by an `Add` from zero: Go's `Wait`
    /// panics.
    WaitGroupReused {
        /// The WaitGroup.
        waitgroup: String,
        /// The goroutine in `Wait`.
        waiter: String,
        /// Where.
        wait_at: (u32, u32),
        /// The step that brought the counter to zero, releasing the
        /// `Wait` (unknown when a delta is not a constant).
        released: Option<WaitGroupStep>,
        /// The `Add` from zero after it.
        added: Option<WaitGroupStep>,
    },
    /// A send on a channel and its close, unordered.
    CloseRace {
        /// The channel.
        channel: String,
        /// The goroutine about to send, or waiting to.
        sender: String,
        /// True when it waits (no receiver or buffer space yet).
        sender_waits: bool,
        /// Where.
        send_at: (u32, u32),
        /// The goroutine about to close the channel.
        closer: String,
        /// Where.
        close_at: (u32, u32),
    },
    /// A step crashed the program.
    Crash {
        /// The goroutine.
        goroutine: String,
        /// Where.
        at: (u32, u32),
        /// Go's message.
        message: String,
    },
    /// Garbage collection found a cancel function unreachable after a step.
    CancelUnreachable {
        /// The step (1-based).
        step: usize,
        /// Where the context was made.
        made_at: (u32, u32),
    },
    /// A cancel function is never called on any continuation.
    CancelNeverCalled {
        /// Where the context was made.
        made_at: (u32, u32),
    },
    /// Garbage collection found a running timer or ticker unreachable
    /// after a step (Go 1.22 semantics: the runtime still holds it).
    TimerUnreachable {
        /// The step (1-based).
        step: usize,
        /// Where the timer or ticker was made.
        made_at: (u32, u32),
        /// True for a ticker (it runs for ever), false for a timer (it
        /// stays until it fires).
        ticker: bool,
    },
    /// A goroutine loops forever without a visible operation.
    Spin {
        /// Its name.
        goroutine: String,
        /// Where it loops (the loop's backward jump).
        at: (u32, u32),
    },
}

impl Explanation {
    /// The explanation in sentences.
    pub fn sentences(&self) -> Vec<String> {
        match self {
            Explanation::Deadlock => vec![
                "every goroutine is blocked and main has not returned, so Go's runtime stops the program"
                    .into(),
            ],
            Explanation::Leak {
                goroutine,
                waiting,
                main_returned,
            } => {
                let stuck = if *waiting { "is blocked" } else { "cannot move" };
                let mut out = vec![format!(
                    "{goroutine} {stuck} and can never move again, whatever the other goroutines do"
                )];
                if *main_returned {
                    out.push("main has returned; in a long-running program the blocked goroutine and everything it references are never freed".into());
                }
                out
            }
            Explanation::Race {
                object,
                first: a,
                second: b,
            } => vec![format!(
                "{} {} {object} at {}:{} and {} {} it at {}:{}, and nothing orders the two (no happens-before edge): the schedule ends with both about to happen",
                a.goroutine,
                a.touch.verb(),
                a.at.0,
                a.at.1,
                b.goroutine,
                b.touch.verb(),
                b.at.0,
                b.at.1
            )],
            Explanation::PastRace {
                object,
                earlier: a,
                later: b,
            } => vec![format!(
                "{} {} {object} at {}:{}, and {} {} it at {}:{}; no happens-before edge orders the two (an operation that sees another goroutine's progress without synchronising, such as len of a channel, a select's default, a failed TryLock, a Cond's wake-up or an Unlock of a lock another goroutine holds, gives none): the schedule ends with the second about to happen",
                a.goroutine,
                a.touch.past(),
                a.at.0,
                a.at.1,
                b.goroutine,
                b.touch.verb(),
                b.at.0,
                b.at.1,
            )],
            Explanation::PastCloseRace {
                channel,
                sender,
                send_at,
                closer,
                close_at,
                close_first,
                polled,
            } => vec![if *polled && !*close_first {
                format!(
                    "{sender}'s select at {}:{} polled its send case on {channel} (Go's race detector reads the channel's state for each send case a select polls, in a random order, whether it takes it or not), and {closer} closes it at {}:{}; no happens-before edge orders the two (an operation that sees another goroutine's progress without synchronising gives none): the schedule ends with the close about to happen",
                    send_at.0, send_at.1, close_at.0, close_at.1
                )
            } else if *close_first {
                format!(
                    "{closer} closed {channel} at {}:{}, and {sender} sends on it at {}:{}; no happens-before edge orders the two (an operation that sees another goroutine's progress without synchronising gives none): Go's race detector reports the send's read of the channel's state against the close, and the send panics",
                    close_at.0, close_at.1, send_at.0, send_at.1
                )
            } else {
                format!(
                    "{sender} sent on {channel} at {}:{}, and {closer} closes it at {}:{}; no happens-before edge orders the two (an operation that sees another goroutine's progress without synchronising gives none): the schedule ends with the close about to happen",
                    send_at.0, send_at.1, close_at.0, close_at.1
                )
            }],
            Explanation::WaitGroupRace {
                waitgroup,
                adder,
                add_at,
                waiter,
                wait_at,
            } => vec![
                format!(
                    "{adder} calls Add on {waitgroup} at {}:{} while its counter is 0, and {waiter} calls Wait on it at {}:{}; nothing orders the two (no happens-before edge): the schedule ends with both about to happen",
                    add_at.0, add_at.1, wait_at.0, wait_at.1
                ),
                format!(
                    "if {waiter}'s Wait runs first, it returns at once, before the work the Add counts is done: an Add from zero must happen before the Wait"
                ),
            ],
            Explanation::PastWaitGroupRace {
                waitgroup,
                earlier: e,
                later: l,
            } => {
                let unordered = "no happens-before edge orders the two (an operation that sees another goroutine's progress without synchronising gives none)";
                let (first, rule) = match (e.adds, l.adds) {
                    (true, _) => (
                        format!(
                            "{}'s Add on {waitgroup} at {}:{} raised its counter from zero, and {}'s Wait on it at {}:{} blocks as its first waiter; {unordered}",
                            e.goroutine, e.at.0, e.at.1, l.goroutine, l.at.0, l.at.1
                        ),
                        "an Add from zero must happen before the Wait that waits for what it counts",
                    ),
                    (false, true) => (
                        format!(
                            "{}'s Wait on {waitgroup} at {}:{} blocked as its first waiter, and {} calls Add on it at {}:{} while its counter is 0; {unordered}",
                            e.goroutine, e.at.0, e.at.1, l.goroutine, l.at.0, l.at.1
                        ),
                        "a WaitGroup may count again only after every Wait on it has returned and the Add is ordered after them (by a channel, a lock, or the same goroutine)",
                    ),
                    (false, false) => (
                        format!(
                            "{}'s Wait on {waitgroup} at {}:{} blocked as its first waiter, and {}'s Wait on it at {}:{} blocks as the first waiter of a later round; {unordered}",
                            e.goroutine, e.at.0, e.at.1, l.goroutine, l.at.0, l.at.1
                        ),
                        "a WaitGroup may count again only after every Wait on it has returned and the next round is ordered after them (by a channel, a lock, or the same goroutine)",
                    ),
                };
                vec![
                    first,
                    format!("Go's race detector counts an Add from zero as a read of the WaitGroup's semaphore and the first waiter's registration in Wait as a write of it, and reports the two: {rule}"),
                ]
            }
            Explanation::WaitGroupReused {
                waitgroup,
                waiter,
                wait_at,
                released,
                added,
            } => {
                let first = match (released, added) {
                    (Some(r), Some(a)) => format!(
                        "{waiter}'s Wait on {waitgroup} at {}:{} blocked; {}'s {} at {}:{} brought the counter to zero at step {}, releasing it, and {}'s Add at {}:{} raised the counter from zero at step {}, before {waiter} woke",
                        wait_at.0, wait_at.1, r.goroutine, r.method(), r.at.0, r.at.1, r.step, a.goroutine, a.at.0, a.at.1, a.step
                    ),
                    _ => format!(
                        "{waiter}'s Wait on {waitgroup} at {}:{} blocked and was released when the counter reached zero, and an Add from zero raised the counter before {waiter} woke",
                        wait_at.0, wait_at.1
                    ),
                };
                vec![
                    first,
                    format!("woken, Go's Wait finds the counter above zero and panics (sync: WaitGroup is reused before previous Wait has returned): an Add from zero must wait until every Wait on the WaitGroup has returned"),
                ]
            }
            Explanation::CloseRace {
                channel,
                sender,
                sender_waits,
                send_at,
                closer,
                close_at,
            } => vec![
                format!(
                    "{sender} {} on {channel} at {}:{} and {closer} closes it at {}:{}; nothing orders the two (no happens-before edge): the schedule ends with {}",
                    if *sender_waits { "waits to send" } else { "sends" },
                    send_at.0,
                    send_at.1,
                    close_at.0,
                    close_at.1,
                    if *sender_waits {
                        "the send waiting and the close about to happen"
                    } else {
                        "both about to happen"
                    }
                ),
                "Go's race detector reports a send and a close of one channel that nothing orders, whichever runs first; if the close does, the send panics: send on closed channel".into(),
            ],
            Explanation::Crash {
                goroutine,
                at: (line, col),
                message,
            } => vec![format!(
                "{goroutine} fails at {line}:{col} and the program crashes: {message}"
            )],
            Explanation::CancelUnreachable {
                step,
                made_at: (line, col),
            } => vec![format!(
                "after step {step}, nothing can reach the cancel function of the context made at {line}:{col}: it can never be called"
            )],
            Explanation::CancelNeverCalled {
                made_at: (line, col),
            } => vec![format!(
                "the cancel function of the context made at {line}:{col} is never called on any continuation of this schedule"
            )],
            Explanation::TimerUnreachable {
                step,
                made_at: (line, col),
                ticker,
            } => {
                let (what, how_long) = if *ticker {
                    ("ticker", "it keeps ticking for the life of the process")
                } else {
                    ("timer", "the runtime keeps it until it fires")
                };
                vec![format!(
                    "after step {step}, nothing can reach or stop the {what} made at {line}:{col} while it still runs: under Go 1.22 semantics {how_long} (Go 1.23 collects it)"
                )]
            }
            Explanation::Spin {
                goroutine,
                at: (line, col),
            } => vec![
                format!(
                    "{goroutine} loops forever at {line}:{col} without a synchronisation operation: its local state repeats, so it never reaches a channel, lock, atomic or shared-variable operation again"
                ),
                "Go's scheduler keeps running it (it burns a core), so Go's deadlock detector never fires; whatever waits for it waits forever".into(),
            ],
        }
    }
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

/// The `weft replay` command line of a token, with the `--param`s and the
/// `--go` the check used.
pub fn reproduce(
    display_path: &str,
    token: &str,
    params: &[(String, String)],
    go: Option<&str>,
) -> String {
    let mut cmd = format!("weft replay {} --schedule {token}", quote(display_path));
    for (k, v) in params {
        cmd.push_str(&format!(" --param {}", quote(&format!("{k}={v}"))));
    }
    if let Some(go) = go {
        cmd.push_str(&format!(" --go {}", quote(go)));
    }
    cmd
}

/// A count with thousands separators: `1,843`.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .filter_map(|g| std::str::from_utf8(g).ok())
        .collect();
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", groups.join(","))
}

/// What grew, in words: ``goroutines running `handler` `` (`name` is the
/// function), ``the buffer of channel `ch` ``, ``variable `count` ``,
/// ``map `m` `` (`name` is the object as [`object`] names it), `channels
/// made at 4:7` (`name` is the kind's noun).
pub fn growth_subject(what: Growing, name: &str, at: Option<&Location>) -> String {
    match what {
        Growing::Goroutines => format!("goroutines running `{name}`"),
        Growing::ChannelBuffer => format!("the buffer of {name}"),
        Growing::Variable | Growing::MapSize => name.to_string(),
        Growing::Objects => {
            let plural = if name.ends_with('x') { "es" } else { "s" };
            match at {
                Some(l) => format!("{name}{plural} made at {}:{}", l.line, l.col),
                None => format!("{name}{plural}"),
            }
        }
    }
}

/// A fact about a search cut by a limit: what kept growing along its
/// deepest path, from `from` to `to` over `depth` steps, and the code
/// that makes it grow (`at`: for goroutines, the `go` statement; for an
/// object, where it is made, when its subject does not say it already).
pub fn growth(
    what: Growing,
    subject: &str,
    at: Option<&Location>,
    from: i64,
    to: i64,
    depth: usize,
) -> String {
    let range = format!(
        "{} → {}{} along the deepest path, {} steps",
        number(from),
        number(to),
        match what {
            Growing::ChannelBuffer => " values",
            Growing::MapSize => " entries",
            Growing::Goroutines | Growing::Variable | Growing::Objects => "",
        },
        number(depth as i64)
    );
    let place = |verb: &str| {
        at.map(|l| format!(" ({verb} at {}:{})", l.line, l.col))
            .unwrap_or_default()
    };
    match what {
        Growing::Goroutines => {
            let by = at
                .map(|l| {
                    format!(
                        " by `{}` at {}:{}",
                        crate::text::abbreviate(&l.text, 48),
                        l.line,
                        l.col
                    )
                })
                .unwrap_or_default();
            format!("{subject} keep being started{by} ({range})")
        }
        Growing::ChannelBuffer => format!("{subject}{} keeps filling ({range})", place("made")),
        Growing::Variable => format!("{subject}{} keeps growing ({range})", place("made")),
        Growing::MapSize => format!("{subject}{} keeps growing ({range})", place("made")),
        Growing::Objects => format!("live {subject} keep piling up ({range})"),
    }
}

/// The heading of the growth facts of a search cut by a limit.
pub const GROWTH_HEADING: &str = "the state space looks unbounded; bound what keeps growing";

/// Bug kinds as a list (`deadlock, leak`), or `clean` for none.
pub fn kinds(kinds: &[BugKind]) -> String {
    if kinds.is_empty() {
        return "clean".into();
    }
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a scenario file did not end as expected, in a few words
/// (`expected clean; found race`, `expected race; found leak, race (leak
/// not expected)`); empty when it did.
pub fn file_verdict(v: &FileVerdict) -> String {
    match v {
        FileVerdict::AsExpected => String::new(),
        FileVerdict::Unexpected {
            expected,
            found,
            complete,
            races_decided,
        } => {
            // Name what is extra and what is missing when the lists
            // alone do not make it plain.
            let extra: Vec<BugKind> = found
                .iter()
                .filter(|k| !expected.contains(k))
                .copied()
                .collect();
            let missing: Vec<BugKind> = expected
                .iter()
                .filter(|k| !found.contains(k))
                .copied()
                .collect();
            let mut notes = Vec::new();
            if !extra.is_empty() && !expected.is_empty() {
                notes.push(format!("{} not expected", kinds(&extra)));
            }
            if !missing.is_empty() && !found.is_empty() {
                notes.push(format!("{} not found", kinds(&missing)));
            }
            if !*complete {
                notes.push("search incomplete".to_string());
            }
            if !*races_decided {
                notes.push("races not decided".to_string());
            }
            let found = if found.is_empty() {
                "none".to_string()
            } else {
                kinds(found)
            };
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join("; "))
            };
            format!("expected {}; found {found}{notes}", kinds(expected))
        }
        FileVerdict::Invalid => "invalid scenario".into(),
        FileVerdict::Internal => "internal weft error".into(),
        FileVerdict::NotChecked => "not checked: interrupted".into(),
    }
}

/// How the verdict line compares the result with the expectation:
/// `as expected`, `undecided (expected clean: the search was cut)`,
/// `UNEXPECTED (expected race: leak found)`.
pub fn expectation(e: &Expectation, expect: &[BugKind]) -> String {
    let expected = if expect.is_empty() {
        "clean".to_string()
    } else {
        kinds(expect)
    };
    match e {
        Expectation::Met => "as expected".into(),
        Expectation::Undecided { missing, cut: true } if missing.is_empty() => {
            format!("undecided (expected {expected}: the search was cut)")
        }
        Expectation::Undecided { missing, cut: true } => format!(
            "undecided (expected {expected}: {} not found before the cut)",
            kinds(missing)
        ),
        Expectation::Undecided { cut: false, .. } => {
            format!("undecided (expected {expected}: races not decided)")
        }
        Expectation::Contradicted { missing, extra } => {
            let mut why = Vec::new();
            if !extra.is_empty() {
                why.push(format!("{} found", kinds(extra)));
            }
            if !missing.is_empty() {
                why.push(format!("{} not found", kinds(missing)));
            }
            format!("UNEXPECTED (expected {expected}: {})", why.join("; "))
        }
    }
}

/// The line that ends a run over several files: `93 scenarios: 93 as
/// expected`, or `3 scenarios: 2 as expected, 1 not: a.ron (expected
/// clean; found race)`.
pub fn run_summary(s: &RunSummary) -> String {
    let n = s.files.len();
    let ok = s.as_expected();
    let mut line = format!(
        "{n} scenario{}: {ok} as expected",
        if n == 1 { "" } else { "s" }
    );
    if ok < n {
        let not: Vec<String> = s
            .files
            .iter()
            .filter(|(_, v)| *v != FileVerdict::AsExpected)
            .map(|(f, v)| format!("{f} ({})", file_verdict(v)))
            .collect();
        line.push_str(&format!(", {} not: {}", n - ok, not.join(", ")));
    }
    line
}

/// What a bug kind means, in one sentence (a SARIF rule's description).
pub fn kind_description(kind: BugKind) -> &'static str {
    match kind {
        BugKind::Deadlock => {
            "every goroutine is blocked and main has not returned, so Go's runtime stops the program (all goroutines are asleep)"
        }
        BugKind::Leak => {
            "a goroutine is blocked forever while the program goes on or ends (a partial deadlock)"
        }
        BugKind::Race => {
            "two goroutines access one variable concurrently, at least one of them writing, with nothing ordering the accesses"
        }
        BugKind::Panic => "a goroutine panics, or the runtime stops the program with a fatal error",
        BugKind::Assert => "an assertion of the scenario fails",
        BugKind::ContextLeak => {
            "a context's cancel function can no longer be called, so the context and its timer are never released"
        }
        BugKind::Spin => {
            "a goroutine loops forever without a synchronisation operation, so nothing can stop it and Go's deadlock detector never fires"
        }
        BugKind::ResourceLeak => {
            "a timer or ticker still running can no longer be reached or stopped, so the runtime keeps it (Go 1.22 and earlier: a ticker for ever, a timer until it fires)"
        }
    }
}

/// Why a bug found is not a failure: the scenario expects its kind.
pub fn expected_bug(kind: BugKind) -> String {
    format!("the scenario expects a bug of kind `{kind}` (its `expect` lists it)")
}

/// A scenario's result in a few words: `verified: no bug in any
/// schedule`, `incomplete (bounded by --max-states 10): no bug found in 10
/// states`, `2 bugs found (deadlock, leak)`.
pub fn scenario_verdict(r: &ScenarioReport) -> String {
    let mut verdict = verdict_alone(r);
    if let Some(p) = r.stats.collision_probability {
        verdict = format!("{verdict}; {}", collision_note(p));
    }
    if let Some(b) = &r.stats.bitstate {
        verdict = format!("{verdict}; {}", bitstate_note(b));
    }
    if !r.unsynced.is_empty() {
        verdict = format!("{verdict}; {}", unsynced_note(&r.unsynced));
    }
    verdict
}

/// [`scenario_verdict`] without the notes on what the search may have
/// missed (a fingerprint or bit-state store's, undecided races'): the
/// text report prints those on lines of their own.
pub fn verdict_alone(r: &ScenarioReport) -> String {
    let bound = r.bound.as_deref().unwrap_or("a bound");
    match (r.bugs.is_empty(), r.complete) {
        // Races undecided: not verified (the note says why).
        (true, true) if !r.unsynced.is_empty() => "no bug found in any schedule".to_string(),
        (true, true) => "verified: no bug in any schedule".to_string(),
        (true, false) => format!(
            "incomplete (bounded by {bound}): no bug found in {} {}",
            number(r.stats.states as i64),
            if r.stats.states == 1 {
                "state"
            } else {
                "states"
            }
        ),
        (false, complete) => format!(
            "{} bug{} found ({}){}",
            r.bugs.len(),
            if r.bugs.len() == 1 { "" } else { "s" },
            r.found_kinds().join(", "),
            if complete {
                String::new()
            } else {
                format!("; search incomplete (bounded by {bound})")
            }
        ),
    }
}

/// Added to a context's state once its cancel function can no longer be
/// called.
pub const CANCEL_ABANDONED: &str = "; its cancel function is lost (never called)";

/// What one object is like in one state of a run, for the review page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectFacts<'a> {
    /// A channel: its capacity, buffered values (oldest first), whether
    /// it is closed, and whether it is nil.
    Chan {
        /// Capacity (0: unbuffered).
        cap: u32,
        /// Buffered values.
        buffered: &'a [String],
        /// Closed.
        closed: bool,
    },
    /// A Mutex and its holder.
    Mutex {
        /// The holder, when locked.
        holder: Option<&'a str>,
        /// Locked (by someone the trace cannot name, when `holder` is none).
        locked: bool,
    },
    /// An RWMutex.
    RwMutex {
        /// The writer holding it.
        writer: Option<&'a str>,
        /// A writer holds it.
        locked: bool,
        /// The readers holding it.
        readers: &'a [String],
        /// How many readers hold it.
        reader_count: u32,
        /// A writer waiting for the readers to leave.
        pending: Option<&'a str>,
    },
    /// A WaitGroup's counter.
    WaitGroup(i64),
    /// A Once: not run, running (by whom), done.
    Once {
        /// Running, by this goroutine when known.
        running: Option<Option<&'a str>>,
        /// Its function has returned.
        done: bool,
    },
    /// A Cond's waiters, longest-waiting first.
    Cond(&'a [String]),
    /// A shared variable's value.
    Var(&'a str),
    /// A map's entries.
    Map(&'a [(String, String)]),
    /// A context: its `Err()` once done.
    Context(Option<&'a str>),
    /// A timer or ticker: pending (a timer) or running (a ticker).
    Timer {
        /// Pending or running.
        active: bool,
        /// A ticker.
        periodic: bool,
    },
    /// A record: its type's name.
    Record(&'a str),
    /// A slice: its length.
    Slice(usize),
    /// A function value: the function's name.
    Func(&'a str),
    /// A `context.AfterFunc` registration: still armed (neither run nor
    /// stopped), or not.
    Registration {
        /// Neither run nor stopped.
        armed: bool,
    },
}

/// An object's state in words: `empty (capacity 2)`, `buffers 1, 2 (full,
/// capacity 2)`, `held by worker#1`, `counter 2`.
pub fn object_state(facts: ObjectFacts) -> String {
    match facts {
        ObjectFacts::Chan {
            cap,
            buffered,
            closed,
        } => {
            let contents = if cap == 0 {
                "unbuffered".to_string()
            } else if buffered.is_empty() {
                format!("empty (capacity {cap})")
            } else {
                let full = if buffered.len() as u64 >= u64::from(cap) {
                    "full, "
                } else {
                    ""
                };
                format!("buffers {} ({full}capacity {cap})", buffered.join(", "))
            };
            if closed {
                format!("closed, {contents}")
            } else {
                contents
            }
        }
        ObjectFacts::Mutex { holder, locked } => match (holder, locked) {
            (Some(h), _) => format!("held by {h}"),
            (None, true) => "locked".into(),
            (None, false) => "free".into(),
        },
        ObjectFacts::RwMutex {
            writer,
            locked,
            readers,
            reader_count,
            pending,
        } => {
            let mut parts = Vec::new();
            match (writer, locked) {
                (Some(w), _) => parts.push(format!("write-locked by {w}")),
                (None, true) => parts.push("write-locked".into()),
                (None, false) => {}
            }
            if reader_count > 0 {
                if readers.len() as u64 == u64::from(reader_count) {
                    parts.push(format!("read-locked by {}", readers.join(", ")));
                } else {
                    parts.push(format!("read-locked by {reader_count} reader(s)"));
                }
            }
            if let Some(p) = pending {
                parts.push(format!("{p} waits for the readers to leave"));
            }
            if parts.is_empty() {
                "free".into()
            } else {
                parts.join("; ")
            }
        }
        ObjectFacts::WaitGroup(n) => format!("counter {n}"),
        ObjectFacts::Record(ty) => format!("a `{ty}`"),
        ObjectFacts::Slice(n) => format!("length {n}"),
        ObjectFacts::Func(name) => format!("the function `{name}`"),
        ObjectFacts::Once { running, done } => match (running, done) {
            (Some(Some(by)), _) => format!("running its function ({by})"),
            (Some(None), _) => "running its function".into(),
            (None, true) => "done".into(),
            (None, false) => "not run yet".into(),
        },
        ObjectFacts::Cond([]) => "no waiters".into(),
        ObjectFacts::Cond(waiters) => format!("waiters: {}", waiters.join(", ")),
        ObjectFacts::Var(v) => format!("= {v}"),
        ObjectFacts::Map([]) => "empty".into(),
        ObjectFacts::Map(entries) => {
            let e: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{{}}}", e.join(", "))
        }
        ObjectFacts::Context(None) => "not done".into(),
        ObjectFacts::Context(Some(err)) => format!("done: {err}"),
        ObjectFacts::Timer {
            active,
            periodic: true,
        } => if active { "running" } else { "stopped" }.into(),
        ObjectFacts::Timer {
            active,
            periodic: false,
        } => if active {
            "pending"
        } else {
            "stopped or fired"
        }
        .into(),
        ObjectFacts::Registration { armed: true } => "registered (not run, not stopped)".into(),
        ObjectFacts::Registration { armed: false } => "run or stopped".into(),
    }
}

/// What a fingerprint search's frontier held and spilled, for `--stats`.
pub fn frontier_note(f: &crate::view::FrontierView, states: usize) -> String {
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    let mut note = format!("frontier: at most {} in memory", mb(f.peak_memory_bytes));
    if mb(f.peak_with_in_flight_bytes) != mb(f.peak_memory_bytes) {
        note.push_str(&format!(
            " ({} with the states in flight)",
            mb(f.peak_with_in_flight_bytes)
        ));
    }
    if let (Some(beyond), true) = (f.resident_beyond_bytes, states > 0) {
        note.push_str(&format!(
            "; beyond it, the search's peak resident memory is {} ({:.1} bytes per state)",
            mb(beyond),
            beyond as f64 / states as f64
        ));
    }
    if f.segments > 0 {
        let segments = if f.segments == 1 {
            "segment"
        } else {
            "segments"
        };
        note.push_str(&format!(
            ", {} written to TMPDIR in {} {segments} and read back (at most {} on disk at once)",
            mb(f.spilled_bytes),
            f.segments,
            mb(f.peak_disk_bytes)
        ));
    }
    if let Some(e) = &f.failure {
        note.push_str(&format!(
            "; writing to TMPDIR failed ({e}), so the rest stayed in memory"
        ));
    }
    if let Some(e) = &f.read_failure {
        note.push_str(&format!(
            "; reading files back failed (the first time: {e}), so {} waiting states were rebuilt \
             from their paths and explored without their sleep sets (more work, nothing missed)",
            f.lost
        ));
    }
    note
}

/// What stateless DPOR explored, for `--stats`.
pub fn dpor_note(d: &crate::view::DporView) -> String {
    let runs = if d.runs == 1 { "run" } else { "runs" };
    let mut note = format!("dpor: {} {runs} explored", d.runs);
    if d.blocked_runs > 0 {
        note.push_str(&format!(
            " (and {} abandoned with every step asleep)",
            d.blocked_runs
        ));
    }
    note.push_str(&format!(
        ", {} steps, {} distinct states visited; the graph above holds the states of the runs \
         (choices kept by 128-bit state hashes: the chance two collided is at most {:.1e})",
        d.steps, d.states, d.collision_probability
    ));
    note
}

/// Why races were not decided, for a verdict: the operations that
/// observed other goroutines without synchronising, and what that means.
pub fn unsynced_note(ops: &[UnsyncedView]) -> String {
    let list: Vec<String> = ops
        .iter()
        .map(|o| {
            let what = match o.kind {
                Unsynced::ChannelLen => "len of a channel",
                Unsynced::SelectDefault => "a select's default",
                Unsynced::FailedTryLock => "a failed TryLock",
                Unsynced::StoppedTimer => "a timer's Stop or Reset returning false",
                Unsynced::CondWake => "a Signal or Broadcast waking a Wait",
                Unsynced::UnmatchedRelease => {
                    "an Unlock, RUnlock or Done that crashes in another schedule"
                }
            };
            format!("{what} at {}:{}", o.location.line, o.location.col)
        })
        .collect();
    format!(
        "races not decided: {} other goroutines without synchronising ({}), and a race \
         ordered only by what {} is not looked for (Go's race detector reports it)",
        count(ops.len(), "operation observes", "operations observe"),
        list.join("; "),
        if ops.len() == 1 {
            "it saw"
        } else {
            "one of them saw"
        },
    )
}

/// What a fingerprint store may have missed, for a verdict: `p` is the
/// chance that a hash collision hid a state.
pub fn collision_note(p: f64) -> String {
    format!(
        "fingerprint store: the chance that a hash collision hid a state is at most {p:.1e} \
         (--store full is exact)"
    )
}

/// What a bit-state search may have missed, for a verdict: partial by
/// construction, SPIN's hash factor, how full the array is, the estimated
/// coverage and the chance that a state was missed, and whether leaks in
/// cycles were decided.
pub fn bitstate_note(b: &crate::view::BitstateView) -> String {
    let mut note = format!(
        "bit-state store: partial by construction (a state whose {k} bits were all set was taken for visited); \
         hash factor {hf} bits per state (best above 100), array {fill} full; \
         estimated coverage {cov}, the chance that a state was missed about {p:.1e}",
        k = b.hash_functions,
        hf = significant(b.hash_factor),
        fill = percent(b.fill),
        cov = percent(b.coverage),
        p = b.any_missed_probability,
    );
    if !b.cycles_decided {
        note.push_str(
            "; leaks and never-called cancels that only a cycle of states shows were looked for \
             only after the deepest state where each operation was blocked or each cancel pending \
             (100,000 states at most), and may be missed",
        );
    }
    note.push_str(" (--store full is exact)");
    note
}

/// A share as a percentage: four significant places below 100 % (`99.98 %`),
/// `100 %` only when it is exactly whole.
fn percent(share: f64) -> String {
    let pct = share * 100.0;
    if pct >= 100.0 {
        "100 %".into()
    } else if pct >= 99.99 {
        // Never rounded up to a whole that was not reached.
        format!("{:.4} %", (pct * 1e4).floor() / 1e4)
    } else {
        format!("{pct:.2} %")
    }
}

/// A positive number with about three significant digits (`5.2e6` past a
/// million).
fn significant(x: f64) -> String {
    if x >= 1e6 {
        format!("{x:.1e}")
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// The heading of a counterexample's abstractions
/// ([`crate::view::BugView::abstractions`]), in every format.
pub const THROUGH_ABSTRACTIONS: &str =
    "through data weft does not track (the Go import's over-approximations): Go may never take this run";

/// One abstraction a counterexample goes through, as a line: `77:20 the
/// condition ... both ways are explored`.
pub fn abstraction(a: &crate::view::AbstractionView) -> String {
    format!("{}:{} {}", a.line, a.col, a.what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(0, "state", "states"), "0 states");
        assert_eq!(count(1, "state", "states"), "1 state");
        assert_eq!(count(1, "transition", "transitions"), "1 transition");
        assert_eq!(count(2, "transition", "transitions"), "2 transitions");
    }

    #[test]
    fn an_unexpected_file_names_what_is_extra_and_what_is_missing() {
        let v = |expected: &[BugKind], found: &[BugKind], complete| {
            file_verdict(&FileVerdict::Unexpected {
                expected: expected.to_vec(),
                found: found.to_vec(),
                complete,
                races_decided: true,
            })
        };
        use BugKind::{Deadlock, Leak, Race};
        assert_eq!(v(&[], &[Race], true), "expected clean; found race");
        assert_eq!(
            v(&[Race], &[Leak, Race], true),
            "expected race; found leak, race (leak not expected)"
        );
        assert_eq!(
            v(&[Deadlock, Race], &[Leak, Race], true),
            "expected deadlock, race; found leak, race (leak not expected; deadlock not found)"
        );
        assert_eq!(v(&[Race], &[], true), "expected race; found none");
        assert_eq!(
            v(&[Race], &[], false),
            "expected race; found none (search incomplete)"
        );
        let e = |missing: &[BugKind], extra: &[BugKind]| {
            expectation(
                &Expectation::Contradicted {
                    missing: missing.to_vec(),
                    extra: extra.to_vec(),
                },
                &[Race],
            )
        };
        assert_eq!(e(&[], &[Leak]), "UNEXPECTED (expected race: leak found)");
        assert_eq!(
            e(&[Race], &[Leak]),
            "UNEXPECTED (expected race: leak found; race not found)"
        );
    }

    #[test]
    fn counts_are_plural_only_when_they_should_be() {
        let (_, note) = minimality(Chosen::NotFound, 1, 2, 1);
        assert_eq!(note, "shortest: 1 preemption, 2 context switches, 1 step");
        let (_, note) = minimality(Chosen::Replayed, 0, 1, 3);
        assert_eq!(note, "replayed: 0 preemptions, 1 context switch, 3 steps");
        let (_, note) = minimality(Chosen::Stopped(7, "--time-limit 2s"), 0, 1, 3);
        assert!(note.ends_with("was stopped by --time-limit 2s, after 7 states)"));
    }

    #[test]
    fn commands_quote_what_the_shell_would_split() {
        assert_eq!(
            reproduce("a b.ron", "v1:0", &[("n".into(), "2".into())], None),
            "weft replay 'a b.ron' --schedule v1:0 --param n=2"
        );
        assert_eq!(
            reproduce("t.ron", "v1:0", &[], Some("1.22")),
            "weft replay t.ron --schedule v1:0 --go 1.22"
        );
    }

    #[test]
    fn object_states_say_who_holds_what() {
        let buffered = ["1".to_string(), "2".to_string()];
        let chan = |buffered: &[String], closed| {
            object_state(ObjectFacts::Chan {
                cap: 2,
                buffered,
                closed,
            })
        };
        assert_eq!(chan(&buffered, false), "buffers 1, 2 (full, capacity 2)");
        assert_eq!(chan(&buffered[..1], false), "buffers 1 (capacity 2)");
        assert_eq!(chan(&[], true), "closed, empty (capacity 2)");
        let mutex = object_state(ObjectFacts::Mutex {
            holder: Some("worker#1"),
            locked: true,
        });
        assert_eq!(mutex, "held by worker#1");
        let readers = ["r#1".to_string(), "r#2".to_string()];
        let rw = object_state(ObjectFacts::RwMutex {
            writer: None,
            locked: false,
            readers: &readers,
            reader_count: 2,
            pending: Some("w#3"),
        });
        assert_eq!(
            rw,
            "read-locked by r#1, r#2; w#3 waits for the readers to leave"
        );
        assert_eq!(object_state(ObjectFacts::WaitGroup(2)), "counter 2");
    }

    #[test]
    fn numbers_have_thousands_separators() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1843), "1,843");
        assert_eq!(number(-1_000_000), "-1,000,000");
    }
}
