//! Checking control flow beyond plain loops: labels with `Break` and
//! `Continue`, `Range` over a channel, a map or an integer, and `Switch`.

use super::exprs::subject;
use super::hir::{HKind, HStmt, RExpr, RKind};
use super::kinds::Kind;
use super::scope::ActiveLabel;
use super::Walker;
use crate::diagnostic::{closest, Diagnostic};
use crate::ir::{BinOp, ObjectKind};
use crate::span::Span;
use crate::syntax::{ExprSrc, Name, StmtKind, SwitchCase};

impl Walker<'_> {
    /// Checks the statement `f` builds with `label` (if any) naming it:
    /// the label must be new in the function, and used by a `Break` or
    /// `Continue` inside (Go rejects an unused label).
    pub(crate) fn labelled<T>(
        &mut self,
        label: Option<&Name>,
        is_loop: bool,
        f: impl FnOnce(&mut Self) -> T,
    ) -> (Option<String>, T) {
        let Some(label) = label else {
            return (None, f(self));
        };
        let mut dup = None;
        if let Some(c) = self.ctx() {
            dup = c
                .label_defs
                .iter()
                .find(|(n, _)| *n == label.text)
                .map(|&(_, s)| s);
            c.label_defs.push((label.text.clone(), label.span));
            c.labels.push(ActiveLabel {
                name: label.text.clone(),
                span: label.span,
                is_loop,
                used: false,
            });
        }
        if let Some(first) = dup {
            self.error(
                Diagnostic::new(
                    format!("label `{}` is defined twice", label.text),
                    label.span,
                )
                .with_label("defined again here")
                .with_secondary(first, "first defined here")
                .with_help("labels name one statement each in a function: rename one of them"),
            );
        }
        let out = f(self);
        let used = self
            .ctx()
            .and_then(|c| c.labels.pop())
            .is_none_or(|l| l.used);
        if !used {
            self.error(
                Diagnostic::new(format!("label `{}` is defined and not used", label.text), label.span)
                    .with_label("no `Break` or `Continue` names it")
                    .with_help(format!(
                        "use it (`Break(\"{0}\")` leaves the statement, `Continue(\"{0}\")` starts the loop's next iteration) or remove `label: \"{0}\"`",
                        label.text
                    )),
            );
        }
        (Some(label.text.clone()), out)
    }

    /// `Break` / `Continue`, with or without a label.
    pub(crate) fn jump(&mut self, kind: &StmtKind, span: Span) -> Option<HKind> {
        let (brk, label) = match kind {
            StmtKind::Break { label } => (true, label.as_ref()),
            StmtKind::Continue { label } => (false, label.as_ref()),
            _ => return None,
        };
        let word = if brk { "Break" } else { "Continue" };
        if let Some(label) = label {
            return self.labelled_jump(brk, word, label);
        }
        let (ok, boundary) = match self.stack.last() {
            Some(c) if brk => (c.breakables > 0, c.boundary),
            Some(c) => (c.loops > 0, c.boundary),
            None => (false, None),
        };
        if ok {
            return Some(if brk {
                HKind::Break { label: None }
            } else {
                HKind::Continue { label: None }
            });
        }
        let place = if brk {
            "a loop, select or switch"
        } else {
            "a loop"
        };
        let mut d = Diagnostic::new(format!("`{word}` outside {place}"), span)
            .with_label(format!("not inside {place}"));
        if let Some(b) = boundary {
            d = d
                .with_note(format!(
                    "{b} is a separate function: it cannot leave a loop around it"
                ))
                .with_help("leave the body with `Return`, or set a flag the loop tests");
        } else if brk {
            d = d.with_help("to end the function here, write `Return`");
        }
        self.error(d);
        None
    }

    fn labelled_jump(&mut self, brk: bool, word: &str, label: &Name) -> Option<HKind> {
        let (found, defined, active, boundary) = match self.stack.last_mut() {
            Some(c) => {
                let found = c.labels.iter_mut().rev().find(|l| l.name == label.text);
                let found = found.map(|l| {
                    l.used = true;
                    (l.is_loop, l.span)
                });
                let defined = c.label_defs.iter().any(|(n, _)| *n == label.text);
                let active: Vec<String> = c.labels.iter().map(|l| l.name.clone()).collect();
                (found, defined, active, c.boundary)
            }
            None => (None, false, Vec::new(), None),
        };
        match found {
            Some((true, _)) | Some((false, _)) if brk => Some(HKind::Break {
                label: Some(label.text.clone()),
            }),
            Some((true, _)) => Some(HKind::Continue {
                label: Some(label.text.clone()),
            }),
            Some((false, at)) => {
                self.error(
                    Diagnostic::new(
                        format!("`Continue(\"{}\")` names a select or switch, not a loop", label.text),
                        label.span,
                    )
                    .with_label("not a loop")
                    .with_secondary(at, "the label is here")
                    .with_help("`Continue` can name only an enclosing loop (`For`, `While`, `Loop`, `Range`); `Break` can name a select or switch"),
                );
                None
            }
            None => {
                let mut d = Diagnostic::new(
                    format!(
                        "`{word}` names `{}`, which is not an enclosing statement",
                        label.text
                    ),
                    label.span,
                );
                d = if defined {
                    d.with_label("labels a statement this one is not inside")
                } else {
                    d.with_label("no such label")
                };
                d = match (closest(&label.text, active.iter().map(String::as_str)), active.is_empty()) {
                    (Some(s), _) => d.with_help(format!("did you mean `{s}`?")),
                    (None, true) => d.with_help(
                        "label the loop to leave: `Loop(label: \"outer\", body: [...])`, then `Break(\"outer\")`",
                    ),
                    (None, false) => d.with_note(format!(
                        "labels around this statement: {}",
                        active
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                if let Some(b) = boundary {
                    d = d.with_note(format!(
                        "{b} is a separate function: it cannot see the labels around it"
                    ));
                }
                self.error(d);
                None
            }
        }
    }

    /// `Range` over a channel, a map or an integer, by the kind of what is
    /// ranged over.
    pub(crate) fn range_stmt(
        &mut self,
        over: &ExprSrc,
        var: Option<&Name>,
        value: Option<&Name>,
        body: &[crate::syntax::Stmt],
        label: Option<&Name>,
    ) -> Option<HKind> {
        let (e, k) = self.expr(over);
        let span = over.span();
        if let Kind::Slice(c) = k {
            return self.range_slice(e, c, var, value, body, label, span);
        }
        let what = match k {
            Kind::Int | Kind::Var => RangeOver::Int,
            Kind::Obj(ObjectKind::Map | ObjectKind::SyncMap) | Kind::Map(_) => RangeOver::Map,
            Kind::Obj(ObjectKind::Chan) | Kind::Unknown | Kind::Nil => RangeOver::Chan,
            Kind::Bool
            | Kind::Str
            | Kind::Pointer
            | Kind::Obj(_)
            | Kind::Record(_)
            | Kind::Slice(_) => {
                self.kind_error(
                    "`Range` needs a channel, a map, a slice or an integer".into(),
                    subject(over),
                    k,
                    e.span,
                    Some("`Range(\"ch\", \"v\", [...])` is `for v := range ch`, `Range(\"m\", \"k\", \"v\", [...])` is `for k, v := range m`, `Range(\"n\", \"i\", [...])` is `for i := range n`".into()),
                );
                RangeOver::Chan
            }
        };
        if let (Some(v), RangeOver::Chan | RangeOver::Int) = (value, what) {
            let (one, go) = match what {
                RangeOver::Int => ("an integer", "for i := range n"),
                RangeOver::Chan | RangeOver::Map => ("a channel", "for v := range ch"),
            };
            self.error(
                Diagnostic::new(
                    format!(
                        "`value` is for ranging over a map, but {} is {one}",
                        subject(over)
                    ),
                    v.span,
                )
                .with_label("a second iteration variable")
                .with_help(format!("`{go}` has one variable: give it as `var`")),
            );
        }
        let elem = match (what, k) {
            (RangeOver::Chan, _) => self.chan_elem(over),
            (RangeOver::Map, Kind::Map(c)) => self.cells.get(c).kind,
            (RangeOver::Int | RangeOver::Map, _) => Kind::Unknown,
        };
        let (label, kind) = self.labelled(label, true, |w| match what {
            RangeOver::Chan => {
                let (var, body) = w.in_loop(|w| {
                    let var = var.map(|v| w.declare(v, elem.of_local()));
                    (var, w.block(body))
                });
                (e, var, body, None, None)
            }
            RangeOver::Int => {
                let count = w.hidden("$n", Kind::Int, span);
                let (var, body) = w.in_loop(|w| {
                    let var = match var {
                        Some(v) => w.declare(v, Kind::Int),
                        None => w.hidden("$i", Kind::Int, span),
                    };
                    (Some(var), w.block(body))
                });
                (e, var, body, Some(count), None)
            }
            RangeOver::Map => {
                let seen = w.hidden("$seen", Kind::Obj(ObjectKind::Map), span);
                let (vars, body) = w.in_loop(|w| {
                    let key = var.map(|v| w.declare(v, Kind::Unknown));
                    let value = value.map(|v| w.declare(v, elem.of_local()));
                    ((key, value), w.block(body))
                });
                (e, vars.0, body, Some(seen), Some(vars.1))
            }
        });
        let (e, var, body, extra, map_value) = kind;
        Some(match (what, extra) {
            (RangeOver::Int, Some(count)) => HKind::RangeInt {
                count,
                n: e,
                var: var.unwrap_or(count),
                body,
                label,
            },
            (RangeOver::Map, Some(seen)) => HKind::RangeMap {
                sync: k == Kind::Obj(ObjectKind::SyncMap),
                map: e,
                seen,
                key: var,
                value: map_value.flatten(),
                body,
                label,
            },
            (RangeOver::Chan | RangeOver::Int | RangeOver::Map, _) => HKind::Range {
                chan: e,
                var,
                body,
                label,
            },
        })
    }

    /// `for i, v := range xs`: the slice is evaluated once, then an integer
    /// range over its length whose body first reads element `i` into `v`.
    #[allow(clippy::too_many_arguments)]
    fn range_slice(
        &mut self,
        xs: RExpr,
        c: u32,
        var: Option<&Name>,
        value: Option<&Name>,
        body: &[crate::syntax::Stmt],
        label: Option<&Name>,
        span: Span,
    ) -> Option<HKind> {
        let slice = self.hidden("$s", Kind::Slice(c), span);
        let count = self.hidden("$n", Kind::Int, span);
        let elem = self.cells.get(c);
        let (label, (index, body)) = self.labelled(label, true, |w| {
            w.in_loop(|w| {
                let index = match var {
                    Some(v) => w.declare(v, Kind::Int),
                    None => w.hidden("$i", Kind::Int, span),
                };
                let read = value.map(|v| {
                    let at = |kind| RExpr { kind, span: v.span };
                    let handle = at(RKind::Elem(
                        Box::new(at(RKind::Local(slice))),
                        Box::new(at(RKind::Local(index))),
                    ));
                    let x = if elem.inline {
                        handle
                    } else {
                        at(RKind::Load(Box::new(super::hir::RPlace::Var(handle))))
                    };
                    let dst = w.declare(v, elem.kind.of_local());
                    HStmt {
                        kind: HKind::Assign { dst, value: x },
                        span: v.span,
                    }
                });
                let mut stmts: Vec<HStmt> = read.into_iter().collect();
                stmts.extend(w.block(body));
                (index, stmts)
            })
        });
        let n = RExpr {
            kind: RKind::SliceLen(Box::new(RExpr {
                kind: RKind::Local(slice),
                span,
            })),
            span,
        };
        let at = |kind| HStmt { kind, span };
        // A block of two statements: `If(true, [...])`.
        Some(HKind::If {
            cond: RExpr::constant(crate::ir::Const::Bool(true), span),
            then: vec![
                at(HKind::Assign {
                    dst: slice,
                    value: xs,
                }),
                at(HKind::RangeInt {
                    count,
                    n,
                    var: index,
                    body,
                    label,
                }),
            ],
            els: Vec::new(),
        })
    }

    /// `switch tag { cases }` or `switch { cases }`.
    pub(crate) fn switch_stmt(
        &mut self,
        tag: Option<&ExprSrc>,
        cases: &[SwitchCase],
        label: Option<&Name>,
        span: Span,
    ) -> Option<HKind> {
        let tag = tag.map(|t| {
            let (e, k) = self.expr(t);
            let slot = self.hidden("$tag", k.value(), t.span());
            (slot, e, k, subject(t))
        });
        let mut conds = Vec::with_capacity(cases.len());
        let mut default: Option<(Span, usize)> = None;
        for (i, c) in cases.iter().enumerate() {
            if c.default {
                if let Some((first, _)) = default {
                    self.error(
                        Diagnostic::new("`Switch` has more than one `Default`", c.span)
                            .with_label("second default")
                            .with_secondary(first, "first default")
                            .with_help("merge the two bodies into one `Default`"),
                    );
                } else {
                    default = Some((c.span, i));
                }
                continue;
            }
            if c.values.is_empty() {
                self.error(
                    Diagnostic::new("`Case` needs at least one value", c.span)
                        .with_label("no values")
                        .with_help(
                            "write `Case([1, 2], [...])` for `case 1, 2:`, or `Default([...])`",
                        ),
                );
            }
            let mut cond: Option<RExpr> = None;
            for v in &c.values {
                let test = match &tag {
                    Some((slot, _, tk, tsub)) => {
                        let (e, k) = self.expr(v);
                        if tk.join(k).is_none() {
                            self.error(
                                Diagnostic::new(
                                    format!(
                                        "case value {} is {}, but the switch tag {tsub} is {}",
                                        subject(v),
                                        k.describe(),
                                        tk.describe()
                                    ),
                                    e.span,
                                )
                                .with_label(k.describe())
                                .with_help("a case value must have the tag's type"),
                            );
                        }
                        let at = e.span;
                        RExpr {
                            kind: RKind::Binary(
                                BinOp::Eq,
                                Box::new(RExpr {
                                    kind: RKind::Local(*slot),
                                    span: at,
                                }),
                                Box::new(e),
                            ),
                            span: at,
                        }
                    }
                    None => self.bool_expr(v),
                };
                cond = Some(match cond {
                    None => test,
                    Some(prev) => {
                        let at = prev.span.join(test.span);
                        RExpr {
                            kind: RKind::Binary(BinOp::Or, Box::new(prev), Box::new(test)),
                            span: at,
                        }
                    }
                });
            }
            conds.push((
                i,
                cond.unwrap_or_else(|| RExpr::constant(crate::ir::Const::Bool(false), c.span)),
            ));
        }
        let (label, bodies) = self.labelled(label, false, |w| {
            cases
                .iter()
                .map(|c| {
                    if let Some(ctx) = w.ctx() {
                        ctx.breakables += 1;
                    }
                    let b = w.block(&c.body);
                    if let Some(ctx) = w.ctx() {
                        ctx.breakables -= 1;
                    }
                    b
                })
                .collect::<Vec<_>>()
        });
        let mut bodies: Vec<Option<_>> = bodies.into_iter().map(Some).collect();
        let default = default.and_then(|(_, i)| bodies[i].take());
        let cases = conds
            .into_iter()
            .filter_map(|(i, cond)| bodies[i].take().map(|b| (cond, b)))
            .collect();
        let _ = span;
        Some(HKind::Switch {
            tag: tag.map(|(slot, e, _, _)| (slot, e)),
            cases,
            default,
            label,
        })
    }
}

/// What a `Range` iterates over.
#[derive(Clone, Copy)]
enum RangeOver {
    Chan,
    Map,
    Int,
}
