//! The plain model in the [JSON interchange format](crate::guide::json).
//!
//! These are the types a backend fills from its own database or files. They hold values in
//! their interchange shape ([`RawValue`]); [`validate`](crate::validate()) checks them against the
//! catalog and builds the indexed tenant. Unknown fields are rejected when deserialising, and
//! the document carries a schema [`version`](Tenant::version).
//!
//! ```
//! use pbx_entitlements::model::Tenant;
//!
//! let tenant: Tenant = serde_json::from_str(r#"{
//!     "version": 1,
//!     "tenant": "acme",
//!     "plan": {"id": "starter", "features": "all"},
//!     "users": [{"id": "alice", "overrides": {"max_channels": 2}}]
//! }"#).unwrap();
//! assert_eq!(tenant.users[0].id.as_str(), "alice");
//! ```

mod call;
mod id;
mod org;
mod plan;
mod user;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalog::CatalogDef;
use crate::value::RawValue;

pub use call::{Call, Direction, Leg, Reach, Recording};
pub use id::{DepartmentId, DeviceId, GroupId, PlanId, RoleId, TemplateId, TenantId, UserId};
pub use org::{AdminScope, Department, Group, PolicyEntry, Role, Template};
pub use plan::{Availability, Plan};
pub use user::{Device, EndpointAssignment, EndpointKind, User};

/// The ordered map used for every keyed section of the document (policy, values, plan caps):
/// re-exported so that callers name the same type and version as this crate.
pub use indexmap::IndexMap;

pub use crate::schema::{ReadError, read_document};

/// Feature values keyed by feature key, in document order.
pub type Values = IndexMap<String, RawValue>;

/// The schema version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// One customer organisation: one interchange document (see the [guide](crate::guide::json)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Tenant {
    /// The schema version; this crate reads [`SCHEMA_VERSION`].
    pub version: u32,
    /// The tenant's id.
    pub tenant: TenantId,
    /// The catalog: `"standard"`, the id of a catalog the caller supplies, or a full catalog
    /// definition. Absent means standard.
    #[serde(default)]
    pub catalog: CatalogSource,
    /// The tenant's home country code (E.164, without `+`), used by dial rights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_country_code: Option<String>,
    /// Emergency numbers, always dialable whatever the restrictions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emergency_numbers: Vec<String>,
    /// The tenant's telephone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<Number>,
    /// Number prefixes that need a right of their own to call.
    #[serde(default, skip_serializing_if = "DialPlan::is_empty")]
    pub dial_plan: DialPlan,
    /// What the tenant bought.
    pub plan: Plan,
    /// Tenant-wide values, optionally locked.
    #[serde(
        default,
        skip_serializing_if = "indexmap::IndexMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub policy: indexmap::IndexMap<String, PolicyEntry>,
    /// Named partial assignments of values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<Template>,
    /// Departments: sets of users sharing a template.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<Department>,
    /// Roles: templates assigned per user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Hunt groups, queues, teams.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// The users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<User>,
    /// Registered devices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<Device>,
}

impl Tenant {
    /// An empty tenant on the standard catalog with this plan. Its collections are public
    /// fields: push templates, departments, roles, groups, users and devices onto them.
    ///
    /// ```
    /// use pbx_entitlements::model::{Department, Plan, PolicyEntry, Template, Tenant, User};
    /// use pbx_entitlements::validate;
    ///
    /// let mut tenant = Tenant::new("acme", Plan::only("starter", ["calls", "voicemail"]));
    /// tenant.policy.insert("voicemail".into(), PolicyEntry::locked(false));
    /// tenant.templates.push(Template::new("sales").with_value("calls", true));
    /// tenant.departments.push(Department::new("sales").with_template("sales"));
    /// tenant.users.push(User::new("alice").with_department("sales"));
    /// assert!(validate(&tenant).is_ok());
    /// ```
    pub fn new(id: impl Into<TenantId>, plan: Plan) -> Tenant {
        Tenant {
            version: SCHEMA_VERSION,
            tenant: id.into(),
            catalog: CatalogSource::Standard,
            home_country_code: None,
            emergency_numbers: Vec::new(),
            numbers: Vec::new(),
            dial_plan: DialPlan::default(),
            plan,
            policy: indexmap::IndexMap::new(),
            templates: Vec::new(),
            departments: Vec::new(),
            roles: Vec::new(),
            groups: Vec::new(),
            users: Vec::new(),
            devices: Vec::new(),
        }
    }

    /// Names the tenant's catalog: `CatalogSource::Named("acme-v2".into())` for a vendor
    /// catalog supplied to [`validate_against`](crate::validate_against).
    pub fn with_catalog(mut self, catalog: CatalogSource) -> Tenant {
        self.catalog = catalog;
        self
    }
}

/// Which catalog a tenant uses: the standard one, one the caller supplies by id, or a full
/// definition embedded in the document.
///
/// In JSON: `"standard"` (also when the field is absent), any other string for a catalog named
/// by id (validated with [`validate_against`](crate::validate_against)), or a catalog object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CatalogSource {
    /// [`Catalog::standard`](crate::Catalog::standard), id `standard`.
    #[default]
    Standard,
    /// A vendor's catalog, named by its id (`"acme-v2"`) and supplied by the caller.
    Named(String),
    /// A vendor's own catalog, embedded in the document.
    Custom(CatalogDef),
}

impl CatalogSource {
    /// The id of the catalog the document names: `standard`, the named id, or the embedded
    /// definition's id.
    pub fn id(&self) -> &str {
        match self {
            CatalogSource::Standard => crate::catalog::STANDARD_ID,
            CatalogSource::Named(id) => id,
            CatalogSource::Custom(def) => &def.id,
        }
    }
}

impl Serialize for CatalogSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CatalogSource::Standard => serializer.serialize_str(crate::catalog::STANDARD_ID),
            CatalogSource::Named(id) => serializer.serialize_str(id),
            CatalogSource::Custom(def) => def.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for CatalogSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Source;
        impl<'de> Visitor<'de> for Source {
            type Value = CatalogSource;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a catalog id or a catalog object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CatalogSource, E> {
                Ok(match v {
                    crate::catalog::STANDARD_ID => CatalogSource::Standard,
                    "" => return Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                    id => CatalogSource::Named(id.to_owned()),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CatalogSource, A::Error> {
                <CatalogDef as Deserialize>::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(CatalogSource::Custom)
            }
        }
        deserializer.deserialize_any(Source)
    }
}

/// Reads a JSON object into an ordered map, refusing a key given twice (plain serde would keep
/// the last one silently, hiding a conflicting value).
pub(crate) fn unique_keys<'de, D, V>(deserializer: D) -> Result<IndexMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct UniqueKeys<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueKeys<V> {
        type Value = IndexMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object with distinct keys")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = IndexMap::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(UniqueKeys(std::marker::PhantomData))
}

/// Reads a field that is either one fixed `word` (`"all"`, `"tenant"`, `"standard"`) or a `T`
/// written as an array or an object; `None` stands for the word.
pub(crate) fn word_or<'de, D, T>(
    deserializer: D,
    word: &'static str,
    otherwise: &'static str,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct WordOr<T> {
        word: &'static str,
        otherwise: &'static str,
        value: std::marker::PhantomData<T>,
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for WordOr<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "\"{}\" or {}", self.word, self.otherwise)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
            if v == self.word {
                Ok(None)
            } else {
                Err(E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
            T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Some)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }
    deserializer.deserialize_any(WordOr {
        word,
        otherwise,
        value: std::marker::PhantomData,
    })
}

/// The kind of a tenant telephone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NumberKind {
    /// An ordinary line.
    #[default]
    Standard,
    /// The number of an IVR.
    Ivr,
}

named_enum!(NumberKind, "number kind", [Standard => "standard", Ivr => "ivr"]);

/// Number prefixes that need a right of their own: `special` (premium, short numbers) needs
/// `special_numbers`, `out_of_plan` needs `out_of_plan_destinations`. A prefix is national
/// (digits: `0700`) or international (`+` and digits: `+4880`); a number takes the class of its
/// longest matching prefix.
///
/// ```
/// use pbx_entitlements::model::DialPlan;
///
/// let plan: DialPlan = serde_json::from_str(r#"{"special": ["+4880"], "out_of_plan": ["+88"]}"#)?;
/// assert_eq!(plan.special, ["+4880"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DialPlan {
    /// Prefixes of special numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub special: Vec<String>,
    /// Prefixes of destinations outside the calling plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_plan: Vec<String>,
}

impl DialPlan {
    /// Whether the plan names no prefix.
    pub fn is_empty(&self) -> bool {
        self.special.is_empty() && self.out_of_plan.is_empty()
    }
}

/// One of the tenant's telephone numbers (caller IDs, Ringover).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Number {
    /// The number, E.164 with a leading `+`.
    pub number: String,
    /// Standard line or IVR.
    #[serde(default)]
    pub kind: NumberKind,
    /// The IVR's id, for IVR numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ivr: Option<String>,
    /// Users assigned to this number (for IVRs: who may present it as caller ID).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<UserId>,
}

impl Number {
    /// A standard line (`+48221234567`) with no members.
    pub fn new(number: impl Into<String>) -> Number {
        Number {
            number: number.into(),
            kind: NumberKind::Standard,
            ivr: None,
            members: Vec::new(),
        }
    }

    /// The number of the IVR `ivr`.
    pub fn ivr(number: impl Into<String>, ivr: impl Into<String>) -> Number {
        Number {
            kind: NumberKind::Ivr,
            ivr: Some(ivr.into()),
            ..Number::new(number)
        }
    }

    /// Adds a member (for IVRs: a user who may present the number as caller ID).
    pub fn with_member(mut self, user: impl Into<UserId>) -> Number {
        self.members.push(user.into());
        self
    }
}

objects_only! {
    Tenant => "a tenant object",
    Number => "a number object",
    DialPlan => "a dial plan object",
}
