//! The fingerprint store (`--store fingerprint`): the visited set keeps a
//! 64-bit fingerprint per node, not the node, as TLC does; full nodes live
//! only while they wait in the frontier, encoded on their own, and are
//! dropped once expanded. A node that was dropped is rebuilt when asked for
//! by re-executing the path to it from the start (the graph keeps parent
//! links and edges, so paths and components are exact).
//!
//! Two different nodes with one fingerprint would make the second look
//! visited and hide what lies beyond it; with `n` nodes and 64-bit xxh3
//! fingerprints, the chance that any two of them collide is at most
//! `n * (n - 1) / 2^65` ([`FingerprintStore::collision_probability`]), which
//! every verdict of such a search prints.

use hashbrown::hash_table::{Entry, HashTable};

use super::encode::{decode_node, encode_node};
use super::fpset::FingerprintSet;
use super::frontier::{Frontier, FrontierStats};
use super::{Node, UNKNOWN};

/// A node taken from the frontier to expand.
pub(crate) enum Taken<'a> {
    /// The node, encoded whole ([`encode_node`]).
    Bytes(&'a [u8]),
    /// It waited in a spilled segment that could not be read back: only
    /// its path, in the graph, is left.
    Lost,
}

/// The bytes before a node's encoding in [`encode_for`]'s form: its
/// fingerprint, then its state's.
const HEADER: usize = 16;

/// Appends `node` in the form [`FingerprintStore::insert_encoded`] takes:
/// its fingerprint and its state's (without its sleep set), little-endian,
/// then the node encoded whole ([`encode_node`]). The thread that makes a
/// node computes them, so the search's thread only looks them up.
pub(crate) fn encode_for(out: &mut Vec<u8>, node: &Node) {
    let at = out.len();
    out.resize(at + HEADER, 0);
    let state_end = encode_node(out, node);
    let fp = xxhash_rust::xxh3::xxh3_64(&out[at + HEADER..]);
    let state_fp = xxhash_rust::xxh3::xxh3_64(&out[at + HEADER..state_end]);
    out[at..at + 8].copy_from_slice(&fp.to_le_bytes());
    out[at + 8..at + HEADER].copy_from_slice(&state_fp.to_le_bytes());
}

/// The fingerprints and the node's bytes of an [`encode_for`] encoding.
fn split(encoded: &[u8]) -> (u64, u64, &[u8]) {
    let word = |k: usize| {
        let bytes: [u8; 8] = encoded
            .get(k..k + 8)
            .and_then(|b| b.try_into().ok())
            .unwrap_or_else(|| {
                unreachable!("internal weft bug: a fingerprinted node shorter than its header")
            });
        u64::from_le_bytes(bytes)
    };
    (word(0), word(8), &encoded[HEADER..])
}

/// Visited nodes as fingerprints; waiting nodes in full.
pub(crate) struct FingerprintStore {
    /// The fingerprints of the nodes stored.
    visited: Visited,
    /// The nodes not expanded yet, encoded, in id order from `first`
    /// (spilled to files beyond its memory budget).
    frontier: Frontier,
    /// The id of the frontier's front.
    first: u32,
    /// Reused encoding buffer.
    buf: Vec<u8>,
    /// Fingerprints inserted ahead of the commit of their nodes (see
    /// [`FingerprintStore::insert_ahead`]).
    ahead: Ahead,
}

/// The fingerprints of a batch's successors, inserted into the visited set
/// ahead of their commit, in the order the commit adds them, with whether
/// each was new; the commit takes them from `next` on.
#[derive(Default)]
struct Ahead {
    fingerprints: Vec<u64>,
    new: Vec<bool>,
    next: usize,
    /// How many of those from `next` on were new: inserted, not yet
    /// stored (not counted by [`FingerprintStore::len`]).
    pending: usize,
}

impl Ahead {
    /// The answer found ahead for the next node added, `fp`, if there is
    /// one left: whether it was new.
    fn take(&mut self, fp: u64) -> Option<bool> {
        let at = self.next;
        let &new = self.new.get(at)?;
        if self.fingerprints[at] != fp {
            unreachable!("internal weft bug: a node added out of the order it was inserted ahead");
        }
        self.next += 1;
        self.pending -= usize::from(new);
        Some(new)
    }

    /// Whether `fp` was inserted ahead as new and its node not yet added
    /// (so it is in the set but not stored). (Asked only when a state
    /// bound is reached: a scan of the batch.)
    fn pending(&self, fp: u64) -> bool {
        self.fingerprints[self.next..]
            .iter()
            .zip(&self.new[self.next..])
            .any(|(&x, &new)| new && x == fp)
    }
}

/// How the fingerprints are kept.
enum Visited {
    /// With each node's id, for a graph that records edges.
    Ids {
        /// Each node's fingerprint, by id.
        fingerprints: Vec<u64>,
        /// The ids, hashed by their fingerprints.
        index: HashTable<u32>,
        /// Each node's state's fingerprint (without its sleep set), by
        /// id: how many distinct states the nodes hold.
        state_fingerprints: Vec<u64>,
    },
    /// The fingerprints alone (9 to 11 bytes each), for a graph without
    /// edges: a node met again is only known to be visited.
    Set(FingerprintSet),
}

impl FingerprintStore {
    /// An empty store whose frontier keeps at most about `frontier_budget`
    /// bytes in memory (`None`: all of it); `ids`: whether a node met
    /// again must be named (its id: the graph records edges), else only
    /// known to be visited ([`UNKNOWN`] stands for its id).
    pub(crate) fn new(frontier_budget: Option<u64>, ids: bool) -> FingerprintStore {
        FingerprintStore {
            visited: if ids {
                Visited::Ids {
                    fingerprints: Vec::new(),
                    index: HashTable::new(),
                    state_fingerprints: Vec::new(),
                }
            } else {
                Visited::Set(FingerprintSet::default())
            },
            frontier: Frontier::new(frontier_budget),
            first: 0,
            buf: Vec::new(),
            ahead: Ahead::default(),
        }
    }

    /// How many nodes were stored.
    pub(crate) fn len(&self) -> usize {
        match &self.visited {
            Visited::Ids { fingerprints, .. } => fingerprints.len(),
            Visited::Set(set) => set.len() - self.ahead.pending,
        }
    }

    /// Inserts the fingerprints of the nodes `encoded` ([`encode_for`])
    /// into the visited set at once, in parallel by shard, for the next
    /// [`FingerprintStore::insert_encoded`] calls, which must add the same
    /// nodes in the same order; the answers are those the calls would
    /// have found, so the commit is the same, less the lookups. Only the
    /// fingerprint set (no ids) is filled ahead; false when the store
    /// keeps ids and nothing was done.
    pub(crate) fn insert_ahead<'e>(&mut self, encoded: impl Iterator<Item = &'e [u8]>) -> bool {
        self.forget_ahead();
        let Visited::Set(set) = &mut self.visited else {
            return false;
        };
        let ahead = &mut self.ahead;
        ahead.fingerprints.extend(encoded.map(|e| split(e).0));
        set.insert_all(&ahead.fingerprints, &mut ahead.new);
        ahead.pending = ahead.new.iter().filter(|&&n| n).count();
        true
    }

    /// Takes back the fingerprints inserted ahead whose nodes were not
    /// added (the commit stopped before them: a bound cut the search).
    pub(crate) fn forget_ahead(&mut self) {
        let ahead = &mut self.ahead;
        // (Asked after every commit, also on one thread, where nothing is
        // inserted ahead.)
        if ahead.fingerprints.is_empty() {
            return;
        }
        if let Visited::Set(set) = &mut self.visited {
            for (&fp, &new) in ahead.fingerprints[ahead.next..]
                .iter()
                .zip(&ahead.new[ahead.next..])
            {
                if new && !set.remove(fp) {
                    unreachable!("internal weft bug: a fingerprint inserted ahead is gone");
                }
            }
        }
        ahead.fingerprints.clear();
        ahead.new.clear();
        ahead.next = 0;
        ahead.pending = 0;
    }

    /// Stores `node` unless its fingerprint is known; returns its id (or
    /// [`UNKNOWN`] for a known one, without ids) and whether it is new.
    pub(crate) fn insert(&mut self, node: &Node) -> (u32, bool) {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        encode_for(&mut buf, node);
        let found = self.insert_encoded(&buf);
        self.buf = buf;
        found
    }

    /// [`FingerprintStore::insert`] for a node another thread encoded
    /// ([`encode_for`]).
    pub(crate) fn insert_encoded(&mut self, encoded: &[u8]) -> (u32, bool) {
        let (fp, state_fp, bytes) = split(encoded);
        let id = self.len() as u32;
        match &mut self.visited {
            Visited::Ids {
                fingerprints,
                index,
                state_fingerprints,
            } => {
                let known = &*fingerprints;
                match index.entry(fp, |&id| known[id as usize] == fp, |&id| known[id as usize]) {
                    Entry::Occupied(e) => return (*e.get(), false),
                    Entry::Vacant(e) => {
                        e.insert(id);
                        fingerprints.push(fp);
                        state_fingerprints.push(state_fp);
                    }
                }
            }
            Visited::Set(set) => {
                let new = match self.ahead.take(fp) {
                    Some(new) => new,
                    None => set.insert(fp),
                };
                if !new {
                    return (UNKNOWN, false);
                }
            }
        }
        self.frontier.push_back(bytes);
        (id, true)
    }

    /// The id of a node another thread encoded ([`encode_for`]), if its
    /// fingerprint is known: [`UNKNOWN`] without ids.
    pub(crate) fn find_encoded(&self, encoded: &[u8]) -> Option<u32> {
        let (fp, _, _) = split(encoded);
        match &self.visited {
            Visited::Ids {
                fingerprints,
                index,
                ..
            } => index
                .find(fp, |&id| fingerprints[id as usize] == fp)
                .copied(),
            Visited::Set(set) => (set.contains(fp) && !self.ahead.pending(fp)).then_some(UNKNOWN),
        }
    }

    /// Whether the fingerprint of a node another thread encoded
    /// ([`encode_for`]) is known.
    pub(crate) fn contains_encoded(&self, encoded: &[u8]) -> bool {
        self.find_encoded(encoded).is_some()
    }

    /// Takes node `id`, the frontier's front, to expand it (it is dropped
    /// from the store: asked for again, it is rebuilt); `None` when it is
    /// not the front.
    pub(crate) fn take_next(&mut self, id: u32) -> Option<Taken<'_>> {
        if id != self.first {
            return None;
        }
        // Counted before the pop: the bytes returned borrow the frontier.
        self.first += 1;
        let Some(bytes) = self.frontier.pop_front() else {
            self.first -= 1;
            return None;
        };
        if bytes.is_empty() {
            // Its segment could not be read back: the caller rebuilds it.
            return Some(Taken::Lost);
        }
        Some(Taken::Bytes(bytes))
    }

    /// Node `id` if it is still waiting in the frontier.
    pub(crate) fn waiting(&self, id: u32) -> Option<Node> {
        let at = id.checked_sub(self.first)? as usize;
        self.frontier.get(at).map(decode_node)
    }

    /// How many distinct states the nodes hold (by fingerprint); `None`
    /// without ids (only the nodes' fingerprints are kept).
    pub(crate) fn distinct_states(&self) -> Option<usize> {
        match &self.visited {
            Visited::Ids {
                state_fingerprints, ..
            } => {
                let mut fps = state_fingerprints.clone();
                fps.sort_unstable();
                fps.dedup();
                Some(fps.len())
            }
            Visited::Set(_) => None,
        }
    }

    /// The chance that two of the nodes stored share a fingerprint (so one
    /// was taken for visited): at most `n (n - 1) / 2^65`.
    pub(crate) fn collision_probability(&self) -> f64 {
        let n = self.len() as f64;
        n * (n - 1.0) / 2f64.powi(65)
    }

    /// Bytes held (for statistics).
    pub(crate) fn heap_bytes(&self) -> usize {
        let visited = match &self.visited {
            Visited::Ids {
                fingerprints,
                index,
                state_fingerprints,
            } => {
                (fingerprints.capacity() + state_fingerprints.capacity()) * 8 + index.capacity() * 4
            }
            Visited::Set(set) => set.heap_bytes(),
        };
        visited + self.frontier.heap_bytes()
    }

    /// See [`Frontier::note_in_flight`].
    pub(crate) fn note_in_flight(&mut self, bytes: u64) {
        self.frontier.note_in_flight(bytes);
    }

    /// What the frontier did with its memory budget.
    pub(crate) fn frontier_stats(&self) -> FrontierStats {
        self.frontier.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::State;
    use crate::value::Value;

    fn node(i: i64) -> Node {
        Node::awake(State {
            globals: vec![Value::Int(i); 8],
            ..State::default()
        })
    }

    /// A batch's successors inserted ahead (repeats within the batch,
    /// nodes already stored) are added with the answers, ids and length
    /// of a store that inserts them one by one; a commit that stops part
    /// way takes the rest back, so the set holds what the other store
    /// holds, and `contains_encoded` agrees with it before and after.
    #[test]
    fn inserted_ahead_answers_as_in_order_and_a_cut_takes_the_rest_back() {
        let encoded = |i: i64| {
            let mut buf = Vec::new();
            encode_for(&mut buf, &node(i));
            buf
        };
        for stop_after in [0, 3, 7, 12] {
            let mut ahead = FingerprintStore::new(None, false);
            let mut one = FingerprintStore::new(None, false);
            for i in 0..5 {
                assert_eq!(ahead.insert(&node(i)), one.insert(&node(i)));
            }
            let batch: Vec<Vec<u8>> = [3, 10, 11, 10, 4, 12, 13, 11, 14, 2, 15, 16]
                .into_iter()
                .map(encoded)
                .collect();
            assert!(ahead.insert_ahead(batch.iter().map(|b| &b[..])));
            assert_eq!(ahead.len(), one.len(), "nothing stored yet");
            for b in &batch[..stop_after] {
                assert_eq!(ahead.contains_encoded(b), one.contains_encoded(b));
                assert_eq!(ahead.insert_encoded(b), one.insert_encoded(b));
                assert_eq!(ahead.len(), one.len());
            }
            for b in &batch {
                assert_eq!(ahead.contains_encoded(b), one.contains_encoded(b));
            }
            ahead.forget_ahead();
            assert_eq!(ahead.len(), one.len());
            for i in 0..20 {
                let b = encoded(i);
                assert_eq!(ahead.contains_encoded(&b), one.contains_encoded(&b), "{i}");
            }
            // And the store goes on as the other.
            for i in 8..18 {
                assert_eq!(ahead.insert(&node(i)), one.insert(&node(i)), "{i}");
            }
        }
        // A store with ids does not insert ahead.
        let mut ids = FingerprintStore::new(None, true);
        assert!(!ids.insert_ahead(std::iter::once(&encoded(1)[..])));
        assert_eq!(ids.insert_encoded(&encoded(1)), (0, true));
    }

    /// A segment of the frontier that cannot be read back: its nodes come
    /// out as lost, in their places (for the builder to rebuild from their
    /// paths), the others intact, and the statistics say how many.
    #[test]
    fn nodes_of_a_lost_segment_are_taken_as_lost() {
        let mut store = FingerprintStore::new(Some(2_000), true);
        for i in 0..400 {
            assert_eq!(store.insert(&node(i)), (i as u32, true));
        }
        store.frontier.lose_first_segment().expect("spilled");
        let mut lost = 0;
        for i in 0..400 {
            match store.take_next(i as u32) {
                Some(Taken::Bytes(b)) => assert_eq!(decode_node(b), node(i)),
                Some(Taken::Lost) => lost += 1,
                None => panic!("node {i} is the front"),
            }
        }
        assert!(lost > 0);
        let stats = store.frontier_stats();
        assert_eq!(stats.lost, lost);
        assert!(stats.read_failure.is_some());
    }
}
