//! Helpers for the unit tests: a program from RON text, the corpus,
//! pseudo-random words, lists of objects.

use std::path::{Path, PathBuf};

use weft_models::ir::Program;
use weft_models::span::SourceFile;

/// The program of a scenario written in RON (a test's own: a compile
/// error fails the test with the rendered message).
pub(crate) fn program(ron: &str) -> Program {
    let file = SourceFile::new("test.ron".to_string(), ron.to_string());
    match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("{}", e.render(&file, false)),
    }
}

/// A xorshift generator of pseudo-random words from `seed` (not 0): the
/// same sequence on every run, for tests that draw many cases.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// Every `*.ron` of the corpus (`scenarios/`), sorted.
pub(crate) fn corpus_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("the corpus is readable") {
            let path = entry.expect("the corpus is readable").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "ron") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every scenario of the corpus, compiled, in the order of
/// [`corpus_files`] (a scenario that does not compile fails the test).
pub(crate) fn corpus() -> Vec<Program> {
    corpus_files()
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("a scenario is readable");
            let file = SourceFile::new(path.display().to_string(), text);
            match weft_models::compile(&file, &[]) {
                Ok(p) => p,
                Err(e) => panic!("{}", e.render(&file, false)),
            }
        })
        .collect()
}

/// Lists of objects of several kinds and lengths (none, variables alone,
/// mutexes among them, a slice), for tests that write one list over
/// another.
pub(crate) fn assorted_objects() -> Vec<Vec<crate::state::Object>> {
    use crate::semantics::mutex::MutexState;
    use crate::semantics::record::SliceState;
    use crate::semantics::variable::VarState;
    use crate::state::Object;
    use crate::value::{ObjRef, Value};
    let var = |i| {
        Object::Var(VarState {
            value: Value::Int(i),
        })
    };
    let mutex = |locked| Object::Mutex(MutexState { locked });
    vec![
        vec![],
        vec![var(1), var(2), var(3)],
        vec![mutex(true), var(-4)],
        vec![var(5), mutex(false), var(6), mutex(true)],
        vec![Object::Slice(SliceState::full(vec![ObjRef(0)])), var(7)],
    ]
}
