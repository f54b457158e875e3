//! A seeded generator of small random weft scenarios, and a greedy shrinker.
//!
//! [`generate`] turns a seed into a [`Scenario`]: 2 to 4 goroutines sharing
//! a few objects through *protocols* (a producer and a consumer on a channel,
//! critical sections on a mutex, a WaitGroup join, a Cond handshake, a
//! context with its cancel discipline, a ticker loop, ...). Each protocol is
//! usually written correctly and sometimes with a classic mistake (a missing
//! `Unlock`, an `Add` inside the goroutine, a lost wakeup, a timeout that
//! abandons a sender, a cancel never called), so the generated scenarios
//! carry every bug kind and are also often clean. A goroutine's fragments
//! from different protocols are interleaved at random, and some fragments are
//! wrapped in bounded loops, choice points or nested goroutines.
//!
//! The scenario is a small syntax tree of its own ([`Stmt`], [`Arm`],
//! [`Arg`]) printed as RON by [`Scenario::to_ron`], so [`shrink`] can remove
//! goroutines, statements, select arms and branches, and simplify integers
//! while a predicate (for example "the pipeline panics") still holds.
//!
//! Everything is deterministic: one seed gives one scenario on every
//! platform (no hashing, no clocks).

use std::collections::BTreeSet;
use std::fmt::Write as _;

#[path = "gen/build.rs"]
mod build;
// Only the referee of bounded searches uses it (tests/por_referee.rs).
#[allow(dead_code)]
#[path = "gen/infinite.rs"]
mod infinite;
#[path = "gen/planted.rs"]
mod planted;
#[path = "gen/print.rs"]
mod print;
#[path = "gen/probes.rs"]
mod probes;
#[path = "gen/protocols.rs"]
mod protocols;
#[path = "gen/shrink.rs"]
mod shrink;

#[allow(unused_imports)]
pub use infinite::generate_infinite;
use print::{Style, Writer};
pub use shrink::shrink;

// ----- the pseudo-random number generator -----

/// SplitMix64: a small deterministic pseudo-random number generator. One
/// seed gives the same stream on every platform and every run.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose stream is determined by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }

    /// An index into `weights`, each chosen with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

// ----- the scenario tree -----

/// An argument of a statement, printed as RON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A string: a name or an expression (`"c1"`, `"a3 == 2"`).
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A list of arguments (`Go`'s and `Call`'s arguments, `Choose`'s values).
    List(Vec<Arg>),
}

/// A block of statements.
pub type Block = Vec<Stmt>;

/// A statement of a generated scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// A statement without blocks: `Send("c1", 1)`, `Break`.
    Leaf {
        /// The RON statement name.
        op: &'static str,
        /// Positional arguments.
        args: Vec<Arg>,
    },
    /// A statement with blocks after its arguments: `If(cond, [then], [else])`,
    /// `For(2, [body])`, `Loop([body])`, `Range("c", "v", [body])`,
    /// `Do("o", [body])`, `Defer([body])`, `Go(body: [body])`,
    /// `Either([[a], [b]])`.
    Nest {
        /// The RON statement name.
        op: &'static str,
        /// Positional arguments before the blocks.
        args: Vec<Arg>,
        /// The blocks, in positional order (the branches, for `Either`).
        blocks: Vec<Block>,
    },
    /// `Select([arms])`.
    Select {
        /// The cases, in order.
        arms: Vec<Arm>,
    },
}

/// One case of a `Select`: `Recv("c", "v", [body])`, `Send("c", 1, [body])`,
/// `After(1, [body])`, `Default([body])`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arm {
    /// The RON case name.
    pub op: &'static str,
    /// Positional arguments before the body.
    pub args: Vec<Arg>,
    /// The statements run when the case is chosen.
    pub body: Block,
}

/// A named function (`funcs: {"w1": (params: [...], body: [...])}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Func {
    /// Its name.
    pub name: String,
    /// Its parameters.
    pub params: Vec<String>,
    /// Its body.
    pub body: Block,
}

/// A generated scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The seed it was generated from.
    pub seed: u64,
    /// Package-level declarations.
    pub globals: Block,
    /// The body of `main`.
    pub main: Block,
    /// Named functions (goroutine bodies and helpers).
    pub funcs: Vec<Func>,
    /// A bug the scenario must show, planted at the start of `main`.
    pub expected: Option<Expected>,
    /// Checked with Go 1.22 timers (`go: "1.22"`): one seed in four, so
    /// timers left running show as resource leaks.
    pub go122: bool,
}

/// A bug planted in a scenario: `Either([[probe], []])` as the first
/// statement of `main`, whose first branch runs into a known bug at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The planted statement; the expectation holds only while `main`
    /// still starts with it (a shrunk scenario may have lost it).
    pub stmt: Stmt,
    /// The bug kinds that report it (`BugKind::as_str` spellings).
    pub kinds: &'static [&'static str],
    /// A word in the source text of the operation where the bug shows
    /// (for a deadlock: of one of the blocked operations).
    pub marker: String,
    /// What Go does here.
    pub what: &'static str,
    /// True when another crash may hide it (a leaked goroutine is only
    /// reported in runs that do not crash).
    pub unless_crash: bool,
}

fn s(text: impl Into<String>) -> Arg {
    Arg::Str(text.into())
}

fn int(n: i64) -> Arg {
    Arg::Int(n)
}

fn leaf(op: &'static str, args: Vec<Arg>) -> Stmt {
    Stmt::Leaf { op, args }
}

fn nest(op: &'static str, args: Vec<Arg>, blocks: Vec<Block>) -> Stmt {
    Stmt::Nest { op, args, blocks }
}

fn arm(op: &'static str, args: Vec<Arg>, body: Block) -> Arm {
    Arm { op, args, body }
}

fn select(arms: Vec<Arm>) -> Stmt {
    Stmt::Select { arms }
}

fn assert(cond: impl Into<String>) -> Stmt {
    let cond = cond.into();
    leaf(
        "Assert",
        vec![s(cond.clone()), s(format!("expected {cond}"))],
    )
}

fn done(ctx: &str) -> String {
    format!("{ctx}.Done()")
}

impl Arg {
    fn write(&self, out: &mut String) {
        match self {
            Arg::Str(t) => {
                out.push('"');
                for c in t.chars() {
                    if matches!(c, '"' | '\\') {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
            }
            Arg::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Arg::List(items) => {
                out.push('[');
                for (i, a) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.write(out);
                }
                out.push(']');
            }
        }
    }
}

impl Scenario {
    /// The scenario's name (`gen-<seed>`).
    pub fn name(&self) -> String {
        format!("gen-{}", self.seed)
    }

    /// The scenario as a RON file that `weft_models::compile` accepts,
    /// every statement with positional arguments.
    pub fn to_ron(&self) -> String {
        self.write(Style::Positional)
    }

    /// The same scenario with every field named (`Send(chan: "c", value: 1)`):
    /// it must compile to the same program as [`Scenario::to_ron`].
    pub fn to_ron_named(&self) -> String {
        self.write(Style::Named)
    }

    fn write(&self, style: Style) -> String {
        let mut w = Writer {
            out: String::new(),
            style,
        };
        let _ = writeln!(
            w.out,
            "// Generated by checker/tests/support/gen.rs from seed {}.",
            self.seed
        );
        w.out.push_str("Scenario(\n");
        let _ = writeln!(w.out, "    name: \"{}\",", self.name());
        if self.go122 {
            w.out.push_str("    go: \"1.22\",\n");
        }
        if !self.globals.is_empty() {
            w.out.push_str("    globals: ");
            w.block(&self.globals, 1);
            w.out.push_str(",\n");
        }
        w.out.push_str("    main: ");
        w.block(&self.main, 1);
        w.out.push_str(",\n");
        if !self.funcs.is_empty() {
            w.out.push_str("    funcs: {\n");
            for f in &self.funcs {
                let _ = write!(w.out, "        \"{}\": (params: [", f.name);
                for (i, p) in f.params.iter().enumerate() {
                    if i > 0 {
                        w.out.push_str(", ");
                    }
                    let _ = write!(w.out, "\"{p}\"");
                }
                w.out.push_str("], body: ");
                w.block(&f.body, 2);
                w.out.push_str("),\n");
            }
            w.out.push_str("    },\n");
        }
        w.out.push_str(")\n");
        w.out
    }

    /// The constructs the scenario uses: statement names, `case:<name>` for
    /// select cases, `Go(func)` / `Go(body)`, `Chan/<cap>`, `Loop(infinite)`
    /// for a loop without `Break`, `Select(<n> arms)` for the arm counts.
    pub fn features(&self) -> BTreeSet<String> {
        let mut f = BTreeSet::new();
        let mut all: Vec<&Block> = vec![&self.globals, &self.main];
        all.extend(self.funcs.iter().map(|x| &x.body));
        for b in all {
            features_of(b, &mut f);
        }
        f
    }

    /// A rough measure of the state space: the product over goroutines of
    /// one more than their statement counts (a named function counts once
    /// per `Go` that starts it).
    pub fn weight(&self) -> u64 {
        let mut sizes = Vec::new();
        let n = own_size(&self.main, &mut sizes);
        sizes.push(n);
        for f in &self.funcs {
            let mut inner = Vec::new();
            let n = own_size(&f.body, &mut inner);
            let starts = starts(&self.main, &f.name)
                + self
                    .funcs
                    .iter()
                    .map(|g| starts(&g.body, &f.name))
                    .sum::<usize>();
            for _ in 0..starts {
                sizes.push(n);
                sizes.extend(inner.iter().copied());
            }
        }
        sizes.iter().map(|&n| n as u64 + 1).product()
    }

    /// The same scenario with `Sleep(1)` inserted before some statements of
    /// every body (chosen by `seed`). A sleep is a scheduling point with no
    /// effect, so the bug kinds found must not change.
    pub fn with_sleeps(&self, seed: u64) -> Scenario {
        fn block(b: &Block, rng: &mut Rng) -> Block {
            let mut out = Vec::new();
            for st in b {
                if rng.chance(20) {
                    out.push(leaf("Sleep", vec![int(1)]));
                }
                out.push(match st {
                    Stmt::Leaf { .. } => st.clone(),
                    Stmt::Nest { op, args, blocks } => nest(
                        op,
                        args.clone(),
                        blocks.iter().map(|x| block(x, rng)).collect(),
                    ),
                    Stmt::Select { arms } => select(
                        arms.iter()
                            .map(|a| arm(a.op, a.args.clone(), block(&a.body, rng)))
                            .collect(),
                    ),
                });
            }
            out
        }
        let mut rng = Rng::new(seed ^ 0x5EED);
        let mut sc = self.clone();
        sc.main = block(&self.main, &mut rng);
        // A planted probe stays as planted: a sleep inside its spinning
        // loop would be a scheduling point, and the loop would no longer
        // spin (only the probes' verdicts depend on that).
        if let (Some(e), Some(first)) = (&self.expected, self.main.first()) {
            if *first == e.stmt {
                if let Some(i) = sc
                    .main
                    .iter()
                    .position(|st| matches!(st, Stmt::Nest { op: "Either", .. }))
                {
                    sc.main[i] = first.clone();
                }
            }
        }
        for f in &mut sc.funcs {
            f.body = block(&f.body, &mut rng);
        }
        sc
    }

    /// The same scenario with its globals declared in another order (and an
    /// unused Mutex first): object identities change, nothing else may.
    pub fn with_globals_reordered(&self) -> Scenario {
        let mut sc = self.clone();
        let (conds, mut rest): (Block, Block) = self
            .globals
            .iter()
            .cloned()
            .partition(|g| matches!(g, Stmt::Leaf { op: "Cond", .. }));
        rest.reverse();
        sc.globals = vec![leaf("Mutex", vec![s("unused0")])];
        sc.globals.extend(rest);
        sc.globals.extend(conds);
        sc
    }

    /// The number of statements, counted recursively (a size measure).
    pub fn size(&self) -> usize {
        let mut n = count(&self.globals) + count(&self.main);
        for f in &self.funcs {
            n += 1 + count(&f.body);
        }
        n
    }
}

/// The statements of a block outside nested `Go` bodies; the sizes of those
/// bodies are pushed to `nested`.
fn own_size(b: &Block, nested: &mut Vec<usize>) -> usize {
    b.iter()
        .map(|st| match st {
            Stmt::Leaf { .. } => 1,
            Stmt::Nest {
                op: "Go", blocks, ..
            } => {
                let n = blocks.iter().map(|x| own_size(x, nested)).sum();
                nested.push(n);
                1
            }
            Stmt::Nest { blocks, .. } => {
                1 + blocks.iter().map(|x| own_size(x, nested)).sum::<usize>()
            }
            Stmt::Select { arms } => {
                1 + arms
                    .iter()
                    .map(|a| own_size(&a.body, nested))
                    .sum::<usize>()
            }
        })
        .sum()
}

/// How many goroutines running `func` a block starts (a `For` counts its iterations).
fn starts(b: &Block, func: &str) -> usize {
    b.iter()
        .map(|st| match st {
            Stmt::Leaf { op: "Go", args } => {
                usize::from(matches!(args.first(), Some(Arg::Str(f)) if f == func))
            }
            Stmt::Leaf { .. } => 0,
            Stmt::Nest { op, args, blocks } => {
                let times = match (*op, args.last()) {
                    ("For", Some(Arg::Int(n))) => (*n).max(0) as usize,
                    _ => 1,
                };
                times * blocks.iter().map(|x| starts(x, func)).sum::<usize>()
            }
            Stmt::Select { arms } => arms.iter().map(|a| starts(&a.body, func)).sum(),
        })
        .sum()
}

fn count(b: &Block) -> usize {
    b.iter()
        .map(|st| match st {
            Stmt::Leaf { .. } => 1,
            Stmt::Nest { blocks, .. } => 1 + blocks.iter().map(count).sum::<usize>(),
            Stmt::Select { arms } => 1 + arms.iter().map(|a| 1 + count(&a.body)).sum::<usize>(),
        })
        .sum()
}

fn has_break(b: &Block) -> bool {
    b.iter().any(|st| match st {
        Stmt::Leaf { op, .. } => *op == "Break",
        // A `Break` in a nested loop leaves that loop, not this one.
        Stmt::Nest { op, .. } if matches!(*op, "For" | "Loop" | "Range" | "While") => false,
        Stmt::Nest { op, .. } if matches!(*op, "Go" | "Defer" | "Do") => false,
        Stmt::Nest { blocks, .. } => blocks.iter().any(has_break),
        // Inside a select case, `Break` leaves the select.
        Stmt::Select { .. } => false,
    })
}

fn features_of(b: &Block, f: &mut BTreeSet<String>) {
    for st in b {
        match st {
            Stmt::Leaf { op, args } => {
                match *op {
                    "Go" => f.insert("Go(func)".to_string()),
                    "Chan" => f.insert(format!(
                        "Chan/{}",
                        match args.get(1) {
                            Some(Arg::Int(n)) => *n,
                            _ => 0,
                        }
                    )),
                    "WithTimeout" if args.len() == 4 => f.insert("WithTimeout(parent)".to_string()),
                    "WithCancel" if args.len() == 3 => f.insert("WithCancel(parent)".to_string()),
                    _ => false,
                };
                if let Some(Arg::Str(t)) = args.first() {
                    if t.contains(".Done()") {
                        f.insert(format!("{op}(ctx.Done())"));
                    }
                    if t.ends_with(".C") {
                        f.insert(format!("{op}(t.C)"));
                    }
                }
                f.insert(op.to_string());
            }
            Stmt::Nest { op, blocks, .. } => {
                f.insert(if *op == "Go" {
                    "Go(body)".to_string()
                } else {
                    op.to_string()
                });
                if *op == "Loop" && !blocks.iter().any(has_break) {
                    f.insert("Loop(infinite)".to_string());
                }
                for b in blocks {
                    features_of(b, f);
                }
            }
            Stmt::Select { arms } => {
                f.insert("Select".to_string());
                f.insert(format!("Select({} arms)", arms.len()));
                for a in arms {
                    f.insert(format!("case:{}", a.op));
                    if let Some(Arg::Str(t)) = a.args.first() {
                        if t.contains(".Done()") {
                            f.insert("case:Recv(ctx.Done())".to_string());
                        }
                    }
                    features_of(&a.body, f);
                }
            }
        }
    }
}

// ----- generation -----

/// Scenarios whose [`Scenario::weight`] is above this are drawn again (from
/// the same random stream), so that each explores in well under a second.
const MAX_WEIGHT: u64 = 6_000;

/// Generates the scenario of `seed`.
pub fn generate(seed: u64) -> Scenario {
    let mut rng = Rng::new(seed);
    let mut sc = build::attempt(&mut rng, seed);
    for _ in 0..16 {
        if sc.weight() <= MAX_WEIGHT {
            break;
        }
        sc = build::attempt(&mut rng, seed);
    }
    if rng.chance(12) {
        let e = planted::expected_probe(&mut rng);
        sc.main.insert(0, e.stmt.clone());
        sc.expected = Some(e);
    }
    sc
}
