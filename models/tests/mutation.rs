//! Mutation test of the front end: thousands of deterministic mutations of
//! realistic scenarios must compile or fail with located errors, and never
//! panic. Successful compilations must give well-formed IR.

use std::panic::{catch_unwind, AssertUnwindSafe};

use weft_models::ir::{CaseDir, Expr, NewObject, Op, Place, Program};
use weft_models::span::SourceFile;

/// kubernetes#5316: a goroutine leaks when the select times out.
const FINISH_REQUEST: &str = r#"// The goroutine sends on an unbuffered channel nobody reads after a timeout.
Scenario(
    name: "kubernetes-5316",
    summary: "finishRequest leaks its goroutine when the timeout fires first",
    origin: "kubernetes/kubernetes#5316",
    taxonomy: (behavior: Blocking, cause: MessagePassing),
    expect: [Leak],
    main: [
        Chan("ch"),
        Chan(name: "errCh", cap: 0),
        Go(body: [
            Either([
                [Send("errCh", 1)],
                [Send(chan: "ch", value: 2)],
            ]),
        ]),
        Select([
            Recv("ch", "result", [Assert("result == 2", "wrong result")]),
            Recv(chan: "errCh", into: "err", body: [Return]),
            After(1, [Return]),
        ]),
    ],
)
"#;

/// gops: limited concurrency with a token channel deadlocks with too many processes.
const GOPS: &str = r#"Scenario(
    name: "gops-findall",
    summary: "the token is released after the unbuffered result send",
    origin: "google/gops goprocess.FindAll",
    taxonomy: (behavior: Blocking, cause: MessagePassing),
    expect: [Deadlock],
    params: {"procs": 3, "limit": 2},
    globals: [WaitGroup("wg")],
    main: [
        Chan("found"),
        Chan("limitCh", "limit"),
        For("i", 0, "procs", [
            Send("limitCh", 0),
            Add("wg", 1),
            Go(body: [
                Defer([Recv("limitCh")]),
                Defer([Done("wg")]),
                Send("found", "i"),
            ]),
        ]),
        Go(body: [Wait("wg"), Close("found")]),
        Let("n", 0),
        Range("found", "p", [Set("n", "n + 1")]),
        Assert("n == procs"),
    ],
)
"#;

/// A recursive read lock deadlocks once a writer waits in between.
const RWMUTEX: &str = r#"Scenario(
    name: "recursive-rlock",
    summary: "RLock twice with a writer arriving in between",
    taxonomy: (behavior: Blocking, cause: SharedMemory),
    expect: [Deadlock],
    globals: [RWMutex("mu"), Var("state", 0), Mutex("other")],
    main: [
        Go("writer"),
        Call("reader", [], "v"),
        Assert("v >= 0"),
    ],
    funcs: {
        "reader": (params: [], body: [
            RLock("mu"),
            Defer([RUnlock("mu")]),
            Call("get", [], "v"),
            Return("v"),
        ]),
        "get": (body: [RLock("mu"), Let("x", "state"), RUnlock("mu"), Return("x")]),
        "writer": [
            Lock("mu"),
            Set("state", "state + 1"),
            Unlock("mu"),
            TryLock("other", "got"),
            If("got", [Unlock("other")]),
        ],
    },
)
"#;

/// A context whose cancel function is lost on one path, timers and tickers.
const CONTEXTS: &str = r#"Scenario(
    name: "lost-cancel",
    expect: [ContextLeak],
    params: {"ticks": 2},
    main: [
        WithTimeout("ctx", "cancel", "context.Background()", 5),
        Choose("fail", [true, false]),
        If("fail", [Return]),
        Defer([Cancel("cancel")]),
        WithCancel(ctx: "child", cancel: "stop", parent: "ctx"),
        Chan("done", 1),
        Go("poll", ["child", "done"]),
        Timer("t", 3),
        Ticker("tk", 1),
        Select([
            Recv("ctx.Done()", [Assert("ctx.Err() != nil")]),
            Recv("t.C"),
            Recv("done", "_", "ok"),
            Default([Sleep(1)]),
        ]),
        Stop("t", "stopped"),
        Reset("t", 2, "active"),
        Stop("tk"),
        Tick("c", 1),
        NilChan("never"),
        Select([Recv("never"), Recv("c")]),
    ],
    funcs: {
        "poll": (params: ["ctx", "out"], body: [
            For(to: "ticks", body: [
                Select([
                    Recv("ctx.Done()", [Break]),
                    Send("out", 1, [Continue]),
                ]),
            ]),
            Let("e", "ctx.Err()"),
            If("e == context.Canceled || e == DeadlineExceeded", [Return]),
        ]),
    },
)
"#;

/// Shared memory: atomics, a lost wakeup, Once, maps and pointers.
const SHARED: &str = r#"Scenario(
    name: "shared-memory",
    expect: [Leak, Race, Panic, Assert],
    params: {"workers": 2},
    globals: [
        Var("counter", 0),
        Var("ready", false),
        Mutex("mu"),
        Cond("cond", "mu"),
        Once("once"),
        Map("cache"),
        WaitGroup("wg"),
    ],
    main: [
        Var("local", 1),
        For("w", 0, "workers", [
            Add("wg", 1),
            Go("work", ["&counter", "w"]),
        ]),
        Go(body: [Lock("mu"), Set("ready", true), Signal("cond"), Unlock("mu")]),
        Lock("mu"),
        While("!ready", [Wait("cond")]),
        Unlock("mu"),
        Do("once", [AtomicStore("local", 3)]),
        Wait("wg"),
        AtomicLoad("counter", "total"),
        Assert("total == workers", "lost update"),
        Set("cache[1]", "total"),
        If("len(cache) > 0 && cache[1] == total", [Delete("cache", 1)], [Panic("cache broken")]),
        CompareAndSwap("&local", 3, 4, "swapped"),
        Defer([Recover("r")]),
        Loop([Break]),
    ],
    funcs: {
        "work": (params: ["p", "id"], body: [
            Defer([Done("wg")]),
            Set("*p", "*p + 1"),
            AtomicAdd("p", "id", "now"),
            Broadcast("cond"),
            Either([[Panic("worker failed")], []]),
        ]),
    },
)
"#;

const SCENARIOS: [&str; 5] = [FINISH_REQUEST, GOPS, RWMUTEX, CONTEXTS, SHARED];

/// xorshift64*: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A token with the whitespace and comments before it.
#[derive(Clone, Debug)]
struct Tok {
    lead: String,
    text: String,
}

/// A rough RON tokenizer: strings, numbers, identifiers, punctuation.
fn tokenize(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut lead = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            lead.push(c);
            i += 1;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                lead.push(chars[i]);
                i += 1;
            }
            continue;
        }
        let start = i;
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            i += 1;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
        } else {
            i += 1;
        }
        out.push(Tok {
            lead: std::mem::take(&mut lead),
            text: chars[start..i].iter().collect(),
        });
    }
    out.push(Tok {
        lead,
        text: String::new(),
    });
    out
}

fn join(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| format!("{}{}", t.lead, t.text))
        .collect()
}

fn is_number(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '-')
}

/// The tokens of one mutation.
fn mutate(base: &[Tok], rng: &mut Rng) -> Vec<Tok> {
    let mut t = base.to_vec();
    let n = t.len().saturating_sub(1).max(1);
    match rng.below(6) {
        0 => {
            t.remove(rng.below(n));
        }
        1 => {
            let i = rng.below(n);
            let dup = t[i].clone();
            t.insert(i, dup);
        }
        2 => {
            let (a, b) = (rng.below(n), rng.below(n));
            let (ta, tb) = (t[a].text.clone(), t[b].text.clone());
            t[a].text = tb;
            t[b].text = ta;
        }
        3 => {
            let strings: Vec<usize> = (0..n).filter(|&i| t[i].text.starts_with('"')).collect();
            if strings.len() >= 2 {
                let a = strings[rng.below(strings.len())];
                let b = strings[rng.below(strings.len())];
                t[a].text = t[b].text.clone();
            }
        }
        4 => {
            let nums: Vec<usize> = (0..n).filter(|&i| is_number(&t[i].text)).collect();
            let values = [
                "-1",
                "0",
                "1",
                "2",
                "-7",
                "99",
                "9223372036854775807",
                "-9223372036854775808",
                "1.5",
                "0x10",
            ];
            if nums.is_empty() {
                let i = rng.below(n);
                t[i].text = values[rng.below(values.len())].to_string();
            } else {
                let i = nums[rng.below(nums.len())];
                t[i].text = values[rng.below(values.len())].to_string();
            }
        }
        _ => drop_list_item(&mut t, rng),
    }
    t
}

/// Removes one item (and its comma) of a random list.
fn drop_list_item(t: &mut Vec<Tok>, rng: &mut Rng) {
    let opens: Vec<usize> = (0..t.len()).filter(|&i| t[i].text == "[").collect();
    if opens.is_empty() {
        return;
    }
    let open = opens[rng.below(opens.len())];
    let mut depth = 0i32;
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut start = open + 1;
    for (i, tok) in t.iter().enumerate().skip(open + 1) {
        match tok.text.as_str() {
            "[" | "(" | "{" => depth += 1,
            "]" | ")" | "}" if depth > 0 => depth -= 1,
            "]" | ")" | "}" => {
                if start < i {
                    items.push((start, i));
                }
                break;
            }
            "," if depth == 0 => {
                items.push((start, i + 1));
                start = i + 1;
            }
            _ => {}
        }
    }
    if items.is_empty() {
        return;
    }
    let (a, b) = items[rng.below(items.len())];
    t.drain(a..b);
}

/// Every id in the program points at something that exists.
fn check_ir(p: &Program) -> Result<(), String> {
    let nf = p.funcs.len();
    let ng = p.globals.len();
    fn expr(e: &Expr, nl: usize, ng: usize) -> Result<(), String> {
        match e {
            Expr::Const(_) => Ok(()),
            Expr::Local(l) if l.index() < nl => Ok(()),
            Expr::Global(g) if g.index() < ng => Ok(()),
            Expr::Unary(_, x) | Expr::DoneOf(x) | Expr::ChanOf(x) | Expr::Cap(x) => expr(x, nl, ng),
            Expr::Binary(_, a, b) => expr(a, nl, ng).and(expr(b, nl, ng)),
            other => Err(format!("dangling {other:?}")),
        }
    }
    for f in &p.funcs {
        let nl = f.local_names.len();
        let nc = f.code.len();
        let e = |x: &Expr| expr(x, nl, ng);
        let l = |x: &weft_models::ir::LocalId| {
            if x.index() < nl {
                Ok(())
            } else {
                Err(format!("local {x:?} in {}", f.name))
            }
        };
        let pc = |x: &weft_models::ir::Pc| {
            if x.index() < nc {
                Ok(())
            } else {
                Err(format!("pc {x:?} in {}", f.name))
            }
        };
        if f.param_count as usize > nl {
            return Err(format!("params of {}", f.name));
        }
        if !matches!(
            f.code.last().map(|i| &i.op),
            Some(Op::Return { .. } | Op::EndDefer)
        ) {
            return Err(format!("{} does not end with a return", f.name));
        }
        for i in &f.code {
            match &i.op {
                Op::Assign { dst, value } => l(dst).and(e(value))?,
                Op::Jump { target } => pc(target)?,
                Op::JumpIfNot { cond, target } => e(cond).and(pc(target))?,
                Op::Call { func, args, .. } | Op::Go { func, args } => {
                    if func.index() >= nf {
                        return Err("bad func".into());
                    }
                    if args.len() != p.funcs[func.index()].param_count as usize {
                        return Err(format!("arity of {}", p.funcs[func.index()].name));
                    }
                    args.iter().try_for_each(e)?
                }
                Op::Defer { entry } | Op::OnceEnter { skip: entry, .. } => pc(entry)?,
                Op::Select { arms, default } => {
                    for a in arms {
                        e(&a.chan)?;
                        pc(&a.target)?;
                        if let CaseDir::Recv { dst: Some(d), .. } = &a.dir {
                            l(d)?;
                        }
                    }
                    if let Some(d) = default {
                        pc(d)?;
                    }
                }
                Op::New { dst, object } => {
                    l(dst)?;
                    if let NewObject::WithCancel { cancel, parent, .. } = object {
                        l(cancel)?;
                        e(parent)?;
                    }
                }
                Op::Load { place, dst, ok } => {
                    l(dst)?;
                    ok.iter().try_for_each(l)?;
                    match place {
                        Place::Var(h) => e(h)?,
                        Place::MapEntry { map, key, .. } => e(map).and(e(key))?,
                    }
                }
                Op::Send { chan, value } => e(chan).and(e(value))?,
                Op::Recv { chan, dst, ok } => {
                    e(chan)?;
                    dst.iter().chain(ok.iter()).try_for_each(l)?
                }
                _ => {}
            }
        }
    }
    if p.main.index() >= nf {
        return Err("main".into());
    }
    Ok(())
}

/// Compiles one text; returns an error message describing a failure.
fn check_one(text: &str, params: &[(String, String)]) -> Result<bool, String> {
    let file = SourceFile::new("m.ron", text);
    let result = catch_unwind(AssertUnwindSafe(|| weft_models::compile(&file, params)))
        .map_err(|_| "compile panicked".to_string())?;
    match result {
        Ok(p) => {
            check_ir(&p)?;
            Ok(true)
        }
        Err(e) => {
            if e.diagnostics.is_empty() && e.param_errors.is_empty() {
                return Err("an error without diagnostics".into());
            }
            if e.diagnostics
                .windows(2)
                .any(|w| w[0].span.start > w[1].span.start)
            {
                return Err("errors are not in file order".into());
            }
            let len = text.len() as u32;
            for d in &e.diagnostics {
                let spans = std::iter::once(d.span).chain(d.secondary.iter().map(|s| s.0));
                for s in spans {
                    if s.start > s.end || s.end > len {
                        return Err(format!(
                            "span {s:?} outside the file ({len} bytes): {}",
                            d.message
                        ));
                    }
                }
                if d.message.is_empty() || d.message.ends_with('.') {
                    return Err(format!("badly styled message {:?}", d.message));
                }
            }
            let rendered = catch_unwind(AssertUnwindSafe(|| e.render(&file, false)))
                .map_err(|_| "render panicked".to_string())?;
            if rendered.is_empty() {
                return Err("empty rendering".into());
            }
            // Every error, `--param` errors included, is printed with its
            // file:line:col.
            let all: Vec<_> = e.diagnostics.iter().chain(&e.param_errors).collect();
            for d in &all {
                let (line, col) = file.line_col(d.span.start);
                if !rendered.contains(&format!("m.ron:{line}:{col}")) {
                    return Err(format!("no location for {:?}\n{rendered}", d.message));
                }
            }
            let located = rendered.matches("┌─ m.ron:").count();
            if located != all.len() {
                return Err(format!(
                    "{} errors but {located} locations printed:\n{rendered}",
                    all.len()
                ));
            }
            Ok(false)
        }
    }
}

#[test]
fn the_scenarios_compile() {
    for s in SCENARIOS {
        let file = SourceFile::new("s.ron", s);
        match weft_models::compile(&file, &[]) {
            Ok(p) => {
                if let Err(e) = check_ir(&p) {
                    panic!("{e}");
                }
            }
            Err(e) => panic!("{}", e.render(&file, false)),
        }
    }
}

#[test]
fn mutations_never_panic() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let bases: Vec<Vec<Tok>> = SCENARIOS.iter().map(|s| tokenize(s)).collect();
    let param_choices: [&[(&str, &str)]; 5] = [
        &[],
        &[("workers", "3")],
        &[("procs", "-1"), ("limit", "0")],
        &[("limit", "x"), ("limit", "1")],
        &[("wrokers", "2")],
    ];
    let (mut compiled, mut rejected) = (0, 0);
    let total = 3600;
    for k in 0..total {
        let base = &bases[k % bases.len()];
        let mut toks = mutate(base, &mut rng);
        if rng.below(4) == 0 {
            toks = mutate(&toks, &mut rng);
        }
        let text = join(&toks);
        let choice = if rng.below(8) == 0 {
            rng.below(param_choices.len())
        } else {
            0
        };
        let params: Vec<(String, String)> = param_choices[choice]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        match check_one(&text, &params) {
            Ok(true) => compiled += 1,
            Ok(false) => rejected += 1,
            Err(why) => panic!("mutation {k}: {why}\nparams: {params:?}\n--- text ---\n{text}"),
        }
    }
    assert_eq!(compiled + rejected, total);
    assert!(compiled > 100, "too few mutations compile: {compiled}");
    assert!(
        rejected > 1000,
        "too few mutations are rejected: {rejected}"
    );
    assert!(
        start.elapsed().as_secs() < 20,
        "too slow: {:?}",
        start.elapsed()
    );
}
