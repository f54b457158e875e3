//! `xs = append(xs, v)` and the comma-ok map lookup `v, ok := m[k]`, and
//! the slices that `append` makes shared variables.

use tree_sitter::Node;

use crate::emit::{lit, q, Emitter};
use crate::expr::Ex;
use crate::scope::{Binding, Kind, SliceElem};
use crate::{Fail, Importer};

/// The hint of every `append` the language cannot say.
const APPEND_FORMS: &str = "weft imports `ys = append(xs, a, b)` and `ys = append(xs, zs...)`: \
     values, or the elements of a slice of the same type, appended to a slice (a local, a \
     package variable, a captured variable, a field, `[]T{}` or `[]T(nil)`), assigned to it or \
     to another variable, as a statement";

/// Whether the Go name `name` appears in the expression `n`.
fn mentions(im: &Importer, n: Node, name: &str) -> bool {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        if n.kind() == "identifier" && im.text(n) == name {
            return true;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

impl Importer<'_> {
    /// Whether `call` is a call of the builtin `append` (not shadowed).
    pub(crate) fn is_append(&self, call: Node) -> bool {
        call.kind() == "call_expression"
            && call
                .child_by_field_name("function")
                .is_some_and(|f| f.kind() == "identifier" && self.text(f) == "append")
            && self.scope.get("append").is_none()
            && !self.pkg.funcs.contains_key("append")
    }

    /// `left = append(left, v)` (statement `stmt`): `Append(left, v)`.
    /// Into another variable (`ys := append(xs, v)`, `s.out = append(xs,
    /// v)`): the slice `xs` is now, taken into `ys` (or a temporary), then
    /// appended to; where Go's append writes in place, the two slices
    /// share the cell, as in Go.
    pub(crate) fn append_assign(
        &mut self,
        call: Node,
        left: Node,
        declare: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let args = self.args(call);
        let [slice, values @ ..] = args.as_slice() else {
            return Err(self.unsupported(call, &format!("`{}`", self.text(call))));
        };
        if values.is_empty() {
            return Err(self.unsupported_with(
                call,
                &format!("`{}`: an append of no value", self.text(call)),
                APPEND_FORMS,
            ));
        }
        let same = |a: &str, b: &str| {
            let strip = |s: &str| s.split_whitespace().collect::<String>();
            strip(a) == strip(b)
        };
        let into_itself = !declare && same(self.text(left), self.text(*slice));
        let source = if into_itself { left } else { *slice };
        // `append([]T{}, ...)` and `append([]T(nil), ...)`: a new slice
        // (the copy idiom `ys := append([]T(nil), xs...)`).
        let empty = (!into_itself).then(|| self.empty_slice(source)).flatten();
        let target = match empty {
            Some((kind, _)) => crate::expr::Ex::value(String::new(), kind),
            None => self.expr(source)?,
        };
        let (Kind::Slice { elem, array: false }, false) = (target.kind, target.untracked) else {
            return Err(self.unsupported_with(
                source,
                &format!(
                    "an append to `{}`, {}",
                    self.text(source),
                    if target.untracked {
                        "data weft does not track"
                    } else {
                        target.kind.describe()
                    }
                ),
                APPEND_FORMS,
            ));
        };
        // A struct weft copies field by field (all its fields values) is
        // appended as a record: weft's append copies it in.
        let flat = |im: &Self, ty: u16| {
            im.copied_fields(call, ty, "an append")
                .map(|paths| paths.iter().all(|p| !p.contains('.')))
        };
        if let SliceElem::Value(ty) = elem {
            if flat(self, ty)? {
                // (Appended below.)
            } else {
                let t = self.struct_name(ty);
                return Err(self.unsupported_with(
                    call,
                    &format!(
                        "an append to `{}`, a slice of `{t}` values",
                        self.text(source)
                    ),
                    &format!(
                        "weft copies into a slice the struct values whose fields are all values, \
                     not one holding a struct by value; hold pointers (`[]*{t}`), or make the \
                     slice with its final length and set its elements"
                    ),
                ));
            }
        }
        if matches!(
            elem,
            SliceElem::Mutex | SliceElem::RwMutex | SliceElem::WaitGroup
        ) {
            return Err(self.unsupported_with(
                call,
                &format!(
                    "an append to `{}`, a slice of {} held by value",
                    self.text(source),
                    elem.kind().describe()
                ),
                "append copies the elements, and a copied lock is go vet's copylocks bug; \
                 make the slice with its final length (`make([]sync.Mutex, n)`) and use its \
                 elements in place",
            ));
        }
        if into_itself && left.kind() == "identifier" {
            self.appendable(self.text(left), stmt)?;
        }
        let spread = match values {
            [one] if one.kind() == "variadic_argument" => one.named_child(0),
            _ => None,
        };
        let v = match spread {
            Some(ys) => self.spread_slice(ys, target.kind, source)?,
            None => {
                let mut texts = Vec::with_capacity(values.len());
                for value in values {
                    if value.kind() == "variadic_argument" {
                        return Err(self.unsupported(*value, "a variadic argument among values"));
                    }
                    texts.push(self.appended_value(*value, elem, source, stmt, em)?);
                }
                match texts.as_slice() {
                    [one] => one.clone(),
                    _ => format!("[{}]", texts.join(", ")),
                }
            }
        };
        let at = self.span(stmt);
        if into_itself {
            em.leaf(&format!("Append({}, {v})", q(&target.text)), at);
            return Ok(());
        }
        // Into another variable: the slice taken now, then appended to.
        let ty = self
            .reference_type(target.kind)
            .ok_or_else(|| self.unsupported(call, "an append to this slice"))?;
        let name = self.text(left).to_string();
        let fresh = declare
            && left.kind() == "identifier"
            && !values.iter().any(|v| mentions(self, *v, &name));
        let into = if fresh {
            name.clone()
        } else {
            self.temp("append_", target.kind)
        };
        let start = match empty {
            Some((_, false)) => format!("Slice({}, {}, 0)", q(&into), q(&self.elem_type(elem))),
            Some((_, true)) => format!("Let(name: {}, value: \"nil\", type: {})", q(&into), q(&ty)),
            None => format!(
                "Let(name: {}, value: {}, type: {})",
                q(&into),
                q(&target.text),
                q(&ty)
            ),
        };
        em.leaf(&start, at);
        em.leaf(&format!("Append({}, {v})", q(&into)), at);
        if fresh {
            self.declare(&name, target.kind);
        } else if declare && left.kind() == "identifier" {
            em.leaf(
                &format!(
                    "Let(name: {}, value: {}, type: {})",
                    q(&name),
                    q(&into),
                    q(&ty)
                ),
                at,
            );
            self.declare(&name, target.kind);
        } else if left.kind() == "identifier" {
            self.reassignable(&name, target.kind, stmt)?;
            em.leaf(&format!("Set({}, {})", q(&name), q(&into)), at);
        } else {
            let to = self.expr(left)?;
            if to.untracked || to.kind != target.kind {
                return Err(self.unsupported_with(
                    left,
                    &format!(
                        "`{}`: an append into `{}`",
                        self.text(stmt),
                        self.text(left)
                    ),
                    APPEND_FORMS,
                ));
            }
            em.leaf(&format!("Set({}, {})", q(&to.text), q(&into)), at);
        }
        Ok(())
    }

    /// The text of one value appended to a slice of `elem` (`source` is
    /// the slice appended to, for messages): a value weft does not track
    /// is the element type's zero value, noted.
    fn appended_value(
        &mut self,
        value: Node,
        elem: SliceElem,
        source: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<String, Fail> {
        let v = self.expr(value)?;
        Ok(if v.untracked && elem.is_untracked() {
            // Elements weft does not follow: a cell holding nil.
            self.untracked_reads(value, stmt, em)?;
            "\"nil\"".to_string()
        } else if v.untracked {
            self.untracked_reads(value, stmt, em)?;
            let zero = match elem {
                SliceElem::Int(_) => "0",
                SliceElem::Bool => "false",
                SliceElem::Str => {
                    // Strings' elements are untracked once translated
                    // again (this pass's error is then dropped).
                    self.gives_untracked_str_elem();
                    return Err(self.unsupported(value, "a built string appended"));
                }
                _ => {
                    return Err(self.unsupported_with(
                        value,
                        &format!("the value `{}` appended", self.text(value)),
                        "weft follows the values of the slice's element type",
                    ))
                }
            };
            self.note(
                value,
                format!(
                    "the value `{}` appended is not tracked: {zero} is appended",
                    self.text(value)
                ),
            );
            zero.to_string()
        } else {
            if let Kind::Record { ty, value: true } = v.kind {
                // Into a slice of such values: weft's append copies it.
                if elem == SliceElem::Value(ty) {
                    return Ok(lit(&v.text));
                }
                return Err(self.copy_error(value, ty, "a struct value appended"));
            }
            let want = elem.kind();
            let fits = match (want, v.kind) {
                (Kind::Int, Kind::Int)
                | (Kind::Bool, Kind::Bool)
                | (Kind::Str, Kind::Str)
                | (Kind::Error, Kind::Error) => true,
                (Kind::Chan { .. }, Kind::Chan { .. }) => true,
                (
                    Kind::Record { ty: a, .. },
                    Kind::Record {
                        ty: b,
                        value: false,
                    },
                ) => a == b,
                // `nil` (untracked as an expression, yet a value weft
                // writes) fits any reference, and an error.
                (w, _) => (!w.is_value() || w == Kind::Error) && self.text(value) == "nil",
            };
            if !fits {
                return Err(self.unsupported_with(
                    value,
                    &format!(
                        "appending {} to `{}`, whose elements are `{}`",
                        v.kind.describe(),
                        self.text(source),
                        self.elem_type(elem)
                    ),
                    "the value appended must have the slice's element type",
                ));
            }
            lit(&v.text)
        })
    }

    /// The text of `ys...` appended to a slice of kind `kind` (`source`):
    /// a slice weft follows, of the same kind.
    fn spread_slice(&mut self, ys: Node, kind: Kind, source: Node) -> Result<String, Fail> {
        let e = self.expr(ys)?;
        if e.untracked || e.kind != kind {
            return Err(self.unsupported_with(
                ys,
                &format!(
                    "`{}...` appended to `{}`: {}",
                    self.text(ys),
                    self.text(source),
                    if e.untracked {
                        "data weft does not track"
                    } else {
                        "not a slice of its element type"
                    }
                ),
                "weft appends the elements of a slice of the same type",
            ));
        }
        Ok(q(&format!("{}...", e.text)))
    }

    /// The kind of `n` when it is an empty slice weft follows written in
    /// place, and whether it is nil: `[]T{}` (false) or `[]T(nil)` (true).
    fn empty_slice(&self, n: Node) -> Option<(Kind, bool)> {
        let (ty, nil) = match n.kind() {
            "composite_literal" => {
                let body = n.child_by_field_name("body")?;
                (body.named_child_count() == 0).then_some(())?;
                (n.child_by_field_name("type")?, false)
            }
            "type_conversion_expression" => {
                let operand = n.child_by_field_name("operand")?;
                (self.text(operand) == "nil").then_some(())?;
                (n.child_by_field_name("type")?, true)
            }
            _ => return None,
        };
        match self.kind_of(self.text(ty))? {
            k @ Kind::Slice { array: false, .. } => Some((k, nil)),
            _ => None,
        }
    }

    /// Checks that the slice variable `name` can be appended to: its own
    /// name (no alias), and a shared variable when a closure shares it.
    fn appendable(&self, name: &str, stmt: Node) -> Result<(), Fail> {
        let Some(b) = self.scope.get(name) else {
            return Err(self.unsupported(stmt, &format!("an append to `{name}`")));
        };
        if b.ron != name || self.scope.aliased(name) {
            return Err(self.unsupported_with(
                stmt,
                &format!("an append to `{name}`, which another name also denotes"),
                "weft binds `ys := xs` of a slice as a second name for it, and after an append \
                 Go's two slices differ; append to one name only",
            ));
        }
        if self.shared.contains(name) && !b.shared {
            return Err(self.unsupported_with(
                stmt,
                &format!("an append to `{name}`, which a function literal shares"),
                "declare the slice in the function that starts the goroutine \
                 (`var xs []T` or `xs := make([]T, n)`), or pass it and return the result",
            ));
        }
        Ok(())
    }

    /// Whether a slice variable `name` of a function body (or, with
    /// `global`, of the package) is a shared variable: a package slice
    /// the file assigns (`xs = append(xs, v)` in any function), or a local
    /// a closure shares. A slice never assigned stays a plain handle
    /// (reading it is no visible step).
    pub(crate) fn shared_slice(&self, name: &str, kind: Kind, global: bool) -> bool {
        matches!(kind, Kind::Slice { array: false, .. })
            && if global {
                self.pkg.assigned.contains(name)
            } else {
                self.shared.contains(name)
            }
    }

    /// Declares the slice `name` a shared variable (see
    /// [`Importer::shared_slice`]) initialised to `init` (`None`: nil).
    pub(crate) fn shared_slice_decl(
        &mut self,
        name: &str,
        kind: Kind,
        init: Option<&str>,
    ) -> String {
        let Kind::Slice { elem, .. } = kind else {
            return String::new();
        };
        self.scope.declare(
            name,
            Binding {
                holder: None,
                ron: name.to_string(),
                kind,
                shared: true,
            },
        );
        let ty = q(&format!("[]{}", self.elem_type(elem)));
        match init {
            Some(i) => format!("Var(name: {}, init: {}, type: {ty})", q(name), q(i)),
            None => format!("Var(name: {}, type: {ty})", q(name)),
        }
    }

    /// `m := map[K]V{}` and `xs := []T{}`: an empty map or slice (made as
    /// `make` makes them); `false` when `v` is not an empty literal of
    /// such a type.
    pub(crate) fn bind_empty(&mut self, name: &str, v: Node, stmt: Node, em: &mut Emitter) -> bool {
        if v.kind() != "composite_literal" {
            return false;
        }
        let empty = v
            .child_by_field_name("body")
            .is_some_and(|b| b.named_child_count() == 0);
        let Some(ty) = v.child_by_field_name("type").filter(|_| empty) else {
            return false;
        };
        let at = self.span(stmt);
        let tys = self.text(ty).to_string();
        match self.kind_of(&tys) {
            Some(kind @ Kind::Map { value, .. }) => {
                em.leaf(&self.map_decl(name, value), at);
                self.declare(name, kind);
                true
            }
            Some(kind @ Kind::Slice { elem, array: false }) => {
                let ty = q(&self.elem_type(elem));
                if self.shared_slice(name, kind, self.in_globals) {
                    let tmp = self.temp(&format!("{name}_made"), kind);
                    em.leaf(&format!("Slice({}, {ty}, 0)", q(&tmp)), at);
                    let decl = self.shared_slice_decl(name, kind, Some(&tmp));
                    em.leaf(&decl, at);
                } else {
                    em.leaf(&format!("Slice({}, {ty}, 0)", q(name)), at);
                    self.declare(name, kind);
                }
                true
            }
            _ => false,
        }
    }

    /// `xs := []T{a, b}`: a slice of the literal's length, then each
    /// element set in order (elements weft does not track stay nil: their
    /// shared reads are kept). `false` for any other value, and for a
    /// literal it does not follow (keyed elements, a call inside, a value
    /// weft does not track for elements it follows): data weft does not
    /// track, as before.
    pub(crate) fn bind_slice_literal(
        &mut self,
        name: &str,
        v: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<bool, Fail> {
        let Some((tys, elems)) = self.composite_parts(v) else {
            return Ok(false);
        };
        let Some(kind @ Kind::Slice { elem, array: false }) = self.kind_of(&tys) else {
            return Ok(false);
        };
        if let SliceElem::Value(ty) = elem {
            self.bind_value_slice_literal(name, kind, ty, &elems, stmt, em)?;
            return Ok(true);
        }
        if crate::maps::has_call(v) {
            return Ok(false);
        }
        if matches!(
            elem,
            SliceElem::Mutex | SliceElem::RwMutex | SliceElem::WaitGroup
        ) {
            return Ok(false);
        }
        if elems.is_empty() || elems.iter().any(|e| e.kind() != "literal_element") {
            return Ok(false);
        }
        // Each element, and whether it is set (else left nil).
        let mut values = Vec::new();
        let mark = self.hoisted.borrow().len();
        for el in &elems {
            let x = el.named_child(0).unwrap_or(*el);
            if x.kind() == "literal_value" {
                self.hoisted.borrow_mut().truncate(mark);
                return Ok(false);
            }
            let e = self.expr(x)?;
            // (`nil` among references: the element's zero value, left.)
            let nil = self.text(x) == "nil"
                && matches!(
                    elem,
                    SliceElem::Error | SliceElem::Chan(_) | SliceElem::Record(_)
                );
            let set = match (elem, e.untracked) {
                (SliceElem::Untracked(_), _) => false,
                _ if nil => false,
                (_, true) => {
                    self.hoisted.borrow_mut().truncate(mark);
                    return Ok(false);
                }
                (SliceElem::Int(_), false) => e.kind == Kind::Int,
                (SliceElem::Bool, false) => e.kind == Kind::Bool,
                (SliceElem::Str, false) => e.kind == Kind::Str,
                (SliceElem::Error, false) => e.kind == Kind::Error,
                (SliceElem::Chan(_), false) => matches!(e.kind, Kind::Chan { .. }),
                (SliceElem::Record(want), false) => {
                    e.kind
                        == Kind::Record {
                            ty: want,
                            value: false,
                        }
                }
                (
                    SliceElem::Mutex
                    | SliceElem::RwMutex
                    | SliceElem::WaitGroup
                    | SliceElem::Value(_),
                    false,
                ) => false,
            };
            if !set && !nil && !elem.is_untracked() {
                self.hoisted.borrow_mut().truncate(mark);
                return Ok(false);
            }
            values.push((x, set));
        }
        self.hoisted.borrow_mut().truncate(mark);
        let at = self.span(stmt);
        let ety = q(&self.elem_type(elem));
        let n = elems.len();
        let shared = self.shared_slice(name, kind, self.in_globals);
        let made = if shared {
            self.temp(&format!("{name}_made"), kind)
        } else {
            name.to_string()
        };
        em.leaf(&format!("Slice({}, {ety}, {n})", q(&made)), at);
        for (i, (x, set)) in values.into_iter().enumerate() {
            if set {
                // (Translated again: the reads it hoists go before the
                // write.)
                let e = self.expr(x)?;
                em.leaf(
                    &format!("Set({}, {})", q(&format!("{made}[{i}]")), lit(&e.text)),
                    at,
                );
            } else {
                self.untracked_reads(x, stmt, em)?;
            }
        }
        if shared {
            let decl = self.shared_slice_decl(name, kind, Some(&made));
            em.leaf(&decl, at);
        } else {
            self.declare(name, kind);
        }
        Ok(true)
    }

    /// `f([]int{1, 2})`: a slice literal inside an expression (an
    /// argument, a value sent or returned), made before the statement into
    /// a temporary named after `base`; `None` when it is no literal
    /// [`Self::bind_slice_literal`] follows. With `maps`, a map literal
    /// with entries too ([`Self::bind_map_literal`]).
    pub(crate) fn hoist_literal(
        &mut self,
        n: Node,
        base: &str,
        maps: bool,
    ) -> Result<Option<Ex>, Fail> {
        let Some((tys, _)) = self.composite_parts(n) else {
            return Ok(None);
        };
        let map = match self.kind_of(&tys) {
            Some(Kind::Slice { array: false, .. }) => false,
            Some(Kind::Map { .. }) if maps => true,
            _ => return Ok(None),
        };
        let name = self.temp(base, Kind::Untracked);
        // (Sharing the queue: what the statement hoisted so far, and what
        // the elements hoist, is written in order before the slice.)
        let mut scratch = Emitter::new(&self.file, self.src, 0, &self.hoisted);
        let bound = if map {
            self.bind_map_literal(&name, n, n, &mut scratch)?
        } else {
            self.bind_slice_literal(&name, n, n, &mut scratch)?
        };
        if !bound {
            return Ok(None);
        }
        scratch.flush();
        let at = self.span(n);
        self.hoisted.borrow_mut().extend(scratch.statements(at));
        let kind = self.scope.get(&name).map_or(Kind::Untracked, |b| b.kind);
        Ok(Some(Ex {
            text: name,
            untracked: kind == Kind::Untracked,
            kind,
        }))
    }

    /// `xs := []T{{...}, T{...}, v}` of struct values: the slice makes
    /// its records (zero), then each element's fields are set, from the
    /// literal or copied from a value (`crate::values`). Anything else is
    /// refused: a slice of struct values weft does not follow would lose
    /// the accesses of their fields.
    fn bind_value_slice_literal(
        &mut self,
        name: &str,
        kind: Kind,
        ty: u16,
        elems: &[Node],
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(stmt);
        let shared = self.shared_slice(name, kind, self.in_globals);
        let made = if shared {
            self.temp(&format!("{name}_made"), kind)
        } else {
            name.to_string()
        };
        let tn = self.struct_name(ty).to_string();
        em.leaf(
            &format!("Slice({}, {}, {})", q(&made), q(&tn), elems.len()),
            at,
        );
        for (i, el) in elems.iter().enumerate() {
            let element = format!("{made}[{i}]");
            if el.kind() != "literal_element" {
                return Err(self.unsupported_with(
                    *el,
                    "a keyed element of a slice literal of struct values",
                    "list every element in order",
                ));
            }
            let x = el.named_child(0).unwrap_or(*el);
            let body = match x.kind() {
                "literal_value" => Some(x),
                "composite_literal"
                    if x.child_by_field_name("type")
                        .is_some_and(|t| self.text(t).trim() == tn) =>
                {
                    x.child_by_field_name("body")
                }
                _ => None,
            };
            if let Some(body) = body {
                for (f, value) in self.record_field_values(ty, body)? {
                    em.leaf(
                        &format!("Set({}, {value})", q(&format!("{element}.{f}"))),
                        at,
                    );
                }
                continue;
            }
            let e = self.expr(x)?;
            if e.untracked || e.kind != (Kind::Record { ty, value: true }) {
                return Err(self.unsupported_with(
                    x,
                    &format!("the element `{}` of a slice of `{tn}` values", self.text(x)),
                    &format!("weft follows `{tn}{{...}}` literals and `{tn}` values"),
                ));
            }
            self.copied_fields(x, ty, "an element")?;
            self.copy_into(&element, &e.text, ty, stmt, em)?;
        }
        if shared {
            let decl = self.shared_slice_decl(name, kind, Some(&made));
            em.leaf(&decl, at);
        } else {
            self.declare(name, kind);
        }
        Ok(())
    }

    /// `v, ok := m[k]` (also with `=`, `_` or in an `if`'s initializer):
    /// `Load(m, k, v, ok)`, one read of the map.
    pub(crate) fn comma_ok(
        &mut self,
        index: Node,
        targets: &[Node],
        declare: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(stmt);
        let (Some(m), Some(k)) = (
            index.child_by_field_name("operand"),
            index.child_by_field_name("index"),
        ) else {
            return Err(self.unsupported(index, "this lookup"));
        };
        let me = self.expr(m)?;
        if !matches!(me.kind, Kind::Map { .. }) || me.untracked {
            return Err(self.unsupported_with(
                index,
                &format!("the comma-ok lookup `{}`", self.text(index)),
                "weft follows lookups in maps held by locals, parameters, package variables \
                 and fields",
            ));
        }
        let ke = self.expr(k)?;
        let (tracked_keys, value) = match me.kind {
            Kind::Map {
                tracked_keys,
                value,
                ..
            } => (tracked_keys, value.kind()),
            _ => (false, Kind::Untracked),
        };
        if ke.untracked || !tracked_keys {
            // A key weft does not track (a string): the map is still read
            // (`crate::maps`), and both results are untracked data.
            self.untracked_reads(k, stmt, em)?;
            let t = self.temp("read", Kind::Int);
            em.leaf(
                &format!(
                    "Let({}, {})",
                    q(&t),
                    q(&format!("{}[{}]", me.text, crate::maps::UNTRACKED_KEY))
                ),
                self.span(stmt),
            );
            self.note(
                index,
                format!(
                    "the lookup `{}` has a key weft does not track: its results are untracked",
                    self.text(index)
                ),
            );
            for t in targets {
                self.target(*t, Kind::Untracked, declare, stmt)?;
            }
            return Ok(());
        }
        let mut fields = vec![
            format!("map: {}", q(&me.text)),
            format!("key: {}", lit(&ke.text)),
        ];
        let mut after = Vec::new();
        for (t, (field, kind)) in targets.iter().zip([("into", value), ("ok", Kind::Bool)]) {
            if kind == Kind::Untracked {
                // A value weft does not follow (`map[int]string`): the
                // lookup still reads the map and gives `ok`.
                self.target(*t, Kind::Untracked, declare, stmt)?;
                continue;
            }
            if t.kind() != "identifier" {
                // A field or an element: through a temporary.
                let e = self.expr(*t)?;
                if e.untracked {
                    return Err(self.unsupported(*t, "a lookup result stored in untracked data"));
                }
                let tmp = self.temp(if field == "ok" { "found" } else { "value" }, kind);
                fields.push(format!("{field}: {}", q(&tmp)));
                after.push(format!("Set({}, {})", q(&e.text), q(&tmp)));
                continue;
            }
            let fresh = declare || self.scope.get(self.text(*t)).is_none();
            let Some(name) = self.target(*t, kind, declare, stmt)? else {
                continue;
            };
            // A new variable a closure shares is a shared variable, which
            // the lookup then stores to.
            if fresh && self.scope.get(&name).is_some_and(|b| b.shared) {
                let decl = match (kind, self.reference_type(kind)) {
                    (Kind::Bool, _) => format!("Var({}, false)", q(&name)),
                    (_, Some(ty)) => format!("Var(name: {}, type: {})", q(&name), q(&ty)),
                    (_, None) => format!("Var({}, 0)", q(&name)),
                };
                em.leaf(&decl, at);
            }
            fields.push(format!("{field}: {}", q(&name)));
        }
        em.leaf(&format!("Load({})", fields.join(", ")), at);
        for s in after {
            em.leaf(&s, at);
        }
        Ok(())
    }
}
