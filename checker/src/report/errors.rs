//! The errors that stop the check of a scenario file before it has a
//! report, as views: what the binary prints as text on stderr, as JSON
//! lines, in SARIF's notifications and as JUnit errors.

use weft_models::span::SourceFile;
use weft_models::CompileError;
use weft_reports::view::{ErrorStage, ErrorView, SCHEMA_VERSION};

use super::Locator;
use crate::semantics::{Failure, FailureKind};

fn view(file: &str, error: ErrorStage, at: Option<(u32, u32)>, message: String) -> ErrorView {
    ErrorView {
        schema_version: SCHEMA_VERSION,
        file: file.to_string(),
        error,
        line: at.map(|(l, _)| l),
        col: at.map(|(_, c)| c),
        message,
        label: String::new(),
        help: None,
        notes: Vec::new(),
    }
}

/// Every error of a scenario that does not compile, in file order, then
/// the `--param` errors (which have no place in the file).
pub fn compile_errors(file: &SourceFile, e: &CompileError) -> Vec<ErrorView> {
    let mut diags: Vec<_> = e.diagnostics.iter().collect();
    diags.sort_by_key(|d| d.span.start);
    let mut out: Vec<ErrorView> = diags
        .into_iter()
        .map(|d| ErrorView {
            label: d.label.clone(),
            help: d.help.clone(),
            notes: d.notes.clone(),
            ..view(
                file.name(),
                ErrorStage::Compile,
                Some(file.line_col(d.span.start)),
                d.message.clone(),
            )
        })
        .collect();
    out.extend(e.param_errors.iter().map(|d| ErrorView {
        label: d.label.clone(),
        help: d.help.clone(),
        notes: d.notes.clone(),
        ..view(
            file.name(),
            ErrorStage::Param,
            Some(file.line_col(d.span.start)),
            d.message.clone(),
        )
    }));
    out
}

/// A file that could not be read.
pub fn read_error(file: &str, e: &std::io::Error) -> ErrorView {
    view(file, ErrorStage::Read, None, format!("cannot read: {e}"))
}

/// A run-time failure that stops a scenario's check without being one of
/// its bugs: a type error in the scenario, or weft's own fault.
pub fn run_error(file: &str, loc: &Locator, failure: &Failure) -> ErrorView {
    let at = loc.site(failure.site, None);
    let stage = match failure.kind {
        FailureKind::Model => ErrorStage::Run,
        // An interruption ends the search as incomplete before it gets
        // here; one that does not is weft's fault.
        FailureKind::Internal
        | FailureKind::Interrupted
        | FailureKind::Panic
        | FailureKind::Fatal
        | FailureKind::Assert => ErrorStage::Internal,
    };
    let mut v = view(
        file,
        stage,
        Some((at.line, at.col)),
        failure.message.clone(),
    );
    v.label = at.text;
    v
}
