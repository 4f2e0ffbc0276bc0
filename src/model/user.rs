//! Users, their endpoints and their devices (SPEC §2, §4, §6.1).

use serde::{Deserialize, Serialize};

use super::{DepartmentId, DeviceId, RoleId, UserId, Values};
use crate::device::Platform;

/// A user: member of departments and roles, owner of endpoints, with admin overrides and their
/// own preferences.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// An admin's manual values for this user (§3.2 layer 4).
    #[serde(
        default,
        skip_serializing_if = "indexmap::IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub overrides: Values,
    /// The user's own values for user-adjustable features; they can only lower (§3.6).
    #[serde(
        default,
        skip_serializing_if = "indexmap::IndexMap::is_empty",
        deserialize_with = "crate::model::unique_keys"
    )]
    pub preferences: Values,
    /// Whether template changes no longer reach this user (§3.4).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub detached: bool,
    /// Extensions and agent ids assigned to the user over time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<EndpointAssignment>,
    /// Dynamic-extension (DEE) members that follow the user's primary extension (§6.1).
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
}

/// What an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EndpointKind {
    /// A telephone extension.
    Extension,
    /// An agent id (beats the extension for call attribution, §6.2).
    Agent,
}

impl std::fmt::Display for EndpointKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EndpointKind::Extension => "extension",
            EndpointKind::Agent => "agent",
        })
    }
}

/// An endpoint held by a user during `[from, to)` (seconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// A registered endpoint app or phone (§4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
