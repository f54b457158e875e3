//! What a Go name denotes once imported: its kind (the weft object or value
//! it becomes) and its name in the scenario.

use std::collections::HashMap;

/// What a Go name holds, as weft sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A channel; `elem` says whether its values are tracked (int or bool).
    Chan {
        /// The element type is int-like or bool.
        elem: Elem,
    },
    /// `sync.Mutex`.
    Mutex,
    /// `sync.RWMutex`.
    RwMutex,
    /// `sync.WaitGroup`.
    WaitGroup,
    /// `sync.Once`.
    Once,
    /// `*sync.Cond`.
    Cond,
    /// `context.Context`.
    Ctx,
    /// `context.CancelFunc`.
    Cancel,
    /// `*time.Timer` (from `time.NewTimer` or `time.AfterFunc`).
    Timer,
    /// The `stop` function `context.AfterFunc` returns (`func() bool`).
    StopFunc,
    /// `*time.Ticker`.
    Ticker,
    /// A map. `tracked_keys`: its key type is one weft follows (an
    /// integer, a bool, a pointer, a string while the file's string keys
    /// are followed); else (a float, an interface, such strings)
    /// the keys are data weft does not track, and so is everything read
    /// from the map: each access is still kept, as an access of the map (a
    /// race, a concurrent map write, a write to a nil map), but no entry
    /// is. `value`: what its values hold ([`map_value`]).
    Map {
        /// The key type is one weft follows.
        tracked_keys: bool,
        /// The keys are strings (followed when `tracked_keys`:
        /// [`crate::strings`]).
        str_keys: bool,
        /// What its values hold.
        value: SliceElem,
    },
    /// An integer value (a local, or a shared variable when `shared`).
    Int,
    /// A boolean value.
    Bool,
    /// A string weft follows: the constants the file writes, and what
    /// holds only them ([`crate::strings`]); a string built at run time is
    /// [`Kind::Untracked`].
    Str,
    /// A pointer to a shared integer (`*int`).
    Ptr,
    /// `atomic.Int64` and its kin: a shared integer used through methods.
    AtomicInt,
    /// `atomic.Bool`: a shared boolean used through methods.
    AtomicBool,
    /// The result of `recover()`: weft's `Recover` gives whether it is non-nil.
    Recovered,
    /// A `*testing.T`: its `Fatal`/`Error` calls are failed assertions.
    Testing,
    /// A record: a struct type of the file (`ty` indexes [`crate::Pkg::structs`]),
    /// held through a pointer, or by value (`value`: a `var s T` local, made
    /// with `New` and never copied).
    Record {
        /// The struct type.
        ty: u16,
        /// Held by value: using it other than through a field or `&` copies it.
        value: bool,
    },
    /// A slice or an array (`array`: copied by assignment, so never
    /// aliased) of a fixed length.
    Slice {
        /// What its elements hold.
        elem: SliceElem,
        /// An array `[n]T` rather than a slice `[]T`.
        array: bool,
    },
    /// A function value (`func(...)`: a closure or a package function).
    Func {
        /// What a call returns, when it has one result weft tracks (an
        /// integer, a bool or a record; `Elem::Other`: none followed).
        ret: Elem,
    },
    /// An `errgroup.Group` (golang.org/x/sync/errgroup).
    Group,
    /// An error (`error`): `nil`, `errors.New("text")` (equal to every
    /// other of the same text, as a sentinel is), `fmt.Errorf(...)` (not
    /// nil), `ctx.Err()`, the error result of the file's functions, and
    /// the result of an errgroup's `Wait`; an error weft cannot follow is
    /// chosen nil or not where it lands (`Importer::choose_error`).
    Error,
    /// Data weft does not track (floats, strings built at run time, I/O
    /// results...):
    /// reads of it make a condition a nondeterministic choice.
    Untracked,
}

/// What the elements of a slice or array hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceElem {
    /// Integers, with the Go type the scenario writes for them (`int`,
    /// `byte`, `int32`, ...: their size decides how `append` grows a
    /// slice of them).
    Int(&'static str),
    /// Booleans.
    Bool,
    /// Strings weft follows ([`crate::strings`]).
    Str,
    /// Errors, followed as an `error` local's are (nil or not, which
    /// `errors.New`).
    Error,
    /// Channels.
    Chan(Elem),
    /// `sync.Mutex`, used in place.
    Mutex,
    /// `sync.RWMutex`, used in place.
    RwMutex,
    /// `sync.WaitGroup`, used in place.
    WaitGroup,
    /// Pointers to a struct of the file.
    Record(u16),
    /// Values of a struct of the file (`[]result`): records made with the
    /// slice and used in place; reading one as a value copies it
    /// (`crate::values`).
    Value(u16),
    /// Data weft does not track (`[]float64`, `[]string` once string
    /// elements are not followed): each element is
    /// a cell holding nil, so its reads and writes are kept as accesses
    /// (races), and its value is not followed. With the type weft writes
    /// for it ([`untracked_type`]: its size decides how `append` grows).
    Untracked(&'static str),
}

impl SliceElem {
    /// The element's kind, from the kind of its Go type (`None`: not an
    /// element weft holds).
    pub fn of(k: Kind) -> Option<SliceElem> {
        Some(match k {
            Kind::Int => SliceElem::Int("int"),
            Kind::Bool => SliceElem::Bool,
            Kind::Chan { elem } => SliceElem::Chan(elem),
            Kind::Mutex => SliceElem::Mutex,
            Kind::RwMutex => SliceElem::RwMutex,
            Kind::WaitGroup => SliceElem::WaitGroup,
            Kind::Record { ty, value: false } => SliceElem::Record(ty),
            Kind::Record { ty, value: true } => SliceElem::Value(ty),
            Kind::Str => SliceElem::Str,
            Kind::Error => SliceElem::Error,
            Kind::Untracked => SliceElem::Untracked("any"),
            Kind::Once
            | Kind::Cond
            | Kind::Ctx
            | Kind::Cancel
            | Kind::Timer
            | Kind::StopFunc
            | Kind::Ticker
            | Kind::Map { .. }
            | Kind::Ptr
            | Kind::AtomicInt
            | Kind::AtomicBool
            | Kind::Recovered
            | Kind::Testing
            | Kind::Slice { .. }
            | Kind::Func { .. }
            | Kind::Group => return None,
        })
    }

    /// Whether the elements are data weft does not track.
    pub fn is_untracked(self) -> bool {
        matches!(self, SliceElem::Untracked(_))
    }

    /// The kind of one element.
    pub fn kind(self) -> Kind {
        match self {
            SliceElem::Int(_) => Kind::Int,
            SliceElem::Bool => Kind::Bool,
            SliceElem::Str => Kind::Str,
            SliceElem::Error => Kind::Error,
            SliceElem::Chan(elem) => Kind::Chan { elem },
            SliceElem::Mutex => Kind::Mutex,
            SliceElem::RwMutex => Kind::RwMutex,
            SliceElem::WaitGroup => Kind::WaitGroup,
            SliceElem::Record(ty) => Kind::Record { ty, value: false },
            SliceElem::Value(ty) => Kind::Record { ty, value: true },
            SliceElem::Untracked(_) => Kind::Untracked,
        }
    }
}

/// The tracked element types of a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    /// Integers (any Go integer type).
    Int,
    /// Booleans.
    Bool,
    /// Pointers to a struct of the file (`chan *Job`): the records
    /// themselves are sent, and a receive gives one.
    Record(u16),
    /// Values of a struct of the file (`chan result`): each send hands
    /// over a record no one else holds (a literal, or a copy), so the
    /// receiver owns what it receives (`crate::values`).
    Value(u16),
    /// Errors (`chan error`).
    Error,
    /// Strings weft follows (`chan string`, [`crate::strings`]).
    Str,
    /// Anything else: values are sent as 0 and received as untracked data.
    /// (Data weft does not follow sent on a channel of another element
    /// is refused: its receiver would follow the 0.)
    Other,
}

impl Elem {
    /// The kind of a received value.
    pub fn kind(self) -> Kind {
        match self {
            Elem::Int => Kind::Int,
            Elem::Bool => Kind::Bool,
            Elem::Record(ty) => Kind::Record { ty, value: false },
            Elem::Value(ty) => Kind::Record { ty, value: true },
            Elem::Error => Kind::Error,
            Elem::Str => Kind::Str,
            Elem::Other => Kind::Untracked,
        }
    }

    /// The element of a channel whose values have kind `k`.
    pub fn of(k: Option<Kind>) -> Elem {
        match k {
            Some(Kind::Int) => Elem::Int,
            Some(Kind::Bool) => Elem::Bool,
            Some(Kind::Record { ty, value: false }) => Elem::Record(ty),
            Some(Kind::Record { ty, value: true }) => Elem::Value(ty),
            Some(Kind::Error) => Elem::Error,
            Some(Kind::Str) => Elem::Str,
            _ => Elem::Other,
        }
    }
}

impl Kind {
    /// Whether this is an atomic type (`atomic.Int64`, `atomic.Bool`, ...):
    /// a shared variable used through its methods.
    pub fn is_atomic(self) -> bool {
        matches!(self, Kind::AtomicInt | Kind::AtomicBool)
    }

    /// Whether a value of this kind is an int or bool (a weft value).
    pub fn is_value(self) -> bool {
        matches!(
            self,
            Kind::Int | Kind::Bool | Kind::Str | Kind::Ptr | Kind::Error
        )
    }

    /// The kind's name in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Chan { .. } => "a channel",
            Kind::Mutex => "a sync.Mutex",
            Kind::RwMutex => "a sync.RWMutex",
            Kind::WaitGroup => "a sync.WaitGroup",
            Kind::Once => "a sync.Once",
            Kind::Cond => "a *sync.Cond",
            Kind::Ctx => "a context.Context",
            Kind::Cancel => "a context.CancelFunc",
            Kind::Timer => "a *time.Timer",
            Kind::StopFunc => "a context.AfterFunc stop function",
            Kind::Ticker => "a *time.Ticker",
            Kind::Map { .. } => "a map",
            Kind::Int => "an integer",
            Kind::Bool => "a bool",
            Kind::Str => "a string",
            Kind::Ptr => "a pointer",
            Kind::AtomicInt => "an atomic integer",
            Kind::AtomicBool => "an atomic boolean",
            Kind::Recovered => "a recovered value",
            Kind::Testing => "a *testing.T",
            Kind::Record { .. } => "a struct",
            Kind::Func { .. } => "a function value",
            Kind::Group => "an errgroup.Group",
            Kind::Error => "an error",
            Kind::Slice { array: false, .. } => "a slice",
            Kind::Slice { array: true, .. } => "an array",
            Kind::Untracked => "untracked data",
        }
    }
}

/// One visible Go name.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The string holder it is ([`crate::strings`]), when it holds a
    /// string and was declared where the import knows its Go name's node.
    pub holder: Option<String>,
    /// Its name in the scenario (the Go name, or the object it aliases).
    pub ron: String,
    /// What it holds.
    pub kind: Kind,
    /// A `Var`: reads and writes are shared-memory accesses.
    pub shared: bool,
}

/// Nested blocks of Go names.
#[derive(Default, Clone)]
pub struct Scope {
    blocks: Vec<HashMap<String, Binding>>,
}

impl Scope {
    /// A scope with one empty block.
    pub fn new() -> Self {
        Scope {
            blocks: vec![HashMap::new()],
        }
    }

    /// Enters a block.
    pub fn push(&mut self) {
        self.blocks.push(HashMap::new());
    }

    /// Leaves a block.
    pub fn pop(&mut self) {
        self.blocks.pop();
    }

    /// Declares `go` in the innermost block.
    pub fn declare(&mut self, go: &str, b: Binding) {
        if let Some(top) = self.blocks.last_mut() {
            top.insert(go.to_string(), b);
        }
    }

    /// Whether a Go name other than `ron` is bound to the scenario name
    /// `ron` (an alias: `a := b` of an object).
    pub fn aliased(&self, ron: &str) -> bool {
        self.blocks
            .iter()
            .flat_map(|b| b.iter())
            .any(|(go, b)| b.ron == ron && go != ron)
    }

    /// What `go` denotes, innermost first.
    pub fn get(&self, go: &str) -> Option<&Binding> {
        self.blocks.iter().rev().find_map(|b| b.get(go))
    }
}

/// The kind of a Go type written as text (`chan int`, `*sync.WaitGroup`,
/// `map[string]int`, ...). `None`: a type weft cannot hold (a struct, a
/// slice, a function...), which the caller reports.
pub fn kind_of_type(ty: &str) -> Option<Kind> {
    let t: String = ty.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = t.as_str();
    if let Some(rest) = t
        .strip_prefix("<-chan ")
        .or_else(|| t.strip_prefix("chan<- "))
        .or_else(|| t.strip_prefix("chan "))
    {
        return Some(Kind::Chan {
            elem: elem_of(rest),
        });
    }
    if let Some(rest) = t.strip_prefix("map[") {
        let (key, value) = map_parts(rest).unzip();
        let value = value.unwrap_or("");
        return Some(Kind::Map {
            // (A key of a type this function does not know, a struct of
            // the file, is followed as before.)
            // (Nor are strings: whether the file's are is the passes'.)
            tracked_keys: !matches!(
                key.and_then(kind_of_type),
                Some(Kind::Untracked | Kind::Str)
            ),
            str_keys: key.and_then(kind_of_type) == Some(Kind::Str),
            value: map_value(value, kind_of_type(value)),
        });
    }
    if t.starts_with("func(") {
        return Some(Kind::Func { ret: Elem::Other });
    }
    Some(match t.trim_start_matches('*') {
        "sync.Mutex" => Kind::Mutex,
        "sync.RWMutex" => Kind::RwMutex,
        "sync.WaitGroup" => Kind::WaitGroup,
        "sync.Once" => Kind::Once,
        "sync.Cond" => Kind::Cond,
        "context.Context" => Kind::Ctx,
        "context.CancelFunc" => Kind::Cancel,
        "time.Timer" => Kind::Timer,
        "time.Ticker" => Kind::Ticker,
        "testing.T" => Kind::Testing,
        "errgroup.Group" => Kind::Group,
        "atomic.Int64" | "atomic.Int32" | "atomic.Uint64" | "atomic.Uint32" => Kind::AtomicInt,
        "atomic.Bool" => Kind::AtomicBool,
        "bool" => Kind::Bool,
        "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32"
        | "uint64" | "uintptr" | "byte" | "rune" | "time.Duration" => {
            if t.starts_with('*') {
                Kind::Ptr
            } else {
                Kind::Int
            }
        }
        "error" => Kind::Error,
        "string" => Kind::Str,
        "float32" | "float64" | "complex64" | "complex128" | "time.Time" | "any"
        | "interface{}" => Kind::Untracked,
        _ => return None,
    })
}

/// The type weft writes for data of Go type `ty` it does not track: the
/// type itself when weft's language knows its size (`float64`,
/// `time.Time`, `error`), else `any`.
pub fn untracked_type(ty: &str) -> &'static str {
    const NAMES: [&str; 7] = [
        "float32",
        "float64",
        "complex64",
        "complex128",
        "time.Time",
        "error",
        "any",
    ];
    let ty = ty.trim();
    NAMES.iter().find(|n| **n == ty).copied().unwrap_or("any")
}

/// The name weft writes for the integer type `ty` (its underlying type):
/// the basic type itself, so that its size is Go's. (Every type
/// [`kind_of_type`] calls an integer is one of these.)
pub fn int_type(ty: &str) -> &'static str {
    const NAMES: [&str; 14] = [
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "byte",
        "rune",
        "time.Duration",
    ];
    let ty = ty.trim();
    NAMES.iter().find(|n| **n == ty).copied().unwrap_or("int")
}

/// What the values of a map hold, from their Go type `ty` (as written) and
/// its kind: integers, booleans, strings, channels, and pointers to records
/// or to sync objects are followed; anything else (errors, structs by
/// value, `sync.Mutex` by value, slices, other maps) is data weft does not
/// track: each entry is kept (its key, `len`, ranging), its value is not.
pub fn map_value(ty: &str, kind: Option<Kind>) -> SliceElem {
    let pointer = ty.trim_start().starts_with('*');
    match kind.and_then(SliceElem::of) {
        Some(
            e @ (SliceElem::Int(_)
            | SliceElem::Bool
            | SliceElem::Str
            | SliceElem::Chan(_)
            | SliceElem::Record(_)),
        ) => e,
        Some(SliceElem::Untracked(_)) => SliceElem::Untracked(untracked_type(ty)),
        Some(e @ (SliceElem::Mutex | SliceElem::RwMutex | SliceElem::WaitGroup)) if pointer => e,
        // (A map's errors are not followed.)
        Some(
            SliceElem::Mutex
            | SliceElem::RwMutex
            | SliceElem::WaitGroup
            | SliceElem::Value(_)
            | SliceElem::Error,
        )
        | None => SliceElem::Untracked(untracked_type(ty)),
    }
}

/// The key and value types of a map type, from the text after its `map[`:
/// the key up to the `]` that closes it (`map[[2]int]bool` has the key
/// `[2]int`), the value after it.
pub fn map_parts(rest: &str) -> Option<(&str, &str)> {
    let mut depth = 1usize;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some((rest[..i].trim(), rest[i + 1..].trim()));
                }
            }
            _ => {}
        }
    }
    None
}

/// The tracked-ness of a channel's element type.
pub fn elem_of(ty: &str) -> Elem {
    match kind_of_type(ty) {
        Some(Kind::Int) => Elem::Int,
        Some(Kind::Bool) => Elem::Bool,
        Some(Kind::Error) => Elem::Error,
        _ => Elem::Other,
    }
}
