//! The weft scenario language: a spanned RON reader, decoding into the
//! scenario syntax tree, validation (names, kinds and every static check,
//! collecting all errors) and lowering to the IR the checker runs.
//!
//! The pipeline is [`ron::parse`] → [`decode::decode_partial`] → validation →
//! lowering; [`compile`] runs all of it, [`parse_scenario`] stops after
//! validation. Decoding recovers from errors, so validation also checks the
//! rest of a file that has decoding errors, and every error is reported.
//! `models/README.md` is the language reference.

pub mod adds;
mod counted_loops;
pub mod decode;
pub mod diagnostic;
pub mod dones;
pub mod expr;
pub mod gotype;
pub mod ir;
pub mod liveness;
mod lower;
pub mod ops;
pub mod releases;
pub mod ron;
pub mod scc;
pub mod span;
pub mod syntax;
pub mod validate;

use diagnostic::Diagnostic;
use span::SourceFile;

/// All front-end errors: diagnostics in the file (all of them), and errors
/// in `--param` overrides (located at the parameters they name).
#[derive(Debug, thiserror::Error)]
#[error("{}", summary(.diagnostics.len() + .param_errors.len()))]
pub struct CompileError {
    /// Errors located in the scenario file.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors in the `--param` overrides.
    pub param_errors: Vec<Diagnostic>,
}

fn summary(n: usize) -> String {
    if n == 1 {
        "the scenario has 1 error".to_string()
    } else {
        format!("the scenario has {n} errors")
    }
}

impl CompileError {
    /// Renders every error with its source snippet: the file's
    /// diagnostics, then the parameter errors (one `--param` applies to
    /// every file of a directory, so each file shows its own).
    pub fn render(&self, file: &SourceFile, color: bool) -> String {
        let mut out = diagnostic::render(file, &self.diagnostics, color);
        out.push_str(&diagnostic::render(file, &self.param_errors, color));
        out
    }
}

/// Parse, validate and lower one scenario file. `params` are
/// `--param name=value` overrides as given on the command line.
///
/// Every error is reported at once: decoding recovers from errors by
/// dropping the parts that fail (see [`decode::decode_partial`]), the
/// remaining tree is validated, and the decoding and validation errors are
/// merged in file order. Lowering runs only when there is no error at all.
pub fn compile(
    file: &SourceFile,
    params: &[(String, String)],
) -> Result<ir::Program, CompileError> {
    let checked = check_file(file, params);
    match checked.hir {
        Some(h) if checked.diagnostics.is_empty() && checked.param_errors.is_empty() => {
            lower::lower(&h).map_err(|d| CompileError {
                diagnostics: vec![*d],
                param_errors: Vec::new(),
            })
        }
        _ => Err(CompileError {
            diagnostics: checked.diagnostics,
            param_errors: checked.param_errors,
        }),
    }
}

/// Parse and validate only (for `weft check --syntax-only` style uses and
/// tests). Returns every decoding and validation error, in file order.
pub fn parse_scenario(file: &SourceFile) -> Result<syntax::Scenario, Vec<Diagnostic>> {
    let checked = check_file(file, &[]);
    match checked.scenario {
        Some(s) if checked.diagnostics.is_empty() && checked.hir.is_some() => Ok(s),
        _ => Err(checked.diagnostics),
    }
}

/// What parsing, decoding and validating one file gives.
struct Checked {
    /// The (possibly partial) decoded scenario.
    scenario: Option<syntax::Scenario>,
    /// The validated program, when validation found no error (decoding may have).
    hir: Option<validate::hir::HProgram>,
    /// Every error in the file, sorted by position.
    diagnostics: Vec<Diagnostic>,
    /// Errors in the `--param` overrides.
    param_errors: Vec<Diagnostic>,
}

/// RON parsing, decoding with recovery, `--param` checks and validation of
/// whatever tree decoding gives.
fn check_file(file: &SourceFile, params: &[(String, String)]) -> Checked {
    let root = match ron::parse(file.text()) {
        Ok(root) => root,
        Err(diagnostics) => {
            return Checked {
                scenario: None,
                hir: None,
                diagnostics,
                param_errors: Vec::new(),
            }
        }
    };
    let decoded = decode::decode_partial(file, &root);
    let mut checked = Checked {
        scenario: None,
        hir: None,
        diagnostics: decoded.errors,
        param_errors: Vec::new(),
    };
    if let Some(scenario) = decoded.scenario {
        let (values, param_errors) = validate::check_params(&scenario, params, &decoded.recovery);
        match validate::check(&scenario, &values, &decoded.recovery) {
            Ok(h) => checked.hir = Some(h),
            Err(ds) => checked.diagnostics.extend(ds),
        }
        checked.scenario = Some(scenario);
        checked.param_errors = param_errors;
    }
    // Stable: errors at one position keep the order they were found in.
    checked
        .diagnostics
        .sort_by_key(|d| (d.span.start, d.span.end));
    checked
}
