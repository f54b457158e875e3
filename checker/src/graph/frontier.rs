//! The frontier of a fingerprint search: the encoded nodes waiting to be
//! expanded, in id order. A breadth-first frontier can outgrow memory long
//! before the visited set does (readers(18) holds tens of megabytes of
//! waiting nodes against a few of fingerprints), so beyond its memory
//! budget the frontier spills to disk, as TLC's does: its front stays in
//! memory (the next nodes to expand), its back fills in memory, and what
//! lies between is written out in segments, read back in order, a chunk
//! at a time, when the front runs out. Breadth-first order makes every
//! segment written once and read once, front to back.
//!
//! The segments go one after the other into one file whose name is
//! removed as soon as it is made ([`super::scratch`]): a search killed
//! mid-run leaves nothing in `TMPDIR`. A segment read back has its bytes
//! freed on disk at once (a hole punched in the file), so the disk holds
//! what waits there, not all that was ever written; where the file
//! system cannot punch holes, the file is emptied each time every
//! segment has been read, and the statistics give the most bytes the
//! file held either way.
//!
//! A node that waits on disk cannot be looked at in place: asked for, it
//! is rebuilt by re-executing its path, as an expanded node is. If the
//! disk refuses a write, the frontier keeps its nodes in memory from then
//! on (the search's `--max-memory` bound still stops it, with a report)
//! and says why in its statistics. If a segment cannot be read back (the
//! disk failed), its nodes come out as empty
//! placeholders: the store rebuilds each from its path, as it rebuilds any
//! dropped node, and the statistics say how many were lost and why.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
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
    /// Bytes written to disk over the whole search.
    pub spilled_bytes: u64,
    /// The most bytes waiting on disk at once: the segments written and
    /// not yet read back, or, where the file system could not free a
    /// segment read back, the file's whole length.
    pub peak_disk_bytes: u64,
    /// Segments written.
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
    /// The file of the segments, made at the first spill.
    disk: Option<Disk>,
    stats: FrontierStats,
}

/// The file the segments are written to, one after the other.
struct Disk {
    file: File,
    /// Its name when it was made (gone since: for error messages).
    path: PathBuf,
    /// Where the next segment goes: the file's length.
    end: u64,
    /// Bytes of the segments not yet read back.
    waiting: u64,
    /// False once the file system refused to punch a hole: the file is
    /// then emptied only when no segment waits.
    punches: bool,
}

/// One chunk of a spilled segment: its nodes, back to back as in a
/// [`Chunk`], at `offset` in the file, read back whole.
struct Segment {
    offset: u64,
    len: u64,
    count: usize,
}

/// What a punched hole's start is rounded down to: a multiple of any
/// file system's block size.
const PUNCH_ALIGN: u64 = 1 << 20;

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
            disk: None,
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
        // budget (so writes are large and few). While segments wait, the
        // front holds one chunk of them at a time, so memory stays within
        // about the budget and a chunk; the back, moved to the front when
        // nothing waits on disk, within about 1.25 budgets.
        if let Some(budget) = self.budget {
            if self.memory > budget && self.stats.failure.is_none() && self.tail_bytes >= budget / 4
            {
                if let Err(e) = self.spill() {
                    self.stats.failure = Some(e.to_string());
                }
            }
        }
    }

    /// Writes `tail` to a new segment at the end of the file, one chunk
    /// after the other.
    fn spill(&mut self) -> std::io::Result<()> {
        if self.disk.is_none() {
            let (file, path) = super::scratch::unnamed_file("weft-frontier")?;
            self.disk = Some(Disk {
                file,
                path,
                end: 0,
                waiting: 0,
                punches: true,
            });
        }
        let Some(disk) = self.disk.as_mut() else {
            unreachable!("made above")
        };
        // One write, read back a chunk at a time: a segment read whole
        // held up to a budget's worth in memory beside the filling back
        // (lastzero(16) with a 4 MB budget: 6.4 MB at most).
        let mut pieces = Vec::with_capacity(self.tail.len());
        let mut offset = disk.end;
        let mut count = 0;
        {
            let mut out = BufWriter::new(At {
                file: &disk.file,
                at: offset,
            });
            for c in &self.tail {
                out.write_all(&c.bytes)?;
                let len = c.bytes.len() as u64;
                pieces.push(Segment {
                    offset,
                    len,
                    count: c.count,
                });
                offset += len;
                count += c.count;
            }
            out.flush()?;
        }
        let written = offset - disk.end;
        disk.end = offset;
        disk.waiting += written;
        let on_disk = if disk.punches { disk.waiting } else { disk.end };
        self.stats.peak_disk_bytes = self.stats.peak_disk_bytes.max(on_disk);
        self.spilled.extend(pieces);
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
                let read = self.read_back(&segment);
                let chunk = match read {
                    Ok(bytes) => Chunk::read(bytes, segment.count),
                    Err(e) => {
                        self.stats.lost += segment.count as u64;
                        self.stats.read_failure.get_or_insert_with(|| e.to_string());
                        // One empty node (length 0) per node lost.
                        Chunk::read(vec![0u8; segment.count], segment.count)
                    }
                };
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

    /// Reads `segment` back and frees its bytes on disk.
    fn read_back(&mut self, segment: &Segment) -> std::io::Result<Vec<u8>> {
        let Some(disk) = self.disk.as_mut() else {
            return Err(std::io::Error::other("no file was written"));
        };
        let mut bytes = vec![0u8; segment.len as usize];
        let read = disk.file.read_exact_at(&mut bytes, segment.offset);
        disk.waiting -= segment.len;
        if self.spilled.is_empty() {
            // Nothing waits: the file starts again from nothing.
            disk.end = 0;
            if let Err(e) = disk.file.set_len(0) {
                self.stats.failure = Some(format!("could not empty {}: {e}", disk.path.display()));
            }
        } else if disk.punches {
            use rustix::fs::FallocateFlags;
            let flags = FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE;
            // Only whole blocks are freed, and the block a segment begins
            // in also holds the end of the segment before it: the hole
            // starts lower, in what was read already (segments are read
            // in the order they were written).
            let from = segment.offset & !(PUNCH_ALIGN - 1);
            let len = segment.offset + segment.len - from;
            if rustix::fs::fallocate(&disk.file, flags, from, len).is_err() {
                // (Not every file system can: the file then keeps its
                // bytes until it is emptied, and its length counts.)
                disk.punches = false;
                self.stats.peak_disk_bytes = self.stats.peak_disk_bytes.max(disk.end);
            }
        }
        read.map(|()| bytes)
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

    /// Makes the first segment waiting on disk unreadable, as a failed
    /// disk would (for tests): it now lies past the file's end.
    #[cfg(test)]
    pub(crate) fn lose_first_segment(&mut self) -> Option<usize> {
        let segment = self.spilled.front_mut()?;
        segment.offset += 1 << 40;
        Some(segment.count)
    }

    /// The name the file of the segments had (for tests: it is gone).
    #[cfg(test)]
    fn file_name(&self) -> Option<PathBuf> {
        self.disk.as_ref().map(|d| d.path.clone())
    }

    /// What it did with its budget.
    pub(crate) fn stats(&self) -> FrontierStats {
        self.stats.clone()
    }
}

/// A [`Write`] at a place in a file, moving on as it writes (positioned
/// writes: the file's own offset is not used).
struct At<'a> {
    file: &'a File,
    at: u64,
}

impl Write for At<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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
        let count = f.lose_first_segment().expect("spilled");
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

    /// The file's name is gone as soon as it is made, while its segments
    /// are still read back; the bytes of a segment read back are freed on
    /// disk (a hole, where the file system makes them), and the file is
    /// emptied when nothing waits.
    #[test]
    fn the_file_has_no_name_and_frees_what_was_read() {
        use std::os::unix::fs::MetadataExt;
        let node = |i: u32| vec![i as u8; 1000];
        // Segments of a quarter of the budget: 64 KiB, many pages each.
        let mut f = Frontier::new(Some(256 << 10));
        for i in 0..2_000 {
            f.push_back(&node(i));
        }
        let name = f.file_name().expect("spilled");
        assert!(!name.exists(), "{} still has a name", name.display());
        let stats = f.stats();
        assert!(stats.segments >= 4, "{stats:?}");
        assert_eq!(stats.peak_disk_bytes, stats.spilled_bytes);
        let disk = |f: &Frontier| {
            let d = f.disk.as_ref().expect("spilled");
            let blocks = d.file.metadata().expect("fstat").blocks() * 512;
            (blocks, d.waiting, d.end, d.punches)
        };
        // Read until half the segments are back.
        let segments = f.spilled.len();
        let mut i = 0;
        while f.spilled.len() > segments / 2 {
            assert_eq!(f.pop_front(), Some(&node(i)[..]));
            i += 1;
        }
        let (held, waiting, end, punches) = disk(&f);
        assert!(waiting < end, "{waiting} of {end}");
        if punches {
            // (A block's slack at each end of what waits.)
            assert!(
                held <= waiting + (8 << 10),
                "{held} bytes held, {waiting} waiting"
            );
        } else {
            assert!(f.stats().peak_disk_bytes >= end);
        }
        while let Some(bytes) = f.pop_front() {
            assert_eq!(bytes, &node(i)[..]);
            i += 1;
        }
        assert_eq!(i, 2_000);
        // Segments come back a chunk at a time: the memory held stays
        // near the budget (read whole, the first segment, a budget's
        // worth, came back beside the filling back).
        let peak = f.stats().peak_memory_bytes;
        assert!(peak <= (256 << 10) * 9 / 8, "{peak} bytes held at most");
        let (held, waiting, end, _) = disk(&f);
        assert_eq!(
            (held, waiting, end),
            (0, 0, 0),
            "emptied when nothing waits"
        );
    }
}
