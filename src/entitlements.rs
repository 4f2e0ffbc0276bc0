//! Effective entitlements: the resolved value of every feature for one user or device.
//!
//! Values are stored packed: each scalar feature (toggle, restriction, access, limit, choice)
//! keeps its [level](crate::Value::level) in as few bits as its kind needs, and each list feature
//! keeps a 32-bit handle into a table of lists shared by every user of a resolution. For the
//! standard catalog that is five 64-bit words (40 bytes) per user. Reading one feature is a shift and a mask.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::catalog::keys::{Key, KeyKind, kind};
use crate::catalog::{Catalog, Feature, FeatureId};
use crate::error::LookupError;
use crate::value::{Access, ChoiceValue, Kind, ListValue, Value};

/// Where one feature's value sits in the packed words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    word: usize,
    shift: u32,
    mask: u64,
    /// The level stored as zero: the lower bound of a limit, zero otherwise.
    base: i64,
}

impl Slot {
    /// `level` in this slot's bits, shifted into place.
    fn encode(&self, level: i64) -> u64 {
        ((level.wrapping_sub(self.base) as u64) & self.mask) << self.shift
    }

    /// The level held in this slot of `word`.
    #[inline]
    fn decode(&self, word: u64) -> i64 {
        (((word >> self.shift) & self.mask) as i64).wrapping_add(self.base)
    }
}

/// The packing of one catalog's features into words. Built once per resolver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    catalog: Arc<Catalog>,
    slots: Vec<Slot>,
    words: usize,
}

impl Layout {
    /// Packs each feature into the first word with room for it (no value straddles two words).
    ///
    /// O(n log n) for n features: words are kept by the bits they have left, so finding the
    /// first with room is 64 set lookups, not a scan of every word.
    pub(crate) fn new(catalog: Arc<Catalog>) -> Layout {
        let mut free: Vec<u32> = Vec::new(); // bits left in each word
        // by_room[r]: the words with exactly r bits left (r in 1..=64).
        let mut by_room: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); 65];
        let mut slots = Vec::with_capacity(catalog.len());
        for (_, feature) in catalog.iter() {
            let (base, width) = level_range(feature.kind());
            let first_with_room = by_room
                .iter()
                .skip(width.max(1) as usize)
                .filter_map(|words| words.first().copied())
                .min();
            let word = match first_with_room {
                Some(w) => w,
                None => {
                    free.push(64);
                    free.len().saturating_sub(1)
                }
            };
            let left = free.get(word).copied().unwrap_or(64);
            let shift = 64u32.saturating_sub(left);
            if let Some(words) = by_room.get_mut(left as usize) {
                words.remove(&word);
            }
            let now_left = left.saturating_sub(width);
            if let Some(slot) = free.get_mut(word) {
                *slot = now_left;
            }
            if now_left > 0
                && let Some(words) = by_room.get_mut(now_left as usize)
            {
                words.insert(word);
            }
            let mask = if width >= 64 {
                u64::MAX
            } else {
                (1u64 << width).wrapping_sub(1)
            };
            slots.push(Slot {
                word,
                shift,
                mask,
                base,
            });
        }
        Layout {
            words: free.len(),
            catalog,
            slots,
        }
    }

    /// Words per user.
    pub(crate) fn words(&self) -> usize {
        self.words
    }

    pub(crate) fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Stores every feature's level (in catalog order) in `words`, replacing what was there.
    pub(crate) fn pack(&self, levels: &[i64], words: &mut [u64]) {
        words.fill(0);
        for (slot, level) in self.slots.iter().zip(levels) {
            if let Some(word) = words.get_mut(slot.word) {
                *word |= slot.encode(*level);
            }
        }
    }

    /// Stores the level of each listed feature in `words`, leaving the others as they are.
    pub(crate) fn patch(&self, levels: &[i64], features: &[usize], words: &mut [u64]) {
        for &f in features {
            if let (Some(slot), Some(level)) = (self.slots.get(f), levels.get(f))
                && let Some(word) = words.get_mut(slot.word)
            {
                *word = (*word & !(slot.mask << slot.shift)) | slot.encode(*level);
            }
        }
    }

    /// Reads the level of `feature` from `words`.
    #[inline]
    pub(crate) fn load(&self, words: &[u64], feature: usize) -> Option<i64> {
        let slot = self.slots.get(feature)?;
        Some(slot.decode(*words.get(slot.word)?))
    }
}

/// The lowest level of a kind and the bits needed for its range.
fn level_range(kind: &Kind) -> (i64, u32) {
    let span = |lo: i64, hi: i64| -> u32 {
        let range = i128::from(hi).saturating_sub(i128::from(lo)).max(0) as u128;
        128u32.saturating_sub(range.leading_zeros()).clamp(1, 64)
    };
    match kind {
        Kind::Toggle | Kind::Restriction => (0, 1),
        Kind::Access => (0, 2),
        Kind::Limit { min, max } => (*min, span(*min, *max)),
        Kind::Choice { options } => (0, span(0, options.len().saturating_sub(1) as i64)),
        Kind::List { .. } => (0, 32),
    }
}

/// Rows of up to this many words are stored inline: every catalog of up to 512 bits of packed
/// levels (the standard catalog needs five words) costs no allocation per resolved user.
const INLINE_WORDS: usize = 8;

/// One user's packed row.
#[derive(Debug, Clone)]
pub(crate) enum Words {
    Inline {
        len: usize,
        words: [u64; INLINE_WORDS],
    },
    Heap(Box<[u64]>),
}

impl Words {
    /// A row of `len` zero words.
    pub(crate) fn zeroed(len: usize) -> Words {
        if len <= INLINE_WORDS {
            Words::Inline {
                len,
                words: [0; INLINE_WORDS],
            }
        } else {
            Words::Heap(vec![0; len].into_boxed_slice())
        }
    }

    /// A copy of `row`.
    pub(crate) fn from_slice(row: &[u64]) -> Words {
        let mut words = Words::zeroed(row.len());
        words.copy_from_slice(row);
        words
    }
}

impl std::ops::Deref for Words {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        match self {
            Words::Inline { len, words } => words.get(..*len).unwrap_or_default(),
            Words::Heap(words) => words,
        }
    }
}

impl std::ops::DerefMut for Words {
    fn deref_mut(&mut self) -> &mut [u64] {
        match self {
            Words::Inline { len, words } => words.get_mut(..*len).unwrap_or_default(),
            Words::Heap(words) => words,
        }
    }
}

/// The lists a resolution refers to by handle: the resolver's, then the lists the resolution
/// had to build (a union or intersection no source held), turned into values when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListPool {
    shared: Arc<[ListValue]>,
    own: Arc<crate::resolve::OwnLists>,
}

impl ListPool {
    pub(crate) fn new(shared: Arc<[ListValue]>, own: Arc<crate::resolve::OwnLists>) -> ListPool {
        ListPool { shared, own }
    }

    /// The list with this handle.
    #[inline]
    pub(crate) fn get(&self, handle: i64) -> Option<&ListValue> {
        let h = usize::try_from(handle).ok()?;
        match h.checked_sub(self.shared.len()) {
            None => self.shared.get(h),
            Some(own) => self.own.get(own),
        }
    }
}

/// Builds a typed value from a level (or list handle) of a feature of kind `kind`.
pub(crate) fn decode(of: &Kind, level: i64, lists: &ListPool) -> Value {
    decode_with(of, level, |handle| lists.get(handle))
}

/// [`decode`] with the lists read by `list`: for a scalar level, `|_| None` needs no pool.
pub(crate) fn decode_with<'l>(
    of: &'l Kind,
    level: i64,
    list: impl Fn(i64) -> Option<&'l ListValue> + Copy,
) -> Value {
    // One decoding of levels: the typed keys' (`KeyKind::read`). Every level here comes from a
    // resolution of this kind, so each read matches; the fallbacks are the closed values.
    match of {
        Kind::Toggle => Value::Toggle(kind::Toggle::read(of, level, list).unwrap_or(false)),
        Kind::Restriction => {
            Value::Restriction(kind::Restriction::read(of, level, list).unwrap_or(true))
        }
        Kind::Access => Value::Access(kind::Access::read(of, level, list).unwrap_or(Access::None)),
        Kind::Limit { .. } => Value::Limit(level),
        Kind::Choice { .. } => Value::Choice(ChoiceValue::new(
            u16::try_from(level).unwrap_or(0),
            kind::Choice::read(of, level, list).unwrap_or_default(),
        )),
        Kind::List { .. } => Value::List(
            kind::List::read(of, level, list)
                .cloned()
                .unwrap_or_else(ListValue::empty),
        ),
    }
}

/// Something that names a feature: a [`FeatureId`] (fastest), its key, or a typed
/// [`keys::Key`](crate::keys::Key). Sealed: the crate decides what can name a feature.
pub trait FeatureRef: crate::sealed::Sealed {
    /// The feature's id in `catalog`, if it has one.
    fn feature_id(&self, catalog: &Catalog) -> Option<FeatureId>;

    /// The feature's id and definition in `catalog`, if it has one.
    #[doc(hidden)]
    fn feature<'c>(&self, catalog: &'c Catalog) -> Option<(FeatureId, &'c Feature)> {
        let id = self.feature_id(catalog)?;
        Some((id, catalog.get(id)?))
    }

    /// The error for a feature `catalog` does not have.
    #[doc(hidden)]
    fn unknown(&self) -> LookupError;
}

impl crate::sealed::Sealed for FeatureId {}
impl FeatureRef for FeatureId {
    #[inline]
    fn feature_id(&self, catalog: &Catalog) -> Option<FeatureId> {
        catalog.get(*self).map(|_| *self)
    }
    #[inline]
    fn feature<'c>(&self, catalog: &'c Catalog) -> Option<(FeatureId, &'c Feature)> {
        catalog.get(*self).map(|f| (*self, f))
    }
    fn unknown(&self) -> LookupError {
        LookupError::UnknownFeature(self.to_string())
    }
}

impl FeatureRef for &str {
    fn feature_id(&self, catalog: &Catalog) -> Option<FeatureId> {
        catalog.feature_id(self)
    }
    fn unknown(&self) -> LookupError {
        LookupError::UnknownFeature((*self).to_owned())
    }
}

impl FeatureRef for String {
    fn feature_id(&self, catalog: &Catalog) -> Option<FeatureId> {
        catalog.feature_id(self)
    }
    fn unknown(&self) -> LookupError {
        LookupError::UnknownFeature(self.clone())
    }
}

impl FeatureRef for &String {
    fn feature_id(&self, catalog: &Catalog) -> Option<FeatureId> {
        catalog.feature_id(self)
    }
    fn unknown(&self) -> LookupError {
        LookupError::UnknownFeature((*self).clone())
    }
}

impl<K> crate::sealed::Sealed for Key<K> {}
impl<K> FeatureRef for Key<K> {
    fn feature_id(&self, catalog: &Catalog) -> Option<FeatureId> {
        self.find(catalog).map(|(id, _)| id)
    }
    #[inline]
    fn feature<'c>(&self, catalog: &'c Catalog) -> Option<(FeatureId, &'c Feature)> {
        self.find(catalog)
    }
    fn unknown(&self) -> LookupError {
        LookupError::UnknownFeature(self.key().to_owned())
    }
}

/// The error for a feature the catalog does not have: kept out of line, so that the checks
/// that succeed carry none of its code.
#[cold]
#[inline(never)]
fn unknown(feature: &impl FeatureRef) -> LookupError {
    feature.unknown()
}

/// What [`Entitlements::get`] accepts, and what it answers: a typed
/// [`keys::Key`](crate::keys::Key) answers with its kind's Rust type; a key, `String` or
/// [`FeatureId`] answers with `Result<Value, LookupError>`. Sealed.
pub trait Query: crate::sealed::Sealed {
    /// The answer.
    type Output<'e>;
    /// Reads the feature from `e`.
    #[doc(hidden)]
    fn read(self, e: &Entitlements) -> Self::Output<'_>;
}

macro_rules! value_queries {
    ($($t:ty),*) => {$(
        impl Query for $t {
            type Output<'e> = Result<Value, LookupError>;
            fn read(self, e: &Entitlements) -> Result<Value, LookupError> {
                let (_, kind, level) = e.level(&self)?;
                Ok(decode(kind, level, &e.lists))
            }
        }
    )*};
}
value_queries!(&str, String, &String, FeatureId);

impl<K: KeyKind> Query for Key<K> {
    type Output<'e> = K::Value<'e>;
    fn read(self, e: &Entitlements) -> K::Value<'_> {
        e.slot(&self)
            .and_then(|(_, kind, level)| K::read(kind, level, |h| e.lists.get(h)))
            .unwrap_or_else(K::closed)
    }
}

/// The effective value of every feature for one user (or one device of a user).
///
/// Two ways to read a value:
/// - a typed key of [`keys`](crate::keys) with [`get`](Entitlements::get): the answer has the
///   kind's Rust type, and a misspelled key or a wrong kind does not compile;
/// - a key string or [`FeatureId`] with [`get`](Entitlements::get) or a kind's getter
///   ([`toggle`](Entitlements::toggle), [`limit`](Entitlements::limit) …): the answer is a
///   `Result`, and an unknown key or a feature of another kind is an `Err`, never "off".
///
/// Iteration and serialisation follow catalog order; serde writes an ordered map
/// `key -> value` in the interchange shapes of the JSON format.
///
/// ```
/// use pbx_entitlements::{keys, model::{Plan, Tenant, User}, validate, Access, LookupError,
///                        Resolver};
///
/// let mut tenant = Tenant::new("acme", Plan::all("business"));
/// tenant.users.push(
///     User::new("alice")
///         .with_override("max_channels", 3)
///         .with_override("dashboard_logs", "read"),
/// );
///
/// let index = validate(&tenant)?;
/// let e = Resolver::new(&index).user("alice")?;
/// assert_eq!(e.get(keys::MAX_CHANNELS), 3);
/// assert_eq!(e.get(keys::DASHBOARD_LOGS), Access::Read);
/// assert!(!e.get(keys::CHAT));                      // closed by default
/// assert!(e.get(keys::ONLY_OWN_LOGS));              // restricting by default
///
/// // String keys answer with a Result: a typo is an error, not "off".
/// assert_eq!(e.restriction("only_own_logs"), Ok(true));
/// assert!(matches!(e.restriction("only_own_logz"), Err(LookupError::UnknownFeature(_))));
/// assert!(matches!(e.toggle("max_channels"), Err(LookupError::WrongKind { .. })));
/// assert_eq!(e.get("recordings_replay")?.to_string(), "none");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Entitlements {
    layout: Arc<Layout>,
    lists: ListPool,
    words: Words,
}

impl Entitlements {
    pub(crate) fn new(layout: Arc<Layout>, lists: ListPool, words: Words) -> Self {
        Entitlements {
            layout,
            lists,
            words,
        }
    }

    /// The catalog these values belong to.
    pub fn catalog(&self) -> &Catalog {
        self.layout.catalog()
    }

    /// Where a feature is and what it holds: the check's hot path, which builds no error.
    #[inline]
    fn slot(&self, feature: &impl FeatureRef) -> Option<(FeatureId, &Kind, i64)> {
        let (id, definition) = feature.feature(self.layout.catalog())?;
        let level = self.layout.load(&self.words, id.index())?;
        Some((id, definition.kind(), level))
    }

    fn level(&self, feature: &impl FeatureRef) -> Result<(FeatureId, &Kind, i64), LookupError> {
        self.slot(feature).ok_or_else(|| unknown(feature))
    }

    /// A feature read as kind `K`, or why not.
    #[inline]
    fn read_as<K: KeyKind>(&self, feature: &impl FeatureRef) -> Result<K::Value<'_>, LookupError> {
        let Some((id, kind, level)) = self.slot(feature) else {
            return Err(unknown(feature));
        };
        match K::read(kind, level, |handle| self.lists.get(handle)) {
            Some(value) => Ok(value),
            None => Err(self.wrong_kind(id, kind, K::NAME)),
        }
    }

    #[cold]
    #[inline(never)]
    fn wrong_kind(&self, id: FeatureId, kind: &Kind, asked: &'static str) -> LookupError {
        LookupError::WrongKind {
            feature: self.layout.catalog().key(id).to_owned(),
            kind: kind.name(),
            asked,
        }
    }

    /// The effective value of a feature: its kind's Rust type for a typed key, a
    /// `Result<Value, LookupError>` for a key string or [`FeatureId`] (see [`Query`]).
    ///
    /// # Errors
    ///
    /// For a key string or [`FeatureId`]: [`LookupError::UnknownFeature`] if the catalog has
    /// no such feature. A typed key never fails.
    pub fn get<Q: Query>(&self, feature: Q) -> Q::Output<'_> {
        feature.read(self)
    }

    // The kind getters read the packed level directly rather than build a `Value` through
    // `decode`: a check is on the call-setup hot path (< 5 ns), and going through `decode`
    // measured three times slower. They share the typed keys' decoding (`KeyKind::read`).

    /// A toggle's value.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownFeature`] for a feature the catalog does not have,
    /// [`LookupError::WrongKind`] for a feature that is not a toggle.
    pub fn toggle(&self, feature: impl FeatureRef) -> Result<bool, LookupError> {
        self.read_as::<kind::Toggle>(&feature)
    }

    /// A restriction toggle's value: `true` when the restriction applies.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownFeature`] for a feature the catalog does not have,
    /// [`LookupError::WrongKind`] for a feature that is not a restriction toggle.
    pub fn restriction(&self, feature: impl FeatureRef) -> Result<bool, LookupError> {
        self.read_as::<kind::Restriction>(&feature)
    }

    /// An access level.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownFeature`] for a feature the catalog does not have,
    /// [`LookupError::WrongKind`] for a feature that is not an access.
    pub fn access(&self, feature: impl FeatureRef) -> Result<Access, LookupError> {
        self.read_as::<kind::Access>(&feature)
    }

    /// A limit.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownFeature`] for a feature the catalog does not have,
    /// [`LookupError::WrongKind`] for a feature that is not a limit.
    pub fn limit(&self, feature: impl FeatureRef) -> Result<i64, LookupError> {
        self.read_as::<kind::Limit>(&feature)
    }

    /// A choice's option name (`own`).
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownFeature`] for a feature the catalog does not have,
    /// [`LookupError::WrongKind`] for a feature that is not a choice.
    pub fn choice(&self, feature: impl FeatureRef) -> Result<&str, LookupError> {
        self.read_as::<kind::Choice>(&feature)
    }

    /// A list.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownFeature`] for a feature the catalog does not have,
    /// [`LookupError::WrongKind`] for a feature that is not a list.
    pub fn list(&self, feature: impl FeatureRef) -> Result<&ListValue, LookupError> {
        self.read_as::<kind::List>(&feature)
    }

    /// Whether the feature is in effect: its value is not its kind's off value (a toggle on,
    /// a restriction applying, an access above `none`, a limit above its minimum, a choice
    /// above its first option, a non-empty list).
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownFeature`] for a feature the catalog does not have: an unknown
    /// key is never read as "off".
    pub fn is_on(&self, feature: impl FeatureRef) -> Result<bool, LookupError> {
        Ok(match self.level(&feature)? {
            (_, Kind::List { .. }, handle) => {
                self.lists.get(handle).is_some_and(|list| !list.is_empty())
            }
            (_, kind, level) => kind.off().level() != Some(level),
        })
    }

    /// Every feature with its value, in catalog order.
    pub fn iter(&self) -> impl Iterator<Item = (FeatureId, &str, Value)> + '_ {
        self.layout.catalog().iter().filter_map(|(id, f)| {
            let level = self.layout.load(&self.words, id.index())?;
            Some((id, f.key(), decode(f.kind(), level, &self.lists)))
        })
    }

    /// Bytes of packed state per user (the shared list table not counted).
    pub fn packed_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.words)
    }
}

/// Equal when they hold the same value for every feature of the same catalog. (Two
/// resolutions may number their lists differently; values are compared, not storage.)
impl PartialEq for Entitlements {
    fn eq(&self, other: &Entitlements) -> bool {
        let same_catalog = Arc::ptr_eq(self.layout.catalog(), other.layout.catalog())
            || self.layout.catalog() == other.layout.catalog();
        same_catalog && self.iter().eq(other.iter())
    }
}

impl Eq for Entitlements {}

impl Serialize for Entitlements {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let catalog = self.layout.catalog();
        let mut map = serializer.serialize_map(Some(catalog.len()))?;
        for (id, key, value) in self.iter() {
            if let Some(raw) = catalog.get(id).and_then(|f| f.kind().render(&value)) {
                map.serialize_entry(key, &raw)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_catalog_packs_into_few_words() {
        let layout = Layout::new(Arc::new(Catalog::standard()));
        assert!(layout.words() <= 5, "{} words", layout.words());
    }

    #[test]
    fn store_and_load_round_trip_at_the_bounds() {
        let catalog = Catalog::builder("bounds")
            .feature(crate::FeatureDef::limit("wide", i64::MIN, i64::MAX))
            .feature(crate::FeatureDef::limit("neg", -5, 5))
            .feature(crate::FeatureDef::toggle("t"))
            .without_self_service_gate()
            .build()
            .unwrap();
        let layout = Layout::new(Arc::new(catalog));
        let mut words = vec![u64::MAX; layout.words()];
        for wide in [i64::MIN, -1, 0, 1, i64::MAX] {
            for narrow in -5..=5 {
                for toggle in [0, 1] {
                    layout.pack(&[wide, narrow, toggle], &mut words);
                    assert_eq!(layout.load(&words, 0), Some(wide));
                    assert_eq!(layout.load(&words, 1), Some(narrow));
                    assert_eq!(layout.load(&words, 2), Some(toggle));
                }
            }
        }
    }
}
