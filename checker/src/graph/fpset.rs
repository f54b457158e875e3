//! A set of 64-bit fingerprints in 9 to 11 bytes each: what a fingerprint
//! search keeps per visited node when it needs no node ids (no edges to
//! record: every run of the program is finite, see `crate::explore`), as
//! TLC's fingerprint set does.
//!
//! Open addressing over plain `u64` slots (0 marks an empty slot; the
//! fingerprint 0 is a flag of its own), split into shards by the
//! fingerprint's top bits, with Robin Hood linear probing: an insertion
//! takes the slot of a fingerprint nearer its own first slot than the new
//! one is, and pushes that one on. Probe lengths stay short up to 90 %
//! full, and a lookup stops at the first fingerprint nearer home than it
//! would be. A shard grows by a quarter when it is 90 % full, so the
//! slots are 72 % to 90 % full (9 to 11 bytes per fingerprint), and a
//! growth copies one shard, not the whole set: the set never holds twice
//! its size while it grows, which a peak-memory bound would see.

/// The shards: `1 << SHARD_BITS`.
const SHARD_BITS: u32 = 6;

/// A shard's first size, in slots.
const FIRST_SLOTS: usize = 16;

/// A set of fingerprints.
pub(crate) struct FingerprintSet {
    shards: Vec<Shard>,
    /// Whether the fingerprint 0 (which no slot can hold) is in.
    zero: bool,
    len: usize,
}

/// One shard: its slots and how many are used.
struct Shard {
    slots: Box<[u64]>,
    len: usize,
}

impl Shard {
    fn new(slots: usize) -> Shard {
        Shard {
            slots: vec![0u64; slots].into_boxed_slice(),
            len: 0,
        }
    }

    /// The slot to probe first for `fp` (the fingerprint's bits below the
    /// shard's, mapped onto the slots by a multiply-shift, so any size
    /// works).
    fn home(&self, fp: u64) -> usize {
        (((fp << SHARD_BITS) as u128 * self.slots.len() as u128) >> 64) as usize
    }

    /// How far slot `at` is past the first slot of `fp`, which it holds.
    fn distance(&self, fp: u64, at: usize) -> usize {
        let n = self.slots.len();
        (at + n - self.home(fp)) % n
    }

    /// Inserts `fp` (not 0) unless present; true when it was not.
    fn insert(&mut self, fp: u64) -> bool {
        let n = self.slots.len();
        let mut at = self.home(fp);
        let mut dist = 0;
        // The fingerprint being placed: `fp`, then each one it displaces.
        let mut moving = fp;
        let mut placed = false;
        loop {
            let x = self.slots[at];
            if x == 0 {
                self.slots[at] = moving;
                break;
            }
            if !placed && x == fp {
                return false;
            }
            let theirs = self.distance(x, at);
            if theirs < dist {
                // A lookup of `fp` would stop here: it is absent. The one
                // nearer home gives way and moves on.
                self.slots[at] = moving;
                moving = x;
                dist = theirs;
                placed = true;
            }
            at = if at + 1 == n { 0 } else { at + 1 };
            dist += 1;
        }
        self.len += 1;
        if self.len * 10 > n * 9 {
            self.grow();
        }
        true
    }

    fn contains(&self, fp: u64) -> bool {
        let n = self.slots.len();
        let mut at = self.home(fp);
        let mut dist = 0;
        loop {
            match self.slots[at] {
                0 => return false,
                x if x == fp => return true,
                x if self.distance(x, at) < dist => return false,
                _ => {
                    at = if at + 1 == n { 0 } else { at + 1 };
                    dist += 1;
                }
            }
        }
    }

    /// Moves every fingerprint into slots a quarter as many again.
    fn grow(&mut self) {
        let n = self.slots.len();
        let bigger = Shard::new(n + (n / 4).max(1));
        let old = std::mem::replace(self, bigger);
        for &fp in old.slots.iter().filter(|&&fp| fp != 0) {
            self.insert(fp);
        }
    }
}

impl Default for FingerprintSet {
    fn default() -> Self {
        FingerprintSet {
            shards: (0..1 << SHARD_BITS)
                .map(|_| Shard::new(FIRST_SLOTS))
                .collect(),
            zero: false,
            len: 0,
        }
    }
}

impl FingerprintSet {
    /// How many fingerprints it holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Inserts `fp` unless present; true when it was not.
    pub(crate) fn insert(&mut self, fp: u64) -> bool {
        let new = if fp == 0 {
            !std::mem::replace(&mut self.zero, true)
        } else {
            self.shards[(fp >> (64 - SHARD_BITS)) as usize].insert(fp)
        };
        self.len += usize::from(new);
        new
    }

    /// Whether `fp` is present.
    pub(crate) fn contains(&self, fp: u64) -> bool {
        if fp == 0 {
            return self.zero;
        }
        self.shards[(fp >> (64 - SHARD_BITS)) as usize].contains(fp)
    }

    /// Bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.shards.iter().map(|s| s.slots.len() * 8).sum::<usize>()
            + self.shards.capacity() * std::mem::size_of::<Shard>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What goes in is found, once, through every growth; what did not
    /// is not; 0 and 1 are two fingerprints like any others.
    #[test]
    fn holds_what_was_inserted_and_nothing_else() {
        let mut set = FingerprintSet::default();
        let fp = |i: u64| xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes());
        for i in 0..200_000 {
            assert!(set.insert(fp(i)), "{i} is new");
        }
        assert_eq!(set.len(), 200_000);
        for i in 0..200_000 {
            assert!(!set.insert(fp(i)), "{i} is known");
            assert!(set.contains(fp(i)));
        }
        for i in 200_000..300_000 {
            assert!(!set.contains(fp(i)), "{i} was never inserted");
        }
        assert_eq!(set.len(), 200_000);
        assert!(!set.contains(0));
        assert!(set.insert(0));
        assert!(!set.insert(0));
        assert!(set.contains(0));
        assert!(!set.contains(1));
        assert!(set.insert(1));
        assert!(!set.insert(1));
        assert_eq!(set.len(), 200_002);
        // 72 % to 90 % full, plus the shards' own size.
        let per = set.heap_bytes() as f64 / set.len() as f64;
        assert!((8.8..11.3).contains(&per), "{per} bytes per fingerprint");
    }

    /// Fingerprints crowding the last slot wrap round to the first, where
    /// others have their home: every one is found, an absent one with the
    /// same home is not, and a growth keeps them all.
    #[test]
    fn probing_wraps_round_and_stops_early() {
        let mut shard = Shard::new(FIRST_SLOTS);
        // The top bits below the shard's pick the home slot.
        let at = |slot: u64, i: u64| (slot << (64 - SHARD_BITS - 4)) | i;
        let last: Vec<u64> = (1..=9).map(|i| at(15, i)).collect();
        let first: Vec<u64> = (1..=4).map(|i| at(0, i)).collect();
        for (&a, &b) in last.iter().zip(&first) {
            assert!(shard.insert(a) && shard.insert(b));
        }
        for &fp in &last[4..] {
            assert!(shard.insert(fp));
        }
        assert_eq!(shard.slots.len(), FIRST_SLOTS, "13 of 16: no growth yet");
        for &fp in last.iter().chain(&first) {
            assert!(shard.contains(fp) && !shard.insert(fp), "{fp:x}");
        }
        assert!(!shard.contains(at(15, 99)) && !shard.contains(at(0, 99)));
        assert!(!shard.contains(at(3, 1)));
        assert!(shard.insert(at(3, 1)) && shard.insert(at(3, 2)));
        assert!(shard.slots.len() > FIRST_SLOTS, "15 of 16: grown");
        assert_eq!(shard.len, 15);
        for &fp in last.iter().chain(&first) {
            assert!(shard.contains(fp), "{fp:x} after the growth");
        }
        assert!(!shard.contains(at(15, 99)));
    }
}
