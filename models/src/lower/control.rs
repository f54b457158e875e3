//! Lowering `Switch`, `Range` over an integer and `Range` over a map.

use super::{int, Breakable, FnLower};
use crate::ir::{BinOp, Const, Expr, Op};
use crate::validate::hir::{HStmt, RExpr, Slot};

impl<'h> FnLower<'h> {
    /// `switch`: the tag into its slot, then each case's test in order
    /// (values left to right, the first match wins, as in Go); `default`
    /// when none matches. `Break` leaves the switch.
    pub(super) fn switch(
        &mut self,
        tag: Option<&(Slot, RExpr)>,
        cases: &'h [(RExpr, Vec<HStmt>)],
        default: Option<&'h [HStmt]>,
        label: Option<&'h str>,
    ) {
        if let Some((slot, e)) = tag {
            let value = self.pure(e);
            let dst = self.local(*slot);
            self.emit(Op::Assign { dst, value });
        }
        let end = self.label();
        for (cond, body) in cases {
            let next = self.label();
            let cond = self.pure(cond);
            self.jump_if_not(cond, next);
            self.case_body(body, end, label);
            self.jump(end);
            self.bind(next);
        }
        if let Some(body) = default {
            self.case_body(body, end, label);
        }
        self.bind(end);
    }

    fn case_body(&mut self, body: &'h [HStmt], end: super::Label, label: Option<&'h str>) {
        self.breakables.push(Breakable {
            brk: end,
            cont: None,
            label,
        });
        self.block(body);
        self.breakables.pop();
    }

    /// `for i := range n`: `n` is evaluated once.
    pub(super) fn range_int(
        &mut self,
        count: Slot,
        n: &RExpr,
        var: Slot,
        body: &'h [HStmt],
        label: Option<&'h str>,
    ) {
        let value = self.pure(n);
        let count = self.local(count);
        self.emit(Op::Assign { dst: count, value });
        let v = self.local(var);
        self.emit(Op::Assign {
            dst: v,
            value: int(0),
        });
        let (top, next, end) = (self.label(), self.label(), self.label());
        self.bind(top);
        let cond = Expr::Binary(
            BinOp::Lt,
            Box::new(Expr::Local(v)),
            Box::new(Expr::Local(count)),
        );
        self.jump_if_not(cond, end);
        self.loop_body(body, end, Some(next), label);
        self.bind(next);
        let inc = Expr::Binary(BinOp::Add, Box::new(Expr::Local(v)), Box::new(int(1)));
        self.emit(Op::Assign { dst: v, value: inc });
        self.jump(top);
        self.bind(end);
    }

    /// `for k, v := range m`: one [`Op::MapNext`] per iteration.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn range_map(
        &mut self,
        sync: bool,
        map: &RExpr,
        seen: Slot,
        key: Option<Slot>,
        value: Option<Slot>,
        body: &'h [HStmt],
        label: Option<&'h str>,
    ) {
        let map = self.pure(map);
        let seen = self.local(seen);
        self.emit(Op::Assign {
            dst: seen,
            value: Expr::Const(Const::Nil),
        });
        let more = self.temp();
        let key = key.map(|k| self.local(k));
        let value = value.map(|v| self.local(v));
        let (top, end) = (self.label(), self.label());
        self.bind(top);
        self.emit(Op::MapNext {
            map,
            seen,
            key,
            value,
            more,
            sync,
        });
        self.jump_if_not(Expr::Local(more), end);
        self.loop_body(body, end, Some(top), label);
        self.jump(top);
        self.bind(end);
    }
}
