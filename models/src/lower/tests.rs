//! Exact instruction lists for every construct, through a compact
//! disassembly: locals print as their names, globals as `@name`, jump
//! targets as instruction indices.

use crate::ir::{CaseDir, Const, Expr, Function, NewObject, Op, Place, Program, UnOp};
use crate::span::SourceFile;

fn compile(body: &str) -> Program {
    compile_full(&format!("Scenario(name: \"t\", {body})"))
}

fn compile_full(text: &str) -> Program {
    let file = SourceFile::new("t.ron", text);
    match crate::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("{}", e.render(&file, false)),
    }
}

fn func<'p>(p: &'p Program, name: &str) -> &'p Function {
    p.funcs
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

fn ex(p: &Program, f: &Function, e: &Expr) -> String {
    match e {
        Expr::Const(c) => match c {
            Const::Nil => "nil".into(),
            Const::Int(v) => v.to_string(),
            Const::Bool(b) => b.to_string(),
            Const::Canceled => "Canceled".into(),
            Const::DeadlineExceeded => "DeadlineExceeded".into(),
            Const::Error(i) => format!("errors.New({:?})", p.meta.errors[*i as usize]),
            Const::Str(i) => format!("{:?}", p.meta.strings[*i as usize]),
        },
        Expr::Local(l) => f.local_names.get(l.index()).cloned().unwrap_or("?".into()),
        Expr::Global(g) => format!("@{}", p.globals[g.index()].name),
        Expr::Unary(op, x) => {
            let s = if *op == UnOp::Neg { "-" } else { "!" };
            format!("{s}{}", ex(p, f, x))
        }
        Expr::Binary(op, a, b) => {
            format!(
                "({} {} {})",
                ex(p, f, a),
                crate::expr::binop_symbol(*op),
                ex(p, f, b)
            )
        }
        Expr::DoneOf(x) => format!("{}.Done()", ex(p, f, x)),
        Expr::Field(x, i) => format!("{}.#{i}", ex(p, f, x)),
        Expr::Elem(x, i) => format!("{}[{}]", ex(p, f, x), ex(p, f, i)),
        Expr::SliceLen(x) => format!("len({})", ex(p, f, x)),
        Expr::Func(id) => format!("func {}", p.funcs[id.index()].name),
        Expr::ChanOf(x) => format!("{}.C", ex(p, f, x)),
        Expr::Cap(x) => format!("cap({})", ex(p, f, x)),
        Expr::GroupPart(x, part) => format!("{}.{}", ex(p, f, x), part.field()),
        Expr::CondLocker(x) => format!("{}.L", ex(p, f, x)),
        Expr::RLocker(x) => format!("{}.RLocker()", ex(p, f, x)),
    }
}

fn place(p: &Program, f: &Function, pl: &Place) -> String {
    match pl {
        Place::Var(h) => format!("*{}", ex(p, f, h)),
        Place::MapEntry { map, key, .. } => format!("{}[{}]", ex(p, f, map), ex(p, f, key)),
    }
}

fn new(p: &Program, f: &Function, n: &NewObject) -> String {
    match n {
        NewObject::Chan { cap, .. } => format!("Chan({})", ex(p, f, cap)),
        NewObject::Cond { locker } => format!("Cond({})", ex(p, f, locker)),
        NewObject::Var { init } => format!("Var({})", ex(p, f, init)),
        NewObject::WithCancel {
            parent,
            cancel,
            timeout,
        } => format!(
            "WithCancel({}, cancel {}{})",
            ex(p, f, parent),
            f.local_names[cancel.index()],
            timeout
                .as_ref()
                .map(|t| format!(", timeout {}", ex(p, f, t)))
                .unwrap_or_default()
        ),
        NewObject::Timer { kind, duration } => format!("{kind:?}({})", ex(p, f, duration)),
        NewObject::Group { cancel } => match cancel {
            Some(c) => format!("Group(cancel {})", ex(p, f, c)),
            None => "Group".into(),
        },
        other => format!("{other:?}"),
    }
}

fn dst(f: &Function, d: &Option<crate::ir::LocalId>) -> String {
    match d {
        Some(l) => f.local_names[l.index()].clone(),
        None => "_".into(),
    }
}

/// One line per instruction.
fn dis(p: &Program, name: &str) -> Vec<String> {
    let f = func(p, name);
    let e = |x: &Expr| ex(p, f, x);
    let l = |x: &crate::ir::LocalId| f.local_names[x.index()].clone();
    f.code
        .iter()
        .map(|i| match &i.op {
            Op::Assign { dst, value } => format!("{} = {}", l(dst), e(value)),
            Op::Jump { target } => format!("jump {}", target.0),
            Op::JumpIfNot { cond, target } => format!("if not {} jump {}", e(cond), target.0),
            Op::Call {
                func,
                args,
                dst: d,
                more,
            } => format!(
                "{} = call {}({})",
                std::iter::once(d)
                    .chain(more)
                    .map(|d| dst(f, d))
                    .collect::<Vec<_>>()
                    .join(", "),
                p.funcs[func.index()].name,
                args.iter().map(e).collect::<Vec<_>>().join(", ")
            ),
            Op::Return { value, more } => match value {
                Some(v) => std::iter::once(format!("return {}", e(v)))
                    .chain(more.iter().map(|(s, v)| format!("{} := {}", l(s), e(v))))
                    .collect::<Vec<_>>()
                    .join(", "),
                None => "return".into(),
            },
            Op::Defer { entry } => format!("defer {}", entry.0),
            Op::EndDefer => "end defer".into(),
            Op::Recover { dst: d } => format!("{} = recover", dst(f, d)),
            Op::Go { func, args } => format!(
                "go {}({})",
                p.funcs[func.index()].name,
                args.iter().map(e).collect::<Vec<_>>().join(", ")
            ),
            Op::GoValue { callee, args, .. } => format!(
                "go ({})({})",
                e(callee),
                args.iter().map(e).collect::<Vec<_>>().join(", ")
            ),
            Op::CallValue {
                callee,
                args,
                dst: d,
                ..
            } => format!(
                "{} = call ({})({})",
                dst(f, d),
                e(callee),
                args.iter().map(e).collect::<Vec<_>>().join(", ")
            ),
            Op::Choose { dst: d, values } => format!(
                "{} = choose [{}]",
                l(d),
                values.iter().map(e).collect::<Vec<_>>().join(", ")
            ),
            Op::Panic { message } => format!("panic {message:?}"),
            Op::Assert { cond, message } => format!("assert {} {message:?}", e(cond)),
            Op::Sleep => "sleep".into(),
            Op::New { dst: d, object } => format!("{} = new {}", l(d), new(p, f, object)),
            Op::Send { chan, value } => format!("send {} <- {}", e(chan), e(value)),
            Op::Recv { chan, dst: d, ok } => {
                format!("{}, {} = recv {}", dst(f, d), dst(f, ok), e(chan))
            }
            Op::Close { chan } => format!("close {}", e(chan)),
            Op::Select { arms, default } => {
                let arms: Vec<String> = arms
                    .iter()
                    .map(|a| match &a.dir {
                        CaseDir::Send { value } => {
                            format!("send {} <- {} => {}", e(&a.chan), e(value), a.target.0)
                        }
                        CaseDir::Recv { dst: d, ok } => format!(
                            "{}, {} = recv {} => {}",
                            dst(f, d),
                            dst(f, ok),
                            e(&a.chan),
                            a.target.0
                        ),
                    })
                    .collect();
                let d = default
                    .map(|d| format!(" default => {}", d.0))
                    .unwrap_or_default();
                format!("select [{}]{d}", arms.join("; "))
            }
            Op::Lock { mutex } => format!("lock {}", e(mutex)),
            Op::Unlock { mutex } => format!("unlock {}", e(mutex)),
            Op::TryLock { mutex, dst: d } => format!("{} = trylock {}", dst(f, d), e(mutex)),
            Op::RLock { mutex } => format!("rlock {}", e(mutex)),
            Op::RUnlock { mutex } => format!("runlock {}", e(mutex)),
            Op::WgAdd { wg, delta } => format!("wgadd {} {}", e(wg), e(delta)),
            Op::Wait { target, .. } => format!("wait {}", e(target)),
            Op::Signal { cond } => format!("signal {}", e(cond)),
            Op::Broadcast { cond } => format!("broadcast {}", e(cond)),
            Op::OnceEnter { once, skip } => format!("once enter {} skip {}", e(once), skip.0),
            Op::OnceExit { once } => format!("once exit {}", e(once)),
            Op::Cancel { cancel } => format!("cancel {}", e(cancel)),
            Op::CtxErr { ctx, dst: d } => format!("{} = err {}", l(d), e(ctx)),
            Op::TimerStop { timer, dst: d } => format!("{} = stop {}", dst(f, d), e(timer)),
            Op::TimerReset {
                timer,
                duration,
                dst: d,
                respawn: _,
            } => format!("{} = reset {} {}", dst(f, d), e(timer), e(duration)),
            Op::AfterFunc {
                source,
                runner,
                args,
                dst: d,
            } => {
                let args: Vec<String> = args.iter().map(e).collect();
                let on = match source {
                    crate::ir::CallbackSource::Timer { duration } => {
                        format!("timer {}", e(duration))
                    }
                    crate::ir::CallbackSource::Context { ctx } => format!("ctx {}", e(ctx)),
                };
                let runner = &p.func(*runner).name;
                format!(
                    "{} = afterfunc {on} {runner}({})",
                    dst(f, d),
                    args.join(", ")
                )
            }
            Op::Append {
                from,
                values,
                spread,
                dst: d,
                ..
            } => {
                format!(
                    "{} = append {} {}{}",
                    f.local_names[d.index()],
                    e(from),
                    values.iter().map(e).collect::<Vec<_>>().join(" "),
                    if *spread { "..." } else { "" }
                )
            }
            Op::AwaitCallback { target, dst: d } => {
                format!(
                    "{} = await callback {}",
                    f.local_names[d.index()],
                    e(target)
                )
            }
            Op::Load {
                place: pl,
                dst: d,
                ok: None,
            } => format!("{} = load {}", l(d), place(p, f, pl)),
            Op::Load {
                place: pl,
                dst: d,
                ok: Some(o),
            } => format!("{}, {} = load {}", l(d), l(o), place(p, f, pl)),
            Op::Store { place: pl, value } => format!("store {} = {}", place(p, f, pl), e(value)),
            Op::MapDelete { map, key } => format!("delete {}[{}]", e(map), e(key)),
            Op::Len { target, dst: d } => format!("{} = len {}", l(d), e(target)),
            Op::MapNext {
                map,
                seen,
                key,
                value,
                more,
                sync,
            } => format!(
                "{}, {}, {} = {}map next {} seen {}",
                dst(f, key),
                dst(f, value),
                l(more),
                if *sync { "sync " } else { "" },
                e(map),
                l(seen)
            ),
            Op::SyncMap {
                map,
                op,
                key,
                value,
                dst: d,
                ok,
            } => format!(
                "{}, {} = {map}.{op:?}({}{})",
                dst(f, d),
                dst(f, ok),
                e(key),
                value
                    .as_ref()
                    .map(|v| format!(", {}", e(v)))
                    .unwrap_or_default(),
                map = e(map),
            ),
            Op::AtomicLoad { var, dst: d } => format!("{} = atomic load {}", l(d), e(var)),
            Op::AtomicStore { var, value } => format!("atomic store {} = {}", e(var), e(value)),
            Op::AtomicAdd { var, delta, dst: d } => {
                format!("{} = atomic add {} {}", dst(f, d), e(var), e(delta))
            }
            Op::CompareAndSwap {
                var,
                old,
                new,
                dst: d,
            } => format!("{} = cas {} {} {}", dst(f, d), e(var), e(old), e(new)),
        })
        .collect()
}

fn main_of(body: &str) -> Vec<String> {
    let p = compile(&format!("main: [{body}]"));
    dis(&p, "main")
}

#[test]
fn range_over_a_channel() {
    assert_eq!(
        main_of(r#"Chan("ch", 1), Range("ch", "v", [Send("ch", "v + 1")])"#),
        [
            "ch = new Chan(1)",
            "v, $t0 = recv ch",
            "if not $t0 jump 5",
            "send ch <- (v + 1)",
            "jump 1",
            "return",
        ]
    );
}

#[test]
fn range_without_a_variable_and_with_break_and_continue() {
    assert_eq!(
        main_of(r#"Chan("ch"), Range("ch", [If("true", [Break], [Continue])])"#),
        [
            "ch = new Chan(0)",
            "_, $t0 = recv ch",
            "if not $t0 jump 8",
            "if not true jump 6",
            "jump 8",
            "jump 7",
            "jump 1",
            "jump 1",
            "return",
        ]
    );
}

#[test]
fn select_with_after_and_default() {
    let p = compile(
        r#"main: [
            Chan("ch"),
            Chan("out", 1),
            Select([
                Recv("ch", "v", "ok", [Send("out", "v")]),
                After(5, [Return]),
                Send("out", 7),
                Default([Sleep]),
            ]),
            Close("out"),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "ch = new Chan(0)",
            "out = new Chan(1)",
            "$t0 = new After(5)",
            "select [v, ok = recv ch => 4; _, _ = recv $t0 => 6; send out <- 7 => 8] default => 9",
            "send out <- v",
            "jump 11",
            "return",
            "jump 11",
            "jump 11",
            "sleep",
            "jump 11",
            "close out",
            "return",
        ]
    );
    let main = func(&p, "main");
    let Op::Select { arms, .. } = &main.code[3].op else {
        panic!("not a select")
    };
    let file_text = r#"Scenario(name: "t", main: [
            Chan("ch"),
            Chan("out", 1),
            Select([
                Recv("ch", "v", "ok", [Send("out", "v")]),
                After(5, [Return]),
                Send("out", 7),
                Default([Sleep]),
            ]),
            Close("out"),
        ])"#;
    let file = SourceFile::new("t", file_text);
    assert_eq!(file.slice(arms[1].span), "After(5, [Return])");
    assert_eq!(file.slice(main.code[2].span), "After(5, [Return])");
    assert!(file.slice(main.code[3].span).starts_with("Select(["));
}

#[test]
fn break_inside_select_leaves_the_select_like_go() {
    assert_eq!(
        main_of(r#"Chan("ch"), Loop([Select([Recv("ch", [Break])]), Continue])"#),
        [
            "ch = new Chan(0)",
            "select [_, _ = recv ch => 2]",
            "jump 4",
            "jump 4",
            "jump 1",
            "jump 1",
            "return",
        ]
    );
}

#[test]
fn empty_select_blocks_forever() {
    assert_eq!(main_of("Select([])"), ["select []", "return"]);
}

#[test]
fn defer_bodies_run_after_the_code() {
    let p = compile(
        r#"main: [
            Mutex("mu"),
            Lock("mu"),
            Defer([Unlock("mu")]),
            Defer([Recover("r"), If("r", [Return]), Panic("again")]),
            Panic("boom"),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "mu = new Mutex",
            "lock mu",
            "defer 6",
            "defer 8",
            "panic \"boom\"",
            "return",
            "unlock mu",
            "end defer",
            "r = recover",
            "if not r jump 11",
            "jump 12",
            "panic \"again\"",
            "end defer",
        ]
    );
}

#[test]
fn anonymous_go_captures_locals_in_first_use_order() {
    let p = compile(
        r#"globals: [WaitGroup("wg")],
        main: [
            Chan("results", 3),
            Let("base", 10),
            For("i", 0, 3, [
                Add("wg", 1),
                Go(body: [Send("results", "base + i"), Done("wg")]),
            ]),
            Wait("wg"),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "results = new Chan(3)",
            "base = 10",
            "i = 0",
            "if not (i < 3) jump 8",
            "wgadd @wg 1",
            "go main.func1(results, base, i)",
            "i = (i + 1)",
            "jump 3",
            "wait @wg",
            "return",
        ]
    );
    let f = func(&p, "main.func1");
    assert_eq!(f.param_count, 3);
    assert_eq!(f.local_names, ["results", "base", "i"]);
    assert_eq!(
        dis(&p, "main.func1"),
        ["send results <- (base + i)", "wgadd @wg -1", "return"]
    );
}

#[test]
fn nested_anonymous_bodies_capture_through_each_level() {
    let p = compile(
        r#"main: [
            Chan("ch"),
            Go(body: [Let("x", 1), Go(body: [Send("ch", "x")])]),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        ["ch = new Chan(0)", "go main.func1(ch)", "return"]
    );
    assert_eq!(
        dis(&p, "main.func1"),
        ["x = 1", "go main.func1.func1(ch, x)", "return"]
    );
    assert_eq!(func(&p, "main.func1").local_names, ["ch", "x"]);
    assert_eq!(dis(&p, "main.func1.func1"), ["send ch <- x", "return"]);
}

#[test]
fn once_do_calls_a_synthetic_body() {
    let p = compile(
        r#"globals: [Once("once"), Var("inits", 0)],
        main: [
            Let("step", 2),
            Do("once", [AtomicAdd("inits", "step")]),
            Do("once", []),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "step = 2",
            "once enter @once skip 3",
            "_ = call main.do1(@once, step)",
            "once enter @once skip 5",
            "_ = call main.do2(@once)",
            "return",
        ]
    );
    assert_eq!(
        dis(&p, "main.do1"),
        [
            "defer 3",
            "_ = atomic add @inits step",
            "return",
            "once exit $once",
            "end defer",
        ]
    );
    assert_eq!(func(&p, "main.do1").param_count, 2);
}

#[test]
fn short_circuit_around_a_visible_read() {
    assert_eq!(
        main_of(r#"Chan("ch"), Var("x", 0), Let("a", true), If("a && x > 0", [Sleep])"#),
        [
            "ch = new Chan(0)",
            "x = new Var(0)",
            "a = true",
            "$t0 = a",
            "if not $t0 jump 7",
            "$t1 = load *x",
            "$t0 = ($t1 > 0)",
            "if not $t0 jump 9",
            "sleep",
            "return",
        ]
    );
    assert_eq!(
        main_of(r#"Chan("ch"), Let("a", true), Assert("a || len(ch) == 0")"#),
        [
            "ch = new Chan(0)",
            "a = true",
            "$t0 = a",
            "if not !$t0 jump 6",
            "$t1 = len ch",
            "$t0 = ($t1 == 0)",
            "assert $t0 \"a || len(ch) == 0\"",
            "return",
        ]
    );
    // A read on the left only: no jumps needed.
    assert_eq!(
        main_of(r#"Var("x", 0), Let("a", true), Assert("x > 0 && a", "positive")"#),
        [
            "x = new Var(0)",
            "a = true",
            "$t0 = load *x",
            "assert (($t0 > 0) && a) \"positive\"",
            "return",
        ]
    );
}

#[test]
fn reads_are_extracted_left_to_right_with_their_spans() {
    let text =
        r#"Scenario(name: "t", globals: [Var("x", 1), Map("m")], main: [Set("m[x]", "x + m[2]")])"#;
    let p = compile_full(text);
    assert_eq!(
        dis(&p, "main"),
        [
            "$t0 = load *@x",
            "$t1 = load *@x",
            "$t2 = load @m[2]",
            "store @m[$t0] = ($t1 + $t2)",
            "return",
        ]
    );
    let file = SourceFile::new("t", text);
    let code = &func(&p, "main").code;
    let spans: Vec<&str> = code.iter().map(|i| file.slice(i.span)).collect();
    assert_eq!(spans[0], "x");
    assert_eq!(spans[2], "m[2]");
    assert_eq!(spans[3], r#"Set("m[x]", "x + m[2]")"#);
}

#[test]
fn set_through_pointers_maps_and_locals() {
    let p = compile(
        r#"globals: [Var("count", 0), Map("m")],
        main: [
            Go("bump", ["&count"]),
            Let("n", 1),
            Set("n", "n + 1"),
            Set("m[n]", "n"),
            Delete("m", "n"),
            Set("count", 5),
        ],
        funcs: {"bump": (params: ["p"], body: [Set("*p", "*p + 1"), AtomicAdd("p", 1), AtomicLoad("*p", "v")])}"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "go bump(@count)",
            "n = 1",
            "n = (n + 1)",
            "store @m[n] = n",
            "delete @m[n]",
            "store *@count = 5",
            "return",
        ]
    );
    assert_eq!(
        dis(&p, "bump"),
        [
            "$t0 = load *p",
            "store *p = ($t0 + 1)",
            "_ = atomic add p 1",
            "v = atomic load p",
            "return",
        ]
    );
}

#[test]
fn local_shared_variables_and_results_stored_into_them() {
    let p = compile(
        r#"main: [
            Var("x"),
            Chan("ch", 1),
            Send("ch", "&x"),
            Recv("ch", "p"),
            Set("*p", 3),
            Recv("ch", "x", "ok"),
            AtomicStore("&x", 4),
            CompareAndSwap("x", 4, 5, "swapped"),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "x = new Var(0)",
            "ch = new Chan(1)",
            "send ch <- x",
            "p, _ = recv ch",
            "store *p = 3",
            "$t0, ok = recv ch",
            "store *x = $t0",
            "atomic store x = 4",
            "swapped = cas x 4 5",
            "return",
        ]
    );
}

#[test]
fn for_while_loop_and_if_else() {
    assert_eq!(
        main_of(
            r#"Let("n", 0),
            For(to: 2, body: [Set("n", "n + 1")]),
            While("n > 0", [Set("n", "n - 1"), If("n == 1", [Continue], [Break])]),
            Loop([Break])"#
        ),
        [
            "n = 0",
            "$i = 0",
            "if not ($i < 2) jump 6",
            "n = (n + 1)",
            "$i = ($i + 1)",
            "jump 2",
            "if not (n > 0) jump 13",
            "n = (n - 1)",
            "if not (n == 1) jump 11",
            "jump 6",
            "jump 12",
            "jump 13",
            "jump 6",
            "jump 15",
            "jump 13",
            "return",
        ]
    );
}

#[test]
fn either_and_choose() {
    assert_eq!(
        main_of(
            r#"Choose("x", [1, 2, 3]),
            Either([[Panic("a")], [Assert("x > 0")], []])"#
        ),
        [
            "x = choose [1, 2, 3]",
            "$t0 = choose [0, 1, 2]",
            "if not ($t0 == 0) jump 5",
            "panic \"a\"",
            "jump 8",
            "if not ($t0 == 1) jump 8",
            "assert (x > 0) \"x > 0\"",
            "jump 8",
            "return",
        ]
    );
}

#[test]
fn contexts_timers_and_sync_objects() {
    let p = compile(
        r#"main: [
            WithCancel("ctx", "cancel"),
            WithTimeout("tctx", "tcancel", "ctx", 5),
            Defer([Cancel("cancel")]),
            Background("bg"),
            Select([Recv("ctx.Done()"), Recv("tctx.Done()")]),
            Let("e", "ctx.Err()"),
            Timer("t", 3),
            Recv("t.C"),
            Stop("t", "stopped"),
            Reset("t", 4, "active"),
            Ticker("tk"),
            Tick("c", 2),
            Recv("c"),
            RWMutex("rw"),
            RLock("rw"),
            RUnlock("rw"),
            TryLock("rw", "got"),
            Cond("cond", "rw"),
            Signal("cond"),
            Broadcast("cond"),
            Wait("cond"),
            NilChan("nc"),
            Let("k", "cap(nc)"),
            Cancel("tcancel"),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "ctx = new WithCancel(@context.Background(), cancel cancel)",
            "tctx = new WithCancel(ctx, cancel tcancel, timeout 5)",
            "defer 28",
            "bg = new Background",
            "select [_, _ = recv ctx.Done() => 5; _, _ = recv tctx.Done() => 6]",
            "jump 7",
            "jump 7",
            "$t0 = err ctx",
            "e = $t0",
            "t = new Timer(3)",
            "_, _ = recv t.C",
            "stopped = stop t",
            "active = reset t 4",
            "tk = new Ticker(1)",
            "c = new Tick(2)",
            "_, _ = recv c",
            "rw = new RwMutex",
            "rlock rw",
            "runlock rw",
            "got = trylock rw",
            "cond = new Cond(rw)",
            "signal cond",
            "broadcast cond",
            "wait cond",
            "nc = nil",
            "k = cap(nc)",
            "cancel tcancel",
            "return",
            "cancel cancel",
            "end defer",
        ]
    );
    assert_eq!(p.globals.len(), 1);
    assert_eq!(p.globals[0].name, "context.Background()");
    assert_eq!(p.globals[0].init, Some(NewObject::Background));
}

#[test]
fn globals_params_and_metadata() {
    let text = r#"Scenario(
        name: "demo",
        summary: "a demo",
        origin: "x/y#1",
        taxonomy: (behavior: Blocking, cause: MessagePassing),
        expect: [Leak, Deadlock],
        params: {"n": 2},
        globals: [Chan("ch", "n + 1"), NilChan("nilc"), Mutex("mu"), Cond("c", "mu"), Var("v", "-n"), After("late", 0)],
        main: [Send("ch", "n")],
    )"#;
    let p = compile_full(text);
    let g: Vec<(String, Option<NewObject>)> = p
        .globals
        .iter()
        .map(|g| (g.name.clone(), g.init.clone()))
        .collect();
    use crate::ir::{Expr::*, GlobalId};
    assert_eq!(
        g,
        [
            (
                "ch".to_string(),
                Some(NewObject::Chan {
                    cap: Binary(
                        crate::ir::BinOp::Add,
                        Box::new(Const(crate::ir::Const::Int(2))),
                        Box::new(Const(crate::ir::Const::Int(1)))
                    ),
                    nil_zero: false,
                    zero_size: false,
                })
            ),
            ("nilc".to_string(), None),
            ("mu".to_string(), Some(NewObject::Mutex)),
            (
                "c".to_string(),
                Some(NewObject::Cond {
                    locker: Global(GlobalId(2))
                })
            ),
            (
                "v".to_string(),
                Some(NewObject::Var {
                    init: Unary(UnOp::Neg, Box::new(Const(crate::ir::Const::Int(2))))
                })
            ),
            (
                "late".to_string(),
                Some(NewObject::Timer {
                    kind: crate::syntax::TimerKind::After,
                    duration: Const(crate::ir::Const::Int(0))
                })
            ),
        ]
    );
    assert_eq!(p.globals[5].kind, crate::ir::ObjectKind::Chan);
    assert_eq!(p.meta.name, "demo");
    assert_eq!(p.meta.summary.as_deref(), Some("a demo"));
    assert_eq!(
        p.meta.expect,
        [
            crate::syntax::BugKind::Leak,
            crate::syntax::BugKind::Deadlock
        ]
    );
    assert_eq!(p.meta.params, [("n".to_string(), 2)]);
    assert_eq!(dis(&p, "main"), ["send @ch <- 2", "return"]);
    let file = SourceFile::new("t", text);
    let over = crate::compile(&file, &[("n".into(), "7".into())]).expect("compiles");
    assert_eq!(over.meta.params, [("n".to_string(), 7)]);
    assert_eq!(dis(&over, "main"), ["send @ch <- 7", "return"]);
}

#[test]
fn calls_returns_and_slot_layout() {
    let p = compile(
        r#"main: [
            Call("add", [1, 2], "sum"),
            If("sum > 2", [Let("sum", "sum - 1"), Go("worker", ["sum"])]),
        ],
        funcs: {
            "add": (params: ["a", "b"], body: [Let("c", "a + b"), Return("c")]),
            "worker": (params: ["n"], body: [If("n > 0", [Return]), Panic("odd")]),
        }"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "sum = call add(1, 2)",
            "if not (sum > 2) jump 4",
            "sum = (sum - 1)",
            "go worker(sum)",
            "return",
        ]
    );
    assert_eq!(func(&p, "main").local_names, ["sum", "sum"]);
    assert_eq!(dis(&p, "add"), ["c = (a + b)", "return c", "return"]);
    assert_eq!(func(&p, "add").local_names, ["a", "b", "c"]);
    assert_eq!(
        dis(&p, "worker"),
        ["if not (n > 0) jump 2", "return", "panic \"odd\"", "return"]
    );
    assert_eq!(p.funcs[0].name, "main");
    assert_eq!(p.main.index(), 0);
}

#[test]
fn spans_of_statements_and_functions() {
    let text = r#"Scenario(name: "t", main: [Chan("ch"), Go(body: [Close("ch")])])"#;
    let p = compile_full(text);
    let file = SourceFile::new("t", text);
    let main = func(&p, "main");
    assert_eq!(file.slice(main.code[0].span), r#"Chan("ch")"#);
    assert_eq!(file.slice(main.code[1].span), r#"Go(body: [Close("ch")])"#);
    assert_eq!(file.slice(main.span), "main");
    let anon = func(&p, "main.func1");
    assert_eq!(file.slice(anon.span), r#"Go(body: [Close("ch")])"#);
    assert_eq!(file.slice(anon.code[0].span), r#"Close("ch")"#);
}

#[test]
fn errgroup_methods_are_gos_own_code() {
    // golang.org/x/sync/errgroup v0.7.0: Go, the goroutine it starts (with
    // `done`), the errOnce body, and Wait; no `g.sem` accesses without a
    // `SetLimit` anywhere.
    let p = compile(
        r#"main: [
            WithContext("g", "ctx"),
            GroupGo("g", [Return("errors.New(`boom`)")]),
            Wait("g", "err"),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "ctx = new WithCancel(@context.Background(), cancel $cancel)",
            "g = new Group(cancel $cancel)",
            "wgadd g.wg 1",
            "go errgroup.Go(main.func1)(g)",
            "wait g.wg",
            "if not (g.cancel != nil) jump 7",
            "cancel g.cancel",
            "$t0 = load *g.err",
            "err = $t0",
            "return",
        ]
    );
    assert_eq!(
        dis(&p, "errgroup.Go(main.func1)"),
        [
            "err = call main.func1()",
            "if not (err != nil) jump 4",
            "once enter g.errOnce skip 4",
            "_ = call errgroup.Go(main.func1).errOnce(g.errOnce, g, err)",
            "wgadd g.wg -1",
            "return",
        ]
    );
    assert_eq!(
        dis(&p, "errgroup.Go(main.func1).errOnce"),
        [
            "defer 5",
            "store *g.err = err",
            "if not (g.cancel != nil) jump 4",
            "cancel g.cancel",
            "return",
            "once exit $once",
            "end defer",
        ]
    );
    // With a limit, Go sends on g.sem and done receives from it.
    let p = compile(
        r#"main: [
            Group("g"),
            SetLimit("g", 1),
            GroupGo("g", [Return("nil")]),
        ]"#,
    );
    assert_eq!(
        dis(&p, "main"),
        [
            "g = new Group",
            "$limit = 1",
            "if not ($limit < 0) jump 5",
            "store *g.sem = nil",
            "jump 11",
            "$t0 = load *g.sem",
            "$t1 = len $t0",
            "if not ($t1 != 0) jump 9",
            "panic \"errgroup: modify limit while goroutines in the group are still active\"",
            "$sem = new Chan($limit)",
            "store *g.sem = $sem",
            "$t0 = load *g.sem",
            "$sem = $t0",
            "if not ($sem != nil) jump 15",
            "send $sem <- 0",
            "wgadd g.wg 1",
            "go errgroup.Go(main.func1)(g)",
            "return",
        ]
    );
    assert_eq!(
        dis(&p, "errgroup.Go(main.func1)")[4..],
        [
            "$t0 = load *g.sem",
            "$sem = $t0",
            "if not ($sem != nil) jump 8",
            "_, _ = recv $sem",
            "wgadd g.wg -1",
            "return",
        ]
    );
}

#[test]
fn sync_map_methods_are_one_step_each() {
    let p = compile(
        r#"main: [
            SyncMap("m"),
            Store("m", 1, 2),
            Load("m", 1, "v", "ok"),
            LoadOrStore("m", 1, 3, "a", "loaded"),
            LoadAndDelete("m", 1, "b", "l"),
            Delete("m", 1),
            Range("m", "k", "x", []),
        ]"#,
    );
    let code = dis(&p, "main");
    assert_eq!(
        code[1..6],
        [
            "_, _ = m.Store(1, 2)",
            "v, ok = m.Load(1)",
            "a, loaded = m.LoadOrStore(1, 3)",
            "b, l = m.LoadAndDelete(1)",
            "_, _ = m.Delete(1)",
        ],
        "{code:#?}"
    );
    assert!(
        code.iter().any(|c| c.contains("sync map next m")),
        "{code:#?}"
    );
}

#[test]
fn a_plain_map_lookup_is_one_load_with_a_flag() {
    let p = compile(
        r#"globals: [Var("x", 0)],
        main: [
            Map("m"),
            Load("m", 1, "v", "ok"),
            Load("m", 2, "_", "ok"),
            Load("m", 3, "x", "ok"),
        ]"#,
    );
    let code = dis(&p, "main");
    assert_eq!(
        code[1..5],
        [
            "v, ok = load m[1]",
            "$t0, ok = load m[2]",
            "$t0, ok = load m[3]",
            "store *@x = $t0",
        ],
        "{code:#?}"
    );
}

#[test]
fn afterfunc_starts_a_runner_that_waits_for_its_trigger() {
    // time.AfterFunc and context.AfterFunc: the call makes the timer (or
    // the registration) and starts the runner, which waits, then calls the
    // callback only when it fired; a timer's Reset may start the runner
    // again.
    let p = compile(
        r#"main: [
            Chan("ch", 1),
            AfterFunc("t", 5, [Send("ch", 1)]),
            Reset("t", 1),
            WithCancel("ctx", "cancel"),
            ContextAfterFunc("stop", "ctx", "work", ["ch"]),
            Stop("stop", "ok"),
            Cancel("cancel"),
        ],
        funcs: {"work": Func(params: ["c"], body: [Close("c")])}"#,
    );
    let main = dis(&p, "main");
    assert_eq!(
        main[1],
        "t = afterfunc timer 5 time.AfterFunc(main.func1)(ch)"
    );
    assert!(main[2].starts_with("_ = reset t 1"), "{main:?}");
    assert_eq!(
        main[4],
        "stop = afterfunc ctx ctx context.AfterFunc(work)(ch)"
    );
    assert_eq!(main[5], "ok = stop stop");
    assert_eq!(
        dis(&p, "time.AfterFunc(main.func1)"),
        [
            "$fired = await callback $target",
            "if not $fired jump 3",
            "_ = call main.func1($arg0)",
            "return",
        ]
    );
    assert_eq!(
        dis(&p, "context.AfterFunc(work)"),
        [
            "$fired = await callback $target",
            "if not $fired jump 3",
            "_ = call work($arg0)",
            "return",
        ]
    );
    // Reset names every time.AfterFunc runner it may start again.
    let runner = p
        .funcs
        .iter()
        .position(|f| f.name == "time.AfterFunc(main.func1)")
        .map(|i| crate::ir::FuncId(i as u32));
    match &p.func(p.main).code[2].op {
        Op::TimerReset { respawn, .. } => assert_eq!(respawn.first().copied(), runner),
        other => panic!("not a reset: {other:?}"),
    }
}
