//! Recording rights and recording policy: may this user replay, download or delete this
//! recording, listen live to that user, and is this call recorded (see the
//! [guide](crate::guide::recordings)).
//!
//! Decisions read the user's resolved entitlements and the tenant's
//! [endpoints over time](crate::Endpoints); nothing is re-resolved per recording.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::endpoints::AttributedBy;
use crate::entitlements::Entitlements;
use crate::error::{LookupError, Shown};
use crate::index::{EntityRef, TenantIndex, UserIx};
use crate::model::{Call, EndpointKind, Recording};
use crate::resolve::{Effect, Layer, Resolver};
use crate::value::ListValue;

pub use crate::fnv::fnv1a64;
pub use log::RecordingLog;

mod log;

/// The features decisions read, by key: any catalog that defines them gets the same rules.
pub(crate) mod key {
    pub const REPLAY: &str = "recordings_replay";
    pub const GROUPS: &str = "recordings_replay_groups";
    pub const OTHERS: &str = "recordings_replay_others";
    pub const DOWNLOAD: &str = "recordings_download";
    pub const DELETE: &str = "recordings_delete";
    pub const LISTEN_LIVE: &str = "listen_live";
    pub const CAN_BE_LISTENED: &str = "can_be_listened";
    pub const RECORD: &str = "record_conversations";
    pub const DIRECTIONS: &str = "recording_directions";
    pub const PERCENTAGE: &str = "recording_percentage";
    pub const NOTIFY: &str = "notify_when_recording";
}

/// How much of the tenant's recordings a user may replay (`recordings_replay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// None at all.
    None,
    /// Recordings with a leg that was theirs at the call's start; and, from here on, their
    /// replay groups and replay list.
    Own,
    /// Every recording of the tenant.
    All,
}

impl Scope {
    /// The scope an entitlement gives: `all` or `own` if the choice reaches that option (in a
    /// catalog that has it), `none` otherwise or when the catalog has no such feature.
    fn of(entitlements: &Entitlements) -> Scope {
        let Some(feature) = entitlements.catalog().by_key(key::REPLAY) else {
            return Scope::None;
        };
        let Ok(held) = entitlements.choice(key::REPLAY) else {
            return Scope::None;
        };
        let options = feature.kind().names();
        let position = |name: &str| options.iter().position(|o| o == name);
        let Some(held) = position(held) else {
            return Scope::None;
        };
        if position("all").is_some_and(|all| held >= all) {
            Scope::All
        } else if position("own").is_some_and(|own| held >= own) {
            Scope::Own
        } else {
            Scope::None
        }
    }
}

/// Entries a list entitlement allows: every one, or these (sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    Any,
    Only(Vec<String>),
}

impl Allowed {
    fn of(entitlements: &Entitlements, key: &str) -> Allowed {
        match entitlements.list(key) {
            Ok(ListValue::Any) => Allowed::Any,
            Ok(ListValue::Only(set)) => Allowed::Only(set.iter().cloned().collect()),
            Err(_) => Allowed::Only(Vec::new()),
        }
    }

    #[inline]
    fn contains(&self, entry: &str) -> bool {
        match self {
            Allowed::Any => true,
            Allowed::Only(entries) => holds(entries, entry),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Allowed::Only(entries) if entries.is_empty())
    }
}

/// Whether sorted `entries` hold `entry`: a scan comparing lengths first while the list is
/// short (a replay list holds a few numbers), a bisection past that.
#[inline]
fn holds<S: AsRef<str>>(entries: &[S], entry: &str) -> bool {
    if entries.len() <= 16 {
        entries.iter().any(|e| e.as_ref() == entry)
    } else {
        entries.binary_search_by(|e| e.as_ref().cmp(entry)).is_ok()
    }
}

/// Why a user may or may not replay one recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ground<'a> {
    /// Allowed: replay is `all`.
    All,
    /// Allowed: a leg was the viewer's at the recording's start.
    Own {
        /// The viewer.
        viewer: &'a str,
        /// The leg's extension.
        extension: &'a str,
        /// The leg's agent id, if any.
        agent: Option<&'a str>,
        /// Which of the leg's endpoints made it the viewer's.
        by: AttributedBy,
    },
    /// Allowed: the group that handled the call is one of the viewer's replay groups.
    Group {
        /// The viewer.
        viewer: &'a str,
        /// The group.
        group: &'a str,
    },
    /// Allowed: one of the recording's numbers is in the viewer's replay list.
    Number {
        /// The viewer.
        viewer: &'a str,
        /// The number (an extension, agent id, account code, line or group number).
        token: &'a str,
    },
    /// Refused: replay is `none`.
    NoReplay,
    /// Refused: a replay group or number matches, but groups and others only count with
    /// replay `own` or more.
    NeedsOwn,
    /// Refused: replay is `own`, no leg was the viewer's at the start, and neither the group
    /// nor any number is in the viewer's replay lists.
    NotOwn {
        /// The viewer.
        viewer: &'a str,
    },
}

impl Ground<'_> {
    /// Whether this ground allows replay.
    pub fn allows(&self) -> bool {
        matches!(
            self,
            Ground::All | Ground::Own { .. } | Ground::Group { .. } | Ground::Number { .. }
        )
    }
}

impl fmt::Display for Ground<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Ground::All => f.write_str("replay is all"),
            Ground::Own {
                viewer,
                extension,
                agent,
                by,
            } => {
                write!(
                    f,
                    "own: leg {} was {}'s at start",
                    Shown(extension),
                    Shown(viewer)
                )?;
                match (by, agent) {
                    (AttributedBy::Agent, Some(agent)) => {
                        write!(f, " (by agent {})", Shown(agent))
                    }
                    (AttributedBy::Dee, _) => {
                        f.write_str(" (a DEE member of their primary extension)")
                    }
                    _ => Ok(()),
                }
            }
            Ground::Group { viewer, group } => write!(
                f,
                "group `{}` is in {}'s replay groups",
                Shown(group),
                Shown(viewer)
            ),
            Ground::Number { viewer, token } => write!(
                f,
                "number {} is in {}'s replay list",
                Shown(token),
                Shown(viewer)
            ),
            Ground::NoReplay => f.write_str("replay is none"),
            Ground::NeedsOwn => f.write_str("groups and others need replay own; replay is none"),
            Ground::NotOwn { viewer } => write!(
                f,
                "replay is own and no leg was {}'s at start; neither the group nor any number \
                 is in their replay lists",
                Shown(viewer)
            ),
        }
    }
}

/// Why a decision went the way it did: the rule and the entitlement that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason<'a> {
    /// Replay, on this ground.
    Replay(Ground<'a>),
    /// Download is on; the right to replay the recording decides.
    Download(Ground<'a>),
    /// Delete is on; the right to replay the recording decides.
    Delete(Ground<'a>),
    /// The feature that would allow it is off (`recordings_download`, `recordings_delete`,
    /// `listen_live`).
    Off {
        /// The feature's key.
        feature: &'static str,
        /// The user it is off for.
        user: &'a str,
    },
    /// Live listening: the viewer holds `listen_live`; the target's `can_be_listened` decides.
    Listen {
        /// The supervisor.
        viewer: &'a str,
        /// The user listened to.
        target: &'a str,
        /// Whether the target can be listened to.
        listenable: bool,
    },
}

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Replay(ground) => ground.fmt(f),
            Reason::Download(ground) | Reason::Delete(ground) => {
                let right = if matches!(self, Reason::Download(_)) {
                    "download"
                } else {
                    "delete"
                };
                if ground.allows() {
                    write!(f, "{right} is on and {ground}")
                } else {
                    write!(
                        f,
                        "{right} needs the right to replay this recording: {ground}"
                    )
                }
            }
            Reason::Off { feature, user } => write!(f, "{feature} is off for {}", Shown(user)),
            Reason::Listen {
                viewer,
                target,
                listenable,
            } => {
                if *listenable {
                    write!(
                        f,
                        "{} may listen live and {} can be listened to",
                        Shown(viewer),
                        Shown(target)
                    )
                } else {
                    write!(f, "target {} cannot be listened to", Shown(target))
                }
            }
        }
    }
}

/// Allowed or not, and why.
///
/// Serialises as `{"allowed": true, "reason": "own: leg 201 was bob's at start"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision<'a> {
    /// Whether it is allowed.
    pub allowed: bool,
    /// What decided.
    pub reason: Reason<'a>,
}

impl<'a> Decision<'a> {
    fn new(allowed: bool, reason: Reason<'a>) -> Decision<'a> {
        Decision { allowed, reason }
    }
}

impl fmt::Display for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.allowed { "allowed" } else { "refused" };
        write!(f, "{verdict}: {}", self.reason)
    }
}

impl Serialize for Decision<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Decision", 2)?;
        s.serialize_field("allowed", &self.allowed)?;
        s.serialize_field("reason", &self.reason.to_string())?;
        s.end()
    }
}

/// What one user may do with the tenant's recordings, read once from their resolved
/// entitlements: then each decision is a few lookups, and filtering a slice allocates nothing
/// per recording.
///
/// ```
/// use pbx_entitlements::model::{EndpointAssignment, Group, Leg, Plan, Recording, Tenant, User};
/// use pbx_entitlements::{validate, Resolver};
///
/// let mut tenant = Tenant::new("acme", Plan::all("p"));
/// tenant.groups.push(Group::new("support").with_number("600"));
/// tenant.users.push(
///     User::new("bob")
///         .with_endpoint(EndpointAssignment::extension("201").primary().until(2000))
///         .with_override("recordings_replay", "own")
///         .with_override("recordings_replay_groups", vec!["support"])
///         .with_override("recordings_download", true),
/// );
/// let index = validate(&tenant)?;
/// let resolver = Resolver::new(&index);
/// let bob = resolver.recording_rights("bob")?;
///
/// let mine = Recording::new("r1", 1000).with_leg(Leg::extension("201"));
/// let later = Recording::new("r2", 3000).with_leg(Leg::extension("201"));
/// let queue = Recording::new("r3", 3000).with_leg(Leg::extension("305")).with_group("support");
///
/// assert_eq!(bob.replay(&mine).to_string(), "allowed: own: leg 201 was bob's at start");
/// assert!(!bob.replay(&later).allowed);                  // 201 was no longer bob's
/// assert_eq!(bob.download(&queue).to_string(),
///            "allowed: download is on and group `support` is in bob's replay groups");
/// assert_eq!(bob.delete(&mine).to_string(), "refused: recordings_delete is off for bob");
///
/// let all = [mine, later, queue];
/// let ids: Vec<&str> = bob.replayable(&all).map(|r| r.id.as_str()).collect();
/// assert_eq!(ids, ["r1", "r3"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RecordingRights<'i> {
    index: &'i TenantIndex,
    viewer: UserIx,
    viewer_id: &'i str,
    scope: Scope,
    groups: Allowed,
    others: Allowed,
    /// Groups whose number is in `others`: a group's number is one of its recordings' tokens.
    numbered_groups: Vec<&'i str>,
    download: bool,
    delete: bool,
    /// Every extension (DEE members included) and agent id the viewer ever held, sorted: a leg
    /// on none of them cannot be the viewer's, without a lookup.
    extensions: Vec<&'i str>,
    agents: Vec<&'i str>,
}

impl<'i> RecordingRights<'i> {
    /// The rights of `viewer`, from their resolved `entitlements`.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn new(
        index: &'i TenantIndex,
        viewer: impl EntityRef<UserIx>,
        entitlements: &Entitlements,
    ) -> Result<RecordingRights<'i>, LookupError> {
        let ix = viewer
            .find(index)
            .ok_or_else(|| LookupError::UnknownUser(viewer.describe()))?;
        let entry = index
            .user(ix)
            .ok_or_else(|| LookupError::UnknownUser(viewer.describe()))?;
        let others = Allowed::of(entitlements, key::OTHERS);
        let mut numbered_groups: Vec<&str> = match &others {
            Allowed::Only(entries) if !entries.is_empty() => index
                .groups()
                .iter()
                .filter(|g| g.number().is_some_and(|n| others.contains(n)))
                .map(|g| g.id().as_str())
                .collect(),
            _ => Vec::new(),
        };
        numbered_groups.sort_unstable();
        let mut extensions: Vec<&str> = Vec::new();
        let mut agents: Vec<&str> = Vec::new();
        for e in &entry.endpoints {
            match e.kind {
                EndpointKind::Extension => {
                    extensions.push(e.id.as_str());
                    if e.primary {
                        extensions.extend(entry.dee().iter().map(String::as_str));
                    }
                }
                EndpointKind::Agent => agents.push(e.id.as_str()),
            }
        }
        for ids in [&mut extensions, &mut agents] {
            ids.sort_unstable();
            ids.dedup();
        }
        Ok(RecordingRights {
            index,
            viewer: ix,
            viewer_id: entry.id().as_str(),
            scope: Scope::of(entitlements),
            groups: Allowed::of(entitlements, key::GROUPS),
            others,
            numbered_groups,
            download: entitlements.toggle(key::DOWNLOAD).unwrap_or(false),
            delete: entitlements.toggle(key::DELETE).unwrap_or(false),
            extensions,
            agents,
        })
    }

    /// The viewer.
    pub fn viewer(&self) -> UserIx {
        self.viewer
    }

    /// The viewer's replay scope.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The leg of `recording` that was the viewer's at its start, if any. O(legs · log n).
    fn own_leg<'r>(&self, recording: &'r Recording) -> Option<Ground<'r>>
    where
        'i: 'r,
    {
        let endpoints = self.index.endpoints();
        recording.legs.iter().find_map(|leg| {
            let maybe = self
                .extensions
                .binary_search(&leg.extension.as_str())
                .is_ok()
                || leg
                    .agent
                    .as_deref()
                    .is_some_and(|a| self.agents.binary_search(&a).is_ok());
            if !maybe {
                return None;
            }
            let attribution =
                endpoints.attribute(recording.start, &leg.extension, leg.agent.as_deref())?;
            (attribution.user == self.viewer).then_some(Ground::Own {
                viewer: self.viewer_id,
                extension: leg.extension.as_str(),
                agent: leg.agent.as_deref(),
                by: attribution.via,
            })
        })
    }

    /// The replay group or number of `recording` in the viewer's lists, if any.
    fn listed<'r>(&self, recording: &'r Recording) -> Option<Ground<'r>>
    where
        'i: 'r,
    {
        let viewer = self.viewer_id;
        if let Some(group) = &recording.group
            && self.groups.contains(group.as_str())
        {
            return Some(Ground::Group {
                viewer,
                group: group.as_str(),
            });
        }
        if self.others.is_empty() {
            return None;
        }
        if let Some(token) = recording.tokens().find(|t| self.others.contains(t)) {
            return Some(Ground::Number { viewer, token });
        }
        let group = recording.group.as_ref()?;
        let numbered = match &self.others {
            Allowed::Any => true,
            Allowed::Only(_) => self.numbered_groups.binary_search(&group.as_str()).is_ok(),
        };
        if !numbered {
            return None;
        }
        let number = self.index.group(group.as_str())?.number()?;
        Some(Ground::Number {
            viewer,
            token: number,
        })
    }

    /// Why the viewer may or may not replay `recording`.
    fn ground<'r>(&self, recording: &'r Recording) -> Ground<'r>
    where
        'i: 'r,
    {
        match self.scope {
            Scope::All => Ground::All,
            Scope::None => match self.listed(recording) {
                Some(_) => Ground::NeedsOwn,
                None => Ground::NoReplay,
            },
            Scope::Own => self
                .own_leg(recording)
                .or_else(|| self.listed(recording))
                .unwrap_or(Ground::NotOwn {
                    viewer: self.viewer_id,
                }),
        }
    }

    /// May the viewer replay `recording`: replay `all`; or, with replay `own`, a leg that was
    /// theirs at the start (never "holds the extension now"), the handling group in their
    /// replay groups, or one of its numbers in their replay list (whole numbers only: `10`
    /// never matches `101`).
    pub fn replay<'r>(&self, recording: &'r Recording) -> Decision<'r>
    where
        'i: 'r,
    {
        let ground = self.ground(recording);
        Decision::new(ground.allows(), Reason::Replay(ground))
    }

    /// May the viewer download `recording`: `recordings_download`, and the right to replay it.
    pub fn download<'r>(&self, recording: &'r Recording) -> Decision<'r>
    where
        'i: 'r,
    {
        if !self.download {
            return Decision::new(
                false,
                Reason::Off {
                    feature: key::DOWNLOAD,
                    user: self.viewer_id,
                },
            );
        }
        let ground = self.ground(recording);
        Decision::new(ground.allows(), Reason::Download(ground))
    }

    /// May the viewer delete `recording`: `recordings_delete`, and the right to replay it.
    /// Never implied by replay or download.
    pub fn delete<'r>(&self, recording: &'r Recording) -> Decision<'r>
    where
        'i: 'r,
    {
        if !self.delete {
            return Decision::new(
                false,
                Reason::Off {
                    feature: key::DELETE,
                    user: self.viewer_id,
                },
            );
        }
        let ground = self.ground(recording);
        Decision::new(ground.allows(), Reason::Delete(ground))
    }

    /// Whether the viewer may replay `recording`, without building a reason: the bulk
    /// filters' test, equal to `replay(recording).allowed`. Reads each of the recording's
    /// tokens once.
    #[inline]
    pub fn may_replay(&self, recording: &Recording) -> bool {
        match self.scope {
            Scope::All => true,
            Scope::None => false,
            Scope::Own => self.may_replay_own(recording),
        }
    }

    /// [`may_replay`](RecordingRights::may_replay) with replay `own`: the rules of
    /// [`ground`](RecordingRights::ground), in one pass over the tokens.
    fn may_replay_own(&self, recording: &Recording) -> bool {
        let others = !self.others.is_empty();
        for leg in &recording.legs {
            let agent = leg.agent.as_deref();
            let mine = holds(&self.extensions, &leg.extension)
                || agent.is_some_and(|a| holds(&self.agents, a));
            if mine
                && self
                    .index
                    .endpoints()
                    .attribute(recording.start, &leg.extension, agent)
                    .is_some_and(|a| a.user == self.viewer)
            {
                return true;
            }
            if others
                && (self.others.contains(&leg.extension)
                    || agent.is_some_and(|a| self.others.contains(a)))
            {
                return true;
            }
        }
        if let Some(group) = &recording.group {
            let group = group.as_str();
            if self.groups.contains(group) {
                return true;
            }
            if others
                && match &self.others {
                    Allowed::Any => true,
                    Allowed::Only(_) => holds(&self.numbered_groups, group),
                }
                && self.index.group(group).and_then(|g| g.number()).is_some()
            {
                return true;
            }
        }
        others
            && (recording
                .account_code
                .as_deref()
                .is_some_and(|c| self.others.contains(c))
                || recording
                    .line
                    .as_deref()
                    .is_some_and(|l| self.others.contains(l)))
    }

    /// The recordings of `recordings` the viewer may replay, in order.
    pub fn replayable<'r>(
        &'r self,
        recordings: &'r [Recording],
    ) -> impl Iterator<Item = &'r Recording> + 'r {
        recordings.iter().filter(move |r| self.may_replay(r))
    }

    /// The recordings of `recordings` the viewer may download, in order.
    pub fn downloadable<'r>(
        &'r self,
        recordings: &'r [Recording],
    ) -> impl Iterator<Item = &'r Recording> + 'r {
        let on = self.download;
        recordings.iter().filter(move |r| on && self.may_replay(r))
    }
}

/// Whether a call is recorded, whether the caller is told, and why.
///
/// Serialises as `{"record": true, "notify": true, "reason": "…"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordDecision {
    /// Whether the call is recorded.
    pub record: bool,
    /// Whether the caller is told it is recorded: recorded and `notify_when_recording` on.
    pub notify: bool,
    /// What decided.
    pub reason: RecordReason,
}

impl Serialize for RecordDecision {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("RecordDecision", 3)?;
        s.serialize_field("record", &self.record)?;
        s.serialize_field("notify", &self.notify)?;
        s.serialize_field("reason", &self.reason.to_string())?;
        s.end()
    }
}

/// Why a call is or is not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordReason {
    /// `record_conversations` is off for the user (by the admin, the plan or a requirement).
    Off,
    /// The user's own switch (their preference on `record_conversations`) is off.
    SwitchedOff,
    /// The tenant locks `record_conversations` off.
    LockedOff,
    /// The call's direction is not in `recording_directions`.
    Direction(&'static str),
    /// The call is sampled out: `fnv1a64(id) % 100` is not below `recording_percentage`.
    SampledOut {
        /// `fnv1a64(id) % 100`.
        bucket: u64,
        /// The effective `recording_percentage`.
        percentage: i64,
    },
    /// Recorded.
    Recorded {
        /// Whether the tenant locks recording on (compliance recording).
        locked: bool,
        /// The direction, which `recording_directions` includes.
        direction: &'static str,
        /// `fnv1a64(id) % 100` and the percentage, when below 100.
        sampled: Option<(u64, i64)>,
    },
}

impl fmt::Display for RecordReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RecordReason::Off => f.write_str("record_conversations is off"),
            RecordReason::SwitchedOff => {
                f.write_str("the user's own switch turns record_conversations off")
            }
            RecordReason::LockedOff => f.write_str("the tenant locks record_conversations off"),
            RecordReason::Direction(direction) => {
                write!(f, "{direction} calls are not in recording_directions")
            }
            RecordReason::SampledOut { bucket, percentage } => write!(
                f,
                "sampled out: fnv1a64(id) % 100 = {bucket}, not below recording_percentage {percentage}"
            ),
            RecordReason::Recorded {
                locked,
                direction,
                sampled,
            } => {
                if locked {
                    f.write_str("the tenant locks record_conversations on")?;
                } else {
                    f.write_str("record_conversations is on")?;
                }
                write!(f, " and {direction} calls are in recording_directions")?;
                if let Some((bucket, percentage)) = sampled {
                    write!(
                        f,
                        "; sampled in: fnv1a64(id) % 100 = {bucket}, below recording_percentage {percentage}"
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// Whether a call with this id is in a `percentage` sample: `fnv1a64(id) % 100 < percentage`,
/// the same answer in any language. Also returns the bucket, `fnv1a64(id) % 100`.
///
/// ```
/// use pbx_entitlements::recording::sampled_in;
///
/// // fnv1a64("c1") = 0x08a27f07b54a6859, which is 57 modulo 100.
/// assert_eq!(sampled_in("c1", 100), (true, 57));
/// assert_eq!(sampled_in("c1", 58), (true, 57));
/// assert_eq!(sampled_in("c1", 57), (false, 57));
/// assert_eq!(sampled_in("c2", 25), (true, 24));
/// ```
pub fn sampled_in(call_id: &str, percentage: i64) -> (bool, u64) {
    let bucket = fnv1a64(call_id.as_bytes()) % 100;
    (i64::try_from(bucket).is_ok_and(|b| b < percentage), bucket)
}

impl Resolver<'_> {
    /// What `viewer` may do with recordings, from their entitlements resolved once.
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn recording_rights(
        &self,
        viewer: impl EntityRef<UserIx>,
    ) -> Result<RecordingRights<'_>, LookupError> {
        let ix = viewer
            .find(self.index())
            .ok_or_else(|| LookupError::UnknownUser(viewer.describe()))?;
        let entitlements = self.user(ix)?;
        RecordingRights::new(self.index(), ix, &entitlements)
    }

    /// May `viewer` listen live to (and whisper to) `target`: the viewer's `listen_live` and
    /// the target's `can_be_listened`.
    ///
    /// ```
    /// use pbx_entitlements::model::{Plan, Tenant, User};
    /// use pbx_entitlements::{validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("p"));
    /// tenant.users.push(User::new("alice").with_override("listen_live", true));
    /// tenant.users.push(User::new("bob").with_override("can_be_listened", true));
    /// tenant.users.push(User::new("carol"));
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// let yes = resolver.listen_live("alice", "bob")?;
    /// assert_eq!(yes.to_string(), "allowed: alice may listen live and bob can be listened to");
    /// let no = resolver.listen_live("alice", "carol")?;
    /// assert_eq!(no.to_string(), "refused: target carol cannot be listened to");
    /// assert_eq!(resolver.listen_live("bob", "carol")?.to_string(), "refused: listen_live is off for bob");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] naming the viewer or the target.
    pub fn listen_live(
        &self,
        viewer: impl EntityRef<UserIx>,
        target: impl EntityRef<UserIx>,
    ) -> Result<Decision<'_>, LookupError> {
        let index = self.index();
        let found = |user: &dyn EntityRef<UserIx>| {
            user.find(index)
                .and_then(|ix| Some((ix, index.user(ix)?.id().as_str())))
                .ok_or_else(|| LookupError::UnknownUser(user.describe()))
        };
        let (viewer, viewer_id) = found(&viewer)?;
        let (target, target_id) = found(&target)?;
        if !self.user(viewer)?.toggle(key::LISTEN_LIVE).unwrap_or(false) {
            return Ok(Decision::new(
                false,
                Reason::Off {
                    feature: key::LISTEN_LIVE,
                    user: viewer_id,
                },
            ));
        }
        let listenable = self
            .user(target)?
            .toggle(key::CAN_BE_LISTENED)
            .unwrap_or(false);
        Ok(Decision::new(
            listenable,
            Reason::Listen {
                viewer: viewer_id,
                target: target_id,
                listenable,
            },
        ))
    }

    /// Whether `call` is recorded: `record_conversations` on for the call's user — which
    /// includes their own switch where the catalog lets them lower it, unless the tenant locks
    /// it on — the call's direction in `recording_directions`, and the call sampled in by
    /// `recording_percentage` ([`sampled_in`]). `notify` is `notify_when_recording` on a
    /// recorded call.
    ///
    /// ```
    /// use pbx_entitlements::model::{Call, Direction, Plan, Reach, Tenant, User};
    /// use pbx_entitlements::{validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("p"));
    /// tenant.users.push(
    ///     User::new("alice")
    ///         .with_override("record_conversations", true)
    ///         .with_override("recording_directions", vec!["inbound_external"])
    ///         .with_override("notify_when_recording", true),
    /// );
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// let inbound = Call::new("c1", 0, "alice", Direction::Inbound, Reach::External);
    /// let decision = resolver.record(&inbound)?;
    /// assert!(decision.record && decision.notify);
    /// let outbound = Call::new("c2", 0, "alice", Direction::Outbound, Reach::External);
    /// assert_eq!(resolver.record(&outbound)?.reason.to_string(),
    ///            "outbound_external calls are not in recording_directions");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LookupError::UnknownUser`] if the tenant has no such user.
    pub fn record(&self, call: &Call) -> Result<RecordDecision, LookupError> {
        let user = call.user.as_str();
        let e = self.user(user)?;
        let not_recorded = |reason| RecordDecision {
            record: false,
            notify: false,
            reason,
        };
        // A tenant lock on the switch: compliance recording when on, nobody recorded when off.
        let locked = self
            .index()
            .catalog()
            .feature_id(key::RECORD)
            .and_then(|id| self.index().policy(id))
            .is_some_and(|slot| slot.locked());
        if !e.toggle(key::RECORD).unwrap_or(false) {
            // Off: say whether the user's own switch did it.
            let switched_off = self.explain(user, key::RECORD).is_ok_and(|trace| {
                trace
                    .steps
                    .iter()
                    .any(|s| s.layer == Layer::Preference && s.effect == Effect::Lowered)
            });
            return Ok(not_recorded(if locked {
                RecordReason::LockedOff
            } else if switched_off {
                RecordReason::SwitchedOff
            } else {
                RecordReason::Off
            }));
        }
        let direction = direction_name(call);
        let in_directions = match e.list(key::DIRECTIONS) {
            Ok(ListValue::Any) => true,
            Ok(ListValue::Only(set)) => set.contains(direction),
            // A catalog without directions records every direction.
            Err(_) => true,
        };
        if !in_directions {
            return Ok(not_recorded(RecordReason::Direction(direction)));
        }
        let percentage = e.limit(key::PERCENTAGE).unwrap_or(100);
        let sampled = (percentage < 100).then(|| sampled_in(&call.id, percentage));
        if let Some((false, bucket)) = sampled {
            return Ok(not_recorded(RecordReason::SampledOut {
                bucket,
                percentage,
            }));
        }
        Ok(RecordDecision {
            record: true,
            notify: e.restriction(key::NOTIFY).unwrap_or(false),
            reason: RecordReason::Recorded {
                locked,
                direction,
                sampled: sampled.map(|(_, bucket)| (bucket, percentage)),
            },
        })
    }
}

/// The `recording_directions` item of a call: `inbound_external` …
fn direction_name(call: &Call) -> &'static str {
    use crate::model::{Direction, Reach};
    match (call.direction, call.reach) {
        (Direction::Inbound, Reach::Internal) => "inbound_internal",
        (Direction::Inbound, Reach::External) => "inbound_external",
        (Direction::Outbound, Reach::Internal) => "outbound_internal",
        (Direction::Outbound, Reach::External) => "outbound_external",
    }
}
