//! The audit: what a valid tenant says that probably is not what its admin meant — settings
//! that never apply, preferences that cannot work, seats that run short (see the
//! [guide](crate::guide::audit)). An audit never changes a result.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::lists::Combos;
use super::{Ceiling, Need, Observer, Origin, Resolver, Scratch, Silent, cap, meet, plan_cap};
use crate::catalog::FeatureId;
use crate::entitlements::decode_with;
use crate::error::{Path, SHOWN_NAMES, Shown, shown_names};
use crate::index::{Setting, UserIx, handle};
use crate::value::{Kind, ListValue, Value};

/// What a finding is about. The JSON name (`gate_unavailable`, …) is stable.
///
/// The enum grows as the audit learns more: match the kinds you act on and keep a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingKind {
    /// The self-service gate is off — for everyone (not in the plan, locked off, or its own
    /// requirement unmet) or for one user — so preferences that exist are all ignored.
    GateUnavailable,
    /// A preference on a feature users may not adjust, or one the tenant policy locks.
    PreferenceNeverApplies,
    /// A preference above the value it would lower: a preference can only lower.
    PreferenceRaises,
    /// An admin override equal to what the templates (or, without them, the tenant policy or
    /// the catalog default) already give the user, or to the tenant's lock.
    RedundantOverride,
    /// A tenant policy, template or override entry that the plan or a lock always overrides,
    /// or a lock that an unmet requirement always turns off.
    ShadowedEntry,
    /// Some entry sets the feature on, yet no user ends up with it (users lowering it for
    /// themselves aside).
    UnreachableFeature,
    /// More users want a seat-licensed feature than the plan bought seats of.
    SeatsShort,
    /// A "replay for others" list names a number no extension, agent ID, DEE member, group or
    /// line of the tenant carries.
    UnknownReplayNumber,
}

named_enum!(FindingKind, "finding kind", [
    GateUnavailable => "gate_unavailable",
    PreferenceNeverApplies => "preference_never_applies",
    PreferenceRaises => "preference_raises",
    RedundantOverride => "redundant_override",
    ShadowedEntry => "shadowed_entry",
    UnreachableFeature => "unreachable_feature",
    SeatsShort => "seats_short",
    UnknownReplayNumber => "unknown_replay_number",
]);

/// One finding: where, what kind, and a sentence for the admin.
///
/// ```
/// use pbx_entitlements::{Finding, FindingKind};
///
/// let finding: Finding = serde_json::from_str(
///     r#"{"path": "plan.seats.module_crm", "kind": "seats_short", "message": "3 users want module_crm, 2 seats bought"}"#,
/// )?;
/// assert_eq!(finding.kind, FindingKind::SeatsShort);
/// assert_eq!(finding.to_string(), "plan.seats.module_crm: 3 users want module_crm, 2 seats bought (seats_short)");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Finding {
    /// The entry the finding is about, written as validation writes paths:
    /// `users[alice].overrides.max_channels`.
    pub path: Path,
    /// What the finding is about.
    pub kind: FindingKind,
    /// What is wrong, for the admin: ids and values shown escaped and cut short.
    pub message: String,
}

impl Finding {
    fn new(path: Path, kind: FindingKind, message: String) -> Finding {
        Finding {
            path,
            kind,
            message,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.kind)
    }
}

/// Every finding of one tenant, grouped by kind (in [`FindingKind::ALL`] order), each kind in a
/// fixed order: policy entries in catalog order, then templates and users, each in id order. Serialises as
/// `{"findings": [{"path", "kind", "message"}, …]}`.
///
/// ```
/// use pbx_entitlements::{FindingKind, Resolver, validate, model::Tenant};
///
/// let tenant: Tenant = serde_json::from_str(r#"{
///     "version": 1, "tenant": "acme",
///     "plan": {"id": "basic", "features": ["calls", "voicemail", "edit_settings"]},
///     "templates": [{"id": "sales", "values": {"calls": true, "module_crm": true}}],
///     "departments": [{"id": "sales", "template": "sales"}],
///     "users": [{"id": "alice", "departments": ["sales"], "overrides": {"calls": true}}]
/// }"#)?;
/// let index = validate(&tenant)?;
/// let audit = Resolver::new(&index).audit();
///
/// let kinds: Vec<(&str, FindingKind)> =
///     audit.iter().map(|f| (f.path.as_str(), f.kind)).collect();
/// assert_eq!(kinds, [
///     ("users[alice].overrides.calls", FindingKind::RedundantOverride),
///     ("templates[sales].values.module_crm", FindingKind::ShadowedEntry),
///     ("templates[sales].values.module_crm", FindingKind::UnreachableFeature),
/// ]);
/// assert_eq!(
///     audit.findings()[1].message,
///     r#"sets true, but plan "basic" does not include module_crm"#,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Audit {
    findings: Vec<Finding>,
}

objects_only! {
    Finding => "a finding object",
    Audit => "an audit object",
}

impl Audit {
    /// Every finding, grouped by kind.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings of one kind, in the audit's order.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.kind == kind)
    }

    /// Every finding, grouped by kind.
    pub fn iter(&self) -> std::slice::Iter<'_, Finding> {
        self.findings.iter()
    }

    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether the tenant has no finding.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}

impl<'a> IntoIterator for &'a Audit {
    type Item = &'a Finding;
    type IntoIter = std::slice::Iter<'a, Finding>;
    fn into_iter(self) -> Self::IntoIter {
        self.findings.iter()
    }
}

/// One finding per line.
impl fmt::Display for Audit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        Ok(())
    }
}

/// Why no user can ever have a feature on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// The plan does not include it, or caps it at its off value.
    Plan,
    /// The tenant policy locks it off.
    Locked,
    /// It requires a feature no user can have at the level it needs.
    Requires(usize, Need),
}

/// What the plan, the locks and the requirements leave reachable, tenant-wide.
struct Reach {
    /// Per feature: what keeps every user from having it on.
    block: Vec<Option<Block>>,
}

/// The tenant's numbers a replay list may name: extensions, agent IDs and DEE members ever
/// assigned, group numbers and the tenant's lines. A lookup set, never iterated into output.
fn known_numbers(index: &crate::index::TenantIndex) -> BTreeSet<&str> {
    let mut known: BTreeSet<&str> = BTreeSet::new();
    for user in &index.users {
        known.extend(user.endpoints.iter().map(|e| e.id.as_str()));
        known.extend(user.dee().iter().map(String::as_str));
    }
    known.extend(index.groups.iter().filter_map(|g| g.number()));
    known.extend(index.numbers().iter().map(|n| n.number.as_str()));
    known
}

/// A value as a message shows it: a list by its first few items.
fn brief(value: &Value) -> String {
    match value {
        Value::List(ListValue::Only(items)) if items.len() > SHOWN_NAMES => {
            let first: Vec<String> = items.iter().take(SHOWN_NAMES).cloned().collect();
            format!("[{}]", shown_names(&first, items.len(), ", "))
        }
        other => other.to_string(),
    }
}

/// The per-user part of the audit, watching the pipeline of one user at a time: overrides
/// after layer 3, preferences after layer 5.
struct UserPass<'a, 'r> {
    resolver: &'a Resolver<'r>,
    user: usize,
    findings: Vec<Finding>,
    /// Whether the gate is off for every user (reported once, not per user).
    gate_closed: bool,
    /// Preferences the gate made the current user lose.
    ignored: usize,
    /// Per feature, whether the current user's templates set it (all `false` between users).
    from_templates: Vec<bool>,
}

impl<'a> UserPass<'a, '_> {
    /// What resolution reads of the current user, and the user.
    fn current(&self) -> Option<(crate::index::UserRanges, &'a crate::index::UserEntry)> {
        let index: &'a crate::index::TenantIndex = &self.resolver.index;
        Some((*index.ranges.get(self.user)?, index.users.get(self.user)?))
    }

    /// The path of one of the user's entries: `users[alice].overrides.chat`.
    fn path(&self, field: &str, f: usize) -> Path {
        let users = &self.resolver.index.users;
        let id = users.get(self.user).map_or("", |u| u.id.as_str());
        at::user(id, field).field(self.resolver.key(f))
    }
}

/// Where the audit points: the entries of a tenant document.
mod at {
    use crate::error::{Path, Shown};

    /// `policy.chat`
    pub(super) fn policy(key: &str) -> Path {
        Path::root().field("policy").field(key)
    }

    /// `templates[sales].values.chat`
    pub(super) fn template(id: &str, key: &str) -> Path {
        Path::root()
            .field("templates")
            .at(Shown(id))
            .field("values")
            .field(key)
    }

    /// `users[alice].overrides` (or `preferences`, …)
    pub(super) fn user(id: &str, field: &str) -> Path {
        Path::root().field("users").at(Shown(id)).field(field)
    }
}

/// Every template entry where it is written (not where a child inherits it): template, feature,
/// setting, in template then feature order.
fn written_entries(
    index: &crate::index::TenantIndex,
) -> impl Iterator<Item = (&crate::index::CompiledTemplate, FeatureId, &Setting)> {
    index
        .templates
        .iter()
        .enumerate()
        .flat_map(|(t, template)| {
            template
                .values
                .iter()
                .zip(&template.origins)
                .filter(move |(_, origin)| origin.index() == t)
                .map(move |((id, setting), _)| (template, *id, setting))
        })
}

/// The setting of feature `f` among a user's sorted entries.
fn setting_of(entries: &[(FeatureId, Setting)], f: usize) -> Option<&Setting> {
    let at = entries
        .binary_search_by_key(&f, |(id, _)| id.index())
        .ok()?;
    entries.get(at).map(|(_, s)| s)
}

impl Observer for UserPass<'_, '_> {
    const ACTIVE: bool = false;
    fn feature(&self) -> usize {
        usize::MAX
    }
    fn step(&mut self, _: super::Layer, _: Origin, _: i64, _: super::Effect) {}
    fn candidate(
        &mut self,
        _: crate::model::TemplateId,
        _: Option<crate::model::TemplateId>,
        _: Option<crate::index::UnitIx>,
        _: i64,
        _: u32,
        _: bool,
    ) {
    }
    fn templates_applied(&mut self, levels: &[i64], touched: &[usize]) {
        let r = self.resolver;
        let Some((ranges, entry)) = self.current() else {
            return;
        };
        // A detached user's overrides are their settings by design: nothing below them
        // reaches the user any more.
        let overrides = r.index.override_levels(&ranges);
        if ranges.detached || overrides.is_empty() {
            return;
        }
        // Which features the templates set: a flag each, set and cleared for `touched` only.
        for &f in touched {
            if let Some(flag) = self.from_templates.get_mut(f) {
                *flag = true;
            }
        }
        let mut found = Vec::new();
        for &(f, level) in overrides {
            let Some(p) = r.features.get(f) else { continue };
            // An override turning a seat-licensed feature on is first in line for a seat.
            let counted =
                FeatureId::from_index(f).is_some_and(|id| r.index.plan.seats(id).is_some());
            if counted && level != p.off {
                continue;
            }
            let value =
                setting_of(entry.overrides(), f).map_or_else(String::new, |s| brief(&s.value));
            if p.locked {
                // Equal to the lock (as the plan leaves it): it changes nothing. Otherwise the
                // lock replaces it: a shadowed entry, reported as such.
                if level == p.base {
                    found.push((
                        f,
                        format!("sets {value}, which the tenant policy locks already"),
                    ));
                }
                continue;
            }
            let templates = self.from_templates.get(f).copied().unwrap_or(false);
            let below = if templates {
                levels.get(f).copied()
            } else {
                Some(p.policy.unwrap_or(p.default))
            };
            if below != Some(level) {
                continue;
            }
            let source = if templates {
                "the user's templates give"
            } else if p.policy.is_some() {
                "the tenant policy gives"
            } else {
                "is the catalog default"
            };
            found.push((f, format!("sets {value}, which {source} already")));
        }
        for &f in touched {
            if let Some(flag) = self.from_templates.get_mut(f) {
                *flag = false;
            }
        }
        for (f, message) in found {
            let path = self.path("overrides", f);
            self.findings
                .push(Finding::new(path, FindingKind::RedundantOverride, message));
        }
    }
    fn ceilings_applied(&mut self, levels: &[i64], gate_on: bool, combos: &mut Combos<'_>) {
        let r = self.resolver;
        let Some((ranges, entry)) = self.current() else {
            return;
        };
        let mut found = Vec::new();
        self.ignored = 0;
        for &(f, preference) in r.index.preference_levels(&ranges) {
            let (Some(p), Some(&before)) = (r.features.get(f), levels.get(f)) else {
                continue;
            };
            let key = Shown(r.key(f));
            let value =
                setting_of(entry.preferences(), f).map_or_else(String::new, |s| brief(&s.value));
            if !p.adjustable {
                found.push((
                    f,
                    FindingKind::PreferenceNeverApplies,
                    format!("asks for {value}, but users may not adjust {key}"),
                ));
            } else if p.locked {
                let lock = r.value_of(f, p.policy.unwrap_or(p.off), combos);
                found.push((
                    f,
                    FindingKind::PreferenceNeverApplies,
                    format!(
                        "asks for {value}, but the tenant policy locks {key} at {}",
                        brief(&lock)
                    ),
                ));
            } else if !gate_on {
                self.ignored = self.ignored.saturating_add(1);
            } else {
                let after = meet(p, before, preference, combos);
                if after != preference {
                    let had = brief(&r.value_of(f, before, combos));
                    let message = if after == before {
                        format!(
                            "asks for {value}, more than the {had} the user has: ignored, since a preference can only lower"
                        )
                    } else {
                        let gets = brief(&r.value_of(f, after, combos));
                        format!(
                            "asks for {value}, partly more than the {had} the user has: the user gets {gets}"
                        )
                    };
                    found.push((f, FindingKind::PreferenceRaises, message));
                }
            }
        }
        for (f, kind, message) in found {
            let path = self.path("preferences", f);
            self.findings.push(Finding::new(path, kind, message));
        }
    }
    fn ceiling_changed(&self, _: i64) -> bool {
        false
    }
    fn templates_done(&mut self, _: crate::catalog::MergeRule, _: i64, _: u32) {}
}

impl Resolver<'_> {
    /// Audits the tenant: valid settings that probably do not do what the admin meant, each
    /// with the path to the entry and a typed [`FindingKind`]. Nothing here changes a result;
    /// a tenant without such settings has no findings.
    ///
    /// O(U · F) for U users and F features: one resolution of every user (as
    /// [`Resolver::tenant`]), plus the seat allocation when the plan counts seats.
    ///
    /// ```
    /// use pbx_entitlements::{FindingKind, Resolver, validate, model::Tenant};
    ///
    /// let tenant: Tenant = serde_json::from_str(r#"{
    ///     "version": 1, "tenant": "acme",
    ///     "plan": {"id": "business", "features": "all"},
    ///     "policy": {"chat": {"value": false, "locked": true}},
    ///     "users": [{"id": "bob", "overrides": {"chat": true}, "preferences": {"max_channels": 0}}]
    /// }"#)?;
    /// let index = validate(&tenant)?;
    /// let audit = Resolver::new(&index).audit();
    ///
    /// assert_eq!(audit.to_string(), concat!(
    ///     "users[bob].preferences.max_channels: asks for 0, but users may not adjust max_channels (preference_never_applies)\n",
    ///     "users[bob].overrides.chat: sets true, but the tenant policy locks chat at false (shadowed_entry)\n",
    ///     "users[bob].overrides.chat: sets chat on, yet no user ends up with it: the tenant policy locks chat at false (unreachable_feature)\n",
    /// ));
    /// assert_eq!(
    ///     serde_json::to_value(&audit)?["findings"][1]["kind"],
    ///     "shadowed_entry",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn audit(&self) -> Audit {
        let mut combos = Combos::new(&self.table);
        let reach = self.reachable(&mut combos);
        let mut findings = Vec::new();
        self.audit_entries(&reach, &mut combos, &mut findings);
        self.audit_users(&reach, &mut combos, &mut findings);
        self.audit_seats(&mut findings);
        self.audit_replay_numbers(&mut findings);
        // Stable: each kind keeps the order it was found in.
        findings.sort_by_key(|f| f.kind);
        Audit { findings }
    }

    /// A feature's key by index.
    fn key(&self, f: usize) -> &str {
        FeatureId::from_index(f).map_or("", |id| self.index.catalog.key(id))
    }

    /// A level of feature `f` as a value.
    fn value_of(&self, f: usize, level: i64, combos: &Combos<'_>) -> Value {
        let Some(feature) = FeatureId::from_index(f).and_then(|id| self.index.catalog.get(id))
        else {
            return Value::Toggle(false);
        };
        match feature.kind() {
            Kind::List { .. } => Value::List(combos.value(level).unwrap_or_else(ListValue::empty)),
            kind => decode_with(kind, level, |_| None),
        }
    }

    /// The most each feature can be for any user, and what keeps it off for everyone:
    /// the plan, the locks and the requirements, in requirement order. O(F + R).
    fn reachable(&self, combos: &mut Combos<'_>) -> Reach {
        let n = self.features.len();
        // The most any user can have of each feature (a list handle for lists).
        let mut most = vec![0; n];
        let mut block = vec![None; n];
        let any = combos.intern(&ListValue::Any);
        for &id in self.index.catalog.requirement_order() {
            let f = id.index();
            let (Some(p), Some(feature)) = (self.features.get(f), self.index.catalog.get(id))
            else {
                continue;
            };
            let kind = feature.kind();
            let (level, mut blocked) = if *kind == Kind::Restriction {
                // The plan never removes a restriction; only a lock at `false` does.
                let on = kind.bottom().level().unwrap_or_default();
                let level = if p.locked { p.policy.unwrap_or(on) } else { on };
                (level, (level == p.off).then_some(Block::Locked))
            } else {
                let top = if p.list {
                    any
                } else {
                    kind.top().level().unwrap_or(p.off)
                };
                let level = cap(p, top, combos);
                let by_plan = plan_cap(p, top, combos) == p.off;
                let why = if by_plan { Block::Plan } else { Block::Locked };
                (level, (level == p.off).then_some(why))
            };
            if blocked.is_none()
                && let Some(&(target, need)) = self.unmet(p, |t| most.get(t).copied(), combos)
            {
                blocked = Some(Block::Requires(target, need));
            }
            if let Some(slot) = most.get_mut(f) {
                *slot = if blocked.is_some() { p.off } else { level };
            }
            if let Some(slot) = block.get_mut(f) {
                *slot = blocked;
            }
        }
        Reach { block }
    }

    /// What bounds feature `f` tenant-wide, as a path and a clause naming the feature: the
    /// lock, unless the plan cuts the locked value down (the plan wins over a lock); else the
    /// plan (`plan "basic" does not include chat`).
    fn bound(&self, f: usize, combos: &mut Combos<'_>) -> (Path, String) {
        match self.features.get(f) {
            Some(p)
                if p.locked
                    && p.policy
                        .is_some_and(|lock| plan_cap(p, lock, combos) == lock) =>
            {
                let value = brief(&self.value_of(f, p.policy.unwrap_or(p.off), combos));
                (
                    at::policy(self.key(f)),
                    format!("the tenant policy locks {} at {value}", Shown(self.key(f))),
                )
            }
            _ => self.bound_plan(f, combos),
        }
    }

    fn kind_of(&self, f: usize) -> Option<&Kind> {
        FeatureId::from_index(f)
            .and_then(|id| self.index.catalog.get(id))
            .map(|feature| feature.kind())
    }

    /// Why no user can have `f` on: `it requires tag_calls, and plan "basic" does not include
    /// tag_calls`. Follows at most [`SHOWN_NAMES`] requirements (the graph is acyclic, but a
    /// catalog may chain many).
    fn never_on(&self, reach: &Reach, f: usize, combos: &mut Combos<'_>) -> (Path, String) {
        let mut chain: Vec<String> = Vec::new();
        let mut at = f;
        for _ in 0..SHOWN_NAMES {
            match reach.block.get(at).copied().flatten() {
                Some(Block::Requires(target, need)) => {
                    let required = match self.requirement_origin(target, need) {
                        Origin::Requirement {
                            feature,
                            at_least: Some(level),
                        } => format!("{} at least {}", Shown(&feature), Shown(&level)),
                        _ => Shown(self.key(target)).to_string(),
                    };
                    chain.push(required);
                    at = target;
                }
                _ => break,
            }
        }
        let (path, clause) = self.bound(at, combos);
        if chain.is_empty() {
            (path, clause)
        } else {
            let text = format!(
                "it requires {}, and {clause}",
                chain.join(", which requires ")
            );
            (path, text)
        }
    }

    /// How the plan or a lock always changes an entry setting `f` to `level`, if it does.
    fn shadow(&self, f: usize, level: i64, combos: &mut Combos<'_>) -> Option<String> {
        let p = self.features.get(f)?;
        // What the entry's value becomes under the lock and the plan, whatever else the user has.
        (cap(p, level, combos) != level).then(|| self.bound(f, combos).1)
    }

    /// Shadowed entries (policy, templates, overrides) and features some entry sets on that
    /// no user ends up with (the latter need the user pass: see [`Resolver::audit_users`]).
    fn audit_entries(&self, reach: &Reach, combos: &mut Combos<'_>, out: &mut Vec<Finding>) {
        let index = &self.index;
        // The tenant policy: above the plan, or a lock whose requirement is never met.
        for (id, _) in index.catalog.iter() {
            let f = id.index();
            let (Some(p), Some(slot)) = (self.features.get(f), index.policy(id)) else {
                continue;
            };
            let level = slot.setting.level;
            let value = brief(slot.value());
            let verb = if p.locked { "locks" } else { "sets" };
            let capped = plan_cap(p, level, combos);
            let message = if capped != level {
                let (_, clause) = self.bound_plan(f, combos);
                let tail = if p.locked {
                    " (the plan wins over a lock)"
                } else {
                    ""
                };
                format!("{verb} {value}, but {clause}{tail}")
            } else if p.locked
                && level != p.off
                && matches!(reach.block.get(f), Some(Some(Block::Requires(..))))
            {
                format!(
                    "locks {value}, but {}: a lock does not hold against an unmet requirement",
                    self.never_on(reach, f, combos).1
                )
            } else {
                continue;
            };
            out.push(Finding::new(
                at::policy(index.catalog.key(id)),
                FindingKind::ShadowedEntry,
                message,
            ));
        }
        // Templates: each entry where it is written, not where it is inherited.
        for (template, id, setting) in written_entries(index) {
            if let Some(clause) = self.shadow(id.index(), setting.level, combos) {
                out.push(Finding::new(
                    at::template(template.id.as_str(), index.catalog.key(id)),
                    FindingKind::ShadowedEntry,
                    format!("sets {}, but {clause}", brief(setting.value())),
                ));
            }
        }
        // Overrides.
        for user in &index.users {
            for (id, setting) in user.overrides() {
                if let Some(clause) = self.shadow(id.index(), setting.level, combos) {
                    out.push(Finding::new(
                        at::user(user.id.as_str(), "overrides").field(index.catalog.key(*id)),
                        FindingKind::ShadowedEntry,
                        format!("sets {}, but {clause}", brief(setting.value())),
                    ));
                }
            }
        }
    }

    /// The plan's cap of `f`, ignoring a lock: for entries the lock does not concern.
    fn bound_plan(&self, f: usize, combos: &Combos<'_>) -> (Path, String) {
        let key = Shown(self.key(f));
        let plan_id = Shown(self.index.plan.id.as_str());
        match self.features.get(f).map(|p| p.ceiling) {
            Some(Ceiling::Cap(c)) => {
                let field = match self.kind_of(f) {
                    Some(Kind::Limit { .. }) => "limits",
                    Some(Kind::Choice { .. }) => "choices",
                    _ => "lists",
                };
                let value = brief(&self.value_of(f, c, combos));
                (
                    Path::root().field("plan").field(field).field(self.key(f)),
                    format!("plan \"{plan_id}\" caps {key} at {value}"),
                )
            }
            _ => (
                Path::root().field("plan").field("features"),
                format!("plan \"{plan_id}\" does not include {key}"),
            ),
        }
    }
}

impl Resolver<'_> {
    /// The per-user findings (redundant overrides, preferences, the gate) and the features
    /// some entry sets on that no user ends up with: one resolution of every user.
    fn audit_users(&self, reach: &Reach, combos: &mut Combos<'_>, out: &mut Vec<Finding>) {
        let index = &self.index;
        let gate_closed = self
            .gate
            .is_some_and(|g| matches!(reach.block.get(g), Some(Some(_))));
        let wanted = self.set_on();
        let mut unseen: Vec<usize> = wanted.iter().map(|&(f, _)| f).collect();
        let mut pass = UserPass {
            resolver: self,
            user: 0,
            findings: Vec::new(),
            gate_closed,
            ignored: 0,
            from_templates: vec![false; self.features.len()],
        };
        let mut gate_users: Vec<(usize, usize)> = Vec::new();
        let (mut ignored, mut ignoring) = (0usize, 0usize);
        let mut scratch = Scratch::new(self.features.len());
        for (u, ranges) in index.ranges.iter().enumerate() {
            pass.user = u;
            pass.ignored = 0;
            self.run_user(UserIx(handle(u)), ranges, combos, &mut scratch, &mut pass);
            if pass.ignored > 0 {
                if pass.gate_closed {
                    ignored = ignored.saturating_add(pass.ignored);
                    ignoring = ignoring.saturating_add(1);
                } else {
                    gate_users.push((u, pass.ignored));
                }
            }
            self.keep_off(&mut unseen, &scratch);
        }
        out.append(&mut pass.findings);
        // Preferences are the users' own choice, not a setting that fails: a feature that
        // every user who gets it switched off for themselves is reachable. Those users again,
        // with their preferences left out (as a closed gate leaves them out).
        for (u, ranges) in index.ranges.iter().enumerate() {
            if unseen.is_empty() {
                break;
            }
            if index.preference_levels(ranges).is_empty() {
                continue;
            }
            scratch.gate_refused = true;
            self.run(ranges, combos, &mut scratch, &mut Silent);
            scratch.gate_refused = false;
            self.seat_ceiling(UserIx(handle(u)), combos, &mut scratch, &mut Silent);
            self.keep_off(&mut unseen, &scratch);
        }

        // The gate: once for the tenant when nobody can have it, else per user.
        if let Some(gate) = self.gate {
            if gate_closed && ignored > 0 {
                let (path, clause) = self.never_on(reach, gate, combos);
                let gate_key = Shown(self.key(gate));
                out.push(Finding::new(
                    path,
                    FindingKind::GateUnavailable,
                    format!(
                        "no user can have the self-service gate {gate_key} ({clause}): {ignored} preference{} of {ignoring} user{} ignored",
                        plural(ignored),
                        plural(ignoring),
                    ),
                ));
            }
            for (u, count) in gate_users {
                let (Some(user), Some(gate_id)) = (index.users.get(u), FeatureId::from_index(gate))
                else {
                    continue;
                };
                let why = self
                    .explain(UserIx(handle(u)), gate_id)
                    .map(|trace| trace.to_string())
                    .unwrap_or_default();
                out.push(Finding::new(
                    at::user(user.id.as_str(), "preferences"),
                    FindingKind::GateUnavailable,
                    format!("{count} preference{} ignored, since the self-service gate is off for this user: {why}", plural(count)),
                ));
            }
        }

        // Features some entry sets on that nobody ends up with.
        if index.users.is_empty() {
            return;
        }
        for (f, path) in wanted {
            if !unseen.contains(&f) {
                continue;
            }
            let why = if matches!(reach.block.get(f), Some(Some(_))) {
                format!(": {}", self.never_on(reach, f, combos).1)
            } else if let (Some(u), Some(id)) = (self.reached_user(f), FeatureId::from_index(f)) {
                match self.explain(UserIx(handle(u)), id) {
                    Ok(trace) => format!("; for {}: {trace}", Shown(trace.user.as_str())),
                    Err(_) => String::new(),
                }
            } else {
                ": no user's department or role uses a template that sets it".to_owned()
            };
            out.push(Finding::new(
                path,
                FindingKind::UnreachableFeature,
                format!("{}, yet no user ends up with it{why}", self.turns_on(f)),
            ));
        }
    }

    /// What an entry setting `f` to anything but off does: `sets chat on`, or, for a
    /// restriction (on means it applies), `turns the restriction tags_required on`.
    fn turns_on(&self, f: usize) -> String {
        let key = Shown(self.key(f));
        match self.kind_of(f) {
            Some(Kind::Restriction) => format!("turns the restriction {key} on"),
            _ => format!("sets {key} on"),
        }
    }

    /// Keeps in `features` those the user just resolved in `scratch` has off.
    fn keep_off(&self, features: &mut Vec<usize>, scratch: &Scratch) {
        features.retain(|&f| match (self.features.get(f), scratch.levels.get(f)) {
            (Some(p), Some(&level)) => level == p.off,
            _ => true,
        });
    }

    /// The features some policy, template or override entry sets to anything but off, each
    /// with the first such entry (policy, then templates, then users), in catalog order.
    fn set_on(&self) -> Vec<(usize, Path)> {
        let index = &self.index;
        let mut first: Vec<Option<Path>> = vec![None; self.features.len()];
        let mut mark = |f: usize, level: i64, path: &dyn Fn() -> Path| {
            if let (Some(p), Some(slot)) = (self.features.get(f), first.get_mut(f))
                && slot.is_none()
                && level != p.off
            {
                *slot = Some(path());
            }
        };
        for (id, _) in index.catalog.iter() {
            if let Some(slot) = index.policy(id) {
                mark(id.index(), slot.setting.level, &|| {
                    at::policy(index.catalog.key(id))
                });
            }
        }
        for (template, id, setting) in written_entries(index) {
            mark(id.index(), setting.level, &|| {
                at::template(template.id.as_str(), index.catalog.key(id))
            });
        }
        for user in &index.users {
            for (id, setting) in user.overrides() {
                mark(id.index(), setting.level, &|| {
                    at::user(user.id.as_str(), "overrides").field(index.catalog.key(*id))
                });
            }
        }
        first
            .into_iter()
            .enumerate()
            .filter_map(|(f, path)| Some((f, path?)))
            .collect()
    }

    /// The first user some entry setting `f` on reaches: everyone for a policy entry, else a
    /// user whose override or (attached) template sets it on.
    fn reached_user(&self, f: usize) -> Option<usize> {
        let index = &self.index;
        let p = self.features.get(f)?;
        let on = |level: i64| level != p.off;
        let by_policy = FeatureId::from_index(f)
            .and_then(|id| index.policy(id))
            .is_some_and(|slot| on(slot.setting.level));
        if by_policy {
            return (!index.users.is_empty()).then_some(0);
        }
        index
            .users
            .iter()
            .zip(&index.ranges)
            .position(|(user, ranges)| {
                let by_override = setting_of(user.overrides(), f).is_some_and(|s| on(s.level));
                let by_template = !ranges.detached
                    && index.sources_of(ranges).iter().any(|source| {
                        self.templates
                            .get(source.template.index())
                            .is_some_and(|values| {
                                values
                                    .binary_search_by_key(&f, |&(g, _)| g)
                                    .ok()
                                    .and_then(|i| values.get(i))
                                    .is_some_and(|&(_, level)| on(level))
                            })
                    });
                by_override || by_template
            })
    }

    /// Seat-licensed features more users want than the plan bought seats of.
    fn audit_seats(&self, out: &mut Vec<Finding>) {
        let index = &self.index;
        for seats in &self.seats().features {
            let wanted = seats.wanting.len();
            if wanted <= seats.bought as usize {
                continue;
            }
            let over: Vec<String> = seats
                .over()
                .iter()
                .take(SHOWN_NAMES)
                .filter_map(|&u| index.user(u))
                .map(|user| user.id.to_string())
                .collect();
            let fate = if index.plan.enforce_seats() {
                "they go without it"
            } else {
                "seats are not enforced, so they have it anyway"
            };
            out.push(Finding::new(
                Path::root()
                    .field("plan")
                    .field("seats")
                    .field(self.key(seats.feature)),
                FindingKind::SeatsShort,
                format!(
                    "{wanted} users want {}, {} seat{} bought; over: {} ({fate})",
                    Shown(self.key(seats.feature)),
                    seats.bought,
                    plural(seats.bought as usize),
                    shown_names(&over, seats.over().len(), ", "),
                ),
            ));
        }
    }

    /// "Replay for others" entries that name no number of the tenant.
    fn audit_replay_numbers(&self, out: &mut Vec<Finding>) {
        let index = &self.index;
        let catalog = &index.catalog;
        let Some(id) = catalog.feature_id(crate::recording::key::OTHERS) else {
            return;
        };
        let known = known_numbers(index);
        let mut check = |path: &dyn Fn() -> Path, value: &Value| {
            let Value::List(ListValue::Only(items)) = value else {
                return;
            };
            let unknown: Vec<String> = items
                .iter()
                .filter(|item| !known.contains(item.as_str()))
                .cloned()
                .collect();
            if unknown.is_empty() {
                return;
            }
            out.push(Finding::new(
                path(),
                FindingKind::UnknownReplayNumber,
                format!(
                    "names {}, which no extension, agent ID, DEE member, group or line of the tenant carries (an account code would still match)",
                    shown_names(&unknown, unknown.len(), ", "),
                ),
            ));
        };
        let key = catalog.key(id);
        if let Some(slot) = index.policy(id) {
            check(&|| at::policy(key), slot.value());
        }
        for (template, _, setting) in written_entries(index).filter(|&(_, f, _)| f == id) {
            check(&|| at::template(template.id.as_str(), key), setting.value());
        }
        for user in &index.users {
            for (field, entries) in [
                ("overrides", user.overrides()),
                ("preferences", user.preferences()),
            ] {
                if let Some(setting) = setting_of(entries, id.index()) {
                    check(
                        &|| at::user(user.id.as_str(), field).field(key),
                        setting.value(),
                    );
                }
            }
        }
    }
}

/// "s" for a count other than one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
