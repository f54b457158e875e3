//! Struct types: the scenario's `types`, composite literals and `new(T)`
//! as `New`, field access, and the copies weft does not model.

use tree_sitter::Node;

use crate::emit::{lit, q, Emitter};
use crate::expr::Ex;
use crate::scope::{Binding, Elem, Kind, SliceElem};
use crate::{Diagnostic, Fail, Importer};

impl Importer<'_> {
    /// The index of the file's struct type `name`.
    pub fn struct_index(&self, name: &str) -> Option<u16> {
        self.pkg
            .structs
            .iter()
            .position(|s| s.name == name)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// The Go name of struct type `ty`.
    pub fn struct_name(&self, ty: u16) -> &str {
        self.pkg
            .structs
            .get(usize::from(ty))
            .map_or("?", |s| s.name.as_str())
    }

    /// The kind of a Go type written as text: the file's struct types
    /// (`T`, `*T`), then the types [`crate::scope::kind_of_type`] knows.
    pub fn kind_of(&self, tys: &str) -> Option<Kind> {
        // Element types nest (`chan []chan int`): each level is one call,
        // so a type nested deeper than this is refused, not a deep stack.
        const MAX_TYPE_DEPTH: usize = 16;
        let depth = tys.matches("chan").count() + tys.matches('[').count();
        if depth > MAX_TYPE_DEPTH {
            return None;
        }
        let t = self.underlying(tys);
        let t = t.as_str();
        if let Some(rest) = t.strip_prefix("func(") {
            return Some(Kind::Func {
                ret: self.func_type_result(rest),
            });
        }
        if let Some(rest) = t
            .strip_prefix("<-chan ")
            .or_else(|| t.strip_prefix("chan<- "))
            .or_else(|| t.strip_prefix("chan "))
        {
            return Some(Kind::Chan {
                elem: self.chan_elem(rest),
            });
        }
        let (ptr, base) = match t.strip_prefix('*') {
            Some(b) => (true, b.trim()),
            None => (false, t),
        };
        if let Some(ty) = self.struct_index(base) {
            return Some(Kind::Record { ty, value: !ptr });
        }
        // A map's keys are followed unless their type (named types
        // resolved) is one whose values weft does not track.
        if let Some(rest) = t.strip_prefix("map[") {
            let (key, value) = crate::scope::map_parts(rest).unzip();
            let value = value.unwrap_or("");
            return Some(Kind::Map {
                tracked_keys: match key.and_then(|k| self.kind_of(k)) {
                    Some(Kind::Untracked) => false,
                    Some(Kind::Str) => self.str_keys_tracked(),
                    _ => true,
                },
                str_keys: key.and_then(|k| self.kind_of(k)) == Some(Kind::Str),
                value: self.str_elems(crate::scope::map_value(value, self.kind_of(value))),
            });
        }
        // `[]T` and `[n]T` (the length is the caller's: `make`'s argument
        // or the array's constant).
        if let Some(rest) = t.strip_prefix('[') {
            let (len, elem) = rest.split_once(']')?;
            let elem = match SliceElem::of(self.kind_of(elem)?)? {
                SliceElem::Int(_) => SliceElem::Int(crate::scope::int_type(&self.underlying(elem))),
                SliceElem::Untracked(_) => {
                    SliceElem::Untracked(crate::scope::untracked_type(&self.underlying(elem)))
                }
                e => self.str_elems(e),
            };
            return Some(Kind::Slice {
                elem,
                array: !len.trim().is_empty(),
            });
        }
        crate::scope::kind_of_type(t)
    }

    /// What a function type returns (`rest` follows `func(`): its one
    /// result's kind when it has exactly one, else `Elem::Other`.
    fn func_type_result(&self, rest: &str) -> Elem {
        // Past the parameter list's closing parenthesis.
        let mut depth = 1usize;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            return Elem::Other;
        };
        let result = rest.get(end + 1..).unwrap_or("").trim();
        if result.is_empty() || result.starts_with('(') {
            return Elem::Other;
        }
        self.elem_of(result)
    }

    /// What a channel of `tys` carries: integer channels carry data weft
    /// does not track once a send of such data on one was found (see
    /// `Importer::untracked_int_chans`).
    pub(crate) fn chan_elem(&self, tys: &str) -> Elem {
        match self.elem_of(tys) {
            Elem::Int if self.untracked_int_chans => Elem::Other,
            Elem::Str if !self.str_chans_tracked() => Elem::Other,
            e => e,
        }
    }

    /// What a channel of `tys` carries, or a function returning it: a
    /// struct that takes no memory (`chan token`) carries nothing weft
    /// follows, like `struct{}`.
    pub(crate) fn elem_of(&self, tys: &str) -> Elem {
        match self.kind_of(tys) {
            Some(Kind::Record { value: true, .. }) if self.zero_size(tys) => Elem::Other,
            k => Elem::of(k),
        }
    }

    /// True when values of type `tys` take no memory: `struct{}`, or a
    /// struct type of the file whose fields all take none (through named
    /// types: `type token struct{}`). Go's race detector sees one buffer
    /// address for a channel of them.
    pub fn zero_size(&self, tys: &str) -> bool {
        let mut stack = vec![tys.to_string()];
        // Each struct is opened once: a struct holding itself is not Go.
        let mut opened = std::collections::HashSet::new();
        while let Some(t) = stack.pop() {
            let t: String = self.underlying(&t).split_whitespace().collect();
            if t == "struct{}" {
                continue;
            }
            let Some(s) = self.pkg.structs.iter().find(|s| s.name == t) else {
                return false;
            };
            if opened.insert(t) {
                stack.extend(s.fields.iter().map(|(_, fty, _)| fty.clone()));
            }
        }
        true
    }

    /// A type's text with the file's named non-struct types replaced by
    /// their underlying types (`Job` → `int`, `*Job` → `*int`).
    pub fn underlying(&self, tys: &str) -> String {
        let mut t = tys.split_whitespace().collect::<Vec<_>>().join(" ");
        // Each step replaces a name by its definition; a cycle of named
        // types (invalid Go) stops at the number of names.
        for _ in 0..=self.pkg.named.len() {
            let ptr = t.starts_with('*');
            let base = t.trim_start_matches('*');
            match self.pkg.named.get(base) {
                Some(u) => t = format!("{}{}", if ptr { "*" } else { "" }, u.trim()),
                None => break,
            }
        }
        t
    }

    /// The kind of field `f` of struct `ty`: `None` when there is no such
    /// field, `Some(None)` when its type is one weft cannot hold.
    pub fn field_kind(&self, ty: u16, f: &str) -> Option<Option<Kind>> {
        let s = self.pkg.structs.get(usize::from(ty))?;
        let (_, tys, _) = s.fields.iter().find(|(n, _, _)| n == f)?;
        Some(
            self.kind_of(tys)
                .map(|k| self.held_kind(&crate::strings::field_holder(ty, f), k)),
        )
    }

    /// Where a name `has` finds is promoted from, into struct `ty`: the
    /// embedded fields to go through (`["Base"]` for `a.Base.f`) and the
    /// struct type found, the shallowest first as in Go (each struct type
    /// is visited once, so cycles through pointers end). `None` when no
    /// embedded struct has it.
    pub fn promoted(&self, ty: u16, has: impl Fn(u16) -> bool) -> Option<(Vec<String>, u16)> {
        let mut seen = vec![ty];
        let mut queue = std::collections::VecDeque::from([(ty, Vec::<String>::new())]);
        while let Some((t, path)) = queue.pop_front() {
            let Some(s) = self.pkg.structs.get(usize::from(t)) else {
                continue;
            };
            for e in &s.embedded {
                let Some(Some(Kind::Record { ty: inner, .. })) = self.field_kind(t, e) else {
                    continue;
                };
                if seen.contains(&inner) {
                    continue;
                }
                seen.push(inner);
                let mut p = path.clone();
                p.push(e.clone());
                if has(inner) {
                    return Some((p, inner));
                }
                queue.push_back((inner, p));
            }
        }
        None
    }

    /// The method `m` of a record of struct `ty`: its scenario name
    /// (`Type_m`) and the embedded fields its receiver is reached through
    /// (empty for `ty`'s own methods).
    pub fn method_of(&self, ty: u16, m: &str) -> Option<(String, Vec<String>)> {
        let key = |t: u16| format!("{}_{m}", self.struct_name(t));
        if self.pkg.methods.contains_key(&key(ty)) {
            return Some((key(ty), Vec::new()));
        }
        let (path, t) = self.promoted(ty, |t| self.pkg.methods.contains_key(&key(t)))?;
        Some((key(t), path))
    }

    /// Whether struct `ty` holds a sync object by value (itself or in a
    /// struct field held by value): copying it is go vet's copylocks bug.
    pub fn holds_sync(&self, ty: u16) -> bool {
        let mut seen = vec![ty];
        let mut todo = vec![ty];
        while let Some(t) = todo.pop() {
            let Some(s) = self.pkg.structs.get(usize::from(t)) else {
                continue;
            };
            for (_, tys, _) in &s.fields {
                if tys.trim_start().starts_with('*') {
                    continue;
                }
                match self.kind_of(tys) {
                    Some(Kind::Mutex | Kind::RwMutex | Kind::WaitGroup | Kind::Once) => {
                        return true
                    }
                    Some(Kind::Record {
                        ty: inner,
                        value: true,
                    }) if !seen.contains(&inner) => {
                        seen.push(inner);
                        todo.push(inner);
                    }
                    _ => {}
                }
            }
        }
        false
    }

    /// The error for a struct value copied (`d := c`, a by-value parameter
    /// or receiver).
    pub fn copy_error(&self, n: Node, ty: u16, what: &str) -> Fail {
        let name = self.struct_name(ty).to_string();
        if self.holds_sync(ty) {
            return Box::new(
                Diagnostic::new(
                    format!("{what} copies a `{name}`, which holds a sync object"),
                    self.span(n),
                )
                .with_label("a copy of a struct holding a lock")
                .with_help(format!(
                    "use a pointer, `*{name}` (go vet's copylocks check reports this too)"
                )),
            );
        }
        self.unsupported_with(
            n,
            &format!("{what}: a copy of a `{name}` struct value"),
            &format!("weft's records are used through pointers; use `*{name}`"),
        )
    }

    /// The `types` entry of the scenario: every struct type of the file
    /// with its fields weft can hold (the others are untracked data, or
    /// refused where they are used).
    pub fn types_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (ty, s) in self.pkg.structs.iter().enumerate() {
            let mut fields = Vec::new();
            for (name, tys, _) in &s.fields {
                let ty = u16::try_from(ty).unwrap_or(u16::MAX);
                let kind = self.field_kind(ty, name).flatten();
                if let Some(t) = kind.and_then(|k| self.weft_type(k, tys)) {
                    fields.push(format!("{}: {}", q(name), q(&t)));
                }
            }
            out.push(format!("{}: {{{}}},", q(&s.name), fields.join(", ")));
        }
        out
    }

    /// A field's type in weft's spelling (`any` for data weft does not
    /// track); `None` for a kind no field has.
    fn weft_type(&self, k: Kind, tys: &str) -> Option<String> {
        let ptr = if tys.trim_start().starts_with('*') {
            "*"
        } else {
            ""
        };
        Some(match k {
            Kind::Chan { elem } => self.chan_type(elem),
            Kind::Mutex => format!("{ptr}sync.Mutex"),
            Kind::RwMutex => format!("{ptr}sync.RWMutex"),
            Kind::WaitGroup => format!("{ptr}sync.WaitGroup"),
            Kind::Once => format!("{ptr}sync.Once"),
            Kind::Cond => "*sync.Cond".into(),
            Kind::Ctx => "context.Context".into(),
            Kind::Cancel => "context.CancelFunc".into(),
            Kind::Timer => "*time.Timer".into(),
            Kind::Ticker => "*time.Ticker".into(),
            Kind::Map {
                tracked_keys,
                str_keys,
                value,
            } => self.map_type(tracked_keys && !str_keys, value),
            Kind::Int | Kind::AtomicInt => "int".into(),
            Kind::Str => "string".into(),
            Kind::AtomicBool => "bool".into(),
            Kind::Bool => "bool".into(),
            Kind::Ptr => "*int".into(),
            Kind::Record { ty, value } => {
                format!("{}{}", if value { "" } else { "*" }, self.struct_name(ty))
            }
            Kind::Slice { elem, array } => {
                let len = if array {
                    // A field's array length: a literal or a constant's value.
                    let l = tys.trim().strip_prefix('[')?.split_once(']')?.0.trim();
                    match l.parse::<i64>() {
                        Ok(n) => n.to_string(),
                        Err(_) => self.pkg.consts.get(l)?.to_string(),
                    }
                } else {
                    String::new()
                };
                format!("[{len}]{}", self.elem_type(elem))
            }
            Kind::Func { .. } => tys.trim().to_string(),
            Kind::Group => format!("{ptr}errgroup.Group"),
            // Never a field's kind: a `func() bool` field is a function value.
            // A cell for data weft does not track: its accesses are kept
            // (`crate::untracked`), nil at first.
            Kind::Untracked => crate::scope::untracked_type(&self.underlying(tys)).into(),
            Kind::Error => "error".into(),
            Kind::StopFunc | Kind::Recovered | Kind::Testing => return None,
        })
    }

    /// The type of a local holding a reference to an object of kind `k`
    /// (`*T`, `chan int`, `*sync.Mutex`, ...); `None` for values and for
    /// kinds a typed local does not hold.
    pub fn reference_type(&self, k: Kind) -> Option<String> {
        Some(match k {
            Kind::Record { ty, .. } => format!("*{}", self.struct_name(ty)),
            Kind::Chan { elem } => self.chan_type(elem),
            Kind::Mutex => "*sync.Mutex".into(),
            Kind::RwMutex => "*sync.RWMutex".into(),
            Kind::WaitGroup => "*sync.WaitGroup".into(),
            Kind::Map {
                tracked_keys,
                str_keys,
                value,
            } => self.map_type(tracked_keys && !str_keys, value),
            Kind::Slice { elem, array: false } => format!("[]{}", self.elem_type(elem)),
            Kind::Once => "*sync.Once".into(),
            Kind::Cond => "*sync.Cond".into(),
            Kind::Ctx => "context.Context".into(),
            Kind::Cancel => "context.CancelFunc".into(),
            Kind::Timer => "*time.Timer".into(),
            Kind::Ticker => "*time.Ticker".into(),
            Kind::StopFunc
            | Kind::Int
            | Kind::Bool
            | Kind::Str
            | Kind::Ptr
            | Kind::AtomicInt
            | Kind::AtomicBool
            | Kind::Recovered
            | Kind::Testing
            | Kind::Slice { array: true, .. }
            | Kind::Func { .. }
            | Kind::Group
            | Kind::Error
            | Kind::Untracked => return None,
        })
    }

    /// The length of an array type `[n]T` as a weft expression (a
    /// literal or a package constant, which becomes a parameter).
    pub fn array_len(&mut self, tys: &str) -> Option<String> {
        let l = tys
            .trim()
            .strip_prefix('[')?
            .split_once(']')?
            .0
            .trim()
            .to_string();
        if l.parse::<i64>().is_ok() {
            return Some(l);
        }
        if self.pkg.consts.contains_key(&l) {
            self.used_consts.insert(l.clone());
            return Some(l);
        }
        None
    }

    /// A channel type in weft's spelling (untracked elements travel as ints).
    pub fn chan_type(&self, e: Elem) -> String {
        match e {
            Elem::Bool => "chan bool".into(),
            Elem::Int | Elem::Other => "chan int".into(),
            Elem::Error => "chan error".into(),
            Elem::Str => "chan string".into(),
            Elem::Record(ty) | Elem::Value(ty) => format!("chan *{}", self.struct_name(ty)),
        }
    }

    /// The element type of a channel made by `Chan`, when it is not `int`.
    pub fn chan_elem_arg(&self, e: Elem) -> String {
        match e {
            // Int and bool channels are weft's default (values are ints and bools).
            Elem::Bool | Elem::Int | Elem::Other => String::new(),
            Elem::Error => ", \"error\"".into(),
            Elem::Str => ", \"string\"".into(),
            Elem::Record(ty) | Elem::Value(ty) => {
                format!(", {}", q(&format!("*{}", self.struct_name(ty))))
            }
        }
    }

    /// A slice element's type in weft's spelling.
    pub fn elem_type(&self, e: SliceElem) -> String {
        match e {
            SliceElem::Int(name) => name.into(),
            SliceElem::Bool => "bool".into(),
            SliceElem::Str => "string".into(),
            SliceElem::Error => "error".into(),
            SliceElem::Chan(e) => self.chan_type(e),
            SliceElem::Mutex => "sync.Mutex".into(),
            SliceElem::RwMutex => "sync.RWMutex".into(),
            SliceElem::WaitGroup => "sync.WaitGroup".into(),
            SliceElem::Record(ty) => format!("*{}", self.struct_name(ty)),
            SliceElem::Value(ty) => self.struct_name(ty).to_string(),
            // (Any type whose values weft does not track: nil at first.)
            SliceElem::Untracked(ty) => ty.into(),
        }
    }

    /// The type of a map's values as the scenario writes it (`Map`'s
    /// `elem`): sync objects through pointers, as Go's map holds them.
    pub fn map_elem_type(&self, v: SliceElem) -> String {
        match v {
            SliceElem::Mutex => "*sync.Mutex".into(),
            SliceElem::RwMutex => "*sync.RWMutex".into(),
            SliceElem::WaitGroup => "*sync.WaitGroup".into(),
            // (Never a map's: `crate::scope::map_value` makes it untracked.)
            SliceElem::Value(_) => "any".into(),
            SliceElem::Int(_)
            | SliceElem::Bool
            | SliceElem::Str
            | SliceElem::Error
            | SliceElem::Chan(_)
            | SliceElem::Record(_)
            | SliceElem::Untracked(_) => self.elem_type(v),
        }
    }

    /// The statement making the empty map `name` whose values are `v`:
    /// `Map("m")` for integers, else `Map("m", "V")`.
    pub fn map_decl(&self, name: &str, v: SliceElem) -> String {
        match v {
            SliceElem::Int(_) => format!("Map({})", q(name)),
            _ => format!("Map({}, {})", q(name), q(&self.map_elem_type(v))),
        }
    }

    /// The type of a field or variable holding a map whose values are
    /// `v` (keys as Go has them: integers when `int_keys`, else strings;
    /// weft does not check a map's keys against its type).
    pub fn map_type(&self, int_keys: bool, v: SliceElem) -> String {
        let key = if int_keys { "int" } else { "string" };
        format!("map[{key}]{}", self.map_elem_type(v))
    }

    /// `s.f` where `s` is a record.
    pub fn field(&mut self, n: Node, rec: &Ex, ty: u16, f: &str) -> Result<Ex, Fail> {
        let text = format!("{}.{f}", rec.text);
        match self.field_kind(ty, f) {
            None => match self.promoted(ty, |t| self.field_kind(t, f).is_some()) {
                // A field promoted from an embedded struct: `a.f` is `a.B.f`.
                Some((path, inner)) => {
                    let via = Ex {
                        text: format!("{}.{}", rec.text, path.join(".")),
                        untracked: false,
                        kind: Kind::Record {
                            ty: inner,
                            value: false,
                        },
                    };
                    self.field(n, &via, inner, f)
                }
                None => Err(self.unsupported_with(
                    n,
                    &format!("the selector `{}`", self.text(n)),
                    &format!(
                        "`{}` has no field `{f}` weft knows (nor do the structs it embeds)",
                        self.struct_name(ty)
                    ),
                )),
            },
            Some(None) => {
                let tys = self
                    .pkg
                    .structs
                    .get(usize::from(ty))
                    .and_then(|s| s.fields.iter().find(|x| x.0 == f))
                    .map(|x| x.1.clone())
                    .unwrap_or_default();
                Err(self.unsupported_with(
                    n,
                    &format!("the field `{}` of type `{tys}`", self.text(n)),
                    "weft's record fields hold integers, booleans, channels, maps, sync objects, \
                     contexts, timers and the file's structs",
                ))
            }
            // Its cell is read (`crate::untracked`); the value is not
            // followed.
            Some(Some(Kind::Untracked)) => {
                let t = self.temp("read", Kind::Int);
                self.hoist(format!("Let({}, {})", q(&t), q(&text)), n);
                Ok(Ex {
                    text,
                    untracked: true,
                    kind: Kind::Untracked,
                })
            }
            // Atomics on a field work through its address.
            Some(Some(k @ (Kind::AtomicInt | Kind::AtomicBool))) => Ok(Ex {
                text: format!("&{text}"),
                untracked: false,
                kind: k,
            }),
            Some(Some(k)) => Ok(Ex {
                text,
                untracked: false,
                kind: k,
            }),
        }
    }

    /// The struct type and `New` fields of `&T{...}`, `T{...}` or
    /// `new(T)`; `None` when `n` is not one of those for a struct of the
    /// file. The second result says whether it is a value (`T{...}`).
    pub fn record_lit(&mut self, n: Node) -> Result<Option<(u16, String, bool)>, Fail> {
        let (lit_node, value) = match n.kind() {
            "composite_literal" => (n, true),
            "unary_expression"
                if n.child_by_field_name("operator")
                    .is_some_and(|o| self.text(o) == "&") =>
            {
                match n.child_by_field_name("operand") {
                    Some(o) if o.kind() == "composite_literal" => (o, false),
                    _ => return Ok(None),
                }
            }
            "call_expression" => {
                let f = n
                    .child_by_field_name("function")
                    .map(|f| self.text(f).to_string());
                let args = self.args(n);
                if f.as_deref() != Some("new") || args.len() != 1 {
                    return Ok(None);
                }
                return Ok(self
                    .struct_index(self.text(args[0]).trim())
                    .map(|ty| (ty, String::new(), false)));
            }
            _ => return Ok(None),
        };
        let Some(tn) = lit_node.child_by_field_name("type") else {
            return Ok(None);
        };
        let Some(ty) = self.struct_index(self.text(tn).trim()) else {
            return Ok(None);
        };
        let fields = match lit_node.child_by_field_name("body") {
            Some(body) => self.record_fields(ty, body)?,
            None => String::new(),
        };
        Ok(Some((ty, fields, value)))
    }

    /// The `New` fields (`, {...}`, or nothing) of the body `{...}` of a
    /// literal of struct `ty` (`T{...}`, or `{...}` where the type is
    /// elided, in a slice literal).
    pub fn record_fields(&mut self, ty: u16, body: Node) -> Result<String, Fail> {
        let out: Vec<String> = self
            .record_field_values(ty, body)?
            .into_iter()
            .map(|(f, v)| format!("{}: {v}", q(&f)))
            .collect();
        Ok(if out.is_empty() {
            String::new()
        } else {
            format!(", {{{}}}", out.join(", "))
        })
    }

    /// The fields a literal body of struct `ty` sets, with their values as
    /// RON (fields holding data weft does not track are left out, noted).
    pub fn record_field_values(
        &mut self,
        ty: u16,
        body: Node,
    ) -> Result<Vec<(String, String)>, Fail> {
        let fields: Vec<String> = self
            .pkg
            .structs
            .get(usize::from(ty))
            .map(|s| s.fields.iter().map(|f| f.0.clone()).collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut c = body.walk();
        let elems: Vec<Node> = body
            .named_children(&mut c)
            .filter(|k| k.kind() != "comment")
            .collect();
        for (i, el) in elems.into_iter().enumerate() {
            let (name, v) = if el.kind() == "keyed_element" {
                let key = el
                    .child_by_field_name("key")
                    .map(|k| self.text(k).trim().to_string())
                    .unwrap_or_default();
                (key, el.child_by_field_name("value"))
            } else {
                (fields.get(i).cloned().unwrap_or_default(), Some(el))
            };
            let Some(v) = v else { continue };
            // `literal_element` wraps the expression.
            let v = if v.kind() == "literal_element" {
                v.named_child(0).unwrap_or(v)
            } else {
                v
            };
            let Some(fk) = self.field_kind(ty, &name) else {
                return Err(self.unsupported(el, &format!("the field `{name}`")));
            };
            if v.kind() == "composite_literal" || v.kind() == "literal_value" {
                if matches!(
                    fk,
                    Some(Kind::Mutex | Kind::RwMutex | Kind::WaitGroup | Kind::Once)
                ) {
                    continue; // `mu: sync.Mutex{}`: the zero value New makes.
                }
                if let Some(made) = self.field_container(v, &name)? {
                    out.push((name, q(&made)));
                    continue;
                }
                return Err(self.unsupported_with(
                    v,
                    "a struct value inside a struct literal",
                    "set the field after `New`, or hold a pointer: `&Inner{...}`",
                ));
            }
            let e = self.expr(v)?;
            if matches!(fk, Some(Kind::Untracked) | None) {
                self.note(
                    v,
                    format!("the field `{name}` holds data weft does not track"),
                );
                continue;
            }
            if e.untracked && fk == Some(Kind::Str) {
                // A string field given data weft does not track: untracked
                // once translated again.
                self.gives_untracked_str(crate::strings::field_holder(ty, &name));
                continue;
            }
            if e.untracked && fk == Some(Kind::Error) {
                let t = self.choose_error(v);
                out.push((name, q(&t)));
                continue;
            }
            if e.untracked {
                // Left out, the field would read as its zero value where
                // Go reads the data: refused, as an assignment is.
                return Err(self.unsupported_with(
                    el,
                    &format!("untracked data in the field `{name}`"),
                    &format!(
                        "weft follows `{name}` ({}); the value is data it cannot follow",
                        fk.map_or("data", Kind::describe)
                    ),
                ));
            }
            out.push((name, lit(&e.text)));
        }
        Ok(out)
    }

    /// A map or slice literal `v` as field `field`'s value in a struct
    /// literal: made before the statement into a temporary (returned): an
    /// empty one as `make` makes it, one with entries or elements as such
    /// a literal in an expression is; one weft does not follow (a call
    /// inside) is refused, by name. `None` when `v` is not a map or slice
    /// literal (a struct value: the caller refuses it).
    fn field_container(&mut self, v: Node, field: &str) -> Result<Option<String>, Fail> {
        let Some(ty) = v.child_by_field_name("type") else {
            return Ok(None);
        };
        let tys = self.text(ty).to_string();
        let kind = self.kind_of(&tys);
        let what = match kind {
            Some(Kind::Map { .. }) => "a map literal weft does not follow",
            Some(Kind::Slice { array: false, .. }) => "a slice literal weft does not follow",
            _ => return Ok(None),
        };
        let empty = v
            .child_by_field_name("body")
            .is_none_or(|b| b.named_child_count() == 0);
        if !empty {
            // (Made before the statement, as an expression's literal is.)
            if let Some(e) = self.hoist_literal(v, &format!("{field}_made"), true)? {
                return Ok(Some(e.text));
            }
            return Err(self.unsupported_with(
                v,
                &format!("{what} inside a struct literal"),
                &format!(
                    "make it before the struct literal (`{field} := {tys}{{...}}`, a call in \
                     its own statement), or start `{field}` empty (`{tys}{{}}`) and set its \
                     entries after"
                ),
            ));
        }
        let made = match kind {
            Some(kind @ Kind::Map { value, .. }) => {
                let t = self.temp(&format!("{field}_made"), kind);
                self.hoist(self.map_decl(&t, value), v);
                t
            }
            Some(kind @ Kind::Slice { elem, array: false }) => {
                let t = self.temp(&format!("{field}_made"), kind);
                let elem = q(&self.elem_type(elem));
                self.hoist(format!("Slice({}, {elem}, 0)", q(&t)), v);
                t
            }
            _ => return Ok(None),
        };
        Ok(Some(made))
    }

    /// Binds `name` to a new record when `v` is a struct literal or
    /// `new(T)`: writes `New` and declares it; `false` when `v` is not one.
    pub fn bind_new(
        &mut self,
        name: &str,
        v: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<bool, Fail> {
        if self.bind_empty(name, v, stmt, em)
            || self.bind_map_literal(name, v, stmt, em)?
            || self.bind_slice_literal(name, v, stmt, em)?
        {
            return Ok(true);
        }
        let Some((ty, fields, value)) = self.record_lit(v)? else {
            return Ok(false);
        };
        em.leaf(
            &format!("New({}, {}{fields})", q(name), q(self.struct_name(ty))),
            self.span(stmt),
        );
        self.scope.declare(
            name,
            Binding {
                holder: None,
                ron: name.to_string(),
                kind: Kind::Record { ty, value },
                shared: false,
            },
        );
        Ok(true)
    }

    /// A struct literal inside an expression: made first, into a temporary.
    pub fn hoist_new(&mut self, n: Node) -> Result<Option<Ex>, Fail> {
        if let Some(e) = self.hoist_sync_lit(n) {
            return Ok(Some(e));
        }
        let Some((ty, fields, value)) = self.record_lit(n)? else {
            return Ok(None);
        };
        // A struct with no memory (`token{}` of `type token struct{}`)
        // carries nothing: a value like `struct{}{}`.
        if self.zero_size(self.struct_name(ty)) {
            return Ok(None);
        }
        // A value (`T{...}`) is a record no one else holds: where it goes
        // (a parameter, a channel, a result) it needs no copy.
        let kind = Kind::Record { ty, value };
        let name = self.struct_name(ty).to_lowercase();
        let t = self.temp(&name, kind);
        self.hoist(
            format!("New({}, {}{fields})", q(&t), q(self.struct_name(ty))),
            n,
        );
        Ok(Some(Ex {
            text: t,
            untracked: false,
            kind,
        }))
    }
}

impl Importer<'_> {
    /// `&sync.Mutex{}` (and `RWMutex`, `WaitGroup`, `Once`), as
    /// `new(sync.Mutex)`: a new object, made before the statement into a
    /// temporary. `None` for anything else.
    fn hoist_sync_lit(&mut self, n: Node) -> Option<Ex> {
        let lit = n
            .child_by_field_name("operand")
            .filter(|o| o.kind() == "composite_literal")?;
        let empty = lit
            .child_by_field_name("body")
            .is_some_and(|b| b.named_child_count() == 0);
        let ty = lit.child_by_field_name("type").filter(|_| empty)?;
        let (kind, word) = match self.text(ty).trim() {
            "sync.Mutex" => (Kind::Mutex, "Mutex"),
            "sync.RWMutex" => (Kind::RwMutex, "RWMutex"),
            "sync.WaitGroup" => (Kind::WaitGroup, "WaitGroup"),
            "sync.Once" => (Kind::Once, "Once"),
            _ => return None,
        };
        if self.scope.get("sync").is_some() {
            return None;
        }
        let t = self.temp(&word.to_lowercase(), kind);
        self.hoist(format!("{word}({})", q(&t)), n);
        Some(Ex {
            text: t,
            untracked: false,
            kind,
        })
    }

    /// The arguments of `n` when it calls `pkg.func` (the package's name
    /// not shadowed by a local).
    fn package_call<'t>(&self, n: Node<'t>, pkg: &str, func: &str) -> Option<Vec<Node<'t>>> {
        if n.kind() != "call_expression" || self.scope.get(pkg).is_some() {
            return None;
        }
        let f = n.child_by_field_name("function")?;
        (self.text(f) == format!("{pkg}.{func}")).then(|| self.args(n))
    }

    /// `errors.New("text")` with a literal text, as weft writes it
    /// (``errors.New(`text`)``); `None` for anything else.
    pub fn errors_new(&self, n: Node) -> Option<String> {
        let args = self.package_call(n, "errors", "New")?;
        let [a] = args.as_slice() else {
            return None;
        };
        if !matches!(
            a.kind(),
            "interpreted_string_literal" | "raw_string_literal"
        ) {
            return None;
        }
        let t = self.text(*a);
        let inner = t.get(1..t.len().saturating_sub(1))?;
        if inner.contains('`') || inner.contains('\\') {
            return None;
        }
        Some(format!("errors.New(`{inner}`)"))
    }

    /// An error returned by a function of the file: what
    /// [`Importer::error_value`] follows, `fmt.Errorf(...)` (an error that
    /// is not nil, whatever it wraps), and otherwise an error weft does
    /// not follow: nil or not, a noted choice.
    pub fn error_result(&mut self, v: Node, stmt: Node, em: &mut Emitter) -> Result<String, Fail> {
        if let Some(f) = self.errorf(v) {
            self.arg_effects(v)?;
            for a in self.args(v) {
                self.untracked_reads(a, stmt, em)?;
            }
            return Ok(f);
        }
        let mark = self.hoisted.borrow().len();
        let diags = self.diags.len();
        let notes = self.notes.len();
        match self.error_value(v, em) {
            Ok(e) => Ok(e),
            Err(_) => {
                // (Whatever that attempt hoisted or noted is dropped.)
                self.hoisted.borrow_mut().truncate(mark);
                self.diags.truncate(diags);
                self.notes.truncate(notes);
                self.untracked_reads(v, stmt, em)?;
                Ok(self.choose_error(v))
            }
        }
    }

    /// An error weft does not follow (`v`) where one it follows is
    /// needed: nil or not, a noted choice made before the statement into
    /// a new local (returned), so every later test sees the same value.
    pub fn choose_error(&mut self, v: Node) -> String {
        self.temps += 1;
        let t = format!("err_{}", self.temps);
        let text = self.text(v).replace(['`', '\\', '\n'], " ");
        // Nil, an error of its own, or any error the file makes (the data
        // may hold one: `errs[0]` of `[]error{ErrA}` is `ErrA`, and a test
        // `err == ErrA` must see it).
        let own = format!("errors.New(`{text}`)");
        let mut values = vec![q("nil"), q(&own)];
        for e in self.file_errors() {
            if e != own {
                values.push(q(&e));
            }
        }
        self.hoist(format!("Choose({}, [{}])", q(&t), values.join(", ")), v);
        self.declare(&t, Kind::Error);
        // A choice: a counterexample through it names it.
        self.note_divergent(
            v,
            format!(
                "the error `{}` is data weft does not track: nil, another error and each error \
                 the file makes are explored",
                self.text(v)
            ),
        );
        t
    }

    /// Every error value the file makes, as weft writes it: the texts of
    /// its `errors.New` and `fmt.Errorf` calls, and the context errors it
    /// names, sorted (computed once).
    pub fn file_errors(&mut self) -> Vec<String> {
        if let Some(e) = &self.file_errors {
            return e.clone();
        }
        let mut found = std::collections::BTreeSet::new();
        let mut stack: Vec<Node> = self.pkg.funcs.values().copied().collect();
        stack.extend(self.pkg.vars.iter().copied());
        while let Some(n) = stack.pop() {
            if let Some(e) = self.errors_new(n).or_else(|| self.errorf(n)) {
                found.insert(e);
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        // The context errors the file names: an unknown call given a
        // context may return one (`errors.Is(err, context.Canceled)`).
        for c in ["context.Canceled", "context.DeadlineExceeded"] {
            if self.src.contains(c) {
                found.insert(c.to_string());
            }
        }
        let e: Vec<String> = found.into_iter().collect();
        self.file_errors = Some(e.clone());
        e
    }

    /// `fmt.Errorf("format", ...)` as an error that is not nil, written
    /// ``errors.New(`format`)``; `None` for anything else.
    pub fn errorf(&self, n: Node) -> Option<String> {
        let args = self.package_call(n, "fmt", "Errorf")?;
        let first = args.first().map(|a| self.text(*a).to_string())?;
        let inner: String = first
            .trim_matches(|c| c == '"' || c == '`')
            .chars()
            .filter(|c| *c != '`' && *c != '\\')
            .collect();
        Some(format!("errors.New(`{inner}`)"))
    }

    /// An error value in a function whose error weft follows (one an
    /// errgroup's `Go` runs): `nil`, `errors.New("text")`, `ctx.Err()`, an
    /// error variable, or the result of a call of another such function.
    pub fn error_value(&mut self, v: Node, em: &mut Emitter) -> Result<String, Fail> {
        if self.text(v) == "nil" {
            return Ok("nil".into());
        }
        if let Some(e) = self.errors_new(v) {
            return Ok(e);
        }
        if v.kind() == "call_expression" {
            let f = v
                .child_by_field_name("function")
                .map(|f| self.text(f).to_string())
                .unwrap_or_default();
            if self.pkg.funcs.contains_key(&f)
                && self.scope.get(&f).is_none()
                && !self.pkg.methods.contains_key(&f)
            {
                self.error_funcs.insert(f.clone());
                self.temps += 1;
                let t = format!("err_{}", self.temps);
                let args = self.args(v);
                let a = self.call_args(&f, &args, v)?;
                self.wanted.push(f.clone());
                em.leaf(
                    &format!(
                        "Call(func: {}, args: [{}], into: {})",
                        q(&f),
                        a.join(", "),
                        q(&t)
                    ),
                    self.span(v),
                );
                self.declare(&t, Kind::Error);
                return Ok(t);
            }
        }
        let e = self.expr(v)?;
        if !e.untracked && e.kind == Kind::Error {
            return Ok(e.text);
        }
        // `ctx.Err()`: a context's error.
        if !e.untracked && e.text.ends_with(".Err()") {
            return Ok(e.text);
        }
        Err(self.unsupported_with(
            v,
            &format!(
                "the error `{}` in a function an errgroup runs",
                self.text(v)
            ),
            "weft follows nil, errors.New(\"text\"), ctx.Err(), error variables holding those, \
             and the results of the file's functions returning them",
        ))
    }
}
