//! Calls: sync, channel, context, time and atomic operations, the file's
//! own functions, `testing.T`, and calls weft does not know.

use tree_sitter::Node;

use crate::emit::{lit, q, Emitter};
use crate::expr::Ex;
use crate::scope::{Elem, Kind, SliceElem};
use crate::{Fail, Importer};

/// The largest `rand.Intn(n)` bound turned into a choice of every value;
/// larger or unknown bounds are untracked data.
const MAX_CHOICES: i64 = 8;

impl Importer<'_> {
    /// The size argument of `make` (a capacity or a length): tracked data
    /// written as an expression, 0 when absent.
    fn size_arg(&mut self, n: Option<Node>, untracked: &str) -> Result<String, Fail> {
        let Some(n) = n else {
            return Ok("0".into());
        };
        let e = self.expr(n)?;
        if e.untracked {
            return Err(self.unsupported(n, untracked));
        }
        Ok(lit(&e.text))
    }

    /// The arguments of a call of the file's function `name`, as RON,
    /// leaving out the parameters weft does not track.
    pub(crate) fn call_args(
        &mut self,
        name: &str,
        args: &[Node],
        call: Node,
    ) -> Result<Vec<String>, Fail> {
        let Some(&f) = self.pkg.funcs.get(name) else {
            return Err(self.unsupported(call, "call"));
        };
        let sig = self.sig(f)?;
        let mut out = Vec::new();
        let mut params = sig.params.as_slice();
        // A method call: the receiver is the first argument.
        if self.pkg.methods.contains_key(name) {
            let recv = call
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("operand"));
            let (Some(r), Some((_, first))) = (recv, params.first()) else {
                return Err(self.unsupported(call, "a method value"));
            };
            let e = self.expr(r)?;
            let Kind::Record { ty, .. } = e.kind else {
                return Err(self.unsupported(r, "a receiver weft cannot follow"));
            };
            if e.untracked || *first == Kind::Untracked {
                return Err(self.unsupported(r, "a receiver weft cannot follow"));
            }
            // A promoted method's receiver is the embedded struct.
            let m = call
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("field"))
                .map(|f| self.text(f).to_string())
                .unwrap_or_default();
            let mut e = match self.method_of(ty, &m) {
                Some((_, path)) if !path.is_empty() => Ex {
                    text: format!("{}.{}", e.text, path.join(".")),
                    ..e
                },
                _ => e,
            };
            // A value receiver gets a copy, of `*p` too.
            if let Kind::Record { ty, value: true } = *first {
                e.kind = Kind::Record { ty, value: true };
                e = self.handed(r, e, "a value receiver")?;
            }
            out.push(q(&e.text));
            params = &params[1..];
        }
        if params.len() != args.len() {
            return Err(self.unsupported(call, "a variadic call"));
        }
        let skipped = sig.params.len() - params.len();
        for (((_, k), holder), a) in params.iter().zip(&sig.holders[skipped..]).zip(args.iter()) {
            if matches!(k, Kind::Untracked | Kind::Testing) {
                continue;
            }
            let e = self.expr(*a)?;
            if let (true, Some(h)) = (e.untracked, holder) {
                // A string parameter given data weft does not track.
                self.gives_untracked_str(h.clone());
                out.push(lit("``"));
                continue;
            }
            if e.untracked {
                return Err(self.unsupported(*a, "an argument weft cannot follow"));
            }
            let e = self.handed(*a, e, "an argument")?;
            out.push(lit(&e.text));
        }
        Ok(out)
    }

    /// A call whose (first tracked) result goes to a new local `name`.
    pub(crate) fn call_into_temp(
        &mut self,
        call: Node,
        name: &str,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        // (A call in its arguments is made into its own temporary first.)
        let outer = self.temp_target.replace(name.to_string());
        let r = self.call(call, &[], true, call, em);
        self.temp_target = outer;
        r
    }

    /// A call statement, or a call whose results go to `targets`.
    pub(crate) fn call(
        &mut self,
        call: Node,
        targets: &[Node],
        declare: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(stmt);
        let Some(f) = call.child_by_field_name("function") else {
            return Err(self.unsupported(call, "call"));
        };
        let args = self.args(call);
        let fname = self.text(f).to_string();
        let arg = |i: usize| args.get(i).copied();
        // Targets as names (declared), per kind.
        macro_rules! into {
            ($i:expr, $k:expr) => {
                match (targets.get($i), $i == 0) {
                    (Some(t), _) => self.target(*t, $k, declare, stmt)?,
                    (None, true) => self.first_target(targets, $k, declare, stmt)?,
                    (None, false) => None,
                }
            };
        }
        macro_rules! obj {
            ($k:expr, $word:expr) => {
                obj!($k, $word, "")
            };
            ($k:expr, $word:expr, $extra:expr) => {{
                let Some(name) = into!(0, $k) else {
                    return Err(
                        self.unsupported(stmt, &format!("`{fname}` whose result is dropped"))
                    );
                };
                em.leaf(&format!("{}({}{})", $word, q(&name), $extra), at);
                return Ok(());
            }};
        }
        if f.kind() == "func_literal" {
            if !targets.is_empty() {
                return Err(self.unsupported(call, "a function literal's result"));
            }
            return self.closure("If(\"true\", [", f, &args, stmt, em);
        }
        match fname.as_str() {
            "append" if self.is_append(call) => {
                return Err(self.unsupported_with(
                    call,
                    &format!("`{}` here", self.text(call)),
                    "weft imports `xs = append(xs, v)`: one value appended to the slice it is \
                     assigned to (a local, a package variable, a captured variable or a field)",
                ))
            }
            "close" => {
                let c = self.chan(arg(0).unwrap_or(call))?;
                em.leaf(&format!("Close({})", q(&c)), at);
                return Ok(());
            }
            "panic" => {
                let msg = arg(0)
                    .map(|a| {
                        // A literal's text without its quotes; any other
                        // argument as Go writes it (`"bad " + k`).
                        let t = self.text(a);
                        match a.kind() {
                            "interpreted_string_literal" | "raw_string_literal" => {
                                t.trim_matches('"').trim_matches('`').to_string()
                            }
                            _ => t.to_string(),
                        }
                    })
                    .unwrap_or_default();
                em.leaf(&format!("Panic({})", q(&msg)), at);
                return Ok(());
            }
            "recover" => {
                match into!(0, Kind::Recovered) {
                    Some(r) => em.leaf(&format!("Recover({})", q(&r)), at),
                    None => em.leaf("Recover", at),
                }
                return Ok(());
            }
            "delete" => {
                let (Some(m), Some(k)) = (arg(0), arg(1)) else {
                    return Err(self.unsupported(call, "delete"));
                };
                let key = k;
                let m = self.expr(m)?;
                let k = self.expr(k)?;
                if let (Kind::Map { tracked_keys, .. }, false, true) =
                    (m.kind, m.untracked, k.untracked)
                {
                    return self.untracked_key_delete(call, &m.text, tracked_keys, key, stmt, em);
                }
                if m.untracked || k.untracked || !matches!(m.kind, Kind::Map { .. }) {
                    return Err(self.unsupported(call, "delete on data weft does not track"));
                }
                em.leaf(&format!("Delete({}, {})", q(&m.text), lit(&k.text)), at);
                return Ok(());
            }
            "make" => {
                let Some(ty) = arg(0) else {
                    return Err(self.unsupported(call, "make"));
                };
                let tys = self.text(ty).to_string();
                if ty.kind() == "channel_type" {
                    let elem = ty
                        .child_by_field_name("value")
                        .map(|v| self.chan_elem(self.text(v)))
                        .unwrap_or(crate::scope::Elem::Other);
                    let cap = self.size_arg(arg(1), "a channel capacity weft cannot follow")?;
                    let Some(name) = into!(0, Kind::Chan { elem }) else {
                        return Err(self.unsupported(stmt, "a channel made and dropped"));
                    };
                    // (`chan struct{}`, or of a struct type with no
                    // memory: Go's race detector sees one buffer address
                    // for all its slots, and weft follows it.)
                    let empty = ty
                        .child_by_field_name("value")
                        .is_some_and(|v| self.zero_size(self.text(v)));
                    let elem_arg = if empty {
                        format!(", {}", q("struct{}"))
                    } else {
                        self.chan_elem_arg(elem)
                    };
                    em.leaf(&format!("Chan({}, {cap}{elem_arg})", q(&name)), at);
                    return Ok(());
                }
                if let Some(kind @ Kind::Map { value, .. }) = self.kind_of(&tys) {
                    let extra = match value {
                        SliceElem::Int(_) => String::new(),
                        _ => format!(", {}", q(&self.map_elem_type(value))),
                    };
                    obj!(kind, "Map", extra);
                }
                if let Some(Kind::Slice { elem, array: false }) = self.kind_of(&tys) {
                    let len = self.size_arg(arg(1), "a slice length weft cannot follow")?;
                    // A capacity weft does not track is left out (the slice
                    // has no spare room, so appends copy where Go's may
                    // write in place): noted, as the import did before it
                    // followed capacities.
                    let cap = match arg(2) {
                        Some(c) => {
                            let e = self.expr(c)?;
                            if e.untracked {
                                self.note(
                                    c,
                                    format!(
                                        "the capacity `{}` is data weft does not track: the slice \
                                         is made with no room past its length (an append copies \
                                         where Go's may write in place)",
                                        self.text(c)
                                    ),
                                );
                                String::new()
                            } else {
                                format!(", {}", lit(&e.text))
                            }
                        }
                        None => String::new(),
                    };
                    let extra = format!(", {}, {len}{cap}", q(&self.elem_type(elem)));
                    let kind = Kind::Slice { elem, array: false };
                    // A slice a closure appends to (or a package slice):
                    // made, then held by a shared variable.
                    let shared = targets
                        .first()
                        .filter(|t| declare && t.kind() == "identifier")
                        .map(|t| self.text(*t).to_string())
                        .filter(|n| n != "_" && self.shared_slice(n, kind, self.in_globals));
                    if let Some(name) = shared {
                        let tmp = self.temp(&format!("{name}_made"), kind);
                        em.leaf(&format!("Slice({}{extra})", q(&tmp)), at);
                        let decl = self.shared_slice_decl(&name, kind, Some(&tmp));
                        em.leaf(&decl, at);
                        return Ok(());
                    }
                    obj!(kind, "Slice", extra);
                }
                return Err(self.unsupported_with(
                    call,
                    &format!("make({tys})"),
                    "weft makes channels, maps and slices",
                ));
            }
            "new" => {
                let tys = arg(0).map(|a| self.text(a).to_string()).unwrap_or_default();
                if let Some(ty) = self.struct_index(tys.trim()) {
                    let t = format!(", {}", q(self.struct_name(ty)));
                    obj!(Kind::Record { ty, value: false }, "New", t);
                }
                match tys.as_str() {
                    "sync.WaitGroup" => obj!(Kind::WaitGroup, "WaitGroup"),
                    "sync.Mutex" => obj!(Kind::Mutex, "Mutex"),
                    "sync.RWMutex" => obj!(Kind::RwMutex, "RWMutex"),
                    "sync.Once" => obj!(Kind::Once, "Once"),
                    _ => return Err(self.unsupported(call, &format!("new({tys})"))),
                }
            }
            "rand.Intn" | "rand.Int63n" | "rand.Int31n" => {
                // A small constant bound: each value in turn (exact).
                let bound = arg(0).and_then(|a| self.text(a).parse::<i64>().ok());
                if let Some(b) = bound.filter(|b| (1..=MAX_CHOICES).contains(b)) {
                    let Some(name) = into!(0, Kind::Int) else {
                        return Ok(());
                    };
                    let vals: Vec<String> = (0..b).map(|v| v.to_string()).collect();
                    self.note(
                        call,
                        format!(
                            "`{fname}({b})` takes each value from 0 to {} in turn",
                            b - 1
                        ),
                    );
                    em.leaf(&format!("Choose({}, [{}])", q(&name), vals.join(", ")), at);
                    return Ok(());
                }
            }
            "errgroup.WithContext" if self.scope.get("errgroup").is_none() => {
                let parent = match arg(0) {
                    Some(p) => {
                        let e = self.expr(p)?;
                        if e.untracked || e.kind != Kind::Ctx {
                            return Err(self.unsupported(p, "a parent context weft cannot follow"));
                        }
                        e.text
                    }
                    None => return Err(self.unsupported(call, "errgroup.WithContext")),
                };
                let (Some(g), Some(c)) = (
                    targets.first().map(|t| self.text(*t).to_string()),
                    targets.get(1).map(|t| self.text(*t).to_string()),
                ) else {
                    return Err(self.unsupported(stmt, "errgroup.WithContext's results dropped"));
                };
                if g == "_" {
                    return Err(self.unsupported(stmt, "an errgroup made and dropped"));
                }
                // `_` for the context: a name of its own nobody reads.
                let ctx = if c == "_" {
                    format!("{g}_ctx")
                } else {
                    c.clone()
                };
                self.declare(&g, Kind::Group);
                self.declare(&ctx, Kind::Ctx);
                let p = if parent == "context.Background()" {
                    String::new()
                } else {
                    format!(", parent: {}", q(&parent))
                };
                em.leaf(
                    &format!("WithContext(group: {}, ctx: {}{p})", q(&g), q(&ctx)),
                    at,
                );
                return Ok(());
            }
            "time.Sleep" => {
                em.leaf(&format!("Sleep({})", self.duration(&args)), at);
                return Ok(());
            }
            "time.NewTimer" => obj!(Kind::Timer, "Timer", format!(", {}", self.duration(&args))),
            "time.NewTicker" => obj!(
                Kind::Ticker,
                "Ticker",
                format!(", {}", self.duration(&args))
            ),
            "time.After" => obj!(
                Kind::Chan {
                    elem: crate::scope::Elem::Other
                },
                "After",
                format!(", {}", self.duration(&args))
            ),
            "time.Tick" => obj!(
                Kind::Chan {
                    elem: crate::scope::Elem::Other
                },
                "Tick",
                format!(", {}", self.duration(&args))
            ),
            // `t := time.AfterFunc(d, f)`: the callback's goroutine is
            // started at the call and waits for the timer (models/README.md
            // "AfterFunc callbacks").
            "time.AfterFunc" => {
                let Some(f) = arg(1).filter(|_| args.len() == 2) else {
                    return Err(self.unsupported(call, "time.AfterFunc without `(d, f)`"));
                };
                let name = into!(0, Kind::Timer)
                    .map(|n| format!("name: {}, ", q(&n)))
                    .unwrap_or_default();
                let head = format!("AfterFunc({name}duration: {}", self.duration(&args));
                return self.callback(&head, f, stmt, em);
            }
            // `stop := context.AfterFunc(ctx, f)`.
            "context.AfterFunc" => {
                let (Some(c), Some(f), 2) = (arg(0), arg(1), args.len()) else {
                    return Err(self.unsupported(call, "context.AfterFunc without `(ctx, f)`"));
                };
                let ctx = self.expr(c)?;
                if ctx.untracked || ctx.kind != Kind::Ctx {
                    return Err(self.unsupported(c, "a context weft cannot follow"));
                }
                let stop = into!(0, Kind::StopFunc)
                    .map(|n| format!("stop: {}, ", q(&n)))
                    .unwrap_or_default();
                let head = format!("ContextAfterFunc({stop}ctx: {}", q(&ctx.text));
                return self.callback(&head, f, stmt, em);
            }
            "context.Background" | "context.TODO" => obj!(Kind::Ctx, "Background"),
            "context.WithCancel" | "context.WithTimeout" | "context.WithDeadline" => {
                let parent = match arg(0) {
                    Some(p) => {
                        let e = self.expr(p)?;
                        if e.kind != Kind::Ctx || e.untracked {
                            return Err(self.unsupported(p, "a parent context weft cannot follow"));
                        }
                        e.text
                    }
                    None => return Err(self.unsupported(call, "a context call without parent")),
                };
                // Into a field (`w.ctx, w.cancel = ...`): through a
                // temporary, then the field's write (weft makes objects
                // into names).
                let mut fields = Vec::new();
                let mut names = [None, None];
                for (i, k) in [(0, Kind::Ctx), (1, Kind::Cancel)] {
                    names[i] = match targets.get(i) {
                        Some(t) if t.kind() != "identifier" => {
                            match self.target(*t, k, declare, stmt)? {
                                Some(field) => {
                                    let tmp = self.temp(&field.replace(['.', '[', ']'], "_"), k);
                                    fields.push((field, tmp.clone()));
                                    Some(tmp)
                                }
                                None => None,
                            }
                        }
                        _ => into!(i, k),
                    };
                }
                let [ctx, cancel] = names;
                let (Some(ctx), Some(cancel)) = (ctx, cancel) else {
                    return Err(self.unsupported_with(
                        stmt,
                        "a derived context whose context or cancel function is dropped",
                        "keep both: `ctx, cancel := context.WithCancel(parent)` (go vet's lostcancel check)",
                    ));
                };
                let word = &fname["context.".len()..];
                let timeout = match word {
                    "WithTimeout" => format!(", timeout: {}", self.duration(&args[1..])),
                    "WithDeadline" => format!(", deadline: {}", self.duration(&args[1..])),
                    _ => String::new(),
                };
                let parent = if parent == "context.Background()" {
                    String::new()
                } else {
                    format!(", parent: {}", q(&parent))
                };
                em.leaf(
                    &format!(
                        "{word}(ctx: {}, cancel: {}{parent}{timeout})",
                        q(&ctx),
                        q(&cancel)
                    ),
                    at,
                );
                for (field, tmp) in fields {
                    em.leaf(&format!("Set({}, {})", q(&field), q(&tmp)), at);
                }
                return Ok(());
            }
            "sync.NewCond" => {
                let Some(l) = arg(0) else {
                    return Err(self.unsupported(call, "sync.NewCond"));
                };
                let lk = self.expr(l)?;
                if !matches!(lk.kind, Kind::Mutex | Kind::RwMutex) {
                    return Err(
                        self.unsupported(l, "a Cond's locker other than a Mutex or RWMutex")
                    );
                }
                let Some(name) = into!(0, Kind::Cond) else {
                    return Err(self.unsupported(stmt, "a Cond made and dropped"));
                };
                em.leaf(&format!("Cond({}, {})", q(&name), q(&lk.text)), at);
                return Ok(());
            }
            _ => {}
        }
        if let Some(op) = fname.strip_prefix("atomic.") {
            return self.atomic_call(op, &args, targets, declare, stmt, em);
        }
        // The file's own functions, and methods of its structs.
        let fname = match self.method_key(f) {
            Some(key) => key,
            None => fname,
        };
        if self.pkg.funcs.contains_key(&fname)
            && (self.scope.get(&fname).is_none() || self.pkg.methods.contains_key(&fname))
        {
            let a = self.call_args(&fname, &args, call)?;
            self.wanted.push(fname.clone());
            let sig = self
                .pkg
                .funcs
                .get(&fname)
                .map(|f| self.sig(*f))
                .transpose()?;
            let mut into = None;
            if let Some(sig) = sig.as_ref().filter(|s| s.several()) {
                // Several results, or one with an error: each followed one
                // into its target (`into: ["v", "err"]`).
                let mut intos = Vec::new();
                // Fields and elements are written after the call, from
                // locals (`into` takes names).
                let mut writes = Vec::new();
                for (i, t) in targets.iter().enumerate() {
                    match sig.tracked.iter().find(|(p, _)| *p == i) {
                        Some((_, k)) if t.kind() != "identifier" => {
                            let place = self.expr(*t)?;
                            if place.untracked {
                                return Err(self.unsupported(*t, "this result's target"));
                            }
                            let tmp = self.temp("result", *k);
                            writes.push(format!("Set({}, {})", q(&place.text), q(&tmp)));
                            intos.push(tmp);
                        }
                        Some((_, k)) => {
                            let name = self.target(*t, *k, declare, stmt)?;
                            intos.push(name.unwrap_or_else(|| "_".to_string()));
                        }
                        None => {
                            self.target(*t, Kind::Untracked, declare, stmt)?;
                            self.note(
                                *t,
                                format!("`{}` holds a result weft does not track", self.text(*t)),
                            );
                        }
                    }
                }
                if let (true, Some(t), [(_, k)]) = (
                    targets.is_empty(),
                    self.temp_target.clone(),
                    sig.tracked.as_slice(),
                ) {
                    self.declare(&t, *k);
                    intos.push(t);
                }
                // `return f(x)` where `f` returns as the caller does.
                if targets.is_empty() {
                    let same = self.temp_results.as_ref().is_some_and(|ts| {
                        ts.len() == sig.tracked.len()
                            && ts.iter().zip(&sig.tracked).all(|((_, a), (_, b))| a == b)
                    });
                    if same {
                        intos = self
                            .temp_results
                            .take()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(t, _)| t)
                            .collect();
                    }
                }
                let into = match intos.as_slice() {
                    [] => String::new(),
                    _ if intos.iter().all(|i| i == "_") => String::new(),
                    [one] => format!(", into: {}", q(one)),
                    all => format!(
                        ", into: [{}]",
                        all.iter().map(|i| q(i)).collect::<Vec<_>>().join(", ")
                    ),
                };
                em.leaf(
                    &format!("Call(func: {}, args: [{}]{into})", q(&fname), a.join(", ")),
                    at,
                );
                for w in writes {
                    em.leaf(&w, at);
                }
                return Ok(());
            }
            if let Some(sig) = sig {
                // The tracked result is the one in its position among the results.
                let pos = self.tracked_result_pos(&fname);
                for (i, t) in targets.iter().enumerate() {
                    if Some(i) == pos {
                        into =
                            self.target(*t, sig.result.unwrap_or(Kind::Untracked), declare, stmt)?;
                    } else {
                        self.target(*t, Kind::Untracked, declare, stmt)?;
                        self.note(
                            *t,
                            format!("`{}` holds a result weft does not track", self.text(*t)),
                        );
                    }
                }
                if let (true, Some(t), Some(k)) =
                    (targets.is_empty(), self.temp_target.clone(), sig.result)
                {
                    self.declare(&t, k);
                    into = Some(t);
                }
            }
            let into = into
                .map(|i| format!(", into: {}", q(&i)))
                .unwrap_or_default();
            em.leaf(
                &format!("Call(func: {}, args: [{}]{into})", q(&fname), a.join(", ")),
                at,
            );
            return Ok(());
        }
        // Methods on the objects weft knows.
        if f.kind() == "selector_expression" {
            if let (Some(obj), Some(field)) = (
                f.child_by_field_name("operand"),
                f.child_by_field_name("field"),
            ) {
                let method = self.text(field).to_string();
                let recv = self.expr(obj)?;
                if !recv.untracked || recv.kind == Kind::Testing {
                    if let Some(done) =
                        self.method(&recv, &method, &args, targets, declare, stmt, em)?
                    {
                        return done;
                    }
                }
                if let Kind::Record { ty, .. } = recv.kind {
                    // A cancel function held in a field: `s.cancel()`.
                    if self.field_kind(ty, &method) == Some(Some(Kind::Cancel)) {
                        em.leaf(
                            &format!("Cancel({})", q(&format!("{}.{method}", recv.text))),
                            at,
                        );
                        return Ok(());
                    }
                    // A method promoted from an embedded sync object (in
                    // the struct, or in a struct it embeds).
                    let held = self.embedded(ty, &recv.text, &method).or_else(|| {
                        let (path, inner) =
                            self.promoted(ty, |t| self.embedded(t, "", &method).is_some())?;
                        self.embedded(inner, &format!("{}.{}", recv.text, path.join(".")), &method)
                    });
                    if let Some(e) = held {
                        if let Some(done) =
                            self.method(&e, &method, &args, targets, declare, stmt, em)?
                        {
                            return done;
                        }
                    }
                    return Err(self.unsupported_with(
                        call,
                        &format!("the method call `{fname}`"),
                        &format!(
                            "`{}` has no method `{method}` in this file",
                            self.struct_name(ty)
                        ),
                    ));
                }
                if !recv.untracked && !recv.kind.is_value() && recv.kind != Kind::Testing {
                    // Never drop an operation on a synchronisation object.
                    return Err(self.unsupported(
                        call,
                        &format!("the method `{method}` of {}", recv.kind.describe()),
                    ));
                }
            }
        }
        if self.is_data_call(&fname) {
            for t in targets {
                self.target(*t, Kind::Untracked, declare, stmt)?;
            }
            self.shared_reads(&args, stmt, em)?;
            self.note(
                call,
                format!("`{fname}(...)` has no synchronisation: left out"),
            );
            return Ok(());
        }
        // A call through a function value: its one result is followed
        // when its type says it is an integer, a bool or a record.
        if let Some((b, ret)) = self.scope.get(&fname).cloned().and_then(|b| match b.kind {
            Kind::Func { ret } => Some((b, ret)),
            _ => None,
        }) {
            let a = self.value_call_args(&args)?;
            let wants = targets.iter().any(|t| self.text(*t) != "_") || self.temp_target.is_some();
            let mut into = String::new();
            if wants {
                let kind = ret.kind();
                if kind == Kind::Untracked || targets.len() > 1 {
                    return Err(self.unsupported_with(
                        call,
                        &format!("the result of `{fname}(...)`, a call through a function value"),
                        "weft follows the one integer, bool or struct pointer result of a \
                         function value; call a function of the file by its name to use other \
                         results",
                    ));
                }
                if let Some(t) = into!(0, kind) {
                    into = format!(", into: {}", q(&t));
                }
            }
            em.leaf(
                &format!("Call(func: {}, args: [{}]{into})", q(&b.ron), a.join(", ")),
                at,
            );
            return Ok(());
        }
        // A cancel function.
        if let Some(b) = self.scope.get(&fname).cloned() {
            if b.kind == Kind::Cancel {
                em.leaf(&format!("Cancel({})", q(&b.ron)), at);
                return Ok(());
            }
            // `ok := stop()`, the function `context.AfterFunc` returned.
            if b.kind == Kind::StopFunc {
                let into = into!(0, Kind::Bool)
                    .map(|i| format!(", into: {}", q(&i)))
                    .unwrap_or_default();
                em.leaf(&format!("Stop(timer: {}{into})", q(&b.ron)), at);
                return Ok(());
            }
        }
        if self.opts.allow_abstract {
            for t in targets {
                self.target(*t, Kind::Untracked, declare, stmt)?;
            }
            self.shared_reads(&args, stmt, em)?;
            self.note_divergent(
                call,
                format!("`{fname}(...)` is not in the file: assumed to synchronise with nothing; its results are untracked (--allow-abstract)"),
            );
            return Ok(());
        }
        Err(self.unsupported_with(
            call,
            &format!("the call `{fname}(...)`"),
            "weft translates the file's own functions and the sync, context, time and atomic \
             packages; --allow-abstract treats other calls as synchronising with nothing, with \
             untracked results",
        ))
    }

    /// The arguments of a call left out that read shared memory: read
    /// into temporaries, so a racy read stays in the scenario.
    pub(crate) fn shared_reads(
        &mut self,
        args: &[Node],
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        for a in args {
            let reads = self.reads_shared(*a);
            if !reads && !self.has_effects(*a) {
                continue;
            }
            // Its receives and calls are made (hoisted before the
            // statement) even though the value is dropped.
            let e = self.expr(*a)?;
            if e.untracked || !reads {
                continue;
            }
            let kind = if e.kind == Kind::Bool {
                Kind::Bool
            } else {
                Kind::Int
            };
            let t = self.temp("read", kind);
            em.leaf(
                &format!("Let({}, {})", q(&t), lit(&e.text)),
                self.span(stmt),
            );
        }
        Ok(())
    }

    /// The shared reads inside data weft does not track
    /// (`fmt.Sprintf("v1.%d", i)` with `i` shared): kept as reads into
    /// temporaries, so a race on them stays in the scenario.
    pub(crate) fn untracked_reads(
        &mut self,
        n: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let mut leaves = Vec::new();
        let mut stack = vec![n];
        while let Some(k) = stack.pop() {
            // A receive was made when the expression was translated (see
            // `arg_effects`); its channel is read by the receive itself.
            if k.kind() == "func_literal" || self.is_recv(k) {
                continue;
            }
            let has_call = {
                let mut s2 = vec![k];
                let mut found = false;
                while let Some(x) = s2.pop() {
                    if x.kind() == "call_expression" {
                        found = true;
                        break;
                    }
                    let mut c = x.walk();
                    s2.extend(x.named_children(&mut c));
                }
                found
            };
            let expression = matches!(
                k.kind(),
                "identifier"
                    | "selector_expression"
                    | "index_expression"
                    | "unary_expression"
                    | "binary_expression"
                    | "parenthesized_expression"
            );
            if expression && !has_call && self.reads_shared(k) {
                leaves.push(k);
                continue;
            }
            // A call's function is no data it reads (`r.lookup` of a
            // method call); its arguments may be.
            if k.kind() == "call_expression" {
                stack.extend(k.child_by_field_name("arguments"));
                continue;
            }
            let mut c = k.walk();
            stack.extend(k.named_children(&mut c));
        }
        leaves.sort_by_key(|l| l.start_byte());
        self.shared_reads(&leaves, stmt, em)
    }

    /// `g.Go(f)`: `GroupGo(group, func, args)` when `f` is a literal
    /// `func() error { return work(args) }` of a function of the file; a
    /// literal with a named result (`func() (err error)`, which a deferred
    /// `recover` may set) a function value `Func(..., results: ...)` the
    /// group runs; else `GroupGo(group, body)` with the literal's body.
    /// Either way the error the function returns is followed (the group
    /// keeps the first non-nil one and cancels its context).
    fn group_go(&mut self, g: &str, f: Node, stmt: Node, em: &mut Emitter) -> Result<(), Fail> {
        let at = self.span(stmt);
        if f.kind() != "func_literal" {
            return Err(self.unsupported_with(
                f,
                "an errgroup function that is not a function literal",
                "write `g.Go(func() error { return work(...) })`",
            ));
        }
        if has_named_results(f) {
            let name = self.temp("body", Kind::Func { ret: Elem::Error });
            self.func_value(&name, f, stmt, em)?;
            em.leaf(&format!("GroupGo(group: {g}, func: {})", q(&name)), at);
            return Ok(());
        }
        let body = f.child_by_field_name("body");
        // `func() error { return work(a, b) }`
        let single = body.and_then(|b| {
            let mut c = b.walk();
            let stmts: Vec<Node> = b
                .named_children(&mut c)
                .flat_map(|k| {
                    if k.kind() == "statement_list" {
                        let mut c2 = k.walk();
                        k.named_children(&mut c2).collect::<Vec<_>>()
                    } else {
                        vec![k]
                    }
                })
                .filter(|k| k.kind() != "comment")
                .collect();
            match stmts.as_slice() {
                [r] if r.kind() == "return_statement" => {
                    // `return x` holds `x` in an expression list.
                    let v = r.named_child(0)?;
                    let v = if v.kind() == "expression_list" && v.named_child_count() == 1 {
                        v.named_child(0)?
                    } else {
                        v
                    };
                    (v.kind() == "call_expression").then_some(v)
                }
                _ => None,
            }
        });
        if let Some(call) = single {
            let name = call
                .child_by_field_name("function")
                .map(|n| self.text(n).to_string())
                .unwrap_or_default();
            if self.pkg.funcs.contains_key(&name)
                && self.scope.get(&name).is_none()
                && !self.pkg.methods.contains_key(&name)
            {
                let args = self.args(call);
                let a = self.call_args(&name, &args, call)?;
                self.error_funcs.insert(name.clone());
                self.wanted.push(name.clone());
                em.leaf(
                    &format!(
                        "GroupGo(group: {g}, func: {}, args: [{}])",
                        q(&name),
                        a.join(", ")
                    ),
                    at,
                );
                return Ok(());
            }
        }
        let saved = (
            self.in_main,
            self.result,
            std::mem::take(&mut self.returns),
            std::mem::take(&mut self.named_results),
        );
        self.in_main = false;
        self.result = Some(Kind::Error);
        self.scope.push();
        em.open(&format!("GroupGo(group: {g}, body: ["), at);
        if let Some(b) = body {
            self.block(b, em);
        }
        em.close("])");
        self.scope.pop();
        (self.in_main, self.result, self.returns, self.named_results) = saved;
        Ok(())
    }

    /// The callback of `time.AfterFunc` or `context.AfterFunc`, closing
    /// the statement `head` opened (`AfterFunc(name: "t", duration: 1`):
    /// a function literal without parameters becomes its `body`; a
    /// function of the file, a method value (`s.tick`) or a function value
    /// without parameters its `func` (a method value's receiver is its one
    /// argument, bound at the call as Go binds it); a cancel function a
    /// body calling it.
    fn callback(&mut self, head: &str, f: Node, stmt: Node, em: &mut Emitter) -> Result<(), Fail> {
        let at = self.span(stmt);
        if f.kind() == "func_literal" {
            return self.closure(&format!("{head}, body: ["), f, &[], stmt, em);
        }
        let hint = "pass a function without parameters: `func() { ... }`, a function of the \
                    file, a method value `s.m` or a function value";
        let text = self.text(f).to_string();
        let (func, args) = if let Some(key) = self.method_key(f) {
            // A method value: its receiver is evaluated at the call.
            let Some(&m) = self.pkg.funcs.get(&key) else {
                return Err(self.unsupported_with(f, "this callback", hint));
            };
            let sig = self.sig(m)?;
            let recv = f.child_by_field_name("operand").map(|o| self.expr(o));
            let Some(recv) = recv.transpose()? else {
                return Err(self.unsupported_with(f, "this callback", hint));
            };
            let Kind::Record { ty, .. } = recv.kind else {
                return Err(self.unsupported(f, "a receiver weft cannot follow"));
            };
            if recv.untracked || sig.params.len() != 1 || sig.params[0].1 == Kind::Untracked {
                return Err(self.unsupported_with(f, "this method value as a callback", hint));
            }
            let m = f
                .child_by_field_name("field")
                .map(|n| self.text(n).to_string())
                .unwrap_or_default();
            let recv = match self.method_of(ty, &m) {
                Some((_, path)) if !path.is_empty() => {
                    format!("{}.{}", recv.text, path.join("."))
                }
                _ => recv.text,
            };
            self.wanted.push(key.clone());
            (key, vec![q(&recv)])
        } else if f.kind() == "identifier"
            && self.pkg.funcs.contains_key(&text)
            && self.scope.get(&text).is_none()
        {
            let Some(&fun) = self.pkg.funcs.get(&text) else {
                return Err(self.unsupported_with(f, "this callback", hint));
            };
            if !self.sig(fun)?.params.is_empty() {
                return Err(self.unsupported_with(f, "a callback with parameters", hint));
            }
            self.wanted.push(text.clone());
            (text, Vec::new())
        } else if let Some(b) = self
            .scope
            .get(&text)
            .cloned()
            .filter(|b| f.kind() == "identifier" && matches!(b.kind, Kind::Func { .. }))
        {
            (b.ron, Vec::new())
        } else if let Some(b) = self
            .scope
            .get(&text)
            .cloned()
            .filter(|b| f.kind() == "identifier" && b.kind == Kind::Cancel)
        {
            // A cancel function as the callback: `context.AfterFunc(ctx, cancel)`.
            em.open(&format!("{head}, body: ["), at);
            em.leaf(&format!("Cancel({})", q(&b.ron)), at);
            em.close("])");
            return Ok(());
        } else {
            return Err(self.unsupported_with(f, "this callback", hint));
        };
        em.leaf(
            &format!("{head}, func: {}, args: [{}])", q(&func), args.join(", ")),
            at,
        );
        Ok(())
    }

    /// Makes the receives and calls of the file's functions in the
    /// arguments of `call`, a call weft does not follow (`fmt.Errorf`,
    /// `strconv.Itoa`, ...): they run first, hoisted, their values
    /// dropped.
    pub(crate) fn arg_effects(&mut self, call: Node) -> Result<(), Fail> {
        for a in self.args(call) {
            if self.has_effects(a) {
                self.expr(a)?;
            }
        }
        Ok(())
    }

    /// Whether evaluating `n` does something weft follows: a receive, or
    /// a call of the file's functions, of a method of an object or of a
    /// function value (calls of packages are data; their arguments are
    /// looked into).
    pub(crate) fn has_effects(&self, n: Node) -> bool {
        let mut stack = vec![n];
        while let Some(k) = stack.pop() {
            match k.kind() {
                "func_literal" => continue,
                "unary_expression"
                    if k.child_by_field_name("operator")
                        .is_some_and(|o| self.text(o) == "<-") =>
                {
                    return true;
                }
                "call_expression" => {
                    let f = k.child_by_field_name("function");
                    let effect = match f {
                        Some(f) if f.kind() == "identifier" => {
                            let name = self.text(f);
                            self.pkg.funcs.contains_key(name) || self.scope.get(name).is_some()
                        }
                        Some(f) if f.kind() == "selector_expression" => {
                            // `pkg.F(...)` of a package: data; `x.M(...)`
                            // of a name in scope: a method.
                            let mut root = f;
                            while let Some(o) = root.child_by_field_name("operand") {
                                root = o;
                            }
                            root.kind() != "identifier" || self.scope.get(self.text(root)).is_some()
                        }
                        // `(f)(x)`, `fs[i](x)`, `func() {...}()`: a call
                        // weft may follow.
                        Some(_) => true,
                        None => false,
                    };
                    if effect {
                        return true;
                    }
                    stack.extend(k.child_by_field_name("arguments"));
                    continue;
                }
                _ => {}
            }
            let mut c = k.walk();
            stack.extend(k.named_children(&mut c));
        }
        false
    }

    /// Whether `n` reads a shared variable, through a pointer or a map.
    fn reads_shared(&self, n: Node) -> bool {
        let mut stack = vec![n];
        while let Some(k) = stack.pop() {
            match k.kind() {
                "identifier"
                    if self.scope.get(self.text(k)).is_some_and(|b| {
                        b.shared || matches!(b.kind, Kind::Map { .. } | Kind::Ptr)
                    }) =>
                {
                    return true;
                }
                "func_literal" => continue,
                // A field of a record is shared memory (whether weft
                // follows its value or not).
                "selector_expression"
                    if k.child_by_field_name("operand")
                        .and_then(|o| self.static_kind(o))
                        .is_some_and(|o| matches!(o, Kind::Record { .. })) =>
                {
                    return true;
                }
                _ => {}
            }
            let mut c = k.walk();
            stack.extend(k.named_children(&mut c));
        }
        false
    }

    /// The scenario name (`Type_Method`) of a call's function when it is
    /// a method of the file's struct called on a record (`s.Inc`), or a
    /// method of a sync object embedded in one (`s.Lock` → `None`; see
    /// [`Importer::embedded`]).
    pub(crate) fn method_key(&mut self, f: Node) -> Option<String> {
        if f.kind() != "selector_expression" {
            return None;
        }
        let obj = f.child_by_field_name("operand")?;
        let m = self.text(f.child_by_field_name("field")?).to_string();
        let kind = self.static_kind(obj)?;
        let Kind::Record { ty, .. } = kind else {
            return None;
        };
        self.method_of(ty, &m).map(|(key, _)| key)
    }

    /// The kind of an expression without translating it (no hoisting):
    /// names and field chains.
    pub(crate) fn static_kind(&self, n: Node) -> Option<Kind> {
        // Down the chain `a.b.c` to its root name, then back up its fields.
        let mut fields = Vec::new();
        let mut cur = n;
        loop {
            match cur.kind() {
                "parenthesized_expression" => cur = cur.named_child(0)?,
                "selector_expression" => {
                    fields.push(self.text(cur.child_by_field_name("field")?));
                    cur = cur.child_by_field_name("operand")?;
                }
                "identifier" => break,
                _ => return None,
            }
        }
        let mut kind = self.scope.get(self.text(cur)).map(|b| b.kind)?;
        for f in fields.into_iter().rev() {
            let Kind::Record { ty, .. } = kind else {
                return None;
            };
            kind = match self.field_kind(ty, f) {
                Some(k) => k?,
                None => {
                    let (_, inner) = self.promoted(ty, |t| self.field_kind(t, f).is_some())?;
                    self.field_kind(inner, f).flatten()?
                }
            };
        }
        Some(kind)
    }

    /// The sync object embedded in record `ty` (held in `rec`) whose
    /// method `m` is promoted: `s.Lock()` with `sync.Mutex` embedded.
    pub(crate) fn embedded(&self, ty: u16, rec: &str, m: &str) -> Option<crate::expr::Ex> {
        let s = self.pkg.structs.get(usize::from(ty))?;
        s.fields.iter().find_map(|(name, tys, _)| {
            let base = tys.trim_start_matches('*');
            if base.rsplit('.').next() != Some(name.as_str()) {
                return None;
            }
            let kind = self.kind_of(tys)?;
            let has = match kind {
                Kind::Mutex => matches!(m, "Lock" | "Unlock" | "TryLock"),
                Kind::RwMutex => matches!(m, "Lock" | "Unlock" | "TryLock" | "RLock" | "RUnlock"),
                Kind::WaitGroup => matches!(m, "Add" | "Done" | "Wait"),
                Kind::Once => m == "Do",
                _ => false,
            };
            has.then(|| crate::expr::Ex {
                text: format!("{rec}.{name}"),
                untracked: false,
                kind,
            })
        })
    }

    /// Where the first result goes: the temporary being made, or the
    /// first target.
    fn first_target(
        &mut self,
        targets: &[Node],
        kind: Kind,
        declare: bool,
        stmt: Node,
    ) -> Result<Option<String>, Fail> {
        if let Some(t) = self.temp_target.clone() {
            self.declare(&t, kind);
            return Ok((kind != Kind::Untracked).then_some(t));
        }
        match targets.first() {
            Some(t) => self.target(*t, kind, declare, stmt),
            None => Ok(None),
        }
    }

    /// Index of the tracked result among a function's results.
    fn tracked_result_pos(&self, name: &str) -> Option<usize> {
        self.result_pos(*self.pkg.funcs.get(name)?)
    }

    /// The position of function (or function literal) `f`'s one tracked
    /// result among its results.
    pub(crate) fn result_pos(&self, f: Node) -> Option<usize> {
        let r = f.child_by_field_name("result")?;
        if r.kind() != "parameter_list" {
            let k = self.kind_of(self.text(r));
            return k.filter(|k| *k != Kind::Untracked).map(|_| 0);
        }
        let mut i = 0;
        let mut c = r.walk();
        for p in r.named_children(&mut c) {
            let Some(ty) = p.child_by_field_name("type") else {
                continue;
            };
            let k = self.kind_of(self.text(ty));
            let mut c2 = p.walk();
            let n = p.children_by_field_name("name", &mut c2).count().max(1);
            if k.is_some_and(|k| k != Kind::Untracked) {
                return Some(i);
            }
            i += n;
        }
        None
    }

    /// `atomic.AddInt64(&x, d)` and its kin.
    fn atomic_call(
        &mut self,
        op: &str,
        args: &[Node],
        targets: &[Node],
        declare: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(stmt);
        let Some(first) = args.first() else {
            return Err(self.unsupported(stmt, "atomic call"));
        };
        let operand = self.expr(*first)?;
        if operand.untracked {
            return Err(self.unsupported(*first, "an atomic operand weft cannot follow"));
        }
        let var = q(&operand.text);
        let mut rest = Vec::new();
        for a in &args[1..] {
            let e = self.expr(*a)?;
            if e.untracked {
                return Err(self.unsupported(*a, "an atomic operand weft cannot follow"));
            }
            rest.push(lit(&e.text));
        }
        let into = self.first_target(
            targets,
            if op.starts_with("Compare") {
                Kind::Bool
            } else {
                Kind::Int
            },
            declare,
            stmt,
        )?;
        let into_f = into
            .as_ref()
            .map(|i| format!(", into: {}", q(i)))
            .unwrap_or_default();
        let word = op.trim_end_matches(char::is_alphanumeric);
        let base: String = op.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let _ = word;
        let base = base
            .trim_end_matches("Int")
            .trim_end_matches("Uint")
            .trim_end_matches("Uintptr")
            .to_string();
        let text = match (base.as_str(), rest.as_slice()) {
            ("Add", [d]) => format!("AtomicAdd(var: {var}, delta: {d}{into_f})"),
            ("Load", []) => format!(
                "AtomicLoad(var: {var}, into: {})",
                q(into.as_deref().unwrap_or("_"))
            ),
            ("Store", [x]) => format!("AtomicStore(var: {var}, value: {x})"),
            ("CompareAndSwap", [o, n]) => {
                format!("CompareAndSwap(var: {var}, old: {o}, new: {n}{into_f})")
            }
            _ => return Err(self.unsupported(stmt, &format!("atomic.{op}"))),
        };
        em.leaf(&text, at);
        Ok(())
    }

    /// A method of an object weft knows; `None` when `recv` has no such method.
    #[allow(clippy::too_many_arguments)]
    fn method(
        &mut self,
        recv: &crate::expr::Ex,
        m: &str,
        args: &[Node],
        targets: &[Node],
        declare: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<Option<Result<(), Fail>>, Fail> {
        let at = self.span(stmt);
        let o = q(&recv.text);
        let leaf = |em: &mut Emitter, s: String| {
            em.leaf(&s, at);
            Some(Ok(()))
        };
        Ok(match (recv.kind, m) {
            (Kind::Mutex | Kind::RwMutex, "Lock" | "Unlock") => leaf(em, format!("{m}({o})")),
            (Kind::RwMutex, "RLock" | "RUnlock") => leaf(em, format!("{m}({o})")),
            (Kind::Mutex | Kind::RwMutex, "TryLock") => {
                let into = self.first_target(targets, Kind::Bool, declare, stmt)?;
                let f = into
                    .map(|i| format!(", into: {}", q(&i)))
                    .unwrap_or_default();
                leaf(em, format!("TryLock(mutex: {o}{f})"))
            }
            (Kind::WaitGroup, "Add") => {
                let Some(d) = args.first() else {
                    return Ok(None);
                };
                let e = self.expr(*d)?;
                if e.untracked {
                    return Err(self.unsupported(*d, "a WaitGroup delta weft cannot follow"));
                }
                leaf(em, format!("Add({o}, {})", lit(&e.text)))
            }
            (Kind::WaitGroup, "Done") => leaf(em, format!("Done({o})")),
            (Kind::WaitGroup | Kind::Cond, "Wait") => leaf(em, format!("Wait({o})")),
            (Kind::Cond, "Signal" | "Broadcast") => leaf(em, format!("{m}({o})")),
            (Kind::Once, "Do") => {
                let Some(f) = args.first() else {
                    return Ok(None);
                };
                if f.kind() == "func_literal" {
                    return Ok(Some(self.closure(&format!("Do({o}, ["), *f, &[], stmt, em)));
                }
                let name = self.text(*f).to_string();
                if self.pkg.funcs.contains_key(&name) {
                    self.wanted.push(name.clone());
                    em.open(&format!("Do({o}, ["), at);
                    em.leaf(&format!("Call({})", q(&name)), at);
                    em.close("])");
                    return Ok(Some(Ok(())));
                }
                return Err(
                    self.unsupported(*f, "a Once.Do argument that is not a function of the file")
                );
            }
            (Kind::Timer | Kind::Ticker, "Stop") => {
                let into = self.first_target(targets, Kind::Bool, declare, stmt)?;
                let f = into
                    .map(|i| format!(", into: {}", q(&i)))
                    .unwrap_or_default();
                leaf(em, format!("Stop(timer: {o}{f})"))
            }
            (Kind::Timer | Kind::Ticker, "Reset") => {
                let into = self.first_target(targets, Kind::Bool, declare, stmt)?;
                let f = into
                    .map(|i| format!(", into: {}", q(&i)))
                    .unwrap_or_default();
                leaf(
                    em,
                    format!("Reset(timer: {o}, duration: {}{f})", self.duration(args)),
                )
            }
            (Kind::AtomicInt, "Add" | "Load" | "Store" | "CompareAndSwap")
            | (Kind::AtomicBool, "Load" | "Store" | "CompareAndSwap") => {
                let op = format!("{m}Int64");
                // Reuse the function forms with the variable as first operand.
                let into = self.first_target(
                    targets,
                    if m == "CompareAndSwap" || recv.kind == Kind::AtomicBool {
                        Kind::Bool
                    } else {
                        Kind::Int
                    },
                    declare,
                    stmt,
                )?;
                let mut rest = Vec::new();
                for a in args {
                    let e = self.expr(*a)?;
                    if e.untracked {
                        return Err(self.unsupported(*a, "an atomic operand weft cannot follow"));
                    }
                    rest.push(lit(&e.text));
                }
                let into_f = into
                    .as_ref()
                    .map(|i| format!(", into: {}", q(i)))
                    .unwrap_or_default();
                let text = match (m, rest.as_slice()) {
                    ("Add", [d]) => format!("AtomicAdd(var: {o}, delta: {d}{into_f})"),
                    ("Load", []) => format!(
                        "AtomicLoad(var: {o}, into: {})",
                        q(into.as_deref().unwrap_or("_"))
                    ),
                    ("Store", [x]) => format!("AtomicStore(var: {o}, value: {x})"),
                    ("CompareAndSwap", [a, b]) => {
                        format!("CompareAndSwap(var: {o}, old: {a}, new: {b}{into_f})")
                    }
                    _ => return Err(self.unsupported(stmt, &format!("atomic {op}"))),
                };
                leaf(em, text)
            }
            (Kind::Group, "Go") => {
                let Some(f) = args.first().copied() else {
                    return Ok(None);
                };
                Some(self.group_go(&o, f, stmt, em))
            }
            (Kind::Group, "Wait") => {
                let into = self.first_target(targets, Kind::Error, declare, stmt)?;
                let f = into
                    .map(|i| format!(", into: {}", q(&i)))
                    .unwrap_or_default();
                leaf(em, format!("Wait(target: {o}{f})"))
            }
            (Kind::Group, "SetLimit") => {
                let Some(n) = args.first() else {
                    return Ok(None);
                };
                let e = self.expr(*n)?;
                if e.untracked {
                    return Err(self.unsupported(*n, "a limit weft cannot follow"));
                }
                leaf(em, format!("SetLimit(group: {o}, limit: {})", lit(&e.text)))
            }
            (Kind::Group, _) => {
                return Err(self.unsupported_with(
                    stmt,
                    &format!("`errgroup.Group.{m}`"),
                    "weft models an errgroup's Go, Wait and SetLimit (TryGo is not modelled)",
                ));
            }
            (Kind::Testing, "Fatal" | "Fatalf" | "Error" | "Errorf" | "FailNow" | "Fail") => {
                // Its arguments are evaluated first (`t.Fatalf("%d", <-ch)`).
                self.shared_reads(args, stmt, em)?;
                let msg = args
                    .first()
                    .map(|a| self.text(*a).trim_matches('"').to_string())
                    .unwrap_or_else(|| format!("t.{m}"));
                leaf(
                    em,
                    format!("Assert(false, {})", q(&format!("t.{m}: {msg}"))),
                )
            }
            (Kind::Testing, "Log" | "Logf" | "Helper" | "Parallel" | "Skip" | "Skipf") => {
                self.shared_reads(args, stmt, em)?;
                self.note(stmt, format!("`t.{m}` has no synchronisation: left out"));
                Some(Ok(()))
            }
            (Kind::Testing, _) => {
                return Err(self.unsupported(stmt, &format!("`t.{m}`")));
            }
            _ => None,
        })
    }
}

/// Whether the function literal `lit` names its results (`func() (err
/// error)`).
fn has_named_results(lit: Node) -> bool {
    let Some(r) = lit
        .child_by_field_name("result")
        .filter(|r| r.kind() == "parameter_list")
    else {
        return false;
    };
    let mut c = r.walk();
    let named = r
        .named_children(&mut c)
        .any(|p| p.child_by_field_name("name").is_some());
    named
}
