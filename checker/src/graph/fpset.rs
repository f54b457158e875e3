//! A set of 64-bit fingerprints in 9 to 11 bytes each: what a fingerprint
//! search keeps per visited node when it needs no node ids (no edges to
//! record: every run of the program is finite, see `crate::explore`), as
//! TLC's fingerprint set does.
//!
//! Ordered linear probing over plain `u64` slots in shards
//! ([`super::ordered`]); the fingerprint 0, which no slot can hold, is a
//! flag of its own.

use super::ordered::{self, shard_of, Shard};

/// A set of fingerprints.
pub(crate) struct FingerprintSet {
    shards: Vec<Shard<false>>,
    /// Whether the fingerprint 0 (which no slot can hold) is in.
    zero: bool,
    len: usize,
}

impl Default for FingerprintSet {
    fn default() -> Self {
        FingerprintSet {
            shards: ordered::empty_shards(),
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
            self.shards[shard_of(fp)].insert(fp)
        };
        self.len += usize::from(new);
        new
    }

    /// Inserts each of `fps` unless present, as [`FingerprintSet::insert`]
    /// would one after the other, and sets `new[i]` when `fps[i]` was not
    /// present before (nor earlier in `fps`). The shards are filled in
    /// parallel on the current thread pool, each in the order of `fps`:
    /// the answers and the set are those of the insertions in order.
    pub(crate) fn insert_all(&mut self, fps: &[u64], new: &mut Vec<bool>) {
        use rayon::prelude::*;
        new.clear();
        new.resize(fps.len(), false);
        // Each index, grouped by shard (in order within a shard).
        let mut starts = [0usize; (1 << ordered::SHARD_BITS) + 1];
        for (i, &fp) in fps.iter().enumerate() {
            if fp == 0 {
                new[i] = !std::mem::replace(&mut self.zero, true);
                self.len += usize::from(new[i]);
            } else {
                starts[shard_of(fp) + 1] += 1;
            }
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut order = vec![0u32; starts[1 << ordered::SHARD_BITS]];
        let mut next = starts;
        for (i, &fp) in fps.iter().enumerate().filter(|(_, &fp)| fp != 0) {
            let k = shard_of(fp);
            order[next[k]] = i as u32;
            next[k] += 1;
        }
        let mut answers = vec![false; order.len()];
        let mut work: Vec<(&mut Shard<false>, &[u32], &mut [bool])> =
            Vec::with_capacity(1 << ordered::SHARD_BITS);
        let mut rest = &mut answers[..];
        for (k, shard) in self.shards.iter_mut().enumerate() {
            let (mine, after) = rest.split_at_mut(starts[k + 1] - starts[k]);
            rest = after;
            if !mine.is_empty() {
                work.push((shard, &order[starts[k]..starts[k + 1]], mine));
            }
        }
        // (A few shards a task: a shard's insertions are too few to be
        // worth a task each.)
        work.into_par_iter()
            .with_min_len(4)
            .for_each(|(shard, indices, answers)| {
                for (&i, answer) in indices.iter().zip(answers) {
                    *answer = shard.insert(fps[i as usize]);
                }
            });
        for (&i, &answer) in order.iter().zip(&answers) {
            new[i as usize] = answer;
            self.len += usize::from(answer);
        }
    }

    /// Removes `fp` if present; true when it was.
    pub(crate) fn remove(&mut self, fp: u64) -> bool {
        let gone = if fp == 0 {
            std::mem::replace(&mut self.zero, false)
        } else {
            self.shards[shard_of(fp)].remove(fp)
        };
        self.len -= usize::from(gone);
        gone
    }

    /// Whether `fp` is present.
    pub(crate) fn contains(&self, fp: u64) -> bool {
        if fp == 0 {
            return self.zero;
        }
        self.shards[shard_of(fp)].contains(fp)
    }

    /// Bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        ordered::heap_bytes(&self.shards)
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
        // 72 % to 90 % full, plus the tails and the shards' own size.
        let per = set.heap_bytes() as f64 / set.len() as f64;
        assert!((8.8..11.5).contains(&per), "{per} bytes per fingerprint");
    }

    /// The fingerprint 0 is removed as any other.
    #[test]
    fn zero_is_removed_as_any_other() {
        let mut set = FingerprintSet::default();
        assert!(set.insert(0) && set.insert(7));
        assert!(set.remove(0) && !set.remove(0) && set.remove(7) && !set.remove(7));
        assert_eq!(set.len(), 0);
    }

    /// Inserting batches at once answers as inserting them one by one,
    /// and leaves the very same slots: repeats within a batch and across
    /// batches, the fingerprint 0, crowded homes, growths. On a pool of
    /// two threads and on one.
    #[test]
    fn batches_insert_as_one_by_one() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool");
            let mut next = crate::testing::xorshift(0x1234_5678_9abc_def1_u64);
            let mut one = FingerprintSet::default();
            let mut all = FingerprintSet::default();
            let mut new = Vec::new();
            for round in 0..300 {
                let size = (next() % 700) as usize;
                let fps: Vec<u64> = (0..size)
                    .map(|_| match next() % 50 {
                        0 => 0,
                        // Crowded: few shards, few homes, repeats.
                        1..=20 => ((next() % 4) << 62) | (next() % 4096),
                        _ => next() % (1 << 20) * 0x9e37_79b9_7f4a_7c15,
                    })
                    .collect();
                let expected: Vec<bool> = fps.iter().map(|&fp| one.insert(fp)).collect();
                pool.install(|| all.insert_all(&fps, &mut new));
                assert_eq!(new, expected, "round {round}");
                assert_eq!(all.len(), one.len());
            }
            assert_eq!(all.zero, one.zero);
            for (a, b) in all.shards.iter().zip(&one.shards) {
                assert_eq!(a.slots, b.slots);
                ordered::assert_ordered(a);
            }
        }
    }
}
