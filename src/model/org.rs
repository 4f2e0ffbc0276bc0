//! Tenant policy, templates, departments, roles and groups (SPEC §2, §3.3, §9).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{DepartmentId, GroupId, RoleId, TemplateId, UserId, Values};
use crate::value::RawValue;

/// A tenant-wide value for one feature, optionally locked (§3.3).
///
/// A locked entry binds every lower layer: templates, overrides and the user's own preference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    /// The value, in the feature's interchange shape.
    pub value: RawValue,
    /// Whether lower layers are ignored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

/// A named partial assignment `feature -> value`; may extend one parent (child entries win).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The template's id.
    pub id: TemplateId,
    /// The template it extends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<TemplateId>,
    /// The values it sets.
    #[serde(
        default,
        skip_serializing_if = "indexmap::IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub values: Values,
}

/// A set of users sharing one template; lower rank = higher priority for `Ranked` features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The department's id.
    pub id: DepartmentId,
    /// The department's template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateId>,
    /// Priority for `Ranked` features: lower wins.
    #[serde(default)]
    pub rank: i32,
}

/// Like a department, but assigned per user (supervisor, technical, agent …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The role's id.
    pub id: RoleId,
    /// The role's template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateId>,
    /// Priority for `Ranked` features: lower wins.
    #[serde(default)]
    pub rank: i32,
    /// Whom holders of this role may administer (§9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administers: Option<AdminScope>,
}

/// The reach of a role's delegated administration (§9).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AdminScope {
    /// The whole tenant (`"tenant"`).
    Tenant,
    /// Users of these departments and roles (an array of their ids).
    Units(Vec<String>),
}

impl Serialize for AdminScope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AdminScope::Tenant => serializer.serialize_str("tenant"),
            AdminScope::Units(ids) => ids.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for AdminScope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(super::word_or(
            deserializer,
            "tenant",
            "an array of department and role ids",
        )?
        .map_or(AdminScope::Tenant, AdminScope::Units))
    }
}

/// A hunt group, queue or team; recording rights can name it (replay for groups, §6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The group's id.
    pub id: GroupId,
    /// The group's extension number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The group's members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<UserId>,
}
