//! Library shapes of the language (models/README.md, "Library"): each test
//! checks a scenario against what real Go does. The Go programs are in
//! `checker/tests/library/go/probes.go` (one probe per test, named in a
//! comment), their output in `RESULTS.txt` beside it (Go 1.23.5, with
//! golang.org/x/sync/errgroup v0.7.0 as vendored in the Go distribution).
//! Every check runs with and without the reduction and asserts both give
//! the same bugs.

use weft_checker::explore::Outcome;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind::{self, *};

use crate::support::both as support;

struct Checked {
    out: Outcome,
}

impl Checked {
    fn kinds(&self) -> Vec<BugKind> {
        support::kinds(&self.out)
    }

    fn messages(&self, kind: BugKind) -> Vec<String> {
        support::messages(&self.out, Some(kind))
    }
}

fn check_src(src: &str) -> Checked {
    Checked {
        out: support::check_both(src),
    }
}

fn check(main: &str) -> Checked {
    check_with(main, "")
}

fn check_with(main: &str, funcs: &str) -> Checked {
    check_src(&format!(
        "Scenario(name: \"t\",\n main: [\n{main}\n ],\n funcs: {{{funcs}}},\n)"
    ))
}

/// The rendered errors of a scenario that must not compile.
fn rejected(main: &str) -> String {
    let src = format!("Scenario(name: \"t\",\n main: [\n{main}\n ],\n)");
    let file = SourceFile::new("t.ron", src);
    match weft_models::compile(&file, &[]) {
        Ok(_) => panic!("compiled:\n{main}"),
        Err(e) => e.render(&file, false),
    }
}

// ----- errgroup -----

#[test]
fn errgroup_sibling_blocked_on_send_is_a_deadlock() {
    // probes.go `sibling-blocked-on-send`: Wait never returns (blocked=20).
    let c = check(
        r#"Chan("ch"),
        WithContext("g", "ctx"),
        GroupGo("g", [Send("ch", 1), Return("nil")]),
        GroupGo("g", [Return("errors.New(`boom`)")]),
        Wait("g", "err"),"#,
    );
    assert_eq!(c.kinds(), vec![Deadlock]);
}

#[test]
fn errgroup_sibling_selecting_on_ctx_done_is_clean() {
    // probes.go `sibling-selects-ctx-done`: wait=boom every time.
    let c = check(
        r#"Chan("ch"),
        WithContext("g", "ctx"),
        GroupGo("g", [
            Select([
                Send("ch", 1, [Return("nil")]),
                Recv("ctx.Done()", [Return("ctx.Err()")]),
            ]),
        ]),
        GroupGo("g", [Return("errors.New(`boom`)")]),
        Wait("g", "err"),
        Assert("err == errors.New(`boom`)", "Wait returns the failure"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn errgroup_when_main_returns_a_blocked_function_is_a_leak() {
    // The same bug when main does not wait: the sender leaks.
    let c = check(
        r#"Chan("ch"),
        WithContext("g", "ctx"),
        GroupGo("g", [Send("ch", 1), Return("nil")]),
        GroupGo("g", [Return("errors.New(`boom`)")]),
        Recv("ctx.Done()"),"#,
    );
    assert_eq!(c.kinds(), vec![Leak]);
}

#[test]
fn errgroup_a_goroutine_blocked_in_wait_leaks_like_one_in_wg_wait() {
    // A goroutine waits for the group while main returns: the group's
    // function never ends, so the waiter is blocked for ever in g.Wait().
    let c = check(
        r#"Chan("ch"),
        Group("g"),
        GroupGo("g", [Recv("ch"), Return("nil")]),
        Go([Wait("g")]),"#,
    );
    assert_eq!(c.kinds(), vec![Leak]);
}

#[test]
fn errgroup_wait_returns_the_first_error() {
    // probes.go `first-error`: both are seen (a=515 b=485 in RESULTS.txt,
    // under the race detector; a=1 b=999 in a run without it).
    let either = check(
        r#"Group("g"),
        GroupGo("g", [Return("errors.New(`a`)")]),
        GroupGo("g", [Return("errors.New(`b`)")]),
        Wait("g", "err"),
        Assert("err == errors.New(`a`) || err == errors.New(`b`)", "one of them"),"#,
    );
    assert_eq!(either.kinds(), vec![]);
    for (first, other) in [("a", "b"), ("b", "a")] {
        let c = check(&format!(
            r#"Group("g"),
            GroupGo("g", [Return("errors.New(`a`)")]),
            GroupGo("g", [Return("errors.New(`b`)")]),
            Wait("g", "err"),
            Assert("err != errors.New(`{first}`)", "{other} only"),"#
        ));
        assert_eq!(
            c.messages(Assert),
            vec![format!("assertion failed: {other} only")]
        );
    }
}

#[test]
fn errgroup_named_functions_with_arguments() {
    // `g.Go(func() error { return work(ch, n) })` written with a function.
    let c = check_with(
        r#"Chan("ch", 1),
        Group("g"),
        GroupGo("g", "work", ["ch", 0]),
        GroupGo("g", "work", ["ch", 1]),
        Wait("g", "err"),
        Assert("err == errors.New(`odd`)", "the odd one failed"),"#,
        r#""work": (params: ["ch", "n"], body: [
            Send("ch", "n"),
            Recv("ch"),
            If("n % 2 == 1", [Return("errors.New(`odd`)")]),
            Return("nil"),
        ])"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn errgroup_wait_cancels_the_context() {
    // probes.go `wait-cancels-ctx`: nil before Wait, canceled after.
    let c = check(
        r#"WithContext("g", "ctx"),
        GroupGo("g", [Return("nil")]),
        Assert("ctx.Err() == nil", "not cancelled before Wait"),
        Wait("g"),
        Assert("ctx.Err() == context.Canceled", "cancelled by Wait"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn errgroup_first_error_cancels_the_context() {
    // probes.go `error-cancels-ctx`: wait=boom every time.
    let c = check(
        r#"WithContext("g", "ctx"),
        GroupGo("g", [Recv("ctx.Done()"), Return("nil")]),
        GroupGo("g", [Return("errors.New(`boom`)")]),
        Wait("g", "err"),
        Assert("err == errors.New(`boom`)", "boom"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn errgroup_without_wait_or_error_leaves_its_context_uncancelled() {
    // Only Wait or a first error cancels the group's context.
    let c = check(r#"WithContext("g", "ctx"), GroupGo("g", [Return("nil")]),"#);
    assert_eq!(c.kinds(), vec![ContextLeak]);
    let c = check(r#"WithContext("g", "ctx"), GroupGo("g", [Return("errors.New(`e`)")]),"#);
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn errgroup_zero_group_has_no_context_to_cancel() {
    // probes.go `zero-group-no-error-waits`: blocked=20.
    let c = check(
        r#"Chan("ch"),
        Group("g"),
        GroupGo("g", [Recv("ch"), Return("nil")]),
        Wait("g"),"#,
    );
    assert_eq!(c.kinds(), vec![Deadlock]);
}

#[test]
fn errgroup_set_limit_blocks_go() {
    // probes.go `limit-1-blocks-go`: blocked=20; `limit-2`: wait=nil.
    let with_limit = |n: i32| {
        check(&format!(
            r#"Group("g"),
            SetLimit("g", {n}),
            Chan("ch"),
            GroupGo("g", [Recv("ch"), Return("nil")]),
            GroupGo("g", [Send("ch", 1), Return("nil")]),
            Wait("g", "err"),"#
        ))
    };
    assert_eq!(with_limit(1).kinds(), vec![Deadlock]);
    assert_eq!(with_limit(2).kinds(), vec![]);
    assert_eq!(with_limit(-1).kinds(), vec![], "a negative limit is none");
}

#[test]
fn errgroup_set_limit_while_active_panics() {
    // probes.go `set-limit-while-active`: Go's message also gives the count
    // ("while 1 goroutines"); weft's leaves it out.
    let c = check(
        r#"Chan("ch"),
        Group("g"),
        SetLimit("g", 1),
        GroupGo("g", [Recv("ch"), Return("nil")]),
        SetLimit("g", 2),
        Close("ch"),
        Wait("g"),"#,
    );
    assert_eq!(c.kinds(), vec![Panic]);
    assert!(
        c.messages(Panic)[0]
            .contains("errgroup: modify limit while goroutines in the group are still active"),
        "{:?}",
        c.messages(Panic)
    );
}

#[test]
fn errgroup_concurrent_go_and_wait_race_free() {
    // The group's own fields are written and read in happens-before order
    // (the Once, the WaitGroup): no race between them.
    let c = check(
        r#"WithContext("g", "ctx"),
        GroupGo("g", [Return("errors.New(`a`)")]),
        GroupGo("g", [Return("errors.New(`b`)")]),
        GroupGo("g", [Recv("ctx.Done()"), Return("ctx.Err()")]),
        Wait("g", "err"),
        Assert("err != nil", "an error"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn errgroup_errors_are_clear() {
    let text = rejected(r#"Mutex("mu"), GroupGo("mu", [Return("nil")]),"#);
    assert!(
        text.contains("`GroupGo` needs an errgroup.Group, but `mu` is a Mutex"),
        "{text}"
    );
    assert!(text.contains("t.ron:3:"), "{text}");
    let text = rejected(r#"WaitGroup("wg"), Wait("wg", "err"),"#);
    assert!(
        text.contains("only an errgroup.Group's `Wait` has a result"),
        "{text}"
    );
    let text = rejected(r#"Group("g"), GroupGo("g"),"#);
    assert!(
        text.contains("`GroupGo` needs a `func` or a `body`"),
        "{text}"
    );
    let text = rejected(r#"Group("g"), GroupGo("g", [Return("errors.New(boom)")]),"#);
    assert!(
        text.contains("expected the error's text in quotes"),
        "{text}"
    );
}

// ----- context.WithValue -----

#[test]
fn with_value_shares_its_parents_cancellation() {
    // probes.go `with-value-cancel`: context canceled.
    let c = check(
        r#"WithCancel("ctx", "cancel"),
        WithValue("v", "ctx", 1, 2),
        WithValue("w", "v", 3, 4),
        Go([Recv("w.Done()")]),
        Cancel("cancel"),
        Recv("w.Done()"),
        Assert("w.Err() == context.Canceled", "the chain's error is the parent's"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
    let leak = check(
        r#"WithCancel("ctx", "cancel"),
        WithValue("v", "ctx", 1, 2),
        Go([Recv("v.Done()")]),"#,
    );
    assert_eq!(leak.kinds(), vec![Leak, ContextLeak]);
}

// ----- cond.L and rw.RLocker() -----

#[test]
fn rlocker_is_shared_by_readers() {
    // probes.go `rlocker-two-holders`: both held, every time. With a Mutex
    // the same program deadlocks.
    let src = |decl: &str, locker: &str| {
        format!(
            r#"{decl},
            Let("l", "{locker}"),
            Lock("l"),
            Chan("got"),
            Go([Lock("l"), Send("got", 1), Unlock("l")]),
            Recv("got"),
            Unlock("l"),"#
        )
    };
    assert_eq!(
        check(&src(r#"RWMutex("rw")"#, "rw.RLocker()")).kinds(),
        vec![]
    );
    assert_eq!(check(&src(r#"Mutex("rw")"#, "rw")).kinds(), vec![Deadlock]);
}

#[test]
fn rlocker_excludes_a_writer() {
    // probes.go `rlocker-then-lock`: blocked=20.
    let c = check(r#"RWMutex("rw"), Lock("rw.RLocker()"), Lock("rw"),"#);
    assert_eq!(c.kinds(), vec![Deadlock]);
    let c = check(r#"RWMutex("rw"), Unlock("rw.RLocker()"),"#);
    assert_eq!(
        c.messages(Panic),
        vec!["fatal error: sync: RUnlock of unlocked RWMutex"]
    );
}

#[test]
fn cond_on_an_rlocker_waits_for_a_broadcast() {
    // probes.go `cond-rlocker-broadcast`: woken, every time. Readers wait
    // holding read locks (two at once); the writer's Lock waits for them to
    // leave in Wait.
    let waiter = r#"Go([
            Lock("c.L"),
            While("!ready", [Wait("c")]),
            Unlock("c.L"),
            Done("wg"),
        ])"#;
    let c = check(&format!(
        r#"RWMutex("rw"),
        Cond("c", "rw.RLocker()"),
        Var("ready", false),
        WaitGroup("wg"),
        Add("wg", 2),
        {waiter},
        {waiter},
        Lock("rw"),
        Set("ready", true),
        Unlock("rw"),
        Broadcast("c"),
        Wait("wg"),"#
    ));
    assert_eq!(c.kinds(), vec![]);
    // Signal instead of Broadcast: one reader may never be woken.
    let c = check(&format!(
        r#"RWMutex("rw"),
        Cond("c", "rw.RLocker()"),
        Var("ready", false),
        WaitGroup("wg"),
        Add("wg", 2),
        {waiter},
        {waiter},
        Lock("rw"),
        Set("ready", true),
        Unlock("rw"),
        Signal("c"),
        Wait("wg"),"#
    ));
    assert_eq!(c.kinds(), vec![Deadlock]);
}

#[test]
fn cond_l_is_the_locker() {
    // probes.go `cond-l-is-mu`: blocked=20.
    let c = check(r#"Mutex("mu"), Cond("c", "mu"), Lock("c.L"), Lock("mu"),"#);
    assert_eq!(c.kinds(), vec![Deadlock]);
    let c = check(
        r#"Mutex("mu"), Cond("c", "mu"), Lock("c.L"), Unlock("mu"), Lock("mu"), Unlock("c.L"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn locker_errors_are_clear() {
    let text = rejected(r#"Mutex("mu"), Lock("mu.RLocker()"),"#);
    assert!(
        text.contains("`RLocker()` needs an RWMutex, but `mu` is a Mutex"),
        "{text}"
    );
    assert!(text.contains("declare it with `RWMutex(...)`"), "{text}");
    let text = rejected(r#"Mutex("mu"), Lock("mu.L"),"#);
    assert!(
        text.contains("`.L` needs a Cond (or a record with a field `L`), but `mu` is a Mutex"),
        "{text}"
    );
}

// ----- sync.Map -----

#[test]
fn sync_map_methods() {
    // probes.go `sync-map-methods`: LoadOrStore=5 false, again=5 true,
    // LoadAndDelete=5 true, Load=<nil> false.
    let c = check(
        r#"SyncMap("m"),
        LoadOrStore("m", 2, 5, "a", "loaded"),
        Assert("a == 5 && !loaded", "stored"),
        LoadOrStore("m", 2, 6, "b", "loaded2"),
        Assert("b == 5 && loaded2", "loaded"),
        LoadAndDelete("m", 2, "c", "l3"),
        Assert("c == 5 && l3", "deleted"),
        Load("m", 2, "d", "ok4"),
        Assert("d == nil && !ok4", "gone"),
        Store("m", 1, 3),
        Delete("m", 1),
        Load("m", 1, "e", "ok5"),
        Assert("!ok5", "Delete"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn sync_map_publishes_a_plain_write() {
    // probes.go `sync-map-publish` under `go run -race`: no race reported.
    // The same program on a plain map races on the map (and on x).
    let sync = check(
        r#"SyncMap("m"),
        Var("x", 0),
        Go([Set("x", 1), Store("m", 1, 7)]),
        Load("m", 1, "v", "ok"),
        If("ok", [Let("y", "x"), Assert("v == 7 && y == 1", "published")]),"#,
    );
    assert_eq!(sync.kinds(), vec![]);
    let plain = check(
        r#"Map("m"),
        Var("x", 0),
        Go([Set("x", 1), Set("m[1]", 7)]),
        Let("v", "m[1]"),
        If("v == 7", [Let("y", "x")]),"#,
    );
    assert_eq!(plain.kinds(), vec![Race]);
}

#[test]
fn sync_map_load_or_store_has_one_winner() {
    // probes.go `sync-map-one-winner`: exactly one stores, either one.
    let c = check(
        r#"SyncMap("m"),
        Var("stored", 0),
        WaitGroup("wg"),
        Add("wg", 2),
        For("i", 0, 2, [
            Go([
                LoadOrStore("m", 0, "i", "_", "loaded"),
                If("!loaded", [AtomicAdd("stored", 1)]),
                Done("wg"),
            ]),
        ]),
        Wait("wg"),
        AtomicLoad("stored", "n"),
        Assert("n == 1", "one winner"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn sync_map_range_sees_concurrent_stores_or_not() {
    // Range is no snapshot: a key stored during it may be produced or not.
    let c = check(
        r#"SyncMap("m"),
        Store("m", 1, 1),
        Go([Store("m", 2, 2)]),
        Var("n", 0),
        Range("m", "k", "v", [Set("n", "n + 1")]),
        Assert("n == 1", "only the first key"),"#,
    );
    assert_eq!(
        c.messages(Assert),
        vec!["assertion failed: only the first key"]
    );
}

#[test]
fn sync_map_errors_are_clear() {
    // `Load` is also a plain map's comma-ok lookup; the other methods
    // are a sync.Map's only.
    let text = rejected(r#"Map("m"), Store("m", 1, 2),"#);
    assert!(
        text.contains("`Store` needs a sync.Map, but `m` is a map"),
        "{text}"
    );
    let text = rejected(r#"Chan("m"), Load("m", 1, "v"),"#);
    assert!(
        text.contains("`Load` needs a map or a sync.Map, but `m` is a channel"),
        "{text}"
    );
    let text = rejected(r#"SyncMap("m"), Let("v", "m[1]"),"#);
    assert!(text.contains("indexing needs a map"), "{text}");
}

#[test]
fn reports_show_an_errors_text() {
    // `--values` shows what Wait returned: the error by its text.
    let src = r#"Scenario(name: "t", main: [
        Group("g"),
        GroupGo("g", [Return("errors.New(`a`)")]),
        GroupGo("g", [Return("errors.New(`b`)")]),
        Wait("g", "err"),
        Assert("err == errors.New(`a`)", "a first"),
    ])"#;
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-library.ron");
    std::fs::write(&path, src).expect("write the scenario");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["check", "--values", "--format", "json"])
        .arg(&path)
        .output()
        .expect("run weft");
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&out.stdout);
    // JSON escapes the quotes of the text.
    assert!(text.contains(r#"errors.New(\"b\")"#), "{text}");
}

// ----- typed atomics -----

#[test]
fn typed_atomics_are_atomics_on_a_var() {
    // `var ready atomic.Bool`: Store(true) in one goroutine, CompareAndSwap
    // in another; no race, and exactly one CompareAndSwap(true, false) wins.
    let c = check(
        r#"Var("ready", false),
        Var("wins", 0),
        WaitGroup("wg"),
        Add("wg", 2),
        AtomicStore("ready", true),
        For("i", 0, 2, [
            Go([
                CompareAndSwap("ready", true, false, "ok"),
                If("ok", [AtomicAdd("wins", 1)]),
                Done("wg"),
            ]),
        ]),
        Wait("wg"),
        AtomicLoad("wins", "n"),
        AtomicLoad("ready", "r"),
        Assert("n == 1 && !r", "one CompareAndSwap wins"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
    // A plain read of the same Var races with the atomic store.
    let c = check(r#"Var("ready", false), Go([AtomicStore("ready", true)]), Let("r", "ready"),"#);
    assert_eq!(c.kinds(), vec![Race]);
}

#[test]
fn errgroup_runs_a_function_value() {
    // `work := func(n int) error { ... }; g.Go(func() error { return work(1) })`,
    // written with the function value itself.
    let c = check(
        r#"Chan("ch", 1),
        Func("work", ["n"], [Send("ch", "n"), Return("errors.New(`done`)")]),
        Group("g"),
        GroupGo("g", "work", [7]),
        Wait("g", "err"),
        Recv("ch", "v"),
        Assert("v == 7 && err == errors.New(`done`)", "ran through the value"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

// ----- time.AfterFunc and context.AfterFunc -----
// Probes in checker/tests/library/afterfunc/ (main.go, race/, deadlock/;
// RESULTS.txt from Go 1.23.5 under -race).

#[test]
fn time_afterfunc_runs_the_callback() {
    // `afterfunc-runs`: ran=200.
    let c = check(r#"Chan("done"), AfterFunc("t", 5, [Close("done")]), Recv("done"),"#);
    assert_eq!(c.kinds(), vec![]);
    // A discarded timer, a named function and a function value run too.
    let c = check_with(
        r#"Chan("done", 2),
        AfterFunc(duration: 5, func: "signal", args: ["done"]),
        Func("f", [], [Send("done", 2)]),
        AfterFunc(5, "f"),
        Recv("done", "a"), Recv("done", "b"),
        Assert("a + b == 3"),"#,
        r#""signal": Func(params: ["ch"], body: [Send("ch", 1)])"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn time_afterfunc_stop_before_fire() {
    // `afterfunc-stop-long`: stop=true not-run=200 (a long duration: the
    // timer has not fired). Abstract time lets the timer fire at any
    // moment, so weft explores both: Stop is true exactly when the
    // callback never runs.
    let c = check(
        r#"Var("ran", false),
        AfterFunc("t", 5, [AtomicStore("ran", true)]),
        Stop("t", "stopped"),
        Sleep(1),
        AtomicLoad("ran", "r"),
        If("stopped", [Assert("!r", "a stopped callback never runs")]),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn time_afterfunc_zero_stop_either() {
    // `afterfunc-zero-stop`: stop=false ran=942 stop=true not-run=58.
    for (go, _) in [("1.22", 0), ("1.23", 1)] {
        for want in ["stopped", "!stopped"] {
            let c = check_src(&format!(
                "Scenario(name: \"t\", go: \"{go}\", main: [AfterFunc(\"t\", 0, []), Stop(\"t\", \"stopped\"), Assert(\"{want}\")])"
            ));
            assert_eq!(
                c.kinds(),
                vec![Assert],
                "go {go}: Stop can be the opposite of {want}"
            );
        }
    }
}

#[test]
fn time_afterfunc_stop_false_then_read_races() {
    // race/: `stop=false read 1` and WARNING: DATA RACE (the callback may
    // still be running when Stop returns false).
    let c = check(
        r#"Var("x", 0),
        AfterFunc("t", 5, [Set("x", 1)]),
        Stop("t", "stopped"),
        If("!stopped", [Let("v", "x")]),"#,
    );
    assert_eq!(c.kinds(), vec![Race]);
    // Stop true: the callback never runs, nothing races.
    let c = check(
        r#"Var("x", 0),
        AfterFunc("t", 5, [Set("x", 1)]),
        Stop("t", "stopped"),
        If("stopped", [Let("v", "x"), Assert("v == 0")]),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn time_afterfunc_call_happens_before_the_callback() {
    // `afterfunc-hb`: x=1=200 and no race report.
    let c = check(
        r#"Var("x", 0), Chan("done"),
        Set("x", 1),
        AfterFunc(5, [Send("done", "x")]),
        Recv("done", "v"),
        Assert("v == 1"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn time_afterfunc_reset_after_fire_runs_again() {
    // `afterfunc-reset-after-fire`: reset=false fired-again=200.
    let c = check(
        r#"Chan("fired", 2),
        AfterFunc("t", 1, [Send("fired", 1)]),
        Recv("fired"),
        Reset("t", 1, "active"),
        Assert("!active"),
        Recv("fired"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
    // The classic re-arming callback, `t = time.AfterFunc(d, func() {
    // ...; t.Reset(d) })`: the callback may run before the assignment to
    // `t`, a data race on `t` and a nil dereference in `t.Reset`.
    let c = check(
        r#"Var(name: "t", type: "*time.Timer"),
        Func("tick", [], [Reset("t", 1)]),
        AfterFunc("t0", 1, "tick"),
        Set("t", "t0"),"#,
    );
    assert_eq!(c.kinds(), vec![Race, Panic]);
    // Fixed with a lock, it re-arms for ever. The chain of runners has
    // finitely many states (each ended runner leaves the spawn tree). (A
    // run that still writes after its Reset overlaps the next run, as Go
    // allows: runners would then pile up without bound, a state space
    // weft diagnoses rather than explores.)
    let c = check(
        r#"Mutex("mu"), Var(name: "t", type: "*time.Timer"), Var("seen", false),
        Func("tick", [], [Lock("mu"), Set("seen", true), Reset("t", 1), Unlock("mu")]),
        Lock("mu"),
        AfterFunc("t0", 1, "tick"),
        Set("t", "t0"),
        Unlock("mu"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
    assert!(c.out.complete);
}

#[test]
fn time_afterfunc_c_is_nil() {
    // `afterfunc-c`: C-nil=true. A receive from it blocks for ever: once
    // the callback has run, every goroutine is asleep.
    let c = check(r#"AfterFunc("t", 5, []), Recv("t.C"),"#);
    assert_eq!(c.kinds(), vec![Deadlock]);
}

#[test]
fn time_afterfunc_pending_is_no_deadlock_and_no_leak() {
    // A pending AfterFunc timer keeps Go's deadlock detector quiet, and its
    // callback's goroutine is not a leak, in either Go version (the timer
    // runs its callback: nothing is left pending for ever).
    for go in ["1.22", "1.23"] {
        let c = check_src(&format!(
            "Scenario(name: \"t\", go: \"{go}\", main: [Chan(\"ch\"), AfterFunc(5, [Close(\"ch\")]), Recv(\"ch\")])"
        ));
        assert_eq!(c.kinds(), vec![], "go {go}");
        let c = check_src(&format!(
            "Scenario(name: \"t\", go: \"{go}\", main: [AfterFunc(\"t\", 5, [])])"
        ));
        assert_eq!(c.kinds(), vec![], "go {go}");
    }
}

#[test]
fn ctx_afterfunc_runs_on_cancel_and_stop_is_then_false() {
    // `ctx-afterfunc-cancel`: ran stop=false; `ctx-afterfunc-cancel-then-stop`:
    // stop=false ran=1000 (Go starts the callback within cancel: stop is
    // false at once, before the callback's goroutine has moved).
    let c = check(
        r#"WithCancel("ctx", "cancel"), Chan("done"),
        ContextAfterFunc("stop", "ctx", [Close("done")]),
        Cancel("cancel"),
        Stop("stop", "ok"),
        Assert("!ok", "stop after cancel is false"),
        Recv("done"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn ctx_afterfunc_stop_first() {
    // `ctx-afterfunc-stop-first`: stop=true again=false not-run=200.
    let c = check(
        r#"WithCancel("ctx", "cancel"), Var("ran", false),
        ContextAfterFunc("stop", "ctx", [AtomicStore("ran", true)]),
        Stop("stop", "ok"), Stop("stop", "again"),
        Cancel("cancel"),
        Sleep(1),
        AtomicLoad("ran", "r"),
        Assert("ok && !again && !r"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn ctx_afterfunc_on_done_or_parent_cancelled_context_runs() {
    // `ctx-afterfunc-already-done`: ran stop=false; `ctx-afterfunc-parent`: ran.
    let c = check(
        r#"WithCancel("ctx", "cancel"), Cancel("cancel"), Chan("done"),
        ContextAfterFunc("stop", "ctx", [Close("done")]),
        Stop("stop", "ok"), Assert("!ok"),
        Recv("done"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
    let c = check(
        r#"WithCancel("parent", "cancel"), WithCancel("child", "cancelChild", "parent"),
        Defer([Cancel("cancelChild")]),
        Chan("done"),
        ContextAfterFunc("child", [Close("done")]),
        Cancel("cancel"),
        Recv("done"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn ctx_afterfunc_on_background_never_runs_and_is_no_leak() {
    // `ctx-afterfunc-background`: not-run stop=true. The registration is
    // not a goroutine: nothing leaks when main returns.
    let c = check(
        r#"Background("bg"),
        ContextAfterFunc("stop", "bg", [Panic("never")]),
        Stop("stop", "ok"), Assert("ok"),"#,
    );
    assert_eq!(c.kinds(), vec![]);
    let c = check(r#"Background("bg"), ContextAfterFunc("bg", [Panic("never")]),"#);
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn ctx_afterfunc_never_cancelled_is_a_deadlock() {
    // deadlock/: fatal error: all goroutines are asleep - deadlock!
    let c = check(
        r#"WithCancel("ctx", "cancel"), Chan("done"),
        ContextAfterFunc("ctx", [Close("done")]),
        Recv("done"),
        Cancel("cancel"),"#,
    );
    // (The cancel never called is the deadlock's consequence: a run that
    // ends in Go's crash leaks no context.)
    assert_eq!(c.kinds(), vec![Deadlock]);
    assert_eq!(
        c.messages(Deadlock),
        vec!["fatal error: all goroutines are asleep - deadlock!".to_string()]
    );
}

#[test]
fn ctx_afterfunc_callback_blocked_for_ever_is_a_leak() {
    // The callback runs in a goroutine of its own: stuck there, it leaks.
    let c = check(
        r#"WithCancel("ctx", "cancel"), Chan("ch"),
        ContextAfterFunc("ctx", [Send("ch", 1)]),
        Cancel("cancel"),"#,
    );
    assert_eq!(c.kinds(), vec![Leak]);
}

#[test]
fn afterfunc_errors_point_at_the_line() {
    let e = rejected(r#"Chan("ch"), ContextAfterFunc("stop", "ch", [])"#);
    assert!(e.contains("a context"), "{e}");
    assert!(e.contains("t.ron:3:"), "{e}");
    let e = rejected(r#"AfterFunc("t", 5)"#);
    assert!(e.contains("needs a `func` or a `body`"), "{e}");
    let e = rejected(r#"Mutex("mu"), Stop("mu")"#);
    assert!(e.contains("context.AfterFunc stop function"), "{e}");
}
