//! The bit-state store (`--store bitstate=SIZE`) is refereed by the full
//! one. With an array large enough that nothing is missed, it finds the
//! same bugs (kind, location, message) on every corpus scenario (both
//! reductions, complete and cut) and on the generated scenarios the
//! fingerprint store is refereed on, and never says "complete"; every bug
//! it finds replays to itself (a leak's replay explores every state after
//! its run with the full store, so a leak it reports is certain). A tiny
//! array shows the incomplete verdict honestly; bad sizes are exit-2 errors.

use crate::families;
use crate::support::alike;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use weft_checker::counterexample::replay::replay_path;
use weft_checker::counterexample::verdict::{blocked_at_in_every_future, key_of, reached};
use weft_checker::explore::{explore_with, Bound, Bounds, Outcome};
use weft_checker::graph::StoreKind;
use weft_checker::reduce::Reduction;
use weft_models::ir::Program;
use weft_models::syntax::BugKind;

/// 4 MB: 32 M bits, a hash factor above 1,000 on every scenario compared.
const LARGE: StoreKind = StoreKind::Bitstate {
    bytes: 4 << 20,
    hash_functions: 3,
};

/// The states explored after a bug's run to decide what it shows.
const REPLAY_STATES: usize = 3_000;

fn run(store: StoreKind, prog: &Program, bounds: &Bounds, reduction: Reduction) -> Outcome {
    let bounds = Bounds {
        store,
        ..bounds.clone()
    };
    explore_with(prog, &bounds, reduction).expect("the scenario runs")
}

/// The bugs, as their kind and locations, and their message unless a leak
/// (one certain in one state is worded for the search that found it).
fn bugs(o: &Outcome) -> Vec<String> {
    let mut b: Vec<String> = o
        .bugs
        .iter()
        .map(|b| {
            let key = key_of(b);
            if b.kind == BugKind::Leak {
                format!("{:?} at {:?}", key.kind, key.sites)
            } else {
                format!("{:?} at {:?}: {}", key.kind, key.sites, b.message)
            }
        })
        .collect();
    b.sort();
    b
}

/// Every bug of `o` replays from its path to a run that shows it.
fn assert_replays(name: &str, prog: &Program, o: &Outcome) {
    for bug in &o.bugs {
        let trace = replay_path(prog, &bug.path)
            .unwrap_or_else(|e| panic!("{name}: the path of {bug:?} does not replay: {e}"));
        let results: Vec<_> = trace
            .steps
            .iter()
            .map(|s| (s.events.clone(), s.failure.clone()))
            .collect();
        if bug.certain_before_cut {
            // A leak certain in one state claims that a goroutine stands
            // blocked at its site in every state after its run: explored.
            let end = if trace.failure.is_some() {
                panic!("{name}: a leak's run crashed")
            } else {
                &trace.last
            };
            // (`None`: too many states after it to tell, as an
            // infinite-state scenario has.)
            assert_ne!(
                blocked_at_in_every_future(prog, end, bug.site, REPLAY_STATES),
                Some(false),
                "{name}: the leak at {:?} is not certain",
                bug.site
            );
            continue;
        }
        let found = reached(prog, &trace.path, &results, &trace.last, REPLAY_STATES);
        let blocking = matches!(
            bug.kind,
            BugKind::Leak | BugKind::Deadlock | BugKind::ContextLeak
        );
        if blocking && !found.complete {
            // Too many states after its run to decide a blocking bug.
            continue;
        }
        assert!(
            found
                .bugs
                .get(&key_of(bug))
                .is_some_and(|b| b.kind == bug.kind),
            "{name}: the run of {:?} at {:?} does not show it; it shows {:?}",
            bug.kind,
            bug.site,
            found.bugs.keys().collect::<Vec<_>>()
        );
    }
}

/// How many comparisons were exact, and how many only checked that the
/// bugs replay (a cut search whose reduction fell back to the cycle
/// proviso under the bit-state store only, which an unconfirmed successor
/// makes it do: it stores other states, so it is cut elsewhere).
static EXACT: AtomicUsize = AtomicUsize::new(0);
static REPLAYED_ONLY: AtomicUsize = AtomicUsize::new(0);
/// Comparisons where a leak or pending cancel that only a cycle of states
/// shows was not decided.
static UNDECIDED: AtomicUsize = AtomicUsize::new(0);

fn assert_same(name: &str, prog: &Program, bounds: &Bounds, reduction: Reduction) {
    let full = run(StoreKind::Full, prog, bounds, reduction);
    let bits = run(LARGE, prog, bounds, reduction);
    let st = bits
        .stats
        .bitstate
        .expect("a bit-state search says what it missed");
    assert!(
        !bits.complete,
        "{name}: a bit-state search is never complete"
    );
    assert_eq!(full.stats.bitstate, None);
    assert!(st.hash_factor() > 1_000.0, "{name}: {st:?}");
    assert!(st.any_missed_probability() < 1e-5, "{name}: {st:?}");
    assert_replays(name, prog, &bits);
    let cut = |o: &Outcome| !matches!(o.bound, None | Some(Bound::Bitstate { .. }));
    if (cut(&full) || cut(&bits)) && full.stats.reduction != bits.stats.reduction {
        REPLAYED_ONLY.fetch_add(1, Ordering::Relaxed);
        return;
    }
    match full.bound {
        None => assert_eq!(
            bits.bound,
            Some(Bound::Bitstate {
                bytes: 4 << 20,
                hash_functions: 3
            }),
            "{name}"
        ),
        Some(b) => assert_eq!(bits.bound, Some(b), "{name}: the same cut"),
    }
    let (full_bugs, bit_bugs) = (bugs(&full), bugs(&bits));
    if st.cycles_decided {
        assert_eq!(
            full_bugs, bit_bugs,
            "{name} ({reduction:?}, {bounds:?}): the full and the bit-state store find different bugs ({st:?})"
        );
    } else {
        // Leaks and pending cancels only a cycle of states shows are not
        // decided (the verdict says so): those may be missing, nothing
        // else; a leak only the bit-state search reports is certain
        // (checked by `assert_replays`).
        let undecided = |b: &String| b.starts_with("Leak") || b.starts_with("ContextLeak");
        let missing: Vec<&String> = full_bugs.iter().filter(|b| !bit_bugs.contains(b)).collect();
        let extra: Vec<&String> = bit_bugs
            .iter()
            .filter(|b| !full_bugs.contains(b) && !b.starts_with("Leak"))
            .collect();
        assert!(
            missing.iter().all(|b| undecided(b)) && extra.is_empty(),
            "{name} ({reduction:?}, {bounds:?}): missing {missing:?}, extra {extra:?} ({st:?})"
        );
        if !missing.is_empty() {
            UNDECIDED.fetch_add(1, Ordering::Relaxed);
            println!("{name} ({reduction:?}): not decided in a cycle: {missing:?}");
        }
    }
    EXACT.fetch_add(1, Ordering::Relaxed);
}

#[test]
fn the_corpus_and_generated_scenarios_find_the_same_bugs_with_a_large_bit_array() {
    alike::on_the_corpus(&assert_same);
    alike::on_generated_scenarios(&assert_same);
    let (exact, replayed) = (
        EXACT.load(Ordering::Relaxed),
        REPLAYED_ONLY.load(Ordering::Relaxed),
    );
    let undecided = UNDECIDED.load(Ordering::Relaxed);
    println!("{exact} compared, {replayed} cut elsewhere (bugs replayed), {undecided} with a leak in a cycle not decided");
    assert!(exact > 10 * replayed, "{exact} exact, {replayed} not");
    // Pinned: the exploration after the search finds every leak and
    // pending cancel on a cycle of these scenarios (it found 5 of 9 until a
    // leak it decided gave way to a certain one a deadlock then hid; and
    // it missed generated infinite seed 73, a cancel never called seen
    // only on a cycle, until it also started from pending cancels).
    assert_eq!(undecided, 0, "{undecided} undecided");
}

/// readers/writer(12) with atomic accesses: clean, 2^12 complete runs.
fn readers() -> String {
    families::readers_writer(12, true)
}

#[test]
fn a_tiny_bit_array_misses_states_and_says_so() {
    let src = weft_models::span::SourceFile::new("readers.ron".to_string(), readers());
    let prog = weft_models::compile(&src, &[]).expect("it compiles");
    let full = run(StoreKind::Full, &prog, &Bounds::default(), Reduction::Por);
    assert!(full.complete && full.bugs.is_empty());
    let tiny = StoreKind::Bitstate {
        bytes: 64,
        hash_functions: 3,
    };
    let bits = run(tiny, &prog, &Bounds::default(), Reduction::Por);
    let st = bits.stats.bitstate.expect("what it missed");
    assert!(!bits.complete);
    assert_eq!(
        bits.bound,
        Some(Bound::Bitstate {
            bytes: 64,
            hash_functions: 3
        })
    );
    // 512 bits hold a few dozen states of the thousands there are: most
    // successors are taken for visited, and the estimates say so.
    assert!(
        st.nodes * 10 < full.stats.states,
        "{st:?} of {}",
        full.stats.states
    );
    assert_eq!(bits.stats.states, st.nodes);
    assert!(st.hash_factor() < 20.0, "{st:?}");
    assert!(st.fill() > 0.5 && st.miss_probability() > 0.1, "{st:?}");
    assert!(st.unconfirmed > st.nodes as u64, "{st:?}");
    assert!(st.coverage() < 0.5, "{st:?}");
    assert!(st.any_missed_probability() > 0.99, "{st:?}");
    assert!(!st.edges_known() && st.cycles_decided);
}

#[test]
fn a_leak_only_a_cycle_shows_is_looked_for_after_the_search() {
    // main waits for a goroutine that ticks forever: a leak on a bottom
    // component of several states, which the full store reports, and the
    // bit-state search finds by exploring every state after the deepest
    // open state where main is blocked.
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/pitfalls/27-init-goroutine-unmanaged.ron");
    let (code, full, _) = weft(&file, &["--format", "json"]);
    assert_eq!(code, Some(0), "{full}");
    let (code, bits, err) = weft(&file, &["--store", "bitstate=1M", "--format", "json"]);
    // It expects the leak: as expected, though incomplete.
    assert_eq!(code, Some(0), "{err}");
    let kinds = |json: &str| {
        let v: serde_json::Value = serde_json::from_str(json.trim()).expect("JSON");
        let bugs = v["bugs"].as_array().cloned().unwrap_or_default();
        bugs.iter()
            .map(|b| (b["kind"].to_string(), b["message"].to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&full), kinds(&bits));
    assert_eq!(kinds(&bits).len(), 1, "{bits}");
    let v: serde_json::Value = serde_json::from_str(bits.trim()).expect("JSON");
    assert_eq!(v["stats"]["bitstate"]["cycles_decided"], false, "{bits}");
    let (_, text, _) = weft(&file, &["--store", "bitstate=1M"]);
    assert!(
        flat(&text).contains(
            "leaks and never-called cancels that only a cycle of states shows were looked for only after"
        ),
        "{text}"
    );
}

/// `weft check` on `file` with `args`: its exit code and stdout.
fn weft(file: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("check")
        .args(args)
        .arg(file)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("weft runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// Text with every run of white space made one space (the text report
/// wraps its lines).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_format_says_what_the_bit_array_may_have_missed_alike() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-bitstate");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join("readers.ron");
    std::fs::write(&file, readers()).expect("written");
    let store = ["--store", "bitstate=64"];
    let with = |format: &str| {
        let (code, out, err) = weft(&file, &[store[0], store[1], "--format", format]);
        // Clean expected, and a partial search cannot show it: exit 1.
        assert_eq!(code, Some(1), "{format}: {err}");
        out
    };
    let json: serde_json::Value = serde_json::from_str(with("json").trim()).expect("JSON");
    assert_eq!(json["complete"], false);
    assert_eq!(json["bound"], "--store bitstate=64");
    let b = &json["stats"]["bitstate"];
    let num = |k: &str| b[k].as_f64().unwrap_or_else(|| panic!("{k} in {b}"));
    assert_eq!(num("array_bytes"), 64.0);
    assert_eq!(num("hash_functions"), 3.0);
    // readers/writer has no loop: its runs are finite, so it has no cycle
    // to decide, though its edges are not all known.
    assert_eq!(b["cycles_decided"], true);
    assert!(
        num("coverage") < 0.5 && num("any_missed_probability") > 0.99,
        "{b}"
    );
    assert!(
        (num("hash_factor") - 512.0 / json["stats"]["states"].as_f64().expect("states")).abs()
            < 1e-9
    );
    // The one view, worded once: every format carries the same note.
    let view = weft_reports::view::BitstateView {
        array_bytes: 64,
        hash_functions: 3,
        hash_factor: num("hash_factor"),
        fill: num("fill"),
        miss_probability: num("miss_probability"),
        unconfirmed: num("unconfirmed") as u64,
        expected_missed: num("expected_missed"),
        coverage: num("coverage"),
        any_missed_probability: num("any_missed_probability"),
        cycles_decided: true,
    };
    let note = weft_reports::words::bitstate_note(&view);
    assert!(note.contains("partial by construction") && note.contains("hash factor"));
    assert!(!note.contains("not decided"), "{note}");
    let text = with("text");
    assert!(
        flat(&text).contains("incomplete (bounded by --store bitstate=64): no bug found in"),
        "{text}"
    );
    assert!(flat(&text).contains(&note), "{text}\n{note}");
    assert!(!text.contains("verified"), "{text}");
    let sarif: serde_json::Value = serde_json::from_str(&with("sarif")).expect("SARIF is JSON");
    let verdict = &sarif["runs"][0]["properties"]["verdicts"][0];
    assert_eq!(verdict["complete"], false);
    assert_eq!(&verdict["bitstate"], b, "SARIF and JSON carry one view");
    assert!(
        verdict["verdict"]
            .as_str()
            .is_some_and(|v| v.ends_with(&note)),
        "{verdict}"
    );
    let junit = with("junit");
    assert!(flat(&junit).contains(&note), "{junit}");
    // The review page says it too.
    let html = dir.join("html");
    weft(
        &file,
        &[store[0], store[1], "--html", html.to_str().expect("utf-8")],
    );
    let page = std::fs::read_to_string(html.join("readers-writer.html")).expect("the page");
    assert!(page.contains("partial by construction"), "{page}");
    // The other stores say nothing of the kind.
    let (code, full, _) = weft(&file, &["--format", "json"]);
    assert_eq!(code, Some(0));
    assert!(!full.contains("\"bitstate\""), "{full}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_sizes_are_errors() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/classic/dining-philosophers-fixed.ron");
    for (arg, says) in [
        ("bitstate=0", "expected the bit array's size in bytes"),
        ("bitstate=", "expected the bit array's size in bytes"),
        ("bitstate=12X", "expected the bit array's size in bytes"),
        ("bitstate=-5M", "expected the bit array's size in bytes"),
        (
            "bitstate=99999999T",
            "expected the bit array's size in bytes",
        ),
        ("bitstate=64M,k=0", "the bits set per state, from 1 to 32"),
        ("bitstate=64M,k=33", "the bits set per state, from 1 to 32"),
        ("bitstate=64M,3", "expected `,k=N` after the size"),
        (
            "bitstate",
            "expected `auto`, `full`, `fingerprint` or `bitstate=SIZE`",
        ),
    ] {
        let (code, out, err) = weft(&file, &["--store", arg]);
        assert_eq!(code, Some(2), "{arg}: {out}{err}");
        assert!(err.contains(says), "{arg}: {err}");
    }
    // An array larger than the search's share of --max-memory.
    let (code, _, err) = weft(&file, &["--store", "bitstate=1G", "--max-memory", "1G"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--store bitstate=1G: the bit array does not fit in the search's share (3/4) of --max-memory 1G"),
        "{err}"
    );
    // k is taken, and named back when not the default.
    let (code, out, err) = weft(&file, &["--store", "bitstate=1M,k=5", "--format", "json"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("\"bound\":\"--store bitstate=1M,k=5\""),
        "{out}"
    );
    assert!(out.contains("\"hash_functions\":5"), "{out}");
}

#[test]
fn the_report_is_the_same_on_any_number_of_threads() {
    // Nodes of a batch stay in the frontier until closed, so what the bit
    // array confirms does not depend on the batch size.
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let json = |jobs: &str| {
        let (_, out, _) = weft(
            &corpus,
            &["--store", "bitstate=1M", "--jobs", jobs, "--format", "json"],
        );
        out.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).expect("JSON lines");
                if let Some(st) = v.get_mut("stats") {
                    st["seconds"] = 0.into();
                    st["peak_resident_bytes"] = 0.into();
                }
                v.to_string()
            })
            .collect::<Vec<_>>()
    };
    let one = json("1");
    assert!(one.len() > 80, "{} scenarios", one.len());
    assert_eq!(one, json("3"));
}
