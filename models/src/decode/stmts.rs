//! Statements and select cases: finding the table row, matching the
//! arguments, decoding each field by its type.

use super::args::{opt, req, Args, Shape, Ty};
use super::table::STMTS;
use super::Decoder;
use crate::diagnostic::{closest, Diagnostic};
use crate::ron::{Node, NodeKind};
use crate::span::Span;
use crate::syntax::{
    Block, CaseKind, ExprSrc, Name, SelectCase, Stmt, StmtKind, SwitchCase, TimerKind, TypeSrc,
};

/// The select cases: fields in positional order.
static SWITCH_CASES: &[Shape] = &[
    Shape {
        name: "Case",
        fields: &[req("values", Ty::Exprs), opt("body", Ty::Block)],
        alts: &[],
    },
    Shape {
        name: "Default",
        fields: &[opt("body", Ty::Block)],
        alts: &[],
    },
];

static CASES: &[Shape] = &[
    Shape {
        name: "Send",
        fields: &[
            req("chan", Ty::Expr),
            opt("value", Ty::Expr),
            opt("body", Ty::Block),
        ],
        alts: &[&[0, 2]],
    },
    Shape {
        name: "Recv",
        fields: &[
            req("chan", Ty::Expr),
            opt("into", Ty::Into),
            opt("ok", Ty::Into),
            opt("body", Ty::Block),
        ],
        alts: &[&[0, 3], &[0, 1, 3]],
    },
    Shape {
        name: "After",
        fields: &[opt("duration", Ty::Expr), opt("body", Ty::Block)],
        alts: &[&[1]],
    },
    Shape {
        name: "Default",
        fields: &[opt("body", Ty::Block)],
        alts: &[],
    },
];

/// Statements allowed in `globals`: declarations of package-level objects.
const GLOBAL_DECLS: &[&str] = &[
    "Chan",
    "NilChan",
    "Mutex",
    "RWMutex",
    "RwMutex",
    "WaitGroup",
    "Once",
    "Cond",
    "Var",
    "New",
    "Slice",
    "Map",
    "SyncMap",
    "Background",
    "Timer",
    "After",
    "Ticker",
    "Tick",
];

/// The name of the statement written in `node` when it is a statement that
/// may not appear in `globals` (whether or not the rest of it decodes).
pub(crate) fn global_error(node: &Node) -> Option<&str> {
    let id = head(node)?;
    let name = id.name.as_str();
    let known = STMTS.iter().any(|s| s.shape.name == name);
    (known && !GLOBAL_DECLS.contains(&name)).then_some(name)
}

/// The RON name of a statement kind.
pub(crate) fn stmt_name(kind: &StmtKind) -> &'static str {
    match kind {
        StmtKind::Chan { .. } => "Chan",
        StmtKind::NilChan { .. } => "NilChan",
        StmtKind::Mutex { .. } => "Mutex",
        StmtKind::RwMutex { .. } => "RWMutex",
        StmtKind::WaitGroup { .. } => "WaitGroup",
        StmtKind::Once { .. } => "Once",
        StmtKind::Cond { .. } => "Cond",
        StmtKind::Var { .. } => "Var",
        StmtKind::New { .. } => "New",
        StmtKind::Slice { .. } => "Slice",
        StmtKind::Func { .. } => "Func",
        StmtKind::Map { .. } => "Map",
        StmtKind::Background { .. } => "Background",
        StmtKind::WithCancel {
            is_timeout: false, ..
        } => "WithCancel",
        StmtKind::WithCancel { .. } => "WithTimeout",
        StmtKind::Timer { kind, .. } => match kind {
            TimerKind::Timer => "Timer",
            TimerKind::After => "After",
            TimerKind::Ticker => "Ticker",
            TimerKind::Tick => "Tick",
        },
        StmtKind::Let { .. } => "Let",
        StmtKind::Set { .. } => "Set",
        StmtKind::Delete { .. } => "Delete",
        StmtKind::Send { .. } => "Send",
        StmtKind::Recv { .. } => "Recv",
        StmtKind::Close { .. } => "Close",
        StmtKind::Range { .. } => "Range",
        StmtKind::Select { .. } => "Select",
        StmtKind::Switch { .. } => "Switch",
        StmtKind::Lock { .. } => "Lock",
        StmtKind::Unlock { .. } => "Unlock",
        StmtKind::TryLock { .. } => "TryLock",
        StmtKind::RLock { .. } => "RLock",
        StmtKind::RUnlock { .. } => "RUnlock",
        StmtKind::Add { .. } => "Add",
        StmtKind::Done { .. } => "Done",
        StmtKind::Wait { .. } => "Wait",
        StmtKind::Group { .. } => "Group",
        StmtKind::SyncMap { .. } => "SyncMap",
        StmtKind::SyncLoad { .. } => "Load",
        StmtKind::SyncStore { .. } => "Store",
        StmtKind::SyncLoadOrStore { .. } => "LoadOrStore",
        StmtKind::SyncLoadAndDelete { .. } => "LoadAndDelete",
        StmtKind::GroupWithContext { .. } => "WithContext",
        StmtKind::GroupGo { .. } => "GroupGo",
        StmtKind::AfterFunc { .. } => "AfterFunc",
        StmtKind::Append { .. } => "Append",
        StmtKind::ContextAfterFunc { .. } => "ContextAfterFunc",
        StmtKind::SetLimit { .. } => "SetLimit",
        StmtKind::WithValue { .. } => "WithValue",
        StmtKind::Signal { .. } => "Signal",
        StmtKind::Broadcast { .. } => "Broadcast",
        StmtKind::Do { .. } => "Do",
        StmtKind::Cancel { .. } => "Cancel",
        StmtKind::Stop { .. } => "Stop",
        StmtKind::Reset { .. } => "Reset",
        StmtKind::Sleep { .. } => "Sleep",
        StmtKind::AtomicLoad { .. } => "AtomicLoad",
        StmtKind::AtomicStore { .. } => "AtomicStore",
        StmtKind::AtomicAdd { .. } => "AtomicAdd",
        StmtKind::CompareAndSwap { .. } => "CompareAndSwap",
        StmtKind::If { .. } => "If",
        StmtKind::For { .. } => "For",
        StmtKind::While { .. } => "While",
        StmtKind::Loop { .. } => "Loop",
        StmtKind::Break { .. } => "Break",
        StmtKind::Continue { .. } => "Continue",
        StmtKind::Return { .. } => "Return",
        StmtKind::Choose { .. } => "Choose",
        StmtKind::Either { .. } => "Either",
        StmtKind::Go { .. } => "Go",
        StmtKind::Call { .. } => "Call",
        StmtKind::Defer { .. } => "Defer",
        StmtKind::Panic { .. } => "Panic",
        StmtKind::Recover { .. } => "Recover",
        StmtKind::Assert { .. } => "Assert",
    }
}

/// The name and its span of a record-like node (`Name`, `Name(...)`).
fn head(node: &Node) -> Option<&crate::ron::Ident> {
    match &node.kind {
        NodeKind::Ident(id) => Some(id),
        NodeKind::Tuple { name, .. }
        | NodeKind::Struct { name, .. }
        | NodeKind::Mixed { name, .. } => name.as_ref(),
        _ => None,
    }
}

/// The arguments of a record node, positional and named.
fn top_level_values(node: &Node) -> Vec<&Node> {
    match &node.kind {
        NodeKind::Tuple { items, .. } => items.iter().collect(),
        NodeKind::Struct { fields, .. } => fields.iter().map(|f| &f.value).collect(),
        NodeKind::Mixed { items, fields, .. } => items
            .iter()
            .chain(fields.iter().map(|f| &f.value))
            .collect(),
        _ => Vec::new(),
    }
}

impl Decoder<'_> {
    /// One statement, or nothing when it fails to decode (see [`Decoder::part`]).
    pub(crate) fn stmt(&mut self, node: &Node) -> Option<Stmt> {
        self.part(&[node], |d| d.stmt_inner(node))
    }

    fn stmt_inner(&mut self, node: &Node) -> Option<Stmt> {
        let Some(id) = head(node) else {
            let d = Diagnostic::new(
                format!("expected a statement, found {}", node.describe()),
                node.span,
            )
            .with_label("expected a statement like `Send(\"ch\", 1)`");
            self.error(d);
            return None;
        };
        let Some(spec) = STMTS.iter().find(|s| s.shape.name == id.name) else {
            let mut d = Diagnostic::new(format!("unknown statement `{}`", id.name), id.span)
                .with_label("not a statement");
            if id.name == "Default" {
                d = d
                    .with_note("`Default` is a select case: it can only appear in `Select([...])`")
                    .with_help(self.in_select_help(node));
            } else if id.name == "Case" {
                d = d.with_note(
                    "`Case` is a switch case: it can only appear in `Switch(tag, [...])`",
                );
            } else if let Some(s) = closest(&id.name, STMTS.iter().map(|s| s.shape.name)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.error(d);
            // Any of its arguments may be a name it declares.
            for n in top_level_values(node) {
                self.may_declare(n);
            }
            return None;
        };
        if let Some(d) = self.case_as_statement(node, &id.name, id.span) {
            self.error(d);
            for n in top_level_values(node) {
                self.may_declare(n);
            }
            return None;
        }
        let args = self.args(node, id.span, spec.shape);
        for f in spec.shape.fields {
            // `func` names a function; a loop's `var` is local to the loop.
            let declares = matches!(f.ty, Ty::Name | Ty::Into) && !matches!(f.name, "func" | "var");
            if let Some(n) = args.get(f.name).filter(|_| declares) {
                self.may_declare(n);
            }
        }
        let kind = (spec.build)(self, &args, id.span);
        Some(Stmt {
            kind,
            span: node.span,
        })
    }

    /// The cases of a `Select`.
    pub(super) fn cases(&mut self, node: &Node) -> Vec<SelectCase> {
        let items = self.list(node, Ty::Cases);
        items
            .iter()
            .filter_map(|n| self.part(&[n], |d| d.case(n)))
            .collect()
    }

    fn case(&mut self, node: &Node) -> Option<SelectCase> {
        let names = || CASES.iter().map(|s| s.name);
        let Some(id) = head(node) else {
            self.error(
                Diagnostic::new(
                    format!("expected a select case, found {}", node.describe()),
                    node.span,
                )
                .with_label("expected `Send`, `Recv`, `After` or `Default`"),
            );
            return None;
        };
        let Some(shape) = CASES.iter().find(|s| s.name == id.name) else {
            let mut d = Diagnostic::new(format!("unknown select case `{}`", id.name), id.span)
                .with_label("not a select case")
                .with_note("a case is `Send(chan, value, body)`, `Recv(chan, into, ok, body)`, `After(duration, body)` or `Default(body)`");
            if let Some(s) = closest(&id.name, names()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.error(d);
            return None;
        };
        let a = self.args(node, id.span, *shape);
        let kind = match shape.name {
            "Send" => CaseKind::Send {
                chan: self.req_expr(&a, "chan"),
                value: self.opt_expr(&a, "value"),
            },
            "Recv" => CaseKind::Recv {
                chan: self.req_expr(&a, "chan"),
                into: self.opt_into(&a, "into"),
                ok: self.opt_into(&a, "ok"),
            },
            "After" => CaseKind::After {
                duration: self.opt_expr(&a, "duration"),
            },
            _ => CaseKind::Default,
        };
        Some(SelectCase {
            kind,
            body: self.block_of(&a, "body"),
            span: node.span,
        })
    }

    /// `Recv("ch", [body])`, `Send("ch", 1, [body])` or `After(1, [body])`
    /// written as a statement: a body belongs to a select case.
    fn case_as_statement(&self, node: &Node, name: &str, head: Span) -> Option<Diagnostic> {
        if !matches!(name, "Recv" | "Send" | "After") {
            return None;
        }
        let (items, fields): (&[Node], &[crate::ron::Field]) = match &node.kind {
            NodeKind::Tuple { items, .. } => (items, &[]),
            NodeKind::Struct { fields, .. } => (&[], fields),
            NodeKind::Mixed { items, fields, .. } => (items, fields),
            _ => return None,
        };
        let body = items
            .iter()
            .find(|n| matches!(n.kind, NodeKind::List(_)))
            .or_else(|| {
                fields
                    .iter()
                    .find(|f| f.name.name == "body")
                    .map(|f| &f.value)
            })?;
        let plain = match name {
            "Recv" => "`Recv(\"ch\", \"v\")` receives",
            "Send" => "`Send(\"ch\", 1)` sends",
            _ => "`After(\"c\", 5)` makes a timer channel",
        };
        Some(
            Diagnostic::new(
                format!("`{name}` with a body is a select case, not a statement"),
                body.span,
            )
            .with_label("a body belongs to a select case")
            .with_secondary(head, "written as a statement")
            .with_note(format!("as a statement, {plain} and takes no body"))
            .with_help(self.in_select_help(node)),
        )
    }

    /// "put it in a select: `Select([Recv("ch", [Return])])`".
    fn in_select_help(&self, node: &Node) -> String {
        let text = self
            .text
            .get(node.span.start as usize..node.span.end as usize)
            .unwrap_or("");
        if text.is_empty() || text.len() > 60 || text.contains('\n') {
            "put it in a select: `Select([...])`".to_string()
        } else {
            format!("put it in a select: `Select([{text}])`")
        }
    }

    /// The cases of a `Switch`: `Case([values], [body])` and `Default([body])`.
    pub(super) fn switch_cases(&mut self, node: &Node) -> Vec<SwitchCase> {
        let items = self.list(node, Ty::SwitchCases);
        items
            .iter()
            .filter_map(|n| self.part(&[n], |d| d.switch_case(n)))
            .collect()
    }

    fn switch_case(&mut self, node: &Node) -> Option<SwitchCase> {
        let names = || SWITCH_CASES.iter().map(|s| s.name);
        let Some(id) = head(node) else {
            self.error(
                Diagnostic::new(
                    format!("expected a switch case, found {}", node.describe()),
                    node.span,
                )
                .with_label("expected `Case` or `Default`")
                .with_help("write `Case([1, 2], [...])` for `case 1, 2:` or `Default([...])`"),
            );
            return None;
        };
        let Some(shape) = SWITCH_CASES.iter().find(|s| s.name == id.name) else {
            let mut d = Diagnostic::new(format!("unknown switch case `{}`", id.name), id.span)
                .with_label("not a switch case")
                .with_note("a case is `Case(values, body)` or `Default(body)`");
            if let Some(s) = closest(&id.name, names()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.error(d);
            return None;
        };
        let a = self.args(node, id.span, *shape);
        let default = shape.name == "Default";
        Some(SwitchCase {
            values: if default {
                Vec::new()
            } else {
                self.exprs_of(&a, "values")
            },
            default,
            body: self.block_of(&a, "body"),
            span: node.span,
        })
    }

    // ----- field getters: decode a field by its type, with a placeholder on error -----

    pub(super) fn req_name(&mut self, a: &Args<'_>, f: &str) -> Name {
        self.opt_name(a, f).unwrap_or_else(|| Name {
            text: String::new(),
            span: Span::default(),
        })
    }

    pub(super) fn opt_name(&mut self, a: &Args<'_>, f: &str) -> Option<Name> {
        a.get(f).and_then(|n| self.name(n))
    }

    pub(super) fn opt_into(&mut self, a: &Args<'_>, f: &str) -> Option<Name> {
        a.get(f).and_then(|n| self.name_or_blank(n)).flatten()
    }

    pub(super) fn req_expr(&mut self, a: &Args<'_>, f: &str) -> ExprSrc {
        self.opt_expr(a, f)
            .unwrap_or(ExprSrc::Int(0, Span::default()))
    }

    pub(super) fn opt_expr(&mut self, a: &Args<'_>, f: &str) -> Option<ExprSrc> {
        a.get(f).and_then(|n| self.expr(n))
    }

    pub(super) fn opt_text(&mut self, a: &Args<'_>, f: &str) -> Option<String> {
        a.get(f).and_then(|n| self.text(n)).map(|t| t.0)
    }

    pub(super) fn opt_type(&mut self, a: &Args<'_>, f: &str) -> Option<TypeSrc> {
        a.get(f)
            .and_then(|n| self.text(n))
            .map(|(text, span)| TypeSrc { text, span })
    }

    pub(super) fn names_of(&mut self, a: &Args<'_>, f: &str) -> Vec<Name> {
        match a.get(f) {
            Some(n) => {
                let items = self.list(n, Ty::Names);
                items.iter().filter_map(|i| self.name(i)).collect()
            }
            None => Vec::new(),
        }
    }

    /// `{"field": value, ...}`: field names with their values.
    pub(super) fn field_values(&mut self, a: &Args<'_>, f: &str) -> Vec<(Name, ExprSrc)> {
        let Some(node) = a.get(f) else {
            return Vec::new();
        };
        let crate::ron::NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, Ty::Map);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            let (Some(name), Some(value)) = (self.key_name(k), self.expr(v)) else {
                continue;
            };
            out.push((name, value));
        }
        out
    }

    pub(super) fn block_of(&mut self, a: &Args<'_>, f: &str) -> Block {
        a.get(f).map_or_else(Vec::new, |n| self.block(n))
    }

    /// A function's results: one expression, or a list (the first, and
    /// the rest).
    pub(super) fn results(&mut self, a: &Args<'_>, f: &str) -> (Option<ExprSrc>, Vec<ExprSrc>) {
        let Some(n) = a.get(f) else {
            return (None, Vec::new());
        };
        if !matches!(n.kind, NodeKind::List(_)) {
            return (self.expr(n), Vec::new());
        }
        let items = self.list(n, Ty::Results);
        let mut values = items.iter().filter_map(|i| self.expr(i));
        let first = values.next();
        (first, values.collect())
    }

    /// Where a call's results go: one name, or a list (the first, and the
    /// rest; `"_"` discards one).
    pub(super) fn intos(&mut self, a: &Args<'_>, f: &str) -> (Option<Name>, Vec<Option<Name>>) {
        let Some(n) = a.get(f) else {
            return (None, Vec::new());
        };
        if !matches!(n.kind, NodeKind::List(_)) {
            return (self.name_or_blank(n).flatten(), Vec::new());
        }
        let items = self.list(n, Ty::Intos);
        let mut names: Vec<Option<Name>> =
            items.iter().filter_map(|i| self.name_or_blank(i)).collect();
        if names.is_empty() {
            return (None, Vec::new());
        }
        let first = names.remove(0);
        (first, names)
    }

    pub(super) fn exprs_of(&mut self, a: &Args<'_>, f: &str) -> Vec<ExprSrc> {
        match a.get(f) {
            Some(n) => {
                let items = self.list(n, Ty::Exprs);
                items.iter().filter_map(|i| self.expr(i)).collect()
            }
            None => Vec::new(),
        }
    }
}
