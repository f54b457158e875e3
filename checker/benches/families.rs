//! The parameterised scenario families of the reduction tests and the
//! benchmarks, generated as weft RON at any size. Each is a model from the
//! partial-order-reduction literature (or the corpus) whose number of
//! Mazurkiewicz traces is known in closed form where one exists.

/// `n` goroutines, each writing only its own variable: one trace, and with
/// a good reduction O(n) states.
pub fn independent(n: usize) -> String {
    let globals: Vec<String> = (0..n).map(|i| format!("Var(\"x{i}\", 0)")).collect();
    let spawns: Vec<String> = (0..n)
        .map(|i| format!("Go(body: [Set(\"x{i}\", 1), Set(\"x{i}\", 2)])"))
        .collect();
    scenario("independent", &globals, &spawns, "")
}

/// A read of variable `var` into local `into`: plain, or atomic.
fn load(var: &str, into: &str, atomic: bool) -> String {
    if atomic {
        format!("AtomicLoad(\"{var}\", \"{into}\")")
    } else {
        format!("Let(\"{into}\", \"{var}\")")
    }
}

/// A write of `value` to variable `var`: plain, or atomic.
fn store(var: &str, value: &str, atomic: bool) -> String {
    if atomic {
        format!("AtomicStore(\"{var}\", \"{value}\")")
    } else {
        format!("Set(\"{var}\", \"{value}\")")
    }
}

/// One goroutine writes `x`; `n` goroutines each read `x` into a local they
/// keep. Each reader reads before or after the write: 2^n traces. With
/// plain accesses every reader races with the writer; with atomics the
/// scenario is clean (what the peers check).
pub fn readers_writer(n: usize, atomic: bool) -> String {
    let mut spawns = vec![format!("Go(body: [{}])", store("x", "1", atomic))];
    spawns.extend((0..n).map(|_| format!("Go(body: [{}])", load("x", "r", atomic))));
    scenario("readers-writer", &["Var(\"x\", 0)".into()], &spawns, "")
}

/// lastzero(n) (Abdulla et al., POPL'14): `array[0..=n]` is zero; goroutine
/// 0 scans down from `array[n]` to the first zero; goroutine `j` (1..=n)
/// sets `array[j] = array[j-1] + 1`. (n+3)*2^(n-2) traces.
pub fn lastzero(n: usize, atomic: bool) -> String {
    let globals: Vec<String> = (0..=n).map(|i| format!("Var(\"a{i}\", 0)")).collect();
    // for i := n; array[i] != 0; i-- {}
    let mut scan = String::new();
    for i in (1..=n).rev() {
        scan.push_str(&format!(
            "{}, If(\"v != 0\", [",
            load(&format!("a{i}"), "v", atomic)
        ));
    }
    scan.push_str(&load("a0", "v", atomic));
    scan.push_str(&"])".repeat(n));
    let mut spawns = vec![format!("Go(body: [{scan}])")];
    spawns.extend((1..=n).map(|j| {
        format!(
            "Go(body: [{}, {}])",
            load(&format!("a{}", j - 1), "t", atomic),
            store(&format!("a{j}"), "t + 1", atomic)
        )
    }));
    scenario("lastzero", &globals, &spawns, "")
}

/// The table size of indexer.
pub const INDEXER_SIZE: usize = 128;

/// The message goroutine `tid` (1-based) of indexer inserts as its `m`-th
/// (1..=4), and its home cell.
fn indexer_message(tid: usize, m: usize) -> (usize, usize) {
    let w = m * 11 + tid;
    (w, (w * 7) % INDEXER_SIZE)
}

/// For each message of indexer(n), in (goroutine, message) order, the cells
/// it may probe, in order: as many as any run can need. With linear probing
/// the set of occupied cells does not depend on the order of insertion and
/// grows with the set inserted, so a message probes most when every other
/// message is in the table before it: one cell past the occupied run that
/// then starts at its home. Without collisions that is its home alone.
pub fn indexer_probes(n: usize) -> Vec<(usize, Vec<usize>)> {
    let msgs: Vec<(usize, usize)> = (1..=n)
        .flat_map(|tid| (1..=4).map(move |m| indexer_message(tid, m)))
        .collect();
    msgs.iter()
        .enumerate()
        .map(|(i, &(w, h))| {
            let mut taken = [false; INDEXER_SIZE];
            for (j, &(_, hj)) in msgs.iter().enumerate() {
                if j != i {
                    let mut c = hj;
                    while taken[c] {
                        c = (c + 1) % INDEXER_SIZE;
                    }
                    taken[c] = true;
                }
            }
            let mut cells = vec![h];
            while taken[*cells.last().unwrap_or(&h)] {
                cells.push((cells[cells.len() - 1] + 1) % INDEXER_SIZE);
            }
            (w, cells)
        })
        .collect()
}

/// indexer(n) (Flanagan and Godefroid, POPL'05): `n` goroutines insert 4
/// messages each into a hash table of 128 cells with compare-and-swap,
/// probing the next cell on a collision. There are no collisions below
/// 12 goroutines, so every insertion is independent: one trace.
// The reduction and peer tests use it; the benchmarks measure
// [`indexer_slice`].
#[allow(dead_code)]
pub fn indexer(n: usize) -> String {
    let probes = indexer_probes(n);
    let mut cells = std::collections::BTreeSet::new();
    let mut spawns = Vec::new();
    for tid in 0..n {
        let mut body = Vec::new();
        for (w, hs) in &probes[4 * tid..4 * tid + 4] {
            cells.extend(hs.iter().copied());
            // for !CompareAndSwap(&table[h], 0, w) { h = (h + 1) % SIZE }
            let mut chain = String::new();
            for (i, h) in hs.iter().enumerate() {
                if i > 0 {
                    chain.push_str(", If(\"!ok\", [");
                }
                chain.push_str(&format!("CompareAndSwap(\"t{h}\", 0, {w}, \"ok\")"));
            }
            chain.push_str(&"])".repeat(hs.len() - 1));
            body.push(chain);
        }
        spawns.push(format!("Go(body: [{}])", body.join(", ")));
    }
    let globals: Vec<String> = cells.iter().map(|c| format!("Var(\"t{c}\", 0)")).collect();
    scenario("indexer", &globals, &spawns, "")
}

/// [`indexer`] written as the Go program is: a slice of 128 slots and a
/// probing loop over at most every slot
/// (`for p := 0; p < size; p++ { if atomic.CompareAndSwapInt64(&table[h], 0, w) { break }; h = (h + 1) % size }`).
/// The same traces. The stateful reduction's static future of an
/// operation on `table[h]` is any slot of the table (the index is a
/// run-time value), so its persistent sets are all the enabled goroutines
/// and it stores every state the sleep sets reach; `--reduction dpor`
/// looks at the slots each run touched instead, and explores one run per
/// trace. The benchmarks measure this form with `dpor`.
// The benchmarks and the reduction tests use it, not the peer tests.
#[allow(dead_code)]
pub fn indexer_slice(n: usize) -> String {
    let size = INDEXER_SIZE;
    let globals = vec![format!("Slice(\"table\", \"int\", {size})")];
    // for tid := 1; tid <= n; tid++ { go func() {
    //   for m := 1; m <= 4; m++ { w := m*11 + tid; h := (w*7) % size
    //     for p := 0; p < size; p++ {
    //       if atomic.CompareAndSwapInt64(&table[h], 0, w) { break }
    //       h = (h + 1) % size } } }() }
    let spawns = vec![format!(
        "For(\"tid\", 1, {}, [Go(body: [For(\"m\", 1, 5, [\
         Let(\"w\", \"m * 11 + tid\"), Let(\"h\", \"(w * 7) % {size}\"), \
         For(\"p\", 0, {size}, [CompareAndSwap(\"&table[h]\", 0, \"w\", \"ok\"), If(\"ok\", [Break]), \
         Set(\"h\", \"(h + 1) % {size}\")])])])])",
        n + 1
    )];
    scenario("indexer-slice", &globals, &spawns, "")
}

/// A pipeline of `k` stages passing `m` items over unbuffered channels: a
/// source, `k` forwarding stages (`for v := range in { out <- v }`), and
/// main draining the last channel. Clean.
pub fn pipeline(k: usize, m: usize) -> String {
    let globals: Vec<String> = (0..=k).map(|i| format!("Chan(\"c{i}\", 0)")).collect();
    let mut main = vec![format!(
        "Go(body: [For(\"i\", 0, {m}, [Send(\"c0\", \"i\")]), Close(\"c0\")])"
    )];
    main.extend((1..=k).map(|j| {
        format!(
            "Go(body: [Range(\"c{}\", \"v\", [Send(\"c{j}\", \"v\")]), Close(\"c{j}\")])",
            j - 1
        )
    }));
    main.push(format!(
        "Let(\"n\", 0), Range(\"c{k}\", \"v\", [Set(\"n\", \"n + 1\")]), Assert(\"n == {m}\", \"every item arrives\")"
    ));
    scenario("pipeline", &globals, &main, "")
}

/// WaitGroup fan-out/fan-in: `n` workers each send a result on a buffered
/// channel and call Done; a closer waits and closes it; main sums the
/// results. Clean.
pub fn fanout(n: usize) -> String {
    let globals = vec![
        format!("Chan(\"results\", {n})"),
        "WaitGroup(\"wg\")".to_string(),
    ];
    let mut main = vec![format!("Add(\"wg\", {n})")];
    main.extend((0..n).map(|i| format!("Go(body: [Send(\"results\", {}), Done(\"wg\")])", i + 1)));
    main.push("Go(body: [Wait(\"wg\"), Close(\"results\")])".into());
    let sum = n * (n + 1) / 2;
    main.push(format!(
        "Let(\"sum\", 0), Range(\"results\", \"v\", [Set(\"sum\", \"sum + v\")]), Assert(\"sum == {sum}\", \"every result is summed\")"
    ));
    scenario("fanout", &globals, &main, "")
}

/// workers(n): `n` goroutines (main the last) loop forever, each taking
/// one mutex to flip a shared bit, then a second mutex to flip another:
/// a server's workers, whose state graph cycles. Everything they do
/// conflicts on one of the two mutexes, so a reduction saves little; the
/// search with sleep sets stops at its first cycle and the one with the
/// cycle proviso counts.
// The benchmarks and tests/peers.rs use it; the other tests that include
// this file do not.
#[allow(dead_code)]
pub fn workers(n: usize) -> String {
    let globals = vec![
        "Mutex(\"mu\")".to_string(),
        "Mutex(\"mu2\")".to_string(),
        "Var(\"x\", 0)".to_string(),
        "Var(\"y\", 0)".to_string(),
    ];
    let body = "Loop([Lock(\"mu\"), Let(\"v\", \"x\"), If(\"v < 1\", [Set(\"x\", \"v + 1\")], [Set(\"x\", 0)]), Unlock(\"mu\"), \
                Lock(\"mu2\"), Let(\"w\", \"y\"), If(\"w < 1\", [Set(\"y\", \"w + 1\")], [Set(\"y\", 0)]), Unlock(\"mu2\")])";
    let mut main: Vec<String> = (1..n).map(|_| format!("Go(body: [{body}])")).collect();
    main.push(body.to_string());
    scenario("workers", &globals, &main, "")
}

/// The gops FindAll scenario of the corpus (`scenarios/gops/`) with `n`
/// processes and `k` tokens: the buggy one (a deadlock when n > k) or the
/// fix that returns the token before sending.
pub fn gops(n: usize, k: usize, fixed: bool) -> String {
    let file = if fixed {
        "findall-fixed-release-before-send.ron"
    } else {
        "findall.ron"
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/gops")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.replace(
        "params: {\"n\": 3, \"k\": 2}",
        &format!("params: {{\"n\": {n}, \"k\": {k}}}"),
    )
}

/// Dining philosophers with `n` forks (mutexes), lock and unlock only.
/// Buggy: everyone takes the left fork first (a deadlock). Fixed: the last
/// philosopher takes fork 0 first (resource ordering), 2^n - 2 traces.
pub fn philosophers(n: usize, fixed: bool) -> String {
    let globals: Vec<String> = (0..n).map(|i| format!("Mutex(\"f{i}\")")).collect();
    let spawns: Vec<String> = (0..n)
        .map(|i| {
            let (mut a, mut b) = (i, (i + 1) % n);
            if fixed && a > b {
                std::mem::swap(&mut a, &mut b);
            }
            format!(
                "Go(body: [Lock(\"f{a}\"), Lock(\"f{b}\"), Unlock(\"f{b}\"), Unlock(\"f{a}\")])"
            )
        })
        .collect();
    let name = if fixed {
        "philosophers-fixed"
    } else {
        "philosophers"
    };
    let expect = if fixed {
        ""
    } else {
        "expect: [Deadlock, Leak],"
    };
    scenario(name, &globals, &spawns, expect)
}

fn scenario(name: &str, globals: &[String], main: &[String], extra: &str) -> String {
    format!(
        "Scenario(\n  name: \"{name}\",\n  {extra}\n  globals: [\n    {}\n  ],\n  main: [\n    {}\n  ],\n)\n",
        globals.join(",\n    "),
        main.join(",\n    ")
    )
}
