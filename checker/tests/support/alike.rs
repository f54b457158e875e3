//! Running one comparison of two ways to search over the corpus and over
//! generated scenarios (complete, cut by states, cut by depth, and
//! infinite-state), shared by tests/jobs.rs and tests/fingerprint_store.rs.

use std::path::Path;

use weft_checker::explore::{Bounds, Outcome};
use weft_checker::reduce::Reduction;
use weft_models::ir::Program;
use weft_models::span::SourceFile;

use super::gen;

/// A comparison: panics when the two searches differ on a scenario.
pub type Compare<'a> = &'a dyn Fn(&str, &Program, &Bounds, Reduction);

/// Everything a report is made of, but the clock and the memory.
pub fn essence(o: &Outcome) -> String {
    let s = &o.stats;
    format!(
        "complete {} bound {:?}\nstates {} transitions {} depth {} runs {:?} distinct {:?} reduction {:?}\nbugs {:#?}\ncovered {:?}\nunsynced {:?}\ngrowth {:?}",
        o.complete,
        o.bound,
        s.states,
        s.transitions,
        s.max_depth,
        s.complete_runs,
        s.distinct_states,
        s.reduction,
        o.bugs,
        o.covered,
        o.unsynced,
        o.growth,
    )
}

/// Every scenario of the corpus, compiled, with its path.
pub fn corpus() -> Vec<(String, Program)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut dirs = vec![root];
    let mut out = Vec::new();
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .expect("the corpus folder")
            .map(|e| e.expect("a corpus entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "ron") {
                let text = std::fs::read_to_string(&p).expect("a scenario");
                let file = SourceFile::new(p.display().to_string(), text);
                let prog = weft_models::compile(&file, &[]).expect("the corpus compiles");
                out.push((p.display().to_string(), prog));
            }
        }
    }
    out
}

/// Compares on every corpus scenario: both reductions complete, and the
/// reduced search cut by states mid-level and by depth.
pub fn on_the_corpus(assert_same: Compare) {
    let corpus = corpus();
    assert!(corpus.len() > 80, "{} scenarios", corpus.len());
    for (name, prog) in &corpus {
        for reduction in [Reduction::Por, Reduction::None] {
            assert_same(name, prog, &Bounds::default(), reduction);
        }
        // Cut searches: by states mid-level, and by depth.
        let by_states = Bounds {
            max_states: Some(37),
            ..Default::default()
        };
        assert_same(name, prog, &by_states, Reduction::Por);
        let by_depth = Bounds {
            max_depth: Some(9),
            ..Default::default()
        };
        assert_same(name, prog, &by_depth, Reduction::Por);
    }
}

fn compile(ron: String, name: &str) -> Option<Program> {
    let file = SourceFile::new(format!("{name}.ron"), ron);
    weft_models::compile(&file, &[]).ok()
}

/// Compares on 150 generated scenarios, bounded (both reductions), and
/// 150 infinite-state ones under a depth bound.
pub fn on_generated_scenarios(assert_same: Compare) {
    let bounded = Bounds {
        max_states: Some(5_000),
        ..Default::default()
    };
    let deep = Bounds {
        max_depth: Some(16),
        max_states: Some(5_000),
        ..Default::default()
    };
    let mut checked = 0;
    for seed in 0..150u64 {
        if let Some(prog) = compile(gen::generate(seed).to_ron(), "generated") {
            assert_same(&format!("seed {seed}"), &prog, &bounded, Reduction::Por);
            assert_same(&format!("seed {seed}"), &prog, &bounded, Reduction::None);
            checked += 1;
        }
        if let Some(prog) = compile(gen::generate_infinite(seed).0.to_ron(), "infinite") {
            assert_same(
                &format!("infinite seed {seed}"),
                &prog,
                &deep,
                Reduction::Por,
            );
            checked += 1;
        }
    }
    assert!(checked > 250, "{checked} scenarios compared");
}
