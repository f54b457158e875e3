//! The protocols: how goroutines use each kind of object, written right
//! most of the time and with a classic mistake some of the time.

use super::build::{Gen, Place, Shared};
use super::*;

impl Gen {
    pub(super) fn protocol(&mut self, name: &str) {
        match name {
            "chan" => self.p_chan(),
            "mutex" => self.p_mutex(),
            "rwmutex" => self.p_rwmutex(),
            "waitgroup" => self.p_waitgroup(),
            "cond" => self.p_cond(),
            "once" => self.p_once(),
            "atomic" => self.p_atomic(),
            "map" => self.p_map(),
            "context" => self.p_context(),
            "timer" => self.p_timer(),
            "errgroup" => self.p_errgroup(),
            "syncmap" => self.p_syncmap(),
            "nil" => self.p_nil(),
            "probe" => self.p_probe(),
            "merge" => self.p_merge(),
            "closure" => self.p_closure(),
            "afterfunc" => self.p_afterfunc(),
            _ => self.p_panic(),
        }
    }

    pub(super) fn sends(&mut self, c: &str, g: usize, k: usize) -> Block {
        let send = leaf("Send", vec![s(c), self.me(g)]);
        if k > 1 && self.rng.chance(50) {
            if self.rng.chance(25) {
                // One iteration more, and the first one skipped.
                let i = self.fresh("i");
                vec![nest(
                    "For",
                    vec![s(i.clone()), int(k as i64 + 1)],
                    vec![vec![
                        nest(
                            "If",
                            vec![s(format!("{i} == 0"))],
                            vec![vec![leaf("Continue", vec![])]],
                        ),
                        leaf("Send", vec![s(c), s(i)]),
                    ]],
                )]
            } else if self.rng.chance(50) {
                let i = self.fresh("i");
                vec![nest(
                    "For",
                    vec![s(i.clone()), int(k as i64)],
                    vec![vec![leaf("Send", vec![s(c), s(format!("{i} + 1"))])]],
                )]
            } else {
                vec![nest("For", vec![int(k as i64)], vec![vec![send]])]
            }
        } else {
            vec![send; k]
        }
    }

    /// A producer and a consumer on a channel.
    pub(super) fn p_chan(&mut self) {
        let cap = self.rng.pick(&[0, 0, 1, 2]);
        let c = self.chan(cap);
        let (snd, rcv) = self.pair();
        let k = if self.rng.chance(70) { 1 } else { 2 };
        let v = Self::val(snd);
        let a = self.local();
        match self.rng.below(100) {
            0..=21 => {
                let b = self.sends(&c, snd, k);
                self.put(snd, Place::Body, b, true);
                let mut r = Vec::new();
                for _ in 0..k {
                    let a = self.local();
                    r.push(leaf("Recv", vec![s(c.clone()), s(a.clone())]));
                    if self.rng.chance(30) {
                        r.push(assert(format!("{a} == {v}")));
                    }
                }
                self.put(rcv, Place::Body, r, true);
            }
            22..=39 => {
                let mut b = self.sends(&c, snd, k);
                b.push(leaf("Close", vec![s(c.clone())]));
                self.put(snd, Place::Body, b, true);
                let body = if self.rng.chance(50) {
                    vec![assert(format!("{a} > 0"))]
                } else {
                    let sh = self.shared();
                    self.payload(rcv, &sh, true)
                };
                let r = if self.rng.chance(20) {
                    nest("Range", vec![s(c.clone())], vec![vec![]])
                } else {
                    nest("Range", vec![s(c.clone()), s(a.clone())], vec![body])
                };
                self.put(rcv, Place::Body, vec![r], true);
            }
            40..=49 => {
                let mut b = self.sends(&c, snd, k);
                b.push(leaf("Close", vec![s(c.clone())]));
                self.put(snd, Place::Body, b, true);
                let ok = self.local();
                let check = self.rng.chance(40);
                let into = if !check && self.rng.chance(40) {
                    "_".to_string()
                } else {
                    a.clone()
                };
                let mut body = vec![
                    leaf("Recv", vec![s(c.clone()), s(into), s(ok.clone())]),
                    nest(
                        "If",
                        vec![s(format!("!{ok}"))],
                        vec![vec![leaf("Break", vec![])]],
                    ),
                ];
                if check {
                    body.push(assert(format!("{a} == {v}")));
                }
                self.put(
                    rcv,
                    Place::Body,
                    vec![nest("Loop", vec![], vec![body])],
                    true,
                );
            }
            50..=63 => {
                // The receiver gives up after a timeout: the sender may leak.
                let b = vec![leaf("Send", vec![s(c.clone()), self.me(snd)])];
                self.put(snd, Place::Body, b, true);
                let got = if self.rng.chance(50) {
                    arm(
                        "Recv",
                        vec![s(c.clone()), s(a.clone())],
                        vec![assert(format!("{a} == {v}"))],
                    )
                } else {
                    arm("Recv", vec![s(c.clone())], vec![])
                };
                let timeout = if self.rng.chance(50) {
                    vec![leaf("Return", vec![])]
                } else {
                    vec![]
                };
                let mut arms = vec![got, arm("After", vec![int(1)], timeout)];
                self.extra_arms(&mut arms);
                self.put(rcv, Place::Body, vec![select(arms)], true);
            }
            64..=73 => {
                // Non-blocking send and receive.
                let mut arms = vec![
                    arm("Send", vec![s(c.clone()), self.me(snd)], vec![]),
                    arm("Default", vec![], vec![]),
                ];
                if self.rng.chance(30) {
                    arms.pop();
                    self.extra_arms(&mut arms);
                }
                self.put(snd, Place::Body, vec![select(arms)], true);
                let r = if self.rng.chance(50) {
                    select(vec![
                        arm("Recv", vec![s(c.clone()), s(a)], vec![]),
                        arm("Default", vec![], vec![]),
                    ])
                } else {
                    select(vec![
                        arm("Recv", vec![s(c.clone())], vec![]),
                        arm("After", vec![int(1)], vec![]),
                    ])
                };
                self.put(rcv, Place::Body, vec![r], true);
            }
            74..=85 => {
                // Both sides also watch a context.
                let ctx = self.ctx();
                let arms = vec![
                    arm("Send", vec![s(c.clone()), self.me(snd)], vec![]),
                    arm("Recv", vec![s(done(&ctx))], vec![leaf("Return", vec![])]),
                ];
                let mut b = vec![select(arms)];
                let r = if self.rng.chance(30) {
                    // Receive until closed or cancelled, with a local flag.
                    b.push(leaf("Close", vec![s(c.clone())]));
                    let fin = self.local();
                    let ok = self.local();
                    let stop = || leaf("Set", vec![s(fin.clone()), s("true")]);
                    let sel = select(vec![
                        arm(
                            "Recv",
                            vec![s(c.clone()), s(a), s(ok.clone())],
                            vec![nest("If", vec![s(format!("!{ok}"))], vec![vec![stop()]])],
                        ),
                        arm("Recv", vec![s(done(&ctx))], vec![stop()]),
                    ]);
                    self.put(
                        rcv,
                        Place::Body,
                        vec![
                            leaf("Let", vec![s(fin.clone()), s("false")]),
                            nest("While", vec![s(format!("!{fin}"))], vec![vec![sel]]),
                        ],
                        true,
                    );
                    None
                } else if self.rng.chance(50) {
                    Some(leaf("Recv", vec![s(c.clone()), s(a)]))
                } else {
                    let ok = self.local();
                    let mut arms = vec![
                        arm("Recv", vec![s(c.clone()), s(a), s(ok)], vec![]),
                        arm("Recv", vec![s(done(&ctx))], vec![]),
                    ];
                    self.extra_arms(&mut arms);
                    Some(select(arms))
                };
                self.put(snd, Place::Body, b, true);
                if let Some(r) = r {
                    self.put(rcv, Place::Body, vec![r], true);
                }
            }
            _ => match self.rng.below(4) {
                0 => {
                    // One receive too many.
                    let b = self.sends(&c, snd, k);
                    self.put(snd, Place::Body, b, true);
                    let r = vec![leaf("Recv", vec![s(c.clone())]); k + 1];
                    self.put(rcv, Place::Body, r, true);
                }
                1 => {
                    // Both sides close.
                    self.put(
                        snd,
                        Place::Body,
                        vec![leaf("Close", vec![s(c.clone())])],
                        true,
                    );
                    self.put(
                        rcv,
                        Place::Body,
                        vec![leaf("Close", vec![s(c.clone())])],
                        true,
                    );
                }
                2 => {
                    // The receiver closes while the sender may still send.
                    let b = self.sends(&c, snd, k);
                    self.put(snd, Place::Body, b, true);
                    let r = vec![
                        leaf("Recv", vec![s(c.clone())]),
                        leaf("Close", vec![s(c.clone())]),
                    ];
                    self.put(rcv, Place::Body, r, true);
                }
                _ => {
                    // Send after close.
                    let b = vec![
                        leaf("Close", vec![s(c.clone())]),
                        leaf("Send", vec![s(c.clone()), self.me(snd)]),
                    ];
                    self.put(snd, Place::Body, b, true);
                }
            },
        }
    }

    /// Critical sections on a Mutex around shared state.
    pub(super) fn p_mutex(&mut self) {
        let m = self.object("Mutex", "m");
        let sh = self.shared();
        let n = 2 + self.rng.below(2);
        for u in self.some(n) {
            let write = self.rng.chance(70);
            let pl = self.payload(u, &sh, write);
            let lock = leaf("Lock", vec![s(m.clone())]);
            let unlock = leaf("Unlock", vec![s(m.clone())]);
            match self.rng.below(100) {
                0..=62 => {
                    let mut b = vec![lock];
                    b.extend(pl);
                    b.push(unlock);
                    self.put(u, Place::Body, b, true);
                }
                63..=71 => {
                    // Held until the function returns.
                    let mut b = vec![lock, nest("Defer", vec![], vec![vec![unlock]])];
                    b.extend(pl);
                    self.put(u, Place::Start, b, false);
                }
                72..=79 => {
                    let ok = self.local();
                    let mut then = pl;
                    then.push(unlock);
                    let b = vec![
                        leaf("TryLock", vec![s(m.clone()), s(ok.clone())]),
                        nest("If", vec![s(ok)], vec![then]),
                    ];
                    self.put(u, Place::Body, b, true);
                }
                80..=84 => {
                    // Forgets to unlock.
                    let mut b = vec![lock];
                    b.extend(pl);
                    self.put(u, Place::Body, b, true);
                }
                85..=89 => {
                    // Returns early holding the lock.
                    let mut b = vec![lock];
                    b.extend(pl);
                    b.push(nest(
                        "Either",
                        vec![],
                        vec![vec![leaf("Return", vec![])], vec![]],
                    ));
                    b.push(unlock);
                    self.put(u, Place::Body, b, true);
                }
                90..=95 => self.put(u, Place::Body, pl, true),
                96..=97 => self.put(u, Place::Body, vec![lock.clone(), lock], true),
                _ => self.put(u, Place::Body, vec![unlock], true),
            }
        }
    }

    /// Readers and writers on an RWMutex.
    pub(super) fn p_rwmutex(&mut self) {
        let spelling = if self.rng.chance(80) {
            "RWMutex"
        } else {
            "RwMutex"
        };
        let rw = self.object(spelling, "rw");
        let sh = self.shared();
        let n = 2 + self.rng.below(2);
        // Sometimes the readers lock through `rw.RLocker()` (its Lock and
        // Unlock are RLock and RUnlock).
        let rlocker = self.rng.chance(25);
        let lk = |op: &'static str| match op {
            "RLock" if rlocker => leaf("Lock", vec![s(format!("{rw}.RLocker()"))]),
            "RUnlock" if rlocker => leaf("Unlock", vec![s(format!("{rw}.RLocker()"))]),
            _ => leaf(op, vec![s(rw.clone())]),
        };
        for (j, u) in self.some(n).into_iter().enumerate() {
            let writer = j == 0 || self.rng.chance(35);
            let b = if writer {
                let mut b = vec![lk("Lock")];
                b.extend(self.payload(u, &sh, true));
                if self.rng.chance(93) {
                    b.push(lk("Unlock"));
                }
                b
            } else {
                match self.rng.below(100) {
                    0..=69 => {
                        let mut b = vec![lk("RLock")];
                        b.extend(self.payload(u, &sh, false));
                        b.push(lk("RUnlock"));
                        b
                    }
                    70..=84 => {
                        // Recursive read locking: deadlocks behind a writer.
                        let mut b = vec![lk("RLock")];
                        b.extend(self.payload(u, &sh, false));
                        b.extend([lk("RLock"), lk("RUnlock"), lk("RUnlock")]);
                        b
                    }
                    85..=92 => {
                        // Writes under a read lock: races with other readers.
                        let mut b = vec![lk("RLock")];
                        b.extend(self.payload(u, &sh, true));
                        b.push(lk("RUnlock"));
                        b
                    }
                    93..=96 => {
                        let mut b = vec![lk("RLock")];
                        b.extend(self.payload(u, &sh, false));
                        b
                    }
                    _ => vec![lk("RUnlock")],
                }
            };
            self.put(u, Place::Body, b, true);
        }
    }

    /// Goroutines join through a WaitGroup, publishing results.
    pub(super) fn p_waitgroup(&mut self) {
        let wg = self.object("WaitGroup", "wg");
        let waiter = if self.rng.chance(80) { 0 } else { self.any() };
        let mut doers: Vec<usize> = (0..self.gs.len()).filter(|&g| g != waiter).collect();
        while doers.len() > 1 && self.rng.chance(30) {
            doers.remove(self.rng.below(doers.len()));
        }
        let n = doers.len() as i64;
        let variant = self.rng.below(100);
        let counter = if self.rng.chance(50) {
            Some((self.new_var(int(0)), self.rng.chance(50)))
        } else {
            None
        };
        let add = |d: i64| leaf("Add", vec![s(wg.clone()), int(d)]);
        let done_ = leaf("Done", vec![s(wg.clone())]);
        if (70..80).contains(&variant) {
            // Add inside the goroutines: races with Wait.
            for &d in &doers {
                self.put(d, Place::Start, vec![add(1)], false);
            }
        } else {
            // (A doer that starts two goroutines in a counted loop, each
            // taking a `Done`, counts one more.)
            let total = if !(10..94).contains(&variant) {
                n + 1
            } else {
                n
            };
            let b = if total > 1 && self.rng.chance(30) {
                vec![nest("For", vec![int(total)], vec![vec![add(1)]])]
            } else {
                vec![add(total)]
            };
            self.put(0, Place::Start, b, false);
        }
        let skip = if (80..88).contains(&variant) {
            Some(self.rng.pick(&doers))
        } else {
            None
        };
        let twice = if (88..94).contains(&variant) {
            Some(self.rng.pick(&doers))
        } else {
            None
        };
        // A doer whose `Done`s the goroutines it starts in a loop take,
        // while the waiter may wait (the bound of `Done`s ahead reads how
        // many iterations the loop has left).
        let looped = if variant < 10 {
            Some(self.rng.pick(&doers))
        } else {
            None
        };
        for &d in &doers {
            if let Some((x, atomic)) = &counter {
                let st = if *atomic {
                    leaf("AtomicAdd", vec![s(x.clone()), int(1)])
                } else {
                    leaf("Set", vec![s(x.clone()), s(format!("{x} + 1"))])
                };
                self.put(d, Place::Body, vec![st], true);
            }
            if skip == Some(d) {
                continue;
            }
            let mut b = vec![done_.clone()];
            if twice == Some(d) {
                b.push(done_.clone());
            }
            if looped == Some(d) {
                let go = nest("Go", vec![], vec![vec![done_.clone()]]);
                self.put(
                    d,
                    Place::Body,
                    vec![nest("For", vec![int(2)], vec![vec![go]])],
                    true,
                );
                continue;
            }
            if self.rng.chance(45) && d != 0 {
                self.put(d, Place::Start, vec![nest("Defer", vec![], vec![b])], false);
            } else {
                self.put(d, Place::End, b, false);
            }
        }
        let mut w = vec![leaf("Wait", vec![s(wg.clone())])];
        if let Some((x, _)) = counter {
            let a = self.local();
            w.push(leaf("Let", vec![s(a.clone()), s(x)]));
            w.push(assert(format!("{a} == {n}")));
        }
        let place = if self.rng.chance(70) {
            Place::End
        } else {
            Place::Body
        };
        self.put(waiter, place, w, place == Place::Body);
    }

    /// A Cond handshake on a flag.
    pub(super) fn p_cond(&mut self) {
        let m = if self.rng.chance(80) {
            self.object("Mutex", "m")
        } else {
            self.object("RWMutex", "rw")
        };
        let cv = self.fresh("cv");
        self.global(leaf("Cond", vec![s(cv.clone()), s(m.clone())]), Some(&cv));
        let r = self.new_var(s("false"));
        let (sig, w1) = self.pair();
        let mut waiters = vec![w1];
        if self.gs.len() > 2 && self.rng.chance(35) {
            let others: Vec<usize> = (0..self.gs.len())
                .filter(|g| *g != sig && *g != w1)
                .collect();
            waiters.push(self.rng.pick(&others));
        }
        let lock = leaf("Lock", vec![s(m.clone())]);
        let unlock = leaf("Unlock", vec![s(m.clone())]);
        let wait = leaf("Wait", vec![s(cv.clone())]);
        for w in waiters {
            let b = match self.rng.below(100) {
                0..=64 => vec![
                    lock.clone(),
                    nest("While", vec![s(format!("!{r}"))], vec![vec![wait.clone()]]),
                    unlock.clone(),
                ],
                65..=79 => vec![
                    lock.clone(),
                    nest("If", vec![s(format!("!{r}"))], vec![vec![wait.clone()]]),
                    unlock.clone(),
                ],
                // No predicate: the wakeup may be lost.
                80..=94 => vec![lock.clone(), wait.clone(), unlock.clone()],
                // Wait without the lock: a fatal error.
                _ => vec![wait.clone()],
            };
            self.put(w, Place::Body, b, true);
        }
        let wake = leaf(
            if self.rng.chance(50) {
                "Signal"
            } else {
                "Broadcast"
            },
            vec![s(cv)],
        );
        let set = leaf("Set", vec![s(r.clone()), s("true")]);
        let b = match self.rng.below(100) {
            0..=64 => vec![lock, set, wake, unlock],
            65..=84 => vec![lock, set, unlock, wake],
            // The flag is written without the lock: a race.
            _ => vec![set, wake],
        };
        self.put(sig, Place::Body, b, true);
    }

    /// sync.Once initialisation.
    pub(super) fn p_once(&mut self) {
        let o = self.object("Once", "o");
        let x = self.new_var(int(0));
        let n = 2 + self.rng.below(2);
        let plain = self.rng.chance(25);
        for u in self.some(n) {
            let a = self.local();
            let r = self.rng.below(100);
            let b = match r {
                0..=84 => {
                    let (body, read) = if plain {
                        let read = leaf("Let", vec![s(a.clone()), s(x.clone())]);
                        (leaf("Set", vec![s(x.clone()), int(1)]), read)
                    } else {
                        let read = leaf("AtomicLoad", vec![s(x.clone()), s(a.clone())]);
                        (leaf("AtomicAdd", vec![s(x.clone()), int(1)]), read)
                    };
                    vec![
                        nest("Do", vec![s(o.clone())], vec![vec![body]]),
                        read,
                        assert(format!("{a} == 1")),
                    ]
                }
                // Bypasses the Once.
                85..=92 => vec![leaf("AtomicAdd", vec![s(x.clone()), int(1)])],
                // Do inside Do deadlocks.
                93..=96 => vec![nest(
                    "Do",
                    vec![s(o.clone())],
                    vec![vec![nest("Do", vec![s(o.clone())], vec![vec![]])]],
                )],
                _ => vec![nest(
                    "Do",
                    vec![s(o.clone())],
                    vec![vec![leaf("Panic", vec![s("once")])]],
                )],
            };
            self.put(u, Place::Body, b, true);
        }
    }

    /// Atomics: counters, elections by compare-and-swap, publication.
    pub(super) fn p_atomic(&mut self) {
        let n = 2 + self.rng.below(2);
        let users = self.some(n);
        let n = users.len() as i64;
        match self.rng.below(100) {
            0..=29 => {
                let x = self.new_var(int(0));
                for (j, &u) in users.iter().enumerate() {
                    let mut b = if self.rng.chance(50) {
                        let target = if self.rng.chance(30) {
                            format!("&{x}")
                        } else {
                            x.clone()
                        };
                        vec![leaf("AtomicAdd", vec![s(target), int(1)])]
                    } else {
                        let a = self.local();
                        vec![
                            leaf("AtomicAdd", vec![s(x.clone()), int(1), s(a.clone())]),
                            assert(format!("{a} >= 1")),
                        ]
                    };
                    if j == 0 {
                        let a = self.local();
                        b.push(leaf("AtomicLoad", vec![s(x.clone()), s(a.clone())]));
                        let op = if self.rng.chance(70) { "<=" } else { "==" };
                        b.push(assert(format!("{a} {op} {n}")));
                    }
                    self.put(u, Place::Body, b, true);
                }
            }
            30..=49 => {
                // Only the winner of the election touches y.
                let x = self.new_var(int(0));
                let y = Shared::Var(self.new_var(int(0)));
                for &u in &users {
                    let ok = self.local();
                    let then = self.payload(u, &y, true);
                    let b = vec![
                        leaf(
                            "CompareAndSwap",
                            vec![s(x.clone()), int(0), self.me(u), s(ok.clone())],
                        ),
                        nest("If", vec![s(ok)], vec![then]),
                    ];
                    self.put(u, Place::Body, b, true);
                }
            }
            50..=79 => {
                // Publication through a flag: atomic (ordered) or plain (racy).
                let atomic = self.rng.chance(55);
                let d = self.new_var(int(0));
                let f = self.new_var(int(0));
                let b = if atomic {
                    vec![
                        leaf("Set", vec![s(d.clone()), int(1)]),
                        leaf("AtomicStore", vec![s(f.clone()), int(1)]),
                    ]
                } else {
                    vec![
                        leaf("Set", vec![s(d.clone()), int(1)]),
                        leaf("Set", vec![s(f.clone()), int(1)]),
                    ]
                };
                self.put(users[0], Place::Body, b, true);
                for &u in &users[1..] {
                    let a = self.local();
                    let c = self.local();
                    let read = if atomic {
                        leaf("AtomicLoad", vec![s(f.clone()), s(a.clone())])
                    } else {
                        leaf("Let", vec![s(a.clone()), s(f.clone())])
                    };
                    let b = vec![
                        read,
                        nest(
                            "If",
                            vec![s(format!("{a} == 1"))],
                            vec![vec![
                                leaf("Let", vec![s(c.clone()), s(d.clone())]),
                                assert(format!("{c} == 1")),
                            ]],
                        ),
                    ];
                    self.put(u, Place::Body, b, true);
                }
            }
            _ => {
                // Mixed atomic and plain accesses: a race.
                let x = self.var_any();
                for (j, &u) in users.iter().enumerate() {
                    let b = if j == 0 {
                        vec![leaf("AtomicAdd", vec![s(x.clone()), int(1)])]
                    } else {
                        let sh = Shared::Var(x.clone());
                        let w = self.rng.chance(50);
                        self.payload(u, &sh, w)
                    };
                    self.put(u, Place::Body, b, true);
                }
            }
        }
    }

    /// A map shared with or without a lock.
    pub(super) fn p_map(&mut self) {
        let m = self.fresh("mp");
        self.global(leaf("Map", vec![s(m.clone())]), None);
        let sh = Shared::Map(m);
        let locked = if self.rng.chance(50) {
            Some(self.object("Mutex", "m"))
        } else {
            None
        };
        let n = 1 + self.rng.below(2);
        for (j, u) in self.some(n).into_iter().enumerate() {
            let write = j == 0 || self.rng.chance(50);
            let mut b = self.payload(u, &sh, write);
            if self.rng.chance(40) {
                b.extend(self.payload(u, &sh, false));
            }
            if let Some(mu) = &locked {
                b.insert(0, leaf("Lock", vec![s(mu.clone())]));
                b.push(leaf("Unlock", vec![s(mu.clone())]));
            }
            self.put(u, Place::Body, b, true);
        }
    }

    /// A goroutine that watches a context.
    pub(super) fn p_context(&mut self) {
        let ctx = self.ctx();
        let w = if self.workers() > 0 && self.rng.chance(85) {
            1 + self.rng.below(self.workers())
        } else {
            0
        };
        let dn = s(done(&ctx));
        let (b, wrap) = match self.rng.below(100) {
            0..=29 => {
                let mut b = vec![leaf("Recv", vec![dn])];
                if self.rng.chance(50) {
                    b.push(assert(format!("{ctx}.Err() != nil")));
                }
                (b, true)
            }
            30..=54 => {
                // A ticker loop that ends when the context is done.
                let t = self.fresh("t");
                let work = self.idempotent(w);
                let b = vec![
                    leaf("Ticker", vec![s(t.clone()), int(1)]),
                    nest(
                        "Loop",
                        vec![],
                        vec![vec![select(vec![
                            arm(
                                "Recv",
                                vec![dn],
                                vec![leaf("Stop", vec![s(t.clone())]), leaf("Return", vec![])],
                            ),
                            arm("Recv", vec![s(format!("{t}.C"))], work),
                        ])]],
                    ),
                ];
                (b, false)
            }
            55..=69 => {
                // Polling ctx.Err() with a break.
                let b = vec![nest(
                    "Loop",
                    vec![],
                    vec![vec![
                        nest(
                            "If",
                            vec![s(format!("{ctx}.Err() != nil"))],
                            vec![vec![leaf("Break", vec![])]],
                        ),
                        leaf("Sleep", vec![int(1)]),
                    ]],
                )];
                (b, false)
            }
            70..=87 => {
                let mut arms = vec![
                    arm("Recv", vec![dn], vec![]),
                    arm("After", vec![int(2)], vec![]),
                ];
                self.extra_arms(&mut arms);
                (vec![select(arms)], true)
            }
            _ => {
                // A child context made and cancelled by the goroutine.
                let n = self.fresh("");
                let (c2, f2) = (format!("ctx{n}"), format!("cancel{n}"));
                let mut b = vec![leaf(
                    "WithCancel",
                    vec![s(c2.clone()), s(f2.clone()), s(ctx)],
                )];
                b.push(leaf("Recv", vec![s(done(&c2))]));
                if self.rng.chance(80) {
                    b.push(leaf("Cancel", vec![s(f2)]));
                }
                (b, true)
            }
        };
        self.put(w, Place::Body, b, wrap);
    }

    /// Timers, tickers and sleeps.
    pub(super) fn p_timer(&mut self) {
        let g = self.any();
        let t = self.fresh("t");
        let tc = format!("{t}.C");
        let (b, wrap) = match self.rng.below(100) {
            0..=21 => {
                let ok = self.local();
                let b = vec![
                    leaf("Timer", vec![s(t.clone()), int(1)]),
                    leaf("Stop", vec![s(t.clone()), s(ok.clone())]),
                    nest(
                        "If",
                        vec![s(format!("!{ok}"))],
                        vec![vec![leaf("Recv", vec![s(tc)])]],
                    ),
                ];
                (b, true)
            }
            22..=31 => {
                // Drains after a Stop that may have won: blocks forever.
                let b = vec![
                    leaf("Timer", vec![s(t.clone()), int(1)]),
                    leaf("Stop", vec![s(t.clone())]),
                    leaf("Recv", vec![s(tc)]),
                ];
                (b, true)
            }
            32..=43 => {
                let ok = self.local();
                let b = vec![
                    leaf("Timer", vec![s(t.clone()), int(1)]),
                    leaf("Recv", vec![s(tc.clone())]),
                    leaf("Reset", vec![s(t.clone()), int(1), s(ok)]),
                    leaf("Recv", vec![s(tc)]),
                ];
                (b, true)
            }
            44..=59 => {
                let d = self.rng.pick(&[0, 1, 1]);
                let mut arms = vec![arm("Recv", vec![s(t.clone())], vec![])];
                if self.rng.chance(60) {
                    let cap = self.rng.pick(&[0, 1]);
                    let c = self.chan(cap);
                    let a = self.local();
                    arms.push(arm("Recv", vec![s(c.clone()), s(a)], vec![]));
                    let (snd, _) = self.pair();
                    let st = leaf("Send", vec![s(c), self.me(snd)]);
                    self.put(snd, Place::Body, vec![st], true);
                }
                self.extra_arms(&mut arms);
                let b = vec![leaf("After", vec![s(t.clone()), int(d)]), select(arms)];
                (b, true)
            }
            60..=79 => {
                // A ticker loop that breaks when a flag is raised.
                let f = self.new_var(int(0));
                let a = self.local();
                let b = vec![
                    leaf("Ticker", vec![s(t.clone()), int(1)]),
                    nest(
                        "Loop",
                        vec![],
                        vec![vec![
                            leaf("Recv", vec![s(tc)]),
                            leaf("AtomicLoad", vec![s(f.clone()), s(a.clone())]),
                            nest(
                                "If",
                                vec![s(format!("{a} == 1"))],
                                vec![vec![leaf("Break", vec![])]],
                            ),
                        ]],
                    ),
                    leaf("Stop", vec![s(t.clone())]),
                ];
                if self.rng.chance(75) {
                    let other = self.any();
                    let st = leaf("AtomicStore", vec![s(f), int(1)]);
                    self.put(other, Place::Body, vec![st], true);
                }
                (b, false)
            }
            80..=89 => {
                let b = vec![
                    leaf("Tick", vec![s(t.clone()), int(1)]),
                    nest("For", vec![int(2)], vec![vec![leaf("Recv", vec![s(t)])]]),
                ];
                (b, true)
            }
            _ => (vec![leaf("Sleep", vec![int(self.rng.pick(&[0, 1]))])], true),
        };
        self.put(g, Place::Body, b, wrap);
    }

    /// An errgroup: functions that fail, wait for the group's context, or
    /// hand a value to another goroutine (abandoning it when a sibling
    /// fails, unless they also select on `ctx.Done()`), and a `Wait`
    /// (sometimes missing), sometimes with a limit.
    pub(super) fn p_errgroup(&mut self) {
        let g = self.any();
        let eg = self.fresh("eg");
        let ectx = format!("{eg}ctx");
        let with_ctx = self.rng.chance(70);
        let mut b = if with_ctx {
            vec![leaf("WithContext", vec![s(eg.clone()), s(ectx.clone())])]
        } else {
            vec![leaf("Group", vec![s(eg.clone())])]
        };
        if self.rng.chance(25) {
            let n = self.rng.pick(&[-1, 1, 2]);
            b.push(leaf("SetLimit", vec![s(eg.clone()), int(n)]));
        }
        let ret = |v: &str| leaf("Return", vec![s(v)]);
        for _ in 0..1 + self.rng.below(2) {
            let body = match self.rng.below(100) {
                0..=24 => vec![ret("nil")],
                25..=49 => vec![ret("errors.New(`e`)")],
                50..=64 if with_ctx => vec![
                    leaf("Recv", vec![s(done(&ectx))]),
                    ret(&format!("{ectx}.Err()")),
                ],
                _ => {
                    let c = self.chan(0);
                    let other = self.any();
                    if other != g && self.rng.chance(70) {
                        let a = self.local();
                        let st = leaf("Recv", vec![s(c.clone()), s(a)]);
                        self.put(other, Place::Body, vec![st], true);
                    }
                    if with_ctx && self.rng.chance(50) {
                        vec![select(vec![
                            arm("Send", vec![s(c), int(1)], vec![ret("nil")]),
                            arm(
                                "Recv",
                                vec![s(done(&ectx))],
                                vec![ret(&format!("{ectx}.Err()"))],
                            ),
                        ])]
                    } else {
                        vec![leaf("Send", vec![s(c), int(1)]), ret("nil")]
                    }
                }
            };
            b.push(nest("GroupGo", vec![s(eg.clone())], vec![body]));
        }
        if self.rng.chance(85) {
            let err = self.local();
            b.push(leaf("Wait", vec![s(eg), s(err)]));
        }
        self.put(g, Place::Body, b, false);
    }

    /// A sync.Map shared by goroutines calling its methods; sometimes it
    /// publishes a plain write (no race: its methods synchronise).
    pub(super) fn p_syncmap(&mut self) {
        let m = self.object("SyncMap", "sm");
        let n = 1 + self.rng.below(3);
        for u in self.some(n) {
            let key = int(self.rng.below(2) as i64);
            let me = self.me(u);
            let a = self.local();
            let b = match self.rng.below(6) {
                0 => vec![leaf("Store", vec![s(m.clone()), key, me])],
                1 => vec![leaf(
                    "Load",
                    vec![s(m.clone()), key, s(a.clone()), s(format!("{a}ok"))],
                )],
                2 => vec![leaf(
                    "LoadOrStore",
                    vec![s(m.clone()), key, me, s(a.clone()), s(format!("{a}ld"))],
                )],
                3 => vec![leaf(
                    "LoadAndDelete",
                    vec![s(m.clone()), key, s(a.clone()), s(format!("{a}ld"))],
                )],
                4 => vec![leaf("Delete", vec![s(m.clone()), key])],
                _ => vec![nest(
                    "Range",
                    vec![s(m.clone()), s(a.clone()), s(format!("{a}v"))],
                    vec![vec![leaf("Break", vec![])]],
                )],
            };
            self.put(u, Place::Body, b, true);
        }
        if self.workers() > 0 && self.rng.chance(50) {
            let (w, r) = self.pair();
            let x = self.new_var(int(0));
            let pubs = vec![
                leaf("Set", vec![s(x.clone()), int(1)]),
                leaf("Store", vec![s(m.clone()), int(9), int(1)]),
            ];
            self.put(w, Place::Body, pubs, false);
            let a = self.local();
            let ok = format!("{a}ok");
            let y = self.local();
            let reads = vec![
                leaf("Load", vec![s(m), int(9), s(a), s(ok.clone())]),
                nest(
                    "If",
                    vec![s(ok)],
                    vec![vec![
                        leaf("Let", vec![s(y.clone()), s(x)]),
                        assert(format!("{y} == 1")),
                    ]],
                ),
            ];
            self.put(r, Place::Body, reads, false);
        }
    }

    /// A select on a nil channel, or a nil channel misused.
    pub(super) fn p_nil(&mut self) {
        let n = self.nil_chan();
        let g = self.any();
        let b = match self.rng.below(100) {
            0..=59 => {
                let other = if self.rng.chance(50) {
                    arm("After", vec![int(1)], vec![])
                } else {
                    arm("Default", vec![], vec![])
                };
                vec![select(vec![
                    arm("Recv", vec![s(n)], vec![assert("false")]),
                    other,
                ])]
            }
            60..=79 => {
                let ctx = self.ctx();
                vec![select(vec![
                    arm("Send", vec![s(n), int(1)], vec![]),
                    arm("Recv", vec![s(done(&ctx))], vec![]),
                ])]
            }
            80..=91 => vec![leaf("Recv", vec![s(n)])],
            _ => vec![leaf("Close", vec![s(n)])],
        };
        self.put(g, Place::Body, b, true);
    }

    /// Function values and slices: a sender closure kept in a slice of
    /// channels' neighbour and started through its value, a helper called
    /// through one; sometimes nobody receives (a leak) or the index is off
    /// by one (a panic).
    pub(super) fn p_closure(&mut self) {
        let cap = self.rng.pick(&[0, 1]);
        let c = self.chan(cap);
        let g = self.any();
        let (f, x, sl) = (self.fresh("f"), self.fresh("x"), self.fresh("sl"));
        let index = if self.rng.chance(10) { 1 } else { 0 };
        let mut b = vec![
            leaf("Slice", vec![s(sl.clone()), s("chan int"), int(1)]),
            leaf("Set", vec![s(format!("{sl}[0]")), s(c.clone())]),
            nest(
                "Func",
                vec![s(f.clone()), Arg::List(vec![s(x.clone())])],
                vec![vec![leaf("Send", vec![s(format!("{sl}[{index}]")), s(x)])]],
            ),
            leaf("Go", vec![s(f), Arg::List(vec![self.me(g)])]),
        ];
        if self.rng.chance(85) {
            b.push(leaf("Recv", vec![s(c)]));
        }
        let (h, y, r) = (self.fresh("h"), self.fresh("y"), self.local());
        b.push(nest(
            "Func",
            vec![s(h.clone()), Arg::List(vec![s(y.clone())])],
            vec![vec![leaf("Return", vec![s(format!("{y} + 1"))])]],
        ));
        b.push(leaf(
            "Call",
            vec![s(h), Arg::List(vec![int(1)]), s(r.clone())],
        ));
        b.push(assert(format!("{r} == 2")));
        if self.rng.chance(50) {
            // Results collected with append into a shared slice, under a
            // lock or (sometimes) not: a race and a lost element.
            let xs = self.fresh("xs");
            self.global(leaf("Var", vec![s(xs.clone()), s("nil"), s("[]int")]), None);
            let m = self.object("Mutex", "amu");
            let other = self.any();
            for w in [g, other] {
                let append = leaf("Append", vec![s(xs.clone()), self.me(w)]);
                let st = if self.rng.chance(80) {
                    vec![
                        leaf("Lock", vec![s(m.clone())]),
                        append,
                        leaf("Unlock", vec![s(m.clone())]),
                    ]
                } else {
                    vec![append]
                };
                self.put(w, Place::Body, st, true);
            }
        }
        self.put(g, Place::Body, b, true);
    }

    /// `time.AfterFunc` and `context.AfterFunc` callbacks: handing a value
    /// back, stopped (and then waited for only when the stop came too
    /// late, or always: the classic hang), re-armed with `Reset`, or
    /// writing a variable read after a `Stop` that may have lost.
    pub(super) fn p_afterfunc(&mut self) {
        let g = self.any();
        let c = self.chan(1);
        let (t, ok) = (self.fresh("t"), self.local());
        let send = leaf("Send", vec![s(c.clone()), self.me(g)]);
        let recv = leaf("Recv", vec![s(c.clone())]);
        let b = match self.rng.below(100) {
            0..=24 => vec![
                nest("AfterFunc", vec![s(t.clone()), int(1)], vec![vec![send]]),
                leaf("Stop", vec![s(t), s(ok.clone())]),
                if self.rng.chance(75) {
                    nest("If", vec![s(format!("!{ok}"))], vec![vec![recv]])
                } else {
                    recv
                },
            ],
            25..=44 => vec![
                nest("AfterFunc", vec![s(t.clone()), int(1)], vec![vec![send]]),
                recv.clone(),
                leaf("Reset", vec![s(t), int(1), s(ok.clone())]),
                assert(format!("!{ok}")),
                recv,
            ],
            45..=59 => {
                let x = self.new_var(int(0));
                let v = self.local();
                vec![
                    nest(
                        "AfterFunc",
                        vec![s(t.clone()), int(1)],
                        vec![vec![leaf("Set", vec![s(x.clone()), int(1)])]],
                    ),
                    leaf("Stop", vec![s(t), s(ok.clone())]),
                    nest(
                        "If",
                        vec![s(if self.rng.chance(50) {
                            ok
                        } else {
                            format!("!{ok}")
                        })],
                        vec![vec![leaf("Let", vec![s(v), s(x)])]],
                    ),
                ]
            }
            _ => {
                let ctx = self.ctx();
                let stop = self.fresh("stop");
                let mut b = vec![nest(
                    "ContextAfterFunc",
                    vec![s(stop.clone()), s(ctx)],
                    vec![vec![send]],
                )];
                if self.rng.chance(40) {
                    b.push(leaf("Stop", vec![s(stop), s(ok.clone())]));
                    b.push(nest("If", vec![s(format!("!{ok}"))], vec![vec![recv]]));
                } else if self.rng.chance(70) {
                    b.push(recv);
                }
                b
            }
        };
        self.put(g, Place::Body, b, true);
    }

    /// Two producers and a consumer that merges their channels, disabling
    /// each closed one by setting its variable to nil (the Go idiom); a
    /// producer sometimes forgets to close or sends twice.
    pub(super) fn p_merge(&mut self) {
        let cap = self.rng.pick(&[0, 1]);
        let ca = self.chan(cap);
        let cb = self.chan(cap);
        let h = self.fresh("merge");
        let arm_of = |ch: &str| {
            arm(
                "Recv",
                vec![s(ch), s("v"), s("ok")],
                vec![nest(
                    "If",
                    vec![s("!ok")],
                    vec![
                        vec![leaf("Set", vec![s(ch), s("nil")])],
                        vec![leaf("Set", vec![s("n"), s("n + 1")])],
                    ],
                )],
            )
        };
        self.helpers.push(Func {
            name: h.clone(),
            params: vec!["a".to_string(), "b".to_string()],
            body: vec![
                leaf("Let", vec![s("n"), int(0)]),
                nest(
                    "While",
                    vec![s("a != nil || b != nil")],
                    vec![vec![select(vec![arm_of("a"), arm_of("b")])]],
                ),
                leaf("Return", vec![s("n")]),
            ],
        });
        let consumer = self.any();
        let n = self.local();
        let call = leaf(
            "Call",
            vec![s(h), Arg::List(vec![s(&ca), s(&cb)]), s(n.clone())],
        );
        let b = vec![call, assert(format!("{n} == 2"))];
        self.put(consumer, Place::Body, b, true);
        for c in [ca, cb] {
            let p = self.any();
            let send = leaf("Send", vec![s(&c), self.me(p)]);
            let close = leaf("Close", vec![s(&c)]);
            let b = match self.rng.below(100) {
                0..=74 => vec![send, close],
                75..=89 => vec![send],
                _ => vec![send.clone(), send, close],
            };
            self.put(p, Place::Body, b, true);
        }
    }

    /// Panics, recovered or not, and wrong results on a choice.
    pub(super) fn p_panic(&mut self) {
        let g = self.any();
        let boom = || {
            nest(
                "Either",
                vec![],
                vec![vec![leaf("Panic", vec![s("boom")])], vec![]],
            )
        };
        match self.rng.below(100) {
            0..=29 => {
                let r = self.local();
                let d = nest("Defer", vec![], vec![vec![leaf("Recover", vec![s(r)])]]);
                self.put(g, Place::Start, vec![d], false);
                self.put(g, Place::Body, vec![boom()], true);
            }
            30..=44 => self.put(g, Place::Body, vec![boom()], true),
            45..=69 => {
                // A helper that recovers from its own panic.
                let h = self.fresh("h");
                let a = self.local();
                let mut body = vec![nest("Defer", vec![], vec![vec![leaf("Recover", vec![])]])];
                if self.rng.chance(50) {
                    body.push(boom());
                    self.helpers.push(Func {
                        name: h.clone(),
                        params: vec![],
                        body,
                    });
                    self.put(g, Place::Body, vec![leaf("Call", vec![s(h)])], true);
                } else {
                    body.push(leaf(
                        "Choose",
                        vec![s(a.clone()), Arg::List(vec![int(1), int(2)])],
                    ));
                    body.push(nest(
                        "If",
                        vec![s(format!("{a} == 2"))],
                        vec![vec![leaf("Panic", vec![s("two")])]],
                    ));
                    body.push(leaf("Return", vec![s(format!("{a} + 1"))]));
                    self.helpers.push(Func {
                        name: h.clone(),
                        params: vec![],
                        body,
                    });
                    let b = self.local();
                    let st = vec![
                        leaf("Call", vec![s(h), Arg::List(vec![]), s(b.clone())]),
                        assert(format!("{b} == 2 || {b} == 0")),
                    ];
                    self.put(g, Place::Body, st, true);
                }
            }
            70..=84 => {
                let a = self.local();
                let b = self.local();
                let st = vec![
                    leaf(
                        "Choose",
                        vec![s(a.clone()), Arg::List(vec![int(0), int(1), int(2)])],
                    ),
                    leaf("Let", vec![s(b), s(format!("6 / {a}"))]),
                ];
                self.put(g, Place::Body, st, true);
            }
            _ => {
                let a = self.local();
                let st = vec![
                    leaf(
                        "Choose",
                        vec![s(a.clone()), Arg::List(vec![int(1), int(2)])],
                    ),
                    assert(format!("{a} == 1")),
                ];
                self.put(g, Place::Body, st, true);
            }
        }
    }
}
