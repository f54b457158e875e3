//! A set of byte strings, each stored once and named by a dense id in
//! insertion order: the store under the explored graph.
//!
//! The bytes live in large chunks that are never reallocated (so growing
//! the store never copies what it holds, and peak memory stays close to
//! what is stored); each entry is its length (a varint) followed by its
//! bytes. The index files each id under 32 bits of its bytes' hash (a
//! [`TagIndex`], one slot an id): a growth reads the slots alone, and a
//! lookup reads an entry's bytes only when its tag matches. (The ids
//! alone, 4 bytes a slot fewer, made every growth read every entry's
//! bytes again, at random: a perf profile of readers(18), full store,
//! found 10 % of the time in those reads, most in growths. A hashbrown
//! table of (id, tag) pairs read its control bytes and its pair, two
//! places: the [`TagIndex`] took 7-8 % off lastzero(15) on one thread,
//! 3 % off readers(18), and 8-15 % off the full store's peak memory.)

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use super::ordered::TagIndex;

/// The size of a chunk of the byte arena. An entry longer than this gets a
/// chunk of its own.
const CHUNK: usize = 1 << 20;

/// Byte strings stored once each, by id.
#[derive(Default)]
pub(crate) struct Interner {
    /// The arena: entries (length, bytes) back to back.
    chunks: Vec<Vec<u8>>,
    /// Where each entry starts: chunk index (high half), offset (low half).
    spans: Vec<u64>,
    /// The ids, filed by their bytes' [`tag`].
    index: TagIndex,
}

impl Interner {
    /// How many entries are stored.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The bytes of entry `id`.
    pub(crate) fn get(&self, id: u32) -> &[u8] {
        entry(&self.chunks, &self.spans, id)
    }

    /// The id of `bytes`, if stored.
    pub(crate) fn find(&self, bytes: &[u8]) -> Option<u32> {
        self.find_hashed(bytes, hash(bytes))
    }

    /// [`Interner::find`] given the bytes' [`hash`] (computed by the
    /// thread that encoded them).
    pub(crate) fn find_hashed(&self, bytes: &[u8], hash: u64) -> Option<u32> {
        let (chunks, spans) = (&self.chunks, &self.spans);
        self.index
            .find(tag(hash), |id| entry(chunks, spans, id) == bytes)
    }

    /// Stores `bytes` unless stored; returns its id and whether it is new.
    #[inline]
    pub(crate) fn insert(&mut self, bytes: &[u8]) -> (u32, bool) {
        self.insert_hashed(bytes, hash(bytes))
    }

    /// [`Interner::insert`] given the bytes' [`hash`].
    #[inline]
    pub(crate) fn insert_hashed(&mut self, bytes: &[u8], hash_of_bytes: u64) -> (u32, bool) {
        let (chunks, spans) = (&self.chunks, &self.spans);
        let id = u32::try_from(self.spans.len())
            .ok()
            .filter(|&id| id < u32::MAX)
            .expect("more than 4 billion stored entries: ids are 32-bit");
        if let Some(found) = self.index.find_or_insert(tag(hash_of_bytes), id, |id| {
            entry(chunks, spans, id) == bytes
        }) {
            return (found, false);
        }
        let need = bytes.len() + 10;
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= need);
        if !fits {
            self.chunks.push(Vec::with_capacity(need.max(CHUNK)));
        }
        let chunk_index = self.chunks.len() - 1;
        let chunk = &mut self.chunks[chunk_index];
        let start = chunk.len();
        push_varint(chunk, bytes.len() as u64);
        chunk.extend_from_slice(bytes);
        self.spans.push(((chunk_index as u64) << 32) | start as u64);
        (id, true)
    }

    /// Bytes held: the arena's used part (a chunk's unused tail is never
    /// touched, so it costs no memory), the spans and the index (for
    /// statistics).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum::<usize>()
            + self.spans.capacity() * std::mem::size_of::<u64>()
            + self.index.heap_bytes()
    }
}

/// The hash of an entry's bytes.
pub(crate) fn hash(bytes: &[u8]) -> u64 {
    FxBuildHasher.hash_one(bytes)
}

/// The 32 bits of a [`hash`] the index files an entry under: the upper
/// half of the hash times an odd constant, into which every bit of the
/// hash is mixed (the index takes its shard from the tag's top bits and
/// its home from the next ones; FxHash's `finish` rotates its best mixed
/// bits down to the bottom, for hashbrown).
fn tag(hash: u64) -> u32 {
    (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as u32
}

/// The bytes of entry `id`.
fn entry<'a>(chunks: &'a [Vec<u8>], spans: &[u64], id: u32) -> &'a [u8] {
    let span = spans[id as usize];
    let chunk = &chunks[(span >> 32) as usize];
    let mut at = (span & 0xffff_ffff) as usize;
    let len = read_varint(chunk, &mut at) as usize;
    &chunk[at..at + len]
}

/// Appends `v` as a LEB128 varint.
pub(crate) fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint at `*at`, moving past it.
pub(crate) fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_string_is_stored_once_with_a_dense_id() {
        let mut set = Interner::default();
        assert_eq!(set.insert(b"abc"), (0, true));
        assert_eq!(set.insert(b""), (1, true));
        assert_eq!(set.insert(b"abc"), (0, false));
        assert_eq!(set.find(b""), Some(1));
        assert_eq!(set.find(b"ab"), None);
        assert_eq!(set.get(0), b"abc");
        assert_eq!(set.get(1), b"");
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn entries_survive_growth_and_long_entries_get_their_own_chunk() {
        let mut set = Interner::default();
        let long = vec![7u8; CHUNK * 2];
        let mut next = 0;
        for i in 0..100_000u32 {
            assert_eq!(set.insert(&i.to_le_bytes()), (next, true));
            next += 1;
            if i == 50_000 {
                assert_eq!(set.insert(&long), (next, true));
                next += 1;
            }
        }
        for i in (0..100_000u32).step_by(997) {
            let id = if i > 50_000 { i + 1 } else { i };
            assert_eq!(set.get(id), i.to_le_bytes());
            assert_eq!(set.find(&i.to_le_bytes()), Some(id));
        }
        assert_eq!(set.get(50_001), &long[..]);
    }

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            push_varint(&mut out, v);
            let mut at = 0;
            assert_eq!(read_varint(&out, &mut at), v);
            assert_eq!(at, out.len());
        }
    }
}
