//! Struct values: Go copies a struct value where it is assigned, passed,
//! returned or sent; weft's records are objects, so a copy is a fresh
//! record whose fields are read from the original, one by one, as Go's
//! copy reads them (a copy racing with a write is a race in both). A value
//! no one else holds (a literal, a call's result, a received value) is
//! handed over as it is: the copy would be unobservable.

use tree_sitter::Node;

use crate::emit::{q, Emitter};
use crate::expr::Ex;
use crate::scope::Kind;
use crate::{Fail, Importer};

impl Importer<'_> {
    /// Whether the struct value `n` evaluates to is one no one else holds:
    /// a composite literal, the result of a call (a function returns a
    /// copy) or a received value (each send hands over its own).
    pub(crate) fn fresh_value(&self, n: Node) -> bool {
        if self.evaluated.contains_key(&n.id()) {
            return true;
        }
        let mut n = n;
        while n.kind() == "parenthesized_expression" {
            match n.named_child(0) {
                Some(inner) => n = inner,
                None => return false,
            }
        }
        match n.kind() {
            "composite_literal" => true,
            "call_expression" => self.unconvert(n).is_none(),
            "unary_expression" => self.is_recv(n),
            _ => false,
        }
    }

    /// The fields a copy of struct `ty` reads (those weft holds), as
    /// paths (`n`, and `base.id` inside a struct held by value), or the
    /// error for a struct weft cannot copy: one holding a sync object or
    /// an atomic by value (go vet's copylocks), or an array by value.
    pub(crate) fn copied_fields(&self, n: Node, ty: u16, what: &str) -> Result<Vec<String>, Fail> {
        if self.holds_sync(ty) {
            return Err(self.copy_error(n, ty, what));
        }
        let name = self.struct_name(ty).to_string();
        let mut out = Vec::new();
        // Structs held by value, opened in turn (Go has no struct that
        // holds itself by value; the depth bound stops a malformed file).
        let mut todo = vec![(String::new(), ty)];
        let deepest = self.pkg.structs.len();
        while let Some((prefix, t)) = todo.pop() {
            let Some(s) = self.pkg.structs.get(usize::from(t)) else {
                continue;
            };
            for (f, tys, _) in &s.fields {
                let path = format!("{prefix}{f}");
                let by_value = !tys.trim_start().starts_with('*');
                match self.kind_of(tys) {
                    None => {}
                    Some(Kind::Record {
                        ty: inner,
                        value: true,
                    }) if by_value
                        && !self.zero_size(tys)
                        && path.matches('.').count() < deepest =>
                    {
                        todo.push((format!("{path}."), inner));
                    }
                    // (A struct without memory.)
                    Some(Kind::Record { value: true, .. }) if by_value => {}
                    Some(Kind::Slice { array: true, .. }) => {
                        return Err(self.unsupported_with(
                            n,
                            &format!(
                                "{what}: a copy of a `{name}`, whose field `{path}` holds an array"
                            ),
                            &format!("weft copies struct values field by field; use `*{name}`"),
                        ))
                    }
                    Some(Kind::AtomicInt | Kind::AtomicBool) => {
                        return Err(Box::new(
                            weft_models::diagnostic::Diagnostic::new(
                                format!("{what} copies a `{name}`, which holds an atomic value"),
                                self.span(n),
                            )
                            .with_label("a copy of a struct holding an atomic")
                            .with_help(format!(
                                "use a pointer, `*{name}` (go vet's copylocks check reports this \
                                 too)"
                            )),
                        ))
                    }
                    Some(_) => out.push(path),
                }
            }
        }
        Ok(out)
    }

    /// A copy of the struct value `src` into a new record `name`: `New`
    /// with its own fields, then a `Set` for each field of a struct it
    /// holds by value (made with it, zero).
    pub(crate) fn copy_new(
        &self,
        name: &str,
        src: &str,
        ty: u16,
        n: Node,
        what: &str,
    ) -> Result<Vec<String>, Fail> {
        let paths = self.copied_fields(n, ty, what)?;
        let (own, nested): (Vec<&String>, Vec<&String>) =
            paths.iter().partition(|p| !p.contains('.'));
        let fields: Vec<String> = own
            .iter()
            .map(|f| format!("{}: {}", q(f), q(&format!("{src}.{f}"))))
            .collect();
        let fields = if fields.is_empty() {
            String::new()
        } else {
            format!(", {{{}}}", fields.join(", "))
        };
        let mut out = vec![format!(
            "New({}, {}{fields})",
            q(name),
            q(self.struct_name(ty))
        )];
        for p in nested {
            out.push(format!(
                "Set({}, {})",
                q(&format!("{name}.{p}")),
                q(&format!("{src}.{p}"))
            ));
        }
        Ok(out)
    }

    /// The struct value `e` (the value of `n`) handed to a new owner (a
    /// parameter, a result, a channel): `e` itself when no one else holds
    /// it, else a copy, made first into a temporary. Other values are
    /// returned as they are.
    pub(crate) fn handed(&mut self, n: Node, e: Ex, what: &str) -> Result<Ex, Fail> {
        let Kind::Record { ty, value: true } = e.kind else {
            return Ok(e);
        };
        if e.untracked || self.fresh_value(n) {
            return Ok(e);
        }
        let base = self.struct_name(ty).to_lowercase();
        let t = self.temp(&format!("{base}_copy"), e.kind);
        for text in self.copy_new(&t, &e.text, ty, n, what)? {
            self.hoist(text, n);
        }
        Ok(Ex { text: t, ..e })
    }

    /// What follows a receive of a struct value into `name`: a closed
    /// channel gives the zero value, a struct whose fields are zero, where
    /// weft's channel of records gives nil; `None` for other values.
    pub(crate) fn zero_if_closed(&mut self, name: &str, kind: Kind) -> Option<String> {
        let Kind::Record { ty, value: true } = kind else {
            return None;
        };
        let zero = self.temp(
            &format!("{}_zero", self.struct_name(ty).to_lowercase()),
            kind,
        );
        Some(format!(
            "If({}, [New({}, {}), Set({}, {})])",
            q(&format!("{name} == nil")),
            q(&zero),
            q(self.struct_name(ty)),
            q(name),
            q(&zero)
        ))
    }

    /// `dst = src` for a struct value held by `dst` (a record of struct
    /// `ty`): each field written in place, so that whoever holds `&dst`
    /// sees the new value, as in Go.
    pub(crate) fn copy_into(
        &mut self,
        dst: &str,
        src: &str,
        ty: u16,
        n: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(n);
        for f in self.copied_fields(n, ty, "an assignment")? {
            em.leaf(
                &format!(
                    "Set({}, {})",
                    q(&format!("{dst}.{f}")),
                    q(&format!("{src}.{f}"))
                ),
                at,
            );
        }
        Ok(())
    }
}
