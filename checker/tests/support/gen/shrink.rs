//! The shrinker: greedy one-step simplifications while a predicate holds.

use super::*;

/// Simpler versions of an integer: 0, 1, and halfway.
pub(super) fn smaller_ints(n: i64) -> Vec<i64> {
    let mut v = Vec::new();
    for c in [0, 1, n / 2] {
        if c.abs() < n.abs() && !v.contains(&c) {
            v.push(c);
        }
    }
    v
}

pub(super) fn arg_variants(args: &[Arg]) -> Vec<Vec<Arg>> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match a {
            Arg::Int(n) => {
                for c in smaller_ints(*n) {
                    let mut v = args.to_vec();
                    v[i] = Arg::Int(c);
                    out.push(v);
                }
            }
            Arg::List(items) if items.len() > 1 => {
                for j in 0..items.len() {
                    let mut l = items.clone();
                    l.remove(j);
                    let mut v = args.to_vec();
                    v[i] = Arg::List(l);
                    out.push(v);
                }
            }
            _ => {}
        }
    }
    out
}

/// Every one-step simplification of a block: statements removed (whole
/// goroutines included), compound statements replaced by one of their
/// blocks, then simplifications inside each statement.
pub(super) fn block_variants(b: &Block) -> Vec<Block> {
    let mut out = Vec::new();
    for i in 0..b.len() {
        let mut c = b.clone();
        c.remove(i);
        out.push(c);
    }
    for (i, st) in b.iter().enumerate() {
        let inner: Vec<&Block> = match st {
            Stmt::Leaf { .. } => vec![],
            Stmt::Nest { blocks, .. } => blocks.iter().collect(),
            Stmt::Select { arms } => arms.iter().map(|a| &a.body).collect(),
        };
        for blk in inner {
            let mut c = b[..i].to_vec();
            c.extend(blk.iter().cloned());
            c.extend(b[i + 1..].iter().cloned());
            out.push(c);
        }
    }
    for (i, st) in b.iter().enumerate() {
        for v in stmt_variants(st) {
            let mut c = b.clone();
            c[i] = v;
            out.push(c);
        }
    }
    out
}

pub(super) fn stmt_variants(st: &Stmt) -> Vec<Stmt> {
    let mut out = Vec::new();
    match st {
        Stmt::Leaf { op, args } => {
            for a in arg_variants(args) {
                out.push(leaf(op, a));
            }
        }
        Stmt::Nest { op, args, blocks } => {
            if *op == "Either" && blocks.len() > 1 {
                for j in 0..blocks.len() {
                    let mut bs = blocks.clone();
                    bs.remove(j);
                    out.push(nest(op, args.clone(), bs));
                }
            }
            for a in arg_variants(args) {
                out.push(nest(op, a, blocks.clone()));
            }
            for (j, blk) in blocks.iter().enumerate() {
                for v in block_variants(blk) {
                    let mut bs = blocks.clone();
                    bs[j] = v;
                    out.push(nest(op, args.clone(), bs));
                }
            }
        }
        Stmt::Select { arms } => {
            for j in 0..arms.len() {
                let mut a = arms.clone();
                a.remove(j);
                out.push(select(a));
            }
            for (j, am) in arms.iter().enumerate() {
                for v in arg_variants(&am.args) {
                    let mut a = arms.clone();
                    a[j].args = v;
                    out.push(select(a));
                }
                for v in block_variants(&am.body) {
                    let mut a = arms.clone();
                    a[j].body = v;
                    out.push(select(a));
                }
            }
        }
    }
    out
}

/// `Go`/`Call` statements of `func` removed, recursively.
pub(super) fn without_calls(b: &Block, func: &str) -> Block {
    b.iter()
        .filter(|st| {
            !matches!(st, Stmt::Leaf { op: "Go" | "Call", args }
                if matches!(args.first(), Some(Arg::Str(f)) if f == func))
        })
        .map(|st| match st {
            Stmt::Leaf { .. } => st.clone(),
            Stmt::Nest { op, args, blocks } => nest(
                op,
                args.clone(),
                blocks.iter().map(|x| without_calls(x, func)).collect(),
            ),
            Stmt::Select { arms } => select(
                arms.iter()
                    .map(|a| arm(a.op, a.args.clone(), without_calls(&a.body, func)))
                    .collect(),
            ),
        })
        .collect()
}

/// Every one-step simplification of a scenario, biggest first.
pub(super) fn scenario_variants(sc: &Scenario) -> Vec<Scenario> {
    let mut out = Vec::new();
    for (i, f) in sc.funcs.iter().enumerate() {
        let mut c = sc.clone();
        c.funcs.remove(i);
        c.main = without_calls(&c.main, &f.name);
        for g in &mut c.funcs {
            g.body = without_calls(&g.body, &f.name);
        }
        out.push(c);
    }
    for v in block_variants(&sc.main) {
        out.push(Scenario {
            main: v,
            ..sc.clone()
        });
    }
    for (i, f) in sc.funcs.iter().enumerate() {
        for v in block_variants(&f.body) {
            let mut c = sc.clone();
            c.funcs[i].body = v;
            out.push(c);
        }
    }
    for i in 0..sc.globals.len() {
        let mut c = sc.clone();
        c.globals.remove(i);
        out.push(c);
    }
    for (i, g) in sc.globals.iter().enumerate() {
        for v in stmt_variants(g) {
            let mut c = sc.clone();
            c.globals[i] = v;
            out.push(c);
        }
    }
    out
}

/// Greedily simplifies `sc` while `holds` stays true: removes goroutines
/// (named functions with their `Go`s, anonymous `Go` statements),
/// statements, select arms, `Either` branches and `Choose` values, replaces
/// compound statements by one of their blocks, and lowers integers (loop
/// counts, capacities, durations). Stops at a fixed point or after
/// `budget` evaluations of `holds`; `holds(sc)` is assumed true.
pub fn shrink(sc: &Scenario, budget: usize, holds: &mut dyn FnMut(&Scenario) -> bool) -> Scenario {
    let mut cur = sc.clone();
    let mut calls = 0;
    loop {
        let mut progress = false;
        let mut k = 0;
        loop {
            let vs = scenario_variants(&cur);
            let Some(next) = vs.into_iter().skip(k).find(|v| {
                k += 1;
                if calls >= budget {
                    return false;
                }
                calls += 1;
                holds(v)
            }) else {
                break;
            };
            cur = next;
            progress = true;
            // Candidates before k were rejected; retry from just before it.
            k = k.saturating_sub(1);
        }
        if !progress || calls >= budget {
            return cur;
        }
    }
}
