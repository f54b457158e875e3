//! The benchmark families as Promela models for SPIN, one generator per
//! family, each mirroring the weft scenario of `../families.rs` named in its
//! doc comment. Go's goroutines are proctypes started atomically by `init`
//! (the usual Promela idiom), Go's atomics and plain variables are globals
//! (every Promela statement is atomic), a Mutex is a bit taken with
//! `atomic { f == 0 -> f = 1 }`, a WaitGroup a counter with a `wg == 0`
//! guard, and `close` a sentinel value (255) sent after the last item.
//! Unbuffered Go channels are rendezvous channels (`[0]`).

fn runs(procs: &[String]) -> String {
    format!("  atomic {{\n    {}\n  }}", procs.join(";\n    "))
}

/// Mirrors `families::independent(n)`.
pub fn independent(n: usize) -> String {
    let procs: Vec<String> = (0..n).map(|i| format!("run W({i})")).collect();
    format!(
        "byte x[{n}];\nproctype W(byte i) {{\n  x[i] = 1;\n  x[i] = 2\n}}\ninit {{\n{}\n}}\n",
        runs(&procs)
    )
}

/// Mirrors `families::readers_writer(n, true)`.
pub fn readers_writer(n: usize) -> String {
    let mut procs = vec!["run W()".to_string()];
    procs.extend((0..n).map(|_| "run R()".to_string()));
    format!(
        "byte x;\nproctype W() {{\n  x = 1\n}}\nproctype R() {{\n  byte r;\n  r = x\n}}\ninit {{\n{}\n}}\n",
        runs(&procs)
    )
}

/// Mirrors `families::lastzero(n, true)`.
pub fn lastzero(n: usize) -> String {
    let mut procs = vec!["run T0()".to_string()];
    procs.extend((1..=n).map(|j| format!("run T({j})")));
    format!(
        "byte a[{}];\nproctype T0() {{\n  byte i = {n};\n  do\n  :: a[i] != 0 -> i--\n  :: else -> break\n  od\n}}\n\
         proctype T(byte j) {{\n  byte t;\n  t = a[j - 1];\n  a[j] = t + 1\n}}\ninit {{\n{}\n}}\n",
        n + 1,
        runs(&procs)
    )
}

/// Mirrors `families::indexer(n)`.
pub fn indexer(n: usize) -> String {
    let procs: Vec<String> = (1..=n).map(|t| format!("run I({t})")).collect();
    format!(
        "byte t[128];\nproctype I(byte tid) {{\n  byte m = 0;\n  byte w;\n  byte h;\n  do\n  :: m < 4 ->\n    m++;\n    w = m * 11 + tid;\n    h = (w * 7) % 128;\n    do\n    :: atomic {{ t[h] == 0 -> t[h] = w }}; break\n    :: atomic {{ t[h] != 0 -> h = (h + 1) % 128 }}\n    od\n  :: else -> break\n  od\n}}\ninit {{\n{}\n}}\n",
        runs(&procs)
    )
}

/// Mirrors `families::philosophers(n, fixed)`.
pub fn philosophers(n: usize, fixed: bool) -> String {
    let procs: Vec<String> = (0..n)
        .map(|i| {
            let (mut a, mut b) = (i, (i + 1) % n);
            if fixed && a > b {
                std::mem::swap(&mut a, &mut b);
            }
            format!("run P({a}, {b})")
        })
        .collect();
    format!(
        "bit f[{n}];\nproctype P(byte a; byte b) {{\n  atomic {{ f[a] == 0 -> f[a] = 1 }};\n  atomic {{ f[b] == 0 -> f[b] = 1 }};\n  f[b] = 0;\n  f[a] = 0\n}}\ninit {{\n{}\n}}\n",
        runs(&procs)
    )
}

/// Mirrors `families::gops(n, k, fixed)` (scenarios/gops/findall.ron and
/// findall-fixed-release-before-send.ron).
pub fn gops(n: usize, k: usize, fixed: bool) -> String {
    let body = if fixed {
        "  if :: ok = true :: ok = false fi;\n  limitCh?_;\n  if :: ok -> goProcs++; found!pr :: else -> skip fi;\n  wg--\n"
    } else {
        // The deferred calls run last, in reverse order: Done, then the receive.
        "  if :: ok = true :: ok = false fi;\n  if :: ok -> goProcs++; found!pr :: else -> skip fi;\n  wg--;\n  limitCh?_\n"
    };
    format!(
        "chan found = [0] of {{ byte }};\nchan limitCh = [{k}] of {{ bit }};\nbyte wg = {n};\nbyte goProcs = 0;\n\
         proctype worker(byte pr) {{\n  bool ok;\n{body}}}\n\
         proctype closer() {{\n  wg == 0 -> found!255\n}}\n\
         init {{\n  byte pr = 0;\n  byte results = 0;\n  byte p;\n  do\n  :: pr < {n} -> limitCh!1; run worker(pr); pr++\n  :: else -> break\n  od;\n  run closer();\n  do\n  :: found?p -> if :: p == 255 -> break :: else -> results++ fi\n  od;\n  assert(results == goProcs)\n}}\n"
    )
}

/// Mirrors `families::pipeline(k, m)`.
pub fn pipeline(k: usize, m: usize) -> String {
    let mut procs = vec!["run src()".to_string()];
    procs.extend((1..=k).map(|j| format!("run stage({j})")));
    format!(
        "chan c[{}] = [0] of {{ byte }};\n\
         proctype src() {{\n  byte i = 0;\n  do\n  :: i < {m} -> c[0]!i; i++\n  :: else -> break\n  od;\n  c[0]!255\n}}\n\
         proctype stage(byte j) {{\n  byte v;\n  do\n  :: c[j - 1]?v -> if :: v == 255 -> break :: else -> c[j]!v fi\n  od;\n  c[j]!255\n}}\n\
         init {{\n  byte n = 0;\n  byte v;\n{};\n  do\n  :: c[{k}]?v -> if :: v == 255 -> break :: else -> n++ fi\n  od;\n  assert(n == {m})\n}}\n",
        k + 1,
        runs(&procs)
    )
}

/// Mirrors `families::fanout(n)`.
pub fn fanout(n: usize) -> String {
    let mut procs: Vec<String> = (1..=n).map(|i| format!("run worker({i})")).collect();
    procs.push("run closer()".into());
    let sum = n * (n + 1) / 2;
    format!(
        "chan results = [{n}] of {{ byte }};\nbyte wg = {n};\n\
         proctype worker(byte i) {{\n  results!i;\n  wg--\n}}\n\
         proctype closer() {{\n  wg == 0 -> results!255\n}}\n\
         init {{\n  int sum = 0;\n  byte v;\n{};\n  do\n  :: results?v -> if :: v == 255 -> break :: else -> sum = sum + v fi\n  od;\n  assert(sum == {sum})\n}}\n",
        runs(&procs)
    )
}

/// Mirrors `families::workers(n)`: `init` starts the `n` workers.
pub fn workers(n: usize) -> String {
    let procs: Vec<String> = (0..n).map(|_| "run W()".to_string()).collect();
    format!(
        "bit mu;\nbit mu2;\nbyte x;\nbyte y;\n\
         proctype W() {{\n  byte v;\n  byte w;\n  do\n  :: atomic {{ mu == 0 -> mu = 1 }};\n     v = x;\n     if :: v < 1 -> x = v + 1 :: else -> x = 0 fi;\n     mu = 0;\n     atomic {{ mu2 == 0 -> mu2 = 1 }};\n     w = y;\n     if :: w < 1 -> y = w + 1 :: else -> y = 0 fi;\n     mu2 = 0\n  od\n}}\n\
         init {{\n{}\n}}\n",
        runs(&procs)
    )
}
