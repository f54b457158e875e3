//! The weft scenario language: a spanned RON reader, decoding into the
//! scenario syntax tree, validation (names, kinds and every static check,
//! collecting all errors) and lowering to the IR the checker runs.
//!
//! The pipeline is [`ron::parse`] → [`decode::decode`] → validation →
//! lowering; [`compile`] runs all of it, [`parse_scenario`] stops after
//! validation. `models/README.md` is the language reference.

pub mod decode;
pub mod diagnostic;
pub mod expr;
pub mod ir;
mod lower;
pub mod ron;
pub mod span;
pub mod syntax;
pub mod validate;

use diagnostic::Diagnostic;
use span::SourceFile;

/// All front-end errors: diagnostics in the file (all of them), and errors
/// in `--param` overrides (no span).
#[derive(Debug, thiserror::Error)]
#[error("{}", summary(.diagnostics.len() + .param_errors.len()))]
pub struct CompileError {
    /// Errors located in the scenario file.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors in the `--param` overrides.
    pub param_errors: Vec<String>,
}

fn summary(n: usize) -> String {
    if n == 1 {
        "the scenario has 1 error".to_string()
    } else {
        format!("the scenario has {n} errors")
    }
}

impl CompileError {
    /// Renders every error: the file's diagnostics with source snippets,
    /// then the parameter errors, one per line.
    pub fn render(&self, file: &SourceFile, color: bool) -> String {
        let mut out = diagnostic::render(file, &self.diagnostics, color);
        for e in &self.param_errors {
            out.push_str("error: ");
            out.push_str(e);
            out.push('\n');
        }
        out
    }
}

/// Parse, validate and lower one scenario file. `params` are
/// `--param name=value` overrides as given on the command line.
pub fn compile(
    file: &SourceFile,
    params: &[(String, String)],
) -> Result<ir::Program, CompileError> {
    let scenario = read(file).map_err(|diagnostics| CompileError {
        diagnostics,
        param_errors: Vec::new(),
    })?;
    let (values, param_errors) = validate::check_params(&scenario, params);
    let hir = validate::check(&scenario, &values);
    match hir {
        Err(diagnostics) => Err(CompileError {
            diagnostics,
            param_errors,
        }),
        Ok(_) if !param_errors.is_empty() => Err(CompileError {
            diagnostics: Vec::new(),
            param_errors,
        }),
        Ok(h) => lower::lower(&h).map_err(|d| CompileError {
            diagnostics: vec![*d],
            param_errors: Vec::new(),
        }),
    }
}

/// Parse and validate only (for `weft check --syntax-only` style uses and tests).
pub fn parse_scenario(file: &SourceFile) -> Result<syntax::Scenario, Vec<Diagnostic>> {
    let scenario = read(file)?;
    validate::check(&scenario, &[])?;
    Ok(scenario)
}

/// RON parsing and decoding.
fn read(file: &SourceFile) -> Result<syntax::Scenario, Vec<Diagnostic>> {
    let root = ron::parse(file.text())?;
    decode::decode(file, &root)
}
