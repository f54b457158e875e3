//! Releases that may be unmatched: the `Unlock`s and `RUnlock`s (and a
//! Cond's `Wait`, which unlocks its Locker) that may run in a frame that
//! does not hold the lock they release.
//!
//! Go lets a goroutine unlock a mutex another goroutine locked. Where that
//! can happen, the release observes the other goroutine without
//! synchronising with it: in one schedule it finds the mutex locked and
//! goes on, in another it crashes (`sync: unlock of unlocked mutex`). A
//! race ordered only by such a release is found only when the states keep
//! happens-before knowledge, so the checker keeps it for a program that has
//! one (`checker/src/semantics/happens.rs`, `tracked`).
//!
//! A release is *matched* when its own frame took the lock on every way to
//! it and has not released it since: a forward must-analysis per function
//! counts, for each lock expression and side (write or read), how many
//! times the frame surely holds it. Then, by induction over any run, every
//! release finds the lock held by its own goroutine, so none crashes and
//! none releases another goroutine's lock. The answer errs toward
//! "unmatched":
//! - a lock is named by the expression the operation evaluates (pure:
//!   its value changes only when a local it reads is written), and a
//!   write to such a local forgets the holds of every expression that
//!   reads it. Two expressions for one mutex count apart, so a release
//!   through another name than the lock's is unmatched;
//! - a callee or a started goroutine begins holding nothing (a helper
//!   that unlocks its caller's lock is unmatched). A call leaves its
//!   caller's holds as they were: every release in the callee that is
//!   matched releases what the callee itself took;
//! - `TryLock` holds nothing for sure;
//! - a deferred block runs when the function returns or panics, wherever
//!   that is after its `defer`, after the blocks deferred later: it
//!   starts from the fewest holds anywhere after its `defer` less the
//!   releases of every block registered by then (each block's releases
//!   counted once, the *slack*), plus the releases registered up to and
//!   with its own. A `defer` in a loop registers its block each time round,
//!   and the counts follow. A deferred block with a loop or a `defer` of
//!   its own makes every release in the function's deferred code
//!   unmatched.
//!
//! Forward dataflow over [`crate::ops::successors`] to the fixed point
//! with a worklist (no recursion over the code).

use crate::ir::{Expr, FuncId, Function, Instr, LocalId, Op, Pc};
use crate::ops::{self, Successor};

/// The side of a lock an operation takes or releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// A Mutex, or an RWMutex's writer lock.
    Write,
    /// An RWMutex's reader lock.
    Read,
}

/// What an operation does to a lock its frame holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effect {
    /// Takes the lock.
    Take,
    /// Releases the lock: the frame must hold it.
    Release,
    /// Releases the lock and takes it again before it goes on (a Cond's
    /// `Wait`): the frame must hold it.
    Cycle,
}

/// A lock as an operation names it: the expression and the side.
type Lock = (Expr, Side);

/// The lock an expression given to `Lock` or `Unlock` names: an RWMutex's
/// `RLocker()` is its reader lock.
fn locker(e: &Expr) -> Lock {
    match e {
        Expr::RLocker(rw) => ((**rw).clone(), Side::Read),
        other => (other.clone(), Side::Write),
    }
}

/// What `op` does to which lock of its frame, if anything.
fn effect(op: &Op) -> Option<(Effect, Lock)> {
    match op {
        Op::Lock { mutex } => Some((Effect::Take, locker(mutex))),
        Op::Unlock { mutex } => Some((Effect::Release, locker(mutex))),
        Op::RLock { mutex } => Some((Effect::Take, (mutex.clone(), Side::Read))),
        Op::RUnlock { mutex } => Some((Effect::Release, (mutex.clone(), Side::Read))),
        // `c.Wait()` unlocks `c.L` and locks it again before it returns.
        Op::Wait { target, cond: true } => Some((
            Effect::Cycle,
            locker(&Expr::CondLocker(Box::new(target.clone()))),
        )),
        // A WaitGroup's `Wait`, or one whose target is not known to be a
        // Cond where the scenario is checked.
        Op::Wait { cond: false, .. } => None,
        // (A successful `TryLock` holds the lock, a failed one does not.)
        Op::TryLock { .. }
        | Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::CallValue { .. }
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Choose { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Send { .. }
        | Op::Recv { .. }
        | Op::Close { .. }
        | Op::Select { .. }
        | Op::WgAdd { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceEnter { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. }
        | Op::Append { .. }
        | Op::AwaitCallback { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::Len { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => None,
    }
}

/// Every release of the program that may run in a frame that does not
/// hold what it releases, by function and instruction, in order.
pub fn unheld_releases(funcs: &[Function]) -> Vec<(FuncId, Pc)> {
    let mut found = Vec::new();
    for (f, func) in funcs.iter().enumerate() {
        for pc in unheld_in(&func.code) {
            found.push((FuncId(f as u32), pc));
        }
    }
    found
}

/// What a frame surely has of one lock before an instruction, as lower
/// bounds over every way to it (and one upper bound), each within
/// `0..=LIMIT` or `-LIMIT..=LIMIT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Count {
    /// How many times the frame holds it, at least.
    held: i32,
    /// Its holds less every release of the deferred blocks registered so
    /// far, at least (`-LIMIT`: any number below; [`FEWEST`]).
    slack: i32,
    /// The releases of the deferred blocks registered so far, at least.
    pending: i32,
    /// The same, at most (`LIMIT`: any number above).
    pending_most: i32,
}

/// Where counts saturate: loops make them grow or shrink without end.
const LIMIT: i32 = 64;

/// A slack of any number at or below `-LIMIT`.
const FEWEST: i32 = -LIMIT;

impl Count {
    const NOTHING: Count = Count {
        held: 0,
        slack: 0,
        pending: 0,
        pending_most: 0,
    };

    /// The bounds that hold on both ways.
    fn meet(self, o: Count) -> Count {
        Count {
            held: self.held.min(o.held),
            slack: self.slack.min(o.slack),
            pending: self.pending.min(o.pending),
            pending_most: self.pending_most.max(o.pending_most),
        }
    }

    /// Holds once more (`by` 1) or once less (`by` -1).
    fn hold(&mut self, by: i32) {
        self.held = (self.held + by).clamp(0, LIMIT);
        self.slack = shift(self.slack, by);
    }

    /// A deferred block that releases the lock `releases` times is
    /// registered.
    fn defer(&mut self, releases: i32) {
        self.pending = (self.pending + releases).min(LIMIT);
        self.pending_most = (self.pending_most + releases).min(LIMIT);
        self.slack = shift(self.slack, -releases);
    }

    /// The expression names another lock from here on.
    fn forget(&mut self) {
        self.held = 0;
        self.slack = if self.pending_most >= LIMIT {
            FEWEST
        } else {
            -self.pending_most
        };
    }
}

/// A slack moved by `by`: [`FEWEST`] stays, the top saturates.
fn shift(slack: i32, by: i32) -> i32 {
    if slack <= FEWEST {
        FEWEST
    } else {
        (slack + by).clamp(FEWEST, LIMIT)
    }
}

/// Per instruction, the counts of each lock of its function before it
/// (`None`: no way reaches it).
type Counts = Vec<Option<Vec<Count>>>;

/// One function's code, as the analysis reads it.
struct Code {
    /// Per instruction: what it does to which lock (an index into the
    /// function's locks).
    effects: Vec<Option<(Effect, usize)>>,
    /// Per instruction: the locks whose expression reads a local it may
    /// write.
    kills: Vec<Vec<usize>>,
    /// Per instruction: its successors in the function.
    succ: Vec<Vec<usize>>,
    /// Per `defer` instruction: how many times its block may release each
    /// lock, at most.
    defers: Vec<Option<Vec<i32>>>,
}

impl Code {
    /// The counts after instruction `pc`, from the counts before it.
    fn after(&self, pc: usize, before: &[Count]) -> Vec<Count> {
        let mut out = before.to_vec();
        if let Some((e, k)) = self.effects[pc] {
            match e {
                Effect::Take => out[k].hold(1),
                Effect::Release => out[k].hold(-1),
                Effect::Cycle => {}
            }
        }
        if let Some(releases) = &self.defers[pc] {
            for (c, &r) in out.iter_mut().zip(releases) {
                c.defer(r);
            }
        }
        for &k in &self.kills[pc] {
            out[k].forget();
        }
        out
    }

    /// Runs the analysis from `start`, with `init` there, to the fixed
    /// point over the instructions it reaches (filling `counts`).
    fn flow(&self, start: usize, init: Vec<Count>, counts: &mut Counts) {
        counts[start] = Some(init);
        let mut queued = vec![false; self.succ.len()];
        queued[start] = true;
        let mut work = vec![start];
        while let Some(pc) = work.pop() {
            queued[pc] = false;
            let Some(before) = &counts[pc] else { continue };
            let out = self.after(pc, before);
            for &s in &self.succ[pc] {
                let changed = match &mut counts[s] {
                    Some(c) => {
                        let mut changed = false;
                        for (x, &o) in c.iter_mut().zip(&out) {
                            let m = x.meet(o);
                            changed |= m != *x;
                            *x = m;
                        }
                        changed
                    }
                    slot @ None => {
                        *slot = Some(out.clone());
                        true
                    }
                };
                if changed && !std::mem::replace(&mut queued[s], true) {
                    work.push(s);
                }
            }
        }
    }

    /// The instructions reached from `from`'s successors (so `from`
    /// itself only when a way returns to it).
    fn reached_after(&self, from: usize) -> Vec<bool> {
        let mut seen = vec![false; self.succ.len()];
        let mut stack: Vec<usize> = self.succ[from].clone();
        while let Some(pc) = stack.pop() {
            if !std::mem::replace(&mut seen[pc], true) {
                stack.extend(self.succ[pc].iter().copied().filter(|&s| !seen[s]));
            }
        }
        seen
    }
}

/// The releases of one function that may find its frame without the lock.
fn unheld_in(instrs: &[Instr]) -> Vec<Pc> {
    let n = instrs.len();
    let releases =
        |e: &Option<(Effect, usize)>| matches!(e, Some((Effect::Release | Effect::Cycle, _)));
    // The function's locks, and for each the locals its expression reads.
    let mut locks: Vec<Lock> = Vec::new();
    let mut effects = Vec::with_capacity(n);
    for instr in instrs {
        effects.push(effect(&instr.op).map(|(e, lock)| {
            let k = match locks.iter().position(|l| *l == lock) {
                Some(k) => k,
                None => {
                    locks.push(lock);
                    locks.len() - 1
                }
            };
            (e, k)
        }));
    }
    if !effects.iter().any(releases) {
        return Vec::new();
    }
    let reads: Vec<Vec<LocalId>> = locks.iter().map(|(e, _)| locals_read(e)).collect();
    let mut kills = Vec::with_capacity(n);
    let mut succ = vec![Vec::new(); n];
    let mut entries: Vec<Option<usize>> = vec![None; n];
    for (pc, instr) in instrs.iter().enumerate() {
        let mut killed = Vec::new();
        ops::local_destinations(&instr.op, |l| {
            for (k, r) in reads.iter().enumerate() {
                if r.contains(&l) && !killed.contains(&k) {
                    killed.push(k);
                }
            }
        });
        kills.push(killed);
        ops::successors(&instr.op, Pc(pc as u32), |s| match s {
            Successor::Pc(p) if p.index() < n => succ[pc].push(p.index()),
            Successor::Deferred(p) if p.index() < n => entries[pc] = Some(p.index()),
            // (Callees and started goroutines run in frames of their own.)
            Successor::Pc(_)
            | Successor::Deferred(_)
            | Successor::Call { .. }
            | Successor::Spawn { .. } => {}
        });
    }
    let mut code = Code {
        effects,
        kills,
        succ,
        defers: vec![None; n],
    };
    // The deferred blocks: where each one's code lies, and how many times
    // it may release each lock (every release in it once, when it has no
    // loop).
    let mut in_blocks = vec![false; n];
    let mut bounded = true;
    for (d, entry) in entries.iter().enumerate() {
        let Some(entry) = *entry else { continue };
        let mut block = code.reached_after(entry);
        block[entry] = true;
        let mut released = vec![0i32; locks.len()];
        for pc in (0..n).filter(|&pc| block[pc]) {
            in_blocks[pc] = true;
            bounded &= entries[pc].is_none() && code.succ[pc].iter().all(|&s| s > pc);
            if let Some((Effect::Release, k)) = code.effects[pc] {
                released[k] = (released[k] + 1).min(LIMIT);
            }
        }
        code.defers[d] = Some(released);
    }
    let mut counts: Counts = vec![None; n];
    code.flow(0, vec![Count::NOTHING; locks.len()], &mut counts);
    if bounded {
        for (d, entry) in entries.iter().enumerate() {
            let (Some(entry), Some(at)) = (*entry, &counts[d]) else {
                continue;
            };
            // A block runs with its frame's holds where the function
            // returns or panics after the `defer`, less the releases of
            // the blocks registered after it there, which run first:
            // that is the slack there plus what was pending with it.
            let mut slack: Vec<i32> = code.after(d, at).iter().map(|c| c.slack).collect();
            let after = code.reached_after(d);
            for pc in (0..n).filter(|&pc| after[pc]) {
                if let Some(before) = &counts[pc] {
                    for (s, (b, a)) in slack
                        .iter_mut()
                        .zip(before.iter().zip(code.after(pc, before)))
                    {
                        *s = (*s).min(b.slack).min(a.slack);
                    }
                }
            }
            let registered = code.after(d, at);
            let init = slack
                .iter()
                .zip(&registered)
                .map(|(&s, c)| {
                    let held = if s <= FEWEST {
                        0
                    } else {
                        (s + c.pending).clamp(0, LIMIT)
                    };
                    Count {
                        held,
                        slack: held,
                        ..Count::NOTHING
                    }
                })
                .collect();
            code.flow(entry, init, &mut counts);
        }
    }
    (0..n)
        .filter(|&pc| {
            let Some((_, k)) = code.effects[pc] else {
                return false;
            };
            releases(&code.effects[pc])
                && (in_blocks[pc] && !bounded
                    || counts[pc].as_ref().is_some_and(|c| c[k].held == 0))
        })
        .map(|pc| Pc(pc as u32))
        .collect()
}

/// The locals an expression reads (expressions nest as deep as the
/// scenario writes them).
fn locals_read(e: &Expr) -> Vec<LocalId> {
    let mut found = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Local(l) => found.push(*l),
            other => stack.extend(other.operands().into_iter().flatten()),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::ir::{Op, Program};
    use crate::span::SourceFile;

    /// The releases found unmatched in a scenario with these globals, this
    /// main and these functions, as (function name, operation) pairs.
    fn unheld(globals: &str, main: &str, funcs: &str) -> Vec<(String, &'static str)> {
        let ron = format!(
            "Scenario(name: \"r\", globals: [{globals}], main: [{main}], funcs: {{{funcs}}})"
        );
        let file = SourceFile::new("r.ron".to_string(), ron);
        let prog: Program = match crate::compile(&file, &[]) {
            Ok(p) => p,
            Err(e) => panic!("{}", e.render(&file, false)),
        };
        super::unheld_releases(&prog.funcs)
            .into_iter()
            .map(|(f, pc)| {
                let func = &prog.funcs[f.index()];
                let what = match &func.code[pc.index()].op {
                    Op::Unlock { .. } => "Unlock",
                    Op::RUnlock { .. } => "RUnlock",
                    Op::Wait { .. } => "Wait",
                    other => panic!("not a release: {other:?}"),
                };
                (func.name.clone(), what)
            })
            .collect()
    }

    const LOCKS: &str = r#"Mutex("mu"), Mutex("mu2"), RWMutex("rw"), Cond("c", "mu"), Var("x", 0)"#;

    fn main_only(main: &str) -> Vec<(String, &'static str)> {
        unheld(LOCKS, main, "")
    }

    fn in_main(n: usize, what: &'static str) -> Vec<(String, &'static str)> {
        vec![("main".to_string(), what); n]
    }

    #[test]
    fn a_release_after_its_own_lock_is_matched() {
        assert_eq!(main_only(r#"Lock("mu"), Set("x", 1), Unlock("mu")"#), []);
        assert_eq!(
            main_only(r#"RLock("rw"), RLock("rw"), RUnlock("rw"), RUnlock("rw")"#),
            []
        );
        assert_eq!(
            main_only(r#"For("i", 0, 3, [Lock("mu"), Set("x", "i"), Unlock("mu")])"#),
            []
        );
        assert_eq!(
            main_only(r#"Lock("mu"), If("x == 0", [Unlock("mu")], [Set("x", 1), Unlock("mu")])"#),
            []
        );
        assert_eq!(main_only(r#"Lock("c.L"), Wait("c"), Unlock("c.L")"#), []);
        assert_eq!(
            main_only(r#"Let("l", "rw.RLocker()"), Lock("l"), Unlock("l")"#),
            []
        );
    }

    #[test]
    fn a_release_without_its_frames_lock_is_unmatched() {
        // Never locked, or not on every way.
        assert_eq!(main_only(r#"Unlock("mu")"#), in_main(1, "Unlock"));
        assert_eq!(
            main_only(r#"If("x == 0", [Lock("mu")]), Unlock("mu")"#),
            in_main(1, "Unlock")
        );
        assert_eq!(
            main_only(r#"Lock("mu"), Unlock("mu"), Unlock("mu")"#),
            in_main(1, "Unlock")
        );
        // As many locks as unlocks, in loops whose trips the analysis
        // does not count.
        assert_eq!(
            main_only(r#"For("i", 0, 2, [RLock("rw")]), For("j", 0, 2, [RUnlock("rw")])"#),
            in_main(1, "RUnlock")
        );
        // The other side, another mutex, another name for the same one.
        assert_eq!(
            main_only(r#"RLock("rw"), Unlock("rw")"#),
            in_main(1, "Unlock")
        );
        assert_eq!(
            main_only(r#"Lock("mu"), Unlock("mu2")"#),
            in_main(1, "Unlock")
        );
        assert_eq!(
            main_only(r#"Lock("rw"), Let("l", "rw.RLocker()"), Unlock("l")"#),
            in_main(1, "Unlock")
        );
        // A local that names another mutex by the release.
        assert_eq!(
            main_only(r#"Let("m", "mu"), Lock("m"), Set("m", "mu2"), Unlock("m")"#),
            in_main(1, "Unlock")
        );
        // A TryLock holds nothing for sure.
        assert_eq!(
            main_only(r#"TryLock("mu", "ok"), If("ok", [Unlock("mu")])"#),
            in_main(1, "Unlock")
        );
        // A Cond's Wait unlocks its Locker, here named otherwise.
        assert_eq!(
            main_only(r#"Lock("mu"), Wait("c"), Unlock("mu")"#),
            in_main(1, "Wait")
        );
    }

    #[test]
    fn other_frames_hold_nothing_of_their_callers_or_spawners() {
        assert_eq!(
            unheld(LOCKS, r#"Lock("mu"), Go(body: [Unlock("mu")])"#, ""),
            [("main.func1".to_string(), "Unlock")]
        );
        assert_eq!(
            unheld(
                LOCKS,
                r#"Lock("mu"), Call("release")"#,
                r#""release": (params: [], body: [Unlock("mu")])"#
            ),
            [("release".to_string(), "Unlock")]
        );
        // A callee's own lock and unlock leave its caller's hold.
        assert_eq!(
            unheld(
                LOCKS,
                r#"Lock("mu"), Call("inner"), Unlock("mu")"#,
                r#""inner": (params: [], body: [Lock("mu2"), Unlock("mu2")])"#
            ),
            []
        );
    }

    #[test]
    fn a_deferred_release_counts_the_holds_at_every_exit() {
        assert_eq!(
            main_only(r#"Lock("mu"), Defer([Unlock("mu")]), Set("x", 1)"#),
            []
        );
        assert_eq!(
            main_only(
                r#"Lock("mu"), Defer([Unlock("mu")]), If("x == 0", [Panic("p")]), Set("x", 1)"#
            ),
            []
        );
        // Unlocked again before the function returns: the deferred one
        // crashes.
        assert_eq!(
            main_only(r#"Lock("mu"), Defer([Unlock("mu")]), Unlock("mu")"#),
            in_main(1, "Unlock")
        );
        assert_eq!(
            main_only(r#"Lock("mu"), Defer([Unlock("mu")]), Unlock("mu"), Lock("mu")"#),
            in_main(1, "Unlock")
        );
        // Deferred before the lock.
        assert_eq!(
            main_only(r#"Defer([Unlock("mu")]), Lock("mu")"#),
            in_main(1, "Unlock")
        );
        // Two deferred unlocks of one lock: the one deferred first runs
        // last, and crashes.
        let two = main_only(r#"Lock("mu"), Defer([Unlock("mu")]), Defer([Unlock("mu")])"#);
        assert_eq!(two, in_main(1, "Unlock"));
        // Two read locks, two deferred read unlocks: both matched.
        assert_eq!(
            main_only(
                r#"RLock("rw"), Defer([RUnlock("rw")]), RLock("rw"), Defer([RUnlock("rw")])"#
            ),
            []
        );
        // A defer in a loop registers its block each time round: as many
        // read unlocks as read locks, or one more.
        assert_eq!(
            main_only(r#"For("i", 0, 2, [RLock("rw"), Defer([RUnlock("rw")])])"#),
            []
        );
        assert_eq!(
            main_only(r#"RLock("rw"), For("i", 0, 2, [Defer([RUnlock("rw")])])"#),
            in_main(1, "RUnlock")
        );
        // A block that may release more than once, or defers again.
        assert_eq!(
            main_only(r#"RLock("rw"), RLock("rw"), Defer([For("i", 0, 2, [RUnlock("rw")])])"#),
            in_main(1, "RUnlock")
        );
    }
}
