//! Recordings and calls, as a backend's call log gives them (see the
//! [guide](crate::guide::recordings)). They are not part of a tenant document: decisions take
//! them one at a time or in slices.

use serde::{Deserialize, Serialize};

use super::{GroupId, UserId};

/// One party of a call on the tenant's side: the extension it rang or was made on, and the
/// agent id logged in there, if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Leg {
    /// The extension.
    pub extension: String,
    /// The agent id logged in on the extension, if any (it beats the extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

impl Leg {
    /// A leg on an extension with no agent id.
    pub fn extension(extension: impl Into<String>) -> Leg {
        Leg {
            extension: extension.into(),
            agent: None,
        }
    }

    /// The agent id logged in on the extension.
    pub fn with_agent(mut self, agent: impl Into<String>) -> Leg {
        self.agent = Some(agent.into());
        self
    }
}

/// The recording of one call.
///
/// ```
/// use pbx_entitlements::model::{Leg, Recording};
///
/// let recording: Recording = serde_json::from_str(r#"{
///     "id": "r1", "start": 1763900000, "legs": [{"extension": "201", "agent": "5001"}],
///     "group": "support", "account_code": "77", "line": "+48221234567"
/// }"#)?;
/// assert_eq!(recording, Recording::new("r1", 1763900000)
///     .with_leg(Leg::extension("201").with_agent("5001"))
///     .with_group("support")
///     .with_account_code("77")
///     .with_line("+48221234567"));
/// // Its tokens for "replay for others": extensions, agent ids, account code, line.
/// let tokens: Vec<&str> = recording.tokens().collect();
/// assert_eq!(tokens, ["201", "5001", "77", "+48221234567"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Recording {
    /// The recording's id.
    pub id: String,
    /// When the call started (seconds since the Unix epoch): legs are attributed at this
    /// instant.
    pub start: i64,
    /// The tenant's own parties to the call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legs: Vec<Leg>,
    /// The hunt group that handled the call, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// The account code entered for the call, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_code: Option<String>,
    /// The tenant number (line) the call came in on or went out from, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
}

impl Recording {
    /// A recording with no legs, group, account code or line.
    pub fn new(id: impl Into<String>, start: i64) -> Recording {
        Recording {
            id: id.into(),
            start,
            legs: Vec::new(),
            group: None,
            account_code: None,
            line: None,
        }
    }

    /// Adds a leg.
    pub fn with_leg(mut self, leg: Leg) -> Recording {
        self.legs.push(leg);
        self
    }

    /// Sets the group that handled the call.
    pub fn with_group(mut self, group: impl Into<GroupId>) -> Recording {
        self.group = Some(group.into());
        self
    }

    /// Sets the account code.
    pub fn with_account_code(mut self, code: impl Into<String>) -> Recording {
        self.account_code = Some(code.into());
        self
    }

    /// Sets the line.
    pub fn with_line(mut self, line: impl Into<String>) -> Recording {
        self.line = Some(line.into());
        self
    }

    /// The recording's own tokens for "replay for others", in order: each leg's extension and
    /// agent id, the account code and the line. The handling group's number is a token too;
    /// it comes from the tenant, so decisions add it.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.legs
            .iter()
            .flat_map(|leg| std::iter::once(leg.extension.as_str()).chain(leg.agent.as_deref()))
            .chain(self.account_code.as_deref())
            .chain(self.line.as_deref())
    }
}

/// Which way a call went, seen from the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Direction {
    /// Received.
    Inbound,
    /// Placed.
    Outbound,
}

named_enum!(Direction, "call direction", [Inbound => "inbound", Outbound => "outbound"]);

/// Whether the other party is inside the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reach {
    /// Another user of the tenant.
    Internal,
    /// Outside the tenant.
    External,
}

named_enum!(Reach, "call reach", [Internal => "internal", External => "external"]);

/// A call to decide recording for: who made or took it, which way, and with whom.
///
/// ```
/// use pbx_entitlements::model::{Call, Direction, Reach};
///
/// let call: Call = serde_json::from_str(
///     r#"{"id": "c1", "start": 1763900000, "user": "alice", "direction": "inbound", "reach": "external"}"#,
/// )?;
/// assert_eq!(call, Call::new("c1", 1763900000, "alice", Direction::Inbound, Reach::External));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Call {
    /// The call's id: sampling hashes it, so the same call gets the same answer everywhere.
    pub id: String,
    /// When it started (seconds since the Unix epoch).
    pub start: i64,
    /// The user whose call it is.
    pub user: UserId,
    /// Inbound or outbound.
    pub direction: Direction,
    /// Internal or external.
    pub reach: Reach,
}

impl Call {
    /// A call.
    pub fn new(
        id: impl Into<String>,
        start: i64,
        user: impl Into<UserId>,
        direction: Direction,
        reach: Reach,
    ) -> Call {
        Call {
            id: id.into(),
            start,
            user: user.into(),
            direction,
            reach,
        }
    }
}

objects_only! {
    Leg => "a leg object",
    Recording => "a recording object",
    Call => "a call object",
}
