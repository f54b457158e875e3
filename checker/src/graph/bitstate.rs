//! The bit-state store (`--store bitstate=SIZE`), Holzmann's *supertrace*:
//! the visited set is a bit array of `SIZE` bytes, and a node sets `k` bits
//! of it (3 by default, as SPIN's `-k`), all derived from one 128-bit xxh3
//! hash of its encoding by enhanced double hashing (Dillinger and
//! Manolios, SPIN 2004: as accurate as `k` independent hashes, the node
//! hashed once). A node whose `k` bits are all set is taken for visited,
//! which it may not be: then it, and whatever only it leads to, is missed.
//! The search is partial by construction and never says "verified".
//!
//! As with the fingerprint store, nodes live in full only while they wait
//! in the frontier, until their expansion is closed (encoded on their own,
//! and indexed there exactly, by their bytes); a node asked for after its
//! expansion is rebuilt by re-executing the path to it. A successor whose bits are set is looked
//! up in the frontier first: found, the edge is known exactly. Otherwise it
//! is *unconfirmed*: a node expanded before (a true revisit) or one never
//! seen (an omission), and its id is unknown. Every omission is among the
//! unconfirmed successors, so a search without any missed nothing, and
//! every edge of its graph is known.

use std::collections::VecDeque;

use bitvec::prelude::{BitVec, Lsb0};
use hashbrown::hash_table::HashTable;

use smallvec::SmallVec;

use super::encode::{decode_node, encode_node};
use super::Node;

/// What the bit array says of a node.
pub(crate) enum Seen {
    /// Not seen: stored now, with this id.
    New(u32),
    /// Waiting in the frontier with this id (an exact match).
    Waiting(u32),
    /// Its bits are set but it is not waiting: expanded before, or never
    /// seen and taken for visited (an omission). Its id is unknown.
    Unconfirmed,
}

/// What a bit-state search stored and may have missed (its numbers; the
/// estimates derived from them are methods).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BitstateStats {
    /// The bit array's size in bytes (`--store bitstate=SIZE`).
    pub bytes: u64,
    /// Bits set per node (`k`).
    pub hash_functions: u32,
    /// Nodes stored.
    pub nodes: usize,
    /// Bits set in the array.
    pub bits_set: u64,
    /// Successors whose bits were set and that were not waiting in the
    /// frontier: true revisits of expanded nodes, or omissions. An upper
    /// bound on the nodes taken for visited when first met.
    pub unconfirmed: u64,
    /// The expected number of nodes taken for visited when first met:
    /// the sum, over the nodes stored, of `p / (1 - p)` with `p = f^k` the
    /// chance, at the fill `f` the array had then, that a node never seen
    /// has all its bits set (each stored node stands for the new nodes met
    /// with that chance before it); never more than `unconfirmed`.
    pub expected_missed: f64,
    /// Whether bottom components of more than one state were decided:
    /// when every edge is known ([`BitstateStats::edges_known`]), or the
    /// program has no cycle (the search sets it; the store cannot know).
    pub cycles_decided: bool,
}

impl BitstateStats {
    /// Bits in the array.
    pub fn bits(&self) -> u64 {
        self.bytes * 8
    }

    /// SPIN's *hash factor*: bits per stored node (SPIN: best above 100).
    pub fn hash_factor(&self) -> f64 {
        self.bits() as f64 / self.nodes.max(1) as f64
    }

    /// The share of the array's bits that are set.
    pub fn fill(&self) -> f64 {
        self.bits_set as f64 / self.bits() as f64
    }

    /// The chance, at the end, that a node never seen would be taken for
    /// visited (all its bits set): `f^k`. Every omission had at most this
    /// chance, since the array only fills.
    pub fn miss_probability(&self) -> f64 {
        self.fill().powi(self.hash_functions as i32)
    }

    /// The estimated share of the nodes met that were stored:
    /// `n / (n + expected missed)`; 1 when nothing was unconfirmed. It
    /// counts the nodes missed when first met, not those only they lead
    /// to, which no bit-state search can count.
    pub fn coverage(&self) -> f64 {
        let n = self.nodes as f64;
        if n == 0.0 {
            return 1.0;
        }
        n / (n + self.expected_missed)
    }

    /// The chance that at least one node was missed, `1 - e^-E` with `E`
    /// the expected number missed (0 when nothing was unconfirmed).
    pub fn any_missed_probability(&self) -> f64 {
        -(-self.expected_missed).exp_m1()
    }

    /// Whether every edge of the graph is known: no successor was
    /// unconfirmed, so nothing was missed, and bottom components of any
    /// size are decided as with the full store.
    pub fn edges_known(&self) -> bool {
        self.unconfirmed == 0
    }
}

/// The bytes before a node's encoding in [`encode_for`]'s form: its
/// 128-bit hash.
const HEADER: usize = 16;

/// Appends `node` in the form [`BitStore::insert_encoded`] takes: its
/// 128-bit xxh3 hash, little-endian, then the node encoded whole
/// ([`encode_node`]). The thread that makes a node computes it, so the
/// search's thread only sets and tests bits.
pub(crate) fn encode_for(out: &mut Vec<u8>, node: &Node) {
    let at = out.len();
    out.resize(at + HEADER, 0);
    encode_node(out, node);
    let h = xxhash_rust::xxh3::xxh3_128(&out[at + HEADER..]);
    out[at..at + HEADER].copy_from_slice(&h.to_le_bytes());
}

/// The hash and the node's bytes of an [`encode_for`] encoding.
fn split(encoded: &[u8]) -> (u128, &[u8]) {
    let bytes: [u8; HEADER] = encoded
        .get(..HEADER)
        .and_then(|b| b.try_into().ok())
        .unwrap_or_else(|| {
            unreachable!("internal weft bug: a hashed node shorter than its header")
        });
    (u128::from_le_bytes(bytes), &encoded[HEADER..])
}

/// Visited nodes as bits; waiting nodes in full.
pub(crate) struct BitStore {
    /// The bit array.
    bits: BitVec<u64, Lsb0>,
    /// Bits set per node.
    hashes: u32,
    /// Bits set so far.
    set: u64,
    /// Nodes stored.
    len: u32,
    /// The nodes not expanded yet, with the low half of their hash, in id
    /// order from `first`.
    frontier: VecDeque<(u64, Box<[u8]>)>,
    /// The frontier's ids, by the low half of their hash.
    index: HashTable<u32>,
    /// The id of the frontier's front: the first node not closed yet.
    first: u32,
    /// The next node to take for expansion (nodes of a batch are taken
    /// before the first of them is closed; they stay in the frontier, and
    /// found there, until closed, so what the search finds does not
    /// depend on the batch, hence on the number of threads).
    next: u32,
    /// See [`BitstateStats::unconfirmed`].
    unconfirmed: u64,
    /// See [`BitstateStats::expected_missed`].
    expected_missed: f64,
    /// Reused encoding buffer.
    buf: Vec<u8>,
}

impl BitStore {
    /// An empty store of `bytes` bytes (at least 1) setting `hashes` bits
    /// per node (at least 1). The array is allocated zeroed, so the
    /// system gives its pages only as bits are set in them.
    pub(crate) fn new(bytes: u64, hashes: u32) -> BitStore {
        let words = bytes.div_ceil(8).max(1) as usize;
        let mut bits = BitVec::from_vec(vec![0u64; words]);
        bits.truncate((bytes.max(1) * 8) as usize);
        BitStore {
            bits,
            hashes: hashes.max(1),
            set: 0,
            len: 0,
            frontier: VecDeque::new(),
            index: HashTable::new(),
            first: 0,
            next: 0,
            unconfirmed: 0,
            expected_missed: 0.0,
            buf: Vec::new(),
        }
    }

    /// How many nodes were stored.
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// The `k` bit positions of a node whose 128-bit hash is `h`: enhanced
    /// double hashing (`h1 + i h2 + (i^3 - i) / 6`), each reduced to the
    /// array's size by a multiply-shift, so any size works.
    fn positions(&self, h: u128) -> impl Iterator<Item = usize> {
        let m = self.bits.len() as u128;
        let mut a = h as u64;
        let mut b = (h >> 64) as u64;
        (0..u64::from(self.hashes)).map(move |i| {
            let at = ((u128::from(a) * m) >> 64) as usize;
            a = a.wrapping_add(b);
            b = b.wrapping_add(i);
            at
        })
    }

    /// The id of the waiting node encoded as `bytes` with hash low half
    /// `low`, if it is waiting.
    fn waiting_id(&self, low: u64, bytes: &[u8]) -> Option<u32> {
        self.index
            .find(low, |&id| {
                let (l, b) = &self.frontier[(id - self.first) as usize];
                *l == low && **b == *bytes
            })
            .copied()
    }

    /// Looks `node` up, storing it when its bits are not all set.
    pub(crate) fn insert(&mut self, node: &Node) -> Seen {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        encode_for(&mut buf, node);
        let seen = self.insert_encoded(&buf);
        self.buf = buf;
        seen
    }

    /// [`BitStore::insert`] for a node another thread encoded
    /// ([`encode_for`]).
    pub(crate) fn insert_encoded(&mut self, encoded: &[u8]) -> Seen {
        let (h, bytes) = split(encoded);
        let low = h as u64;
        let positions: SmallVec<[usize; 8]> = self.positions(h).collect();
        if positions.iter().all(|&p| self.bits[p]) {
            return match self.waiting_id(low, bytes) {
                Some(id) => Seen::Waiting(id),
                None => {
                    self.unconfirmed += 1;
                    Seen::Unconfirmed
                }
            };
        }
        // The chance this node would have been taken for visited at the
        // array's fill before it, and so how many new nodes it stands for
        // that were (see `BitstateStats::expected_missed`).
        let p = (self.set as f64 / self.bits.len() as f64).powi(self.hashes as i32);
        self.expected_missed += p / (1.0 - p);
        for p in positions {
            if !self.bits.replace(p, true) {
                self.set += 1;
            }
        }
        let id = self.len;
        self.len += 1;
        let frontier = &self.frontier;
        let first = self.first;
        self.index
            .insert_unique(low, id, |&i| frontier[(i - first) as usize].0);
        self.frontier.push_back((low, bytes.into()));
        Seen::New(id)
    }

    /// Whether a node another thread encoded ([`encode_for`]) is taken for
    /// visited: waiting, or its bits all set.
    pub(crate) fn contains_encoded(&self, encoded: &[u8]) -> bool {
        let (h, _) = split(encoded);
        self.positions(h).all(|p| self.bits[p])
    }

    /// The id of a node another thread encoded ([`encode_for`]) whose
    /// bits are all set: its own while it waits in the frontier, else
    /// [`super::UNKNOWN`] (expanded, or another node's bits).
    pub(crate) fn find_encoded(&self, encoded: &[u8]) -> Option<u32> {
        let (h, bytes) = split(encoded);
        if !self.positions(h).all(|p| self.bits[p]) {
            return None;
        }
        Some(self.waiting_id(h as u64, bytes).unwrap_or(super::UNKNOWN))
    }

    /// Takes node `id`, the next one not taken, to expand it: its bytes
    /// ([`encode_node`]); it stays waiting until [`BitStore::close`].
    pub(crate) fn take_next(&mut self, id: u32) -> Option<&[u8]> {
        if id != self.next {
            return None;
        }
        let (_, bytes) = self.frontier.get((id - self.first) as usize)?;
        self.next += 1;
        Some(bytes)
    }

    /// Node `id`, the frontier's front, is expanded: it leaves the store
    /// (asked for again, it is rebuilt). False if it is not the front.
    pub(crate) fn close(&mut self, id: u32) -> bool {
        if id != self.first || id >= self.next {
            return false;
        }
        let Some((low, _)) = self.frontier.pop_front() else {
            return false;
        };
        if let Ok(entry) = self.index.find_entry(low, |&i| i == id) {
            entry.remove();
        }
        self.first += 1;
        true
    }

    /// Node `id` if it is still waiting in the frontier.
    pub(crate) fn waiting(&self, id: u32) -> Option<Node> {
        let at = id.checked_sub(self.first)? as usize;
        self.frontier.get(at).map(|(_, bytes)| decode_node(bytes))
    }

    /// What the search stored and may have missed.
    pub(crate) fn stats(&self) -> BitstateStats {
        BitstateStats {
            bytes: (self.bits.len() / 8) as u64,
            hash_functions: self.hashes,
            nodes: self.len(),
            bits_set: self.set,
            unconfirmed: self.unconfirmed,
            expected_missed: self.expected_missed.min(self.unconfirmed as f64),
            cycles_decided: self.unconfirmed == 0,
        }
    }

    /// Bytes held (for statistics): the array, the frontier and its index.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.bits.as_raw_slice().len() * 8
            + self.index.capacity() * 4
            + self
                .frontier
                .iter()
                .map(|(_, b)| b.len() + 24)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reduce::SleepSet;
    use crate::state::State;

    fn node(v: i64) -> Node {
        let mut state = State::default();
        state.globals.push(crate::value::Value::Int(v));
        Node {
            state,
            sleep: SleepSet::new(),
        }
    }

    #[test]
    fn a_large_array_stores_every_node_once() {
        let mut store = BitStore::new(1 << 16, 3);
        for v in 0..1000 {
            assert!(matches!(store.insert(&node(v)), Seen::New(id) if id == v as u32));
        }
        // Waiting nodes are found exactly.
        assert!(matches!(store.insert(&node(7)), Seen::Waiting(7)));
        for id in 0..10 {
            assert!(store.take_next(id).is_some());
        }
        // Taken, not closed: still found exactly.
        assert!(matches!(store.insert(&node(3)), Seen::Waiting(3)));
        for id in 0..10 {
            assert!(store.close(id));
        }
        // Expanded ones are only known by their bits.
        assert!(matches!(store.insert(&node(3)), Seen::Unconfirmed));
        let st = store.stats();
        assert_eq!((st.nodes, st.unconfirmed), (1000, 1));
        assert!(st.bits_set <= 3000 && st.bits_set > 2900, "{st:?}");
        assert!((st.hash_factor() - 524.288).abs() < 1e-9);
        assert!(
            st.coverage() > 0.999 && st.any_missed_probability() < 0.01,
            "{st:?}"
        );
    }

    #[test]
    fn a_tiny_array_fills_and_says_so() {
        // 8 bytes, 64 bits: after a few dozen nodes every new one looks seen.
        let mut store = BitStore::new(8, 3);
        let mut missed = 0;
        for v in 0..500 {
            if matches!(store.insert(&node(v)), Seen::Unconfirmed | Seen::Waiting(_)) {
                missed += 1;
            }
        }
        let st = store.stats();
        assert_eq!(st.nodes + missed, 500);
        assert!(st.nodes < 100, "{st:?}");
        assert!(st.fill() > 0.9 && st.miss_probability() > 0.7, "{st:?}");
        assert!(st.coverage() < 0.5, "{st:?}");
        assert!(st.any_missed_probability() > 0.99, "{st:?}");
        assert!(!st.edges_known());
    }
}
