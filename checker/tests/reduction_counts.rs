//! The reduction measured: pinned state and run counts of the families of
//! `benches/families.rs`. The expected numbers of Mazurkiewicz traces are
//! computed here from their closed forms (readers/writer 2^n, lastzero
//! (n+3)*2^(n-2), safe philosophers 2^n - 2), never from weft's output: a
//! reduction that explores one complete run per trace meets them exactly.

use crate::families;

use weft_checker::explore::{explore_graph_with, explore_with, Bounds, Outcome};
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
        let red = run(&families::readers_writer(n as usize, false), Reduction::Por);
        assert_eq!(runs(&red), 2u128.pow(n), "readers/writer({n})");
        let full = run(
            &families::readers_writer(n as usize, false),
            Reduction::None,
        );
        assert!(runs(&full) > runs(&red) || n == 1);
    }
}

#[test]
fn lastzero_explores_one_run_per_trace() {
    for n in 2..=7u32 {
        let red = run(&families::lastzero(n as usize, false), Reduction::Por);
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
    let rw3 = families::readers_writer(3, false);
    assert_eq!(pin(&rw3, Reduction::None), (31, 64, 105));
    assert_eq!(pin(&rw3, Reduction::Por), (20, 26, 8));
    let lz3 = families::lastzero(3, false);
    assert_eq!(pin(&lz3, Reduction::None), (140, 301, 3355));
    assert_eq!(pin(&lz3, Reduction::Por), (58, 65, 12));
    let ph3 = families::philosophers(3, true);
    assert_eq!(pin(&ph3, Reduction::None), (100, 178, 1590));
    assert_eq!(pin(&ph3, Reduction::Por), (51, 55, 6));
    let ind4 = families::independent(4);
    assert_eq!(pin(&ind4, Reduction::None), (121, 324, 15400));
    assert_eq!(pin(&ind4, Reduction::Por), (13, 12, 1));
}

/// Explorations that end asleep: a node in which a sleeping transition can
/// never be woken (no actor that may still move ever touches what it
/// touches) explores nothing. On lastzero(8) the reduced search stored
/// 8,747 states before that cut, of which 3,749 lie on a complete run;
/// with static futures the cut left 7,821; with the scanner's future
/// walked while the cells whose writers sleep keep their values
/// (`reduce/frozen.rs`), 3,869: the 120 left over are the doomed nodes
/// themselves. The cut keeps every trace and every state on a complete run.
#[test]
fn explorations_that_can_only_end_asleep_are_cut() {
    let o = run(&families::lastzero(8, true), Reduction::Por);
    assert!(o.bugs.is_empty(), "the atomic variant is clean");
    assert_eq!(runs(&o), 11 * 2u128.pow(6), "one run per trace");
    assert_eq!(o.stats.states_on_complete_runs, Some(3749));
    assert_eq!(
        o.stats.states, 3869,
        "7,821 with static futures, 8,747 without the cut"
    );
    // Without sleep sets every stored state lies on a complete run.
    let full = run(&families::lastzero(5, true), Reduction::None);
    assert_eq!(full.stats.states_on_complete_runs, Some(full.stats.states));
}

/// The issue's measure: at most 10 % of the stored states of lastzero(12)
/// lie on no complete run (81 % before any cut, 74 % with static futures).
#[test]
fn lastzero_12_stores_few_states_off_its_runs() {
    let o = run(&families::lastzero(12, true), Reduction::Por);
    assert_eq!(runs(&o), 15 * 2u128.pow(10), "one run per trace");
    let on = o.stats.states_on_complete_runs.expect("acyclic: counted");
    assert_eq!(
        on, 93_705,
        "the same states on complete runs as before the cut"
    );
    assert_eq!(o.stats.states, 95_741);
    assert!(
        (o.stats.states - on) * 10 <= o.stats.states,
        "{on} of {}",
        o.stats.states
    );
}

/// The fixed gops fan-out keeps its channels and WaitGroup in main's
/// locals, captured by the workers. Read as "any object the goroutine
/// reaches", a worker's `Send(found)` or the closer's `Wait(wg)` could wake
/// main's sleeping `Send(limitCh)`, and 37 % of the states of (5, 3) lay
/// on no complete run. Resolved (a local no later instruction of the frame
/// assigns holds its channel to the end), they touch their own object:
/// 5,696 states, 13 % on none. The rest were workers asleep at their
/// counter's `AtomicAdd` while main, blocked in its `range`, would load
/// that counter after the loop: blocked goroutines now move only once a
/// mover may enable them, a `Wait` only once the movers can take enough
/// `Done`s (5,578 states), and a `range` over a channel no mover may close
/// never ends, so main's load is no part of its future (5,185 states,
/// 5 % on none). Each value main receives, which it never reads (it only
/// counts), forgotten at once (`semantics/dead.rs`): 4,197 states, 194 on
/// none (5 %). The closer's `Wait` registered while main's loop could
/// still start workers; bounding the loop's `Done`s by the iterations its
/// variable leaves (`weft_models::dones`), it does not: 4,166 states,
/// still 194 on none. The issue's measure is at most 10 %.
#[test]
fn the_fixed_gops_fan_out_stores_few_states_off_its_runs() {
    let o = run(&families::gops(5, 3, true), Reduction::Por);
    assert!(o.bugs.is_empty(), "the fix holds");
    assert_eq!(runs(&o), 7_799_526);
    let on = o.stats.states_on_complete_runs.expect("acyclic: counted");
    assert_eq!(on, 3_972, "4,003 with the closer's Wait registering");
    assert_eq!(
        o.stats.states, 4_166,
        "32,372 with wildcards, 5,696 with stable locals, 5,185 keeping dead values, 4,197 with the Wait registering"
    );
    assert!(
        (o.stats.states - on) * 10 <= o.stats.states,
        "{on} of {} on complete runs",
        o.stats.states
    );
    let small = families::gops(4, 2, true);
    let (red, full) = (run(&small, Reduction::Por), run(&small, Reduction::None));
    assert!(red.bugs.is_empty() && full.bugs.is_empty());
    assert_eq!(
        red.stats.states, 811,
        "3,429 with wildcards, 1,093 with stable locals, 1,000 keeping dead values, 817 with the Wait registering"
    );
}

#[test]
fn atomic_variants_count_the_same_traces_and_are_clean() {
    for n in 2..=5u32 {
        let rw = run(&families::readers_writer(n as usize, true), Reduction::Por);
        assert!(rw.bugs.is_empty(), "atomics never race");
        assert_eq!(runs(&rw), 2u128.pow(n));
        let lz = run(&families::lastzero(n as usize, true), Reduction::Por);
        assert!(lz.bugs.is_empty(), "atomics never race");
        assert_eq!(runs(&lz), u128::from(n + 3) * 2u128.pow(n - 2));
    }
}

#[test]
fn indexer_over_a_slice_has_the_same_traces() {
    // The Go shape (a slice of slots, a probing loop). The stateful
    // reduction stores every state the sleep sets reach, since the static
    // future of `table[h]` is any slot (see `families::indexer_slice`);
    // stateless DPOR follows the slots each run touched and explores one
    // run per trace: one below 12 goroutines (no two probe the same cell),
    // then Flanagan and Godefroid's 8 and 64 (POPL'05; the unrolled form
    // below has the same).
    for n in [1, 2, 3] {
        let o = run(&families::indexer_slice(n), Reduction::Por);
        assert!(o.bugs.is_empty());
        assert_eq!(runs(&o), 1, "indexer_slice({n})");
        assert_eq!(
            o.stats.states,
            5usize.pow(n as u32) + n,
            "indexer_slice({n})"
        );
    }
    for n in [1, 2, 4, 8] {
        let o = run(&families::indexer_slice(n), Reduction::Dpor);
        assert_eq!(o.stats.reduction, Applied::Dpor);
        assert!(o.bugs.is_empty());
        assert_eq!(runs(&o), 1, "indexer_slice({n})");
        assert_eq!(o.stats.states, 1 + n + 4 * n, "one state per step");
    }
    let pinned: Vec<(u128, usize)> = [12, 13]
        .iter()
        .map(|&n| {
            let o = run(&families::indexer_slice(n), Reduction::Dpor);
            assert!(o.bugs.is_empty());
            (runs(&o), o.stats.states)
        })
        .collect();
    assert_eq!(pinned, vec![(8, 196), (64, 705)]);
}

#[test]
fn dpor_explores_one_run_per_trace_on_the_shared_memory_families() {
    // Closed forms, as for the stateful reduction; readers and lastzero
    // never wait and their runs all end, so `dpor` applies.
    for n in 2..=6u32 {
        let o = run(&families::readers_writer(n as usize, true), Reduction::Dpor);
        assert_eq!(o.stats.reduction, Applied::Dpor);
        assert_eq!(runs(&o), 2u128.pow(n), "readers({n})");
        let o = run(&families::lastzero(n as usize, true), Reduction::Dpor);
        assert_eq!(o.stats.reduction, Applied::Dpor);
        assert_eq!(
            runs(&o),
            u128::from(n + 3) * 2u128.pow(n - 2),
            "lastzero({n})"
        );
    }
    // A program whose runs may not end (fanout's main ranges over a
    // channel: not a counted loop) is searched with `por`, and says why.
    let o = run(&families::fanout(3), Reduction::Dpor);
    assert!(matches!(
        o.stats.reduction,
        Applied::PorNotDpor(weft_checker::reduce::NotApplicable::Unbounded)
    ));
    assert_eq!(runs(&o), runs(&run(&families::fanout(3), Reduction::Por)));
}

#[test]
fn indexer_without_collisions_is_one_trace() {
    for n in [1, 2, 4, 6] {
        let o = run(&families::indexer(n), Reduction::Por);
        assert!(o.bugs.is_empty());
        assert_eq!(
            runs(&o),
            1,
            "indexer({n}) has no collision below 12 goroutines"
        );
        assert_eq!(o.stats.states, 1 + n + 4 * n, "one state per step");
    }
    // From 12 goroutines on, insertions collide. Pinned (weft's own counts,
    // not a closed form): they show a change in what the reduction merges.
    let pinned: Vec<(u128, usize)> = [12, 13]
        .iter()
        .map(|&n| {
            let o = run(&families::indexer(n), Reduction::Por);
            assert!(o.bugs.is_empty());
            (runs(&o), o.stats.states)
        })
        .collect();
    assert_eq!(pinned, vec![(8, 70), (64, 84)]);
}

/// A WaitGroup's `Done` that no run of the others can bring to zero
/// commutes with all of them (`reduce/waitgroup.rs`): fanout(6) stores
/// 14,451 states, every one on a complete run, where it stored 291,372
/// (20 % on none) when each sender's `Done` pulled in the closer's `Wait`
/// and, through its `close`, every send and receive. (19,541 before main
/// forgot each received value once added: `semantics/dead.rs`.)
#[test]
fn a_done_that_cannot_release_the_wait_commutes() {
    let o = run(&families::fanout(6), Reduction::Por);
    assert!(o.bugs.is_empty());
    assert_eq!(o.stats.states, 14_451);
    assert_eq!(o.stats.states_on_complete_runs, Some(14_451));
    assert_eq!(runs(&o), 308_880);
}

#[test]
fn the_message_passing_families_are_clean_and_reduce() {
    for ron in [
        families::pipeline(2, 2),
        families::fanout(3),
        families::gops(3, 2, true),
    ] {
        let red = run(&ron, Reduction::Por);
        let full = run(&ron, Reduction::None);
        assert!(red.bugs.is_empty() && full.bugs.is_empty(), "{ron}");
        assert!(red.stats.states <= full.stats.states);
    }
    let buggy = run(&families::gops(3, 2, false), Reduction::Por);
    assert!(buggy.bugs.iter().any(|b| b.kind == BugKind::Deadlock));
}

/// The ignoring problem: goroutine `a` loops forever on its own variable,
/// independent of everything, so a persistent set of its step alone is
/// always valid. Without the cycle proviso the reduced graph would cycle
/// through `a`'s states forever, never run `c`, and report `b` (waiting
/// for `c`'s send) as blocked forever in that bottom component: a false
/// leak. With it, the scenario is clean, as the exhaustive search says.
#[test]
fn the_cycle_proviso_keeps_an_ignored_goroutine() {
    let ron = r#"Scenario(
  name: "ignored",
  globals: [Var("x", 0), Var("y", 0), Chan("c", 0)],
  main: [
    Go(body: [Loop([Set("x", 1), Set("x", 0)])]),
    Go(body: [Recv("c")]),
    Go(body: [Set("y", 1), Send("c", 1)]),
  ],
)"#;
    let red = run(ron, Reduction::Por);
    let full = run(ron, Reduction::None);
    assert_eq!(red.stats.reduction, Applied::Proviso);
    assert!(full.bugs.is_empty(), "{:?}", full.bugs);
    assert!(red.bugs.is_empty(), "{:?}", red.bugs);
    assert!(red.stats.states < full.stats.states);
    // And a real leak in a cyclic scenario is still found.
    let leak = ron.replace(r#"Set("y", 1), Send("c", 1)"#, r#"Set("y", 1)"#);
    for r in [Reduction::Por, Reduction::None] {
        let out = run(&leak, r);
        let kinds: Vec<BugKind> = out.bugs.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, vec![BugKind::Leak], "{r:?}");
    }
}

/// Workers looping forever over two mutexes and two counters: a cyclic
/// state graph where the persistent sets leave steps out while a worker
/// holds a mutex (`HeldLocks` in `reduce/persistent.rs`), and the cycle
/// proviso, finding that a set leads to a state of its level or an earlier
/// one, takes the others at the commit, where they join the set's in
/// transition order. The counts are pinned on one thread and on two, and
/// the two graphs hold the same states under the same ids. (Before the
/// sets leaned on held mutexes and the proviso asked levels: 49,736
/// states, 108,645 transitions; with the levels alone, 48,703 and
/// 105,252. The plain search: 50,639 and 112,260.)
#[test]
fn the_cycle_proviso_takes_the_steps_left_out_in_transition_order() {
    let worker = r#"Go(body: [Loop([Lock("mu"), Let("v", "x"), If("v < 1", [Set("x", "v + 1")], [Set("x", 0)]), Unlock("mu"), Lock("mu2"), Let("w", "y"), If("w < 1", [Set("y", "w + 1")], [Set("y", 0)]), Unlock("mu2")])])"#;
    let ron = format!(
        r#"Scenario(
  name: "cyclic-workers",
  globals: [Mutex("mu"), Mutex("mu2"), Var("x", 0), Var("y", 0)],
  main: [{worker}, {worker}, {worker}, Lock("mu"), Unlock("mu")],
)"#
    );
    let file = SourceFile::new("cyclic-workers.ron".to_string(), ron.clone());
    // Every value kept: forgetting the workers' dead `v` and `w`
    // (`semantics/dead.rs`) leaves 421 states and 619 transitions, too few
    // for the sets to leave much out.
    let prog = weft_models::compile(&file, &[])
        .expect("the scenario compiles")
        .keeping_dead_locals();
    let mut graphs = Vec::new();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let out = pool
            .install(|| explore_with(&prog, &Bounds::default(), Reduction::Por))
            .expect("no model error");
        assert_eq!(out.stats.reduction, Applied::Proviso);
        assert!(out.bugs.is_empty(), "{:?}", out.bugs);
        assert_eq!(
            (out.stats.states, out.stats.transitions),
            (37_432, 60_696),
            "{threads} threads"
        );
        let (graph, _, _) = pool
            .install(|| explore_graph_with(&prog, &Bounds::default(), Reduction::Por))
            .expect("no model error");
        graphs.push(graph);
    }
    let (one, two) = (&graphs[0], &graphs[1]);
    assert_eq!(one.len(), two.len());
    for id in (0..one.len() as u32).step_by(97) {
        assert_eq!(one.state(id), two.state(id), "state {id}");
    }
}

/// `n` goroutines each take the lock of shard `id % shards` of a slice of
/// mutexes and bump the shard's counter: the sharded map of Go code.
fn shards(n: usize, shards: usize) -> String {
    format!(
        r#"Scenario(
  name: "shards",
  globals: [Slice("locks", "sync.Mutex", {shards}), Slice("table", "int", {shards})],
  main: [
    For("id", 0, {n}, [Go(body: [Let("h", "id % {shards}"), Lock("locks[h]"), Set("table[h]", "table[h] + 1"), Unlock("locks[h]")])]),
  ],
)"#
    )
}

#[test]
fn dpor_follows_computed_mutexes() {
    // Critical sections on different shards commute; on one shard their
    // orders are the traces: k goroutines per shard give k! orders, and
    // the shards multiply. The stateful reduction sees `locks[h]` as any
    // mutex in every future and stores nearly the plain search's states.
    for (n, sh, traces) in [(4, 4, 1u128), (4, 2, 4), (6, 2, 36), (6, 3, 8)] {
        let dpor = run(&shards(n, sh), Reduction::Dpor);
        assert_eq!(dpor.stats.reduction, Applied::Dpor);
        assert!(dpor.bugs.is_empty());
        assert_eq!(runs(&dpor), traces, "shards({n}, {sh})");
        let por = run(&shards(n, sh), Reduction::Por);
        assert_eq!(runs(&por), traces, "shards({n}, {sh})");
        assert!(dpor.stats.states < por.stats.states);
    }
    // One trace: each step's state once.
    let dpor = run(&shards(4, 4), Reduction::Dpor);
    assert_eq!(dpor.stats.states, 1 + 4 + 4 * 4, "one state per step");
}

#[test]
fn dpor_follows_computed_channels() {
    // A worker per index, each with its own channel from a slice
    // (`chans[i]`): one trace. The stateful reduction sees any channel of
    // the slice in every worker's future.
    let workers = |n: usize| {
        format!(
            r#"Scenario(
  name: "workers",
  globals: [Slice("chans", "chan int", {n}), Slice("out", "int", {n})],
  main: [
    For("i", 0, {n}, [Chan("c", 1), Set("chans[i]", "c")]),
    For("i", 0, {n}, [Go(body: [Let("c", "chans[i]"), Recv("c", "v"), Set("out[i]", "v")])]),
    For("i", 0, {n}, [Let("c", "chans[i]"), Send("c", "i")]),
  ],
)"#
        )
    };
    let unbuffered = |n: usize| workers(n).replace(r#"Chan("c", 1)"#, r#"Chan("c")"#);
    for n in [2, 3, 4] {
        // Unbuffered: each send and its receive are one rendezvous step.
        let dpor = run(&unbuffered(n), Reduction::Dpor);
        assert_eq!(dpor.stats.reduction, Applied::Dpor);
        assert!(dpor.bugs.is_empty());
        assert_eq!(runs(&dpor), 1, "unbuffered workers({n})");
        assert_eq!(dpor.stats.states, 1 + 2 * n + 4 * n, "one state per step");
        let dpor = run(&workers(n), Reduction::Dpor);
        assert_eq!(dpor.stats.reduction, Applied::Dpor);
        assert!(dpor.bugs.is_empty());
        assert_eq!(runs(&dpor), 1, "workers({n})");
        let por = run(&workers(n), Reduction::Por);
        assert_eq!(runs(&por), 1, "workers({n})");
        assert!(
            dpor.stats.states < por.stats.states,
            "workers({n}): {} against {}",
            dpor.stats.states,
            por.stats.states
        );
    }
}

#[test]
fn dpor_stops_at_the_users_state_bound_and_says_so() {
    let file = SourceFile::new("family.ron".to_string(), families::indexer_slice(12));
    let prog = weft_models::compile(&file, &[]).expect("compiles");
    let bounds = Bounds {
        max_states: Some(50),
        ..Bounds::default()
    };
    let o = explore_with(&prog, &bounds, Reduction::Dpor).expect("no model error");
    assert!(!o.complete, "cut, never verified");
    assert_eq!(o.bound, Some(weft_checker::explore::Bound::States(50)));
    assert!(o.stats.states <= 50, "{}", o.stats.states);
    assert_eq!(o.stats.complete_runs, None);
}
