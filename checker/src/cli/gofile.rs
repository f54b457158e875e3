//! Go files: `weft import`, and `weft check`/`weft replay` of a `.go` file
//! (imported in memory, reported at the Go file's positions).

use std::path::{Path, PathBuf};

use weft_models::span::{SourceFile, SourceMap};
use weft_models::CompileError;

use super::check::LoadError;
use super::{Exit, LoadArgs};

/// One scenario ready to check: imported from Go, or read from RON.
pub struct Loaded {
    /// The scenario text (generated RON for a Go file).
    pub file: SourceFile,
    /// The program.
    pub prog: weft_models::ir::Program,
    /// For a Go file: where each statement came from.
    pub origin: Option<SourceMap>,
    /// For a Go file: ` --func NAME`, for the reproduce command.
    pub extra_args: String,
    /// For a Go file: the abstractions its import made, `file:line:col: what`.
    pub notes: Vec<String>,
    /// Those that may make a run Go never makes, with their spans in the Go
    /// file, for the report to name in each counterexample through one.
    pub abstractions: Vec<weft_checker::report::Abstraction>,
}

/// Whether `path` is a Go file.
pub fn is_go(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "go")
}

/// The `go` directive of the nearest `go.mod` in `path`'s directory or above.
fn go_version(path: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(path).ok()?;
    let mut dir = abs.parent();
    while let Some(d) = dir {
        if let Ok(text) = std::fs::read_to_string(d.join("go.mod")) {
            return weft_import::go_mod_version(&text);
        }
        dir = d.parent();
    }
    None
}

fn options(path: &Path, args: &LoadArgs) -> weft_import::Options {
    weft_import::Options {
        func: args.func.clone(),
        allow_abstract: args.allow_abstract,
        go: go_version(path),
    }
}

/// The import's errors as a compile error of the Go file.
fn import_error(go: SourceFile, diags: Vec<weft_models::diagnostic::Diagnostic>) -> LoadError {
    LoadError::Compile(Box::new((
        go,
        CompileError {
            diagnostics: diags,
            param_errors: Vec::new(),
        },
    )))
}

/// Imports a Go file and compiles each scenario; errors are located in the
/// Go file (an error of the generated scenario at the Go statement it
/// came from, with the scenario's text in a note).
pub fn load(path: &Path, text: String, args: &LoadArgs) -> Vec<Result<Loaded, LoadError>> {
    let shown = path.display().to_string();
    let go = SourceFile::new(shown.clone(), text);
    let imported = match weft_import::import(&go, &options(path, args)) {
        Ok(i) => i,
        Err(diags) => return vec![Err(import_error(go, diags))],
    };
    let mut out = Vec::new();
    for im in imported {
        let ron = SourceFile::new(format!("{shown} ({})", im.entry), im.text);
        match weft_models::compile(&ron, &args.param_pairs()) {
            Ok(mut prog) => {
                if let Some(g) = args.go {
                    prog.meta.go = g;
                }
                let notes = im
                    .abstractions
                    .iter()
                    .map(|a| {
                        let (l, c) = go.line_col(a.at.start);
                        format!("{shown}:{l}:{c}: {}", a.what)
                    })
                    .collect();
                out.push(Ok(Loaded {
                    file: ron,
                    prog,
                    origin: Some(im.map),
                    extra_args: format!(" --func {}", im.entry),
                    notes,
                    abstractions: im
                        .abstractions
                        .iter()
                        .filter(|a| a.may_diverge)
                        .map(|a| weft_checker::report::Abstraction {
                            at: a.at,
                            stmt: a.stmt,
                            what: a.what.clone(),
                        })
                        .collect(),
                }));
            }
            Err(e) => {
                let map = &im.map;
                let relocate = |d: &weft_models::diagnostic::Diagnostic| {
                    let mut d = d.clone();
                    let generated = ron
                        .line_text(ron.line_col(d.span.start).0)
                        .trim()
                        .to_string();
                    d.span = map
                        .original(d.span.start)
                        .unwrap_or(weft_models::span::Span::new(0, 0));
                    d.secondary.clear();
                    d.notes.push(format!(
                        "in the scenario imported from `{}`: {generated}",
                        im.entry
                    ));
                    d.notes.push(format!(
                        "`weft import {shown} --func {}` writes that scenario",
                        im.entry
                    ));
                    d
                };
                let diagnostics = e.diagnostics.iter().map(relocate).collect();
                let param_errors = e.param_errors.iter().map(relocate).collect();
                out.push(Err(LoadError::Compile(Box::new((
                    go.clone(),
                    CompileError {
                        diagnostics,
                        param_errors,
                    },
                )))));
            }
        }
    }
    out
}

/// `weft import FILE.go [--func NAME] [-o OUT]`.
pub fn import(path: &Path, out: Option<&PathBuf>, args: &LoadArgs) -> Exit {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return Exit::BadInput;
        }
    };
    let go = SourceFile::new(path.display().to_string(), text);
    let imported = match weft_import::import(&go, &options(path, args)) {
        Ok(i) => i,
        Err(diags) => {
            let color = args.color() && std::io::IsTerminal::is_terminal(&std::io::stderr());
            eprint!("{}", weft_models::diagnostic::render(&go, &diags, color));
            return Exit::BadInput;
        }
    };
    for im in &imported {
        for a in &im.abstractions {
            let (l, c) = go.line_col(a.at.start);
            eprintln!("note: {}:{l}:{c}: abstraction: {}", go.name(), a.what);
        }
    }
    match out {
        None => {
            let texts: Vec<&str> = imported.iter().map(|i| i.text.as_str()).collect();
            out!("{}", texts.join("\n"));
            Exit::AsExpected
        }
        Some(o) if o.is_dir() => {
            for im in &imported {
                let p = o.join(format!("{}.ron", im.entry));
                if let Err(e) = std::fs::write(&p, &im.text) {
                    eprintln!("error: cannot write {}: {e}", p.display());
                    return Exit::BadInput;
                }
                eprintln!("wrote {}", p.display());
            }
            Exit::AsExpected
        }
        Some(o) => {
            if imported.len() > 1 {
                let names: Vec<&str> = imported.iter().map(|i| i.entry.as_str()).collect();
                eprintln!(
                    "error: {} has {} entry points ({}): choose one with --func NAME, or give -o a directory",
                    path.display(),
                    imported.len(),
                    names.join(", ")
                );
                return Exit::BadInput;
            }
            let text = imported.first().map(|i| i.text.as_str()).unwrap_or("");
            if let Err(e) = std::fs::write(o, text) {
                eprintln!("error: cannot write {}: {e}", o.display());
                return Exit::BadInput;
            }
            Exit::AsExpected
        }
    }
}
