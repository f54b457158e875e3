//! Building a scenario: goroutines under construction, the fragments
//! protocols give them, the objects they share, and the assembly into a
//! [`Scenario`] (interleaving, wrapping, named functions).

use std::collections::BTreeSet;

use super::*;

/// Where a fragment goes in its goroutine's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Place {
    /// Declarations (main only): first of all.
    Decl,
    /// At the start (in main: before the goroutines are started).
    Start,
    /// Anywhere in the middle, interleaved with other protocols.
    Body,
    /// At the end.
    End,
}

pub(super) const PLACES: [Place; 4] = [Place::Decl, Place::Start, Place::Body, Place::End];

/// A few statements one protocol gives one goroutine.
pub(super) struct Frag {
    pub(super) place: Place,
    pub(super) proto: usize,
    pub(super) stmts: Block,
    /// May be wrapped in a loop, a choice or a nested goroutine.
    pub(super) wrap: bool,
}

/// A goroutine under construction: index 0 is main.
pub(super) struct Gor {
    /// Started as a named function (with an `id` parameter).
    pub(super) named: bool,
    pub(super) frags: Vec<Frag>,
}

/// A shared variable or map that payloads access.
#[derive(Clone)]
pub(super) enum Shared {
    Var(String),
    Map(String),
}

pub(super) struct Gen {
    pub(super) rng: Rng,
    pub(super) counter: u32,
    pub(super) globals: Block,
    /// Objects declared in main (contexts, cancel functions, local channels).
    pub(super) main_locals: Vec<String>,
    /// Global objects that may be passed to a named function.
    pub(super) passable: Vec<String>,
    pub(super) gs: Vec<Gor>,
    pub(super) proto: usize,
    pub(super) vars: Vec<String>,
    pub(super) maps: Vec<String>,
    pub(super) ctxs: Vec<(String, String)>,
    pub(super) nils: Vec<String>,
    pub(super) helpers: Vec<Func>,
    /// Goroutines the scenario starts (at most 4 with main).
    pub(super) goroutines: usize,
    /// Go 1.22 timer semantics (`go: "1.22"`).
    pub(super) go122: bool,
}

/// The protocols and their weights.
pub(super) const PROTOCOLS: [(&str, usize); 18] = [
    ("chan", 26),
    ("mutex", 11),
    ("rwmutex", 7),
    ("waitgroup", 11),
    ("cond", 6),
    ("once", 5),
    ("atomic", 9),
    ("map", 4),
    ("context", 9),
    ("timer", 8),
    ("errgroup", 5),
    ("syncmap", 3),
    ("nil", 3),
    ("panic", 4),
    ("probe", 10),
    ("merge", 4),
    ("closure", 4),
    ("afterfunc", 5),
];

pub(super) fn attempt(rng: &mut Rng, seed: u64) -> Scenario {
    let workers = 1 + rng.weighted(&[35, 40, 25]);
    let mut gs = vec![Gor {
        named: false,
        frags: Vec::new(),
    }];
    for _ in 0..workers {
        let named = rng.chance(35);
        gs.push(Gor {
            named,
            frags: Vec::new(),
        });
    }
    let mut g = Gen {
        rng: rng.clone(),
        counter: 0,
        globals: Vec::new(),
        main_locals: Vec::new(),
        passable: Vec::new(),
        gs,
        proto: 0,
        vars: Vec::new(),
        maps: Vec::new(),
        ctxs: Vec::new(),
        nils: Vec::new(),
        helpers: Vec::new(),
        goroutines: 1 + workers,
        go122: seed % 4 == 3,
    };
    let protocols = 1 + g.rng.weighted(&[20, 35, 30, 15]);
    let weights: Vec<usize> = PROTOCOLS.iter().map(|p| p.1).collect();
    for _ in 0..protocols {
        g.proto += 1;
        let i = g.rng.weighted(&weights);
        g.protocol(PROTOCOLS[i].0);
    }
    for w in 1..g.gs.len() {
        if g.gs[w].frags.is_empty() {
            g.proto += 1;
            let st = if g.rng.chance(50) {
                leaf("Sleep", vec![int(1)])
            } else {
                let x = g.var_any();
                leaf("AtomicStore", vec![s(x), int(w as i64)])
            };
            g.put(w, Place::Body, vec![st], true);
        }
    }
    *rng = g.rng.clone();
    g.assemble(seed)
}

impl Gen {
    pub(super) fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    pub(super) fn local(&mut self) -> String {
        self.fresh("a")
    }

    pub(super) fn put(&mut self, g: usize, place: Place, stmts: Block, wrap: bool) {
        let proto = self.proto;
        self.gs[g].frags.push(Frag {
            place,
            proto,
            stmts,
            wrap,
        });
    }

    /// The value goroutine `g` sends: `id` in a named function, else a literal.
    pub(super) fn me(&self, g: usize) -> Arg {
        if self.gs[g].named {
            s("id")
        } else {
            int(g as i64 + 1)
        }
    }

    /// The number [`Gen::me`] stands for.
    pub(super) fn val(g: usize) -> i64 {
        g as i64 + 1
    }

    pub(super) fn workers(&self) -> usize {
        self.gs.len() - 1
    }

    /// A goroutine, workers more often than main.
    pub(super) fn any(&mut self) -> usize {
        if self.rng.chance(30) {
            0
        } else {
            1 + self.rng.below(self.workers())
        }
    }

    /// Two distinct goroutines.
    pub(super) fn pair(&mut self) -> (usize, usize) {
        let a = self.any();
        let mut b = self.rng.below(self.gs.len() - 1);
        if b >= a {
            b += 1;
        }
        (a, b)
    }

    /// `k` distinct goroutines (at most all of them), in random order.
    pub(super) fn some(&mut self, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..self.gs.len()).collect();
        let mut out = Vec::new();
        while out.len() < k && !all.is_empty() {
            out.push(all.remove(self.rng.below(all.len())));
        }
        out
    }

    pub(super) fn global(&mut self, st: Stmt, passable: Option<&str>) {
        self.globals.push(st);
        if let Some(name) = passable {
            self.passable.push(name.to_string());
        }
    }

    /// A new channel, global or declared in main.
    pub(super) fn chan(&mut self, cap: i64) -> String {
        let c = self.fresh("c");
        let args = if cap == 0 && self.rng.chance(50) {
            vec![s(c.clone())]
        } else {
            vec![s(c.clone()), int(cap)]
        };
        let decl = leaf("Chan", args);
        if self.rng.chance(30) {
            self.main_locals.push(c.clone());
            self.put(0, Place::Decl, vec![decl], false);
        } else {
            self.global(decl, Some(&c));
        }
        c
    }

    pub(super) fn nil_chan(&mut self) -> String {
        if !self.nils.is_empty() && self.rng.chance(50) {
            return self.rng.pick(&self.nils);
        }
        let n = self.fresh("nc");
        self.global(leaf("NilChan", vec![s(n.clone())]), Some(&n));
        self.nils.push(n.clone());
        n
    }

    pub(super) fn new_var(&mut self, init: Arg) -> String {
        let x = self.fresh("x");
        self.global(leaf("Var", vec![s(x.clone()), init]), None);
        x
    }

    /// An integer variable: an existing one sometimes, else a new one.
    pub(super) fn var_any(&mut self) -> String {
        if !self.vars.is_empty() && self.rng.chance(40) {
            return self.rng.pick(&self.vars);
        }
        let x = self.new_var(int(0));
        self.vars.push(x.clone());
        x
    }

    pub(super) fn shared(&mut self) -> Shared {
        if self.rng.chance(25) {
            if !self.maps.is_empty() && self.rng.chance(40) {
                return Shared::Map(self.rng.pick(&self.maps));
            }
            let m = self.fresh("mp");
            self.global(leaf("Map", vec![s(m.clone())]), None);
            self.maps.push(m.clone());
            Shared::Map(m)
        } else {
            Shared::Var(self.var_any())
        }
    }

    pub(super) fn object(&mut self, op: &'static str, prefix: &str) -> String {
        let name = self.fresh(prefix);
        self.global(leaf(op, vec![s(name.clone())]), Some(&name));
        name
    }

    /// A context: an existing one sometimes, else a new one with its cancel
    /// discipline (usually right, sometimes never or not always called).
    pub(super) fn ctx(&mut self) -> String {
        if !self.ctxs.is_empty() && self.rng.chance(50) {
            return self.rng.pick(&self.ctxs).0;
        }
        let n = self.fresh("");
        let ctx = format!("ctx{n}");
        let cancel = format!("cancel{n}");
        let parent = if !self.ctxs.is_empty() && self.rng.chance(25) {
            Some(self.rng.pick(&self.ctxs).0)
        } else if self.rng.chance(10) {
            Some(self.object("Background", "bg"))
        } else {
            None
        };
        let mut args = vec![s(ctx.clone()), s(cancel.clone())];
        if let Some(p) = parent {
            args.push(s(p));
        }
        let decl = if self.rng.chance(35) {
            args.push(int(self.rng.pick(&[1, 2])));
            leaf(
                if self.rng.chance(25) {
                    "WithDeadline"
                } else {
                    "WithTimeout"
                },
                args,
            )
        } else {
            leaf("WithCancel", args)
        };
        self.main_locals.push(ctx.clone());
        self.main_locals.push(cancel.clone());
        self.ctxs.push((ctx.clone(), cancel.clone()));
        let call = leaf("Cancel", vec![s(cancel)]);
        let r = self.rng.below(100);
        if r < 45 {
            let d = nest("Defer", vec![], vec![vec![call]]);
            self.put(0, Place::Decl, vec![decl, d], false);
            return ctx;
        }
        self.put(0, Place::Decl, vec![decl], false);
        if r < 70 {
            self.put(0, Place::End, vec![call], false);
        } else if r < 80 {
            let e = nest("Either", vec![], vec![vec![call], vec![]]);
            self.put(0, Place::End, vec![e], false);
        } else if r < 90 && self.workers() > 0 {
            let w = 1 + self.rng.below(self.workers());
            self.put(w, Place::End, vec![call], false);
        } else if r < 95 {
            // Called twice: cancel is idempotent.
            self.put(0, Place::End, vec![call.clone(), call], false);
        }
        // Otherwise never called: a context leak.
        ctx
    }

    /// An access to shared state by goroutine `g`.
    pub(super) fn payload(&mut self, g: usize, sh: &Shared, write: bool) -> Block {
        match sh {
            Shared::Var(x) => {
                if write {
                    match self.rng.below(10) {
                        0..=2 => vec![leaf("Set", vec![s(x.clone()), s(format!("{x} + 1"))])],
                        3..=5 => vec![leaf("Set", vec![s(x.clone()), self.me(g)])],
                        6 => {
                            // Through a pointer, in a helper function.
                            let h = self.pointer_helper(true);
                            let args = Arg::List(vec![s(format!("&{x}"))]);
                            vec![leaf("Call", vec![s(h), args])]
                        }
                        _ => {
                            let a = self.local();
                            vec![
                                leaf("Let", vec![s(a.clone()), s(x.clone())]),
                                leaf("Set", vec![s(x.clone()), s(format!("{a} + 1"))]),
                            ]
                        }
                    }
                } else {
                    let a = self.local();
                    let mut b = if self.rng.chance(12) {
                        let h = self.pointer_helper(false);
                        let args = Arg::List(vec![s(format!("&{x}"))]);
                        vec![leaf("Call", vec![s(h), args, s(a.clone())])]
                    } else {
                        vec![leaf("Let", vec![s(a.clone()), s(x.clone())])]
                    };
                    if self.rng.chance(30) {
                        b.push(assert(format!("{a} >= 0")));
                    }
                    b
                }
            }
            Shared::Map(m) => {
                let k = self.rng.below(2) as i64;
                if write {
                    if self.rng.chance(70) {
                        vec![leaf("Set", vec![s(format!("{m}[{k}]")), self.me(g)])]
                    } else {
                        vec![leaf("Delete", vec![s(m.clone()), int(k)])]
                    }
                } else if self.rng.chance(20) {
                    // `for k := range m`: every iteration order.
                    let (k, b) = (self.local(), self.local());
                    vec![nest(
                        "Range",
                        vec![s(m.clone()), s(k.clone())],
                        vec![vec![leaf("Let", vec![s(b), s(k)])]],
                    )]
                } else {
                    let a = self.local();
                    let e = if self.rng.chance(50) {
                        format!("len({m})")
                    } else if k == 1 {
                        // `v, ok := m[1]`: the comma-ok lookup, one read
                        // (decided by the key, so the draws stay as they were).
                        let ok = format!("{a}ok");
                        return vec![leaf("Load", vec![s(m.clone()), int(k), s(a), s(ok)])];
                    } else {
                        format!("{m}[{k}]")
                    };
                    vec![leaf("Let", vec![s(a), s(e)])]
                }
            }
        }
    }

    /// A helper taking a pointer to a variable: `inc` writes through it,
    /// `get` returns what it points to.
    pub(super) fn pointer_helper(&mut self, write: bool) -> String {
        let name = if write { "inc" } else { "get" };
        if self.helpers.iter().any(|h| h.name == name) {
            return name.to_string();
        }
        let body = if write {
            if self.rng.chance(50) {
                vec![leaf("Set", vec![s("*p"), s("*p + 1")])]
            } else {
                let a = self.local();
                vec![
                    leaf("Let", vec![s(a.clone()), s("*p")]),
                    leaf("Set", vec![s("*p"), s(format!("{a} + 1"))]),
                ]
            }
        } else {
            vec![leaf("Return", vec![s("*p")])]
        };
        self.helpers.push(Func {
            name: name.to_string(),
            params: vec!["p".to_string()],
            body,
        });
        name.to_string()
    }

    /// An idempotent write, safe inside an infinite loop (the state stays finite).
    pub(super) fn idempotent(&mut self, g: usize) -> Block {
        match self.rng.below(3) {
            0 => {
                let x = self.var_any();
                vec![leaf("AtomicStore", vec![s(x), self.me(g)])]
            }
            1 => vec![leaf("Sleep", vec![int(1)])],
            _ => vec![],
        }
    }

    /// An optional extra case for a select: a timeout, a context, a nil channel.
    pub(super) fn extra_arms(&mut self, arms: &mut Vec<Arm>) {
        if self.rng.chance(20) {
            let a = match self.rng.below(3) {
                0 => arm("After", vec![int(1)], vec![]),
                1 => {
                    let ctx = self.ctx();
                    arm("Recv", vec![s(done(&ctx))], vec![leaf("Return", vec![])])
                }
                _ => {
                    let n = self.nil_chan();
                    arm("Recv", vec![s(n)], vec![assert("false")])
                }
            };
            let at = self.rng.below(arms.len() + 1);
            arms.insert(at, a);
        }
        if self.rng.chance(12) {
            arms.push(arm("Default", vec![], vec![]));
        }
    }

    /// Maybe wraps a fragment in a bounded loop, a choice point, or a
    /// goroutine of its own.
    pub(super) fn wrap(&mut self, g: usize, stmts: Block) -> Block {
        match self.rng.below(100) {
            0..=5 => vec![nest("For", vec![int(2)], vec![stmts])],
            6..=10 => {
                let other = if self.rng.chance(70) {
                    vec![]
                } else {
                    vec![leaf("Sleep", vec![int(1)])]
                };
                vec![nest("Either", vec![], vec![stmts, other])]
            }
            11..=14 => {
                let a = self.local();
                vec![
                    leaf(
                        "Choose",
                        vec![s(a.clone()), Arg::List(vec![int(0), int(1)])],
                    ),
                    nest("If", vec![s(format!("{a} == 1"))], vec![stmts, vec![]]),
                ]
            }
            15..=17 if g != 0 && self.goroutines < 4 => {
                self.goroutines += 1;
                vec![nest("Go", vec![], vec![stmts])]
            }
            _ => stmts,
        }
    }

    /// The statements of goroutine `g` at `place`: the fragments of each
    /// protocol in order, the protocols interleaved at random.
    pub(super) fn merge(&mut self, g: usize, place: Place) -> Block {
        let mut queues: Vec<Vec<Frag>> = Vec::new();
        let frags: Vec<Frag> = {
            let all = std::mem::take(&mut self.gs[g].frags);
            let (here, rest): (Vec<Frag>, Vec<Frag>) =
                all.into_iter().partition(|f| f.place == place);
            self.gs[g].frags = rest;
            here
        };
        for f in frags {
            match queues.iter_mut().find(|q| q[0].proto == f.proto) {
                Some(q) => q.push(f),
                None => queues.push(vec![f]),
            }
        }
        let mut out = Vec::new();
        if place == Place::Decl {
            // Declarations keep their order: a child context follows its parent.
            for q in queues {
                out.extend(q.into_iter().flat_map(|f| f.stmts));
            }
            return out;
        }
        while !queues.is_empty() {
            let i = self.rng.below(queues.len());
            let f = queues[i].remove(0);
            if queues[i].is_empty() {
                queues.remove(i);
            }
            let stmts = if f.wrap {
                self.wrap(g, f.stmts)
            } else {
                f.stmts
            };
            out.extend(stmts);
        }
        out
    }

    pub(super) fn body(&mut self, g: usize) -> Block {
        let mut out = Vec::new();
        for p in [Place::Start, Place::Body, Place::End] {
            out.extend(self.merge(g, p));
        }
        out
    }

    pub(super) fn assemble(mut self, seed: u64) -> Scenario {
        let mut spawns = Vec::new();
        let mut funcs = Vec::new();
        for w in 1..self.gs.len() {
            let body = self.body(w);
            if !self.gs[w].named {
                spawns.push(nest("Go", vec![], vec![body]));
                continue;
            }
            let name = format!("w{w}");
            let used = idents(&body);
            let mut params = vec!["id".to_string()];
            let mut args = vec![int(w as i64 + 1)];
            for l in &self.main_locals {
                if used.contains(l) {
                    params.push(l.clone());
                    args.push(s(l.clone()));
                }
            }
            // Sometimes a global object is passed too (the parameter shadows it).
            let globals: Vec<String> = self
                .passable
                .iter()
                .filter(|p| used.contains(*p))
                .cloned()
                .collect();
            if !globals.is_empty() && self.rng.chance(40) {
                let p = self.rng.pick(&globals);
                params.push(p.clone());
                args.push(s(p));
            }
            if self.goroutines < 4 && self.rng.chance(8) {
                // The same function started twice.
                self.goroutines += 1;
                if self.rng.chance(50) {
                    spawns.push(leaf("Go", vec![s(name.clone()), Arg::List(args.clone())]));
                    args[0] = int(9);
                    spawns.push(leaf("Go", vec![s(name.clone()), Arg::List(args)]));
                } else {
                    let i = self.fresh("i");
                    args[0] = s(format!("{i} + {}", w + 1));
                    let go = leaf("Go", vec![s(name.clone()), Arg::List(args)]);
                    spawns.push(nest("For", vec![s(i), int(2)], vec![vec![go]]));
                }
            } else {
                spawns.push(leaf("Go", vec![s(name.clone()), Arg::List(args)]));
            }
            funcs.push(Func { name, params, body });
        }
        let mut main = Vec::new();
        for p in PLACES {
            if p == Place::Body {
                main.append(&mut spawns);
            }
            main.extend(self.merge(0, p));
        }
        funcs.append(&mut self.helpers);
        Scenario {
            seed,
            globals: self.globals,
            main,
            funcs,
            expected: None,
            go122: self.go122,
        }
    }
}

/// Every identifier-like word in the string arguments of a block.
pub(super) fn idents(b: &Block) -> BTreeSet<String> {
    pub(super) fn arg(a: &Arg, out: &mut BTreeSet<String>) {
        match a {
            Arg::Str(t) => {
                for w in t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    if !w.is_empty() {
                        out.insert(w.to_string());
                    }
                }
            }
            Arg::Int(_) => {}
            Arg::List(items) => items.iter().for_each(|i| arg(i, out)),
        }
    }
    pub(super) fn block(b: &Block, out: &mut BTreeSet<String>) {
        for st in b {
            match st {
                Stmt::Leaf { args, .. } => args.iter().for_each(|a| arg(a, out)),
                Stmt::Nest { args, blocks, .. } => {
                    args.iter().for_each(|a| arg(a, out));
                    blocks.iter().for_each(|b| block(b, out));
                }
                Stmt::Select { arms } => {
                    for a in arms {
                        a.args.iter().for_each(|x| arg(x, out));
                        block(&a.body, out);
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    block(b, &mut out);
    out
}

/// `body` with the words in `from` replaced by those in `to`, in string arguments.
pub(super) fn rename(body: &Block, from: &[&str], to: &[String]) -> Block {
    let word = |t: &str| -> String {
        let mut out = String::new();
        let mut cur = String::new();
        let flush = |cur: &mut String, out: &mut String| {
            match from.iter().position(|f| f == cur) {
                Some(i) => out.push_str(&to[i]),
                None => out.push_str(cur),
            }
            cur.clear();
        };
        for ch in t.chars() {
            if ch.is_ascii_alphanumeric() || ch == '_' {
                cur.push(ch);
            } else {
                flush(&mut cur, &mut out);
                out.push(ch);
            }
        }
        flush(&mut cur, &mut out);
        out
    };
    pub(super) fn args(a: &[Arg], w: &dyn Fn(&str) -> String) -> Vec<Arg> {
        a.iter()
            .map(|x| match x {
                Arg::Str(t) => Arg::Str(w(t)),
                Arg::Int(n) => Arg::Int(*n),
                Arg::List(l) => Arg::List(args(l, w)),
            })
            .collect()
    }
    pub(super) fn block(b: &Block, w: &dyn Fn(&str) -> String) -> Block {
        b.iter()
            .map(|st| match st {
                Stmt::Leaf { op, args: a } => leaf(op, args(a, w)),
                Stmt::Nest {
                    op,
                    args: a,
                    blocks,
                } => nest(op, args(a, w), blocks.iter().map(|x| block(x, w)).collect()),
                Stmt::Select { arms } => select(
                    arms.iter()
                        .map(|x| arm(x.op, args(&x.args, w), block(&x.body, w)))
                        .collect(),
                ),
            })
            .collect()
    }
    block(body, &word)
}
