//! Declarations that create objects, shared by `globals` and function bodies.

use super::hir::{HGlobal, HNew, RExpr};
use super::kinds::Kind;
use super::Walker;
use crate::diagnostic::Diagnostic;
use crate::ir::{Const, GlobalId, ObjectKind};
use crate::span::Span;
use crate::syntax::{ExprSrc, Name, StmtKind, TimerKind};

/// A shared variable whose held kind is recorded.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HeldKey {
    Global(GlobalId),
    Local(super::hir::Slot),
}

/// The names a declaration introduces.
pub(crate) fn declared_names(kind: &StmtKind) -> Vec<&Name> {
    match kind {
        StmtKind::Chan { name, .. }
        | StmtKind::NilChan { name }
        | StmtKind::Mutex { name }
        | StmtKind::RwMutex { name }
        | StmtKind::WaitGroup { name }
        | StmtKind::Once { name }
        | StmtKind::Cond { name, .. }
        | StmtKind::Var { name, .. }
        | StmtKind::Map { name, .. }
        | StmtKind::SyncMap { name }
        | StmtKind::Background { name }
        | StmtKind::Timer { name, .. }
        | StmtKind::New { name, .. }
        | StmtKind::Slice { name, .. }
        | StmtKind::Func { name, .. } => vec![name],
        StmtKind::WithCancel { ctx, cancel, .. } => vec![ctx, cancel],
        _ => Vec::new(),
    }
}

/// The kind of the (first) name a declaration introduces.
pub(crate) fn decl_kind(kind: &StmtKind) -> Kind {
    let obj = match kind {
        StmtKind::Chan { .. } | StmtKind::NilChan { .. } => ObjectKind::Chan,
        StmtKind::Mutex { .. } => ObjectKind::Mutex,
        StmtKind::RwMutex { .. } => ObjectKind::RwMutex,
        StmtKind::WaitGroup { .. } => ObjectKind::WaitGroup,
        StmtKind::Once { .. } => ObjectKind::Once,
        StmtKind::Cond { .. } => ObjectKind::Cond,
        StmtKind::Var { .. } => return Kind::Var,
        StmtKind::Func { .. } => ObjectKind::Func,
        StmtKind::Map { .. } => ObjectKind::Map,
        StmtKind::SyncMap { .. } => ObjectKind::SyncMap,
        StmtKind::Background { .. } | StmtKind::WithCancel { .. } => ObjectKind::Context,
        StmtKind::Timer { kind, .. } => match kind {
            TimerKind::Timer | TimerKind::Ticker => ObjectKind::Timer,
            TimerKind::After | TimerKind::Tick => ObjectKind::Chan,
        },
        _ => return Kind::Unknown,
    };
    Kind::Obj(obj)
}

/// What a creation statement makes: an object, or a nil channel.
pub(crate) enum Creation {
    New(HNew),
    Nil,
}

impl Walker<'_> {
    /// The kind of the (first) name a declaration introduces, record and
    /// slice types included.
    pub(crate) fn declared_kind(&mut self, kind: &StmtKind) -> Kind {
        match kind {
            StmtKind::New { ty, .. } => self
                .record_ids
                .get(&ty.text)
                .map_or(Kind::Unknown, |id| Kind::Record(*id)),
            StmtKind::Map { elem, .. } => {
                let saved = self.errs.len();
                let slot = self.map_elem(elem.as_ref());
                // Reported where the map is made.
                self.errs.truncate(saved);
                slot.map_or(Kind::Unknown, |s| Kind::Map(self.cells.intern(s)))
            }
            StmtKind::Slice { elem, .. } => {
                let saved = self.errs.len();
                let k = match self.go_type(elem) {
                    Some((slot, _)) => Kind::Slice(self.cells.intern(slot)),
                    None => Kind::Unknown,
                };
                // Reported where the slice is made.
                self.errs.truncate(saved);
                k
            }
            _ => decl_kind(kind),
        }
    }

    /// What a `Var` holds: its declared type, else its initial value's
    /// kind (an integer or boolean variable reads as a shared variable).
    fn held_kind(&mut self, ty: Option<&crate::syntax::TypeSrc>, init: Kind) -> Kind {
        if let Some(t) = ty {
            let saved = self.errs.len();
            let slot = self.go_type(t);
            if let Some((slot, _)) = slot {
                if slot.inline {
                    self.errs.truncate(saved);
                    self.error(
                        Diagnostic::new(
                            format!("a `Var` holds a value or a reference, not `{}`", t.text),
                            t.span,
                        )
                        .with_label("held by value")
                        .with_help("declare the object itself (`Mutex(\"mu\")`, `New(\"s\", \"T\")`), or a pointer to it (`*T`)"),
                    );
                    return Kind::Unknown;
                }
                if !slot.kind.compatible(init) && init != Kind::Unknown {
                    self.error(
                        Diagnostic::new(
                            format!(
                                "the initial value is {}, but the variable's type `{}` holds {}",
                                init.describe(),
                                t.text,
                                slot.kind.describe()
                            ),
                            t.span,
                        )
                        .with_label("this type"),
                    );
                }
                return slot.kind;
            }
            return Kind::Unknown;
        }
        match init {
            Kind::Nil | Kind::Var => Kind::Unknown,
            k => k,
        }
    }

    /// Records what a shared variable holds, for its reads and stores.
    pub(crate) fn set_held(&mut self, var: HeldKey, held: Kind) {
        match var {
            HeldKey::Global(g) => {
                self.global_held.insert(g, held);
            }
            HeldKey::Local(slot) => {
                if let Some(f) = self.stack.last().map(|c| c.id) {
                    self.local_held.insert((f, slot), held);
                }
            }
        }
    }

    /// Records what a channel declared by name (or a variable holding
    /// one) carries: `Chan`'s `elem`, or the `T` of a `Var`'s `chan T`.
    pub(crate) fn set_elem_of_decl(&mut self, var: HeldKey, kind: &StmtKind) {
        let elem = match kind {
            StmtKind::Chan { elem: Some(t), .. } => self.elem_type(t),
            StmtKind::Var { ty: Some(t), .. } => self.chan_elem_of_type(t),
            _ => return,
        };
        match var {
            HeldKey::Global(g) => {
                self.global_elem.insert(g, elem);
            }
            HeldKey::Local(slot) => {
                if let Some(f) = self.stack.last().map(|c| c.id) {
                    self.local_elem.insert((f, slot), elem);
                }
            }
        }
    }

    /// What receiving from the channel written `chan` gives: known for a
    /// channel declared with `elem`, a variable of type `chan T`, or a
    /// field of type `chan T`; otherwise unknown.
    pub(crate) fn chan_elem(&mut self, chan: &ExprSrc) -> Kind {
        let Ok(e) = crate::expr::parse(chan) else {
            return Kind::Unknown;
        };
        match &e.kind {
            crate::expr::ExprKind::Name(n) => {
                // The innermost frame that binds it, through the bodies
                // that capture from their parent (a `Go` body receiving
                // from its function's channel before it captured it).
                for c in self.stack.iter().rev() {
                    if c.find_name(n) {
                        let slot = c.slot_of(n);
                        return slot
                            .and_then(|s| self.local_elem.get(&(c.id, s)).copied())
                            .unwrap_or(Kind::Unknown);
                    }
                    if !matches!(
                        c.kind,
                        super::scope::FnKind::GoBody
                            | super::scope::FnKind::DoBody
                            | super::scope::FnKind::FuncLit
                    ) {
                        break;
                    }
                }
                match self.package.get(n) {
                    Some(super::PkgItem::Global(id, _, _)) => {
                        self.global_elem.get(id).copied().unwrap_or(Kind::Unknown)
                    }
                    _ => Kind::Unknown,
                }
            }
            crate::expr::ExprKind::Field(base, name, _) => {
                let saved = self.errs.len();
                let (_, k) = self.rexpr(base);
                self.errs.truncate(saved);
                match k {
                    Kind::Record(id) => self.records[id.index()]
                        .field(name)
                        .map_or(Kind::Unknown, |(_, f)| f.elem),
                    _ => Kind::Unknown,
                }
            }
            _ => Kind::Unknown,
        }
    }

    /// Checks the operands of a creation statement (not `WithCancel`) and
    /// says what it creates.
    pub(crate) fn creation(&mut self, kind: &StmtKind, span: Span) -> Option<(Creation, Kind)> {
        let int_or = |w: &mut Walker<'_>, e: &Option<ExprSrc>, default: i64, what: &str| match e {
            Some(e) => w.int_expr(e, what),
            None => RExpr::constant(Const::Int(default), span),
        };
        let new = match kind {
            StmtKind::Chan { name, cap, elem } => {
                // A channel of references (records, channels, ...) gives
                // nil when received from closed, as Go's zero value.
                let nil_zero = elem.as_ref().is_some_and(|t| {
                    let saved = self.errs.len();
                    let k = self.elem_type(t);
                    self.errs.truncate(saved);
                    k.is_reference()
                });
                // `chan struct{}`: Go gives its buffer one address.
                let zero_size = elem.as_ref().is_some_and(|t| {
                    t.text
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .eq("struct{}".chars())
                });
                let cap = int_or(self, cap, 0, "a capacity");
                if let Some(v) = super::exprs::const_value(&cap) {
                    if v < 0 {
                        self.error(
                            Diagnostic::new(
                                format!("negative capacity {v} for channel `{}`", name.text),
                                cap.span,
                            )
                            .with_label("must be 0 or more")
                            .with_note("Go panics with `makechan: size out of range`"),
                        );
                    }
                }
                HNew::Chan {
                    cap,
                    nil_zero,
                    zero_size,
                }
            }
            StmtKind::NilChan { .. } => return Some((Creation::Nil, Kind::Unknown)),
            StmtKind::Mutex { .. } => HNew::Mutex,
            StmtKind::RwMutex { .. } => HNew::RwMutex,
            StmtKind::WaitGroup { .. } => HNew::WaitGroup,
            StmtKind::Once { .. } => HNew::Once,
            StmtKind::Map { elem, .. } => HNew::Map {
                zero: self.map_elem(elem.as_ref())?.kind.zero(),
            },
            // (A sync.Map's `Load` of an absent key gives nil, false.)
            StmtKind::SyncMap { .. } => HNew::Map { zero: Const::Nil },
            StmtKind::Background { .. } => HNew::Background,
            StmtKind::Cond { name, locker } => {
                let Some(locker) = locker else {
                    self.error(
                        Diagnostic::new(format!("`Cond` `{}` needs a locker", name.text), span)
                            .with_label("no locker")
                            .with_help(format!(
                                "give the Mutex or RWMutex it uses: `Cond(name: \"{}\", locker: \"mu\")`",
                                name.text
                            )),
                    );
                    return None;
                };
                let subject = super::exprs::subject(locker);
                let (locker, k) = self.expr(locker);
                if !k.is_obj(&[ObjectKind::Mutex, ObjectKind::RwMutex, ObjectKind::Locker]) {
                    self.error(
                        Diagnostic::new(
                            format!(
                                "the locker of `{}` must be a Mutex or RWMutex, but {subject} is {}",
                                name.text,
                                k.describe()
                            ),
                            locker.span,
                        )
                        .with_label("not a mutex"),
                    );
                }
                HNew::Cond { locker }
            }
            StmtKind::Var { init, ty, .. } => {
                let (init, k) = match init {
                    Some(e) => self.expr(e),
                    None => match ty {
                        // The zero value of its type.
                        Some(t) => match self.go_type(t) {
                            Some((_, crate::ir::Cell::Value(z))) => {
                                (RExpr::constant(z, span), Kind::Unknown)
                            }
                            _ => (RExpr::constant(Const::Nil, span), Kind::Unknown),
                        },
                        None => (RExpr::constant(Const::Int(0), span), Kind::Int),
                    },
                };
                let held = self.held_kind(ty.as_ref(), k);
                return Some((Creation::New(HNew::Var { init }), held));
            }
            StmtKind::New { ty, fields, .. } => {
                let id = self.record_type(&ty.text, ty.span)?;
                let mut inits: Vec<(u32, RExpr)> = Vec::new();
                for (fname, value) in fields {
                    let (v, k) = self.expr(value);
                    let rec = &self.records[id.index()];
                    let Some((i, f)) = rec.field(&fname.text) else {
                        let names: Vec<&str> = rec.fields.iter().map(|f| f.name.as_str()).collect();
                        let mut d = Diagnostic::new(
                            format!("type `{}` has no field `{}`", rec.name, fname.text),
                            fname.span,
                        )
                        .with_label("unknown field");
                        if let Some(s) =
                            crate::diagnostic::closest(&fname.text, names.iter().copied())
                        {
                            d = d.with_help(format!("did you mean `{s}`?"));
                        }
                        self.error(d);
                        continue;
                    };
                    let slot = f.slot;
                    if slot.inline {
                        self.error(
                            Diagnostic::new(
                                format!(
                                    "field `{}` holds its object by value: it cannot be set",
                                    fname.text
                                ),
                                fname.span,
                            )
                            .with_label("made with the record")
                            .with_help("leave it out: it starts as a new, zero object"),
                        );
                        continue;
                    }
                    if !slot.kind.compatible(k) {
                        self.error(
                            Diagnostic::new(
                                format!(
                                    "field `{}` holds {}, but the value is {}",
                                    fname.text,
                                    slot.kind.describe(),
                                    k.value().describe()
                                ),
                                v.span,
                            )
                            .with_label("wrong kind"),
                        );
                    }
                    if inits.iter().any(|(j, _)| *j == i) {
                        self.error(
                            Diagnostic::new(
                                format!("field `{}` is given twice", fname.text),
                                fname.span,
                            )
                            .with_label("given again here"),
                        );
                        continue;
                    }
                    inits.push((i, v));
                }
                HNew::Record { ty: id, inits }
            }
            StmtKind::Slice { elem, len, cap, .. } => {
                let (_, cell) = self.go_type(elem)?;
                let len = int_or(self, len, 0, "a length");
                let cap = cap.as_ref().map(|c| self.int_expr(c, "a capacity"));
                let (l, c) = (
                    super::exprs::const_value(&len),
                    cap.as_ref().and_then(super::exprs::const_value),
                );
                if let Some(v) = l.filter(|v| *v < 0) {
                    self.error(
                        Diagnostic::new(format!("negative slice length {v}"), len.span)
                            .with_label("must be 0 or more")
                            .with_note("Go panics with `makeslice: len out of range`"),
                    );
                }
                if let (Some(l), Some(c), Some(at)) = (l, c, cap.as_ref().map(|c| c.span)) {
                    if c < l {
                        self.error(
                            Diagnostic::new(
                                format!("slice capacity {c} is less than its length {l}"),
                                at,
                            )
                            .with_label("must be at least the length")
                            .with_note("Go refuses it (`len larger than cap in make`)"),
                        );
                    }
                }
                HNew::Slice {
                    elem: cell,
                    len,
                    cap,
                }
            }
            StmtKind::Timer { kind, duration, .. } => HNew::Timer {
                kind: *kind,
                duration: int_or(self, duration, 1, "a duration"),
            },
            _ => return None,
        };
        Some((Creation::New(new), Kind::Unknown))
    }

    /// Checks the `globals` list and builds the global objects.
    pub(crate) fn check_globals(&mut self) {
        let sc = self.sc;
        for (i, g) in sc.globals.iter().enumerate() {
            self.current_global = Some(i);
            let name = declared_names(&g.kind)
                .first()
                .map_or_else(String::new, |n| n.text.clone());
            let kind = match self.declared_kind(&g.kind) {
                Kind::Obj(k) => k,
                Kind::Record(_) => ObjectKind::Record,
                Kind::Slice(_) => ObjectKind::Slice,
                Kind::Map(_) => ObjectKind::Map,
                _ => ObjectKind::Var,
            };
            let init = match self.creation(&g.kind, g.span) {
                Some((Creation::New(n), held)) => {
                    let id = GlobalId(u32::try_from(i).unwrap_or(u32::MAX));
                    if matches!(g.kind, StmtKind::Var { .. }) {
                        self.set_held(HeldKey::Global(id), held);
                    }
                    self.set_elem_of_decl(HeldKey::Global(id), &g.kind);
                    Some(n)
                }
                Some((Creation::Nil, _)) | None => None,
            };
            if let Some(init) = &init {
                for e in operands(init) {
                    if let Some((span, part)) = e.first_instruction() {
                        let (what, label) = if part {
                            ("make a slice part", "a slice part")
                        } else {
                            ("read shared state", "a read")
                        };
                        self.error(
                            Diagnostic::new(format!("a global initializer cannot {what}"), span)
                                .with_label(label)
                                .with_help("globals are created before `main` starts; use constants and parameters"),
                        );
                    }
                }
            }
            self.globals.push(HGlobal {
                name,
                init,
                kind,
                span: g.span,
            });
        }
        self.current_global = None;
    }

    /// The id of the hidden `context.Background()` global.
    pub(crate) fn background(&mut self) -> GlobalId {
        self.background = true;
        GlobalId(u32::try_from(self.sc.globals.len()).unwrap_or(u32::MAX))
    }
}

/// The expressions inside a creation.
fn operands(n: &HNew) -> Vec<&RExpr> {
    match n {
        HNew::Chan { cap, .. } => vec![cap],
        HNew::Cond { locker } => vec![locker],
        HNew::Var { init } => vec![init],
        HNew::Timer { duration, .. } => vec![duration],
        HNew::Record { inits, .. } => inits.iter().map(|(_, v)| v).collect(),
        HNew::Slice { len, cap, .. } => std::iter::once(len).chain(cap.iter()).collect(),
        HNew::Closure { captured, .. } => captured.iter().collect(),
        HNew::WithCancel {
            parent, timeout, ..
        } => std::iter::once(parent).chain(timeout.iter()).collect(),
        _ => Vec::new(),
    }
}
