//! From the spanned RON tree to the scenario syntax tree
//! ([`crate::syntax::Scenario`]), collecting every error.
//!
//! Records (the scenario, statements, select cases, function definitions)
//! are matched against field tables: each accepts positional arguments in
//! table order (or one of a few other orders) or named fields.

pub(crate) mod args;
pub(crate) mod stmts;
pub(crate) mod table;

use crate::diagnostic::{closest, Diagnostic};
use crate::ron::{Node, NodeKind};
use crate::span::{SourceFile, Span};
use crate::syntax::{
    Behavior, BugKind, Cause, ExprSrc, FuncDef, Name, ParamDecl, Scenario, Stmt, Taxonomy,
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

/// Whether `s` is a Go identifier (ASCII letters, digits and `_`, not
/// starting with a digit).
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Decodes a parsed RON document into a scenario. Returns every error found.
pub fn decode(file: &SourceFile, root: &Node) -> Result<Scenario, Vec<Diagnostic>> {
    let mut d = Decoder {
        text: file.text(),
        errs: Vec::new(),
    };
    let scenario = d.scenario(root);
    match scenario {
        Some(s) if d.errs.is_empty() => Ok(s),
        _ => {
            if d.errs.is_empty() {
                d.errs.push(Diagnostic::new("invalid scenario", root.span));
            }
            Err(d.errs)
        }
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
        opt("params", Ty::Map),
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
    fields: &[opt("params", Ty::Names), req("body", Ty::Block)],
    alts: &[&[1]],
};

/// The decoding state: the source text (for help messages) and the errors so far.
pub(crate) struct Decoder<'t> {
    text: &'t str,
    errs: Vec<Diagnostic>,
}

impl<'t> Decoder<'t> {
    /// Records an error.
    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.errs.push(d);
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
        if let (Ty::Name | Ty::Into | Ty::Expr | Ty::Text, NodeKind::Ident(id)) = (ty, &node.kind) {
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
                    .with_label("a name is required"),
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
            self.error(
                Diagnostic::new(
                    format!("`{value}` is reserved and cannot be used as a name"),
                    span,
                )
                .with_label("reserved word"),
            );
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
        let name = a.get("name").and_then(|n| self.text(n));
        let summary = a.get("summary").and_then(|n| self.text(n)).map(|t| t.0);
        let origin = a.get("origin").and_then(|n| self.text(n)).map(|t| t.0);
        let taxonomy = a.get("taxonomy").and_then(|n| self.taxonomy(n));
        let expect = a.get("expect").map_or_else(Vec::new, |n| self.expect(n));
        let params = a.get("params").map_or_else(Vec::new, |n| self.params(n));
        let globals = a.get("globals").map_or_else(Vec::new, |n| self.globals(n));
        let (main_span, main) = match a.entry("main") {
            Some((key, n)) => (key, self.block(n)),
            None => (root.span, Vec::new()),
        };
        let funcs = a.get("funcs").map_or_else(Vec::new, |n| self.funcs(n));
        let (name, name_span) = name?;
        Some(Scenario {
            name: Name {
                text: name,
                span: name_span,
            },
            summary,
            origin,
            taxonomy,
            expect,
            params,
            globals,
            main,
            main_span,
            funcs,
            span: root.span,
        })
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
                        .with_secondary(first, "first listed here"),
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
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in entries {
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
            if let (Some(name), Some(default)) = (name, value) {
                out.push(ParamDecl { name, default });
            }
        }
        out
    }

    fn globals(&mut self, node: &Node) -> Vec<Stmt> {
        let stmts = self.block(node);
        for s in &stmts {
            if let Some(kw) = stmts::global_error(&s.kind) {
                let head = s.span;
                self.error(
                    Diagnostic::new(format!("`{kw}` cannot be used in `globals`"), head)
                        .with_label("not a package-level declaration")
                        .with_help(
                            "`globals` only holds declarations such as `Chan`, `Mutex` and \
                             `Var`; move this statement into `main`",
                        ),
                );
            }
        }
        stmts
    }

    fn funcs(&mut self, node: &Node) -> Vec<FuncDef> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, Ty::Map);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            let name = self.key_name(k);
            let (params, body) = if let NodeKind::List(_) = v.kind {
                (Vec::new(), self.block(v))
            } else {
                let Some(a) = self.record(v, FUNC, &["Func"]) else {
                    continue;
                };
                let params = a.get("params").map_or_else(Vec::new, |n| {
                    let items = self.list(n, Ty::Names);
                    items.iter().filter_map(|i| self.name(i)).collect()
                });
                let body = a.get("body").map_or_else(Vec::new, |n| self.block(n));
                (params, body)
            };
            if let Some(name) = name {
                out.push(FuncDef {
                    name,
                    params,
                    body,
                    span: k.span.join(v.span),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
