//! FNV-1a (64-bit): a fixed, seedless hash for lookup tables whose contents must not depend on
//! a random seed. Tables keyed by it are only looked up, never iterated into output.

use std::hash::{Hash, Hasher};

/// The FNV-1a hasher.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// FNV-1a, 64-bit, of a byte string: offset basis `0xcbf29ce484222325`, prime
/// `0x100000001b3`. Specified exactly so that any language computes the same value (call
/// sampling depends on it).
///
/// ```
/// use pbx_entitlements::recording::fnv1a64;
///
/// assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hasher = Fnv1a::default();
    hasher.write(bytes);
    hasher.finish()
}

/// The positions of the ids of one slice, looked up by FNV-1a hash. Buckets by the hash's top
/// bits, 4 to 8 ids per bucket; within a bucket, bisection by the hash's low 32 bits, so a
/// crafted document that fills one bucket makes a lookup O(log n), not a scan. The ids are
/// copied once, in slot order, so that a lookup reads three small arrays close together and
/// never the entities themselves: 12 bytes per id, its bytes, and 4 bytes per bucket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Positions {
    /// Where each bucket's slots start, and one more entry: the number of slots.
    starts: Vec<u32>,
    /// How many top bits of a hash choose its bucket.
    bits: u32,
    /// Per id, sorted by bucket then by the hash's low bits: those bits, the id's position,
    /// and where its bytes start in `text` (they end where the next slot's start).
    slots: Vec<Slot32>,
    /// Every id's bytes, in slot order.
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot32 {
    low: u32,
    position: u32,
    at: u32,
}

/// Buckets hold 4–8 ids (2^3 fewer buckets than ids): the bucket starts take 4 bytes per 4–8
/// ids rather than per id, small enough to stay in cache, and a bucket's slots span a cache
/// line or two.
const BUCKET_BITS_BELOW: u32 = 3;

/// Hashes grouped by their top `bits` bits (4 to 8 per bucket), each bucket's few by their low
/// bits and then by position: where each bucket starts (and one more entry, the count), the
/// number of bits, and each hash's low bits and index in that order. O(n) typically (sorting
/// them all took a fifth of building an index); O(n log n) when a crafted document fills one
/// bucket.
fn bucketed(hashes: &[u64]) -> (Vec<u32>, u32, Vec<(u32, u32)>) {
    // Positions are 32-bit: callers keep fewer ids; any past that are left out.
    let hashes = hashes.get(..u32::MAX as usize).unwrap_or(hashes);
    let bits = usize::BITS
        .saturating_sub(hashes.len().leading_zeros())
        .saturating_sub(BUCKET_BITS_BELOW)
        .min(32);
    let buckets = 1usize << bits;
    let mut starts = vec![0u32; buckets.saturating_add(1)];
    for &hash in hashes {
        if let Some(count) = starts.get_mut(bucket(hash, bits).saturating_add(1)) {
            *count = count.saturating_add(1);
        }
    }
    let mut total = 0u32;
    for start in &mut starts {
        total = total.saturating_add(*start);
        *start = total;
    }
    let mut next: Vec<u32> = starts.clone();
    let mut slots: Vec<(u32, u32)> = vec![(0, 0); hashes.len()];
    for (k, &hash) in hashes.iter().enumerate() {
        if let Some(at) = next.get_mut(bucket(hash, bits))
            && let Some(slot) = slots.get_mut(*at as usize)
            && let Ok(position) = u32::try_from(k)
        {
            *slot = (low(hash), position);
            *at = at.saturating_add(1);
        }
    }
    for pair in starts.windows(2) {
        if let [lo, hi] = *pair
            && hi.saturating_sub(lo) > 1
            && let Some(run) = slots.get_mut(lo as usize..hi as usize)
        {
            run.sort_unstable();
        }
    }
    (starts, bits, slots)
}

/// The range of slots of `hash`'s bucket.
#[inline]
fn bucket_range(starts: &[u32], bits: u32, hash: u64) -> Option<(usize, usize)> {
    let b = bucket(hash, bits);
    let (lo, hi) = (*starts.get(b)?, *starts.get(b.saturating_add(1))?);
    Some((lo as usize, hi as usize))
}

impl Positions {
    #[cfg(test)]
    /// The positions of `ids`, in order. O(n) typically. Callers keep fewer than `u32::MAX`
    /// ids and bytes of ids (validation reports more as a problem); anything past that is left
    /// out.
    pub(crate) fn new<'a>(ids: impl Iterator<Item = &'a str>) -> Positions {
        let ids: Vec<&str> = ids.collect();
        let hashes: Vec<u64> = ids.iter().map(|id| fnv1a64(id.as_bytes())).collect();
        Positions::hashed(&hashes, |k| ids.get(k).copied().unwrap_or_default())
    }

    /// The positions of the ids whose FNV-1a hashes the caller has computed already:
    /// `hashes[i]` is the hash of `id_at(i)`.
    pub(crate) fn hashed<'a>(hashes: &[u64], id_at: impl Fn(usize) -> &'a str) -> Positions {
        let (starts, bits, order) = bucketed(hashes);
        let mut slots = Vec::with_capacity(order.len());
        let mut text = String::new();
        for (low, position) in order {
            let Ok(at) = u32::try_from(text.len()) else {
                break;
            };
            slots.push(Slot32 { low, position, at });
            text.push_str(id_at(position as usize));
        }
        Positions {
            starts,
            bits,
            slots,
            text,
        }
    }

    /// How many ids the table holds.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// The position of `id`. O(1) typically.
    #[inline]
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        let hash = fnv1a64(id.as_bytes());
        let (lo, hi) = bucket_range(&self.starts, self.bits, hash)?;
        let slots = self.slots.get(lo..hi)?;
        let key = low(hash);
        let first = slots.partition_point(|s| s.low < key);
        let mut at = lo.saturating_add(first);
        for slot in slots.get(first..)?.iter().take_while(|s| s.low == key) {
            at = at.saturating_add(1);
            let end = self
                .slots
                .get(at)
                .map_or(self.text.len(), |next| next.at as usize);
            if self.text.get(slot.at as usize..end) == Some(id) {
                return Some(slot.position as usize);
            }
        }
        None
    }
}

/// The positions of the ids of one slice, as [`Positions`] but without a copy of the ids: a
/// lookup compares with the slice's own ids. 8 bytes per id and 4 per bucket, for tables
/// (devices) whose lookups matter less than their size.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct BarePositions {
    starts: Vec<u32>,
    bits: u32,
    /// Per id, in bucket order: the hash's low bits and the id's position.
    slots: Vec<(u32, u32)>,
}

impl BarePositions {
    /// The positions of `ids`, in order. O(n) typically; ids past `u32::MAX` are left out.
    #[cfg(test)]
    pub(crate) fn new<'a>(ids: impl Iterator<Item = &'a str>) -> BarePositions {
        let hashes: Vec<u64> = ids.map(|id| fnv1a64(id.as_bytes())).collect();
        BarePositions::hashed(&hashes)
    }

    /// The positions of ids whose FNV-1a hashes are `hashes`, in order.
    pub(crate) fn hashed(hashes: &[u64]) -> BarePositions {
        let (starts, bits, slots) = bucketed(hashes);
        BarePositions {
            starts,
            bits,
            slots,
        }
    }

    /// The position of `id`, given each position's id. O(1) typically. Written out beside
    /// [`Positions::find`] rather than shared with it: a shared helper made finding a user
    /// 53 ns instead of 31 (`lookup/user_ix_100k`).
    #[inline]
    pub(crate) fn find<'a>(
        &self,
        id: &str,
        id_at: impl Fn(usize) -> Option<&'a str>,
    ) -> Option<usize> {
        let hash = fnv1a64(id.as_bytes());
        let (lo, hi) = bucket_range(&self.starts, self.bits, hash)?;
        let slots = self.slots.get(lo..hi)?;
        let key = low(hash);
        let first = slots.partition_point(|s| s.0 < key);
        slots
            .get(first..)?
            .iter()
            .take_while(|s| s.0 == key)
            .map(|s| s.1 as usize)
            .find(|&position| id_at(position) == Some(id))
    }
}

/// The low 32 bits of a hash.
#[inline]
fn low(hash: u64) -> u32 {
    (hash & u64::from(u32::MAX)) as u32
}

/// The bucket of a hash: its top `bits` bits.
#[inline]
fn bucket(hash: u64, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        usize::try_from(hash >> 64u32.saturating_sub(bits)).unwrap_or(0)
    }
}

/// The FNV-1a hash of a value's `Hash` bytes.
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = Fnv1a::default();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        let of = |s: &str| {
            let mut h = Fnv1a::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_eq!(of(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(of("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(fnv1a64(b"a"), of("a"));
    }

    #[test]
    fn positions_find_every_id_and_nothing_else() {
        let ids: Vec<String> = (0..1000).map(|i| format!("u{i:04}")).collect();
        let positions = Positions::new(ids.iter().map(String::as_str));
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(positions.find(id), Some(i));
        }
        assert_eq!(positions.find("u1000"), None);
        assert_eq!(positions.find("u000"), None);
        assert_eq!(positions.find(""), None);
        let bare = BarePositions::new(ids.iter().map(String::as_str));
        let id_at = |p: usize| ids.get(p).map(String::as_str);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(bare.find(id, id_at), Some(i));
        }
        assert_eq!(bare.find("u1000", id_at), None);
        assert_eq!(BarePositions::default().find("u0001", id_at), None);
        let none: [&str; 0] = [];
        assert_eq!(Positions::new(none.into_iter()).find("x"), None);
        assert_eq!(Positions::default().find("u0001"), None);
        // Ids that are prefixes of each other, and the empty id, are told apart.
        let nested = Positions::new(["", "a", "ab", "abc"].into_iter());
        assert_eq!(
            ["", "a", "ab", "abc", "abcd"].map(|id| nested.find(id)),
            [Some(0), Some(1), Some(2), Some(3), None]
        );
    }
}
