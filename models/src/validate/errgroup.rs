//! `errgroup.Group` (golang.org/x/sync/errgroup) and `context.WithValue`,
//! as library code: each method is resolved to Go's own implementation
//! over the group's parts ([`GroupPart`]), so its concurrency is exactly
//! Go's and every detector sees the WaitGroup, Once and shared variables
//! it is made of.
//!
//! ```go
//! func (g *Group) Go(f func() error) {
//!     if g.sem != nil { g.sem <- token{} }
//!     g.wg.Add(1)
//!     go func() {
//!         defer g.done()      // if g.sem != nil { <-g.sem }; g.wg.Done()
//!         if err := f(); err != nil {
//!             g.errOnce.Do(func() {
//!                 g.err = err
//!                 if g.cancel != nil { g.cancel(g.err) }
//!             })
//!         }
//!     }()
//! }
//! func (g *Group) Wait() error {
//!     g.wg.Wait()
//!     if g.cancel != nil { g.cancel(g.err) }
//!     return g.err
//! }
//! ```

use super::calls::Callee;
use super::hir::{FnFrame, HDst, HFunc, HKind, HNew, HStmt, RExpr, RKind, RPlace, Slot};
use super::kinds::Kind;
use super::Walker;
use crate::ir::{BinOp, Const, FuncId, GroupPart, ObjectKind};
use crate::span::Span;
use crate::syntax::{ExprSrc, Name, Stmt};

/// Go's panic when `SetLimit` is called while functions run (Go's message
/// also gives their number).
pub(crate) const SET_LIMIT_PANIC: &str =
    "errgroup: modify limit while goroutines in the group are still active";

fn mk(kind: RKind, span: Span) -> RExpr {
    RExpr { kind, span }
}

fn st(kind: HKind, span: Span) -> HStmt {
    HStmt { kind, span }
}

fn part(g: &RExpr, p: GroupPart) -> RExpr {
    mk(RKind::GroupPart(Box::new(g.clone()), p), g.span)
}

fn local(s: Slot, span: Span) -> RExpr {
    mk(RKind::Local(s), span)
}

fn not_nil(e: RExpr) -> RExpr {
    let span = e.span;
    mk(
        RKind::Binary(
            BinOp::Ne,
            Box::new(e),
            Box::new(RExpr::constant(Const::Nil, span)),
        ),
        span,
    )
}

/// A plain read of `g.<p>` (a shared variable of the group).
fn read(g: &RExpr, p: GroupPart) -> RExpr {
    mk(RKind::Load(Box::new(RPlace::Var(part(g, p)))), g.span)
}

/// `if g.cancel != nil { g.cancel() }`
fn cancel_if_any(g: &RExpr, span: Span) -> HStmt {
    st(
        HKind::If {
            cond: not_nil(part(g, GroupPart::Cancel)),
            then: vec![st(
                HKind::Cancel {
                    cancel: part(g, GroupPart::Cancel),
                },
                span,
            )],
            els: Vec::new(),
        },
        span,
    )
}

/// `if s := g.sem; s != nil { <op on s> }` (only kept when a limit is set
/// somewhere), with `s` in `sem`.
fn with_sem(g: &RExpr, sem: Slot, op: HKind, span: Span) -> HStmt {
    st(
        HKind::IfLimited(vec![
            st(
                HKind::Assign {
                    dst: sem,
                    value: read(g, GroupPart::Sem),
                },
                span,
            ),
            st(
                HKind::If {
                    cond: not_nil(local(sem, span)),
                    then: vec![st(op, span)],
                    els: Vec::new(),
                },
                span,
            ),
        ]),
        span,
    )
}

impl Walker<'_> {
    /// `var g errgroup.Group`
    pub(crate) fn group_decl(&mut self, name: &Name) -> Option<HKind> {
        let dst = self.declare(name, Kind::Obj(ObjectKind::Group));
        Some(HKind::New {
            dst,
            object: HNew::Group { cancel: None },
        })
    }

    /// `g, ctx := errgroup.WithContext(parent)`: a context with a cancel
    /// function that only the group holds.
    pub(crate) fn group_with_context(
        &mut self,
        group: &Name,
        ctx: &Name,
        parent: Option<&ExprSrc>,
        span: Span,
    ) -> Option<HKind> {
        let parent = match parent {
            Some(p) => self.object(p, "WithContext", &[ObjectKind::Context], "a parent context"),
            None => mk(RKind::Global(self.background()), span),
        };
        let ctx = self.declare(ctx, Kind::Obj(ObjectKind::Context));
        let cancel = self.hidden("$cancel", Kind::Obj(ObjectKind::CancelFunc), span);
        let g = self.declare(group, Kind::Obj(ObjectKind::Group));
        Some(HKind::Seq(vec![
            st(
                HKind::New {
                    dst: ctx,
                    object: HNew::WithCancel {
                        parent,
                        cancel,
                        timeout: None,
                    },
                },
                span,
            ),
            st(
                HKind::New {
                    dst: g,
                    object: HNew::Group {
                        cancel: Some(local(cancel, span)),
                    },
                },
                span,
            ),
        ]))
    }

    /// `err := g.Wait()`
    pub(crate) fn group_wait(&mut self, g: RExpr, into: Option<&Name>, span: Span) -> HKind {
        let mut code = vec![
            st(
                HKind::Wait {
                    target: part(&g, GroupPart::Wg),
                    cond: false,
                },
                span,
            ),
            cancel_if_any(&g, span),
        ];
        if let Some(n) = into {
            let value = read(&g, GroupPart::Err);
            code.push(st(
                match self.dst(n, Kind::Unknown) {
                    HDst::Local(dst) => HKind::Assign { dst, value },
                    HDst::Var(v) => HKind::Store {
                        place: RPlace::Var(v),
                        value,
                    },
                },
                span,
            ));
        }
        HKind::Seq(code)
    }

    /// `g.SetLimit(n)`
    pub(crate) fn group_set_limit(&mut self, g: RExpr, limit: &ExprSrc, span: Span) -> HKind {
        self.limited = true;
        let n = self.int_expr(limit, "a limit");
        let n_slot = self.hidden("$limit", Kind::Int, span);
        let c_slot = self.hidden("$sem", Kind::Obj(ObjectKind::Chan), span);
        let sem = || RPlace::Var(part(&g, GroupPart::Sem));
        let zero = RExpr::constant(Const::Int(0), span);
        let active = mk(
            RKind::Binary(
                BinOp::Ne,
                Box::new(mk(RKind::Len(Box::new(read(&g, GroupPart::Sem))), span)),
                Box::new(zero.clone()),
            ),
            span,
        );
        HKind::Seq(vec![
            st(
                HKind::Assign {
                    dst: n_slot,
                    value: n,
                },
                span,
            ),
            st(
                HKind::If {
                    cond: mk(
                        RKind::Binary(BinOp::Lt, Box::new(local(n_slot, span)), Box::new(zero)),
                        span,
                    ),
                    then: vec![st(
                        HKind::Store {
                            place: sem(),
                            value: RExpr::constant(Const::Nil, span),
                        },
                        span,
                    )],
                    els: vec![
                        st(
                            HKind::If {
                                cond: active,
                                then: vec![st(
                                    HKind::Panic {
                                        message: SET_LIMIT_PANIC.to_string(),
                                    },
                                    span,
                                )],
                                els: Vec::new(),
                            },
                            span,
                        ),
                        st(
                            HKind::New {
                                dst: c_slot,
                                object: HNew::Chan {
                                    cap: local(n_slot, span),
                                    nil_zero: false,
                                    // (errgroup's `chan token`, `token`
                                    // being `struct{}`.)
                                    zero_size: true,
                                },
                            },
                            span,
                        ),
                        st(
                            HKind::Store {
                                place: sem(),
                                value: local(c_slot, span),
                            },
                            span,
                        ),
                    ],
                },
                span,
            ),
        ])
    }

    /// `g.Go(f)`: `f` is a named function with arguments or an anonymous
    /// body; it runs in a goroutine of Go's wrapper (named
    /// `errgroup.Go(f)` in reports).
    pub(crate) fn group_go(
        &mut self,
        g: RExpr,
        func: Option<&Name>,
        args: &[ExprSrc],
        body: &[Stmt],
        span: Span,
    ) -> Option<HKind> {
        let super::calls::RunTarget {
            callee,
            value,
            args,
            name: callee_name,
        } = self.run_target(func, args, body, span)?;
        if let (Some(f), super::calls::Callee::Named(id)) = (func, &callee) {
            self.group_runs.push((*id, f.span));
        }
        let record = self.group_record(&callee_name, span);
        let wrapper = self.group_wrapper(callee, &callee_name, args.len(), record, span);
        let sem = self.hidden("$sem", Kind::Obj(ObjectKind::Chan), span);
        let mut go_args = vec![g.clone()];
        go_args.extend(value);
        go_args.extend(args);
        Some(HKind::Seq(vec![
            with_sem(
                &g,
                sem,
                HKind::Send {
                    chan: local(sem, span),
                    value: RExpr::constant(Const::Int(0), span),
                },
                span,
            ),
            st(
                HKind::WgAdd {
                    wg: part(&g, GroupPart::Wg),
                    delta: RExpr::constant(Const::Int(1), span),
                },
                span,
            ),
            st(
                HKind::Go {
                    func: wrapper,
                    args: go_args,
                },
                span,
            ),
        ]))
    }

    fn push_func(&mut self, f: HFunc) -> FuncId {
        let id = FuncId(u32::try_from(self.funcs.len()).unwrap_or(u32::MAX));
        self.funcs.push(Some(f));
        id
    }

    /// The goroutine `g.Go` starts: calls `f(args)`, records its error, and
    /// marks the function done.
    fn group_wrapper(
        &mut self,
        callee: Callee,
        callee_name: &str,
        arity: usize,
        record: FuncId,
        span: Span,
    ) -> FuncId {
        let mut slots = vec!["g".to_string()];
        // A function value comes in after the group.
        let first = match callee {
            Callee::Named(_) => 1,
            Callee::Value => {
                slots.push("$f".to_string());
                2
            }
        };
        slots.extend((0..arity).map(|i| format!("$arg{i}")));
        let err = Slot(u32::try_from(slots.len()).unwrap_or(u32::MAX));
        slots.push("err".to_string());
        let sem = Slot(err.0 + 1);
        slots.push("$sem".to_string());
        let params: Vec<Slot> = (0..err.0).map(Slot).collect();
        let g = local(Slot(0), span);
        let args: Vec<RExpr> = (first..err.0).map(|i| local(Slot(i), span)).collect();
        let dst = Some(HDst::Local(err));
        let call = match callee {
            Callee::Named(func) => HKind::Call {
                func,
                args,
                dst,
                more: Vec::new(),
            },
            Callee::Value => HKind::CallValue {
                callee: local(Slot(1), span),
                args,
                dst,
            },
        };
        let body = vec![
            st(call, span),
            st(
                HKind::If {
                    cond: not_nil(local(err, span)),
                    then: vec![st(
                        HKind::Do {
                            once: part(&g, GroupPart::ErrOnce),
                            func: record,
                            args: vec![g.clone(), local(err, span)],
                        },
                        span,
                    )],
                    els: Vec::new(),
                },
                span,
            ),
            with_sem(
                &g,
                sem,
                HKind::Recv {
                    chan: local(sem, span),
                    dst: None,
                    ok: None,
                },
                span,
            ),
            st(
                HKind::WgAdd {
                    wg: part(&g, GroupPart::Wg),
                    delta: RExpr::constant(Const::Int(-1), span),
                },
                span,
            ),
        ];
        self.push_func(HFunc {
            name: format!("errgroup.Go({callee_name})"),
            span,
            frame: FnFrame::Plain,
            slots,
            params,
            first_result: None,
            ret_zero: Const::Nil,
            results: Vec::new(),
            body,
        })
    }

    /// The body of `g.errOnce.Do`: `g.err = err; if g.cancel != nil {
    /// g.cancel() }` (one per `GroupGo`, so that its steps point there).
    fn group_record(&mut self, callee_name: &str, span: Span) -> FuncId {
        let g = local(Slot(1), span);
        let body = vec![
            st(
                HKind::Store {
                    place: RPlace::Var(part(&g, GroupPart::Err)),
                    value: local(Slot(2), span),
                },
                span,
            ),
            cancel_if_any(&g, span),
        ];
        let id = self.push_func(HFunc {
            name: format!("errgroup.Go({callee_name}).errOnce"),
            span,
            frame: FnFrame::Once,
            slots: vec!["$once".into(), "g".into(), "err".into()],
            params: vec![Slot(0), Slot(1), Slot(2)],
            first_result: None,
            ret_zero: Const::Nil,
            results: Vec::new(),
            body,
        });
        id
    }

    /// `ctx := context.WithValue(parent, key, value)`: the parent itself as
    /// far as concurrency goes (a value context has no cancellation of its
    /// own: `Done`, `Err` and cancellation are its parent's).
    pub(crate) fn with_value(
        &mut self,
        ctx: &Name,
        parent: &ExprSrc,
        key: &ExprSrc,
        value: &ExprSrc,
    ) -> Option<HKind> {
        let parent = self.object(
            parent,
            "WithValue",
            &[ObjectKind::Context],
            "a parent context",
        );
        // Evaluated for their reads and checks; a value context's contents
        // do not change what any goroutine may do.
        let (_key, _) = self.expr(key);
        let (_value, _) = self.expr(value);
        let dst = self.declare(ctx, Kind::Obj(ObjectKind::Context));
        Some(HKind::Assign { dst, value: parent })
    }
}
