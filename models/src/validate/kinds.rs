//! Static kinds: what every name and expression denotes (a value, a shared
//! variable, a pointer or an object), and the join used to infer parameter
//! kinds from call sites.

use crate::ir::{Const, ObjectKind, RecordId};
use crate::span::Span;

/// The static kind of a name or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An integer value.
    Int,
    /// A boolean value.
    Bool,
    /// A string value.
    Str,
    /// A value of unknown type (received from a channel, returned by a
    /// call, ...): accepted wherever a value or object is expected.
    Unknown,
    /// `nil`: accepted wherever an object, pointer or unknown value is.
    Nil,
    /// A name declared by `Var`: its bare name reads the value. As the kind
    /// of an expression: the read of a shared variable (a value).
    Var,
    /// The handle of a shared variable (`&x`), read with `*p`.
    Pointer,
    /// A synchronisation object, channel, map, context, function, ...
    Obj(ObjectKind),
    /// A record of this type (always by reference: `&T{...}`).
    Record(RecordId),
    /// A slice whose elements are described by this entry of the walk's
    /// cell table ([`super::types::CellTable`]).
    Slice(u32),
    /// A map whose values are described by this entry of the walk's cell
    /// table (its keys are not typed).
    Map(u32),
}

impl Kind {
    /// How messages name the kind ("an integer", "a channel", ...).
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Int => "an integer",
            Kind::Bool => "a boolean",
            Kind::Str => "a string",
            Kind::Unknown => "a value",
            Kind::Nil => "`nil`",
            Kind::Var => "a shared variable",
            Kind::Pointer => "a pointer",
            Kind::Obj(k) => k.describe(),
            Kind::Record(_) => "a record",
            Kind::Slice(_) => "a slice",
            Kind::Map(_) => "a map",
        }
    }

    /// The zero value of a variable of this kind: 0, false, else nil (a
    /// value of unknown type included).
    pub(crate) fn zero(self) -> Const {
        match self {
            Kind::Int => Const::Int(0),
            Kind::Bool => Const::Bool(false),
            Kind::Str => Const::Str(0),
            Kind::Unknown
            | Kind::Nil
            | Kind::Var
            | Kind::Pointer
            | Kind::Obj(_)
            | Kind::Record(_)
            | Kind::Slice(_)
            | Kind::Map(_) => Const::Nil,
        }
    }

    /// Whether this kind may be used where an integer is needed (the read
    /// of a shared variable may be one).
    pub(crate) fn is_int(self) -> bool {
        matches!(self, Kind::Int | Kind::Unknown | Kind::Var)
    }

    /// Whether this kind may be used where a boolean is needed.
    pub(crate) fn is_bool(self) -> bool {
        matches!(self, Kind::Bool | Kind::Unknown | Kind::Var)
    }

    /// The kind as a value: the read of a shared variable is an unknown value.
    pub(crate) fn value(self) -> Kind {
        match self {
            Kind::Var => Kind::Unknown,
            k => k,
        }
    }

    /// Whether this kind may be used where an object of one of `allowed` is needed.
    pub(crate) fn is_obj(self, allowed: &[ObjectKind]) -> bool {
        match self {
            Kind::Obj(k) => allowed.contains(&k),
            Kind::Record(_) => allowed.contains(&ObjectKind::Record),
            Kind::Slice(_) => allowed.contains(&ObjectKind::Slice),
            Kind::Map(_) => allowed.contains(&ObjectKind::Map),
            Kind::Unknown | Kind::Nil => true,
            _ => false,
        }
    }

    /// The kind of a local initialised with a value of this kind.
    pub(crate) fn of_local(self) -> Kind {
        match self {
            Kind::Nil | Kind::Var => Kind::Unknown,
            k => k,
        }
    }

    /// Whether a value of kind `value` may be stored in a place of this kind
    /// (and whether two values of these kinds may be compared).
    pub(crate) fn compatible(self, value: Kind) -> bool {
        match (self.value(), value.value()) {
            (a, b) if a == b => true,
            (Kind::Unknown, _) | (_, Kind::Unknown) => true,
            // A map whose values nothing describes (a range's record).
            (Kind::Obj(ObjectKind::Map), Kind::Map(_))
            | (Kind::Map(_), Kind::Obj(ObjectKind::Map)) => true,
            (Kind::Nil, k) | (k, Kind::Nil) => !matches!(k, Kind::Int | Kind::Bool | Kind::Str),
            _ => false,
        }
    }

    /// Whether a value of this kind is a reference (an object, a record,
    /// a slice or a pointer), not an integer or boolean.
    pub(crate) fn is_reference(self) -> bool {
        matches!(
            self,
            Kind::Obj(_) | Kind::Pointer | Kind::Record(_) | Kind::Slice(_) | Kind::Map(_)
        )
    }

    /// The least kind covering both, or `None` when they conflict.
    pub(crate) fn join(self, other: Kind) -> Option<Kind> {
        match (self.value(), other.value()) {
            (a, b) if a == b => Some(a),
            (Kind::Unknown | Kind::Nil, Kind::Unknown | Kind::Nil) => Some(Kind::Unknown),
            (Kind::Unknown, k) | (k, Kind::Unknown) => Some(k),
            (Kind::Nil, k) | (k, Kind::Nil) => {
                (!matches!(k, Kind::Int | Kind::Bool | Kind::Str)).then_some(k)
            }
            _ => None,
        }
    }
}

/// What call sites say about one parameter of a named function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamKind {
    /// No call site passes it yet.
    Unresolved,
    /// Every call site agrees; the span is the first site's argument.
    Known(Kind, Span),
    /// Two call sites disagree (reported once).
    Conflict,
}

impl ParamKind {
    /// The kind the function body sees.
    pub(crate) fn kind(self) -> Kind {
        match self {
            ParamKind::Known(k, _) => k.of_local(),
            ParamKind::Unresolved | ParamKind::Conflict => Kind::Unknown,
        }
    }

    /// Whether two states say the same thing (spans aside).
    pub(crate) fn same(self, other: ParamKind) -> bool {
        match (self, other) {
            (ParamKind::Known(a, _), ParamKind::Known(b, _)) => a == b,
            (a, b) => std::mem::discriminant(&a) == std::mem::discriminant(&b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        let chan = Kind::Obj(ObjectKind::Chan);
        let mutex = Kind::Obj(ObjectKind::Mutex);
        assert_eq!(chan.join(chan), Some(chan));
        assert_eq!(chan.join(Kind::Nil), Some(chan));
        assert_eq!(Kind::Unknown.join(Kind::Int), Some(Kind::Int));
        assert_eq!(Kind::Nil.join(Kind::Int), None);
        assert_eq!(chan.join(mutex), None);
        assert_eq!(Kind::Int.join(Kind::Bool), None);
        assert_eq!(Kind::Pointer.join(Kind::Int), None);
    }

    #[test]
    fn compatibility() {
        let chan = Kind::Obj(ObjectKind::Chan);
        assert!(chan.compatible(Kind::Nil));
        assert!(!Kind::Int.compatible(Kind::Nil));
        assert!(Kind::Int.compatible(Kind::Unknown));
        assert!(!Kind::Int.compatible(chan));
        assert!(chan.is_obj(&[ObjectKind::Chan]));
        assert!(Kind::Unknown.is_obj(&[ObjectKind::Mutex]));
        assert!(!Kind::Var.is_obj(&[ObjectKind::Var]));
    }
}
