//! The frontier of a fingerprint search: the encoded nodes waiting to be
//! expanded, in id order. A breadth-first frontier can outgrow memory long
//! before the visited set does (readers(18) holds tens of megabytes of
//! waiting nodes against a few of fingerprints), so beyond its memory
//! budget the frontier spills to files, as TLC's does: its front stays in
//! memory (the next nodes to expand), its back fills in memory, and what
//! lies between is written out in segments, read back in order when the
//! front runs out. Breadth-first order makes every file written once and
//! read once, front to back.
//!
//! A node that waits on disk cannot be looked at in place: asked for, it
//! is rebuilt by re-executing its path, as an expanded node is. If the
//! disk refuses a write, the frontier keeps its nodes in memory from then
//! on (the search's `--max-memory` bound still stops it, with a report)
//! and says why in its statistics. If a segment cannot be read back (the
//! file was removed, the disk failed), its nodes come out as empty
//! placeholders: the store rebuilds each from its path, as it rebuilds any
//! dropped node, and the statistics say how many were lost and why.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use super::intern::{push_varint, read_varint};

/// What a frontier did with its budget, for `--stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontierStats {
    /// The largest number of bytes its waiting nodes held in memory.
    pub peak_memory_bytes: u64,
    /// The largest number of bytes its waiting nodes and the nodes in
    /// flight held together ([`Frontier::note_in_flight`]: those taken
    /// out to be expanded, and their successors not yet stored). As
    /// `peak_memory_bytes` with one thread; more with several, by an
    /// amount that depends on the threads (a measurement).
    pub peak_with_in_flight_bytes: u64,
    /// Bytes written to files over the whole search.
    pub spilled_bytes: u64,
    /// Segments (files) written.
    pub segments: u64,
    /// Why spilling stopped, if the disk refused a write.
    pub failure: Option<String>,
    /// Why a segment could not be read back, if one could not (the first
    /// such error).
    pub read_failure: Option<String>,
    /// Waiting nodes lost with the segments that could not be read back
    /// (rebuilt from their paths).
    pub lost: u64,
    /// How much the process's peak resident memory grew over the search
    /// beyond the frontier's most bytes in memory: the peak (`VmHWM`,
    /// over the whole process) less the resident memory when the search
    /// started, less `peak_with_in_flight_bytes` (`None` where the system does not
    /// say). What the visited set and the rest of the search cost, the
    /// frontier set apart.
    pub resident_beyond: Option<u64>,
}

/// Encoded nodes in order: `head`, then the `spilled` segments, then
/// `tail`. Nodes are kept back to back in chunks (each a length, as a
/// varint, then the bytes: a segment's format too), not one allocation
/// each: what the frontier holds in memory is what it counts, and a chunk
/// read to its end is freed whole.
pub(crate) struct Frontier {
    head: VecDeque<Chunk>,
    spilled: VecDeque<Segment>,
    tail: Vec<Chunk>,
    /// Bytes of the chunks in `head` and `tail` (their capacities).
    memory: u64,
    /// Bytes of nodes taken from it and being expanded, with their
    /// successors not yet stored (see [`Frontier::note_in_flight`]).
    in_flight: u64,
    /// Bytes of the chunks in `tail`.
    tail_bytes: u64,
    /// How many nodes wait on disk.
    on_disk: usize,
    /// The in-memory budget; `None`: never spill.
    budget: Option<u64>,
    /// The size of a new chunk.
    chunk: usize,
    /// The folder of the segments, made at the first spill.
    dir: Option<PathBuf>,
    stats: FrontierStats,
}

/// One file of spilled nodes.
struct Segment {
    path: PathBuf,
    count: usize,
}

/// The size of a chunk without a budget, or with a large one.
const CHUNK: usize = 1 << 16;

/// Nodes back to back: each its length (a varint), then its bytes; the
/// first `taken` were taken, and the next starts at `at`.
struct Chunk {
    bytes: Vec<u8>,
    count: usize,
    taken: usize,
    at: usize,
}

impl Chunk {
    fn new(capacity: usize) -> Chunk {
        Chunk {
            bytes: Vec::with_capacity(capacity),
            count: 0,
            taken: 0,
            at: 0,
        }
    }

    /// A chunk read back from a segment of `count` nodes.
    fn read(bytes: Vec<u8>, count: usize) -> Chunk {
        Chunk {
            bytes,
            count,
            taken: 0,
            at: 0,
        }
    }

    /// Whether `len` more bytes of a node fit without growing.
    fn room(&self, len: usize) -> bool {
        self.bytes.len() + len + 10 <= self.bytes.capacity()
    }

    fn push(&mut self, node: &[u8]) {
        push_varint(&mut self.bytes, node.len() as u64);
        self.bytes.extend_from_slice(node);
        self.count += 1;
    }

    /// The node at byte `at` and where the next one starts.
    fn node_at(&self, at: usize) -> (&[u8], usize) {
        let mut i = at;
        let len = read_varint(&self.bytes, &mut i) as usize;
        (&self.bytes[i..i + len], i + len)
    }

    /// Takes the next node, if one is left.
    fn pop(&mut self) -> Option<&[u8]> {
        if self.taken == self.count {
            return None;
        }
        let at = self.at;
        let (_, next) = self.node_at(at);
        self.at = next;
        self.taken += 1;
        Some(self.node_at(at).0)
    }

    /// The `i`-th node not taken yet.
    fn nth(&self, i: usize) -> &[u8] {
        let mut at = self.at;
        for _ in 0..i {
            at = self.node_at(at).1;
        }
        self.node_at(at).0
    }

    fn left(&self) -> usize {
        self.count - self.taken
    }

    fn cost(&self) -> u64 {
        self.bytes.capacity() as u64
    }
}

impl Frontier {
    /// An empty frontier that spills beyond `budget` bytes in memory.
    pub(crate) fn new(budget: Option<u64>) -> Frontier {
        Frontier {
            head: VecDeque::new(),
            spilled: VecDeque::new(),
            tail: Vec::new(),
            memory: 0,
            in_flight: 0,
            tail_bytes: 0,
            on_disk: 0,
            budget,
            // Chunks small beside the budget, so that the memory held
            // follows it closely.
            chunk: budget.map_or(CHUNK, |b| (b / 16).clamp(1, CHUNK as u64) as usize),
            dir: None,
            stats: FrontierStats::default(),
        }
    }

    /// How many nodes wait.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.head.iter().map(Chunk::left).sum::<usize>()
            + self.on_disk
            + self.tail.iter().map(|c| c.count).sum::<usize>()
    }

    /// Appends a node at the back.
    pub(crate) fn push_back(&mut self, node: &[u8]) {
        if !self.tail.last().is_some_and(|c| c.room(node.len())) {
            let chunk = Chunk::new(self.chunk.max(node.len() + 10));
            self.memory += chunk.cost();
            self.tail_bytes += chunk.cost();
            self.tail.push(chunk);
            self.stats.peak_memory_bytes = self.stats.peak_memory_bytes.max(self.memory);
            self.stats.peak_with_in_flight_bytes = self
                .stats
                .peak_with_in_flight_bytes
                .max(self.memory + self.in_flight);
        }
        if let Some(c) = self.tail.last_mut() {
            c.push(node);
        }
        // Over budget: the back goes to disk once it holds a quarter of the
        // budget (so files are large and few). The front holds at most one
        // segment's worth, so memory stays within about 1.25 budgets.
        if let Some(budget) = self.budget {
            if self.memory > budget && self.stats.failure.is_none() && self.tail_bytes >= budget / 4
            {
                if let Err(e) = self.spill() {
                    self.stats.failure = Some(e.to_string());
                }
            }
        }
    }

    /// Writes `tail` to a new segment.
    fn spill(&mut self) -> std::io::Result<()> {
        let dir = match &self.dir {
            Some(dir) => dir.clone(),
            None => {
                let dir = new_dir()?;
                self.dir = Some(dir.clone());
                dir
            }
        };
        let path = dir.join(format!("{}.seg", self.stats.segments));
        let mut out = BufWriter::new(File::create(&path)?);
        let mut written = 0u64;
        let mut count = 0;
        for c in &self.tail {
            out.write_all(&c.bytes)?;
            written += c.bytes.len() as u64;
            count += c.count;
        }
        out.flush()?;
        self.spilled.push_back(Segment { path, count });
        self.on_disk += count;
        self.stats.segments += 1;
        self.stats.spilled_bytes += written;
        self.memory -= self.tail_bytes;
        self.tail_bytes = 0;
        self.tail = Vec::new();
        Ok(())
    }

    /// Takes the node at the front (`None` when none waits). A node of a
    /// segment that could not be read back comes out empty (see the
    /// module's comment): the caller rebuilds it.
    pub(crate) fn pop_front(&mut self) -> Option<&[u8]> {
        loop {
            if let Some(c) = self.head.front() {
                if c.left() > 0 {
                    break;
                }
                self.memory -= c.cost();
                self.head.pop_front();
                continue;
            }
            if let Some(segment) = self.spilled.pop_front() {
                self.on_disk -= segment.count;
                let chunk = match std::fs::read(&segment.path) {
                    Ok(bytes) => Chunk::read(bytes, segment.count),
                    Err(e) => {
                        self.stats.lost += segment.count as u64;
                        self.stats.read_failure.get_or_insert_with(|| e.to_string());
                        // One empty node (length 0) per node lost.
                        Chunk::read(vec![0u8; segment.count], segment.count)
                    }
                };
                let _ = std::fs::remove_file(&segment.path);
                self.memory += chunk.cost();
                self.stats.peak_memory_bytes = self.stats.peak_memory_bytes.max(self.memory);
                self.stats.peak_with_in_flight_bytes = self
                    .stats
                    .peak_with_in_flight_bytes
                    .max(self.memory + self.in_flight);
                self.head.push_back(chunk);
                continue;
            }
            if self.tail.is_empty() {
                return None;
            }
            self.head.extend(self.tail.drain(..));
            self.tail_bytes = 0;
        }
        self.head.front_mut().and_then(Chunk::pop)
    }

    /// The node `at` places from the front, if it waits in memory.
    pub(crate) fn get(&self, at: usize) -> Option<&[u8]> {
        let mut at = at;
        for c in &self.head {
            if at < c.left() {
                // A lost node (empty) is not in memory either.
                return Some(c.nth(at)).filter(|b| !b.is_empty());
            }
            at -= c.left();
        }
        let mut at = at.checked_sub(self.on_disk)?;
        for c in &self.tail {
            if at < c.count {
                return Some(c.nth(at));
            }
            at -= c.count;
        }
        None
    }

    /// Bytes held in memory (for statistics).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.memory as usize
    }

    /// Notes that the nodes taken from the frontier and not yet expanded
    /// and committed (a parallel search's batches: the nodes copied out
    /// for the expanding threads, their successors encoded and waiting to
    /// be stored) now hold `bytes`. They are still the frontier's: a
    /// sequential search holds one such node at a time, a parallel one a
    /// few batches of them, and their bytes count in its peak.
    pub(crate) fn note_in_flight(&mut self, bytes: u64) {
        self.in_flight = bytes;
        self.stats.peak_with_in_flight_bytes = self
            .stats
            .peak_with_in_flight_bytes
            .max(self.memory + bytes);
    }

    /// The file of the first segment waiting on disk (tests remove it).
    #[cfg(test)]
    pub(crate) fn first_segment(&self) -> Option<PathBuf> {
        self.spilled.front().map(|s| s.path.clone())
    }

    /// What it did with its budget.
    pub(crate) fn stats(&self) -> FrontierStats {
        self.stats.clone()
    }
}

impl Drop for Frontier {
    fn drop(&mut self) {
        for segment in &self.spilled {
            let _ = std::fs::remove_file(&segment.path);
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// A new folder for one frontier's segments, in the system's temporary
/// folder (`TMPDIR`).
fn new_dir() -> std::io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = std::env::temp_dir();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("weft-frontier-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(i: u32) -> Box<[u8]> {
        let n = (i % 7) as usize + 1;
        vec![i as u8; n * 10].into_boxed_slice()
    }

    /// Nodes come out in the order they went in, whatever was spilled,
    /// and the nodes in memory are found in place.
    #[test]
    fn spilling_keeps_the_order() {
        let mut f = Frontier::new(Some(300));
        let mut expected = VecDeque::new();
        let mut next = 0u32;
        for round in 0..40 {
            for _ in 0..(round % 5) * 3 {
                f.push_back(&node(next));
                expected.push_back(node(next));
                next += 1;
            }
            for (at, e) in expected.iter().enumerate() {
                if let Some(bytes) = f.get(at) {
                    assert_eq!(bytes, &**e);
                }
            }
            for _ in 0..(round % 3) {
                assert_eq!(f.pop_front(), expected.pop_front().as_deref());
            }
            assert_eq!(f.len(), expected.len());
            assert!(f.heap_bytes() <= 2 * 300, "{}", f.heap_bytes());
        }
        while let Some(e) = expected.pop_front() {
            assert_eq!(f.pop_front(), Some(&*e));
        }
        assert_eq!(f.pop_front(), None);
        let stats = f.stats();
        assert!(stats.segments > 1 && stats.spilled_bytes > 0, "{stats:?}");
        assert_eq!(stats.failure, None);
    }

    /// Without a budget nothing is written.
    #[test]
    fn without_a_budget_nothing_spills() {
        let mut f = Frontier::new(None);
        for i in 0..1000 {
            f.push_back(&node(i));
        }
        assert_eq!(f.stats().segments, 0);
        assert_eq!(f.get(999), Some(&*node(999)));
    }

    /// A segment that cannot be read back yields one empty placeholder per
    /// node, in place, and the statistics say so; the nodes around it are
    /// intact.
    #[test]
    fn a_segment_lost_leaves_placeholders_in_order() {
        let mut f = Frontier::new(Some(100));
        for i in 0..200 {
            f.push_back(&node(i));
        }
        let first = f.spilled.front().map(|s| (s.path.clone(), s.count));
        let (path, count) = first.expect("spilled");
        std::fs::remove_file(&path).expect("removes");
        let mut out = Vec::new();
        while let Some(bytes) = f.pop_front() {
            out.push(bytes.to_vec());
        }
        assert_eq!(out.len(), 200);
        let lost = out.iter().filter(|b| b.is_empty()).count();
        assert_eq!(lost, count);
        for (i, bytes) in out.iter().enumerate() {
            if !bytes.is_empty() {
                assert_eq!(&bytes[..], &*node(i as u32), "node {i} in place");
            }
        }
        let stats = f.stats();
        assert_eq!(stats.lost, count as u64);
        assert!(stats.read_failure.is_some());
    }

    /// The segment files are removed with the frontier.
    #[test]
    fn files_are_removed() {
        let mut f = Frontier::new(Some(100));
        for i in 0..200 {
            f.push_back(&node(i));
        }
        let dir = f.dir.clone().expect("spilled");
        assert!(dir.exists());
        drop(f);
        assert!(!dir.exists());
    }
}
