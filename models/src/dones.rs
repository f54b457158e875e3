//! How many WaitGroup `Done`s the code from each instruction may take: a
//! static bound, the goroutines it starts and the deferred blocks it
//! registers included; a loop around one, recursion, or any `Add` other
//! than `Done` leaves it unbounded (`None`). WaitGroups are not told apart:
//! a `Done` on any counts.
//!
//! The checker asks it where a `Done` cannot release a `Wait`
//! (`checker/src/reduce/waitgroup.rs`) and whether a blocking `Wait` must
//! register as a waiter (`checker/src/semantics/waitgroup.rs`: not when no
//! counter can go below zero nor rise again).

use crate::ir::{Const, DonesAhead, Expr, Function, Op, Pc};
use crate::ops::{self, Successor};

/// Bounds every instruction of `funcs`: a fixed point over the call graph
/// from "unbounded", so a recursive function stays unbounded and the
/// others get their exact bound once their callees have theirs.
pub fn dones_ahead(funcs: &[Function]) -> DonesAhead {
    let n = funcs.len();
    // Who calls or starts each function: a function's bounds change
    // only when a callee's whole bound does, so a round bounds again
    // only the callers of those that changed (every function, every
    // round, was half of the checker's program analysis on
    // philosophers(8)).
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (f, func) in funcs.iter().enumerate() {
        for (pc, instr) in func.code.iter().enumerate() {
            ops::successors(&instr.op, Pc(pc as u32), |s| {
                if let Successor::Call { func, .. } | Successor::Spawn { func, .. } = s {
                    if let Some(c) = callers.get_mut(func.index()) {
                        if c.last() != Some(&f) {
                            c.push(f);
                        }
                    }
                }
            });
        }
    }
    let mut whole: Vec<Option<u32>> = vec![None; n];
    let mut at: Vec<Vec<Option<u32>>> = vec![Vec::new(); n];
    let mut stale = vec![true; n];
    for _ in 0..=n {
        for f in 0..n {
            if std::mem::take(&mut stale[f]) {
                at[f] = function_bounds(funcs, f, &whole);
            }
        }
        let next: Vec<Option<u32>> = at.iter().map(|b| b.first().copied().flatten()).collect();
        if next == whole {
            break;
        }
        for f in (0..n).filter(|&f| next[f] != whole[f]) {
            for &c in &callers[f] {
                stale[c] = true;
            }
        }
        whole = next;
    }
    let any = |is: fn(&Op) -> bool| funcs.iter().any(|f| f.code.iter().any(|i| is(&i.op)));
    DonesAhead::from_bounds(at, any(|op| matches!(op, Op::Wait { .. })), any(is_done))
}

/// True for `wg.Done()` (`Add(-1)`).
pub fn is_done(op: &Op) -> bool {
    matches!(
        op,
        Op::WgAdd {
            delta: Expr::Const(Const::Int(-1)),
            ..
        }
    )
}

/// The bounds of every instruction of function `f`, given each function's
/// whole bound: the strongly connected components of its control flow, in
/// reverse topological order, each the most of its successors plus its
/// own `Done`s (a component with a cycle through a `Done` is unbounded).
/// A `defer` adds its block's bound to its own (the block runs at the
/// return, after the rest of the path).
fn function_bounds(funcs: &[Function], f: usize, whole: &[Option<u32>]) -> Vec<Option<u32>> {
    let code = &funcs[f].code;
    let len = code.len();
    let mut next: Vec<Vec<u32>> = vec![Vec::new(); len];
    let mut deferred: Vec<Vec<u32>> = vec![Vec::new(); len];
    let mut edges: Vec<Vec<u32>> = vec![Vec::new(); len];
    // Each instruction's own `Done`s: its own and those of the functions
    // it calls or starts.
    let mut own: Vec<Option<u32>> = vec![Some(0); len];
    for (pc, instr) in code.iter().enumerate() {
        let op = &instr.op;
        if let Op::WgAdd { .. } = op {
            own[pc] = is_done(op).then_some(1);
        }
        ops::successors(op, Pc(pc as u32), |s| match s {
            Successor::Pc(p) => {
                if p.index() < len {
                    next[pc].push(p.0);
                    edges[pc].push(p.0);
                }
            }
            Successor::Deferred(p) => {
                if p.index() < len {
                    deferred[pc].push(p.0);
                    edges[pc].push(p.0);
                }
            }
            Successor::Call { func, .. } | Successor::Spawn { func, .. } => {
                let callee = whole.get(func.index()).copied().flatten();
                own[pc] = own[pc].zip(callee).and_then(|(x, y)| x.checked_add(y));
            }
        });
    }
    let mut bound: Vec<Option<u32>> = vec![None; len];
    // The component each pc is in, set as its component comes (a scan of
    // the component was quadratic in a long loop's body).
    let mut comp_of: Vec<u32> = vec![u32::MAX; len];
    for (c, comp) in crate::scc::components(len, |v| &edges[v as usize])
        .iter()
        .enumerate()
    {
        for &v in comp {
            comp_of[v as usize] = c as u32;
        }
        let cyclic = comp.len() > 1 || edges[comp[0] as usize].contains(&comp[0]);
        let inside = |p: u32| comp_of[p as usize] == c as u32;
        let mut value: Option<u32> = Some(0);
        let mut best_after: Option<u32> = Some(0);
        for &v in comp {
            let v = v as usize;
            let mut mine = own[v];
            for &d in &deferred[v] {
                mine = mine
                    .zip(if inside(d) { None } else { bound[d as usize] })
                    .and_then(|(x, y)| x.checked_add(y));
            }
            if cyclic && mine != Some(0) {
                value = None;
            }
            if !cyclic {
                value = mine;
            }
            for &s in &next[v] {
                if !inside(s) {
                    best_after = best_after.zip(bound[s as usize]).map(|(x, y)| x.max(y));
                }
            }
        }
        let total = value.zip(best_after).and_then(|(x, y)| x.checked_add(y));
        for &v in comp {
            bound[v as usize] = total;
        }
    }
    bound
}

#[cfg(test)]
mod tests {
    use crate::ir::{Pc, Program};
    use crate::span::SourceFile;

    /// A scenario compiled.
    fn compile(ron: &str) -> Program {
        let file = SourceFile::new("t.ron".to_string(), ron.to_string());
        match crate::compile(&file, &[]) {
            Ok(p) => p,
            Err(e) => panic!("{}", e.render(&file, false)),
        }
    }

    /// Every scenario of the corpus (`scenarios/`), compiled.
    fn corpus() -> Vec<Program> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let mut dirs = vec![root];
        let mut files = Vec::new();
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).expect("the corpus is readable") {
                let p = e.expect("a corpus entry").path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "ron") {
                    files.push(p);
                }
            }
        }
        files.sort();
        assert!(files.len() > 50, "the corpus is found");
        files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("a scenario is readable");
                let file = SourceFile::new(p.display().to_string(), text);
                match crate::compile(&file, &[]) {
                    Ok(prog) => prog,
                    Err(e) => panic!("{}", e.render(&file, false)),
                }
            })
            .collect()
    }

    /// The bounds of every instruction by the fixed point bounding every
    /// function at every round (as before the callers were tracked).
    fn by_full_rounds(prog: &Program) -> Vec<Vec<Option<u32>>> {
        let n = prog.funcs.len();
        let mut whole: Vec<Option<u32>> = vec![None; n];
        let mut at: Vec<Vec<Option<u32>>> = Vec::new();
        for _ in 0..=n {
            at = (0..n)
                .map(|f| super::function_bounds(&prog.funcs, f, &whole))
                .collect();
            let next: Vec<Option<u32>> = at.iter().map(|b| b.first().copied().flatten()).collect();
            if next == whole {
                break;
            }
            whole = next;
        }
        at
    }

    /// Bounding again only the callers of functions whose bound changed
    /// gives every bound that bounding every function at every round
    /// gives, on the corpus and on chains of calls and starts.
    #[test]
    fn only_callers_of_changed_bounds_are_bounded_again() {
        let mut programs = corpus();
        programs.push(compile(
            r#"Scenario(
  name: "chain",
  globals: [WaitGroup("wg")],
  main: [Add("wg", 4), Go("a"), Call("b"), Go("c"), Wait("wg")],
  funcs: {
    "a": (params: [], body: [Call("b"), Done("wg")]),
    "b": (params: [], body: [Call("d"), Done("wg"), Go("d")]),
    "c": (params: [], body: [Go("c"), Done("wg")]),
    "d": (params: [], body: [Defer([Done("wg")]), For("i", 0, 2, [Done("wg")])]),
  },
)"#,
        ));
        let mut bounded = 0;
        for (k, prog) in programs.iter().enumerate() {
            let bounds = super::dones_ahead(&prog.funcs);
            assert_eq!(bounds.table(), by_full_rounds(prog), "program {k}");
            bounded += bounds
                .table()
                .iter()
                .flatten()
                .filter(|b| b.is_some_and(|b| b > 0))
                .count();
        }
        assert!(
            bounded > 0,
            "some instruction has a bound of a Done or more"
        );
    }

    /// The bound at main's first instruction.
    fn bound(globals: &str, main: &str) -> Option<u32> {
        let ron = format!("Scenario(name: \"w\", globals: [{globals}], main: [{main}])");
        let file = SourceFile::new("w.ron".to_string(), ron);
        let prog = match crate::compile(&file, &[]) {
            Ok(p) => p,
            Err(e) => panic!("{}", e.render(&file, false)),
        };
        prog.dones_ahead.at(prog.main, Pc(0))
    }

    const WG: &str = r#"WaitGroup("wg"), Var("x", 0)"#;

    #[test]
    fn straight_line_dones_are_counted() {
        assert_eq!(bound(WG, r#"Set("x", 1)"#), Some(0));
        assert_eq!(bound(WG, r#"Done("wg"), Done("wg")"#), Some(2));
        // Branches: the most of either way.
        assert_eq!(
            bound(
                WG,
                r#"If("x == 0", [Done("wg"), Done("wg")], [Done("wg")])"#
            ),
            Some(2)
        );
    }

    #[test]
    fn goroutines_started_and_deferred_blocks_count() {
        assert_eq!(
            bound(WG, r#"Go(body: [Done("wg")]), Go(body: [Done("wg")])"#),
            Some(2)
        );
        assert_eq!(
            bound(WG, r#"Go(body: [Defer([Done("wg")]), Set("x", 1)])"#),
            Some(1)
        );
        // The deferred block runs after the rest of the path: both count.
        assert_eq!(bound(WG, r#"Defer([Done("wg")]), Done("wg")"#), Some(2));
    }

    #[test]
    fn loops_and_adds_are_unbounded() {
        assert_eq!(
            bound(WG, r#"For("i", 0, 3, [Go(body: [Done("wg")])])"#),
            None
        );
        assert_eq!(bound(WG, r#"Add("wg", 1), Done("wg")"#), None);
        // A loop without a `Done` costs nothing.
        assert_eq!(
            bound(WG, r#"For("i", 0, 3, [Set("x", "i")]), Done("wg")"#),
            Some(1)
        );
    }
}
