//! Infinite-state scenarios, for the referee of bounded searches: an
//! ordinary generated scenario with one or two endless shapes put in
//! (spawn loops, accept loops whose handlers race, leak or panic, unbounded
//! counters, tickers, senders that loop forever into a buffered channel).
//! Each shape grows the state space without end (a counter's value, the
//! number of goroutines started, a sequence number sent), so only a bound
//! stops the search; its bugs, and those of the ordinary statements around
//! it, show at various depths. A shape's statements go into `main` or into
//! the body of a goroutine, at a random place among the ordinary ones.

use super::*;

/// The endless shapes, and their weights.
const SHAPES: [(&str, usize); 6] = [
    ("accept-loop", 30),
    ("spawn-loop", 10),
    ("counter", 20),
    ("ticker", 12),
    ("sender", 18),
    ("main-accepts", 10),
];

/// What the handlers of an accept loop do.
const HANDLERS: [(&str, usize); 4] = [("race", 35), ("leak", 20), ("panic", 20), ("clean", 25)];

/// Inserts the shapes' statements into a scenario.
struct Planter<'a> {
    rng: &'a mut Rng,
    sc: Scenario,
    counter: u32,
    /// The shapes put in, with the handler kind for accept loops
    /// (`accept-loop/race`, ...).
    shapes: Vec<&'static str>,
}

impl Planter<'_> {
    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("z{prefix}{}", self.counter)
    }

    fn var(&mut self) -> String {
        let x = self.fresh("x");
        self.sc
            .globals
            .push(leaf("Var", vec![s(x.clone()), int(0)]));
        x
    }

    /// Puts `stmts` into `main` or the body of one of its goroutines (a
    /// `Go(body)` of main or a named worker), at a random place.
    fn insert(&mut self, stmts: Block) {
        let mut hosts: Vec<usize> = vec![0];
        for (i, st) in self.sc.main.iter().enumerate() {
            if matches!(st, Stmt::Nest { op: "Go", .. }) {
                hosts.push(1 + i);
            }
        }
        let workers: Vec<usize> = self
            .sc
            .funcs
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name.starts_with('w'))
            .map(|(i, _)| i)
            .collect();
        let n = hosts.len() + workers.len();
        let pick = self.rng.below(n);
        let block = if pick < hosts.len() {
            match hosts[pick] {
                0 => &mut self.sc.main,
                i => match &mut self.sc.main[i - 1] {
                    Stmt::Nest { blocks, .. } => &mut blocks[0],
                    _ => unreachable!("a host is a `Go(body)`"),
                },
            }
        } else {
            &mut self.sc.funcs[workers[pick - hosts.len()]].body
        };
        let at = self.rng.below(block.len() + 1);
        for (k, st) in stmts.into_iter().enumerate() {
            block.insert(at + k, st);
        }
    }

    /// A few ordinary steps that delay what follows (so bugs show at
    /// various depths).
    fn delay(&mut self) -> Block {
        let mut out = Vec::new();
        for _ in 0..self.rng.weighted(&[50, 30, 20]) {
            out.push(leaf("Sleep", vec![int(1)]));
        }
        out
    }

    /// The body of an accept loop's handler of the given kind; `k` is a
    /// small threshold (the handler that panics is the `k`-th).
    fn handler(&mut self, kind: &'static str) -> Block {
        let mut body = self.delay();
        match kind {
            "race" => {
                // `hits++` without a lock: every two handlers race.
                let x = self.var();
                body.push(leaf("Set", vec![s(x.clone()), s(format!("{x} + 1"))]));
            }
            "leak" => {
                // Waits for a message nobody sends: blocked forever.
                let c = self.fresh("c");
                self.sc.globals.push(leaf("Chan", vec![s(c.clone())]));
                body.push(leaf("Recv", vec![s(c)]));
            }
            "panic" => {
                // The `k`-th handler panics.
                let n = self.var();
                let a = self.fresh("a");
                let k = 1 + self.rng.below(4) as i64;
                body.push(leaf("AtomicAdd", vec![s(n), int(1), s(a.clone())]));
                body.push(nest(
                    "If",
                    vec![s(format!("{a} == {k}"))],
                    vec![vec![leaf("Panic", vec![s(format!("handler {k} fails"))])]],
                ));
            }
            _ => {
                // A counter under a lock: no bug, but the state grows.
                let m = self.fresh("m");
                self.sc.globals.push(leaf("Mutex", vec![s(m.clone())]));
                let x = self.var();
                body.push(leaf("Lock", vec![s(m.clone())]));
                body.push(leaf("Set", vec![s(x.clone()), s(format!("{x} + 1"))]));
                body.push(leaf("Unlock", vec![s(m)]));
            }
        }
        body
    }

    /// `for { go handle() }`: the loop, with its handler function added.
    fn accept_loop(&mut self) -> Stmt {
        let kind = HANDLERS[self.rng.weighted(&HANDLERS.map(|h| h.1))].0;
        self.shapes.push(match kind {
            "race" => "accept-loop/race",
            "leak" => "accept-loop/leak",
            "panic" => "accept-loop/panic",
            _ => "accept-loop/clean",
        });
        let name = self.fresh("h");
        let body = self.handler(kind);
        self.sc.funcs.push(Func {
            name: name.clone(),
            params: vec![],
            body,
        });
        let mut round = self.delay();
        round.push(leaf("Go", vec![s(name), Arg::List(vec![])]));
        nest("Loop", vec![], vec![round])
    }

    fn plant(&mut self, shape: &'static str) {
        match shape {
            "accept-loop" => {
                let l = self.accept_loop();
                self.insert(vec![nest("Go", vec![], vec![vec![l]])]);
            }
            "main-accepts" => {
                // main itself is the server: the accept loop is its end.
                let l = self.accept_loop();
                self.shapes.push("main-accepts");
                self.sc.main.push(l);
            }
            "spawn-loop" => {
                // Goroutines started forever, each doing one step or none.
                self.shapes.push("spawn-loop");
                let inner = if self.rng.chance(50) {
                    vec![]
                } else {
                    let x = self.var();
                    vec![leaf("AtomicAdd", vec![s(x), int(1)])]
                };
                let l = nest("Loop", vec![], vec![vec![nest("Go", vec![], vec![inner])]]);
                self.insert(vec![nest("Go", vec![], vec![vec![l]])]);
            }
            "counter" => {
                // A goroutine counting forever, and someone reading the count.
                self.shapes.push("counter");
                let x = self.var();
                let a = self.fresh("a");
                let k = 2 + self.rng.below(4) as i64;
                let (step, read) = if self.rng.chance(60) {
                    (
                        leaf("AtomicAdd", vec![s(x.clone()), int(1)]),
                        vec![
                            leaf("AtomicLoad", vec![s(x), s(a.clone())]),
                            assert(format!("{a} < {k}")),
                        ],
                    )
                } else {
                    // Unlocked: the reader races with the counter.
                    (
                        leaf("Set", vec![s(x.clone()), s(format!("{x} + 1"))]),
                        vec![leaf("Let", vec![s(a), s(x)])],
                    )
                };
                let l = nest("Loop", vec![], vec![vec![step]]);
                self.insert(vec![nest("Go", vec![], vec![vec![l]])]);
                if self.rng.chance(75) {
                    let mut r = self.delay();
                    r.extend(read);
                    self.insert(r);
                }
            }
            "ticker" => {
                // A ticker loop that counts its ticks and never stops.
                self.shapes.push("ticker");
                let t = self.fresh("t");
                let x = self.var();
                let work = if self.rng.chance(50) {
                    leaf("AtomicAdd", vec![s(x.clone()), int(1)])
                } else {
                    leaf("Set", vec![s(x.clone()), s(format!("{x} + 1"))])
                };
                let body = vec![
                    leaf("Ticker", vec![s(t.clone()), int(1)]),
                    nest(
                        "Loop",
                        vec![],
                        vec![vec![leaf("Recv", vec![s(format!("{t}.C"))]), work]],
                    ),
                ];
                self.insert(vec![nest("Go", vec![], vec![body])]);
                if self.rng.chance(50) {
                    let a = self.fresh("a");
                    self.insert(vec![leaf("AtomicLoad", vec![s(x), s(a)])]);
                }
            }
            _ => {
                // Sends a growing sequence number into a buffered channel
                // forever; a consumer takes some or all of them.
                self.shapes.push("sender");
                let c = self.fresh("c");
                let cap = 1 + self.rng.below(3) as i64;
                self.sc
                    .globals
                    .push(leaf("Chan", vec![s(c.clone()), int(cap)]));
                let i = self.fresh("i");
                let body = vec![
                    leaf("Let", vec![s(i.clone()), int(0)]),
                    nest(
                        "Loop",
                        vec![],
                        vec![vec![
                            leaf("Send", vec![s(c.clone()), s(i.clone())]),
                            leaf("Set", vec![s(i.clone()), s(format!("{i} + 1"))]),
                        ]],
                    ),
                ];
                self.insert(vec![nest("Go", vec![], vec![body])]);
                let v = self.fresh("v");
                let k = 1 + self.rng.below(4) as i64;
                let take = vec![
                    leaf("Recv", vec![s(c), s(v.clone())]),
                    assert(format!("{v} < {k}")),
                ];
                match self.rng.below(3) {
                    0 => {
                        let l = nest("Loop", vec![], vec![take]);
                        self.insert(vec![nest("Go", vec![], vec![vec![l]])]);
                    }
                    1 => self.insert(vec![nest("For", vec![int(2)], vec![take])]),
                    // Nobody receives: the sender blocks once the buffer is full.
                    _ => {}
                }
            }
        }
    }
}

/// Ordinary scenarios under this [`Scenario::weight`] are the base of an
/// infinite one: the shapes multiply the state space.
const BASE_WEIGHT: u64 = 1_500;

/// Generates the infinite-state scenario of `seed`, and the names of the
/// endless shapes it holds (`accept-loop/race`, `counter`, ...).
pub fn generate_infinite(seed: u64) -> (Scenario, Vec<&'static str>) {
    let mut rng = Rng::new(seed ^ 0x1AF1_417E);
    let mut sc = build::attempt(&mut rng, seed);
    for _ in 0..16 {
        if sc.weight() <= BASE_WEIGHT {
            break;
        }
        sc = build::attempt(&mut rng, seed);
    }
    let mut p = Planter {
        rng: &mut rng,
        sc,
        counter: 0,
        shapes: Vec::new(),
    };
    let n = 1 + usize::from(p.rng.chance(30));
    let mut chosen: Vec<&'static str> = (0..n)
        .map(|_| SHAPES[p.rng.weighted(&SHAPES.map(|s| s.1))].0)
        .collect();
    // main's own accept loop is its last statement: once, and planted last
    // (nothing is inserted after it).
    chosen.sort_by_key(|&s| s == "main-accepts");
    chosen.dedup();
    for shape in chosen {
        p.plant(shape);
    }
    let shapes = p.shapes;
    (p.sc, shapes)
}
