//! Run-time values and object handles.

use std::fmt;

/// A handle to an object in [`crate::state::State::objects`]. Handles are
/// renumbered canonically after every step (see [`crate::state::canonical`]),
/// so two states that differ only in the order objects were created compare equal.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ObjRef(pub u32);

impl ObjRef {
    /// The handle as an index into the object table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An error value: the error a context reports from `Err()` once it is
/// done, or one made by `errors.New`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum CtxError {
    /// `context.Canceled`
    Canceled,
    /// `context.DeadlineExceeded`
    DeadlineExceeded,
    /// `errors.New(text)`, by the text's index in the program's
    /// [`weft_models::ir::Metadata::errors`].
    New(u32),
}

/// A value held in a local, a variable, a map or a channel buffer.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Value {
    /// `nil` (also the zero value of every object type).
    #[default]
    Nil,
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A context error.
    Err(CtxError),
    /// A handle to an object (channel, mutex, variable, context, ...).
    Obj(ObjRef),
    /// A context's cancel function.
    Cancel(ObjRef),
    /// `rw.RLocker()`: an RWMutex as a Locker whose `Lock` and `Unlock` are
    /// `RLock` and `RUnlock`.
    RLocker(ObjRef),
    /// A named function as a value (closures are objects).
    Func(weft_models::ir::FuncId),
    /// A string, by its text's index in the program's
    /// [`weft_models::ir::Metadata::strings`] (interned: equal strings
    /// have equal indexes).
    Str(u32),
}

impl Value {
    /// The object this value refers to, if any.
    pub(crate) fn object(self) -> Option<ObjRef> {
        match self {
            Value::Obj(r) | Value::Cancel(r) | Value::RLocker(r) => Some(r),
            _ => None,
        }
    }

    /// Rewrites the handle inside the value through `map`.
    pub(crate) fn remap(self, map: &[u32]) -> Value {
        match self {
            Value::Obj(r) => Value::Obj(ObjRef(map[r.index()])),
            Value::Cancel(r) => Value::Cancel(ObjRef(map[r.index()])),
            Value::RLocker(r) => Value::RLocker(ObjRef(map[r.index()])),
            v => v,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Err(CtxError::Canceled) => f.write_str("context.Canceled"),
            Value::Err(CtxError::DeadlineExceeded) => f.write_str("context.DeadlineExceeded"),
            Value::Err(CtxError::New(i)) => write!(f, "errors.New(#{i})"),
            Value::Obj(r) => write!(f, "&obj{}", r.0),
            Value::Cancel(r) => write!(f, "cancel(obj{})", r.0),
            Value::RLocker(r) => write!(f, "&obj{}.RLocker()", r.0),
            Value::Func(id) => write!(f, "func#{}", id.0),
            Value::Str(i) => write!(f, "string#{i}"),
        }
    }
}
