//! `for k, v := range m`, one iteration per step: every iteration order
//! is explored, as Go's order is unspecified.
//!
//! The loop keeps its own map (`seen`, a local of the ranging goroutine)
//! of the keys present when it began (pending, 0) and of those produced
//! (1). Go's rules: an entry removed before it is reached is not produced;
//! an entry added during the iteration may be produced or skipped. So the
//! next step may produce any pending key still in `m`, or any key added
//! since the loop began and not produced yet; it may end the loop once no
//! pending key is left.

use super::eval::eval;
use super::Fault;
use crate::state::{Object, State};
use crate::value::Value;
use weft_models::ir::Expr;

/// What the next iteration of a map range may do: produce one of `keys`
/// (the step's alternative `i < keys.len()`), or, when `may_end`, end the
/// loop (the alternative `keys.len()`).
pub(crate) struct Next {
    /// The keys it may produce, in key order.
    pub keys: Vec<Value>,
    /// Whether it may end the loop.
    pub may_end: bool,
}

impl Next {
    /// How many alternatives the step has (at least 1).
    pub(crate) fn alternatives(&self) -> u32 {
        self.keys.len() as u32 + u32::from(self.may_end)
    }
}

/// The alternatives of `MapNext { map, seen, .. }` in `state`.
pub(crate) fn next(
    state: &State,
    locals: &[Value],
    map: &Expr,
    seen: Value,
) -> Result<Next, Fault> {
    let m = match eval(state, locals, map)?.object().map(|r| state.object(r)) {
        // Ranging over a nil map runs no iteration.
        None => {
            return Ok(Next {
                keys: Vec::new(),
                may_end: true,
            })
        }
        Some(Object::Map(m)) => m,
        Some(o) => {
            return Err(Fault::Model(format!(
                "range over a map needs a map, found {}",
                o.describe()
            )))
        }
    };
    let record = match seen.object().map(|r| state.object(r)) {
        None => None,
        Some(Object::Map(s)) => Some(s),
        Some(o) => {
            return Err(Fault::Internal(format!(
                "a map range's record is {}",
                o.describe()
            )))
        }
    };
    let Some(record) = record else {
        // The first iteration: every key is pending.
        let keys: Vec<Value> = m.entries.iter().map(|&(k, _)| k).collect();
        let may_end = keys.is_empty();
        return Ok(Next { keys, may_end });
    };
    let pending = |k: &Value| {
        record
            .entries
            .binary_search_by(|(r, _)| r.cmp(k))
            .ok()
            .map(|i| record.entries[i].1)
    };
    let mut keys = Vec::new();
    let mut any_pending = false;
    for &(k, _) in &m.entries {
        match pending(&k) {
            Some(Value::Int(0)) => {
                any_pending = true;
                keys.push(k);
            }
            // Added since the loop began: may be produced.
            None => keys.push(k),
            // Produced already.
            Some(_) => {}
        }
    }
    Ok(Next {
        keys,
        may_end: !any_pending,
    })
}
