//! Fields and shared locals holding data weft does not track (`price
//! float64`, a `name string` given a string built at run time): the record
//! keeps a cell for each field (`any` in the scenario's types, nil at
//! first), a local a closure assigns is a `Var` holding nil, and every read
//! and write of them is kept as an access of that cell, so two goroutines
//! writing such a field without a lock race as Go's race detector reports;
//! the values stay data weft does not track.

use tree_sitter::Node;

use crate::emit::{q, Emitter};
use crate::expr::Ex;
use crate::scope::{Kind, SliceElem};
use crate::{Fail, Importer};

impl Importer<'_> {
    /// The cell `t` names when it is a field or a slice's element holding
    /// data weft does not track (`s.name`, `names[i]`, with no call in
    /// it): its scenario name.
    pub(crate) fn untracked_field(&mut self, t: Node) -> Result<Option<String>, Fail> {
        if crate::maps::has_call(t) {
            return Ok(None);
        }
        if t.kind() == "index_expression" {
            return self.untracked_element(t);
        }
        let Some((o, ty, f)) = self.selected_field(t)? else {
            return Ok(None);
        };
        // (Only to learn what `t` is: what it would hoist, a read of the
        // field, is not this write's.)
        let mark = self.hoisted.borrow().len();
        let e = self.field(t, &o, ty, &f);
        self.hoisted.borrow_mut().truncate(mark);
        let e = e?;
        Ok((e.untracked && e.kind == Kind::Untracked).then_some(e.text))
    }

    /// The record, its struct type and the field the selector `t` names
    /// (`s.name`) when its operand is a record weft follows, learned
    /// without keeping what evaluating the operand hoists.
    pub(crate) fn selected_field(&mut self, t: Node) -> Result<Option<(Ex, u16, String)>, Fail> {
        if t.kind() != "selector_expression" {
            return Ok(None);
        }
        let (Some(obj), Some(field)) = (
            t.child_by_field_name("operand"),
            t.child_by_field_name("field"),
        ) else {
            return Ok(None);
        };
        let mark = self.hoisted.borrow().len();
        let o = self.expr(obj);
        self.hoisted.borrow_mut().truncate(mark);
        let o = o?;
        Ok(match o.kind {
            Kind::Record { ty, .. } if !o.untracked => Some((o, ty, self.text(field).to_string())),
            _ => None,
        })
    }

    /// The cell `t` (an index expression) names when it is an element of a
    /// slice whose elements weft does not track, or the entry of a map
    /// whose keys it follows and values it does not (`names[1]` of a
    /// `map[int]string`: the entry is kept, so `len` and ranging stay
    /// right), and neither the container nor the index hoists a read of its
    /// own.
    fn untracked_element(&mut self, t: Node) -> Result<Option<String>, Fail> {
        let (Some(obj), Some(idx)) = (
            t.child_by_field_name("operand"),
            t.child_by_field_name("index"),
        ) else {
            return Ok(None);
        };
        let mark = self.hoisted.borrow().len();
        let found = (|| -> Result<Option<String>, Fail> {
            let o = self.expr(obj)?;
            let i = self.expr(idx)?;
            Ok(match (o.kind, o.untracked, i.untracked) {
                (
                    Kind::Slice {
                        elem: SliceElem::Untracked(_),
                        ..
                    }
                    | Kind::Map {
                        tracked_keys: true,
                        value: SliceElem::Untracked(_),
                        ..
                    },
                    false,
                    false,
                ) => Some(format!("{}[{}]", o.text, i.text)),
                _ => None,
            })
        })();
        let hoists = self.hoisted.borrow().len() > mark;
        self.hoisted.borrow_mut().truncate(mark);
        Ok(found?.filter(|_| !hoists))
    }

    /// Whether `t` is `m[k]` of a map.
    pub(crate) fn is_map_entry(&self, t: Node) -> bool {
        t.kind() == "index_expression"
            && t.child_by_field_name("operand")
                .and_then(|o| self.static_kind(o))
                .is_some_and(|k| matches!(k, Kind::Map { .. }))
    }

    /// `s.name = v`, `s.name op= v`, `s.f++` (statement `stmt`; `reads`:
    /// it reads the field first) for a field holding data weft does not
    /// track: a write of its cell (after a read, for `reads`), and the
    /// shared reads inside `value`. `false` when `target` is not such a
    /// field.
    pub(crate) fn untracked_field_write(
        &mut self,
        target: Node,
        value: Option<Node>,
        reads: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<bool, Fail> {
        let Some(cell) = self.untracked_field(target)? else {
            return Ok(false);
        };
        let what = format!(
            "`{}` writes data weft does not track: kept as a write of the {} (races), not its \
             value",
            self.text(stmt),
            match target.kind() {
                "index_expression" if self.is_map_entry(target) => "entry",
                "index_expression" => "element",
                _ => "field",
            }
        );
        self.kept_write(&cell, "\"nil\"", value, reads, stmt, em, what)?;
        Ok(true)
    }

    /// A write weft keeps as an access of `place` though it does not
    /// follow what is written (statement `stmt`): the shared reads inside
    /// `value`, a read of `place` first when the statement `reads` it
    /// (`op=`, `++`), then `Set(place, written)`, and the note `what`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn kept_write(
        &mut self,
        place: &str,
        written: &str,
        value: Option<Node>,
        reads: bool,
        stmt: Node,
        em: &mut Emitter,
        what: String,
    ) -> Result<(), Fail> {
        if let Some(v) = value {
            self.untracked_reads(v, stmt, em)?;
        }
        let at = self.span(stmt);
        if reads {
            let t = self.temp("read", Kind::Int);
            em.leaf(&format!("Let({}, {})", q(&t), q(place)), at);
        }
        em.leaf(&format!("Set({}, {written})", q(place)), at);
        self.note(stmt, what);
        Ok(())
    }

    /// `name := v` or `name = v` (statement `stmt`) with `v` data weft
    /// does not track and `name` a local a closure assigns (or whose
    /// address is taken): a `Var` holding nil, declared or written, so its
    /// accesses race as Go's do. `false` for any other local (declared
    /// untracked by the caller, as before).
    pub(crate) fn untracked_shared_write(
        &mut self,
        name: &str,
        declare: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> bool {
        let at = self.span(stmt);
        let existing = self.scope.get(name).cloned();
        let fresh = declare || existing.is_none();
        if fresh {
            if !self.shared.contains(name) {
                return false;
            }
            em.leaf(&format!("Var({}, \"nil\")", q(name)), at);
            self.scope.declare(
                name,
                crate::scope::Binding {
                    holder: None,
                    ron: name.to_string(),
                    kind: Kind::Untracked,
                    shared: true,
                },
            );
            return true;
        }
        match existing {
            Some(b) if b.shared && b.kind == Kind::Untracked => {
                em.leaf(&format!("Set({}, \"nil\")", q(&b.ron)), at);
                true
            }
            _ => false,
        }
    }
}

impl Importer<'_> {
    /// Whether `v` is a pointer weft does not follow that Go may give as
    /// nil: a lookup of a map of pointers with a key weft does not track
    /// (an absent key gives nil).
    pub(crate) fn untracked_pointer(&self, v: Node) -> bool {
        let mut v = v;
        while v.kind() == "parenthesized_expression" {
            match v.named_child(0) {
                Some(inner) => v = inner,
                None => return false,
            }
        }
        v.kind() == "index_expression"
            && v.child_by_field_name("operand")
                .and_then(|m| self.static_kind(m))
                .is_some_and(|k| {
                    matches!(
                        k,
                        Kind::Map {
                            value: SliceElem::Record(_),
                            ..
                        }
                    )
                })
    }

    /// Whether `v`, data weft does not track, may be a nil pointer: a
    /// lookup that may give nil ([`Self::untracked_pointer`]), a local
    /// holding one, or a call of a function of the file that returns one
    /// (found by an earlier pass: [`Importer::nil_results`]). Read from
    /// the syntax alone (nothing is hoisted).
    pub(crate) fn may_be_nil(&mut self, v: Node) -> bool {
        let mut v = v;
        while v.kind() == "parenthesized_expression" {
            match v.named_child(0) {
                Some(inner) => v = inner,
                None => return false,
            }
        }
        match v.kind() {
            "index_expression" => self.untracked_pointer(v),
            "identifier" => {
                self.maybe_nil.contains(self.text(v))
                    && self
                        .scope
                        .get(self.text(v))
                        .is_some_and(|b| b.kind == Kind::Untracked)
            }
            "call_expression" => self
                .callee(v)
                .is_some_and(|f| self.nil_results.contains(&f)),
            _ => false,
        }
    }

    /// The function of the file a call calls (a function or a method),
    /// by its node's id, if the syntax says which.
    fn callee(&mut self, call: Node) -> Option<usize> {
        let f = call.child_by_field_name("function")?;
        let key = match f.kind() {
            "identifier" if self.scope.get(self.text(f)).is_none() => self.text(f).to_string(),
            "selector_expression" => self.method_key(f)?,
            _ => return None,
        };
        self.pkg.funcs.get(&key).map(|f| f.id())
    }

    /// `x, ... := call` (or `=`): `x` holds what the call gives, a pointer
    /// weft does not follow that may be nil when the callee returns one
    /// ([`Self::may_be_nil`]); else not.
    pub(crate) fn note_nil_target(&mut self, call: Node, targets: &[Node]) {
        let Some(t) = targets.first().filter(|t| t.kind() == "identifier") else {
            return;
        };
        let name = self.text(*t).to_string();
        let untracked = self
            .scope
            .get(&name)
            .is_some_and(|b| b.kind == Kind::Untracked);
        if untracked && self.may_be_nil(call) {
            self.maybe_nil.insert(name);
        } else {
            self.maybe_nil.remove(&name);
        }
    }

    /// `return ..., v, ...` of the current function where `v` may be a nil
    /// pointer weft does not follow ([`Self::may_be_nil`]): its callers'
    /// results may be nil too, once translated again.
    pub(crate) fn note_nil_result(&mut self, items: &[Node]) {
        if let Some(f) = self.current_func {
            if !self.nil_results.contains(&f) && items.iter().any(|v| self.may_be_nil(*v)) {
                self.gave_nil_result.insert(f);
            }
        }
    }

    /// A field access through `obj`, data weft does not track (`n` is the
    /// access): when `obj` may be a nil pointer ([`Self::may_be_nil`]),
    /// Go's nil dereference is a noted choice before it; dropped, a
    /// program that panics could be verified.
    pub(crate) fn maybe_nil_access(&mut self, obj: Node, n: Node) {
        if !self.may_be_nil(obj) {
            return;
        }
        self.hoist(
            "Either([[Panic(\"runtime error: invalid memory address or nil pointer dereference\")], []])"
                .to_string(),
            n,
        );
        self.note_divergent(
            n,
            format!(
                "`{}` may be nil (a pointer weft does not follow): Go's nil dereference and no \
                 panic are both explored",
                self.text(obj)
            ),
        );
    }
}
