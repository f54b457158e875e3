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
pub fn shared_locals(src: &str, body: Node) -> HashSet<String> {
    let text = |n: Node| src.get(n.byte_range()).unwrap_or("").to_string();
    let mut assigned = HashSet::new();
    let mut addressed = HashSet::new();
    let mut captured = HashSet::new();
    // (node, inside a function literal)
    let mut stack = vec![(body, false)];
    while let Some((n, in_lit)) = stack.pop() {
        match n.kind() {
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
                captured.insert(text(n));
            }
            _ => {}
        }
        let lit = in_lit || n.kind() == "func_literal";
        let mut c = n.walk();
        for k in n.named_children(&mut c) {
            stack.push((k, lit));
        }
    }
    let mut out: HashSet<String> = assigned.intersection(&captured).cloned().collect();
    out.extend(addressed);
    out
}
