//! Functions: bodies, `Go` and `Call` of named functions (argument counts,
//! parameter kinds from call sites), anonymous `Go` and `Do` bodies with
//! their captures, and the recursion check.

use super::hir::{FnFrame, HDst, HFunc, HKind, HStmt, RExpr, RKind, Slot};
use super::kinds::{Kind, ParamKind};
use super::scope::{FnCtx, FnKind};
use super::Walker;
use crate::diagnostic::{closest, Diagnostic};
use crate::ir::{Cell, Const, FuncId, ObjectKind};
use crate::span::Span;
use crate::syntax::{ExprSrc, Name, Stmt, TypeSrc};

/// A function's parameters (with their kinds, from the call sites) and
/// named results.
pub(crate) struct Signature<'a> {
    pub params: &'a [(&'a Name, Kind)],
    pub results: &'a [(Name, TypeSrc)],
    /// Where the named results are written.
    pub results_span: Option<Span>,
}

/// The results of a body that has none named (`Go`, `Do`).
const NO_RESULTS: (&[(Name, TypeSrc)], Span) = (&[], Span { start: 0, end: 0 });

impl Walker<'_> {
    /// Checks a function body and stores the resolved function.
    pub(crate) fn function(
        &mut self,
        id: FuncId,
        name: &str,
        kind: FnKind,
        sig: &Signature<'_>,
        body: &[Stmt],
        span: Span,
    ) {
        let params = sig.params;
        self.stack.push(FnCtx::new(id, name.to_string(), kind));
        for (i, (p, k)) in params.iter().enumerate() {
            let first = params[..i].iter().find(|(q, _)| q.text == p.text);
            let slot = if let Some((q, _)) = first {
                self.error(
                    Diagnostic::new(format!("parameter `{}` is declared twice", p.text), p.span)
                        .with_label("declared again here")
                        .with_secondary(q.span, "first declared here")
                        .with_help("give each parameter its own name"),
                );
                self.hidden(&p.text, *k, p.span)
            } else {
                self.declare(p, *k)
            };
            if let Some(c) = self.ctx() {
                c.params.push(slot);
            }
            // A channel parameter carries what the channels passed to it carry.
            if let (FnKind::Named, Some(e)) = (kind, self.param_elem.get(&(id, i)).copied()) {
                self.local_elem.insert((id, slot), e);
            }
        }
        let mut zeroes = self.named_results(id, sig.results, sig.results_span.unwrap_or(span));
        zeroes.extend(self.stmts(body));
        self.end_function(zeroes, span, FnFrame::Plain);
    }

    /// Declares a named function's named results in its top block and
    /// gives the statements that set them to their zero values (Go's result
    /// variables). They fix the function's result count and kinds.
    fn named_results(&mut self, id: FuncId, results: &[(Name, TypeSrc)], at: Span) -> Vec<HStmt> {
        let Some(index) = id.index().checked_sub(1) else {
            return Vec::new();
        };
        let mut zeroes = Vec::new();
        for (pos, (name, ty)) in results.iter().enumerate() {
            let saved = self.errs.len();
            let (kind, zero) = match self.go_type(ty) {
                Some((slot, _)) if slot.inline => {
                    self.errs.truncate(saved);
                    self.error(
                        Diagnostic::new(
                            format!("a result holds a value or a reference, not `{}`", ty.text),
                            ty.span,
                        )
                        .with_label("held by value")
                        .with_help("return a pointer (`*T`): records and sync objects are shared by reference"),
                    );
                    (Kind::Unknown, Const::Nil)
                }
                Some((slot, Cell::Value(zero))) => (slot.kind, zero),
                Some((slot, _)) => (slot.kind, Const::Nil),
                None => (Kind::Unknown, Const::Nil),
            };
            let slot = self.declare(name, kind.of_local());
            self.join_result(index, pos, kind.value(), ty.span);
            if let Some(c) = self.ctx() {
                c.named_results.push((slot, kind));
            }
            zeroes.push(HStmt {
                kind: HKind::Assign {
                    dst: slot,
                    value: RExpr::constant(zero, name.span),
                },
                span: name.span,
            });
        }
        if !results.is_empty() {
            if let Some(c) = self.ctx() {
                c.results_span = Some(at);
            }
            if let Some(count) = self.ret_counts.get_mut(index) {
                *count = Some((results.len(), at));
            }
        }
        zeroes
    }

    /// Finishes the innermost function: checks its goroutines' captures and
    /// stores it. Returns its frame (for the captures).
    fn end_function(&mut self, mut body: Vec<HStmt>, span: Span, frame: FnFrame) -> Option<FnCtx> {
        let ctx = self.stack.pop()?;
        for cap in &ctx.go_captures {
            let assigned = ctx
                .slot(cap.outer)
                .and_then(|i| i.assigned.first().copied());
            if let Some(a) = assigned {
                self.capture_error(FnKind::GoBody, &cap.name, cap.use_span, a);
            }
        }
        let mut slots: Vec<String> = ctx.slots.iter().map(|s| s.name.clone()).collect();
        // Slots for the results after the first: `Return` writes them, the
        // caller reads them (Go's result variables).
        let count = match ctx.kind {
            FnKind::Named => self
                .ret_counts
                .get(ctx.id.index().wrapping_sub(1))
                .copied()
                .flatten()
                .map_or(0, |(n, _)| n),
            FnKind::Main | FnKind::GoBody | FnKind::DoBody | FnKind::FuncLit => 0,
        };
        // Unnamed results start at their zero values too: a function
        // whose panic a deferred call recovers returns them.
        let (first_result, results, ret_zero) = match ctx.named_results.split_first() {
            Some(((first, _), rest)) => (
                Some(*first),
                rest.iter().map(|(s, _)| *s).collect(),
                Const::Nil,
            ),
            None => {
                let results: Vec<Slot> = (1..count)
                    .map(|i| {
                        slots.push(format!("$result{i}"));
                        Slot(u32::try_from(slots.len() - 1).unwrap_or(u32::MAX))
                    })
                    .collect();
                let zeroes = results.iter().enumerate().map(|(i, &dst)| HStmt {
                    kind: HKind::Assign {
                        dst,
                        value: RExpr::constant(self.result_kind(ctx.id, i + 1).zero(), span),
                    },
                    span,
                });
                body.splice(0..0, zeroes);
                let ret_zero = match ctx.kind {
                    FnKind::Named => self.result_kind(ctx.id, 0).zero(),
                    FnKind::Main | FnKind::GoBody | FnKind::DoBody | FnKind::FuncLit => Const::Nil,
                };
                (None, results, ret_zero)
            }
        };
        let f = HFunc {
            name: ctx.name.clone(),
            span,
            frame,
            slots,
            params: ctx.params.clone(),
            first_result,
            results,
            ret_zero,
            body,
        };
        if let Some(slot) = self.funcs.get_mut(ctx.id.index()) {
            *slot = Some(f);
        }
        Some(ctx)
    }

    /// Checks an anonymous body as a new function; returns its id and the
    /// captured locals of the enclosing function (the call's arguments).
    pub(crate) fn anonymous(
        &mut self,
        kind: FnKind,
        params: &[Name],
        results: (&[(Name, TypeSrc)], Span),
        body: &[Stmt],
        span: Span,
    ) -> Option<(FuncId, Vec<RExpr>)> {
        let id = FuncId(u32::try_from(self.funcs.len()).unwrap_or(u32::MAX));
        let parent = self.stack.last_mut()?;
        let (n, what, boundary) = match kind {
            FnKind::DoBody => {
                parent.n_do += 1;
                (parent.n_do, "do", "a `Do` body")
            }
            FnKind::FuncLit => {
                parent.n_func += 1;
                (parent.n_func, "func", "a function literal")
            }
            FnKind::Main | FnKind::Named | FnKind::GoBody => {
                parent.n_func += 1;
                (parent.n_func, "func", "a `Go` body")
            }
        };
        let name = format!("{}.{what}{n}", parent.name);
        let mut ctx = FnCtx::new(id, name, kind);
        if parent.breakables > 0 {
            ctx.boundary = Some(boundary);
        }
        if kind == FnKind::DoBody {
            let once = ctx.new_slot("$once", Kind::Obj(ObjectKind::Once), span);
            ctx.params.push(once);
        }
        self.funcs.push(None);
        self.stack.push(ctx);
        for p in params {
            let slot = self.declare(p, Kind::Unknown);
            if let Some(c) = self.ctx() {
                c.params.push(slot);
            }
        }
        if let [_, second, ..] = results.0 {
            // A call through a function value takes one result.
            self.error(
                Diagnostic::new(
                    "a function literal has at most one named result in weft",
                    second.0.span,
                )
                .with_label("a second result")
                .with_help("return the others through variables the literal captures, or make it a function of `funcs`"),
            );
        }
        let mut body_stmts = self.named_results(id, results.0, results.1);
        body_stmts.extend(self.stmts(body));
        let body = body_stmts;
        let frame = if kind == FnKind::DoBody {
            FnFrame::Once
        } else {
            FnFrame::Plain
        };
        let ctx = self.end_function(body, span, frame)?;
        let args = ctx
            .captures
            .iter()
            .map(|c| RExpr {
                kind: RKind::Local(c.outer),
                span: c.use_span,
            })
            .collect();
        if let Some(p) = self.stack.last_mut() {
            if matches!(kind, FnKind::GoBody | FnKind::FuncLit) {
                p.go_captures.extend(ctx.captures.iter().cloned());
            } else {
                // A goroutine started inside a `Do` body and capturing one of
                // its captures sees the enclosing function's variable.
                for gc in &ctx.go_captures {
                    if let Some(c) = ctx.captures.iter().find(|c| c.inner == gc.outer) {
                        p.go_captures.push(super::scope::Capture {
                            outer: c.outer,
                            ..gc.clone()
                        });
                    }
                }
            }
        }
        Some((id, args))
    }

    /// `Go(func, args)` or `Go(body: [...])`.
    pub(crate) fn go_stmt(
        &mut self,
        func: Option<&Name>,
        args: &[ExprSrc],
        body: &[Stmt],
        span: Span,
    ) -> Option<HKind> {
        let Some(func) = func else {
            let (func, args) = self.anonymous(FnKind::GoBody, &[], NO_RESULTS, body, span)?;
            return Some(HKind::Go { func, args });
        };
        if let Some(callee) = self.func_value(func) {
            let args = args.iter().map(|a| self.expr(a).0).collect();
            return Some(HKind::GoValue { callee, args });
        }
        let args = self.call_args(func, args);
        let id = self.func_id(func)?;
        Some(HKind::Go { func: id, args })
    }

    /// What a statement that runs a function in a goroutine of a library's
    /// making (`GroupGo`, `AfterFunc`) runs: a function value held in a
    /// local (called through the value, as `Call` does), a package
    /// function with its arguments, or an anonymous body with its
    /// captures; and the name reports give it.
    pub(crate) fn run_target(
        &mut self,
        func: Option<&Name>,
        args: &[ExprSrc],
        body: &[Stmt],
        span: Span,
    ) -> Option<RunTarget> {
        let value = func.and_then(|f| self.func_value(f));
        let (callee, args) = match (func, &value) {
            (Some(_), Some(_)) => {
                let args: Vec<RExpr> = args.iter().map(|a| self.expr(a).0).collect();
                (Callee::Value, args)
            }
            (Some(f), None) => {
                let args = self.call_args(f, args);
                (Callee::Named(self.func_id(f)?), args)
            }
            (None, _) => {
                let (id, args) = self.anonymous(FnKind::GoBody, &[], NO_RESULTS, body, span)?;
                (Callee::Named(id), args)
            }
        };
        let name = match callee {
            Callee::Named(id) => self
                .funcs
                .get(id.index())
                .and_then(|f| f.as_ref().map(|f| f.name.clone()))
                .or_else(|| func.map(|f| f.text.clone()))
                .unwrap_or_default(),
            Callee::Value => func.map(|f| f.text.clone()).unwrap_or_default(),
        };
        Some(RunTarget {
            callee,
            value,
            args,
            name,
        })
    }

    /// `Call(func, args, into)`.
    pub(crate) fn call_stmt(
        &mut self,
        func: &Name,
        args: &[ExprSrc],
        into: Option<&Name>,
        more: &[Option<Name>],
        span: Span,
    ) -> Option<HKind> {
        if let Some(callee) = self.func_value(func) {
            let args = args.iter().map(|a| self.expr(a).0).collect();
            let dst: Option<HDst> = into.map(|n| self.dst(n, Kind::Unknown));
            if !more.is_empty() {
                self.error(
                    Diagnostic::new(
                        format!(
                            "a call through the function value `{}` takes one result",
                            func.text
                        ),
                        span,
                    )
                    .with_label("several results taken")
                    .with_help("call the function by its name in `funcs` to take several results"),
                );
            }
            return Some(HKind::CallValue { callee, args, dst });
        }
        let args = self.call_args(func, args);
        let id = self.func_ids.get(&func.text).copied();
        let kind = |w: &Self, pos: usize| id.map_or(Kind::Unknown, |id| w.result_kind(id, pos));
        let ret = kind(self, 0);
        let dst: Option<HDst> = into.map(|n| self.dst(n, ret));
        let more: Vec<Option<HDst>> = more
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let k = kind(self, i + 1);
                n.as_ref().map(|n| self.dst(n, k))
            })
            .collect();
        let id = self.func_id(func)?;
        if let Some(caller) = self.stack.last().map(|c| c.id) {
            self.edges.push((caller, id, func.span));
        }
        if into.is_some() || !more.is_empty() {
            let at = into.map_or(span, |n| n.span);
            self.result_uses.push((id, 1 + more.len(), at));
        }
        Some(HKind::Call {
            func: id,
            args,
            dst,
            more,
        })
    }

    /// `Do(once, body)`.
    pub(crate) fn do_stmt(&mut self, once: RExpr, body: &[Stmt], span: Span) -> Option<HKind> {
        let caller = self.stack.last().map(|c| c.id);
        let (func, args) = self.anonymous(FnKind::DoBody, &[], NO_RESULTS, body, span)?;
        if let Some(caller) = caller {
            self.edges.push((caller, func, span));
        }
        Some(HKind::Do { once, func, args })
    }

    /// `Func(name, params, body)`: a function literal stored in a new local.
    pub(crate) fn func_lit(
        &mut self,
        name: &Name,
        params: &[Name],
        results: (&[(Name, TypeSrc)], Span),
        body: &[Stmt],
        span: Span,
    ) -> Option<HKind> {
        let (func, captured) = self.anonymous(FnKind::FuncLit, params, results, body, span)?;
        self.func_values.insert(func);
        let dst = self.declare(name, Kind::Obj(ObjectKind::Func));
        Some(HKind::New {
            dst,
            object: super::hir::HNew::Closure { func, captured },
        })
    }

    /// When `func` names a local (or shared variable) holding a function
    /// value rather than a package function: the expression giving it.
    /// Locals shadow package functions, as in Go.
    pub(crate) fn func_value(&mut self, func: &Name) -> Option<RExpr> {
        let local = self.stack.iter().any(|c| c.find_name(&func.text))
            || matches!(
                self.package.get(&func.text),
                Some(super::PkgItem::Global(..))
            );
        if !local {
            return None;
        }
        let src = ExprSrc::Text {
            text: func.text.clone(),
            span: func.span,
            exact: true,
        };
        let (e, k) = self.expr(&src);
        if !k.is_obj(&[ObjectKind::Func]) {
            self.kind_error(
                "a call needs a function".into(),
                format!("`{}`", func.text),
                k,
                func.span,
                None,
            );
        }
        Some(e)
    }

    pub(crate) fn func_id(&mut self, func: &Name) -> Option<FuncId> {
        if let Some(id) = self.func_ids.get(&func.text) {
            return Some(*id);
        }
        if self.recovery.mentions(&func.text) {
            // Written in a part that failed to decode (a function definition, maybe).
            return None;
        }
        let mut d = Diagnostic::new(format!("unknown function `{}`", func.text), func.span)
            .with_label("not defined in `funcs`");
        if func.text == "main" {
            d = d.with_help("`main` cannot be started or called");
        } else {
            let names = self.sorted_funcs();
            if let Some(s) = closest(&func.text, names.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            } else if self.resolve_quiet(&func.text) {
                d = d.with_help(format!("`{}` is a variable, not a function", func.text));
            }
        }
        self.error(d);
        None
    }

    fn sorted_funcs(&self) -> Vec<String> {
        let mut v: Vec<(FuncId, String)> = self
            .func_ids
            .iter()
            .map(|(n, id)| (*id, n.clone()))
            .collect();
        v.sort();
        v.into_iter().map(|(_, n)| n).collect()
    }

    /// Checks the arguments of a call to `func`: their count, and their kinds
    /// joined into the parameter kinds.
    pub(crate) fn call_args(&mut self, func: &Name, args: &[ExprSrc]) -> Vec<RExpr> {
        let target = self
            .func_ids
            .get(&func.text)
            .map(|id| id.index().saturating_sub(1));
        let def = target.and_then(|i| self.sc.funcs.get(i));
        if let Some(def) = def {
            if def.params.len() != args.len() {
                let n = def.params.len();
                let plural = |k: usize, w: &str| {
                    if k == 1 {
                        format!("1 {w}")
                    } else {
                        format!("{k} {w}s")
                    }
                };
                self.error(
                    Diagnostic::new(
                        format!(
                            "`{}` takes {}, but {} given",
                            func.text,
                            plural(n, "argument"),
                            if args.len() == 1 {
                                "1 was".to_string()
                            } else {
                                format!("{} were", args.len())
                            }
                        ),
                        func.span,
                    )
                    .with_label(format!("called with {}", plural(args.len(), "argument")))
                    .with_secondary(def.name.span, format!("`{}` is defined here", func.text)),
                );
            }
        }
        let mut out = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let (e, k) = self.expr(a);
            if let Some(t) = target {
                self.join_param(t, i, k.value(), e.span);
                if matches!(k.value(), Kind::Obj(crate::ir::ObjectKind::Chan)) {
                    let elem = self.chan_elem(a);
                    self.join_param_elem(t, i, elem);
                }
            }
            out.push(e);
        }
        out
    }

    /// Joins what a channel passed as parameter `param` of function
    /// `func` (index `id - 1`) carries: calls passing channels of different
    /// (or unknown) element types leave it unknown.
    fn join_param_elem(&mut self, func: usize, param: usize, elem: Kind) {
        let id = FuncId(u32::try_from(func + 1).unwrap_or(u32::MAX));
        let key = (id, param);
        let next = match self.param_elem.get(&key) {
            None => elem,
            Some(cur) if *cur == elem => return,
            Some(_) => Kind::Unknown,
        };
        if self.param_elem.get(&key) != Some(&next) {
            self.param_elem.insert(key, next);
            self.param_elem_changed = true;
        }
    }

    fn join_param(&mut self, func: usize, param: usize, kind: Kind, span: Span) {
        let Some(cur) = self.joins.get(func).and_then(|ps| ps.get(param)).copied() else {
            return;
        };
        let next = match cur {
            ParamKind::Unresolved => ParamKind::Known(kind, span),
            ParamKind::Conflict => ParamKind::Conflict,
            ParamKind::Known(k0, s0) => match k0.join(kind) {
                Some(j) => ParamKind::Known(j, s0),
                None => {
                    let sc = self.sc;
                    let (fname, pname, pspan) = sc
                        .funcs
                        .get(func)
                        .and_then(|f| {
                            f.params
                                .get(param)
                                .map(|p| (f.name.text.clone(), p.text.clone(), p.span))
                        })
                        .unwrap_or_default();
                    self.error(
                        Diagnostic::new(
                            format!(
                                "parameter `{pname}` of `{fname}` is given {} and {}",
                                k0.describe(),
                                kind.describe()
                            ),
                            span,
                        )
                        .with_label(kind.describe())
                        .with_secondary(s0, k0.describe())
                        .with_secondary(pspan, "parameter declared here")
                        .with_help("every call must pass the same kind of argument"),
                    );
                    ParamKind::Conflict
                }
            },
        };
        if let Some(p) = self.joins.get_mut(func).and_then(|ps| ps.get_mut(param)) {
            *p = next;
        }
    }

    /// Forbids cycles of `Call` (and `Do`) edges: the stack would be unbounded.
    pub(crate) fn check_recursion(&mut self) {
        let n = self.funcs.len();
        let mut adj: Vec<Vec<(usize, Span)>> = vec![Vec::new(); n];
        for (from, to, span) in &self.edges {
            if let Some(a) = adj.get_mut(from.index()) {
                a.push((to.index(), *span));
            }
        }
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut state = vec![0u8; n];
        let mut reported: Vec<Vec<usize>> = Vec::new();
        for root in 0..n {
            if state[root] != 0 {
                continue;
            }
            let mut path: Vec<usize> = vec![root];
            let mut iters: Vec<usize> = vec![0];
            state[root] = 1;
            while let (Some(&node), Some(it)) = (path.last(), iters.last_mut()) {
                let Some(&(next, span)) = adj[node].get(*it) else {
                    state[node] = 2;
                    path.pop();
                    iters.pop();
                    continue;
                };
                *it += 1;
                match state.get(next) {
                    Some(0) => {
                        state[next] = 1;
                        path.push(next);
                        iters.push(0);
                    }
                    Some(1) => {
                        let start = path.iter().position(|&p| p == next).unwrap_or(0);
                        let mut cycle: Vec<usize> = path[start..].to_vec();
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if !reported.contains(&key) {
                            reported.push(key);
                            cycle.push(next);
                            self.recursion_error(&cycle, span);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn recursion_error(&mut self, cycle: &[usize], span: Span) {
        let names: Vec<String> = cycle
            .iter()
            .map(|&i| {
                let name = self
                    .funcs
                    .get(i)
                    .and_then(|f| f.as_ref())
                    .map_or("?", |f| f.name.as_str());
                format!("`{name}`")
            })
            .collect();
        self.error(
            Diagnostic::new("recursion through `Call` is not supported", span)
                .with_label("this call closes the cycle")
                .with_note(format!("the cycle is {}", names.join(" → ")))
                .with_help("use a loop, or start the function with `Go`"),
        );
    }
}

/// What a library's goroutine runs: a package function (or an anonymous
/// body), or a function value held in a local.
#[derive(Clone, Copy)]
pub(crate) enum Callee {
    Named(FuncId),
    Value,
}

/// A function a library's goroutine runs, resolved ([`Walker::run_target`]).
pub(crate) struct RunTarget {
    pub callee: Callee,
    /// The function value, for [`Callee::Value`].
    pub value: Option<RExpr>,
    /// The arguments, or an anonymous body's captures.
    pub args: Vec<RExpr>,
    /// How reports name it.
    pub name: String,
}
