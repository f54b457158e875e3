//! Plain states: every object is a global's own, numbered as the globals
//! name them, no two objects form one family, no Cond, at most 64 objects.
//! Most states of programs whose shared objects are globals are plain
//! (lastzero, readers, the philosophers; most of the corpus).
//!
//! In a plain state, what a goroutine touches now and may touch later is
//! fixed by where it stands, when its operation's objects are named
//! globals and its code holds no handle in a local: the global's number is
//! its object's and its family's. The analysis of every state asked each
//! goroutine again (an operand evaluation, a walk of the code's globals);
//! here both are read from tables made once per program, as the two bit
//! words of a [`super::future::FamilyModes`] over the families.
//!
//! The tables answer only where the general answer cannot differ (the
//! unit tests compare both on every goroutine of the states of the
//! corpus): otherwise `None`, and the caller asks the general way.

use smallvec::SmallVec;
use weft_models::ir::{Expr, Op, Program};

use super::touch::{mode_of, Families, Mode};
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// Per function, per instruction: words of code, where known.
pub(crate) type WordsTable = Vec<Vec<Option<[u64; 2]>>>;

/// Per global below 64 that a `Lock` or `RLock` names: the global, and
/// the words of the code reachable from each instruction without executing
/// a `Lock` or `RLock` of it.
pub(crate) type BeforeLocks = Vec<(u32, WordsTable)>;

/// Per instruction of a program, what a goroutine standing there touches
/// (its current operation) and may touch (its future), in a plain state.
#[derive(Clone, Debug, Default)]
pub(crate) struct PlainTables {
    /// `current[f][pc]`: the touched and written words of the operation.
    current: WordsTable,
    /// `future[f][pc]`: those of the code reachable from there, for a
    /// goroutine with one frame and nothing deferred.
    future: WordsTable,
    /// Per global below 64 that a `Lock` or `RLock` names: the global, and
    /// `[f][pc]`, the words of the code reachable from there without
    /// executing a `Lock` or `RLock` of it ([`PlainTables::before`]).
    before: BeforeLocks,
}

impl PlainTables {
    /// The tables of `prog`, given the words of the code reachable from
    /// each instruction (`future[f][pc]`: what
    /// [`super::future::CodeFuture::plain_words`] says).
    /// (The tables of the code before each `Lock` are made apart:
    /// [`Self::set_before`].)
    pub(crate) fn new(prog: &Program, future: WordsTable) -> PlainTables {
        PlainTables {
            current: prog
                .funcs
                .iter()
                .map(|f| f.code.iter().map(|i| operation_words(&i.op)).collect())
                .collect(),
            future,
            before: Vec::new(),
        }
    }

    /// Sets the words of the code reachable from each instruction without
    /// taking each global a `Lock` or `RLock` names
    /// ([`super::future::ProgramFuture::learn_held_locks`]); until then no
    /// mutex counts as held.
    pub(crate) fn set_before(&mut self, before: BeforeLocks) {
        self.before = before;
    }

    /// The tables [`Self::set_before`] set (for tests).
    #[cfg(test)]
    pub(crate) fn before_tables(&self) -> &BeforeLocks {
        &self.before
    }

    /// Which globals of `state` (plain) that a `Lock` or `RLock` names are
    /// held: a locked Mutex, or an RWMutex a writer holds. Indices for
    /// [`Self::before`].
    pub(crate) fn held(&self, state: &State) -> SmallVec<[usize; 4]> {
        self.before
            .iter()
            .enumerate()
            .filter(|(_, (m, _))| match state.objects.get(*m as usize) {
                Some(Object::Mutex(s)) => s.locked,
                // Held by a writer: its `Lock` (first phase) and `RLock`
                // wait, and no writer is halfway through its `Lock`.
                Some(Object::RwMutex(s)) => s.writer,
                _ => false,
            })
            .map(|(k, _)| k)
            .collect()
    }

    /// The global of held index `k` ([`Self::held`]).
    pub(crate) fn held_global(&self, k: usize) -> usize {
        self.before[k].0 as usize
    }

    /// What goroutine `g` may touch from now on before it executes a
    /// `Lock` or `RLock` of the global of index `k` ([`Self::held`]), in a
    /// plain state, when the table knows (as [`Self::future`]). While that
    /// mutex stays held, `g` moves within this code: its `Lock` or `RLock`
    /// there waits.
    pub(crate) fn before(&self, k: usize, g: &Goroutine) -> Option<[u64; 2]> {
        if g.spinning {
            return Some([0; 2]);
        }
        match g.frames.as_slice() {
            [fr] if fr.defers.is_empty() => *self
                .before
                .get(k)?
                .1
                .get(fr.func.index())?
                .get(fr.pc.index())?,
            _ => None,
        }
    }

    /// What goroutine `g` touches now, in a plain state, when the table
    /// knows (see [`super::persistent`]'s `goroutine_modes`).
    pub(crate) fn current(&self, g: &Goroutine) -> Option<[u64; 2]> {
        if g.spinning {
            return Some([0; 2]);
        }
        let fr = g.frames.last()?;
        *self.current.get(fr.func.index())?.get(fr.pc.index())?
    }

    /// What goroutine `g` may touch from now on, in a plain state, when
    /// the table knows (see [`super::future::goroutine_future`]).
    pub(crate) fn future(&self, g: &Goroutine) -> Option<[u64; 2]> {
        if g.spinning {
            return Some([0; 2]);
        }
        match g.frames.as_slice() {
            [fr] if fr.defers.is_empty() => {
                *self.future.get(fr.func.index())?.get(fr.pc.index())?
            }
            _ => None,
        }
    }
}

/// True when `state` is plain (see the module's comment): global `i`
/// holds object `i`, there are no other objects, and `families` joined
/// none.
pub(crate) fn is_plain(state: &State, families: &Families) -> bool {
    let n = state.objects.len();
    (1..=64).contains(&n)
        && state.globals.len() == n
        && !families.grouped()
        && state
            .globals
            .iter()
            .enumerate()
            .all(|(i, &v)| v == Value::Obj(ObjRef(i as u32)))
        && !state.objects.iter().any(|o| matches!(o, Object::Cond(_)))
}

/// The words of one family, used in mode `m`.
pub(crate) fn add(words: &mut [u64; 2], family: usize, m: Mode) {
    let bit = 1u64 << family;
    words[0] |= bit;
    if m == Mode::Write {
        words[1] |= bit;
    }
}

/// What `op` touches in a plain state, when every object operand is a
/// named global (not a local's handle) and what it touches does not depend
/// on the object: not `Wait` (a Cond's also takes its Locker), not
/// `append` (it reads the slice's elements). (`len` of a map is a read
/// where `len` of another object is an inspection: the same mode.)
fn operation_words(op: &Op) -> Option<[u64; 2]> {
    if matches!(op, Op::Wait { .. } | Op::Append { .. }) {
        return None;
    }
    let mut words = [0u64; 2];
    let mut known = true;
    weft_models::ops::operands(op, |e, u| match e {
        Expr::Global(g) if g.index() < 64 => {
            add(&mut words, g.index(), mode_of(u));
        }
        _ => known = false,
    });
    known.then_some(words)
}

#[cfg(test)]
mod tests {
    use std::collections::{HashSet, VecDeque};

    use super::{is_plain, PlainTables};
    use crate::reduce::future::{goroutine_future, handles_may_move, FamilyModes, ProgramFuture};
    use crate::reduce::persistent::goroutine_modes;
    use crate::reduce::touch::Families;
    use crate::semantics::{enabled, initial_state, step};
    use crate::state::State;

    /// A table's answer, beside the general analysis's.
    type Answer<'a> = (Option<[u64; 2]>, &'a dyn Fn() -> FamilyModes);

    /// The first `limit` states of `prog` met breadth first.
    fn states(prog: &weft_models::ir::Program, limit: usize) -> Vec<State> {
        let Ok(first) = initial_state(prog) else {
            return Vec::new();
        };
        let mut seen = HashSet::from([first.clone()]);
        let mut queue = VecDeque::from([first]);
        let mut out = Vec::new();
        while let Some(s) = queue.pop_front() {
            if out.len() >= limit {
                break;
            }
            for t in enabled(prog, &s) {
                let next = step(prog, &s, &t);
                if next.failure.is_none() && seen.insert(next.state.clone()) {
                    queue.push_back(next.state);
                }
            }
            out.push(s);
        }
        out
    }

    /// On the first states of every scenario of the corpus, wherever the
    /// tables answer for a goroutine of a plain state, they answer what
    /// the general analysis does (its operation and its future).
    #[test]
    fn the_tables_answer_as_the_general_analysis_on_the_corpus() {
        let (mut plain_states, mut checked, mut scenarios_plain) = (0, 0, 0);
        let files = crate::testing::corpus_files();
        for (path, prog) in files.iter().zip(crate::testing::corpus()) {
            let future = ProgramFuture::new(&prog);
            let tables: &PlainTables = &future.plain;
            let mut any = false;
            for state in states(&prog, 300) {
                let families = Families::of(&state);
                if !is_plain(&state, &families) {
                    continue;
                }
                any = true;
                plain_states += 1;
                let anything = handles_may_move(&future, &state);
                for g in &state.goroutines {
                    // The operation, then the future: the table's answer
                    // beside the general one.
                    let current = || goroutine_modes(&prog, &state, &families, g);
                    let later = || goroutine_future(&future, &state, &families, g, anything);
                    let answers: [Answer; 2] =
                        [(tables.current(g), &current), (tables.future(g), &later)];
                    for (words, general) in answers {
                        if let Some(words) = words {
                            assert_eq!(
                                FamilyModes::one(words),
                                general(),
                                "{}: {g:?}",
                                path.display()
                            );
                            checked += 1;
                        }
                    }
                }
            }
            scenarios_plain += usize::from(any);
        }
        assert!(
            scenarios_plain > 30 && plain_states > 1500 && checked > 4000,
            "{scenarios_plain} scenarios, {plain_states} plain states, {checked} answers"
        );
    }

    /// The code before a `Lock`: inside a loop's critical section of `mu`,
    /// a worker reaches its `Unlock` and the other mutex's section, not
    /// the variable it touches only after the next `Lock("mu")`; standing
    /// at that `Lock`, nothing. Everywhere, it is within the whole future.
    #[test]
    fn the_code_before_a_lock_stops_at_the_lock() {
        let prog = crate::testing::program(
            r#"Scenario(name: "s", globals: [Mutex("mu"), Mutex("mv"), Var("x", 0), Var("y", 0)],
                main: [Loop([Lock("mu"), Let("v", "x"), Set("x", "v + 1"), Unlock("mu"),
                             Lock("mv"), Let("w", "y"), Set("y", "w + 1"), Unlock("mv")])])"#,
        );
        let mut future = ProgramFuture::new(&prog);
        assert!(future.plain.before.is_empty());
        future.learn_held_locks(&prog);
        let tables = &future.plain;
        let main = &prog.funcs[prog.main.index()];
        let lock_of = |g: u32| {
            main.code
                .iter()
                .position(|i| {
                    matches!(&i.op, weft_models::ir::Op::Lock { mutex: weft_models::ir::Expr::Global(x) } if x.0 == g)
                })
                .expect("the Lock")
        };
        let (mu, mv) = (lock_of(0), lock_of(1));
        // Index 0 of the tables is `mu` (global 0), 1 is `mv`.
        let at = |k: usize, pc: usize| tables.before[k].1[prog.main.index()][pc];
        assert_eq!(
            tables.before.iter().map(|b| b.0).collect::<Vec<_>>(),
            [0, 1]
        );
        assert_eq!(at(0, mu), Some([0, 0]));
        assert_eq!(at(1, mv), Some([0, 0]));
        // After `Lock("mu")`, before the next: mu, x (read and written),
        // then mv and y; all written.
        let inside = at(0, mu + 1).expect("plain code");
        assert_eq!(inside, [0b1111, 0b1111]);
        // After `Lock("mv")`, before the next `Lock("mv")`: y, mv, then
        // round the loop to mu and x.
        assert_eq!(at(1, mv + 1), Some([0b1111, 0b1111]));
        // Inside mu's section, before `Lock("mv")`: mu and x only.
        assert_eq!(at(1, mu + 1), Some([0b0101, 0b0101]));
        for (k, (_, funcs)) in tables.before.iter().enumerate() {
            for (f, pcs) in funcs.iter().enumerate() {
                for (pc, before) in pcs.iter().enumerate() {
                    let whole = tables.future[f][pc];
                    if let (Some(b), Some(w)) = (before, whole) {
                        assert_eq!([b[0] & !w[0], b[1] & !w[1]], [0, 0], "{k} {f} {pc}");
                    }
                }
            }
        }
    }

    /// A state is plain only while the globals' objects are all there is:
    /// not once a goroutine made a channel, and never with a Cond.
    #[test]
    fn made_objects_and_conds_make_a_state_not_plain() {
        let compile = crate::testing::program;
        let prog = compile(
            r#"Scenario(name: "s", globals: [Var("x", 0), Mutex("m")],
                main: [Go(body: [Chan("c"), AtomicStore("x", "1")])])"#,
        );
        let all = states(&prog, 50);
        let plain: Vec<bool> = all.iter().map(|s| is_plain(s, &Families::of(s))).collect();
        assert!(
            plain.iter().any(|&p| p) && plain.iter().any(|&p| !p),
            "{plain:?}"
        );
        for (s, p) in all.iter().zip(&plain) {
            assert_eq!(*p, s.objects.len() == 2, "{s:?}");
        }
        let prog = compile(
            r#"Scenario(name: "s", globals: [Mutex("m"), Cond("c", "m")],
                main: [Lock("m"), Unlock("m")])"#,
        );
        let all = states(&prog, 10);
        assert!(!all.is_empty());
        assert!(all.iter().all(|s| !is_plain(s, &Families::of(s))));
    }
}
