//! A set of 64-bit fingerprints in 9 to 11 bytes each: what a fingerprint
//! search keeps per visited node when it needs no node ids (no edges to
//! record: every run of the program is finite, see `crate::explore`), as
//! TLC's fingerprint set does.
//!
//! Open addressing over plain `u64` slots (0 marks an empty slot; the
//! fingerprint 0 is a flag of its own), split into shards by the
//! fingerprint's top bits. Within a shard the first slot to probe (the
//! home) is a monotone function of the fingerprint's other bits, its key,
//! and the slots are kept in key order (ordered linear probing, as Amble
//! and Knuth's ordered hash tables): a lookup walks from the home while
//! the keys are smaller, an insertion shifts the rest of its run one slot
//! on. Probing never wraps round: past the last home lies a short tail
//! of slots, and a run that would leave it grows the shard. Comparing
//! keys costs a shift and a compare per slot; the Robin Hood table this
//! replaced computed each slot's distance from its home (a multiply and
//! a division), about 450 instructions an insertion at 72-90 % full.
//!
//! A shard grows by a quarter when it is 90 % full (or its tail would
//! overflow), so the slots are 72 % to 90 % full (9 to 11.5 bytes per
//! fingerprint with the tails), and a growth copies one shard in one
//! ordered pass, not the whole set: the set never holds twice its size
//! while it grows, which a peak-memory bound would see.

/// The shards: `1 << SHARD_BITS`.
const SHARD_BITS: u32 = 6;

/// A shard's first number of homes.
const FIRST_SLOTS: usize = 16;

/// A set of fingerprints.
pub(crate) struct FingerprintSet {
    shards: Vec<Shard>,
    /// Whether the fingerprint 0 (which no slot can hold) is in.
    zero: bool,
    len: usize,
}

/// One shard: its slots (`homes` of them, then the tail), in key order
/// with empty slots between runs, and how many are used.
struct Shard {
    slots: Box<[u64]>,
    homes: usize,
    len: usize,
}

/// The bits of `fp` that order a shard: those below the shard's.
fn key(fp: u64) -> u64 {
    fp << SHARD_BITS
}

/// The slots past the last home of a shard of `homes` homes.
fn tail(homes: usize) -> usize {
    homes / 64 + 4
}

/// Where a lookup of a fingerprint ends: its slot, or where it belongs.
enum Probe {
    Found,
    Absent(usize),
}

impl Shard {
    fn new(homes: usize) -> Shard {
        Shard {
            slots: vec![0u64; homes + tail(homes)].into_boxed_slice(),
            homes,
            len: 0,
        }
    }

    /// The slot to probe first for `fp` (its key mapped onto the homes by
    /// a multiply-shift: any number of homes works, and a larger key
    /// never has an earlier home).
    fn home(&self, fp: u64) -> usize {
        ((key(fp) as u128 * self.homes as u128) >> 64) as usize
    }

    /// Walks from `fp`'s home past the smaller keys. (Every slot between
    /// a fingerprint's home and its own slot is used, and the keys
    /// increase along the slots, so `fp` is found there or nowhere.)
    fn probe(&self, fp: u64) -> Probe {
        let k = key(fp);
        let mut at = self.home(fp);
        while let Some(&x) = self.slots.get(at) {
            if x == 0 || key(x) > k {
                break;
            }
            if x == fp {
                return Probe::Found;
            }
            at += 1;
        }
        Probe::Absent(at)
    }

    /// Inserts `fp` (not 0) unless present; true when it was not.
    fn insert(&mut self, fp: u64) -> bool {
        loop {
            let at = match self.probe(fp) {
                Probe::Found => return false,
                Probe::Absent(at) => at,
            };
            // The run from `at` moves one slot on, into the first empty
            // one; when there is none before the tail's end, the shard
            // grows and `fp` is placed in the new slots.
            if let Some(gap) = self.slots[at..].iter().position(|&x| x == 0) {
                self.slots.copy_within(at..at + gap, at + 1);
                self.slots[at] = fp;
                self.len += 1;
                if self.len * 10 > self.homes * 9 {
                    self.grow();
                }
                return true;
            }
            self.grow();
        }
    }

    fn contains(&self, fp: u64) -> bool {
        matches!(self.probe(fp), Probe::Found)
    }

    /// Removes `fp` (not 0) if present; true when it was. The run after
    /// its slot moves back one slot, up to the first key at its home or
    /// the first empty slot: the keys stay in order, none before its home.
    fn remove(&mut self, fp: u64) -> bool {
        let k = key(fp);
        let mut at = self.home(fp);
        while let Some(&x) = self.slots.get(at) {
            if x == 0 || key(x) > k {
                return false;
            }
            if x == fp {
                break;
            }
            at += 1;
        }
        if at >= self.slots.len() {
            return false;
        }
        let mut next = at + 1;
        while let Some(&x) = self.slots.get(next) {
            if x == 0 || self.home(x) >= next {
                break;
            }
            next += 1;
        }
        self.slots.copy_within(at + 1..next, at);
        self.slots[next - 1] = 0;
        self.len -= 1;
        true
    }

    /// Moves every fingerprint into a quarter as many homes again, in
    /// order: each goes to its home or just past the one before it.
    fn grow(&mut self) {
        let mut homes = self.homes + (self.homes / 4).max(1);
        loop {
            let mut bigger = Shard::new(homes);
            let mut next = 0;
            let mut fits = true;
            for &fp in self.slots.iter().filter(|&&fp| fp != 0) {
                let at = bigger.home(fp).max(next);
                if at >= bigger.slots.len() {
                    fits = false;
                    break;
                }
                bigger.slots[at] = fp;
                next = at + 1;
            }
            if fits {
                bigger.len = self.len;
                *self = bigger;
                return;
            }
            // (Only when the last keys crowd past the tail.)
            homes += (homes / 4).max(1);
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
        let mut starts = [0usize; (1 << SHARD_BITS) + 1];
        let shard_of = |fp: u64| (fp >> (64 - SHARD_BITS)) as usize;
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
        let mut order = vec![0u32; starts[1 << SHARD_BITS]];
        let mut next = starts;
        for (i, &fp) in fps.iter().enumerate().filter(|(_, &fp)| fp != 0) {
            let k = shard_of(fp);
            order[next[k]] = i as u32;
            next[k] += 1;
        }
        let mut answers = vec![false; order.len()];
        let mut work: Vec<(&mut Shard, &[u32], &mut [bool])> = Vec::with_capacity(1 << SHARD_BITS);
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
            self.shards[(fp >> (64 - SHARD_BITS)) as usize].remove(fp)
        };
        self.len -= usize::from(gone);
        gone
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
        // 72 % to 90 % full, plus the tails and the shards' own size.
        let per = set.heap_bytes() as f64 / set.len() as f64;
        assert!((8.8..11.5).contains(&per), "{per} bytes per fingerprint");
    }

    /// The invariants lookups rely on: keys increase along the slots,
    /// and every slot from a fingerprint's home to its own is used.
    fn assert_ordered(shard: &Shard) {
        let mut last = None;
        for (at, &fp) in shard.slots.iter().enumerate().filter(|(_, &fp)| fp != 0) {
            let home = shard.home(fp);
            assert!(home <= at, "{fp:x} at {at} before its home {home}");
            assert!(
                shard.slots[home..at].iter().all(|&x| x != 0),
                "a gap before {fp:x}"
            );
            assert!(last < Some(key(fp)), "{fp:x} out of key order");
            last = Some(key(fp));
        }
        assert_eq!(shard.slots.iter().filter(|&&fp| fp != 0).count(), shard.len);
    }

    /// Fingerprints crowding one home fill the slots after it in key
    /// order, whatever order they came in; the last home's run goes on
    /// into the tail; a run that would leave the tail grows the shard.
    #[test]
    fn runs_keep_key_order_and_grow_past_the_tail() {
        // The bits below the shard's pick the home: `home` of 16.
        let at = |home: u64, i: u64| (home << (64 - SHARD_BITS - 4)) | i;
        let mut shard = Shard::new(FIRST_SLOTS);
        let last: Vec<u64> = (1..=5).rev().map(|i| at(15, i)).collect();
        let first: Vec<u64> = (1..=4).chain(11..=14).map(|i| at(i / 10 * 7, i)).collect();
        for &fp in last.iter().chain(&first) {
            assert!(shard.insert(fp));
            assert_ordered(&shard);
        }
        assert_eq!(shard.homes, FIRST_SLOTS, "13 of 16: no growth yet");
        let mut sorted = last.clone();
        sorted.sort_unstable();
        assert_eq!(shard.slots.len(), 20);
        assert_eq!(
            &shard.slots[15..],
            &sorted[..],
            "the tail holds the run, in order"
        );
        for &fp in last.iter().chain(&first) {
            assert!(shard.contains(fp) && !shard.insert(fp), "{fp:x}");
        }
        assert!(!shard.contains(at(15, 99)) && !shard.contains(at(0, 99)));
        assert!(!shard.contains(at(15, 0)) && !shard.contains(at(3, 1)));
        assert!(shard.insert(at(3, 1)) && shard.insert(at(3, 2)));
        assert!(shard.homes > FIRST_SLOTS, "15 of 16: grown");
        assert_ordered(&shard);
        for &fp in last.iter().chain(&first) {
            assert!(shard.contains(fp), "{fp:x} after the growth");
        }
        // A shard far from full whose last home draws more than its tail.
        let mut shard = Shard::new(640);
        let tail = shard.slots.len() - 640;
        let crowd = |i: u64| (1u64 << (64 - SHARD_BITS)) - 1 - i;
        assert_eq!(shard.home(crowd(tail as u64 + 5)), 639);
        for i in 0..tail as u64 + 5 {
            assert!(shard.insert(crowd(i)));
        }
        assert!(shard.homes > 640, "the run left the tail: grown");
        assert_ordered(&shard);
        assert!((0..tail as u64 + 5).all(|i| shard.contains(crowd(i))));
        assert!(!shard.contains(crowd(tail as u64 + 5)));
    }

    /// A fingerprint of one shard crowded onto few homes: one of 64 key
    /// prefixes, then one of `low` low bits (many equal homes, and
    /// repeats).
    fn crowded(next: &mut impl FnMut() -> u64, low: u64) -> u64 {
        ((next() % 64) << (64 - SHARD_BITS - 6)) | (next() % low) | 1
    }

    /// Against a plain set: fingerprints crowded onto a few homes (long
    /// runs, many shifts, growths from both causes), inserted and asked
    /// in a scrambled order.
    #[test]
    fn agrees_with_a_plain_set_on_crowded_keys() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let mut shard = Shard::new(FIRST_SLOTS);
        let mut plain = std::collections::HashSet::new();
        for round in 0..20_000 {
            let fp = crowded(&mut next, 512);
            assert_eq!(shard.insert(fp), plain.insert(fp), "{fp:x}");
            if round % 1000 == 0 {
                assert_ordered(&shard);
            }
        }
        assert_ordered(&shard);
        for &fp in &plain {
            assert!(shard.contains(fp));
        }
        for _ in 0..20_000 {
            let fp = crowded(&mut next, 1024);
            assert_eq!(shard.contains(fp), plain.contains(&fp), "{fp:x}");
        }
    }

    /// Removals mixed with insertions, on crowded keys, against a plain
    /// set: the run after a removed key closes up, in order, and every
    /// key left is still found.
    #[test]
    fn removals_agree_with_a_plain_set() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d_u64);
        let mut shard = Shard::new(FIRST_SLOTS);
        let mut plain = std::collections::HashSet::new();
        for round in 0..40_000 {
            let fp = crowded(&mut next, 512);
            if next().is_multiple_of(3) {
                assert_eq!(shard.remove(fp), plain.remove(&fp), "remove {fp:x}");
            } else {
                assert_eq!(shard.insert(fp), plain.insert(fp), "insert {fp:x}");
            }
            if round % 500 == 0 {
                assert_ordered(&shard);
                assert!(plain.iter().all(|&fp| shard.contains(fp)));
            }
        }
        assert_ordered(&shard);
        assert_eq!(shard.len, plain.len());
        assert!(plain.iter().all(|&fp| shard.contains(fp)));
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
                assert_ordered(a);
            }
        }
    }
}
