//! Self-checking probes: fragments on fresh objects (named `inv...`) whose
//! assertions hold in Go on every schedule and whose operations never block
//! forever, race or panic, so any bug reported on them is a wrong verdict.

use super::build::{rename, Gen, Place};
use super::*;

/// Probes within one goroutine ([`Gen::probe`]).
pub(super) const LOCAL_PROBES: usize = 48;

/// Probes that start goroutines ([`Gen::probe_go`]).
pub(super) const GO_PROBES: usize = 17;

impl Gen {
    /// A self-checking probe: fresh objects named `inv...` whose asserts
    /// (messages starting `invariant:`) hold in Go on every schedule, and
    /// whose operations can never block forever, race or panic. Any bug
    /// the checker reports on a probe's line contradicts Go's semantics.
    pub(super) fn p_probe(&mut self) {
        let g = self.any();
        let b = if self.goroutines < 4 && self.rng.chance(35) {
            let k = self.rng.below(GO_PROBES);
            self.probe_go(k)
        } else {
            let k = self.rng.below(LOCAL_PROBES);
            self.probe(k)
        };
        self.put(g, Place::Body, b, true);
    }

    pub(super) fn inv(&mut self) -> String {
        self.fresh("inv")
    }

    /// Probe number `k` (below [`LOCAL_PROBES`]), within one goroutine.
    pub(super) fn probe(&mut self, k: usize) -> Block {
        let inv_assert =
            |cond: &str, what: &str| leaf("Assert", vec![s(cond), s(format!("invariant: {what}"))]);
        let never = |what: &str| vec![inv_assert("false", what)];
        let (c, a, b, d) = (self.inv(), self.inv(), self.inv(), self.inv());
        let decl = |op: &'static str, name: &str| leaf(op, vec![s(name)]);
        let chan = |name: &str, cap: i64| leaf("Chan", vec![s(name), int(cap)]);
        let var = |name: &str, v: i64| leaf("Var", vec![s(name), int(v)]);
        let done_ = |ctx: &str| s(done(ctx));
        let set_p = |v: Arg| leaf("Set", vec![s("*p"), v]);
        match k {
            0 => vec![
                chan(&c, 1),
                leaf("Send", vec![s(&c), int(5)]),
                leaf("Close", vec![s(&c)]),
                leaf("Recv", vec![s(&c), s(&a), s(&b)]),
                leaf("Recv", vec![s(&c), s(&d)]),
                inv_assert(
                    &format!("{a} == 5 && {b} && {d} == 0"),
                    "a closed channel is drained, then yields zero",
                ),
            ],
            1 => vec![
                chan(&c, 2),
                leaf("Send", vec![s(&c), int(1)]),
                leaf("Let", vec![s(&a), s(format!("len({c})"))]),
                inv_assert(&format!("{a} == 1 && cap({c}) == 2"), "len and cap"),
            ],
            2 => vec![
                chan(&c, 1),
                select(vec![
                    arm("Recv", vec![s(&c)], never("an empty channel is not ready")),
                    arm("Default", vec![], vec![]),
                ]),
            ],
            3 => vec![
                chan(&c, 1),
                leaf("Send", vec![s(&c), int(1)]),
                select(vec![
                    arm(
                        "Send",
                        vec![s(&c), int(2)],
                        never("a full channel is not ready"),
                    ),
                    arm("Default", vec![], vec![]),
                ]),
            ],
            4 => {
                let timer = self.rng.chance(50);
                let (op, ch) = if timer {
                    ("Timer", format!("{c}.C"))
                } else {
                    ("After", c.clone())
                };
                if self.go122 {
                    // Go 1.22: it fires at some moment after creation (a
                    // select with default may miss it); a receive waits
                    // for it, so it is not left pending.
                    vec![leaf(op, vec![s(&c), int(0)]), leaf("Recv", vec![s(ch)])]
                } else {
                    // Go 1.23: expired at once.
                    vec![
                        leaf(op, vec![s(&c), int(0)]),
                        select(vec![
                            arm("Recv", vec![s(ch)], vec![]),
                            arm("Default", vec![], never("a timer of duration 0 has fired")),
                        ]),
                    ]
                }
            }
            5 => vec![
                leaf("Timer", vec![s(&c), int(1)]),
                leaf("Stop", vec![s(&c), s(&a)]),
                nest(
                    "If",
                    vec![s(&a)],
                    vec![
                        vec![select(vec![
                            arm(
                                "Recv",
                                vec![s(format!("{c}.C"))],
                                never("a stopped timer does not fire"),
                            ),
                            arm("Default", vec![], vec![]),
                        ])],
                        vec![leaf("Recv", vec![s(format!("{c}.C"))])],
                    ],
                ),
            ],
            6 => vec![
                leaf("Timer", vec![s(&c), int(1)]),
                leaf("Recv", vec![s(format!("{c}.C"))]),
                leaf("Reset", vec![s(&c), int(1), s(&a)]),
                inv_assert(&format!("!{a}"), "Reset of an expired timer returns false"),
                leaf("Recv", vec![s(format!("{c}.C"))]),
                leaf("Stop", vec![s(&c), s(&b)]),
                inv_assert(&format!("!{b}"), "Stop of an expired timer returns false"),
            ],
            7 => vec![
                leaf("WithCancel", vec![s(&c), s(&a)]),
                inv_assert(&format!("{c}.Err() == nil"), "a live context has no error"),
                select(vec![
                    arm("Recv", vec![done_(&c)], never("a live context is not done")),
                    arm("Default", vec![], vec![]),
                ]),
                leaf("Cancel", vec![s(&a)]),
                leaf("Recv", vec![done_(&c)]),
                inv_assert(&format!("{c}.Err() == Canceled"), "cancel sets Canceled"),
                leaf("Cancel", vec![s(&a)]),
            ],
            8 => vec![
                leaf("WithCancel", vec![s(&c), s(&a)]),
                leaf("WithCancel", vec![s(&b), s(&d), s(&c)]),
                leaf("Cancel", vec![s(&a)]),
                leaf("Recv", vec![done_(&b)]),
                inv_assert(
                    &format!("{b}.Err() == context.Canceled"),
                    "a parent's cancel reaches the child",
                ),
                leaf("Cancel", vec![s(&d)]),
            ],
            9 => vec![
                leaf("WithTimeout", vec![s(&c), s(&a), int(1)]),
                leaf("Recv", vec![done_(&c)]),
                inv_assert(
                    &format!("{c}.Err() == DeadlineExceeded"),
                    "a timeout expires",
                ),
                leaf("Cancel", vec![s(&a)]),
                inv_assert(
                    &format!("{c}.Err() == DeadlineExceeded"),
                    "cancel after expiry keeps DeadlineExceeded",
                ),
            ],
            10 => vec![
                leaf("WithTimeout", vec![s(&c), s(&a), int(1)]),
                leaf("WithCancel", vec![s(&b), s(&d), s(&c)]),
                leaf("Recv", vec![done_(&b)]),
                inv_assert(
                    &format!("{b}.Err() == DeadlineExceeded"),
                    "a parent's deadline reaches the child",
                ),
                leaf("Cancel", vec![s(&d)]),
                leaf("Cancel", vec![s(&a)]),
            ],
            11 => vec![
                leaf("WithCancel", vec![s(&c), s(&a)]),
                leaf("WithTimeout", vec![s(&b), s(&d), s(&c), int(5)]),
                leaf("Cancel", vec![s(&d)]),
                inv_assert(
                    &format!("{b}.Err() != nil && {c}.Err() == nil"),
                    "a child's cancel does not reach the parent",
                ),
                leaf("Cancel", vec![s(&a)]),
            ],
            12 => vec![
                decl("Mutex", &c),
                leaf("Lock", vec![s(&c)]),
                leaf("TryLock", vec![s(&c), s(&a)]),
                leaf("Unlock", vec![s(&c)]),
                leaf("TryLock", vec![s(&c), s(&b)]),
                inv_assert(
                    &format!("!{a} && {b}"),
                    "TryLock fails on a held mutex only",
                ),
                leaf("Unlock", vec![s(&c)]),
            ],
            13 => vec![
                decl("RWMutex", &c),
                leaf("RLock", vec![s(&c)]),
                leaf("RLock", vec![s(&c)]),
                leaf("RUnlock", vec![s(&c)]),
                leaf("RUnlock", vec![s(&c)]),
                leaf("Lock", vec![s(&c)]),
                leaf("Unlock", vec![s(&c)]),
                leaf("RLock", vec![s(&c)]),
                leaf("RUnlock", vec![s(&c)]),
            ],
            14 => vec![
                decl("WaitGroup", &c),
                leaf("Add", vec![s(&c), int(2)]),
                leaf("Done", vec![s(&c)]),
                leaf("Add", vec![s(&c), int(-1)]),
                leaf("Wait", vec![s(&c)]),
                leaf("Add", vec![s(&c), int(1)]),
                leaf("Done", vec![s(&c)]),
                leaf("Wait", vec![s(&c)]),
            ],
            15 => vec![
                decl("Once", &c),
                var(&a, 0),
                nest(
                    "Do",
                    vec![s(&c)],
                    vec![vec![leaf("AtomicAdd", vec![s(&a), int(1)])]],
                ),
                nest(
                    "Do",
                    vec![s(&c)],
                    vec![vec![leaf("AtomicAdd", vec![s(&a), int(1)])]],
                ),
                leaf("AtomicLoad", vec![s(&a), s(&b)]),
                inv_assert(&format!("{b} == 1"), "Do runs its function once"),
            ],
            16 => vec![
                leaf("Let", vec![s(&a), s("-7 / 2")]),
                leaf("Let", vec![s(&b), s("-7 % 3")]),
                inv_assert(
                    &format!("{a} == -3 && {b} == -1 && 1 + 2 * 3 == 7 && (1 + 2) * 3 == 9"),
                    "Go integer arithmetic",
                ),
                inv_assert("7 - 2 - 1 == 4", "subtraction is left-associative"),
                inv_assert("!(1 > 2) && 2 >= 2 || false", "precedence of ! && ||"),
            ],
            17 => vec![
                leaf("Let", vec![s(&a), int(0)]),
                inv_assert(&format!("{a} == 0 || 1 / {a} == 1"), "|| short-circuits"),
                inv_assert(&format!("!({a} != 0 && 1 / {a} == 1)"), "&& short-circuits"),
            ],
            18 => vec![
                leaf("Let", vec![s(&a), int(1)]),
                nest(
                    "If",
                    vec![s(format!("{a} == 1"))],
                    vec![vec![
                        leaf("Let", vec![s(&a), int(2)]),
                        inv_assert(&format!("{a} == 2"), "an inner declaration shadows"),
                    ]],
                ),
                inv_assert(&format!("{a} == 1"), "the outer local is untouched"),
            ],
            19 => vec![
                leaf("Let", vec![s(&a), int(0)]),
                nest(
                    "For",
                    vec![s(&b), int(1), int(4)],
                    vec![vec![leaf("Set", vec![s(&a), s(format!("{a} + {b}"))])]],
                ),
                inv_assert(&format!("{a} == 6"), "For from 1 to 4"),
            ],
            20 => vec![
                leaf("Let", vec![s(&a), int(0)]),
                leaf("Let", vec![s(&b), int(0)]),
                nest(
                    "Loop",
                    vec![],
                    vec![vec![
                        leaf("Set", vec![s(&a), s(format!("{a} + 1"))]),
                        nest(
                            "If",
                            vec![s(format!("{a} > 4"))],
                            vec![vec![leaf("Break", vec![])]],
                        ),
                        nest(
                            "If",
                            vec![s(format!("{a} % 2 == 0"))],
                            vec![vec![leaf("Continue", vec![])]],
                        ),
                        leaf("Set", vec![s(&b), s(format!("{b} + 1"))]),
                    ]],
                ),
                inv_assert(&format!("{a} == 5 && {b} == 2"), "Break and Continue"),
            ],
            21 => vec![
                leaf("Let", vec![s(&a), int(0)]),
                nest(
                    "For",
                    vec![int(3)],
                    vec![vec![
                        select(vec![arm("Default", vec![], vec![leaf("Break", vec![])])]),
                        leaf("Set", vec![s(&a), s(format!("{a} + 1"))]),
                    ]],
                ),
                inv_assert(
                    &format!("{a} == 3"),
                    "Break in a select case leaves the select",
                ),
            ],
            22 => vec![
                chan(&c, 2),
                leaf("Send", vec![s(&c), int(1)]),
                leaf("Send", vec![s(&c), int(2)]),
                leaf("Close", vec![s(&c)]),
                leaf("Let", vec![s(&a), int(0)]),
                nest(
                    "Range",
                    vec![s(&c), s(&b)],
                    vec![vec![leaf("Set", vec![s(&a), s(format!("{a} * 10 + {b}"))])]],
                ),
                inv_assert(&format!("{a} == 12"), "Range receives in FIFO order"),
            ],
            23 => {
                let h = self.inv_helper(
                    &["p"],
                    vec![
                        nest("Defer", vec![], vec![vec![set_p(s("*p * 10 + 1"))]]),
                        nest("Defer", vec![], vec![vec![set_p(s("*p * 10 + 2"))]]),
                    ],
                );
                vec![
                    var(&a, 0),
                    leaf("Call", vec![s(h), Arg::List(vec![s(format!("&{a}"))])]),
                    inv_assert(
                        &format!("{a} == 21"),
                        "deferred calls run last in, first out",
                    ),
                ]
            }
            24 => {
                let r = self.inv();
                let h = self.inv_helper(
                    &["p"],
                    vec![
                        nest(
                            "Defer",
                            vec![],
                            vec![vec![
                                leaf("Recover", vec![s(&r)]),
                                nest("If", vec![s(&r)], vec![vec![set_p(int(1))]]),
                            ]],
                        ),
                        leaf("Panic", vec![s("invariant")]),
                        leaf("Set", vec![s("*p"), int(2)]),
                    ],
                );
                vec![
                    var(&a, 0),
                    leaf("Call", vec![s(h), Arg::List(vec![s(format!("&{a}"))])]),
                    inv_assert(&format!("{a} == 1"), "a deferred recover stops the panic"),
                ]
            }
            25 => vec![
                leaf("Recover", vec![s(&a)]),
                inv_assert(
                    &format!("!{a}"),
                    "recover outside a deferred call returns nil",
                ),
            ],
            26 => {
                let h = self.inv_helper(
                    &["o"],
                    vec![
                        nest("Defer", vec![], vec![vec![leaf("Recover", vec![])]]),
                        nest(
                            "Do",
                            vec![s("o")],
                            vec![vec![leaf("Panic", vec![s("invariant")])]],
                        ),
                    ],
                );
                vec![
                    decl("Once", &c),
                    var(&a, 0),
                    leaf("Call", vec![s(h), Arg::List(vec![s(&c)])]),
                    nest(
                        "Do",
                        vec![s(&c)],
                        vec![vec![leaf("AtomicAdd", vec![s(&a), int(1)])]],
                    ),
                    leaf("AtomicLoad", vec![s(&a), s(&b)]),
                    inv_assert(&format!("{b} == 0"), "a Do whose function panicked is done"),
                ]
            }
            27 => vec![
                var(&a, 0),
                leaf("CompareAndSwap", vec![s(&a), int(0), int(5), s(&b)]),
                leaf("CompareAndSwap", vec![s(&a), int(0), int(6), s(&c)]),
                leaf("AtomicAdd", vec![s(&a), int(2), s(&d)]),
                inv_assert(
                    &format!("{b} && !{c} && {d} == 7 && {a} == 7"),
                    "compare-and-swap and add",
                ),
            ],
            28 => vec![
                decl("Map", &c),
                leaf("Set", vec![s(format!("{c}[1]")), int(4)]),
                leaf("Set", vec![s(format!("{c}[2]")), int(5)]),
                leaf("Delete", vec![s(&c), int(1)]),
                leaf("Delete", vec![s(&c), int(3)]),
                leaf("Let", vec![s(&a), s(format!("len({c})"))]),
                inv_assert(
                    &format!("{a} == 1 && {c}[1] == 0 && {c}[2] == 5"),
                    "map set, delete, len",
                ),
            ],
            29 => vec![
                leaf("Choose", vec![s(&a), Arg::List(vec![int(3)])]),
                inv_assert(&format!("{a} == 3"), "a choice of one"),
            ],
            30 => vec![
                var(&a, 1),
                leaf("Let", vec![s(&b), s(format!("&{a}"))]),
                leaf("Set", vec![s(format!("*{b}")), s(format!("*{b} + 1"))]),
                leaf("AtomicAdd", vec![s(&b), int(1)]),
                inv_assert(&format!("{a} == 3"), "writes through a pointer"),
            ],
            31 => vec![
                leaf("Ticker", vec![s(&c), int(1)]),
                leaf("Recv", vec![s(format!("{c}.C"))]),
                leaf("Recv", vec![s(format!("{c}.C"))]),
                leaf("Stop", vec![s(&c)]),
            ],
            32 => vec![
                decl("NilChan", &c),
                select(vec![
                    arm(
                        "Send",
                        vec![s(&c), int(1)],
                        never("a nil channel is never ready"),
                    ),
                    arm("Recv", vec![s(&c)], never("a nil channel is never ready")),
                    arm("Default", vec![], vec![]),
                ]),
            ],
            33 => {
                let h = self.inv_helper(&["v"], vec![leaf("Return", vec![s("v * 2")])]);
                vec![
                    leaf("Call", vec![s(h), Arg::List(vec![int(3)]), s(&a)]),
                    inv_assert(&format!("{a} == 6"), "a returned value"),
                ]
            }
            34 => vec![
                leaf("Let", vec![s(&a), int(0)]),
                nest(
                    "While",
                    vec![s(format!("{a} < 3"))],
                    vec![vec![leaf("Set", vec![s(&a), s(format!("{a} + 1"))])]],
                ),
                inv_assert(&format!("{a} == 3"), "While"),
            ],
            35 => vec![
                leaf("Sleep", vec![int(0)]),
                nest(
                    "Either",
                    vec![],
                    vec![vec![leaf("Let", vec![s(&a), int(1)])], vec![]],
                ),
                leaf("Sleep", vec![int(2)]),
            ],
            36 => {
                let r = self.inv();
                let rec = self.inv_helper(
                    &[],
                    vec![
                        leaf("Recover", vec![s(&r)]),
                        inv_assert(
                            &format!("!{r}"),
                            "recover only stops a panic when the deferred call itself calls it",
                        ),
                    ],
                );
                let r2 = self.inv();
                let h = self.inv_helper(
                    &["p"],
                    vec![
                        nest(
                            "Defer",
                            vec![],
                            vec![vec![
                                leaf("Recover", vec![s(&r2)]),
                                nest("If", vec![s(&r2)], vec![vec![set_p(int(1))]]),
                            ]],
                        ),
                        nest("Defer", vec![], vec![vec![leaf("Call", vec![s(rec)])]]),
                        leaf("Panic", vec![s("invariant")]),
                    ],
                );
                vec![
                    var(&a, 0),
                    leaf("Call", vec![s(h), Arg::List(vec![s(format!("&{a}"))])]),
                    inv_assert(&format!("{a} == 1"), "the panic is recovered once"),
                ]
            }
            37 => {
                let l = self.inv();
                let h = self.inv_helper(
                    &["p"],
                    vec![
                        leaf("Let", vec![s(&l), int(1)]),
                        nest(
                            "Defer",
                            vec![],
                            vec![vec![leaf("Set", vec![s("*p"), s(&l)])]],
                        ),
                        leaf("Set", vec![s(&l), int(2)]),
                    ],
                );
                vec![
                    var(&a, 0),
                    leaf("Call", vec![s(h), Arg::List(vec![s(format!("&{a}"))])]),
                    inv_assert(
                        &format!("{a} == 2"),
                        "a deferred body sees the current locals",
                    ),
                ]
            }
            38 => vec![
                chan(&c, 0),
                select(vec![
                    arm(
                        "Send",
                        vec![s(&c), int(1)],
                        never("a select does not meet itself"),
                    ),
                    arm("Recv", vec![s(&c)], never("a select does not meet itself")),
                    arm("Default", vec![], vec![]),
                ]),
            ],
            39 => vec![
                chan(&c, 1),
                leaf("Send", vec![s(&c), int(4)]),
                select(vec![
                    arm(
                        "Send",
                        vec![s(&c), int(5)],
                        never("a full channel is not ready"),
                    ),
                    arm(
                        "Recv",
                        vec![s(&c), s(&a)],
                        vec![inv_assert(&format!("{a} == 4"), "the buffered value")],
                    ),
                ]),
            ],
            40 => vec![
                leaf("Timer", vec![s(&c), int(1)]),
                leaf("Stop", vec![s(&c), s(&a)]),
                leaf("Reset", vec![s(&c), int(1), s(&b)]),
                inv_assert(&format!("!{b}"), "Reset after Stop returns false"),
                leaf("Recv", vec![s(format!("{c}.C"))]),
                // Under Go 1.22 the receive may take the value of a fire
                // before the Stop, leaving the reset timer running: stop it,
                // or it is (rightly) a resource leak.
                leaf("Stop", vec![s(&c)]),
            ],
            41 => vec![
                var(&c, 4),
                leaf("Let", vec![s(&a), int(0)]),
                leaf("AtomicLoad", vec![s(&c), s(&a)]),
                chan(&d, 1),
                leaf("Send", vec![s(&d), int(7)]),
                leaf("Let", vec![s(&b), int(0)]),
                leaf("Recv", vec![s(&d), s(&b)]),
                inv_assert(
                    &format!("{a} == 4 && {b} == 7"),
                    "into assigns a visible local",
                ),
                leaf("Choose", vec![s(&b), Arg::List(vec![int(3)])]),
                inv_assert(&format!("{b} == 3"), "Choose assigns a visible local"),
            ],
            42 => vec![
                leaf("Let", vec![s(&a), s("9223372036854775807")]),
                leaf("Let", vec![s(&b), s(format!("{a} + 1"))]),
                inv_assert(
                    &format!("{b} < 0 && {b} - 1 == {a} && 0x10 == 16 && 1_000 == 1000"),
                    "integers wrap; literals",
                ),
            ],
            43 => {
                let h = self.inv_helper(
                    &["p"],
                    vec![
                        nest(
                            "Defer",
                            vec![],
                            vec![vec![leaf("Set", vec![s("*p"), int(1)])]],
                        ),
                        nest("Loop", vec![], vec![vec![leaf("Return", vec![])]]),
                    ],
                );
                vec![
                    var(&a, 0),
                    leaf("Call", vec![s(h), Arg::List(vec![s(format!("&{a}"))])]),
                    inv_assert(&format!("{a} == 1"), "returning from a loop runs defers"),
                ]
            }
            44 => vec![
                chan(&c, 2),
                leaf("Send", vec![s(&c), int(1)]),
                leaf("Close", vec![s(&c)]),
                inv_assert(
                    &format!("len({c}) == 1"),
                    "a closed channel keeps its buffer",
                ),
                leaf("Recv", vec![s(&c), s(&a), s(&b)]),
                inv_assert(&format!("{a} == 1 && {b} && len({c}) == 0"), "drained"),
            ],
            45 => vec![
                leaf("WithTimeout", vec![s(&c), s(&a), int(5)]),
                leaf("Cancel", vec![s(&a)]),
                inv_assert(
                    &format!("{c}.Err() != nil"),
                    "a cancelled context has an error",
                ),
                leaf("Recv", vec![done_(&c)]),
            ],
            46 => vec![
                decl("Background", &c),
                leaf("WithCancel", vec![s(&a), s(&b), s(&c)]),
                leaf("Cancel", vec![s(&b)]),
                inv_assert(
                    &format!("{c}.Err() == nil && {a}.Err() == Canceled"),
                    "Background never ends",
                ),
                select(vec![
                    arm("Recv", vec![done_(&c)], never("Background is never done")),
                    arm("Default", vec![], vec![]),
                ]),
            ],
            _ => {
                let o2 = self.inv();
                vec![
                    decl("Once", &c),
                    decl("Once", &o2),
                    var(&a, 0),
                    nest(
                        "Do",
                        vec![s(&c)],
                        vec![vec![nest(
                            "Do",
                            vec![s(&o2)],
                            vec![vec![leaf("AtomicAdd", vec![s(&a), int(1)])]],
                        )]],
                    ),
                    nest(
                        "Do",
                        vec![s(&o2)],
                        vec![vec![leaf("AtomicAdd", vec![s(&a), int(1)])]],
                    ),
                    leaf("AtomicLoad", vec![s(&a), s(&b)]),
                    inv_assert(&format!("{b} == 1"), "nested Do on another Once"),
                ]
            }
        }
    }

    /// Go probe number `k` (below [`GO_PROBES`]): a goroutine and a
    /// synchronisation that orders it.
    pub(super) fn probe_go(&mut self, k: usize) -> Block {
        self.goroutines += 1;
        let inv_assert =
            |cond: &str, what: &str| leaf("Assert", vec![s(cond), s(format!("invariant: {what}"))]);
        let (c, a, b, d) = (self.inv(), self.inv(), self.inv(), self.inv());
        let (c, a, b, d) = (c.as_str(), a.as_str(), b.as_str(), d.as_str());
        let go = |body: Block| nest("Go", vec![], vec![body]);
        match k {
            0 => vec![
                leaf("Var", vec![s(a), int(0)]),
                leaf("Chan", vec![s(c), int(self.rng.pick(&[0, 1]))]),
                nest(
                    "Go",
                    vec![],
                    vec![vec![
                        leaf("Set", vec![s(a), int(5)]),
                        leaf("Send", vec![s(c), int(1)]),
                    ]],
                ),
                leaf("Recv", vec![s(c)]),
                inv_assert(&format!("{a} == 5"), "a send happens before its receive"),
            ],
            1 => vec![
                leaf("Var", vec![s(a), int(0)]),
                leaf("WaitGroup", vec![s(c)]),
                leaf("Add", vec![s(c), int(1)]),
                nest(
                    "Go",
                    vec![],
                    vec![vec![
                        leaf("Set", vec![s(a), int(7)]),
                        leaf("Done", vec![s(c)]),
                    ]],
                ),
                leaf("Wait", vec![s(c)]),
                inv_assert(&format!("{a} == 7"), "Done happens before Wait returns"),
            ],
            2 => vec![
                leaf("Var", vec![s(a), int(0)]),
                leaf("Mutex", vec![s(c)]),
                leaf("Chan", vec![s(d), int(1)]),
                nest(
                    "Go",
                    vec![],
                    vec![vec![
                        leaf("Lock", vec![s(c)]),
                        leaf("Set", vec![s(a), s(format!("{a} + 1"))]),
                        leaf("Unlock", vec![s(c)]),
                        leaf("Send", vec![s(d), int(1)]),
                    ]],
                ),
                leaf("Lock", vec![s(c)]),
                leaf("Set", vec![s(a), s(format!("{a} + 1"))]),
                leaf("Unlock", vec![s(c)]),
                leaf("Recv", vec![s(d)]),
                inv_assert(&format!("{a} == 2"), "a mutex serialises increments"),
            ],
            3 => vec![
                leaf("Mutex", vec![s(c)]),
                leaf("Cond", vec![s(d), s(c)]),
                leaf("Var", vec![s(a), s("false")]),
                nest(
                    "Go",
                    vec![],
                    vec![vec![
                        leaf("Lock", vec![s(c)]),
                        leaf("Set", vec![s(a), s("true")]),
                        leaf(self.rng.pick(&["Signal", "Broadcast"]), vec![s(d)]),
                        leaf("Unlock", vec![s(c)]),
                    ]],
                ),
                leaf("Lock", vec![s(c)]),
                nest(
                    "While",
                    vec![s(format!("!{a}"))],
                    vec![vec![leaf("Wait", vec![s(d)])]],
                ),
                leaf("Unlock", vec![s(c)]),
            ],
            4 => vec![
                leaf("Chan", vec![s(c), int(0)]),
                nest(
                    "Go",
                    vec![],
                    vec![vec![
                        leaf("Recv", vec![s(c), s(a), s(b)]),
                        inv_assert(&format!("!{b} && {a} == 0"), "close wakes a receiver"),
                    ]],
                ),
                leaf("Close", vec![s(c)]),
            ],
            5 => vec![
                leaf("Chan", vec![s(c), int(0)]),
                nest(
                    "Go",
                    vec![],
                    vec![vec![select(vec![arm("Send", vec![s(c), int(3)], vec![])])]],
                ),
                select(vec![arm(
                    "Recv",
                    vec![s(c), s(a)],
                    vec![inv_assert(&format!("{a} == 3"), "select meets select")],
                )]),
            ],
            6 => {
                let f = self.inv_helper(&["c", "v"], vec![leaf("Send", vec![s("c"), s("v")])]);
                vec![
                    leaf("Chan", vec![s(c), int(0)]),
                    leaf("Let", vec![s(a), int(5)]),
                    leaf("Go", vec![s(f), Arg::List(vec![s(c), s(a)])]),
                    leaf("Set", vec![s(a), int(6)]),
                    leaf("Recv", vec![s(c), s(b)]),
                    inv_assert(&format!("{b} == 5"), "go evaluates its arguments at once"),
                ]
            }
            7 => {
                let h = self.inv_helper(
                    &["c"],
                    vec![nest(
                        "Defer",
                        vec![],
                        vec![vec![go(vec![leaf("Send", vec![s("c"), int(1)])])]],
                    )],
                );
                vec![
                    leaf("Chan", vec![s(c), int(0)]),
                    leaf("Call", vec![s(h), Arg::List(vec![s(c)])]),
                    leaf("Recv", vec![s(c)]),
                ]
            }
            8 => vec![
                leaf("RWMutex", vec![s(c)]),
                leaf("Var", vec![s(a), int(0)]),
                leaf("Chan", vec![s(d), int(1)]),
                leaf("Lock", vec![s(c)]),
                go(vec![
                    leaf("RLock", vec![s(c)]),
                    leaf("Let", vec![s(b), s(a)]),
                    leaf("RUnlock", vec![s(c)]),
                    leaf("Send", vec![s(d), s(b)]),
                ]),
                leaf("Set", vec![s(a), int(1)]),
                leaf("Unlock", vec![s(c)]),
                leaf("Recv", vec![s(d), s(b)]),
                inv_assert(&format!("{b} == 1"), "Unlock happens before a later RLock"),
            ],
            9 if self.goroutines < 4 => {
                self.goroutines += 1;
                vec![
                    leaf("Chan", vec![s(c), int(2)]),
                    nest(
                        "For",
                        vec![s(d), int(2)],
                        vec![vec![go(vec![leaf("Send", vec![s(c), s(d)])])]],
                    ),
                    leaf("Recv", vec![s(c), s(a)]),
                    leaf("Recv", vec![s(c), s(b)]),
                    inv_assert(
                        &format!("{a} + {b} == 1"),
                        "each iteration has its own variable",
                    ),
                ]
            }
            10 => vec![
                leaf("WaitGroup", vec![s(c)]),
                leaf("Var", vec![s(a), int(0)]),
                leaf("Add", vec![s(c), int(2)]),
                go(vec![
                    leaf("Set", vec![s(a), int(3)]),
                    leaf("Add", vec![s(c), int(-2)]),
                ]),
                leaf("Wait", vec![s(c)]),
                inv_assert(
                    &format!("{a} == 3"),
                    "a negative Add happens before Wait returns",
                ),
            ],
            11 => vec![
                leaf("Var", vec![s(a), int(0)]),
                leaf("Chan", vec![s(c), int(0)]),
                go(vec![
                    leaf("Set", vec![s(a), int(1)]),
                    leaf("Recv", vec![s(c)]),
                ]),
                leaf("Send", vec![s(c), int(0)]),
                inv_assert(
                    &format!("{a} == 1"),
                    "an unbuffered receive happens before the send completes",
                ),
            ],
            12 => vec![
                leaf("Var", vec![s(a), int(0)]),
                leaf("Chan", vec![s(c), int(1)]),
                go(vec![
                    leaf("Set", vec![s(a), int(1)]),
                    leaf("Recv", vec![s(c)]),
                ]),
                leaf("Send", vec![s(c), int(0)]),
                leaf("Send", vec![s(c), int(0)]),
                inv_assert(
                    &format!("{a} == 1"),
                    "the k-th receive happens before the (k+C)-th send completes",
                ),
            ],
            13 => vec![
                leaf("Mutex", vec![s(c)]),
                leaf("Var", vec![s(a), int(0)]),
                leaf("Lock", vec![s(c)]),
                go(vec![
                    leaf("Set", vec![s(a), int(1)]),
                    leaf("Unlock", vec![s(c)]),
                ]),
                leaf("Lock", vec![s(c)]),
                inv_assert(
                    &format!("{a} == 1"),
                    "another goroutine's Unlock happens before Lock",
                ),
                leaf("Unlock", vec![s(c)]),
            ],
            14 => vec![
                leaf("WithCancel", vec![s(c), s(d)]),
                leaf("Var", vec![s(a), int(0)]),
                go(vec![
                    leaf("Set", vec![s(a), int(1)]),
                    leaf("Cancel", vec![s(d)]),
                ]),
                leaf("Recv", vec![s(done(c))]),
                inv_assert(&format!("{a} == 1"), "cancel happens before Done is closed"),
            ],
            15 => vec![
                leaf("Once", vec![s(c)]),
                leaf("Var", vec![s(a), int(0)]),
                go(vec![nest(
                    "Do",
                    vec![s(c)],
                    vec![vec![leaf("Set", vec![s(a), int(1)])]],
                )]),
                nest(
                    "Do",
                    vec![s(c)],
                    vec![vec![leaf("Set", vec![s(a), int(1)])]],
                ),
                inv_assert(&format!("{a} == 1"), "f returns before every Do returns"),
            ],
            _ => vec![
                leaf("Var", vec![s(a), int(0)]),
                leaf("Var", vec![s(d), int(0)]),
                go(vec![
                    leaf("Set", vec![s(a), int(1)]),
                    leaf("AtomicStore", vec![s(d), int(1)]),
                ]),
                leaf("AtomicLoad", vec![s(d), s(b)]),
                nest(
                    "If",
                    vec![s(format!("{b} == 1"))],
                    vec![vec![inv_assert(
                        &format!("{a} == 1"),
                        "atomics synchronise",
                    )]],
                ),
            ],
        }
    }

    /// A helper function for a probe, with parameters named `inv...`.
    pub(super) fn inv_helper(&mut self, params: &[&str], body: Block) -> String {
        let name = self.inv();
        // Parameter names are kept short in the body; rename them to inv names.
        let renamed: Vec<String> = params.iter().map(|p| format!("{name}{p}")).collect();
        let body = rename(&body, params, &renamed);
        self.helpers.push(Func {
            name: name.clone(),
            params: renamed,
            body,
        });
        name
    }
}
