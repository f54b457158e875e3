//! The values a step of a counterexample shows: the alternative a choice
//! point took (`Choose`'s value, `Either`'s branch), and the locals of the
//! moving goroutine its operation reads and the step writes (shown with
//! `--values`).

use weft_models::ir::{Expr, FuncId, LocalId, Op, Program};
use weft_models::ops;

use crate::counterexample::identity::ObjId;
use crate::semantics::eval::eval;
use crate::state::{Goroutine, State};
use crate::value::{ObjRef, Value};

/// The alternative a choice point took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    /// The local that gets the value (`None` for an `Either`, whose
    /// branch is the choice).
    pub local: Option<String>,
    /// The value chosen (for an `Either`, the 0-based branch).
    pub value: Shown,
    /// Which alternative, 1-based.
    pub alt: u32,
    /// How many alternatives there were.
    pub of: usize,
}

/// A value as a report shows it: objects by their identity along the
/// trace (states renumber their objects after every step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A value that is no handle.
    Plain(Value),
    /// A handle to an object.
    Object(ObjId),
    /// A context's cancel function.
    CancelOf(ObjId),
}

impl Shown {
    /// `value` of a state whose objects `id` identifies.
    pub(crate) fn of(value: Value, id: impl Fn(ObjRef) -> ObjId) -> Shown {
        match value {
            Value::Obj(r) => Shown::Object(id(r)),
            Value::Cancel(r) => Shown::CancelOf(id(r)),
            Value::RLocker(r) => Shown::Object(id(r)),
            v @ (Value::Nil
            | Value::Int(_)
            | Value::Bool(_)
            | Value::Err(_)
            | Value::Func(_)
            | Value::Str(_)) => Shown::Plain(v),
        }
    }
}

/// A local of the moving goroutine a step read or wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalTouch {
    /// Its name.
    pub name: String,
    /// Its value: before the step for a read, after it for a write.
    pub value: Shown,
    /// True for a write.
    pub write: bool,
}

/// Whether a local's name is one the scenario wrote (not a temporary of
/// the lowering, such as an `Either`'s branch number).
fn named(name: &str) -> bool {
    !name.starts_with('$')
}

/// The choice goroutine `g` of `state` makes with alternative `alt`, when
/// its pending operation is a choice point.
pub(crate) fn chosen(
    prog: &Program,
    state: &State,
    g: &Goroutine,
    alt: u32,
    id: impl Fn(ObjRef) -> ObjId,
) -> Option<Chosen> {
    let site = g.site();
    let Op::Choose { dst, values } = &prog.instr(site.func, site.pc).op else {
        return None;
    };
    let value = Shown::of(
        eval(state, &g.top().locals, values.get(alt as usize)?).ok()?,
        id,
    );
    let name = prog.func(site.func).local_names.get(dst.index())?;
    Some(Chosen {
        local: named(name).then(|| name.clone()),
        value,
        alt: alt + 1,
        of: values.len(),
    })
}

/// The named locals the pending operation of `g` reads, with their values.
pub(crate) fn reads(prog: &Program, g: &Goroutine) -> Vec<(String, Value)> {
    let site = g.site();
    let names = &prog.func(site.func).local_names;
    let mut read: Vec<LocalId> = Vec::new();
    ops::expressions(&prog.instr(site.func, site.pc).op, |e, _| {
        // Expressions nest as deep as the scenario writes them: walk them
        // with a stack.
        let mut stack: Vec<&Expr> = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Local(l) => {
                    if !read.contains(l) {
                        read.push(*l);
                    }
                }
                other => stack.extend(other.operands().into_iter().flatten().rev()),
            }
        }
    });
    read.into_iter()
        .filter_map(|l| {
            let name = names.get(l.index())?;
            let value = g.top().locals.get(l.index())?;
            named(name).then(|| (name.clone(), *value))
        })
        .collect()
}

/// The frame of goroutine `g` a step starts in: its depth, its function,
/// and its named locals (`None` for the lowering's temporaries).
pub(crate) struct FrameLocals {
    depth: usize,
    func: FuncId,
    locals: Vec<Option<(String, Shown)>>,
}

/// The named locals of `g`'s top frame, objects identified by `id`.
pub(crate) fn frame_locals(
    prog: &Program,
    g: &Goroutine,
    id: impl Fn(ObjRef) -> ObjId,
) -> FrameLocals {
    let f = g.top();
    FrameLocals {
        depth: g.frames.len() - 1,
        func: f.func,
        locals: locals_of(prog, f.func, &f.locals, &id),
    }
}

fn locals_of(
    prog: &Program,
    func: FuncId,
    values: &[Value],
    id: &impl Fn(ObjRef) -> ObjId,
) -> Vec<Option<(String, Shown)>> {
    let names = &prog.func(func).local_names;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let name = names.get(i)?;
            named(name).then(|| (name.clone(), Shown::of(*v, id)))
        })
        .collect()
}

/// The locals of frame `before` that the step changed, as goroutine
/// `after` (the same goroutine after the step, if it is still alive)
/// holds them.
pub(crate) fn writes(
    prog: &Program,
    before: &FrameLocals,
    after: Option<&Goroutine>,
    id: impl Fn(ObjRef) -> ObjId,
) -> Vec<LocalTouch> {
    let Some(f) = after
        .and_then(|a| a.frames.get(before.depth))
        .filter(|f| f.func == before.func)
    else {
        return Vec::new();
    };
    let now = locals_of(prog, f.func, &f.locals, &id);
    before
        .locals
        .iter()
        .zip(now)
        .filter_map(|(old, new)| match (old, new) {
            (Some((_, o)), Some((name, n))) if *o != n => Some(LocalTouch {
                name,
                value: n,
                write: true,
            }),
            _ => None,
        })
        .collect()
}
