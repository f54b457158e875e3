//! `errgroup.Group`: the objects of Go's own implementation
//! (golang.org/x/sync/errgroup), made together. The methods are lowered to
//! Go's code over them (models/src/validate/errgroup.rs), so the group
//! itself has no operations: it only holds its parts, which never change.

use weft_models::ir::GroupPart;

use super::Exec;
use crate::semantics::variable::VarState;
use crate::state::Object;
use crate::value::{ObjRef, Value};

/// The parts of a group.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct GroupState {
    /// `g.wg`, a WaitGroup.
    pub wg: ObjRef,
    /// `g.errOnce`, a Once.
    pub err_once: ObjRef,
    /// `g.err`, a shared variable.
    pub err: ObjRef,
    /// `g.sem`, a shared variable holding the limit's channel or nil.
    pub sem: ObjRef,
    /// `g.cancel`: the cancel function of `errgroup.WithContext`, or nil.
    pub cancel: Value,
}

impl GroupState {
    /// The value of a part.
    pub(crate) fn part(&self, p: GroupPart) -> Value {
        match p {
            GroupPart::Wg => Value::Obj(self.wg),
            GroupPart::ErrOnce => Value::Obj(self.err_once),
            GroupPart::Err => Value::Obj(self.err),
            GroupPart::Sem => Value::Obj(self.sem),
            GroupPart::Cancel => self.cancel,
        }
    }

    /// Every handle it holds, in a fixed order.
    pub(crate) fn values(&self) -> [Value; 5] {
        [
            Value::Obj(self.wg),
            Value::Obj(self.err_once),
            Value::Obj(self.err),
            Value::Obj(self.sem),
            self.cancel,
        ]
    }

    /// Rewrites its handles through `map`.
    pub(crate) fn remap(&mut self, map: &[u32]) {
        let r = |x: ObjRef| ObjRef(map[x.index()]);
        self.wg = r(self.wg);
        self.err_once = r(self.err_once);
        self.err = r(self.err);
        self.sem = r(self.sem);
        self.cancel = self.cancel.remap(map);
    }
}

/// Makes a group: a zero WaitGroup and Once, `err` and `sem` nil, and the
/// cancel function of `errgroup.WithContext` (nil for a zero group).
pub(crate) fn create(ex: &mut Exec, cancel: Value) -> ObjRef {
    let wg = ex.state.alloc(Object::WaitGroup(Default::default()));
    let err_once = ex.state.alloc(Object::Once(Default::default()));
    let err = ex.state.alloc(Object::Var(VarState { value: Value::Nil }));
    let sem = ex.state.alloc(Object::Var(VarState { value: Value::Nil }));
    ex.state.alloc(Object::Group(GroupState {
        wg,
        err_once,
        err,
        sem,
        cancel,
    }))
}
