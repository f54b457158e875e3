//! From the spanned RON tree to the scenario syntax tree
//! ([`crate::syntax::Scenario`]), collecting every error. Decoding recovers:
//! a statement, select case, function, global or parameter that fails is
//! dropped from the tree, and what it mentions is recorded in [`Recovery`]
//! so that validation of the rest does not report the errors it causes.
//!
//! Records (the scenario, statements, select cases, function definitions)
//! are matched against field tables: each accepts positional arguments in
//! table order (or one of a few other orders) or named fields.

pub(crate) mod args;
pub(crate) mod stmts;
pub(crate) mod table;

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{closest, Diagnostic};
use crate::ron::{Node, NodeKind};
use crate::span::{SourceFile, Span};
use crate::syntax::{
    Behavior, BugKind, Cause, ExprSrc, FuncDef, GoVersion, Name, ParamDecl, Scenario, Stmt,
    Taxonomy, TypeDecl, TypeSrc,
};
use args::{match_args, opt, req, Args, Shape, Ty};

/// Words that cannot be used as names: they mean something in expressions
/// or are Go keywords.
pub(crate) const RESERVED: &[&str] = &[
    "true",
    "false",
    "nil",
    "len",
    "cap",
    "context",
    "Canceled",
    "DeadlineExceeded",
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// The error for a reserved word used as a name: why it is reserved, and
/// a name to use instead.
fn reserved_name(value: &str, span: Span) -> Diagnostic {
    let why = match value {
        "true" | "false" | "nil" => format!("`{value}` is a constant in expressions"),
        "len" | "cap" => format!(
            "in Go `{value}` is a predeclared function a name may shadow, but weft expressions call `{value}(ch)` by that name"
        ),
        "context" | "Canceled" | "DeadlineExceeded" => {
            format!("`{value}` names the context package's values in expressions")
        }
        _ => format!("`{value}` is a Go keyword"),
    };
    let instead = match value {
        "cap" => "capacity",
        "len" => "length",
        "map" => "m",
        "chan" => "ch",
        "func" => "fn",
        "type" => "typ",
        "range" => "rng",
        "select" => "sel",
        "default" => "def",
        "context" => "ctx",
        "go" => "g",
        "var" => "v",
        "nil" | "true" | "false" => "ok",
        _ => "",
    };
    let instead = if instead.is_empty() {
        format!("{value}1")
    } else {
        instead.to_string()
    };
    Diagnostic::new(
        format!("`{value}` is reserved and cannot be used as a name"),
        span,
    )
    .with_label("reserved word")
    .with_note(why)
    .with_help(format!(
        "rename it, for example to `{instead}` (and its uses with it)"
    ))
}

/// Whether `s` is a Go identifier (ASCII letters, digits and `_`, not
/// starting with a digit).
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What decoding left out of a partial tree, so that validation can leave
/// out the errors those missing parts may cause.
#[derive(Clone, Debug, Default)]
pub struct Recovery {
    /// Every identifier written inside a dropped part: the words of its
    /// strings (names, expressions, function and parameter keys) and its
    /// bare identifiers.
    pub(crate) mentioned: HashSet<String>,
    /// The names a dropped statement may have declared in the block it is
    /// in (the strings of its declaring fields, such as `name`, `ctx` and
    /// `into`; every identifier argument of an unknown statement), with the
    /// spans of those statements.
    pub(crate) declared: HashMap<String, Vec<Span>>,
    /// `main` has statements in the file, but none of them decoded (or
    /// `main` is not a list).
    pub(crate) main_dropped: bool,
    /// `params` is not a map: any parameter may have been meant.
    pub(crate) params_dropped: bool,
}

impl Recovery {
    /// Whether nothing was dropped.
    pub fn is_empty(&self) -> bool {
        self.mentioned.is_empty()
            && self.declared.is_empty()
            && !self.main_dropped
            && !self.params_dropped
    }

    /// Whether `name` is written inside a dropped part.
    pub fn mentions(&self, name: &str) -> bool {
        self.mentioned.contains(name)
    }

    /// Whether a dropped statement that may have declared `name` starts
    /// after `decl` and before `usage`: what `name` denotes at `usage` is
    /// then not known.
    pub(crate) fn redeclared_between(&self, name: &str, decl: Span, usage: Span) -> bool {
        self.declared.get(name).is_some_and(|parts| {
            parts
                .iter()
                .any(|p| p.start > decl.start && p.start < usage.start)
        })
    }
}

/// The result of decoding with recovery: the tree without the parts that
/// failed, every error, and what was dropped.
#[derive(Debug)]
pub struct Decoded {
    /// The scenario without the statements, select cases, functions,
    /// globals and parameters that failed to decode; `None` only when the
    /// file is not a `Scenario(...)` record or has no `main`.
    pub scenario: Option<Scenario>,
    /// Every decoding error, in the order found.
    pub errors: Vec<Diagnostic>,
    /// What was dropped from `scenario`.
    pub recovery: Recovery,
}

/// Decodes a parsed RON document into a scenario. Returns every error
/// found; the scenario only when there is none (see [`decode_partial`] for
/// the tree that remains after errors).
pub fn decode(file: &SourceFile, root: &Node) -> Result<Scenario, Vec<Diagnostic>> {
    let d = decode_partial(file, root);
    match d.scenario {
        Some(s) if d.errors.is_empty() => Ok(s),
        _ => Err(d.errors),
    }
}

/// Decodes a parsed RON document, recovering from errors: a statement,
/// select case, function, global or parameter that fails to decode is
/// dropped (its errors are kept, and the identifiers written in it are
/// recorded in [`Recovery`]) and decoding goes on with the next one.
pub fn decode_partial(file: &SourceFile, root: &Node) -> Decoded {
    let mut d = Decoder {
        text: file.text(),
        errs: Vec::new(),
        nested: 0,
        declaring: Vec::new(),
        recovery: Recovery::default(),
    };
    let scenario = d.scenario(root);
    if scenario.is_none() && d.errs.is_empty() {
        d.errs.push(Diagnostic::new("invalid scenario", root.span));
    }
    Decoded {
        scenario,
        errors: d.errs,
        recovery: d.recovery,
    }
}

/// The identifiers written in a node: the words of its strings (maximal
/// runs of letters, digits and `_` that are Go identifiers) and its bare
/// identifiers, at any depth. Field and record names are not included.
fn identifiers(node: &Node, out: &mut Vec<String>) {
    match &node.kind {
        NodeKind::Str { value, .. } => out.extend(
            value
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| is_identifier(w))
                .map(str::to_string),
        ),
        NodeKind::Ident(id) => out.push(id.name.clone()),
        NodeKind::Tuple { items, .. } | NodeKind::List(items) => {
            for i in items {
                identifiers(i, out);
            }
        }
        NodeKind::Struct { fields, .. } => {
            for f in fields {
                identifiers(&f.value, out);
            }
        }
        NodeKind::Mixed { items, fields, .. } => {
            for i in items {
                identifiers(i, out);
            }
            for f in fields {
                identifiers(&f.value, out);
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                identifiers(k, out);
                identifiers(v, out);
            }
        }
        NodeKind::Int(_)
        | NodeKind::Float(_)
        | NodeKind::Bool(_)
        | NodeKind::Char(_)
        | NodeKind::Unit => {}
    }
}

const SCENARIO: Shape = Shape {
    name: "Scenario",
    fields: &[
        req("name", Ty::Text),
        opt("summary", Ty::Text),
        opt("origin", Ty::Text),
        opt("taxonomy", Ty::Record),
        opt("expect", Ty::Idents),
        opt("go", Ty::Text),
        opt("params", Ty::Map),
        opt("types", Ty::Map),
        opt("globals", Ty::Block),
        req("main", Ty::Block),
        opt("funcs", Ty::Map),
    ],
    alts: &[],
};

const TAXONOMY: Shape = Shape {
    name: "taxonomy",
    fields: &[req("behavior", Ty::Ident), req("cause", Ty::Ident)],
    alts: &[],
};

const FUNC: Shape = Shape {
    name: "function",
    fields: &[
        opt("params", Ty::Names),
        req("body", Ty::Block),
        opt("results", Ty::Map),
    ],
    alts: &[&[1]],
};

/// The decoding state: the source text (for help messages), the errors so
/// far and what was dropped.
pub(crate) struct Decoder<'t> {
    text: &'t str,
    errs: Vec<Diagnostic>,
    /// How many of the errors recorded since the current part started
    /// belong to inner parts that were dropped (see [`Decoder::part`]).
    nested: usize,
    /// Names the statements being decoded may declare (see [`Decoder::part`]).
    declaring: Vec<String>,
    recovery: Recovery,
}

impl<'t> Decoder<'t> {
    /// Records an error.
    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.errs.push(d);
    }

    /// Decodes one droppable part (a statement, select case, function,
    /// global or parameter) written in `nodes`. The part fails when `f`
    /// gives nothing or records an error of its own; errors of inner parts
    /// that were dropped themselves do not count, so a `Loop` whose body
    /// holds an unknown statement keeps the rest of its body. A failed part
    /// is dropped: its errors stay, and the names it mentions and may
    /// declare are recorded.
    pub(crate) fn part<T>(
        &mut self,
        nodes: &[&Node],
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let start = self.errs.len();
        let outer = std::mem::replace(&mut self.nested, 0);
        let mark = self.declaring.len();
        let out = f(self);
        let total = self.errs.len().saturating_sub(start);
        let own = total.saturating_sub(self.nested);
        let failed = own > 0 || out.is_none();
        // To the enclosing part, every error of a dropped part is an inner one.
        self.nested = outer + if failed { total } else { self.nested };
        let declaring = self.declaring.split_off(mark.min(self.declaring.len()));
        if !failed {
            return out;
        }
        for n in nodes {
            self.taint(n);
        }
        if let Some(span) = nodes.iter().map(|n| n.span).reduce(Span::join) {
            for name in declaring {
                self.recovery.declared.entry(name).or_default().push(span);
            }
        }
        None
    }

    /// Notes that the statement being decoded declares `node`'s name (if it
    /// is a string holding an identifier), in case it is dropped.
    pub(crate) fn may_declare(&mut self, node: &Node) {
        if let NodeKind::Str { value, .. } = &node.kind {
            if is_identifier(value) {
                self.declaring.push(value.clone());
            }
        }
    }

    /// Records every identifier written in `node` as mentioned by a dropped
    /// part.
    fn taint(&mut self, node: &Node) {
        let mut found = Vec::new();
        identifiers(node, &mut found);
        self.recovery.mentioned.extend(found);
    }

    /// For a field of the scenario that failed as a whole (or is unknown):
    /// every identifier in it is mentioned and may have been declared.
    fn taint_field(&mut self, node: &Node) {
        let mut found = Vec::new();
        identifiers(node, &mut found);
        for name in found {
            let spans = self.recovery.declared.entry(name.clone()).or_default();
            spans.push(node.span);
            self.recovery.mentioned.insert(name);
        }
    }

    /// Matches the arguments of a record node.
    pub(crate) fn args<'a>(&mut self, node: &'a Node, head: Span, shape: Shape) -> Args<'a> {
        match_args(node, head, shape, self.text, &mut self.errs)
    }

    /// Checks that `node` is a record named `expected` (or unnamed) and matches it.
    fn record<'a>(&mut self, node: &'a Node, shape: Shape, expected: &[&str]) -> Option<Args<'a>> {
        let name = match &node.kind {
            NodeKind::Tuple { name, .. }
            | NodeKind::Struct { name, .. }
            | NodeKind::Mixed { name, .. } => name.as_ref(),
            NodeKind::Unit => None,
            _ => {
                self.wrong_type(node, Ty::Record);
                return None;
            }
        };
        if let Some(n) = name {
            if !expected.contains(&n.name.as_str()) {
                let want = expected.first().map_or(String::new(), |e| format!("`{e}`"));
                self.error(
                    Diagnostic::new(format!("expected {want}(...), found `{}`", n.name), n.span)
                        .with_label("unexpected name"),
                );
            }
        }
        let head = name.map_or(node.span, |n| n.span);
        Some(self.args(node, head, shape))
    }

    /// "expected X, found Y", with a help line for the usual mistakes.
    pub(crate) fn wrong_type(&mut self, node: &Node, ty: Ty) {
        if let NodeKind::Float(_) = node.kind {
            self.error(
                Diagnostic::new("floats are not supported", node.span)
                    .with_label(format!("expected {}", ty.expected()))
                    .with_help(
                        "weft values are integers; a duration only needs to be positive or not",
                    ),
            );
            return;
        }
        let mut d = Diagnostic::new(
            format!("expected {}, found {}", ty.expected(), node.describe()),
            node.span,
        )
        .with_label(format!("expected {}", ty.expected()));
        if let (
            Ty::Name | Ty::Into | Ty::Expr | Ty::Text | Ty::Results | Ty::Intos,
            NodeKind::Ident(id),
        ) = (ty, &node.kind)
        {
            d = d.with_help(format!("write it in quotes: `\"{}\"`", id.name));
        }
        self.error(d);
    }

    /// A string value and the span of its contents.
    pub(crate) fn text(&mut self, node: &Node) -> Option<(String, Span)> {
        match &node.kind {
            NodeKind::Str {
                value,
                content_span,
                ..
            } => Some((value.clone(), *content_span)),
            _ => {
                self.wrong_type(node, Ty::Text);
                None
            }
        }
    }

    /// A name string: a Go identifier that is not reserved.
    pub(crate) fn name(&mut self, node: &Node) -> Option<Name> {
        let NodeKind::Str {
            value,
            content_span,
            ..
        } = &node.kind
        else {
            self.wrong_type(node, Ty::Name);
            return None;
        };
        self.check_name(value, *content_span)
    }

    fn check_name(&mut self, value: &str, span: Span) -> Option<Name> {
        if value == "_" {
            self.error(
                Diagnostic::new("`_` cannot be used as a name here", span)
                    .with_label("a name is required")
                    .with_note("`_` discards a result only where one is stored (`into`, `ok`, a `Range` variable)")
                    .with_help("give it a name, such as `v`"),
            );
            return None;
        }
        if !is_identifier(value) {
            self.error(
                Diagnostic::new(format!("`{value}` is not a valid name"), span)
                    .with_label("not a name")
                    .with_help(
                        "names are Go identifiers: a letter or `_`, then letters, digits or `_`",
                    ),
            );
            return None;
        }
        if RESERVED.contains(&value) {
            self.error(reserved_name(value, span));
            return None;
        }
        Some(Name {
            text: value.to_string(),
            span,
        })
    }

    /// A name string, or `"_"` (`Ok(None)`) for a discarded result.
    pub(crate) fn name_or_blank(&mut self, node: &Node) -> Option<Option<Name>> {
        match &node.kind {
            NodeKind::Str { value, .. } if value == "_" => Some(None),
            _ => self.name(node).map(Some),
        }
    }

    /// An expression: an integer, a boolean or an expression string.
    pub(crate) fn expr(&mut self, node: &Node) -> Option<ExprSrc> {
        match &node.kind {
            NodeKind::Int(v) => Some(ExprSrc::Int(*v, node.span)),
            NodeKind::Bool(b) => Some(ExprSrc::Bool(*b, node.span)),
            NodeKind::Str {
                value,
                content_span,
                exact,
            } => Some(ExprSrc::Text {
                text: value.clone(),
                span: *content_span,
                exact: *exact,
            }),
            _ => {
                self.wrong_type(node, Ty::Expr);
                None
            }
        }
    }

    /// The items of a list node.
    pub(crate) fn list<'a>(&mut self, node: &'a Node, ty: Ty) -> &'a [Node] {
        match &node.kind {
            NodeKind::List(items) => items,
            _ => {
                self.wrong_type(node, ty);
                &[]
            }
        }
    }

    /// A list of statements.
    pub(crate) fn block(&mut self, node: &Node) -> Vec<Stmt> {
        let items = self.list(node, Ty::Block);
        items.iter().filter_map(|n| self.stmt(n)).collect()
    }

    fn scenario(&mut self, root: &Node) -> Option<Scenario> {
        let a = self.record(root, SCENARIO, &["Scenario"])?;
        self.taint_unused(root, &a);
        let name = a.get("name").and_then(|n| self.text(n));
        let summary = a.get("summary").and_then(|n| self.text(n)).map(|t| t.0);
        let origin = a.get("origin").and_then(|n| self.text(n)).map(|t| t.0);
        let taxonomy = a.get("taxonomy").and_then(|n| self.taxonomy(n));
        let expect = a.get("expect").map_or_else(Vec::new, |n| self.expect(n));
        let go = a.get("go").and_then(|n| self.go_version(n));
        let params = a.get("params").map_or_else(Vec::new, |n| self.params(n));
        let params_span = a.entry("params").map(|(key, _)| key);
        let types = a.get("types").map_or_else(Vec::new, |n| self.types(n));
        let globals = a.get("globals").map_or_else(Vec::new, |n| self.globals(n));
        let main = a.entry("main").map(|(key, n)| (key, self.main(n)));
        let funcs = a.get("funcs").map_or_else(Vec::new, |n| self.funcs(n));
        // Without `main` there is nothing to check.
        let (main_span, main) = main?;
        // A name that failed to decode is reported; the rest can still be checked.
        let (name, name_span) = name.unwrap_or((String::new(), root.span));
        Some(Scenario {
            name: Name {
                text: name,
                span: name_span,
            },
            summary,
            origin,
            taxonomy,
            expect,
            go,
            params,
            params_span,
            types,
            globals,
            main,
            main_span,
            funcs,
            span: root.span,
        })
    }

    /// Records the identifiers of the values in the scenario record that no
    /// field took (unknown fields, fields given twice, extra positional
    /// arguments): `global: [...]` declares nothing, but its names are not
    /// unknown names.
    fn taint_unused(&mut self, node: &Node, a: &Args<'_>) {
        let (items, fields): (&[Node], &[crate::ron::Field]) = match &node.kind {
            NodeKind::Tuple { items, .. } => (items, &[]),
            NodeKind::Struct { fields, .. } => (&[], fields),
            NodeKind::Mixed { items, fields, .. } => (items, fields),
            _ => (&[], &[]),
        };
        let values = items.iter().chain(fields.iter().map(|f| &f.value));
        for v in values {
            if !a.uses(v) {
                self.taint_field(v);
            }
        }
    }

    /// The statements of `main`. When it has statements but none decoded,
    /// validation must not also say it is empty.
    fn main(&mut self, node: &Node) -> Vec<Stmt> {
        let stmts = self.block(node);
        let written = match &node.kind {
            NodeKind::List(items) => !items.is_empty(),
            _ => {
                self.taint_field(node);
                true
            }
        };
        if stmts.is_empty() && written {
            self.recovery.main_dropped = true;
        }
        stmts
    }

    fn ident<'a>(&mut self, node: &'a Node) -> Option<&'a crate::ron::Ident> {
        match &node.kind {
            NodeKind::Ident(id) => Some(id),
            _ => {
                self.wrong_type(node, Ty::Ident);
                None
            }
        }
    }

    fn taxonomy(&mut self, node: &Node) -> Option<Taxonomy> {
        let a = self.record(node, TAXONOMY, &["Taxonomy"])?;
        let behavior = a.get("behavior").and_then(|n| {
            let id = self.ident(n)?;
            let all = [
                ("Blocking", Behavior::Blocking),
                ("NonBlocking", Behavior::NonBlocking),
            ];
            self.enum_value(id, "behavior", &all)
        });
        let cause = a.get("cause").and_then(|n| {
            let id = self.ident(n)?;
            let all = [
                ("SharedMemory", Cause::SharedMemory),
                ("MessagePassing", Cause::MessagePassing),
            ];
            self.enum_value(id, "cause", &all)
        });
        Some(Taxonomy {
            behavior: behavior?,
            cause: cause?,
        })
    }

    /// `go: "1.22"`: the Go version whose timer semantics apply.
    fn go_version(&mut self, node: &Node) -> Option<(GoVersion, Span)> {
        let (text, span) = self.text(node)?;
        if let Some(v) = GoVersion::parse(&text) {
            return Some((v, span));
        }
        self.error(
            Diagnostic::new(format!("`{text}` is not a Go version"), span)
                .with_label("expected a version like `1.22`")
                .with_note(
                    "`go` selects the runtime semantics of timers: `1.22` (and earlier) or \
                     `1.23` (and later, the default)",
                )
                .with_help("write `go: \"1.22\"` or `go: \"1.23\"`"),
        );
        None
    }

    fn enum_value<T: Copy>(
        &mut self,
        id: &crate::ron::Ident,
        what: &str,
        all: &[(&'static str, T)],
    ) -> Option<T> {
        if let Some((_, v)) = all.iter().find(|(n, _)| *n == id.name) {
            return Some(*v);
        }
        let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
        let mut d = Diagnostic::new(format!("unknown {what} `{}`", id.name), id.span)
            .with_label(format!("not a {what}"))
            .with_note(format!(
                "expected one of {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        if let Some(s) = closest(&id.name, names.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        self.error(d);
        None
    }

    fn expect(&mut self, node: &Node) -> Vec<(BugKind, Span)> {
        let mut out: Vec<(BugKind, Span)> = Vec::new();
        let all: Vec<(&'static str, BugKind)> =
            BugKind::ALL.iter().map(|k| (k.ron_name(), *k)).collect();
        for item in self.list(node, Ty::Idents) {
            let Some(id) = self.ident(item) else { continue };
            let Some(kind) = self.enum_value(id, "bug kind", &all) else {
                continue;
            };
            if let Some((_, first)) = out.iter().find(|(k, _)| *k == kind) {
                let first = *first;
                self.error(
                    Diagnostic::new(format!("bug kind `{}` is listed twice", id.name), id.span)
                        .with_label("listed again here")
                        .with_secondary(first, "first listed here")
                        .with_help("list each kind once"),
                );
                continue;
            }
            out.push((kind, id.span));
        }
        out
    }

    /// A map key that must be a name string.
    fn key_name(&mut self, key: &Node) -> Option<Name> {
        let NodeKind::Str {
            value,
            content_span,
            ..
        } = &key.kind
        else {
            self.wrong_type(key, Ty::Name);
            return None;
        };
        self.check_name(value, *content_span)
    }

    fn params(&mut self, node: &Node) -> Vec<ParamDecl> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, Ty::Map);
            self.taint_field(node);
            self.recovery.params_dropped = true;
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(k, v)| self.part(&[k, v], |d| d.param(k, v)))
            .collect()
    }

    fn param(&mut self, k: &Node, v: &Node) -> Option<ParamDecl> {
        let name = self.key_name(k);
        let value = match &v.kind {
            NodeKind::Int(i) => Some(*i),
            _ => {
                if let NodeKind::Float(_) = v.kind {
                    self.wrong_type(v, Ty::Expr);
                } else {
                    self.error(
                        Diagnostic::new(
                            format!("expected an integer, found {}", v.describe()),
                            v.span,
                        )
                        .with_label("parameters are integers"),
                    );
                }
                None
            }
        };
        Some(ParamDecl {
            name: name?,
            default: value?,
        })
    }

    /// `types: {"Server": {"mu": "sync.Mutex", ...}}`: record types.
    fn types(&mut self, node: &Node) -> Vec<TypeDecl> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, Ty::Map);
            self.taint_field(node);
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(k, v)| self.part(&[k, v], |d| d.type_decl(k, v)))
            .collect()
    }

    /// One record type: its name and a map of field names to Go types.
    fn type_decl(&mut self, k: &Node, v: &Node) -> Option<TypeDecl> {
        let name = self.key_name(k);
        let NodeKind::Map(entries) = &v.kind else {
            self.error(
                Diagnostic::new(
                    format!("expected a map of fields, found {}", v.describe()),
                    v.span,
                )
                .with_label("expected `{\"field\": \"type\", ...}`")
                .with_help("write the fields as `{\"mu\": \"sync.Mutex\", \"n\": \"int\"}`"),
            );
            return None;
        };
        let fields = self.typed_names(entries);
        Some(TypeDecl {
            name: name?,
            fields,
            span: k.span.join(v.span),
        })
    }

    fn globals(&mut self, node: &Node) -> Vec<Stmt> {
        if !matches!(node.kind, NodeKind::List(_)) {
            self.taint_field(node);
        }
        let items = self.list(node, Ty::Block);
        items
            .iter()
            .filter_map(|n| self.part(&[n], |d| d.global(n)))
            .collect()
    }

    /// One global: a statement that must be a declaration.
    fn global(&mut self, node: &Node) -> Option<Stmt> {
        if let Some(kw) = stmts::global_error(node) {
            self.error(
                Diagnostic::new(format!("`{kw}` cannot be used in `globals`"), node.span)
                    .with_label("not a package-level declaration")
                    .with_help(
                        "`globals` only holds declarations such as `Chan`, `Mutex` and \
                         `Var`; move this statement into `main`",
                    ),
            );
        }
        self.stmt(node)
    }

    fn funcs(&mut self, node: &Node) -> Vec<FuncDef> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, Ty::Map);
            self.taint_field(node);
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(k, v)| self.part(&[k, v], |d| d.func(k, v)))
            .collect()
    }

    /// A function's named results: a map of names to Go types, in order.
    fn named_results(&mut self, node: &Node) -> Option<Vec<(Name, TypeSrc)>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, Ty::Map);
            return None;
        };
        Some(self.typed_names(entries))
    }

    /// A map of names to Go types (record fields, named results), in order.
    fn typed_names(&mut self, entries: &[(Node, Node)]) -> Vec<(Name, TypeSrc)> {
        let mut out = Vec::new();
        for (k, v) in entries {
            let name = self.key_name(k);
            let ty = self.text(v);
            if let (Some(name), Some((text, span))) = (name, ty) {
                out.push((name, TypeSrc { text, span }));
            }
        }
        out
    }

    /// One function definition. Errors in its body drop only the statements
    /// they are in; any other error (its name, its record, its parameters)
    /// drops the whole function.
    fn func(&mut self, k: &Node, v: &Node) -> Option<FuncDef> {
        let name = self.key_name(k);
        let (params, results, results_span, body) = if let NodeKind::List(_) = v.kind {
            (Vec::new(), Vec::new(), None, self.block(v))
        } else {
            let a = self.record(v, FUNC, &["Func"])?;
            let params = a.get("params").map_or_else(Vec::new, |n| {
                let items = self.list(n, Ty::Names);
                items.iter().filter_map(|i| self.name(i)).collect()
            });
            let (results, results_span) = match a.get("results") {
                Some(n) => (self.named_results(n)?, Some(n.span)),
                None => (Vec::new(), None),
            };
            let body = a.get("body").map_or_else(Vec::new, |n| self.block(n));
            (params, results, results_span, body)
        };
        Some(FuncDef {
            name: name?,
            params,
            results,
            results_span,
            body,
            span: k.span.join(v.span),
        })
    }
}

#[cfg(test)]
mod tests;
