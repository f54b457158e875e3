//! Go statements to scenario statements.

use tree_sitter::Node;

use crate::emit::{lit, q, Emitter};
use crate::expr::Ex;
use crate::scope::{Binding, Elem, Kind, Scope};
use crate::{scan, Fail, Importer};

impl Importer<'_> {
    /// Translates a function's body into `em`, in a fresh scope on top of
    /// the package's.
    pub fn function_body(&mut self, f: Node, globals: &Scope, em: &mut Emitter, entry: bool) {
        self.scope = globals.clone();
        self.scope.push();
        let sig = match self.sig(f) {
            Ok(s) => s,
            Err(d) => {
                self.diags.push(*d);
                return;
            }
        };
        for ((name, kind), holder) in sig.params.iter().zip(&sig.holders) {
            if entry && !matches!(kind, Kind::Testing | Kind::Untracked) {
                self.diags.push(*self.unsupported_with(
                    f.child_by_field_name("parameters").unwrap_or(f),
                    "an entry point with parameters",
                    "choose a `TestXxx(t *testing.T)`, `main`, or a function without parameters",
                ));
                return;
            }
            self.scope.declare(
                name,
                Binding {
                    holder: holder.clone(),
                    ron: name.clone(),
                    kind: *kind,
                    shared: false,
                },
            );
        }
        self.result = sig.result;
        self.result_pos = self.result_pos(f);
        // Results with an error: every followed one is returned
        // (`Return(["v", "err"])`).
        self.returns = if sig.several() && !entry {
            sig.tracked.clone()
        } else {
            Vec::new()
        };
        self.result_count = sig.results;
        self.current_func = Some(f.id());
        // A function an errgroup's Go runs: its error result is followed.
        let name = f
            .child_by_field_name("name")
            .map(|n| self.text(n).to_string())
            .unwrap_or_default();
        if self.error_funcs.contains(&name) {
            self.result = Some(Kind::Error);
        }
        self.in_main = entry;
        let Some(body) = f.child_by_field_name("body") else {
            return;
        };
        self.shared = scan::shared_locals(self.src, body, self.per_loop_vars);
        self.maybe_nil.clear();
        self.unimported.clear();
        self.named_results.clear();
        self.results_header = None;
        if !entry {
            if let Err(d) = self.named_results(f, body, em) {
                self.diags.push(*d);
                return;
            }
        }
        self.block(body, em);
    }

    /// Named results (`func f() (n int, err error)`). Those weft returns
    /// become the function's named results (`results: {"n": "int", ...}`,
    /// see `results_header`): locals at their zero values, which a bare
    /// `Return` returns and deferred calls may change before the caller
    /// reads them, as in Go. The others are untracked locals. When one it
    /// returns is shared (a goroutine uses it, or its address is
    /// taken), it is a `Var` holding its zero value instead, returned by
    /// value; a deferred call could then change it after weft's `Return`
    /// read it, so such a function with deferred calls is refused.
    pub(crate) fn named_results(
        &mut self,
        f: Node,
        body: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let Some(r) = f.child_by_field_name("result") else {
            return Ok(());
        };
        if r.kind() != "parameter_list" {
            return Ok(());
        }
        let mut named = Vec::new();
        let mut c = r.walk();
        for p in r.named_children(&mut c) {
            let Some(ty) = p.child_by_field_name("type") else {
                continue;
            };
            let tys = self.text(ty).to_string();
            let kind = if tys.trim() == "error" {
                Kind::Error
            } else {
                self.kind_of(&tys).unwrap_or(Kind::Untracked)
            };
            let mut c2 = p.walk();
            for n in p.children_by_field_name("name", &mut c2) {
                named.push((n, self.text(n).to_string(), kind, tys.clone()));
            }
        }
        if named.is_empty() {
            return Ok(());
        }
        let returned: Vec<usize> = if !self.returns.is_empty() {
            self.returns.iter().map(|(pos, _)| *pos).collect()
        } else {
            match (self.result_pos, self.result) {
                (Some(pos), Some(_)) => vec![pos],
                _ => Vec::new(),
            }
        };
        let mut header = Vec::new();
        for &pos in &returned {
            let Some((node, name, kind, tys)) = named.get(pos) else {
                continue;
            };
            let ty = match kind {
                Kind::Int => Some("int".to_string()),
                Kind::Bool => Some("bool".to_string()),
                Kind::Str => Some("string".to_string()),
                Kind::Error => Some("error".to_string()),
                Kind::Ptr => Some("*int".to_string()),
                Kind::Record { value: false, .. } => self.reference_type(*kind),
                _ => None,
            };
            let Some(ty) = ty else {
                return Err(self.unsupported_with(
                    *node,
                    &format!("a named result of type `{tys}`"),
                    "name results of integer, bool, string, error or pointer types, or leave them \
                     unnamed",
                ));
            };
            if name == "_" {
                return Err(self.unsupported_with(
                    *node,
                    "a result named `_`",
                    "name every result, or none",
                ));
            }
            // A result only deferred literals use is the function's own;
            // one another literal uses (a goroutine reading it races with
            // the `return` that writes it) or whose address is taken is a
            // shared variable.
            if scan::only_deferred_uses(self.src, body, name) {
                self.shared.remove(name);
            } else {
                self.shared.insert(name.clone());
            }
            header.push((name.clone(), ty));
        }
        let shared = header
            .iter()
            .find(|(n, _)| self.shared.contains(n))
            .cloned();
        for (_, name, kind, _) in &named {
            self.named_results.push((name.clone(), *kind));
        }
        match shared {
            None => {
                for (_, name, kind, _) in &named {
                    let returned = header.iter().any(|(n, _)| n == name);
                    if name != "_" {
                        self.declare(name, if returned { *kind } else { Kind::Untracked });
                    }
                }
                self.results_header = Some(header);
                Ok(())
            }
            Some((name, _)) => self.shared_named_results(body, &named, &header, &name, em),
        }
    }

    /// Named results when one weft returns is shared: `Var`s (or locals)
    /// at their zero values, returned by value; refused in a function with
    /// deferred calls (see `named_results`).
    fn shared_named_results(
        &mut self,
        body: Node,
        named: &[(Node, String, Kind, String)],
        header: &[(String, String)],
        shared: &str,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let mut stack = vec![body];
        while let Some(n) = stack.pop() {
            if n.kind() == "defer_statement" {
                return Err(self.unsupported_with(
                    n,
                    &format!(
                        "a deferred call in a function whose named result `{shared}` is shared \
                         (a goroutine uses it, or its address is taken)"
                    ),
                    "weft reads such a result when the function returns, before deferred \
                     calls could change it; return a local copy, or leave the result unnamed",
                ));
            }
            if n.kind() == "func_literal" {
                continue;
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        let at = self.span(named[0].0.parent().unwrap_or(named[0].0));
        for (_, name, kind, _) in named {
            let Some((_, ty)) = header.iter().find(|(n, _)| n == name) else {
                if name != "_" {
                    self.declare(name, Kind::Untracked);
                }
                continue;
            };
            let word = if self.shared.contains(name) {
                "Var"
            } else {
                "Let"
            };
            let text = match kind {
                Kind::Int => format!("{word}({}, 0)", q(name)),
                Kind::Bool => format!("{word}({}, false)", q(name)),
                Kind::Error => format!("{word}({}, \"nil\")", q(name)),
                _ => format!(
                    "{word}(name: {}, {}: \"nil\", type: {})",
                    q(name),
                    if word == "Var" { "init" } else { "value" },
                    q(ty)
                ),
            };
            em.leaf(&text, at);
            self.declare(name, *kind);
        }
        Ok(())
    }

    /// A bare `return` in a function with named results: their values.
    fn return_named(&mut self, ret: Node, em: &mut Emitter) -> Result<(), Fail> {
        let at = self.span(ret);
        if self.results_header.is_some() {
            // The function's named results are its result variables.
            em.leaf("Return", at);
            return Ok(());
        }
        let value = |im: &Self, pos: usize| -> Option<String> {
            let (name, _) = im.named_results.get(pos)?;
            let b = im.scope.get(name)?;
            (b.kind != Kind::Untracked).then(|| b.ron.clone())
        };
        let mut vals = Vec::new();
        if !self.returns.is_empty() {
            for (pos, kind) in self.returns.clone() {
                match value(self, pos) {
                    Some(v) => vals.push(v),
                    None if kind == Kind::Error => vals.push(self.choose_error(ret)),
                    None => {
                        self.gives_untracked(ret);
                        vals.push("0".to_string());
                    }
                }
            }
        } else if let (Some(pos), Some(_), false) = (self.result_pos, self.result, self.in_main) {
            match value(self, pos) {
                Some(v) => vals.push(v),
                None => self.gives_untracked(ret),
            }
        }
        let text = match vals.as_slice() {
            [] => "Return".to_string(),
            [one] => format!("Return({})", q(one)),
            all => format!(
                "Return([{}])",
                all.iter().map(|v| q(v)).collect::<Vec<_>>().join(", ")
            ),
        };
        em.leaf(&text, at);
        Ok(())
    }

    /// The statements of a block (or statement list), in a new scope.
    pub fn block(&mut self, n: Node, em: &mut Emitter) {
        self.scope.push();
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        for k in kids {
            if k.kind() == "statement_list" {
                let mut c2 = k.walk();
                let stmts: Vec<Node> = k.named_children(&mut c2).collect();
                for s in stmts {
                    self.stmt_or_record(s, em);
                }
            } else {
                self.stmt_or_record(k, em);
            }
        }
        self.scope.pop();
    }

    fn stmt_or_record(&mut self, s: Node, em: &mut Emitter) {
        if s.kind() == "comment" {
            return;
        }
        if let Err(d) = self.stmt(s, em, None) {
            if !self.names_unimported(s, d.span) {
                self.diags.push(*d);
            }
            self.unimported.extend(declared_names(self.src, s));
        }
    }

    /// Whether the error at `at`, in statement `s`, underlines a name an
    /// earlier failed statement of the function would have declared, and
    /// that nothing declared since (an error elsewhere, such as a called
    /// function's signature, is its own).
    fn names_unimported(&self, s: Node, at: weft_models::span::Span) -> bool {
        if self.unimported.is_empty() {
            return false;
        }
        let within = |n: Node| {
            let r = n.byte_range();
            r.start >= at.start as usize && r.end <= at.end as usize
        };
        let mut stack = vec![s];
        while let Some(k) = stack.pop() {
            if k.kind() == "identifier" && within(k) {
                let name = self.text(k);
                if self.unimported.contains(name) && self.scope.get(name).is_none() {
                    return true;
                }
            }
            let mut c = k.walk();
            stack.extend(k.named_children(&mut c));
        }
        false
    }

    /// The statements of the block in field `field` of `n`.
    fn field_block(&mut self, n: Node, field: &str, em: &mut Emitter) {
        if let Some(b) = n.child_by_field_name(field) {
            self.block(b, em);
        }
    }

    pub(crate) fn stmt(
        &mut self,
        n: Node,
        em: &mut Emitter,
        label: Option<&str>,
    ) -> Result<(), Fail> {
        self.depth_in(n)?;
        self.statements.push(self.span(n));
        let r = self.stmt_inner(n, em, label);
        self.statements.pop();
        match r {
            Ok(()) => em.flush(),
            // (The file fails to import: what it hoisted goes nowhere.)
            Err(_) => self.hoisted.borrow_mut().clear(),
        }
        self.depth -= 1;
        r
    }

    fn stmt_inner(&mut self, n: Node, em: &mut Emitter, label: Option<&str>) -> Result<(), Fail> {
        let at = self.span(n);
        match n.kind() {
            "expression_statement" => {
                let Some(e) = n.named_child(0) else {
                    return Ok(());
                };
                match e.kind() {
                    "call_expression" => self.call(e, &[], false, n, em),
                    "unary_expression" if self.is_recv(e) => self.recv(e, &[], false, n, em),
                    _ => Err(self.unsupported(n, "this expression statement")),
                }
            }
            "send_statement" => {
                let (Some(ch), Some(v)) = (
                    n.child_by_field_name("channel"),
                    n.child_by_field_name("value"),
                ) else {
                    return Err(self.unsupported(n, "send"));
                };
                let (c, v) = self.send_parts(ch, v)?;
                em.leaf(&format!("Send({c}, {v})"), at);
                Ok(())
            }
            "short_var_declaration" | "assignment_statement" => self.assign(n, em),
            "inc_statement" | "dec_statement" => {
                let Some(t) = n.named_child(0) else {
                    return Ok(());
                };
                let op = if n.kind() == "inc_statement" {
                    "+"
                } else {
                    "-"
                };
                if self.untracked_key_write(t, None, true, n, em)?
                    || self.untracked_field_write(t, None, true, n, em)?
                {
                    return Ok(());
                }
                let target = self.expr(t)?;
                if target.untracked {
                    self.note(
                        n,
                        format!("`{}` changes data weft does not track", self.text(n)),
                    );
                    // A shared local: read (by `expr` above), then written.
                    if t.kind() == "identifier" {
                        let name = self.text(t).to_string();
                        self.untracked_shared_write(&name, false, n, em);
                    }
                    return Ok(());
                }
                em.leaf(
                    &format!(
                        "Set({}, {})",
                        q(&target.text),
                        q(&format!("{} {op} 1", target.text))
                    ),
                    at,
                );
                Ok(())
            }
            "var_declaration" => self.var_decl(n, em, false),
            "const_declaration" => {
                let mut c = n.walk();
                let specs: Vec<Node> = n.named_children(&mut c).collect();
                for spec in specs {
                    self.value_spec(spec, em, false)?;
                }
                Ok(())
            }
            "go_statement" => self.go_stmt(n, em),
            "defer_statement" => self.defer_stmt(n, em),
            "if_statement" => self.if_stmt(n, em),
            "for_statement" => self.for_stmt(n, em, label),
            "expression_switch_statement" => self.switch_stmt(n, em, label),
            "select_statement" => self.select_stmt(n, em, label),
            "labeled_statement" => {
                let l = n
                    .child_by_field_name("label")
                    .map(|l| self.text(l).to_string())
                    .unwrap_or_default();
                let Some(inner) = n.named_child(1) else {
                    return Ok(());
                };
                match inner.kind() {
                    "for_statement" | "select_statement" | "expression_switch_statement" => {
                        self.stmt(inner, em, Some(&l))
                    }
                    _ => Err(self.unsupported(
                        n,
                        "a label on a statement that is not a loop, select or switch",
                    )),
                }
            }
            "return_statement" if n.named_child(0).is_none() && !self.named_results.is_empty() => {
                self.return_named(n, em)
            }
            "return_statement" => {
                let mut vals = Vec::new();
                if let Some(list) = n.named_child(0) {
                    let mut c = list.walk();
                    let items: Vec<Node> = if list.kind() == "expression_list" {
                        list.named_children(&mut c).collect()
                    } else {
                        vec![list]
                    };
                    self.note_nil_result(&items);
                    if !self.returns.is_empty() {
                        return self.return_with_error(&items, n, em);
                    }
                    if let Some(done) = self.untracked_result(&items, n, em)? {
                        return Ok(done);
                    }
                    for v in items {
                        if self.result == Some(Kind::Error) && !self.in_main {
                            let e = self.error_result(v, n, em)?;
                            vals.push(e);
                            continue;
                        }
                        let e = self.expr(v)?;
                        if !e.untracked && self.result.is_some() && !self.in_main {
                            let e = self.handed(v, e, "a result")?;
                            vals.push(e.text);
                        }
                    }
                }
                match (self.result, vals.first()) {
                    (Some(_), Some(v)) if !self.in_main => {
                        em.leaf(&format!("Return({})", q(v)), at)
                    }
                    _ => em.leaf("Return", at),
                }
                Ok(())
            }
            "break_statement" | "continue_statement" => {
                let word = if n.kind() == "break_statement" {
                    "Break"
                } else {
                    "Continue"
                };
                match n.named_child(0) {
                    Some(l) => em.leaf(&format!("{word}({})", q(self.text(l))), at),
                    None => em.leaf(word, at),
                }
                Ok(())
            }
            "block" => {
                em.open("If(\"true\", [", at);
                self.block(n, em);
                em.close("])");
                Ok(())
            }
            "empty_statement" => Ok(()),
            "type_switch_statement" => Err(self.unsupported(n, "a type switch")),
            "goto_statement" => Err(self.unsupported(n, "goto")),
            "fallthrough_statement" => Err(self.unsupported(n, "fallthrough")),
            other => Err(self.unsupported(n, &format!("a `{other}`"))),
        }
    }

    /// `return v, err` in a function whose results weft follows with an
    /// error among them ([`Importer::returns`]): every followed result is
    /// returned; an error weft cannot follow is nil or not, both explored
    /// (a noted choice); another result it cannot follow makes the
    /// callers take that result as untracked (translated again).
    fn return_with_error(
        &mut self,
        items: &[Node],
        ret: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(ret);
        if let ([call], true) = (items, self.result_count > 1) {
            // `return f(x)`: the call's results, into locals, returned.
            let temps: Vec<(String, Kind)> = self
                .returns
                .clone()
                .into_iter()
                .map(|(_, k)| (self.temp("ret", k), k))
                .collect();
            self.temp_results = Some(temps.clone());
            let r = self.call(*call, &[], false, ret, em);
            let left = self.temp_results.take();
            r?;
            if left.is_some() || call.kind() != "call_expression" {
                return Err(self.unsupported_with(
                    ret,
                    "returning the results of this call",
                    "name them first: `v, err := f(); return v, err`",
                ));
            }
            let all: Vec<String> = temps.iter().map(|(t, _)| q(t)).collect();
            let text = match all.as_slice() {
                [one] => one.clone(),
                _ => format!("[{}]", all.join(", ")),
            };
            em.leaf(&format!("Return({text})"), at);
            return Ok(());
        }
        if items.len() != self.result_count {
            return Err(self.unsupported_with(
                ret,
                "returning the results of a call of several results",
                "name them first: `v, err := f(); return v, err`",
            ));
        }
        let mut vals = Vec::new();
        for (pos, kind) in self.returns.clone() {
            let Some(&v) = items.get(pos) else {
                return Err(self.unsupported(ret, "this return"));
            };
            if kind == Kind::Error {
                vals.push(self.error_result(v, ret, em)?);
                continue;
            }
            let e = self.expr(v)?;
            if e.untracked {
                self.untracked_reads(v, ret, em)?;
                self.gives_untracked(v);
                vals.push("0".to_string());
                continue;
            }
            vals.push(self.handed(v, e, "a result")?.text);
        }
        // The values other than those returned are still evaluated.
        for (i, v) in items.iter().enumerate() {
            if !self.returns.iter().any(|(p, _)| *p == i) {
                self.untracked_reads(*v, ret, em)?;
            }
        }
        let text = match vals.as_slice() {
            [one] => q(one),
            all => format!(
                "[{}]",
                all.iter().map(|v| q(v)).collect::<Vec<_>>().join(", ")
            ),
        };
        em.leaf(&format!("Return({text})"), at);
        Ok(())
    }

    /// Notes that the current function returns untracked data `v` where
    /// its callers expect a result weft follows: they take it as
    /// untracked once translated again.
    fn gives_untracked(&mut self, v: Node) {
        if let Some(f) = self.current_func {
            self.gave_untracked.insert(f);
            self.note(
                v,
                format!(
                    "the result `{}` is data weft does not track: the function's callers take \
                     its result as untracked",
                    self.text(v)
                ),
            );
        }
    }

    /// `return ..., v, ...` (statement `ret`, its values `items`) where
    /// `v`, at the position of the result weft follows, is data it does
    /// not track: a bool result is either value (a choice, noted); a
    /// result of another kind is noted for the callers, which take it as
    /// untracked once translated again. `None` but for the bool.
    fn untracked_result(
        &mut self,
        items: &[Node],
        ret: Node,
        em: &mut Emitter,
    ) -> Result<Option<()>, Fail> {
        // A function whose callers take its result as untracked, found
        // by an earlier pass (`crate::import_one`).
        let taken_untracked = self
            .current_func
            .is_some_and(|f| self.untracked_results.contains(&f));
        let kind = match (self.result, taken_untracked) {
            (Some(Kind::Error), _) | (None, false) => return Ok(None),
            (Some(k), _) => Some(k),
            (None, true) => None,
        };
        let (Some(pos), false) = (self.result_pos, self.in_main) else {
            return Ok(None);
        };
        let Some(&v) = items.get(pos) else {
            return Ok(None);
        };
        // (Only to learn what `v` is: it is translated again below.)
        let mark = self.hoisted.borrow().len();
        let untracked = self.expr(v).map(|e| e.untracked);
        self.hoisted.borrow_mut().truncate(mark);
        if !untracked? {
            return Ok(None);
        }
        // A result of another kind than bool: the callers take it as
        // untracked (translated again).
        if kind != Some(Kind::Bool) {
            self.gives_untracked(v);
            return Ok(None);
        }
        for item in items {
            self.untracked_reads(*item, ret, em)?;
        }
        let at = self.span(ret);
        self.note_divergent(
            v,
            format!(
                "the result `{}` is data weft does not track: true and false are both returned",
                self.text(v)
            ),
        );
        em.leaf("Either([[Return(\"true\")], [Return(\"false\")]])", at);
        Ok(Some(()))
    }

    /// Whether `e` is `<-ch`.
    pub fn is_recv(&self, e: Node) -> bool {
        e.kind() == "unary_expression"
            && e.child_by_field_name("operator")
                .is_some_and(|o| self.text(o) == "<-")
    }

    /// The channel and value of a send, as RON.
    fn send_parts(&mut self, ch: Node, v: Node) -> Result<(String, String), Fail> {
        let c = self.chan(ch)?;
        let val = self.expr(v)?;
        let val = self.handed(v, val, "a value sent")?;
        let elem = match self.expr(ch)?.kind {
            Kind::Chan { elem } => elem,
            _ => Elem::Other,
        };
        let value = if val.untracked && elem == Elem::Error {
            q(&self.choose_error(v))
        } else if val.untracked && elem == Elem::Bool {
            // A bool weft does not follow: either value, a noted choice.
            let t = self.temp("sent", Kind::Bool);
            self.hoist(format!("Choose({}, [true, false])", q(&t)), v);
            self.note_divergent(
                v,
                format!(
                    "the bool `{}` sent is data weft does not track: true and false are both \
                     explored",
                    self.text(v)
                ),
            );
            q(&t)
        } else if val.untracked && elem != Elem::Other {
            // Sent as 0, the value would be a number the receiver follows
            // where Go receives the data. On an integer channel, the file
            // is translated again with every integer channel's values
            // untracked (this pass's error is then dropped).
            if elem == Elem::Int {
                self.gave_untracked_int_chan = true;
            }
            // So are string channels'.
            if elem == Elem::Str {
                self.gives_untracked_str_chan();
            }
            return Err(self.unsupported_with(
                v,
                &format!("sending untracked data on `{}`", self.text(ch)),
                &format!(
                    "weft follows what `{}` carries ({}); the value sent is data it cannot follow",
                    self.text(ch),
                    elem.kind().describe()
                ),
            ));
        } else if val.untracked || val.kind == Kind::Str && elem == Elem::Other {
            // (A string on a channel whose values are not followed, one
            // that carries built strings too: as those.)
            self.note(
                v,
                format!(
                    "the value `{}` sent is not tracked: 0 is sent",
                    self.text(v)
                ),
            );
            "0".to_string()
        } else {
            lit(&val.text)
        };
        Ok((q(&c), value))
    }

    /// A channel operand.
    pub fn chan(&mut self, ch: Node) -> Result<String, Fail> {
        let e = self.expr(ch)?;
        match e.kind {
            Kind::Chan { .. } if !e.untracked => Ok(e.text),
            _ => Err(self.unsupported_with(
                ch,
                &format!("the channel `{}`", self.text(ch)),
                "weft follows channels held by locals, parameters and package variables",
            )),
        }
    }

    /// `<-ch` as a statement or assigned to `targets`.
    pub fn recv(
        &mut self,
        e: Node,
        targets: &[Node],
        declare: bool,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let Some(ch) = e.child_by_field_name("operand") else {
            return Err(self.unsupported(e, "receive"));
        };
        let c = self.chan(ch)?;
        let elem = match self.expr(ch)?.kind {
            Kind::Chan { elem } => elem,
            _ => Elem::Other,
        };
        let vk = elem.kind();
        let mut fields = vec![format!("chan: {}", q(&c))];
        // A struct value received into a variable that holds one: into a
        // temporary, then copied in place (`crate::values`).
        let mut copy = None;
        let mut received = None;
        if let Some(t) = targets.first() {
            let held = match vk {
                Kind::Record { value: true, .. } if !declare => self
                    .scope
                    .get(self.text(*t))
                    .filter(|b| b.kind == vk)
                    .map(|b| b.ron.clone()),
                _ => None,
            };
            if let (Some(dst), Kind::Record { ty, .. }) = (held, vk) {
                let tmp = self.temp("received", vk);
                fields.push(format!("into: {}", q(&tmp)));
                received = Some(tmp.clone());
                copy = Some((dst, tmp, ty));
            } else if let Some(name) = self.target(*t, vk, declare, stmt)? {
                fields.push(format!("into: {}", q(&name)));
                received = Some(name);
            }
        }
        if let Some(t) = targets.get(1) {
            if let Some(name) = self.target(*t, Kind::Bool, declare, stmt)? {
                fields.push(format!("ok: {}", q(&name)));
            }
        }
        em.leaf(&format!("Recv({})", fields.join(", ")), self.span(stmt));
        if let Some(z) = received.and_then(|r| self.zero_if_closed(&r, vk)) {
            em.leaf(&z, self.span(stmt));
        }
        if let Some((dst, tmp, ty)) = copy {
            self.copy_into(&dst, &tmp, ty, stmt, em)?;
        }
        Ok(())
    }

    /// Where a result goes: the scenario name of the target, declared when
    /// `declare` (`:=`); `None` for `_` and for untracked data.
    pub fn target(
        &mut self,
        t: Node,
        kind: Kind,
        declare: bool,
        stmt: Node,
    ) -> Result<Option<String>, Fail> {
        let name = self.text(t).to_string();
        if name == "_" {
            return Ok(None);
        }
        if t.kind() != "identifier" {
            // A value weft follows landing in a map entry it does not (a
            // `map[int]string`'s): as untracked data.
            let untracked_entry = self.is_map_entry(t) && {
                let mark = self.hoisted.borrow().len();
                let e = self.expr(t);
                self.hoisted.borrow_mut().truncate(mark);
                e?.untracked
            };
            if (kind == Kind::Untracked || untracked_entry) && self.is_map_entry(t) {
                // Dropped, the write would leave the map without the
                // entry, or without the access (a race, a nil map).
                return Err(self.unsupported_with(
                    stmt,
                    &format!("storing data weft does not track in the map entry `{name}`"),
                    "weft keeps every write of a map; store it in a local first, then assign \
                     the local to the entry",
                ));
            }
            if kind == Kind::Untracked {
                // A field or an element weft follows keeps what it held
                // if the write were dropped: refused, as for a name below.
                let e = self.expr(t)?;
                if !e.untracked && e.kind == Kind::Error {
                    // An error: nil or not.
                    let c = self.choose_error(stmt);
                    self.hoist(format!("Set({}, {})", q(&e.text), q(&c)), stmt);
                    return Ok(None);
                }
                if !e.untracked && e.kind == Kind::Str {
                    if let Some(h) = self.str_field_holder(t)? {
                        self.gives_untracked_str(h);
                        return Ok(None);
                    }
                    if t.kind() == "index_expression" {
                        // An element of a slice or map of strings.
                        self.gives_untracked_str_elem();
                        return Ok(None);
                    }
                }
                if !e.untracked && e.kind != Kind::Untracked {
                    return Err(self.unsupported_with(
                        stmt,
                        &format!("assigning untracked data to `{name}`"),
                        &format!(
                            "weft follows `{name}` ({}); the value assigned is data it cannot \
                             follow",
                            e.kind.describe()
                        ),
                    ));
                }
                return Ok(None);
            }
            let e = self.expr(t)?;
            return Ok((!e.untracked).then_some(e.text));
        }
        let existing = self.scope.get(&name).cloned();
        if kind == Kind::Untracked {
            if declare || existing.is_none() {
                self.declare(&name, Kind::Untracked);
            }
            if let (Some(b), false) = (&existing, declare) {
                if b.kind == Kind::Error {
                    // An error: nil or not.
                    let c = self.choose_error(stmt);
                    self.hoist(format!("Set({}, {})", q(&b.ron), q(&c)), stmt);
                    return Ok(None);
                }
            }
            if let (Some(b), false) = (&existing, declare) {
                if let (Kind::Str, Some(h)) = (b.kind, &b.holder) {
                    // A string local given data weft does not track: it
                    // is untracked once translated again.
                    self.gives_untracked_str(h.clone());
                    return Ok(None);
                }
            }
            if let (Some(b), false) = (&existing, declare) {
                if b.kind != Kind::Untracked {
                    return Err(self.unsupported_with(
                        stmt,
                        &format!("assigning untracked data to `{name}`"),
                        &format!(
                            "weft follows this variable ({}); the value assigned is data it \
                             cannot follow",
                            b.kind.describe()
                        ),
                    ));
                }
            }
            return Ok(None);
        }
        if let (Some(b), false, Some(_)) = (&existing, declare, &self.renamed) {
            if !b.kind.is_value() && b.kind != Kind::Untracked {
                let base: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
                let tmp = self.temp(&format!("{base}_new"), kind);
                if let Some(r) = self.renamed.as_mut() {
                    r.push((name, tmp.clone()));
                }
                return Ok(Some(tmp));
            }
        }
        if declare || existing.is_none() {
            let holder = (kind == Kind::Str).then(|| crate::strings::local_holder(t));
            self.declare_holder(&name, kind, holder);
        }
        Ok(Some(name))
    }

    /// Checks that the variable `name` holding an object can be assigned
    /// another: a local of its own name, no alias bound to it, and not
    /// shared with a goroutine (which would need a shared variable).
    pub(crate) fn reassignable(&self, name: &str, kind: Kind, stmt: Node) -> Result<(), Fail> {
        let Some(b) = self.scope.get(name) else {
            return Err(self.unsupported(stmt, &format!("assigning to `{name}`")));
        };
        if b.kind != kind {
            return Err(self.unsupported(
                stmt,
                &format!(
                    "assigning {} to `{name}`, which holds {}",
                    kind.describe(),
                    b.kind.describe()
                ),
            ));
        }
        if b.ron != name || self.scope.aliased(name) {
            return Err(self.unsupported_with(
                stmt,
                &format!("assigning {} to `{name}`, which another name also denotes", kind.describe()),
                "weft binds `a := b` of an object as a second name for it; give the new object a new name",
            ));
        }
        // A variable declared as a `Var` (`var t *time.Timer` that a
        // closure shares) is written in place, which the closure reads.
        if self.shared.contains(name) && !b.shared {
            return Err(self.unsupported_with(
                stmt,
                &format!("assigning {} to `{name}`, which a function literal shares", kind.describe()),
                "shared variables holding objects are not imported yet; pass the object to the goroutine",
            ));
        }
        Ok(())
    }

    /// Declares a Go local of `kind` under its own name.
    pub fn declare(&mut self, name: &str, kind: Kind) {
        self.declare_holder(name, kind, None);
    }

    /// [`Self::declare`] a local that is the string holder `holder`
    /// ([`crate::strings`]).
    pub fn declare_holder(&mut self, name: &str, kind: Kind, holder: Option<String>) {
        let shared = kind.is_value() && self.shared.contains(name);
        self.scope.declare(
            name,
            Binding {
                holder,
                ron: name.to_string(),
                kind,
                shared,
            },
        );
    }

    /// `a, b := ...` and `a, b = ...` (and `x op= v`).
    fn assign(&mut self, n: Node, em: &mut Emitter) -> Result<(), Fail> {
        let at = self.span(n);
        let declare = n.kind() == "short_var_declaration";
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_else(|| if declare { ":=".into() } else { "=".into() });
        let (Some(l), Some(r)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return Err(self.unsupported(n, "assignment"));
        };
        let mut c = l.walk();
        let lefts: Vec<Node> = l.named_children(&mut c).collect();
        let mut c = r.walk();
        let rights: Vec<Node> = r.named_children(&mut c).collect();
        if rights.len() == 1 && !lefts.is_empty() && matches!(op.as_str(), ":=" | "=") {
            // `d := time.Duration(rand.Intn(2))`: the conversion's operand.
            let rv = self.unconvert(rights[0]).unwrap_or(rights[0]);
            if let ([l], true) = (lefts.as_slice(), self.is_append(rv)) {
                return self.append_assign(rv, *l, declare, n, em);
            }
            let index = {
                let mut e = rv;
                while e.kind() == "parenthesized_expression" {
                    match e.named_child(0) {
                        Some(inner) => e = inner,
                        None => break,
                    }
                }
                e
            };
            if lefts.len() == 2 && index.kind() == "index_expression" {
                return self.comma_ok(index, &lefts, declare, n, em);
            }
            if rv.kind() == "call_expression" && !self.is_value_call(rv) {
                if let [l] = lefts.as_slice() {
                    // `m[name] = f()`, `s.name = f()`: the call, then the
                    // map's or the field's write.
                    if self.untracked_key_of(*l)?.is_some() {
                        self.call(rv, &[], false, n, em)?;
                        self.untracked_key_write(*l, None, false, n, em)?;
                        return Ok(());
                    }
                    if self.untracked_field(*l)?.is_some() {
                        self.call(rv, &[], false, n, em)?;
                        self.untracked_field_write(*l, None, false, n, em)?;
                        return Ok(());
                    }
                    if self.is_cell_target(*l) {
                        return self.call_into_field(rv, *l, n, em);
                    }
                }
                if declare {
                    self.call(rv, &lefts, declare, n, em)?;
                    self.note_nil_target(rv, &lefts);
                    return Ok(());
                }
                // Objects assigned to existing variables: through temporaries.
                self.renamed = Some(Vec::new());
                let r = self.call(rv, &lefts, declare, n, em);
                let renamed = self.renamed.take().unwrap_or_default();
                r?;
                self.note_nil_target(rv, &lefts);
                for (name, tmp) in renamed {
                    let kind = self.scope.get(&tmp).map_or(Kind::Untracked, |b| b.kind);
                    // A struct value is written in place: whoever holds
                    // `&name` sees it.
                    if let (Kind::Record { ty, value: true }, Some(b)) =
                        (kind, self.scope.get(&name).cloned())
                    {
                        if b.kind == kind {
                            self.copy_into(&b.ron, &tmp, ty, n, em)?;
                            continue;
                        }
                    }
                    self.reassignable(&name, kind, n)?;
                    em.leaf(&format!("Set({}, {})", q(&name), q(&tmp)), at);
                }
                return Ok(());
            }
            if self.is_recv(rv) {
                return self.recv(rv, &lefts, declare, n, em);
            }
        }
        // `v, err := strconv.Atoi(s)`: results weft does not track (an
        // error among them is nil or not where it is needed).
        if let ([rv], true) = (rights.as_slice(), lefts.len() > 1) {
            if rv.kind() == "call_expression" {
                let mark = self.hoisted.borrow().len();
                let val = self.expr(*rv)?;
                if val.untracked {
                    self.untracked_reads(*rv, n, em)?;
                    for t in &lefts {
                        self.target(*t, Kind::Untracked, declare, n)?;
                    }
                    return Ok(());
                }
                self.hoisted.borrow_mut().truncate(mark);
            }
        }
        if lefts.len() != rights.len() {
            return Err(self.unsupported(n, "this multiple assignment"));
        }
        for (t, v) in lefts.iter().zip(rights.iter()) {
            let reads = !matches!(op.as_str(), "=" | ":=");
            if self.untracked_key_write(*t, Some(*v), reads, n, em)?
                || self.untracked_field_write(*t, Some(*v), reads, n, em)?
            {
                continue;
            }
            let name = self.text(*t).to_string();
            if declare
                && t.kind() == "identifier"
                && name != "_"
                && self.bind_new(&name, *v, n, em)?
            {
                continue;
            }
            if declare && t.kind() == "identifier" && v.kind() == "func_literal" {
                self.func_value(&name, *v, n, em)?;
                continue;
            }
            let notes = self.notes.len();
            let mut val = self.expr(*v)?;
            // `fmt.Errorf` reading shared data is untracked as an
            // expression; assigned, it is an error that is not nil once
            // its reads are kept.
            let errorf = val.untracked.then(|| self.errorf(*v)).flatten();
            if errorf.is_some() {
                self.notes.truncate(notes);
            }
            if name == "_" || val.untracked {
                // Shared reads inside data weft does not track stay.
                self.untracked_reads(*v, n, em)?;
            }
            if let Some(e) = errorf {
                val = Ex::value(e, Kind::Error);
            }
            if name == "_" {
                continue;
            }
            let value =
                if let Some(bin) = op.strip_suffix('=').filter(|o| !o.is_empty() && *o != ":") {
                    let cur = self.expr(*t)?;
                    if cur.kind == Kind::Str && !cur.untracked {
                        // `s += "x"` builds a string: `s` is untracked (an
                        // element: every string element).
                        if t.kind() == "index_expression" {
                            self.gives_untracked_str_elem();
                        } else {
                            self.target(*t, Kind::Untracked, false, n)?;
                        }
                        continue;
                    }
                    if cur.untracked || val.untracked {
                        self.note(
                            n,
                            format!("`{}` changes data weft does not track", self.text(n)),
                        );
                        // A shared local holding untracked data: read
                        // (by `expr` above), then written.
                        if t.kind() == "identifier" {
                            self.untracked_shared_write(&name, false, n, em);
                        }
                        continue;
                    }
                    Ex {
                        text: format!("{} {bin} {}", cur.text, val.text),
                        untracked: false,
                        kind: Kind::Int,
                    }
                } else {
                    val
                };
            let mut value = value;
            if value.kind == Kind::Str && self.str_lands_untracked(*t, declare) {
                value.untracked = true;
            }
            if value.untracked {
                self.note(*v, format!("`{name}` holds data weft does not track"));
                if t.kind() == "identifier" && self.untracked_shared_write(&name, declare, n, em) {
                    continue;
                }
                self.target(*t, Kind::Untracked, declare, n)?;
                if t.kind() == "identifier" {
                    if self.may_be_nil(*v) {
                        self.maybe_nil.insert(name);
                    } else {
                        self.maybe_nil.remove(&name);
                    }
                }
                continue;
            }
            if !value.kind.is_value() && value.kind != Kind::Untracked {
                // A struct value: a copy (`crate::values`), unless no one
                // else holds it (then the new name is the record's).
                if let Kind::Record { ty, value: true } = value.kind {
                    let what = format!("`{}`", self.text(n));
                    if declare && t.kind() == "identifier" {
                        if !self.fresh_value(*v) {
                            for text in self.copy_new(&name, &value.text, ty, *v, &what)? {
                                em.leaf(&text, at);
                            }
                            self.declare(&name, value.kind);
                            continue;
                        }
                    } else {
                        let target = self.expr(*t)?;
                        if target.untracked || target.kind != value.kind {
                            return Err(self.unsupported(n, &what));
                        }
                        self.copied_fields(*v, ty, &what)?;
                        self.copy_into(&target.text, &value.text, ty, n, em)?;
                        continue;
                    }
                }
                if let Kind::Slice { array: true, .. } = value.kind {
                    return Err(self.unsupported_with(
                        n,
                        "copying an array",
                        "weft does not model array copies; use a slice, which is shared",
                    ));
                }
                // An object read from a field or an element (`old :=
                // s.ch`): taken now, into a typed local; an alias of the
                // expression would read the field again at each use. So
                // is one read from a shared variable (another goroutine
                // may assign it before a use), and a slice (`batch := q`
                // keeps the slice `q` is now, which `q = q[:0]` or an
                // append then leaves: Go's slices are values).
                let snapshot = v.kind() != "identifier"
                    || matches!(value.kind, Kind::Slice { array: false, .. })
                    || self.scope.get(self.text(*v)).is_some_and(|b| b.shared);
                if declare && t.kind() == "identifier" && snapshot {
                    if let Some(ty) = self.reference_type(value.kind) {
                        em.leaf(
                            &format!(
                                "Let(name: {}, value: {}, type: {})",
                                q(&name),
                                q(&value.text),
                                q(&ty)
                            ),
                            at,
                        );
                        self.declare(&name, value.kind);
                        continue;
                    }
                }
                // An object bound to a new name: an alias.
                if declare && t.kind() == "identifier" {
                    self.scope.declare(
                        &name,
                        Binding {
                            holder: None,
                            ron: value.text.clone(),
                            kind: value.kind,
                            shared: false,
                        },
                    );
                    continue;
                }
                // A field, or a variable declared holding a reference:
                // a plain write of the reference.
                if t.kind() == "identifier" && !declare {
                    self.reassignable(&name, value.kind, n)?;
                    em.leaf(&format!("Set({}, {})", q(&name), q(&value.text)), at);
                    continue;
                }
                if matches!(t.kind(), "selector_expression" | "index_expression") {
                    let target = self.expr(*t)?;
                    if !target.untracked && target.kind == value.kind {
                        em.leaf(&format!("Set({}, {})", q(&target.text), q(&value.text)), at);
                        continue;
                    }
                }
                return Err(self.unsupported_with(
                    n,
                    &format!(
                        "assigning {} to an existing variable",
                        value.kind.describe()
                    ),
                    "weft assigns objects to plain names, record fields and slice elements",
                ));
            }
            let kind = match value.kind {
                Kind::Bool => Kind::Bool,
                // `err := ctx.Err()`: an error (`errors.Is` tests it).
                Kind::Error => Kind::Error,
                Kind::Str => Kind::Str,
                _ => Kind::Int,
            };
            if declare && t.kind() == "identifier" {
                let holder = (kind == Kind::Str).then(|| crate::strings::local_holder(*t));
                self.declare_holder(&name, kind, holder);
                let shared = self.scope.get(&name).is_some_and(|b| b.shared);
                let word = if shared { "Var" } else { "Let" };
                em.leaf(&format!("{word}({}, {})", q(&name), lit(&value.text)), at);
            } else {
                let mark = self.hoisted.borrow().len();
                let target = self.expr(*t)?;
                if target.untracked {
                    self.note(
                        n,
                        format!("`{}` changes data weft does not track", self.text(n)),
                    );
                    // A shared local is written, not read: its read, all
                    // that evaluating it hoisted, is not Go's; its write is
                    // (it was lost, and its races). (Through a pointer, what
                    // is hoisted, the dereference, stays.)
                    if t.kind() == "identifier" {
                        self.hoisted.borrow_mut().truncate(mark);
                        self.untracked_shared_write(&name, false, n, em);
                    }
                    continue;
                }
                em.leaf(
                    &format!("Set({}, {})", q(&target.text), lit(&value.text)),
                    at,
                );
            }
        }
        Ok(())
    }

    /// Whether `t` is a field of a record (`s.f`, `s.next.f`), an element
    /// of a slice or an entry of a map: a place a call's result is stored
    /// to through a temporary, not a name to declare.
    fn is_cell_target(&self, t: Node) -> bool {
        match t.kind() {
            "selector_expression" => t
                .child_by_field_name("operand")
                .and_then(|o| self.static_kind(o))
                .is_some_and(|k| matches!(k, Kind::Record { .. })),
            "index_expression" => t
                .child_by_field_name("operand")
                .and_then(|o| self.static_kind(o))
                .is_some_and(|k| matches!(k, Kind::Slice { .. } | Kind::Map { .. })),
            _ => false,
        }
    }

    /// `s.f = call(...)`: the call's result goes to a temporary (a
    /// declaration cannot name a field), then to the field.
    fn call_into_field(
        &mut self,
        call: Node,
        field: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let target = self.expr(field)?;
        let base: String = self
            .text(field)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        self.temps += 1;
        let tmp = format!("{base}_{}", self.temps);
        self.call_into_temp(call, &tmp, em)?;
        let kind = self.scope.get(&tmp).map_or(Kind::Untracked, |b| b.kind);
        if !target.untracked && kind == Kind::Untracked {
            // Dropped, the write would leave the field holding what it held.
            let name = self.text(field).to_string();
            return Err(self.unsupported_with(
                stmt,
                &format!("assigning untracked data to `{name}`"),
                &format!(
                    "weft follows `{name}` ({}); the call's result is data it cannot follow",
                    target.kind.describe()
                ),
            ));
        }
        if target.untracked {
            self.note(
                stmt,
                format!("`{}` changes data weft does not track", self.text(stmt)),
            );
            return Ok(());
        }
        em.leaf(
            &format!("Set({}, {})", q(&target.text), q(&tmp)),
            self.span(stmt),
        );
        Ok(())
    }

    /// Whether a call is one the expression language has (`len`, `ctx.Err()`...).
    fn is_value_call(&self, call: Node) -> bool {
        let f = call
            .child_by_field_name("function")
            .map(|f| self.text(f).to_string())
            .unwrap_or_default();
        if matches!(f.as_str(), "len" | "cap") {
            return true;
        }
        let operand = call
            .child_by_field_name("function")
            .filter(|f| f.kind() == "selector_expression")
            .and_then(|f| f.child_by_field_name("operand"));
        if let Some(o) = operand.filter(|o| o.kind() == "selector_expression") {
            return self.static_kind(o) == Some(Kind::Ctx) && f.ends_with(".Err");
        }
        if let Some((obj, m)) = f.split_once('.') {
            if let Some(b) = self.scope.get(obj) {
                return b.kind == Kind::Ctx && matches!(m, "Err");
            }
            return crate::expr::DATA_PACKAGES.contains(&obj);
        }
        false
    }

    /// `var ...` (in a function or, with `global`, at package level).
    pub fn var_decl(&mut self, n: Node, em: &mut Emitter, global: bool) -> Result<(), Fail> {
        let mut c = n.walk();
        let specs: Vec<Node> = n.named_children(&mut c).collect();
        for spec in specs {
            if spec.kind() == "var_spec_list" {
                let mut c2 = spec.walk();
                let inner: Vec<Node> = spec.named_children(&mut c2).collect();
                for s in inner {
                    self.value_spec(s, em, global)?;
                }
            } else if spec.kind() != "comment" {
                self.value_spec(spec, em, global)?;
            }
        }
        Ok(())
    }

    fn value_spec(&mut self, spec: Node, em: &mut Emitter, global: bool) -> Result<(), Fail> {
        let at = self.span(spec);
        let mut c = spec.walk();
        let names: Vec<Node> = spec.children_by_field_name("name", &mut c).collect();
        let ty = spec.child_by_field_name("type");
        let value = spec.child_by_field_name("value");
        let const_decl = spec.kind() == "const_spec";
        if let Some(v) = value {
            let mut c = v.walk();
            let vals: Vec<Node> = v.named_children(&mut c).collect();
            // `var errX = errors.New("text")`: a sentinel error, which weft
            // writes as its value (errors of one text are equal).
            if let ([name], [val]) = (names.as_slice(), vals.as_slice()) {
                if let Some(e) = self.errors_new(*val) {
                    let nm = self.text(*name).to_string();
                    self.scope.declare(
                        &nm,
                        Binding {
                            holder: None,
                            ron: e,
                            kind: Kind::Error,
                            shared: false,
                        },
                    );
                    return Ok(());
                }
            }
            if vals.len() == 1 && vals[0].kind() == "call_expression" && !const_decl {
                if global {
                    return self.global_call(vals[0], &names, spec, em);
                }
                self.call(vals[0], &names, true, spec, em)?;
                self.note_nil_target(vals[0], &names);
                return Ok(());
            }
            if vals.len() != names.len() {
                return Err(self.unsupported(spec, "this declaration"));
            }
            for (name, val) in names.iter().zip(vals.iter()) {
                let nm = self.text(*name).to_string();
                if !const_decl && self.bind_new(&nm, *val, spec, em)? {
                    continue;
                }
                let mut e = self.expr(*val)?;
                let holder = crate::strings::local_holder(*name);
                if e.kind == Kind::Str && self.held_kind(&holder, e.kind) == Kind::Untracked {
                    e.untracked = true;
                }
                if e.untracked || !e.kind.is_value() && e.kind != Kind::Untracked {
                    self.note(*val, format!("`{nm}` holds data weft does not track"));
                    if !global && self.untracked_shared_write(&nm, true, spec, em) {
                        continue;
                    }
                    self.declare(&nm, Kind::Untracked);
                    continue;
                }
                let kind = match e.kind {
                    Kind::Bool | Kind::Error | Kind::Str => e.kind,
                    _ => Kind::Int,
                };
                let holder = (kind == Kind::Str).then_some(holder);
                self.declare_holder(&nm, kind, holder.clone());
                let shared = global || self.scope.get(&nm).is_some_and(|b| b.shared);
                if global {
                    self.scope.declare(
                        &nm,
                        Binding {
                            holder,
                            ron: nm.clone(),
                            kind,
                            shared: true,
                        },
                    );
                }
                let word = if shared { "Var" } else { "Let" };
                em.leaf(&format!("{word}({}, {})", q(&nm), lit(&e.text)), at);
            }
            return Ok(());
        }
        let Some(ty) = ty else {
            return Err(self.unsupported(spec, "a declaration without type or value"));
        };
        let tys = self.text(ty).to_string();
        let Some(kind) = self.kind_of(&tys) else {
            return Err(self.unsupported_with(
                ty,
                &format!("a variable of type `{tys}`"),
                "weft tracks integers, booleans, channels, maps, sync objects, contexts, timers, \
                 the file's struct types, slices and arrays of those, and function values",
            ));
        };
        for name in names {
            let nm = self.text(name).to_string();
            let decl = match kind {
                Kind::Mutex => format!("Mutex({})", q(&nm)),
                Kind::RwMutex => format!("RWMutex({})", q(&nm)),
                Kind::WaitGroup => format!("WaitGroup({})", q(&nm)),
                Kind::Once => format!("Once({})", q(&nm)),
                Kind::Group => format!("Group({})", q(&nm)),
                Kind::Chan { .. } => format!("NilChan({})", q(&nm)),
                Kind::Int | Kind::AtomicInt => {
                    let shared = global || kind == Kind::AtomicInt || self.shared.contains(&nm);
                    format!("{}({}, 0)", if shared { "Var" } else { "Let" }, q(&nm))
                }
                Kind::Bool => {
                    let shared = global || self.shared.contains(&nm);
                    format!("{}({}, false)", if shared { "Var" } else { "Let" }, q(&nm))
                }
                Kind::Str => {
                    let shared = global || self.shared.contains(&nm);
                    format!("{}({}, \"``\")", if shared { "Var" } else { "Let" }, q(&nm))
                }
                Kind::AtomicBool => format!("Var({}, false)", q(&nm)),
                // `var err error`: nil.
                Kind::Error => {
                    let shared = global || self.shared.contains(&nm);
                    format!(
                        "{}({}, \"nil\")",
                        if shared { "Var" } else { "Let" },
                        q(&nm)
                    )
                }
                // `var f float64` that a closure assigns (or a package
                // variable): a `Var` holding nil, so its accesses race as
                // Go's do (declared as a local's, the race was lost).
                Kind::Untracked if global || self.shared.contains(&nm) => {
                    em.leaf(&format!("Var({}, \"nil\")", q(&nm)), at);
                    self.scope.declare(
                        &nm,
                        Binding {
                            holder: None,
                            ron: nm.clone(),
                            kind: Kind::Untracked,
                            shared: true,
                        },
                    );
                    continue;
                }
                Kind::Untracked => {
                    self.declare(&nm, Kind::Untracked);
                    continue;
                }
                // A package slice, or one a closure shares: a shared variable.
                Kind::Slice { .. } if self.shared_slice(&nm, kind, global) => {
                    let decl = self.shared_slice_decl(&nm, kind, None);
                    em.leaf(&decl, at);
                    continue;
                }
                // `var xs []T` in a function: nil, as in Go (`xs == nil`).
                Kind::Slice { array: false, .. } if !global => {
                    let t = self
                        .reference_type(kind)
                        .ok_or_else(|| self.unsupported(ty, &format!("the type `{tys}`")))?;
                    format!("Let(name: {}, value: \"nil\", type: {})", q(&nm), q(&t))
                }
                // `var a [n]T`, and a package's `var xs []T` (length 0).
                Kind::Slice { elem, array } => {
                    let len = if array {
                        match self.array_len(&tys) {
                            Some(l) => l,
                            None => return Err(self.unsupported_with(
                                ty,
                                &format!("the array length of `{tys}`"),
                                "weft reads array lengths written as integers or package constants",
                            )),
                        }
                    } else {
                        "0".to_string()
                    };
                    format!(
                        "Slice({}, {}, {})",
                        q(&nm),
                        q(&self.elem_type(elem)),
                        lit(&len)
                    )
                }
                // `var s T`: a record made in place, never copied (copies are refused).
                Kind::Record { ty, value: true } => {
                    format!("New({}, {})", q(&nm), q(self.struct_name(ty)))
                }
                // `var p *T`: nil until assigned.
                Kind::Record { ty, value: false } => {
                    let shared = global || self.shared.contains(&nm);
                    let t = q(&format!("*{}", self.struct_name(ty)));
                    if shared {
                        format!("Var(name: {}, type: {t})", q(&nm))
                    } else {
                        format!("Let(name: {}, value: \"nil\", type: {t})", q(&nm))
                    }
                }
                // `var m map[K]V`: nil until assigned (reads give the
                // zero value, a write panics, as in Go).
                Kind::Map {
                    tracked_keys,
                    str_keys,
                    value,
                } => {
                    let shared = global || self.shared.contains(&nm);
                    let t = q(&self.map_type(tracked_keys && !str_keys, value));
                    if shared {
                        format!("Var(name: {}, type: {t})", q(&nm))
                    } else {
                        format!("Let(name: {}, value: \"nil\", type: {t})", q(&nm))
                    }
                }
                // `var ctx context.Context`: nil until assigned.
                Kind::Ctx | Kind::Cancel => {
                    let shared = global || self.shared.contains(&nm);
                    let t = q(if kind == Kind::Ctx {
                        "context.Context"
                    } else {
                        "context.CancelFunc"
                    });
                    if shared {
                        format!("Var(name: {}, type: {t})", q(&nm))
                    } else {
                        format!("Let(name: {}, value: \"nil\", type: {t})", q(&nm))
                    }
                }
                // `var t *time.Timer`: nil until assigned (`t =
                // time.AfterFunc(...)`). A closure sharing it reads the
                // shared variable, as the re-arming callback does.
                Kind::Timer if tys.trim() == "*time.Timer" => {
                    let shared = global || self.shared.contains(&nm);
                    let t = q("*time.Timer");
                    if shared {
                        format!("Var(name: {}, type: {t})", q(&nm))
                    } else {
                        format!("Let(name: {}, value: \"nil\", type: {t})", q(&nm))
                    }
                }
                Kind::Cond
                | Kind::Func { .. }
                | Kind::Timer
                | Kind::StopFunc
                | Kind::Ticker
                | Kind::Ptr
                | Kind::Recovered
                | Kind::Testing => {
                    return Err(self.unsupported_with(
                        spec,
                        &format!("a zero {}", kind.describe()),
                        "declare it with the call that makes it",
                    ))
                }
            };
            self.declare(&nm, kind);
            // A timer variable declared as a `Var` is assigned with `Set`.
            let shared_timer = kind == Kind::Timer && (global || self.shared.contains(&nm));
            if global || kind.is_atomic() || shared_timer {
                if let Some(b) = self.scope.get(&nm).cloned() {
                    self.scope.declare(
                        &nm,
                        Binding {
                            shared: b.kind.is_value() || b.kind.is_atomic() || shared_timer,
                            ..b
                        },
                    );
                }
            }
            em.leaf(&decl, at);
        }
        Ok(())
    }

    /// A package variable made by a call: only declarations weft allows in
    /// `globals`.
    fn global_call(
        &mut self,
        call: Node,
        names: &[Node],
        spec: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let before = em.out.len();
        self.in_globals = true;
        let r = self.call(call, names, true, spec, em);
        self.in_globals = false;
        r?;
        let written = &em.out[before..];
        if written.contains("WithCancel(") || written.contains("WithTimeout(") {
            return Err(self.unsupported_with(
                spec,
                "a derived context in a package variable",
                "make it inside the function that uses it",
            ));
        }
        Ok(())
    }

    /// A condition: a weft expression, or `None` for untracked data.
    pub fn cond(&mut self, c: Node) -> Result<Option<String>, Fail> {
        let e = self.expr(c)?;
        if e.untracked {
            self.note_divergent(
                c,
                format!(
                    "the condition `{}` reads data weft does not track: both ways are explored",
                    self.text(c)
                ),
            );
            return Ok(None);
        }
        Ok(Some(e.text))
    }

    fn if_stmt(&mut self, n: Node, em: &mut Emitter) -> Result<(), Fail> {
        let at = self.span(n);
        self.scope.push();
        if let Some(init) = n.child_by_field_name("initializer") {
            self.stmt(init, em, None)?;
        }
        let Some(c) = n.child_by_field_name("condition") else {
            return Err(self.unsupported(n, "if"));
        };
        let cond = self.cond(c)?;
        let head = match &cond {
            Some(c) => format!("If({}, [", q(c)),
            None => "Either([[".to_string(),
        };
        em.open(&head, at);
        self.field_block(n, "consequence", em);
        let alt = n.child_by_field_name("alternative");
        let sep = "], [";
        if let Some(a) = alt {
            em.mid(sep);
            if a.kind() == "if_statement" {
                self.if_stmt(a, em)?;
            } else {
                self.block(a, em);
            }
        } else if cond.is_none() {
            em.mid(sep);
        }
        em.close(if cond.is_some() { "])" } else { "]])" });
        self.scope.pop();
        Ok(())
    }
}

/// The names statement `s` declares: the left side of `:=`, and the names
/// of a `var` declaration.
fn declared_names(src: &str, s: Node) -> Vec<String> {
    let text = |n: Node| src.get(n.byte_range()).unwrap_or("").to_string();
    let mut names = Vec::new();
    match s.kind() {
        "short_var_declaration" => {
            if let Some(l) = s.child_by_field_name("left") {
                let mut c = l.walk();
                names.extend(
                    l.named_children(&mut c)
                        .filter(|n| n.kind() == "identifier")
                        .map(text),
                );
            }
        }
        "var_declaration" => {
            // `var x = ...` and `var ( x = ...; y = ... )`.
            let mut specs = vec![s];
            while let Some(k) = specs.pop() {
                if k.kind() == "var_spec" {
                    let mut c = k.walk();
                    names.extend(k.children_by_field_name("name", &mut c).map(text));
                    continue;
                }
                let mut c = k.walk();
                specs.extend(k.named_children(&mut c));
            }
        }
        _ => {}
    }
    names
}
