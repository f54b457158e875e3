//! Table-driven argument matching: a `Name(...)` node (positional, named or,
//! with an error, mixed) is matched against an ordered list of fields.

use crate::diagnostic::{closest, Diagnostic};
use crate::ron::{Node, NodeKind};
use crate::span::Span;

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A name string that must be an identifier.
    Name,
    /// A name string, or `"_"` for "discard".
    Into,
    /// An expression: an integer, a boolean or an expression string.
    Expr,
    /// Any string (messages, scenario metadata).
    Text,
    /// A list of statements.
    Block,
    /// A list of expressions.
    Exprs,
    /// An expression, or a list of them (a function's results).
    Results,
    /// A name string (or `"_"`), or a list of them (where results go).
    Intos,
    /// A list of name strings.
    Names,
    /// A list of blocks.
    Blocks,
    /// A list of select cases.
    Cases,
    /// A list of switch cases.
    SwitchCases,
    /// A RON identifier (`Blocking`, `Deadlock`, ...).
    Ident,
    /// A list of RON identifiers.
    Idents,
    /// A map.
    Map,
    /// A record `(field: ...)`.
    Record,
}

impl Ty {
    /// How messages name what is expected.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Ty::Name | Ty::Into => "a name string",
            Ty::Expr => "an expression (an integer, a boolean or a string)",
            Ty::Text => "a string",
            Ty::Block => "a list of statements",
            Ty::Exprs => "a list of expressions",
            Ty::Results => "an expression or a list of expressions",
            Ty::Intos => "a name string or a list of name strings",
            Ty::Names => "a list of name strings",
            Ty::Blocks => "a list of blocks",
            Ty::Cases => "a list of select cases",
            Ty::SwitchCases => "a list of switch cases",
            Ty::Ident => "an identifier",
            Ty::Idents => "a list of identifiers",
            Ty::Map => "a map `{...}`",
            Ty::Record => "`(field: ...)`",
        }
    }

    /// Whether a node of this shape could be a value of this type.
    fn fits(self, node: &Node) -> bool {
        matches!(
            (self, &node.kind),
            (Ty::Name | Ty::Into | Ty::Text, NodeKind::Str { .. })
                | (
                    Ty::Expr | Ty::Results,
                    NodeKind::Str { .. } | NodeKind::Int(_) | NodeKind::Bool(_)
                )
                | (Ty::Intos, NodeKind::Str { .. })
                | (
                    Ty::Block
                        | Ty::Exprs
                        | Ty::Names
                        | Ty::Blocks
                        | Ty::Cases
                        | Ty::SwitchCases
                        | Ty::Idents
                        | Ty::Results
                        | Ty::Intos,
                    NodeKind::List(_),
                )
                | (Ty::Ident, NodeKind::Ident(_))
                | (Ty::Map, NodeKind::Map(_))
                | (Ty::Record, NodeKind::Struct { .. } | NodeKind::Tuple { .. })
        )
    }
}

/// One field of a statement (or record) table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldSpec {
    /// The field's name.
    pub name: &'static str,
    /// What it holds.
    pub ty: Ty,
    /// Whether it must be given.
    pub required: bool,
}

/// A required field.
pub(crate) const fn req(name: &'static str, ty: Ty) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
    }
}

/// An optional field.
pub(crate) const fn opt(name: &'static str, ty: Ty) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
    }
}

/// The shape of a record: its fields in positional order, plus other
/// positional orders (lists of field indices) accepted besides prefixes of
/// the table order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    /// How the record is named in messages (`Recv`, `Scenario`, ...).
    pub name: &'static str,
    /// The fields, in positional order.
    pub fields: &'static [FieldSpec],
    /// Extra positional orders.
    pub alts: &'static [&'static [usize]],
}

/// The matched arguments of one record.
#[derive(Debug)]
pub(crate) struct Args<'a> {
    shape: Shape,
    /// Per field: the span of its key (or of the value when positional) and the value.
    values: Vec<Option<(Span, &'a Node)>>,
}

impl<'a> Args<'a> {
    /// The value given for `field`, if any.
    pub(crate) fn get(&self, field: &str) -> Option<&'a Node> {
        self.entry(field).map(|(_, n)| n)
    }

    /// The key span and value given for `field`, if any.
    pub(crate) fn entry(&self, field: &str) -> Option<(Span, &'a Node)> {
        let i = self.shape.fields.iter().position(|f| f.name == field)?;
        self.values.get(i).copied().flatten()
    }

    /// Whether `node` was taken by some field.
    pub(crate) fn uses(&self, node: &Node) -> bool {
        self.values
            .iter()
            .flatten()
            .any(|(_, n)| std::ptr::eq(*n, node))
    }
}

/// The field list for notes: "`chan`, `into` and `ok`".
pub(crate) fn field_list(fields: &[FieldSpec]) -> String {
    let names: Vec<String> = fields.iter().map(|f| format!("`{}`", f.name)).collect();
    match names.len() {
        0 => "no fields".to_string(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn fields_note(shape: &Shape) -> String {
    if shape.fields.is_empty() {
        format!("`{}` takes no arguments", shape.name)
    } else {
        format!("`{}` has fields {}", shape.name, field_list(shape.fields))
    }
}

/// A statement with its required fields named and placeholder values:
/// `Lock(mutex: "…")`, `Range(chan: "…", body: [...])`.
fn required_form(shape: &Shape) -> String {
    let fields: Vec<String> = shape
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let v = match f.ty {
                Ty::Name | Ty::Into | Ty::Text | Ty::Expr | Ty::Results | Ty::Intos => "\"…\"",
                Ty::Block | Ty::Exprs | Ty::Names | Ty::Blocks | Ty::Cases | Ty::SwitchCases => {
                    "[...]"
                }
                Ty::Ident => "…",
                Ty::Idents => "[…]",
                Ty::Map => "{…}",
                Ty::Record => "(…)",
            };
            format!("{}: {v}", f.name)
        })
        .collect();
    format!("{}({})", shape.name, fields.join(", "))
}

/// Matches the arguments of `node` (an identifier, `Name(...)` or `(...)`)
/// against `shape`. Reports unknown, duplicate and missing fields, too many
/// positional arguments and mixed forms into `errs`; always returns what
/// could be matched, so nested values can still be checked.
pub(crate) fn match_args<'a>(
    node: &'a Node,
    head: Span,
    shape: Shape,
    text: &str,
    errs: &mut Vec<Diagnostic>,
) -> Args<'a> {
    let mut args = Args {
        shape,
        values: vec![None; shape.fields.len()],
    };
    let (items, fields): (&[Node], &[crate::ron::Field]) = match &node.kind {
        NodeKind::Ident(_) | NodeKind::Unit => (&[], &[]),
        NodeKind::Tuple { items, .. } => (items, &[]),
        NodeKind::Struct { fields, .. } => (&[], fields),
        NodeKind::Mixed { items, fields, .. } => {
            errs.push(mixed_error(node, head, shape, items, fields, text));
            (items, fields)
        }
        _ => return args,
    };
    positional(&mut args, items, errs);
    for f in fields {
        let Some(i) = shape.fields.iter().position(|s| s.name == f.name.name) else {
            let mut d = Diagnostic::new(
                format!("unknown field `{}` in `{}`", f.name.name, shape.name),
                f.name.span,
            )
            .with_label("unknown field")
            .with_note(fields_note(&shape));
            if let Some(s) = closest(&f.name.name, shape.fields.iter().map(|s| s.name)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            errs.push(d);
            continue;
        };
        if let Some((first, _)) = args.values[i] {
            errs.push(
                Diagnostic::new(
                    format!("field `{}` is given twice", f.name.name),
                    f.name.span,
                )
                .with_label("given again here")
                .with_secondary(first, "first given here")
                .with_help("keep one of the two"),
            );
            continue;
        }
        args.values[i] = Some((f.name.span, &f.value));
    }
    for (i, spec) in shape.fields.iter().enumerate() {
        if spec.required && args.values[i].is_none() {
            errs.push(
                Diagnostic::new(
                    format!("missing field `{}` in `{}`", spec.name, shape.name),
                    head,
                )
                .with_label(format!("`{}` is required", spec.name))
                .with_note(fields_note(&shape))
                .with_help(format!(
                    "give every required field, e.g. `{}`",
                    required_form(&shape)
                )),
            );
        }
    }
    args
}

/// Assigns positional items to fields: a prefix of the table order or one
/// of the shape's alternatives, preferring one whose types fit and which
/// gives every required field.
fn positional<'a>(args: &mut Args<'a>, items: &'a [Node], errs: &mut Vec<Diagnostic>) {
    let shape = args.shape;
    let n = items.len();
    if n == 0 {
        return;
    }
    let prefix: Vec<usize> = (0..n.min(shape.fields.len())).collect();
    let mut candidates: Vec<Vec<usize>> = Vec::new();
    if n <= shape.fields.len() {
        candidates.push(prefix.clone());
    }
    candidates.extend(
        shape
            .alts
            .iter()
            .filter(|a| a.len() == n)
            .map(|a| a.to_vec()),
    );
    let fits = |c: &[usize]| {
        c.iter()
            .zip(items)
            .all(|(&i, item)| shape.fields.get(i).is_some_and(|f| f.ty.fits(item)))
    };
    let complete = |c: &[usize]| {
        shape
            .fields
            .iter()
            .enumerate()
            .all(|(i, f)| !f.required || c.contains(&i))
    };
    let chosen = candidates
        .iter()
        .find(|c| fits(c) && complete(c))
        .or_else(|| candidates.iter().find(|c| fits(c)))
        .cloned()
        .or_else(|| candidates.first().cloned())
        .unwrap_or(prefix);
    for (&i, item) in chosen.iter().zip(items) {
        if i < args.values.len() {
            args.values[i] = Some((item.span, item));
        }
    }
    if n > chosen.len() {
        let max = shape
            .alts
            .iter()
            .map(|a| a.len())
            .chain([shape.fields.len()])
            .max()
            .unwrap_or(0);
        let extra = items[chosen.len()].span.join(items[n - 1].span);
        let what = if max == 0 {
            format!("`{}` takes no arguments", shape.name)
        } else {
            format!(
                "too many arguments for `{}`: expected at most {max}, found {n}",
                shape.name
            )
        };
        errs.push(
            Diagnostic::new(what, extra)
                .with_label("unexpected argument")
                .with_note(fields_note(&shape)),
        );
    }
}

fn mixed_error(
    node: &Node,
    head: Span,
    shape: Shape,
    items: &[Node],
    fields: &[crate::ron::Field],
    text: &str,
) -> Diagnostic {
    let src = |s: Span| {
        let (a, b) = crate::span::clamp_range(text, s);
        let t = &text[a..b];
        if t.contains('\n') || t.chars().count() > 40 {
            if t.starts_with('[') {
                "[...]".to_string()
            } else {
                "...".to_string()
            }
        } else {
            t.to_string()
        }
    };
    let mut parts: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match shape.fields.get(i) {
            Some(f) => parts.push(format!("{}: {}", f.name, src(item.span))),
            None => parts.push(src(item.span)),
        }
    }
    for f in fields {
        parts.push(format!("{}: {}", f.name.name, src(f.value.span)));
    }
    let named = format!("{}({})", shape.name, parts.join(", "));
    let first_named = fields.first().map_or(node.span, |f| f.name.span);
    Diagnostic::new(
        "mix of positional and named arguments",
        head.join(first_named),
    )
    .with_label("positional arguments followed by named ones")
    .with_help(format!("name every argument: `{named}`"))
    .with_note(fields_note(&shape))
}
