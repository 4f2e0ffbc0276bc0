//! List joins and meets by handle, for resolution.
//!
//! Most combinations return one of their operands (one list contains the other), so no set is
//! built; only a union or intersection that no source held is computed, once, and kept. A
//! user's templates are merged all at once ([`Combos::combine_all`]), never pairwise, so n
//! lists cost time and memory linear in their entries (times a log for sorting), with no
//! intermediate union built or kept.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::entitlements::{ListPool, pooled};
use crate::index::{ListTable, list_hash};
use crate::value::ListValue;

/// The index's lists plus those one resolution had to build.
#[derive(Debug)]
pub(crate) struct Combos<'t> {
    table: &'t ListTable,
    own: Vec<ListValue>,
    /// Handles of `own` by list hash (see [`ListTable`]): looked up, never iterated.
    own_handles: BTreeMap<u64, Vec<i64>>,
    memo: BTreeMap<(i64, i64, bool), i64>,
}

impl<'t> Combos<'t> {
    pub(crate) fn new(table: &'t ListTable) -> Combos<'t> {
        Combos {
            table,
            own: Vec::new(),
            own_handles: BTreeMap::new(),
            memo: BTreeMap::new(),
        }
    }

    pub(crate) fn get(&self, handle: i64) -> Option<&ListValue> {
        pooled(self.table.values(), &self.own, handle)
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
            || match (self.get(a), self.get(b)) {
                (Some(x), Some(y)) => x.permits(y),
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
        let (Some(x), Some(y)) = (self.get(a), self.get(b)) else {
            return a;
        };
        let result = match (x.permits(y), y.permits(x), join) {
            (true, _, true) | (_, true, false) => a,
            (_, true, true) | (true, _, false) => b,
            (false, false, true) => {
                let union = x.join(y);
                self.intern(union)
            }
            (false, false, false) => {
                let intersection = x.meet(y);
                self.intern(intersection)
            }
        };
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
            [] => return crate::index::EMPTY_LIST,
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
        let mut entries: Vec<&str> = Vec::new();
        for &h in handles.iter() {
            match self.get(h) {
                Some(ListValue::Any) => any = true,
                Some(ListValue::Only(set)) => {
                    sets = sets.saturating_add(1);
                    entries.extend(set.iter().map(String::as_str));
                }
                None => {}
            }
        }
        let result = if (join && any) || (!join && sets == 0) {
            ListValue::Any
        } else {
            entries.sort_unstable();
            // Each set holds an entry once, so an entry in every set appears `sets` times.
            let kept: BTreeSet<String> = entries
                .chunk_by(|a, b| a == b)
                .filter(|run| join || run.len() == sets)
                .filter_map(|run| run.first().map(|s| (*s).to_owned()))
                .collect();
            ListValue::Only(kept)
        };
        handles.clear();
        self.intern(result)
    }

    /// The handle of a list: the index's if it has it, so equal lists have equal handles.
    /// O(size of the list) plus O(log n).
    pub(crate) fn intern(&mut self, list: ListValue) -> i64 {
        if let Some(h) = self.table.find(&list) {
            return h;
        }
        let hash = list_hash(&list);
        if let Some(&h) = self.own_handles.get(&hash).and_then(|hs| {
            hs.iter()
                .find(|&&h| pooled(self.table.values(), &self.own, h) == Some(&list))
        }) {
            return h;
        }
        let h = i64::try_from(self.table.values().len().saturating_add(self.own.len()))
            .unwrap_or(i64::MAX);
        self.own.push(list);
        self.own_handles.entry(hash).or_default().push(h);
        h
    }

    /// The index's table extended with the lists built here.
    pub(crate) fn into_table(self) -> ListTable {
        let mut table = self.table.clone();
        for list in &self.own {
            table.intern(list);
        }
        table
    }

    /// The lists for effective entitlements: the shared table and the lists built here
    /// (`none`, an empty tail to share, when no list was built).
    pub(crate) fn into_pool(self, shared: &Arc<[ListValue]>, none: &Arc<[ListValue]>) -> ListPool {
        let own = if self.own.is_empty() {
            Arc::clone(none)
        } else {
            Arc::from(self.own)
        };
        ListPool::new(Arc::clone(shared), own)
    }
}
