//! `time.AfterFunc` and `context.AfterFunc`: a callback that runs in a
//! goroutine of its own once a timer fires or a context is done.
//!
//! The callback's goroutine is started where `AfterFunc` is called, as a
//! *runner* that first waits for its trigger ([`HKind::AwaitCallback`]):
//! a goroutine identity fixed when the callback is registered, so names
//! and replay tokens do not depend on when the fire happens, and code
//! that every analysis sees as started there. The runner then calls the
//! callback, or ends without calling it when the timer was stopped (or
//! the registration's `stop` was called) first.
//!
//! ```go
//! func runner(target, f, args...) {
//!     if fired := awaitCallback(target); fired { f(args...) }
//! }
//! ```
//!
//! A runner still waiting is not a goroutine in Go (only a registration):
//! the detectors do not count it as blocked. `t.Reset` of a timer whose
//! runner has ended starts a new runner (see `TimerReset::respawn`).

use super::calls::Callee;
use super::hir::{FnFrame, HCallbackSource, HFunc, HKind, HStmt, RExpr, RKind, Slot};
use super::kinds::Kind;
use super::Walker;
use crate::ir::{Const, FuncId, ObjectKind};
use crate::span::Span;
use crate::syntax::{ExprSrc, Name, Stmt};

fn local(s: Slot, span: Span) -> RExpr {
    RExpr {
        kind: RKind::Local(s),
        span,
    }
}

fn st(kind: HKind, span: Span) -> HStmt {
    HStmt { kind, span }
}

impl Walker<'_> {
    /// `t := time.AfterFunc(d, f)`.
    pub(crate) fn after_func(
        &mut self,
        name: Option<&Name>,
        duration: Option<&ExprSrc>,
        func: Option<&Name>,
        args: &[ExprSrc],
        body: &[Stmt],
        span: Span,
    ) -> Option<HKind> {
        let duration = match duration {
            Some(d) => self.int_expr(d, "a duration"),
            None => RExpr::constant(Const::Int(1), span),
        };
        let (runner, args) = self.callback(func, args, body, "time.AfterFunc", span)?;
        self.timer_runners.insert(runner);
        let dst = name.map(|n| self.declare(n, Kind::Obj(ObjectKind::Timer)));
        Some(HKind::AfterFunc {
            dst,
            source: HCallbackSource::Timer { duration },
            runner,
            args,
        })
    }

    /// `stop := context.AfterFunc(ctx, f)`.
    pub(crate) fn context_after_func(
        &mut self,
        stop: Option<&Name>,
        ctx: &ExprSrc,
        func: Option<&Name>,
        args: &[ExprSrc],
        body: &[Stmt],
        span: Span,
    ) -> Option<HKind> {
        let ctx = self.object(ctx, "ContextAfterFunc", &[ObjectKind::Context], "a context");
        let (runner, args) = self.callback(func, args, body, "context.AfterFunc", span)?;
        let dst = stop.map(|n| self.declare(n, Kind::Obj(ObjectKind::StopFunc)));
        Some(HKind::AfterFunc {
            dst,
            source: HCallbackSource::Context { ctx },
            runner,
            args,
        })
    }

    /// Resolves the callback and makes its runner; returns the runner and
    /// the values it is started with after its target (the function value,
    /// if any, then the arguments or the anonymous body's captures).
    fn callback(
        &mut self,
        func: Option<&Name>,
        args: &[ExprSrc],
        body: &[Stmt],
        registrar: &str,
        span: Span,
    ) -> Option<(FuncId, Vec<RExpr>)> {
        let super::calls::RunTarget {
            callee,
            value,
            args,
            name: callee_name,
        } = self.run_target(func, args, body, span)?;
        let runner = self.callback_runner(callee, &callee_name, args.len(), registrar, span);
        let mut start = Vec::with_capacity(args.len() + 1);
        start.extend(value);
        start.extend(args);
        Some((runner, start))
    }

    /// The runner: `if awaitCallback(target) { f(args...) }`.
    fn callback_runner(
        &mut self,
        callee: Callee,
        callee_name: &str,
        arity: usize,
        registrar: &str,
        span: Span,
    ) -> FuncId {
        let mut slots = vec!["$target".to_string()];
        let first = match callee {
            Callee::Named(_) => 1,
            Callee::Value => {
                slots.push("$f".to_string());
                2
            }
        };
        slots.extend((0..arity).map(|i| format!("$arg{i}")));
        let fired = Slot(u32::try_from(slots.len()).unwrap_or(u32::MAX));
        slots.push("$fired".to_string());
        let params: Vec<Slot> = (0..fired.0).map(Slot).collect();
        let args: Vec<RExpr> = (first..fired.0).map(|i| local(Slot(i), span)).collect();
        let call = match callee {
            Callee::Named(func) => HKind::Call {
                func,
                args,
                dst: None,
                more: Vec::new(),
            },
            Callee::Value => HKind::CallValue {
                callee: local(Slot(1), span),
                args,
                dst: None,
            },
        };
        let body = vec![
            st(
                HKind::AwaitCallback {
                    target: local(Slot(0), span),
                    dst: fired,
                },
                span,
            ),
            st(
                HKind::If {
                    cond: local(fired, span),
                    then: vec![st(call, span)],
                    els: Vec::new(),
                },
                span,
            ),
        ];
        let id = FuncId(u32::try_from(self.funcs.len()).unwrap_or(u32::MAX));
        self.funcs.push(Some(HFunc {
            name: format!("{registrar}({callee_name})"),
            span,
            frame: FnFrame::Plain,
            slots,
            params,
            first_result: None,
            ret_zero: Const::Nil,
            results: Vec::new(),
            body,
        }));
        id
    }
}
