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
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

use super::intern::push_varint;

/// What a frontier did with its budget, for `--stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontierStats {
    /// The largest number of bytes its waiting nodes held in memory.
    pub peak_memory_bytes: u64,
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
}

/// Encoded nodes in order: `head`, then the `spilled` segments, then
/// `tail`.
pub(crate) struct Frontier {
    head: VecDeque<Box<[u8]>>,
    spilled: VecDeque<Segment>,
    tail: Vec<Box<[u8]>>,
    /// Bytes of the nodes in `head` and `tail`.
    memory: u64,
    /// Bytes of the nodes in `tail`.
    tail_bytes: u64,
    /// How many nodes wait on disk.
    on_disk: usize,
    /// The in-memory budget; `None`: never spill.
    budget: Option<u64>,
    /// The folder of the segments, made at the first spill.
    dir: Option<PathBuf>,
    stats: FrontierStats,
}

/// One file of spilled nodes.
struct Segment {
    path: PathBuf,
    count: usize,
}

/// What a waiting node costs in memory beyond its bytes (its boxed slice).
const PER_NODE: u64 = 16;

impl Frontier {
    /// An empty frontier that spills beyond `budget` bytes in memory.
    pub(crate) fn new(budget: Option<u64>) -> Frontier {
        Frontier {
            head: VecDeque::new(),
            spilled: VecDeque::new(),
            tail: Vec::new(),
            memory: 0,
            tail_bytes: 0,
            on_disk: 0,
            budget,
            dir: None,
            stats: FrontierStats::default(),
        }
    }

    /// How many nodes wait.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.head.len() + self.on_disk + self.tail.len()
    }

    /// Appends a node at the back.
    pub(crate) fn push_back(&mut self, bytes: Box<[u8]>) {
        let cost = bytes.len() as u64 + PER_NODE;
        self.memory += cost;
        self.tail_bytes += cost;
        self.tail.push(bytes);
        self.stats.peak_memory_bytes = self.stats.peak_memory_bytes.max(self.memory);
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
        let mut len = Vec::with_capacity(10);
        let mut written = 0u64;
        for bytes in &self.tail {
            len.clear();
            push_varint(&mut len, bytes.len() as u64);
            out.write_all(&len)?;
            out.write_all(bytes)?;
            written += (len.len() + bytes.len()) as u64;
        }
        out.flush()?;
        self.spilled.push_back(Segment {
            path,
            count: self.tail.len(),
        });
        self.on_disk += self.tail.len();
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
    pub(crate) fn pop_front(&mut self) -> Option<Box<[u8]>> {
        if self.head.is_empty() {
            if let Some(segment) = self.spilled.pop_front() {
                self.on_disk -= segment.count;
                let nodes = match read_segment(&segment) {
                    Ok(nodes) => nodes,
                    Err(e) => {
                        self.stats.lost += segment.count as u64;
                        self.stats.read_failure.get_or_insert_with(|| e.to_string());
                        (0..segment.count).map(|_| Box::default()).collect()
                    }
                };
                let _ = std::fs::remove_file(&segment.path);
                for bytes in nodes {
                    self.memory += bytes.len() as u64 + PER_NODE;
                    self.head.push_back(bytes);
                }
                self.stats.peak_memory_bytes = self.stats.peak_memory_bytes.max(self.memory);
            } else {
                self.head.extend(self.tail.drain(..));
                self.tail_bytes = 0;
            }
        }
        let bytes = self.head.pop_front()?;
        self.memory -= bytes.len() as u64 + PER_NODE;
        Some(bytes)
    }

    /// The node `at` places from the front, if it waits in memory.
    pub(crate) fn get(&self, at: usize) -> Option<&[u8]> {
        if at < self.head.len() {
            // A lost node (empty) is not in memory either.
            return self.head.get(at).map(|b| &**b).filter(|b| !b.is_empty());
        }
        let at = at - self.head.len();
        at.checked_sub(self.on_disk)
            .and_then(|i| self.tail.get(i))
            .map(|b| &**b)
    }

    /// Bytes held in memory (for statistics).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.memory as usize
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

/// The nodes of a segment, in order.
fn read_segment(segment: &Segment) -> std::io::Result<Vec<Box<[u8]>>> {
    let mut input = BufReader::new(File::open(&segment.path)?);
    let mut nodes = Vec::with_capacity(segment.count);
    for _ in 0..segment.count {
        let len = read_varint_from(&mut input)? as usize;
        let mut bytes = vec![0u8; len];
        input.read_exact(&mut bytes)?;
        nodes.push(bytes.into_boxed_slice());
    }
    Ok(nodes)
}

/// Reads a LEB128 varint from `input`.
fn read_varint_from(input: &mut impl Read) -> std::io::Result<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let mut b = [0u8; 1];
        input.read_exact(&mut b)?;
        v |= u64::from(b[0] & 0x7f) << shift;
        if b[0] & 0x80 == 0 {
            return Ok(v);
        }
        shift += 7;
        if shift > 63 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "a spilled frontier segment is corrupt",
            ));
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
                f.push_back(node(next));
                expected.push_back(node(next));
                next += 1;
            }
            for (at, e) in expected.iter().enumerate() {
                if let Some(bytes) = f.get(at) {
                    assert_eq!(bytes, &**e);
                }
            }
            for _ in 0..(round % 3) {
                assert_eq!(f.pop_front(), expected.pop_front());
            }
            assert_eq!(f.len(), expected.len());
            assert!(f.heap_bytes() <= 2 * 300, "{}", f.heap_bytes());
        }
        while let Some(e) = expected.pop_front() {
            assert_eq!(f.pop_front(), Some(e));
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
            f.push_back(node(i));
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
            f.push_back(node(i));
        }
        let first = f.spilled.front().map(|s| (s.path.clone(), s.count));
        let (path, count) = first.expect("spilled");
        std::fs::remove_file(&path).expect("removes");
        let mut out = Vec::new();
        while let Some(bytes) = f.pop_front() {
            out.push(bytes);
        }
        assert_eq!(out.len(), 200);
        let lost = out.iter().filter(|b| b.is_empty()).count();
        assert_eq!(lost, count);
        for (i, bytes) in out.iter().enumerate() {
            if !bytes.is_empty() {
                assert_eq!(*bytes, node(i as u32), "node {i} in place");
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
            f.push_back(node(i));
        }
        let dir = f.dir.clone().expect("spilled");
        assert!(dir.exists());
        drop(f);
        assert!(!dir.exists());
    }
}
