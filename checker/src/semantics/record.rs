//! Records, slices and function values.
//!
//! A record or slice is an object holding the handles of its *cells*, fixed
//! when it is made: each field or element is an object of its own (a shared
//! variable for a value or reference, a mutex or WaitGroup held by value,
//! a nested record or array). Reading a field's handle is therefore pure
//! (like a context's `Done()` channel), and two goroutines using different
//! fields touch different objects: they never conflict, as in Go. Reading or
//! writing a value field is a plain access of its cell (a race when
//! unordered); locking a mutex field is a lock of that mutex.
//!
//! A closure is an object holding its function and the values it captured
//! when it was made; calling it passes the arguments, then the captured
//! values.

use smallvec::SmallVec;
use weft_models::ir::{Cell, ElemType, FuncId, ObjectKind, Program, RecordId};

use super::eval::constant;
use super::variable::VarState;
use super::Fault;
use crate::state::{Object, State};
use crate::value::{ObjRef, Value};

/// A record: the handles of its fields' cells, in declaration order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RecordState {
    /// Its type.
    pub ty: RecordId,
    /// One cell per field.
    pub fields: SmallVec<[ObjRef; 4]>,
}

/// A slice (or an array held by value): the handles of the cells of the
/// backing array it sees, its elements first, then its spare capacity.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SliceState {
    /// One cell per element, then one per place of spare capacity (`cap`
    /// is their number).
    pub elems: Vec<ObjRef>,
    /// How many of `elems` are the slice's elements (`len`).
    pub len: u32,
}

impl SliceState {
    /// A slice whose elements are all of `elems` (no spare capacity).
    pub fn full(elems: Vec<ObjRef>) -> SliceState {
        let len = u32::try_from(elems.len()).unwrap_or(u32::MAX);
        SliceState { elems, len }
    }

    /// The cells of its elements.
    pub fn elements(&self) -> &[ObjRef] {
        self.elems.get(..self.len as usize).unwrap_or(&self.elems)
    }

    /// Whether `n` more elements fit in its spare capacity (an `append`
    /// of them writes in place).
    pub fn spare_for(&self, n: usize) -> bool {
        self.len as usize + n <= self.elems.len()
    }
}

/// A function value with the values it captured.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ClosureState {
    /// The function.
    pub func: FuncId,
    /// Captured values, passed after the arguments.
    pub captured: SmallVec<[Value; 2]>,
}

/// Go's message for a nil pointer dereference.
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

/// Makes a cell (and everything it holds in place), iteratively: a record
/// nested in a record, an array of records, ...
pub(crate) fn make(state: &mut State, prog: &Program, top: &Cell) -> ObjRef {
    // (parent, slot, cell): a child still to make and where it goes.
    let mut work: Vec<(ObjRef, usize, &Cell)> = Vec::new();
    let root = shell(state, prog, top, &mut work);
    while let Some((parent, slot, cell)) = work.pop() {
        let child = shell(state, prog, cell, &mut work);
        match state.object_mut(parent) {
            Object::Record(r) => r.fields[slot] = child,
            Object::Slice(s) => s.elems[slot] = child,
            _ => {}
        }
    }
    root
}

/// Allocates the object of one cell, with placeholders for the children
/// it holds in place (pushed on `work`).
fn shell<'p>(
    state: &mut State,
    prog: &'p Program,
    cell: &'p Cell,
    work: &mut Vec<(ObjRef, usize, &'p Cell)>,
) -> ObjRef {
    let placeholder = ObjRef(u32::MAX);
    match cell {
        Cell::Value(c) => state.alloc(Object::Var(VarState {
            value: constant(*c),
        })),
        Cell::Object(k) => state.alloc(match k {
            ObjectKind::RwMutex => Object::RwMutex(Default::default()),
            ObjectKind::WaitGroup => Object::WaitGroup(Default::default()),
            ObjectKind::Once => Object::Once(Default::default()),
            // Validation admits only the four sync types by value.
            _ => Object::Mutex(Default::default()),
        }),
        Cell::Record(id) => {
            let fields = prog.types.get(id.index()).map_or(&[][..], |t| &t.fields);
            let r = state.alloc(Object::Record(RecordState {
                ty: *id,
                fields: smallvec::smallvec![placeholder; fields.len()],
            }));
            for (i, (_, c)) in fields.iter().enumerate() {
                work.push((r, i, c));
            }
            r
        }
        Cell::Array(elem, n) => {
            let s = state.alloc(Object::Slice(SliceState::full(vec![
                placeholder;
                *n as usize
            ])));
            for i in 0..*n as usize {
                work.push((s, i, elem));
            }
            s
        }
    }
}

/// `append(from, vs...)`. When they fit in the spare capacity (`len + n
/// <= cap`), the values go into the next cells of the backing array, in
/// place, and the new slice sees them as elements of the same array:
/// every other slice of that array sees the writes, as in Go. Else a new
/// array holding copies of the elements (a nil slice has none), then the
/// values, then the room Go's growth leaves for the element type (zero
/// values, [`super::growth`]): two appends to one grown slice write the
/// same cell, as in Go. Elements held by value that are not values (a
/// mutex, a record) cannot be copied: `go vet` flags such copies.
pub(crate) fn append(
    state: &mut State,
    prog: &Program,
    from: Value,
    vs: &[Value],
    elem: &ElemType,
) -> Result<ObjRef, Fault> {
    let old = slice_of(state, from, "append")?
        .cloned()
        .unwrap_or_else(|| SliceState::full(Vec::new()));
    // Each element is `width` values: one, or a record's fields.
    let width = match elem.record {
        Some(id) => prog.types.get(id.index()).map_or(0, |t| t.fields.len()),
        None => 1,
    };
    if width == 0 || !vs.len().is_multiple_of(width) {
        return Err(Fault::Internal(
            "an append whose values do not make whole elements".into(),
        ));
    }
    let count = vs.len() / width;
    let n = u32::try_from(count)
        .map_err(|_| Fault::Panic("runtime error: growslice: len out of range".into()))?;
    if old.spare_for(count) {
        let past = old.elems.get(old.len as usize..).unwrap_or(&[]);
        for (&cell, values) in past.iter().zip(vs.chunks(width)) {
            set_values(state, cell, values)?;
        }
        let grown = SliceState {
            len: old.len + n,
            elems: old.elems,
        };
        return Ok(state.alloc(Object::Slice(grown)));
    }
    let len = old.len + n;
    let layout = elem.layout.ok_or_else(|| {
        Fault::Internal("an append whose element type validation did not know".into())
    })?;
    let cap = super::growth::grown_capacity(old.elems.len() as u64, u64::from(len), layout);
    let cap = u32::try_from(cap)
        .map_err(|_| Fault::Panic("runtime error: growslice: len out of range".into()))?;
    // A new element: a cell holding a value, or a record made in place.
    let fresh = |state: &mut State| match elem.record {
        Some(id) => make(state, prog, &Cell::Record(id)),
        None => state.alloc(Object::Var(VarState {
            value: constant(elem.zero),
        })),
    };
    let mut elems = Vec::with_capacity(cap as usize);
    for &c in old.elements() {
        let values = values_of(state, c)?;
        let e = fresh(state);
        set_values(state, e, &values)?;
        elems.push(e);
    }
    for values in vs.chunks(width) {
        let e = fresh(state);
        set_values(state, e, values)?;
        elems.push(e);
    }
    while elems.len() < cap as usize {
        let e = fresh(state);
        elems.push(e);
    }
    Ok(state.alloc(Object::Slice(SliceState { elems, len })))
}

/// The cells holding the values of element `cell` of a slice: itself, or
/// the fields of a record whose fields are all values. Anything else
/// cannot be copied (a mutex by value: a copy go vet flags).
pub(crate) fn value_cells(state: &State, cell: ObjRef) -> Result<SmallVec<[ObjRef; 4]>, Fault> {
    let by_value = |o: &Object| {
        Fault::Model(format!(
            "append copies the elements, and this slice holds {} by value (a copy go vet flags)",
            o.describe()
        ))
    };
    match state.object(cell) {
        Object::Var(_) => Ok(smallvec::smallvec![cell]),
        Object::Record(r) => {
            for &f in &r.fields {
                if !matches!(state.object(f), Object::Var(_)) {
                    return Err(by_value(state.object(f)));
                }
            }
            Ok(r.fields.clone())
        }
        o => Err(by_value(o)),
    }
}

/// The values element `cell` holds ([`value_cells`]).
fn values_of(state: &State, cell: ObjRef) -> Result<SmallVec<[Value; 4]>, Fault> {
    Ok(value_cells(state, cell)?
        .iter()
        .map(|&c| match state.object(c) {
            Object::Var(x) => x.value,
            _ => Value::Nil,
        })
        .collect())
}

/// Writes `values` into the cells of element `cell` ([`value_cells`]).
fn set_values(state: &mut State, cell: ObjRef, values: &[Value]) -> Result<(), Fault> {
    for (c, &v) in value_cells(state, cell)?.into_iter().zip(values) {
        if let Object::Var(x) = state.object_mut(c) {
            x.value = v;
        }
    }
    Ok(())
}

/// The slice `v` is (`None`: nil), or why `what` cannot take it.
fn slice_of<'s>(state: &'s State, v: Value, what: &str) -> Result<Option<&'s SliceState>, Fault> {
    match v {
        Value::Nil => Ok(None),
        Value::Obj(r) => match state.object(r) {
            Object::Slice(s) => Ok(Some(s)),
            o => Err(Fault::Model(format!(
                "{what} needs a slice, found {}",
                o.describe()
            ))),
        },
        other => Err(Fault::Model(format!(
            "{what} needs a slice, found {other:?}"
        ))),
    }
}

/// The values of the elements of slice `v` (a nil slice has none), as
/// `append(xs, v...)` copies them: a record's field values in order.
pub(crate) fn elements(state: &State, v: Value) -> Result<SmallVec<[Value; 2]>, Fault> {
    let Some(s) = slice_of(state, v, "`...`")? else {
        return Ok(SmallVec::new());
    };
    let mut out = SmallVec::new();
    for &c in s.elements() {
        out.extend(values_of(state, c)?);
    }
    Ok(out)
}

/// Sets value field `field` of a record just made.
pub(crate) fn init_field(
    state: &mut State,
    rec: ObjRef,
    field: u32,
    v: Value,
) -> Result<(), Fault> {
    let cell = match state.object(rec) {
        Object::Record(r) => r.fields.get(field as usize).copied(),
        _ => None,
    }
    .ok_or_else(|| Fault::Internal("a record field out of range".into()))?;
    match state.object_mut(cell) {
        Object::Var(x) => {
            x.value = v;
            Ok(())
        }
        _ => Err(Fault::Internal(
            "a record's value field is not a cell".into(),
        )),
    }
}

/// The handle of field `i` of the record `v`.
pub(crate) fn field(state: &State, v: Value, i: u32) -> Result<Value, Fault> {
    match v {
        Value::Nil => Err(Fault::Panic(NIL_DEREF.into())),
        Value::Obj(r) => match state.object(r) {
            Object::Record(rec) => rec
                .fields
                .get(i as usize)
                .map(|&f| Value::Obj(f))
                .ok_or_else(|| Fault::Internal("a record field out of range".into())),
            o => Err(Fault::Model(format!(
                "a field of {} is read, but only records have fields",
                o.describe()
            ))),
        },
        v => Err(Fault::Model(format!("expected a record, found `{v}`"))),
    }
}

/// The handle of element `index` of the slice `v` (Go's message when out of range).
pub(crate) fn elem(state: &State, v: Value, index: i64) -> Result<Value, Fault> {
    let elems: &[ObjRef] = match v {
        Value::Nil => &[],
        Value::Obj(r) => match state.object(r) {
            Object::Slice(s) => s.elements(),
            o => {
                return Err(Fault::Model(format!(
                    "{} is indexed like a slice",
                    o.describe()
                )))
            }
        },
        v => return Err(Fault::Model(format!("expected a slice, found `{v}`"))),
    };
    usize::try_from(index)
        .ok()
        .and_then(|i| elems.get(i))
        .map(|&e| Value::Obj(e))
        .ok_or_else(|| {
            Fault::Panic(format!(
                "runtime error: index out of range [{index}] with length {}",
                elems.len()
            ))
        })
}

/// `len(s)` of a slice.
pub(crate) fn len(state: &State, v: Value) -> Result<i64, Fault> {
    match v {
        Value::Nil => Ok(0),
        Value::Obj(r) => match state.object(r) {
            Object::Slice(s) => Ok(i64::from(s.len)),
            o => Err(Fault::Model(format!("len of {} as a slice", o.describe()))),
        },
        v => Err(Fault::Model(format!("expected a slice, found `{v}`"))),
    }
}

/// `cap(s)` of a slice: its elements and its spare capacity.
pub(crate) fn cap(state: &State, v: Value) -> Result<i64, Fault> {
    match v {
        Value::Nil => Ok(0),
        Value::Obj(r) => match state.object(r) {
            Object::Slice(s) => Ok(s.elems.len() as i64),
            o => Err(Fault::Model(format!("cap of {} as a slice", o.describe()))),
        },
        v => Err(Fault::Model(format!("expected a slice, found `{v}`"))),
    }
}

/// `of[low:high]`: a slice of `of`'s backing array from `low` (0) up to
/// `high` (its length; at most its capacity), with the capacity left
/// after `low`: it shares `of`'s cells, so a write through either is seen
/// through the other, as in Go. A nil slice's `[0:0]` is nil. The
/// messages are Go's.
pub(crate) fn part(
    state: &mut State,
    of: Value,
    low: Option<i64>,
    high: Option<i64>,
) -> Result<Value, Fault> {
    let cap = cap(state, of)?;
    let (lo, hi) = (low.unwrap_or(0), high.map_or_else(|| len(state, of), Ok)?);
    let out_of_range =
        |what: String| Fault::Panic(format!("runtime error: slice bounds out of range {what}"));
    if hi < 0 {
        return Err(out_of_range(format!("[:{hi}]")));
    }
    if hi > cap {
        return Err(out_of_range(format!("[:{hi}] with capacity {cap}")));
    }
    if lo < 0 {
        return Err(out_of_range(format!("[{lo}:]")));
    }
    if lo > hi {
        return Err(out_of_range(format!("[{lo}:{hi}]")));
    }
    let Value::Obj(r) = of else {
        return Ok(Value::Nil);
    };
    let elems = match state.object(r) {
        Object::Slice(s) => s.elems[lo as usize..].to_vec(),
        o => return Err(Fault::Model(format!("a slice part of {}", o.describe()))),
    };
    let len = (hi - lo) as u32;
    Ok(Value::Obj(
        state.alloc(Object::Slice(SliceState { elems, len })),
    ))
}

/// What calling the function value `v` with `args` runs: the function and
/// its arguments (the captured values last). Calling nil panics, as in Go.
pub(crate) fn callee(
    state: &State,
    prog: &Program,
    v: Value,
    mut args: SmallVec<[Value; 6]>,
) -> Result<(FuncId, SmallVec<[Value; 6]>), Fault> {
    let func = match v {
        Value::Nil => return Err(Fault::Panic(NIL_DEREF.into())),
        Value::Func(f) => f,
        Value::Obj(r) => match state.object(r) {
            Object::Closure(c) => {
                args.extend(c.captured.iter().copied());
                c.func
            }
            o => {
                return Err(Fault::Model(format!(
                    "{} is called, but only functions can be",
                    o.describe()
                )))
            }
        },
        v => return Err(Fault::Model(format!("expected a function, found `{v}`"))),
    };
    let want = prog
        .funcs
        .get(func.index())
        .map_or(0, |f| f.param_count as usize);
    if want != args.len() {
        return Err(Fault::Model(format!(
            "`{}` is called with {} values, but takes {want}",
            prog.funcs
                .get(func.index())
                .map_or("?", |f| f.name.as_str()),
            args.len()
        )));
    }
    Ok((func, args))
}
