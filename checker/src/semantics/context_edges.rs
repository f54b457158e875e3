//! The happens-before edges of package `context`, as Go's race detector
//! sees them (`context.go` of Go 1.19 to 1.23, read with the race
//! runtime's rules in `semantics::happens`). A cancellable context is, to
//! the race detector, three synchronisation points:
//!
//! - its mutex `mu`: `Err()`, every cancel, the first `Done()` call and
//!   the registering of a child lock it (each Unlock is tsan's
//!   `ReleaseStore`);
//! - its `done` field, an `atomic.Value`: every `Done()` call loads it
//!   (an acquire); the first `Done()` call stores the channel it makes, or
//!   the first cancel stores Go's shared, already closed `closedchan`
//!   (a release). A cancel of a context whose channel was made closes it
//!   (the channel's own point, which a receive that sees the close
//!   acquires);
//! - for `WithTimeout`, its deadline timer: `time.AfterFunc` releases
//!   what the creator knows, and the goroutine the timer starts to cancel
//!   the context acquires it (weft has no goroutine there: a point of the
//!   context stands for it).
//!
//! `Background()` has none: its `Done()` is nil and its `Err()` locks
//! nothing.
//!
//! A cancel cascades to the children in the order of a Go map, which
//! differs between runs. Each child's channel is closed (or `closedchan`
//! stored) with what the canceller knew after locking that child's
//! ancestors and the child itself, and each mutex released with that and
//! what it learned in the context's own subtree: nothing from siblings
//! cancelled before. For any one access this is exactly what the run
//! that visits last the branch where the canceller learned of it gives:
//! every race weft finds this way is one of a run Go can take, and no
//! order's race is lost.
//!
//! The `Done()` calls a select or receive makes happen when weft takes
//! the step, which is the run where the goroutine reaches the select
//! just as it can complete: a run Go can take. A program whose `Done()`
//! is called anywhere else (kept in a variable, passed as an argument)
//! keeps no knowledge (`semantics::happens::tracked`).

use weft_models::ir::{Expr, Op, Program};

use super::eval::eval;
use super::happens::{self, ContextRecord, DoneValue, Knower, KnowledgeState, SyncPoint};
use super::{Exec, Transition};
use crate::state::{GoroutineId, Object, State};
use crate::value::{ObjRef, Value};

/// A context's mutex.
const MU: u32 = SyncPoint::MAIN;
/// A context's `done` field.
const DONE_VALUE: u32 = 1;
/// A `WithTimeout` context's deadline timer (and the goroutine it
/// starts).
const DEADLINE: u32 = 2;

fn point(ctx: ObjRef, part: u32) -> SyncPoint {
    SyncPoint::new(ctx, part)
}

/// `ctx.Done()` called by `w`: what it returns, `None` for a context
/// that is never cancelled.
fn done_call(k: &mut KnowledgeState, w: Knower, ctx: ObjRef) -> Option<DoneValue> {
    match k.context(ctx)?.done {
        DoneValue::Empty => {
            // `mu.Lock()`, `done.Store(make(chan struct{}))`, unlock.
            k.acquire_by(w, point(ctx, MU));
            k.release_by(w, point(ctx, DONE_VALUE));
            k.release_by(w, point(ctx, MU));
            k.set_done(ctx, DoneValue::Made);
            Some(DoneValue::Made)
        }
        d @ (DoneValue::Made | DoneValue::ClosedChan) => {
            k.acquire_by(w, point(ctx, DONE_VALUE));
            Some(d)
        }
    }
}

/// `w` locks and unlocks the mutex of `ctx`, if it has one.
fn lock_unlock(k: &mut KnowledgeState, w: Knower, ctx: ObjRef) {
    if k.context(ctx).is_some() {
        k.acquire_by(w, point(ctx, MU));
        k.release_by(w, point(ctx, MU));
    }
}

/// Go's `removeChild(parent, c)`: `parent.Done()` and, unless that
/// returned `closedchan`, the parent's mutex.
fn remove_child(k: &mut KnowledgeState, w: Knower, parent: Option<ObjRef>) {
    let Some(parent) = parent else { return };
    if done_call(k, w, parent) == Some(DoneValue::Made) {
        lock_unlock(k, w, parent);
    }
}

/// One context a cancel reaches.
struct Node {
    ctx: ObjRef,
    /// Its `Done()` channel as weft keeps it.
    done_chan: ObjRef,
    /// Its parent's index (parents come first).
    parent: Option<usize>,
    /// Already cancelled (only the root can be).
    cancelled: bool,
}

/// The contexts a cancel of `root` reaches, parents before children.
fn tree(state: &State, root: ObjRef) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut stack = vec![(root, None)];
    while let Some((c, parent)) = stack.pop() {
        let Object::Context(st) = state.object(c) else {
            continue;
        };
        let i = out.len();
        out.push(Node {
            ctx: c,
            done_chan: st.done,
            parent,
            cancelled: st.err.is_some(),
        });
        if st.err.is_none() {
            stack.extend(st.children.iter().rev().map(|&ch| (ch, Some(i))));
        }
    }
    out
}

/// Go's `cancelCtx.cancel(false, err)` on the root of `tree` by `w`:
/// lock, (an already cancelled context unlocks and returns), load `done`
/// and close its channel or store `closedchan`, cancel the children,
/// unlock.
fn cascade(k: &mut KnowledgeState, w: Knower, tree: &[Node]) {
    let n = tree.len();
    if n == 0 {
        return;
    }
    let kinds: Vec<DoneValue> = tree
        .iter()
        .map(|t| k.context(t.ctx).map_or(DoneValue::Empty, |r| r.done))
        .collect();
    // Per access: whether `w` knows of it after locking each context
    // (`entered`) and after cancelling everything below it (`left`).
    let (mut entered, mut left) = (vec![false; n], vec![false; n]);
    k.each_knowers(|kn| {
        for (i, t) in tree.iter().enumerate() {
            let before = t.parent.map_or_else(|| kn.knows(w), |p| entered[p]);
            let loaded =
                !t.cancelled && kinds[i] != DoneValue::Empty && kn.point(point(t.ctx, DONE_VALUE));
            entered[i] = before || kn.point(point(t.ctx, MU)) || loaded;
            left[i] = entered[i];
        }
        for i in (1..n).rev() {
            if let Some(p) = tree[i].parent {
                left[p] |= left[i];
            }
        }
        for (i, t) in tree.iter().enumerate() {
            if !t.cancelled {
                match kinds[i] {
                    DoneValue::Made => {
                        kn.set_point(SyncPoint::new(t.done_chan, SyncPoint::MAIN), entered[i])
                    }
                    DoneValue::Empty => kn.set_point(point(t.ctx, DONE_VALUE), entered[i]),
                    DoneValue::ClosedChan => {}
                }
            }
            kn.set_point(point(t.ctx, MU), left[i]);
        }
        kn.set(w, left[0]);
    });
    for (t, kind) in tree.iter().zip(kinds) {
        if !t.cancelled && kind == DoneValue::Empty {
            k.set_done(t.ctx, DoneValue::ClosedChan);
        }
    }
}

/// Forgets the deadline timers of the contexts of `tree`: each is
/// stopped, or has fired, so nothing acquires it any more.
fn stop_deadlines(k: &mut KnowledgeState, tree: &[Node]) {
    k.each_knowers(|kn| {
        for t in tree {
            kn.set_point(point(t.ctx, DEADLINE), false);
        }
    });
}

/// Before transition `t`: the `Done()` calls its goroutines make (Go
/// evaluates the channel of a receive, and every channel of a select, as
/// it enters it).
pub(crate) fn before_step(prog: &Program, state: &mut State, t: &Transition) {
    let Some(k) = happens::of(prog, state) else {
        return;
    };
    if k.contexts.is_empty() {
        return;
    }
    let movers: [Option<u32>; 2] = match *t {
        Transition::Step { g, .. } => [Some(g), None],
        Transition::Rendezvous {
            sender, receiver, ..
        } => [Some(sender), Some(receiver)],
        Transition::Fire { .. } => return,
    };
    let mut calls: Vec<(GoroutineId, ObjRef)> = Vec::new();
    for g in movers.into_iter().flatten() {
        let gr = &state.goroutines[g as usize];
        let site = gr.site();
        let locals = &gr.top().locals;
        let mut call = |e: &Expr| {
            if let Expr::DoneOf(x) = e {
                if let Some(c) = eval(state, locals, x).ok().and_then(Value::object) {
                    calls.push((gr.id.clone(), c));
                }
            }
        };
        match &prog.instr(site.func, site.pc).op {
            Op::Recv { chan, .. } => call(chan),
            Op::Select { arms, .. } => arms.iter().for_each(|a| call(&a.chan)),
            // No other operation of a program that keeps knowledge calls
            // `Done()` (`happens::tracked`): nothing to decide per case.
            _ => {}
        }
    }
    if let Some(k) = happens::of_mut(prog, state) {
        for (g, c) in &calls {
            done_call(k, Knower::Goroutine(g), *c);
        }
    }
}

/// `context.WithCancel(parent)` or `WithTimeout(parent, timeout)` by `g`
/// made `child` (Go's `propagateCancel`, and for `WithTimeout` the
/// deadline's timer or, when it has passed, the cancel).
pub(crate) fn made(
    ex: &mut Exec,
    g: &GoroutineId,
    parent: ObjRef,
    child: ObjRef,
    timeout: Option<i64>,
) {
    let (parent_err, parent_done) = match ex.state.object(parent) {
        Object::Context(p) => (p.err.is_some(), p.done),
        _ => return,
    };
    let child_done = match ex.state.object(child) {
        Object::Context(c) => c.done,
        _ => return,
    };
    let parent_of = Some(parent);
    happens::learn(ex, |k| {
        let w = Knower::Goroutine(g);
        let expired = timeout.is_some_and(|d| d <= 0);
        k.add_context(ContextRecord {
            ctx: child,
            done: DoneValue::Empty,
            timer: timeout.is_some(),
            cancel_removes: !expired,
        });
        let node = |cancelled| {
            [Node {
                ctx: child,
                done_chan: child_done,
                parent: None,
                cancelled,
            }]
        };
        let mut cancelled = false;
        // `propagateCancel`: `parent.Done()`; when it is closed, the
        // receive of the close, `parent.Err()` and the child's cancel;
        // else the parent's mutex, to register the child.
        if let Some(d) = done_call(k, w, parent) {
            if parent_err {
                if d == DoneValue::Made {
                    k.acquire_by(w, SyncPoint::new(parent_done, SyncPoint::MAIN));
                }
                lock_unlock(k, w, parent);
                cascade(k, w, &node(false));
                cancelled = true;
            } else {
                lock_unlock(k, w, parent);
            }
        }
        match timeout {
            Some(_) if expired => {
                // `c.cancel(true, DeadlineExceeded)`: a timerCtx's cancel.
                cascade(k, w, &node(cancelled));
                remove_child(k, w, parent_of);
                lock_unlock(k, w, child);
            }
            Some(_) => {
                // Under the child's mutex, `time.AfterFunc` (unless
                // already cancelled) releases to the timer.
                k.acquire_by(w, point(child, MU));
                if !cancelled {
                    k.release_by(w, point(child, DEADLINE));
                }
                k.release_by(w, point(child, MU));
            }
            None => {}
        }
    });
}

/// `cancel()` of context `ctx` by `g`, before weft's cancel runs.
pub(crate) fn cancels(ex: &mut Exec, g: &GoroutineId, ctx: ObjRef) {
    let tree = tree(&ex.state, ctx);
    let Some(root) = tree.first() else { return };
    let already = root.cancelled;
    let parent = match ex.state.object(ctx) {
        Object::Context(c) => c.parent,
        _ => None,
    };
    happens::learn(ex, |k| {
        let Some(rec) = k.context(ctx).copied() else {
            return;
        };
        let w = Knower::Goroutine(g);
        cascade(k, w, &tree);
        if rec.timer {
            // A timerCtx: `removeChild` as asked, then its mutex again
            // (to stop the timer).
            if rec.cancel_removes {
                remove_child(k, w, parent);
            }
            lock_unlock(k, w, ctx);
        } else if !already {
            remove_child(k, w, parent);
        }
        stop_deadlines(k, &tree);
    });
}

/// The deadline of `ctx` fires, before weft's cancel runs: the goroutine
/// the timer starts runs the timerCtx's `cancel(true,
/// DeadlineExceeded)`, knowing what the timer knew.
pub(crate) fn deadline(ex: &mut Exec, ctx: ObjRef) {
    let tree = tree(&ex.state, ctx);
    let parent = match ex.state.object(ctx) {
        Object::Context(c) => c.parent,
        _ => None,
    };
    happens::learn(ex, |k| {
        if k.context(ctx).is_none() {
            return;
        }
        let w = Knower::Point(point(ctx, DEADLINE));
        cascade(k, w, &tree);
        remove_child(k, w, parent);
        lock_unlock(k, w, ctx);
        stop_deadlines(k, &tree);
    });
}

/// `ctx.Err()` by `g`: it locks and unlocks the context's mutex.
pub(crate) fn err(ex: &mut Exec, g: &GoroutineId, ctx: Value) {
    if let Some(c) = ctx.object() {
        happens::learn(ex, |k| lock_unlock(k, Knower::Goroutine(g), c));
    }
}

/// Records the cancellable contexts a state's globals were made with,
/// once the knowledge is added (their making is the program's start).
pub(crate) fn start(prog: &Program, state: &mut State) {
    let records: Vec<ContextRecord> = state
        .objects
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o {
            Object::Context(c) if c.parent.is_some() => Some(ContextRecord {
                ctx: ObjRef(i as u32),
                done: if c.err.is_some() {
                    DoneValue::ClosedChan
                } else {
                    DoneValue::Empty
                },
                timer: c.deadline_pending,
                cancel_removes: true,
            }),
            _ => None,
        })
        .collect();
    if let Some(k) = happens::of_mut(prog, state) {
        records.into_iter().for_each(|r| k.add_context(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Site;
    use weft_models::ir::{FuncId, Pc};

    const X: ObjRef = ObjRef(0);
    const PARENT: ObjRef = ObjRef(1);
    const A: ObjRef = ObjRef(2);
    const B: ObjRef = ObjRef(3);
    // Their `Done()` channels.
    const A_DONE: ObjRef = ObjRef(12);
    const B_DONE: ObjRef = ObjRef(13);

    fn g(path: &[u16]) -> GoroutineId {
        GoroutineId(path.iter().copied().collect())
    }

    /// Knowledge of a write of `X` by `writer`, with cancellable contexts
    /// `ctxs` whose `done` holds `done`.
    fn written_by(writer: &GoroutineId, ctxs: &[ObjRef], done: DoneValue) -> KnowledgeState {
        let mut k = KnowledgeState::default();
        for &ctx in ctxs {
            k.add_context(ContextRecord {
                ctx,
                done,
                timer: false,
                cancel_removes: true,
            });
        }
        let site = Site {
            func: FuncId(0),
            pc: Pc(1),
        };
        k.access(writer, site, X, true, false);
        k
    }

    fn knows(k: &KnowledgeState, p: SyncPoint) -> bool {
        k.histories[0]
            .write
            .as_ref()
            .is_some_and(|w| w.knowers.point(p))
    }

    #[test]
    fn a_cancel_closes_each_child_with_what_its_own_branch_taught_the_canceller() {
        let (writer, canceller) = (g(&[0]), g(&[1]));
        let mut k = written_by(&writer, &[PARENT, A, B], DoneValue::Made);
        // The writer's `a.Err()` after its write.
        lock_unlock(&mut k, Knower::Goroutine(&writer), A);
        assert!(knows(&k, point(A, MU)));
        let node = |ctx, done_chan, parent| Node {
            ctx,
            done_chan,
            parent,
            cancelled: false,
        };
        let tree = [
            node(PARENT, ObjRef(11), None),
            node(A, A_DONE, Some(0)),
            node(B, B_DONE, Some(0)),
        ];
        cascade(&mut k, Knower::Goroutine(&canceller), &tree);
        // `a`'s channel is closed after locking `a`; `b`'s may be closed
        // before (Go's map order): it does not know of the write.
        let main = SyncPoint::MAIN;
        assert!(knows(&k, SyncPoint::new(A_DONE, main)));
        assert!(!knows(&k, SyncPoint::new(B_DONE, main)));
        // The parent's mutex is released after every child: it knows, and
        // so does the canceller.
        assert!(knows(&k, point(PARENT, MU)));
        assert!(k.histories[0]
            .write
            .as_ref()
            .is_some_and(|w| w.knowers.goroutine(&canceller)));
        // `b`'s mutex only knows what the canceller knew locking it.
        assert!(!knows(&k, point(B, MU)));
    }

    #[test]
    fn the_first_done_call_makes_the_channel_under_the_mutex_and_later_calls_load_it() {
        let (first, later) = (g(&[0]), g(&[1]));
        let mut k = written_by(&first, &[A], DoneValue::Empty);
        assert_eq!(
            done_call(&mut k, Knower::Goroutine(&first), A),
            Some(DoneValue::Made)
        );
        assert!(knows(&k, point(A, MU)) && knows(&k, point(A, DONE_VALUE)));
        assert_eq!(
            done_call(&mut k, Knower::Goroutine(&later), A),
            Some(DoneValue::Made)
        );
        assert!(k.races(&later, X, false, false).is_empty());
        // A context that is never cancelled has no record: nothing.
        assert_eq!(done_call(&mut k, Knower::Goroutine(&later), B), None);
    }
}
