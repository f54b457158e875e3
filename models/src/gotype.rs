//! Go types as written in a scenario: `"int"`, `"chan int"`, `"*Server"`,
//! `"[]sync.Mutex"`, `"[4]chan int"`, `"map[string]int"`, `"func(int) error"`.
//!
//! Record fields, slice elements and typed variables name their type in Go
//! syntax; validation turns a [`GoType`] into what weft tracks: the kind of
//! value a cell holds, and whether the field holds an object by value (a
//! `sync.Mutex` field is a mutex made with its record) or a reference
//! (a `*sync.Mutex` field is nil until set).

use std::ops::Range;

use crate::ir::{Layout, ObjectKind};

/// A parsed Go type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoType {
    /// Any integer type (`int`, `int64`, `uint8`, `byte`, `time.Duration`,
    /// ...), with its size in bytes.
    Int(u8),
    /// `bool` (`atomic.Bool` too), with its size in bytes.
    Bool(u8),
    /// `string`: a string value (the constants a scenario writes, compared
    /// with `==`; "" at first).
    String,
    /// A type whose values weft does not track (`error`, `any`,
    /// `interface{...}`, floats): an unknown value, nil at first. Its Go
    /// layout, when weft knows it (not for a `struct{...}` with fields).
    Opaque(Option<Layout>),
    /// `chan T`, `<-chan T`, `chan<- T`
    Chan(Box<GoType>),
    /// `map[K]V`: the type of its values (weft does not type the keys).
    Map(Box<GoType>),
    /// `sync.Mutex`, `sync.RWMutex`, `sync.WaitGroup`, `sync.Once`,
    /// `sync.Cond`: by value.
    Sync(ObjectKind),
    /// `context.Context`
    Context,
    /// `context.CancelFunc`
    CancelFunc,
    /// `*time.Timer`, `*time.Ticker`
    Timer,
    /// `func(...) ...`
    Func,
    /// `*T`
    Pointer(Box<GoType>),
    /// `[]T`
    Slice(Box<GoType>),
    /// `[n]T`
    Array(Box<GoType>, u32),
    /// A record type declared in `types`.
    Named(String),
}

/// Why a type did not parse: a message and the byte range in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeError {
    /// What is wrong.
    pub message: String,
    /// Where, in bytes of the type's text.
    pub at: Range<usize>,
}

/// Deeper nesting is rejected (keeps the parser's recursion bounded).
const MAX_DEPTH: u32 = 32;

/// Parses a Go type.
pub fn parse(text: &str) -> Result<GoType, TypeError> {
    let mut p = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    let t = p.ty()?;
    p.skip_space();
    if p.pos < text.len() {
        return Err(p.error(
            format!("unexpected `{}` after the type", &text[p.pos..]),
            p.pos..text.len(),
        ));
    }
    Ok(t)
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
    depth: u32,
}

impl Parser<'_> {
    fn error(&self, message: String, at: Range<usize>) -> TypeError {
        TypeError { message, at }
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        while self.rest().starts_with(' ') {
            self.pos += 1;
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_space();
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// A dotted identifier (`int`, `sync.Mutex`, `Server`).
    fn word(&mut self) -> Option<(String, Range<usize>)> {
        self.skip_space();
        let start = self.pos;
        let len = self
            .rest()
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
            .count();
        if len == 0 {
            return None;
        }
        self.pos += len;
        Some((self.text[start..self.pos].to_string(), start..self.pos))
    }

    /// Skips a balanced `(...)` or `{...}` group starting at the current position.
    fn skip_group(&mut self, open: u8, close: u8) -> Result<(), TypeError> {
        let start = self.pos;
        let mut depth = 0usize;
        for (i, b) in self.rest().bytes().enumerate() {
            if b == open {
                depth += 1;
            } else if b == close {
                depth -= 1;
                if depth == 0 {
                    self.pos += i + 1;
                    return Ok(());
                }
            }
        }
        Err(self.error(
            format!("`{}` is not closed", open as char),
            start..self.text.len(),
        ))
    }

    fn ty(&mut self) -> Result<GoType, TypeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("the type is nested too deeply".into(), self.pos..self.pos));
        }
        let t = self.ty_inner();
        self.depth -= 1;
        t
    }

    fn ty_inner(&mut self) -> Result<GoType, TypeError> {
        self.skip_space();
        let start = self.pos;
        if self.eat("*") {
            return Ok(GoType::Pointer(Box::new(self.ty()?)));
        }
        if self.eat("[]") {
            return Ok(GoType::Slice(Box::new(self.ty()?)));
        }
        if self.eat("[") {
            let n_start = self.pos;
            let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
            self.pos += digits;
            let n: Option<u32> = self.text[n_start..self.pos].parse().ok();
            if n.is_some() && !self.eat("]") {
                return Err(self.error(
                    "expected `]` after the array length".into(),
                    self.pos..self.pos,
                ));
            }
            let Some(n) = n else {
                let end = n_start + self.text[n_start..].find(']').unwrap_or(0);
                return Err(self.error(
                    "an array length must be an integer constant".into(),
                    n_start..end.max(n_start + 1),
                ));
            };
            return Ok(GoType::Array(Box::new(self.ty()?), n));
        }
        if self.eat("<-chan") || self.eat("chan<-") || self.eat("chan ") {
            return Ok(GoType::Chan(Box::new(self.ty()?)));
        }
        if self.eat("map[") {
            self.ty()?;
            if !self.eat("]") {
                return Err(self.error(
                    "expected `]` after the map's key type".into(),
                    self.pos..self.pos,
                ));
            }
            return Ok(GoType::Map(Box::new(self.ty()?)));
        }
        if self.eat("func") {
            self.skip_space();
            if !self.rest().starts_with('(') {
                return Err(self.error("expected `(` after `func`".into(), self.pos..self.pos));
            }
            self.skip_group(b'(', b')')?;
            // Results: one type, a parenthesised list, or none.
            self.skip_space();
            if self.rest().starts_with('(') {
                self.skip_group(b'(', b')')?;
            } else if !self.rest().is_empty() && !self.rest().starts_with(']') {
                self.ty()?;
            }
            return Ok(GoType::Func);
        }
        let interface = self.eat("interface");
        if interface || self.eat("struct") {
            self.skip_space();
            let body = self.pos;
            if self.rest().starts_with('{') {
                self.skip_group(b'{', b'}')?;
            }
            let empty = self.text[body..self.pos]
                .trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace())
                .is_empty();
            return Ok(GoType::Opaque(match (interface, empty) {
                (true, _) => Some(WORDS_WITH_POINTERS[1]),
                // `struct{}` takes no memory.
                (false, true) => Some(Layout {
                    size: 0,
                    pointers: false,
                }),
                (false, false) => None,
            }));
        }
        let Some((w, at)) = self.word() else {
            let found = self.rest().chars().next();
            return Err(self.error(
                match found {
                    Some(c) => format!("expected a type, found `{c}`"),
                    None => "expected a type".to_string(),
                },
                start..self.pos + found.map_or(0, char::len_utf8),
            ));
        };
        let plain = |size: u32| {
            Some(Layout {
                size,
                pointers: false,
            })
        };
        Ok(match w.as_str() {
            "int8" | "uint8" | "byte" => GoType::Int(1),
            "int16" | "uint16" => GoType::Int(2),
            "int32" | "uint32" | "rune" | "atomic.Int32" | "atomic.Uint32" => GoType::Int(4),
            "int" | "int64" | "uint" | "uint64" | "uintptr" | "time.Duration" | "atomic.Int64"
            | "atomic.Uint64" => GoType::Int(8),
            "bool" => GoType::Bool(1),
            "atomic.Bool" => GoType::Bool(4),
            "string" => GoType::String,
            "error" | "any" => GoType::Opaque(Some(WORDS_WITH_POINTERS[1])),
            "float32" => GoType::Opaque(plain(4)),
            "float64" | "complex64" => GoType::Opaque(plain(8)),
            "complex128" => GoType::Opaque(plain(16)),
            // wall, ext and a *Location.
            "time.Time" => GoType::Opaque(Some(WORDS_WITH_POINTERS[2])),
            "sync.Mutex" => GoType::Sync(ObjectKind::Mutex),
            "sync.RWMutex" => GoType::Sync(ObjectKind::RwMutex),
            "sync.WaitGroup" => GoType::Sync(ObjectKind::WaitGroup),
            "sync.Once" => GoType::Sync(ObjectKind::Once),
            "sync.Cond" => GoType::Sync(ObjectKind::Cond),
            "context.Context" => GoType::Context,
            "context.CancelFunc" => GoType::CancelFunc,
            "time.Timer" | "time.Ticker" => GoType::Timer,
            "chan" => {
                return Err(self.error("write the element type after `chan`: `chan int`".into(), at))
            }
            _ if w.contains('.') => {
                return Err(self.error(format!("weft does not know the type `{w}`"), at))
            }
            _ => GoType::Named(w),
        })
    }
}

/// One, two and three machine words holding pointers: a pointer (channel,
/// map, function), an interface or string, a slice (or a `time.Time`).
const WORDS_WITH_POINTERS: [Layout; 3] = [
    Layout {
        size: 8,
        pointers: true,
    },
    Layout {
        size: 16,
        pointers: true,
    },
    Layout {
        size: 24,
        pointers: true,
    },
];

impl GoType {
    /// Go's layout of a value of this type held in a cell, on a 64-bit
    /// platform (what `unsafe.Sizeof` says, and whether the collector scans
    /// it). `None` for what a cell does not hold (sync objects, records and
    /// arrays are held in place) and for a `struct{...}` weft does not read.
    pub fn layout(&self) -> Option<Layout> {
        match self {
            GoType::Int(size) | GoType::Bool(size) => Some(Layout {
                size: u32::from(*size),
                pointers: false,
            }),
            GoType::Opaque(layout) => *layout,
            GoType::Chan(_)
            | GoType::Map(_)
            | GoType::Func
            | GoType::CancelFunc
            | GoType::Timer
            | GoType::Pointer(_) => Some(WORDS_WITH_POINTERS[0]),
            GoType::String | GoType::Context => Some(WORDS_WITH_POINTERS[1]),
            GoType::Slice(_) => Some(WORDS_WITH_POINTERS[2]),
            GoType::Sync(_) | GoType::Named(_) | GoType::Array(..) => None,
        }
    }
}

/// The types [`parse`] knows by name, for help messages.
pub const KNOWN: &str = "int (and the other integer types), bool, string, error, any, \
     chan T, map[K]V, []T, [n]T, *T, func(...), sync.Mutex, sync.RWMutex, sync.WaitGroup, \
     sync.Once, *sync.Cond, context.Context, context.CancelFunc, *time.Timer, *time.Ticker, \
     and the record types declared in `types`";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_real_programs_use() {
        use GoType::*;
        assert_eq!(parse("int").expect("parses"), Int(8));
        assert_eq!(parse("chan int").expect("parses"), Chan(Box::new(Int(8))));
        assert_eq!(
            parse("<-chan bool").expect("parses"),
            Chan(Box::new(Bool(1)))
        );
        assert_eq!(
            parse("chan chan int").expect("parses"),
            Chan(Box::new(Chan(Box::new(Int(8)))))
        );
        assert_eq!(
            parse("[]chan int").expect("parses"),
            Slice(Box::new(Chan(Box::new(Int(8)))))
        );
        assert_eq!(
            parse("[3]sync.Mutex").expect("parses"),
            Array(Box::new(Sync(ObjectKind::Mutex)), 3)
        );
        assert_eq!(
            parse("*Server").expect("parses"),
            Pointer(Box::new(Named("Server".into())))
        );
        assert_eq!(
            parse("map[string]int").expect("parses"),
            Map(Box::new(Int(8)))
        );
        assert_eq!(
            parse("map[int]*Watcher").expect("parses"),
            Map(Box::new(Pointer(Box::new(Named("Watcher".into())))))
        );
        assert_eq!(parse("func(int) error").expect("parses"), Func);
        assert_eq!(parse("func() (int, error)").expect("parses"), Func);
        assert_eq!(parse("[]func()").expect("parses"), Slice(Box::new(Func)));
        assert_eq!(
            parse("interface{}").expect("parses"),
            Opaque(Some(WORDS_WITH_POINTERS[1]))
        );
    }

    #[test]
    fn knows_the_layout_go_gives_a_cell() {
        let layout = |t: &str| {
            parse(t)
                .expect("parses")
                .layout()
                .map(|l| (l.size, l.pointers))
        };
        for (t, want) in [
            ("byte", Some((1, false))),
            ("int32", Some((4, false))),
            ("int", Some((8, false))),
            ("bool", Some((1, false))),
            ("float64", Some((8, false))),
            ("string", Some((16, true))),
            ("error", Some((16, true))),
            ("*Server", Some((8, true))),
            ("chan int", Some((8, true))),
            ("[]int", Some((24, true))),
            ("time.Time", Some((24, true))),
            ("struct{}", Some((0, false))),
            ("struct{ a int }", None),
            ("sync.Mutex", None),
            ("[2]int", None),
        ] {
            assert_eq!(layout(t), want, "{t}");
        }
    }

    #[test]
    fn errors_say_where() {
        let e = parse("chan").expect_err("must not parse");
        assert!(e.message.contains("element type"), "{e:?}");
        let e = parse("sync.Mutexx").expect_err("must not parse");
        assert_eq!(e.at, 0..11);
        let e = parse("[x]int").expect_err("must not parse");
        assert!(e.message.contains("integer constant"), "{e:?}");
        let e = parse("int int").expect_err("must not parse");
        assert!(e.message.contains("unexpected"), "{e:?}");
        let deep = "*".repeat(100) + "int";
        assert!(parse(&deep)
            .expect_err("must not parse")
            .message
            .contains("nested"));
    }
}
