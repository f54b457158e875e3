//! Whether every run of a program is finite, from its code alone: then its
//! state graph has no cycle (a cycle is an infinite run), and a bit-state
//! search, which cannot see cycles (checker/README.md, "The bit-state
//! store"), needs neither the cycle proviso nor to decide leaks on cycles.
//!
//! Every run is finite when the code cannot repeat and the clock cannot
//! tick forever: no jump goes backward in any function (loops, `range`
//! and `select` loops all jump back) but that of a counted loop
//! ([`counted_back_edge`]: `for i := a; i < n; i++` whose body assigns
//! neither `i` nor what `n` reads), no function can reach itself
//! through calls, `go` statements or function values (so each goroutine
//! runs each instruction of each of finitely many activations at most
//! once, and finitely many goroutines are started), and no ticker is made
//! (a timer or deadline fires once). Each transition then uses up a step
//! of a goroutine or a one-shot timer, of which a state has finitely many
//! ahead of it.

use weft_models::ir::{BinOp, Const, Expr, FuncId, Instr, LocalId, NewObject, Op, Program};
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
                Successor::Pc(t) => {
                    backward |=
                        t.0 as usize <= pc && !counted_back_edge(&func.code, pc, t.0 as usize)
                }
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

/// Whether the backward jump at `pc` to `top` closes a counted loop, which
/// runs at most `n - i` times each time it is entered: `top` tests
/// `i < n` and leaves the loop past `pc` when false, the instruction before
/// `pc` is `i = i + 1`, `n` reads only locals and constants, and nothing
/// between them writes `i` or a local `n` reads (a frame's locals change
/// only by its own instructions: `ops::local_destinations`). Other jumps
/// back to `top` are backward jumps of their own, checked on their own,
/// so every return to `top` from inside passes this increment. The
/// lowering of `For` (models/src/lower/stmts.rs) makes this shape.
fn counted_back_edge(code: &[Instr], pc: usize, top: usize) -> bool {
    let (Some(Op::Jump { .. }), Some(Op::JumpIfNot { cond, target })) =
        (code.get(pc).map(|i| &i.op), code.get(top).map(|i| &i.op))
    else {
        return false;
    };
    let Expr::Binary(BinOp::Lt, counter, bound) = cond else {
        return false;
    };
    let Expr::Local(i) = **counter else {
        return false;
    };
    if target.0 as usize <= pc || pc == 0 || pc <= top + 1 {
        return false;
    }
    let increment = matches!(
        &code[pc - 1].op,
        Op::Assign { dst, value: Expr::Binary(BinOp::Add, a, b) }
            if *dst == i
                && **a == Expr::Local(i)
                && **b == Expr::Const(Const::Int(1))
    );
    let mut read = vec![i];
    if !increment || !locals_only(bound, &mut read) {
        return false;
    }
    code[top + 1..pc - 1].iter().all(|instr| {
        let mut writes = false;
        ops::local_destinations(&instr.op, |d| writes |= read.contains(&d));
        !writes
    })
}

/// Whether `e` is computed from locals and constants alone (pushing the
/// locals it reads onto `read`); iterative, expressions nest freely.
fn locals_only(e: &Expr, read: &mut Vec<LocalId>) -> bool {
    let mut work = vec![e];
    while let Some(e) = work.pop() {
        match e {
            Expr::Const(_) => {}
            Expr::Local(l) => read.push(*l),
            Expr::Unary(_, a) => work.push(a),
            Expr::Binary(_, a, b) => {
                work.push(a);
                work.push(b);
            }
            Expr::Global(_)
            | Expr::DoneOf(_)
            | Expr::ChanOf(_)
            | Expr::Cap(_)
            | Expr::Field(..)
            | Expr::Elem(..)
            | Expr::SliceLen(_)
            | Expr::Func(_)
            | Expr::GroupPart(..)
            | Expr::CondLocker(_)
            | Expr::RLocker(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use weft_models::span::SourceFile;

    fn finite(main: &str) -> bool {
        let ron = format!("Scenario(name: \"f\", globals: [Var(\"x\", 0)], main: [{main}])");
        let file = SourceFile::new("f.ron".to_string(), ron);
        match weft_models::compile(&file, &[]) {
            Ok(prog) => super::runs_are_finite(&prog),
            Err(e) => panic!("{}", e.render(&file, false)),
        }
    }

    #[test]
    fn counted_loops_end() {
        assert!(finite(r#"For("i", 0, 3, [Set("x", "i")])"#));
        assert!(finite(
            r#"Let("n", 4), For("i", 1, "n + 1", [For("j", 0, "i", [Set("x", "j")]), If("i == 2", [Break])])"#
        ));
        assert!(finite(
            r#"For("i", 0, 3, [If("i == 1", [Continue]), Set("x", "i")])"#
        ));
    }

    #[test]
    fn other_loops_may_not_end() {
        assert!(!finite(r#"Loop([Set("x", 1)])"#));
        assert!(!finite(r#"Loop([Break])"#));
        assert!(!finite(r#"Let("i", 0), While("i < 3", [Set("x", "i")])"#));
        // The counter moves twice in an iteration: not the counted shape.
        assert!(!finite(
            r#"Let("i", 0), While("i < 3", [Set("i", "i + 1"), Set("i", "i + 1")])"#
        ));
        // The bound changes in the body.
        assert!(!finite(
            r#"Let("n", 3), For("i", 0, "n", [Set("n", "n + 1")])"#
        ));
        // The bound reads shared memory.
        assert!(!finite(r#"For("i", 0, "x", [Set("x", "x + 1")])"#));
    }
}
