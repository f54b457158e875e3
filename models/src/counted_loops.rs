//! Counted loops: loops whose body runs at most a number of times known
//! before they start, as `For("i", 0, 3, [...])` lowers: `i = from`, a
//! header testing `i < to` that leaves the loop, the body, `i = i + 1`
//! and a jump back to the header, with constant bounds and no other write
//! of `i` inside. The bound of `Done`s ahead (`crate::dones`) multiplies
//! such a body by its trip count, where any other loop around a `Done`
//! leaves it unbounded.

use crate::ir::{BinOp, Const, Expr, Instr, LocalId, Op};
use crate::ops;

/// A counted loop of a function's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CountedLoop {
    /// Its header, the test that leaves the loop: every edge into the loop
    /// from outside enters here.
    pub header: u32,
    /// Its variable.
    pub var: LocalId,
    /// The bound the header tests it against (`var < to`).
    pub to: i64,
    /// The most times its body runs (`to - from`, at least 0).
    pub trips: u32,
    /// The instructions with an edge back to the header.
    pub latches: Vec<u32>,
    /// Its instructions: the header and every instruction that reaches a
    /// latch without passing the header, sorted.
    pub members: Vec<u32>,
}

/// The counted loops of `code`, whose instructions' successors (control
/// flow and deferred blocks) are `edges`. Each stands alone: whether one
/// sits inside another loop the caller decides.
pub(crate) fn counted_loops(code: &[Instr], edges: &[Vec<u32>]) -> Vec<CountedLoop> {
    let len = code.len();
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); len];
    for (u, es) in edges.iter().enumerate() {
        for &s in es {
            preds[s as usize].push(u as u32);
        }
    }
    let mut out = Vec::new();
    for (h, instr) in code.iter().enumerate() {
        let Op::JumpIfNot {
            cond: Expr::Binary(BinOp::Lt, a, b),
            target,
        } = &instr.op
        else {
            continue;
        };
        let (Expr::Local(v), Some(to)) = (&**a, const_int(b)) else {
            continue;
        };
        let Some(members) = natural_loop(h as u32, edges, &preds) else {
            continue;
        };
        let inside = |p: u32| members.binary_search(&p).is_ok();
        if inside(target.0) {
            continue;
        }
        // Entered only at the header, from `v = from`.
        let entered_elsewhere = members
            .iter()
            .filter(|&&m| m != h as u32)
            .any(|&m| preds[m as usize].iter().any(|&p| !inside(p)));
        let froms: Vec<Option<i64>> = preds[h]
            .iter()
            .filter(|&&p| !inside(p))
            .map(|&p| match &code[p as usize].op {
                Op::Assign { dst, value } if dst == v => const_int(value),
                _ => None,
            })
            .collect();
        let Some(from) = froms.iter().copied().min().flatten() else {
            continue;
        };
        if entered_elsewhere || froms.contains(&None) {
            continue;
        }
        // Inside, only increments write `v`, and every way back to the
        // header passes one.
        let increments = |p: u32| is_increment(&code[p as usize].op, *v);
        let mut other_writes = false;
        for &m in &members {
            let op = &code[m as usize].op;
            ops::local_destinations(op, |d| other_writes |= d == *v && !is_increment(op, *v));
        }
        let latches: Vec<u32> = preds[h].iter().copied().filter(|&p| inside(p)).collect();
        let counted = latches
            .iter()
            .all(|&l| increments(l) || preds[l as usize].iter().all(|&p| increments(p)));
        let Ok(trips) = u32::try_from(to.saturating_sub(from).max(0)) else {
            continue;
        };
        if !other_writes && counted {
            out.push(CountedLoop {
                header: h as u32,
                var: *v,
                to,
                trips,
                latches,
                members,
            });
        }
    }
    out
}

/// The natural loop of header `h`: `h` and the instructions that reach an
/// edge back to it (from an instruction at or below it) without passing
/// it, sorted (`None`: no edge back, or one of them is not reached from
/// `h`).
fn natural_loop(h: u32, edges: &[Vec<u32>], preds: &[Vec<u32>]) -> Option<Vec<u32>> {
    let len = edges.len();
    // What `h` reaches: its predecessors among them close the loop.
    let mut reached = vec![false; len];
    let mut stack: Vec<u32> = edges[h as usize].clone();
    while let Some(p) = stack.pop() {
        if !std::mem::replace(&mut reached[p as usize], true) {
            stack.extend(&edges[p as usize]);
        }
    }
    let mut member = vec![false; len];
    member[h as usize] = true;
    // (Lowered code jumps back to a loop's header from below it; what
    // comes from above enters the loop. Whatever these are, the caller
    // checks every edge into the header from inside.)
    let mut stack: Vec<u32> = preds[h as usize]
        .iter()
        .copied()
        .filter(|&p| p >= h && reached[p as usize])
        .collect();
    if stack.is_empty() {
        return None;
    }
    while let Some(p) = stack.pop() {
        if !std::mem::replace(&mut member[p as usize], true) {
            stack.extend(&preds[p as usize]);
        }
    }
    // (One that `h` does not reach enters the loop elsewhere.)
    let members: Vec<u32> = (0..len as u32).filter(|&p| member[p as usize]).collect();
    members
        .iter()
        .all(|&m| m == h || reached[m as usize])
        .then_some(members)
}

/// True for `v = v + 1`.
fn is_increment(op: &Op, v: LocalId) -> bool {
    match op {
        Op::Assign {
            dst,
            value: Expr::Binary(BinOp::Add, a, b),
        } => *dst == v && **a == Expr::Local(v) && **b == Expr::Const(Const::Int(1)),
        _ => false,
    }
}

/// The value of a constant integer, or of the sum or difference of two
/// (`to: "n + 1"` with `n` a constant, as the import writes `i <= n`).
fn const_int(e: &Expr) -> Option<i64> {
    let leaf = |e: &Expr| match e {
        Expr::Const(Const::Int(n)) => Some(*n),
        _ => None,
    };
    match e {
        Expr::Binary(BinOp::Add, a, b) => leaf(a)?.checked_add(leaf(b)?),
        Expr::Binary(BinOp::Sub, a, b) => leaf(a)?.checked_sub(leaf(b)?),
        _ => leaf(e),
    }
}
