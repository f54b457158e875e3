//! One scenario checked exhaustively with and without the reduction, which
//! must agree on every bug (kind, site and message): the scenario tests of
//! the language (tests/values.rs, tests/control_flow.rs, tests/library.rs)
//! share it.

use weft_checker::explore::{explore, explore_with, Bounds, Outcome};
use weft_checker::reduce::Reduction;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind;

/// Compiles `src` (panicking with the rendered errors when it does not),
/// explores it completely with and without the reduction, asserts both
/// give the same bugs, and returns the unreduced outcome.
pub fn check_both(src: &str) -> Outcome {
    let file = SourceFile::new("t.ron", src);
    let prog = match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("scenario does not compile:\n{}", e.render(&file, false)),
    };
    let out = explore_with(&prog, &Bounds::default(), Reduction::None).expect("no model error");
    assert!(out.complete, "search must be complete");
    let reduced = explore(&prog, &Bounds::default()).expect("no model error");
    assert!(reduced.complete, "reduced search must be complete");
    let keys = |o: &Outcome| {
        let mut k: Vec<_> = o
            .bugs
            .iter()
            .map(|b| (b.kind, b.site, b.message.clone()))
            .collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&reduced),
        keys(&out),
        "the reduction changes the verdict"
    );
    out
}

/// The kinds of the bugs found, sorted, each once.
pub fn kinds(o: &Outcome) -> Vec<BugKind> {
    let mut k: Vec<BugKind> = o.bugs.iter().map(|b| b.kind).collect();
    k.sort();
    k.dedup();
    k
}

/// The messages of the bugs (of `kind`, when given), sorted.
pub fn messages(o: &Outcome, kind: Option<BugKind>) -> Vec<String> {
    let mut m: Vec<String> = o
        .bugs
        .iter()
        .filter(|b| kind.is_none_or(|k| b.kind == k))
        .map(|b| b.message.clone())
        .collect();
    m.sort();
    m
}
