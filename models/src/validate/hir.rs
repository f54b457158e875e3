//! The resolved program: what validation hands to lowering. Names are
//! replaced by slots, globals and function ids; control flow is still
//! structured and expressions may still contain visible reads.

use crate::ir::{BinOp, Const, ElemType, FuncId, GlobalId, GroupPart, Metadata, ObjectKind, UnOp};
use crate::span::Span;
use crate::syntax::TimerKind;

/// A local slot of a function, in allocation order (parameters are moved
/// first when the function is lowered).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Slot(pub u32);

/// A resolved expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RExpr {
    /// What it computes.
    pub kind: RKind,
    /// Where it is written.
    pub span: Span,
}

/// Resolved expression kinds. `Load`, `Len` and `CtxErr` are visible reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RKind {
    Const(Const),
    Local(Slot),
    Global(GlobalId),
    Unary(UnOp, Box<RExpr>),
    Binary(BinOp, Box<RExpr>, Box<RExpr>),
    DoneOf(Box<RExpr>),
    ChanOf(Box<RExpr>),
    Cap(Box<RExpr>),
    /// A part of an `errgroup.Group` (pure: made with the group).
    GroupPart(Box<RExpr>, GroupPart),
    CondLocker(Box<RExpr>),
    RLocker(Box<RExpr>),
    /// A plain read of a shared variable or map entry.
    Load(Box<RPlace>),
    /// `len(x)`.
    Len(Box<RExpr>),
    /// `ctx.Err()`.
    CtxErr(Box<RExpr>),
    /// The handle of field `i` of a record (pure).
    Field(Box<RExpr>, u32),
    /// The handle of an element of a slice (pure).
    Elem(Box<RExpr>, Box<RExpr>),
    /// `len(s)` of a slice (pure).
    SliceLen(Box<RExpr>),
    /// A named function as a value.
    Func(FuncId),
    /// `x[low:high]`: a new slice sharing `x`'s elements, made by an
    /// instruction of its own (it may panic: a bound out of range).
    SlicePart(Box<RExpr>, Option<Box<RExpr>>, Option<Box<RExpr>>),
}

impl RExpr {
    /// A constant at `span`.
    pub(crate) fn constant(c: Const, span: Span) -> RExpr {
        RExpr {
            kind: RKind::Const(c),
            span,
        }
    }

    /// Whether evaluating it needs an instruction of its own: a visible
    /// read, or a slice part (which may panic).
    pub(crate) fn has_read(&self) -> bool {
        self.first_instruction().is_some()
    }

    /// The first part of it, in evaluation order, that needs an
    /// instruction of its own: its span, and whether it is a slice part
    /// (else a visible read).
    pub(crate) fn first_instruction(&self) -> Option<(Span, bool)> {
        match &self.kind {
            RKind::Const(_) | RKind::Local(_) | RKind::Global(_) | RKind::Func(_) => None,
            RKind::Unary(_, e)
            | RKind::DoneOf(e)
            | RKind::ChanOf(e)
            | RKind::Cap(e)
            | RKind::GroupPart(e, _)
            | RKind::CondLocker(e)
            | RKind::RLocker(e)
            | RKind::Field(e, _)
            | RKind::SliceLen(e) => e.first_instruction(),
            RKind::Binary(_, a, b) | RKind::Elem(a, b) => {
                a.first_instruction().or_else(|| b.first_instruction())
            }
            RKind::SlicePart(x, low, high) => x
                .first_instruction()
                .or_else(|| {
                    [low, high]
                        .into_iter()
                        .flatten()
                        .find_map(|b| b.first_instruction())
                })
                .or(Some((self.span, true))),
            RKind::Load(_) | RKind::Len(_) | RKind::CtxErr(_) => Some((self.span, false)),
        }
    }
}

/// A shared location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RPlace {
    /// A shared variable, by handle.
    Var(RExpr),
    /// A map entry.
    MapEntry {
        map: RExpr,
        key: RExpr,
        /// What a read of a nil map gives ([`crate::ir::Place::MapEntry`]).
        nil_read: Const,
    },
}

/// Where a result goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HDst {
    /// A local slot.
    Local(Slot),
    /// A shared variable, by handle (a plain store after the operation).
    Var(RExpr),
}

/// What starts an `AfterFunc` callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HCallbackSource {
    /// A timer of this duration fires.
    Timer { duration: RExpr },
    /// This context is done.
    Context { ctx: RExpr },
}

/// What a `New` creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HNew {
    Chan {
        cap: RExpr,
        /// Receives from it closed give nil (its elements are references).
        nil_zero: bool,
        /// Its elements have size zero (`struct{}`).
        zero_size: bool,
    },
    Mutex,
    RwMutex,
    WaitGroup,
    Once,
    Cond {
        locker: RExpr,
    },
    Var {
        init: RExpr,
    },
    Map {
        zero: Const,
    },
    Background,
    WithCancel {
        parent: RExpr,
        cancel: Slot,
        timeout: Option<RExpr>,
    },
    Timer {
        kind: TimerKind,
        duration: RExpr,
    },
    Record {
        ty: crate::ir::RecordId,
        inits: Vec<(u32, RExpr)>,
    },
    Slice {
        elem: crate::ir::Cell,
        len: RExpr,
        /// `None`: the length.
        cap: Option<RExpr>,
    },
    Closure {
        func: FuncId,
        captured: Vec<RExpr>,
    },
    /// `errgroup.Group` (`cancel`: the cancel function of `WithContext`).
    Group {
        cancel: Option<RExpr>,
    },
}

/// A resolved statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HStmt {
    /// What it does.
    pub kind: HKind,
    /// The statement's span.
    pub span: Span,
}

/// A resolved select case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HCase {
    pub kind: HCaseKind,
    pub body: Vec<HStmt>,
    pub span: Span,
}

/// The kinds of select case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HCaseKind {
    Send {
        chan: RExpr,
        value: RExpr,
    },
    Recv {
        chan: RExpr,
        dst: Option<HDst>,
        ok: Option<HDst>,
    },
    After {
        duration: RExpr,
    },
    Default,
}

/// Resolved statement kinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HKind {
    New {
        dst: Slot,
        object: HNew,
    },
    Assign {
        dst: Slot,
        value: RExpr,
    },
    Store {
        place: RPlace,
        value: RExpr,
    },
    MapDelete {
        map: RExpr,
        key: RExpr,
    },
    /// `v, ok := m[k]` of a plain map: one plain read of the map.
    MapLoad {
        map: RExpr,
        key: RExpr,
        nil_read: Const,
        dst: Option<HDst>,
        ok: Option<HDst>,
    },
    /// A method of a `sync.Map`.
    SyncMap {
        map: RExpr,
        op: crate::ir::SyncMapOp,
        key: RExpr,
        value: Option<RExpr>,
        dst: Option<HDst>,
        ok: Option<HDst>,
    },
    Send {
        chan: RExpr,
        value: RExpr,
    },
    Recv {
        chan: RExpr,
        dst: Option<HDst>,
        ok: Option<HDst>,
    },
    Close {
        chan: RExpr,
    },
    Lock {
        mutex: RExpr,
    },
    Unlock {
        mutex: RExpr,
    },
    TryLock {
        mutex: RExpr,
        dst: Option<HDst>,
    },
    RLock {
        mutex: RExpr,
    },
    RUnlock {
        mutex: RExpr,
    },
    WgAdd {
        wg: RExpr,
        delta: RExpr,
    },
    Wait {
        target: RExpr,
        /// Known to be a Cond.
        cond: bool,
    },
    Signal {
        cond: RExpr,
    },
    Broadcast {
        cond: RExpr,
    },
    Cancel {
        cancel: RExpr,
    },
    Stop {
        timer: RExpr,
        dst: Option<HDst>,
    },
    /// `time.AfterFunc` / `context.AfterFunc`: makes the timer or the
    /// registration into `dst` and starts `runner(it, args...)`.
    AfterFunc {
        dst: Option<Slot>,
        source: HCallbackSource,
        runner: FuncId,
        args: Vec<RExpr>,
    },
    /// `dst = append(from, values...)`: a new slice (`spread`: the one
    /// value is a slice whose elements are appended).
    Append {
        dst: Slot,
        from: RExpr,
        values: Vec<RExpr>,
        spread: bool,
        elem: ElemType,
    },
    /// A callback runner waits for its timer or context; `dst` says whether
    /// the callback runs.
    AwaitCallback {
        target: RExpr,
        dst: Slot,
    },
    Reset {
        timer: RExpr,
        duration: RExpr,
        dst: Option<HDst>,
    },
    Sleep {
        duration: Option<RExpr>,
    },
    AtomicLoad {
        var: RExpr,
        dst: HDst,
    },
    AtomicStore {
        var: RExpr,
        value: RExpr,
    },
    AtomicAdd {
        var: RExpr,
        delta: RExpr,
        dst: Option<HDst>,
    },
    CompareAndSwap {
        var: RExpr,
        old: RExpr,
        new: RExpr,
        dst: Option<HDst>,
    },
    Choose {
        dst: HDst,
        values: Vec<RExpr>,
    },
    Panic {
        message: String,
    },
    Assert {
        cond: RExpr,
        message: String,
    },
    Recover {
        dst: Option<HDst>,
    },
    Go {
        func: FuncId,
        args: Vec<RExpr>,
    },
    Call {
        func: FuncId,
        args: Vec<RExpr>,
        dst: Option<HDst>,
        /// Where the results after the first go (`None` drops one).
        more: Vec<Option<HDst>>,
    },
    /// `go f(args)` through a function value.
    GoValue {
        callee: RExpr,
        args: Vec<RExpr>,
    },
    /// `f(args)` through a function value.
    CallValue {
        callee: RExpr,
        args: Vec<RExpr>,
        dst: Option<HDst>,
    },
    /// `once.Do(body)`: `func` is the synthetic body, called with `once` then `args`.
    Do {
        once: RExpr,
        func: FuncId,
        args: Vec<RExpr>,
    },
    If {
        cond: RExpr,
        then: Vec<HStmt>,
        els: Vec<HStmt>,
    },
    For {
        var: Slot,
        from: RExpr,
        to: RExpr,
        body: Vec<HStmt>,
        label: Option<String>,
    },
    /// `for i := range n`: `n` evaluated once into `count`.
    RangeInt {
        count: Slot,
        n: RExpr,
        var: Slot,
        body: Vec<HStmt>,
        label: Option<String>,
    },
    /// `for k, v := range m`: every iteration order. `seen` holds the
    /// iteration's own record of the keys produced so far.
    RangeMap {
        /// `m.Range` of a `sync.Map` (synchronised reads).
        sync: bool,
        map: RExpr,
        seen: Slot,
        key: Option<Slot>,
        value: Option<Slot>,
        body: Vec<HStmt>,
        label: Option<String>,
    },
    While {
        cond: RExpr,
        body: Vec<HStmt>,
        label: Option<String>,
    },
    Loop {
        body: Vec<HStmt>,
        label: Option<String>,
    },
    Range {
        chan: RExpr,
        var: Option<Slot>,
        body: Vec<HStmt>,
        label: Option<String>,
    },
    Select {
        cases: Vec<HCase>,
        label: Option<String>,
    },
    /// `switch`: the tag (if any) is stored in its slot first; each case's
    /// condition compares it with the case's values, left to right.
    Switch {
        tag: Option<(Slot, RExpr)>,
        cases: Vec<(RExpr, Vec<HStmt>)>,
        default: Option<Vec<HStmt>>,
        label: Option<String>,
    },
    Either {
        branches: Vec<Vec<HStmt>>,
    },
    Break {
        label: Option<String>,
    },
    Continue {
        label: Option<String>,
    },
    Return {
        value: Option<RExpr>,
        /// The values after the first.
        more: Vec<RExpr>,
    },
    Defer {
        body: Vec<HStmt>,
    },
    /// Statements in the current scope: the code of a library call (the
    /// `errgroup` methods are Go's own code).
    Seq(Vec<HStmt>),
    /// Code that runs only when some group has a limit (`SetLimit` is
    /// used somewhere): the accesses to `g.sem`, which would otherwise
    /// only add steps that read nil.
    IfLimited(Vec<HStmt>),
}

/// How a function's code is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FnFrame {
    /// Plain code.
    Plain,
    /// The body of `once.Do`: its first parameter is the Once, marked done
    /// by a deferred `OnceExit`.
    Once,
}

/// A resolved function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HFunc {
    pub name: String,
    pub span: Span,
    pub frame: FnFrame,
    /// Every slot's name, by [`Slot`].
    pub slots: Vec<String>,
    /// The parameter slots, in order.
    pub params: Vec<Slot>,
    /// The named first result's slot (Go's result variable), read when
    /// the function returns; `None` when the results are unnamed.
    pub first_result: Option<Slot>,
    /// The slots holding the results after the first while the function
    /// returns (for a function returning several values): the named
    /// results after the first, else slots of their own.
    pub results: Vec<Slot>,
    /// The first result's value until a `Return` sets it (its zero value),
    /// for unnamed results.
    pub ret_zero: Const,
    pub body: Vec<HStmt>,
}

/// A resolved package-level object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HGlobal {
    pub name: String,
    pub init: Option<HNew>,
    pub kind: ObjectKind,
    pub span: Span,
}

/// A validated, resolved scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HProgram {
    pub meta: Metadata,
    /// Record types, by id.
    pub types: Vec<crate::ir::RecordType>,
    /// Functions used as values, ascending.
    pub func_values: Vec<FuncId>,
    /// The runners of `time.AfterFunc` callbacks, ascending (what a
    /// timer's `Reset` may start again).
    pub timer_runners: Vec<FuncId>,
    pub globals: Vec<HGlobal>,
    /// By [`FuncId`]; `main` is id 0.
    pub funcs: Vec<HFunc>,
    /// Whether `SetLimit` is used (keeps [`HKind::IfLimited`] code).
    pub limited: bool,
}
