//! Prints the tree-sitter syntax tree of a Go file (a development aid).
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut p = tree_sitter::Parser::new();
    let _ = p.set_language(&tree_sitter_go::LANGUAGE.into());
    if let Some(t) = p.parse(&text, None) {
        let mut stack = vec![(t.root_node(), 0usize, None::<&str>)];
        while let Some((n, d, field)) = stack.pop() {
            let txt = &text[n.byte_range()];
            let short: String = txt.chars().take(40).collect::<String>().replace('\n', "⏎");
            println!(
                "{}{}{} {}",
                "  ".repeat(d),
                field.map(|f| format!("{f}: ")).unwrap_or_default(),
                n.kind(),
                if n.child_count() == 0 || n.named_child_count() == 0 {
                    short
                } else {
                    String::new()
                }
            );
            let mut c = n.walk();
            let kids: Vec<_> = n
                .children(&mut c)
                .enumerate()
                .filter(|(_, k)| k.is_named())
                .map(|(i, k)| (k, d + 1, n.field_name_for_child(i as u32)))
                .collect();
            stack.extend(kids.into_iter().rev());
        }
    }
}
