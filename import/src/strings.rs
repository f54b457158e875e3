//! Strings weft follows. A string constant of the file (`"open"`,
//! `` `a` ``, a `const` of one) is a weft string value (`` `open` ``), and
//! so is every local, parameter and struct field of type `string` that
//! only ever holds such values: a registry keyed by name (`m["a"]`) keeps
//! its entries, a status field compared with `==` decides its branch.
//!
//! A string built at run time (`fmt.Sprint(i)`, `a + b`, a `[]string`'s
//! element) is data weft does not track. A holder that receives one
//! anywhere (a `:=` local, a parameter, a field) is untracked everywhere:
//! the import notes it ([`Importer::gives_untracked_str`]) and translates
//! the file again with that holder untracked, until no new one is found
//! (as it does for results, `crate::lib`'s passes). A lookup with such a
//! string reads the map and gives data weft does not track; a write or a
//! delete with one makes every string-keyed map's keys untracked (their
//! identities are not followed through assignments: all of them, as
//! integer channels carrying untracked data).

use std::collections::BTreeSet;

use tree_sitter::Node;

use crate::scope::Kind;
use crate::Importer;

/// What the passes so far found weft cannot follow as strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StrDowngrades {
    /// Holders ([`local_holder`], [`field_holder`]) given untracked data.
    pub holders: BTreeSet<String>,
    /// A string-keyed map was written or deleted at untracked data.
    pub map_keys: bool,
    /// Untracked data was sent on a string channel.
    pub chans: bool,
    /// Untracked data was stored in an element of a slice or map of
    /// strings.
    pub elems: bool,
}

impl StrDowngrades {
    /// Whether `self` adds nothing to `known`.
    pub fn within(&self, known: &StrDowngrades) -> bool {
        self.holders.is_subset(&known.holders)
            && (known.map_keys || !self.map_keys)
            && (known.chans || !self.chans)
            && (known.elems || !self.elems)
    }

    /// Adds what `other` found.
    pub fn extend(&mut self, other: &StrDowngrades) {
        self.holders.extend(other.holders.iter().cloned());
        self.map_keys |= other.map_keys;
        self.chans |= other.chans;
        self.elems |= other.elems;
    }
}

/// The holder a local or parameter declared at `name` is.
pub fn local_holder(name: Node) -> String {
    format!("local@{}", name.start_byte())
}

/// The holder field `f` of struct `ty` is.
pub fn field_holder(ty: u16, f: &str) -> String {
    format!("field {ty}.{f}")
}

impl Importer<'_> {
    /// The kind a holder of `kind` has: a string holder an earlier pass
    /// found given untracked data is untracked.
    pub(crate) fn held_kind(&self, holder: &str, kind: Kind) -> Kind {
        if kind == Kind::Str && self.untracked_strs.holders.contains(holder) {
            Kind::Untracked
        } else {
            kind
        }
    }

    /// Notes that the string holder `holder` is given untracked data here:
    /// it is untracked once translated again.
    pub(crate) fn gives_untracked_str(&mut self, holder: String) {
        self.gave_untracked_strs.holders.insert(holder);
    }

    /// Whether a string-keyed map's keys are followed (no map indexed
    /// with untracked data, as an earlier pass found).
    pub(crate) fn str_keys_tracked(&self) -> bool {
        !self.untracked_strs.map_keys
    }

    /// The elements of a slice or the values of a map of `e`: strings
    /// are untracked once untracked data was stored in one (an earlier
    /// pass).
    pub(crate) fn str_elems(&self, e: crate::scope::SliceElem) -> crate::scope::SliceElem {
        match e {
            crate::scope::SliceElem::Str if self.untracked_strs.elems => {
                crate::scope::SliceElem::Untracked("any")
            }
            e => e,
        }
    }

    /// Notes that untracked data is stored in a string element: the
    /// elements and values of slices and maps of strings are untracked
    /// once translated again.
    pub(crate) fn gives_untracked_str_elem(&mut self) {
        self.gave_untracked_strs.elems = true;
    }

    /// Whether string channels' values are followed (no untracked data
    /// sent on one, as an earlier pass found).
    pub(crate) fn str_chans_tracked(&self) -> bool {
        !self.untracked_strs.chans
    }

    /// Notes that untracked data is sent on a string channel: their values
    /// are untracked once translated again.
    pub(crate) fn gives_untracked_str_chan(&mut self) {
        self.gave_untracked_strs.chans = true;
    }

    /// Notes that a string-keyed map is indexed with untracked data: their
    /// keys are untracked once translated again.
    pub(crate) fn gives_untracked_str_key(&mut self) {
        self.gave_untracked_strs.map_keys = true;
    }

    /// Whether a string assigned to `t` (`:=` when `declare`) lands where
    /// weft does not follow it: a local declared here that an earlier pass
    /// found given untracked data, or an existing local holding such data
    /// (the write is then kept as such, not followed).
    pub(crate) fn str_lands_untracked(&self, t: Node, declare: bool) -> bool {
        if t.kind() != "identifier" {
            return false;
        }
        match self.scope.get(self.text(t)) {
            Some(b) if !declare => b.kind == Kind::Untracked,
            _ => self.held_kind(&local_holder(t), Kind::Str) == Kind::Untracked,
        }
    }

    /// The string holder `t` names when it is a field of a struct of the
    /// file (`s.name`, with no call in it).
    pub(crate) fn str_field_holder(&mut self, t: Node) -> Result<Option<String>, crate::Fail> {
        if crate::maps::has_call(t) {
            return Ok(None);
        }
        Ok(match self.selected_field(t)? {
            Some((_, ty, f)) if self.field_kind(ty, &f) == Some(Some(Kind::Str)) => {
                Some(field_holder(ty, &f))
            }
            _ => None,
        })
    }
}
