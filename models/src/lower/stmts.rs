//! Statements: operations in place, control flow as labelled jumps.

use super::{int, Breakable, Field, FnLower};
use crate::ir::{
    BinOp, CallbackSource, CaseDir, Expr, LocalId, NewObject, Op, Pc, Place, SelectArm,
};
use crate::syntax::TimerKind;
use crate::validate::hir::{HCallbackSource, HCase, HCaseKind, HKind, HNew, HStmt};

impl<'h> FnLower<'h> {
    pub(super) fn stmt(&mut self, s: &'h HStmt) {
        match &s.kind {
            HKind::New { dst, object } => {
                let object = self.new_object(object);
                let dst = self.local(*dst);
                self.emit(Op::New { dst, object });
            }
            HKind::Assign { dst, value } => {
                let value = self.pure(value);
                let dst = self.local(*dst);
                self.emit(Op::Assign { dst, value });
            }
            HKind::Store { place, value } => {
                let place = self.place(place);
                let value = self.pure(value);
                self.emit(Op::Store { place, value });
            }
            HKind::MapDelete { map, key } => {
                let map = self.pure(map);
                let key = self.pure(key);
                self.emit(Op::MapDelete { map, key });
            }
            HKind::SyncMap {
                map,
                op,
                key,
                value,
                dst,
                ok,
            } => {
                let map = self.pure(map);
                let key = self.pure(key);
                let value = value.as_ref().map(|v| self.pure(v));
                let (dst, s1) = self.dst(dst.as_ref());
                let (ok, s2) = self.dst(ok.as_ref());
                self.emit(Op::SyncMap {
                    map,
                    op: *op,
                    key,
                    value,
                    dst,
                    ok,
                });
                self.stores([s1, s2]);
            }
            HKind::Send { chan, value } => {
                let chan = self.pure(chan);
                let value = self.pure(value);
                self.emit(Op::Send { chan, value });
            }
            HKind::MapLoad {
                map,
                key,
                nil_read,
                dst,
                ok,
            } => {
                let map = self.pure(map);
                let key = self.pure(key);
                let (dst, s1) = self.dst(dst.as_ref());
                let (ok, s2) = self.dst(ok.as_ref());
                // `_, ok := m[k]`: the value goes to a temporary.
                let dst = match dst {
                    Some(d) => d,
                    None => self.temp(),
                };
                self.emit(Op::Load {
                    place: Place::MapEntry {
                        map,
                        key,
                        nil_read: *nil_read,
                    },
                    dst,
                    ok,
                });
                self.stores([s1, s2]);
            }
            HKind::Recv { chan, dst, ok } => {
                let chan = self.pure(chan);
                let (dst, s1) = self.dst(dst.as_ref());
                let (ok, s2) = self.dst(ok.as_ref());
                self.emit(Op::Recv { chan, dst, ok });
                self.stores([s1, s2]);
            }
            HKind::Close { chan } => {
                let chan = self.pure(chan);
                self.emit(Op::Close { chan });
            }
            HKind::Lock { mutex } => {
                let mutex = self.pure(mutex);
                self.emit(Op::Lock { mutex });
            }
            HKind::Unlock { mutex } => {
                let mutex = self.pure(mutex);
                self.emit(Op::Unlock { mutex });
            }
            HKind::TryLock { mutex, dst } => {
                let mutex = self.pure(mutex);
                let (dst, st) = self.dst(dst.as_ref());
                self.emit(Op::TryLock { mutex, dst });
                self.stores([st]);
            }
            HKind::RLock { mutex } => {
                let mutex = self.pure(mutex);
                self.emit(Op::RLock { mutex });
            }
            HKind::RUnlock { mutex } => {
                let mutex = self.pure(mutex);
                self.emit(Op::RUnlock { mutex });
            }
            HKind::WgAdd { wg, delta } => {
                let wg = self.pure(wg);
                let delta = self.pure(delta);
                self.emit(Op::WgAdd { wg, delta });
            }
            HKind::Wait { target, cond } => {
                let target = self.pure(target);
                self.emit(Op::Wait {
                    target,
                    cond: *cond,
                });
            }
            HKind::Signal { cond } => {
                let cond = self.pure(cond);
                self.emit(Op::Signal { cond });
            }
            HKind::Broadcast { cond } => {
                let cond = self.pure(cond);
                self.emit(Op::Broadcast { cond });
            }
            HKind::Cancel { cancel } => {
                let cancel = self.pure(cancel);
                self.emit(Op::Cancel { cancel });
            }
            HKind::Stop { timer, dst } => {
                let timer = self.pure(timer);
                let (dst, st) = self.dst(dst.as_ref());
                self.emit(Op::TimerStop { timer, dst });
                self.stores([st]);
            }
            HKind::Reset {
                timer,
                duration,
                dst,
            } => {
                let timer = self.pure(timer);
                let duration = self.pure(duration);
                let (dst, st) = self.dst(dst.as_ref());
                let respawn = self.timer_runners.to_vec();
                self.emit(Op::TimerReset {
                    timer,
                    duration,
                    dst,
                    respawn,
                });
                self.stores([st]);
            }
            HKind::AfterFunc {
                dst,
                source,
                runner,
                args,
            } => {
                let source = match source {
                    HCallbackSource::Timer { duration } => CallbackSource::Timer {
                        duration: self.pure(duration),
                    },
                    HCallbackSource::Context { ctx } => CallbackSource::Context {
                        ctx: self.pure(ctx),
                    },
                };
                let args = args.iter().map(|a| self.pure(a)).collect();
                let dst = dst.map(|s| self.local(s));
                self.emit(Op::AfterFunc {
                    source,
                    runner: *runner,
                    args,
                    dst,
                });
            }
            HKind::Append {
                dst,
                from,
                values,
                spread,
                elem,
            } => {
                let from = self.pure(from);
                let values = values.iter().map(|v| self.pure(v)).collect();
                let dst = self.local(*dst);
                self.emit(Op::Append {
                    from,
                    values,
                    spread: *spread,
                    elem: *elem,
                    dst,
                });
            }
            HKind::AwaitCallback { target, dst } => {
                let target = self.pure(target);
                let dst = self.local(*dst);
                self.emit(Op::AwaitCallback { target, dst });
            }
            HKind::Sleep { duration } => {
                // The duration is evaluated for its reads; its value does not matter.
                if let Some(d) = duration {
                    self.pure(d);
                }
                self.emit(Op::Sleep);
            }
            HKind::AtomicLoad { var, dst } => {
                let var = self.pure(var);
                let (dst, st) = self.dst_req(dst);
                self.emit(Op::AtomicLoad { var, dst });
                self.stores([st]);
            }
            HKind::AtomicStore { var, value } => {
                let var = self.pure(var);
                let value = self.pure(value);
                self.emit(Op::AtomicStore { var, value });
            }
            HKind::AtomicAdd { var, delta, dst } => {
                let var = self.pure(var);
                let delta = self.pure(delta);
                let (dst, st) = self.dst(dst.as_ref());
                self.emit(Op::AtomicAdd { var, delta, dst });
                self.stores([st]);
            }
            HKind::CompareAndSwap { var, old, new, dst } => {
                let var = self.pure(var);
                let old = self.pure(old);
                let new = self.pure(new);
                let (dst, st) = self.dst(dst.as_ref());
                self.emit(Op::CompareAndSwap { var, old, new, dst });
                self.stores([st]);
            }
            HKind::Choose { dst, values } => {
                let values = values.iter().map(|v| self.pure(v)).collect();
                let (dst, st) = self.dst_req(dst);
                self.emit(Op::Choose { dst, values });
                self.stores([st]);
            }
            HKind::Panic { message } => self.emit(Op::Panic {
                message: message.clone(),
            }),
            HKind::Assert { cond, message } => {
                let cond = self.pure(cond);
                self.emit(Op::Assert {
                    cond,
                    message: message.clone(),
                });
            }
            HKind::Recover { dst } => {
                let (dst, st) = self.dst(dst.as_ref());
                self.emit(Op::Recover { dst });
                self.stores([st]);
            }
            HKind::Go { func, args } => {
                let args = args.iter().map(|a| self.pure(a)).collect();
                self.emit(Op::Go { func: *func, args });
            }
            HKind::Call {
                func,
                args,
                dst,
                more,
            } => {
                let args = args.iter().map(|a| self.pure(a)).collect();
                let (dst, st) = self.dst(dst.as_ref());
                let (more, more_st): (Vec<_>, Vec<_>) =
                    more.iter().map(|d| self.dst(d.as_ref())).unzip();
                self.emit(Op::Call {
                    func: *func,
                    args,
                    dst,
                    more,
                });
                self.stores(std::iter::once(st).chain(more_st));
            }
            HKind::GoValue { callee, args } => {
                let callee = self.pure(callee);
                let args = args.iter().map(|a| self.pure(a)).collect();
                let candidates = self.func_values.to_vec();
                self.emit(Op::GoValue {
                    callee,
                    args,
                    candidates,
                });
            }
            HKind::CallValue { callee, args, dst } => {
                let callee = self.pure(callee);
                let args = args.iter().map(|a| self.pure(a)).collect();
                let (dst, st) = self.dst(dst.as_ref());
                let candidates = self.func_values.to_vec();
                self.emit(Op::CallValue {
                    callee,
                    args,
                    dst,
                    candidates,
                });
                self.stores([st]);
            }
            HKind::Do { once, func, args } => {
                let once = self.pure(once);
                let mut all = vec![once.clone()];
                all.extend(args.iter().map(|a| self.pure(a)));
                let after = self.label();
                self.emit_to(Op::OnceEnter { once, skip: Pc(0) }, Field::Target, after);
                self.emit(Op::Call {
                    func: *func,
                    args: all,
                    dst: None,
                    more: Vec::new(),
                });
                self.bind(after);
            }
            HKind::If { cond, then, els } => {
                let cond = self.pure(cond);
                let end = self.label();
                if els.is_empty() {
                    self.jump_if_not(cond, end);
                    self.block(then);
                } else {
                    let other = self.label();
                    self.jump_if_not(cond, other);
                    self.block(then);
                    self.jump(end);
                    self.bind(other);
                    self.block(els);
                }
                self.bind(end);
            }
            HKind::For {
                var,
                from,
                to,
                body,
                label,
            } => {
                let from = self.pure(from);
                let v = self.local(*var);
                self.emit(Op::Assign {
                    dst: v,
                    value: from,
                });
                let (top, next, end) = (self.label(), self.label(), self.label());
                self.bind(top);
                let to = self.pure(to);
                let cond = Expr::Binary(BinOp::Lt, Box::new(Expr::Local(v)), Box::new(to));
                self.jump_if_not(cond, end);
                self.loop_body(body, end, Some(next), label.as_deref());
                self.bind(next);
                let inc = Expr::Binary(BinOp::Add, Box::new(Expr::Local(v)), Box::new(int(1)));
                self.emit(Op::Assign { dst: v, value: inc });
                self.jump(top);
                self.bind(end);
            }
            HKind::While { cond, body, label } => {
                let (top, end) = (self.label(), self.label());
                self.bind(top);
                let cond = self.pure(cond);
                self.jump_if_not(cond, end);
                self.loop_body(body, end, Some(top), label.as_deref());
                self.jump(top);
                self.bind(end);
            }
            HKind::Loop { body, label } => {
                let (top, end) = (self.label(), self.label());
                self.bind(top);
                self.loop_body(body, end, Some(top), label.as_deref());
                self.jump(top);
                self.bind(end);
            }
            HKind::Range {
                chan,
                var,
                body,
                label,
            } => {
                let chan = self.pure(chan);
                let ok = self.temp();
                let dst = var.map(|v| self.local(v));
                let (top, end) = (self.label(), self.label());
                self.bind(top);
                self.emit(Op::Recv {
                    chan,
                    dst,
                    ok: Some(ok),
                });
                self.jump_if_not(Expr::Local(ok), end);
                self.loop_body(body, end, Some(top), label.as_deref());
                self.jump(top);
                self.bind(end);
            }
            HKind::Select { cases, label } => self.select(cases, label.as_deref()),
            HKind::Switch {
                tag,
                cases,
                default,
                label,
            } => self.switch(tag.as_ref(), cases, default.as_deref(), label.as_deref()),
            HKind::RangeInt {
                count,
                n,
                var,
                body,
                label,
            } => self.range_int(*count, n, *var, body, label.as_deref()),
            HKind::RangeMap {
                sync,
                map,
                seen,
                key,
                value,
                body,
                label,
            } => self.range_map(*sync, map, *seen, *key, *value, body, label.as_deref()),
            HKind::Either { branches } => self.either(branches),
            HKind::Break { label } => {
                let target = match label {
                    Some(l) => self
                        .breakables
                        .iter()
                        .rev()
                        .find(|b| b.label == Some(l.as_str()))
                        .map(|b| b.brk),
                    None => self.breakables.last().map(|b| b.brk),
                };
                match target {
                    Some(l) => self.jump(l),
                    None => self.broken("a break"),
                }
            }
            HKind::Continue { label } => {
                let target = match label {
                    Some(l) => self
                        .breakables
                        .iter()
                        .rev()
                        .find(|b| b.label == Some(l.as_str()))
                        .and_then(|b| b.cont),
                    None => self.breakables.iter().rev().find_map(|b| b.cont),
                };
                match target {
                    Some(l) => self.jump(l),
                    None => self.broken("a continue"),
                }
            }
            HKind::Return { value, more } => match self.defer_end {
                Some(end) => self.jump(end),
                None => {
                    let mut values: Vec<&crate::validate::hir::RExpr> =
                        value.iter().chain(more).collect();
                    // Named results: every value goes to its result
                    // variable, read when the function returns.
                    let value = match self.f.first_result {
                        Some(_) => None,
                        None if values.is_empty() => None,
                        None => Some(self.pure(values.remove(0))),
                    };
                    let slots: Vec<LocalId> = self
                        .f
                        .first_result
                        .iter()
                        .chain(&self.f.results)
                        .map(|s| self.local(*s))
                        .collect();
                    if slots.len() < values.len() {
                        self.broken("a `Return` with more values than result slots");
                    }
                    let more = slots
                        .into_iter()
                        .zip(values)
                        .map(|(slot, v)| (slot, self.pure(v)))
                        .collect();
                    self.emit(Op::Return { value, more });
                }
            },
            HKind::Seq(body) => self.block(body),
            HKind::IfLimited(body) => {
                if self.limited {
                    self.block(body)
                }
            }
            HKind::Defer { body } => {
                let entry = self.label();
                self.emit_to(Op::Defer { entry: Pc(0) }, Field::Target, entry);
                self.pending.push((entry, body, s.span));
            }
        }
    }

    pub(super) fn loop_body(
        &mut self,
        body: &'h [HStmt],
        brk: crate::lower::Label,
        cont: Option<crate::lower::Label>,
        label: Option<&'h str>,
    ) {
        self.breakables.push(Breakable { brk, cont, label });
        self.block(body);
        self.breakables.pop();
    }

    fn new_object(&mut self, n: &HNew) -> NewObject {
        match n {
            HNew::Chan {
                cap,
                nil_zero,
                zero_size,
            } => NewObject::Chan {
                cap: self.pure(cap),
                nil_zero: *nil_zero,
                zero_size: *zero_size,
            },
            HNew::Mutex => NewObject::Mutex,
            HNew::RwMutex => NewObject::RwMutex,
            HNew::WaitGroup => NewObject::WaitGroup,
            HNew::Once => NewObject::Once,
            HNew::Cond { locker } => NewObject::Cond {
                locker: self.pure(locker),
            },
            HNew::Var { init } => NewObject::Var {
                init: self.pure(init),
            },
            HNew::Map { zero } => NewObject::Map { zero: *zero },
            HNew::Background => NewObject::Background,
            HNew::Record { ty, inits } => NewObject::Record {
                ty: *ty,
                inits: inits.iter().map(|(i, v)| (*i, self.pure(v))).collect(),
            },
            HNew::Slice { elem, len, cap } => NewObject::Slice {
                elem: elem.clone(),
                len: self.pure(len),
                cap: cap.as_ref().map(|c| self.pure(c)),
            },
            HNew::Closure { func, captured } => NewObject::Closure {
                func: *func,
                captured: captured.iter().map(|v| self.pure(v)).collect(),
            },
            HNew::WithCancel {
                parent,
                cancel,
                timeout,
            } => {
                let parent = self.pure(parent);
                let timeout = timeout.as_ref().map(|t| self.pure(t));
                NewObject::WithCancel {
                    parent,
                    cancel: self.local(*cancel),
                    timeout,
                }
            }
            HNew::Group { cancel } => NewObject::Group {
                cancel: cancel.as_ref().map(|c| self.pure(c)),
            },
            HNew::Timer { kind, duration } => NewObject::Timer {
                kind: *kind,
                duration: self.pure(duration),
            },
        }
    }

    /// `select`: every case's operands in source order (an `After` case
    /// creates its timer), then the `Select`, then each body ending with a
    /// jump to the end.
    fn select(&mut self, cases: &'h [HCase], label: Option<&'h str>) {
        let mut arms = Vec::new();
        let mut stores = Vec::new();
        let mut targets = Vec::new();
        let mut default = None;
        for (i, c) in cases.iter().enumerate() {
            let target = self.label();
            targets.push(target);
            stores.push(None);
            let (chan, dir) = match &c.kind {
                HCaseKind::Send { chan, value } => {
                    let chan = self.pure(chan);
                    let value = self.pure(value);
                    (chan, CaseDir::Send { value })
                }
                HCaseKind::Recv { chan, dst, ok } => {
                    let chan = self.pure(chan);
                    let (dst, s1) = self.dst(dst.as_ref());
                    let (ok, s2) = self.dst(ok.as_ref());
                    stores[i] = Some([s1, s2]);
                    (chan, CaseDir::Recv { dst, ok })
                }
                HCaseKind::After { duration } => {
                    let duration = self.pure(duration);
                    let t = self.temp();
                    let object = NewObject::Timer {
                        kind: TimerKind::After,
                        duration,
                    };
                    self.emit_at(Op::New { dst: t, object }, c.span);
                    (
                        Expr::Local(t),
                        CaseDir::Recv {
                            dst: None,
                            ok: None,
                        },
                    )
                }
                HCaseKind::Default => {
                    default = Some(target);
                    continue;
                }
            };
            arms.push((
                SelectArm {
                    chan,
                    dir,
                    target: Pc(0),
                    span: c.span,
                },
                target,
            ));
        }
        let at = self.code.len();
        let labels: Vec<_> = arms.iter().map(|(_, l)| *l).collect();
        self.emit(Op::Select {
            arms: arms.into_iter().map(|(a, _)| a).collect(),
            default: None,
        });
        for (i, l) in labels.into_iter().enumerate() {
            self.patches.push((at, Field::Arm(i), l));
        }
        if let Some(l) = default {
            self.patches.push((at, Field::Default, l));
        }
        let end = self.label();
        for ((c, target), st) in cases.iter().zip(targets).zip(stores) {
            self.bind(target);
            if let Some(st) = st {
                self.stores(st);
            }
            self.breakables.push(Breakable {
                brk: end,
                cont: None,
                label,
            });
            self.block(&c.body);
            self.breakables.pop();
            self.jump(end);
        }
        self.bind(end);
    }

    /// `Either`: one choice point, then a chain of tests.
    fn either(&mut self, branches: &'h [Vec<HStmt>]) {
        let t = self.temp();
        let n = i64::try_from(branches.len()).unwrap_or(i64::MAX);
        self.emit(Op::Choose {
            dst: t,
            values: (0..n).map(int).collect(),
        });
        let end = self.label();
        let last = branches.len().saturating_sub(1);
        for (i, b) in branches.iter().enumerate() {
            if i < last {
                let next = self.label();
                let test = Expr::Binary(
                    BinOp::Eq,
                    Box::new(Expr::Local(t)),
                    Box::new(int(i64::try_from(i).unwrap_or(i64::MAX))),
                );
                self.jump_if_not(test, next);
                self.block(b);
                self.jump(end);
                self.bind(next);
            } else {
                self.block(b);
            }
        }
        self.bind(end);
    }
}
