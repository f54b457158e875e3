//! Forgetting dead values: after a step, every local a goroutine will
//! never read again before writing it ([`weft_models::liveness`]) is set
//! back to `nil`, so that states differing only in such values are one
//! state (SPIN's dead variable elimination). Nothing any run can observe
//! changes: the value would be overwritten before any read.
//!
//! Handles are kept: an object reachable only from a dead local would be
//! collected, which moves when a never-called cancel or (Go 1.22) an
//! unreachable ticker is reported. Only integers, booleans, errors and
//! function values are forgotten.
//!
//! The plain search (`--reduction none`) runs on
//! [`weft_models::ir::Program::keeping_dead_locals`], which knows no dead
//! local: it keeps every value and referees this reduction too.

use weft_models::ir::Program;

use crate::state::{Frame, State};
use crate::value::Value;

/// Forgets the dead values of the goroutines that a step, run from a
/// state with `before` goroutines, moved or started, in `state`, the state
/// it made (before the ended goroutines are reaped): its `actors`, at the
/// positions they had, when no goroutine was started; else every
/// goroutine whose execution no other state shares (the others are as the
/// state before left them, already forgotten). A goroutine another's step
/// changed without starting one keeps its values until it moves: merging
/// less never changes what a run can do.
pub(crate) fn forget_dead_values(prog: &Program, state: &mut State, actors: &[u32], before: usize) {
    if state.goroutines.len() == before {
        for &p in actors {
            forget_at(prog, state, p as usize);
        }
        return;
    }
    for p in 0..state.goroutines.len() {
        if !state.goroutines[p].execution_shared() {
            forget_at(prog, state, p);
        }
    }
}

/// Forgets the dead values of the goroutine at position `p`, if any.
fn forget_at(prog: &Program, state: &mut State, p: usize) {
    let Some(g) = state.goroutines.get(p) else {
        return;
    };
    if !g.frames.iter().any(|f| has_dead_value(prog, f)) {
        return;
    }
    for f in &mut state.goroutine_at_mut(p).execution_mut().frames {
        forget(prog, f);
    }
}

/// Forgets the dead values of every goroutine of `state` (the initial
/// state).
pub(crate) fn forget_all_dead_values(prog: &Program, state: &mut State) {
    for p in 0..state.goroutines.len() {
        forget_at(prog, state, p);
    }
}

/// True when a value that is not a handle (see the module's comment) can
/// be forgotten.
fn forgettable(v: Value) -> bool {
    match v {
        Value::Int(_) | Value::Bool(_) | Value::Err(_) | Value::Func(_) | Value::Str(_) => true,
        Value::Nil | Value::Obj(_) | Value::Cancel(_) | Value::RLocker(_) => false,
    }
}

/// True when `f` holds a value dead where it stands.
fn has_dead_value(prog: &Program, f: &Frame) -> bool {
    let dead = prog.func(f.func).dead.at(f.pc);
    dead.iter().enumerate().any(|(k, &w)| {
        let mut w = w;
        while w != 0 {
            let i = k * 64 + w.trailing_zeros() as usize;
            w &= w - 1;
            if f.locals.get(i).is_some_and(|&v| forgettable(v)) {
                return true;
            }
        }
        false
    })
}

/// Sets every dead value of `f` back to `nil`.
fn forget(prog: &Program, f: &mut Frame) {
    let dead = prog.func(f.func).dead.at(f.pc);
    for (k, &w) in dead.iter().enumerate() {
        let mut w = w;
        while w != 0 {
            let i = k * 64 + w.trailing_zeros() as usize;
            w &= w - 1;
            if let Some(v) = f.locals.get_mut(i) {
                if forgettable(*v) {
                    *v = Value::Nil;
                }
            }
        }
    }
}
