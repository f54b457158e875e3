//! Expressions: visible reads are extracted, left to right, into
//! temporaries by instructions emitted before their use; `&&` and `||`
//! whose right side reads shared state short-circuit with jumps.

use super::{Field, FnLower};
use crate::ir::{BinOp, Expr, LocalId, NewObject, Op, Place, UnOp};
use crate::validate::hir::{HDst, RExpr, RKind, RPlace};

/// A result that goes to a shared variable: stored after the operation.
pub(super) struct PendingStore {
    handle: Expr,
    from: LocalId,
}

impl FnLower<'_> {
    /// Emits the reads of `e` and returns the pure rest.
    pub(super) fn pure(&mut self, e: &RExpr) -> Expr {
        let b = |w: &mut Self, x: &RExpr| Box::new(w.pure(x));
        match &e.kind {
            RKind::Const(c) => Expr::Const(*c),
            RKind::Local(s) => Expr::Local(self.local(*s)),
            RKind::Global(g) => Expr::Global(*g),
            RKind::Unary(op, x) => Expr::Unary(*op, b(self, x)),
            RKind::Binary(op @ (BinOp::And | BinOp::Or), l, r) if r.has_read() => {
                self.short_circuit(*op, l, r)
            }
            RKind::Binary(op, l, r) => {
                let l = b(self, l);
                let r = b(self, r);
                Expr::Binary(*op, l, r)
            }
            RKind::DoneOf(x) => Expr::DoneOf(b(self, x)),
            RKind::ChanOf(x) => Expr::ChanOf(b(self, x)),
            RKind::Cap(x) => Expr::Cap(b(self, x)),
            RKind::GroupPart(x, p) => Expr::GroupPart(b(self, x), *p),
            RKind::CondLocker(x) => Expr::CondLocker(b(self, x)),
            RKind::RLocker(x) => Expr::RLocker(b(self, x)),
            RKind::Field(x, i) => Expr::Field(b(self, x), *i),
            RKind::Elem(x, i) => {
                let x = b(self, x);
                Expr::Elem(x, b(self, i))
            }
            RKind::SliceLen(x) => Expr::SliceLen(b(self, x)),
            RKind::Func(f) => Expr::Func(*f),
            RKind::Load(place) => {
                let place = self.place(place);
                let dst = self.temp();
                self.emit_at(
                    Op::Load {
                        place,
                        dst,
                        ok: None,
                    },
                    e.span,
                );
                Expr::Local(dst)
            }
            RKind::Len(x) => {
                let target = self.pure(x);
                let dst = self.temp();
                self.emit_at(Op::Len { target, dst }, e.span);
                Expr::Local(dst)
            }
            RKind::SlicePart(x, low, high) => {
                let of = self.pure(x);
                let low = low.as_deref().map(|b| self.pure(b));
                let high = high.as_deref().map(|b| self.pure(b));
                let dst = self.temp();
                self.emit_at(
                    Op::New {
                        dst,
                        object: NewObject::SlicePart { of, low, high },
                    },
                    e.span,
                );
                Expr::Local(dst)
            }
            RKind::CtxErr(x) => {
                let ctx = self.pure(x);
                let dst = self.temp();
                self.emit_at(Op::CtxErr { ctx, dst }, e.span);
                Expr::Local(dst)
            }
        }
    }

    /// `l && r` / `l || r` where `r` reads shared state: `r`'s reads only
    /// happen when `l` does not decide.
    fn short_circuit(&mut self, op: BinOp, l: &RExpr, r: &RExpr) -> Expr {
        let lv = self.pure(l);
        let t = self.temp();
        self.emit(Op::Assign { dst: t, value: lv });
        let done = self.label();
        let cond = if op == BinOp::And {
            Expr::Local(t)
        } else {
            Expr::Unary(UnOp::Not, Box::new(Expr::Local(t)))
        };
        self.emit_to(
            Op::JumpIfNot {
                cond,
                target: crate::ir::Pc(0),
            },
            Field::Target,
            done,
        );
        let rv = self.pure(r);
        self.emit(Op::Assign { dst: t, value: rv });
        self.bind(done);
        Expr::Local(t)
    }

    /// A shared location with its operands made pure.
    pub(super) fn place(&mut self, p: &RPlace) -> Place {
        match p {
            RPlace::Var(h) => Place::Var(self.pure(h)),
            RPlace::MapEntry { map, key, nil_read } => {
                let map = self.pure(map);
                let key = self.pure(key);
                Place::MapEntry {
                    map,
                    key,
                    nil_read: *nil_read,
                }
            }
        }
    }

    /// Where a result goes: a local, or a temporary stored afterwards.
    pub(super) fn dst(&mut self, d: Option<&HDst>) -> (Option<LocalId>, Option<PendingStore>) {
        match d {
            None => (None, None),
            Some(HDst::Local(s)) => (Some(self.local(*s)), None),
            Some(HDst::Var(h)) => {
                let handle = self.pure(h);
                let from = self.temp();
                (Some(from), Some(PendingStore { handle, from }))
            }
        }
    }

    /// Like [`FnLower::dst`] for a result that always has a destination.
    pub(super) fn dst_req(&mut self, d: &HDst) -> (LocalId, Option<PendingStore>) {
        let (l, p) = self.dst(Some(d));
        (l.unwrap_or(LocalId(0)), p)
    }

    /// Emits the stores of results that go to shared variables.
    pub(super) fn stores(&mut self, pending: impl IntoIterator<Item = Option<PendingStore>>) {
        for p in pending.into_iter().flatten() {
            self.emit(Op::Store {
                place: Place::Var(p.handle),
                value: Expr::Local(p.from),
            });
        }
    }
}
