//! The statement table: for each statement its fields in positional
//! order, extra positional orders, and how the matched fields build a
//! [`StmtKind`].

use super::args::{opt, req, Args, FieldSpec, Shape, Ty};
use super::Decoder;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::{ExprSrc, StmtKind, TimerKind};

/// Builds a statement from its matched arguments (`head` is the statement name's span).
type Build = fn(&mut Decoder<'_>, &Args<'_>, Span) -> StmtKind;

/// One row of the statement table.
pub(crate) struct StmtSpec {
    /// Name and fields.
    pub shape: Shape,
    /// How to build it.
    pub(crate) build: Build,
}

const fn row(
    name: &'static str,
    fields: &'static [FieldSpec],
    alts: &'static [&'static [usize]],
    build: Build,
) -> StmtSpec {
    StmtSpec {
        shape: Shape { name, fields, alts },
        build,
    }
}

const NAME: &[FieldSpec] = &[req("name", Ty::Name)];
const TIMER: &[FieldSpec] = &[req("name", Ty::Name), opt("duration", Ty::Expr)];
const MUTEX: &[FieldSpec] = &[req("mutex", Ty::Expr)];
const COND: &[FieldSpec] = &[req("cond", Ty::Expr)];
const LABEL: &[FieldSpec] = &[opt("label", Ty::Name)];
const TIMEOUT: &[FieldSpec] = &[
    req("ctx", Ty::Name),
    req("cancel", Ty::Name),
    opt("parent", Ty::Expr),
    req("timeout", Ty::Expr),
];
const DEADLINE: &[FieldSpec] = &[
    req("ctx", Ty::Name),
    req("cancel", Ty::Name),
    opt("parent", Ty::Expr),
    req("deadline", Ty::Expr),
];

/// Every statement, in the order of the language reference.
pub(crate) static STMTS: &[StmtSpec] = &[
    // ----- declarations -----
    row(
        "Chan",
        &[
            req("name", Ty::Name),
            opt("cap", Ty::Expr),
            opt("elem", Ty::Text),
        ],
        &[],
        |d, a, _| StmtKind::Chan {
            name: d.req_name(a, "name"),
            cap: d.opt_expr(a, "cap"),
            elem: d.opt_type(a, "elem"),
        },
    ),
    row("NilChan", NAME, &[], |d, a, _| StmtKind::NilChan {
        name: d.req_name(a, "name"),
    }),
    row("Mutex", NAME, &[], |d, a, _| StmtKind::Mutex {
        name: d.req_name(a, "name"),
    }),
    row("RWMutex", NAME, &[], |d, a, _| StmtKind::RwMutex {
        name: d.req_name(a, "name"),
    }),
    row("RwMutex", NAME, &[], |d, a, _| StmtKind::RwMutex {
        name: d.req_name(a, "name"),
    }),
    row("WaitGroup", NAME, &[], |d, a, _| StmtKind::WaitGroup {
        name: d.req_name(a, "name"),
    }),
    row("Once", NAME, &[], |d, a, _| StmtKind::Once {
        name: d.req_name(a, "name"),
    }),
    row(
        "Cond",
        &[req("name", Ty::Name), opt("locker", Ty::Expr)],
        &[],
        |d, a, _| StmtKind::Cond {
            name: d.req_name(a, "name"),
            locker: d.opt_expr(a, "locker"),
        },
    ),
    row(
        "Var",
        &[
            req("name", Ty::Name),
            opt("init", Ty::Expr),
            opt("type", Ty::Text),
        ],
        &[],
        |d, a, _| StmtKind::Var {
            name: d.req_name(a, "name"),
            init: d.opt_expr(a, "init"),
            ty: d.opt_type(a, "type"),
        },
    ),
    row(
        "New",
        &[
            req("name", Ty::Name),
            req("type", Ty::Name),
            opt("fields", Ty::Map),
        ],
        &[],
        |d, a, _| StmtKind::New {
            name: d.req_name(a, "name"),
            ty: d.req_name(a, "type"),
            fields: d.field_values(a, "fields"),
        },
    ),
    row(
        "Slice",
        &[
            req("name", Ty::Name),
            req("elem", Ty::Text),
            opt("len", Ty::Expr),
            opt("cap", Ty::Expr),
        ],
        &[],
        |d, a, _| StmtKind::Slice {
            name: d.req_name(a, "name"),
            elem: d.opt_type(a, "elem").unwrap_or(crate::syntax::TypeSrc {
                text: String::new(),
                span: Span::default(),
            }),
            len: d.opt_expr(a, "len"),
            cap: d.opt_expr(a, "cap"),
        },
    ),
    row(
        "Func",
        &[
            req("name", Ty::Name),
            opt("params", Ty::Names),
            req("body", Ty::Block),
            opt("results", Ty::Map),
        ],
        &[&[0, 2]],
        |d, a, _| {
            let results = a.get("results");
            StmtKind::Func {
                name: d.req_name(a, "name"),
                params: d.names_of(a, "params"),
                body: d.block_of(a, "body"),
                results: results.and_then(|n| d.named_results(n)).unwrap_or_default(),
                results_span: results.map(|n| n.span),
            }
        },
    ),
    row(
        "Map",
        &[req("name", Ty::Name), opt("elem", Ty::Text)],
        &[],
        |d, a, _| StmtKind::Map {
            name: d.req_name(a, "name"),
            elem: d.opt_type(a, "elem"),
        },
    ),
    row("Background", NAME, &[], |d, a, _| StmtKind::Background {
        name: d.req_name(a, "name"),
    }),
    row(
        "WithCancel",
        &[
            req("ctx", Ty::Name),
            req("cancel", Ty::Name),
            opt("parent", Ty::Expr),
        ],
        &[],
        |d, a, _| StmtKind::WithCancel {
            ctx: d.req_name(a, "ctx"),
            cancel: d.req_name(a, "cancel"),
            parent: d.opt_expr(a, "parent"),
            timeout: None,
            is_timeout: false,
        },
    ),
    row("WithTimeout", TIMEOUT, &[&[0, 1, 3]], |d, a, _| {
        StmtKind::WithCancel {
            ctx: d.req_name(a, "ctx"),
            cancel: d.req_name(a, "cancel"),
            parent: d.opt_expr(a, "parent"),
            timeout: Some(d.req_expr(a, "timeout")),
            is_timeout: true,
        }
    }),
    row("WithDeadline", DEADLINE, &[&[0, 1, 3]], |d, a, _| {
        StmtKind::WithCancel {
            ctx: d.req_name(a, "ctx"),
            cancel: d.req_name(a, "cancel"),
            parent: d.opt_expr(a, "parent"),
            timeout: Some(d.req_expr(a, "deadline")),
            is_timeout: true,
        }
    }),
    row("Timer", TIMER, &[], |d, a, _| timer(d, a, TimerKind::Timer)),
    row("After", TIMER, &[], |d, a, _| timer(d, a, TimerKind::After)),
    row("Ticker", TIMER, &[], |d, a, _| {
        timer(d, a, TimerKind::Ticker)
    }),
    row("Tick", TIMER, &[], |d, a, _| timer(d, a, TimerKind::Tick)),
    row(
        "AfterFunc",
        &[
            opt("name", Ty::Name),
            opt("duration", Ty::Expr),
            opt("func", Ty::Name),
            opt("args", Ty::Exprs),
            opt("body", Ty::Block),
        ],
        &[&[0, 1, 4], &[1, 4], &[1, 2]],
        after_func,
    ),
    row(
        "ContextAfterFunc",
        &[
            opt("stop", Ty::Name),
            req("ctx", Ty::Expr),
            opt("func", Ty::Name),
            opt("args", Ty::Exprs),
            opt("body", Ty::Block),
        ],
        &[&[0, 1, 4], &[1, 4], &[1, 2]],
        context_after_func,
    ),
    // ----- locals and shared variables -----
    row(
        "Append",
        &[req("target", Ty::Expr), req("value", Ty::Results)],
        &[],
        |d, a, head| {
            let (first, more) = d.results(a, "value");
            let values: Vec<ExprSrc> = first.into_iter().chain(more).collect();
            if values.is_empty() {
                d.error(
                    Diagnostic::new("`Append` needs a value to append", head)
                        .with_label("nothing appended")
                        .with_help("write `Append(\"xs\", \"v\")`, `Append(\"xs\", [\"a\", \"b\"])` or `Append(\"xs\", \"ys...\")`"),
                );
            }
            StmtKind::Append {
                target: d.req_expr(a, "target"),
                values,
            }
        },
    ),
    row(
        "Let",
        &[
            req("name", Ty::Name),
            req("value", Ty::Expr),
            opt("type", Ty::Text),
        ],
        &[],
        |d, a, _| StmtKind::Let {
            name: d.req_name(a, "name"),
            value: d.req_expr(a, "value"),
            ty: d.opt_type(a, "type"),
        },
    ),
    row(
        "Set",
        &[req("target", Ty::Expr), req("value", Ty::Expr)],
        &[],
        |d, a, _| StmtKind::Set {
            target: d.req_expr(a, "target"),
            value: d.req_expr(a, "value"),
        },
    ),
    row(
        "Delete",
        &[req("map", Ty::Expr), req("key", Ty::Expr)],
        &[],
        |d, a, _| StmtKind::Delete {
            map: d.req_expr(a, "map"),
            key: d.req_expr(a, "key"),
        },
    ),
    // ----- channels -----
    row(
        "Send",
        &[req("chan", Ty::Expr), opt("value", Ty::Expr)],
        &[],
        |d, a, _| StmtKind::Send {
            chan: d.req_expr(a, "chan"),
            value: d.opt_expr(a, "value"),
        },
    ),
    row(
        "Recv",
        &[
            req("chan", Ty::Expr),
            opt("into", Ty::Into),
            opt("ok", Ty::Into),
        ],
        &[],
        |d, a, _| StmtKind::Recv {
            chan: d.req_expr(a, "chan"),
            into: d.opt_into(a, "into"),
            ok: d.opt_into(a, "ok"),
        },
    ),
    row("Close", &[req("chan", Ty::Expr)], &[], |d, a, _| {
        StmtKind::Close {
            chan: d.req_expr(a, "chan"),
        }
    }),
    row(
        "Range",
        &[
            req("chan", Ty::Expr),
            opt("var", Ty::Into),
            req("body", Ty::Block),
            opt("value", Ty::Into),
            opt("label", Ty::Name),
        ],
        &[&[0, 2], &[0, 1, 3, 2]],
        |d, a, _| StmtKind::Range {
            chan: d.req_expr(a, "chan"),
            var: d.opt_into(a, "var"),
            value: d.opt_into(a, "value"),
            body: d.block_of(a, "body"),
            label: d.opt_name(a, "label"),
        },
    ),
    row(
        "Select",
        &[req("cases", Ty::Cases), opt("label", Ty::Name)],
        &[],
        |d, a, _| StmtKind::Select {
            cases: a.get("cases").map_or_else(Vec::new, |n| d.cases(n)),
            label: d.opt_name(a, "label"),
        },
    ),
    row(
        "Switch",
        &[
            opt("tag", Ty::Expr),
            req("cases", Ty::SwitchCases),
            opt("label", Ty::Name),
        ],
        &[&[1]],
        |d, a, _| StmtKind::Switch {
            tag: d.opt_expr(a, "tag"),
            cases: a.get("cases").map_or_else(Vec::new, |n| d.switch_cases(n)),
            label: d.opt_name(a, "label"),
        },
    ),
    // ----- sync -----
    row("Lock", MUTEX, &[], |d, a, _| StmtKind::Lock {
        mutex: d.req_expr(a, "mutex"),
    }),
    row("Unlock", MUTEX, &[], |d, a, _| StmtKind::Unlock {
        mutex: d.req_expr(a, "mutex"),
    }),
    row(
        "TryLock",
        &[req("mutex", Ty::Expr), opt("into", Ty::Into)],
        &[],
        |d, a, _| StmtKind::TryLock {
            mutex: d.req_expr(a, "mutex"),
            into: d.opt_into(a, "into"),
        },
    ),
    row("RLock", MUTEX, &[], |d, a, _| StmtKind::RLock {
        mutex: d.req_expr(a, "mutex"),
    }),
    row("RUnlock", MUTEX, &[], |d, a, _| StmtKind::RUnlock {
        mutex: d.req_expr(a, "mutex"),
    }),
    row(
        "Add",
        &[req("wg", Ty::Expr), req("delta", Ty::Expr)],
        &[],
        |d, a, _| StmtKind::Add {
            wg: d.req_expr(a, "wg"),
            delta: d.req_expr(a, "delta"),
        },
    ),
    row("Done", &[req("wg", Ty::Expr)], &[], |d, a, _| {
        StmtKind::Done {
            wg: d.req_expr(a, "wg"),
        }
    }),
    row(
        "Wait",
        &[req("target", Ty::Expr), opt("into", Ty::Into)],
        &[],
        |d, a, _| StmtKind::Wait {
            target: d.req_expr(a, "target"),
            into: d.opt_into(a, "into"),
        },
    ),
    row("Signal", COND, &[], |d, a, _| StmtKind::Signal {
        cond: d.req_expr(a, "cond"),
    }),
    row("Broadcast", COND, &[], |d, a, _| StmtKind::Broadcast {
        cond: d.req_expr(a, "cond"),
    }),
    row(
        "Do",
        &[req("once", Ty::Expr), req("body", Ty::Block)],
        &[],
        |d, a, _| StmtKind::Do {
            once: d.req_expr(a, "once"),
            body: d.block_of(a, "body"),
        },
    ),
    row("Cancel", &[req("cancel", Ty::Expr)], &[], |d, a, _| {
        StmtKind::Cancel {
            cancel: d.req_expr(a, "cancel"),
        }
    }),
    row(
        "Stop",
        &[req("timer", Ty::Expr), opt("into", Ty::Into)],
        &[],
        |d, a, _| StmtKind::Stop {
            timer: d.req_expr(a, "timer"),
            into: d.opt_into(a, "into"),
        },
    ),
    row(
        "Reset",
        &[
            req("timer", Ty::Expr),
            opt("duration", Ty::Expr),
            opt("into", Ty::Into),
        ],
        &[],
        |d, a, _| StmtKind::Reset {
            timer: d.req_expr(a, "timer"),
            duration: d.opt_expr(a, "duration"),
            into: d.opt_into(a, "into"),
        },
    ),
    row("Sleep", &[opt("duration", Ty::Expr)], &[], |d, a, _| {
        StmtKind::Sleep {
            duration: d.opt_expr(a, "duration"),
        }
    }),
    // ----- atomics -----
    row(
        "AtomicLoad",
        &[req("var", Ty::Expr), req("into", Ty::Name)],
        &[],
        |d, a, _| StmtKind::AtomicLoad {
            var: d.req_expr(a, "var"),
            into: d.req_name(a, "into"),
        },
    ),
    row(
        "AtomicStore",
        &[req("var", Ty::Expr), req("value", Ty::Expr)],
        &[],
        |d, a, _| StmtKind::AtomicStore {
            var: d.req_expr(a, "var"),
            value: d.req_expr(a, "value"),
        },
    ),
    row(
        "AtomicAdd",
        &[
            req("var", Ty::Expr),
            req("delta", Ty::Expr),
            opt("into", Ty::Into),
        ],
        &[],
        |d, a, _| StmtKind::AtomicAdd {
            var: d.req_expr(a, "var"),
            delta: d.req_expr(a, "delta"),
            into: d.opt_into(a, "into"),
        },
    ),
    row(
        "CompareAndSwap",
        &[
            req("var", Ty::Expr),
            req("old", Ty::Expr),
            req("new", Ty::Expr),
            opt("into", Ty::Into),
        ],
        &[],
        |d, a, _| StmtKind::CompareAndSwap {
            var: d.req_expr(a, "var"),
            old: d.req_expr(a, "old"),
            new: d.req_expr(a, "new"),
            into: d.opt_into(a, "into"),
        },
    ),
    // ----- control -----
    row(
        "If",
        &[
            req("cond", Ty::Expr),
            req("then", Ty::Block),
            opt("else", Ty::Block),
        ],
        &[],
        |d, a, _| StmtKind::If {
            cond: d.req_expr(a, "cond"),
            then: d.block_of(a, "then"),
            els: d.block_of(a, "else"),
        },
    ),
    row(
        "For",
        &[
            opt("var", Ty::Name),
            opt("from", Ty::Expr),
            req("to", Ty::Expr),
            req("body", Ty::Block),
            opt("label", Ty::Name),
        ],
        &[&[2, 3], &[0, 2, 3]],
        |d, a, _| StmtKind::For {
            var: d.opt_name(a, "var"),
            from: d.opt_expr(a, "from"),
            to: d.req_expr(a, "to"),
            body: d.block_of(a, "body"),
            label: d.opt_name(a, "label"),
        },
    ),
    row(
        "While",
        &[
            req("cond", Ty::Expr),
            req("body", Ty::Block),
            opt("label", Ty::Name),
        ],
        &[],
        |d, a, _| StmtKind::While {
            cond: d.req_expr(a, "cond"),
            body: d.block_of(a, "body"),
            label: d.opt_name(a, "label"),
        },
    ),
    row(
        "Loop",
        &[req("body", Ty::Block), opt("label", Ty::Name)],
        &[],
        |d, a, _| StmtKind::Loop {
            body: d.block_of(a, "body"),
            label: d.opt_name(a, "label"),
        },
    ),
    row("Break", LABEL, &[], |d, a, _| StmtKind::Break {
        label: d.opt_name(a, "label"),
    }),
    row("Continue", LABEL, &[], |d, a, _| StmtKind::Continue {
        label: d.opt_name(a, "label"),
    }),
    row("Return", &[opt("value", Ty::Results)], &[], |d, a, _| {
        let (value, more) = d.results(a, "value");
        StmtKind::Return { value, more }
    }),
    row(
        "Choose",
        &[req("into", Ty::Name), req("values", Ty::Exprs)],
        &[],
        |d, a, _| StmtKind::Choose {
            into: d.req_name(a, "into"),
            values: d.exprs_of(a, "values"),
        },
    ),
    row("Either", &[req("branches", Ty::Blocks)], &[], |d, a, _| {
        let branches = match a.get("branches") {
            Some(n) => {
                let items = d.list(n, Ty::Blocks);
                items.iter().map(|b| d.block(b)).collect()
            }
            None => Vec::new(),
        };
        StmtKind::Either { branches }
    }),
    row(
        "Go",
        &[
            opt("func", Ty::Name),
            opt("args", Ty::Exprs),
            opt("body", Ty::Block),
        ],
        &[&[2]],
        go,
    ),
    // ----- sync.Map -----
    row("SyncMap", NAME, &[], |d, a, _| StmtKind::SyncMap {
        name: d.req_name(a, "name"),
    }),
    row(
        "Load",
        &[
            req("map", Ty::Expr),
            req("key", Ty::Expr),
            opt("into", Ty::Into),
            opt("ok", Ty::Into),
        ],
        &[],
        |d, a, _| StmtKind::SyncLoad {
            map: d.req_expr(a, "map"),
            key: d.req_expr(a, "key"),
            into: d.opt_into(a, "into"),
            ok: d.opt_into(a, "ok"),
        },
    ),
    row(
        "Store",
        &[
            req("map", Ty::Expr),
            req("key", Ty::Expr),
            req("value", Ty::Expr),
        ],
        &[],
        |d, a, _| StmtKind::SyncStore {
            map: d.req_expr(a, "map"),
            key: d.req_expr(a, "key"),
            value: d.req_expr(a, "value"),
        },
    ),
    row(
        "LoadOrStore",
        &[
            req("map", Ty::Expr),
            req("key", Ty::Expr),
            req("value", Ty::Expr),
            opt("into", Ty::Into),
            opt("loaded", Ty::Into),
        ],
        &[],
        |d, a, _| StmtKind::SyncLoadOrStore {
            map: d.req_expr(a, "map"),
            key: d.req_expr(a, "key"),
            value: d.req_expr(a, "value"),
            into: d.opt_into(a, "into"),
            loaded: d.opt_into(a, "loaded"),
        },
    ),
    row(
        "LoadAndDelete",
        &[
            req("map", Ty::Expr),
            req("key", Ty::Expr),
            opt("into", Ty::Into),
            opt("loaded", Ty::Into),
        ],
        &[],
        |d, a, _| StmtKind::SyncLoadAndDelete {
            map: d.req_expr(a, "map"),
            key: d.req_expr(a, "key"),
            into: d.opt_into(a, "into"),
            loaded: d.opt_into(a, "loaded"),
        },
    ),
    // ----- errgroup and context values -----
    row("Group", NAME, &[], |d, a, _| StmtKind::Group {
        name: d.req_name(a, "name"),
    }),
    row(
        "WithContext",
        &[
            req("group", Ty::Name),
            req("ctx", Ty::Name),
            opt("parent", Ty::Expr),
        ],
        &[],
        |d, a, _| StmtKind::GroupWithContext {
            group: d.req_name(a, "group"),
            ctx: d.req_name(a, "ctx"),
            parent: d.opt_expr(a, "parent"),
        },
    ),
    row(
        "GroupGo",
        &[
            req("group", Ty::Expr),
            opt("func", Ty::Name),
            opt("args", Ty::Exprs),
            opt("body", Ty::Block),
        ],
        &[&[0, 3]],
        group_go,
    ),
    row(
        "SetLimit",
        &[req("group", Ty::Expr), req("limit", Ty::Expr)],
        &[],
        |d, a, _| StmtKind::SetLimit {
            group: d.req_expr(a, "group"),
            limit: d.req_expr(a, "limit"),
        },
    ),
    row(
        "WithValue",
        &[
            req("ctx", Ty::Name),
            req("parent", Ty::Expr),
            req("key", Ty::Expr),
            req("value", Ty::Expr),
        ],
        &[],
        |d, a, _| StmtKind::WithValue {
            ctx: d.req_name(a, "ctx"),
            parent: d.req_expr(a, "parent"),
            key: d.req_expr(a, "key"),
            value: d.req_expr(a, "value"),
        },
    ),
    row(
        "Call",
        &[
            req("func", Ty::Name),
            opt("args", Ty::Exprs),
            opt("into", Ty::Intos),
        ],
        &[],
        |d, a, _| {
            let (into, more) = d.intos(a, "into");
            StmtKind::Call {
                func: d.req_name(a, "func"),
                args: d.exprs_of(a, "args"),
                into,
                more,
            }
        },
    ),
    row(
        "Defer",
        &[opt("body", Ty::Block), opt("call", Ty::Expr)],
        &[&[1]],
        defer,
    ),
    row("Panic", &[opt("message", Ty::Text)], &[], |d, a, _| {
        StmtKind::Panic {
            message: d
                .opt_text(a, "message")
                .unwrap_or_else(|| "panic".to_string()),
        }
    }),
    row("Recover", &[opt("into", Ty::Into)], &[], |d, a, _| {
        StmtKind::Recover {
            into: d.opt_into(a, "into"),
        }
    }),
    row(
        "Assert",
        &[req("cond", Ty::Expr), opt("message", Ty::Text)],
        &[],
        |d, a, _| {
            let cond = d.req_expr(a, "cond");
            let message = d.opt_text(a, "message").unwrap_or_else(|| match &cond {
                ExprSrc::Text { text, .. } => text.clone(),
                ExprSrc::Int(v, _) => v.to_string(),
                ExprSrc::Bool(b, _) => b.to_string(),
            });
            StmtKind::Assert { cond, message }
        },
    ),
];

fn timer(d: &mut Decoder<'_>, a: &Args<'_>, kind: TimerKind) -> StmtKind {
    StmtKind::Timer {
        kind,
        name: d.req_name(a, "name"),
        duration: d.opt_expr(a, "duration"),
    }
}

fn go(d: &mut Decoder<'_>, a: &Args<'_>, head: Span) -> StmtKind {
    let (func, args, body) = func_or_body(
        d,
        a,
        head,
        "Go",
        "Go(\"worker\", [args])` or `Go(body: [...])",
    );
    StmtKind::Go { func, args, body }
}

/// `AfterFunc("t", 5, [...])` or `AfterFunc("t", 5, "f", [args])`:
/// `t := time.AfterFunc(d, f)`.
fn after_func(d: &mut Decoder<'_>, a: &Args<'_>, head: Span) -> StmtKind {
    let name = d.opt_name(a, "name");
    let duration = d.opt_expr(a, "duration");
    let (func, args, body) = func_or_body(
        d,
        a,
        head,
        "AfterFunc",
        "AfterFunc(\"t\", 5, \"f\", [args])` or `AfterFunc(\"t\", 5, body: [...])",
    );
    StmtKind::AfterFunc {
        name,
        duration,
        func,
        args,
        body,
    }
}

/// `ContextAfterFunc("stop", "ctx", [...])`: `stop := context.AfterFunc(ctx, f)`.
fn context_after_func(d: &mut Decoder<'_>, a: &Args<'_>, head: Span) -> StmtKind {
    let stop = d.opt_name(a, "stop");
    let ctx = d.req_expr(a, "ctx");
    let (func, args, body) = func_or_body(
        d,
        a,
        head,
        "ContextAfterFunc",
        "ContextAfterFunc(\"stop\", \"ctx\", \"f\", [args])` or `ContextAfterFunc(\"stop\", \"ctx\", body: [...])",
    );
    StmtKind::ContextAfterFunc {
        stop,
        ctx,
        func,
        args,
        body,
    }
}

/// `GroupGo("g", "f", [args])` or `GroupGo("g", [...])`: `g.Go(f)`.
fn group_go(d: &mut Decoder<'_>, a: &Args<'_>, head: Span) -> StmtKind {
    let group = d.req_expr(a, "group");
    let (func, args, body) = func_or_body(
        d,
        a,
        head,
        "GroupGo",
        "GroupGo(\"g\", \"worker\", [args])` or `GroupGo(\"g\", body: [...])",
    );
    StmtKind::GroupGo {
        group,
        func,
        args,
        body,
    }
}

/// The `func`, `args` and `body` of a statement that runs a function:
/// either a named function with arguments or an anonymous body.
fn func_or_body(
    d: &mut Decoder<'_>,
    a: &Args<'_>,
    head: Span,
    stmt: &str,
    forms: &str,
) -> (
    Option<crate::syntax::Name>,
    Vec<ExprSrc>,
    crate::syntax::Block,
) {
    let func = d.opt_name(a, "func");
    let args = d.exprs_of(a, "args");
    let body = d.block_of(a, "body");
    match (a.entry("func"), a.entry("body")) {
        (Some((f, _)), Some((b, _))) => d.error(
            Diagnostic::new(
                format!("`{stmt}` takes either `func` or `body`, not both"),
                b,
            )
            .with_label("anonymous body")
            .with_secondary(f, "function name"),
        ),
        (None, None) => d.error(
            Diagnostic::new(format!("`{stmt}` needs a `func` or a `body`"), head)
                .with_label("nothing to start")
                .with_help(format!("write `{forms}`")),
        ),
        (None, Some(_)) => {
            if let Some((span, _)) = a.entry("args") {
                d.error(
                    Diagnostic::new("`args` can only be given with `func`", span)
                        .with_label("arguments for an anonymous body")
                        .with_help("an anonymous body uses the enclosing locals directly"),
                );
            }
        }
        (Some(_), None) => {}
    }
    (func, args, body)
}

/// `Defer([...])`, or `Defer("recover()")`: the direct form `defer
/// recover()`, the only deferred call written as an expression.
fn defer(d: &mut Decoder<'_>, a: &Args<'_>, head: Span) -> StmtKind {
    let body = d.block_of(a, "body");
    let call = d.opt_expr(a, "call");
    match (a.entry("body"), call) {
        (Some((b, _)), Some(c)) => {
            d.error(
                Diagnostic::new("`Defer` takes either `body` or `call`, not both", c.span())
                    .with_label("a deferred call")
                    .with_secondary(b, "a deferred body"),
            );
            StmtKind::Defer {
                body,
                direct_recover: None,
            }
        }
        (None, None) => {
            d.error(
                Diagnostic::new("`Defer` needs a `body` or a `call`", head)
                    .with_label("nothing to defer")
                    .with_help("write `Defer([Unlock(\"mu\")])` for `defer mu.Unlock()`, or `Defer(\"recover()\")` for `defer recover()`"),
            );
            StmtKind::Defer {
                body,
                direct_recover: None,
            }
        }
        (Some(_), None) => StmtKind::Defer {
            body,
            direct_recover: None,
        },
        (None, Some(c)) => {
            let text = match &c {
                ExprSrc::Text { text, .. } => text.split_whitespace().collect::<String>(),
                ExprSrc::Int(..) | ExprSrc::Bool(..) => String::new(),
            };
            if text != "recover()" {
                d.error(
                    Diagnostic::new("`Defer(call: ...)` takes only `recover()`", c.span())
                        .with_label("not `recover()`")
                        .with_note("other deferred calls are written as a body: `defer mu.Unlock()` is `Defer([Unlock(\"mu\")])`, `defer f(x)` is `Defer([Call(\"f\", [\"x\"])])`")
                        .with_help("write the call as a statement in `Defer([...])`"),
                );
            }
            StmtKind::Defer {
                body,
                direct_recover: Some(c.span()),
            }
        }
    }
}
