//! weft-checker's integration tests, built as one test binary.
//!
//! Each `.rs` file of this folder is one module of this crate (the
//! package's `Cargo.toml` sets `autotests = false`), and `support/` holds
//! what several of them share. One binary links the checker once, where
//! thirty binaries linked it thirty times (the largest part of CI's release
//! build), and its tests share the cores instead of running one file after
//! another. Run one file's tests with its module's name as the filter:
//! `cargo test --release -p weft-checker --test suite por_referee::`.
//!
//! A new test file is declared below; [`every_test_file_is_a_module`]
//! fails when one is not, since Cargo would no longer build it on its own.

/// The helpers several test files share.
mod support {
    pub mod alike;
    pub mod both;
    pub mod gen;
    pub mod gen_go;
    pub mod gen_memory;
    pub mod par;
    pub mod toolchain;
}

/// The benchmark families, at sizes the tests choose.
#[path = "../benches/families.rs"]
mod families;

mod bitstate_store;
mod bounded_reduction;
mod canonical_states;
mod certain_leaks;
mod ci_formats;
mod cli;
mod control_flow;
mod corpus;
mod fingerprint_store;
mod generated;
mod go_differential;
mod go_import;
mod go_versions;
mod jobs;
mod json_identity;
mod layout_cli;
mod library;
mod limits;
mod peers;
mod por_referee;
mod progress_cli;
mod reduction_counts;
mod replay_cli;
mod replay_corpus;
mod report_snapshots;
mod report_truth;
mod review_page;
mod semantics;
mod text_json_agree;
mod unbounded;
mod values;

/// Every `.rs` file of `tests/` is declared a module above: with
/// `autotests = false`, a file left out would silently never run.
#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let root = std::fs::read_to_string(dir.join("suite.rs")).expect("reads suite.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("reads tests/") {
        let path = entry.expect("a directory entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_rs = path.extension().is_some_and(|e| e == "rs");
        if is_rs && stem != "suite" && !root.contains(&format!("\nmod {stem};\n")) {
            missing.push(stem.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "tests/suite.rs does not declare these test files: {missing:?}"
    );
}
