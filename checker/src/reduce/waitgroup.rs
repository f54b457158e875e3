//! When a WaitGroup's `Done` commutes with everything another goroutine
//! can do first. Two `Done`s on a WaitGroup whose counter stays above zero
//! commute (both orders subtract two, neither releases a `Wait` nor
//! panics), and a `Wait` cannot pass while the counter is above zero. So a
//! goroutine's `Done` with the counter at `c` is independent of every run
//! of the other goroutines that can take at most `c - 1` `Done`s and no
//! `Add`: through such a run the counter stays at 2 or more before each of
//! their `Done`s and never reaches zero, so no `Wait` passes. The
//! persistent-set closure ([`super::persistent`]) then leaves the
//! WaitGroup out of that `Done`'s touches: the fan-out's `Done`, which
//! every sender takes after its send, no longer pulls in the `Wait` of the
//! closer and, through its `close`, every send and receive.
//!
//! [`DoneBounds`] bounds statically how many `Done`s the code from each
//! instruction may take, the goroutines it starts and the deferred blocks
//! it registers included; a loop around one, recursion, or any `Add` other
//! than `Done` leaves it unbounded (`None`). WaitGroups are not told apart:
//! a `Done` on any counts.

use smallvec::SmallVec;
use weft_models::ir::{Const, Expr, FuncId, Op, Pc, Program};
use weft_models::ops::{self, Successor};

use crate::state::{Goroutine, Object, State};
use crate::value::ObjRef;

/// The most `Done`s the code from each instruction may take.
#[derive(Clone, Debug)]
pub(crate) struct DoneBounds {
    /// `at[f][pc]`; `None`: unbounded.
    at: Vec<Vec<Option<u32>>>,
    /// False when no instruction of the program is a `Wait`: no goroutine
    /// ever holds one ([`Self::held_wait`]).
    waits: bool,
    /// False when no instruction of the program is a `Done`: no goroutine
    /// ever takes one ([`Self::independent_done`], asked of every actor
    /// the analysis reaches, read each one's execution: 1.5 % of
    /// readers(18)'s time, which has no WaitGroup).
    dones: bool,
}

/// True for `wg.Done()` (`Add(-1)`).
fn is_done(op: &Op) -> bool {
    matches!(
        op,
        Op::WgAdd {
            delta: Expr::Const(Const::Int(-1)),
            ..
        }
    )
}

impl DoneBounds {
    /// Bounds every instruction of `prog`: a fixed point over the call
    /// graph from "unbounded", so a recursive function stays unbounded and
    /// the others get their exact bound once their callees have theirs.
    pub(crate) fn new(prog: &Program) -> DoneBounds {
        let n = prog.funcs.len();
        // Who calls or starts each function: a function's bounds change
        // only when a callee's whole bound does, so a round bounds again
        // only the callers of those that changed (every function, every
        // round, was half of `ProgramFuture::new` on philosophers(8)).
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (f, func) in prog.funcs.iter().enumerate() {
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
                    at[f] = function_bounds(prog, f, &whole);
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
        let any = |is: fn(&Op) -> bool| prog.funcs.iter().any(|f| f.code.iter().any(|i| is(&i.op)));
        DoneBounds {
            at,
            waits: any(|op| matches!(op, Op::Wait { .. })),
            dones: any(is_done),
        }
    }

    /// False when no goroutine of the program can ever hold a `Wait`
    /// ([`Self::held_wait`] is `None` for every goroutine of every state).
    pub(crate) fn any_wait(&self) -> bool {
        self.waits
    }

    fn at(&self, f: FuncId, pc: Pc) -> Option<u32> {
        self.at.get(f.index())?.get(pc.index()).copied().flatten()
    }

    /// The most `Done`s goroutine `g` may still take (from every frame's
    /// instruction and every deferred block it registered).
    pub(crate) fn of_goroutine(&self, g: &Goroutine) -> Option<u32> {
        if g.spinning {
            return Some(0);
        }
        let mut total = 0u32;
        for fr in &g.frames {
            total = total.checked_add(self.at(fr.func, fr.pc)?)?;
            for &d in &fr.defers {
                total = total.checked_add(self.at(fr.func, d)?)?;
            }
        }
        Some(total)
    }

    /// The WaitGroup whose `Done` goroutine `a` takes next, when every
    /// other goroutine can take at most its counter less one `Done`s and
    /// no `Add`, and nothing can start a goroutine by itself (no timer or
    /// `context.AfterFunc` callback): its `Done` then commutes with every
    /// run of the others (see the module's comment).
    pub(crate) fn independent_done(
        &self,
        prog: &Program,
        state: &State,
        a: usize,
        wg_of: impl Fn(&Expr) -> Option<ObjRef>,
    ) -> Option<ObjRef> {
        if !self.dones {
            return None;
        }
        let g = state.goroutines.get(a)?;
        if g.panic.is_some() {
            return None;
        }
        let fr = g.frames.last()?;
        let instr = prog.funcs.get(fr.func.index())?.code.get(fr.pc.index())?;
        let Op::WgAdd { wg, .. } = &instr.op else {
            return None;
        };
        if !is_done(&instr.op) {
            return None;
        }
        let r = wg_of(wg)?;
        let Object::WaitGroup(w) = state.object(r) else {
            return None;
        };
        if callbacks(state) {
            return None;
        }
        let mut others = 0u32;
        for (b, h) in state.goroutines.iter().enumerate() {
            if b != a {
                others = others.checked_add(self.of_goroutine(h)?)?;
            }
        }
        (i64::from(others) < w.counter).then_some(r)
    }

    /// The counter of the WaitGroup goroutine `a` waits on, when it is
    /// blocked in its `Wait` and nothing can start a goroutine by itself
    /// (no timer or `context.AfterFunc` callback): then only `Done`s or
    /// `Add`s by the goroutines that run can release it
    /// ([`Self::may_release`]).
    pub(crate) fn held_wait(&self, prog: &Program, state: &State, a: usize) -> Option<i64> {
        let g = state.goroutines.get(a)?;
        if g.spinning || g.panic.is_some() {
            return None;
        }
        // (Its operation first: most goroutines stand elsewhere, and the
        // callbacks are a walk over the objects.)
        let r = crate::semantics::waitgroup::pending_wait(prog, state, g)?;
        if callbacks(state) {
            return None;
        }
        match state.object(r) {
            Object::WaitGroup(w) if w.counter > 0 => Some(w.counter),
            _ => None,
        }
    }

    /// False when the goroutines `runs` holds can take, together, fewer
    /// than `counter` `Done`s and no other `Add`: a `Wait` on a counter at
    /// `counter` cannot pass while only they move.
    pub(crate) fn may_release(&self, state: &State, runs: &[bool], counter: i64) -> bool {
        let mut dones = 0u32;
        for (g, _) in state.goroutines.iter().zip(runs).filter(|(_, &r)| r) {
            match self.of_goroutine(g).and_then(|d| dones.checked_add(d)) {
                Some(d) => dones = d,
                None => return true,
            }
        }
        i64::from(dones) >= counter
    }
}

/// True when a timer or `context.AfterFunc` callback may start a goroutine
/// by itself: its `Done`s are no goroutine's yet.
pub(super) fn callbacks(state: &State) -> bool {
    state.objects.iter().any(|o| match o {
        Object::Timer(t) => t.callback.is_some(),
        Object::Registration(_) => true,
        _ => false,
    })
}

/// The bounds of every instruction of function `f`, given each function's
/// whole bound: the strongly connected components of its control flow, in
/// reverse topological order, each the most of its successors plus its
/// own `Done`s (a component with a cycle through a `Done` is unbounded).
/// A `defer` adds its block's bound to its own (the block runs at the
/// return, after the rest of the path).
fn function_bounds(prog: &Program, f: usize, whole: &[Option<u32>]) -> Vec<Option<u32>> {
    let code = &prog.funcs[f].code;
    let len = code.len();
    let mut next: Vec<SmallVec<[u32; 2]>> = vec![SmallVec::new(); len];
    let mut deferred: Vec<SmallVec<[u32; 1]>> = vec![SmallVec::new(); len];
    let mut edges: Vec<SmallVec<[u32; 3]>> = vec![SmallVec::new(); len];
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
    use weft_models::ir::{Pc, Program};
    use weft_models::span::SourceFile;

    use super::DoneBounds;

    /// The bounds of every instruction by the fixed point bounding every
    /// function at every round (as before the callers were tracked).
    fn by_full_rounds(prog: &Program) -> Vec<Vec<Option<u32>>> {
        let n = prog.funcs.len();
        let mut whole: Vec<Option<u32>> = vec![None; n];
        let mut at: Vec<Vec<Option<u32>>> = Vec::new();
        for _ in 0..=n {
            at = (0..n)
                .map(|f| super::function_bounds(prog, f, &whole))
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
        let mut programs = crate::testing::corpus();
        programs.push(crate::testing::program(
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
            let bounds = DoneBounds::new(prog);
            assert_eq!(bounds.at, by_full_rounds(prog), "program {k}");
            bounded += bounds
                .at
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
        let prog = match weft_models::compile(&file, &[]) {
            Ok(p) => p,
            Err(e) => panic!("{}", e.render(&file, false)),
        };
        DoneBounds::new(&prog).at(prog.main, Pc(0))
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
