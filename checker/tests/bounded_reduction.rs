//! The reduction on infinite state spaces, under a bound: no goroutine is
//! ignored forever and no crash is postponed forever, so the shallow bugs
//! the plain search finds at once are found by the default search too
//! (checker/README.md, "Under a bound"). Each scenario is a shape on which
//! the reduced graph used to be one endless chain that never ran the
//! goroutines holding the bug.

use std::collections::BTreeSet;

use weft_checker::counterexample::replay::replay_path;
use weft_checker::explore::{explore_with, Bounds, Outcome};
use weft_checker::reduce::Reduction;
use weft_checker::state::Site;
use weft_models::ir::Program;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind;

fn compile(src: &str) -> Program {
    let file = SourceFile::new("test.ron", src);
    match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("scenario does not compile:\n{}", e.render(&file, false)),
    }
}

fn bugs(o: &Outcome) -> BTreeSet<(BugKind, Site)> {
    o.bugs.iter().map(|b| (b.kind, b.site)).collect()
}

/// Under each bound, the default search reports every bug the plain search
/// reports, each with a counterexample that replays; returns those bugs.
fn same_bugs_under_bounds(src: &str) -> BTreeSet<(BugKind, Site)> {
    let prog = compile(src);
    let by_states = Bounds {
        max_states: Some(10_000),
        ..Default::default()
    };
    // A depth bound alone lets the plain search of a spawning loop grow
    // without end in width; the state cap keeps both runs short.
    let by_depth = Bounds {
        max_depth: Some(30),
        max_states: Some(50_000),
        ..Default::default()
    };
    let mut all = BTreeSet::new();
    for bounds in [by_states, by_depth] {
        let none = explore_with(&prog, &bounds, Reduction::None).expect("explores");
        let por = explore_with(&prog, &bounds, Reduction::Por).expect("explores");
        assert!(!none.bugs.is_empty(), "the plain search finds the bug");
        let missing: Vec<_> = bugs(&none).difference(&bugs(&por)).cloned().collect();
        assert!(
            missing.is_empty(),
            "under {bounds:?} the reduced search misses {missing:?}"
        );
        for b in &por.bugs {
            let trace = replay_path(&prog, &b.path).expect("the counterexample replays");
            assert_eq!(trace.steps.len(), b.path.len());
        }
        all.extend(bugs(&por));
    }
    all
}

fn kinds(found: &BTreeSet<(BugKind, Site)>) -> BTreeSet<BugKind> {
    found.iter().map(|(k, _)| *k).collect()
}

#[test]
fn an_accept_loop_does_not_starve_its_racing_handlers() {
    // for { go handle() } with handle: hits++ (unlocked).
    let found = same_bugs_under_bounds(
        r#"Scenario(
    name: "accept-loop",
    globals: [Var("hits", 0)],
    main: [Go("acceptLoop")],
    funcs: {
        "acceptLoop": [Loop([Go("handle")])],
        "handle": [Set("hits", "hits + 1")],
    },
)"#,
    );
    assert_eq!(kinds(&found), BTreeSet::from([BugKind::Race]));
}

#[test]
fn a_crash_is_not_postponed_behind_a_goroutine_that_never_stops() {
    let found = same_bugs_under_bounds(
        r#"Scenario(
    name: "crash-postponed",
    globals: [Var("x", 0)],
    main: [Go(body: [Loop([AtomicAdd("x", 1)])]), Panic("main panics")],
)"#,
    );
    assert_eq!(kinds(&found), BTreeSet::from([BugKind::Panic]));
}

#[test]
fn one_spawner_does_not_starve_everyone() {
    // The spawned goroutines block forever, so the state space grows.
    let found = same_bugs_under_bounds(
        r#"Scenario(
    name: "spawner-starves",
    globals: [Var("x", 0), Chan("never", 0)],
    main: [
        Go(body: [Loop([Go(body: [Recv("never")])])]),
        Go(body: [AtomicStore("x", 1)]),
        AtomicLoad("x", "a"),
        Assert("a == 0"),
    ],
)"#,
    );
    assert!(kinds(&found).contains(&BugKind::Assert), "{found:?}");
}
