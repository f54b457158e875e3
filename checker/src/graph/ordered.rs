//! Ordered linear probing over plain `u64` slots, in shards: the table
//! under the fingerprint set ([`super::fpset`]) and the byte-string set's
//! index of ids ([`TagIndex`], under [`super::intern::Interner`]).
//!
//! A slot holds an entry (0 marks an empty slot), and the entries are
//! split into shards by their top bits. Within a shard the first slot to
//! probe (the home) is a monotone function of the entry's other bits, its
//! key, and the slots are kept in key order (ordered linear probing, as
//! Amble and Knuth's ordered hash tables): a lookup walks from the home
//! while the keys are smaller, an insertion shifts the rest of its run one
//! slot on. Probing never wraps round: past the last home lies a short
//! tail of slots, and a run that would leave it grows the shard. Comparing
//! keys costs a shift and a compare per slot; the Robin Hood table the
//! fingerprint set first had computed each slot's distance from its home
//! (a multiply and a division), about 450 instructions an insertion at
//! 72-90 % full.
//!
//! A shard grows by a quarter when it is 90 % full (or its tail would
//! overflow), so the slots are 72 % to 90 % full (9 to 11.5 bytes per
//! entry with the tails), and a growth copies one shard in one ordered
//! pass, not the whole table: the table never holds twice its size while
//! it grows, which a peak-memory bound would see. (A small shard, below
//! [`SMALL`] homes, doubles instead.) A growth reads the slots alone,
//! never what an entry stands for.
//!
//! Two kinds of entry: a fingerprint is its own key (`Shard<false>`); a
//! tagged entry (`Shard<true>`) is a 32-bit tag (a hash) in the upper half
//! and an id plus one in the lower, keyed by its tag alone, so that the
//! entries of one tag (hashes collide) lie together, in id order.

/// The shards: `1 << SHARD_BITS`.
pub(super) const SHARD_BITS: u32 = 6;

/// One shard: its slots (`homes` of them, then the tail), in key order
/// with empty slots between runs, and how many are used.
pub(super) struct Shard<const TAGGED: bool> {
    pub(super) slots: Box<[u64]>,
    pub(super) homes: usize,
    pub(super) len: usize,
}

/// The key of entry `x`: the bits below the shard's, of the whole
/// fingerprint or of the tag alone.
fn key<const TAGGED: bool>(x: u64) -> u64 {
    if TAGGED {
        (x >> 32) << (32 + SHARD_BITS)
    } else {
        x << SHARD_BITS
    }
}

/// The homes below which a shard doubles when it grows: growing by a
/// quarter keeps a large table's peak memory close to what it holds, but
/// copies each entry about four times over the table's life, where
/// doubling copies it about once (growths were 28 % of the index's
/// instructions on lastzero(11), full store, growing by a quarter from
/// the first entry). Below this, the slots doubling leaves unused are at
/// most about 9 KB a shard, 600 KB over the 64.
const SMALL: usize = 1024;

/// The slots past the last home of a shard of `homes` homes (none
/// before the first home).
fn tail(homes: usize) -> usize {
    if homes == 0 {
        0
    } else {
        homes / 64 + 4
    }
}

/// The shard of entry `x`.
pub(super) fn shard_of(x: u64) -> usize {
    (x >> (64 - SHARD_BITS)) as usize
}

/// `1 << SHARD_BITS` empty shards, without slots: a shard allocates at
/// its first entry (a small search's store holds no fixed 10 KB a table).
pub(super) fn empty_shards<const TAGGED: bool>() -> Vec<Shard<TAGGED>> {
    (0..1 << SHARD_BITS).map(|_| Shard::new(0)).collect()
}

/// Bytes held by `shards`.
pub(super) fn heap_bytes<const TAGGED: bool>(shards: &Vec<Shard<TAGGED>>) -> usize {
    shards.iter().map(|s| s.slots.len() * 8).sum::<usize>()
        + shards.capacity() * std::mem::size_of::<Shard<TAGGED>>()
}

/// Where a lookup of a fingerprint ends: its slot, or where it belongs.
enum Probe {
    Found,
    Absent(usize),
}

impl<const TAGGED: bool> Shard<TAGGED> {
    pub(super) fn new(homes: usize) -> Self {
        Shard {
            slots: vec![0u64; homes + tail(homes)].into_boxed_slice(),
            homes,
            len: 0,
        }
    }

    /// The slot to probe first for entry `x` (its key mapped onto the
    /// homes by a multiply-shift: any number of homes works, and a larger
    /// key never has an earlier home).
    pub(super) fn home(&self, x: u64) -> usize {
        ((key::<TAGGED>(x) as u128 * self.homes as u128) >> 64) as usize
    }

    /// Puts `x` at slot `at`, where a lookup of it ended: the run from
    /// `at` moves one slot on, into the first empty one. False, with
    /// nothing changed, when there is none before the tail's end (the
    /// shard must grow first).
    fn place(&mut self, at: usize, x: u64) -> bool {
        match self.slots.get(at) {
            // (Most often: no run to move, and no call to move none.)
            Some(0) => {}
            _ => {
                let Some(gap) = self
                    .slots
                    .get(at..)
                    .and_then(|run| run.iter().position(|&s| s == 0))
                else {
                    return false;
                };
                self.slots.copy_within(at..at + gap, at + 1);
            }
        }
        self.slots[at] = x;
        self.len += 1;
        if self.len * 10 > self.homes * 9 {
            self.grow();
        }
        true
    }

    /// Moves every entry into a quarter as many homes again (twice as
    /// many while the shard is small), in order: each goes to its home or
    /// just past the one before it.
    fn grow(&mut self) {
        let mut homes = if self.homes < SMALL {
            (self.homes * 2).max(8)
        } else {
            self.homes + self.homes / 4
        };
        loop {
            let mut bigger = Self::new(homes);
            let mut next = 0;
            let mut fits = true;
            for &x in self.slots.iter().filter(|&&x| x != 0) {
                let at = bigger.home(x).max(next);
                if at >= bigger.slots.len() {
                    fits = false;
                    break;
                }
                bigger.slots[at] = x;
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

impl Shard<false> {
    /// Walks from `fp`'s home past the smaller keys. (Every slot between
    /// a fingerprint's home and its own slot is used, and the keys
    /// increase along the slots, so `fp` is found there or nowhere.)
    fn probe(&self, fp: u64) -> Probe {
        let k = key::<false>(fp);
        let mut at = self.home(fp);
        while let Some(&x) = self.slots.get(at) {
            if x == 0 || key::<false>(x) > k {
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
    pub(super) fn insert(&mut self, fp: u64) -> bool {
        loop {
            let at = match self.probe(fp) {
                Probe::Found => return false,
                Probe::Absent(at) => at,
            };
            // When the run has no room before the tail's end, the shard
            // grows and `fp` is placed in the new slots.
            if self.place(at, fp) {
                return true;
            }
            self.grow();
        }
    }

    pub(super) fn contains(&self, fp: u64) -> bool {
        matches!(self.probe(fp), Probe::Found)
    }

    /// Removes `fp` (not 0) if present; true when it was. The run after
    /// its slot moves back one slot, up to the first key at its home or
    /// the first empty slot: the keys stay in order, none before its home.
    pub(super) fn remove(&mut self, fp: u64) -> bool {
        let k = key::<false>(fp);
        let mut at = self.home(fp);
        while let Some(&x) = self.slots.get(at) {
            if x == 0 || key::<false>(x) > k {
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
}

impl Shard<true> {
    /// The id of the entry tagged `tag` for which `is` holds, or where a
    /// new entry of that tag belongs (after every entry of its tag).
    fn find(&self, tag: u32, is: &mut impl FnMut(u32) -> bool) -> Result<u32, usize> {
        let lowest = u64::from(tag) << 32;
        let k = key::<true>(lowest);
        let mut at = self.home(lowest);
        while let Some(&x) = self.slots.get(at) {
            let kx = key::<true>(x);
            if x == 0 || kx > k {
                break;
            }
            if kx == k {
                let id = (x as u32).wrapping_sub(1);
                if is(id) {
                    return Ok(id);
                }
            }
            at += 1;
        }
        Err(at)
    }
}

/// Ids filed under 32-bit tags (their entries' hashes), several ids to a
/// tag when hashes collide, told apart by the caller's test: the index of
/// [`super::intern::Interner`], 9 to 11.5 bytes an id. A lookup reads one
/// run of slots, where a table of (id, tag) pairs beside control bytes
/// (hashbrown's) read two places; and a growth reads the slots alone.
pub(crate) struct TagIndex {
    shards: Vec<Shard<true>>,
}

impl Default for TagIndex {
    fn default() -> Self {
        TagIndex {
            shards: empty_shards(),
        }
    }
}

impl TagIndex {
    /// The shard of the entries tagged `tag`.
    fn shard(tag: u32) -> usize {
        shard_of(u64::from(tag) << 32)
    }

    /// The id filed under `tag` for which `is` holds.
    pub(crate) fn find(&self, tag: u32, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        self.shards[Self::shard(tag)].find(tag, &mut is).ok()
    }

    /// The id filed under `tag` for which `is` holds; else `None`, once
    /// `id` is filed there (`id` below `u32::MAX` and above every id
    /// filed: ids come in order).
    pub(crate) fn find_or_insert(
        &mut self,
        tag: u32,
        id: u32,
        mut is: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        debug_assert!(id < u32::MAX);
        let shard = &mut self.shards[Self::shard(tag)];
        // (Above every entry of its tag: its place is where the lookup
        // ends, and the tag's entries stay in id order.)
        let x = (u64::from(tag) << 32) | (u64::from(id) + 1);
        loop {
            match shard.find(tag, &mut is) {
                Ok(found) => return Some(found),
                Err(at) if shard.place(at, x) => return None,
                Err(_) => shard.grow(),
            }
        }
    }

    /// Bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        heap_bytes(&self.shards)
    }
}

/// The invariants lookups rely on, for tests: keys never decrease along
/// the slots (fingerprints: increase; a tag's entries: in id order), and
/// every slot from an entry's home to its own is used.
#[cfg(test)]
pub(super) fn assert_ordered<const TAGGED: bool>(shard: &Shard<TAGGED>) {
    let mut last: Option<(u64, u64)> = None;
    for (at, &x) in shard.slots.iter().enumerate().filter(|(_, &x)| x != 0) {
        let home = shard.home(x);
        assert!(home <= at, "{x:x} at {at} before its home {home}");
        assert!(
            shard.slots[home..at].iter().all(|&s| s != 0),
            "a gap before {x:x}"
        );
        // (Within a shard, the order of the entries is that of their
        // slot values: the key, then the id.)
        let now = (key::<TAGGED>(x), x);
        assert!(last < Some(now), "{x:x} out of order");
        last = Some(now);
    }
    assert_eq!(shard.slots.iter().filter(|&&x| x != 0).count(), shard.len);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The homes of the shards these tests start from.
    const FIRST_SLOTS: usize = 16;

    /// Fingerprints crowding one home fill the slots after it in key
    /// order, whatever order they came in; the last home's run goes on
    /// into the tail; a run that would leave the tail grows the shard.
    #[test]
    fn runs_keep_key_order_and_grow_past_the_tail() {
        // The bits below the shard's pick the home: `home` of 16.
        let at = |home: u64, i: u64| (home << (64 - SHARD_BITS - 4)) | i;
        let mut shard = Shard::<false>::new(FIRST_SLOTS);
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
        let mut shard = Shard::<false>::new(640);
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
        let mut shard = Shard::<false>::new(FIRST_SLOTS);
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
        let mut shard = Shard::<false>::new(FIRST_SLOTS);
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
    }

    /// Against a plain map: entries crowded onto few tags (up to a
    /// hundred ids a tag, as colliding hashes would file them) and few
    /// homes, in every shard, through growths; each id is found under its
    /// own tag by its own test, and a new one is filed exactly when the
    /// map had none.
    #[test]
    fn tagged_ids_agree_with_a_plain_map_on_crowded_tags() {
        let mut next = crate::testing::xorshift(0x6a09_e667_f3bc_c909_u64);
        let mut index = TagIndex::default();
        // What each id stands for (the test `is` compares), and the map.
        let mut values: Vec<u64> = Vec::new();
        let mut plain: std::collections::HashMap<(u32, u64), u32> = Default::default();
        for round in 0..60_000u32 {
            // One of 4 shards, 64 homes' worth of tag prefixes, and a
            // value of 100 under each tag.
            let tag = ((next() % 4) as u32) << 30 | ((next() % 64) as u32) << 18;
            let value = next() % 100;
            let id = values.len() as u32;
            let found = index.find_or_insert(tag, id, |id| values[id as usize] == value);
            match plain.get(&(tag, value)) {
                Some(&known) => assert_eq!(found, Some(known), "round {round}"),
                None => {
                    assert_eq!(found, None, "round {round}: filed anew");
                    values.push(value);
                    plain.insert((tag, value), id);
                }
            }
            if round % 5000 == 0 {
                index.shards.iter().for_each(assert_ordered);
            }
        }
        index.shards.iter().for_each(assert_ordered);
        // Only the four shards used have slots.
        assert_eq!(index.shards.iter().filter(|s| s.homes > 0).count(), 4);
        assert!(index
            .shards
            .iter()
            .all(|s| s.homes > 0 || s.slots.is_empty()));
        for (&(tag, value), &id) in &plain {
            assert_eq!(index.find(tag, |i| values[i as usize] == value), Some(id));
            assert_eq!(index.find(tag, |i| values[i as usize] == value + 100), None);
            assert_eq!(index.find(tag ^ 1, |i| values[i as usize] == value), None);
        }
        let used: usize = index.shards.iter().map(|s| s.len).sum();
        assert_eq!(used, plain.len());
    }
}
