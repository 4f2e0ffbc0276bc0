//! List joins and meets by handle, for resolution.
//!
//! Every entry a resolver can meet is numbered once, in string order (an *atom*), so a list is
//! a sorted slice of integers and lists combine by merging integers: no string is copied,
//! hashed or compared while users are resolved. A list a resolution builds (a union or
//! intersection no source held) is kept as atoms and turned back into strings only when
//! someone reads it ([`ListPool`]): resolving a tenant whose users each merge a few lists
//! allocates no string at all.
//!
//! Most combinations return one of their operands (one list contains the other), so no list is
//! built; a user's templates are merged all at once ([`Combos::combine_all`]), never pairwise,
//! so n lists cost time and memory linear in their entries (times a log for sorting).

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::{Arc, OnceLock};

use crate::entitlements::ListPool;
use crate::index::EMPTY_LIST;
use crate::value::ListValue;

/// A list as atoms: `Any`, or a sorted set of atoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Atoms<'a> {
    Any,
    Only(&'a [u32]),
}

/// Where a list's atoms are in its arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    Any,
    Only { start: u32, len: u32 },
}

/// The fixed hash lists are found by: a multiply-rotate mix of the atoms, word by word (a
/// lookup key only: tables keyed by it are never iterated into output).
fn atoms_hash(list: Atoms<'_>) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    match list {
        Atoms::Any => K,
        Atoms::Only(atoms) => atoms.iter().fold(atoms.len() as u64, |h, &a| {
            (h.rotate_left(5) ^ u64::from(a)).wrapping_mul(K)
        }),
    }
}

/// A fixed hasher for integer keys (a hash already mixed, handles): one multiply per word.
/// Tables keyed by it are looked up, never iterated, so no result depends on it.
#[derive(Debug, Clone, Copy, Default)]
struct Mixer(u64);

impl std::hash::Hasher for Mixer {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

/// A map keyed by a hash already mixed: looked up, never iterated, with a fixed hasher.
type ByHash<V> = HashMap<u64, V, BuildHasherDefault<Mixer>>;

/// Lists stored as spans of one arena of atoms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Arena {
    spans: Vec<Span>,
    atoms: Vec<u32>,
}

impl Arena {
    fn get(&self, i: usize) -> Option<Atoms<'_>> {
        match *self.spans.get(i)? {
            Span::Any => Some(Atoms::Any),
            Span::Only { start, len } => {
                let start = start as usize;
                self.atoms
                    .get(start..start.saturating_add(len as usize))
                    .map(Atoms::Only)
            }
        }
    }

    /// Adds a list; its index. Arenas stay below `u32::MAX` atoms (validation's limits keep
    /// lists far smaller); a list past that is stored empty.
    fn push(&mut self, list: Atoms<'_>) -> usize {
        let span = match list {
            Atoms::Any => Span::Any,
            Atoms::Only(atoms) => {
                match (u32::try_from(self.atoms.len()), u32::try_from(atoms.len())) {
                    (Ok(start), Ok(len)) if start.checked_add(len).is_some() => {
                        self.atoms.extend_from_slice(atoms);
                        Span::Only { start, len }
                    }
                    _ => Span::Only { start: 0, len: 0 },
                }
            }
        };
        self.spans.push(span);
        self.spans.len().saturating_sub(1)
    }
}

/// The strings of atoms, as a list value.
fn materialise(words: &[String], list: Atoms<'_>) -> ListValue {
    match list {
        Atoms::Any => ListValue::Any,
        Atoms::Only(atoms) => ListValue::Only(
            atoms
                .iter()
                .filter_map(|&a| words.get(a as usize).cloned())
                .collect(),
        ),
    }
}

/// The lists a resolver starts from, by handle (the index's, then those prepared with the
/// resolver), as values and as atoms, with every entry any of them holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SharedLists {
    values: Arc<[ListValue]>,
    /// Every entry, sorted: an atom is a position here.
    words: Arc<[String]>,
    lists: Arc<Arena>,
    /// Handles by [`atoms_hash`]: looked up, never iterated.
    by_hash: ByHash<Vec<i64>>,
}

impl SharedLists {
    /// `lists` by handle, with every entry of `lists` and of `more` numbered (`more` holds the
    /// lists preparing a resolver may intern). O(E log E) for E entries.
    pub(crate) fn new<'a>(
        lists: &'a [ListValue],
        more: impl IntoIterator<Item = &'a ListValue>,
    ) -> SharedLists {
        let mut words: BTreeSet<&str> = BTreeSet::new();
        for list in lists.iter().chain(more) {
            if let ListValue::Only(items) = list {
                words.extend(items.iter().map(String::as_str));
            }
        }
        let words: Arc<[String]> = words.into_iter().map(str::to_owned).collect();
        let mut shared = SharedLists {
            values: Arc::from(lists),
            words,
            lists: Arc::new(Arena::default()),
            by_hash: ByHash::default(),
        };
        let mut arena = Arena::default();
        let mut scratch = Vec::new();
        for (h, list) in lists.iter().enumerate() {
            let atoms = shared.atoms_of(list, &mut scratch);
            shared
                .by_hash
                .entry(atoms_hash(atoms))
                .or_default()
                .push(i64::try_from(h).unwrap_or(i64::MAX));
            arena.push(atoms);
        }
        shared.lists = Arc::new(arena);
        shared
    }

    /// A list's atoms, written into `scratch`. Entries no list of the resolver holds are left
    /// out: [`SharedLists::new`] numbers every entry a resolver interns, so there are none.
    fn atoms_of<'s>(&self, list: &ListValue, scratch: &'s mut Vec<u32>) -> Atoms<'s> {
        match list {
            ListValue::Any => Atoms::Any,
            ListValue::Only(items) => {
                scratch.clear();
                scratch.extend(items.iter().filter_map(|item| {
                    let at = self.words.binary_search_by(|w| w.as_str().cmp(item)).ok()?;
                    u32::try_from(at).ok()
                }));
                Atoms::Only(scratch)
            }
        }
    }
}

/// The lists a resolution built, as atoms, turned into values when read: the tail of a
/// [`ListPool`].
#[derive(Debug, Default)]
pub(crate) struct OwnLists {
    words: Arc<[String]>,
    lists: Arena,
    /// Each list's value, built on first read; the cells themselves are made on the first
    /// read of any list, so a resolution nobody reads a built list of pays nothing for them.
    values: OnceLock<Box<[OnceLock<ListValue>]>>,
}

impl OwnLists {
    /// The list at `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&ListValue> {
        let list = self.lists.get(i)?;
        let cells = self.values.get_or_init(|| {
            std::iter::repeat_with(OnceLock::new)
                .take(self.lists.spans.len())
                .collect()
        });
        Some(cells.get(i)?.get_or_init(|| materialise(&self.words, list)))
    }
}

impl PartialEq for OwnLists {
    fn eq(&self, other: &OwnLists) -> bool {
        self.words == other.words && self.lists == other.lists
    }
}

impl Eq for OwnLists {}

impl Clone for OwnLists {
    fn clone(&self) -> OwnLists {
        OwnLists {
            words: Arc::clone(&self.words),
            lists: self.lists.clone(),
            values: self.values.clone(),
        }
    }
}

/// The resolver's lists plus those one resolution had to build.
#[derive(Debug)]
pub(crate) struct Combos<'t> {
    shared: &'t SharedLists,
    own: Arena,
    /// Handles of `own` by [`atoms_hash`]: the first list with a hash, and the rare others.
    own_handles: ByHash<i64>,
    collided: ByHash<Vec<i64>>,
    /// Combinations of two lists already made, by `(smaller, larger, join)`.
    memo: HashMap<(i64, i64, bool), i64, BuildHasherDefault<Mixer>>,
    /// Working memory for one combination.
    scratch: Vec<u32>,
}

impl<'t> Combos<'t> {
    pub(crate) fn new(shared: &'t SharedLists) -> Combos<'t> {
        Combos {
            shared,
            own: Arena::default(),
            own_handles: ByHash::default(),
            collided: ByHash::default(),
            memo: HashMap::default(),
            scratch: Vec::new(),
        }
    }

    /// A list's atoms by handle.
    fn atoms(&self, handle: i64) -> Option<Atoms<'_>> {
        let h = usize::try_from(handle).ok()?;
        let shared = self.shared.lists.spans.len();
        match h.checked_sub(shared) {
            None => self.shared.lists.get(h),
            Some(own) => self.own.get(own),
        }
    }

    /// A list's value by handle (built from its atoms).
    pub(crate) fn value(&self, handle: i64) -> Option<ListValue> {
        Some(materialise(&self.shared.words, self.atoms(handle)?))
    }

    /// The union of two lists.
    pub(crate) fn join(&mut self, a: i64, b: i64) -> i64 {
        self.combine(a, b, true)
    }

    /// The intersection of two lists.
    pub(crate) fn meet(&mut self, a: i64, b: i64) -> i64 {
        self.combine(a, b, false)
    }

    /// Whether list `a` permits everything list `b` does.
    pub(crate) fn permits(&self, a: i64, b: i64) -> bool {
        a == b
            || match (self.atoms(a), self.atoms(b)) {
                (Some(x), Some(y)) => permits(x, y),
                _ => false,
            }
    }

    fn combine(&mut self, a: i64, b: i64, join: bool) -> i64 {
        if a == b {
            return a;
        }
        let key = (a.min(b), a.max(b), join);
        if let Some(h) = self.memo.get(&key) {
            return *h;
        }
        let mut out = std::mem::take(&mut self.scratch);
        let picked = match (self.atoms(a), self.atoms(b)) {
            (Some(x), Some(y)) => match (permits(x, y), permits(y, x), join) {
                (true, _, true) | (_, true, false) => Some(a),
                (_, true, true) | (true, _, false) => Some(b),
                // Neither permits the other, so both are sets.
                (false, false, _) => match (x, y) {
                    (Atoms::Only(x), Atoms::Only(y)) => {
                        out.clear();
                        out.extend_from_slice(x);
                        out.extend_from_slice(y);
                        out.sort_unstable();
                        keep_runs(&mut out, if join { 1 } else { 2 });
                        None
                    }
                    _ => Some(a),
                },
            },
            _ => Some(a),
        };
        let result = match picked {
            Some(h) => h,
            None => self.intern_atoms(Atoms::Only(&out)),
        };
        self.scratch = out;
        self.memo.insert(key, result);
        result
    }

    /// The union (`join`) or intersection of every list in `handles`, built once: sorting all
    /// entries together costs O(E log E) time and O(E) memory for E entries in all, where
    /// combining pairwise would build and keep every intermediate set (quadratic). Empties
    /// `handles`.
    pub(crate) fn combine_all(&mut self, handles: &mut Vec<i64>, join: bool) -> i64 {
        handles.sort_unstable();
        handles.dedup();
        match handles.as_slice() {
            [] => return EMPTY_LIST,
            [one] => return *one,
            [a, b] => {
                let (a, b) = (*a, *b);
                handles.clear();
                return self.combine(a, b, join);
            }
            _ => {}
        }
        let mut any = false;
        let mut sets = 0usize;
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        for &h in handles.iter() {
            match self.atoms(h) {
                Some(Atoms::Any) => any = true,
                Some(Atoms::Only(atoms)) => {
                    sets = sets.saturating_add(1);
                    out.extend_from_slice(atoms);
                }
                None => {}
            }
        }
        handles.clear();
        let h = if (join && any) || (!join && sets == 0) {
            self.intern_atoms(Atoms::Any)
        } else {
            out.sort_unstable();
            // Each set holds an entry once, so an entry in every set appears `sets` times.
            keep_runs(&mut out, if join { 1 } else { sets });
            self.intern_atoms(Atoms::Only(&out))
        };
        self.scratch = out;
        h
    }

    /// The handle of a list value: the resolver's if it has it, so equal lists have equal
    /// handles. O(size of the list) plus O(log n).
    pub(crate) fn intern(&mut self, list: &ListValue) -> i64 {
        let mut scratch = std::mem::take(&mut self.scratch);
        let atoms = self.shared.atoms_of(list, &mut scratch);
        let h = self.intern_atoms(atoms);
        self.scratch = scratch;
        h
    }

    /// The handle of a list of atoms, adding it if it is new.
    fn intern_atoms(&mut self, list: Atoms<'_>) -> i64 {
        let hash = atoms_hash(list);
        let shared = self.shared;
        let first = self.own_handles.get(&hash).copied();
        let found = shared
            .by_hash
            .get(&hash)
            .into_iter()
            .flatten()
            .copied()
            .chain(first)
            .find(|&h| self.atoms(h) == Some(list));
        if let Some(h) = found {
            return h;
        }
        // Another list with the same hash: the few such are searched one by one.
        if first.is_some()
            && let Some(&h) = self
                .collided
                .get(&hash)
                .into_iter()
                .flatten()
                .find(|&&h| self.atoms(h) == Some(list))
        {
            return h;
        }
        let i = self.own.push(list);
        let h = i64::try_from(shared.lists.spans.len().saturating_add(i)).unwrap_or(i64::MAX);
        if first.is_some() {
            self.collided.entry(hash).or_default().push(h);
        } else {
            self.own_handles.insert(hash, h);
        }
        h
    }

    /// The resolver's lists extended with the lists built here (for preparing a resolver).
    pub(crate) fn into_shared(self) -> SharedLists {
        let base = self.shared;
        let mut values: Vec<ListValue> = base.values.to_vec();
        let mut lists: Arena = (*base.lists).clone();
        let mut by_hash = base.by_hash.clone();
        for i in 0..self.own.spans.len() {
            let Some(atoms) = self.own.get(i) else {
                continue;
            };
            values.push(materialise(&base.words, atoms));
            let h = lists.push(atoms);
            by_hash
                .entry(atoms_hash(atoms))
                .or_default()
                .push(i64::try_from(h).unwrap_or(i64::MAX));
        }
        SharedLists {
            values: Arc::from(values),
            words: Arc::clone(&base.words),
            lists: Arc::new(lists),
            by_hash,
        }
    }

    /// The lists for effective entitlements: the resolver's, and the lists built here as
    /// atoms, turned into values when read (`none`, an empty tail to share, when no list was
    /// built).
    pub(crate) fn into_pool(self, none: &Arc<OwnLists>) -> ListPool {
        let own = if self.own.spans.is_empty() {
            Arc::clone(none)
        } else {
            Arc::new(OwnLists {
                words: Arc::clone(&self.shared.words),
                lists: self.own,
                values: OnceLock::new(),
            })
        };
        ListPool::new(Arc::clone(&self.shared.values), own)
    }
}

/// Whether list `x` permits everything list `y` does (`y` a subset of `x`, or `x` any).
fn permits(x: Atoms<'_>, y: Atoms<'_>) -> bool {
    match (x, y) {
        (Atoms::Any, _) => true,
        (Atoms::Only(_), Atoms::Any) => false,
        (Atoms::Only(x), Atoms::Only(y)) => {
            // Both sorted: walk `x` once.
            let mut rest = x.iter();
            y.iter().all(|a| rest.by_ref().any(|b| b == a))
        }
    }
}

/// Keeps one atom of each run of at least `min` equal atoms of a sorted vector.
fn keep_runs(atoms: &mut Vec<u32>, min: usize) {
    let mut write = 0usize;
    let mut read = 0usize;
    while let Some(&a) = atoms.get(read) {
        let run = atoms
            .get(read..)
            .map_or(0, |rest| rest.iter().take_while(|&&b| b == a).count());
        if run >= min
            && let Some(slot) = atoms.get_mut(write)
        {
            *slot = a;
            write = write.saturating_add(1);
        }
        read = read.saturating_add(run.max(1));
    }
    atoms.truncate(write);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> ListValue {
        ListValue::of(items.iter().copied())
    }

    #[test]
    fn combinations_agree_with_the_lattice() {
        let values = [
            ListValue::empty(),
            ListValue::Any,
            list(&["48", "49"]),
            list(&["48"]),
            list(&["420", "49"]),
            list(&["1", "48", "49", "7"]),
        ];
        let shared = SharedLists::new(&values, []);
        for (i, x) in values.iter().enumerate() {
            for (j, y) in values.iter().enumerate() {
                let mut combos = Combos::new(&shared);
                let (a, b) = (i as i64, j as i64);
                let join = combos.join(a, b);
                let meet = combos.meet(a, b);
                assert_eq!(combos.value(join), Some(x.join(y)), "{x} join {y}");
                assert_eq!(combos.value(meet), Some(x.meet(y)), "{x} meet {y}");
                assert_eq!(combos.permits(a, b), x.permits(y), "{x} permits {y}");
                let mut all = vec![a, b, 5];
                let joined = combos.combine_all(&mut all, true);
                assert_eq!(combos.value(joined), Some(x.join(y).join(&values[5])));
                let mut all = vec![a, b, 5];
                let met = combos.combine_all(&mut all, false);
                assert_eq!(combos.value(met), Some(x.meet(y).meet(&values[5])));
            }
        }
    }

    proptest::proptest! {
        /// Any number of lists combine as the lattice folds them.
        #[test]
        fn combining_many_lists_folds_the_lattice(
            picks in proptest::collection::vec(
                proptest::collection::btree_set(0usize..12, 0..6), 3..14),
        ) {
            let universe: Vec<String> = (0..12).map(|i| format!("{i}")).collect();
            let values: Vec<ListValue> = picks
                .iter()
                .map(|set| ListValue::of(set.iter().map(|&i| universe[i].as_str())))
                .collect();
            let shared = SharedLists::new(&values, []);
            let mut combos = Combos::new(&shared);
            let handles: Vec<i64> = (0..values.len() as i64).collect();
            let joined = combos.combine_all(&mut handles.clone(), true);
            let met = combos.combine_all(&mut handles.clone(), false);
            let first = values[0].clone();
            let join = values.iter().fold(first.clone(), |acc, v| acc.join(v));
            let meet = values.iter().fold(first, |acc, v| acc.meet(v));
            proptest::prop_assert_eq!(combos.value(joined), Some(join));
            proptest::prop_assert_eq!(combos.value(met), Some(meet));
        }
    }

    #[test]
    fn equal_lists_have_equal_handles_and_are_read_back() {
        let values = [
            ListValue::empty(),
            ListValue::Any,
            list(&["a", "b"]),
            list(&["b", "c"]),
        ];
        let shared = SharedLists::new(&values, []);
        let mut combos = Combos::new(&shared);
        let union = combos.join(2, 3);
        assert!(union >= 4, "a new list");
        assert_eq!(combos.intern(&list(&["a", "b", "c"])), union);
        assert_eq!(combos.intern(&list(&["b", "a"])), 2);
        let mut again = vec![3, 2, 3];
        assert_eq!(combos.combine_all(&mut again, true), union);
        let none = Arc::new(OwnLists::default());
        let pool = combos.into_pool(&none);
        assert_eq!(pool.get(union), Some(&list(&["a", "b", "c"])));
        assert_eq!(pool.get(2), Some(&list(&["a", "b"])));
    }

    #[test]
    fn runs_are_kept_by_length() {
        let mut atoms = vec![1, 1, 2, 3, 3, 3];
        keep_runs(&mut atoms, 2);
        assert_eq!(atoms, [1, 3]);
        let mut atoms = vec![1, 1, 2, 3, 3, 3];
        keep_runs(&mut atoms, 1);
        assert_eq!(atoms, [1, 2, 3]);
    }
}
