//! Whether every run of a program is finite, from its code alone: then its
//! state graph has no cycle (a cycle is an infinite run), and a bit-state
//! search, which cannot see cycles (checker/README.md, "The bit-state
//! store"), needs neither the cycle proviso nor to decide leaks on cycles.
//!
//! Every run is finite when the code cannot repeat and the clock cannot
//! tick forever: no jump goes backward in any function (loops, `range`
//! and `select` loops all jump back), no function can reach itself
//! through calls, `go` statements or function values (so each goroutine
//! runs each instruction of each of finitely many activations at most
//! once, and finitely many goroutines are started), and no ticker is made
//! (a timer or deadline fires once). Each transition then uses up a step
//! of a goroutine or a one-shot timer, of which a state has finitely many
//! ahead of it.

use weft_models::ir::{FuncId, NewObject, Op, Program};
use weft_models::ops::{self, Successor};
use weft_models::syntax::TimerKind;

/// True when every run of `prog` is finite, so its state graph is acyclic
/// (see the module's comment). False says nothing.
pub(crate) fn runs_are_finite(prog: &Program) -> bool {
    let n = prog.funcs.len();
    // The functions each function may call or start.
    let mut callees: Vec<Vec<FuncId>> = vec![Vec::new(); n];
    for (i, func) in prog.funcs.iter().enumerate() {
        for (pc, instr) in func.code.iter().enumerate() {
            if makes_ticker(&instr.op) {
                return false;
            }
            let mut backward = false;
            ops::successors(&instr.op, weft_models::ir::Pc(pc as u32), |s| match s {
                Successor::Pc(t) => backward |= t.0 as usize <= pc,
                // A deferred block runs once per `defer` executed.
                Successor::Deferred(_) => {}
                Successor::Call { func, .. } | Successor::Spawn { func, .. } => {
                    callees[i].push(func)
                }
            });
            if backward {
                return false;
            }
        }
    }
    if prog.globals.iter().any(|g| {
        matches!(
            g.init,
            Some(NewObject::Timer {
                kind: TimerKind::Ticker | TimerKind::Tick,
                ..
            })
        )
    }) {
        return false;
    }
    !call_graph_has_cycle(&callees)
}

/// Whether `op` makes a ticker (which fires forever).
fn makes_ticker(op: &Op) -> bool {
    matches!(
        op,
        Op::New {
            object: NewObject::Timer {
                kind: TimerKind::Ticker | TimerKind::Tick,
                ..
            },
            ..
        }
    )
}

/// Whether the graph `callees` has a cycle (iterative depth-first search:
/// the call graph is the scenario's, of any size).
fn call_graph_has_cycle(callees: &[Vec<FuncId>]) -> bool {
    // 0 new, 1 on the path, 2 done.
    let mut mark = vec![0u8; callees.len()];
    for root in 0..callees.len() {
        if mark[root] != 0 {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = 1;
        while let Some(&mut (f, ref mut next)) = path.last_mut() {
            if let Some(&g) = callees[f].get(*next) {
                *next += 1;
                match mark[g.index()] {
                    0 => {
                        mark[g.index()] = 1;
                        path.push((g.index(), 0));
                    }
                    1 => return true,
                    _ => {}
                }
            } else {
                mark[f] = 2;
                path.pop();
            }
        }
    }
    false
}
