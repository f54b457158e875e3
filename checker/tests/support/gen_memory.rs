//! Random shared-memory scenarios for the referee of `--reduction dpor`:
//! 2 to 4 goroutines (some started by goroutines) reading and writing
//! shared variables and slice elements at computed indices, plainly and
//! atomically (loads, stores, adds, compare-and-swap), in counted loops,
//! branches, choice points and assertions, and taking two `sync.Mutex`es
//! (critical sections, both in either order, `TryLock`, and now and then
//! a `Lock` never released or an `Unlock` of a lock not held), sending on
//! and receiving from an unbuffered and two buffered channels (and
//! closing them), and a
//! WaitGroup's `Add`, `Done` and `Wait`. Their runs all end and goroutines
//! wait only at those: the class stateless DPOR explores. Races, failed
//! assertions, index panics, deadlocks, leaks, unlocks of unlocked
//! mutexes, sends on closed channels and negative WaitGroup counters are
//! common, so every bug kind the class can show is refereed.

use super::gen::Rng;

/// The shared variables (the slice `a` has 3 elements).
const VARS: [&str; 3] = ["x", "y", "z"];

struct Writer {
    rng: Rng,
    /// Fresh local names.
    next: usize,
}

impl Writer {
    /// An integer value: a constant, or a local in scope plus a constant.
    fn value(&mut self, ints: &[String]) -> String {
        if !ints.is_empty() && self.rng.chance(50) {
            let l = self.rng.pick(ints);
            format!("{l} + {}", self.rng.below(2))
        } else {
            format!("{}", 1 + self.rng.below(3))
        }
    }

    /// A shared place: a variable or an element of `a`, at a constant or
    /// computed index (rarely out of range: an index panic), sometimes
    /// through a part of `a` (which shares its elements).
    fn place(&mut self, ints: &[String]) -> String {
        if self.rng.chance(60) {
            return self.rng.pick(&VARS).to_string();
        }
        if self.rng.chance(15) {
            let from = self.rng.below(3);
            return format!("a[{from}:][{}]", self.rng.below(3 - from));
        }
        if !ints.is_empty() && self.rng.chance(60) {
            let l = self.rng.pick(ints);
            let m = if self.rng.chance(5) { 4 } else { 3 };
            format!("a[({l} + {}) % {m}]", self.rng.below(3))
        } else {
            format!("a[{}]", self.rng.below(3))
        }
    }

    fn fresh(&mut self) -> String {
        self.next += 1;
        format!("l{}", self.next)
    }

    /// A block of 1 to `max` statements; `ints` and `bools` are the locals
    /// in scope.
    fn block(
        &mut self,
        depth: usize,
        max: usize,
        ints: &mut Vec<String>,
        bools: &mut Vec<String>,
    ) -> String {
        let n = 1 + self.rng.below(max);
        let (i0, b0) = (ints.len(), bools.len());
        let stmts: Vec<String> = (0..n).map(|_| self.stmt(depth, ints, bools)).collect();
        ints.truncate(i0);
        bools.truncate(b0);
        stmts.join(", ")
    }

    fn stmt(&mut self, depth: usize, ints: &mut Vec<String>, bools: &mut Vec<String>) -> String {
        let nested = depth < 2;
        let k = self.rng.weighted(&[
            5,
            5,
            3,
            2,
            2,
            2,
            2,
            if nested { 2 } else { 0 },
            if nested { 2 } else { 0 },
            2,
            1,
            if nested { 1 } else { 0 },
            if nested { 3 } else { 0 },
            if nested { 1 } else { 0 },
            1,
            1,
            3,
            1,
            2,
        ]);
        match k {
            0 => {
                let p = self.place(ints);
                let v = self.value(ints);
                format!("Set(\"{p}\", \"{v}\")")
            }
            1 => {
                let p = self.place(ints);
                let l = self.fresh();
                ints.push(l.clone());
                format!("Let(\"{l}\", \"{p}\")")
            }
            2 => {
                let p = self.atomic_place(ints);
                let l = self.fresh();
                ints.push(l.clone());
                format!("AtomicAdd(\"{p}\", 1, \"{l}\")")
            }
            3 => {
                let p = self.atomic_place(ints);
                let l = self.fresh();
                ints.push(l.clone());
                format!("AtomicLoad(\"{p}\", \"{l}\")")
            }
            4 => {
                let p = self.atomic_place(ints);
                let v = self.value(ints);
                format!("AtomicStore(\"{p}\", \"{v}\")")
            }
            5 => {
                let p = self.atomic_place(ints);
                let (old, new) = (self.rng.below(3), 1 + self.rng.below(3));
                let l = self.fresh();
                bools.push(l.clone());
                format!("CompareAndSwap(\"{p}\", {old}, {new}, \"{l}\")")
            }
            6 => {
                let l = self.fresh();
                ints.push(l.clone());
                format!("Choose(\"{l}\", [0, 1])")
            }
            7 => {
                let i = self.fresh();
                let bound = 1 + self.rng.below(2);
                ints.push(i.clone());
                let body = self.block(depth + 1, 2, ints, bools);
                ints.retain(|l| *l != i);
                format!("For(\"{i}\", 0, {bound}, [{body}])")
            }
            8 => {
                let cond = self.condition(ints, bools);
                let body = self.block(depth + 1, 2, ints, bools);
                format!("If(\"{cond}\", [{body}])")
            }
            9 => {
                let cond = self.condition(ints, bools);
                format!("Assert(\"{cond}\", \"check {}\")", self.next)
            }
            10 => "Sleep".to_string(),
            12 => {
                // A critical section.
                let mu = self.rng.pick(&["mu", "mv"]);
                let body = self.block(depth + 1, 2, ints, bools);
                format!("Lock(\"{mu}\"), {body}, Unlock(\"{mu}\")")
            }
            13 => {
                // Both mutexes, in either order: a deadlock when two
                // goroutines take them in opposite orders.
                let (a, b) = if self.rng.chance(50) {
                    ("mu", "mv")
                } else {
                    ("mv", "mu")
                };
                let body = self.block(depth + 1, 1, ints, bools);
                format!("Lock(\"{a}\"), Lock(\"{b}\"), {body}, Unlock(\"{b}\"), Unlock(\"{a}\")")
            }
            14 => {
                let mu = self.rng.pick(&["mu", "mv"]);
                let l = self.fresh();
                format!("TryLock(\"{mu}\", \"{l}\"), If(\"{l}\", [Unlock(\"{mu}\")])")
            }
            16 => {
                // A channel: a send (waits for room, or for a receiver on
                // the unbuffered one) or a receive (waits for a value),
                // now and then a close.
                let c = self.rng.pick(&["c0", "c1", "c2"]);
                match self.rng.below(9) {
                    0..=3 => {
                        let v = self.value(ints);
                        format!("Send(\"{c}\", \"{v}\")")
                    }
                    4..=7 => {
                        let l = self.fresh();
                        ints.push(l.clone());
                        format!("Recv(\"{c}\", \"{l}\")")
                    }
                    _ => format!("Close(\"{c}\")"),
                }
            }
            17 => {
                // A WaitGroup: Add, Done (below zero panics) or Wait
                // (waits for zero).
                match self.rng.below(3) {
                    0 => "Add(\"wg\", 1)".to_string(),
                    1 => "Done(\"wg\")".to_string(),
                    _ => "Wait(\"wg\")".to_string(),
                }
            }
            18 => {
                // An append to a part of `b` (length 0, capacity 2): into
                // its spare capacity, in place (two goroutines write the
                // same cell: a race, and the value read back may be the
                // other's), or, from `b[:2]`, a copy. Of one value, of two
                // (in place only from `b[:0]`), or of the elements of a
                // part of `a` (read as copied, so racing with their writes).
                let k = self.rng.below(3);
                let (s, l) = (self.fresh(), self.fresh());
                let v = self.value(ints);
                let (values, n) = match self.rng.below(4) {
                    0 => (format!("[\"{v}\", \"{}\"]", self.value(ints)), 2),
                    1 => {
                        let n = 1 + self.rng.below(2);
                        (format!("\"a[{}:]...\"", 3 - n), n)
                    }
                    _ => (format!("\"{v}\""), 1),
                };
                ints.push(l.clone());
                let last = k + n - 1;
                format!("Let(\"{s}\", \"b[:{k}]\"), Append(\"{s}\", {values}), Let(\"{l}\", \"{s}[{last}]\")")
            }
            15 => {
                // A lock never released, or an unlock of a lock not held.
                let mu = self.rng.pick(&["mu", "mv"]);
                if self.rng.chance(50) {
                    format!("Lock(\"{mu}\")")
                } else {
                    format!("Unlock(\"{mu}\")")
                }
            }
            _ => {
                let mut own_ints = Vec::new();
                let mut own_bools = Vec::new();
                let body = self.block(depth + 1, 3, &mut own_ints, &mut own_bools);
                format!("Go(body: [{body}])")
            }
        }
    }

    /// An atomic operand: a variable or a pointer to an element of `a`.
    fn atomic_place(&mut self, ints: &[String]) -> String {
        if self.rng.chance(70) {
            return self.rng.pick(&VARS).to_string();
        }
        if !ints.is_empty() && self.rng.chance(50) {
            let l = self.rng.pick(ints);
            format!("&a[({l} + {}) % 3]", self.rng.below(3))
        } else {
            format!("&a[{}]", self.rng.below(3))
        }
    }

    fn condition(&mut self, ints: &[String], bools: &[String]) -> String {
        if !bools.is_empty() && self.rng.chance(40) {
            let b = self.rng.pick(bools);
            return if self.rng.chance(50) {
                b
            } else {
                format!("!{b}")
            };
        }
        if !ints.is_empty() {
            let l = self.rng.pick(ints);
            let op = self.rng.pick(&["==", "!=", "<"]);
            return format!("{l} {op} {}", self.rng.below(3));
        }
        "true".to_string()
    }
}

/// The scenario of `seed`, as RON.
pub fn generate_memory(seed: u64) -> String {
    let mut w = Writer {
        rng: Rng::new(seed ^ 0x6d65_6d6f_7279),
        next: 0,
    };
    let mut main = Vec::new();
    let (mut ints, mut bools) = (Vec::new(), Vec::new());
    if w.rng.chance(50) {
        main.push(w.block(1, 2, &mut ints, &mut bools));
    }
    let goroutines = 2 + w.rng.below(2);
    for _ in 0..goroutines {
        let (mut gi, mut gb) = (Vec::new(), Vec::new());
        let body = w.block(0, 4, &mut gi, &mut gb);
        main.push(format!("Go(body: [{body}])"));
    }
    if w.rng.chance(60) {
        main.push(w.block(1, 3, &mut ints, &mut bools));
    }
    format!(
        "Scenario(\n  name: \"mem-{seed}\",\n  globals: [Var(\"x\", 0), Var(\"y\", 0), Var(\"z\", 0), Slice(\"a\", \"int\", 3), Slice(\"b\", \"int\", 0, 2), Mutex(\"mu\"), Mutex(\"mv\"), Chan(\"c0\"), Chan(\"c1\", 1), Chan(\"c2\", 2), WaitGroup(\"wg\")],\n  main: [\n    {}\n  ],\n)\n",
        main.join(",\n    ")
    )
}

/// Random chains of loads and branches, lastzero's shape and its kin: 1
/// or 2 scanners that load a variable and go on to the next only if the
/// value passes a test, ending in an assertion or a store, and a writer
/// per variable that loads another and stores from it, sometimes only
/// under a test. Plain and atomic accesses mix (races are common), and
/// assertions on the values read fail in some orders. Where a scanner's
/// test keeps it from a variable whose writer sleeps, the reduction walks
/// its future (`reduce/frozen.rs`): this is the shape that exercises it.
pub fn generate_chains(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x6368_6169_6e73);
    let k = 2 + rng.below(3);
    let vars: Vec<String> = (0..k).map(|i| format!("a{i}")).collect();
    let mut next = 0;
    let mut fresh = || {
        next += 1;
        format!("v{next}")
    };
    let test = |rng: &mut Rng, v: &str| {
        let c = rng.below(3);
        match rng.below(3) {
            0 => format!("{v} != {c}"),
            1 => format!("{v} == {c}"),
            _ => format!("{v} > {c}"),
        }
    };
    let load = |rng: &mut Rng, var: &str, into: &str| {
        if rng.chance(70) {
            format!("AtomicLoad(\"{var}\", \"{into}\")")
        } else {
            format!("Let(\"{into}\", \"{var}\")")
        }
    };
    let store = |rng: &mut Rng, var: &str, value: &str| {
        if rng.chance(70) {
            format!("AtomicStore(\"{var}\", \"{value}\")")
        } else {
            format!("Set(\"{var}\", \"{value}\")")
        }
    };
    let mut goroutines = Vec::new();
    for _ in 0..1 + rng.below(2) {
        // The scanner: a chain over the variables from the last, or in a
        // random order.
        let mut order: Vec<usize> = (0..k).rev().collect();
        if rng.chance(30) {
            let i = rng.below(k);
            let j = rng.below(k);
            order.swap(i, j);
        }
        let depth = 1 + rng.below(k);
        let locals: Vec<String> = (0..depth).map(|_| fresh()).collect();
        let last = &locals[depth - 1];
        let mut inner = match rng.below(3) {
            0 => format!("Assert(\"{}\", \"scan {seed}\")", test(&mut rng, last)),
            1 => {
                let var = &vars[rng.below(k)];
                store(&mut rng, var, &format!("{last} + 1"))
            }
            _ => String::new(),
        };
        for d in (0..depth).rev() {
            let l = &locals[d];
            let body = if inner.is_empty() {
                String::new()
            } else {
                format!("If(\"{}\", [{inner}])", test(&mut rng, l))
            };
            let read = load(&mut rng, &vars[order[d]], l);
            inner = if body.is_empty() {
                read
            } else {
                format!("{read}, {body}")
            };
        }
        goroutines.push(inner);
    }
    for (i, var) in vars.iter().enumerate() {
        if i == 0 && rng.chance(50) {
            continue;
        }
        let from = &vars[if i == 0 { k - 1 } else { i - 1 }];
        let t = fresh();
        let read = load(&mut rng, from, &t);
        let write = store(&mut rng, var, &format!("{t} + 1"));
        goroutines.push(if rng.chance(25) {
            format!("{read}, If(\"{}\", [{write}])", test(&mut rng, &t))
        } else {
            format!("{read}, {write}")
        });
    }
    let globals: Vec<String> = vars.iter().map(|v| format!("Var(\"{v}\", 0)")).collect();
    let main: Vec<String> = goroutines
        .iter()
        .map(|b| format!("Go(body: [{b}])"))
        .collect();
    format!(
        "Scenario(\n  name: \"chains-{seed}\",\n  globals: [{}],\n  main: [\n    {}\n  ],\n)\n",
        globals.join(", "),
        main.join(",\n    ")
    )
}

/// Random fan-outs in the shape of gops' `FindAll` (seed 004): main starts
/// 2 or 3 workers, each under a token of a limit channel (or none), each
/// sending its result on `found` or returning early; a WaitGroup and a
/// closer goroutine close `found`, and main ranges over it, then checks a
/// counter the workers raise. The variations are the classic mistakes and
/// their fixes: the token given back before the send, after it or in a
/// `defer` (the deadlock of seed 004); `Done` deferred, at the end (missed
/// on the early return) or in the closer's place (main waits before it
/// ranges); the counter raised atomically, plainly (a race) or under a
/// mutex; `found` buffered or not; the loop a `Range` or receives with an
/// ok flag. This is where the doomed checks lean on blocked goroutines,
/// WaitGroup counters and channels that stay open (`reduce/persistent.rs`,
/// `reduce/frozen.rs`).
pub fn generate_fanouts(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x6661_6e6f_7574);
    let n = 2 + rng.below(2);
    let limit = rng.chance(75);
    let k = 1 + rng.below(2);
    let cap = if rng.chance(25) { 1 } else { 0 };
    let choose = rng.chance(70);
    // How the token is given back: before the send, after it, deferred.
    let release = rng.below(3);
    // How `Done` is taken: deferred, at the end, or by main before its loop.
    let done = match rng.below(10) {
        0..=6 => 0,
        7 | 8 => 1,
        _ => 2,
    };
    let counter = rng.below(4);
    let mut worker: Vec<String> = Vec::new();
    if done == 0 {
        worker.push("Defer([Done(\"wg\")])".into());
    }
    if limit && release == 2 {
        worker.push("Defer([Recv(\"limitCh\")])".into());
    }
    if choose {
        worker.push("Choose(\"ok\", [true, false])".into());
    }
    if limit && release == 0 {
        worker.push("Recv(\"limitCh\")".into());
    }
    if choose {
        worker.push("If(\"!ok\", [Return])".into());
    }
    worker.push(
        match counter {
            0 | 1 => "AtomicAdd(\"goProcs\", 1)",
            2 => "Set(\"goProcs\", \"goProcs + 1\")",
            _ => "Lock(\"mu\"), Set(\"goProcs\", \"goProcs + 1\"), Unlock(\"mu\")",
        }
        .into(),
    );
    worker.push("Send(\"found\", \"pr\")".into());
    if limit && release == 1 {
        worker.push("Recv(\"limitCh\")".into());
    }
    if done >= 1 {
        worker.push("Done(\"wg\")".into());
    }
    let mut body = Vec::new();
    if limit {
        body.push("Send(\"limitCh\", 0)".to_string());
    }
    body.push(format!("Go(body: [{}])", worker.join(", ")));
    let mut main = vec![
        "WaitGroup(\"wg\")".to_string(),
        format!("Add(\"wg\", {n})"),
        format!("Chan(\"found\", {cap})"),
        format!("Chan(\"limitCh\", {k})"),
        format!("For(\"pr\", 0, {n}, [{}])", body.join(", ")),
    ];
    if done == 2 {
        main.push("Wait(\"wg\"), Close(\"found\")".into());
    } else {
        main.push("Go(body: [Wait(\"wg\"), Close(\"found\")])".into());
    }
    main.push("Let(\"results\", 0)".into());
    main.push(if rng.chance(70) {
        "Range(\"found\", \"p\", [Set(\"results\", \"results + 1\")])".into()
    } else {
        "Loop([Recv(\"found\", \"p\", \"more\"), If(\"!more\", [Break]), \
         Set(\"results\", \"results + 1\")])"
            .into()
    });
    main.push(
        match counter {
            0 | 2 => "AtomicLoad(\"goProcs\", \"want\")",
            1 => "Let(\"want\", \"goProcs\")",
            _ => "Lock(\"mu\"), Let(\"want\", \"goProcs\"), Unlock(\"mu\")",
        }
        .into(),
    );
    main.push(format!(
        "Assert(\"results == want\", \"fan-out {seed}: every result arrives\")"
    ));
    format!(
        "Scenario(\n  name: \"fanout-{seed}\",\n  globals: [Var(\"goProcs\", 0), Mutex(\"mu\")],\n  main: [\n    {}\n  ],\n)\n",
        main.join(",\n    ")
    )
}

/// Random workers looping under mutexes, the bench's `workers(n)` and its
/// kin, where the persistent sets lean on held locks
/// (`reduce/persistent.rs`, `HeldLocks`): 2 or 3 goroutines (main among
/// them or not), each looping (forever, or a counted number of times)
/// over 1 or 2 critical sections of two mutexes and an RWMutex (taken as
/// a writer or a reader), in any order and now and then nested, that
/// load and store the shared variables (kept to a
/// few values), sometimes outside any lock (a race) or atomically; a
/// section now and then `TryLock`s, asserts on what it read, or leaves its
/// mutex for another goroutine to unlock (Go allows that: a releaser that
/// never took the lock, the case the sets must not miss).
pub fn generate_lock_loops(seed: u64) -> String {
    const LOCKS: [&str; 3] = ["m0", "m1", "rw"];
    let mut rng = Rng::new(seed ^ 0x6c6f_636b_6c6f);
    let workers = if rng.chance(60) { 2 } else { 3 };
    let main_loops = rng.chance(40);
    let mut next = 0;
    // How a section takes and gives back `mu`: the RWMutex as a writer or
    // as a reader, a Mutex as itself.
    let pair = |rng: &mut Rng, mu: &str| {
        if mu == "rw" && rng.chance(50) {
            ("RLock", "RUnlock")
        } else {
            ("Lock", "Unlock")
        }
    };
    let mut body_of = |rng: &mut Rng| -> String {
        let mut body: Vec<String> = Vec::new();
        for _ in 0..if rng.chance(60) { 1 } else { 2 } {
            let mu = rng.pick(&LOCKS);
            let (lk, ul) = pair(rng, mu);
            let var = rng.pick(&VARS);
            next += 1;
            let l = format!("v{next}");
            let access = match rng.below(8) {
                0 => format!("AtomicLoad(\"{var}\", \"{l}\"), AtomicStore(\"{var}\", \"({l} + 1) % 2\")"),
                1 => format!(
                    "Let(\"{l}\", \"{var}\"), Assert(\"{l} < 2\", \"{var} out of range\"), Set(\"{var}\", \"({l} + 1) % 3\")"
                ),
                2 => format!("Let(\"{l}\", \"{var}\"), If(\"{l} == 1\", [Set(\"{var}\", 0)], [Set(\"{var}\", 1)])"),
                _ => format!("Let(\"{l}\", \"{var}\"), Set(\"{var}\", \"({l} + 1) % 2\")"),
            };
            match rng.below(12) {
                // Outside any lock.
                0 => body.push(access),
                // TryLock: the section only if it got the lock.
                1 => {
                    next += 1;
                    body.push(format!(
                        "TryLock(\"{mu}\", \"ok{next}\"), If(\"ok{next}\", [{access}, Unlock(\"{mu}\")])"
                    ))
                }
                // Nested in a second mutex.
                2 | 3 => {
                    let inner = rng.pick(&LOCKS);
                    let (ilk, iul) = pair(rng, inner);
                    if inner == mu {
                        body.push(format!("{lk}(\"{mu}\"), {access}, {ul}(\"{mu}\")"));
                    } else {
                        body.push(format!(
                            "{lk}(\"{mu}\"), {ilk}(\"{inner}\"), {access}, {iul}(\"{inner}\"), {ul}(\"{mu}\")"
                        ));
                    }
                }
                // Locked and left for another goroutine to unlock.
                4 => body.push(format!("{lk}(\"{mu}\"), {access}")),
                // An unlock of a lock not taken here.
                5 => body.push(format!("{access}, {ul}(\"{mu}\")")),
                _ => body.push(format!("{lk}(\"{mu}\"), {access}, {ul}(\"{mu}\")")),
            }
        }
        let body = body.join(", ");
        if rng.chance(70) {
            format!("Loop([{body}])")
        } else {
            next += 1;
            format!("For(\"i{next}\", 0, {}, [{body}])", 2 + rng.below(2))
        }
    };
    let mut main = Vec::new();
    for _ in 0..workers - usize::from(main_loops) {
        let body = body_of(&mut rng);
        main.push(format!("Go(body: [{body}])"));
    }
    if main_loops {
        main.push(body_of(&mut rng));
    }
    format!(
        "Scenario(\n  name: \"locks-{seed}\",\n  globals: [Var(\"x\", 0), Var(\"y\", 0), Var(\"z\", 0), Mutex(\"m0\"), Mutex(\"m1\"), RWMutex(\"rw\")],\n  main: [\n    {}\n  ],\n)\n",
        main.join(",\n    ")
    )
}

/// Random goroutines whose locals carry values the outcome depends on,
/// where forgetting a value still read would change a verdict
/// (`semantics/dead.rs`): each goroutine loads, tests, sends and receives
/// through two locals `a` and `b`, writes one of them on one branch only
/// or in one `select` case only, reads one in a deferred block (after
/// writing it again), carries one across loop iterations, passes one to a
/// function or a new goroutine, and ends by storing what it holds; main
/// waits for everyone and asserts on the stores. The shared variables and
/// channel are few, so the runs meet often.
pub fn generate_local_values(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x6c6f_6361_6c73);
    let workers = 2 + usize::from(rng.chance(30));
    let mut goroutines = Vec::new();
    for w in 0..workers {
        let mut body: Vec<String> = vec![
            "Defer([Done(\"wg\")])".to_string(),
            format!("Let(\"a\", {})", rng.below(2)),
            format!("Let(\"b\", {})", rng.below(2)),
        ];
        for _ in 0..2 + rng.below(3) {
            let (l, o) = if rng.chance(50) {
                ("a", "b")
            } else {
                ("b", "a")
            };
            let var = rng.pick(&["x", "y"]);
            body.push(match rng.below(11) {
                0 => format!("Lock(\"m\"), Set(\"{l}\", \"{var}\"), Unlock(\"m\")"),
                1 => format!("Set(\"{var}\", \"{l} + {o}\")"),
                // Written on one branch only.
                2 => format!("If(\"{o} > 0\", [Set(\"{l}\", \"{var}\")])"),
                // Written in one case only; `default` keeps the value.
                3 => format!(
                    "Select([Recv(chan: \"ch\", into: \"{l}\", body: []), Default([])])"
                ),
                4 => format!("Select([Send(chan: \"ch\", value: \"{l}\", body: []), Default([])])"),
                // Read when the function returns, written again before.
                5 => format!("Defer([Set(\"z\", \"{l} * 3 + z\")]), Set(\"{l}\", \"{o} + 1\")"),
                // Carried across iterations.
                6 => format!("For(\"i\", 0, 2, [Set(\"{l}\", \"({l} + {o}) % 3\")])"),
                7 => format!("Call(\"put\", [\"{l}\"])"),
                8 => format!("Go(\"show\", [\"{l}\"])"),
                9 => format!("Set(\"{l}\", \"{var}\"), If(\"{l} == 1\", [Set(\"{var}\", 0)], [Set(\"{var}\", \"{o}\")])"),
                _ => format!("AtomicAdd(\"n\", \"{l}\")"),
            });
        }
        body.push(match rng.below(3) {
            0 => format!("Set(\"r{w}\", \"a * 3 + b\")"),
            1 => "AtomicAdd(\"n\", \"a + b\")".to_string(),
            _ => "Assert(\"a + b < 4\", \"a and b stay small\")".to_string(),
        });
        goroutines.push(format!("Go(body: [{}])", body.join(", ")));
    }
    let globals: Vec<String> = ["x", "y", "z", "r0", "r1", "r2"]
        .iter()
        .map(|v| format!("Var(\"{v}\", 0)"))
        .chain([
            "Var(\"n\", 0)".to_string(),
            "Mutex(\"m\")".to_string(),
            format!("Chan(\"ch\", {})", rng.below(2)),
            "WaitGroup(\"wg\")".to_string(),
        ])
        .collect();
    let check = match rng.below(3) {
        0 => "Assert(\"r0 + r1 + r2 < 7\", \"the results stay small\")",
        1 => "AtomicLoad(\"n\", \"total\"), Assert(\"total < 5\", \"the count stays small\")",
        _ => "Assert(\"z < 6\", \"the deferred sums stay small\")",
    };
    format!(
        "Scenario(\n  name: \"locals-{seed}\",\n  globals: [{}],\n  main: [\n    Add(\"wg\", {workers}),\n    {},\n    Wait(\"wg\"),\n    {check}\n  ],\n  funcs: {{\n    \"put\": (params: [\"p\"], body: [Set(\"x\", \"p\")]),\n    \"show\": (params: [\"p\"], body: [Set(\"y\", \"p\")]),\n  }},\n)\n",
        globals.join(", "),
        goroutines.join(",\n    ")
    )
}
