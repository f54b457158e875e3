//! Record types and Go type names: what a field, a slice element or a typed
//! variable holds, and how it is stored.
//!
//! A field or element is either a *cell* (a shared location holding a value:
//! an integer, a boolean, or a reference such as a channel, a pointer or a
//! slice; read and written as a shared variable) or an object held *inline*
//! (`sync.Mutex`, a record by value, an array: made with its owner, and
//! used in place).

use std::collections::HashMap;

use super::kinds::Kind;
use super::Walker;
use crate::diagnostic::Diagnostic;
use crate::gotype::{self, GoType};
use crate::ir::{Cell, Const, Layout, ObjectKind, RecordId, RecordType};
use crate::span::Span;
use crate::syntax::TypeSrc;

/// What a field, element or typed variable holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    /// The kind of its value (for a cell) or of the object itself (inline).
    pub kind: Kind,
    /// True when the object is held in place (not a cell).
    pub inline: bool,
    /// Go's layout of a cell's value, when weft knows its type (what
    /// `append` needs to grow a slice as Go does).
    pub layout: Option<Layout>,
}

/// What the values of a `Map` without `elem` hold: integers (`map[K]int`).
pub(crate) const INT_VALUES: Slot = Slot {
    kind: Kind::Int,
    inline: false,
    layout: Some(Layout {
        size: 8,
        pointers: false,
    }),
};

/// The element descriptions of slice kinds ([`Kind::Slice`] indexes it).
/// Append-only, and carried from one validation round to the next, so an
/// index keeps its meaning in parameter kinds inferred earlier.
#[derive(Clone, Debug, Default)]
pub(crate) struct CellTable {
    slots: Vec<Slot>,
}

impl CellTable {
    /// The index of `slot`, added when new.
    pub(crate) fn intern(&mut self, slot: Slot) -> u32 {
        if let Some(i) = self.slots.iter().position(|s| *s == slot) {
            return i as u32;
        }
        self.slots.push(slot);
        (self.slots.len() - 1) as u32
    }

    /// The element of slice kind `i`.
    pub(crate) fn get(&self, i: u32) -> Slot {
        self.slots.get(i as usize).copied().unwrap_or(Slot {
            kind: Kind::Unknown,
            inline: false,
            layout: None,
        })
    }
}

/// One field of a record type, as validation sees it.
#[derive(Clone, Debug)]
pub(crate) struct FieldInfo {
    pub name: String,
    pub slot: Slot,
    /// For a channel field, what its values are (else unknown).
    pub elem: Kind,
    pub cell: Cell,
    pub span: Span,
}

/// A record type, as validation sees it.
#[derive(Clone, Debug)]
pub(crate) struct RecordInfo {
    pub name: String,
    pub fields: Vec<FieldInfo>,
    pub span: Span,
}

impl RecordInfo {
    /// Go's layout of this record held in place, when all its fields are
    /// values weft lays out (`None` when one holds an object in place: a
    /// mutex, a record, an array). A field is aligned to its size up to a
    /// word (`complex64`, aligned to 4 in Go, is taken as 8).
    pub(crate) fn layout(&self) -> Option<Layout> {
        let (mut size, mut align, mut pointers) = (0u32, 1u32, false);
        let mut last_empty = false;
        for f in &self.fields {
            let l = f.slot.layout.filter(|_| !f.slot.inline)?;
            let a = l.size.clamp(1, 8).next_power_of_two().min(8);
            size = size.div_ceil(a) * a + l.size;
            align = align.max(a);
            pointers |= l.pointers;
            last_empty = l.size == 0;
        }
        // Go pads a final field of size zero, so its address stays inside.
        if last_empty && size > 0 {
            size += 1;
        }
        Some(Layout {
            size: size.div_ceil(align) * align,
            pointers,
        })
    }

    /// The index and description of field `name`.
    pub(crate) fn field(&self, name: &str) -> Option<(u32, &FieldInfo)> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| (i as u32, &self.fields[i]))
    }

    /// The lowered type.
    pub(crate) fn lowered(&self) -> RecordType {
        RecordType {
            name: self.name.clone(),
            fields: self
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.cell.clone()))
                .collect(),
            span: self.span,
        }
    }
}

/// The span of bytes `at` inside the type text written at `src`.
fn span_in(src: &TypeSrc, at: &std::ops::Range<usize>) -> Span {
    let len = src.text.len();
    let off = |i: usize| u32::try_from(i.min(len)).unwrap_or(0);
    let start = src.span.start + off(at.start);
    let end = (src.span.start + off(at.end)).max(start + 1);
    Span::new(start, end)
}

impl Walker<'_> {
    /// Declares the record types: names first (fields may name any of
    /// them), then fields; rejects a record that holds itself by value.
    pub(crate) fn declare_types(&mut self) {
        let sc = self.sc;
        for t in &sc.types {
            if let Some(&first) = self.record_ids.get(&t.name.text) {
                let first_span = self.records[first.index()].span;
                self.error(
                    Diagnostic::new(
                        format!("type `{}` is declared twice", t.name.text),
                        t.name.span,
                    )
                    .with_label("declared again here")
                    .with_secondary(first_span, "first declared here")
                    .with_help("rename one of the two"),
                );
                continue;
            }
            let id = RecordId(self.records.len() as u32);
            self.record_ids.insert(t.name.text.clone(), id);
            self.records.push(RecordInfo {
                name: t.name.text.clone(),
                fields: Vec::new(),
                span: t.name.span,
            });
        }
        for t in &sc.types {
            let Some(&id) = self.record_ids.get(&t.name.text) else {
                continue;
            };
            if self.records[id.index()].span != t.name.span {
                continue;
            }
            let mut fields: Vec<FieldInfo> = Vec::new();
            for (name, ty) in &t.fields {
                if let Some(first) = fields.iter().find(|f| f.name == name.text) {
                    let first = first.span;
                    self.error(
                        Diagnostic::new(
                            format!("field `{}` is declared twice", name.text),
                            name.span,
                        )
                        .with_label("declared again here")
                        .with_secondary(first, "first declared here"),
                    );
                    continue;
                }
                // A field whose type fails is still a field (of unknown
                // kind), so its uses are not reported as unknown fields.
                let (slot, cell) = self.go_type(ty).unwrap_or((
                    Slot {
                        kind: Kind::Unknown,
                        inline: false,
                        layout: None,
                    },
                    Cell::Value(Const::Nil),
                ));
                let elem = self.chan_elem_of_type(ty);
                fields.push(FieldInfo {
                    name: name.text.clone(),
                    slot,
                    elem,
                    cell,
                    span: name.span,
                });
            }
            self.records[id.index()].fields = fields;
        }
        self.check_inline_cycles();
    }

    /// Go rejects `type A struct { b B }; type B struct { a A }`: such a
    /// record would be infinitely large.
    fn check_inline_cycles(&mut self) {
        let n = self.records.len();
        let inline_edges: Vec<Vec<(usize, Span)>> = self
            .records
            .iter()
            .map(|r| {
                let mut out = Vec::new();
                for f in &r.fields {
                    let mut c = &f.cell;
                    while let Cell::Array(inner, _) = c {
                        c = inner;
                    }
                    if let Cell::Record(id) = c {
                        out.push((id.index(), f.span));
                    }
                }
                out
            })
            .collect();
        // Iterative depth-first search for a cycle from each record.
        let mut reported = vec![false; n];
        for start in 0..n {
            let mut seen = vec![false; n];
            let mut stack: Vec<(usize, Span)> = inline_edges[start].clone();
            while let Some((r, span)) = stack.pop() {
                if r == start {
                    if !reported[start] {
                        reported[start] = true;
                        let name = self.records[start].name.clone();
                        self.error(
                            Diagnostic::new(
                                format!("record `{name}` contains itself"),
                                self.records[start].span,
                            )
                            .with_label("invalid recursive type")
                            .with_secondary(span, "held by value here")
                            .with_help("hold it through a pointer: `*T`"),
                        );
                    }
                    break;
                }
                if r < n && !seen[r] {
                    seen[r] = true;
                    stack.extend(inline_edges[r].iter().copied());
                }
            }
        }
    }

    /// What a Go type written at `src` holds and how it is made, or an
    /// error (reported).
    pub(crate) fn go_type(&mut self, src: &TypeSrc) -> Option<(Slot, Cell)> {
        let t = match gotype::parse(&src.text) {
            Ok(t) => t,
            Err(e) => {
                let span = span_in(src, &e.at);
                self.error(
                    Diagnostic::new(
                        format!("cannot read type `{}`: {}", src.text, e.message),
                        span,
                    )
                    .with_label("not a type weft knows")
                    .with_note(format!("weft knows {}", gotype::KNOWN)),
                );
                return None;
            }
        };
        self.resolve_type(&t, src)
    }

    fn resolve_type(&mut self, t: &GoType, src: &TypeSrc) -> Option<(Slot, Cell)> {
        let layout = t.layout();
        let cell = |kind: Kind, zero: Const| {
            Some((
                Slot {
                    kind,
                    inline: false,
                    layout,
                },
                Cell::Value(zero),
            ))
        };
        match t {
            GoType::Int(_) => cell(Kind::Int, Const::Int(0)),
            GoType::Bool(_) => cell(Kind::Bool, Const::Bool(false)),
            GoType::String => cell(Kind::Str, Const::Str(0)),
            GoType::Opaque(_) => cell(Kind::Unknown, Const::Nil),
            GoType::Chan(_) => cell(Kind::Obj(ObjectKind::Chan), Const::Nil),
            GoType::Map(value) => {
                let slot = self.map_values(value, src)?;
                cell(Kind::Map(self.cells.intern(slot)), Const::Nil)
            }
            GoType::Context => cell(Kind::Obj(ObjectKind::Context), Const::Nil),
            GoType::CancelFunc => cell(Kind::Obj(ObjectKind::CancelFunc), Const::Nil),
            GoType::Timer => cell(Kind::Obj(ObjectKind::Timer), Const::Nil),
            GoType::Func => cell(Kind::Obj(ObjectKind::Func), Const::Nil),
            GoType::Sync(ObjectKind::Cond) => {
                self.error(
                    Diagnostic::new("a `sync.Cond` must be made with its Locker", src.span)
                        .with_label("by value")
                        .with_help(
                            "declare the field as `*sync.Cond` and set it to a `Cond(\"c\", \"mu\")`",
                        ),
                );
                None
            }
            GoType::Sync(k) => Some((
                Slot {
                    kind: Kind::Obj(*k),
                    inline: true,
                    layout: None,
                },
                Cell::Object(*k),
            )),
            GoType::Named(name) => {
                let id = self.record_named(name, src)?;
                Some((
                    Slot {
                        kind: Kind::Record(id),
                        inline: true,
                        layout: None,
                    },
                    Cell::Record(id),
                ))
            }
            GoType::Pointer(inner) => match inner.as_ref() {
                GoType::Named(name) => {
                    let id = self.record_named(name, src)?;
                    cell(Kind::Record(id), Const::Nil)
                }
                GoType::Sync(k) => cell(Kind::Obj(*k), Const::Nil),
                GoType::Int(_) | GoType::Bool(_) | GoType::String | GoType::Opaque(_) => {
                    cell(Kind::Pointer, Const::Nil)
                }
                GoType::Timer => cell(Kind::Obj(ObjectKind::Timer), Const::Nil),
                _ => {
                    self.error(
                        Diagnostic::new(
                            format!("weft does not support the pointer type `{}`", src.text),
                            src.span,
                        )
                        .with_label("not supported")
                        .with_help(
                            "point to a record (`*T`), a sync object or an integer; slices, \
                             maps and channels are references already",
                        ),
                    );
                    None
                }
            },
            GoType::Slice(elem) => {
                let (slot, _) = self.resolve_type(elem, src)?;
                let i = self.cells.intern(slot);
                cell(Kind::Slice(i), Const::Nil)
            }
            GoType::Array(elem, n) => {
                let (slot, c) = self.resolve_type(elem, src)?;
                let i = self.cells.intern(slot);
                Some((
                    Slot {
                        kind: Kind::Slice(i),
                        inline: true,
                        layout: None,
                    },
                    Cell::Array(Box::new(c), *n),
                ))
            }
        }
    }

    /// What the values of a map hold, of type `t` written at `src` (the
    /// map's type or its `elem`): a value or a reference, never an object
    /// held by value, which Go copies in and out of a map.
    fn map_values(&mut self, t: &GoType, src: &TypeSrc) -> Option<Slot> {
        let (slot, _) = self.resolve_type(t, src)?;
        if slot.inline {
            self.error(
                Diagnostic::new(
                    format!("a map cannot hold {} by value", slot.kind.describe()),
                    src.span,
                )
                .with_label("values held by value")
                .with_note(
                    "Go copies a map's values in and out: `m[k]` is not addressable, so an object in it cannot be used in place",
                )
                .with_help("hold the values by pointer: `*T`, `*sync.Mutex`"),
            );
            return None;
        }
        Some(slot)
    }

    /// What the values of a map made with `elem` (`Map`'s) hold, `int`
    /// when it has none; errors are reported.
    pub(crate) fn map_elem(&mut self, elem: Option<&TypeSrc>) -> Option<Slot> {
        let Some(src) = elem else {
            return Some(INT_VALUES);
        };
        match gotype::parse(&src.text) {
            Ok(t) => self.map_values(&t, src),
            // (Reported by `go_type`.)
            Err(_) => self.go_type(src).and(None),
        }
    }

    /// The kind of the values of channel type `src` (`"chan *Job"`), or
    /// unknown; errors in the type are reported where it is resolved.
    pub(crate) fn chan_elem_of_type(&mut self, src: &TypeSrc) -> Kind {
        let Ok(GoType::Chan(elem)) = gotype::parse(&src.text) else {
            return Kind::Unknown;
        };
        let saved = self.errs.len();
        let k = self
            .resolve_type(&elem, src)
            .map_or(Kind::Unknown, |(s, _)| s.kind);
        self.errs.truncate(saved);
        k
    }

    /// The kind of values of element type `src` (`Chan`'s `elem`), reported
    /// when it is not a type.
    pub(crate) fn elem_type(&mut self, src: &TypeSrc) -> Kind {
        self.go_type(src).map_or(Kind::Unknown, |(s, _)| s.kind)
    }

    fn record_named(&mut self, name: &str, src: &TypeSrc) -> Option<RecordId> {
        if let Some(id) = self.record_ids.get(name) {
            return Some(*id);
        }
        let names: Vec<&str> = self.record_ids.keys().map(String::as_str).collect();
        let mut d = Diagnostic::new(format!("unknown type `{name}`"), src.span)
            .with_label("not declared in `types`");
        if let Some(s) = crate::diagnostic::closest(name, names.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else {
            d = d.with_help(format!(
                "declare it: `types: {{\"{name}\": {{\"field\": \"int\"}}}}`"
            ));
        }
        self.error(d);
        None
    }

    /// The record type `name` written at `span` (reported when unknown).
    pub(crate) fn record_type(&mut self, name: &str, span: Span) -> Option<RecordId> {
        self.record_named(
            name,
            &TypeSrc {
                text: name.to_string(),
                span,
            },
        )
    }

    /// Every record type, lowered.
    pub(crate) fn lowered_types(&self) -> Vec<RecordType> {
        self.records.iter().map(RecordInfo::lowered).collect()
    }
}

/// Record names to ids.
pub(crate) type RecordIds = HashMap<String, RecordId>;
