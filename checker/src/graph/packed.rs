//! How each node was first reached, in 8 bytes: its parent's id and the
//! transition packed into a `u32` (small goroutine positions and arms, the
//! usual case), or an index into the transitions packed into a `u64`, or
//! kept whole when even that is too small.
//!
//! The 8 bytes of each node stay in memory, or, for the stores that keep
//! no full nodes ([`Parents::on_disk`]), go to a file, as TLC keeps its
//! trace: written in id order through a buffer, read back one record at a
//! time when a path is asked for (a counterexample, a node to rebuild),
//! so that they cost no memory per node. If the disk refuses a write, the
//! links stay in memory from then on (the search's `--max-memory` bound
//! still holds).

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use crate::semantics::{Transition, PLAIN};
use crate::value::ObjRef;

/// Links written to the file at once (8 bytes each: 64 KiB). Small: the
/// buffer is a fixed cost of every run, so it should not weigh on a small
/// one's bytes per state; a write per 8,192 nodes costs nothing measurable.
const FLUSH: usize = 1 << 13;

/// No parent: the start node.
const NO_PARENT: u32 = u32::MAX;

const TAG_SHIFT: u32 = 62;
const STEP: u64 = 0;
const FIRE: u64 = 1;
const RENDEZVOUS: u64 = 2;
const ASIDE: u64 = 3;
/// How an arm of [`PLAIN`] is packed.
const PLAIN_ARM: u64 = 0xffff;

/// The narrow form's tag, in its top two bits (the same tags).
const NARROW_SHIFT: u32 = 30;
/// How an arm of [`PLAIN`] is packed in the narrow form.
const NARROW_PLAIN_ARM: u32 = 0x3f;

/// The parent links of every node, by id.
#[derive(Default)]
pub(crate) struct Parents {
    /// Links `written..` (all of them unless on disk): the parent's id, or
    /// [`NO_PARENT`], and the packed transition (narrow form).
    links: Vec<(u32, u32)>,
    /// The file holding links `0..written`, when on disk.
    file: Option<LinkFile>,
    /// How many links the file holds.
    written: usize,
    /// Transitions too large for the narrow form, in the wide one.
    wide: Vec<u64>,
    /// Transitions too large for the wide form.
    aside: Vec<Transition>,
}

/// The file of links written so far.
struct LinkFile {
    file: File,
    path: PathBuf,
    /// False once a write failed: the links stay in memory.
    writable: bool,
}

impl Drop for LinkFile {
    fn drop(&mut self) {
        // (Its name went when it was made, unless that failed.)
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Parents {
    /// Parent links kept in a file in the system's temporary folder
    /// (`TMPDIR`), not in memory; in memory if the file cannot be made.
    pub(crate) fn on_disk() -> Parents {
        let file = super::scratch::unnamed_file("weft-parents")
            .ok()
            .map(|(file, path)| LinkFile {
                file,
                path,
                writable: true,
            });
        Parents {
            // Its final size at once: no copies while it doubles.
            links: Vec::with_capacity(if file.is_some() { FLUSH } else { 0 }),
            file,
            ..Parents::default()
        }
    }

    /// Records the start node's (absent) parent.
    pub(crate) fn push_start(&mut self) {
        self.push_link(NO_PARENT, 0);
    }

    fn push_link(&mut self, parent: u32, via: u32) {
        self.links.push((parent, via));
        // Links kept in memory (the full store's) are never flushed: no
        // call per node for them.
        if self.links.len() >= FLUSH && self.file.as_ref().is_some_and(|f| f.writable) {
            self.flush();
        }
    }

    /// Writes the links in memory to the file, if there is one that
    /// takes them.
    fn flush(&mut self) {
        let Some(f) = self.file.as_mut().filter(|f| f.writable) else {
            return;
        };
        // Through a small buffer on the stack: no second copy of the links.
        let mut result = Ok(());
        for chunk in self.links.chunks(512) {
            let mut bytes = [0u8; 512 * 8];
            for (k, &(p, v)) in chunk.iter().enumerate() {
                bytes[k * 8..k * 8 + 4].copy_from_slice(&p.to_le_bytes());
                bytes[k * 8 + 4..k * 8 + 8].copy_from_slice(&v.to_le_bytes());
            }
            result = f.file.write_all(&bytes[..chunk.len() * 8]);
            if result.is_err() {
                break;
            }
        }
        match result {
            Ok(()) => {
                self.written += self.links.len();
                self.links.clear();
            }
            Err(_) => {
                // Part of the bytes may be in the file: links from
                // `written` on are read from memory only.
                f.writable = false;
            }
        }
    }

    /// The link of node `s`.
    fn link(&self, s: u32) -> (u32, u32) {
        let at = s as usize;
        if at >= self.written {
            return self.links[at - self.written];
        }
        let f = self
            .file
            .as_ref()
            .unwrap_or_else(|| unreachable!("internal weft bug: links written without a file"));
        let mut b = [0u8; 8];
        if let Err(e) = f.file.read_exact_at(&mut b, at as u64 * 8) {
            panic!(
                "weft could not read back the parent links it wrote to {}: {e}",
                f.path.display()
            );
        }
        let word = |k: usize| u32::from_le_bytes([b[k], b[k + 1], b[k + 2], b[k + 3]]);
        (word(0), word(4))
    }

    /// Records that the next node was first reached from `from` by `t`.
    pub(crate) fn push(&mut self, from: u32, t: &Transition) {
        let narrow = pack_narrow(t).unwrap_or_else(|| {
            let packed = pack(t).unwrap_or_else(|| {
                self.aside.push(t.clone());
                (ASIDE << TAG_SHIFT) | (self.aside.len() as u64 - 1)
            });
            self.wide.push(packed);
            let at = u32::try_from(self.wide.len() - 1)
                .ok()
                .filter(|&i| i < 1 << NARROW_SHIFT)
                .expect("more than a billion parent links of wide transitions");
            ((ASIDE as u32) << NARROW_SHIFT) | at
        });
        self.push_link(from, narrow);
    }

    /// The parent of node `s` and the transition from it.
    pub(crate) fn get(&self, s: u32) -> Option<(u32, Transition)> {
        let (p, via) = self.link(s);
        (p != NO_PARENT).then(|| (p, self.unpack_narrow(via)))
    }

    /// The parent of node `s`.
    pub(crate) fn parent(&self, s: u32) -> Option<u32> {
        let (p, _) = self.link(s);
        (p != NO_PARENT).then_some(p)
    }

    /// Bytes held in memory (for statistics).
    /// [`Parents::parent`] when node `s`'s link is still in memory (not yet
    /// written to the file); `None` for the start, and for a link on disk.
    pub(crate) fn parent_in_memory(&self, s: u32) -> Option<u32> {
        let at = (s as usize).checked_sub(self.written)?;
        let &(p, _) = self.links.get(at)?;
        (p != NO_PARENT).then_some(p)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.links.capacity() * 8
            + self.wide.capacity() * 8
            + self.aside.capacity() * std::mem::size_of::<Transition>()
    }

    fn unpack_narrow(&self, v: u32) -> Transition {
        let low = |bits: u32, shift: u32| (v >> shift) & ((1u32 << bits) - 1);
        match u64::from(v >> NARROW_SHIFT) {
            STEP => Transition::Step {
                g: low(18, 12),
                alt: low(12, 0),
            },
            FIRE => Transition::Fire {
                object: ObjRef(low(30, 0)),
            },
            RENDEZVOUS => {
                let arm = |a: u32| if a == NARROW_PLAIN_ARM { PLAIN } else { a };
                Transition::Rendezvous {
                    sender: low(9, 21),
                    receiver: low(9, 12),
                    send_arm: arm(low(6, 6)),
                    recv_arm: arm(low(6, 0)),
                }
            }
            _ => self.unpack(self.wide[low(30, 0) as usize]),
        }
    }

    fn unpack(&self, v: u64) -> Transition {
        let low = |bits: u32, shift: u32| ((v >> shift) & ((1u64 << bits) - 1)) as u32;
        match v >> TAG_SHIFT {
            STEP => Transition::Step {
                g: low(30, 32),
                alt: low(32, 0),
            },
            FIRE => Transition::Fire {
                object: ObjRef(low(32, 0)),
            },
            RENDEZVOUS => {
                let arm = |a: u32| if u64::from(a) == PLAIN_ARM { PLAIN } else { a };
                Transition::Rendezvous {
                    sender: low(15, 47),
                    receiver: low(15, 32),
                    send_arm: arm(low(16, 16)),
                    recv_arm: arm(low(16, 0)),
                }
            }
            _ => self.aside[(v & ((1 << TAG_SHIFT) - 1)) as usize].clone(),
        }
    }
}

/// `t` in one `u32`, when its fields are small: a step of one of the
/// first 2^18 goroutines by one of its first 4,096 arms, a fire of one of
/// the first 2^30 objects, a rendezvous of two of the first 512 goroutines
/// by arms below 63 (or plain).
fn pack_narrow(t: &Transition) -> Option<u32> {
    let fits = |v: u32, bits: u32| v < (1u32 << bits);
    let tag = |t: u64| (t as u32) << NARROW_SHIFT;
    match *t {
        Transition::Step { g, alt } => {
            (fits(g, 18) && fits(alt, 12)).then(|| tag(STEP) | (g << 12) | alt)
        }
        Transition::Fire { object } => fits(object.0, 30).then(|| tag(FIRE) | object.0),
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => {
            let arm = |a: u32| match a {
                PLAIN => Some(NARROW_PLAIN_ARM),
                a if a < NARROW_PLAIN_ARM => Some(a),
                _ => None,
            };
            let (sa, ra) = (arm(send_arm)?, arm(recv_arm)?);
            (fits(sender, 9) && fits(receiver, 9))
                .then(|| tag(RENDEZVOUS) | (sender << 21) | (receiver << 12) | (sa << 6) | ra)
        }
    }
}

/// `t` in one `u64`, when its fields fit.
fn pack(t: &Transition) -> Option<u64> {
    let fits = |v: u32, bits: u32| u64::from(v) < (1u64 << bits);
    match *t {
        Transition::Step { g, alt } => {
            fits(g, 30).then(|| (STEP << TAG_SHIFT) | (u64::from(g) << 32) | u64::from(alt))
        }
        Transition::Fire { object } => Some((FIRE << TAG_SHIFT) | u64::from(object.0)),
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => {
            let arm = |a: u32| match a {
                PLAIN => Some(PLAIN_ARM),
                a if u64::from(a) < PLAIN_ARM => Some(u64::from(a)),
                _ => None,
            };
            let (sa, ra) = (arm(send_arm)?, arm(recv_arm)?);
            (fits(sender, 15) && fits(receiver, 15)).then(|| {
                (RENDEZVOUS << TAG_SHIFT)
                    | (u64::from(sender) << 47)
                    | (u64::from(receiver) << 32)
                    | (sa << 16)
                    | ra
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_comes_back_as_it_went_in() {
        let ts = [
            Transition::Step { g: 0, alt: 0 },
            Transition::Step {
                g: (1 << 30) - 1,
                alt: u32::MAX,
            },
            Transition::Step { g: 1 << 30, alt: 3 },
            Transition::Fire {
                object: ObjRef(u32::MAX),
            },
            Transition::Rendezvous {
                sender: 3,
                send_arm: PLAIN,
                receiver: 7,
                recv_arm: 2,
            },
            Transition::Rendezvous {
                sender: 40_000,
                send_arm: 1,
                receiver: 7,
                recv_arm: PLAIN,
            },
            Transition::Rendezvous {
                sender: 1,
                send_arm: 0xffff,
                receiver: 2,
                recv_arm: 0,
            },
            // Narrow limits, both sides of each.
            Transition::Step {
                g: (1 << 18) - 1,
                alt: 4095,
            },
            Transition::Step { g: 1 << 18, alt: 0 },
            Transition::Step { g: 5, alt: 4096 },
            Transition::Fire {
                object: ObjRef((1 << 30) - 1),
            },
            Transition::Fire {
                object: ObjRef(1 << 30),
            },
            Transition::Rendezvous {
                sender: 511,
                send_arm: 62,
                receiver: 511,
                recv_arm: PLAIN,
            },
            Transition::Rendezvous {
                sender: 512,
                send_arm: 0,
                receiver: 0,
                recv_arm: 0,
            },
            Transition::Rendezvous {
                sender: 0,
                send_arm: 63,
                receiver: 0,
                recv_arm: 0,
            },
        ];
        let mut parents = Parents::default();
        parents.push_start();
        for (i, t) in ts.iter().enumerate() {
            parents.push(i as u32, t);
        }
        assert_eq!(parents.get(0), None);
        for (i, t) in ts.iter().enumerate() {
            assert_eq!(parents.get(i as u32 + 1), Some((i as u32, t.clone())));
        }
        assert_eq!(
            parents.aside.len(),
            3,
            "the three that do not fit in 64 bits"
        );
        assert_eq!(
            parents.wide.len(),
            10,
            "those, two more of the first seven and five of the narrow limits do not fit in 32 bits"
        );
    }

    /// Links on disk come back as they went in, from the file and from
    /// the buffer not written yet, and cost no memory once written; the
    /// file has no name in the folder while it is used.
    #[test]
    fn links_on_disk_come_back_from_the_file_and_the_buffer() {
        let mut parents = Parents::on_disk();
        assert!(parents.file.is_some(), "the temporary folder takes a file");
        parents.push_start();
        let n = 2 * FLUSH as u32 + 10;
        // Mostly narrow transitions; a wide one now and then.
        let t = |i: u32| match (i % 1000, i % 2) {
            (0, _) => Transition::Step { g: 1 << 20, alt: i },
            (_, 0) => Transition::Step { g: i % 7, alt: 0 },
            _ => Transition::Fire { object: ObjRef(i) },
        };
        for i in 1..n {
            parents.push(i / 2, &t(i));
        }
        assert_eq!(parents.written, 2 * FLUSH);
        assert_eq!(parents.get(0), None);
        for i in [
            1,
            2,
            3,
            1000,
            FLUSH as u32 - 1,
            FLUSH as u32,
            2 * FLUSH as u32,
            n - 1,
        ] {
            assert_eq!(parents.get(i), Some((i / 2, t(i))), "node {i}");
            assert_eq!(parents.parent(i), Some(i / 2));
        }
        // The buffer and the few wide transitions: nothing per node.
        assert!(parents.heap_bytes() <= FLUSH * 8 + 4096);
        // Read back through a file that has no name left in the folder:
        // a search killed now leaves nothing behind.
        let path = parents
            .file
            .as_ref()
            .map(|f| f.path.clone())
            .expect("a file");
        assert!(!path.exists(), "the file's name is gone while it is read");
        assert_eq!(parents.parent(n - 1), Some((n - 1) / 2));
    }
}
