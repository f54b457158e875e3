//! How many WaitGroup `Done`s the code from each instruction may take: a
//! static bound, the goroutines it starts and the deferred blocks it
//! registers included; a counted loop around one (`crate::counted_loops`)
//! takes its body's bound once per iteration (and a frame standing in it
//! may read how many are left: `DonesAhead::at_frame`), while any other
//! loop around one, recursion, or any `Add` other than `Done` leaves it
//! unbounded (`None`). WaitGroups are not told apart: a `Done` on any
//! counts.
//!
//! The checker asks it where a `Done` cannot release a `Wait`
//! (`checker/src/reduce/waitgroup.rs`) and whether a blocking `Wait` must
//! register as a waiter (`checker/src/semantics/waitgroup.rs`: not when no
//! counter can go below zero nor rise again).

use crate::ir::{Const, DonesAhead, Expr, Function, LoopAhead, LoopsAhead, Op, Pc};
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
    let mut loops: Vec<LoopsAhead> = vec![LoopsAhead::default(); n];
    let mut stale = vec![true; n];
    for _ in 0..=n {
        for f in 0..n {
            if std::mem::take(&mut stale[f]) {
                (at[f], loops[f]) = function_bounds(funcs, f, &whole);
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
    DonesAhead::from_bounds(
        at,
        loops,
        any(|op| matches!(op, Op::Wait { .. })),
        any(is_done),
    )
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
/// whole bound. Counted loops (`crate::counted_loops`) have their edges
/// back to the header cut; the strongly connected components of what
/// remains are bounded in reverse topological order, each the most of its
/// successors plus its own `Done`s (a component with a cycle, a loop that
/// is not counted, through a `Done` is unbounded), relative to the
/// innermost counted loop: from an instruction to the end of the loop's
/// current iteration or the loop's exit. A header's whole loop is its
/// trip count times one iteration, plus the most of its exits. An
/// instruction's bound is then its own to the iteration's end plus, for
/// each loop around it from the inside out, the iterations that may still
/// come and the loop's exit. A `defer` adds its block's bound to its own
/// (the block runs at the return, after the rest of the path).
fn function_bounds(
    funcs: &[Function],
    f: usize,
    whole: &[Option<u32>],
) -> (Vec<Option<u32>>, LoopsAhead) {
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
    let nest = Nest::of(code, &mut next, &mut edges);
    let add = |x: Option<u32>, y: Option<u32>| x.zip(y).and_then(|(x, y)| x.checked_add(y));
    let most = |x: Option<u32>, y: Option<u32>| x.zip(y).map(|(x, y)| x.max(y));
    // Each instruction's bound to the end of its innermost counted loop's
    // iteration (or of the function), and each loop's whole bound from its
    // header, relative to its parent.
    let mut value: Vec<Option<u32>> = vec![None; len];
    let mut whole_loop: Vec<Option<u32>> = vec![None; nest.loops.len()];
    let mut exits: Vec<Option<u32>> = vec![None; nest.loops.len()];
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
        // (A cycle that is not a counted loop lies inside one loop.)
        let within = nest.innermost[comp[0] as usize];
        let mut total: Option<u32> = Some(0);
        if comp.iter().any(|&v| nest.innermost[v as usize] != within) {
            total = None;
        }
        let mut best_after: Option<u32> = Some(0);
        for &v in comp {
            let v = v as usize;
            let mut mine = own[v];
            for &d in &deferred[v] {
                // (A deferred block is in no loop: it ends at its
                // `EndDefer`, and is bounded whole.)
                let block = match nest.innermost[d as usize] {
                    NONE if !inside(d) => value[d as usize],
                    _ => None,
                };
                mine = add(mine, block);
            }
            if cyclic && mine != Some(0) {
                total = None;
            }
            if !cyclic {
                total = mine;
            }
            for &s in &next[v] {
                if !inside(s) {
                    best_after = most(best_after, nest.relative(s, within, &value, &whole_loop));
                }
            }
        }
        let total = add(total, best_after);
        for &v in comp {
            value[v as usize] = total;
        }
        let header = nest.header_of[comp[0] as usize];
        if !cyclic && header != NONE {
            let l = &nest.loops[header as usize];
            let up = nest.parent[header as usize];
            let mut out = Some(0);
            for &t in &l.exits {
                out = most(out, nest.relative(t, up, &value, &whole_loop));
            }
            exits[header as usize] = out;
            let iterations = match l.trips {
                0 => Some(0),
                n => total.and_then(|x| x.checked_mul(n)),
            };
            whole_loop[header as usize] = add(iterations, out);
        }
    }
    // What may still come after each loop's current iteration: the
    // iterations left (the current one has begun), its exit, and the same
    // for the loops around it (parents come first).
    let mut rest: Vec<Option<u32>> = vec![None; nest.loops.len()];
    for (i, l) in nest.loops.iter().enumerate() {
        let up = match nest.parent[i] {
            NONE => Some(0),
            p => rest[p as usize],
        };
        let left = value[l.header as usize].and_then(|x| x.checked_mul(l.trips.saturating_sub(1)));
        rest[i] = add(add(left, exits[i]), up);
    }
    let bounds = (0..len)
        .map(|v| match nest.innermost[v] {
            NONE => value[v],
            i => add(value[v], rest[i as usize]),
        })
        .collect();
    let loops = nest
        .loops
        .into_iter()
        .zip(exits)
        .zip(nest.parent)
        .map(|((l, exits), parent)| LoopAhead {
            var: l.var,
            to: l.to,
            trips: l.trips,
            iteration: value[l.header as usize],
            exits,
            parent,
            latches: l.latches,
        })
        .collect();
    (
        bounds,
        LoopsAhead {
            to_iteration_end: value,
            innermost: nest.innermost,
            loops,
        },
    )
}

/// No loop: the function's top level.
const NONE: u32 = u32::MAX;

/// A function's counted loops that nest (one inside another, or apart)
/// and sit in no other loop, and where each instruction stands in them.
struct Nest {
    /// The loops, each before the loops inside it.
    loops: Vec<Nested>,
    /// Each instruction's innermost loop ([`NONE`]: none).
    innermost: Vec<u32>,
    /// Each loop's parent ([`NONE`]: none).
    parent: Vec<u32>,
    /// The loop each instruction is the header of ([`NONE`]: none).
    header_of: Vec<u32>,
}

/// A counted loop kept.
struct Nested {
    header: u32,
    var: crate::ir::LocalId,
    to: i64,
    trips: u32,
    /// Its instructions that jump back to the header, sorted.
    latches: Vec<u32>,
    /// The instructions outside it that its members go on to.
    exits: Vec<u32>,
}

impl Nest {
    /// The counted loops of `code` that nest and are in no cycle but
    /// their own; their edges back to the header are cut from `next` and
    /// `edges`. A loop whose header a cycle of what remains passes is
    /// inside a loop that is not counted: it is dropped, its edges back
    /// restored, until none is.
    fn of(code: &[crate::ir::Instr], next: &mut [Vec<u32>], edges: &mut [Vec<u32>]) -> Nest {
        let len = code.len();
        let mut loops = crate::counted_loops::counted_loops(code, edges);
        // Outer loops first (a loop holds more than any loop inside it).
        loops.sort_by_key(|l| (std::cmp::Reverse(l.members.len()), l.header));
        loop {
            // Where each instruction stands; a loop that overlaps another
            // without nesting is dropped.
            let mut innermost = vec![NONE; len];
            let mut parent = Vec::new();
            let mut kept = Vec::new();
            for l in &loops {
                let p = innermost[l.header as usize];
                if l.members.iter().any(|&m| innermost[m as usize] != p) {
                    continue;
                }
                for &m in &l.members {
                    innermost[m as usize] = kept.len() as u32;
                }
                parent.push(p);
                kept.push(l.clone());
            }
            if kept.len() < loops.len() {
                loops = kept;
                continue;
            }
            let mut cut: Vec<Vec<u32>> = edges.to_vec();
            for l in &loops {
                for &latch in &l.latches {
                    cut[latch as usize].retain(|&s| s != l.header);
                }
            }
            let mut cyclic = vec![false; len];
            for comp in crate::scc::components(len, |v| &cut[v as usize]).iter() {
                let c = comp.len() > 1 || cut[comp[0] as usize].contains(&comp[0]);
                for &v in comp {
                    cyclic[v as usize] = c;
                }
            }
            let before = loops.len();
            loops.retain(|l| !cyclic[l.header as usize]);
            if loops.len() < before {
                continue;
            }
            let mut header_of = vec![NONE; len];
            let mut nested = Vec::with_capacity(loops.len());
            for (i, l) in loops.iter().enumerate() {
                header_of[l.header as usize] = i as u32;
                let member = |p: u32| l.members.binary_search(&p).is_ok();
                let mut exits: Vec<u32> = l
                    .members
                    .iter()
                    .flat_map(|&m| next[m as usize].iter().copied())
                    .filter(|&s| !member(s))
                    .collect();
                exits.sort_unstable();
                exits.dedup();
                for &latch in &l.latches {
                    next[latch as usize].retain(|&s| s != l.header);
                }
                let mut latches = l.latches.clone();
                latches.sort_unstable();
                nested.push(Nested {
                    header: l.header,
                    var: l.var,
                    to: l.to,
                    trips: l.trips,
                    latches,
                    exits,
                });
            }
            edges.clone_from_slice(&cut);
            return Nest {
                loops: nested,
                innermost,
                parent,
                header_of,
            };
        }
    }

    /// The bound of instruction `s` relative to loop `within` (to the end
    /// of its iteration), for an instruction of `within` going on to `s`:
    /// its own if `s` is in `within` alone, its whole loop's if it is the
    /// header of a loop inside, 0 if `s` is outside (the iteration ends).
    fn relative(
        &self,
        s: u32,
        within: u32,
        value: &[Option<u32>],
        whole_loop: &[Option<u32>],
    ) -> Option<u32> {
        let i = self.innermost[s as usize];
        if i == within {
            return value[s as usize];
        }
        let h = self.header_of[s as usize];
        if h != NONE && self.parent[h as usize] == within {
            return whole_loop[h as usize];
        }
        // Inside a loop within `within` but not at its header: a loop is
        // entered only there, so this cannot be; unbounded, to be safe.
        let mut up = i;
        while up != NONE {
            if up == within {
                return None;
            }
            up = self.parent[up as usize];
        }
        (within != NONE).then_some(0)
    }
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
                .map(|f| super::function_bounds(&prog.funcs, f, &whole).0)
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
    fn counted_loops_multiply_their_body() {
        assert_eq!(
            bound(WG, r#"For("i", 0, 3, [Go(body: [Done("wg")])])"#),
            Some(3)
        );
        // Nested, with a `Done` after, and a body that may leave early.
        assert_eq!(
            bound(
                WG,
                r#"For("i", 1, 3, [For("j", 0, 3, [Done("wg")]), Done("wg")]), Done("wg")"#
            ),
            Some(9)
        );
        assert_eq!(
            bound(
                WG,
                r#"For("i", 0, 3, [If("x == 1", [Break]), Done("wg")]), Done("wg")"#
            ),
            Some(4)
        );
        // `i <= 2`, as the import writes it; an empty range.
        assert_eq!(bound(WG, r#"For("i", 0, "2 + 1", [Done("wg")])"#), Some(3));
        assert_eq!(
            bound(WG, r#"For("i", 3, 1, [Done("wg")]), Done("wg")"#),
            Some(1)
        );
        // A loop inside a counted loop, without a `Done`, costs nothing.
        assert_eq!(
            bound(WG, r#"For("i", 0, 2, [While("x == 1", []), Done("wg")])"#),
            Some(2)
        );
        // Inside the loop, at the `Done`: this iteration's and two more.
        let file = SourceFile::new(
            "w.ron".to_string(),
            format!(
                "Scenario(name: \"w\", globals: [{WG}], main: [For(\"i\", 0, 3, [Set(\"x\", 1), Done(\"wg\")])])"
            ),
        );
        let prog = crate::compile(&file, &[]).expect("compiles");
        let code = &prog.funcs[prog.main.index()].code;
        let done = code
            .iter()
            .position(|i| super::is_done(&i.op))
            .expect("a Done");
        assert_eq!(prog.dones_ahead.at(prog.main, Pc(done as u32)), Some(3));
    }

    #[test]
    fn a_frame_in_a_counted_loop_counts_the_iterations_left() {
        let file = SourceFile::new(
            "w.ron".to_string(),
            format!(
                "Scenario(name: \"w\", globals: [{WG}], main: [For(\"i\", 0, 3, [Go(body: [Done(\"wg\")])]), Done(\"wg\")])"
            ),
        );
        let prog = crate::compile(&file, &[]).expect("compiles");
        let code = &prog.funcs[prog.main.index()].code;
        let at = |op: fn(&crate::ir::Op) -> bool| {
            Pc(code
                .iter()
                .position(|i| op(&i.op))
                .expect("the instruction") as u32)
        };
        let go = at(|op| matches!(op, crate::ir::Op::Go { .. }));
        let latch = at(|op| matches!(op, crate::ir::Op::Jump { .. }));
        let ahead = |pc: Pc, i: Option<i64>| prog.dones_ahead.at_frame(prog.main, pc, |_| i);
        // At the `go` of the first iteration: three goroutines, then the
        // `Done` after the loop; of the last, one.
        assert_eq!(ahead(go, Some(0)), Some(4));
        assert_eq!(ahead(go, Some(2)), Some(2));
        // Jumping back after the last increment: only the `Done` after.
        assert_eq!(ahead(latch, Some(3)), Some(1));
        assert_eq!(ahead(latch, Some(1)), Some(3));
        // Without the variable's value, the trip count alone.
        assert_eq!(ahead(go, None), prog.dones_ahead.at(prog.main, go));
        assert_eq!(ahead(go, None), Some(4));
    }

    #[test]
    fn loops_that_are_not_counted_and_adds_are_unbounded() {
        // Bounds that are not constants, a loop variable written in the
        // body, a counted loop inside one that is not.
        assert_eq!(bound(WG, r#"For("i", 0, "x", [Done("wg")])"#), None);
        assert_eq!(
            bound(WG, r#"For("i", 0, 3, [Set("i", "i - 1"), Done("wg")])"#),
            None
        );
        assert_eq!(
            bound(WG, r#"While("x == 0", [For("i", 0, 2, [Done("wg")])])"#),
            None
        );
        assert_eq!(
            bound(WG, r#"For("i", 0, 2, [While("x == 1", [Done("wg")])])"#),
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
