//! The catalog: the vocabulary of features a product knows ([guide](crate::guide::catalog)).
//!
//! A [`Catalog`] is built once — from [`Catalog::standard`], a [`CatalogBuilder`], or serde — and
//! checked as it is built: keys are unique, defaults fit their kinds, requirements point at known
//! features and form no cycle. Features are then addressed by dense [`FeatureId`]s, so resolution
//! never hashes a string.
//!
//! ```
//! use pbx_entitlements::{Catalog, FeatureDef, Kind, Value};
//!
//! let catalog = Catalog::builder("acme-v2")
//!     .feature(FeatureDef::toggle("calls"))
//!     .feature(FeatureDef::limit("max_channels", 0, 100).default(1))
//!     .feature(FeatureDef::toggle("international_calls").requires("calls"))
//!     .feature(FeatureDef::toggle("edit_settings"))
//!     .self_service_gate("edit_settings")
//!     .build()?;
//!
//! assert_eq!(catalog.id(), "acme-v2");
//! let id = catalog.feature_id("max_channels").unwrap();
//! assert_eq!(catalog.get(id).unwrap().default(), &Value::Limit(1));
//! assert_eq!(catalog.len(), 4);
//! # Ok::<(), pbx_entitlements::ValidationErrors>(())
//! ```

mod def;
pub mod keys;
mod standard;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::device::DeviceConstraint;
use crate::error::ValidationErrors;
use crate::value::{Kind, Value};

pub use def::{CatalogBuilder, CatalogDef, FeatureDef, Refers, RequirementDef, SelfServiceGate};

/// The id of [`Catalog::standard`]: what a tenant document writes as `"catalog": "standard"`.
/// No other catalog may take it.
pub const STANDARD_ID: &str = "standard";

/// A dense handle for a feature of one catalog: its position in catalog order.
///
/// Only meaningful with the catalog that issued it; lookups with a foreign id return `None`
/// rather than panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeatureId(u16);

impl FeatureId {
    /// The position of the feature in catalog order.
    #[inline]
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    #[inline]
    pub(crate) fn from_index(index: usize) -> Option<FeatureId> {
        u16::try_from(index).ok().map(FeatureId)
    }
}

impl fmt::Display for FeatureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// How the values of several templates for one feature combine (layer 3 of [resolution](crate::guide::concepts)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MergeRule {
    /// The join of all values: any department that grants it, grants it.
    #[default]
    MostPermissive,
    /// The meet of all values: any department that denies it, denies it.
    MostRestrictive,
    /// The value of the source with the lowest rank; ties broken by source id (byte order).
    Ranked,
}

named_enum!(MergeRule, "merge rule", [
    MostPermissive => "most_permissive",
    MostRestrictive => "most_restrictive",
    Ranked => "ranked",
]);

/// When a requirement is met.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Condition {
    /// The required feature is in effect: its value is not its kind's [off](Kind::off) value.
    On,
    /// The required feature's value permits at least this value.
    AtLeast(Value),
}

impl Condition {
    /// Whether a value of the required feature (of kind `kind`) meets the condition.
    pub fn holds(&self, kind: &Kind, value: &Value) -> bool {
        match self {
            Condition::On => *value != kind.off(),
            Condition::AtLeast(min) => value.permits(min),
        }
    }
}

/// A feature's dependency on another feature (layer 7 of [resolution](crate::guide::concepts)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Requirement {
    /// The feature that must be in effect.
    pub feature: FeatureId,
    /// How far it must be in effect.
    pub condition: Condition,
}

/// One feature of a catalog, checked and with its references resolved to ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    key: String,
    kind: Kind,
    /// The kind's options or list items, sorted once for lookups.
    lookup: crate::value::Lookup,
    default: Value,
    merge: MergeRule,
    requires: Vec<Requirement>,
    device: DeviceConstraint,
    adjustable: bool,
    seats: bool,
    refers_to: Option<Refers>,
    description: String,
}

impl Feature {
    /// Reads a document's value for this feature (see [`Kind::parse`]), looking names up in the
    /// sorted copy the catalog keeps: O(k log U) for k entries in a universe of U.
    pub(crate) fn parse(
        &self,
        raw: &crate::value::RawValue,
        sized: bool,
    ) -> Result<Value, crate::value::ValueError> {
        self.kind.parse_in(raw, &self.lookup, sized)
    }

    /// The stable key (`max_channels`).
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The kind, with its bounds.
    #[inline]
    pub fn kind(&self) -> &Kind {
        &self.kind
    }
    /// The value when no layer sets it.
    pub fn default(&self) -> &Value {
        &self.default
    }
    /// How template values combine.
    pub fn merge(&self) -> MergeRule {
        self.merge
    }
    /// The features this one needs.
    pub fn requires(&self) -> &[Requirement] {
        &self.requires
    }
    /// What a device needs to support it.
    pub fn device(&self) -> &DeviceConstraint {
        &self.device
    }
    /// Whether users may lower it themselves.
    pub fn adjustable(&self) -> bool {
        self.adjustable
    }
    /// Whether the plan may sell it by the seat.
    pub fn seats(&self) -> bool {
        self.seats
    }
    /// What the entries of this open list name, if the tenant checks them.
    pub fn refers_to(&self) -> Option<Refers> {
        self.refers_to
    }
    /// A one-line description for admins.
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// The vocabulary of features: kinds, defaults, merge rules, requirements, device constraints.
///
/// Serialises as its [`CatalogDef`]; deserialising checks it exactly as [`CatalogBuilder::build`]
/// does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    id: String,
    /// Whether this is the built-in standard catalog: the only catalog the id `standard` can
    /// name, so the standard typed keys' positions hold in it.
    standard: bool,
    features: Vec<Feature>,
    keys: BTreeMap<String, FeatureId>,
    self_service_gate: Option<FeatureId>,
    requirement_order: Vec<FeatureId>,
}

impl Catalog {
    /// A builder for a vendor's own catalog with this id (`acme-v2`): the id tenant documents
    /// name in their `catalog` field. See the [module](crate::catalog) for an example.
    pub fn builder(id: impl Into<String>) -> CatalogBuilder {
        CatalogBuilder::new(id)
    }

    /// The catalog's id: `standard` for [`Catalog::standard`], the vendor's own otherwise.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether this is [`Catalog::standard`] (or an identical copy of it).
    #[inline]
    pub fn is_standard(&self) -> bool {
        self.standard
    }

    /// The number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether the catalog has no features.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The id of the feature with this key.
    pub fn feature_id(&self, key: &str) -> Option<FeatureId> {
        self.keys.get(key).copied()
    }

    /// The feature with this id.
    #[inline]
    pub fn get(&self, id: FeatureId) -> Option<&Feature> {
        self.features.get(id.index())
    }

    /// The feature with this key.
    pub fn by_key(&self, key: &str) -> Option<&Feature> {
        self.feature_id(key).and_then(|id| self.get(id))
    }

    /// The key of the feature with this id, or `"?"` for a foreign id.
    pub fn key(&self, id: FeatureId) -> &str {
        self.get(id).map_or("?", Feature::key)
    }

    /// Every feature with its id, in catalog order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (FeatureId, &Feature)> {
        self.features
            .iter()
            .enumerate()
            .map(|(i, f)| (FeatureId(i as u16), f))
    }

    /// The feature that lets a user change their own settings, if the catalog has one.
    pub fn self_service_gate(&self) -> Option<FeatureId> {
        self.self_service_gate
    }

    /// Every feature, each after the features it requires: the order in which requirements
    /// are evaluated (layer 7).
    pub fn requirement_order(&self) -> &[FeatureId] {
        &self.requirement_order
    }
}

impl Serialize for Catalog {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CatalogDef::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Catalog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let def = <CatalogDef as Deserialize>::deserialize(deserializer)?;
        def.build().map_err(serde::de::Error::custom)
    }
}

impl TryFrom<CatalogDef> for Catalog {
    type Error = ValidationErrors;
    fn try_from(def: CatalogDef) -> Result<Self, Self::Error> {
        def.build()
    }
}
