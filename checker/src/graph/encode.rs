//! The stored form of a node: a few bytes, with its parts shared.
//!
//! A state splits into parts: the shared part (globals, objects, whether
//! main returned), the goroutines' identities (one part for all of them),
//! and one part per goroutine's execution. Each part is encoded once
//! (postcard: varints, no padding) and stored once in its own
//! [`Interner`]; a node is then the list of its parts' ids plus its sleep
//! set, itself stored once. This is SPIN's *collapse* compression: a
//! goroutine's local state recurs across many global states, so most
//! states cost only their list of ids, a byte or two per goroutine.
//!
//! Encoding is exact: [`NodeStore::node`] gives back the node stored,
//! equal to it in every field, so the explorer and the detectors see
//! what they stored.

use std::rc::Rc;

use smallvec::SmallVec;

use super::by_hand::{decode_execution, encode_execution};
use super::intern::{push_varint, read_varint, Interner};
use super::shared::{decode_shared, decode_shared_into, encode_shared};
use super::{Found, Node};
use crate::reduce::sleep::StepKey;
use crate::reduce::SleepSet;
use crate::state::{Execution, Goroutine, GoroutineId, Object, State};
use crate::value::Value;

/// The shared part of a state, as encoded.
type Shared<'a> = (&'a [Value], &'a [Object], bool);

/// The shared part of a state, as decoded.
type OwnedShared = (Vec<Value>, Rc<Vec<Object>>, bool);

/// The nodes of a graph, stored compactly, each once, by id.
pub(crate) struct NodeStore {
    /// Names this store among all (part ids are its own), for the
    /// threads' caches of decoded executions.
    serial: u64,
    /// Distinct shared parts.
    shared: Interner,
    /// Distinct lists of goroutine identities.
    ids: Interner,
    /// Distinct goroutine executions.
    goroutines: Interner,
    /// Distinct nodes: part ids (shared, identities, the number of
    /// goroutines, each one's execution), then the encoded sleep set.
    nodes: Interner,
    /// True once a node with a non-empty sleep set is stored (otherwise
    /// nodes and states are the same thing).
    any_asleep: bool,
    /// Reused encoding buffers.
    scratch: Vec<u8>,
    key: Vec<u8>,
}

/// How many decoded executions a thread keeps at most (about twice as
/// many as there are distinct executions in the store, up to this).
const DECODED: usize = 1 << 16;

impl Default for NodeStore {
    fn default() -> Self {
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        NodeStore {
            serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            shared: Interner::default(),
            ids: Interner::default(),
            goroutines: Interner::default(),
            nodes: Interner::default(),
            any_asleep: false,
            scratch: Vec::new(),
            key: Vec::new(),
        }
    }
}

impl NodeStore {
    /// How many nodes are stored.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Stores `node` unless stored; returns its id and whether it is new.
    pub(crate) fn insert(&mut self, node: &Node) -> (u32, bool) {
        self.insert_near(node, None)
    }

    /// [`NodeStore::insert`] for a successor of stored node `near`, whose
    /// state is given: the parts a step left equal to `near`'s keep their
    /// ids without being encoded again (a step changes one goroutine or
    /// two, and perhaps the objects).
    pub(crate) fn insert_near(&mut self, node: &Node, near: Option<(u32, &State)>) -> (u32, bool) {
        let mut encoded = std::mem::take(&mut self.scratch);
        encoded.clear();
        match near {
            Some((id, state)) => encode_near(&mut encoded, node, state, &self.part_ids(id)),
            None => encode_near(&mut encoded, node, &State::default(), &[]),
        }
        let found = self.insert_encoded(&encoded);
        self.scratch = encoded;
        found
    }

    /// Stores a node another thread encoded ([`encode_near`], against a
    /// node of this store) unless stored; returns its id and whether it
    /// is new.
    pub(crate) fn insert_encoded(&mut self, encoded: &Encoded) -> (u32, bool) {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        let count = Parts::count(encoded);
        let mut parts = Parts::new(encoded);
        for k in 0..count {
            let id = match parts.next() {
                Some(Part::Known(id)) => id,
                Some(Part::New(bytes, hash)) => {
                    let set = match k {
                        0 => &mut self.shared,
                        1 => &mut self.ids,
                        _ => &mut self.goroutines,
                    };
                    set.insert_hashed(bytes, hash).0
                }
                None => unreachable!("internal weft bug: an encoded node lacks a part"),
            };
            push_varint(&mut key, u64::from(id));
            if k == 1 {
                push_varint(&mut key, count as u64 - 2);
            }
        }
        let (asleep, sleep) = parts.rest();
        self.any_asleep |= asleep;
        key.extend_from_slice(sleep);
        let found = self.nodes.insert(&key);
        self.key = key;
        found
    }

    /// The id of a node another thread encoded, if stored.
    pub(crate) fn find_encoded(&self, encoded: &Encoded) -> Option<u32> {
        let mut key = Vec::new();
        let count = Parts::count(encoded);
        let mut parts = Parts::new(encoded);
        for k in 0..count {
            let id = match parts.next()? {
                Part::Known(id) => id,
                Part::New(bytes, hash) => {
                    let set = match k {
                        0 => &self.shared,
                        1 => &self.ids,
                        _ => &self.goroutines,
                    };
                    set.find_hashed(bytes, hash)?
                }
            };
            push_varint(&mut key, u64::from(id));
            if k == 1 {
                push_varint(&mut key, count as u64 - 2);
            }
        }
        key.extend_from_slice(parts.rest().1);
        self.nodes.find(&key)
    }

    /// Looks `encoded` up, as [`NodeStore::find_encoded`] does (reading
    /// only), and marks each new part found as found, with its id, so that
    /// inserting the node later does not look the part up again. A part or
    /// node found keeps its id: the store only grows.
    pub(crate) fn find_ahead(&self, encoded: &mut Encoded) -> Found {
        let absent = Found::Absent(self.len() as u32);
        let mut key = SmallVec::<[u8; 32]>::new();
        let mut at = 0;
        let count = read_varint(encoded, &mut at) as usize;
        let mut all = true;
        for k in 0..count {
            let tag = encoded[at];
            if tag == KNOWN {
                at += 1;
                let id = read_varint(encoded, &mut at);
                push_varint_small(&mut key, id);
            } else {
                let header = at + 1;
                let len = u32::from_le_bytes(
                    encoded[header..header + 4]
                        .try_into()
                        .expect("internal weft bug: an encoded part's header is cut short"),
                ) as usize;
                let start = header + 12;
                let id = if tag == FOUND {
                    Some(u32::from_le_bytes(
                        encoded[header + 4..header + 8]
                            .try_into()
                            .expect("internal weft bug: an encoded part's header is cut short"),
                    ))
                } else {
                    let hash = u64::from_le_bytes(
                        encoded[header + 4..header + 12]
                            .try_into()
                            .expect("internal weft bug: an encoded part's header is cut short"),
                    );
                    let set = match k {
                        0 => &self.shared,
                        1 => &self.ids,
                        _ => &self.goroutines,
                    };
                    let found = set.find_hashed(&encoded[start..start + len], hash);
                    if let Some(id) = found {
                        encoded[at] = FOUND;
                        encoded[header + 4..header + 8].copy_from_slice(&id.to_le_bytes());
                    }
                    found
                };
                match id {
                    Some(id) => push_varint_small(&mut key, u64::from(id)),
                    None => all = false,
                }
                at = start + len;
            }
            if k == 1 {
                push_varint_small(&mut key, count as u64 - 2);
            }
        }
        if !all {
            return absent;
        }
        key.extend_from_slice(&encoded[at + 1..]);
        self.nodes.find(&key).map_or(absent, Found::Stored)
    }

    /// Copies what decoding node `id` needs (its part ids, the parts'
    /// bytes and its sleep set's) into `out`, for a thread that decodes it
    /// without the store ([`Packed::decode`]).
    pub(crate) fn pack(&self, id: u32, out: &mut Packed) {
        out.store = self.serial;
        out.cache_slots = self.cache_slots();
        out.parts.clear();
        out.ends.clear();
        out.bytes.clear();
        let key = self.nodes.get(id);
        let mut at = 0;
        for k in 0.. {
            if k == 2 {
                let n = read_varint(key, &mut at);
                for _ in 0..n {
                    let part = read_varint(key, &mut at) as u32;
                    out.parts.push(part);
                    out.bytes.extend_from_slice(self.goroutines.get(part));
                    out.ends.push(out.bytes.len() as u32);
                }
                break;
            }
            let part = read_varint(key, &mut at) as u32;
            let set = if k == 0 { &self.shared } else { &self.ids };
            out.parts.push(part);
            out.bytes.extend_from_slice(set.get(part));
            out.ends.push(out.bytes.len() as u32);
        }
        out.bytes.extend_from_slice(&key[at..]);
    }

    /// Decodes node `id` in place, on the thread that expands it (with
    /// one thread, the search's own: nothing to copy out, as
    /// [`NodeStore::pack`] does for another thread); its part ids into
    /// `parts`.
    pub(crate) fn decode_here(&self, id: u32, parts: &mut SmallVec<[u32; 16]>) -> Node {
        let key = self.nodes.get(id);
        let at = read_part_ids(key, parts);
        let parts = &*parts;
        let part = |k: usize| match k {
            0 => self.shared.get(parts[0]),
            1 => self.ids.get(parts[1]),
            _ => self.goroutines.get(parts[k]),
        };
        decode_parts(self.serial, self.cache_slots(), parts, part, &key[at..])
    }

    /// How many executions a thread decoding this store's nodes keeps
    /// decoded: about twice as many as the store holds, within bounds.
    fn cache_slots(&self) -> usize {
        (self.goroutines.len() * 2)
            .next_power_of_two()
            .clamp(64, DECODED)
    }

    /// The part ids of stored node `id`: the shared part's, the
    /// identities', then each goroutine's execution's.
    fn part_ids(&self, id: u32) -> smallvec::SmallVec<[u32; 16]> {
        let mut ids = smallvec::SmallVec::new();
        read_part_ids(self.nodes.get(id), &mut ids);
        ids
    }

    /// The id of `node`, if stored.
    #[cfg(test)]
    pub(crate) fn find(&self, node: &Node) -> Option<u32> {
        let mut key = Vec::new();
        let mut part = Vec::new();
        let state = &node.state;
        encode_shared(
            &mut part,
            &state.globals,
            &state.objects,
            state.main_returned,
        );
        push_varint(&mut key, u64::from(self.shared.find(&part)?));
        part.clear();
        encode_identities(&mut part, &state.goroutines);
        push_varint(&mut key, u64::from(self.ids.find(&part)?));
        push_varint(&mut key, state.goroutines.len() as u64);
        for g in &state.goroutines {
            part.clear();
            encode_execution(&mut part, g);
            push_varint(&mut key, u64::from(self.goroutines.find(&part)?));
        }
        encode_sleep(&mut key, &node.sleep);
        self.nodes.find(&key)
    }

    /// The node with id `id`.
    #[cfg(test)]
    pub(crate) fn node(&self, id: u32) -> Node {
        let key = self.nodes.get(id);
        let mut at = 0;
        let state = self.state_at(key, &mut at);
        let sleep = decode_sleep(&key[at..]);
        Node { state, sleep }
    }

    /// The state of node `id`.
    pub(crate) fn state(&self, id: u32) -> State {
        self.state_at(self.nodes.get(id), &mut 0)
    }

    /// Decodes the state whose part ids start at `key[*at]`, moving past
    /// them.
    fn state_at(&self, key: &[u8], at: &mut usize) -> State {
        let (globals, objects, main_returned) = self.shared_at(key, at);
        let ids = self.ids_at(key, at);
        let n = read_varint(key, at) as usize;
        let goroutines = ids
            .into_iter()
            .take(n)
            .map(|(id, spawned)| {
                let part = read_varint(key, at) as u32;
                let execution = decode_execution(self.goroutines.get(part));
                Goroutine::sharing(id, spawned, Rc::new(execution))
            })
            .collect();
        State {
            globals,
            goroutines,
            objects: Rc::new(objects),
            main_returned,
        }
    }

    /// Decodes the shared part whose id is at `key[*at]`.
    fn shared_at(&self, key: &[u8], at: &mut usize) -> (Vec<Value>, Vec<Object>, bool) {
        decode_shared(self.shared.get(read_varint(key, at) as u32))
    }

    /// Decodes the identities (with spawn counts) whose id is at `key[*at]`.
    fn ids_at(&self, key: &[u8], at: &mut usize) -> Vec<(GoroutineId, u32)> {
        decode_identities(self.ids.get(read_varint(key, at) as u32))
    }

    /// How many distinct states the nodes hold (a state may be stored once
    /// per sleep set it was reached with).
    pub(crate) fn distinct_states(&self) -> usize {
        if !self.any_asleep {
            return self.len();
        }
        // A node's state: its key without the sleep set.
        let state_of = |id: u32| {
            let key = self.nodes.get(id);
            let mut at = 0;
            read_varint(key, &mut at);
            read_varint(key, &mut at);
            let n = read_varint(key, &mut at);
            (0..n).for_each(|_| {
                read_varint(key, &mut at);
            });
            &key[..at]
        };
        let hash = |bytes: &[u8]| xxhash_rust::xxh3::xxh3_64(bytes);
        // Node ids, 4 bytes each, the states' bytes found in the store (a
        // set of the bytes' slices held 16 bytes a node, 35 MB more on
        // lastzero(16) at the end of the search).
        let mut seen: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(self.len());
        (0..self.len() as u32)
            .filter(|&id| {
                let state = state_of(id);
                match seen.entry(
                    hash(state),
                    |&other| state_of(other) == state,
                    |&other| hash(state_of(other)),
                ) {
                    hashbrown::hash_table::Entry::Occupied(_) => false,
                    hashbrown::hash_table::Entry::Vacant(v) => {
                        v.insert(id);
                        true
                    }
                }
            })
            .count()
    }

    /// Bytes held by the store (for statistics).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.shared.heap_bytes()
            + self.ids.heap_bytes()
            + self.goroutines.heap_bytes()
            + self.nodes.heap_bytes()
    }
}

/// A node encoded by the thread that made it, to be stored by the one
/// that owns the store ([`NodeStore::insert_encoded`]), in bytes appended
/// to a buffer ([`encode_near`]): the number of parts (the shared part,
/// the identities, then each goroutine's execution), then each part, as
/// `0` and the varint id of an equal part of the node it was made from,
/// or `1`, its length (4 bytes), its hash (8 bytes) and its bytes; then
/// `1` if its sleep set is not empty, and the sleep set's bytes to the
/// end. What crosses threads is these bytes, one run of them per
/// expansion, not the state: a state allocated on one thread and freed on
/// another costs more than making it, and bytes read in order cost the
/// reading core least (checker/README, "Every core").
pub(crate) type Encoded = [u8];

const KNOWN: u8 = 0;
const NEW: u8 = 1;
/// A new part found in the store before the node is added
/// ([`NodeStore::find_ahead`]): its hash's first four bytes hold its id
/// (the header keeps its length, so the part is read past as before).
const FOUND: u8 = 2;

/// Appends `node`, made from `near` by one step, encoded (see [`Encoded`])
/// to `out` (`near_parts`: the part ids of `near`'s stored node; empty to
/// encode every part): a part equal to `near`'s (the same globals and
/// objects, the same identities, an execution shared with one of `near`'s
/// goroutines) is named by its id, without being encoded.
pub(crate) fn encode_near(out: &mut Vec<u8>, node: &Node, near: &State, near_parts: &[u32]) {
    let state = &node.state;
    let known = !near_parts.is_empty();
    push_varint(out, state.goroutines.len() as u64 + 2);
    // (The objects first: shared, they are the same at a glance; a step
    // that changed one copied them, and the globals need no test.)
    let same_shared = known
        && near.main_returned == state.main_returned
        && near.objects == state.objects
        && near.globals == state.globals;
    if same_shared {
        known_part(out, near_parts[0]);
    } else {
        new_part(out, |out| {
            encode_shared(out, &state.globals, &state.objects, state.main_returned)
        });
    }
    let same_ids = known
        && near.goroutines.len() == state.goroutines.len()
        && near
            .goroutines
            .iter()
            .zip(&state.goroutines)
            .all(|(a, b)| a.id == b.id);
    if same_ids {
        known_part(out, near_parts[1]);
    } else {
        new_part(out, |out| encode_identities(out, &state.goroutines));
    }
    // Goroutines keep their order along a step (one may end, one may
    // start, the others may be renamed): an execution shared with the
    // one near is found a position or two on.
    let mut j = 0;
    for g in &state.goroutines {
        let ahead = if known {
            (j..near.goroutines.len().min(j + 3))
                .find(|&k| Rc::ptr_eq(near.goroutines[k].execution(), g.execution()))
        } else {
            None
        };
        match ahead {
            Some(k) => {
                known_part(out, near_parts[k + 2]);
                j = k + 1;
            }
            None => new_part(out, |out| encode_execution(out, g)),
        }
    }
    out.push(u8::from(!node.sleep.is_empty()));
    encode_sleep(out, &node.sleep);
}

/// [`push_varint`] into a key on the stack.
fn push_varint_small(out: &mut SmallVec<[u8; 32]>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a part named by its id.
fn known_part(out: &mut Vec<u8>, id: u32) {
    out.push(KNOWN);
    push_varint(out, u64::from(id));
}

/// Appends a new part written by `write`, with its length and hash.
fn new_part(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    out.push(NEW);
    let header = out.len();
    out.extend_from_slice(&[0; 12]);
    write(out);
    let bytes = &out[header + 12..];
    let len = u32::try_from(bytes.len()).expect("a state part of 4 GB");
    let hash = super::intern::hash(bytes);
    out[header..header + 4].copy_from_slice(&len.to_le_bytes());
    out[header + 4..header + 12].copy_from_slice(&hash.to_le_bytes());
}

/// One part of an [`Encoded`] node, read.
enum Part<'a> {
    Known(u32),
    New(&'a [u8], u64),
}

/// Reads the parts of an [`Encoded`] node, one by one; `rest` is then its
/// sleep set's flag and bytes.
struct Parts<'a> {
    bytes: &'a [u8],
    at: usize,
    left: usize,
}

impl<'a> Parts<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut at = 0;
        let left = read_varint(bytes, &mut at) as usize;
        Parts { bytes, at, left }
    }

    /// The number of parts.
    fn count(bytes: &[u8]) -> usize {
        read_varint(bytes, &mut 0) as usize
    }

    /// Whether the sleep set is not empty, and its bytes (once every part
    /// was read).
    fn rest(&self) -> (bool, &'a [u8]) {
        (self.bytes[self.at] != 0, &self.bytes[self.at + 1..])
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = Part<'a>;

    fn next(&mut self) -> Option<Part<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let b = self.bytes;
        let tag = b[self.at];
        self.at += 1;
        if tag == KNOWN {
            return Some(Part::Known(read_varint(b, &mut self.at) as u32));
        }
        let header: [u8; 12] = b[self.at..self.at + 12]
            .try_into()
            .expect("internal weft bug: an encoded part's header is cut short");
        let [l0, l1, l2, l3, h0, h1, h2, h3, h4, h5, h6, h7] = header;
        let len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
        let start = self.at + 12;
        self.at = start + len;
        if tag == FOUND {
            return Some(Part::Known(u32::from_le_bytes([h0, h1, h2, h3])));
        }
        let hash = u64::from_le_bytes([h0, h1, h2, h3, h4, h5, h6, h7]);
        Some(Part::New(&b[start..start + len], hash))
    }
}

/// A stored node copied out of its store ([`NodeStore::pack`], or encoded
/// whole: [`Packed::set_whole`]) for a thread that decodes and expands it
/// while the store grows.
#[derive(Default, Debug)]
pub(crate) struct Packed {
    /// The store's serial (part ids are its own).
    store: u64,
    /// How many executions the decoding thread may keep decoded.
    cache_slots: usize,
    /// The part ids: shared, identities, then each goroutine's execution
    /// (none for a node encoded whole).
    pub(crate) parts: SmallVec<[u32; 16]>,
    /// Where each part's bytes end in `bytes`.
    ends: SmallVec<[u32; 16]>,
    /// The parts' bytes back to back, then the sleep set's.
    bytes: Vec<u8>,
}

/// Executions this thread decoded lately, by part id (direct-mapped, so
/// bounded), with the serial of the store the ids belong to: the states a
/// thread decodes share them instead of decoding them again.
/// Shared parts likewise ([`SHARED`] slots), cloned out.
#[derive(Default)]
struct Decoded {
    store: u64,
    slots: Vec<Option<(u32, Rc<Execution>)>>,
    /// By part id: the part, once met twice.
    shared: Vec<Option<(u32, Option<OwnedShared>)>>,
}

thread_local! {
    static DECODED_HERE: std::cell::RefCell<Decoded> = std::cell::RefCell::new(Decoded::default());
}

/// Drops this thread's decoded executions (a search ends).
pub(crate) fn forget_decoded() {
    DECODED_HERE.with(|d| *d.borrow_mut() = Decoded::default());
    WHOLE_HERE.with(|d| *d.borrow_mut() = Whole::default());
}

/// A kept execution: its bytes' hash, its bytes, itself.
type WholeSlot = (u64, Box<[u8]>, Rc<Execution>);

/// How many executions a thread keeps with their bytes ([`Whole`]).
const WHOLE: usize = 1 << 12;

/// Executions this thread decoded from nodes encoded whole or encoded into
/// them lately, with their bytes: direct-mapped by the bytes' hash, and
/// found by pointer too (the cache holds each one, so no other execution
/// can take its address meanwhile). A goroutine a step left unchanged is
/// then decoded and encoded once, and shared between the states that
/// hold it, as the full store's parts are. An execution held here is
/// never written in place: a state that changes it copies it first.
///
/// Shared parts are kept the same way, decoded, by their bytes' hash
/// ([`Whole::shared_into`]); and a state whose shared part equals the one
/// this thread decoded last (its parent's, when a step left every object
/// as it was) copies that one's bytes instead of encoding it again
/// ([`Whole::shared_bytes`]).
///
/// The slots hold positions in `kept` (one more: 0 is an empty slot), so
/// that the table is zeroed memory, which the allocator hands over
/// without writing it: the table of the executions themselves (128 KB)
/// was written and freed by every search on every thread, some 0.1 ms,
/// a tenth of a small search (indexer(8) in the bench).
#[derive(Default)]
struct Whole {
    slots: Vec<u32>,
    /// The executions kept, each in the slot that holds its position.
    kept: Vec<WholeSlot>,
    /// Where each execution kept is in `kept`, by its address.
    by_address: rustc_hash::FxHashMap<usize, usize>,
    scratch: Vec<u8>,
    shared: Vec<Option<SharedSlot>>,
    last_shared: Option<usize>,
}

/// A kept shared part: its bytes' hash, its bytes, and itself decoded
/// once it was met twice.
type SharedSlot = (u64, Box<[u8]>, Option<OwnedShared>);

/// How many shared parts a thread keeps decoded ([`Whole`], [`Decoded`]).
/// Few: a decoded shared part holds every object, and 256 of them were
/// 3 bytes per stored state beyond the frontier on lastzero(13) with two
/// threads (17.4 against 14.3); 16 keep most of the speed (0.95 of the
/// time before the cache, with fingerprints).
const SHARED: usize = 1 << 4;

impl Whole {
    /// The slot of the executions whose bytes hash to `hash`.
    fn slot(&mut self, hash: u64) -> usize {
        if self.slots.is_empty() {
            self.slots = vec![0; WHOLE];
        }
        (hash as usize) & (WHOLE - 1)
    }

    /// The execution kept in slot `i`, if any: its position in `kept`.
    fn kept_in(&self, i: usize) -> Option<usize> {
        (self.slots[i] as usize).checked_sub(1)
    }

    /// Keeps `execution`, whose bytes are `bytes`, in its slot, in place
    /// of the one kept there; returns its position in `kept`.
    fn keep(&mut self, hash: u64, bytes: &[u8], execution: &Rc<Execution>) -> usize {
        let i = self.slot(hash);
        let entry = (hash, bytes.into(), Rc::clone(execution));
        let at = match self.kept_in(i) {
            Some(at) => {
                let old = std::mem::replace(&mut self.kept[at], entry);
                self.by_address.remove(&(Rc::as_ptr(&old.2) as usize));
                at
            }
            None => {
                self.kept.push(entry);
                self.slots[i] = self.kept.len() as u32;
                self.kept.len() - 1
            }
        };
        self.by_address.insert(Rc::as_ptr(execution) as usize, at);
        at
    }

    /// Puts the shared part encoded as `bytes` into `state` (emptied).
    fn shared_into(&mut self, bytes: &[u8], state: &mut State) {
        if self.shared.is_empty() {
            self.shared = vec![None; SHARED];
        }
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        let i = (hash as usize) & (SHARED - 1);
        self.last_shared = Some(i);
        // Kept decoded once met a second time (as [`Decoded`] does).
        match &mut self.shared[i] {
            Some((h, b, kept)) if *h == hash && **b == *bytes => keep_shared(kept, bytes, state),
            // (Into the slot's bytes when they are as long: a program's
            // shared parts mostly are, and this runs for most nodes.)
            Some((h, b, kept)) if b.len() == bytes.len() => {
                b.copy_from_slice(bytes);
                *h = hash;
                *kept = None;
                shared_into(bytes, state);
            }
            slot => {
                *slot = Some((hash, bytes.into(), None));
                shared_into(bytes, state);
            }
        }
    }

    /// Appends the bytes of `shared` after their length.
    fn shared_bytes(&mut self, out: &mut Vec<u8>, shared: Shared) {
        let last = self.last_shared.and_then(|i| self.shared[i].as_ref());
        if let Some((_, bytes, Some((globals, objects, main_returned)))) = last {
            if *main_returned == shared.2 && globals[..] == *shared.0 && objects[..] == *shared.1 {
                push_varint(out, bytes.len() as u64);
                out.extend_from_slice(bytes);
                return;
            }
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        encode_shared(&mut scratch, shared.0, shared.1, shared.2);
        push_varint(out, scratch.len() as u64);
        out.extend_from_slice(&scratch);
        self.scratch = scratch;
    }

    /// The execution encoded as `bytes`.
    fn execution_of(&mut self, bytes: &[u8]) -> &Rc<Execution> {
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        let i = self.slot(hash);
        let hit = self
            .kept_in(i)
            .filter(|&at| matches!(&self.kept[at], (h, b, _) if *h == hash && **b == *bytes));
        let at = hit.unwrap_or_else(|| {
            let execution = Rc::new(decode_execution(bytes));
            self.keep(hash, bytes, &execution)
        });
        &self.kept[at].2
    }

    /// The bytes of `execution`.
    fn bytes_of(&mut self, execution: &Rc<Execution>) -> &[u8] {
        let at = self
            .by_address
            .get(&(Rc::as_ptr(execution) as usize))
            .copied()
            .unwrap_or_else(|| {
                let mut scratch = std::mem::take(&mut self.scratch);
                scratch.clear();
                encode_execution(&mut scratch, execution);
                let hash = xxhash_rust::xxh3::xxh3_64(&scratch);
                let i = self.keep(hash, &scratch, execution);
                self.scratch = scratch;
                i
            });
        &self.kept[at].1
    }
}

thread_local! {
    static WHOLE_HERE: std::cell::RefCell<Whole> = std::cell::RefCell::new(Whole::default());
}

impl Packed {
    /// The bytes it holds on the heap (its node's, kept from node to node).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }

    /// Copies a node encoded whole ([`encode_node`]: a fingerprint or
    /// bit-state store's waiting node) into `self`.
    pub(crate) fn set_whole(&mut self, bytes: &[u8]) {
        self.store = 0;
        self.cache_slots = 0;
        self.parts.clear();
        self.ends.clear();
        self.bytes.clear();
        self.bytes.extend_from_slice(bytes);
    }

    /// The node, decoded (sharing executions with the nodes this thread
    /// decoded lately, when it comes from a full store).
    pub(crate) fn decode(&self) -> Node {
        if self.parts.is_empty() {
            // Encoded whole (`set_whole`).
            return decode_node(&self.bytes);
        }
        let part = |k: usize| {
            let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
            &self.bytes[start..self.ends[k] as usize]
        };
        let sleep = &self.bytes[*self.ends.last().unwrap_or(&0) as usize..];
        decode_parts(self.store, self.cache_slots, &self.parts, part, sleep)
    }
}

/// Reads the part ids at the start of a stored node's key (the shared
/// part's, the identities', then each goroutine's execution's) into
/// `ids`; where its sleep set starts.
fn read_part_ids(key: &[u8], ids: &mut SmallVec<[u32; 16]>) -> usize {
    let mut at = 0;
    ids.clear();
    ids.push(read_varint(key, &mut at) as u32);
    ids.push(read_varint(key, &mut at) as u32);
    let n = read_varint(key, &mut at);
    for _ in 0..n {
        ids.push(read_varint(key, &mut at) as u32);
    }
    at
}

/// Decodes a node of a full store (serial `store`) from its part ids and
/// `part(k)`, the bytes of its `k`th part (the shared part, the
/// identities, then each goroutine's execution), and its sleep set's
/// bytes; it shares the executions this thread decoded lately (up to
/// `cache_slots` of them), and the shared parts it met twice.
fn decode_parts<'b>(
    store: u64,
    cache_slots: usize,
    parts: &[u32],
    part: impl Fn(usize) -> &'b [u8],
    sleep: &[u8],
) -> Node {
    let ids = part(1);
    let mut identities = Identities::at(ids, &mut 0);
    let n = (parts.len() - 2).min(identities.len());
    let mut state = State::spare_with_goroutines();
    DECODED_HERE.with(|cell| {
        let mut cache = cell.borrow_mut();
        if cache.store != store || cache.slots.len() < cache_slots || cache.shared.is_empty() {
            cache.store = store;
            cache.slots = vec![None; cache_slots];
            cache.shared = vec![None; SHARED];
        }
        let id = parts[0];
        let slot = &mut cache.shared[id as usize % SHARED];
        // A part is kept decoded when it is met a second time: most
        // shared parts of a program whose variables keep changing are
        // met once, and copying each into the cache cost more than the
        // hits saved (3.6 % of the instructions on lastzero(10)).
        match slot {
            Some((p, kept)) if *p == id => keep_shared(kept, part(0), &mut state),
            _ => {
                *slot = Some((id, None));
                shared_into(part(0), &mut state);
            }
        }
        let slots = cache.slots.len();
        for k in 0..n {
            let (gid, spawned) = identities.next(ids);
            let id = parts[k + 2];
            let slot = &mut cache.slots[id as usize % slots];
            if !matches!(slot, Some((p, _)) if *p == id) {
                *slot = Some((id, Rc::new(decode_execution(part(k + 2)))));
            }
            let Some((_, execution)) = slot else {
                unreachable!("internal weft bug: an execution's slot is empty")
            };
            state.put_goroutine(k, gid, spawned, execution);
        }
    });
    state.goroutines.truncate(n);
    Node {
        state,
        sleep: decode_sleep(sleep),
    }
}

/// Puts the shared part encoded as `bytes` into `state` (emptied).
fn shared_into(bytes: &[u8], state: &mut State) {
    let mut globals = std::mem::take(&mut state.globals);
    state.main_returned = decode_shared_into(bytes, &mut globals, state.objects_to_overwrite());
    state.globals = globals;
}

/// Puts the shared part encoded as `bytes`, met again, into `state`
/// (emptied): copied from `kept`, or decoded and kept there.
fn keep_shared(kept: &mut Option<OwnedShared>, bytes: &[u8], state: &mut State) {
    match kept {
        Some((globals, objects, main_returned)) => {
            state.globals.extend_from_slice(globals);
            state.share_objects(objects);
            state.main_returned = *main_returned;
        }
        None => {
            shared_into(bytes, state);
            *kept = Some((
                state.globals.clone(),
                Rc::clone(&state.objects),
                state.main_returned,
            ));
        }
    }
}

/// Appends the identities of `goroutines` (each with how many children
/// it has spawned, which names the next) as varints: their number, then
/// per goroutine its path's length, the path, and the count. Written by
/// hand: it is the one part of a state as long as its goroutines, which
/// a loop that starts goroutines makes long.
fn encode_identities(out: &mut Vec<u8>, goroutines: &[Goroutine]) {
    push_varint(out, goroutines.len() as u64);
    // Most canonical states are flat (`crate::state::canonical`): main,
    // if alive, has spawned each live goroutine, and the `k`-th of those
    // is `[k]` with none spawned. Their identities follow from their
    // number and whether main is alive: no list is written.
    let main = goroutines.first().is_some_and(|g| g.id.is_main());
    let children = &goroutines[usize::from(main)..];
    let flat = (!main || goroutines[0].spawned as usize == children.len())
        && children.iter().enumerate().all(|(k, g)| {
            g.spawned == 0 && matches!(g.id.0.as_slice(), [x] if usize::from(*x) == k)
        });
    if flat {
        out.push(if main { FLAT_WITH_MAIN } else { FLAT });
        return;
    }
    out.push(LISTED);
    for g in goroutines {
        push_varint(out, g.id.0.len() as u64);
        for &step in &g.id.0 {
            push_varint(out, u64::from(step));
        }
        push_varint(out, u64::from(g.spawned));
    }
}

/// The forms of [`encode_identities`]: each identity and spawn count
/// listed, or none (main's children `[0]`, `[1]`, ..., with or without
/// main before them).
const LISTED: u8 = 0;
const FLAT: u8 = 1;
const FLAT_WITH_MAIN: u8 = 2;

/// Reads what [`encode_identities`] wrote.
fn decode_identities(bytes: &[u8]) -> Vec<(GoroutineId, u32)> {
    let mut ids = Identities::at(bytes, &mut 0);
    (0..ids.len()).map(|_| ids.next(bytes)).collect()
}

/// A reader of what [`encode_identities`] wrote, one goroutine at a time.
struct Identities {
    form: u8,
    n: usize,
    /// The next goroutine's position.
    k: usize,
    /// Where the next listed identity starts.
    at: usize,
}

impl Identities {
    /// Starts reading the identities at `bytes[*at]`, moving `*at` past
    /// them all.
    fn at(bytes: &[u8], at: &mut usize) -> Identities {
        let n = read_varint(bytes, at) as usize;
        let form = bytes[*at];
        *at += 1;
        let start = *at;
        match form {
            LISTED => {
                for _ in 0..n {
                    let len = read_varint(bytes, at);
                    for _ in 0..=len {
                        read_varint(bytes, at);
                    }
                }
            }
            FLAT | FLAT_WITH_MAIN => {}
            _ => unreachable!("internal weft bug: identities of an unknown form {form}"),
        }
        Identities {
            form,
            n,
            k: 0,
            at: start,
        }
    }

    /// How many goroutines.
    fn len(&self) -> usize {
        self.n
    }

    /// The next goroutine's identity and spawn count (`bytes`: those
    /// [`Identities::at`] read).
    fn next(&mut self, bytes: &[u8]) -> (GoroutineId, u32) {
        let k = self.k;
        self.k += 1;
        let child =
            |k: usize| GoroutineId(smallvec::SmallVec::from_buf_and_len([k as u16, 0, 0, 0], 1));
        match self.form {
            LISTED => decode_identity_at(bytes, &mut self.at),
            FLAT_WITH_MAIN if k == 0 => (GoroutineId::main(), (self.n - 1) as u32),
            FLAT_WITH_MAIN => (child(k - 1), 0),
            _ => (child(k), 0),
        }
    }
}

/// One goroutine's identity and spawn count of [`encode_identities`], at
/// `bytes[*at]`, moving past them.
fn decode_identity_at(bytes: &[u8], at: &mut usize) -> (GoroutineId, u32) {
    // A short path of one-byte numbers and a one-byte count (most ids):
    // read straight into the inline buffer.
    if let Some(&len) = bytes.get(*at) {
        let len = usize::from(len);
        if len <= 4 {
            if let Some(run) = bytes.get(*at + 1..*at + len + 2) {
                if run.iter().all(|&b| b < 0x80) {
                    let step = |i: usize| if i < len { u16::from(run[i]) } else { 0 };
                    let path = smallvec::SmallVec::from_buf_and_len(
                        [step(0), step(1), step(2), step(3)],
                        len,
                    );
                    *at += len + 2;
                    return (GoroutineId(path), u32::from(run[len]));
                }
            }
        }
    }
    let len = read_varint(bytes, at) as usize;
    // Pushed one by one into the inline buffer (ids are short; collecting
    // from an iterator cost twice as much, for every goroutine of every
    // node decoded).
    let mut path: smallvec::SmallVec<[u16; 4]> = smallvec::SmallVec::new();
    if len > path.inline_size() {
        path.reserve_exact(len);
    }
    for _ in 0..len {
        path.push(read_varint(bytes, at) as u16);
    }
    let spawned = read_varint(bytes, at) as u32;
    (GoroutineId(path), spawned)
}

/// Appends `node` encoded on its own (no part shared with other nodes):
/// its state, then its sleep set. Returns where the sleep set starts (the
/// state's bytes are `out[start..returned]`).
pub(super) fn encode_node(out: &mut Vec<u8>, node: &Node) -> usize {
    encode_state(out, &node.state);
    let state_end = out.len();
    encode_sleep(out, &node.sleep);
    state_end
}

/// Appends a state's encoding (a node's without its sleep set): the
/// shared part after its length (so that a reader can find its decoded
/// copy without decoding it: [`Whole::shared_into`]), the identities, then
/// each goroutine's execution after its length (likewise). An
/// execution this thread met lately is copied, not encoded again
/// ([`WHOLE_HERE`]).
pub(super) fn encode_state(out: &mut Vec<u8>, state: &State) {
    let shared: Shared = (&state.globals, &state.objects, state.main_returned);
    WHOLE_HERE.with(|cell| {
        let mut cache = cell.borrow_mut();
        cache.shared_bytes(out, shared);
        encode_identities(out, &state.goroutines);
        for g in &state.goroutines {
            let bytes = cache.bytes_of(g.execution());
            push_varint(out, bytes.len() as u64);
            out.extend_from_slice(bytes);
        }
    });
}

/// A state encoded on its own, to hand to another thread: a [`State`]'s
/// goroutines share their executions through counts that are not atomic,
/// so a state stays on the thread that made it, and another thread
/// decodes its own copy.
#[derive(Clone, Debug)]
pub(crate) struct SentState(Box<[u8]>);

impl SentState {
    /// `state`, encoded.
    pub(crate) fn of(state: &State) -> SentState {
        // (A node's encoding, with an empty sleep set.)
        let mut out = Vec::new();
        encode_state(&mut out, state);
        encode_sleep(&mut out, &SleepSet::new());
        SentState(out.into_boxed_slice())
    }

    /// The state, decoded on this thread.
    pub(crate) fn state(&self) -> State {
        decode_node(&self.0).state
    }
}

/// Reads a node [`encode_node`] wrote (sharing the executions this thread
/// met lately, which are not decoded again).
pub(super) fn decode_node(bytes: &[u8]) -> Node {
    let rest = bytes;
    let mut at = 0;
    let shared_len = read_varint(rest, &mut at) as usize;
    let shared_at = at;
    at += shared_len;
    // The identities are read beside the executions that follow them (a
    // first pass only finds where those start): no list of them is built.
    let mut ids = Identities::at(rest, &mut at);
    let n = ids.len();
    let mut state = State::spare_with_goroutines();
    WHOLE_HERE.with(|cell| {
        let mut cache = cell.borrow_mut();
        cache.shared_into(&rest[shared_at..shared_at + shared_len], &mut state);
        for k in 0..n {
            let (id, spawned) = ids.next(rest);
            let len = read_varint(rest, &mut at) as usize;
            let execution = cache.execution_of(&rest[at..at + len]);
            at += len;
            state.put_goroutine(k, id, spawned, execution);
        }
    });
    state.goroutines.truncate(n);
    Node {
        state,
        sleep: decode_sleep(&rest[at..]),
    }
}

/// Appends a sleep set: the bytes postcard writes for it (a test
/// compares them), written directly: its length, then each key's variant,
/// goroutine positions and arms, every number a LEB128 varint. Every
/// node's sleep set is written and read; going round serde's generic path
/// saves 0.6-0.8 % of all instructions (cachegrind, the instruction
/// bench's families).
fn encode_sleep(out: &mut Vec<u8>, sleep: &SleepSet) {
    push_varint(out, sleep.len() as u64);
    for k in sleep {
        match *k {
            StepKey::Step(g, alt) => {
                out.push(0);
                push_varint(out, u64::from(g));
                push_varint(out, u64::from(alt));
            }
            StepKey::Rendezvous(s, sa, r, ra) => {
                out.push(1);
                push_varint(out, u64::from(s));
                push_varint(out, u64::from(sa));
                push_varint(out, u64::from(r));
                push_varint(out, u64::from(ra));
            }
        }
    }
}

/// Reads a sleep set [`encode_sleep`] wrote at the start of `bytes`.
fn decode_sleep(bytes: &[u8]) -> SleepSet {
    let mut at = 0;
    let mut num = || read_varint(bytes, &mut at) as u32;
    let n = num() as usize;
    let mut sleep = SleepSet::with_capacity(n);
    for _ in 0..n {
        let key = match num() {
            0 => StepKey::Step(num(), num()),
            1 => StepKey::Rendezvous(num(), num(), num(), num()),
            v => panic!("internal weft bug: a stored sleep set has key variant {v}"),
        };
        sleep.push(key);
    }
    sleep
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::reduce::sleep::StepKey;
    use crate::semantics;

    /// Identities come back whatever their length and numbers: the short
    /// one-byte ones (read directly) and the others (read by varints).
    #[test]
    fn identities_of_every_shape_come_back() {
        let execution = Rc::new(Execution {
            frames: SmallVec::new(),
            panic: None,
            phase: 0,
            spinning: false,
        });
        let paths: [&[u16]; 8] = [
            &[],
            &[0],
            &[127],
            &[128],
            &[1, 2, 3, 4],
            &[1, 2, 3, 4, 5],
            &[300, 0, 7],
            &[u16::MAX],
        ];
        let goroutines: Vec<Goroutine> = paths
            .iter()
            .zip([0, 1, 127, 128, 5, 0, 70_000, u32::MAX])
            .map(|(p, spawned)| {
                Goroutine::sharing(
                    GoroutineId(p.iter().copied().collect()),
                    spawned,
                    Rc::clone(&execution),
                )
            })
            .collect();
        let mut bytes = Vec::new();
        encode_identities(&mut bytes, &goroutines);
        let back = decode_identities(&bytes);
        let want: Vec<(GoroutineId, u32)> = goroutines
            .iter()
            .map(|g| (g.id.clone(), g.spawned))
            .collect();
        assert_eq!(back, want);
        assert_eq!(bytes[1], LISTED);
        // Main's children `[0]`, `[1]`, ... after main (which spawned
        // them) or alone take two bytes; any other shape is listed, and
        // each comes back.
        let of = |ids: &[(&[u16], u32)]| -> Vec<Goroutine> {
            ids.iter()
                .map(|(p, spawned)| {
                    Goroutine::sharing(
                        GoroutineId(p.iter().copied().collect()),
                        *spawned,
                        Rc::clone(&execution),
                    )
                })
                .collect()
        };
        // Each goroutine's path and spawn count; the form expected.
        type Shape = &'static [(&'static [u16], u32)];
        let shapes: [(Shape, Option<u8>); 10] = [
            (&[], Some(FLAT)),
            (&[(&[], 0)], Some(FLAT_WITH_MAIN)),
            (
                &[(&[], 3), (&[0], 0), (&[1], 0), (&[2], 0)],
                Some(FLAT_WITH_MAIN),
            ),
            (&[(&[0], 0), (&[1], 0)], Some(FLAT)),
            (&[(&[], 2), (&[0], 0), (&[1], 0), (&[2], 0)], None),
            (&[(&[], 2), (&[0], 0), (&[2], 0)], None),
            (&[(&[], 2), (&[0], 1), (&[1], 0)], None),
            (&[(&[1], 0), (&[2], 0)], None),
            (&[(&[], 2), (&[0], 1), (&[0, 0], 0), (&[1], 0)], None),
            (&[(&[], 1), (&[0], 0), (&[0, 0], 0)], None),
        ];
        for (ids, flat) in shapes {
            let goroutines = of(ids);
            let mut bytes = Vec::new();
            encode_identities(&mut bytes, &goroutines);
            match flat {
                Some(form) => assert_eq!(bytes, [ids.len() as u8, form], "{ids:?}"),
                None => assert_eq!(bytes[1], LISTED, "{ids:?}"),
            }
            let want: Vec<(GoroutineId, u32)> = goroutines
                .iter()
                .map(|g| (g.id.clone(), g.spawned))
                .collect();
            assert_eq!(decode_identities(&bytes), want, "{ids:?}");
        }
    }

    #[test]
    fn every_stored_node_decodes_to_what_was_stored() {
        let progs = crate::testing::corpus();
        assert!(progs.len() > 50, "{} scenarios", progs.len());
        let mut checked = 0;
        for prog in &progs {
            let Ok(init) = semantics::initial_state(prog) else {
                continue;
            };
            let mut store = NodeStore::default();
            let mut queue = vec![init];
            while let Some(state) = queue.pop() {
                if store.len() >= 300 {
                    break;
                }
                // The same state with a sleep set is a second node.
                let sleep: SleepSet = (0..state.goroutines.len().min(2))
                    .map(|g| StepKey::Step(g as u32, g as u32))
                    .collect();
                let asleep = Node {
                    state: state.clone(),
                    sleep,
                };
                let node = Node::awake(state);
                let (id, new) = store.insert(&node);
                if !new {
                    continue;
                }
                assert_eq!(store.node(id), node);
                assert_eq!(store.state(id), node.state);
                assert_eq!(store.find(&node), Some(id));
                // Decoded in place and copied out, alike (the decoding
                // cache shared by both, warm after the first nodes).
                let (mut parts, mut packed) = (SmallVec::new(), Packed::default());
                assert_eq!(store.decode_here(id, &mut parts), node);
                assert_eq!(parts, store.part_ids(id));
                store.pack(id, &mut packed);
                assert_eq!((packed.decode(), &packed.parts), (node.clone(), &parts));
                if !asleep.sleep.is_empty() {
                    assert_eq!(store.find(&asleep), None);
                    let (other, new) = store.insert(&asleep);
                    assert!(new && other != id);
                    assert_eq!(store.node(other), asleep);
                    assert_eq!(store.decode_here(other, &mut parts), asleep);
                    store.pack(other, &mut packed);
                    assert_eq!(packed.decode(), asleep);
                }
                checked += 1;
                for t in semantics::enabled(prog, &node.state) {
                    let out = semantics::step(prog, &node.state, &t);
                    if out.failure.is_none() {
                        queue.push(out.state);
                    }
                }
            }
            let distinct = (0..store.len() as u32)
                .map(|id| store.state(id))
                .collect::<std::collections::HashSet<_>>()
                .len();
            assert_eq!(store.distinct_states(), distinct);
        }
        assert!(checked > 4_000, "{checked} nodes checked");
    }

    /// A successor looked up before it is added (`find_ahead`, for the
    /// cycle proviso) is found as `find_encoded` finds it, and its bytes,
    /// marked with the parts found, are stored as the unmarked ones are:
    /// the same ids, nodes and parts (two stores fed the same nodes, one
    /// marked and one not).
    #[test]
    fn successors_looked_up_ahead_are_stored_as_before() {
        let (mut checked, mut stored, mut marked) = (0, 0, 0);
        for prog in &crate::testing::corpus() {
            let Ok(init) = semantics::initial_state(prog) else {
                continue;
            };
            let (mut ahead, mut plain) = (NodeStore::default(), NodeStore::default());
            let start = Node::awake(init);
            assert_eq!(ahead.insert(&start), plain.insert(&start));
            let mut queue = vec![(0u32, start.state)];
            while let Some((id, state)) = queue.pop() {
                if ahead.len() >= 300 {
                    break;
                }
                let parts = ahead.part_ids(id);
                for t in semantics::enabled(prog, &state) {
                    let out = semantics::step(prog, &state, &t);
                    if out.failure.is_some() {
                        continue;
                    }
                    let node = Node::awake(out.state);
                    let mut encoded = Vec::new();
                    encode_near(&mut encoded, &node, &state, &parts);
                    let mut looked = encoded.clone();
                    let found = ahead.find_ahead(&mut looked);
                    match plain.find_encoded(&encoded) {
                        Some(id) => assert_eq!(found, Found::Stored(id)),
                        None => assert_eq!(found, Found::Absent(plain.len() as u32)),
                    }
                    assert_eq!(ahead.find_encoded(&looked), plain.find_encoded(&encoded));
                    marked += usize::from(looked != encoded);
                    let (next, new) = ahead.insert_encoded(&looked);
                    assert_eq!((next, new), plain.insert_encoded(&encoded));
                    stored += usize::from(!new);
                    checked += 1;
                    if new {
                        queue.push((next, node.state));
                    }
                }
            }
            // (The same parts too. The bytes held may differ: a lookup
            // through the index's `entry` makes room ahead, one by `find`
            // does not.)
            assert_eq!(
                (ahead.shared.len(), ahead.ids.len(), ahead.goroutines.len()),
                (plain.shared.len(), plain.ids.len(), plain.goroutines.len())
            );
            assert_eq!(
                (0..ahead.len() as u32)
                    .map(|id| ahead.node(id))
                    .collect::<Vec<_>>(),
                (0..plain.len() as u32)
                    .map(|id| plain.node(id))
                    .collect::<Vec<_>>()
            );
        }
        assert!(
            checked > 10_000 && stored > 4_000 && marked > 8_000,
            "{checked} successors, {stored} stored before, {marked} with a part found"
        );
    }

    /// What a lookup tells of a successor's id against the first id of a
    /// level.
    #[test]
    fn a_lookup_tells_whether_a_successor_is_below_a_level() {
        assert_eq!(Found::NotAsked.below(5), None);
        assert_eq!(Found::Stored(4).below(5), Some(true));
        assert_eq!(Found::Stored(5).below(5), Some(false));
        // Absent while the store held 7 nodes: any id it has now is 7 or
        // more.
        assert_eq!(Found::Absent(7).below(5), Some(false));
        assert_eq!(Found::Absent(7).below(7), Some(false));
        assert_eq!(Found::Absent(7).below(8), None);
    }

    /// A node encoded whole decodes to itself; its bytes do not depend on
    /// what this thread's cache of executions holds (fingerprints are
    /// taken over them); decoding a node twice shares its executions.
    #[test]
    fn nodes_encoded_whole_come_back_and_encode_alike() {
        let mut checked = 0;
        for prog in &crate::testing::corpus() {
            let Ok(init) = semantics::initial_state(prog) else {
                continue;
            };
            let mut queue = vec![init];
            let mut seen = 0;
            while let Some(state) = queue.pop() {
                seen += 1;
                if seen > 200 {
                    break;
                }
                let node = Node::awake(state);
                forget_decoded();
                let mut cold = Vec::new();
                encode_node(&mut cold, &node);
                let mut warm = Vec::new();
                encode_node(&mut warm, &node);
                assert_eq!(cold, warm, "the same bytes, cached or not");
                let back = decode_node(&cold);
                assert_eq!(back, node);
                let again = decode_node(&cold);
                for (a, b) in back.state.goroutines.iter().zip(&again.state.goroutines) {
                    assert!(Rc::ptr_eq(a.execution(), b.execution()));
                }
                forget_decoded();
                let mut from_decoded = Vec::new();
                encode_node(&mut from_decoded, &again);
                assert_eq!(from_decoded, cold, "a decoded node encodes as it was");
                checked += 1;
                for t in semantics::enabled(prog, &node.state) {
                    let out = semantics::step(prog, &node.state, &t);
                    if out.failure.is_none() {
                        queue.push(out.state);
                    }
                }
            }
        }
        assert!(checked > 4_000, "{checked} nodes checked");
    }

    /// The sleep set's codec writes postcard's bytes and reads them back,
    /// on sets of every shape: empty, steps and rendezvous, positions and
    /// arms past one varint byte.
    #[test]
    fn sleep_sets_encode_as_postcard_does() {
        let keys = [
            StepKey::Step(0, 0),
            StepKey::Step(3, 1),
            StepKey::Step(40000, 70000),
            StepKey::Rendezvous(1, 0, 2, 3),
            StepKey::Rendezvous(129, 128, 0, u32::MAX),
        ];
        let mut sets: Vec<SleepSet> = vec![SleepSet::new()];
        for k in 0..keys.len() {
            sets.push(keys[k..].iter().cloned().collect());
            sets.push(keys[..=k].iter().rev().cloned().collect());
        }
        for sleep in sets {
            let mut ours = vec![7];
            encode_sleep(&mut ours, &sleep);
            let theirs = postcard::to_allocvec(&sleep).expect("postcard encodes it");
            assert_eq!(ours[1..], theirs[..], "{sleep:?}");
            // Read back with bytes after it: the reader stops at the set's
            // end and does not need the buffer to end there.
            ours.extend_from_slice(&[9, 9]);
            assert_eq!(decode_sleep(&ours[1..]), sleep);
        }
    }
}
