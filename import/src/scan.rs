//! A pre-pass over a function: which of its locals a closure shares with it.
//!
//! weft copies the locals a goroutine or `Do` body uses when it starts; Go
//! closures share them. The two agree unless the variable is assigned after
//! its declaration (or its address is taken), so exactly those locals become
//! shared variables (`Var`).

use std::collections::HashSet;

use tree_sitter::Node;

/// Names assigned (`x = ...`, `x++`, `x += ...`) or whose address is taken
/// anywhere in `body`, intersected with the names used inside a function
/// literal of `body` (or any name whose address is taken).
///
/// `per_loop` is Go before 1.22: a loop has one variable for all its
/// iterations, which the loop assigns (a three-clause loop's update, each
/// step of a range loop), so a closure capturing it shares it. From Go 1.22
/// each iteration has its own, as weft's `For` and `Range` do.
pub fn shared_locals(src: &str, body: Node, per_loop: bool) -> HashSet<String> {
    let text = |n: Node| src.get(n.byte_range()).unwrap_or("").to_string();
    let mut assigned = HashSet::new();
    let mut addressed = HashSet::new();
    let mut captured = HashSet::new();
    // (node, names declared by the function literals around it, or None
    // outside any)
    let mut stack: Vec<(Node, Option<std::rc::Rc<HashSet<String>>>)> = vec![(body, None)];
    while let Some((n, lit)) = stack.pop() {
        let in_lit = lit.is_some();
        match n.kind() {
            // A three-clause loop's own update: Go 1.22 gives each
            // iteration its copy, as weft's `For` does.
            "for_clause" if !per_loop => {
                let mut c = n.walk();
                for k in n.named_children(&mut c) {
                    if Some(k) != n.child_by_field_name("update") {
                        stack.push((k, lit.clone()));
                    }
                }
                continue;
            }
            "assignment_statement" => {
                if let Some(l) = n.child_by_field_name("left") {
                    let mut c = l.walk();
                    for t in l.named_children(&mut c) {
                        if t.kind() == "identifier" {
                            assigned.insert(text(t));
                        }
                    }
                }
            }
            "range_clause" if per_loop => {
                let short = !has_token(n, "=");
                if let (true, Some(l)) = (short, n.child_by_field_name("left")) {
                    let mut c = l.walk();
                    for t in l.named_children(&mut c) {
                        if t.kind() == "identifier" {
                            assigned.insert(text(t));
                        }
                    }
                }
            }
            "inc_statement" | "dec_statement" => {
                if let Some(t) = n.named_child(0) {
                    if t.kind() == "identifier" {
                        assigned.insert(text(t));
                    }
                }
            }
            "unary_expression" => {
                let op = n
                    .child_by_field_name("operator")
                    .map(text)
                    .unwrap_or_default();
                if let (true, Some(t)) = (op == "&", n.child_by_field_name("operand")) {
                    if t.kind() == "identifier" {
                        addressed.insert(text(t));
                    }
                }
            }
            "identifier" if in_lit => {
                let name = text(n);
                if !lit.as_ref().is_some_and(|d| d.contains(&name)) {
                    captured.insert(name);
                }
            }
            _ => {}
        }
        let lit = if n.kind() == "func_literal" {
            let mut declared: HashSet<String> = lit.as_deref().cloned().unwrap_or_default();
            declared.extend(declared_in(src, n));
            Some(std::rc::Rc::new(declared))
        } else {
            lit
        };
        let mut c = n.walk();
        for k in n.named_children(&mut c) {
            stack.push((k, lit.clone()));
        }
    }
    let mut out: HashSet<String> = assigned.intersection(&captured).cloned().collect();
    out.extend(addressed);
    out
}

/// Whether local `name` of a function with body `body` needs no shared
/// variable even where function literals use it: its address is never
/// taken, and every literal using it is run by a `defer` of the function
/// itself (`defer func() { ... }()`), in the function's own goroutine and
/// frame. A named result used so is the function's result variable.
pub fn only_deferred_uses(src: &str, body: Node, name: &str) -> bool {
    let text = |n: Node| src.get(n.byte_range()).unwrap_or("");
    // (node, inside a literal that is not deferred and does not declare
    // `name`)
    let mut stack = vec![(body, false)];
    while let Some((n, inside)) = stack.pop() {
        match n.kind() {
            "identifier" if inside && text(n) == name => return false,
            "unary_expression" => {
                let op = n.child_by_field_name("operator").map(text);
                let t = n.child_by_field_name("operand");
                if op == Some("&") && t.is_some_and(|t| text(t) == name) {
                    return false;
                }
            }
            _ => {}
        }
        let inside = if n.kind() == "func_literal" {
            let deferred = n
                .parent()
                .filter(|c| c.kind() == "call_expression")
                .and_then(|c| c.parent())
                .is_some_and(|d| d.kind() == "defer_statement");
            if declared_in(src, n).contains(name) {
                false
            } else {
                inside || !deferred
            }
        } else {
            inside
        };
        let mut c = n.walk();
        for k in n.named_children(&mut c) {
            stack.push((k, inside));
        }
    }
    true
}

/// Names a function literal declares: its parameters and the locals its
/// body declares (`:=`, `var`, range variables), at any depth.
fn declared_in(src: &str, lit: Node) -> HashSet<String> {
    let text = |n: Node| src.get(n.byte_range()).unwrap_or("").to_string();
    let mut out = HashSet::new();
    let mut stack = vec![lit];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "parameter_declaration" | "var_spec" | "const_spec" => {
                let mut c = n.walk();
                for k in n.children_by_field_name("name", &mut c) {
                    out.insert(text(k));
                }
            }
            "short_var_declaration" | "range_clause" | "receive_statement" => {
                let decl = n.kind() != "receive_statement" || has_token(n, ":=");
                let short = n.kind() != "range_clause" || !has_token(n, "=");
                if let (true, true, Some(l)) = (decl, short, n.child_by_field_name("left")) {
                    let mut c = l.walk();
                    for k in l.named_children(&mut c) {
                        out.insert(text(k));
                    }
                }
            }
            _ => {}
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

/// Whether `n` has the anonymous token `tok` among its children (the
/// grammar gives the `=` or `:=` of a range clause or a receive no field).
pub fn has_token(n: Node, tok: &str) -> bool {
    let mut c = n.walk();
    let found = n.children(&mut c).any(|k| k.kind() == tok);
    found
}
