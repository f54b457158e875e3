//! Lowering: the resolved program ([`crate::validate`]'s output) to the IR
//! the checker runs ([`crate::ir::Program`]).
//!
//! Structured control flow becomes jumps to labels that are patched at the
//! end of each function; visible reads inside expressions become `Load`,
//! `Len` and `CtxErr` instructions into temporaries (see [`exprs`]); slots
//! are renumbered so parameters come first, then declarations, then
//! temporaries (`$t0`, `$t1`, ..., reused between statements).

mod control;
mod exprs;
mod stmts;
#[cfg(test)]
mod tests;

use crate::diagnostic::Diagnostic;
use crate::ir::{
    Const, Expr, FuncId, Function, Global, Instr, LocalId, NewObject, Op, Pc, Program,
};
use crate::span::Span;
use crate::validate::hir::{FnFrame, HFunc, HNew, HProgram, HStmt, RExpr, RKind, Slot};

/// Lowers a validated program. Fails only on an internal inconsistency
/// (reported as an "internal error" diagnostic, never a panic).
pub(crate) fn lower(h: &HProgram) -> Result<Program, Box<Diagnostic>> {
    let mut globals = Vec::with_capacity(h.globals.len());
    for g in &h.globals {
        let init = match &g.init {
            Some(n) => {
                Some(global_object(n).ok_or_else(|| internal("global initializer", g.span))?)
            }
            None => None,
        };
        globals.push(Global {
            name: g.name.clone(),
            init,
            kind: g.kind,
            span: g.span,
        });
    }
    let mut funcs = Vec::with_capacity(h.funcs.len());
    for f in &h.funcs {
        let mut l = FnLower::new(f);
        l.func_values = &h.func_values;
        l.timer_runners = &h.timer_runners;
        l.limited = h.limited;
        funcs.push(l.run()?);
    }
    Ok(Program {
        adds_ahead: crate::adds::adds_ahead(&funcs),
        dones_ahead: crate::dones::dones_ahead(&funcs),
        types: h.types.clone(),
        meta: h.meta.clone(),
        globals,
        funcs,
        main: FuncId(0),
    })
}

fn internal(what: &str, span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(format!("internal error while lowering {what}"), span)
            .with_label("please report this as a weft bug"),
    )
}

/// A global initializer: constants and earlier globals only.
fn global_object(n: &HNew) -> Option<NewObject> {
    let e = |x: &RExpr| global_expr(x);
    Some(match n {
        HNew::Chan {
            cap,
            nil_zero,
            zero_size,
        } => NewObject::Chan {
            cap: e(cap)?,
            nil_zero: *nil_zero,
            zero_size: *zero_size,
        },
        HNew::Mutex => NewObject::Mutex,
        HNew::RwMutex => NewObject::RwMutex,
        HNew::WaitGroup => NewObject::WaitGroup,
        HNew::Once => NewObject::Once,
        HNew::Cond { locker } => NewObject::Cond { locker: e(locker)? },
        HNew::Var { init } => NewObject::Var { init: e(init)? },
        HNew::Map { zero } => NewObject::Map { zero: *zero },
        HNew::Background => NewObject::Background,
        HNew::Timer { kind, duration } => NewObject::Timer {
            kind: *kind,
            duration: e(duration)?,
        },
        HNew::Record { ty, inits } => NewObject::Record {
            ty: *ty,
            inits: inits
                .iter()
                .map(|(i, v)| Some((*i, e(v)?)))
                .collect::<Option<Vec<_>>>()?,
        },
        HNew::Slice { elem, len, cap } => NewObject::Slice {
            elem: elem.clone(),
            len: e(len)?,
            cap: match cap {
                Some(c) => Some(e(c)?),
                None => None,
            },
        },
        HNew::WithCancel { .. } | HNew::Closure { .. } | HNew::Group { .. } => return None,
    })
}

fn global_expr(x: &RExpr) -> Option<Expr> {
    let b = |x: &RExpr| global_expr(x).map(Box::new);
    Some(match &x.kind {
        RKind::Const(c) => Expr::Const(*c),
        RKind::Global(g) => Expr::Global(*g),
        RKind::Unary(op, a) => Expr::Unary(*op, b(a)?),
        RKind::Binary(op, l, r) => Expr::Binary(*op, b(l)?, b(r)?),
        RKind::DoneOf(a) => Expr::DoneOf(b(a)?),
        RKind::ChanOf(a) => Expr::ChanOf(b(a)?),
        RKind::Cap(a) => Expr::Cap(b(a)?),
        RKind::GroupPart(a, p) => Expr::GroupPart(b(a)?, *p),
        RKind::CondLocker(a) => Expr::CondLocker(b(a)?),
        RKind::RLocker(a) => Expr::RLocker(b(a)?),
        RKind::Field(a, i) => Expr::Field(b(a)?, *i),
        RKind::Elem(a, i) => Expr::Elem(b(a)?, b(i)?),
        RKind::SliceLen(a) => Expr::SliceLen(b(a)?),
        RKind::Func(f) => Expr::Func(*f),
        RKind::Local(_)
        | RKind::Load(_)
        | RKind::Len(_)
        | RKind::CtxErr(_)
        | RKind::SlicePart(..) => return None,
    })
}

/// A forward or backward jump target inside one function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Label(usize);

/// Which target field of an instruction a label fills.
#[derive(Clone, Copy, Debug)]
enum Field {
    /// `Jump`, `JumpIfNot`, `Defer`, `OnceEnter`.
    Target,
    /// The target of select arm `i`.
    Arm(usize),
    /// The select's `default`.
    Default,
}

/// Where `break` and `continue` go.
struct Breakable<'h> {
    brk: Label,
    cont: Option<Label>,
    /// The statement's label, for `Break("l")` and `Continue("l")`.
    label: Option<&'h str>,
}

/// Lowers one function.
struct FnLower<'h> {
    f: &'h HFunc,
    /// Functions used as values: what a call through a value may run.
    func_values: &'h [FuncId],
    /// The runners of `time.AfterFunc` callbacks.
    timer_runners: &'h [FuncId],
    /// Final local id of each slot.
    map: Vec<u32>,
    names: Vec<String>,
    /// Temporaries: first id, next free, and how many names exist.
    temp_base: u32,
    temp_next: u32,
    code: Vec<Instr>,
    labels: Vec<Option<u32>>,
    patches: Vec<(usize, Field, Label)>,
    breakables: Vec<Breakable<'h>>,
    /// Inside a deferred body: where `Return` goes.
    defer_end: Option<Label>,
    /// Deferred bodies to emit after the function's code.
    pending: Vec<(Label, &'h [HStmt], Span)>,
    /// The span of the statement being lowered.
    span: Span,
    broken: Option<&'static str>,
    /// Whether [`crate::validate::hir::HKind::IfLimited`] code is kept.
    limited: bool,
}

impl<'h> FnLower<'h> {
    fn new(f: &'h HFunc) -> FnLower<'h> {
        let n = f.slots.len();
        let mut order: Vec<usize> = f.params.iter().map(|s| s.0 as usize).collect();
        order.extend((0..n).filter(|i| !f.params.iter().any(|p| p.0 as usize == *i)));
        let mut map = vec![0u32; n];
        let mut names = Vec::with_capacity(n);
        for (final_id, &slot) in order.iter().enumerate() {
            if let Some(m) = map.get_mut(slot) {
                *m = u32::try_from(final_id).unwrap_or(u32::MAX);
            }
            names.push(f.slots.get(slot).cloned().unwrap_or_default());
        }
        let base = u32::try_from(names.len()).unwrap_or(u32::MAX);
        FnLower {
            f,
            func_values: &[],
            timer_runners: &[],
            map,
            names,
            temp_base: base,
            temp_next: base,
            code: Vec::new(),
            labels: Vec::new(),
            patches: Vec::new(),
            breakables: Vec::new(),
            defer_end: None,
            pending: Vec::new(),
            span: f.span,
            broken: None,
            limited: false,
        }
    }

    fn run(mut self) -> Result<Function, Box<Diagnostic>> {
        let f = self.f;
        let once_exit = self.label();
        if f.frame == FnFrame::Once {
            self.emit_to(Op::Defer { entry: Pc(0) }, Field::Target, once_exit);
        }
        self.block(&f.body);
        self.span = f.span;
        self.emit(Op::Return {
            value: None,
            more: Vec::new(),
        });
        if f.frame == FnFrame::Once {
            self.bind(once_exit);
            self.emit(Op::OnceExit {
                once: Expr::Local(LocalId(0)),
            });
            self.emit(Op::EndDefer);
        }
        let mut i = 0;
        while let Some(&(entry, body, span)) = self.pending.get(i) {
            i += 1;
            self.bind(entry);
            let end = self.label();
            self.defer_end = Some(end);
            let saved = std::mem::take(&mut self.breakables);
            self.block(body);
            self.breakables = saved;
            self.bind(end);
            self.span = span;
            self.emit(Op::EndDefer);
            self.defer_end = None;
        }
        self.patch();
        if let Some(what) = self.broken {
            return Err(internal(what, f.span));
        }
        let first_result = f.first_result.map(|s| self.local(s));
        let results: Vec<LocalId> = f.results.iter().map(|s| self.local(*s)).collect();
        let live: Vec<LocalId> = first_result.iter().chain(&results).copied().collect();
        let dead = crate::liveness::dead_locals(&self.code, self.names.len(), &live);
        Ok(Function {
            name: f.name.clone(),
            param_count: u32::try_from(f.params.len()).unwrap_or(u32::MAX),
            local_names: self.names,
            code: self.code,
            span: f.span,
            dead,
            first_result,
            results,
            ret_zero: f.ret_zero,
        })
    }

    /// Marks an internal inconsistency (lowering continues, then fails).
    fn broken(&mut self, what: &'static str) {
        self.broken.get_or_insert(what);
    }

    fn local(&mut self, s: Slot) -> LocalId {
        match self.map.get(s.0 as usize) {
            Some(&id) => LocalId(id),
            None => {
                self.broken("a local slot");
                LocalId(0)
            }
        }
    }

    /// A temporary, free again after [`FnLower::release`] to a mark taken before.
    fn temp(&mut self) -> LocalId {
        let id = self.temp_next;
        self.temp_next += 1;
        let k = id - self.temp_base;
        if self.names.len() <= id as usize {
            self.names.push(format!("$t{k}"));
        }
        LocalId(id)
    }

    fn mark(&self) -> u32 {
        self.temp_next
    }

    fn release(&mut self, mark: u32) {
        self.temp_next = mark;
    }

    fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    fn bind(&mut self, l: Label) {
        let pc = u32::try_from(self.code.len()).unwrap_or(u32::MAX);
        if let Some(slot) = self.labels.get_mut(l.0) {
            *slot = Some(pc);
        }
    }

    fn emit(&mut self, op: Op) {
        let span = self.span;
        self.emit_at(op, span);
    }

    fn emit_at(&mut self, op: Op, span: Span) {
        self.code.push(Instr { op, span });
    }

    /// Emits an instruction whose `field` jumps to `l`.
    fn emit_to(&mut self, op: Op, field: Field, l: Label) {
        self.patches.push((self.code.len(), field, l));
        self.emit(op);
    }

    fn jump(&mut self, l: Label) {
        self.emit_to(Op::Jump { target: Pc(0) }, Field::Target, l);
    }

    fn jump_if_not(&mut self, cond: Expr, l: Label) {
        self.emit_to(
            Op::JumpIfNot {
                cond,
                target: Pc(0),
            },
            Field::Target,
            l,
        );
    }

    fn patch(&mut self) {
        let patches = std::mem::take(&mut self.patches);
        for (at, field, l) in patches {
            let Some(Some(pc)) = self.labels.get(l.0).copied() else {
                self.broken("a jump");
                continue;
            };
            let pc = Pc(pc);
            let Some(instr) = self.code.get_mut(at) else {
                self.broken("a jump");
                continue;
            };
            match (&mut instr.op, field) {
                (
                    Op::Jump { target }
                    | Op::JumpIfNot { target, .. }
                    | Op::Defer { entry: target }
                    | Op::OnceEnter { skip: target, .. },
                    Field::Target,
                ) => *target = pc,
                (Op::Select { arms, .. }, Field::Arm(i)) => match arms.get_mut(i) {
                    Some(arm) => arm.target = pc,
                    None => self.broken("a select arm"),
                },
                (Op::Select { default, .. }, Field::Default) => *default = Some(pc),
                _ => self.broken("a jump"),
            }
        }
    }

    fn block(&mut self, stmts: &'h [HStmt]) {
        let outer = self.span;
        for s in stmts {
            let mark = self.mark();
            self.span = s.span;
            self.stmt(s);
            self.release(mark);
        }
        self.span = outer;
    }
}

/// Integer constant helper.
fn int(v: i64) -> Expr {
    Expr::Const(Const::Int(v))
}
