//! Go expressions to weft's expression language.

use tree_sitter::Node;

use crate::emit::q;
use crate::scope::Kind;
use crate::{Fail, Importer};

/// A translated expression.
#[derive(Clone, Debug)]
pub struct Ex {
    /// The weft expression text (meaningless when `untracked`).
    pub text: String,
    /// It reads data weft does not track.
    pub untracked: bool,
    /// Its kind, when it is a name or a call that makes an object.
    pub kind: Kind,
}

impl Ex {
    pub(crate) fn value(text: String, kind: Kind) -> Ex {
        Ex {
            text,
            untracked: false,
            kind,
        }
    }

    /// Untracked data, described by its Go text.
    pub fn untracked(go: &str) -> Ex {
        Ex {
            text: go.to_string(),
            untracked: true,
            kind: Kind::Untracked,
        }
    }
}

/// Packages whose calls have no synchronisation and whose results weft
/// does not track.
pub const DATA_PACKAGES: &[&str] = &[
    "fmt", "strings", "strconv", "math", "rand", "errors", "sort", "bytes", "unicode", "utf8",
    "json", "filepath", "path",
];

/// The clock's readings: weft's time orders timers and keeps no clock, so
/// what they give is data weft does not track.
const CLOCK_READINGS: &[&str] = &["Now", "Since", "Until", "Unix", "UnixMilli", "Date"];

impl Importer<'_> {
    /// Whether the call of `fname` has no synchronisation and gives data
    /// weft does not track: a function of [`DATA_PACKAGES`], a reading of
    /// the clock (`time.Now()`, `time.Since(t)`), a conversion to a
    /// floating-point or complex type (`float64(n)`); not when a local or
    /// a function of the file has that name.
    pub(crate) fn is_data_call(&self, fname: &str) -> bool {
        match fname.split_once('.') {
            Some((pkg, f)) => {
                self.scope.get(pkg).is_none()
                    && (DATA_PACKAGES.contains(&pkg)
                        || (pkg == "time" && CLOCK_READINGS.contains(&f)))
            }
            None => {
                matches!(fname, "float32" | "float64" | "complex64" | "complex128")
                    && self.scope.get(fname).is_none()
                    && !self.pkg.funcs.contains_key(fname)
            }
        }
    }

    /// The Go text of a node.
    pub fn text(&self, n: Node) -> &str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    /// The operand of a conversion to an integer type (`time.Duration(x)`,
    /// `int64(x)`, a named integer type of the file), through nested
    /// conversions; `None` when `n` is not one.
    pub fn unconvert<'t>(&self, n: Node<'t>) -> Option<Node<'t>> {
        let mut cur = n;
        let mut found = None;
        // Each step strips one conversion: bounded by the text's length.
        for _ in 0..=self.text(n).len() {
            if cur.kind() != "call_expression" {
                break;
            }
            let f = cur.child_by_field_name("function")?;
            let ty = self.text(f);
            if self.scope.get(ty).is_some() || self.pkg.funcs.contains_key(ty) {
                break;
            }
            let args = self.args(cur);
            if args.len() != 1 || self.kind_of(ty) != Some(Kind::Int) || ty.starts_with('*') {
                break;
            }
            cur = args[0];
            found = Some(cur);
        }
        found
    }

    /// Translates an expression.
    pub fn expr(&mut self, n: Node) -> Result<Ex, Fail> {
        if let Some(e) = self.evaluated.get(&n.id()) {
            return Ok(e.clone());
        }
        self.depth_in(n)?;
        let r = self.expr_inner(n);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, n: Node) -> Result<Ex, Fail> {
        let text = self.text(n).to_string();
        match n.kind() {
            "int_literal" => Ok(Ex::value(text.replace('_', ""), Kind::Int)),
            "true" | "false" => Ok(Ex::value(text, Kind::Bool)),
            "nil" => Ok(Ex::value(text, Kind::Untracked)),
            "interpreted_string_literal" | "raw_string_literal" => Ok(string_literal(&text)),
            "float_literal" | "rune_literal" | "imaginary_literal" => Ok(Ex::untracked(&text)),
            "composite_literal" => match self.hoist_new(n)? {
                Some(e) => Ok(e),
                None => Ok(self
                    .hoist_literal(n, "literal", false)?
                    .unwrap_or_else(|| Ex::untracked(&text))),
            },
            // Its body may synchronise: never treated as data.
            "func_literal" => Err(self.unsupported_with(
                n,
                "a function value",
                "name it first (`f := func(x int) {...}`), call it where it is made \
                 (`go func() {...}()`), or make it a function of the file",
            )),
            "parenthesized_expression" => {
                let inner = self.only_child(n)?;
                let e = self.expr(inner)?;
                Ok(Ex {
                    text: format!("({})", e.text),
                    ..e
                })
            }
            "identifier" => self.ident(n),
            "unary_expression" => self.unary(n),
            "binary_expression" => self.binary(n),
            "selector_expression" => self.selector(n),
            "index_expression" => {
                let (Some(obj), Some(idx)) = (
                    n.child_by_field_name("operand"),
                    n.child_by_field_name("index"),
                ) else {
                    return Err(self.unsupported(n, "index expression"));
                };
                let o = self.expr(obj)?;
                let i = self.expr(idx)?;
                if let (Kind::Slice { elem, .. }, false, false) = (o.kind, o.untracked, i.untracked)
                {
                    let text = format!("{}[{}]", o.text, i.text);
                    if elem.is_untracked() {
                        // Its cell is read (`crate::untracked`); the value
                        // is not followed.
                        let t = self.temp("read", Kind::Int);
                        self.hoist(format!("Let({}, {})", q(&t), q(&text)), n);
                        return Ok(Ex {
                            text,
                            untracked: true,
                            kind: Kind::Untracked,
                        });
                    }
                    return Ok(Ex::value(text, elem.kind()));
                }
                let Kind::Map {
                    tracked_keys,
                    value,
                    ..
                } = o.kind
                else {
                    return Ok(Ex::untracked(&text));
                };
                if o.untracked {
                    return Ok(Ex::untracked(&text));
                }
                if i.untracked || !tracked_keys {
                    // The map is still read (`crate::maps`).
                    let read = format!("{}[{}]", o.text, crate::maps::UNTRACKED_KEY);
                    self.hoist_map_read(&read, n);
                    return Ok(Ex::untracked(&text));
                }
                let read = format!("{}[{}]", o.text, i.text);
                if value.is_untracked() {
                    // The map is read; the value is not followed.
                    self.hoist_map_read(&read, n);
                    return Ok(Ex::untracked(&text));
                }
                Ok(Ex::value(read, value.kind()))
            }
            // A string's part is data weft does not track, as the string
            // is; a slice's part shares the slice's elements, as weft's
            // slice parts do.
            "slice_expression" => {
                let o = match n.child_by_field_name("operand") {
                    Some(o) => self.expr(o)?,
                    None => return Err(self.unsupported(n, "slice expression")),
                };
                let Kind::Slice { elem, .. } = o.kind else {
                    return Ok(Ex::untracked(&text));
                };
                if o.untracked {
                    return Ok(Ex::untracked(&text));
                }
                if n.child_by_field_name("capacity").is_some() {
                    return Err(self.unsupported_with(
                        n,
                        &format!("the slice part with a capacity `{text}`"),
                        "weft's slices have no capacity beyond their length; write `xs[low:high]`",
                    ));
                }
                let mut bound = |field: &str| -> Result<String, Fail> {
                    let Some(b) = n.child_by_field_name(field) else {
                        return Ok(String::new());
                    };
                    let e = self.expr(b)?;
                    if e.untracked || e.kind != Kind::Int {
                        return Err(self.unsupported(b, "a slice bound weft does not follow"));
                    }
                    Ok(e.text)
                };
                let low = bound("start")?;
                let high = bound("end")?;
                Ok(Ex::value(
                    format!("{}[{low}:{high}]", o.text),
                    Kind::Slice { elem, array: false },
                ))
            }
            "call_expression" => match self.unconvert(n) {
                // `time.Duration(x)`, `int64(x)`: the integer itself.
                Some(inner) => {
                    let e = self.expr(inner)?;
                    if e.untracked || !matches!(e.kind, Kind::Int) {
                        return Ok(Ex::untracked(&text));
                    }
                    Ok(e)
                }
                None => self.call_value(n),
            },
            _ => Ok(Ex::untracked(&text)),
        }
    }

    fn only_child<'t>(&self, n: Node<'t>) -> Result<Node<'t>, Fail> {
        n.named_child(0)
            .ok_or_else(|| self.unsupported(n, "empty expression"))
    }

    fn ident(&mut self, n: Node) -> Result<Ex, Fail> {
        let name = self.text(n).to_string();
        if let Some(b) = self.scope.get(&name) {
            let b = b.clone();
            if b.shared && b.kind == Kind::Untracked {
                // Its `Var` is read (`crate::untracked`); the value is not
                // followed.
                let t = self.temp("read", Kind::Int);
                self.hoist(format!("Let({}, {})", q(&t), q(&b.ron)), n);
            }
            return Ok(Ex {
                text: b.ron,
                untracked: b.kind == Kind::Untracked,
                kind: b.kind,
            });
        }
        if let Some(text) = self.pkg.str_consts.get(&name) {
            return Ok(Ex::value(text.clone(), Kind::Str));
        }
        if self.pkg.consts.contains_key(&name) {
            self.used_consts.insert(name.clone());
            return Ok(Ex::value(name, Kind::Int));
        }
        if self.pkg.funcs.contains_key(&name) && !self.pkg.methods.contains_key(&name) {
            // A package function used as a value.
            self.wanted.push(name.clone());
            let ret = match self.pkg.funcs.get(&name).map(|f| self.sig(*f)) {
                Some(Ok(s)) => crate::scope::Elem::of(s.value_result()),
                _ => crate::scope::Elem::Other,
            };
            return Ok(Ex::value(name, Kind::Func { ret }));
        }
        if name == "iota" {
            return Err(self.unsupported(n, "iota"));
        }
        Ok(Ex::untracked(&name))
    }

    fn unary(&mut self, n: Node) -> Result<Ex, Fail> {
        let text = self.text(n).to_string();
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_default();
        let Some(operand) = n.child_by_field_name("operand") else {
            return Err(self.unsupported(n, "unary expression"));
        };
        if op == "<-" {
            // Received first, into a temporary.
            let c = self.chan(operand)?;
            let elem = match self.expr(operand)?.kind {
                Kind::Chan { elem } => elem,
                _ => crate::scope::Elem::Other,
            };
            let kind = match elem.kind() {
                Kind::Untracked => {
                    self.hoist(format!("Recv(chan: {})", crate::emit::q(&c)), n);
                    return Ok(Ex::untracked(&text));
                }
                k => k,
            };
            let t = self.temp(
                &format!("{}_received", c.replace(['.', '(', ')'], "")),
                kind,
            );
            self.hoist(
                format!(
                    "Recv(chan: {}, into: {})",
                    crate::emit::q(&c),
                    crate::emit::q(&t)
                ),
                n,
            );
            if let Some(z) = self.zero_if_closed(&t, kind) {
                self.hoist(z, n);
            }
            return Ok(Ex::value(t, kind));
        }
        if op == "&" {
            if let Some(e) = self.hoist_new(n)? {
                return Ok(e);
            }
        }
        let e = self.expr(operand)?;
        if e.untracked {
            return Ok(Ex::untracked(&text));
        }
        if let Kind::Record { ty, .. } = e.kind {
            return match op.as_str() {
                // `&s` of a local struct value: weft's record is already a reference.
                "&" => Ok(Ex {
                    kind: Kind::Record { ty, value: false },
                    ..e
                }),
                // `*p`: the struct value `p` points to (copied where it goes).
                "*" => Ok(Ex {
                    kind: Kind::Record { ty, value: true },
                    ..e
                }),
                _ => Err(self.unsupported(n, &format!("`{text}`"))),
            };
        }
        match op.as_str() {
            // `&wg` passes an object: weft shares objects by reference.
            "&" if !e.kind.is_value() && !e.kind.is_atomic() => Ok(e),
            "&" => Ok(Ex::value(format!("&{}", e.text), Kind::Ptr)),
            "*" => Ok(Ex::value(format!("*{}", e.text), Kind::Int)),
            "!" => Ok(Ex::value(format!("!{}", e.text), Kind::Bool)),
            "-" => Ok(Ex::value(format!("-{}", e.text), Kind::Int)),
            "+" => Ok(e),
            _ => Ok(Ex::untracked(&text)),
        }
    }

    fn binary(&mut self, n: Node) -> Result<Ex, Fail> {
        let text = self.text(n).to_string();
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_default();
        let (Some(l), Some(r)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return Err(self.unsupported(n, "binary expression"));
        };
        let le = self.expr(l)?;
        if op == "&&" || op == "||" {
            return self.short_circuit(n, &op, le, r);
        }
        let re = self.expr(r)?;
        // `r != nil` on a recovered value: weft's Recover gives the bool.
        let nil_l = self.text(l) == "nil";
        let nil_r = self.text(r) == "nil";
        for (side, other_nil) in [(&le, nil_r), (&re, nil_l)] {
            if side.kind == Kind::Recovered && other_nil {
                return Ok(match op.as_str() {
                    "!=" => Ex::value(side.text.clone(), Kind::Bool),
                    _ => Ex::value(format!("!{}", side.text), Kind::Bool),
                });
            }
        }
        if le.untracked || re.untracked {
            return Ok(Ex::untracked(&text));
        }
        // Records are references: `==` would compare which record, where
        // Go compares struct values field by field.
        if matches!(le.kind, Kind::Record { value: true, .. })
            || matches!(re.kind, Kind::Record { value: true, .. })
        {
            return Err(self.unsupported_with(
                n,
                "comparing struct values",
                "compare their fields: `a.x == b.x && a.y == b.y`",
            ));
        }
        // Strings are compared for equality; weft neither orders nor
        // builds them.
        if (le.kind == Kind::Str || re.kind == Kind::Str) && !matches!(op.as_str(), "==" | "!=") {
            return Ok(Ex::untracked(&text));
        }
        let kind = match op.as_str() {
            "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||" => Kind::Bool,
            "+" | "-" | "*" | "/" | "%" => Kind::Int,
            _ => return Ok(Ex::untracked(&text)),
        };
        Ok(Ex::value(format!("{} {op} {}", le.text, re.text), kind))
    }

    /// `l && r`, `l || r` (`le` translated): Go evaluates `r` only when
    /// `l` does not decide, so what `r` needs first (a receive, a call, a
    /// shared read) runs under that test, and the result is a new local.
    /// With `l` untracked, both are explored (`r`'s steps or none).
    fn short_circuit(&mut self, n: Node, op: &str, le: Ex, r: Node) -> Result<Ex, Fail> {
        let text = self.text(n).to_string();
        let mark = self.hoisted.borrow().len();
        let re = self.expr(r)?;
        let steps: Vec<String> = self
            .hoisted
            .borrow_mut()
            .split_off(mark)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        if steps.is_empty() {
            if le.untracked || re.untracked {
                return Ok(Ex::untracked(&text));
            }
            return Ok(Ex::value(
                format!("{} {op} {}", le.text, re.text),
                Kind::Bool,
            ));
        }
        if le.untracked {
            self.hoist(format!("Either([[{}], []])", steps.join(", ")), n);
            return Ok(Ex::untracked(&text));
        }
        let t = self.temp("cond", Kind::Bool);
        self.hoist(format!("Let({}, {})", q(&t), q(&le.text)), n);
        let mut body = steps;
        if !re.untracked {
            body.push(format!("Set({}, {})", q(&t), q(&re.text)));
        }
        let test = if op == "&&" {
            t.clone()
        } else {
            format!("!{t}")
        };
        self.hoist(format!("If({}, [{}])", q(&test), body.join(", ")), n);
        if re.untracked {
            return Ok(Ex::untracked(&text));
        }
        Ok(Ex::value(t, Kind::Bool))
    }

    fn selector(&mut self, n: Node) -> Result<Ex, Fail> {
        let text = self.text(n).to_string();
        let (Some(obj), Some(field)) = (
            n.child_by_field_name("operand"),
            n.child_by_field_name("field"),
        ) else {
            return Err(self.unsupported(n, "selector"));
        };
        let field = self.text(field).to_string();
        let o = self.text(obj).to_string();
        // The context package's sentinel errors, which `ctx.Err()` gives.
        if o == "context"
            && matches!(field.as_str(), "Canceled" | "DeadlineExceeded")
            && self.scope.get("context").is_none()
        {
            return Ok(Ex::value(format!("context.{field}"), Kind::Error));
        }
        if o == "time" {
            // A duration: weft's time is abstract, only its sign counts.
            return Ok(Ex::value("1".into(), Kind::Int));
        }
        let e = self.expr(obj)?;
        if e.untracked {
            self.maybe_nil_access(obj, n);
            return Ok(Ex::untracked(&text));
        }
        match (e.kind, field.as_str()) {
            (Kind::Record { ty, .. }, f) => self.field(n, &e, ty, f),
            (Kind::Timer | Kind::Ticker, "C") => Ok(Ex::value(
                format!("{}.C", e.text),
                Kind::Chan {
                    elem: crate::scope::Elem::Other,
                },
            )),
            _ => Ok(Ex::untracked(&text)),
        }
    }

    /// Whether expression `n` reads only literals and locals no other
    /// goroutine writes (nothing shared, no field, element or call).
    fn reads_no_shared(&self, n: Node) -> bool {
        let mut stack = vec![n];
        while let Some(k) = stack.pop() {
            match k.kind() {
                "identifier" => {
                    let name = self.text(k);
                    if self.scope.get(name).is_none_or(|b| b.shared) {
                        return false;
                    }
                }
                "selector_expression"
                | "index_expression"
                | "call_expression"
                | "unary_expression" => return false,
                _ => {
                    let mut c = k.walk();
                    stack.extend(k.named_children(&mut c));
                }
            }
        }
        true
    }

    /// A call used as a value: builtins and methods weft's expressions have.
    fn call_value(&mut self, n: Node) -> Result<Ex, Fail> {
        let text = self.text(n).to_string();
        let Some(f) = n.child_by_field_name("function") else {
            return Err(self.unsupported(n, "call"));
        };
        let args = self.args(n);
        let fname = self.text(f).to_string();
        match fname.as_str() {
            "len" | "cap" if args.len() == 1 => {
                let a = self.expr(args[0])?;
                if a.untracked || a.kind.is_value() {
                    return Ok(Ex::untracked(&text));
                }
                if matches!(
                    a.kind,
                    Kind::Map {
                        tracked_keys: false,
                        ..
                    }
                ) {
                    // Its entries are not followed; the map is still read.
                    self.hoist_map_read(&format!("len({})", a.text), n);
                    return Ok(Ex::untracked(&text));
                }
                return Ok(Ex::value(format!("{fname}({})", a.text), Kind::Int));
            }
            "context.Background" | "context.TODO" => {
                return Ok(Ex::value("context.Background()".into(), Kind::Ctx))
            }
            "errors.New" => {
                if let Some(e) = self.errors_new(n) {
                    return Ok(Ex::value(e, Kind::Error));
                }
            }
            // An error that is not nil, when its arguments read nothing
            // another goroutine may write (their reads would be lost).
            "fmt.Errorf" if args.iter().all(|a| self.reads_no_shared(*a)) => {
                if let Some(e) = self.errorf(n) {
                    self.arg_effects(n)?;
                    return Ok(Ex::value(e, Kind::Error));
                }
            }
            // `errors.Is(err, target)`: `err == target` while nothing in
            // the file wraps an error (`%w`), which weft does not follow.
            "errors.Is" if args.len() == 2 && !self.src.contains("%w") => {
                let a = self.expr(args[0])?;
                let b = self.expr(args[1])?;
                let error = |e: &Ex| !e.untracked && (e.kind == Kind::Error || e.text == "nil");
                if error(&a) && error(&b) && self.scope.get("errors").is_none() {
                    return Ok(Ex::value(format!("({} == {})", a.text, b.text), Kind::Bool));
                }
            }
            // Never data: a slice weft follows would be lost.
            "append" if self.is_append(n) => {
                return Err(self.unsupported_with(
                    n,
                    &format!("`{text}` inside an expression"),
                    "weft imports `xs = append(xs, v)`: one value appended to the slice it is \
                     assigned to (a local, a package variable, a captured variable or a field)",
                ))
            }
            _ => {}
        }
        // Calls the statement translator knows (the file's functions,
        // atomics, TryLock, Stop, timers, small rand.Intn...): made first,
        // into a temporary.
        if let Some(ex) = self.hoist_call(n)? {
            return Ok(ex);
        }
        if f.kind() == "selector_expression" {
            if let (Some(obj), Some(field)) = (
                f.child_by_field_name("operand"),
                f.child_by_field_name("field"),
            ) {
                let method = self.text(field).to_string();
                let pkg = self.text(obj).to_string();
                // A context held by a name or a record's field (`s.ctx`).
                let held = match self.scope.get(&pkg).cloned() {
                    Some(b) => Some(b),
                    None if obj.kind() == "selector_expression"
                        && self.static_kind(obj) == Some(Kind::Ctx) =>
                    {
                        let e = self.expr(obj)?;
                        Some(crate::scope::Binding {
                            holder: None,
                            ron: e.text,
                            kind: e.kind,
                            shared: false,
                        })
                    }
                    None => None,
                };
                if let Some(b) = held {
                    match (b.kind, method.as_str()) {
                        (Kind::Ctx, "Done") => {
                            return Ok(Ex::value(
                                format!("{}.Done()", b.ron),
                                Kind::Chan {
                                    elem: crate::scope::Elem::Other,
                                },
                            ))
                        }
                        // nil, `context.Canceled` or
                        // `context.DeadlineExceeded`, as the language's.
                        (Kind::Ctx, "Err") => {
                            return Ok(Ex::value(format!("{}.Err()", b.ron), Kind::Error))
                        }
                        _ => {}
                    }
                }
            }
        }
        if self.is_data_call(&fname) {
            // Its arguments' receives and calls are still made.
            self.arg_effects(n)?;
            self.note(n, format!("`{fname}(...)` is data weft does not track"));
            return Ok(Ex::untracked(&text));
        }
        let known_pkg = fname.split_once('.').is_some_and(|(p, _)| {
            self.scope.get(p).is_some() || matches!(p, "sync" | "context" | "time" | "atomic" | "t")
        });
        let own = self.pkg.funcs.contains_key(&fname);
        if !known_pkg && !own {
            if self.opts.allow_abstract {
                self.note_divergent(
                    n,
                    format!("`{fname}(...)` is not in the file: assumed to synchronise with nothing; its results are untracked (--allow-abstract)"),
                );
                return Ok(Ex::untracked(&text));
            }
            return Err(self.unsupported_with(
                n,
                &format!("the call `{fname}(...)`"),
                "weft translates the file's own functions and the sync, context, time and atomic \
                 packages; --allow-abstract treats other calls as synchronising with nothing, with \
                 untracked results",
            ));
        }
        Err(self.unsupported_with(
            n,
            &format!("the call `{fname}(...)` inside an expression"),
            "call it in a statement of its own (`r := f(x)`), then use `r`",
        ))
    }

    /// Queues a statement to write before the current one.
    pub fn hoist(&mut self, text: String, n: Node) {
        let at = self.span(n);
        self.hoisted.borrow_mut().push((text, at));
    }

    /// A fresh local named after `base`, declared with `kind`.
    pub fn temp(&mut self, base: &str, kind: Kind) -> String {
        self.temps += 1;
        let name = format!("{base}{}", self.temps);
        self.declare(&name, kind);
        name
    }

    /// A call inside an expression translated as a statement into a
    /// temporary (through a scratch emitter whose text is hoisted).
    fn hoist_call(&mut self, call: Node) -> Result<Option<Ex>, Fail> {
        let fname = call
            .child_by_field_name("function")
            .map(|f| self.text(f).to_string())
            .unwrap_or_default();
        let own = (self.pkg.funcs.contains_key(&fname) && self.scope.get(&fname).is_none())
            || call
                .child_by_field_name("function")
                .is_some_and(|f| self.method_key(f).is_some());
        let atomic = fname.starts_with("atomic.")
            || matches!(
                fname.as_str(),
                "time.Tick" | "time.After" | "time.NewTimer" | "time.NewTicker"
            )
            || (matches!(fname.as_str(), "rand.Intn" | "rand.Int63n" | "rand.Int31n")
                && self
                    .args(call)
                    .first()
                    .and_then(|a| self.text(*a).parse::<i64>().ok())
                    .is_some_and(|b| (1..=8).contains(&b)));
        // (Of a local, or of a field: `s.hits.Load()`.)
        let method = call
            .child_by_field_name("function")
            .filter(|f| f.kind() == "selector_expression")
            .and_then(|f| {
                let kind = self.static_kind(f.child_by_field_name("operand")?)?;
                Some((kind, self.text(f.child_by_field_name("field")?)))
            })
            .is_some_and(|(kind, m)| {
                matches!(
                    (kind, m),
                    (Kind::Mutex | Kind::RwMutex, "TryLock")
                        | (Kind::Timer | Kind::Ticker, "Stop" | "Reset")
                        | (Kind::AtomicInt, "Load" | "Add" | "CompareAndSwap")
                        | (Kind::AtomicBool, "Load" | "CompareAndSwap")
                )
            });
        // `stop()`, the function `context.AfterFunc` returned.
        let stop = self
            .scope
            .get(&fname)
            .is_some_and(|b| b.kind == Kind::StopFunc);
        // `make` and `new` inside an expression (a struct literal's field).
        let makes = matches!(fname.as_str(), "make" | "new");
        // A call through a function value whose result weft follows.
        let value_fn = self.scope.get(&fname).is_some_and(
            |b| matches!(b.kind, Kind::Func { ret } if ret != crate::scope::Elem::Other),
        );
        if !(own || atomic || method || makes || value_fn || stop) {
            return Ok(None);
        }
        let base: String = fname
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        self.temps += 1;
        let name = format!("{base}_{}", self.temps);
        let mut scratch =
            crate::emit::Emitter::new(&self.file, self.src, 0, &crate::emit::Hoisted::default());
        let pending: Vec<(String, weft_models::span::Span)> =
            self.hoisted.borrow_mut().drain(..).collect();
        self.call_into_temp(call, &name, &mut scratch)?;
        let mut h = self.hoisted.borrow_mut();
        // What the call's arguments hoisted (a call, a copy) goes before it.
        let mut all = pending;
        all.append(&mut h);
        all.extend(scratch.statements(self.span(call)));
        *h = all;
        drop(h);
        let kind = self.scope.get(&name).map_or(Kind::Untracked, |b| b.kind);
        Ok(Some(Ex {
            text: name.clone(),
            untracked: kind == Kind::Untracked,
            kind,
        }))
    }

    /// The argument nodes of a call.
    pub fn args<'t>(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let Some(list) = call.child_by_field_name("arguments") else {
            return Vec::new();
        };
        let mut c = list.walk();
        list.named_children(&mut c)
            .filter(|k| k.kind() != "comment")
            .collect()
    }
}

/// A Go string literal: a string weft follows (`` `text` ``), or, when
/// its value has an escape, a backquote or a control character, data weft
/// does not track.
pub(crate) fn string_literal(go: &str) -> Ex {
    let value = if let Some(raw) = go.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        raw
    } else if let Some(lit) = go.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        lit
    } else {
        return Ex::untracked(go);
    };
    if value.contains(['\\', '`']) || value.chars().any(char::is_control) {
        return Ex::untracked(go);
    }
    Ex::value(format!("`{value}`"), Kind::Str)
}
