//! Statements: declarations, operations and structured control flow.

use super::exprs::Target;
use super::globals::{declared_names, Creation, HeldKey};
use super::hir::{HCase, HCaseKind, HKind, HNew, HStmt, RExpr, RKind, RPlace};
use super::kinds::Kind;
use super::scope::FnKind;
use super::Walker;
use crate::decode::stmts::stmt_name;
use crate::diagnostic::Diagnostic;
use crate::ir::{Const, ElemType, ObjectKind, RecordId, SyncMapOp};
use crate::span::Span;
use crate::syntax::{CaseKind, ExprSrc, SelectCase, Stmt, StmtKind};

const MUTEXES: &[ObjectKind] = &[ObjectKind::Mutex, ObjectKind::RwMutex];
/// What `Lock` and `Unlock` take: a mutex or a Locker (`c.L`, `rw.RLocker()`).
const LOCKERS: &[ObjectKind] = &[ObjectKind::Mutex, ObjectKind::RwMutex, ObjectKind::Locker];

impl Walker<'_> {
    /// A block with its own scope.
    pub(crate) fn block(&mut self, stmts: &[Stmt]) -> Vec<HStmt> {
        if let Some(c) = self.ctx() {
            c.push_scope();
        }
        let out = self.stmts(stmts);
        if let Some(c) = self.ctx() {
            c.pop_scope();
        }
        out
    }

    /// Statements in the current scope.
    pub(crate) fn stmts(&mut self, stmts: &[Stmt]) -> Vec<HStmt> {
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            if let Some(kind) = self.stmt(s) {
                out.push(HStmt { kind, span: s.span });
            }
        }
        out
    }

    /// A loop body: `var` (if any) is declared by `declare` in the loop's scope.
    pub(crate) fn in_loop<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        if let Some(c) = self.ctx() {
            c.loops += 1;
            c.breakables += 1;
            c.loop_depth += 1;
            c.push_scope();
        }
        let out = f(self);
        if let Some(c) = self.ctx() {
            c.loops -= 1;
            c.breakables -= 1;
            c.loop_depth -= 1;
            c.pop_scope();
        }
        out
    }

    fn stmt(&mut self, s: &Stmt) -> Option<HKind> {
        let span = s.span;
        let name = stmt_name(&s.kind);
        let obj = |w: &mut Self, e: &ExprSrc, allowed: &[ObjectKind], what: &str| {
            w.object(e, name, allowed, what)
        };
        Some(match &s.kind {
            StmtKind::Chan { .. }
            | StmtKind::NilChan { .. }
            | StmtKind::Mutex { .. }
            | StmtKind::RwMutex { .. }
            | StmtKind::WaitGroup { .. }
            | StmtKind::Once { .. }
            | StmtKind::Cond { .. }
            | StmtKind::Var { .. }
            | StmtKind::Map { .. }
            | StmtKind::SyncMap { .. }
            | StmtKind::Background { .. }
            | StmtKind::Timer { .. }
            | StmtKind::New { .. }
            | StmtKind::Slice { .. } => {
                let creation = self.creation(&s.kind, span);
                let dst = {
                    let names = declared_names(&s.kind);
                    let n = names.first()?;
                    let k = self.declared_kind(&s.kind);
                    self.declare(n, k)
                };
                let (creation, held) = creation?;
                if matches!(s.kind, StmtKind::Var { .. }) {
                    self.set_held(HeldKey::Local(dst), held);
                }
                self.set_elem_of_decl(HeldKey::Local(dst), &s.kind);
                match creation {
                    Creation::New(object) => HKind::New { dst, object },
                    Creation::Nil => HKind::Assign {
                        dst,
                        value: RExpr::constant(Const::Nil, span),
                    },
                }
            }
            StmtKind::WithCancel {
                ctx,
                cancel,
                parent,
                timeout,
                ..
            } => {
                let parent = match parent {
                    Some(p) => obj(self, p, &[ObjectKind::Context], "a parent context"),
                    None => RExpr {
                        kind: RKind::Global(self.background()),
                        span,
                    },
                };
                let timeout = timeout.as_ref().map(|t| self.int_expr(t, "a timeout"));
                let dst = self.declare(ctx, Kind::Obj(ObjectKind::Context));
                let cancel = self.declare(cancel, Kind::Obj(ObjectKind::CancelFunc));
                HKind::New {
                    dst,
                    object: HNew::WithCancel {
                        parent,
                        cancel,
                        timeout,
                    },
                }
            }
            StmtKind::Let { name, value, ty } => {
                let (value, k) = self.expr(value);
                let kind = match ty {
                    Some(t) => self.typed_local(t, k, value.span),
                    None => k.of_local(),
                };
                let dst = self.declare(name, kind);
                HKind::Assign { dst, value }
            }
            StmtKind::Set { target, value } => return self.set(target, value),
            StmtKind::Append { target, values } => return self.append(target, values, span),
            StmtKind::Delete { map, key } if self.is_sync_map(map) => HKind::SyncMap {
                map: self.expr(map).0,
                op: SyncMapOp::Delete,
                key: self.expr(key).0,
                value: None,
                dst: None,
                ok: None,
            },
            StmtKind::SyncLoad { map, key, into, ok } if !self.is_sync_map(map) => {
                let (m, k) = self.expr(map);
                if !k.is_obj(&[ObjectKind::Map]) {
                    self.kind_error(
                        "`Load` needs a map or a sync.Map".into(),
                        super::exprs::subject(map),
                        k,
                        m.span,
                        Some(
                            "`Load(\"m\", \"k\", \"v\", \"ok\")` is `v, ok := m[k]` of a map \
                             (`Map(\"m\")`) or `m.Load(k)` of a sync.Map (`SyncMap(\"m\")`)"
                                .into(),
                        ),
                    );
                }
                let map = m;
                let key = self.map_key(key);
                let (held, nil_read) = self.map_values_of(k);
                HKind::MapLoad {
                    map,
                    key,
                    nil_read,
                    dst: into.as_ref().map(|n| self.dst(n, held.of_local())),
                    ok: ok.as_ref().map(|n| self.dst(n, Kind::Bool)),
                }
            }
            StmtKind::SyncLoad { map, key, into, ok } => {
                let map = obj(self, map, &[ObjectKind::SyncMap], "a sync.Map");
                let key = self.expr(key).0;
                HKind::SyncMap {
                    map,
                    op: SyncMapOp::Load,
                    key,
                    value: None,
                    dst: into.as_ref().map(|n| self.dst(n, Kind::Unknown)),
                    ok: ok.as_ref().map(|n| self.dst(n, Kind::Bool)),
                }
            }
            StmtKind::SyncStore { map, key, value } => {
                let map = obj(self, map, &[ObjectKind::SyncMap], "a sync.Map");
                HKind::SyncMap {
                    map,
                    op: SyncMapOp::Store,
                    key: self.value_expr(key),
                    value: Some(self.value_expr(value)),
                    dst: None,
                    ok: None,
                }
            }
            StmtKind::SyncLoadOrStore {
                map,
                key,
                value,
                into,
                loaded,
            } => {
                let map = obj(self, map, &[ObjectKind::SyncMap], "a sync.Map");
                let key = self.value_expr(key);
                let value = Some(self.value_expr(value));
                HKind::SyncMap {
                    map,
                    op: SyncMapOp::LoadOrStore,
                    key,
                    value,
                    dst: into.as_ref().map(|n| self.dst(n, Kind::Unknown)),
                    ok: loaded.as_ref().map(|n| self.dst(n, Kind::Bool)),
                }
            }
            StmtKind::SyncLoadAndDelete {
                map,
                key,
                into,
                loaded,
            } => {
                let map = obj(self, map, &[ObjectKind::SyncMap], "a sync.Map");
                let key = self.expr(key).0;
                HKind::SyncMap {
                    map,
                    op: SyncMapOp::LoadAndDelete,
                    key,
                    value: None,
                    dst: into.as_ref().map(|n| self.dst(n, Kind::Unknown)),
                    ok: loaded.as_ref().map(|n| self.dst(n, Kind::Bool)),
                }
            }
            StmtKind::Delete { map, key } => HKind::MapDelete {
                map: obj(self, map, &[ObjectKind::Map], "a map"),
                key: self.expr(key).0,
            },
            StmtKind::Send { chan, value } => HKind::Send {
                chan: obj(self, chan, &[ObjectKind::Chan], "a channel"),
                value: match value {
                    Some(v) => self.expr(v).0,
                    None => RExpr::constant(Const::Int(0), span),
                },
            },
            StmtKind::Recv { chan, into, ok } => {
                let elem = self.chan_elem(chan);
                let chan = obj(self, chan, &[ObjectKind::Chan], "a channel");
                HKind::Recv {
                    chan,
                    dst: into.as_ref().map(|n| self.dst(n, elem)),
                    ok: ok.as_ref().map(|n| self.dst(n, Kind::Bool)),
                }
            }
            StmtKind::Close { chan } => HKind::Close {
                chan: obj(self, chan, &[ObjectKind::Chan], "a channel"),
            },
            StmtKind::Range {
                chan,
                var,
                value,
                body,
                label,
            } => return self.range_stmt(chan, var.as_ref(), value.as_ref(), body, label.as_ref()),
            StmtKind::Select { cases, label } => {
                let (label, cases) = self.labelled(label.as_ref(), false, |w| w.select(cases));
                HKind::Select { cases, label }
            }
            StmtKind::Switch { tag, cases, label } => {
                return self.switch_stmt(tag.as_ref(), cases, label.as_ref(), span)
            }
            StmtKind::Lock { mutex } => HKind::Lock {
                mutex: obj(self, mutex, LOCKERS, "a Mutex or RWMutex"),
            },
            StmtKind::Unlock { mutex } => HKind::Unlock {
                mutex: obj(self, mutex, LOCKERS, "a Mutex or RWMutex"),
            },
            StmtKind::TryLock { mutex, into } => HKind::TryLock {
                mutex: obj(self, mutex, MUTEXES, "a Mutex or RWMutex"),
                dst: into.as_ref().map(|n| self.dst(n, Kind::Bool)),
            },
            StmtKind::RLock { mutex } => HKind::RLock {
                mutex: obj(self, mutex, &[ObjectKind::RwMutex], "an RWMutex"),
            },
            StmtKind::RUnlock { mutex } => HKind::RUnlock {
                mutex: obj(self, mutex, &[ObjectKind::RwMutex], "an RWMutex"),
            },
            StmtKind::Add { wg, delta } => HKind::WgAdd {
                wg: obj(self, wg, &[ObjectKind::WaitGroup], "a WaitGroup"),
                delta: self.int_expr(delta, "a delta"),
            },
            StmtKind::Done { wg } => HKind::WgAdd {
                wg: obj(self, wg, &[ObjectKind::WaitGroup], "a WaitGroup"),
                delta: RExpr::constant(Const::Int(-1), span),
            },
            StmtKind::Wait { target, into } => {
                let (e, k) = self.expr(target);
                if k == Kind::Obj(ObjectKind::Group) {
                    return Some(self.group_wait(e, into.as_ref(), span));
                }
                if let Some(n) = into {
                    self.error(
                        Diagnostic::new("only an errgroup.Group's `Wait` has a result", n.span)
                            .with_label("no result")
                            .with_help(format!(
                                "`Wait` of {} returns nothing: write `Wait(\"{}\")`",
                                k.describe(),
                                super::exprs::subject(target)
                            )),
                    );
                }
                HKind::Wait {
                    target: obj(
                        self,
                        target,
                        &[ObjectKind::WaitGroup, ObjectKind::Cond, ObjectKind::Group],
                        "a WaitGroup, Cond or errgroup.Group",
                    ),
                    cond: k == Kind::Obj(ObjectKind::Cond),
                }
            }
            StmtKind::Group { name } => return self.group_decl(name),
            StmtKind::GroupWithContext { group, ctx, parent } => {
                return self.group_with_context(group, ctx, parent.as_ref(), span)
            }
            StmtKind::GroupGo {
                group,
                func,
                args,
                body,
            } => {
                let g = obj(self, group, &[ObjectKind::Group], "an errgroup.Group");
                return self.group_go(g, func.as_ref(), args, body, span);
            }
            StmtKind::SetLimit { group, limit } => {
                let g = obj(self, group, &[ObjectKind::Group], "an errgroup.Group");
                return Some(self.group_set_limit(g, limit, span));
            }
            StmtKind::WithValue {
                ctx,
                parent,
                key,
                value,
            } => return self.with_value(ctx, parent, key, value),
            StmtKind::Signal { cond } => HKind::Signal {
                cond: obj(self, cond, &[ObjectKind::Cond], "a Cond"),
            },
            StmtKind::Broadcast { cond } => HKind::Broadcast {
                cond: obj(self, cond, &[ObjectKind::Cond], "a Cond"),
            },
            StmtKind::Do { once, body } => {
                let once = obj(self, once, &[ObjectKind::Once], "a Once");
                return self.do_stmt(once, body, span);
            }
            StmtKind::Cancel { cancel } => HKind::Cancel {
                cancel: obj(self, cancel, &[ObjectKind::CancelFunc], "a cancel function"),
            },
            StmtKind::AfterFunc {
                name,
                duration,
                func,
                args,
                body,
            } => {
                return self.after_func(
                    name.as_ref(),
                    duration.as_ref(),
                    func.as_ref(),
                    args,
                    body,
                    span,
                )
            }
            StmtKind::ContextAfterFunc {
                stop,
                ctx,
                func,
                args,
                body,
            } => {
                return self.context_after_func(stop.as_ref(), ctx, func.as_ref(), args, body, span)
            }
            StmtKind::Stop { timer, into } => HKind::Stop {
                timer: obj(
                    self,
                    timer,
                    &[ObjectKind::Timer, ObjectKind::StopFunc],
                    "a timer, ticker or context.AfterFunc stop function",
                ),
                dst: into.as_ref().map(|n| self.dst(n, Kind::Bool)),
            },
            StmtKind::Reset {
                timer,
                duration,
                into,
            } => HKind::Reset {
                timer: obj(self, timer, &[ObjectKind::Timer], "a timer or ticker"),
                duration: match duration {
                    Some(d) => self.int_expr(d, "a duration"),
                    None => RExpr::constant(Const::Int(1), span),
                },
                dst: into.as_ref().map(|n| self.dst(n, Kind::Bool)),
            },
            StmtKind::Sleep { duration } => HKind::Sleep {
                duration: duration.as_ref().map(|d| self.int_expr(d, "a duration")),
            },
            StmtKind::AtomicLoad { var, into } => {
                let var = self.var_handle(var, name);
                // The variable's value: an integer, or a boolean for an
                // `atomic.Bool` (a plain read of it is unknown too).
                HKind::AtomicLoad {
                    var,
                    dst: self.dst(into, Kind::Unknown),
                }
            }
            StmtKind::AtomicStore { var, value } => HKind::AtomicStore {
                var: self.var_handle(var, name),
                value: self.value_expr(value),
            },
            StmtKind::AtomicAdd { var, delta, into } => {
                let var = self.var_handle(var, name);
                let delta = self.int_expr(delta, "a delta");
                HKind::AtomicAdd {
                    var,
                    delta,
                    dst: into.as_ref().map(|n| self.dst(n, Kind::Int)),
                }
            }
            StmtKind::CompareAndSwap {
                var,
                old,
                new,
                into,
            } => {
                let var = self.var_handle(var, name);
                let old = self.value_expr(old);
                let new = self.value_expr(new);
                HKind::CompareAndSwap {
                    var,
                    old,
                    new,
                    dst: into.as_ref().map(|n| self.dst(n, Kind::Bool)),
                }
            }
            StmtKind::If { cond, then, els } => HKind::If {
                cond: self.bool_expr(cond),
                then: self.block(then),
                els: self.block(els),
            },
            StmtKind::For {
                var,
                from,
                to,
                body,
                label,
            } => {
                let from = match from {
                    Some(f) => self.int_expr(f, "a start value"),
                    None => RExpr::constant(Const::Int(0), span),
                };
                let to = self.int_expr(to, "a bound");
                let (label, (var, body)) = self.labelled(label.as_ref(), true, |w| {
                    w.in_loop(|w| {
                        let var = match var {
                            Some(v) => w.declare(v, Kind::Int),
                            None => w.hidden("$i", Kind::Int, span),
                        };
                        (var, w.block(body))
                    })
                });
                HKind::For {
                    var,
                    from,
                    to,
                    body,
                    label,
                }
            }
            StmtKind::While { cond, body, label } => {
                let cond = self.bool_expr(cond);
                let (label, body) =
                    self.labelled(label.as_ref(), true, |w| w.in_loop(|w| w.block(body)));
                HKind::While { cond, body, label }
            }
            StmtKind::Loop { body, label } => {
                let (label, body) =
                    self.labelled(label.as_ref(), true, |w| w.in_loop(|w| w.block(body)));
                HKind::Loop { body, label }
            }
            StmtKind::Break { .. } | StmtKind::Continue { .. } => return self.jump(&s.kind, span),
            StmtKind::Return { value, more } => {
                return self.return_stmt(value.as_ref(), more, span)
            }
            StmtKind::Choose { into, values } => {
                if values.is_empty() {
                    self.error(
                        Diagnostic::new("`Choose` needs at least one value", span)
                            .with_label("no values")
                            .with_help("list the values to try: `Choose(\"n\", [0, 1])`"),
                    );
                }
                let mut kind = Kind::Nil;
                let mut rvalues = Vec::new();
                for v in values {
                    let (e, k) = self.expr(v);
                    kind = kind.join(k).unwrap_or(Kind::Unknown);
                    rvalues.push(e);
                }
                HKind::Choose {
                    dst: self.dst(into, kind.value()),
                    values: rvalues,
                }
            }
            StmtKind::Either { branches } => {
                if branches.is_empty() {
                    self.error(
                        Diagnostic::new("`Either` needs at least one branch", span)
                            .with_label("no branches")
                            .with_help("list the blocks to try: `Either([[Return], []])`"),
                    );
                }
                HKind::Either {
                    branches: branches.iter().map(|b| self.block(b)).collect(),
                }
            }
            StmtKind::Go { func, args, body } => {
                return self.go_stmt(func.as_ref(), args, body, span)
            }
            StmtKind::Call {
                func,
                args,
                into,
                more,
            } => return self.call_stmt(func, args, into.as_ref(), more, span),
            StmtKind::Func {
                name,
                params,
                body,
                results,
                results_span,
            } => {
                let results = (results.as_slice(), results_span.unwrap_or(span));
                return self.func_lit(name, params, results, body, span);
            }
            StmtKind::Defer {
                body,
                direct_recover: _,
            } => return self.defer(body, span),
            StmtKind::Panic { message } => HKind::Panic {
                message: message.clone(),
            },
            StmtKind::Recover { into } => HKind::Recover {
                dst: into.as_ref().map(|n| self.dst(n, Kind::Bool)),
            },
            StmtKind::Assert { cond, message } => HKind::Assert {
                cond: self.bool_expr(cond),
                message: message.clone(),
            },
        })
    }

    /// Whether `src` names a `sync.Map` (its `Delete` is the method).
    fn is_sync_map(&mut self, src: &ExprSrc) -> bool {
        let before = self.errs.len();
        let (_, k) = self.expr(src);
        self.errs.truncate(before);
        k == Kind::Obj(ObjectKind::SyncMap)
    }

    /// A map key: a value, as in `m[k]`.
    fn map_key(&mut self, src: &ExprSrc) -> RExpr {
        let (e, k) = self.expr(src);
        if matches!(k, Kind::Obj(_) | Kind::Pointer) {
            self.kind_error(
                "a map key must be a value".into(),
                super::exprs::subject(src),
                k,
                e.span,
                Some("a map's keys are integers or booleans, as in `m[k]`".into()),
            );
        }
        e
    }

    /// A value stored in a shared variable: not an object.
    fn value_expr(&mut self, src: &ExprSrc) -> RExpr {
        let (e, k) = self.expr(src);
        if matches!(k, Kind::Obj(_) | Kind::Pointer) {
            self.error(
                Diagnostic::new(
                    format!("a shared variable holds a value, not {}", k.describe()),
                    e.span,
                )
                .with_label("not an integer or boolean"),
            );
        }
        e
    }

    /// The kind of a local declared with Go type `t` and a value of kind
    /// `k` (a value of unknown type takes the declared one).
    fn typed_local(&mut self, t: &crate::syntax::TypeSrc, k: Kind, at: Span) -> Kind {
        let Some((slot, _)) = self.go_type(t) else {
            return k.of_local();
        };
        if slot.inline {
            self.error(
                Diagnostic::new(
                    format!("a local holds a value or a reference, not `{}`", t.text),
                    t.span,
                )
                .with_label("held by value")
                .with_help(
                    "use a pointer type (`*T`): records and sync objects are shared by reference",
                ),
            );
            return Kind::Unknown;
        }
        if !slot.kind.compatible(k) {
            self.error(
                Diagnostic::new(
                    format!(
                        "the value is {}, but the type `{}` holds {}",
                        k.value().describe(),
                        t.text,
                        slot.kind.describe()
                    ),
                    at,
                )
                .with_label("wrong kind"),
            );
        }
        slot.kind.of_local()
    }

    /// A store of a value of kind `k` into a cell holding `held`.
    pub(crate) fn check_cell_store(&mut self, held: Kind, k: Kind, target: &ExprSrc, at: Span) {
        if !cell_accepts(held, k) {
            let what = match held {
                Kind::Int | Kind::Bool | Kind::Var => "values (integers and booleans)".to_string(),
                _ => plain_kind(held),
            };
            let named = matches!(target, ExprSrc::Text { text, .. } if crate::decode::is_identifier(text.trim()));
            let mut d = Diagnostic::new(
                format!(
                    "cannot store {} in {}, which holds {what}",
                    k.value().describe(),
                    super::exprs::subject(target)
                ),
                at,
            )
            .with_label("wrong kind");
            if named {
                d = d.with_help(
                    "give the variable a type that holds it: `Var(name: \"x\", type: \"chan int\")`",
                );
            }
            self.error(d);
        }
    }

    fn set(&mut self, target: &ExprSrc, value: &ExprSrc) -> Option<HKind> {
        let t = self.target(target);
        let (v, k) = self.expr(value);
        self.assign_to(t, target, v, k)
    }

    /// `Append(xs, v)`: `xs = append(xs, v)` (`[a, b]`: several values;
    /// `"ys..."`: the elements of `ys`). The new slice is made in a hidden
    /// local, then assigned as `Set` would.
    fn append(&mut self, target: &ExprSrc, values: &[ExprSrc], span: Span) -> Option<HKind> {
        let errors_before = self.errs.len();
        let (from, k) = self.expr(target);
        // (A target already reported, an unknown name, says nothing more
        // by having elements of unknown type.)
        let target_reported = self.errs.len() > errors_before;
        let mut elem_type = ElemType {
            zero: Const::Nil,
            record: None,
            layout: None,
        };
        // Records of value fields held in place are copied field by field.
        let flat_record = match k {
            Kind::Slice(i) => match self.cells.get(i) {
                super::types::Slot {
                    kind: Kind::Record(id),
                    inline: true,
                    ..
                } => {
                    let rec = &self.records[id.index()];
                    // (A record without fields has nothing to copy, and
                    // its values could not say how many were appended.)
                    rec.layout()
                        .filter(|_| !rec.fields.is_empty())
                        .map(|l| (id, l))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((id, layout)) = flat_record {
            elem_type = ElemType {
                zero: Const::Nil,
                record: Some(id),
                layout: Some(layout),
            };
        } else if let Kind::Slice(i) = k {
            let elem = self.cells.get(i);
            elem_type = ElemType {
                zero: elem.kind.zero(),
                record: None,
                layout: elem.layout,
            };
            if elem.inline {
                self.error(
                    Diagnostic::new(
                        format!(
                            "`append` copies the elements, and these are {} held by value",
                            elem.kind.describe()
                        ),
                        from.span,
                    )
                    .with_label("elements held by value")
                    .with_note("weft copies records whose fields are all values; go vet's copylocks check flags copies of sync objects")
                    .with_help("hold the elements by pointer: a slice of `*sync.Mutex` or `*T`"),
                );
            }
        } else if !matches!(k, Kind::Unknown | Kind::Nil) {
            self.error(
                Diagnostic::new(
                    format!("`append` needs a slice, found {}", k.describe()),
                    from.span,
                )
                .with_label("not a slice")
                .with_help("make one with `Slice(\"xs\", \"int\", 0)`, or declare `Var(name: \"xs\", type: \"[]int\")`"),
            );
        }
        let unknown = match k {
            Kind::Slice(i) => {
                let elem = self.cells.get(i);
                elem.layout.is_none() && !elem.inline
            }
            _ if flat_record.is_some() => false,
            Kind::Unknown | Kind::Nil => !target_reported,
            _ => false,
        };
        if unknown {
            self.error(
                Diagnostic::new(
                    "weft cannot tell what this slice's elements are".to_string(),
                    from.span,
                )
                .with_label("elements of unknown type")
                .with_note("how much room `append` leaves past a grown slice depends on the element type, as in Go")
                .with_help("give the slice a type: `Let(name: \"xs\", value: ..., type: \"[]int\")`, or `Var(name: \"xs\", type: \"[]int\")`"),
            );
        }
        let (values, spread, prelude) = match flat_record {
            Some((id, _)) => self.appended_records(values, k, id),
            None => {
                let (values, spread) = self.appended(values, k);
                (values, spread, Vec::new())
            }
        };
        let kind = match k {
            Kind::Slice(_) => k,
            _ => Kind::Unknown,
        };
        // Named after the target, so that reports name the cells a growth
        // makes by it (`prefix[3]`).
        let named = match target {
            ExprSrc::Text { text, .. } => format!("$append:{}", text.trim()),
            ExprSrc::Int(..) | ExprSrc::Bool(..) => "$append".to_string(),
        };
        let tmp = self.hidden(&named, kind, span);
        let t = self.target(target);
        let assign = self.assign_to(
            t,
            target,
            RExpr {
                kind: super::hir::RKind::Local(tmp),
                span,
            },
            kind,
        )?;
        let mut seq = prelude;
        seq.push(HStmt {
            kind: HKind::Append {
                dst: tmp,
                from,
                values,
                spread,
                elem: elem_type,
            },
            span,
        });
        seq.push(HStmt { kind: assign, span });
        Some(HKind::Seq(seq))
    }

    /// The values an `Append` to a slice of records `id` held in place
    /// appends: each record's field values, read in order after the record
    /// is taken into a hidden local (the statements returned first), or
    /// one slice of such records (`"ys..."`).
    fn appended_records(
        &mut self,
        values: &[ExprSrc],
        slice: Kind,
        id: RecordId,
    ) -> (Vec<RExpr>, bool, Vec<HStmt>) {
        let (records, spread) = self.appended(values, slice);
        if spread {
            return (records, true, Vec::new());
        }
        let fields = self.records[id.index()].fields.len() as u32;
        let (mut out, mut prelude) = (Vec::new(), Vec::new());
        for r in records {
            let span = r.span;
            let held = self.hidden("$appended", Kind::Record(id), span);
            prelude.push(HStmt {
                kind: HKind::Assign {
                    dst: held,
                    value: r,
                },
                span,
            });
            for f in 0..fields {
                let cell = RExpr {
                    kind: RKind::Field(
                        Box::new(RExpr {
                            kind: RKind::Local(held),
                            span,
                        }),
                        f,
                    ),
                    span,
                };
                out.push(RExpr {
                    kind: RKind::Load(Box::new(RPlace::Var(cell))),
                    span,
                });
            }
        }
        (out, false, prelude)
    }

    /// The values an `Append` to a slice of kind `slice` appends, and
    /// whether they are the elements of one slice (`"ys..."`, which must
    /// be the only value, a slice of the same type).
    fn appended(&mut self, values: &[ExprSrc], slice: Kind) -> (Vec<RExpr>, bool) {
        let spread_of = |v: &ExprSrc| match v {
            ExprSrc::Text { text, span, exact } => {
                text.trim_end()
                    .strip_suffix("...")
                    .map(|inner| ExprSrc::Text {
                        text: inner.to_string(),
                        span: *span,
                        exact: *exact,
                    })
            }
            ExprSrc::Int(..) | ExprSrc::Bool(..) => None,
        };
        if let [only] = values {
            if let Some(inner) = spread_of(only) {
                let (e, k) = self.expr(&inner);
                let fits = match (k, slice) {
                    (Kind::Slice(a), Kind::Slice(b)) => a == b,
                    (Kind::Slice(_) | Kind::Unknown | Kind::Nil, _) => true,
                    _ => false,
                };
                if !fits {
                    let found = match k {
                        Kind::Slice(_) => "a slice of other elements",
                        _ => k.describe(),
                    };
                    let d = Diagnostic::new(
                        format!("`...` spreads a slice of the same type, found {found}"),
                        inner.span(),
                    )
                    .with_label("not a slice of these elements");
                    self.error(if k == Kind::Str {
                        d.with_note("weft's strings are values, not bytes: `append(b, s...)` of a string is not modelled")
                    } else {
                        d
                    });
                }
                return (vec![e], true);
            }
        }
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            if spread_of(v).is_some() {
                self.error(
                    Diagnostic::new("`...` spreads the only value appended", v.span())
                        .with_label("with other values")
                        .with_help("append the slice on its own: `Append(\"xs\", \"ys...\")`"),
                );
                continue;
            }
            let (e, k) = self.expr(v);
            if let Kind::Slice(i) = slice {
                let elem = self.cells.get(i);
                let record = matches!(elem.kind, Kind::Record(_));
                let wrong = !elem.kind.compatible(k) || (record && k.value() == Kind::Nil);
                if (!elem.inline || record) && wrong {
                    self.error(
                        Diagnostic::new(
                            format!(
                                "cannot append {}: this slice's element is {}",
                                k.value().describe(),
                                elem.kind.describe()
                            ),
                            e.span,
                        )
                        .with_label("not an element of this slice"),
                    );
                }
            }
            out.push(e);
        }
        (out, false)
    }

    /// Assigns `v` (of kind `k`) to the resolved left side `t` of a `Set`.
    fn assign_to(&mut self, t: Target, target: &ExprSrc, v: RExpr, k: Kind) -> Option<HKind> {
        match t {
            Target::Local(dst, lk) => {
                if !lk.compatible(k) {
                    self.error(
                        Diagnostic::new(
                            format!(
                                "cannot assign {} to {}, which is {}",
                                k.value().describe(),
                                super::exprs::subject(target),
                                lk.describe()
                            ),
                            v.span,
                        )
                        .with_label("wrong kind"),
                    );
                }
                self.assigned(dst, target.span());
                Some(HKind::Assign { dst, value: v })
            }
            Target::Cell(handle, held) => {
                self.check_cell_store(held, k, target, v.span);
                Some(HKind::Store {
                    place: RPlace::Var(handle),
                    value: v,
                })
            }
            Target::Entry(place, held) => {
                if !cell_accepts(held, k) {
                    self.error(
                        Diagnostic::new(
                            format!(
                                "cannot store {} in {}: the map holds {}",
                                k.value().describe(),
                                super::exprs::subject(target),
                                match held {
                                    Kind::Int | Kind::Bool | Kind::Var =>
                                        "values (integers and booleans)".to_string(),
                                    _ => plain_kind(held),
                                }
                            ),
                            v.span,
                        )
                        .with_label("wrong kind")
                        .with_help(
                            "give the map the type of its values: `Map(name: \"m\", elem: \"chan int\")`, \
                             or a field or `Var` of type `map[K]V`",
                        ),
                    );
                }
                Some(HKind::Store { place, value: v })
            }
            Target::Place(place) => {
                if matches!(place, RPlace::Var(_)) && matches!(k, Kind::Obj(_) | Kind::Pointer) {
                    self.error(
                        Diagnostic::new(
                            format!("a shared variable holds a value, not {}", k.describe()),
                            v.span,
                        )
                        .with_label("not an integer or boolean"),
                    );
                }
                Some(HKind::Store { place, value: v })
            }
            Target::Bad => None,
        }
    }

    fn select(&mut self, cases: &[SelectCase]) -> Vec<HCase> {
        let mut out = Vec::with_capacity(cases.len());
        let mut default: Option<Span> = None;
        for c in cases {
            let kind = match &c.kind {
                CaseKind::Send { chan, value } => HCaseKind::Send {
                    chan: self.object(chan, "Send", &[ObjectKind::Chan], "a channel"),
                    value: match value {
                        Some(v) => self.expr(v).0,
                        None => RExpr::constant(Const::Int(0), c.span),
                    },
                },
                CaseKind::Recv { chan, .. } => HCaseKind::Recv {
                    chan: self.object(chan, "Recv", &[ObjectKind::Chan], "a channel"),
                    dst: None,
                    ok: None,
                },
                CaseKind::After { duration } => HCaseKind::After {
                    duration: match duration {
                        Some(d) => self.int_expr(d, "a duration"),
                        None => RExpr::constant(Const::Int(1), c.span),
                    },
                },
                CaseKind::Default => {
                    if let Some(first) = default {
                        self.error(
                            Diagnostic::new("`Select` has more than one `Default`", c.span)
                                .with_label("second default")
                                .with_secondary(first, "first default")
                                .with_help("merge the two bodies into one `Default`"),
                        );
                    }
                    default = Some(c.span);
                    HCaseKind::Default
                }
            };
            out.push(HCase {
                kind,
                body: Vec::new(),
                span: c.span,
            });
        }
        // Bodies after every operand: Go evaluates all cases first.
        for (c, h) in cases.iter().zip(out.iter_mut()) {
            if let Some(ctx) = self.ctx() {
                ctx.breakables += 1;
                ctx.push_scope();
            }
            if let (CaseKind::Recv { into, ok, chan }, HCaseKind::Recv { dst, ok: hok, .. }) =
                (&c.kind, &mut h.kind)
            {
                let elem = self.chan_elem(chan);
                *dst = into.as_ref().map(|n| self.dst(n, elem));
                *hok = ok.as_ref().map(|n| self.dst(n, Kind::Bool));
            }
            h.body = self.block(&c.body);
            if let Some(ctx) = self.ctx() {
                ctx.breakables -= 1;
                ctx.pop_scope();
            }
        }
        out
    }

    fn return_stmt(
        &mut self,
        value: Option<&ExprSrc>,
        more: &[ExprSrc],
        span: Span,
    ) -> Option<HKind> {
        let value = value.map(|v| self.expr(v));
        let more: Vec<(RExpr, Kind)> = more.iter().map(|v| self.expr(v)).collect();
        let named = self
            .stack
            .last()
            .filter(|c| c.kind == FnKind::Named && c.defer_mark.is_none())
            .and_then(|c| c.id.index().checked_sub(1));
        let declared = self
            .stack
            .last()
            .filter(|c| c.defer_mark.is_none())
            .map(|c| (c.named_results.clone(), c.results_span))
            .filter(|(r, _)| !r.is_empty());
        if let (Some((results, decl)), Some(v)) = (&declared, &value) {
            self.named_return(results, *decl, v, &more, span);
        } else if let (Some(i), Some(_)) = (named, &value) {
            // What a named function returns: joined over its `Return`s,
            // position by position; how many values, the same at each.
            let kinds = value.iter().chain(&more).map(|(e, k)| (k.value(), e.span));
            for (pos, (k, at)) in kinds.enumerate() {
                self.join_result(i, pos, k, at);
            }
            self.result_count(i, 1 + more.len(), span);
        }
        let value = value.map(|(v, _)| v);
        if let Some(v) = &value {
            let (kind, in_defer) = match self.stack.last() {
                Some(c) => (c.kind, c.defer_mark.is_some()),
                None => (FnKind::Main, false),
            };
            let why = if in_defer {
                Some("a deferred body cannot return a value")
            } else {
                match kind {
                    FnKind::Main => Some("`main` cannot return a value"),
                    FnKind::DoBody => Some("a `Do` body cannot return a value"),
                    _ => None,
                }
            };
            if let Some(why) = why {
                self.error(
                    Diagnostic::new(why, v.span)
                        .with_label("returned value")
                        .with_help("write `Return` without a value"),
                );
            } else if let (None, Some((m, _))) = (named, more.first()) {
                self.error(
                    Diagnostic::new("only a function of `funcs` returns several values", m.span)
                        .with_label("a second value")
                        .with_help(
                            "define the function in `funcs` and `Call` it with `into: [...]`",
                        ),
                );
            }
        }
        Some(HKind::Return {
            value,
            more: more.into_iter().map(|(v, _)| v).collect(),
        })
    }

    /// A `Return` with values in a function whose results are named: as
    /// many values as results, each of its result's kind.
    fn named_return(
        &mut self,
        results: &[(super::hir::Slot, Kind)],
        decl: Option<Span>,
        value: &(RExpr, Kind),
        more: &[(RExpr, Kind)],
        span: Span,
    ) {
        let given = 1 + more.len();
        if given != results.len() {
            let mut d = Diagnostic::new(
                format!(
                    "this `Return` gives {} where the function has {} named result{}",
                    super::values(given),
                    results.len(),
                    if results.len() == 1 { "" } else { "s" }
                ),
                span,
            )
            .with_label(format!("{} returned", super::values(given)))
            .with_help("return a value for every result, or write `Return` alone to return the named results as they are");
            if let Some(at) = decl {
                d = d.with_secondary(at, "the results");
            }
            self.error(d);
            return;
        }
        for ((slot, kind), (e, k)) in results.iter().zip(std::iter::once(value).chain(more)) {
            if !kind.compatible(*k) {
                let name = self
                    .stack
                    .last()
                    .and_then(|c| c.slot(*slot))
                    .map_or(String::new(), |i| i.name.clone());
                self.error(
                    Diagnostic::new(
                        format!(
                            "the value is {}, but result `{name}` holds {}",
                            k.value().describe(),
                            kind.describe()
                        ),
                        e.span,
                    )
                    .with_label("wrong kind"),
                );
            }
        }
    }

    fn defer(&mut self, body: &[Stmt], span: Span) -> Option<HKind> {
        let c = self.stack.last_mut()?;
        if c.defer_mark.is_some() {
            self.error(
                Diagnostic::new("`Defer` inside a deferred body is not supported", span)
                    .with_label("nested defer")
                    .with_help("defer it from the function itself, before the outer `Defer` (deferred calls run last first)"),
            );
            return None;
        }
        let saved = (c.loops, c.breakables, c.boundary);
        let saved_labels = std::mem::take(&mut c.labels);
        if c.breakables > 0 || !saved_labels.is_empty() {
            c.boundary = Some("a deferred body");
        }
        c.loops = 0;
        c.breakables = 0;
        c.defer_mark = Some(u32::try_from(c.slots.len()).unwrap_or(u32::MAX));
        let body = self.block(body);
        if let Some(c) = self.stack.last_mut() {
            (c.loops, c.breakables, c.boundary) = saved;
            c.labels = saved_labels;
            c.defer_mark = None;
        }
        Some(HKind::Defer { body })
    }
}

/// "channels", "records", ... for messages.
/// Whether a cell or map entry holding `held` may store a value of kind `k`.
fn cell_accepts(held: Kind, k: Kind) -> bool {
    match held {
        // Integer and boolean variables hold values, not references.
        Kind::Int | Kind::Bool | Kind::Var => !k.is_reference(),
        Kind::Unknown | Kind::Nil => true,
        _ => held.compatible(k),
    }
}

fn plain_kind(k: Kind) -> String {
    format!("{}s", super::scope::plain(k))
}
