//! Validation: name resolution with Go-like block scopes, static kinds,
//! and every other check that needs more than one statement. Collects every
//! error; on success returns the resolved program that lowering
//! turns into IR.
//!
//! Parameters of named functions get their kinds from the call sites
//! (`Go` and `Call` arguments), iterated to a fixpoint: the whole walk is
//! repeated until no parameter kind changes, and only the last walk's
//! errors are kept.

mod afterfunc;
mod calls;
mod control;
mod errgroup;
mod exprs;
mod globals;
pub(crate) mod hir;
pub(crate) mod kinds;
mod scope;
mod stmts;
pub(crate) mod types;

use std::collections::HashMap;

use crate::decode::Recovery;
use crate::diagnostic::{closest, Diagnostic};
use crate::ir::{FuncId, GlobalId, Metadata};
use crate::span::Span;
use crate::syntax::{FuncDef, Scenario};
use hir::{HFunc, HGlobal, HProgram};
use kinds::{Kind, ParamKind};
use scope::FnCtx;

/// At most this many walks are made to infer parameter kinds.
const MAX_ROUNDS: usize = 32;

/// A package-level name.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PkgItem {
    /// A scenario parameter with its value and declaration.
    Param(i64, Span),
    /// A global object.
    Global(GlobalId, Kind, Span),
}

/// The state of one walk over the scenario.
pub(crate) struct Walker<'s> {
    sc: &'s Scenario,
    /// What decoding dropped from `sc`: errors it may cause are left out.
    recovery: &'s Recovery,
    errs: Vec<Diagnostic>,
    /// Scenario parameters and globals.
    package: HashMap<String, PkgItem>,
    /// Function names to ids (named functions are `1..`).
    func_ids: HashMap<String, FuncId>,
    /// Parameter kinds used by this walk, per named function (index = id - 1).
    param_kinds: Vec<Vec<ParamKind>>,
    /// Parameter kinds found by this walk.
    joins: Vec<Vec<ParamKind>>,
    /// Result kinds used by this walk, per named function (index = id -
    /// 1), per result.
    ret_kinds: Vec<Vec<ParamKind>>,
    /// Result kinds found by this walk (from its `Return` values).
    ret_joins: Vec<Vec<ParamKind>>,
    /// How many values each named function returns (index = id - 1), and
    /// the first `Return` giving values.
    ret_counts: Vec<Option<(usize, Span)>>,
    /// Calls taking several results: (callee, results taken, `into`).
    result_uses: Vec<(FuncId, usize, Span)>,
    /// Functions of `funcs` a `GroupGo` runs, where it names them: each
    /// returns one value, its error.
    pub(crate) group_runs: Vec<(FuncId, Span)>,
    globals: Vec<HGlobal>,
    /// Output functions by id (filled when each function ends).
    funcs: Vec<Option<HFunc>>,
    /// The functions being checked, innermost last.
    stack: Vec<FnCtx>,
    /// `Call` and `Do` edges (caller, callee, call site) for the recursion check.
    edges: Vec<(FuncId, FuncId, Span)>,
    /// Whether the hidden `context.Background()` global is needed.
    background: bool,
    /// While checking the initializer of global `i`: `i`.
    current_global: Option<usize>,
    /// Whether some `SetLimit` was seen (groups then use `g.sem`).
    limited: bool,
    /// The texts of `errors.New` values, by [`crate::ir::Const::Error`] index.
    errors: Vec<String>,
    /// The texts of strings, by [`crate::ir::Const::Str`] index ("" first).
    strings: Vec<String>,
    /// Record types, by id, and their names.
    records: Vec<types::RecordInfo>,
    record_ids: types::RecordIds,
    /// Slice element descriptions (kept across rounds).
    cells: types::CellTable,
    /// What each shared variable holds: by global, and by (function, slot).
    global_held: HashMap<GlobalId, Kind>,
    local_held: HashMap<(FuncId, hir::Slot), Kind>,
    /// What channels declared by name carry (`Chan(..., elem:)`, a typed
    /// `Var`), by global and by (function, slot).
    global_elem: HashMap<GlobalId, Kind>,
    local_elem: HashMap<(FuncId, hir::Slot), Kind>,
    /// What the channels passed to each parameter carry, by (function,
    /// parameter index), from the call sites (kept across rounds: a call
    /// site may be checked after the function it calls).
    param_elem: HashMap<(FuncId, usize), Kind>,
    /// Whether this walk changed `param_elem` (another round is needed).
    param_elem_changed: bool,
    /// Functions used as values (what a call through a value may run).
    func_values: std::collections::BTreeSet<FuncId>,
    /// The runners of `time.AfterFunc` callbacks.
    timer_runners: std::collections::BTreeSet<FuncId>,
}

impl Walker<'_> {
    /// Joins the kind of result `pos` of named function `i` (index = id -
    /// 1) with one `Return`'s value.
    pub(crate) fn join_result(&mut self, i: usize, pos: usize, k: Kind, at: Span) {
        let Some(joins) = self.ret_joins.get_mut(i) else {
            return;
        };
        if joins.len() <= pos {
            joins.resize(pos + 1, ParamKind::Unresolved);
        }
        let cur = &mut joins[pos];
        *cur = match *cur {
            ParamKind::Unresolved => ParamKind::Known(k, at),
            ParamKind::Known(k0, s0) => match k0.join(k) {
                Some(j) => ParamKind::Known(j, s0),
                // Returns of different kinds: the result is unknown.
                None => ParamKind::Conflict,
            },
            ParamKind::Conflict => ParamKind::Conflict,
        };
    }

    /// The kind of result `pos` of function `id`, as the last walk found it.
    pub(crate) fn result_kind(&self, id: FuncId, pos: usize) -> Kind {
        self.ret_kinds
            .get(id.index().wrapping_sub(1))
            .and_then(|ks| ks.get(pos))
            .map_or(Kind::Unknown, |k| k.kind())
    }

    /// Notes that a `Return` of named function `i` gives `count` values:
    /// every `Return` with values gives as many.
    pub(crate) fn result_count(&mut self, i: usize, count: usize, at: Span) {
        let Some(slot) = self.ret_counts.get_mut(i) else {
            return;
        };
        match *slot {
            None => *slot = Some((count, at)),
            Some((n, first)) if n != count => self.error(
                Diagnostic::new(
                    format!(
                        "this `Return` gives {} where the function's first gives {}",
                        values(count),
                        values(n)
                    ),
                    at,
                )
                .with_label(format!("{} returned", values(count)))
                .with_secondary(first, format!("{} returned here", values(n)))
                .with_help("return as many values from every `Return` of a function"),
            ),
            Some(_) => {}
        }
    }

    /// The label at the place that fixes function `id`'s result count `n`:
    /// its named results, else its first `Return` with values.
    fn results_here(&self, id: FuncId, n: usize) -> String {
        let named = self
            .sc
            .funcs
            .get(id.index().wrapping_sub(1))
            .is_some_and(|f| !f.results.is_empty());
        if named {
            format!("{} declared here", values(n).replace("value", "result"))
        } else {
            format!("{} returned here", values(n))
        }
    }

    /// Every call taking several results takes as many as its function
    /// returns, and a call taking one result calls a function returning
    /// one (or none).
    fn check_result_uses(&mut self) {
        for (id, at) in std::mem::take(&mut self.group_runs) {
            if let Some(Some((n, ret))) = self.ret_counts.get(id.index().wrapping_sub(1)).copied() {
                if n > 1 {
                    self.error(
                        Diagnostic::new(
                            format!("`GroupGo` runs a function returning {}", values(n)),
                            at,
                        )
                        .with_label("returns several values")
                        .with_secondary(ret, self.results_here(id, n))
                        .with_help("an errgroup's function returns one value, its error"),
                    );
                }
            }
        }
        let uses = std::mem::take(&mut self.result_uses);
        for (id, taken, at) in uses {
            let Some(Some((n, ret))) = self.ret_counts.get(id.index().wrapping_sub(1)).copied()
            else {
                if taken > 1 {
                    self.error(
                        Diagnostic::new(
                            format!(
                                "`into` takes {} from a function that returns no value",
                                values(taken)
                            ),
                            at,
                        )
                        .with_label(format!("{} taken", values(taken)))
                        .with_help("leave `into` out: the function returns nothing"),
                    );
                }
                continue;
            };
            if n != taken {
                let help = if n == 1 {
                    "name one local: `into: \"v\"`".to_string()
                } else {
                    let names: Vec<String> = if n == 2 {
                        vec!["\"v\"".into(), "\"err\"".into()]
                    } else {
                        (1..=n).map(|i| format!("\"v{i}\"")).collect()
                    };
                    format!(
                        "name {n} locals: `into: [{}]` (`\"_\"` drops a value)",
                        names.join(", ")
                    )
                };
                self.error(
                    Diagnostic::new(
                        format!(
                            "`into` takes {} from a function returning {}",
                            values(taken),
                            values(n)
                        ),
                        at,
                    )
                    .with_label(format!("{} taken", values(taken)))
                    .with_secondary(ret, self.results_here(id, n))
                    .with_help(help),
                );
            }
        }
    }

    /// Records an error.
    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.errs.push(d);
    }
}

/// "1 value", "2 values".
fn values(n: usize) -> String {
    if n == 1 {
        "1 value".to_string()
    } else {
        format!("{n} values")
    }
}

/// Validates a decoded scenario with the given parameter values (already
/// checked) and returns the resolved program, or every error.
///
/// `recovery` says what decoding dropped from a partial tree. Errors such
/// parts may cause are not reported: an unknown name or function written
/// inside a dropped part (the part may have declared it); any error at a
/// use of a name when a dropped statement that may have declared it again
/// lies between its declaration and the use (the name resolves to nothing
/// there, silently); an empty `main` whose statements were all dropped. A
/// function whose definition failed is not in the tree, so its calls get
/// no argument-count errors (and no unknown-function errors: its name is
/// written in the dropped part).
pub(crate) fn check(
    sc: &Scenario,
    params: &[(String, i64)],
    recovery: &Recovery,
) -> Result<HProgram, Vec<Diagnostic>> {
    let mut kinds: Vec<Vec<ParamKind>> = sc
        .funcs
        .iter()
        .map(|f| vec![ParamKind::Unresolved; f.params.len()])
        .collect();
    let mut round = 0;
    let mut cells = types::CellTable::default();
    let mut rets = vec![Vec::new(); sc.funcs.len()];
    let mut param_elem = HashMap::new();
    loop {
        round += 1;
        let mut w = Walker::new(sc, recovery, params, kinds.clone(), cells);
        w.ret_kinds = rets.clone();
        w.param_elem = param_elem;
        w.walk();
        cells = w.cells.clone();
        param_elem = std::mem::take(&mut w.param_elem);
        let converged = !w.param_elem_changed
            && w.joins
                .iter()
                .flatten()
                .zip(kinds.iter().flatten())
                .all(|(a, b)| a.same(*b))
            && w.ret_joins
                .iter()
                .zip(&rets)
                .all(|(a, b)| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(*y)));
        if converged || round >= MAX_ROUNDS {
            return w.finish(params);
        }
        kinds = w.joins;
        rets = w.ret_joins;
    }
}

impl<'s> Walker<'s> {
    fn new(
        sc: &'s Scenario,
        recovery: &'s Recovery,
        params: &[(String, i64)],
        kinds: Vec<Vec<ParamKind>>,
        cells: types::CellTable,
    ) -> Walker<'s> {
        let joins = kinds
            .iter()
            .map(|ks| vec![ParamKind::Unresolved; ks.len()])
            .collect();
        let mut w = Walker {
            sc,
            recovery,
            errs: Vec::new(),
            package: HashMap::new(),
            func_ids: HashMap::new(),
            ret_kinds: Vec::new(),
            ret_joins: vec![Vec::new(); sc.funcs.len()],
            ret_counts: vec![None; sc.funcs.len()],
            result_uses: Vec::new(),
            group_runs: Vec::new(),
            param_kinds: kinds,
            joins,
            globals: Vec::new(),
            funcs: Vec::new(),
            stack: Vec::new(),
            edges: Vec::new(),
            background: false,
            current_global: None,
            limited: false,
            errors: Vec::new(),
            strings: vec![String::new()],
            records: Vec::new(),
            record_ids: types::RecordIds::new(),
            cells,
            global_held: HashMap::new(),
            local_held: HashMap::new(),
            global_elem: HashMap::new(),
            local_elem: HashMap::new(),
            param_elem: HashMap::new(),
            param_elem_changed: false,
            func_values: std::collections::BTreeSet::new(),
            timer_runners: std::collections::BTreeSet::new(),
        };
        w.declare_types();
        w.declare_package(params);
        w
    }

    /// Scenario parameters, globals and function names: one namespace.
    fn declare_package(&mut self, values: &[(String, i64)]) {
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut dup = |w: &mut Walker<'_>, name: &str, span: Span, what: &str| {
            if let Some(first) = seen.get(name) {
                w.error(
                    Diagnostic::new(format!("{what} `{name}` is declared twice"), span)
                        .with_label("declared again here")
                        .with_secondary(*first, "first declared here")
                        .with_help("rename one of the two"),
                );
                true
            } else {
                seen.insert(name.to_string(), span);
                false
            }
        };
        for p in &self.sc.params {
            if dup(self, &p.name.text, p.name.span, "parameter") {
                continue;
            }
            let v = values
                .iter()
                .find(|(n, _)| *n == p.name.text)
                .map_or(p.default, |(_, v)| *v);
            self.package
                .insert(p.name.text.clone(), PkgItem::Param(v, p.name.span));
        }
        for (i, g) in self.sc.globals.iter().enumerate() {
            for name in globals::declared_names(&g.kind) {
                if dup(self, &name.text, name.span, "global") {
                    continue;
                }
                let id = GlobalId(u32::try_from(i).unwrap_or(u32::MAX));
                let kind = self.declared_kind(&g.kind);
                self.package
                    .insert(name.text.clone(), PkgItem::Global(id, kind, name.span));
            }
        }
        self.funcs.push(None);
        for (i, f) in self.sc.funcs.iter().enumerate() {
            if f.name.text == "main" {
                self.error(
                    Diagnostic::new("function `main` is already defined", f.name.span)
                        .with_label("defined again here")
                        .with_secondary(self.sc.main_span, "the scenario's `main`")
                        .with_help("rename this function"),
                );
            } else if dup(self, &f.name.text, f.name.span, "function") {
                // reported
            } else {
                self.func_ids.insert(
                    f.name.text.clone(),
                    FuncId(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                );
            }
            self.funcs.push(None);
        }
    }

    /// Checks every global, `main` and every named function.
    fn walk(&mut self) {
        self.check_globals();
        if self.sc.main.is_empty() && !self.recovery.main_dropped {
            self.error(
                Diagnostic::new("`main` has no statements", self.sc.main_span)
                    .with_label("empty")
                    .with_help("write the scenario's statements in `main: [...]`"),
            );
        }
        let sc = self.sc;
        self.function(
            FuncId(0),
            "main",
            scope::FnKind::Main,
            &calls::Signature {
                params: &[],
                results: &[],
                results_span: None,
            },
            &sc.main,
            sc.main_span,
        );
        for (i, f) in sc.funcs.iter().enumerate() {
            let id = FuncId(u32::try_from(i + 1).unwrap_or(u32::MAX));
            self.named_function(id, i, f);
        }
        self.check_recursion();
    }

    fn named_function(&mut self, id: FuncId, index: usize, f: &'s FuncDef) {
        let kinds: Vec<Kind> = (0..f.params.len())
            .map(|p| {
                self.param_kinds
                    .get(index)
                    .and_then(|ks| ks.get(p))
                    .map_or(Kind::Unknown, |k| k.kind())
            })
            .collect();
        let params: Vec<(&crate::syntax::Name, Kind)> = f.params.iter().zip(kinds).collect();
        self.function(
            id,
            &f.name.text,
            scope::FnKind::Named,
            &calls::Signature {
                params: &params,
                results: &f.results,
                results_span: f.results_span,
            },
            &f.body,
            f.span,
        );
    }

    fn finish(mut self, params: &[(String, i64)]) -> Result<HProgram, Vec<Diagnostic>> {
        self.check_result_uses();
        if !self.errs.is_empty() {
            let mut errs = self.errs;
            errs.sort_by_key(|d| (d.span.start, d.span.end));
            errs.dedup();
            return Err(errs);
        }
        let sc = self.sc;
        let types = self.lowered_types();
        let func_values = self.func_values.iter().copied().collect();
        let timer_runners = self.timer_runners.iter().copied().collect();
        let mut globals = self.globals;
        if self.background {
            globals.push(HGlobal {
                name: "context.Background()".to_string(),
                init: Some(hir::HNew::Background),
                kind: crate::ir::ObjectKind::Context,
                span: sc.span,
            });
        }
        let mut funcs = Vec::with_capacity(self.funcs.len());
        for f in self.funcs {
            match f {
                Some(f) => funcs.push(f),
                None => {
                    return Err(vec![Diagnostic::new(
                        "internal error: a function was not checked",
                        sc.span,
                    )])
                }
            }
        }
        let values = sc
            .params
            .iter()
            .map(|p| {
                let v = params
                    .iter()
                    .find(|(n, _)| *n == p.name.text)
                    .map_or(p.default, |(_, v)| *v);
                (p.name.text.clone(), v)
            })
            .collect();
        Ok(HProgram {
            types,
            func_values,
            timer_runners,
            meta: Metadata {
                name: sc.name.text.clone(),
                summary: sc.summary.clone(),
                origin: sc.origin.clone(),
                taxonomy: sc.taxonomy,
                expect: sc.expect.iter().map(|(k, _)| *k).collect(),
                go: sc.go.map(|(v, _)| v).unwrap_or_default(),
                params: values,
                errors: self.errors,
                strings: self.strings,
            },
            globals,
            funcs,
            limited: self.limited,
        })
    }
}

/// Checks `--param name=value` overrides against the scenario's parameters.
/// Returns the parsed values and the errors, each located in the file: at
/// the parameter's declaration, or at `params:` (the scenario's name when
/// it has none) for an unknown parameter. An override of a parameter whose
/// declaration was dropped by decoding (or of any parameter, when `params`
/// itself failed) is ignored, not reported.
pub(crate) fn check_params(
    sc: &Scenario,
    given: &[(String, String)],
    recovery: &Recovery,
) -> (Vec<(String, i64)>, Vec<Diagnostic>) {
    let mut values: Vec<(String, i64)> = Vec::new();
    let mut errors = Vec::new();
    let names: Vec<&str> = sc.params.iter().map(|p| p.name.text.as_str()).collect();
    for (name, raw) in given {
        let Some(decl) = sc.params.iter().find(|p| p.name.text == *name) else {
            if recovery.params_dropped || recovery.mentions(name) {
                continue;
            }
            let at = sc.params_span.unwrap_or(sc.name.span);
            let mut d = Diagnostic::new(
                format!("unknown parameter `{name}` in `--param {name}={raw}`"),
                at,
            );
            d = match closest(name, names.iter().copied()) {
                Some(s) => d
                    .with_label("the scenario's parameters")
                    .with_help(format!("did you mean `{s}`? (`--param {s}={raw}`)")),
                None if names.is_empty() => d
                    .with_label("the scenario has no parameters")
                    .with_help(format!(
                        "declare it to make it a parameter: `params: {{\"{name}\": 1}}`"
                    )),
                None => d.with_label("the scenario's parameters").with_note(format!(
                    "the parameters are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            errors.push(d);
            continue;
        };
        if values.iter().any(|(n, _)| n == name) {
            errors.push(
                Diagnostic::new(
                    format!("parameter `{name}` is given twice by `--param`"),
                    decl.name.span,
                )
                .with_label("this parameter")
                .with_help(format!("give `--param {name}=...` once")),
            );
            continue;
        }
        match raw.trim().parse::<i64>() {
            Ok(v) => values.push((name.clone(), v)),
            Err(_) => errors.push(
                Diagnostic::new(
                    format!("invalid value `{raw}` for parameter `{name}` in `--param {name}={raw}`: expected an integer"),
                    decl.name.span,
                )
                .with_label("an integer parameter")
                .with_help(format!("give an integer: `--param {name}={}`", decl.default)),
            ),
        }
    }
    (values, errors)
}

#[cfg(test)]
mod tests;
