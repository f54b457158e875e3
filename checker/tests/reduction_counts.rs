//! The reduction measured: pinned state and run counts of the families of
//! `benches/families.rs`. The expected numbers of Mazurkiewicz traces are
//! computed here from their closed forms (readers/writer 2^n, lastzero
//! (n+3)*2^(n-2), safe philosophers 2^n - 2), never from weft's output: a
//! reduction that explores one complete run per trace meets them exactly.

#[path = "../benches/families.rs"]
mod families;

use weft_checker::explore::{explore_with, Bounds, Outcome};
use weft_checker::reduce::{Applied, Reduction};
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind;

fn run(ron: &str, reduction: Reduction) -> Outcome {
    let file = SourceFile::new("family.ron".to_string(), ron.to_string());
    let prog = match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("{}\n{ron}", e.render(&file, false)),
    };
    let out = explore_with(&prog, &Bounds::default(), reduction).expect("no model error");
    assert!(out.complete, "the search must be complete");
    out
}

fn runs(o: &Outcome) -> u128 {
    o.stats
        .complete_runs
        .expect("acyclic, complete: runs are counted")
}

#[test]
fn independent_writers_explore_linearly_many_states() {
    for n in 2..=8 {
        let red = run(&families::independent(n), Reduction::Por);
        let full = run(&families::independent(n), Reduction::None);
        assert_eq!(red.stats.reduction, Applied::Por);
        assert!(red.bugs.is_empty() && full.bugs.is_empty());
        // main's n spawns, then each goroutine's two writes, one at a time.
        assert_eq!(red.stats.states, 1 + n + 2 * n, "n = {n}");
        assert_eq!(runs(&red), 1, "n = {n}");
        // Without reduction every combination of progress is a state.
        assert!(full.stats.states >= 3usize.pow(n as u32), "n = {n}");
    }
}

#[test]
fn readers_writer_explores_one_run_per_trace() {
    for n in 1..=7u32 {
        let red = run(&families::readers_writer(n as usize), Reduction::Por);
        assert_eq!(runs(&red), 2u128.pow(n), "readers/writer({n})");
        let full = run(&families::readers_writer(n as usize), Reduction::None);
        assert!(runs(&full) > runs(&red) || n == 1);
    }
}

#[test]
fn lastzero_explores_one_run_per_trace() {
    for n in 2..=7u32 {
        let red = run(&families::lastzero(n as usize), Reduction::Por);
        let expected = u128::from(n + 3) * 2u128.pow(n - 2);
        assert_eq!(runs(&red), expected, "lastzero({n})");
        // Unsynchronised reads and writes: every reported bug is a race.
        assert!(!red.bugs.is_empty() && red.bugs.iter().all(|b| b.kind == BugKind::Race));
    }
}

#[test]
fn safe_philosophers_explore_one_run_per_trace() {
    for n in 2..=6u32 {
        let red = run(&families::philosophers(n as usize, true), Reduction::Por);
        assert!(red.bugs.is_empty(), "the ordered-locks fix is clean");
        assert_eq!(runs(&red), 2u128.pow(n) - 2, "philosophers({n})");
    }
}

#[test]
fn buggy_philosophers_deadlock_under_both_searches() {
    for n in 2..=5 {
        for r in [Reduction::Por, Reduction::None] {
            let out = run(&families::philosophers(n, false), r);
            let kinds: Vec<BugKind> = out.bugs.iter().map(|b| b.kind).collect();
            assert!(
                kinds.contains(&BugKind::Deadlock) || kinds.contains(&BugKind::Leak),
                "{n} {r:?}: {kinds:?}"
            );
        }
    }
}

/// Pinned counts of a few small scenarios, reduced and not, so that a
/// change in what the reduction prunes is seen.
#[test]
fn pinned_counts() {
    let pin = |ron: &str, r: Reduction| {
        let o = run(ron, r);
        (o.stats.states, o.stats.transitions, runs(&o))
    };
    // (states, transitions, complete runs)
    let rw3 = families::readers_writer(3);
    assert_eq!(pin(&rw3, Reduction::None), (31, 64, 105));
    assert_eq!(pin(&rw3, Reduction::Por), (20, 26, 8));
    let lz3 = families::lastzero(3);
    assert_eq!(pin(&lz3, Reduction::None), (140, 301, 3355));
    assert_eq!(pin(&lz3, Reduction::Por), (61, 68, 12));
    let ph3 = families::philosophers(3, true);
    assert_eq!(pin(&ph3, Reduction::None), (100, 178, 1590));
    assert_eq!(pin(&ph3, Reduction::Por), (51, 55, 6));
    let ind4 = families::independent(4);
    assert_eq!(pin(&ind4, Reduction::None), (121, 324, 15400));
    assert_eq!(pin(&ind4, Reduction::Por), (13, 12, 1));
}
