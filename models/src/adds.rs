//! Where a goroutine may still add to a WaitGroup: per instruction, whether
//! the code from it on (its successors, the functions it calls or starts
//! and the deferred blocks it registers) may take a WaitGroup `Add` whose
//! delta is not known to be zero or less.
//!
//! The checker asks it, with [`crate::dones`], whether a blocking `Wait`
//! must register as a waiter (`checker/src/semantics/waitgroup.rs`): once
//! no goroutine can add again and no more `Done`s can come than the
//! counter holds, a `Wait` that registered and one that did not behave
//! alike, so it registers only while the counter may rise again or fall
//! below zero.
//!
//! The answer errs toward "may add": a call or start through a function
//! value counts every candidate. Backward reachability over
//! [`crate::ops::successors`] with a worklist (no recursion over the code).

use crate::ir::{AddsAhead, Const, Expr, Function, Op, Pc};
use crate::ops::{self, Successor};

/// True for an `Add` whose delta may be positive.
fn adds(op: &Op) -> bool {
    match op {
        Op::WgAdd { delta, .. } => !matches!(delta, Expr::Const(Const::Int(d)) if *d <= 0),
        _ => false,
    }
}

/// Where an `Add` may lie ahead in the functions of a program.
pub fn adds_ahead(funcs: &[Function]) -> AddsAhead {
    // Instructions are numbered across functions; `start[f]` is the first
    // of function `f`.
    let mut start = Vec::with_capacity(funcs.len() + 1);
    let mut n = 0usize;
    for f in funcs {
        start.push(n);
        n += f.code.len();
    }
    start.push(n);
    // Who may reach each instruction in one move: its predecessors in its
    // function, and the calls and starts of its function when it is an
    // entry.
    let mut preceded_by: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut may = vec![false; n];
    let mut work = Vec::new();
    for (f, func) in funcs.iter().enumerate() {
        let len = func.code.len();
        for (pc, instr) in func.code.iter().enumerate() {
            let me = start[f] + pc;
            if adds(&instr.op) {
                may[me] = true;
                work.push(me);
            }
            ops::successors(&instr.op, Pc(pc as u32), |s| match s {
                Successor::Pc(p) | Successor::Deferred(p) => {
                    if p.index() < len {
                        preceded_by[start[f] + p.index()].push(me as u32);
                    }
                }
                Successor::Call { func, .. } | Successor::Spawn { func, .. } => {
                    let callee = func.index();
                    if callee < funcs.len() && start[callee] < start[callee + 1] {
                        preceded_by[start[callee]].push(me as u32);
                    }
                }
            });
        }
    }
    while let Some(v) = work.pop() {
        for &u in &preceded_by[v] {
            let u = u as usize;
            if !may[u] {
                may[u] = true;
                work.push(u);
            }
        }
    }
    let mut bits = vec![0u64; n.div_ceil(64)];
    for (i, _) in may.iter().enumerate().filter(|(_, &m)| m) {
        bits[i / 64] |= 1 << (i % 64);
    }
    AddsAhead::from_bits(start.iter().map(|&s| s as u32).collect(), bits)
}

#[cfg(test)]
mod tests {
    use crate::ir::{Op, Pc, Program};
    use crate::span::SourceFile;

    fn compile(main: &str, funcs: &str) -> Program {
        let ron = format!(
            "Scenario(name: \"a\", globals: [WaitGroup(\"wg\"), Var(\"x\", 0)], main: [{main}], funcs: {{{funcs}}})"
        );
        let file = SourceFile::new("a.ron".to_string(), ron);
        match crate::compile(&file, &[]) {
            Ok(p) => p,
            Err(e) => panic!("{}", e.render(&file, false)),
        }
    }

    /// The first pc of main whose operation `is` picks.
    fn first(p: &Program, is: fn(&Op) -> bool) -> Pc {
        let pc = p.func(p.main).code.iter().position(|i| is(&i.op));
        Pc(pc.expect("the operation is in main") as u32)
    }

    #[test]
    fn an_add_lies_ahead_until_it_is_taken() {
        let p = compile(r#"Add("wg", 1), Done("wg"), Wait("wg")"#, "");
        let bits: Vec<bool> = (0..p.func(p.main).code.len())
            .map(|pc| p.adds_ahead.at(p.main, Pc(pc as u32)))
            .collect();
        assert!(bits[0], "the Add itself");
        assert!(
            bits[1..].iter().all(|b| !b),
            "a Done is no Add, and nothing adds after: {bits:?}"
        );
        assert!(p.registering_every_wait().adds_ahead.at(p.main, Pc(2)));
    }

    #[test]
    fn calls_starts_loops_and_defers_carry_adds() {
        let p = compile(
            r#"Call("f"), Wait("wg")"#,
            r#""f": (params: [], body: [Go("g")]), "g": (params: [], body: [Add("wg", 1)])"#,
        );
        assert!(p.adds_ahead.at(p.main, Pc(0)), "a call that starts an Add");
        let wait = first(&p, |op| matches!(op, Op::Wait { .. }));
        assert!(
            !p.adds_ahead.at(p.main, wait),
            "nothing adds after the Wait"
        );
        // A loop around the Wait and an Add: an Add may follow the Wait.
        let p = compile(
            r#"For("i", 0, 2, [Add("wg", 1), Go(body: [Done("wg")]), Wait("wg")])"#,
            "",
        );
        let wait = first(&p, |op| matches!(op, Op::Wait { .. }));
        assert!(p.adds_ahead.at(p.main, wait));
        // A deferred Add lies ahead of its registration and in its block
        // (which the checker counts while the frame holds it), not after.
        let p = compile(r#"Set("x", 1), Defer([Add("wg", 1)]), Wait("wg")"#, "");
        let defer = first(&p, |op| matches!(op, Op::Defer { .. }));
        let Op::Defer { entry } = p.func(p.main).code[defer.index()].op else {
            unreachable!()
        };
        assert!(p.adds_ahead.at(p.main, Pc(0)));
        assert!(p.adds_ahead.at(p.main, entry));
        let wait = first(&p, |op| matches!(op, Op::Wait { .. }));
        assert!(!p.adds_ahead.at(p.main, wait));
    }
}
