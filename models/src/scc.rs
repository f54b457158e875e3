//! Strongly connected components, by Tarjan's algorithm with an explicit
//! stack: state graphs have paths millions of steps long, and a recursive
//! depth-first search (petgraph's `tarjan_scc`) overflows the thread's stack
//! on them.

/// Not visited yet.
const NEW: u32 = u32::MAX;

/// The strongly connected components of the graph on nodes `0..n` whose
/// successors `succ` lists, in the order Tarjan's algorithm completes them
/// (reverse topological: a component comes before every component that
/// reaches it). Roots are tried in id order and successors in the order
/// given; nodes within a component are in no particular order.
pub fn tarjan<'a>(n: usize, succ: impl Fn(u32) -> &'a [u32]) -> Vec<Vec<u32>> {
    let flat = components(n, succ);
    flat.iter().map(<[u32]>::to_vec).collect()
}

/// The components [`tarjan`] finds, in its order, back to back in one
/// buffer (a state graph without cycles has as many components as nodes:
/// a vector each was 3 % of a search's instructions).
pub struct Components {
    /// The nodes of every component, one component after the other.
    nodes: Vec<u32>,
    /// Where each component ends in `nodes`.
    ends: Vec<u32>,
}

impl Components {
    /// Each component's nodes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let comp = &self.nodes[start..end as usize];
            start = end as usize;
            comp
        })
    }
}

/// [`tarjan`]'s components, kept in one buffer.
pub fn components<'a>(n: usize, succ: impl Fn(u32) -> &'a [u32]) -> Components {
    let mut index = vec![NEW; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    // The depth-first path: a node and how many of its successors were tried.
    let mut path: Vec<(u32, usize)> = Vec::new();
    let mut next_index = 0u32;
    let mut out = Components {
        nodes: Vec::with_capacity(n),
        ends: Vec::new(),
    };
    for root in 0..n as u32 {
        if index[root as usize] != NEW {
            continue;
        }
        index[root as usize] = next_index;
        low[root as usize] = next_index;
        next_index += 1;
        on_stack[root as usize] = true;
        stack.push(root);
        path.push((root, 0));
        while let Some(&mut (v, ref mut tried)) = path.last_mut() {
            let vs = v as usize;
            let out_edges = succ(v);
            if let Some(&w) = out_edges.get(*tried) {
                *tried += 1;
                let ws = w as usize;
                if index[ws] == NEW {
                    index[ws] = next_index;
                    low[ws] = next_index;
                    next_index += 1;
                    on_stack[ws] = true;
                    stack.push(w);
                    path.push((w, 0));
                } else if on_stack[ws] {
                    low[vs] = low[vs].min(index[ws]);
                }
                continue;
            }
            path.pop();
            if low[vs] == index[vs] {
                let start = stack.iter().rposition(|&w| w == v).unwrap_or(0);
                for &w in &stack[start..] {
                    on_stack[w as usize] = false;
                }
                out.nodes.extend(stack.drain(start..));
                out.ends.push(out.nodes.len() as u32);
            }
            if let Some(&(p, _)) = path.last() {
                low[p as usize] = low[p as usize].min(low[vs]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tarjan;

    fn sorted(mut sccs: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
        sccs.iter_mut().for_each(|c| c.sort_unstable());
        sccs
    }

    #[test]
    fn components_come_in_reverse_topological_order() {
        // 0 -> 1 <-> 2 -> 3, 4 alone, 5 -> 5.
        let succ: Vec<Vec<u32>> = vec![vec![1], vec![2], vec![1, 3], vec![], vec![], vec![5]];
        let sccs = sorted(tarjan(succ.len(), |v| &succ[v as usize]));
        assert_eq!(sccs, vec![vec![3], vec![1, 2], vec![0], vec![4], vec![5]]);
    }

    #[test]
    fn a_path_of_a_million_nodes_does_not_overflow_the_stack() {
        let n = 1_000_000u32;
        let succ: Vec<Vec<u32>> = (0..n)
            .map(|v| if v + 1 < n { vec![v + 1] } else { vec![0] })
            .collect();
        let sccs = tarjan(n as usize, |v| &succ[v as usize]);
        assert_eq!(sccs.len(), 1);
        assert_eq!(sccs[0].len(), n as usize);
    }
}
