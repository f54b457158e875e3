//! Planted bugs: a statement at the start of `main` whose first branch runs
//! into a known bug at once, which the checker must report.

use super::*;

/// A statement that runs into a known bug at once, for [`Expected`].
pub(super) fn expected_probe(rng: &mut Rng) -> Expected {
    let m = "planted";
    let (c, a) = ("planted1", "planted2");
    let panic: &'static [&'static str] = &["panic"];
    let deadlock: &'static [&'static str] = &["deadlock"];
    let go = |body: Block| nest("Go", vec![], vec![body]);
    let (body, kinds, what, unless_crash): (Block, &'static [&'static str], &'static str, bool) =
        match rng.below(29) {
            0 => (
                vec![
                    leaf("Chan", vec![s(c), int(1)]),
                    leaf("Close", vec![s(c)]),
                    select(vec![
                        arm("Send", vec![s(c), int(1)], vec![]),
                        arm("Default", vec![], vec![]),
                    ]),
                ],
                panic,
                "a select may choose a send on a closed channel: it panics",
                false,
            ),
            1 => (
                vec![leaf("NilChan", vec![s(c)]), leaf("Close", vec![s(c)])],
                panic,
                "close of nil channel",
                false,
            ),
            2 => (
                vec![
                    leaf("Chan", vec![s(c)]),
                    leaf("Close", vec![s(c)]),
                    leaf("Close", vec![s(c)]),
                ],
                panic,
                "close of closed channel",
                false,
            ),
            3 => (
                vec![
                    leaf("WaitGroup", vec![s(c)]),
                    leaf("Add", vec![s(c), int(1)]),
                    leaf("Add", vec![s(c), int(-2)]),
                ],
                panic,
                "negative WaitGroup counter",
                false,
            ),
            4 => (
                vec![leaf("Mutex", vec![s(c)]), leaf("Unlock", vec![s(c)])],
                panic,
                "unlock of unlocked mutex",
                false,
            ),
            5 => (
                vec![
                    leaf("RWMutex", vec![s(c)]),
                    leaf("RLock", vec![s(c)]),
                    leaf("RUnlock", vec![s(c)]),
                    leaf("RUnlock", vec![s(c)]),
                ],
                panic,
                "RUnlock of unlocked RWMutex",
                false,
            ),
            6 => (
                vec![
                    leaf("RWMutex", vec![s(c)]),
                    leaf("RLock", vec![s(c)]),
                    leaf("Unlock", vec![s(c)]),
                ],
                panic,
                "Unlock of an RWMutex held for reading",
                false,
            ),
            7 => (
                vec![
                    leaf("Mutex", vec![s(a)]),
                    leaf("Cond", vec![s(c), s(a)]),
                    leaf("Wait", vec![s(c)]),
                ],
                panic,
                "Cond.Wait without the lock",
                false,
            ),
            8 => (
                vec![
                    leaf("Choose", vec![s(a), Arg::List(vec![int(0), int(1)])]),
                    leaf("Let", vec![s(c), s(format!("1 / {a}"))]),
                ],
                panic,
                "integer divide by zero",
                false,
            ),
            9 => (
                vec![
                    leaf("Chan", vec![s(c), int(1)]),
                    leaf("Close", vec![s(c)]),
                    leaf("Send", vec![s(c), int(1)]),
                ],
                panic,
                "send on closed channel",
                false,
            ),
            10 => (
                vec![
                    leaf("Once", vec![s(c)]),
                    nest(
                        "Do",
                        vec![s(c)],
                        vec![vec![nest("Do", vec![s(c)], vec![vec![]])]],
                    ),
                ],
                deadlock,
                "Do inside Do on the same Once",
                false,
            ),
            11 => (
                vec![
                    leaf("Mutex", vec![s(c)]),
                    leaf("Lock", vec![s(c)]),
                    leaf("Lock", vec![s(c)]),
                ],
                deadlock,
                "Lock of a held mutex",
                false,
            ),
            12 => (
                vec![leaf("NilChan", vec![s(c)]), leaf("Recv", vec![s(c)])],
                deadlock,
                "receive from a nil channel",
                false,
            ),
            13 => (
                vec![
                    leaf("Chan", vec![s(c)]),
                    select(vec![arm("Send", vec![s(c), int(1)], vec![])]),
                ],
                deadlock,
                "a send nobody receives",
                false,
            ),
            14 => (
                vec![
                    leaf("Timer", vec![s(c), int(1)]),
                    leaf("Stop", vec![s(c), s(a)]),
                    nest(
                        "If",
                        vec![s(a)],
                        vec![vec![leaf("Recv", vec![s(format!("{c}.C"))])]],
                    ),
                ],
                deadlock,
                "draining a timer whose Stop won",
                false,
            ),
            15 => (
                vec![leaf("WithCancel", vec![s(c), s(a)]), leaf("Return", vec![])],
                &["context-leak"],
                "main returns without calling cancel",
                false,
            ),
            16 => (
                vec![
                    leaf("Choose", vec![s(a), Arg::List(vec![int(1), int(2)])]),
                    leaf("Assert", vec![s(format!("{a} == 1")), s("planted")]),
                ],
                &["assert"],
                "an assertion that fails on one choice",
                false,
            ),
            17 => (
                vec![
                    leaf("Chan", vec![s(c)]),
                    nest("Go", vec![], vec![vec![leaf("Send", vec![s(c), int(1)])]]),
                ],
                &["leak", "deadlock"],
                "a goroutine blocked on a send nobody receives",
                true,
            ),
            18 => (
                vec![
                    leaf("RWMutex", vec![s(c)]),
                    leaf("RLock", vec![s(c)]),
                    go(vec![leaf("Lock", vec![s(c)]), leaf("Unlock", vec![s(c)])]),
                    leaf("RLock", vec![s(c)]),
                    leaf("RUnlock", vec![s(c)]),
                    leaf("RUnlock", vec![s(c)]),
                ],
                deadlock,
                "a recursive RLock behind a waiting writer",
                false,
            ),
            19 => (
                vec![
                    leaf("Mutex", vec![s(a)]),
                    leaf("Cond", vec![s(c), s(a)]),
                    go(vec![
                        leaf("Lock", vec![s(a)]),
                        leaf("Signal", vec![s(c)]),
                        leaf("Unlock", vec![s(a)]),
                    ]),
                    leaf("Lock", vec![s(a)]),
                    leaf("Wait", vec![s(c)]),
                    leaf("Unlock", vec![s(a)]),
                ],
                deadlock,
                "a lost wakeup",
                false,
            ),
            20 => (
                vec![
                    leaf("WaitGroup", vec![s(c)]),
                    go(vec![
                        leaf("Add", vec![s(c), int(1)]),
                        leaf("Done", vec![s(c)]),
                    ]),
                    leaf("Wait", vec![s(c)]),
                ],
                &["race"],
                "WaitGroup.Add inside the goroutine races with Wait",
                false,
            ),
            21 => (
                vec![
                    leaf("Chan", vec![s(c)]),
                    go(vec![leaf("Send", vec![s(c), int(1)])]),
                    select(vec![
                        arm("Recv", vec![s(c)], vec![]),
                        arm("After", vec![int(1)], vec![]),
                    ]),
                ],
                &["leak", "deadlock"],
                "the sender leaks when the receiver times out",
                true,
            ),
            22 => (
                vec![
                    leaf("WithTimeout", vec![s(c), s(a), int(1)]),
                    leaf("Recv", vec![s(done(c))]),
                    leaf("Return", vec![]),
                ],
                &["context-leak"],
                "a context that timed out but was never cancelled",
                false,
            ),
            23 => (
                vec![
                    leaf("Map", vec![s(c)]),
                    go(vec![leaf("Set", vec![s(format!("{c}[1]")), int(1)])]),
                    leaf("Set", vec![s(format!("{c}[2]")), int(2)]),
                ],
                &["race"],
                "concurrent map writes",
                false,
            ),
            24 => (
                vec![
                    leaf("RWMutex", vec![s(a)]),
                    leaf("Var", vec![s(c), int(0)]),
                    go(vec![
                        leaf("RLock", vec![s(a)]),
                        leaf("Set", vec![s(c), int(1)]),
                        leaf("RUnlock", vec![s(a)]),
                    ]),
                    leaf("RLock", vec![s(a)]),
                    leaf("Set", vec![s(c), int(2)]),
                    leaf("RUnlock", vec![s(a)]),
                ],
                &["race"],
                "writes under read locks race",
                false,
            ),
            25 => (
                vec![go(vec![leaf("Panic", vec![s("planted1")])])],
                panic,
                "a panic in a goroutine crashes the program",
                false,
            ),
            26 => (
                vec![
                    leaf("Mutex", vec![s(c)]),
                    leaf("Mutex", vec![s(a)]),
                    go(vec![
                        leaf("Lock", vec![s(c)]),
                        leaf("Lock", vec![s(a)]),
                        leaf("Unlock", vec![s(a)]),
                        leaf("Unlock", vec![s(c)]),
                    ]),
                    leaf("Lock", vec![s(a)]),
                    leaf("Lock", vec![s(c)]),
                    leaf("Unlock", vec![s(c)]),
                    leaf("Unlock", vec![s(a)]),
                ],
                deadlock,
                "locks taken in opposite orders",
                false,
            ),
            28 => (
                vec![go(vec![
                    leaf("Let", vec![s(c), int(0)]),
                    nest(
                        "Loop",
                        vec![],
                        vec![vec![leaf("Set", vec![s(c), s(format!("1 - {c}"))])]],
                    ),
                ])],
                &["spin"],
                "a goroutine toggling a local forever never synchronises: it spins",
                false,
            ),
            _ => (
                vec![
                    leaf("Var", vec![s(c), int(0)]),
                    leaf("Once", vec![s(a)]),
                    go(vec![nest(
                        "Do",
                        vec![s(a)],
                        vec![vec![leaf("Set", vec![s(c), int(1)])]],
                    )]),
                    leaf("Set", vec![s(c), int(2)]),
                ],
                &["race"],
                "a write racing with a Do body",
                false,
            ),
        };
    Expected {
        stmt: nest("Either", vec![], vec![body, vec![]]),
        kinds,
        marker: m.to_string(),
        what,
        unless_crash,
    }
}
