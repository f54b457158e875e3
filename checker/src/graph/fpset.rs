//! A set of 64-bit fingerprints in 10 to 15 bytes each: what a fingerprint
//! search keeps per visited node when it needs no node ids (no edges to
//! record: every run of the program is finite, see `crate::explore`), as
//! TLC's fingerprint set does.
//!
//! Open addressing with linear probing over plain `u64` slots (0 marks an
//! empty slot; the fingerprint 0 is a flag of its own), split into shards by
//! the fingerprint's top bits. A shard grows by half when it is 80 % full,
//! so the slots are 53 % to 80 % full (10 to 15 bytes per fingerprint),
//! and a growth copies one shard, not the whole set: the set never holds
//! twice its size while it grows, which a peak-memory bound would see.

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

    /// Inserts `fp` (not 0) unless present; true when it was not.
    fn insert(&mut self, fp: u64) -> bool {
        let n = self.slots.len();
        let mut at = self.home(fp);
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = fp;
                    self.len += 1;
                    if self.len * 5 > n * 4 {
                        self.grow();
                    }
                    return true;
                }
                x if x == fp => return false,
                _ => at = if at + 1 == n { 0 } else { at + 1 },
            }
        }
    }

    fn contains(&self, fp: u64) -> bool {
        let n = self.slots.len();
        let mut at = self.home(fp);
        loop {
            match self.slots[at] {
                0 => return false,
                x if x == fp => return true,
                _ => at = if at + 1 == n { 0 } else { at + 1 },
            }
        }
    }

    /// Moves every fingerprint into slots half as many again.
    fn grow(&mut self) {
        let bigger = Shard::new(self.slots.len() * 3 / 2);
        let old = std::mem::replace(self, bigger);
        let n = self.slots.len();
        for &fp in old.slots.iter().filter(|&&fp| fp != 0) {
            let mut at = self.home(fp);
            while self.slots[at] != 0 {
                at = if at + 1 == n { 0 } else { at + 1 };
            }
            self.slots[at] = fp;
        }
        self.len = old.len;
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
        // 53 % to 80 % full, plus the shards' own size.
        let per = set.heap_bytes() as f64 / set.len() as f64;
        assert!((9.9..15.2).contains(&per), "{per} bytes per fingerprint");
    }
}
