//! The review page's graphs as inline SVG, laid out by
//! [`crate::layout`]: the happens-before graph of a counterexample (one
//! column per goroutine, one row per layer of its steps' longest-path
//! layering, so concurrent steps share a row) and the wait-for graph at its
//! end (a layered layout; the edges of a cycle in red).

use std::fmt::Write as _;

use crate::layout;
use crate::view::BugView;

use super::esc;

/// Width of a goroutine's column in the happens-before graph.
const LANE_WIDTH: usize = 190;
/// Height of a layer of the happens-before graph.
const ROW_HEIGHT: usize = 40;
/// Room above the first layer for the column headings.
const TOP: usize = 40;
/// Node radius.
const RADIUS: usize = 11;
/// Characters of an operation shown beside its node.
const LABEL_CHARS: usize = 22;

/// `text` cut to `n` characters, with an ellipsis when cut.
fn cut(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let mut s: String = text.chars().take(n.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Arrowhead markers, with ids unique to the bug.
fn markers(out: &mut String, id: &str) {
    let _ = write!(
        out,
        "<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker>\
<marker id=\"{id}-arrow-cycle\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead cycle\"/></marker></defs>"
    );
}

/// How far from its centre a ray in direction `(ux, uy)` (a unit vector)
/// leaves a shape: a circle of radius `hw` when `hh` is 0, else a box of
/// half-width `hw` and half-height `hh`.
fn rim(ux: f64, uy: f64, hw: f64, hh: f64) -> f64 {
    if hh == 0.0 {
        return hw;
    }
    let tx = if ux.abs() < 1e-9 {
        f64::INFINITY
    } else {
        hw / ux.abs()
    };
    let ty = if uy.abs() < 1e-9 {
        f64::INFINITY
    } else {
        hh / uy.abs()
    };
    tx.min(ty)
}

/// An edge from the shape centred at `(x1, y1)` to the one at `(x2, y2)`
/// (circles of radius `hw`, or boxes of half-size `hw` by `hh`), starting
/// and ending at their rims, bent by `bend` pixels to its left so two
/// opposite edges stay apart.
fn edge_path(x1: f64, y1: f64, x2: f64, y2: f64, hw: f64, hh: f64, bend: f64) -> String {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (mx, my) = ((x1 + x2) / 2.0 - uy * bend, (y1 + y2) / 2.0 + ux * bend);
    let unit = |ax: f64, ay: f64| {
        let l = (ax * ax + ay * ay).sqrt().max(1e-9);
        (ax / l, ay / l)
    };
    let (sx_, sy_) = unit(mx - x1, my - y1);
    let (ex_, ey_) = unit(x2 - mx, y2 - my);
    let rs = rim(sx_, sy_, hw, hh);
    let re = rim(ex_, ey_, hw, hh);
    let (sx, sy) = (x1 + sx_ * rs, y1 + sy_ * rs);
    let (ex, ey) = (x2 - ex_ * re, y2 - ey_ * re);
    if bend == 0.0 {
        return format!("M{sx:.1},{sy:.1} L{ex:.1},{ey:.1}");
    }
    format!("M{sx:.1},{sy:.1} Q{mx:.1},{my:.1} {ex:.1},{ey:.1}")
}

/// Where an edge leaving the shape centred at `(x, y)` towards `(tx, ty)`
/// crosses its rim (see [`rim`]).
fn edge_end(x: f64, y: f64, tx: f64, ty: f64, hw: f64, hh: f64) -> (f64, f64) {
    let (dx, dy) = (tx - x, ty - y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let r = rim(ux, uy, hw, hh);
    (x + ux * r, y + uy * r)
}

/// The happens-before graph of a counterexample: each step is a node in
/// its goroutine's column (a hand-off also in its receiver's), program
/// order runs down each column, and the synchronisation edges
/// ([`crate::view::StepView::after`]) are arrows between columns. Nodes
/// carry `data-step` so the page can highlight the current step.
pub fn happens_before(b: &BugView, id: &str) -> String {
    let timer_lane = b.lanes.len();
    let has_timer = b.steps.iter().any(|s| s.lane.is_none());
    let columns = b.lanes.len() + usize::from(has_timer);
    let n = b.steps.len();
    // Program order: each step after the previous step of each lane it
    // takes part in; then the synchronisation edges.
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut last_in_lane: Vec<Option<usize>> = vec![None; columns];
    let mut order_edges: Vec<(usize, usize, usize)> = Vec::new();
    for (i, s) in b.steps.iter().enumerate() {
        let mut lanes = vec![s.lane.unwrap_or(timer_lane)];
        lanes.extend(s.partner.as_ref().map(|p| p.lane));
        for lane in lanes {
            if lane >= columns {
                continue;
            }
            if let Some(prev) = last_in_lane[lane] {
                edges.push((prev, i));
                order_edges.push((prev, i, lane));
            }
            last_in_lane[lane] = Some(i);
        }
        for &a in &s.after {
            if a >= 1 && a <= n && a - 1 != i {
                edges.push((a - 1, i));
            }
        }
    }
    let layer = layout::layers(n, &edges);
    let rows = layer.iter().max().map_or(0, |m| m + 1);
    let width = columns.max(1) * LANE_WIDTH;
    let height = TOP + rows.max(1) * ROW_HEIGHT + 10;
    let x = |lane: usize| (lane * LANE_WIDTH + 30) as f64;
    let y = |step: usize| (TOP + layer[step] * ROW_HEIGHT + ROW_HEIGHT / 2) as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"graph hb\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"happens-before graph\">"
    );
    markers(&mut out, id);
    for c in 0..columns {
        let name = match b.lanes.get(c) {
            Some(l) => l.goroutine.as_str(),
            None => crate::words::TIMER,
        };
        let _ = write!(
            out,
            "<text class=\"lane-name\" x=\"{:.1}\" y=\"20\">{}</text><line class=\"lane-line\" x1=\"{:.1}\" y1=\"28\" x2=\"{:.1}\" y2=\"{}\"/>",
            x(c) - 10.0,
            esc(&cut(name, LABEL_CHARS)),
            x(c),
            x(c),
            height - 5
        );
    }
    let lane_of = |i: usize| b.steps[i].lane.unwrap_or(timer_lane);
    let partner_of = |i: usize| b.steps[i].partner.as_ref().map(|p| p.lane);
    let r = RADIUS as f64;
    for &(from, to, lane) in &order_edges {
        let _ = write!(
            out,
            "<path class=\"order\" d=\"{}\"/>",
            edge_path(x(lane), y(from), x(lane), y(to), r, 0.0, 0.0)
        );
    }
    for (i, s) in b.steps.iter().enumerate() {
        for &a in &s.after {
            if a == 0 || a > n || a - 1 == i {
                continue;
            }
            let from = a - 1;
            // From the column of the earlier step nearest this one.
            let mut fx = x(lane_of(from));
            if let Some(p) = partner_of(from) {
                if p.abs_diff(lane_of(i)) < lane_of(from).abs_diff(lane_of(i)) {
                    fx = x(p);
                }
            }
            let _ = write!(
                out,
                "<path class=\"sync\" d=\"{}\" marker-end=\"url(#{id}-arrow)\"><title>step {a} happens before step {}</title></path>",
                edge_path(fx, y(from), x(lane_of(i)), y(i), r, 0.0, 0.0),
                i + 1
            );
        }
        if let Some(p) = partner_of(i) {
            let _ = write!(
                out,
                "<path class=\"handoff\" d=\"{}\"/>",
                edge_path(x(lane_of(i)), y(i), x(p), y(i), r, 0.0, 0.0)
            );
        }
    }
    for (i, s) in b.steps.iter().enumerate() {
        let mut class = String::from("node");
        if s.index == n {
            class.push_str(" current");
        }
        if s.failing {
            class.push_str(" failing");
        }
        if !s.relevant {
            class.push_str(" folded");
        }
        let label = format!("{} {}", s.op, s.action);
        let _ = write!(
            out,
            "<g class=\"{class}\" data-step=\"{}\"><title>step {}: {} {}:{} {}</title>",
            s.index,
            s.index,
            esc(&s.goroutine),
            s.line,
            s.col,
            esc(&label)
        );
        let mut at = vec![lane_of(i)];
        at.extend(partner_of(i));
        for lane in at {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{RADIUS}\"/><text class=\"num\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x(lane),
                y(i),
                x(lane),
                y(i) + 4.0,
                s.index
            );
        }
        let _ = write!(
            out,
            "<text class=\"op\" x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            x(lane_of(i)) + r + 5.0,
            y(i) + 4.0,
            esc(&crate::text::abbreviate(&s.op, LABEL_CHARS))
        );
    }
    out.push_str("</svg>");
    out
}

/// Width of a goroutine's box in the wait-for graph.
const BOX_WIDTH: usize = 150;
/// Horizontal room per slot of a layer.
const SLOT_WIDTH: usize = 260;
/// Vertical room per layer.
const LAYER_HEIGHT: usize = 110;

/// The wait-for graph at the end of a counterexample; `None` when nobody
/// waits for anybody.
pub fn wait_for(b: &BugView, id: &str) -> Option<String> {
    let wf = &b.wait_for;
    if wf.edges.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = Vec::new();
    for e in &wf.edges {
        for n in [e.from.as_str(), e.to.as_str()] {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    let index = |n: &str| names.iter().position(|m| *m == n).unwrap_or(0);
    let pairs: Vec<(usize, usize)> = wf
        .edges
        .iter()
        .map(|e| (index(&e.from), index(&e.to)))
        .collect();
    let l = layout::layered(names.len(), &pairs);
    let width = l.width.max(1) * SLOT_WIDTH;
    let height = l.layers.max(1) * LAYER_HEIGHT;
    let cx = |v: usize| (l.slot[v] * SLOT_WIDTH + SLOT_WIDTH / 2) as f64;
    let cy = |v: usize| (l.layer[v] * LAYER_HEIGHT + LAYER_HEIGHT / 2) as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"graph wf\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"wait-for graph\">"
    );
    markers(&mut out, id);
    let at = |(layer, slot): (usize, usize)| {
        (
            (slot * SLOT_WIDTH + SLOT_WIDTH / 2) as f64,
            (layer * LAYER_HEIGHT + LAYER_HEIGHT / 2) as f64,
        )
    };
    let (hw, hh) = ((BOX_WIDTH / 2) as f64 + 2.0, 17.0);
    for (i, (e, &(from, to))) in wf.edges.iter().zip(&pairs).enumerate() {
        let in_cycle = wf.cycle.contains(&i);
        let (x1, y1, x2, y2) = (cx(from), cy(from), cx(to), cy(to));
        let bends: Vec<(f64, f64)> = l.bends[i].iter().map(|&p| at(p)).collect();
        let (d, lx, ly) = if from == to {
            (
                format!(
                    "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                    x1 + hw,
                    y1 - 8.0,
                    x1 + hw + 60.0,
                    y1 - 50.0,
                    x1 + hw + 60.0,
                    y1 + 50.0,
                    x1 + hw,
                    y1 + 8.0
                ),
                x1 + hw + 64.0,
                y1,
            )
        } else if bends.is_empty() {
            // Opposite edges between the same two goroutines bend apart.
            let bend = if pairs.contains(&(to, from)) {
                28.0
            } else {
                0.0
            };
            let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
            (
                edge_path(x1, y1, x2, y2, hw, hh, bend),
                (x1 + x2) / 2.0 - (y2 - y1) / len * bend * 0.6 + 6.0,
                (y1 + y2) / 2.0 + (x2 - x1) / len * bend * 0.6,
            )
        } else {
            let (fx, fy) = bends[0];
            let (tx, ty) = bends[bends.len() - 1];
            let start = edge_end(x1, y1, fx, fy, hw, hh);
            let end = edge_end(x2, y2, tx, ty, hw, hh);
            let mut d = format!("M{:.1},{:.1}", start.0, start.1);
            for &(bx, by) in &bends {
                let _ = write!(d, " L{bx:.1},{by:.1}");
            }
            let _ = write!(d, " L{:.1},{:.1}", end.0, end.1);
            let (mx, my) = bends[bends.len() / 2];
            (d, mx + 6.0, my)
        };
        let mut class = String::from("wait");
        if in_cycle {
            class.push_str(" cycle");
        }
        if e.relation == crate::view::Relation::CouldRelease {
            class.push_str(" could");
        }
        let marker = if in_cycle {
            format!("{id}-arrow-cycle")
        } else {
            format!("{id}-arrow")
        };
        let _ = write!(
            out,
            "<path class=\"{class}\" d=\"{d}\" marker-end=\"url(#{marker})\"><title>{}</title></path><text class=\"edge-label\" x=\"{lx:.1}\" y=\"{ly:.1}\">{}</text>",
            esc(&e.label),
            esc(&cut(&e.object, 28))
        );
    }
    for (v, name) in names.iter().enumerate() {
        let _ = write!(
            out,
            "<g class=\"wf-node\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{BOX_WIDTH}\" height=\"30\" rx=\"6\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            cx(v) - (BOX_WIDTH / 2) as f64,
            cy(v) - 15.0,
            cx(v),
            cy(v) + 5.0,
            esc(&cut(name, 20))
        );
    }
    out.push_str("</svg>");
    Some(out)
}
