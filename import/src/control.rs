//! Loops, switch, select, `go` and `defer`.

use tree_sitter::Node;

use weft_models::span::Span;

use crate::emit::{lit, q, Emitter};
use crate::scope::{Kind, SliceElem};
use crate::{Fail, Importer};

/// A `break` without label in `n` that leaves `n` itself (not inside a
/// nested loop, select, switch or function literal).
fn plain_break(n: Node) -> Option<Node> {
    let mut stack = vec![n];
    while let Some(k) = stack.pop() {
        if k.kind() == "break_statement" && k.named_child(0).is_none() {
            return Some(k);
        }
        if k != n
            && matches!(
                k.kind(),
                "for_statement"
                    | "select_statement"
                    | "expression_switch_statement"
                    | "type_switch_statement"
                    | "func_literal"
            )
        {
            continue;
        }
        let mut c = k.walk();
        stack.extend(k.named_children(&mut c));
    }
    None
}

/// The body of a `for` statement.
fn body_of(n: Node) -> Option<Node> {
    n.child_by_field_name("body")
}

/// Whether a `continue` occurs in `body` (outside function literals).
fn has_continue(body: Option<Node>) -> bool {
    let mut stack: Vec<Node> = body.into_iter().collect();
    while let Some(n) = stack.pop() {
        if n.kind() == "continue_statement" {
            return true;
        }
        if n.kind() == "func_literal" {
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// How a three-clause `for` is written: the loop's head, the statements
/// that start its body, the post statement that ends it, and whether the
/// head sits in a block of its own (opened before it, closed after).
struct ClauseHead<'t> {
    head: String,
    first: Vec<(String, Span)>,
    post: Option<Node<'t>>,
    scoped: bool,
}

fn label_field(label: Option<&str>) -> String {
    label
        .map(|l| format!("label: {}, ", q(l)))
        .unwrap_or_default()
}

impl Importer<'_> {
    pub(crate) fn for_stmt(
        &mut self,
        n: Node,
        em: &mut Emitter,
        label: Option<&str>,
    ) -> Result<(), Fail> {
        let at = self.span(n);
        let lf = label_field(label);
        let body = n.child_by_field_name("body");
        // (What the statements before left is written before the loop, not
        // taken for its condition's.)
        em.flush();
        self.scope.push();
        let mut c = n.walk();
        let clause = n
            .named_children(&mut c)
            .find(|k| matches!(k.kind(), "for_clause" | "range_clause"));
        let cond_only = n.named_children(&mut n.walk()).find(|k| {
            !matches!(
                k.kind(),
                "for_clause" | "range_clause" | "block" | "comment"
            )
        });
        let mut post = None;
        let mut scoped = false;
        let mut head_first = Vec::new();
        let head = match (clause, cond_only) {
            (Some(cl), _) if cl.kind() == "range_clause" => {
                let (h, first) = self.range_head(cl, &lf, em)?;
                head_first = first.into_iter().map(|f| (f, at)).collect();
                h
            }
            (Some(cl), _) => {
                let h = self.for_clause_head(cl, n, &lf, em)?;
                head_first = h.first;
                post = h.post;
                scoped = h.scoped;
                h.head
            }
            (None, Some(cond)) => match self.cond(cond)? {
                Some(c) => {
                    let (h, first) = self.while_head(&lf, &c, cond);
                    head_first = first;
                    h
                }
                None => {
                    em.open(&format!("Loop({lf}body: ["), at);
                    em.leaf("Either([[], [Break]])", self.span(cond));
                    if let Some(b) = body {
                        self.block(b, em);
                    }
                    em.close("])");
                    self.scope.pop();
                    return Ok(());
                }
            },
            (None, None) => format!("Loop({lf}body: ["),
        };
        em.open(&head, at);
        for (s, go) in head_first {
            em.leaf(&s, go);
        }
        if let Some(b) = body {
            self.block(b, em);
        }
        if let Some(p) = post {
            self.stmt(p, em, None)?;
        }
        em.close("])");
        if scoped {
            em.close("])");
        }
        self.scope.pop();
        Ok(())
    }

    /// The head of a loop on condition `c` (the text of `cond`), and the
    /// statements that start its body. `While(c)` when the condition
    /// needs nothing first; when it hoisted operations (a call, an atomic
    /// load, a receive), they must run at every iteration, as Go evaluates
    /// the condition: `Loop` starting with them and `If("!(c)", [Break])`.
    fn while_head(&mut self, lf: &str, c: &str, cond: Node) -> (String, Vec<(String, Span)>) {
        let hoisted: Vec<(String, Span)> = self.hoisted.borrow_mut().drain(..).collect();
        if hoisted.is_empty() {
            return (format!("While({lf}cond: {}, body: [", q(c)), Vec::new());
        }
        let mut first = hoisted;
        first.push((
            format!("If({}, [Break])", q(&format!("!({c})"))),
            self.span(cond),
        ));
        (format!("Loop({lf}body: ["), first)
    }

    /// `range []T{a, b}`: the literal made before the loop, into a
    /// temporary (`None` when `right` is no slice literal weft follows).
    fn range_literal(
        &mut self,
        right: Node,
        cl: Node,
        em: &mut Emitter,
    ) -> Result<Option<crate::expr::Ex>, Fail> {
        if right.kind() != "composite_literal" {
            return Ok(None);
        }
        self.temps += 1;
        let name = format!("range_over{}", self.temps);
        if !self.bind_slice_literal(&name, right, cl, em)? {
            return Ok(None);
        }
        let kind = self.scope.get(&name).map_or(Kind::Untracked, |b| b.kind);
        Ok(Some(crate::expr::Ex {
            text: name,
            untracked: false,
            kind,
        }))
    }

    /// The head of a range loop, and the statements that start its body
    /// (before Go 1.22, setting the loop's one variable a closure shares;
    /// that variable is declared before the loop, into `em`).
    fn range_head(
        &mut self,
        cl: Node,
        lf: &str,
        em: &mut Emitter,
    ) -> Result<(String, Vec<String>), Fail> {
        let Some(right) = cl.child_by_field_name("right") else {
            return Err(self.unsupported(cl, "range"));
        };
        let over = match self.range_literal(right, cl, em)? {
            Some(over) => over,
            None => self.expr(right)?,
        };
        let vars = self.range_vars(cl)?;
        if over.untracked {
            return Err(self.unsupported_with(
                right,
                &format!("range over `{}`", self.text(right)),
                "weft ranges over channels, maps, slices, arrays and integers",
            ));
        }
        let (vk, valk) = match over.kind {
            Kind::Chan { elem } => (elem.kind(), Kind::Untracked),
            Kind::Map {
                tracked_keys: true,
                str_keys,
                value,
            } => (if str_keys { Kind::Str } else { Kind::Int }, value.kind()),
            Kind::Map {
                tracked_keys: false,
                ..
            } => {
                return Err(self.unsupported_with(
                    right,
                    &format!(
                        "range over `{}`, a map whose keys weft does not track",
                        self.text(right)
                    ),
                    "weft keeps each access of a map with string (or other untracked) keys, but \
                     not its entries, so it cannot say how often the loop runs; use integer keys",
                ))
            }
            Kind::Slice { elem, .. } => (Kind::Int, elem.kind()),
            Kind::Int => (Kind::Int, Kind::Untracked),
            _ => {
                return Err(self.unsupported(right, &format!("range over {}", over.kind.describe())))
            }
        };
        let mut fields = vec![format!("chan: {}", lit(&over.text))];
        let mut first = Vec::new();
        // The local holding the loop's index, if any.
        let mut index: Option<String> = None;
        // The value variable that copies a struct value, if any.
        let mut copied: Option<String> = None;
        for (i, (field, k)) in [("var", vk), ("value", valk)].into_iter().enumerate() {
            let Some(v) = vars.get(i).filter(|v| *v != "_") else {
                continue;
            };
            // Before Go 1.22 a closure shares the loop's one variable: a
            // `Var` declared before the loop, set at each iteration.
            if self.per_loop_vars && self.shared.contains(v.as_str()) && k == Kind::Untracked {
                // Data weft does not track: a `Var` holding nil, written at
                // each iteration, so the closure's reads race with the
                // loop's writes as in Go.
                em.leaf(&format!("Var({}, \"nil\")", q(v)), self.span(cl));
                first.push(format!("Set({}, \"nil\")", q(v)));
                self.scope.declare(
                    v,
                    crate::scope::Binding {
                        holder: None,
                        ron: v.to_string(),
                        kind: Kind::Untracked,
                        shared: true,
                    },
                );
                continue;
            }
            if self.per_loop_vars && self.shared.contains(v.as_str()) {
                let zero =
                    match k {
                        Kind::Int => "0",
                        Kind::Bool => "false",
                        Kind::Str => "\"``\"",
                        _ => return Err(self.unsupported_with(
                            cl,
                            &format!(
                                "the loop variable `{v}` ({}), one for the whole loop before Go \
                                 1.22, shared with a closure",
                                k.describe()
                            ),
                            "weft's shared variables hold integers, booleans and strings here; \
                             copy it (`v := v`) or pass it to the closure",
                        )),
                    };
                em.leaf(&format!("Var({}, {zero})", q(v)), self.span(cl));
                let iter = format!("{v}_iter");
                if field == "var" {
                    index = Some(iter.clone());
                }
                fields.push(format!("{field}: {}", q(&iter)));
                first.push(format!("Set({}, {})", q(v), q(&iter)));
                self.declare(v, k);
                continue;
            }
            self.declare(v, k);
            // A struct value is copied from its element (below).
            if let (Kind::Record { value: true, .. }, "value") = (k, field) {
                copied = Some(v.clone());
                continue;
            }
            if k != Kind::Untracked {
                if field == "var" {
                    index = Some(v.clone());
                }
                fields.push(format!("{field}: {}", q(v)));
            }
        }
        // `for _, v := range xs` reads each element, also one whose value
        // weft does not follow: that read is kept (a race with a write of
        // the element), through the loop's index.
        let reads_elements = vars.get(1).is_some_and(|v| v != "_");
        if let (
            Kind::Slice {
                elem: SliceElem::Untracked(_),
                ..
            },
            true,
        ) = (over.kind, reads_elements)
        {
            let i = match index.clone() {
                Some(i) => i,
                None => {
                    let i = self.temp("range_index", Kind::Int);
                    fields.push(format!("var: {}", q(&i)));
                    index = Some(i.clone());
                    i
                }
            };
            let t = self.temp("read", Kind::Int);
            first.insert(
                0,
                format!("Let({}, {})", q(&t), q(&format!("{}[{i}]", over.text))),
            );
        }
        if let (Some(v), Kind::Record { ty, .. }) = (copied, valk) {
            let i = match index {
                Some(i) => i,
                None => {
                    let i = self.temp("range_index", Kind::Int);
                    fields.push(format!("var: {}", q(&i)));
                    i
                }
            };
            let copy = self.copy_new(&v, &format!("{}[{i}]", over.text), ty, cl, "a range")?;
            first.splice(0..0, copy);
        }
        Ok((format!("Range({lf}{}, body: [", fields.join(", ")), first))
    }

    /// The names a range clause declares (`i`, `v`, `_`), in order; a
    /// clause assigning existing variables (`=`) is refused.
    fn range_vars(&self, cl: Node) -> Result<Vec<String>, Fail> {
        let Some(l) = cl.child_by_field_name("left") else {
            return Ok(Vec::new());
        };
        let mut c = l.walk();
        let vars: Vec<String> = l
            .named_children(&mut c)
            .map(|v| self.text(v).to_string())
            .collect();
        let assigns = crate::scan::has_token(cl, "=");
        if assigns && vars.iter().any(|v| v != "_") {
            return Err(self.unsupported_with(
                cl,
                "a range loop assigning existing variables (`=`)",
                "declare the loop's variables with `:=`",
            ));
        }
        Ok(vars)
    }

    /// `for i := a; i < b; i++` as `For`; other three-clause loops as
    /// their init, then `While(cond, [body..., post])` when the body has no
    /// `continue` (which would skip the post statement), or the `Loop` of
    /// [`Importer::while_head`] when the condition hoists operations. The init is
    /// scoped to the loop, as in Go: it and the loop are wrapped in an
    /// inner block (`If("true", [...])`, as a Go block is), and the third
    /// value says the caller closes it after the loop.
    fn for_clause_head<'t>(
        &mut self,
        cl: Node<'t>,
        n: Node<'t>,
        lf: &str,
        em: &mut Emitter,
    ) -> Result<ClauseHead<'t>, Fail> {
        let init = cl.child_by_field_name("initializer");
        let cond = cl.child_by_field_name("condition");
        let update = cl.child_by_field_name("update");
        if let (Some(i), Some(c), Some(u)) = (init, cond, update) {
            let ivar = i
                .child_by_field_name("left")
                .and_then(|l| l.named_child(0))
                .map(|v| self.text(v).to_string());
            let from = i
                .child_by_field_name("right")
                .and_then(|r| r.named_child(0));
            let cop = c
                .child_by_field_name("operator")
                .map(|o| self.text(o).to_string());
            let cl_var = c
                .child_by_field_name("left")
                .map(|v| self.text(v).to_string());
            let to = c.child_by_field_name("right");
            let inc = u.kind() == "inc_statement"
                && u.named_child(0).map(|v| self.text(v).to_string()) == ivar;
            if let (Some(v), Some(from), Some(op), Some(to)) = (&ivar, from, &cop, to) {
                if i.kind() == "short_var_declaration"
                    && inc
                    && cl_var.as_deref() == Some(v)
                    && (op == "<" || op == "<=")
                    && !self.shared.contains(v)
                {
                    let f = self.expr(from)?;
                    let t = self.expr(to)?;
                    if !f.untracked && !t.untracked {
                        let t = if op == "<=" {
                            format!("{} + 1", t.text)
                        } else {
                            t.text
                        };
                        self.declare(v, Kind::Int);
                        return Ok(ClauseHead {
                            head: format!(
                                "For({lf}var: {}, from: {}, to: {}, body: [",
                                q(v),
                                lit(&f.text),
                                lit(&t)
                            ),
                            first: Vec::new(),
                            post: None,
                            scoped: false,
                        });
                    }
                }
            }
        }
        // The general form: init; While(cond, [body..., post]).
        if has_continue(body_of(n)) {
            return Err(self.unsupported_with(
                n,
                "a three-clause for loop with `continue`",
                "weft's `For` counts `for i := a; i < b; i++`; in other loops `continue` would \
                 skip the post statement: write the loop as `for cond { ... }`",
            ));
        }
        if let Some(i) = init {
            em.open("If(\"true\", [", self.span(n));
            self.stmt(i, em, None)?;
        }
        em.flush();
        let (head, first) = match cond {
            Some(c) => match self.cond(c)? {
                Some(text) => self.while_head(lf, &text, c),
                None => {
                    return Err(self.unsupported(c, "a loop condition on data weft does not track"))
                }
            },
            None => (format!("Loop({lf}body: ["), Vec::new()),
        };
        Ok(ClauseHead {
            head,
            first,
            post: update,
            scoped: init.is_some(),
        })
    }

    pub(crate) fn switch_stmt(
        &mut self,
        n: Node,
        em: &mut Emitter,
        label: Option<&str>,
    ) -> Result<(), Fail> {
        let at = self.span(n);
        self.scope.push();
        if let Some(init) = n.child_by_field_name("initializer") {
            self.stmt(init, em, None)?;
        }
        let tag = match n.child_by_field_name("value") {
            Some(v) => {
                let e = self.expr(v)?;
                if e.untracked {
                    self.note_divergent(v, format!("the switch on `{}` reads data weft does not track: every case is explored", self.text(v)));
                    None
                } else {
                    Some(Some(e.text))
                }
            }
            None => Some(None),
        };
        let mut c = n.walk();
        let cases: Vec<Node> = n
            .named_children(&mut c)
            .filter(|k| matches!(k.kind(), "expression_case" | "default_case"))
            .collect();
        let Some(tag) = tag else {
            // Untracked tag: each case (and default, or nothing) in turn.
            // A `break` would leave the switch in Go and the loop around
            // it in an `Either`.
            if let Some(b) = cases.iter().find_map(|k| plain_break(*k)) {
                return Err(self.unsupported_with(
                    b,
                    "`break` in a switch on data weft does not track",
                    "the switch becomes a choice of its cases, where `break` would leave the loop \
                     around it: restructure the case without `break`",
                ));
            }
            em.open("Either([", at);
            let has_default = cases.iter().any(|k| k.kind() == "default_case");
            for k in &cases {
                em.open("[", self.span(*k));
                self.case_body(*k, em);
                em.close("]");
            }
            if !has_default {
                em.leaf("[]", at);
            }
            em.close("])");
            self.scope.pop();
            return Ok(());
        };
        let lf = label_field(label);
        let tagf = tag
            .map(|t| format!("tag: {}, ", lit(&t)))
            .unwrap_or_default();
        em.open(&format!("Switch({lf}{tagf}cases: ["), at);
        for k in cases {
            if k.kind() == "default_case" {
                em.open("Default([", self.span(k));
            } else {
                let mut vals = Vec::new();
                if let Some(v) = k.child_by_field_name("value") {
                    let mut c = v.walk();
                    let items: Vec<Node> = v.named_children(&mut c).collect();
                    for item in items {
                        let e = self.expr(item)?;
                        if e.untracked {
                            return Err(
                                self.unsupported(item, "a case on data weft does not track")
                            );
                        }
                        vals.push(lit(&e.text));
                    }
                }
                em.open(&format!("Case([{}], [", vals.join(", ")), self.span(k));
            }
            self.case_body(k, em);
            em.close("])");
        }
        em.close("])");
        self.scope.pop();
        Ok(())
    }

    /// The statements of a case clause (after its values), in a new scope.
    fn case_body(&mut self, k: Node, em: &mut Emitter) {
        self.scope.push();
        let mut c = k.walk();
        let kids: Vec<Node> = k.named_children(&mut c).collect();
        for s in kids {
            if s.kind() == "statement_list" {
                self.block(s, em);
            }
        }
        self.scope.pop();
    }

    pub(crate) fn select_stmt(
        &mut self,
        n: Node,
        em: &mut Emitter,
        label: Option<&str>,
    ) -> Result<(), Fail> {
        let at = self.span(n);
        let lf = label_field(label);
        let head = if lf.is_empty() {
            "Select([".to_string()
        } else {
            format!("Select({lf}cases: [")
        };
        let mut c = n.walk();
        let cases: Vec<Node> = n.named_children(&mut c).collect();
        // Go evaluates every send case's value on entering the select: what
        // one needs first (a struct literal's `New`, a call) goes before
        // it, not among its cases.
        let mut sent = Vec::new();
        for k in &cases {
            let v = k
                .child_by_field_name("communication")
                .filter(|comm| comm.kind() == "send_statement")
                .and_then(|comm| comm.child_by_field_name("value"));
            if let Some(v) = v {
                let e = self.expr(v)?;
                let e = self.handed(v, e, "a value sent")?;
                self.evaluated.insert(v.id(), e);
                sent.push(v.id());
            }
        }
        let r = self.select_cases(&cases, &head, at, em);
        for id in sent {
            self.evaluated.remove(&id);
        }
        r
    }

    /// The cases of a select (`head` opens it).
    fn select_cases(
        &mut self,
        cases: &[Node],
        head: &str,
        at: Span,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        em.open(head, at);
        for &k in cases {
            let kat = self.span(k);
            self.scope.push();
            match k.kind() {
                "default_case" => em.open("Default([", kat),
                "communication_case" => {
                    let Some(comm) = k.child_by_field_name("communication") else {
                        return Err(self.unsupported(k, "select case"));
                    };
                    let (head, zero) = self.select_case(comm)?;
                    em.open(&head, kat);
                    if let Some(z) = zero {
                        em.leaf(&z, kat);
                    }
                }
                "comment" => {
                    self.scope.pop();
                    continue;
                }
                _ => return Err(self.unsupported(k, "select case")),
            }
            self.case_body(k, em);
            em.close("])");
            self.scope.pop();
        }
        em.close("])");
        Ok(())
    }

    /// A select case's head, and what its body starts with (the zero value
    /// of a struct received from a closed channel).
    fn select_case(&mut self, comm: Node) -> Result<(String, Option<String>), Fail> {
        match comm.kind() {
            "send_statement" => {
                let (Some(ch), Some(v)) = (
                    comm.child_by_field_name("channel"),
                    comm.child_by_field_name("value"),
                ) else {
                    return Err(self.unsupported(comm, "send case"));
                };
                let c = self.chan(ch)?;
                // (Evaluated by `select_stmt`.)
                let val = self.expr(v)?;
                let value = if val.untracked {
                    "0".to_string()
                } else {
                    lit(&val.text)
                };
                Ok((
                    format!("Send(chan: {}, value: {value}, body: [", q(&c)),
                    None,
                ))
            }
            "receive_statement" | "expression_statement" | "unary_expression" => {
                let (right, left) = if comm.kind() == "receive_statement" {
                    (
                        comm.child_by_field_name("right"),
                        comm.child_by_field_name("left"),
                    )
                } else if comm.kind() == "expression_statement" {
                    (comm.named_child(0), None)
                } else {
                    (Some(comm), None)
                };
                let Some(right) = right.filter(|r| self.is_recv(*r)) else {
                    return Err(self.unsupported(comm, "select case"));
                };
                let Some(ch) = right.child_by_field_name("operand") else {
                    return Err(self.unsupported(comm, "select case"));
                };
                // `case <-time.After(d):`
                if ch.kind() == "call_expression"
                    && ch
                        .child_by_field_name("function")
                        .is_some_and(|f| self.text(f) == "time.After")
                {
                    let d = self.duration(&self.args(ch));
                    return Ok((format!("After(duration: {d}, body: ["), None));
                }
                let c = self.chan(ch)?;
                let elem = match self.expr(ch)?.kind {
                    Kind::Chan { elem } => elem,
                    _ => crate::scope::Elem::Other,
                };
                let vk = elem.kind();
                let declare = !crate::scan::has_token(comm, "=");
                let mut fields = vec![format!("chan: {}", q(&c))];
                let mut zero = None;
                if let Some(l) = left {
                    let mut cc = l.walk();
                    let ts: Vec<Node> = l.named_children(&mut cc).collect();
                    if let Some(t) = ts.first() {
                        if let (Kind::Record { value: true, .. }, false) = (vk, declare) {
                            if self.text(*t) != "_" {
                                return Err(self.unsupported_with(
                                    comm,
                                    "a struct value received into an existing variable in a select case",
                                    "declare a new one: `case r := <-ch:`",
                                ));
                            }
                        }
                        if let Some(nm) = self.target(*t, vk, declare, comm)? {
                            zero = self.zero_if_closed(&nm, vk);
                            fields.push(format!("into: {}", q(&nm)));
                        }
                    }
                    if let Some(t) = ts.get(1) {
                        if let Some(nm) = self.target(*t, Kind::Bool, declare, comm)? {
                            fields.push(format!("ok: {}", q(&nm)));
                        }
                    }
                }
                Ok((format!("Recv({}, body: [", fields.join(", ")), zero))
            }
            _ => Err(self.unsupported(comm, "select case")),
        }
    }

    /// A duration argument: weft's time is abstract, so any positive
    /// duration is 1; a literal zero or negative one is kept.
    pub(crate) fn duration(&self, args: &[Node]) -> String {
        let Some(a) = args.first() else {
            return "1".into();
        };
        let t = self.text(*a).trim().to_string();
        match t.parse::<i64>() {
            Ok(v) if v <= 0 => v.to_string(),
            _ => "1".into(),
        }
    }

    pub(crate) fn go_stmt(&mut self, n: Node, em: &mut Emitter) -> Result<(), Fail> {
        let at = self.span(n);
        let Some(call) = n.named_child(0).filter(|c| c.kind() == "call_expression") else {
            return Err(self.unsupported(n, "this go statement"));
        };
        let Some(f) = call.child_by_field_name("function") else {
            return Err(self.unsupported(n, "go"));
        };
        let args = self.args(call);
        if f.kind() == "func_literal" {
            return self.closure("Go(body: [", f, &args, n, em);
        }
        let name = self.text(f).to_string();
        let method = self.method_key(f);
        let name = method.clone().unwrap_or(name);
        if self.pkg.funcs.contains_key(&name)
            && (self.scope.get(&name).is_none() || method.is_some())
        {
            let a = self.call_args(&name, &args, call)?;
            self.wanted.push(name.clone());
            em.leaf(
                &format!("Go(func: {}, args: [{}])", q(&name), a.join(", ")),
                at,
            );
            return Ok(());
        }
        if let Some(b) = self
            .scope
            .get(&name)
            .cloned()
            .filter(|b| matches!(b.kind, Kind::Func { .. }))
        {
            let a = self.value_call_args(&args)?;
            em.leaf(
                &format!("Go(func: {}, args: [{}])", q(&b.ron), a.join(", ")),
                at,
            );
            return Ok(());
        }
        // `go obj.method()` and the like: run the call in a goroutine.
        em.open("Go(body: [", at);
        let r = self.call(call, &[], false, n, em);
        em.close("])");
        r
    }

    /// A function literal called with `args`: its parameters are bound to
    /// the arguments (objects by name, values with `Let`), then its body.
    pub(crate) fn closure(
        &mut self,
        head: &str,
        lit: Node,
        args: &[Node],
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(stmt);
        let sig = self.sig(lit)?;
        if sig.params.len() != args.len() {
            return Err(self.unsupported(stmt, "a call with a different number of arguments"));
        }
        // The caller evaluates the arguments (before the goroutine starts,
        // for `go`): the reads they hoist go before the block.
        let mut values = Vec::new();
        for a in args {
            let e = self.expr(*a)?;
            values.push(self.handed(*a, e, "an argument")?);
        }
        // A value read from shared memory (a shared variable, a field, an
        // element) is read by the caller too, into a temporary the block
        // copies: read in the block, a goroutine's argument would race
        // where Go's does not.
        for ((p, k), (a, e)) in sig.params.iter().zip(args.iter().zip(values.iter_mut())) {
            // An object reached through a field or an element (`s.ch`):
            // taken by the caller too, as Go does, into a typed temporary;
            // bound by name, the block would read the field where it uses
            // the parameter, after the caller may have changed it.
            if !k.is_value() && !e.untracked && a.kind() != "identifier" {
                if let Some(ty) = self.reference_type(e.kind) {
                    let t = self.temp(&format!("{p}_arg"), e.kind);
                    em.leaf(
                        &format!(
                            "Let(name: {}, value: {}, type: {})",
                            q(&t),
                            q(&e.text),
                            q(&ty)
                        ),
                        self.span(*a),
                    );
                    e.text = t;
                }
                continue;
            }
            if k.is_value() && !e.untracked && !self.private_value(*a) {
                let t = self.temp(&format!("{p}_arg"), *k);
                em.leaf(
                    &format!("Let({}, {})", q(&t), crate::emit::lit(&e.text)),
                    self.span(*a),
                );
                e.text = t;
            }
        }
        let saved_main = self.in_main;
        let saved_result = self.result;
        let saved_returns = std::mem::take(&mut self.returns);
        let saved_named = std::mem::take(&mut self.named_results);
        self.in_main = false;
        self.result = None;
        self.scope.push();
        em.open(head, at);
        let params = sig.params.iter().zip(&sig.holders);
        for ((((p, k), holder), a), e) in params.zip(args.iter()).zip(values) {
            if *k == Kind::Untracked || e.untracked {
                self.declare(p, Kind::Untracked);
                continue;
            }
            if !k.is_value() {
                self.scope.declare(
                    p,
                    crate::scope::Binding {
                        holder: None,
                        ron: e.text.clone(),
                        kind: e.kind,
                        shared: false,
                    },
                );
                continue;
            }
            self.declare_holder(p, *k, holder.clone());
            if e.text != *p {
                em.leaf(
                    &format!("Let({}, {})", q(p), crate::emit::lit(&e.text)),
                    self.span(*a),
                );
            }
        }
        if let Some(b) = lit.child_by_field_name("body") {
            self.block(b, em);
        }
        em.close("])");
        self.scope.pop();
        self.in_main = saved_main;
        self.result = saved_result;
        self.returns = saved_returns;
        self.named_results = saved_named;
        Ok(())
    }

    /// Whether evaluating `n` reads no shared memory and nothing assigned
    /// later: literals, constants, and locals that are neither shared
    /// variables nor assigned anywhere, under arithmetic and comparison.
    fn private_value(&self, n: Node) -> bool {
        let mut stack = vec![n];
        while let Some(k) = stack.pop() {
            match k.kind() {
                "identifier" => {
                    let name = self.text(k);
                    let private = match self.scope.get(name) {
                        // (A local assigned anywhere may be assigned
                        // after the goroutine starts: weft's block would
                        // read it as the block starts, Go's call reads it
                        // before.)
                        Some(b) => !b.shared && !self.pkg.assigned.contains(name),
                        None => self.pkg.consts.contains_key(name),
                    };
                    if !private {
                        return false;
                    }
                }
                "unary_expression"
                    if k.child_by_field_name("operator")
                        .is_some_and(|o| matches!(self.text(o), "-" | "!" | "^" | "+")) => {}
                "int_literal"
                | "true"
                | "false"
                | "binary_expression"
                | "parenthesized_expression" => {}
                _ => return false,
            }
            let mut c = k.walk();
            stack.extend(k.named_children(&mut c));
        }
        true
    }

    /// `f := func(x int) { ... }`: a closure, `Func("f", ["x"], [...])`.
    /// Its parameters must all be tracked (a call through `f` passes every
    /// argument); it may return one tracked value.
    pub(crate) fn func_value(
        &mut self,
        name: &str,
        lit: Node,
        stmt: Node,
        em: &mut Emitter,
    ) -> Result<(), Fail> {
        let at = self.span(stmt);
        let sig = self.sig(lit)?;
        if let Some((p, _)) = sig.params.iter().find(|(_, k)| *k == Kind::Untracked) {
            return Err(self.unsupported_with(
                lit,
                &format!("a function value whose parameter `{p}` is data weft does not track"),
                "weft's function values take integers, booleans and objects",
            ));
        }
        // Declared first: the literal may call itself through its name.
        let ret = crate::scope::Elem::of(sig.value_result());
        self.declare(name, Kind::Func { ret });
        let saved = (
            self.in_main,
            self.result,
            self.result_pos,
            self.current_func,
            std::mem::take(&mut self.returns),
            std::mem::take(&mut self.named_results),
            self.results_header.take(),
            self.shared.clone(),
        );
        self.in_main = false;
        // A literal returns one value: its error when that is its result.
        self.result = sig.value_result().or(sig.result);
        self.result_pos = self.result_pos(lit);
        // (Its returns are no function's of the file.)
        self.current_func = None;
        self.scope.push();
        // weft types a closure's parameters by their use, not by its call
        // sites: a parameter holding a record (or a channel of records)
        // comes in as `p_arg` and is typed by a `Let` named as in Go.
        let typed = |k: Kind| match k {
            Kind::Record { ty, .. } => Some(format!("*{}", self.struct_name(ty))),
            Kind::Chan {
                elem: crate::scope::Elem::Record(ty) | crate::scope::Elem::Value(ty),
            } => Some(format!("chan *{}", self.struct_name(ty))),
            _ => None,
        };
        let lets: Vec<(String, String)> = sig
            .params
            .iter()
            .filter_map(|(p, k)| typed(*k).map(|t| (p.clone(), t)))
            .collect();
        let ps: Vec<String> = sig
            .params
            .iter()
            .map(|(p, k)| match typed(*k) {
                Some(_) => q(&format!("{p}_arg")),
                None => q(p),
            })
            .collect();
        // The body is written first: its named results (declared by the
        // body's translation) go into the opening line.
        em.flush();
        let mut inner = em.nested();
        for (p, t) in lets {
            inner.leaf(
                &format!(
                    "Let(name: {}, value: {}, type: {})",
                    q(&p),
                    q(&format!("{p}_arg")),
                    q(&t)
                ),
                at,
            );
        }
        for ((p, k), holder) in sig.params.iter().zip(&sig.holders) {
            self.declare_holder(p, *k, holder.clone());
        }
        let translated = match lit.child_by_field_name("body") {
            Some(b) => self.named_results(lit, b, &mut inner).map(|()| {
                self.block(b, &mut inner);
            }),
            None => Ok(()),
        };
        let results = self.results_header.take().unwrap_or_default();
        self.scope.pop();
        (
            self.in_main,
            self.result,
            self.result_pos,
            self.current_func,
            self.returns,
            self.named_results,
            self.results_header,
            self.shared,
        ) = saved;
        translated?;
        let results = crate::emit::results_field(&results);
        em.open(
            &format!(
                "Func(name: {}, params: [{}]{results}, body: [",
                q(name),
                ps.join(", ")
            ),
            at,
        );
        em.append(inner);
        em.close("])");
        Ok(())
    }

    /// A call through a local holding a function value: its arguments
    /// (all tracked), as RON.
    pub(crate) fn value_call_args(&mut self, args: &[Node]) -> Result<Vec<String>, Fail> {
        let mut out = Vec::new();
        for a in args {
            let e = self.expr(*a)?;
            if e.untracked {
                return Err(self.unsupported(*a, "an argument weft cannot follow"));
            }
            let e = self.handed(*a, e, "an argument")?;
            out.push(crate::emit::lit(&e.text));
        }
        Ok(out)
    }

    pub(crate) fn defer_stmt(&mut self, n: Node, em: &mut Emitter) -> Result<(), Fail> {
        let Some(call) = n.named_child(0).filter(|c| c.kind() == "call_expression") else {
            return Err(self.unsupported(n, "this defer"));
        };
        let Some(f) = call.child_by_field_name("function") else {
            return Err(self.unsupported(n, "defer"));
        };
        if self.text(f) == "recover" {
            em.leaf("Defer(call: \"recover()\")", self.span(n));
            return Ok(());
        }
        let args = self.args(call);
        if f.kind() == "func_literal" {
            return self.closure("Defer([", f, &args, n, em);
        }
        // Go evaluates the arguments at the `defer`, the call runs at the
        // function's end: values (and struct copies) are taken now, into
        // temporaries the deferred call reads.
        let own = self.pkg.funcs.contains_key(self.text(f))
            || self.method_key(f).is_some()
            || self
                .scope
                .get(self.text(f))
                .is_some_and(|b| matches!(b.kind, Kind::Func { .. }));
        let r = if own {
            self.deferred_receiver(f)
                .and_then(|()| self.deferred_args(&args, em))
        } else {
            Ok(())
        };
        let r = r.and_then(|()| {
            em.open("Defer([", self.span(n));
            let r = self.call(call, &[], false, n, em);
            em.close("])");
            r
        });
        self.evaluated.clear();
        r
    }

    /// A deferred method call's receiver held by value (`defer p.show()`
    /// of `func (p point) show()`): copied at the `defer`, as Go does.
    fn deferred_receiver(&mut self, f: Node) -> Result<(), Fail> {
        let Some(key) = self.method_key(f) else {
            return Ok(());
        };
        let (Some(r), Some(&def)) = (f.child_by_field_name("operand"), self.pkg.funcs.get(&key))
        else {
            return Ok(());
        };
        let Some((_, Kind::Record { ty, value: true })) = self.sig(def)?.params.first().cloned()
        else {
            return Ok(());
        };
        let mut e = self.expr(r)?;
        if e.untracked {
            return Ok(());
        }
        e.kind = Kind::Record { ty, value: true };
        let e = self.handed(r, e, "a value receiver")?;
        self.evaluated.insert(r.id(), e);
        Ok(())
    }

    /// A deferred call's arguments, evaluated at the `defer`: a value
    /// into a temporary (unless nothing can change it), a struct value
    /// copied; recorded in [`Importer::evaluated`].
    fn deferred_args(&mut self, args: &[Node], em: &mut Emitter) -> Result<(), Fail> {
        for a in args {
            let e = self.expr(*a)?;
            let e = self.handed(*a, e, "an argument")?;
            if e.untracked || !e.kind.is_value() || self.private_value(*a) {
                self.evaluated.insert(a.id(), e);
                continue;
            }
            let t = self.temp("deferred_arg", e.kind);
            em.leaf(
                &format!("Let({}, {})", q(&t), crate::emit::lit(&e.text)),
                self.span(*a),
            );
            self.evaluated
                .insert(a.id(), crate::expr::Ex { text: t, ..e });
        }
        Ok(())
    }
}
