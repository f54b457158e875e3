//! Expressions: parsing, name resolution and static kinds, producing
//! resolved expressions whose visible reads are explicit.

use super::hir::{RExpr, RKind, RPlace, Slot};
use super::kinds::Kind;
use super::scope::{plain, Res};
use super::{PkgItem, Walker};
use crate::diagnostic::Diagnostic;
use crate::expr::{self, binop_symbol, Expr, ExprKind, UnaryOp};
use crate::ir::{BinOp, Const, GlobalId, ObjectKind, UnOp};
use crate::span::Span;
use crate::syntax::ExprSrc;

/// How a message names an expression: "`ch`" for a bare name, else "this expression".
pub(crate) fn subject(src: &ExprSrc) -> String {
    match src {
        ExprSrc::Text { text, .. } if crate::decode::is_identifier(text.trim()) => {
            format!("`{}`", text.trim())
        }
        // A field or element path: `s.mu`, `xs[i]`.
        ExprSrc::Text { text, .. }
            if !text.trim().is_empty()
                && text
                    .trim()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.[]".contains(&b)) =>
        {
            format!("`{}`", text.trim())
        }
        ExprSrc::Int(v, _) => format!("`{v}`"),
        ExprSrc::Bool(b, _) => format!("`{b}`"),
        _ => "this expression".to_string(),
    }
}

/// `s.jobs[i].ch` as written, for a name, field or index path.
fn path_text(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Int(v) => Some(v.to_string()),
        ExprKind::Field(b, f, _) => Some(format!("{}.{f}", path_text(b)?)),
        ExprKind::Index(b, i) => Some(format!("{}[{}]", path_text(b)?, path_text(i)?)),
        _ => None,
    }
}

fn subject_of(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => format!("`{n}`"),
        ExprKind::Field(..) | ExprKind::Index(..) if path_text(e).is_some() => {
            format!("`{}`", path_text(e).unwrap_or_default())
        }
        ExprKind::Int(v) => format!("`{v}`"),
        ExprKind::Bool(b) => format!("`{b}`"),
        _ => "this expression".to_string(),
    }
}

/// The value of a constant integer expression (after parameter substitution).
pub(crate) fn const_value(e: &RExpr) -> Option<i64> {
    match &e.kind {
        RKind::Const(Const::Int(v)) => Some(*v),
        RKind::Unary(UnOp::Neg, x) => const_value(x)?.checked_neg(),
        RKind::Binary(op, a, b) => {
            let (a, b) = (const_value(a)?, const_value(b)?);
            match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div => a.checked_div(b),
                BinOp::Rem => a.checked_rem(b),
                _ => None,
            }
        }
        _ => None,
    }
}

fn mk(kind: RKind, span: Span) -> RExpr {
    RExpr { kind, span }
}

fn dummy(span: Span) -> (RExpr, Kind) {
    (RExpr::constant(Const::Int(0), span), Kind::Unknown)
}

/// A record field or slice element.
pub(crate) enum Access {
    /// A cell (a shared location): its handle and what it holds.
    Cell(RExpr, Kind),
    /// An object held in place: the object and its kind.
    Inline(RExpr, Kind),
}

/// The kind of reading a shared variable that holds `held`: integer and
/// boolean variables (and untyped ones) read as a shared variable's value,
/// as before; a variable holding a reference reads as that reference.
fn read_kind(held: Kind) -> Kind {
    match held {
        Kind::Obj(_) | Kind::Record(_) | Kind::Slice(_) | Kind::Map(_) | Kind::Pointer => held,
        Kind::Int | Kind::Bool | Kind::Str | Kind::Unknown | Kind::Nil | Kind::Var => Kind::Var,
    }
}

/// The index of `text` in `table`, added at its end if it is new (the
/// texts of errors and strings: equal texts are one value).
fn intern(table: &mut Vec<String>, text: &str) -> u32 {
    let i = match table.iter().position(|t| t == text) {
        Some(i) => i,
        None => {
            table.push(text.to_string());
            table.len() - 1
        }
    };
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The left side of a `Set`.
pub(crate) enum Target {
    /// A local of the current function.
    Local(Slot, Kind),
    /// A shared variable (by handle, unchecked).
    Place(RPlace),
    /// A map entry, and what the map's values are.
    Entry(RPlace, Kind),
    /// A shared location holding values of a kind: a `Var`, a record
    /// field or a slice element (by handle).
    Cell(RExpr, Kind),
    /// Not assignable (reported).
    Bad,
}

impl Walker<'_> {
    /// Parses and resolves an expression; errors are reported and give an
    /// unknown value.
    pub(crate) fn expr(&mut self, src: &ExprSrc) -> (RExpr, Kind) {
        match expr::parse(src) {
            Ok(e) => self.rexpr(&e),
            Err(d) => {
                self.error(*d);
                dummy(src.span())
            }
        }
    }

    fn parsed(&mut self, src: &ExprSrc) -> Option<Expr> {
        match expr::parse(src) {
            Ok(e) => Some(e),
            Err(d) => {
                self.error(*d);
                None
            }
        }
    }

    /// "`Lock` needs a Mutex or RWMutex, but `ch` is a channel".
    pub(crate) fn kind_error(
        &mut self,
        needs: String,
        subject: String,
        k: Kind,
        span: Span,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(format!("{needs}, but {subject} is {}", k.describe()), span)
            .with_label(k.describe());
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.error(d);
    }

    /// An expression that must be an integer.
    pub(crate) fn int_expr(&mut self, src: &ExprSrc, what: &str) -> RExpr {
        let (e, k) = self.expr(src);
        if !k.is_int() {
            let s = subject(src);
            self.kind_error(format!("expected {what} (an integer)"), s, k, e.span, None);
        }
        e
    }

    /// An expression that must be a boolean.
    pub(crate) fn bool_expr(&mut self, src: &ExprSrc) -> RExpr {
        let (e, k) = self.expr(src);
        if !k.is_bool() {
            let s = subject(src);
            self.kind_error("expected a boolean condition".into(), s, k, e.span, None);
        }
        e
    }

    /// An operand of `stmt` that must be an object of one of `allowed` kinds.
    pub(crate) fn object(
        &mut self,
        src: &ExprSrc,
        stmt: &str,
        allowed: &[ObjectKind],
        what: &str,
    ) -> RExpr {
        let (e, k) = self.expr(src);
        if !k.is_obj(allowed) {
            let help = match k {
                Kind::Obj(ObjectKind::Chan) if allowed.contains(&ObjectKind::Timer) => Some(
                    "channels made by `After` and `Tick` cannot be stopped or reset; use `Timer` or `Ticker`"
                        .to_string(),
                ),
                Kind::Obj(ObjectKind::Mutex) if allowed == [ObjectKind::RwMutex] => {
                    Some("declare it with `RWMutex(...)` to use read locks".to_string())
                }
                _ => None,
            };
            self.kind_error(
                format!("`{stmt}` needs {what}"),
                subject(src),
                k,
                e.span,
                help,
            );
        }
        e
    }

    /// The handle of the shared variable an atomic operation works on: `x`,
    /// `&x`, `p` or `*p`.
    pub(crate) fn var_handle(&mut self, src: &ExprSrc, stmt: &str) -> RExpr {
        let Some(e) = self.parsed(src) else {
            return dummy(src.span()).0;
        };
        let (h, k) = match &e.kind {
            ExprKind::Name(n) => match self.resolve(n, e.span) {
                Some(Res::Local(s, Kind::Var)) => (mk(RKind::Local(s), e.span), Kind::Pointer),
                Some(Res::Global(id, Kind::Var)) => {
                    self.global_use(id, n, e.span);
                    (mk(RKind::Global(id), e.span), Kind::Pointer)
                }
                Some(Res::Local(s, k)) => (mk(RKind::Local(s), e.span), k),
                Some(Res::Global(id, k)) => (mk(RKind::Global(id), e.span), k),
                Some(Res::Param(v)) => (RExpr::constant(Const::Int(v), e.span), Kind::Int),
                None => dummy(e.span),
            },
            ExprKind::Unary(UnaryOp::Addr, x) => self.addr(x, e.span),
            ExprKind::Unary(UnaryOp::Deref, p) => self.rexpr(p),
            ExprKind::Field(..) | ExprKind::Index(..) if self.is_cell_access(&e) => {
                match self.access(&e) {
                    Some(Access::Cell(h, _)) => (h, Kind::Pointer),
                    Some(Access::Inline(h, k)) => (h, k),
                    None => dummy(e.span),
                }
            }
            _ => self.rexpr(&e),
        };
        if !matches!(k, Kind::Pointer | Kind::Unknown | Kind::Nil) {
            self.kind_error(
                format!("`{stmt}` needs a shared variable"),
                subject_of(&e),
                k,
                e.span,
                Some("declare it with `Var(...)`".to_string()),
            );
        }
        h
    }

    /// The left side of a `Set`.
    pub(crate) fn target(&mut self, src: &ExprSrc) -> Target {
        let Some(e) = self.parsed(src) else {
            return Target::Bad;
        };
        let not_assignable = |w: &mut Walker<'_>, what: String, decl: Option<Span>| {
            let mut d = Diagnostic::new(format!("cannot assign to {what}"), e.span)
                .with_label("not assignable")
                .with_help("assign to a local, a shared variable, `*p` or `m[k]`");
            if let Some(decl) = decl {
                d = d.with_secondary(decl, "declared here");
            }
            w.error(d);
            Target::Bad
        };
        match &e.kind {
            ExprKind::Name(n) => match self.resolve(n, e.span) {
                Some(Res::Local(s, Kind::Var)) => {
                    let held = self.held_of(Res::Local(s, Kind::Var));
                    Target::Cell(mk(RKind::Local(s), e.span), held)
                }
                Some(Res::Local(s, k)) => Target::Local(s, k),
                Some(Res::Global(id, Kind::Var)) => {
                    self.global_use(id, n, e.span);
                    let held = self.held_of(Res::Global(id, Kind::Var));
                    Target::Cell(mk(RKind::Global(id), e.span), held)
                }
                Some(Res::Global(_, k)) => {
                    let decl = self.decl_of(n);
                    not_assignable(self, format!("`{n}`, a global {}", plain(k)), decl)
                }
                Some(Res::Param(_)) => {
                    let decl = self.decl_of(n);
                    not_assignable(self, format!("scenario parameter `{n}`"), decl)
                }
                None => Target::Bad,
            },
            ExprKind::Unary(UnaryOp::Deref, p) => {
                let (rp, k) = self.rexpr(p);
                self.check_pointer(p, k);
                Target::Place(RPlace::Var(rp))
            }
            ExprKind::Field(..) => match self.access(&e) {
                Some(Access::Cell(h, held)) => Target::Cell(h, held),
                Some(Access::Inline(_, k)) => not_assignable(
                    self,
                    format!("{}, {} held by value", subject_of(&e), k.describe()),
                    None,
                ),
                None => Target::Bad,
            },
            ExprKind::Index(m, key) => {
                let (rm, km) = self.rexpr(m);
                if let Kind::Slice(c) = km {
                    return match self.element(rm, c, key, e.span) {
                        Access::Cell(h, held) => Target::Cell(h, held),
                        Access::Inline(_, k) => not_assignable(
                            self,
                            format!("an element held by value ({})", k.describe()),
                            None,
                        ),
                    };
                }
                if !km.is_obj(&[ObjectKind::Map]) {
                    self.kind_error(
                        "indexing needs a map or a slice".into(),
                        subject_of(m),
                        km,
                        rm.span,
                        None,
                    );
                }
                let (rk, _) = self.rexpr(key);
                let (held, nil_read) = self.map_values_of(km);
                Target::Entry(
                    RPlace::MapEntry {
                        map: rm,
                        key: rk,
                        nil_read,
                    },
                    held,
                )
            }
            _ => {
                let what = match &e.kind {
                    ExprKind::Unary(UnaryOp::Addr, _) => "an address".to_string(),
                    ExprKind::SlicePart(..) => "a slice part (a new slice)".to_string(),
                    _ => "this expression".to_string(),
                };
                not_assignable(self, what, None)
            }
        }
    }

    fn decl_of(&self, name: &str) -> Option<Span> {
        match self.package.get(name) {
            Some(PkgItem::Param(_, s) | PkgItem::Global(_, _, s)) => Some(*s),
            None => None,
        }
    }

    /// In a global initializer, only earlier globals exist.
    fn global_use(&mut self, id: GlobalId, name: &str, span: Span) {
        if let Some(cur) = self.current_global {
            if id.index() >= cur {
                let decl = self.decl_of(name);
                let mut d =
                    Diagnostic::new(format!("`{name}` is used before its declaration"), span)
                        .with_label("used here")
                        .with_help("globals are created in order: move its declaration up");
                if let Some(decl) = decl {
                    d = d.with_secondary(decl, "declared here");
                }
                self.error(d);
            }
        }
    }

    fn check_pointer(&mut self, p: &Expr, k: Kind) {
        if matches!(k, Kind::Pointer | Kind::Unknown | Kind::Nil) {
            return;
        }
        let help = match (&p.kind, k) {
            (ExprKind::Name(n), Kind::Var) => Some(format!(
                "`{n}` is a shared variable: write `{n}` to read it and `&{n}` for its address"
            )),
            _ => None,
        };
        self.kind_error("`*` needs a pointer".into(), subject_of(p), k, p.span, help);
    }

    /// `&x`: the handle of shared variable `x`.
    fn addr(&mut self, x: &Expr, span: Span) -> (RExpr, Kind) {
        if matches!(x.kind, ExprKind::Field(..)) || self.is_cell_access(x) {
            return match self.access(x) {
                // `&s.n`: a pointer to the field's cell.
                Some(Access::Cell(h, _)) => (h, Kind::Pointer),
                // `&s.mu`, `&s.inner`: the object held in place.
                Some(Access::Inline(h, k)) => (h, k),
                None => dummy(span),
            };
        }
        let ExprKind::Name(n) = &x.kind else {
            self.error(
                Diagnostic::new("`&` needs a shared variable", x.span)
                    .with_label("not a variable")
                    .with_help("take the address of a name declared with `Var(\"x\", 0)`: `&x`"),
            );
            return dummy(span);
        };
        let (h, k) = match self.resolve(n, x.span) {
            Some(Res::Local(s, k)) => (mk(RKind::Local(s), span), k),
            Some(Res::Global(id, k)) => {
                self.global_use(id, n, x.span);
                (mk(RKind::Global(id), span), k)
            }
            Some(Res::Param(_)) => (dummy(span).0, Kind::Int),
            None => return dummy(span),
        };
        if k == Kind::Var {
            return (h, Kind::Pointer);
        }
        let help = match k {
            Kind::Obj(_) => format!("objects are shared by reference: write `{n}`"),
            Kind::Pointer => format!("`{n}` is already a pointer: write `{n}`"),
            _ => format!("declare `{n}` with `Var(...)` to share it"),
        };
        self.kind_error(
            "`&` needs a shared variable".into(),
            format!("`{n}`"),
            k,
            x.span,
            Some(help),
        );
        dummy(span)
    }

    /// Resolves a parsed expression. After an error inside it, its kind is
    /// unknown, so one mistake is reported once.
    pub(crate) fn rexpr(&mut self, e: &Expr) -> (RExpr, Kind) {
        let before = self.errs.len();
        let (r, k) = self.rexpr_inner(e);
        if self.errs.len() > before {
            (r, Kind::Unknown)
        } else {
            (r, k)
        }
    }

    fn rexpr_inner(&mut self, e: &Expr) -> (RExpr, Kind) {
        let span = e.span;
        match &e.kind {
            ExprKind::Int(v) => (RExpr::constant(Const::Int(*v), span), Kind::Int),
            ExprKind::Bool(b) => (RExpr::constant(Const::Bool(*b), span), Kind::Bool),
            ExprKind::Nil => (RExpr::constant(Const::Nil, span), Kind::Nil),
            ExprKind::Canceled => (RExpr::constant(Const::Canceled, span), Kind::Unknown),
            ExprKind::ErrorNew(text) => {
                let i = intern(&mut self.errors, text);
                (RExpr::constant(Const::Error(i), span), Kind::Unknown)
            }
            ExprKind::Str(text) => {
                let i = intern(&mut self.strings, text);
                (RExpr::constant(Const::Str(i), span), Kind::Str)
            }
            ExprKind::DeadlineExceeded => (
                RExpr::constant(Const::DeadlineExceeded, span),
                Kind::Unknown,
            ),
            ExprKind::Background => {
                let id = self.background();
                (mk(RKind::Global(id), span), Kind::Obj(ObjectKind::Context))
            }
            ExprKind::Name(n) if !self.resolve_quiet(n) && self.func_ids.contains_key(n) => {
                // A package function as a value.
                let id = self.func_ids[n];
                self.func_values.insert(id);
                (mk(RKind::Func(id), span), Kind::Obj(ObjectKind::Func))
            }
            ExprKind::Name(n) => match self.resolve(n, span) {
                Some(Res::Param(v)) => (RExpr::constant(Const::Int(v), span), Kind::Int),
                Some(r @ Res::Local(s, Kind::Var)) => {
                    let held = self.held_of(r);
                    let place = RPlace::Var(mk(RKind::Local(s), span));
                    (mk(RKind::Load(Box::new(place)), span), read_kind(held))
                }
                Some(Res::Local(s, k)) => (mk(RKind::Local(s), span), k),
                Some(r @ Res::Global(id, k)) => {
                    self.global_use(id, n, span);
                    if k == Kind::Var {
                        let held = self.held_of(r);
                        let place = RPlace::Var(mk(RKind::Global(id), span));
                        (mk(RKind::Load(Box::new(place)), span), read_kind(held))
                    } else {
                        (mk(RKind::Global(id), span), k)
                    }
                }
                None => dummy(span),
            },
            // `c.L`: a Cond's Locker (a record's field `L` otherwise).
            ExprKind::Field(x, name, _) if name == "L" && !self.is_record(x) => {
                let (rx, k) = self.rexpr(x);
                if !k.is_obj(&[ObjectKind::Cond]) {
                    self.kind_error(
                        "`.L` needs a Cond (or a record with a field `L`)".into(),
                        subject_of(x),
                        k,
                        x.span,
                        None,
                    );
                }
                (
                    mk(RKind::CondLocker(Box::new(rx)), span),
                    Kind::Obj(ObjectKind::Locker),
                )
            }
            ExprKind::Field(..) => match self.access(e) {
                Some(Access::Cell(h, held)) => {
                    let place = RPlace::Var(h);
                    (mk(RKind::Load(Box::new(place)), span), held)
                }
                Some(Access::Inline(h, k)) => (h, k),
                None => dummy(span),
            },
            ExprKind::Unary(op, x) => match op {
                UnaryOp::Addr => self.addr(x, span),
                UnaryOp::Deref => {
                    let (rp, k) = self.rexpr(x);
                    self.check_pointer(x, k);
                    let place = RPlace::Var(rp);
                    (mk(RKind::Load(Box::new(place)), span), Kind::Unknown)
                }
                UnaryOp::Neg | UnaryOp::Not => {
                    let (rx, k) = self.rexpr(x);
                    let (ok, want, out, uop) = if *op == UnaryOp::Neg {
                        (k.is_int(), "an integer", Kind::Int, UnOp::Neg)
                    } else {
                        (k.is_bool(), "a boolean", Kind::Bool, UnOp::Not)
                    };
                    if !ok {
                        let needs = format!("`{}` needs {want}", op.symbol());
                        self.kind_error(needs, subject_of(x), k, x.span, None);
                    }
                    (mk(RKind::Unary(uop, Box::new(rx)), span), out)
                }
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            ExprKind::Len(x) => {
                let (rx, k) = self.rexpr(x);
                if let Kind::Slice(_) = k {
                    return (mk(RKind::SliceLen(Box::new(rx)), span), Kind::Int);
                }
                if !k.is_obj(&[ObjectKind::Chan, ObjectKind::Map]) {
                    self.kind_error(
                        "`len` needs a channel, a map or a slice".into(),
                        subject_of(x),
                        k,
                        x.span,
                        None,
                    );
                }
                (mk(RKind::Len(Box::new(rx)), span), Kind::Int)
            }
            ExprKind::Cap(x) => {
                let (rx, k) = self.rexpr(x);
                if !k.is_obj(&[ObjectKind::Chan]) && !matches!(k, Kind::Slice(_)) {
                    self.kind_error(
                        "`cap` needs a channel or a slice".into(),
                        subject_of(x),
                        k,
                        x.span,
                        None,
                    );
                }
                (mk(RKind::Cap(Box::new(rx)), span), Kind::Int)
            }
            ExprKind::Done(x) | ExprKind::Err(x) => {
                let done = matches!(e.kind, ExprKind::Done(_));
                let (rx, k) = self.rexpr(x);
                if !k.is_obj(&[ObjectKind::Context]) {
                    let m = if done { "Done" } else { "Err" };
                    self.kind_error(
                        format!("`{m}()` needs a context"),
                        subject_of(x),
                        k,
                        x.span,
                        None,
                    );
                }
                if done {
                    (
                        mk(RKind::DoneOf(Box::new(rx)), span),
                        Kind::Obj(ObjectKind::Chan),
                    )
                } else {
                    (mk(RKind::CtxErr(Box::new(rx)), span), Kind::Unknown)
                }
            }
            ExprKind::TimerChan(x) if self.is_record(x) => {
                let field = Expr {
                    kind: ExprKind::Field(x.clone(), "C".into(), span),
                    span,
                };
                self.rexpr_inner(&field)
            }
            ExprKind::TimerChan(x) => {
                let (rx, k) = self.rexpr(x);
                if !k.is_obj(&[ObjectKind::Timer]) {
                    let help = (k == Kind::Obj(ObjectKind::Chan)).then(|| {
                        format!(
                            "`After` and `Tick` already give a channel: write `{}`",
                            subject_of(x).trim_matches('`')
                        )
                    });
                    self.kind_error(
                        "`.C` needs a timer or ticker".into(),
                        subject_of(x),
                        k,
                        x.span,
                        help,
                    );
                }
                (
                    mk(RKind::ChanOf(Box::new(rx)), span),
                    Kind::Obj(ObjectKind::Chan),
                )
            }
            ExprKind::RLocker(x) => {
                let (rx, k) = self.rexpr(x);
                if !k.is_obj(&[ObjectKind::RwMutex]) {
                    let help = (k == Kind::Obj(ObjectKind::Mutex))
                        .then(|| "declare it with `RWMutex(...)` to use read locks".to_string());
                    self.kind_error(
                        "`RLocker()` needs an RWMutex".into(),
                        subject_of(x),
                        k,
                        x.span,
                        help,
                    );
                }
                (
                    mk(RKind::RLocker(Box::new(rx)), span),
                    Kind::Obj(ObjectKind::Locker),
                )
            }
            ExprKind::SlicePart(x, low, high) => self.slice_part(x, low, high, span),
            ExprKind::Index(m, key) => {
                let (rm, km) = self.rexpr(m);
                if let Kind::Slice(c) = km {
                    return match self.element(rm, c, key, span) {
                        Access::Cell(h, held) => {
                            let place = RPlace::Var(h);
                            (mk(RKind::Load(Box::new(place)), span), held)
                        }
                        Access::Inline(h, k) => (h, k),
                    };
                }
                if !km.is_obj(&[ObjectKind::Map]) {
                    self.kind_error(
                        "indexing needs a map or a slice".into(),
                        subject_of(m),
                        km,
                        m.span,
                        None,
                    );
                }
                let (rk, kk) = self.rexpr(key);
                if matches!(kk, Kind::Obj(_) | Kind::Pointer) {
                    self.kind_error(
                        "a map key must be a value".into(),
                        subject_of(key),
                        kk,
                        key.span,
                        None,
                    );
                }
                let (held, nil_read) = self.map_values_of(km);
                let place = RPlace::MapEntry {
                    map: rm,
                    key: rk,
                    nil_read,
                };
                (mk(RKind::Load(Box::new(place)), span), held.of_local())
            }
        }
    }

    /// What the values of a map of kind `km` are, and what reading it
    /// gives when it is nil: known for a map whose type validation knows
    /// (`Map`'s `elem`, a typed field, variable or parameter); else an
    /// unknown value, and 0 when nil, as weft's untyped maps hold integers.
    pub(crate) fn map_values_of(&self, km: Kind) -> (Kind, Const) {
        match km {
            Kind::Map(c) => {
                let held = self.cells.get(c).kind;
                (held, held.zero())
            }
            _ => (Kind::Unknown, Const::Int(0)),
        }
    }

    /// What a shared variable holds (see [`Walker::set_held`]).
    pub(crate) fn held_of(&self, r: Res) -> Kind {
        match r {
            Res::Global(id, _) => self.global_held.get(&id).copied(),
            Res::Local(s, _) => self
                .stack
                .last()
                .and_then(|c| self.local_held.get(&(c.id, s)).copied()),
            Res::Param(_) => None,
        }
        .unwrap_or(Kind::Unknown)
    }

    /// Whether `e` is a record field or a slice element (not a map entry),
    /// judged without reporting anything.
    fn is_cell_access(&mut self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Field(..) => true,
            ExprKind::Index(m, _) => {
                let saved = self.errs.len();
                let (_, k) = self.rexpr(m);
                self.errs.truncate(saved);
                matches!(k, Kind::Slice(_))
            }
            _ => false,
        }
    }

    /// Whether `e` is a record (judged without reporting anything).
    fn is_record(&mut self, e: &Expr) -> bool {
        let saved = self.errs.len();
        let (_, k) = self.rexpr(e);
        self.errs.truncate(saved);
        matches!(k, Kind::Record(_))
    }

    /// A record field `s.f` or slice element `xs[i]`: its cell's handle and
    /// what it holds, or the object held in place. Errors are reported.
    pub(crate) fn access(&mut self, e: &Expr) -> Option<Access> {
        match &e.kind {
            ExprKind::Field(base, name, name_span) => {
                let before = self.errs.len();
                let (rb, kb) = self.rexpr(base);
                let Kind::Record(id) = kb else {
                    if self.errs.len() == before {
                        let help = match kb {
                            Kind::Unknown => Some(
                                "weft follows fields of values whose record type it knows: \
                                 made by `New`, a field, a typed `Var` or `Let` \
                                 (`Let(name: \"s\", value: \"v\", type: \"*T\")`), a receive \
                                 from a typed channel (`Chan(name: \"c\", elem: \"*T\")`), or a \
                                 parameter or result that is one"
                                    .to_string(),
                            ),
                            _ => None,
                        };
                        self.kind_error(
                            format!("`.{name}` needs a record"),
                            subject_of(base),
                            kb,
                            base.span,
                            help,
                        );
                    }
                    return None;
                };
                let rec = &self.records[id.index()];
                let Some((i, f)) = rec.field(name) else {
                    let names: Vec<&str> = rec.fields.iter().map(|f| f.name.as_str()).collect();
                    let mut d = Diagnostic::new(
                        format!("type `{}` has no field `{name}`", rec.name),
                        *name_span,
                    )
                    .with_label("unknown field")
                    .with_secondary(rec.span, "declared here");
                    if let Some(s) = crate::diagnostic::closest(name, names.iter().copied()) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    self.error(d);
                    return None;
                };
                let slot = f.slot;
                let h = mk(RKind::Field(Box::new(rb), i), e.span);
                Some(if slot.inline {
                    Access::Inline(h, slot.kind)
                } else {
                    Access::Cell(h, slot.kind)
                })
            }
            ExprKind::Index(m, key) => {
                let (rm, km) = self.rexpr(m);
                let Kind::Slice(c) = km else {
                    return None;
                };
                Some(self.element(rm, c, key, e.span))
            }
            _ => None,
        }
    }

    /// `x[low:high]`: a new slice sharing `x`'s elements (Go's slice
    /// expression; the bounds are checked when it runs).
    fn slice_part(
        &mut self,
        x: &Expr,
        low: &Option<Box<Expr>>,
        high: &Option<Box<Expr>>,
        span: Span,
    ) -> (RExpr, Kind) {
        let (rx, k) = self.rexpr(x);
        let kind = match k {
            Kind::Slice(_) | Kind::Unknown => k,
            _ => {
                let help = (k == Kind::Str).then(|| {
                    "weft's strings are constants, compared whole: a string's part is not made"
                        .to_string()
                });
                self.kind_error(
                    "a slice part `[low:high]` needs a slice".into(),
                    subject_of(x),
                    k,
                    x.span,
                    help,
                );
                Kind::Unknown
            }
        };
        let bound = |w: &mut Self, b: &Option<Box<Expr>>| {
            b.as_deref().map(|b| {
                let (rb, kb) = w.rexpr(b);
                if !kb.is_int() {
                    w.kind_error(
                        "a slice bound must be an integer".into(),
                        subject_of(b),
                        kb,
                        b.span,
                        None,
                    );
                }
                Box::new(rb)
            })
        };
        let rl = bound(self, low);
        let rh = bound(self, high);
        (mk(RKind::SlicePart(Box::new(rx), rl, rh), span), kind)
    }

    /// Element `key` of slice `rm` whose elements are cell-table entry `c`.
    fn element(&mut self, rm: RExpr, c: u32, key: &Expr, span: Span) -> Access {
        let (rk, kk) = self.rexpr(key);
        if !kk.is_int() {
            self.kind_error(
                "a slice index must be an integer".into(),
                subject_of(key),
                kk,
                key.span,
                None,
            );
        }
        let slot = self.cells.get(c);
        let h = mk(RKind::Elem(Box::new(rm), Box::new(rk)), span);
        if slot.inline {
            Access::Inline(h, slot.kind)
        } else {
            Access::Cell(h, slot.kind)
        }
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> (RExpr, Kind) {
        let (ra, ka) = self.rexpr(a);
        let (rb, kb) = self.rexpr(b);
        let sym = binop_symbol(op);
        let out = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => Kind::Int,
            _ => Kind::Bool,
        };
        match op {
            BinOp::Eq | BinOp::Ne => {
                if !ka.compatible(kb) {
                    self.error(
                        Diagnostic::new(
                            format!(
                                "cannot compare {} with {}",
                                ka.value().describe(),
                                kb.value().describe()
                            ),
                            span,
                        )
                        .with_label("mismatched kinds"),
                    );
                }
            }
            BinOp::And | BinOp::Or => {
                for (x, k) in [(a, ka), (b, kb)] {
                    if !k.is_bool() {
                        self.kind_error(
                            format!("`{sym}` needs booleans"),
                            subject_of(x),
                            k,
                            x.span,
                            None,
                        );
                    }
                }
            }
            _ => {
                for (x, k) in [(a, ka), (b, kb)] {
                    if !k.is_int() {
                        let help = (k == Kind::Str).then(|| {
                            "weft follows string constants and compares them with `==` and \
                             `!=`; it does not build strings"
                                .to_string()
                        });
                        self.kind_error(
                            format!("`{sym}` needs integers"),
                            subject_of(x),
                            k,
                            x.span,
                            help,
                        );
                    }
                }
            }
        }
        (mk(RKind::Binary(op, Box::new(ra), Box::new(rb)), span), out)
    }
}
