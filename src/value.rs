//! Value kinds and their lattices (see the [guide](crate::guide::values)).
//!
//! Every feature value lives in a bounded lattice ordered by *permissiveness*: `join` gives the
//! more permissive of two values, `meet` the more restrictive. Every resolution layer is written
//! with these two operations and "replace", which is what makes resolution order-independent.
//! This module is the one place where they are defined.
//!
//! Scalar kinds (toggle, restriction toggle, access, limit, choice) share one trick: each value
//! has a [`Value::level`], its rank in the permissiveness order, so `join` is the higher level and
//! `meet` the lower. Lists are sets of strings with `Any` as top.
//!
//! ```
//! use pbx_entitlements::{Access, Kind, Value};
//!
//! // Access: none < read < write
//! let a = Value::Access(Access::Read);
//! let b = Value::Access(Access::Write);
//! assert_eq!(a.join(&b), Some(b.clone()));
//! assert_eq!(a.meet(&b), Some(a.clone()));
//! assert!(b.permits(&a));
//!
//! // A restriction toggle is more permissive when it is `false`.
//! let restricted = Value::Restriction(true);
//! let free = Value::Restriction(false);
//! assert_eq!(restricted.join(&free), Some(free));
//! assert_eq!(Kind::Restriction.bottom(), restricted);
//! ```

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Self-service access to a menu or dashboard section: `none < read < write` (IP Office).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// The user cannot open it.
    None,
    /// The user can view but not change.
    Read,
    /// The user can view and change.
    Write,
}

named_enum!(Access, "access level", [None => "none", Read => "read", Write => "write"]);

/// A name that is not one of a closed set's names (an access level, a merge rule, a platform).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{}`", .name.escape_debug())]
#[non_exhaustive]
pub struct UnknownName {
    /// What was being named: `access level`, `merge rule`, `platform` …
    pub what: &'static str,
    /// The name given.
    pub name: String,
}

impl UnknownName {
    pub(crate) fn new(what: &'static str, name: &str) -> UnknownName {
        UnknownName {
            what,
            name: name.to_owned(),
        }
    }
}

/// One option of a choice feature: its position in the feature's options (least permissive
/// first) and its name. Displays as its name (`own`).
///
/// ```
/// use pbx_entitlements::{ChoiceValue, Kind, RawValue, Value};
///
/// let replay = Kind::Choice { options: vec!["none".into(), "own".into(), "all".into()] };
/// let own = replay.parse(&RawValue::from("own"))?;
/// assert_eq!(own, Value::Choice(ChoiceValue::new(1, "own")));
/// assert_eq!(own.to_string(), "own");
/// # Ok::<(), pbx_entitlements::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChoiceValue {
    position: u16,
    name: String,
}

impl ChoiceValue {
    /// The option at `position` (0 is the least permissive) named `name`.
    pub fn new(position: u16, name: impl Into<String>) -> ChoiceValue {
        ChoiceValue {
            position,
            name: name.into(),
        }
    }

    /// The option's position: 0 is the least permissive.
    pub fn position(&self) -> u16 {
        self.position
    }

    /// The option's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The option at `position` of `options`, if there is one.
    pub(crate) fn at(options: &[String], position: usize) -> Option<ChoiceValue> {
        let name = options.get(position)?;
        Some(ChoiceValue::new(
            u16::try_from(position).ok()?,
            name.clone(),
        ))
    }
}

impl fmt::Display for ChoiceValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A list value: a set of strings (country codes, numbers, group ids), or `Any`, the
/// unrestricted top of the lattice.
///
/// The set is ordered, so iteration and serialisation are deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListValue {
    /// Unrestricted: every item is permitted.
    Any,
    /// Exactly these items.
    Only(BTreeSet<String>),
}

impl ListValue {
    /// The empty list, bottom of the lattice.
    pub fn empty() -> ListValue {
        ListValue::Only(BTreeSet::new())
    }

    /// A list of exactly these items (duplicates collapse).
    pub fn of<I, S>(items: I) -> ListValue
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ListValue::Only(items.into_iter().map(Into::into).collect())
    }

    /// Whether `item` is permitted: exact token match, never a prefix or substring.
    pub fn contains(&self, item: &str) -> bool {
        match self {
            ListValue::Any => true,
            ListValue::Only(items) => items.contains(item),
        }
    }

    /// Whether this is the empty set.
    pub fn is_empty(&self) -> bool {
        matches!(self, ListValue::Only(items) if items.is_empty())
    }

    /// Union: the more permissive list.
    pub fn join(&self, other: &ListValue) -> ListValue {
        match (self, other) {
            (ListValue::Any, _) | (_, ListValue::Any) => ListValue::Any,
            (ListValue::Only(a), ListValue::Only(b)) => {
                ListValue::Only(a.union(b).cloned().collect())
            }
        }
    }

    /// Intersection: the more restrictive list.
    pub fn meet(&self, other: &ListValue) -> ListValue {
        match (self, other) {
            (ListValue::Any, x) | (x, ListValue::Any) => x.clone(),
            (ListValue::Only(a), ListValue::Only(b)) => {
                ListValue::Only(a.intersection(b).cloned().collect())
            }
        }
    }

    /// Whether this list permits everything `other` permits (superset).
    pub fn permits(&self, other: &ListValue) -> bool {
        match (self, other) {
            (ListValue::Any, _) => true,
            (ListValue::Only(_), ListValue::Any) => false,
            (ListValue::Only(a), ListValue::Only(b)) => b.is_subset(a),
        }
    }
}

/// The shape of a value in the interchange format, before it is checked against a
/// feature's [`Kind`].
///
/// JSON alone cannot say what `"none"` means (an access level or a choice option), so plain
/// models carry `RawValue`s and [`Kind::parse`] turns them into typed [`Value`]s during
/// validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawValue {
    /// `true` / `false`: toggles and restriction toggles.
    Bool(bool),
    /// An integer: limits.
    Integer(i64),
    /// A name: an access level, a choice option, or `"any"` for a list.
    Text(String),
    /// An array of strings: a list.
    List(Vec<String>),
}

impl RawValue {
    /// A short name for the JSON shape, used in error messages.
    pub fn shape(&self) -> &'static str {
        match self {
            RawValue::Bool(_) => "a boolean",
            RawValue::Integer(_) => "an integer",
            RawValue::Text(_) => "a string",
            RawValue::List(_) => "an array",
        }
    }
}

impl From<bool> for RawValue {
    fn from(b: bool) -> Self {
        RawValue::Bool(b)
    }
}

impl From<i64> for RawValue {
    fn from(n: i64) -> Self {
        RawValue::Integer(n)
    }
}

impl From<i32> for RawValue {
    fn from(n: i32) -> Self {
        RawValue::Integer(i64::from(n))
    }
}

impl From<u32> for RawValue {
    fn from(n: u32) -> Self {
        RawValue::Integer(i64::from(n))
    }
}

impl From<String> for RawValue {
    fn from(s: String) -> Self {
        RawValue::Text(s)
    }
}

impl From<&str> for RawValue {
    fn from(s: &str) -> Self {
        RawValue::Text(s.to_owned())
    }
}

impl From<Vec<&str>> for RawValue {
    fn from(items: Vec<&str>) -> Self {
        RawValue::List(items.into_iter().map(str::to_owned).collect())
    }
}

impl fmt::Display for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawValue::Bool(b) => write!(f, "{b}"),
            RawValue::Integer(n) => write!(f, "{n}"),
            RawValue::Text(s) => write!(f, "{s:?}"),
            RawValue::List(items) => write!(f, "{items:?}"),
        }
    }
}

/// A typed feature value.
///
/// Values of the same kind form a lattice; values of different kinds are incomparable, so
/// [`join`](Value::join) and [`meet`](Value::meet) return `None` for them and `partial_cmp`
/// returns `None`. The order (`<`) is permissiveness: `a < b` means `b` allows strictly more.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Value {
    /// A right that is on or off.
    Toggle(bool),
    /// A restriction that applies when `true` (anonymous incoming, tags required, only own logs).
    Restriction(bool),
    /// A no / read / write access level.
    Access(Access),
    /// An integer within the catalog's bounds.
    Limit(i64),
    /// An option of the feature's option list (least permissive first).
    Choice(ChoiceValue),
    /// A set of strings or `Any`.
    List(ListValue),
}

impl Value {
    /// The rank of a scalar value in its kind's permissiveness order; `None` for lists.
    ///
    /// Within one kind, a higher level is more permissive, so join and meet of scalars are the
    /// maximum and minimum level.
    pub fn level(&self) -> Option<i64> {
        match self {
            Value::Toggle(on) => Some(i64::from(*on)),
            Value::Restriction(restricts) => Some(i64::from(!*restricts)),
            Value::Access(a) => Some(*a as i64),
            Value::Limit(n) => Some(*n),
            Value::Choice(c) => Some(i64::from(c.position)),
            Value::List(_) => None,
        }
    }

    /// Whether `self` and `other` are of the same kind (and so comparable).
    pub fn same_kind(&self, other: &Value) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// The more permissive of the two values (least upper bound); `None` if their kinds differ.
    pub fn join(&self, other: &Value) -> Option<Value> {
        self.combine(other, Ordering::Greater)
    }

    /// The more restrictive of the two values (greatest lower bound); `None` if their kinds differ.
    pub fn meet(&self, other: &Value) -> Option<Value> {
        self.combine(other, Ordering::Less)
    }

    /// Whether `self` allows at least what `other` allows. Values of different kinds never permit
    /// each other.
    pub fn permits(&self, other: &Value) -> bool {
        matches!(
            self.partial_cmp(other),
            Some(Ordering::Greater | Ordering::Equal)
        )
    }

    /// Join (`prefer = Greater`) or meet (`prefer = Less`): the single definition of both.
    fn combine(&self, other: &Value, prefer: Ordering) -> Option<Value> {
        if !self.same_kind(other) {
            return None;
        }
        match (self, other) {
            (Value::List(a), Value::List(b)) => Some(Value::List(if prefer == Ordering::Greater {
                a.join(b)
            } else {
                a.meet(b)
            })),
            _ => {
                let (a, b) = (self.level()?, other.level()?);
                let chosen = if prefer == Ordering::Greater {
                    join_levels(a, b)
                } else {
                    meet_levels(a, b)
                };
                Some(if chosen == a {
                    self.clone()
                } else {
                    other.clone()
                })
            }
        }
    }
}

/// A readable rendering: `true`, `write`, `4`, `own`, `[48, 49]`, `any`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Toggle(b) | Value::Restriction(b) => write!(f, "{b}"),
            Value::Access(a) => write!(f, "{a}"),
            Value::Limit(n) => write!(f, "{n}"),
            Value::Choice(c) => write!(f, "{c}"),
            Value::List(list) => write!(f, "{list}"),
        }
    }
}

/// `any`, or the items in order: `[48, 49]`.
impl fmt::Display for ListValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListValue::Any => f.write_str("any"),
            ListValue::Only(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(item)?;
                }
                f.write_str("]")
            }
        }
    }
}

/// The join of two levels of one scalar kind: the higher level is the more permissive value.
pub(crate) fn join_levels(a: i64, b: i64) -> i64 {
    a.max(b)
}

/// The meet of two levels of one scalar kind.
pub(crate) fn meet_levels(a: i64, b: i64) -> i64 {
    a.min(b)
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Value) -> Option<Ordering> {
        if !self.same_kind(other) {
            return None;
        }
        match (self, other) {
            (Value::List(a), Value::List(b)) => match (a.permits(b), b.permits(a)) {
                (true, true) => Some(Ordering::Equal),
                (true, false) => Some(Ordering::Greater),
                (false, true) => Some(Ordering::Less),
                (false, false) => None,
            },
            _ => Some(self.level()?.cmp(&other.level()?)),
        }
    }
}

/// The kind of a feature: which values it takes and how they are ordered.
///
/// A kind carries its own domain (limit bounds, choice options, list universe), so it alone
/// knows its bottom and top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Kind {
    /// On / off; off is bottom.
    Toggle,
    /// A restriction that applies when on; on is bottom (most restrictive).
    Restriction,
    /// `none < read < write`.
    Access,
    /// An integer in `min..=max`.
    Limit {
        /// The smallest value, bottom.
        min: i64,
        /// The largest value, top.
        max: i64,
    },
    /// One of a fixed list of options, least permissive first.
    Choice {
        /// Option names, least permissive first; the first is bottom.
        options: Vec<String>,
    },
    /// A set of strings. Top is `Any`.
    List {
        /// The closed set of items this list may hold; `None` means any string.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Vec<String>>,
        /// At most this many entries.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_entries: Option<u32>,
        /// At most this many characters when the entries are joined with `;` (IP Office's
        /// 127-character replay list).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_chars: Option<u32>,
    },
}

/// Why a [`RawValue`] does not fit a [`Kind`]. The caller adds the path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The JSON shape does not match the kind.
    #[error("expected {expected}, found {found}")]
    KindMismatch {
        /// What the kind takes.
        expected: &'static str,
        /// What was given.
        found: &'static str,
    },
    /// A limit outside the catalog bounds.
    #[error("{value} is outside {min}..={max}")]
    OutOfBounds {
        /// The value given.
        value: i64,
        /// The lower bound.
        min: i64,
        /// The upper bound.
        max: i64,
    },
    /// A name that is not one of the kind's options.
    #[error("unknown option {found:?}; expected one of {expected:?}")]
    UnknownOption {
        /// The name given.
        found: String,
        /// The options the kind has.
        expected: Vec<String>,
    },
    /// A list item outside the list's closed universe.
    #[error("{item:?} is not an allowed entry; expected one of {expected:?}")]
    NotAnItem {
        /// The item given.
        item: String,
        /// The allowed items.
        expected: Vec<String>,
    },
    /// An empty string or one containing the `;` separator in a list.
    #[error("list entry {item:?} is empty or contains ';'")]
    BadEntry {
        /// The entry given.
        item: String,
    },
    /// A list with more entries than the catalog allows.
    #[error("{entries} entries, at most {max} allowed")]
    TooManyEntries {
        /// The number of distinct entries given.
        entries: usize,
        /// The bound.
        max: u32,
    },
    /// A list longer than the catalog allows when serialised.
    #[error("{chars} characters when joined with ';', at most {max} allowed")]
    TooLong {
        /// The serialised length.
        chars: usize,
        /// The bound.
        max: u32,
    },
}

impl Kind {
    /// A short human name of the kind, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Toggle => "toggle",
            Kind::Restriction => "restriction toggle",
            Kind::Access => "access",
            Kind::Limit { .. } => "limit",
            Kind::Choice { .. } => "choice",
            Kind::List { .. } => "list",
        }
    }

    /// This kind without a list's size bounds (`max_entries`, `max_chars`): for values that are
    /// ceilings or merges rather than one admin's entry, such as a plan's list universe.
    pub fn without_size_bounds(&self) -> Kind {
        match self {
            Kind::List { items, .. } => Kind::List {
                items: items.clone(),
                max_entries: None,
                max_chars: None,
            },
            other => other.clone(),
        }
    }

    /// The least permissive value.
    pub fn bottom(&self) -> Value {
        match self {
            Kind::Toggle => Value::Toggle(false),
            Kind::Restriction => Value::Restriction(true),
            Kind::Access => Value::Access(Access::None),
            Kind::Limit { min, .. } => Value::Limit(*min),
            Kind::Choice { options } => {
                Value::Choice(ChoiceValue::at(options, 0).unwrap_or(ChoiceValue::new(0, "")))
            }
            Kind::List { .. } => Value::List(ListValue::empty()),
        }
    }

    /// The most permissive value.
    pub fn top(&self) -> Value {
        match self {
            Kind::Toggle => Value::Toggle(true),
            Kind::Restriction => Value::Restriction(false),
            Kind::Access => Value::Access(Access::Write),
            Kind::Limit { max, .. } => Value::Limit(*max),
            Kind::Choice { options } => {
                let last = options.len().saturating_sub(1);
                Value::Choice(ChoiceValue::at(options, last).unwrap_or(ChoiceValue::new(0, "")))
            }
            Kind::List { .. } => Value::List(ListValue::Any),
        }
    }

    /// The value of a feature that is not in effect: bottom, except for a restriction
    /// toggle, whose off value is `false` (the restriction does not apply).
    pub fn off(&self) -> Value {
        match self {
            Kind::Restriction => Value::Restriction(false),
            other => other.bottom(),
        }
    }

    /// Whether `value` is of this kind and inside its domain.
    ///
    /// A list's size bounds (`max_entries`, `max_chars`) are input checks made by
    /// [`Kind::parse`], not part of the lattice: the join of two lists within the bounds may
    /// exceed them, and is still admitted. In a closed universe, `Any` stays distinct from
    /// (and above) the set of every item, though both permit the same entries.
    pub fn admits(&self, value: &Value) -> bool {
        match (self, value) {
            (Kind::Toggle, Value::Toggle(_))
            | (Kind::Restriction, Value::Restriction(_))
            | (Kind::Access, Value::Access(_)) => true,
            (Kind::Limit { min, max }, Value::Limit(n)) => (*min..=*max).contains(n),
            (Kind::Choice { options }, Value::Choice(c)) => {
                options.get(usize::from(c.position)) == Some(&c.name)
            }
            (Kind::List { items, .. }, Value::List(list)) => match (items, list) {
                (None, _) => true,
                (Some(_), ListValue::Any) => true,
                (Some(universe), ListValue::Only(set)) => {
                    set.iter().all(|item| universe.contains(item))
                }
            },
            _ => false,
        }
    }

    /// Interprets an interchange value as a value of this kind, checking bounds.
    ///
    /// ```
    /// use pbx_entitlements::{Kind, RawValue, Value, ValueError};
    ///
    /// let channels = Kind::Limit { min: 0, max: 100 };
    /// assert_eq!(channels.parse(&RawValue::Integer(4)), Ok(Value::Limit(4)));
    /// assert!(matches!(
    ///     channels.parse(&RawValue::Integer(500)),
    ///     Err(ValueError::OutOfBounds { .. })
    /// ));
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ValueError`] saying why the value does not fit: the wrong JSON shape, a limit
    /// outside the bounds, an unknown option, a list entry outside the closed universe, empty
    /// or holding `;`, or a list past its size bounds. The caller adds the path.
    pub fn parse(&self, raw: &RawValue) -> Result<Value, ValueError> {
        let mismatch = || ValueError::KindMismatch {
            expected: self.expected_shape(),
            found: raw.shape(),
        };
        match (self, raw) {
            (Kind::Toggle, RawValue::Bool(b)) => Ok(Value::Toggle(*b)),
            (Kind::Restriction, RawValue::Bool(b)) => Ok(Value::Restriction(*b)),
            (Kind::Access, RawValue::Text(name)) => name
                .parse()
                .ok()
                .map(Value::Access)
                .ok_or_else(|| ValueError::UnknownOption {
                    found: name.clone(),
                    expected: Access::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
                }),
            (Kind::Limit { min, max }, RawValue::Integer(n)) => {
                if (*min..=*max).contains(n) {
                    Ok(Value::Limit(*n))
                } else {
                    Err(ValueError::OutOfBounds {
                        value: *n,
                        min: *min,
                        max: *max,
                    })
                }
            }
            (Kind::Choice { options }, RawValue::Text(name)) => options
                .iter()
                .position(|o| o == name)
                .and_then(|i| ChoiceValue::at(options, i))
                .map(Value::Choice)
                .ok_or_else(|| ValueError::UnknownOption {
                    found: name.clone(),
                    expected: options.clone(),
                }),
            (Kind::List { .. }, RawValue::Text(word)) if word == "any" => {
                Ok(Value::List(ListValue::Any))
            }
            (
                Kind::List {
                    items,
                    max_entries,
                    max_chars,
                },
                RawValue::List(entries),
            ) => {
                let set: BTreeSet<String> = entries.iter().cloned().collect();
                for item in &set {
                    if item.is_empty() || item.contains(';') {
                        return Err(ValueError::BadEntry { item: item.clone() });
                    }
                    if let Some(universe) = items
                        && !universe.contains(item)
                    {
                        return Err(ValueError::NotAnItem {
                            item: item.clone(),
                            expected: universe.clone(),
                        });
                    }
                }
                if let Some(max) = max_entries
                    && set.len() > *max as usize
                {
                    return Err(ValueError::TooManyEntries {
                        entries: set.len(),
                        max: *max,
                    });
                }
                if let Some(max) = max_chars {
                    let chars = joined_len(&set);
                    if chars > *max as usize {
                        return Err(ValueError::TooLong { chars, max: *max });
                    }
                }
                Ok(Value::List(ListValue::Only(set)))
            }
            _ => Err(mismatch()),
        }
    }

    /// The interchange form of a value of this kind (the inverse of [`Kind::parse`]).
    ///
    /// Returns `None` if the value is not of this kind.
    pub fn render(&self, value: &Value) -> Option<RawValue> {
        match (self, value) {
            (Kind::Toggle, Value::Toggle(b)) | (Kind::Restriction, Value::Restriction(b)) => {
                Some(RawValue::Bool(*b))
            }
            (Kind::Access, Value::Access(a)) => Some(RawValue::Text(a.as_str().to_owned())),
            (Kind::Limit { .. }, Value::Limit(n)) => Some(RawValue::Integer(*n)),
            (Kind::Choice { options }, Value::Choice(c)) => options
                .get(usize::from(c.position))
                .filter(|name| **name == c.name)
                .cloned()
                .map(RawValue::Text),
            (Kind::List { .. }, Value::List(ListValue::Any)) => {
                Some(RawValue::Text("any".to_owned()))
            }
            (Kind::List { .. }, Value::List(ListValue::Only(items))) => {
                Some(RawValue::List(items.iter().cloned().collect()))
            }
            _ => None,
        }
    }

    fn expected_shape(&self) -> &'static str {
        match self {
            Kind::Toggle | Kind::Restriction => "a boolean",
            Kind::Access => "\"none\", \"read\" or \"write\"",
            Kind::Limit { .. } => "an integer",
            Kind::Choice { .. } => "an option name",
            Kind::List { .. } => "an array of strings or \"any\"",
        }
    }
}

/// Length of a list serialised as its entries joined with `;`.
fn joined_len(items: &BTreeSet<String>) -> usize {
    let separators = items.len().saturating_sub(1);
    items.iter().fold(separators, |total, s| {
        total.saturating_add(s.chars().count())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restriction_off_is_not_bottom() {
        assert_eq!(Kind::Restriction.off(), Value::Restriction(false));
        assert_eq!(Kind::Restriction.bottom(), Value::Restriction(true));
        assert_eq!(Kind::Toggle.off(), Kind::Toggle.bottom());
    }

    #[test]
    fn mismatched_kinds_do_not_combine() {
        assert_eq!(Value::Toggle(true).join(&Value::Restriction(true)), None);
        assert!(!Value::Toggle(true).permits(&Value::Restriction(true)));
    }

    #[test]
    fn replay_list_bound_counts_separators() {
        let kind = Kind::List {
            items: None,
            max_entries: None,
            max_chars: Some(7),
        };
        assert!(kind.parse(&RawValue::from(vec!["201", "202"])).is_ok());
        assert_eq!(
            kind.parse(&RawValue::from(vec!["201", "2020"])),
            Err(ValueError::TooLong { chars: 8, max: 7 })
        );
    }

    #[test]
    fn list_match_is_exact() {
        let list = ListValue::of(["10"]);
        assert!(list.contains("10"));
        assert!(!list.contains("101"));
        assert!(!list.contains("1"));
    }

    #[test]
    fn render_inverts_parse() {
        let kind = Kind::Choice {
            options: vec!["none".into(), "own".into(), "all".into()],
        };
        let v = kind.parse(&RawValue::from("own")).unwrap();
        assert_eq!(v, Value::Choice(ChoiceValue::new(1, "own")));
        assert_eq!(kind.render(&v), Some(RawValue::from("own")));
        assert_eq!(v.to_string(), "own");
    }
}
