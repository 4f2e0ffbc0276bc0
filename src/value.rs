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

use crate::error::{Shown, shown_quoted};

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
        write!(f, "{}", Shown(&self.name))
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
///
/// Reading never fails on a value's shape: a JSON value no feature takes (a fraction, `null`,
/// an object …) is kept as [`RawValue::Unreadable`], so that validation reports it with its path
/// and feature, next to every other problem of the document.
///
/// ```
/// use pbx_entitlements::{model::Tenant, validate};
///
/// let tenant: Tenant = serde_json::from_str(r#"{
///     "version": 1, "tenant": "acme", "plan": {"id": "p", "features": "all"},
///     "users": [{"id": "u", "overrides": {"max_channels": 2.5, "chat": null}}]
/// }"#).unwrap();
/// let errors = validate(&tenant).unwrap_err().to_string();
/// assert!(errors.contains("users[u].overrides.max_channels: expected an integer in 0..=100, found 2.5"));
/// assert!(errors.contains("users[u].overrides.chat: expected a boolean, found null"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RawValue {
    /// `true` / `false`: toggles and restriction toggles.
    Bool(bool),
    /// An integer: limits.
    Integer(i64),
    /// A name: an access level, a choice option, or `"any"` for a list.
    Text(String),
    /// An array of strings: a list.
    List(Vec<String>),
    /// A JSON value no kind takes, as it looked (`2.5`, `-0`, `null`, `18446744073709551615`,
    /// `an object`, `an array holding a number`): kept so that validation can say where it is.
    /// It never validates, and cannot be written back.
    Unreadable(String),
}

impl RawValue {
    /// A short name for the JSON shape, used in error messages.
    pub fn shape(&self) -> &'static str {
        match self {
            RawValue::Bool(_) => "a boolean",
            RawValue::Integer(_) => "an integer",
            RawValue::Text(_) => "a string",
            RawValue::List(_) => "an array",
            RawValue::Unreadable(_) => "a value no feature takes",
        }
    }

    /// What a message says was found: the value itself when short (`2.5`, `true`, `"ful"`).
    fn found(&self) -> String {
        use crate::error::Shown;
        match self {
            RawValue::Bool(b) => b.to_string(),
            RawValue::Integer(n) => n.to_string(),
            RawValue::Text(t) => format!("\"{}\"", Shown(t)),
            RawValue::List(items) => format!("an array of {} strings", items.len()),
            RawValue::Unreadable(what) => what.clone(),
        }
    }
}

impl Serialize for RawValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RawValue::Bool(b) => serializer.serialize_bool(*b),
            RawValue::Integer(n) => serializer.serialize_i64(*n),
            RawValue::Text(t) => serializer.serialize_str(t),
            RawValue::List(items) => items.serialize(serializer),
            RawValue::Unreadable(what) => Err(serde::ser::Error::custom(format_args!(
                "{} is not a feature value and cannot be written",
                crate::error::Shown(what)
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

/// Reads any JSON value as a [`RawValue`], keeping the shapes no kind takes as `Unreadable`.
struct RawVisitor;

impl<'de> serde::de::Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a feature value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<RawValue, E> {
        Ok(RawValue::Integer(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<RawValue, E> {
        Ok(
            i64::try_from(n)
                .map_or_else(|_| RawValue::Unreadable(n.to_string()), RawValue::Integer),
        )
    }
    fn visit_i128<E>(self, n: i128) -> Result<RawValue, E> {
        Ok(
            i64::try_from(n)
                .map_or_else(|_| RawValue::Unreadable(n.to_string()), RawValue::Integer),
        )
    }
    fn visit_u128<E>(self, n: u128) -> Result<RawValue, E> {
        Ok(
            i64::try_from(n)
                .map_or_else(|_| RawValue::Unreadable(n.to_string()), RawValue::Integer),
        )
    }
    fn visit_f64<E>(self, x: f64) -> Result<RawValue, E> {
        // JSON's `-0` arrives as a float: an integer feature must not read it as 0.
        Ok(RawValue::Unreadable(if x == 0.0 && x.is_sign_negative() {
            "-0".to_owned()
        } else {
            format!("{x:?}")
        }))
    }
    fn visit_str<E>(self, s: &str) -> Result<RawValue, E> {
        Ok(RawValue::Text(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<RawValue, E> {
        Ok(RawValue::Text(s))
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Unreadable("null".to_owned()))
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Unreadable("null".to_owned()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        let mut other = None;
        while let Some(entry) = seq.next_element::<Entry>()? {
            match entry {
                Entry::Text(t) if other.is_none() => items.push(t),
                Entry::Text(_) => {}
                Entry::Other(shape) => other = other.or(Some(shape)),
            }
        }
        Ok(match other {
            None => RawValue::List(items),
            Some(shape) => RawValue::Unreadable(format!("an array holding {shape}")),
        })
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(RawValue::Unreadable("an object".to_owned()))
    }
}

/// One element of an array value: a string, or the shape of anything else.
enum Entry {
    Text(String),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Entry, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list entry")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Entry, E> {
                Ok(Entry::Other("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Entry, E> {
                Ok(Entry::Other("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Entry, E> {
                Ok(Entry::Other("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Entry, E> {
                Ok(Entry::Other("a number"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Entry, E> {
                Ok(Entry::Text(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Entry, E> {
                Ok(Entry::Text(s))
            }
            fn visit_unit<E>(self) -> Result<Entry, E> {
                Ok(Entry::Other("null"))
            }
            fn visit_none<E>(self) -> Result<Entry, E> {
                Ok(Entry::Other("null"))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Entry, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Entry::Other("an array"))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entry, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Entry::Other("an object"))
            }
        }
        deserializer.deserialize_any(V)
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

impl From<Vec<String>> for RawValue {
    fn from(items: Vec<String>) -> Self {
        RawValue::List(items)
    }
}

impl fmt::Display for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawValue::Bool(b) => write!(f, "{b}"),
            RawValue::Integer(n) => write!(f, "{n}"),
            RawValue::Text(s) => write!(f, "{s:?}"),
            RawValue::List(items) => write!(f, "{items:?}"),
            RawValue::Unreadable(what) => f.write_str(what),
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
                    write!(f, "{}", crate::error::Shown(item))?;
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
#[serde(rename_all = "snake_case", deny_unknown_fields, from = "KindDoc")]
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

/// [`Kind`] as read: the same shape, with each kind's fields read from a JSON object only.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum KindDoc {
    Toggle,
    Restriction,
    Access,
    Limit(LimitDoc),
    Choice(ChoiceDoc),
    List(ListDoc),
}

#[derive(Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
struct LimitDoc {
    min: i64,
    max: i64,
}

#[derive(Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
struct ChoiceDoc {
    options: Vec<String>,
}

#[derive(Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
struct ListDoc {
    #[serde(default)]
    items: Option<Vec<String>>,
    #[serde(default)]
    max_entries: Option<u32>,
    #[serde(default)]
    max_chars: Option<u32>,
}

macro_rules! read_only_objects {
    ($($type:ty => $what:literal),*) => {$(
        impl crate::schema::FromObject for $type {
            const WHAT: &'static str = $what;
            fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                <$type>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::schema::object(deserializer)
            }
        }
    )*};
}

read_only_objects!(
    LimitDoc => "a limit's bounds object (`min`, `max`)",
    ChoiceDoc => "a choice's object (`options`)",
    ListDoc => "a list's object (`items`, `max_entries`, `max_chars`)"
);

impl From<KindDoc> for Kind {
    fn from(doc: KindDoc) -> Kind {
        match doc {
            KindDoc::Toggle => Kind::Toggle,
            KindDoc::Restriction => Kind::Restriction,
            KindDoc::Access => Kind::Access,
            KindDoc::Limit(LimitDoc { min, max }) => Kind::Limit { min, max },
            KindDoc::Choice(ChoiceDoc { options }) => Kind::Choice { options },
            KindDoc::List(ListDoc {
                items,
                max_entries,
                max_chars,
            }) => Kind::List {
                items,
                max_entries,
                max_chars,
            },
        }
    }
}

/// Why a [`RawValue`] does not fit a [`Kind`]. The caller adds the path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The JSON shape does not match the kind: `expected an integer in 0..=100, found 2.5`.
    #[error("expected {expected}, found {found}")]
    KindMismatch {
        /// What the kind takes (`an integer in 0..=100`, `a boolean`).
        expected: String,
        /// What was given: the value itself when short (`2.5`, `null`, `"ful"`), else its shape.
        found: String,
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
    #[error("unknown option \"{}\"; expected one of {}", Shown(.found), shown_quoted(.expected, *.options))]
    UnknownOption {
        /// The name given.
        found: String,
        /// The first options of the kind (at most [`SHOWN_NAMES`](crate::error::SHOWN_NAMES)).
        expected: Vec<String>,
        /// How many options the kind has.
        options: usize,
    },
    /// A list item outside the list's closed universe.
    #[error("\"{}\" is not an allowed entry; expected one of {}", Shown(.item), shown_quoted(.expected, *.items))]
    NotAnItem {
        /// The item given.
        item: String,
        /// The first allowed items (at most [`SHOWN_NAMES`](crate::error::SHOWN_NAMES)).
        expected: Vec<String>,
        /// How many items the universe has.
        items: usize,
    },
    /// An empty string in a list, or one holding the `;` separator or a control character.
    #[error("list entry \"{}\" is empty or holds ';' or a control character", Shown(.item))]
    BadEntry {
        /// The entry given.
        item: String,
    },
    /// `"any"` for a list with a size bound: it would stand for more than the bound allows.
    #[error("\"any\" is not allowed: this list holds at most {bound}")]
    AnyPastBound {
        /// The bound, in words (`127 characters`, `10 entries`).
        bound: String,
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

impl ValueError {
    /// Cuts the strings the error carries to [`KEPT_BYTES`](crate::error::KEPT_BYTES).
    pub(crate) fn keep(&mut self) {
        use crate::error::{keep, keep_names};
        match self {
            ValueError::KindMismatch { found, .. } => keep(found),
            ValueError::UnknownOption {
                found: item,
                expected,
                ..
            }
            | ValueError::NotAnItem { item, expected, .. } => {
                keep(item);
                keep_names(expected);
            }
            ValueError::BadEntry { item } => keep(item),
            ValueError::OutOfBounds { .. }
            | ValueError::TooManyEntries { .. }
            | ValueError::TooLong { .. }
            | ValueError::AnyPastBound { .. } => {}
        }
    }
}

/// A kind's option names or list items in sorted order, as positions into the kind's own
/// vector: membership is a binary search, not a scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Lookup(Vec<u32>);

impl Lookup {
    /// The lookup of a kind's names. O(U log U) for U names.
    pub(crate) fn of(kind: &Kind) -> Lookup {
        let names = kind.names();
        let len = u32::try_from(names.len()).unwrap_or(u32::MAX);
        let mut order: Vec<u32> = (0..len).collect();
        order.sort_by(|&a, &b| names.get(a as usize).cmp(&names.get(b as usize)));
        Lookup(order)
    }

    /// The position of `name` among `names` (the kind's vector this lookup was made of).
    /// O(log U).
    fn position(&self, names: &[String], name: &str) -> Option<usize> {
        let name_at = |p: u32| names.get(p as usize).map(String::as_str);
        self.0
            .binary_search_by(|&p| name_at(p).cmp(&Some(name)))
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|&p| p as usize)
    }
}

impl Kind {
    /// The option names (choice) or closed universe (list); empty otherwise.
    pub(crate) fn names(&self) -> &[String] {
        match self {
            Kind::Choice { options } => options,
            Kind::List {
                items: Some(items), ..
            } => items,
            _ => &[],
        }
    }

    /// The first names of the kind, for an error, and how many there are.
    fn preview(&self) -> (Vec<String>, usize) {
        let names = self.names();
        let shown = names
            .iter()
            .take(crate::error::SHOWN_NAMES)
            .cloned()
            .collect();
        (shown, names.len())
    }

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
                    let lookup = Lookup::of(self);
                    set.iter()
                        .all(|item| lookup.position(universe, item).is_some())
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
    ///
    /// A closed set of names (options, list items) is sorted for each call, O(U log U); the
    /// catalog keeps that lookup per feature, so validating a document sorts each set once.
    pub fn parse(&self, raw: &RawValue) -> Result<Value, ValueError> {
        self.parse_in(raw, &Lookup::of(self), true)
    }

    /// [`Kind::parse`] with the kind's sorted names given, and a list's size bounds checked
    /// only when `sized` (a plan's universe is a ceiling, not one admin's entry). `"any"` is
    /// refused for a list with a size bound either way: it would stand for every entry.
    /// O(k log U) for k given entries.
    pub(crate) fn parse_in(
        &self,
        raw: &RawValue,
        lookup: &Lookup,
        sized: bool,
    ) -> Result<Value, ValueError> {
        let mismatch = || ValueError::KindMismatch {
            expected: self.expected(),
            found: raw.found(),
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
                    options: Access::ALL.len(),
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
            (Kind::Choice { options }, RawValue::Text(name)) => lookup
                .position(options, name)
                .and_then(|i| ChoiceValue::at(options, i))
                .map(Value::Choice)
                .ok_or_else(|| {
                    let (expected, options) = self.preview();
                    ValueError::UnknownOption {
                        found: name.clone(),
                        expected,
                        options,
                    }
                }),
            (Kind::List { .. }, RawValue::Text(word)) if word == "any" => match self.size_bound() {
                Some(bound) => Err(ValueError::AnyPastBound { bound }),
                None => Ok(Value::List(ListValue::Any)),
            },
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
                    if item.is_empty() || item.contains(';') || item.chars().any(char::is_control) {
                        return Err(ValueError::BadEntry { item: item.clone() });
                    }
                    if let Some(universe) = items
                        && lookup.position(universe, item).is_none()
                    {
                        let (expected, items) = self.preview();
                        return Err(ValueError::NotAnItem {
                            item: item.clone(),
                            expected,
                            items,
                        });
                    }
                }
                let max_entries = max_entries.filter(|_| sized);
                let max_chars = max_chars.filter(|_| sized);
                let limit = crate::limits::LIST_ENTRIES;
                if let Some(max) = max_entries.or((set.len() > limit as usize).then_some(limit))
                    && set.len() > max as usize
                {
                    return Err(ValueError::TooManyEntries {
                        entries: set.len(),
                        max,
                    });
                }
                if let Some(max) = max_chars {
                    let chars = joined_len(&set);
                    if chars > max as usize {
                        return Err(ValueError::TooLong { chars, max });
                    }
                }
                Ok(Value::List(ListValue::Only(set)))
            }
            _ => Err(mismatch()),
        }
    }

    /// A list's size bound in words, if it has one.
    fn size_bound(&self) -> Option<String> {
        match self {
            Kind::List {
                max_chars: Some(max),
                ..
            } => Some(format!("{max} characters")),
            Kind::List {
                max_entries: Some(max),
                ..
            } => Some(format!("{max} entries")),
            _ => None,
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

    /// What a value of this kind looks like, for messages.
    fn expected(&self) -> String {
        match self {
            Kind::Toggle | Kind::Restriction => "a boolean".to_owned(),
            Kind::Access => "\"none\", \"read\" or \"write\"".to_owned(),
            Kind::Limit { min, max } => format!("an integer in {min}..={max}"),
            Kind::Choice { options } => format!(
                "one of {}",
                crate::error::shown_quoted(options, options.len())
            ),
            Kind::List { .. } if self.size_bound().is_some() => "an array of strings".to_owned(),
            Kind::List { .. } => "an array of strings or \"any\"".to_owned(),
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
