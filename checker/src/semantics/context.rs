//! package context: Background, WithCancel, WithTimeout, cancel, Done, Err.
//!
//! A context's `Done()` is a real channel that cancellation closes, so every
//! receive and select on it follows the channel rules. Cancelling a parent
//! cancels its children. A derived context whose cancel function is never
//! called is a context leak: detected either when the last handle to the
//! cancel function disappears (`state::canonical`), or when the run ends or
//! cycles with the cancel still pending (`detect`).

use super::channel::ChannelState;
use super::waits::{Blocked, Release, WaitNote};
use super::{Exec, Fault, StepResult};
use crate::state::{Object, Site, State};
use crate::value::{CtxError, ObjRef, Value};

/// What has become of a context's cancel function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CancelStatus {
    /// `context.Background()`: there is no cancel function.
    None,
    /// Not called yet, and still reachable.
    Pending,
    /// Called.
    Called,
    /// Never called and no longer reachable: already reported as a leak.
    Abandoned,
}

/// The state of a context.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ContextState {
    /// The parent, for derived contexts.
    pub parent: Option<ObjRef>,
    /// The `Done()` channel.
    pub done: ObjRef,
    /// `Err()`: set when done.
    pub err: Option<CtxError>,
    /// Children to cancel with this one.
    pub children: Vec<ObjRef>,
    /// The cancel function's fate.
    pub cancel: CancelStatus,
    /// A WithTimeout deadline that has not fired yet.
    pub deadline_pending: bool,
    /// Where it was made (for context-leak reports).
    pub site: Option<Site>,
}

fn ctx_mut<'s>(ex: &'s mut Exec, r: ObjRef) -> Option<&'s mut ContextState> {
    match ex.state.object_mut(r) {
        Object::Context(c) => Some(c),
        _ => None,
    }
}

/// `context.Background()`.
pub(crate) fn background(ex: &mut Exec) -> ObjRef {
    let done = ex.state.alloc(Object::Chan(ChannelState::new(0)));
    ex.state.alloc(Object::Context(ContextState {
        parent: None,
        done,
        err: None,
        children: Vec::new(),
        cancel: CancelStatus::None,
        deadline_pending: false,
        site: None,
    }))
}

/// `context.WithCancel(parent)` / `WithTimeout(parent, d)`; returns the child.
pub(crate) fn with_cancel(
    ex: &mut Exec,
    parent: Value,
    timeout: Option<i64>,
    site: Site,
) -> Result<ObjRef, Fault> {
    let parent = match parent.object() {
        Some(p) if matches!(ex.state.object(p), Object::Context(_)) => p,
        _ => return Err(Fault::Panic("cannot create context from nil parent".into())),
    };
    let done = ex.state.alloc(Object::Chan(ChannelState::new(0)));
    let child = ex.state.alloc(Object::Context(ContextState {
        parent: Some(parent),
        done,
        err: None,
        children: Vec::new(),
        cancel: CancelStatus::Pending,
        deadline_pending: timeout.is_some_and(|d| d > 0),
        site: Some(site),
    }));
    let (parent_err, parent_cancellable) = match ex.state.object(parent) {
        Object::Context(p) => (p.err, p.cancel != CancelStatus::None || p.parent.is_some()),
        _ => (None, false),
    };
    if let Some(err) = parent_err {
        cancel_tree(ex, child, err);
    } else if timeout.is_some_and(|d| d <= 0) {
        cancel_tree(ex, child, CtxError::DeadlineExceeded);
    } else if parent_cancellable {
        if let Some(p) = ctx_mut(ex, parent) {
            p.children.push(child);
        }
    }
    Ok(child)
}

/// Marks `ctx` and all its descendants done with `err`, closing their Done channels.
pub(crate) fn cancel_tree(ex: &mut Exec, ctx: ObjRef, err: CtxError) {
    let mut stack = vec![ctx];
    while let Some(c) = stack.pop() {
        let Some(st) = ctx_mut(ex, c) else { continue };
        if st.err.is_some() {
            continue;
        }
        st.err = Some(err);
        st.deadline_pending = false;
        let done = st.done;
        stack.extend(std::mem::take(&mut st.children));
        if let Object::Chan(ch) = ex.state.object_mut(done) {
            ch.closed = true;
        }
    }
}

fn detach_from_parent(ex: &mut Exec, ctx: ObjRef) {
    let parent = ctx_mut(ex, ctx).and_then(|c| c.parent);
    if let Some(p) = parent.and_then(|p| ctx_mut(ex, p)) {
        p.children.retain(|&c| c != ctx);
    }
}

/// `cancel()`: idempotent.
pub(crate) fn cancel(ex: &mut Exec, f: Value) -> StepResult {
    let Value::Cancel(ctx) = f else {
        return Err(Fault::Model("cancel needs a cancel function".into()));
    };
    cancel_tree(ex, ctx, CtxError::Canceled);
    detach_from_parent(ex, ctx);
    if let Some(st) = ctx_mut(ex, ctx) {
        st.cancel = CancelStatus::Called;
    }
    Ok(())
}

/// The WithTimeout deadline fires.
pub(crate) fn deadline(ex: &mut Exec, ctx: ObjRef) {
    cancel_tree(ex, ctx, CtxError::DeadlineExceeded);
    detach_from_parent(ex, ctx);
}

/// `ctx.Err()`.
pub(crate) fn err(ex: &Exec, ctx: Value) -> Result<Value, Fault> {
    match ctx.object().map(|r| ex.state.object(r)) {
        Some(Object::Context(c)) => Ok(c.err.map_or(Value::Nil, Value::Err)),
        _ => Err(Fault::Model("Err needs a context".into())),
    }
}

/// Adds to a receiver's wait on channel `ch` the cancels that would close
/// it: when `ch` is a context's `Done()`, cancelling that context or any
/// of its ancestors (cancel propagates down), nearest first; and, when
/// one of them has a pending deadline, that the deadline will close it.
pub(crate) fn cancels_close(state: &State, ch: ObjRef, b: &mut Blocked) {
    let owner = state
        .objects
        .iter()
        .position(|o| matches!(o, Object::Context(c) if c.done == ch));
    let mut cur = owner.map(|i| ObjRef(i as u32));
    while let Some(c) = cur {
        b.released_by.push((Release::Cancel, c));
        cur = match state.object(c) {
            Object::Context(ctx) => {
                if ctx.deadline_pending && b.note.is_none() {
                    b.note = Some(WaitNote::DeadlinePending);
                }
                ctx.parent
            }
            _ => None,
        };
    }
}
