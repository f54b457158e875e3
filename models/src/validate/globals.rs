//! Declarations that create objects, shared by `globals` and function bodies.

use super::hir::{HGlobal, HNew, RExpr};
use super::kinds::Kind;
use super::Walker;
use crate::diagnostic::Diagnostic;
use crate::ir::{Const, GlobalId, ObjectKind};
use crate::span::Span;
use crate::syntax::{ExprSrc, Name, StmtKind, TimerKind};

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
        | StmtKind::Map { name }
        | StmtKind::SyncMap { name }
        | StmtKind::Background { name }
        | StmtKind::Timer { name, .. } => vec![name],
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
    /// Checks the operands of a creation statement (not `WithCancel`) and
    /// says what it creates.
    pub(crate) fn creation(&mut self, kind: &StmtKind, span: Span) -> Option<Creation> {
        let int_or = |w: &mut Walker<'_>, e: &Option<ExprSrc>, default: i64, what: &str| match e {
            Some(e) => w.int_expr(e, what),
            None => RExpr::constant(Const::Int(default), span),
        };
        let new = match kind {
            StmtKind::Chan { name, cap } => {
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
                HNew::Chan { cap }
            }
            StmtKind::NilChan { .. } => return Some(Creation::Nil),
            StmtKind::Mutex { .. } => HNew::Mutex,
            StmtKind::RwMutex { .. } => HNew::RwMutex,
            StmtKind::WaitGroup { .. } => HNew::WaitGroup,
            StmtKind::Once { .. } => HNew::Once,
            StmtKind::Map { .. } | StmtKind::SyncMap { .. } => HNew::Map,
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
            StmtKind::Var { init, .. } => {
                let init = match init {
                    Some(e) => {
                        let (v, k) = self.expr(e);
                        if matches!(k, Kind::Obj(_) | Kind::Pointer) {
                            self.error(
                                Diagnostic::new(
                                    format!(
                                        "a shared variable holds a value, not {}",
                                        k.describe()
                                    ),
                                    v.span,
                                )
                                .with_label("not an integer or boolean"),
                            );
                        }
                        v
                    }
                    None => RExpr::constant(Const::Int(0), span),
                };
                HNew::Var { init }
            }
            StmtKind::Timer { kind, duration, .. } => HNew::Timer {
                kind: *kind,
                duration: int_or(self, duration, 1, "a duration"),
            },
            _ => return None,
        };
        Some(Creation::New(new))
    }

    /// Checks the `globals` list and builds the global objects.
    pub(crate) fn check_globals(&mut self) {
        let sc = self.sc;
        for (i, g) in sc.globals.iter().enumerate() {
            self.current_global = Some(i);
            let name = declared_names(&g.kind)
                .first()
                .map_or_else(String::new, |n| n.text.clone());
            let kind = match decl_kind(&g.kind) {
                Kind::Obj(k) => k,
                _ => ObjectKind::Var,
            };
            let init = match self.creation(&g.kind, g.span) {
                Some(Creation::New(n)) => Some(n),
                Some(Creation::Nil) | None => None,
            };
            if let Some(init) = &init {
                for e in operands(init) {
                    if let Some(span) = e.first_read() {
                        self.error(
                            Diagnostic::new("a global initializer cannot read shared state", span)
                                .with_label("a read")
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
        HNew::Chan { cap } => vec![cap],
        HNew::Cond { locker } => vec![locker],
        HNew::Var { init } => vec![init],
        HNew::Timer { duration, .. } => vec![duration],
        HNew::WithCancel {
            parent, timeout, ..
        } => std::iter::once(parent).chain(timeout.iter()).collect(),
        _ => Vec::new(),
    }
}
