//! A layered layout of a directed graph, for the review page's inline SVG
//! graphs (no Graphviz needed): cycles are broken by turning the back
//! edges of a depth-first search around, each node goes to the layer of
//! its longest path from a source, and nodes are ordered within their
//! layer by a few sweeps of the barycenter heuristic. Everything is
//! iterative, so a graph of any size is laid out without deep recursion.

/// Where each node of a graph goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Each node's layer (0: the top).
    pub layer: Vec<usize>,
    /// Each node's position within its layer (0: the left).
    pub slot: Vec<usize>,
    /// The number of layers.
    pub layers: usize,
    /// The number of slots of the widest layer (virtual nodes included).
    pub width: usize,
    /// For each edge, the `(layer, slot)` of the points it passes through
    /// between its ends, in order from its source (empty for an edge
    /// between adjacent layers).
    pub bends: Vec<Vec<(usize, usize)>>,
}

/// The edges of a DFS from every node in turn that close a cycle (they
/// point to a node still on the search's stack), by index into `edges`.
fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(from, to)) in edges.iter().enumerate() {
        if from < n && to < n {
            out_edges[from].push(i);
        }
    }
    let mut back = vec![false; edges.len()];
    // 0: not visited, 1: on the stack, 2: done.
    let mut mark = vec![0u8; n];
    for root in 0..n {
        if mark[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = 1;
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            match out_edges[node].get(next) {
                Some(&e) => {
                    top.1 += 1;
                    let to = edges[e].1;
                    match mark[to] {
                        0 => {
                            mark[to] = 1;
                            stack.push((to, 0));
                        }
                        1 => back[e] = true,
                        _ => {}
                    }
                }
                None => {
                    mark[node] = 2;
                    stack.pop();
                }
            }
        }
    }
    back
}

/// Each node's layer: the length of the longest path to it from a node
/// with no incoming edge, over `edges` with the cycle-closing ones turned
/// around (self-loops ignored).
pub fn layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let back = back_edges(n, edges);
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&back)
        .filter(|((from, to), _)| from != to && *from < n && *to < n)
        .map(|(&(from, to), &b)| if b { (to, from) } else { (from, to) })
        .collect();
    let mut indegree = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(from, to) in &dag {
        indegree[to] += 1;
        succ[from].push(to);
    }
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).rev().collect();
    while let Some(v) = ready.pop() {
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    layer
}

/// How many down-and-up sweeps of the barycenter heuristic order the
/// layers (a few settle the small graphs of counterexamples).
const SWEEPS: usize = 4;

/// Lays out a graph of `n` nodes. An edge that spans several layers passes
/// through a point in each layer between its ends (a virtual node, ordered
/// with the others), so it is drawn around the nodes instead of through
/// them: [`Layout::bends`].
pub fn layered(n: usize, edges: &[(usize, usize)]) -> Layout {
    let node_layer = layers(n, edges);
    // Virtual nodes n.. for the layers an edge crosses.
    let mut layer = node_layer.clone();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    let mut links: Vec<(usize, usize)> = Vec::new();
    for &(from, to) in edges {
        if from == to || from >= n || to >= n {
            chains.push(Vec::new());
            continue;
        }
        let (a, b) = (node_layer[from], node_layer[to]);
        let mut chain = Vec::new();
        let mut prev = from;
        let between: Vec<usize> = if a < b {
            (a + 1..b).collect()
        } else {
            (b + 1..a).rev().collect()
        };
        for l in between {
            let v = layer.len();
            layer.push(l);
            links.push((prev, v));
            chain.push(v);
            prev = v;
        }
        links.push((prev, to));
        chains.push(chain);
    }
    let total = layer.len();
    let layers = layer.iter().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for v in 0..total {
        rows[layer[v]].push(v);
    }
    let mut slot = vec![0usize; total];
    for row in &rows {
        for (i, &v) in row.iter().enumerate() {
            slot[v] = i;
        }
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); total];
    for &(a, b) in &links {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    for sweep in 0..SWEEPS * 2 {
        let downward = sweep % 2 == 0;
        let order: Vec<usize> = if downward {
            (1..layers).collect()
        } else {
            (0..layers.saturating_sub(1)).rev().collect()
        };
        for l in order {
            let fixed = if downward { l - 1 } else { l + 1 };
            let mut keyed: Vec<(f64, usize, usize)> = rows[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let across: Vec<usize> = neighbours[v]
                        .iter()
                        .filter(|&&w| layer[w] == fixed)
                        .map(|&w| slot[w])
                        .collect();
                    let key = if across.is_empty() {
                        i as f64
                    } else {
                        across.iter().sum::<usize>() as f64 / across.len() as f64
                    };
                    (key, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            rows[l] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in rows[l].iter().enumerate() {
                slot[v] = i;
            }
        }
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let bends = chains
        .iter()
        .map(|c| c.iter().map(|&v| (layer[v], slot[v])).collect())
        .collect();
    slot.truncate(n);
    layer.truncate(n);
    Layout {
        layer,
        slot,
        layers,
        width,
        bends,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_takes_one_layer_per_node() {
        let l = layered(3, &[(0, 1), (1, 2)]);
        assert_eq!(l.layer, vec![0, 1, 2]);
        assert_eq!((l.layers, l.width), (3, 1));
    }

    #[test]
    fn a_node_goes_below_its_longest_path() {
        // 0 -> 1 -> 2 and 0 -> 2: 2 is at layer 2, not 1.
        assert_eq!(layers(3, &[(0, 1), (1, 2), (0, 2)]), vec![0, 1, 2]);
    }

    #[test]
    fn a_cycle_is_laid_out_by_turning_one_edge_around() {
        let l = layered(3, &[(0, 1), (1, 2), (2, 0)]);
        assert_eq!(l.layer, vec![0, 1, 2]);
        let two = layered(2, &[(0, 1), (1, 0)]);
        assert_eq!(two.layer, vec![0, 1]);
    }

    #[test]
    fn crossings_are_undone_by_the_sweeps() {
        // Sources 0 and 1; 0 -> 3 and 1 -> 2: 3 moves left of 2.
        let l = layered(4, &[(0, 3), (1, 2)]);
        assert_eq!(l.layer, vec![0, 0, 1, 1]);
        assert!(l.slot[3] < l.slot[2], "{l:?}");
    }

    #[test]
    fn a_long_edge_bends_around_the_nodes_between() {
        // 0 -> 1 -> 2 and 0 -> 2: the long edge passes beside 1.
        let l = layered(3, &[(0, 1), (1, 2), (0, 2)]);
        assert_eq!(l.bends[2].len(), 1);
        let (layer, slot) = l.bends[2][0];
        assert_eq!(layer, 1);
        assert_ne!(slot, l.slot[1]);
        assert!(l.bends[0].is_empty() && l.bends[1].is_empty());
        assert_eq!(l.width, 2);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 200_000;
        let edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let l = layers(n, &edges);
        assert_eq!(l[n - 1], n - 1);
    }
}
