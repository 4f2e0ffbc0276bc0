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

/// Ids looked up by their FNV-1a hash: the hashes sorted in one dense array searched by
/// bisection, then the few ids with that hash compared. O(log n) per lookup whatever the ids
/// (no bucket a crafted document could flood), and cache-friendly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct HashedIds<V> {
    hashes: Vec<u64>,
    entries: Vec<(Box<str>, V)>,
}

impl<V> HashedIds<V> {
    /// The table of `entries`; an id given twice keeps its first value. O(n log n).
    pub(crate) fn new(entries: impl IntoIterator<Item = (Box<str>, V)>) -> HashedIds<V> {
        let mut keyed: Vec<(u64, Box<str>, V)> = entries
            .into_iter()
            .map(|(id, v)| (fnv1a64(id.as_bytes()), id, v))
            .collect();
        // Stable: the first of equal ids stays first.
        keyed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        keyed.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
        let hashes = keyed.iter().map(|(h, _, _)| *h).collect();
        let entries = keyed.into_iter().map(|(_, id, v)| (id, v)).collect();
        HashedIds { hashes, entries }
    }

    /// The value of `id`. O(log n).
    pub(crate) fn get(&self, id: &str) -> Option<&V> {
        let hash = fnv1a64(id.as_bytes());
        let start = self.hashes.partition_point(|&h| h < hash);
        let run = self
            .hashes
            .get(start..)?
            .iter()
            .take_while(|&&h| h == hash)
            .count();
        self.entries
            .get(start..start.saturating_add(run))?
            .iter()
            .find(|(key, _)| &**key == id)
            .map(|(_, v)| v)
    }

    /// How many ids the table holds.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
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
    fn hashed_ids_find_every_id_and_nothing_else() {
        let table = HashedIds::new((0..1000).map(|i| (format!("{i}").into_boxed_str(), i)));
        assert_eq!(table.len(), 1000);
        for i in 0..1000 {
            assert_eq!(table.get(&format!("{i}")), Some(&i));
        }
        assert_eq!(table.get("1000"), None);
        assert_eq!(table.get(""), None);
        let first = HashedIds::new([("x".into(), 1), ("x".into(), 2)]);
        assert_eq!((first.len(), first.get("x")), (1, Some(&1)));
    }
}
