//! How each node was first reached, in 12 bytes: its parent's id and the
//! transition, packed into one `u64` (a transition too large to pack is
//! kept aside, and the `u64` names it).

use crate::semantics::{Transition, PLAIN};
use crate::value::ObjRef;

/// No parent: the start node.
const NO_PARENT: u32 = u32::MAX;

const TAG_SHIFT: u32 = 62;
const STEP: u64 = 0;
const FIRE: u64 = 1;
const RENDEZVOUS: u64 = 2;
const ASIDE: u64 = 3;
/// How an arm of [`PLAIN`] is packed.
const PLAIN_ARM: u64 = 0xffff;

/// The parent links of every node, by id.
#[derive(Default)]
pub(crate) struct Parents {
    /// The parent's id, or [`NO_PARENT`].
    parent: Vec<u32>,
    /// The packed transition from the parent.
    via: Vec<u64>,
    /// Transitions too large to pack.
    aside: Vec<Transition>,
}

impl Parents {
    /// Records the start node's (absent) parent.
    pub(crate) fn push_start(&mut self) {
        self.parent.push(NO_PARENT);
        self.via.push(0);
    }

    /// Records that the next node was first reached from `from` by `t`.
    pub(crate) fn push(&mut self, from: u32, t: &Transition) {
        let packed = pack(t).unwrap_or_else(|| {
            self.aside.push(t.clone());
            (ASIDE << TAG_SHIFT) | (self.aside.len() as u64 - 1)
        });
        self.parent.push(from);
        self.via.push(packed);
    }

    /// The parent of node `s` and the transition from it.
    pub(crate) fn get(&self, s: u32) -> Option<(u32, Transition)> {
        let p = self.parent[s as usize];
        (p != NO_PARENT).then(|| (p, self.unpack(self.via[s as usize])))
    }

    /// The parent of node `s`.
    pub(crate) fn parent(&self, s: u32) -> Option<u32> {
        let p = self.parent[s as usize];
        (p != NO_PARENT).then_some(p)
    }

    /// Bytes held (for statistics).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.parent.capacity() * 4
            + self.via.capacity() * 8
            + self.aside.capacity() * std::mem::size_of::<Transition>()
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
        assert_eq!(parents.aside.len(), 3, "the three that do not fit");
    }
}
