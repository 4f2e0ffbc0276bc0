//! Tenant policy, templates, departments, roles and groups (see the [guide](crate::guide::concepts)).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{DepartmentId, GroupId, RoleId, TemplateId, UserId, Values};
use crate::value::RawValue;

/// A tenant-wide value for one feature, optionally locked.
///
/// A locked entry binds every lower layer: templates, overrides and the user's own preference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicyEntry {
    /// The value, in the feature's interchange shape.
    pub value: RawValue,
    /// Whether lower layers are ignored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

impl PolicyEntry {
    /// A tenant-wide value that templates, overrides and preferences may change.
    pub fn new(value: impl Into<RawValue>) -> PolicyEntry {
        PolicyEntry {
            value: value.into(),
            locked: false,
        }
    }

    /// A tenant-wide value that binds every lower layer (`chat` locked off is "chat disabled
    /// for the whole tenant").
    pub fn locked(value: impl Into<RawValue>) -> PolicyEntry {
        PolicyEntry {
            value: value.into(),
            locked: true,
        }
    }
}

/// A named partial assignment `feature -> value`; may extend one parent (child entries win).
///
/// ```
/// use pbx_entitlements::model::Template;
///
/// let sales = Template::new("sales")
///     .with_parent("base")
///     .with_value("max_channels", 4)
///     .with_value("recordings_replay", "own");
/// assert_eq!(sales.values.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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

impl Template {
    /// A template with this id, no parent and no values.
    pub fn new(id: impl Into<TemplateId>) -> Template {
        Template {
            id: id.into(),
            parent: None,
            values: Values::new(),
        }
    }

    /// Extends `parent`: its values apply where this template sets none.
    pub fn with_parent(mut self, parent: impl Into<TemplateId>) -> Template {
        self.parent = Some(parent.into());
        self
    }

    /// Sets a feature's value (replacing an earlier one for the same key).
    pub fn with_value(mut self, key: impl Into<String>, value: impl Into<RawValue>) -> Template {
        self.values.insert(key.into(), value.into());
        self
    }
}

/// A set of users sharing one template; lower rank = higher priority for `Ranked` features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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

impl Department {
    /// A department with this id, no template and rank 0.
    pub fn new(id: impl Into<DepartmentId>) -> Department {
        Department {
            id: id.into(),
            template: None,
            rank: 0,
        }
    }

    /// Gives the department a template.
    pub fn with_template(mut self, template: impl Into<TemplateId>) -> Department {
        self.template = Some(template.into());
        self
    }

    /// Sets the rank: lower wins for `Ranked` features.
    pub fn with_rank(mut self, rank: i32) -> Department {
        self.rank = rank;
        self
    }
}

/// Like a department, but assigned per user (supervisor, technical, agent …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Role {
    /// The role's id.
    pub id: RoleId,
    /// The role's template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateId>,
    /// Priority for `Ranked` features: lower wins.
    #[serde(default)]
    pub rank: i32,
    /// Whom holders of this role may administer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administers: Option<AdminScope>,
}

impl Role {
    /// A role with this id, no template, rank 0 and no administrative scope.
    pub fn new(id: impl Into<RoleId>) -> Role {
        Role {
            id: id.into(),
            template: None,
            rank: 0,
            administers: None,
        }
    }

    /// Gives the role a template.
    pub fn with_template(mut self, template: impl Into<TemplateId>) -> Role {
        self.template = Some(template.into());
        self
    }

    /// Sets the rank: lower wins for `Ranked` features.
    pub fn with_rank(mut self, rank: i32) -> Role {
        self.rank = rank;
        self
    }

    /// Lets holders of the role administer these users.
    pub fn with_administers(mut self, scope: AdminScope) -> Role {
        self.administers = Some(scope);
        self
    }
}

/// The reach of a role's delegated administration.
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

/// A hunt group, queue or team; recording rights can name it (replay for groups).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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

impl Group {
    /// A group with this id, no number and no members.
    pub fn new(id: impl Into<GroupId>) -> Group {
        Group {
            id: id.into(),
            number: None,
            members: Vec::new(),
        }
    }

    /// Sets the group's extension number.
    pub fn with_number(mut self, number: impl Into<String>) -> Group {
        self.number = Some(number.into());
        self
    }

    /// Adds a member.
    pub fn with_member(mut self, user: impl Into<UserId>) -> Group {
        self.members.push(user.into());
        self
    }
}

objects_only! {
    PolicyEntry => "a policy entry object",
    Template => "a template object",
    Department => "a department object",
    Role => "a role object",
    Group => "a group object",
}
