//! Dead locals: per instruction of a function, the local slots whose value
//! no run of the function reads again before writing it (SPIN's dead
//! variable elimination; Holzmann, "The Model Checker SPIN", 1997).
//!
//! The checker forgets such a value (`checker/src/semantics/dead.rs`;
//! `checker/README.md`, "Canonical states"): two states that differ only
//! in a value no one will read behave alike, so they become one state.
//!
//! The answer errs toward live, never toward dead:
//! - a local is *read* by every expression an operation evaluates
//!   ([`crate::ops::expressions`]) that names it, and by the loop record a
//!   map range reads directly (`MapNext`'s `seen`);
//! - a local is *written for sure* (its value before is dead) only by the
//!   operations that write it on every completion
//!   ([`crate::ops::may_skip_a_destination`]); a write on one outcome only
//!   (a `select` case, a map range's key) kills nothing;
//! - deferred blocks run when the function returns or panics, wherever
//!   that is: every local they read is live everywhere in the function.
//!
//! Backward dataflow over [`crate::ops::successors`], iterated to the fixed
//! point with a worklist (no recursion over the code).

use crate::ir::{DeadLocals, Expr, Instr, LocalId, Op, Pc};
use crate::ops::{self, Successor};

/// The dead locals of a function with `locals` slots and this `code`;
/// the `results` slots (results after the first) are live everywhere:
/// the caller reads them when the function has returned.
pub fn dead_locals(code: &[Instr], locals: usize, results: &[LocalId]) -> DeadLocals {
    let words = locals.div_ceil(64);
    let n = code.len();
    if words == 0 || n == 0 {
        return DeadLocals::none();
    }
    let bit = |l: LocalId, set: &mut [u64]| {
        if let Some(w) = set.get_mut(l.index() / 64) {
            *w |= 1 << (l.index() % 64);
        }
    };
    // Per instruction: what it reads, what it surely writes, and its
    // successors in the function; who precedes whom, for the worklist.
    let mut reads = vec![0u64; n * words];
    let mut writes = vec![0u64; n * words];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut deferred: Vec<usize> = Vec::new();
    for (pc, instr) in code.iter().enumerate() {
        let op = &instr.op;
        let r = &mut reads[pc * words..(pc + 1) * words];
        read_locals(op, |l| bit(l, r));
        let w = &mut writes[pc * words..(pc + 1) * words];
        kills(op, |l| bit(l, w));
        ops::successors(op, Pc(pc as u32), |s| match s {
            Successor::Pc(p) if p.index() < n => succ[pc].push(p.index()),
            Successor::Deferred(p) if p.index() < n => deferred.push(p.index()),
            // (Callees and spawned goroutines run in frames of their own.)
            Successor::Pc(_)
            | Successor::Deferred(_)
            | Successor::Call { .. }
            | Successor::Spawn { .. } => {}
        });
    }
    for (pc, ss) in succ.iter().enumerate() {
        for &s in ss {
            pred[s].push(pc);
        }
    }
    // Every local a deferred block reads is live throughout, and so is
    // every result slot.
    let mut always = vec![0u64; words];
    for &r in results {
        bit(r, &mut always);
    }
    let mut seen = vec![false; n];
    let mut stack = deferred;
    while let Some(pc) = stack.pop() {
        if std::mem::replace(&mut seen[pc], true) {
            continue;
        }
        for (a, r) in always.iter_mut().zip(&reads[pc * words..(pc + 1) * words]) {
            *a |= r;
        }
        stack.extend(succ[pc].iter().copied().filter(|&s| !seen[s]));
    }
    // live_in(pc) = reads(pc) | always | (live_out(pc) & !writes(pc)),
    // live_out(pc) = the union of its successors' live_in.
    let mut live = vec![0u64; n * words];
    let mut queued = vec![true; n];
    let mut work: Vec<usize> = (0..n).collect();
    let mut out = vec![0u64; words];
    while let Some(pc) = work.pop() {
        queued[pc] = false;
        out.iter_mut().for_each(|w| *w = 0);
        for &s in &succ[pc] {
            for (o, l) in out.iter_mut().zip(&live[s * words..(s + 1) * words]) {
                *o |= l;
            }
        }
        let mut changed = false;
        for k in 0..words {
            let i = pc * words + k;
            let new = reads[i] | always[k] | (out[k] & !writes[i]);
            if new != live[i] {
                live[i] = new;
                changed = true;
            }
        }
        if changed {
            for &p in &pred[pc] {
                if !std::mem::replace(&mut queued[p], true) {
                    work.push(p);
                }
            }
        }
    }
    // Dead: every slot that is not live (the bits past the last slot stay
    // clear).
    let mut bits = vec![0u64; n * words];
    for pc in 0..n {
        for k in 0..words {
            let valid = if (k + 1) * 64 <= locals {
                u64::MAX
            } else {
                (1u64 << (locals - k * 64)) - 1
            };
            bits[pc * words + k] = !live[pc * words + k] & valid;
        }
    }
    DeadLocals::from_bits(words, bits)
}

/// Calls `f` on every local `op` reads: each one an expression it
/// evaluates names, and the record of produced keys a map range reads.
fn read_locals(op: &Op, mut f: impl FnMut(LocalId)) {
    ops::expressions(op, |e, _| {
        // (Expressions nest as deep as the scenario writes them.)
        let mut stack: Vec<&Expr> = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Local(l) => f(*l),
                other => stack.extend(other.operands().into_iter().flatten()),
            }
        }
    });
    if let Op::MapNext { seen, .. } = op {
        f(*seen);
    }
}

/// Calls `f` on every local `op` writes whenever it completes, so that the
/// value before is never read through it ([`ops::may_skip_a_destination`]:
/// a write on some outcomes only kills nothing, which only keeps a value).
fn kills(op: &Op, f: impl FnMut(LocalId)) {
    if !ops::may_skip_a_destination(op) {
        ops::local_destinations(op, f);
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Function, LocalId, Op, Pc, Program};
    use crate::span::SourceFile;

    fn compile(text: &str) -> Program {
        let file = SourceFile::new("t.ron", text);
        match crate::compile(&file, &[]) {
            Ok(p) => p,
            Err(e) => panic!("{}", e.render(&file, false)),
        }
    }

    fn main_of(p: &Program) -> &Function {
        p.func(p.main)
    }

    fn local(f: &Function, name: &str) -> LocalId {
        let i = f.local_names.iter().position(|n| n == name);
        LocalId(i.unwrap_or_else(|| panic!("no local {name}")) as u32)
    }

    /// The first instruction whose operation `is` picks.
    fn pc_of(f: &Function, is: impl Fn(&Op) -> bool) -> Pc {
        let i = f.code.iter().position(|i| is(&i.op));
        Pc(i.expect("the operation is in the code") as u32)
    }

    /// A worker's `v`, loaded under the lock and stored back, is dead from
    /// its last read to the next load: at the loop's `Lock` and `Unlock`,
    /// not between the load and the store.
    #[test]
    fn a_loop_variable_is_dead_from_its_last_read_to_its_next_write() {
        let p = compile(
            r#"Scenario(name: "t", globals: [Var("x", 0), Mutex("mu")],
                main: [Loop([Lock("mu"), Let("v", "x"), Set("x", "v + 1"), Unlock("mu")])])"#,
        );
        let f = main_of(&p);
        let v = local(f, "v");
        let lock = pc_of(f, |op| matches!(op, Op::Lock { .. }));
        let store = pc_of(f, |op| matches!(op, Op::Store { .. }));
        let unlock = pc_of(f, |op| matches!(op, Op::Unlock { .. }));
        assert!(f.dead.is_dead(lock, v));
        assert!(!f.dead.is_dead(store, v), "the store reads it");
        assert!(f.dead.is_dead(unlock, v));
        assert!(f.dead.any());
        let kept = p.keeping_dead_locals();
        assert!(!main_of(&kept).dead.is_dead(lock, v));
        assert!(!main_of(&kept).dead.any());
    }

    /// A local a deferred block reads is live everywhere in the function,
    /// even where the code that follows writes it before any read.
    #[test]
    fn what_a_deferred_block_reads_is_live_throughout() {
        let p = compile(
            r#"Scenario(name: "t", globals: [Var("x", 0)],
                main: [Let("d", 1), Defer([Set("x", "d")]), Set("x", 3), Set("d", 2), Set("x", 4)])"#,
        );
        let f = main_of(&p);
        let d = local(f, "d");
        for pc in 0..f.code.len() {
            assert!(!f.dead.is_dead(Pc(pc as u32), d), "dead at {pc}");
        }
    }

    /// A `select` case writes its local only when taken: the value before
    /// stays live for the other cases (here `default`, which reads it).
    #[test]
    fn a_select_case_does_not_kill_what_it_may_not_write() {
        let p = compile(
            r#"Scenario(name: "t", globals: [Chan("ch", 1), Var("x", 0)],
                main: [Let("v", 1), Select([Recv(chan: "ch", into: "v", body: []), Default([])]), Set("x", "v")])"#,
        );
        let f = main_of(&p);
        let v = local(f, "v");
        let select = pc_of(f, |op| matches!(op, Op::Select { .. }));
        assert!(!f.dead.is_dead(select, v));
    }

    /// A value never read is dead as soon as it is written; a receive
    /// writes its local on every completion, so it is dead while the
    /// receive waits.
    #[test]
    fn a_value_never_read_is_dead_and_a_receive_kills_its_local() {
        let p = compile(
            r#"Scenario(name: "t", globals: [Chan("ch", 1), Var("x", 0)],
                main: [Let("u", 5), Send("ch", 1), Recv(chan: "ch", into: "w"), Set("x", "w")])"#,
        );
        let f = main_of(&p);
        let (u, w) = (local(f, "u"), local(f, "w"));
        let send = pc_of(f, |op| matches!(op, Op::Send { .. }));
        let recv = pc_of(f, |op| matches!(op, Op::Recv { .. }));
        let store = pc_of(f, |op| matches!(op, Op::Store { .. }));
        assert!(f.dead.is_dead(send, u));
        assert!(f.dead.is_dead(recv, w));
        assert!(!f.dead.is_dead(store, w));
    }
}
