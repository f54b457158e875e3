//! Graphviz DOT: for each bug, the happens-before graph of its
//! counterexample and, for blocking bugs, the wait-for graph at its end.
//!
//! Both are built as petgraph graphs from the view types and written as one
//! `digraph` with a cluster per bug, so a whole `weft check` run renders
//! with a single `dot -Tsvg`.
//!
//! Happens-before: one node per step, placed in its goroutine's column;
//! solid edges are program order, blue edges synchronisation (a spawn, or
//! successive operations on one channel, lock, WaitGroup, ... in the
//! schedule, [`crate::view::StepView::after`]). The operations pending at
//! the end that make up the bug are red nodes; a race joins its two with a
//! red `race` edge (no path between them: that is the race).

use std::fmt::Write;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::view::{Behavior, BugKind, BugView, GoroutineStatus, Relation};

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

struct Node {
    id: String,
    label: String,
    lane: Option<usize>,
    attrs: &'static str,
}

struct Edge {
    label: String,
    attrs: &'static str,
}

fn happens_before(b: &BugView, prefix: &str) -> DiGraph<Node, Edge> {
    let mut g: DiGraph<Node, Edge> = DiGraph::new();
    let mut step_node: Vec<NodeIndex> = Vec::new();
    let mut last_in_lane: Vec<Option<NodeIndex>> = vec![None; b.lanes.len()];
    let po = |g: &mut DiGraph<Node, Edge>, from: Option<NodeIndex>, to: NodeIndex| {
        if let Some(f) = from {
            g.add_edge(
                f,
                to,
                Edge {
                    label: String::new(),
                    attrs: "",
                },
            );
        }
    };
    for s in &b.steps {
        let who = match &s.partner {
            Some(p) => format!("{} ⇒ {}", s.goroutine, p.goroutine),
            None => s.goroutine.clone(),
        };
        let label = format!(
            "{}. {who}\n{}:{} {}\n({})",
            s.index,
            s.line,
            s.col,
            crate::text::abbreviate(&s.op, 40),
            s.action
        );
        let n = g.add_node(Node {
            id: format!("{prefix}s{}", s.index),
            label,
            lane: s.lane,
            attrs: if s.failing {
                "color=red, fontcolor=red, penwidth=2"
            } else if s.relevant {
                ""
            } else {
                "style=dashed, fontcolor=gray40"
            },
        });
        step_node.push(n);
        for l in s.lane.iter().chain(s.partner.as_ref().map(|p| &p.lane)) {
            if let Some(slot) = last_in_lane.get_mut(*l) {
                po(&mut g, *slot, n);
                *slot = Some(n);
            }
        }
        for &a in &s.after {
            if let Some(&from) = step_node.get(a.wrapping_sub(1)) {
                g.add_edge(
                    from,
                    n,
                    Edge {
                        label: String::new(),
                        attrs: "color=blue, style=bold",
                    },
                );
            }
        }
    }
    let mut pend = Vec::new();
    for (i, p) in b.pending.iter().enumerate() {
        let n = g.add_node(Node {
            id: format!("{prefix}p{i}"),
            label: format!(
                "{} ({})\n{}:{} {}",
                p.goroutine,
                p.role,
                p.line,
                p.col,
                crate::text::abbreviate(&p.op, 40)
            ),
            lane: Some(p.lane),
            attrs: "color=red, fontcolor=red, style=\"dashed,bold\"",
        });
        match last_in_lane.get(p.lane).copied().flatten() {
            Some(prev) => po(&mut g, Some(prev), n),
            None => {
                // A goroutine with no step yet: joined to the step that started it.
                let spawn = b.lanes.get(p.lane).and_then(|l| l.started_by);
                if let Some(&from) = spawn.and_then(|i| step_node.get(i - 1)) {
                    g.add_edge(
                        from,
                        n,
                        Edge {
                            label: String::new(),
                            attrs: "color=blue, style=bold",
                        },
                    );
                }
            }
        }
        pend.push(n);
    }
    if b.kind == BugKind::Race && pend.len() == 2 {
        g.add_edge(
            pend[0],
            pend[1],
            Edge {
                label: "race".into(),
                attrs: "color=red, dir=none, style=dashed, constraint=false",
            },
        );
    }
    g
}

fn wait_for(b: &BugView, prefix: &str) -> DiGraph<Node, Edge> {
    let mut g: DiGraph<Node, Edge> = DiGraph::new();
    let mut nodes: Vec<(String, NodeIndex)> = Vec::new();
    let mut node = |g: &mut DiGraph<Node, Edge>, name: &str| {
        if let Some((_, n)) = nodes.iter().find(|(m, _)| m == name) {
            return *n;
        }
        let status = b
            .goroutines
            .iter()
            .find(|x| x.goroutine == name)
            .map(|x| x.status);
        let n = g.add_node(Node {
            id: format!("{prefix}g{}", nodes.len()),
            label: format!("{name}\n{}", status.map_or("", GoroutineStatus::as_str)),
            lane: None,
            attrs: if status == Some(GoroutineStatus::Blocked) {
                "shape=ellipse, color=red"
            } else {
                "shape=ellipse"
            },
        });
        nodes.push((name.to_string(), n));
        n
    };
    for (i, e) in b.wait_for.edges.iter().enumerate() {
        let a = node(&mut g, &e.from);
        let c = node(&mut g, &e.to);
        let on_cycle = b.wait_for.cycle.contains(&i);
        let what = match e.relation {
            Relation::HeldBy => format!("{}\nheld", e.object),
            Relation::CouldRelease => format!("{}\ncould release", e.object),
            Relation::QueuedBehind => format!("{}\nqueued behind", e.object),
        };
        g.add_edge(
            a,
            c,
            Edge {
                label: what,
                attrs: if on_cycle {
                    "color=red, penwidth=2"
                } else {
                    ""
                },
            },
        );
    }
    // Blocked goroutines nobody can release still appear.
    for gv in &b.goroutines {
        if gv.status == GoroutineStatus::Blocked {
            node(&mut g, &gv.goroutine);
        }
    }
    g
}

fn write_graph(out: &mut String, g: &DiGraph<Node, Edge>, indent: &str) {
    for n in g.node_indices() {
        let w = &g[n];
        let group = w
            .lane
            .map(|l| format!(", group=\"lane{l}\""))
            .unwrap_or_default();
        let attrs = if w.attrs.is_empty() {
            String::new()
        } else {
            format!(", {}", w.attrs)
        };
        let _ = writeln!(
            out,
            "{indent}{} [label=\"{}\"{group}{attrs}];",
            w.id,
            esc(&w.label)
        );
    }
    for e in g.edge_references() {
        let w = e.weight();
        let mut attrs = Vec::new();
        if !w.label.is_empty() {
            attrs.push(format!("label=\"{}\"", esc(&w.label)));
        }
        if !w.attrs.is_empty() {
            attrs.push(w.attrs.to_string());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(
            out,
            "{indent}{} -> {}{attrs};",
            g[e.source()].id,
            g[e.target()].id
        );
    }
}

/// Renders the bugs of one or more scenarios (`(scenario name, bug)`) as one
/// DOT digraph.
pub fn render(bugs: &[(&str, &BugView)]) -> String {
    let mut out = String::from(
        "digraph weft {\n  rankdir=TB;\n  compound=true;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n",
    );
    if bugs.is_empty() {
        out.push_str("  empty [label=\"no bug\", shape=plaintext];\n");
    }
    for (i, (scenario, b)) in bugs.iter().enumerate() {
        let p = format!("b{i}_");
        let _ = writeln!(out, "  subgraph cluster_b{i} {{");
        let _ = writeln!(
            out,
            "    label=\"{}\";",
            esc(&format!(
                "{scenario}: {} at {}:{}\\nschedule {}",
                b.title, b.location.line, b.location.col, b.schedule
            ))
            .replace("\\\\n", "\\n")
        );
        let _ = writeln!(out, "    subgraph cluster_b{i}_hb {{");
        let _ = writeln!(out, "      label=\"happens-before\";");
        write_graph(&mut out, &happens_before(b, &p), "      ");
        let _ = writeln!(out, "    }}");
        let blocking = b.taxonomy.behavior == Behavior::Blocking
            && (!b.wait_for.edges.is_empty()
                || b.goroutines
                    .iter()
                    .any(|g| g.status == GoroutineStatus::Blocked));
        if blocking {
            let _ = writeln!(out, "    subgraph cluster_b{i}_wf {{");
            let _ = writeln!(out, "      label=\"wait-for (at the end)\";");
            write_graph(&mut out, &wait_for(b, &p), "      ");
            let _ = writeln!(out, "    }}");
        }
        let _ = writeln!(out, "  }}");
    }
    out.push_str("}\n");
    out
}
