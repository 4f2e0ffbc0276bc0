//! Users, their endpoints and their devices (see the [guide](crate::guide::concepts)).

use serde::{Deserialize, Serialize};

use super::{DepartmentId, DeviceId, RoleId, UserId, Values};
use crate::device::Platform;
use crate::value::RawValue;

/// A user: member of departments and roles, owner of endpoints, with admin overrides and their
/// own preferences.
///
/// ```
/// use pbx_entitlements::model::{EndpointAssignment, User};
///
/// let alice = User::new("alice")
///     .with_department("sales")
///     .with_role("supervisor")
///     .with_override("max_channels", 2)
///     .with_preference("record_conversations", false)
///     .with_endpoint(EndpointAssignment::extension("201").primary());
/// assert_eq!(alice.departments.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// A display name for admins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Departments the user belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<DepartmentId>,
    /// Roles the user holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// An admin's manual values for this user (layer 4).
    #[serde(
        default,
        skip_serializing_if = "indexmap::IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub overrides: Values,
    /// The user's own values for user-adjustable features; they can only lower (layer 6).
    #[serde(
        default,
        skip_serializing_if = "indexmap::IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub preferences: Values,
    /// Whether template changes no longer reach this user.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub detached: bool,
    /// Extensions and agent ids assigned to the user over time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<EndpointAssignment>,
    /// Dynamic-extension (DEE) members that follow the user's primary extension.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dee: Vec<String>,
}

impl User {
    /// A user with this id and nothing else.
    pub fn new(id: impl Into<UserId>) -> User {
        User {
            id: id.into(),
            ..User::default()
        }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> User {
        self.name = Some(name.into());
        self
    }

    /// Adds the user to a department.
    pub fn with_department(mut self, department: impl Into<DepartmentId>) -> User {
        self.departments.push(department.into());
        self
    }

    /// Gives the user a role.
    pub fn with_role(mut self, role: impl Into<RoleId>) -> User {
        self.roles.push(role.into());
        self
    }

    /// Sets an admin override (replacing an earlier one for the same key).
    pub fn with_override(mut self, key: impl Into<String>, value: impl Into<RawValue>) -> User {
        self.overrides.insert(key.into(), value.into());
        self
    }

    /// Sets the user's own preference (replacing an earlier one for the same key).
    pub fn with_preference(mut self, key: impl Into<String>, value: impl Into<RawValue>) -> User {
        self.preferences.insert(key.into(), value.into());
        self
    }

    /// Detaches the user from templates.
    pub fn detached(mut self) -> User {
        self.detached = true;
        self
    }

    /// Adds an endpoint assignment.
    pub fn with_endpoint(mut self, endpoint: EndpointAssignment) -> User {
        self.endpoints.push(endpoint);
        self
    }

    /// Adds a dynamic-extension (DEE) member.
    pub fn with_dee(mut self, extension: impl Into<String>) -> User {
        self.dee.push(extension.into());
        self
    }
}

/// What an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EndpointKind {
    /// A telephone extension.
    Extension,
    /// An agent id (beats the extension for call attribution).
    Agent,
}

named_enum!(EndpointKind, "endpoint kind", [Extension => "extension", Agent => "agent"]);

/// An endpoint held by a user during `[from, to)` (seconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EndpointAssignment {
    /// Extension or agent id.
    pub kind: EndpointKind,
    /// The extension number or agent id.
    pub id: String,
    /// Whether this is the user's primary endpoint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
    /// Start of the assignment, inclusive. Absent means since always.
    #[serde(default)]
    pub from: i64,
    /// End of the assignment, exclusive. Absent means still assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<i64>,
}

impl EndpointAssignment {
    /// An endpoint of this kind and id, secondary, held since always and still held.
    pub fn new(kind: EndpointKind, id: impl Into<String>) -> EndpointAssignment {
        EndpointAssignment {
            kind,
            id: id.into(),
            primary: false,
            from: 0,
            to: None,
        }
    }

    /// An extension (`201`), secondary, held since always and still held.
    pub fn extension(id: impl Into<String>) -> EndpointAssignment {
        EndpointAssignment::new(EndpointKind::Extension, id)
    }

    /// An agent id (`5001`), secondary, held since always and still held.
    pub fn agent(id: impl Into<String>) -> EndpointAssignment {
        EndpointAssignment::new(EndpointKind::Agent, id)
    }

    /// Makes it the user's primary endpoint.
    pub fn primary(mut self) -> EndpointAssignment {
        self.primary = true;
        self
    }

    /// Held from this instant (inclusive, seconds since the Unix epoch).
    pub fn since(mut self, from: i64) -> EndpointAssignment {
        self.from = from;
        self
    }

    /// Held until this instant (exclusive, seconds since the Unix epoch).
    pub fn until(mut self, to: i64) -> EndpointAssignment {
        self.to = Some(to);
        self
    }
}

/// A registered endpoint app or phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Device {
    /// The device's id.
    pub id: DeviceId,
    /// The user who owns it.
    pub owner: UserId,
    /// Its platform.
    pub platform: Platform,
    /// The app's id (`com.example.voice`).
    #[serde(default)]
    pub app_id: String,
    /// The app's version, `major.minor.patch`; checked by validation.
    pub version: String,
    /// When it last registered (seconds since the Unix epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
}

impl Device {
    /// A device of `owner` on `platform` running app version `version` (`major.minor.patch`,
    /// checked by validation).
    pub fn new(
        id: impl Into<DeviceId>,
        owner: impl Into<UserId>,
        platform: Platform,
        version: impl Into<String>,
    ) -> Device {
        Device {
            id: id.into(),
            owner: owner.into(),
            platform,
            app_id: String::new(),
            version: version.into(),
            last_seen: None,
        }
    }

    /// Sets the app's id (`com.example.voice`).
    pub fn with_app_id(mut self, app_id: impl Into<String>) -> Device {
        self.app_id = app_id.into();
        self
    }

    /// Sets when it last registered (seconds since the Unix epoch).
    pub fn with_last_seen(mut self, at: i64) -> Device {
        self.last_seen = Some(at);
        self
    }
}

objects_only! {
    User => "a user object",
    EndpointAssignment => "an endpoint object",
    Device => "a device object",
}
