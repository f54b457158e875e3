//! Accesses of a map with a key weft does not track (`m[name]` with
//! `name` a string): kept as accesses of the map, never dropped.
//!
//! Go's map is one shared object: two goroutines writing it at once crash
//! the program (`fatal error: concurrent map writes`), a write and a read
//! at once are a race, whatever keys they use, and a write to a nil map
//! panics. So an access whose key weft does not follow still reads or
//! writes the map in the scenario, at the key [`UNTRACKED_KEY`], which
//! stands for every key weft does not follow. What the map holds is then
//! not followed: every read of a map whose key type weft does not track
//! (`map[string]V`) is data weft does not track, its `len` too, and ranging
//! over it is refused. A map whose keys weft follows (`map[int]V`) keeps
//! exact entries, so a write or a `delete` there with a key weft does not
//! follow is refused rather than dropped: the entries read later would be
//! wrong.

use tree_sitter::Node;

use crate::emit::{lit, q, Emitter};
use crate::scope::{Kind, SliceElem};
use crate::{Fail, Importer};

/// The key of every access of a map whose key weft does not follow: a
/// constant no Go program reaches by following keys, since every read of
/// such a map is untracked (`len` included) and ranging over it is refused.
pub(crate) const UNTRACKED_KEY: &str = "-9223372036854775807";

/// The hint of a refused access of a map whose keys weft follows.
const TRACKED_KEYS: &str = "weft follows this map's entries (its keys are integers, booleans or \
     pointers), so dropping this access would leave the entries read later wrong; index it with \
     a value weft follows";

impl Importer<'_> {
    /// The map `m[k]` indexes, when `n` is an index expression on a map
    /// weft follows with a key it does not: the map's scenario name,
    /// whether its keys are tracked, and what its values hold. `None`
    /// otherwise (the caller goes on as before).
    pub(crate) fn untracked_key_of(
        &mut self,
        n: Node,
    ) -> Result<Option<(String, bool, SliceElem)>, Fail> {
        if n.kind() != "index_expression" {
            return Ok(None);
        }
        let (Some(obj), Some(idx)) = (
            n.child_by_field_name("operand"),
            n.child_by_field_name("index"),
        ) else {
            return Ok(None);
        };
        let m = self.expr(obj)?;
        let Kind::Map {
            tracked_keys,
            value,
            ..
        } = m.kind
        else {
            return Ok(None);
        };
        if m.untracked || !self.expr(idx)?.untracked {
            return Ok(None);
        }
        Ok(Some((m.text, tracked_keys, value)))
    }

    /// `m[k] = v`, `m[k] op= v`, `m[k]++` (statement `stmt`, `reads`: the
    /// statement reads `m[k]` first) when `k` is data weft does not
    /// track: a write of the map at [`UNTRACKED_KEY`] (after a read, for
    /// `reads`), and the shared reads inside `k` and `value`. `false` when
    /// `target` is not such an access.
    pub(crate) fn untracked_key_write(
        &mut self,
        target: Node,
        value: Option<Node>,
        reads: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<bool, Fail> {
        let Some((m, tracked_keys, value_kind)) = self.untracked_key_of(target)? else {
            return Ok(false);
        };
        if tracked_keys && self.str_keys_tracked() {
            // Perhaps a string-keyed map: their keys are untracked once
            // translated again (and if this map's are integers, refused
            // then).
            self.gives_untracked_str_key();
            return Ok(true);
        }
        if tracked_keys {
            return Err(self.unsupported_with(
                stmt,
                &format!(
                    "`{}`: a write with a key weft does not track into a map whose entries it follows",
                    self.text(stmt)
                ),
                TRACKED_KEYS,
            ));
        }
        if let Some(idx) = target.child_by_field_name("index") {
            self.untracked_reads(idx, stmt, em)?;
        }
        let what = format!(
            "`{}` writes the map at a key weft does not track: kept as a write of the map \
             (races, a nil map), not its entry",
            self.text(stmt)
        );
        let entry = format!("{m}[{UNTRACKED_KEY}]");
        // The entry holds the zero value of the map's values (what is
        // written is not followed; its kind must be the map's).
        let written = match value_kind {
            SliceElem::Int(_) => "0",
            SliceElem::Bool => "false",
            SliceElem::Str => "\"``\"",
            SliceElem::Chan(_)
            | SliceElem::Error
            | SliceElem::Mutex
            | SliceElem::RwMutex
            | SliceElem::WaitGroup
            | SliceElem::Record(_)
            | SliceElem::Value(_)
            | SliceElem::Untracked(_) => "\"nil\"",
        };
        self.kept_write(&entry, written, value, reads, stmt, em, what)?;
        Ok(true)
    }

    /// `delete(m, k)` with `k` data weft does not track (the call `call`,
    /// `m` the map's scenario name): a delete at [`UNTRACKED_KEY`], a write
    /// of the map as Go's is.
    pub(crate) fn untracked_key_delete(
        &mut self,
        call: Node,
        m: &str,
        tracked_keys: bool,
        key: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        if tracked_keys && self.str_keys_tracked() {
            // As `untracked_key_write`.
            self.gives_untracked_str_key();
            return Ok(());
        }
        if tracked_keys {
            return Err(self.unsupported_with(
                call,
                &format!(
                    "`{}`: a delete with a key weft does not track from a map whose entries it \
                     follows",
                    self.text(call)
                ),
                TRACKED_KEYS,
            ));
        }
        self.untracked_reads(key, stmt, em)?;
        em.leaf(
            &format!("Delete({}, {})", q(m), lit(UNTRACKED_KEY)),
            self.span(stmt),
        );
        self.note(
            call,
            format!(
                "`{}` deletes at a key weft does not track: kept as a write of the map (races), \
                 not its entry",
                self.text(call)
            ),
        );
        Ok(())
    }

    /// A read of map `m` in an expression whose value weft does not track
    /// (`m[k]` with `k` untracked, `len(m)` of a map whose keys it does
    /// not track): the read is written before the statement, into a
    /// temporary (`read` is `m[...]` or `len(m)`), so that it races as
    /// Go's does.
    pub(crate) fn hoist_map_read(&mut self, read: &str, n: Node) {
        let t = self.temp("read", Kind::Int);
        self.hoist(format!("Let({}, {})", q(&t), q(read)), n);
    }
}

impl Importer<'_> {
    /// `m := map[K]V{k: v, ...}` whose keys are integers or strings and values
    /// integers or booleans weft follows (constants, locals), with no call
    /// in them: `Map("m")` (`Map("m", "bool")`), then
    /// each entry set in the literal's order. `false` for any other value
    /// (an empty literal is made elsewhere; a literal with other entries is
    /// data weft does not track).
    pub(crate) fn bind_map_literal(
        &mut self,
        name: &str,
        v: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<bool, Fail> {
        let Some((tys, elems)) = self.composite_parts(v) else {
            return Ok(false);
        };
        let Some(
            kind @ Kind::Map {
                tracked_keys: true,
                str_keys,
                value: value @ (SliceElem::Int(_) | SliceElem::Bool),
            },
        ) = self.kind_of(&tys)
        else {
            return Ok(false);
        };
        if elems.is_empty() || has_call(v) {
            return Ok(false);
        }
        let mut entries = Vec::new();
        for el in elems {
            let (Some(k), Some(x), "keyed_element") = (
                el.child_by_field_name("key").map(literal_inner),
                el.child_by_field_name("value").map(literal_inner),
                el.kind(),
            ) else {
                return Ok(false);
            };
            let (k, x) = (self.expr(k)?, self.expr(x)?);
            let key = if str_keys { Kind::Str } else { Kind::Int };
            if k.untracked || x.untracked || k.kind != key || x.kind != value.kind() {
                return Ok(false);
            }
            entries.push((k.text, x.text));
        }
        let at = self.span(stmt);
        em.leaf(&self.map_decl(name, value), at);
        self.declare(name, kind);
        for (k, x) in entries {
            em.leaf(
                &format!("Set({}, {})", q(&format!("{name}[{k}]")), lit(&x)),
                at,
            );
        }
        Ok(true)
    }
}

impl Importer<'_> {
    /// The type (as written) and the elements, comments left out, of the
    /// composite literal `v`; `None` when `v` is none, or has no type or
    /// body.
    pub(crate) fn composite_parts<'t>(&self, v: Node<'t>) -> Option<(String, Vec<Node<'t>>)> {
        if v.kind() != "composite_literal" {
            return None;
        }
        let ty = v.child_by_field_name("type")?;
        let body = v.child_by_field_name("body")?;
        let mut c = body.walk();
        let elems = body
            .named_children(&mut c)
            .filter(|k| k.kind() != "comment")
            .collect();
        Some((self.text(ty).to_string(), elems))
    }
}

/// The expression a `literal_element` wraps (`n` itself otherwise).
fn literal_inner(n: Node) -> Node {
    if n.kind() == "literal_element" {
        n.named_child(0).unwrap_or(n)
    } else {
        n
    }
}

/// Whether `n` holds a call (whose translation would write statements).
pub(crate) fn has_call(n: Node) -> bool {
    let mut stack = vec![n];
    while let Some(k) = stack.pop() {
        if k.kind() == "call_expression" {
            return true;
        }
        let mut c = k.walk();
        stack.extend(k.named_children(&mut c));
    }
    false
}
