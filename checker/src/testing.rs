//! Helpers for the unit tests: a program from RON text, pseudo-random words.

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
