//! One small scenario per operation and edge case of
//! shared/design/semantics.md, asserting the exact verdict: which bug kinds,
//! at which line, with which message.

use weft_checker::detect::Bug;
use weft_checker::explore::{explore, explore_with, Bounds, Outcome};
use weft_checker::reduce::Reduction;
use weft_checker::semantics::ObservationKind;
use weft_checker::state::Site;
use weft_models::ir::Program;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind::{self, *};

struct Checked {
    file: SourceFile,
    prog: Program,
    out: Outcome,
}

impl Checked {
    fn line(&self, site: Site) -> u32 {
        let span = self.prog.instr(site.func, site.pc).span;
        self.file.line_col(span.start).0
    }

    fn kinds(&self) -> Vec<BugKind> {
        let mut k: Vec<BugKind> = self.out.bugs.iter().map(|b| b.kind).collect();
        k.sort();
        k.dedup();
        k
    }

    fn bugs(&self, kind: BugKind) -> Vec<&Bug> {
        self.out.bugs.iter().filter(|b| b.kind == kind).collect()
    }

    /// Lines where bugs of `kind` show, sorted.
    fn lines(&self, kind: BugKind) -> Vec<u32> {
        let mut l: Vec<u32> = self.bugs(kind).iter().map(|b| self.line(b.site)).collect();
        l.sort();
        l
    }

    /// The 1-based line of the first line of `src` containing `needle`.
    fn line_of(&self, needle: &str) -> u32 {
        self.file
            .text()
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u32 + 1)
            .unwrap_or_else(|| panic!("`{needle}` not in scenario"))
    }
}

fn check(src: &str) -> Checked {
    let file = SourceFile::new("test.ron", src);
    let prog = match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("scenario does not compile:\n{}", e.render(&file, false)),
    };
    // The plain exhaustive search gives the verdict (and the pinned
    // counts); the default reduction must agree with it on every bug.
    let out = explore_with(&prog, &Bounds::default(), Reduction::None).expect("no model error");
    assert!(out.complete, "search must be complete");
    let reduced = explore(&prog, &Bounds::default()).expect("no model error");
    let keys = |o: &weft_checker::explore::Outcome| {
        o.bugs
            .iter()
            .map(|b| (b.kind, b.site, b.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&reduced),
        keys(&out),
        "the reduction changes the verdict"
    );
    assert_eq!(
        reduced.covered, out.covered,
        "the reduction changes coverage"
    );
    assert_eq!(
        reduced.unsynced, out.unsynced,
        "the reduction changes the observations without synchronisation"
    );
    // Leaving a `Wait`'s registration out once no goroutine can add
    // changes no bug.
    let registering = explore_with(
        &prog.registering_every_wait(),
        &Bounds::default(),
        Reduction::None,
    )
    .expect("no model error");
    assert_eq!(
        keys(&registering),
        keys(&out),
        "registering every blocking Wait changes the verdict"
    );
    Checked { file, prog, out }
}

fn scenario(globals: &str, main: &str) -> String {
    format!("Scenario(name: \"t\",\n globals: [{globals}],\n main: [\n{main}\n ],\n)")
}

// ----- channels -----

#[test]
fn sender_blocked_on_a_channel_that_gets_closed_panics() {
    let c = check(&scenario(
        r#"Chan("ch", 0)"#,
        r#"Go(body: [
             Send("ch", 1), // the send
           ]),
           Close("ch"),"#,
    ));
    // Nothing orders the send and the close: Go's race detector reports
    // them (`go run -race`: DATA RACE in chansend and closechan, then the
    // panic).
    assert_eq!(c.kinds(), vec![Race, Panic]);
    let b = c.bugs(Panic)[0];
    assert_eq!(b.message, "panic: send on closed channel");
    assert_eq!(c.line(b.site), c.line_of("// the send"));
    let r = c.bugs(Race)[0];
    assert_eq!(
        r.message,
        "data race: a send on a channel concurrent with its close"
    );
}

#[test]
fn a_send_ordered_after_the_close_panics_without_a_race() {
    // close(ch) happens before close(go_on), which happens before the
    // send: Go panics and its race detector reports nothing.
    let c = check(&scenario(
        r#"Chan("ch", 0), Chan("go_on", 0)"#,
        r#"Go(body: [
             Recv(chan: "go_on"),
             Send("ch", 1), // the send
           ]),
           Close("ch"),
           Close("go_on"),"#,
    ));
    assert_eq!(c.kinds(), vec![Panic]);
    assert_eq!(c.line(c.bugs(Panic)[0].site), c.line_of("// the send"));
}

#[test]
fn a_select_send_case_races_with_a_close_even_when_it_completes() {
    // The select sends into the buffer before the close in most runs,
    // and never panics then; Go's race detector still reports the pair.
    let c = check(&scenario(
        r#"Chan("ch", 1), Chan("never", 0)"#,
        r#"Go(body: [
             Select([ // the select
               Send("ch", 1, []),
               Recv(chan: "never", body: []),
             ]),
           ]),
           Close("ch"), // the close"#,
    ));
    assert!(c.kinds().contains(&Race), "{:?}", c.kinds());
    let r = c.bugs(Race)[0];
    let mut lines = vec![c.line(r.site)];
    lines.extend(r.involved.iter().map(|i| c.line(i.site)));
    assert!(lines.contains(&c.line_of("// the select")), "{lines:?}");
    assert!(lines.contains(&c.line_of("// the close")), "{lines:?}");
}

#[test]
fn a_send_received_before_the_close_does_not_race() {
    let c = check(&scenario(
        r#"Chan("ch", 0)"#,
        r#"Go(body: [Send("ch", 1)]),
           Recv(chan: "ch"),
           Close("ch"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn receive_on_closed_drained_channel_returns_zero_and_not_ok() {
    let c = check(&scenario(
        r#"Chan("ch", 1)"#,
        r#"Send("ch", 7),
           Close("ch"),
           Recv(chan: "ch", into: "a", ok: "ok1"),
           Recv(chan: "ch", into: "b", ok: "ok2"),
           Assert("a == 7 && ok1", "buffered value first"),
           Assert("b == 0 && !ok2", "then zero, not ok"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn close_of_closed_and_nil_channel_panic() {
    let c = check(&scenario(
        r#"Chan("ch", 0)"#,
        r#"Close("ch"), Close("ch"),"#,
    ));
    assert_eq!(c.bugs(Panic)[0].message, "panic: close of closed channel");
    let c = check(&scenario(r#"NilChan("ch")"#, r#"Close("ch"),"#));
    assert_eq!(c.bugs(Panic)[0].message, "panic: close of nil channel");
}

#[test]
fn unbuffered_send_and_receive_synchronise() {
    // x is written before the send and read after the receive: ordered.
    let c = check(&scenario(
        r#"Chan("ch", 0), Var("x", 0)"#,
        r#"Go(body: [Set("x", 1), Send("ch", 1)]),
           Recv("ch"),
           Assert("x == 1", "the write is visible"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn main_returned_with_a_worker_blocked_on_send_is_a_leak() {
    let c = check(&scenario(
        r#"Chan("ch", 0)"#,
        r#"Go(body: [
             Send("ch", 1), // stuck
           ]),"#,
    ));
    assert_eq!(c.kinds(), vec![Leak]);
    assert_eq!(c.lines(Leak), vec![c.line_of("// stuck")]);
}

#[test]
fn receive_from_nil_channel_blocks_forever() {
    let c = check(&scenario(r#"NilChan("ch")"#, r#"Recv("ch"),"#));
    assert_eq!(c.kinds(), vec![Deadlock]);
    assert_eq!(
        c.bugs(Deadlock)[0].message,
        "fatal error: all goroutines are asleep - deadlock!"
    );
}

// ----- select -----

#[test]
fn select_explores_every_ready_case() {
    let c = check(&scenario(
        r#"Chan("a", 1), Chan("b", 1)"#,
        r#"Send("a", 1),
           Send("b", 2),
           Select([
             Recv(chan: "a", body: [Assert("false", "took a")]), // case a
             Recv(chan: "b", body: [Assert("false", "took b")]), // case b
           ]),"#,
    ));
    assert_eq!(c.kinds(), vec![Assert]);
    assert_eq!(
        c.lines(Assert),
        vec![c.line_of("// case a"), c.line_of("// case b")]
    );
}

#[test]
fn select_takes_default_only_when_no_case_is_ready() {
    let ready = check(&scenario(
        r#"Chan("a", 1)"#,
        r#"Send("a", 1),
           Select([Recv(chan: "a"), Default([Assert("false", "default")])]),"#,
    ));
    assert_eq!(ready.kinds(), vec![]);
    let empty = check(&scenario(
        r#"Chan("a", 1)"#,
        r#"Select([Recv(chan: "a"), Default([Assert("false", "default")])]),"#,
    ));
    assert_eq!(empty.kinds(), vec![Assert]);
}

#[test]
fn select_with_a_waiting_unbuffered_partner_is_ready() {
    // The sender may not have arrived yet (default), or be waiting (case).
    let c = check(&scenario(
        r#"Chan("a", 0)"#,
        r#"Go(body: [Send("a", 1)]),
           Select([
             Recv(chan: "a", body: [Assert("false", "case")]),
             Default([Assert("false", "default")]),
           ]),"#,
    ));
    let mut msgs: Vec<&str> = c.bugs(Assert).iter().map(|b| b.message.as_str()).collect();
    msgs.sort();
    assert_eq!(
        msgs,
        vec!["assertion failed: case", "assertion failed: default"]
    );
}

#[test]
fn a_nil_channel_case_is_never_ready() {
    let c = check(&scenario(
        r#"NilChan("n")"#,
        r#"Select([Recv(chan: "n", body: [Assert("false", "nil ready")]), Default([])]),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

// ----- Mutex and RWMutex -----

#[test]
fn locking_a_held_mutex_twice_deadlocks() {
    let c = check(&scenario(
        r#"Mutex("mu")"#,
        r#"Lock("mu"),
           Lock("mu"), // second
        "#,
    ));
    assert_eq!(c.kinds(), vec![Deadlock]);
    assert_eq!(c.lines(Deadlock), vec![c.line_of("// second")]);
}

#[test]
fn unlock_of_unlocked_mutex_is_fatal() {
    let c = check(&scenario(r#"Mutex("mu")"#, r#"Unlock("mu"),"#));
    assert_eq!(
        c.bugs(Panic)[0].message,
        "fatal error: sync: unlock of unlocked mutex"
    );
}

#[test]
fn recursive_rlock_deadlocks_behind_a_waiting_writer() {
    let c = check(&scenario(
        r#"RWMutex("mu")"#,
        r#"Go(body: [Lock("mu"), Unlock("mu")]),
           RLock("mu"),
           RLock("mu"), // recursive
           RUnlock("mu"),
           RUnlock("mu"),"#,
    ));
    assert_eq!(c.kinds(), vec![Deadlock]);
    let d = c.bugs(Deadlock)[0];
    assert_eq!(c.line(d.site), c.line_of("// recursive"));
    assert_eq!(d.involved.len(), 2, "main and the writer are both stuck");
}

#[test]
fn rlock_without_writer_is_shared() {
    let c = check(&scenario(
        r#"RWMutex("mu")"#,
        r#"Go(body: [RLock("mu"), RUnlock("mu")]),
           RLock("mu"),
           RLock("mu"),
           RUnlock("mu"),
           RUnlock("mu"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn runlock_without_rlock_is_fatal() {
    let c = check(&scenario(r#"RWMutex("mu")"#, r#"RUnlock("mu"),"#));
    assert_eq!(
        c.bugs(Panic)[0].message,
        "fatal error: sync: RUnlock of unlocked RWMutex"
    );
}

#[test]
fn trylock_reports_whether_it_locked() {
    let c = check(&scenario(
        r#"Mutex("mu")"#,
        r#"TryLock(mutex: "mu", into: "a"),
           TryLock(mutex: "mu", into: "b"),
           Assert("a && !b", "first wins, second fails"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

// ----- WaitGroup -----

#[test]
fn add_inside_the_spawned_goroutine_races_with_wait() {
    let c = check(&scenario(
        r#"WaitGroup("wg")"#,
        r#"Go(body: [
             Add("wg", 1), // add
             Done("wg"),
           ]),
           Wait("wg"), // wait"#,
    ));
    assert_eq!(c.kinds(), vec![Race]);
    let r = c.bugs(Race)[0];
    let mut lines: Vec<u32> = r.involved.iter().map(|i| c.line(i.site)).collect();
    lines.sort();
    assert_eq!(lines, vec![c.line_of("// add"), c.line_of("// wait")]);
}

#[test]
fn add_before_go_is_correct() {
    let c = check(&scenario(
        r#"WaitGroup("wg"), Var("x", 0)"#,
        r#"Add("wg", 2),
           Go(body: [Set("x", 1), Done("wg")]),
           Go(body: [Done("wg")]),
           Wait("wg"),
           Assert("x == 1", "done happens before wait returns"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn negative_waitgroup_counter_panics() {
    let c = check(&scenario(r#"WaitGroup("wg")"#, r#"Done("wg"),"#));
    assert_eq!(
        c.bugs(Panic)[0].message,
        "panic: sync: negative WaitGroup counter"
    );
}

/// Go's probe (5 of 5 runs panic, without `-race`): the goroutine's `Done`
/// releases main's `Wait`, and its `Add` from zero comes before main wakes.
#[test]
fn a_waitgroup_reused_before_its_wait_returned_panics() {
    let c = check(&scenario(
        r#"WaitGroup("wg")"#,
        r#"Add("wg", 1),
           Go(body: [
             Done("wg"),
             Add("wg", 1), // add
             Done("wg"),
           ]),
           Wait("wg"), // wait"#,
    ));
    assert_eq!(c.kinds(), vec![Race, Panic]);
    let p = c.bugs(Panic)[0];
    assert_eq!(
        p.message,
        "panic: sync: WaitGroup is reused before previous Wait has returned"
    );
    assert_eq!(c.line(p.site), c.line_of("// wait"));
}

/// Two waiters; the first to return tells main, which adds again before
/// the second has woken. Go: 3 of 10 runs panic (and 6 of 10 report the
/// race: the second waiter registered first).
#[test]
fn a_released_waiter_that_has_not_woken_panics_at_the_next_add() {
    let c = check(&scenario(
        r#"WaitGroup("wg"), Chan("ch", 2)"#,
        r#"Add("wg", 1),
           Go(body: [Wait("wg"), Send("ch", 1)]),
           Go(body: [Wait("wg"), Send("ch", 1)]),
           Done("wg"),
           Recv("ch"),
           Add("wg", 1),
           Done("wg"),
           Recv("ch"),"#,
    ));
    assert_eq!(c.kinds(), vec![Race, Panic]);
    assert!(c.bugs(Panic).iter().all(|b| b
        .message
        .ends_with("reused before previous Wait has returned")));
}

/// Go: no race and no panic in 10 of 10 runs: each round's `Add` comes
/// after the `Wait` of the round before returned.
#[test]
fn a_waitgroup_reused_after_its_wait_returned_is_correct() {
    let c = check(&scenario(
        r#"WaitGroup("wg"), Var("x", 0)"#,
        r#"For("i", 0, 2, [
             Add("wg", 1),
             Go(body: [Set("x", "x + 1"), Done("wg")]),
             Wait("wg"),
           ]),
           Assert("x == 2", "both rounds counted"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

/// A `Wait` beside a counted loop that starts the goroutines it waits for:
/// the bound of `Done`s ahead reads how many iterations the loop has
/// left, so the `Wait` does not register while they can take no more than
/// the counter holds (and does when they can: one `Done` too many).
/// `check` compares each verdict with every blocking `Wait` registering.
#[test]
fn a_wait_beside_a_counted_loop_that_starts_its_goroutines() {
    let run = |adds: u32| {
        check(&scenario(
            r#"WaitGroup("wg"), Var("n", 0)"#,
            &format!(
                r#"Add("wg", {adds}),
                   Go(body: [Wait("wg"), Assert("n == 3", "every worker counted")]),
                   For("i", 0, 3, [Go(body: [AtomicAdd("n", 1), Done("wg")])]),"#
            ),
        ))
    };
    assert_eq!(run(3).kinds(), vec![]);
    let short = run(2);
    assert!(short
        .bugs(Panic)
        .iter()
        .any(|b| b.message == "panic: sync: negative WaitGroup counter"));
    assert!(short.kinds().contains(&Assert));
}

// ----- Cond -----

#[test]
fn a_signal_with_no_waiter_is_lost() {
    let c = check(&scenario(
        r#"Mutex("mu"), Cond("c", "mu")"#,
        r#"Go(body: [Lock("mu"), Signal("c"), Unlock("mu")]),
           Lock("mu"),
           Wait("c"), // waits
           Unlock("mu"),"#,
    ));
    assert_eq!(c.kinds(), vec![Deadlock]);
    assert_eq!(c.lines(Deadlock), vec![c.line_of("// waits")]);
}

#[test]
fn cond_with_a_predicate_loop_is_correct() {
    let c = check(&scenario(
        r#"Mutex("mu"), Cond("c", "mu"), Var("ready", false)"#,
        r#"Go(body: [Lock("mu"), Set("ready", true), Broadcast("c"), Unlock("mu")]),
           Lock("mu"),
           While("!ready", [Wait("c")]),
           Unlock("mu"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn cond_wait_without_the_lock_is_fatal() {
    let c = check(&scenario(
        r#"Mutex("mu"), Cond("c", "mu")"#,
        r#"Wait("c"),"#,
    ));
    assert_eq!(
        c.bugs(Panic)[0].message,
        "fatal error: sync: unlock of unlocked mutex"
    );
}

// ----- Once -----

#[test]
fn do_inside_do_deadlocks() {
    let c = check(&scenario(
        r#"Once("o")"#,
        r#"Do("o", [
             Do("o", []), // inner
           ]),"#,
    ));
    assert_eq!(c.kinds(), vec![Deadlock]);
    assert_eq!(c.lines(Deadlock), vec![c.line_of("// inner")]);
}

#[test]
fn once_runs_f_exactly_once() {
    let c = check(&scenario(
        r#"Once("o"), Var("n", 0), WaitGroup("wg")"#,
        r#"Add("wg", 2),
           Go(body: [Do("o", [AtomicAdd("n", 1)]), Done("wg")]),
           Go(body: [Do("o", [AtomicAdd("n", 1)]), Done("wg")]),
           Wait("wg"),
           AtomicLoad("n", "v"),
           Assert("v == 1", "exactly once"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

// ----- context -----

#[test]
fn cancel_of_a_parent_closes_the_childrens_done() {
    let c = check(&scenario(
        "",
        r#"WithCancel("parent", "cancelP"),
           WithCancel(ctx: "child", cancel: "cancelC", parent: "parent"),
           Go(body: [Cancel("cancelP")]),
           Recv("child.Done()"),
           Assert("child.Err() == Canceled", "the child reports the parent's error"),
           Cancel("cancelC"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn a_cancel_never_called_is_a_context_leak() {
    let c = check(&scenario(
        "",
        r#"WithCancel("ctx", "cancel"), // made
           Either([[Cancel("cancel")], []]),"#,
    ));
    assert_eq!(c.kinds(), vec![ContextLeak]);
    assert_eq!(c.lines(ContextLeak), vec![c.line_of("// made")]);
}

#[test]
fn with_timeout_expires_with_deadline_exceeded() {
    let c = check(&scenario(
        "",
        r#"WithTimeout("ctx", "cancel", 5),
           Defer([Cancel("cancel")]),
           Recv("ctx.Done()"),
           Assert("ctx.Err() == DeadlineExceeded", "expired"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

// ----- time -----

#[test]
fn a_timer_of_zero_duration_has_already_fired() {
    let c = check(&scenario(
        "",
        r#"After("c", 0),
           Select([Recv(chan: "c"), Default([Assert("false", "not fired yet")])]),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
    let c = check(&scenario(
        "",
        r#"After("c", 10),
           Select([Recv(chan: "c"), Default([Assert("false", "not fired yet")])]),"#,
    ));
    assert_eq!(
        c.kinds(),
        vec![Assert],
        "a positive timer may not have fired"
    );
}

#[test]
fn a_stop_that_wins_prevents_the_fire() {
    let c = check(&scenario(
        "",
        r#"Timer("t", 1),
           Stop(timer: "t", into: "stopped"),
           If("stopped", [
             Recv("t.C"), // never fires
           ]),"#,
    ));
    assert_eq!(c.kinds(), vec![Deadlock]);
    assert_eq!(c.lines(Deadlock), vec![c.line_of("// never fires")]);
}

#[test]
fn a_ticker_loop_with_main_blocked_forever_is_a_leak() {
    let c = check(&scenario(
        r#"Chan("never", 0)"#,
        r#"Go(body: [Ticker("t", 1), Loop([Recv("t.C")])]),
           Recv("never"), // main stuck"#,
    ));
    assert_eq!(c.kinds(), vec![Leak]);
    assert_eq!(c.lines(Leak), vec![c.line_of("// main stuck")]);
}

// ----- variables, maps, atomics -----

#[test]
fn unsynchronised_counter_races_and_loses_updates() {
    let c = check(&scenario(
        r#"Var("x", 0), WaitGroup("wg")"#,
        r#"Add("wg", 2),
           Go(body: [Set("x", "x + 1"), Done("wg")]),
           Go(body: [Set("x", "x + 1"), Done("wg")]),
           Wait("wg"),
           Assert("x == 2", "lost update"),"#,
    ));
    assert_eq!(c.kinds(), vec![Race, Assert]);
    assert_eq!(c.bugs(Assert)[0].message, "assertion failed: lost update");
}

#[test]
fn mutex_protected_counter_is_clean() {
    let c = check(&scenario(
        r#"Var("x", 0), WaitGroup("wg"), Mutex("mu")"#,
        r#"Add("wg", 2),
           Go(body: [Lock("mu"), Set("x", "x + 1"), Unlock("mu"), Done("wg")]),
           Go(body: [Lock("mu"), Set("x", "x + 1"), Unlock("mu"), Done("wg")]),
           Wait("wg"),
           Assert("x == 2", "no lost update"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn atomics_never_race_but_atomic_versus_plain_does() {
    let c = check(&scenario(
        r#"Var("n", 0)"#,
        r#"Go(body: [AtomicAdd("n", 1)]),
           AtomicAdd("n", 1),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
    let c = check(&scenario(
        r#"Var("n", 0)"#,
        r#"Go(body: [AtomicAdd("n", 1)]),
           Set("n", 5),"#,
    ));
    assert_eq!(c.kinds(), vec![Race]);
}

#[test]
fn a_map_written_from_two_goroutines_races() {
    let c = check(&scenario(
        r#"Map("m")"#,
        r#"Go(body: [Set("m[1]", 1)]),
           Set("m[2]", 2),"#,
    ));
    assert_eq!(c.kinds(), vec![Race]);
    assert!(c.bugs(Race)[0].message.contains("concurrent map writes"));
}

// ----- observations without synchronisation -----
//
// Each scenario is a Go program whose race `go run -race` (Go 1.19)
// reported in every run, 10 to 50 runs each: the observer's read of `x`
// is ordered after the write only by what an operation saw, with no
// happens-before edge. Two accesses about to happen in one state cannot
// show such a race; a program that executes such an operation keeps
// happens-before knowledge in its states (`semantics::happens`), and the
// race is found with its first access in the schedule's past. Where the
// knowledge is not kept (sync.Map, errgroups, ...), the search names the
// operation, so that the verdict says races were not decided. The same
// operations used without observing another goroutine must not be named.

impl Checked {
    /// The observations without synchronisation, as (kind, line).
    fn unsynced(&self) -> Vec<(ObservationKind, u32)> {
        self.out
            .unsynced
            .iter()
            .map(|o| (o.kind, self.line(o.site)))
            .collect()
    }

    /// The races, each as its two lines (sorted).
    fn race_lines(&self) -> Vec<[u32; 2]> {
        let mut out: Vec<[u32; 2]> = self
            .bugs(Race)
            .iter()
            .map(|b| {
                let mut l = [b.involved[0].site, b.involved[1].site].map(|s| self.line(s));
                l.sort();
                l
            })
            .collect();
        out.sort();
        out
    }
}

#[test]
fn a_race_ordered_only_by_len_of_a_channel_is_found() {
    let c = check(&scenario(
        r#"Chan("c", 1), Var("x", 0)"#,
        r#"Go(body: [Set("x", 1), Send("c", 1)]), // writes
           If("len(c) > 0", [
             Let("seen", "x"), // reads
           ]),"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// writes"), c.line_of("// reads")]],
            vec![]
        )
    );
    // The length of a map is a read of the map, ordered like any other.
    let c = check(&scenario(
        r#"Map("m")"#,
        r#"Set("m[1]", 1),
           Let("n", "len(m)"),
           Assert("n == 1", "one entry"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
}

#[test]
fn a_race_ordered_only_by_a_select_default_is_found() {
    // The buffer is full only once the goroutine has sent, after its write.
    let c = check(&scenario(
        r#"Chan("c", 1), Var("x", 0)"#,
        r#"Go(body: [Set("x", 1), Send("c", 1)]), // writes
           Select([
             Send("c", 2, []),
             Default([Let("seen", "x")]), // reads
           ]),"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// writes"), c.line_of("// reads")]],
            vec![]
        )
    );
}

#[test]
fn an_observation_in_a_program_that_cannot_race_hides_nothing() {
    // A default taken while the goroutine has not sent yet, but no plain
    // variable, no close and no WaitGroup: no race to hide, so the
    // verdict is decided.
    let c = check(&scenario(
        r#"Chan("c", 1), Var("x", 0)"#,
        r#"Go(body: [AtomicStore("x", "1"), Send("c", 1)]),
           Select([
             Recv("c", []),
             Default([AtomicLoad("x", "seen")]),
           ]),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
    // With a WaitGroup `Add` beside a `Wait` in another goroutine, the
    // program can race, and keeps the knowledge: the race is found and
    // the verdict is decided.
    let c = check(&scenario(
        r#"Chan("c", 1), WaitGroup("wg")"#,
        r#"Go(body: [Add("wg", 1), Send("c", 1), Done("wg")]), // adds
           Select([
             Recv("c", []),
             Default([]),
           ]),
           Wait("wg"), // waits"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (vec![[c.line_of("// adds"), c.line_of("// waits")]], vec![])
    );
}

#[test]
fn a_race_ordered_only_by_a_failed_trylock_is_found() {
    // Go's TryLock synchronises only when it takes the lock.
    let c = check(&scenario(
        r#"Mutex("mu"), Var("x", 0)"#,
        r#"Go(body: [Set("x", 1), Lock("mu")]), // writes
           TryLock(mutex: "mu", into: "got"),
           If("!got", [Let("seen", "x")]), // reads"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// writes"), c.line_of("// reads")]],
            vec![]
        )
    );
    let c = check(&scenario(
        r#"Mutex("mu")"#,
        r#"TryLock(mutex: "mu", into: "got"),
           Assert("got", "a free mutex is taken"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
}

#[test]
fn a_race_ordered_only_by_a_stop_returning_false_is_found() {
    // Stop is false once the goroutine stopped the timer (Go 1.23: also
    // never when only fired); Go's timers release only at start and
    // `Reset`, so nothing orders the goroutine's write first.
    let c = check(&scenario(
        r#"Var("x", 0)"#,
        r#"Timer("t", 1),
           Go(body: [Set("x", 1), Stop(timer: "t")]), // writes
           Stop(timer: "t", into: "stopped"),
           If("!stopped", [Let("seen", "x")]), // reads"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// writes"), c.line_of("// reads")]],
            vec![]
        )
    );
    // A result not used observes nothing.
    let c = check(&scenario(
        "",
        r#"Timer("t", 1),
           Go(body: [Stop(timer: "t")]),
           Stop(timer: "t"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
}

/// [`check`] of a scenario whose states keep the knowledge: its verdict
/// names no observation (every race is decided).
fn decided(globals: &str, main: &str) -> Checked {
    let c = check(&scenario(globals, main));
    assert_eq!(c.unsynced(), vec![], "{main}");
    c
}

#[test]
fn contexts_order_as_in_go() {
    // Package context synchronises through the context's mutex, its
    // `done` field and the channel a cancel closes
    // (`semantics::context_edges`). Each program below was run as Go
    // (1.19, `go run -race`, 20 runs); `len` makes weft keep the
    // knowledge, so every verdict is decided.

    // `ctx.Err()` locks the mutex: the goroutine's Err comes before main
    // sees its send, so main's Err orders the write. Go: no race in 20
    // of 20 runs; without main's Err, a race in 20 of 20.
    let err_orders = |main_err: &str| {
        decided(
            r#"Chan("c", 1), Var("x", 0)"#,
            &format!(
                r#"WithCancel("ctx", "cancel"),
                   Go(body: [Set("x", 1), Let("e", "ctx.Err()"), Send("c", 1)]), // writes
                   If("len(c) > 0", [{main_err} Let("seen", "x")]), // reads
                   Cancel("cancel"),"#
            ),
        )
    };
    assert_eq!(err_orders(r#"Let("f", "ctx.Err()"),"#).kinds(), vec![]);
    let c = err_orders("");
    assert_eq!(
        c.race_lines(),
        vec![[c.line_of("// writes"), c.line_of("// reads")]]
    );
    // Two `Err()` calls do not commute: the reader's Err before the
    // writer's leaves the write unordered with the read (each goroutine
    // order, so that neither is the one a search takes first). Go (main
    // as the reader): a race in 17 of 20 runs.
    let writer =
        r#"Go(body: [Set("x", 1), Send("d", 1), Let("e", "ctx.Err()"), Send("c", 1)]), // writes"#;
    let reader = r#"Go(body: [
             While("len(d) == 0", []),
             Let("f", "ctx.Err()"),
             If("len(c) > 0", [Let("seen", "x")]), // reads
           ]),"#;
    for (first, second) in [(writer, reader), (reader, writer)] {
        let c = decided(
            r#"Chan("c", 1), Chan("d", 1), Var("x", 0)"#,
            &format!(
                r#"WithCancel("ctx", "cancel"),
                   {first}
                   {second}
                   Cancel("cancel"),"#
            ),
        );
        let mut lines = [c.line_of("// writes"), c.line_of("// reads")];
        lines.sort();
        assert_eq!(c.race_lines(), vec![lines], "{first}");
    }
    // The first `Done()` call makes the channel under the mutex: a select
    // that takes its other case has still called it. Go: no race in 20
    // of 20 runs; without main's Err, a race in 20 of 20.
    let done_call_orders = |main_err: &str| {
        decided(
            r#"Chan("c", 1), Var("x", 0)"#,
            &format!(
                r#"WithCancel("ctx", "cancel"),
                   Go(body: [Set("x", 1), Select([Recv("ctx.Done()", []), Send("c", 1, [])])]), // writes
                   If("len(c) > 0", [{main_err} Let("seen", "x")]), // reads
                   Cancel("cancel"),"#
            ),
        )
    };
    assert_eq!(
        done_call_orders(r#"Let("f", "ctx.Err()"),"#).kinds(),
        vec![]
    );
    let c = done_call_orders("");
    assert_eq!(
        c.race_lines(),
        vec![[c.line_of("// writes"), c.line_of("// reads")]]
    );
    // A cancel visits the children in a Go map's order: it closes `b`'s
    // channel before or after locking `a`'s mutex, which knows the write.
    // Go: a race in 3 of 20 runs; weft finds it (the order where `b`
    // comes first). With the write known to `b`'s own mutex, which the
    // cancel locks before closing `b`'s channel: no race in 20 of 20.
    let siblings = |known: &str| {
        decided(
            r#"Chan("c", 1), Var("x", 0)"#,
            &format!(
                r#"WithCancel("parent", "cancel"),
                   WithCancel("a", "cancelA", "parent"),
                   WithCancel("b", "cancelB", "parent"),
                   Go(body: [Set("x", 1), Let("e", "{known}.Err()"), Send("c", 1)]), // writes
                   Go(body: [While("len(c) == 0", []), Cancel("cancel")]),
                   Recv(chan: "b.Done()"),
                   Let("seen", "x"), // reads
                   Cancel("cancelA"), Cancel("cancelB"),"#
            ),
        )
    };
    let c = siblings("a");
    assert_eq!(
        c.race_lines(),
        vec![[c.line_of("// writes"), c.line_of("// reads")]]
    );
    assert_eq!(siblings("b").kinds(), vec![]);
    // A deadline's cancel knows what the timer knew when the context was
    // made, not main's later write. Go: a race in 17 of 20 runs.
    let c = decided(
        r#"Chan("c", 1), Chan("fin", 0), Var("x", 0)"#,
        r#"WithTimeout(ctx: "ctx", cancel: "cancel", timeout: 1),
           Go(body: [
             Recv(chan: "ctx.Done()"),
             If("len(c) > 0", [Let("seen", "x")]), // reads
             Send("fin", 1),
           ]),
           Set("x", 1), // writes
           Send("c", 1), Recv(chan: "fin"), Cancel("cancel"),"#,
    );
    assert_eq!(
        c.race_lines(),
        vec![[c.line_of("// reads"), c.line_of("// writes")]]
    );
}

#[test]
fn a_write_after_time_afterfunc_or_after_its_own_once_do_races() {
    // `go run -race` (Go 1.19) reported both in 10 of 10 runs: the
    // callback learns only what its caller knew at `AfterFunc`; a `Do`
    // that finds f done learns f's effects, not what its caller did after.
    let c = check(&scenario(
        r#"Chan("done", 1), Var("x", 0)"#,
        r#"AfterFunc(5, [Let("seen", "x"), Send("done", 1)]), // reads
           Set("x", 1), // writes
           Let("n", "len(done)"),
           Recv(chan: "done"),"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// reads"), c.line_of("// writes")]],
            vec![]
        )
    );
    let c = check(&scenario(
        r#"Chan("done", 1), Once("o"), Var("y", 0)"#,
        r#"Go(body: [Do("o", []), Set("y", 1), Send("done", 1)]), // writes
           Do("o", []),
           Let("seen", "y"), // reads
           Let("n", "len(done)"),
           Recv(chan: "done"),"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// writes"), c.line_of("// reads")]],
            vec![]
        )
    );
}

#[test]
fn a_race_ordered_only_by_a_signal_waking_a_wait_is_found() {
    // sync.Cond has no happens-before edge of its own: the signaller
    // writes and signals without the lock, and `go run -race` reports the
    // read after the Wait (the signal may also come first and be lost).
    let c = check(&scenario(
        r#"Mutex("mu"), Cond("c", "mu"), Var("x", 0)"#,
        r#"Go(body: [Set("x", 1), Signal("c")]), // writes
           Lock("mu"),
           Wait("c"),
           Let("seen", "x"), // reads
           Unlock("mu"),"#,
    ));
    assert_eq!(c.kinds(), vec![Deadlock, Race]);
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// writes"), c.line_of("// reads")]],
            vec![]
        )
    );
    // Signalled under the lock, the write is ordered by the lock.
    let c = check(&scenario(
        r#"Mutex("mu"), Cond("c", "mu"), Var("x", 0), Var("ready", 0)"#,
        r#"Go(body: [Lock("mu"), Set("x", 1), Set("ready", 1), Signal("c"), Unlock("mu")]),
           Lock("mu"),
           While("ready == 0", [Wait("c")]),
           Let("seen", "x"),
           Unlock("mu"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
    // A signal that wakes nobody observes nothing.
    let c = check(&scenario(
        r#"Mutex("mu"), Cond("c", "mu")"#,
        r#"Signal("c"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
}

#[test]
fn a_waitgroup_race_ordered_only_by_len_of_a_channel_is_found() {
    // Go's race detector reads a WaitGroup's semaphore at an `Add` from
    // zero and writes it when a `Wait` registers as the first waiter.
    // Each program was run as Go (1.19, `go run -race`, 20 runs), with
    // `len` polled in a loop and the goroutine's `Done` after a sleep.

    // The goroutine adds from zero; main sees its send through `len` and
    // waits. Go: a race in 20 of 20 runs; receiving instead, none in 20.
    let add_then_wait = |receive: &str| {
        decided(
            r#"WaitGroup("wg"), Chan("c", 1)"#,
            &format!(
                r#"Go(body: [Add("wg", 1), Send("c", 1), Done("wg")]), // adds
                   If("len(c) > 0", [{receive}
                     Wait("wg"), // waits
                   ]),"#
            ),
        )
    };
    let c = add_then_wait("");
    assert_eq!(
        c.race_lines(),
        vec![[c.line_of("// adds"), c.line_of("// waits")]]
    );
    assert_eq!(add_then_wait(r#"Recv("c"),"#).kinds(), vec![]);
    // A goroutine's `Wait` blocks and is released; main learns of it
    // through `len` and adds from zero. Go: a race in 20 of 20 runs;
    // receiving instead, none in 20.
    let wait_then_add = |receive: &str| {
        decided(
            r#"WaitGroup("wg"), Chan("done", 1)"#,
            &format!(
                r#"Add("wg", 1),
                   Go(body: [Wait("wg"), Send("done", 1)]), // waits
                   Go(body: [Done("wg")]),
                   If("len(done) > 0", [{receive}
                     Add("wg", 1), // adds
                     Done("wg"),
                   ]),"#
            ),
        )
    };
    let c = wait_then_add("");
    assert_eq!(
        c.race_lines(),
        vec![[c.line_of("// waits"), c.line_of("// adds")]]
    );
    assert_eq!(wait_then_add(r#"Recv("done"),"#).kinds(), vec![]);
    // The same, and main then waits as the first waiter of the second
    // round: its registration races with the first round's too. Go: a
    // race in 20 of 20 runs (it reports one per address: the `Add`).
    let c = decided(
        r#"WaitGroup("wg"), Chan("done", 1)"#,
        r#"Add("wg", 1),
           Go(body: [Wait("wg"), Send("done", 1)]), // first waiter
           Go(body: [Done("wg")]),
           If("len(done) > 0", [
             Add("wg", 1), // adds
             Go(body: [Done("wg")]),
             Wait("wg"), // second waiter
           ]),"#,
    );
    assert_eq!(c.kinds(), vec![Race]);
    assert_eq!(
        c.race_lines(),
        vec![
            [c.line_of("// first waiter"), c.line_of("// adds")],
            [c.line_of("// first waiter"), c.line_of("// second waiter")],
        ]
    );
}

#[test]
fn in_a_program_keeping_knowledge_every_synchronisation_orders_as_in_go() {
    // Each program orders its write and read as Go's race detector sees
    // it (Go's memory model: a send before its receive completes, a
    // receive from an unbuffered channel before its send completes, the
    // k-th receive before the (k+C)-th send completes, a close before a
    // receive that sees it, Unlock before the next Lock, RUnlock before
    // the next Lock, Done before Wait returns, an atomic store before the
    // load that sees it, `go` before the goroutine's first step, f of
    // `once.Do` before a `Do` that finds it done, `t.Reset` before the
    // fire it arms is received, `time.AfterFunc` before its callback). The
    // `len` makes the program keep happens-before knowledge: no race, and
    // nothing left undecided.
    for (globals, main) in [
        (
            r#"Chan("c", 0)"#,
            r#"Go(body: [Set("x", 1), Send("c", 1)]), Recv(chan: "c"), Let("seen", "x")"#,
        ),
        (
            r#"Chan("c", 0)"#,
            r#"Go(body: [Set("x", 1), Recv(chan: "c")]), Send("c", 1), Let("seen", "x")"#,
        ),
        (
            r#"Chan("c", 1)"#,
            r#"Go(body: [Set("x", 1), Send("c", 1)]), Recv(chan: "c"), Let("seen", "x")"#,
        ),
        (
            r#"Chan("c", 1)"#,
            r#"Send("c", 0), Go(body: [Set("x", 1), Recv(chan: "c")]), Send("c", 1), Let("seen", "x")"#,
        ),
        (
            r#"Chan("c", 0)"#,
            r#"Go(body: [Set("x", 1), Close("c")]), Recv(chan: "c"), Let("seen", "x")"#,
        ),
        (
            r#"Chan("c", 0)"#,
            r#"Go(body: [Set("x", 1), Send("c", 1)]), Select([Recv("c", [Let("seen", "x")])])"#,
        ),
        (
            r#"Mutex("mu")"#,
            r#"Go(body: [Lock("mu"), Set("x", 1), Unlock("mu")]), Lock("mu"), Let("seen", "x"), Unlock("mu")"#,
        ),
        (
            r#"RWMutex("rw")"#,
            r#"Go(body: [Lock("rw"), Set("x", 1), Unlock("rw")]), RLock("rw"), Let("seen", "x"), RUnlock("rw")"#,
        ),
        (
            r#"RWMutex("rw")"#,
            r#"Go(body: [RLock("rw"), Let("seen", "x"), RUnlock("rw")]), Lock("rw"), Set("x", 1), Unlock("rw")"#,
        ),
        (
            r#"WaitGroup("wg")"#,
            r#"Add("wg", 1), Go(body: [Set("x", 1), Done("wg")]), Wait("wg"), Let("seen", "x")"#,
        ),
        (
            r#"Var("flag", 0)"#,
            r#"Go(body: [Set("x", 1), AtomicStore("flag", "1")]), AtomicLoad("flag", "f"), If("f == 1", [Let("seen", "x")])"#,
        ),
        (
            r#"Var("y", 0)"#,
            r#"Set("x", 1), Go(body: [Let("seen", "x")])"#,
        ),
        // `once.Do` finding f done (the atomic load of `done`) after the
        // f that wrote; a later caller reads.
        (
            r#"Once("o")"#,
            r#"Go(body: [Do("o", [Set("x", 1)])]), Do("o", [Set("x", 2)]), Let("seen", "x")"#,
        ),
        // A timer's fire after the `Reset` that released it, received.
        (
            r#"Chan("quit", 0)"#,
            r#"Timer("t", 1), Stop(timer: "t", into: "stopped"),
               If("stopped", [
                 Go(body: [Recv(chan: "t.C"), Let("seen", "x"), Send("quit", 1)]),
                 Set("x", 1), Reset("t", 1), Recv(chan: "quit"),
               ])"#,
        ),
        // A `time.AfterFunc` callback after the call (another goroutine
        // alive keeps the write from being known to all).
        (
            r#"Chan("quit", 0)"#,
            r#"Go(body: [Recv(chan: "quit")]), Set("x", 1),
               AfterFunc(5, [Let("seen", "x"), Send("quit", 1)])"#,
        ),
    ] {
        let c = check(&scenario(
            &format!(r#"Chan("obs", 1), Var("x", 0), {globals}"#),
            &format!(r#"Let("n", "len(obs)"), {main},"#),
        ));
        assert_eq!(
            (c.kinds(), c.unsynced()),
            (vec![], vec![]),
            "{globals}: {main}"
        );
    }
}

#[test]
fn a_buffered_channel_of_empty_structs_orders_every_operation_after_the_earlier_ones() {
    // Go's race detector gives a `chan struct{}` buffer one address, which
    // every buffered send and receive acquires and releases: main's send
    // after the goroutine's (seen by `len`) orders the write before the
    // read, and `go run -race` (Go 1.19) reported nothing in 10 runs. With
    // `chan bool` each send fills its own slot, and it reported the race
    // in 10 of 10.
    let program = |elem: &str| {
        scenario(
            &format!(r#"Chan("sem", 2{elem}), Var("x", 0)"#),
            r#"Go(body: [Set("x", 1), Send("sem", 0)]), // writes
               Let("n", "len(sem)"),
               If("n == 1", [Send("sem", 0), Let("seen", "x")]), // reads"#,
        )
    };
    let c = check(&program(r#", "struct{}""#));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
    let c = check(&program(""));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// writes"), c.line_of("// reads")]],
            vec![]
        )
    );
}

#[test]
fn a_select_reads_the_state_of_a_send_case_it_does_not_take() {
    // Go's `selectgo` reads the closed state of each send case it polls,
    // in a random order: a close ordered after the select only by `len`
    // races with it although the select took `done` (`go run -race` 1.19:
    // 12 of 20 runs).
    let c = check(&scenario(
        r#"Chan("ch", 0), Chan("done", 1), Chan("fin", 1)"#,
        r#"Send("done", 1),
           Go(body: [Select([Send("ch", 1, []), Recv("done", [])]), Send("fin", 1)]), // selects
           Let("n", "len(fin)"),
           If("n == 1", [Close("ch")]), // closes"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// selects"), c.line_of("// closes")]],
            vec![]
        )
    );
}

#[test]
fn a_close_ordered_after_a_send_only_by_len_races() {
    // Go's race detector reads a channel's closed state at a send and
    // writes it at close: ordered only by `len`, the two race
    // (`go run -race`: 10 of 10 runs); ordered by a receive, they do not
    // (0 of 5).
    let c = check(&scenario(
        r#"Chan("c", 1)"#,
        r#"Go(body: [Send("c", 1)]), // sends
           If("len(c) > 0", [
             Close("c"), // closes
           ]),"#,
    ));
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// sends"), c.line_of("// closes")]],
            vec![]
        )
    );
    assert!(c.bugs(Race)[0]
        .message
        .contains("concurrent with its close"));
    let c = check(&scenario(
        r#"Chan("c", 1), Chan("done", 0), Chan("obs", 1)"#,
        r#"Let("n", "len(obs)"),
           Go(body: [Send("c", 1), Send("done", 1)]),
           Recv(chan: "done"),
           Close("c"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
}

#[test]
fn in_a_program_keeping_knowledge_a_release_of_another_goroutines_lock_races() {
    // Go's Unlock releases and acquires nothing: where the goroutine's
    // unlock succeeds, it learnt of main's Lock (after main's write)
    // without an edge, and its read races (the Go probe below).
    let c = check(&scenario(
        r#"Chan("obs", 1), Mutex("mu"), Var("x", 0)"#,
        r#"Let("n", "len(obs)"),
           Go(body: [
             Unlock("mu"), // the release
             Let("seen", "x"), // reads
           ]),
           Set("x", 1), // writes
           Lock("mu"),"#,
    ));
    assert_eq!(c.kinds(), vec![Race, Panic]);
    assert_eq!(
        (c.race_lines(), c.unsynced()),
        (
            vec![[c.line_of("// reads"), c.line_of("// writes")]],
            vec![]
        )
    );
}

#[test]
fn a_release_of_another_goroutines_lock_or_add_observes_without_synchronising() {
    // Go's Unlock and Done release and acquire nothing: where the unlock
    // succeeds, it learnt of main's Lock (after main's write), and the
    // read races (`go run -race`: 10 of 10 runs, each). Where it comes
    // first, it crashes. An Unlock whose own frame may not hold the lock
    // makes the states keep happens-before knowledge
    // (`weft_models::releases`), so the race is found; a Done that may
    // take the counter below zero does not, and leaves races undecided.
    let unlock = |release: &str, acquire: &str| {
        check(&scenario(
            r#"Mutex("mu"), Var("x", 0)"#,
            &format!(
                r#"Go(body: [
                     {release}, // the release
                     Let("seen", "x"), // reads
                   ]),
                   Set("x", 1), // writes
                   {acquire},"#
            ),
        ))
    };
    let c = unlock(r#"Unlock("mu")"#, r#"Lock("mu")"#);
    assert_eq!(
        (c.kinds(), c.lines(Panic), c.unsynced()),
        (vec![Race, Panic], vec![c.line_of("// the release")], vec![])
    );
    assert_eq!(
        c.race_lines(),
        vec![[c.line_of("// reads"), c.line_of("// writes")]]
    );
    let c = check(&scenario(
        r#"WaitGroup("wg"), Var("x", 0)"#,
        r#"Go(body: [
             Done("wg"), // the release
             Let("seen", "x"),
           ]),
           Set("x", 1),
           Add("wg", 1),"#,
    ));
    let line = c.line_of("// the release");
    assert_eq!((c.kinds(), c.lines(Panic)), (vec![Panic], vec![line]));
    assert_eq!(
        c.unsynced(),
        vec![(ObservationKind::UnmatchedRelease, line)]
    );
    // The goroutine's write follows its unlock of main's lock, main's
    // write comes before its Lock: Go, a race in 20 of 20 runs (the
    // goroutine's unlock after a sleep). The two writes are never about
    // to happen together, so only the knowledge finds it.
    let c = check(&scenario(
        r#"Mutex("mu"), Var("x", 0), Chan("done")"#,
        r#"Go(body: [
             Unlock("mu"),
             Set("x", 2), // goroutine writes
             Send("done", 1),
           ]),
           Set("x", 1), // main writes
           Lock("mu"),
           Recv("done"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![Race, Panic], vec![]));
    assert_eq!(
        c.race_lines(),
        vec![[
            c.line_of("// goroutine writes"),
            c.line_of("// main writes")
        ]]
    );
    // The goroutine writes, then unlocks main's first lock, which main's
    // second Lock acquires before its write: ordered. Go: no race in 20
    // of 20 runs.
    let c = check(&scenario(
        r#"Mutex("mu"), Var("x", 0)"#,
        r#"Go(body: [
             Set("x", 2),
             Unlock("mu"),
           ]),
           Lock("mu"),
           Lock("mu"),
           Set("x", 1),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![Panic], vec![]));
    // A goroutine's unlock of its own lock, or Done of an Add made before
    // it started, never crashes, and observes nothing.
    let c = check(&scenario(
        r#"Mutex("mu"), WaitGroup("wg"), Var("x", 0)"#,
        r#"Add("wg", 1),
           Go(body: [Lock("mu"), Set("x", 1), Unlock("mu"), Done("wg")]),
           Lock("mu"),
           Let("seen", "x"),
           Unlock("mu"),
           Wait("wg"),"#,
    ));
    assert_eq!((c.kinds(), c.unsynced()), (vec![], vec![]));
}

// ----- panics and recover -----

#[test]
fn an_unrecovered_panic_in_a_worker_crashes() {
    let c = check(&scenario(
        "",
        r#"Go(body: [
             Panic("boom"), // here
           ]),
           Sleep(1),"#,
    ));
    assert_eq!(c.kinds(), vec![Panic]);
    assert_eq!(c.bugs(Panic)[0].message, "panic: boom");
    assert_eq!(c.lines(Panic), vec![c.line_of("// here")]);
}

#[test]
fn recover_in_a_deferred_call_stops_the_panic() {
    let src = r#"Scenario(name: "t",
      main: [Call("safe", []), Assert("true", "reached")],
      funcs: {"safe": (params: [], body: [
        Defer([Recover("r"), Assert("r", "recovered")]),
        Panic("boom"),
      ])},
    )"#;
    assert_eq!(check(src).kinds(), vec![]);
}

#[test]
fn deferred_unlock_runs_when_the_function_panics() {
    let src = r#"Scenario(name: "t",
      globals: [Mutex("mu")],
      main: [Call("work", []), Lock("mu"), Unlock("mu")],
      funcs: {"work": (params: [], body: [
        Defer([Recover()]),
        Lock("mu"),
        Defer([Unlock("mu")]),
        Panic("boom"),
      ])},
    )"#;
    assert_eq!(check(src).kinds(), vec![]);
}

// ----- long local computation and spins -----

#[test]
fn a_long_local_loop_runs_to_its_end() {
    // 40,000 iterations of local code before the assertion: all of it runs.
    let c = check(&scenario(
        "",
        r#"For("i", 0, 40000, []),
           Assert("false", "reached"), // after the loop"#,
    ));
    assert_eq!(c.kinds(), vec![Assert]);
    assert_eq!(c.bugs(Assert)[0].message, "assertion failed: reached");
    assert_eq!(c.lines(Assert), vec![c.line_of("// after the loop")]);
}

#[test]
fn a_worker_summing_before_it_sends_is_clean() {
    let c = check(&scenario(
        r#"Chan("ch", 0)"#,
        r#"Go(body: [
             Let("s", 0),
             For("i", 0, 30000, [Set("s", "s + i")]),
             Send("ch", "s"),
           ]),
           Recv(chan: "ch", into: "v"),
           Assert("v == 449985000", "the whole sum arrives"),"#,
    ));
    assert_eq!(c.kinds(), vec![]);
    assert!(c.out.complete);
}

#[test]
fn a_goroutine_looping_without_a_visible_operation_spins() {
    let c = check(&scenario(
        "",
        r#"Go(body: [
             Loop([]), // spins
           ]),"#,
    ));
    assert_eq!(c.kinds(), vec![Spin]);
    let b = c.bugs(Spin)[0];
    assert_eq!(
        b.message,
        "goroutine loops forever without a synchronisation operation (spin)"
    );
    assert_eq!(c.lines(Spin), vec![c.line_of("// spins")]);
    assert_eq!(b.involved.len(), 1);
    // The schedule replays to a state where the goroutine spins there.
    let trace =
        weft_checker::counterexample::replay::replay_path(&c.prog, &b.path).expect("replays");
    assert!(trace
        .end
        .iter()
        .any(|e| e.spinning && e.site == b.site && e.goroutine == b.involved[0].goroutine));
}

#[test]
fn main_spinning_before_its_first_step_is_found_in_the_start_state() {
    // The loop's state has period two (x alternates): it still repeats.
    let c = check(&scenario(
        "",
        r#"Let("x", 0),
           Loop([Set("x", "1 - x")]), // toggles
           Assert("false", "never reached"),"#,
    ));
    assert_eq!(c.kinds(), vec![Spin]);
    let b = c.bugs(Spin)[0];
    assert_eq!(
        b.message,
        "main loops forever without a synchronisation operation (spin)"
    );
    assert_eq!(c.lines(Spin), vec![c.line_of("// toggles")]);
    assert!(b.path.is_empty());
}

#[test]
fn a_spin_entered_from_different_states_is_one_bug_at_its_loop() {
    // The loop is entered with x = 0 or x = 1 (so at different points of
    // its cycle): the goroutine is parked at the loop's own jump either
    // way, and the spin is one bug.
    let c = check(&scenario(
        "",
        r#"Choose("k", [0, 1]),
           Go(body: [
             Let("x", "k"),
             Loop([Set("x", "1 - x")]), // toggles
           ]),"#,
    ));
    assert_eq!(c.kinds(), vec![Spin]);
    assert_eq!(c.lines(Spin), vec![c.line_of("// toggles")]);
}

#[test]
fn main_waiting_for_a_spinning_goroutine_leaks_and_is_no_deadlock() {
    // Go's runtime never says "all goroutines are asleep": one runs.
    let c = check(&scenario(
        r#"Chan("ch", 0)"#,
        r#"Go(body: [
             Loop([]), // spins
             Send("ch", 1),
           ]),
           Recv("ch"), // waits"#,
    ));
    assert_eq!(c.kinds(), vec![Leak, Spin]);
    assert_eq!(c.lines(Spin), vec![c.line_of("// spins")]);
    assert_eq!(c.lines(Leak), vec![c.line_of("// waits")]);
}

#[test]
fn a_loop_making_a_new_object_each_time_spins() {
    // Every iteration makes a new channel: the states repeat up to which
    // channel the local holds.
    let c = check(&scenario(
        "",
        r#"Go(body: [
             Loop([Chan("c", 0)]), // allocates
           ]),"#,
    ));
    assert_eq!(c.kinds(), vec![Spin]);
    assert_eq!(c.lines(Spin), vec![c.line_of("// allocates")]);
}

#[test]
fn a_loop_recovering_a_local_panic_each_time_spins() {
    // A division by zero panics in local code; the deferred recover stops
    // it and the loop goes round again, forever.
    let src = r#"Scenario(name: "t",
      main: [
        Let("z", 0),
        Loop([Call("div", ["z"])]), // loops
      ],
      funcs: {"div": (params: ["d"], body: [
        Defer([Recover()]),
        Let("q", "1 / d"),
      ])},
    )"#;
    let c = check(src);
    assert_eq!(c.kinds(), vec![Spin]);
    assert_eq!(c.lines(Spin), vec![c.line_of("// loops")]);
}

#[test]
fn a_loop_that_never_repeats_is_cut_by_the_time_limit() {
    let file = SourceFile::new(
        "test.ron",
        scenario(
            "",
            r#"Go(body: [
                 Let("n", 0),
                 Loop([Set("n", "n + 1")]),
               ]),"#,
        ),
    );
    let prog = weft_models::compile(&file, &[]).expect("compiles");
    let limit = std::time::Duration::from_millis(200);
    let out = explore(
        &prog,
        &Bounds {
            time_limit: Some(limit),
            ..Default::default()
        },
    )
    .expect("runs");
    assert!(!out.complete);
    assert_eq!(out.bound, Some(weft_checker::explore::Bound::Time(limit)));
    assert!(out.bugs.is_empty());
}

#[test]
fn a_raised_stop_flag_ends_a_search_stuck_in_local_code() {
    // Main counts before its first visible operation: not even the start
    // state exists when the stop comes.
    let file = SourceFile::new(
        "test.ron",
        scenario("", r#"Let("n", 0), Loop([Set("n", "n + 1")]),"#),
    );
    let prog = weft_models::compile(&file, &[]).expect("compiles");
    let bounds = Bounds::default();
    let flag = bounds.stop.clone();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        flag.request();
    });
    let out = explore(&prog, &bounds).expect("runs");
    stopper.join().expect("stopper");
    assert!(!out.complete);
    assert_eq!(out.bound, Some(weft_checker::explore::Bound::Interrupted));
    assert_eq!(out.stats.states, 0);
    assert!(out.bugs.is_empty());
}

// ----- choice points and state counts -----

#[test]
fn every_alternative_of_a_choice_point_is_explored() {
    let c = check(&scenario(
        "",
        r#"Choose("x", [1, 2, 3]),
           Assert("x != 3", "three"),"#,
    ));
    assert_eq!(c.kinds(), vec![Assert]);
}

#[test]
fn pinned_state_counts() {
    // Changes to these counts must be deliberate: they show a change in
    // semantics or canonicalisation.
    let leak = check(&scenario(
        r#"Chan("ch", 0)"#,
        r#"Go(body: [Send("ch", 1)]),"#,
    ));
    let writers = check(&scenario(
        r#"Var("a", 0), Var("b", 0), Var("c", 0)"#,
        r#"Go(body: [Set("a", 1)]),
           Go(body: [Set("b", 1)]),
           Go(body: [Set("c", 1)]),"#,
    ));
    let counts = (leak.out.stats.states, writers.out.stats.states);
    assert_eq!(counts, (2, 15), "leak, three independent writers");
}

#[test]
fn exploration_is_deterministic() {
    let src = scenario(
        r#"Chan("ch", 1), Var("x", 0)"#,
        r#"Go(body: [Set("x", 1), Send("ch", 1)]),
           Go(body: [Recv("ch"), Set("x", 2)]),
           Set("x", 3),"#,
    );
    let a = check(&src);
    let b = check(&src);
    assert_eq!(a.out.bugs, b.out.bugs);
    assert_eq!(a.out.stats.states, b.out.stats.states);
    assert_eq!(a.out.stats.transitions, b.out.stats.transitions);
}

#[test]
fn a_bounded_search_is_incomplete_and_never_verified() {
    let file = SourceFile::new(
        "t.ron",
        scenario(
            r#"Var("a", 0), Var("b", 0), Var("c", 0)"#,
            r#"Go(body: [Set("a", 1)]),
               Go(body: [Set("b", 1)]),
               Go(body: [Set("c", 1)]),"#,
        ),
    );
    let prog = weft_models::compile(&file, &[]).expect("compiles");
    let out = explore(
        &prog,
        &Bounds {
            max_states: Some(5),
            ..Default::default()
        },
    )
    .expect("runs");
    assert!(!out.complete);
    assert_eq!(out.bound, Some(weft_checker::explore::Bound::States(5)));
    assert!(out.bugs.is_empty());
}

/// Linear extensions of the poset "main spawns children in order; each
/// child's single step comes after its spawn", enumerated directly.
fn interleavings(children: usize) -> u128 {
    fn go(spawned: usize, done: &mut Vec<bool>, n: usize) -> u128 {
        let mut total = 0;
        let mut moved = false;
        if spawned < n {
            moved = true;
            total += go(spawned + 1, done, n);
        }
        for i in 0..spawned {
            if !done[i] {
                moved = true;
                done[i] = true;
                total += go(spawned, done, n);
                done[i] = false;
            }
        }
        if moved {
            total
        } else {
            1
        }
    }
    go(0, &mut vec![false; children], children)
}

#[test]
fn complete_runs_count_every_interleaving_without_reduction() {
    for n in 1..=4usize {
        let globals: Vec<String> = (0..n).map(|i| format!("Var(\"v{i}\", 0)")).collect();
        let main: Vec<String> = (0..n)
            .map(|i| format!("Go(body: [Set(\"v{i}\", 1)]),"))
            .collect();
        let c = check(&scenario(&globals.join(", "), &main.join("\n")));
        assert_eq!(
            c.out.stats.complete_runs,
            Some(interleavings(n)),
            "{n} independent writers"
        );
    }
    // A cycle (a ticker loop) has no finite count.
    let c = check(&scenario(
        "",
        r#"Go(body: [Ticker("t", 1), Loop([Recv("t.C")])]),"#,
    ));
    assert_eq!(c.out.stats.complete_runs, None);
    // Crashing steps end runs: two alternatives, one of which fails.
    let c = check(&scenario(
        "",
        r#"Choose("x", [1, 2]), Assert("x == 1", "two"),"#,
    ));
    assert_eq!(c.out.stats.complete_runs, Some(2));
}

#[test]
fn a_state_whose_only_steps_crash_is_not_a_leak() {
    // The worker panics; its deferred Done runs while unwinding, then the
    // panic crashes the process: every run ends in the crash.
    let c = check(&scenario(
        r#"WaitGroup("wg")"#,
        r#"Add("wg", 1),
           Go(body: [Defer([Done("wg")]), Panic("boom")]),
           Wait("wg"),"#,
    ));
    assert_eq!(c.kinds(), vec![Panic]);
}

#[test]
fn coverage_records_the_select_arm_taken() {
    let c = check(&scenario(
        r#"Chan("a", 1), Var("x", 0)"#,
        r#"Select([
             Recv(chan: "a", body: [Set("x", 1)]), // never
             Default([Set("x", 2)]), // always
           ]),"#,
    ));
    let lines: Vec<u32> = c.out.covered.iter().map(|s| c.line(*s)).collect();
    assert!(lines.contains(&c.line_of("// always")), "{lines:?}");
    assert!(!lines.contains(&c.line_of("// never")), "{lines:?}");
}

// ----- failures that are not bugs of the scenario -----

fn compiled(src: &str) -> Program {
    let file = SourceFile::new("test.ron", src);
    match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("scenario does not compile:\n{}", e.render(&file, false)),
    }
}

#[test]
fn only_panics_fatal_errors_and_assertions_are_crashes() {
    use weft_checker::semantics::FailureKind;
    let crash = |k: FailureKind| k.is_crash();
    assert!(crash(FailureKind::Panic));
    assert!(crash(FailureKind::Fatal));
    assert!(crash(FailureKind::Assert));
    assert!(!crash(FailureKind::Model));
    assert!(!crash(FailureKind::Internal));
}

#[test]
fn a_type_error_at_run_time_is_the_scenarios_fault() {
    // A channel received as a value and locked: validation cannot type it.
    let prog = compiled(&scenario(
        r#"Chan("c", 1), Chan("ch", 0)"#,
        r#"Send("c", "ch"),
           Recv(chan: "c", into: "m"),
           Lock("m"),"#,
    ));
    let e = explore(&prog, &Bounds::default()).expect_err("a run-time type error");
    assert_eq!(e.failure.kind, weft_checker::semantics::FailureKind::Model);
    assert!(!e.is_internal());
    assert_eq!(
        e.failure.message,
        "Lock needs a Mutex or RWMutex, found a channel"
    );
    assert_eq!(
        e.path.len(),
        3,
        "the send, the receive and the failing Lock"
    );
}

/// Steps a transition that `enabled` never offers from the initial state
/// (what only a bug in weft could do) and returns the failure.
fn impossible_step(
    main: &str,
    t: weft_checker::semantics::Transition,
) -> weft_checker::semantics::Failure {
    let prog = compiled(&scenario(r#"Chan("c", 0), Mutex("mu")"#, main));
    let init = weft_checker::semantics::initial_state(&prog).expect("starts");
    assert!(!weft_checker::semantics::enabled(&prog, &init).contains(&t));
    weft_checker::semantics::step(&prog, &init, &t)
        .failure
        .expect("the step fails")
}

#[test]
fn a_rendezvous_of_goroutines_not_at_a_channel_is_an_internal_error() {
    use weft_checker::semantics::{FailureKind, Transition, PLAIN};
    let f = impossible_step(
        r#"Lock("mu"),"#,
        Transition::Rendezvous {
            sender: 0,
            send_arm: PLAIN,
            receiver: 0,
            recv_arm: PLAIN,
        },
    );
    assert_eq!(f.kind, FailureKind::Internal);
    assert!(!f.kind.is_crash());
    assert_eq!(
        f.message,
        "rendezvous on a goroutine that is not at a channel operation"
    );
}

#[test]
fn a_select_arm_out_of_range_without_default_is_an_internal_error() {
    use weft_checker::semantics::{FailureKind, Transition};
    let f = impossible_step(
        r#"Select([Recv(chan: "c", body: [])]),"#,
        Transition::Step { g: 0, alt: 7 },
    );
    assert_eq!(f.kind, FailureKind::Internal);
    assert_eq!(f.message, "select arm out of range and no default");
}

// ----- object numbering -----

#[test]
fn a_step_reports_where_canonicalisation_moved_each_object() {
    use weft_checker::semantics::{enabled, initial_state, step};
    use weft_checker::state::Object;
    // The step that makes `b` appends it after the objects it started
    // from; the renumbering says where each went after canonicalisation.
    let prog = compiled(&scenario(
        r#"Mutex("mu")"#,
        r#"Chan("a", 1),
           Lock("mu"),
           WaitGroup("b"),
           Unlock("mu"),"#,
    ));
    let mut state = initial_state(&prog).expect("starts");
    let before = state.objects.len();
    loop {
        let ts = enabled(&prog, &state);
        let out = step(&prog, &state, &ts[0]);
        assert!(out.failure.is_none());
        let made = out.state.objects.len() > before
            && out
                .state
                .objects
                .iter()
                .any(|o| matches!(o, Object::WaitGroup(_)));
        if made {
            // Every old object is kept; the new one comes after them.
            assert_eq!(out.renumbering.len(), state.objects.len() + 1);
            for old in 0..state.objects.len() {
                let new = out.renumbering.get(old).expect("kept");
                assert_eq!(
                    out.state.objects[new.index()].kind(),
                    state.objects[old].kind()
                );
            }
            let new = out.renumbering.get(state.objects.len()).expect("made");
            assert!(matches!(
                out.state.objects[new.index()],
                Object::WaitGroup(_)
            ));
            assert_eq!(out.renumbering.get(state.objects.len() + 1), None);
            return;
        }
        state = out.state;
    }
}
