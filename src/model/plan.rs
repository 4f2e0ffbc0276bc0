//! What the tenant bought (layer 5 of [resolution](crate::guide::concepts)).

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::PlanId;

/// What a tenant bought: available features, maxima, seat counts.
///
/// The plan binds rights only: it never removes a restriction toggle.
///
/// ```
/// use pbx_entitlements::model::Plan;
///
/// let plan = Plan::only("starter", ["calls", "voicemail", "max_channels"])
///     .with_limit("max_channels", 2)
///     .with_seats("module_crm", 10);
/// assert_eq!(plan.limits["max_channels"], 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Plan {
    /// The plan's id (`starter`, `business`).
    pub id: PlanId,
    /// Which features are available: `"all"` or an array of keys.
    pub features: Availability,
    /// The maximum of each capped limit feature.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub limits: IndexMap<String, i64>,
    /// The highest option of each capped choice feature.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub choices: IndexMap<String, String>,
    /// The permitted universe of each capped list feature.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub lists: IndexMap<String, Vec<String>>,
    /// Seats bought for seat-licensed toggles (editions, modules).
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub seats: IndexMap<String, u32>,
    /// Whether seat counts are enforced at resolution: users past the count get the feature
    /// off. Without enforcement seats are counted and reported only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enforce_seats: bool,
}

impl Plan {
    /// A plan with every feature available and no caps.
    pub fn all(id: impl Into<PlanId>) -> Plan {
        Plan {
            id: id.into(),
            features: Availability::All,
            limits: IndexMap::new(),
            choices: IndexMap::new(),
            lists: IndexMap::new(),
            seats: IndexMap::new(),
            enforce_seats: false,
        }
    }

    /// A plan with only these features available and no caps.
    pub fn only<I, S>(id: impl Into<PlanId>, features: I) -> Plan
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Plan {
            features: Availability::Only(features.into_iter().map(Into::into).collect()),
            ..Plan::all(id)
        }
    }

    /// Caps a limit feature at `max`.
    pub fn with_limit(mut self, key: impl Into<String>, max: i64) -> Plan {
        self.limits.insert(key.into(), max);
        self
    }

    /// Caps a choice feature at its option `highest`.
    pub fn with_choice(mut self, key: impl Into<String>, highest: impl Into<String>) -> Plan {
        self.choices.insert(key.into(), highest.into());
        self
    }

    /// Limits a list feature to the universe `items`.
    pub fn with_list<I, S>(mut self, key: impl Into<String>, items: I) -> Plan
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lists
            .insert(key.into(), items.into_iter().map(Into::into).collect());
        self
    }

    /// Buys `seats` seats of a seat-licensed feature.
    pub fn with_seats(mut self, key: impl Into<String>, seats: u32) -> Plan {
        self.seats.insert(key.into(), seats);
        self
    }
}

/// Which features a plan makes available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Every feature of the catalog (`"all"`).
    All,
    /// Only the listed feature keys.
    Only(Vec<String>),
}

impl Serialize for Availability {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Availability::All => serializer.serialize_str("all"),
            Availability::Only(keys) => keys.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Availability {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(
            super::word_or(deserializer, "all", "an array of feature keys")?
                .map_or(Availability::All, Availability::Only),
        )
    }
}

objects_only! {
    Plan => "a plan object",
}
