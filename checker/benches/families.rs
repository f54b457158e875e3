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

/// One goroutine writes `x`; `n` goroutines each read `x` into a local they
/// keep. Each reader reads before or after the write: 2^n traces.
pub fn readers_writer(n: usize) -> String {
    let mut spawns = vec!["Go(body: [Set(\"x\", 1)])".to_string()];
    spawns.extend((0..n).map(|_| "Go(body: [Let(\"r\", \"x\")])".to_string()));
    scenario("readers-writer", &["Var(\"x\", 0)".into()], &spawns, "")
}

/// lastzero(n) (Abdulla et al., POPL'14): `array[0..=n]` is zero; goroutine
/// 0 scans down from `array[n]` to the first zero; goroutine `j` (1..=n)
/// sets `array[j] = array[j-1] + 1`. (n+3)*2^(n-2) traces.
pub fn lastzero(n: usize) -> String {
    let globals: Vec<String> = (0..=n).map(|i| format!("Var(\"a{i}\", 0)")).collect();
    // for i := n; array[i] != 0; i-- {}
    let mut scan = String::new();
    for i in (1..=n).rev() {
        scan.push_str(&format!("Let(\"v\", \"a{i}\"), If(\"v != 0\", ["));
    }
    scan.push_str("Let(\"v\", \"a0\")");
    scan.push_str(&"])".repeat(n));
    let mut spawns = vec![format!("Go(body: [{scan}])")];
    spawns.extend((1..=n).map(|j| {
        format!(
            "Go(body: [Let(\"t\", \"a{}\"), Set(\"a{j}\", \"t + 1\")])",
            j - 1
        )
    }));
    scenario("lastzero", &globals, &spawns, "")
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
