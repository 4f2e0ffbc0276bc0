//! Traces: which layers touched one feature of one user, and why the value is what it is.
//!
//! A trace is built only on request, by running the same pipeline as plain resolution with a
//! recording observer; plain resolution uses an observer that compiles to nothing.

use crate::error::Shown;
use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use super::Observer;
use crate::catalog::{FeatureId, MergeRule};
use crate::entitlements::{ListPool, decode};
use crate::index::{TenantIndex, UnitIx};
use crate::model::{DepartmentId, PlanId, RoleId, TemplateId, UserId};
use crate::value::{Kind, Value};

/// A [resolution layer](crate::guide::concepts), in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Layer {
    /// 1. The catalog default.
    Default,
    /// 2. The tenant policy.
    Policy,
    /// 3. Department and role templates.
    Template,
    /// 4. Admin overrides.
    Override,
    /// 5. Ceilings: plan, tenant lock (and seats).
    Ceiling,
    /// 6. The user's own preference.
    Preference,
    /// 7. Requirements on other features.
    Requirement,
    /// 8. Device projection: per device, what it cannot support is off.
    Device,
}

/// What brought a template to the user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Via {
    /// Membership of a department.
    Department(DepartmentId),
    /// A role held.
    Role(RoleId),
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Via::Department(id) => write!(f, "department {}", Shown(id.as_str())),
            Via::Role(id) => write!(f, "role {}", Shown(id.as_str())),
        }
    }
}

/// Who or what a step came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Origin {
    /// The catalog's default.
    Catalog,
    /// The tenant policy (or its lock).
    Tenant,
    /// A template, reached through a department or role.
    Template {
        /// The template that set the value.
        template: TemplateId,
        /// The department's or role's template that inherits the value from `template`
        /// through its parent chain; `None` when `template` is that template itself.
        #[serde(skip_serializing_if = "Option::is_none")]
        inherited_by: Option<TemplateId>,
        /// How the user reached it.
        via: Via,
    },
    /// Several templates combined by the feature's merge rule.
    Merge(MergeRule),
    /// An admin override of this user.
    Admin,
    /// The tenant's plan.
    Plan(PlanId),
    /// The user's own preference.
    User,
    /// A requirement on another feature.
    Requirement {
        /// The required feature's key.
        feature: String,
        /// The least value it must have, rendered; `None` when it must merely be on.
        at_least: Option<String>,
    },
    /// The plan's seats of a seat-licensed feature, all given to other users.
    Seats {
        /// How many the plan bought.
        bought: u32,
    },
    /// A registered device, and what the feature needs of it.
    Device {
        /// The device.
        device: crate::model::DeviceId,
        /// Its platform.
        platform: crate::device::Platform,
        /// Its app version.
        version: crate::device::AppVersion,
        /// The platforms the feature supports.
        needs_platforms: crate::device::Platforms,
        /// The oldest app version the feature supports.
        needs_version: Option<crate::device::AppVersion>,
    },
}

/// What a step did to the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Effect {
    /// Gave the value (default, policy, a single template, an override).
    Set,
    /// One of several template values combined by the merge rule.
    Merged,
    /// The value of the highest-ranked template (`Ranked` merge).
    Won,
    /// A template value that lost to a higher-ranked one (`Ranked` merge).
    Lost,
    /// Lowered the value to a ceiling.
    Capped,
    /// Turned the feature off: the plan does not include it.
    NotInPlan,
    /// The tenant lock holds the value.
    Locked,
    /// Ignored: the tenant locks the feature.
    IgnoredLocked,
    /// The user's preference lowered the value.
    Lowered,
    /// Ignored: a preference can only lower.
    IgnoredRaise,
    /// Ignored: the user's self-service gate is off.
    IgnoredGate,
    /// Ignored: the feature is not user-adjustable.
    IgnoredNotAdjustable,
    /// Turned the feature off: a requirement is unmet.
    RequirementUnmet,
    /// Templates do not reach this user: the user is detached.
    Detached,
    /// Turned off: no seat left of the seats the plan bought.
    NoSeat,
    /// Turned off on a device whose platform the feature does not support.
    NeedsPlatform,
    /// Turned off on a device whose app is older than the feature needs.
    NeedsVersion,
}

/// One layer's action on one feature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// The layer.
    pub layer: Layer,
    /// Who or what acted.
    pub origin: Origin,
    /// The value it brought (for a requirement or a plan exclusion: the off value).
    pub value: Value,
    /// What it did.
    pub effect: Effect,
}

/// The explanation of one feature's effective value for one user.
///
/// Steps are in pipeline order; within the template layer, sources follow the user's
/// departments then roles, each in id order. `Display` renders short English:
/// `max_channels = 2: template "sales" (department sales) sets 4; plan "starter" caps it at 2`.
/// Serde writes it as JSON for admin tools:
///
/// ```
/// use pbx_entitlements::{model::Tenant, validate, Resolver};
///
/// let tenant: Tenant = serde_json::from_str(r#"{
///     "version": 1, "tenant": "acme",
///     "plan": {"id": "starter", "features": "all", "limits": {"max_channels": 2}},
///     "users": [{"id": "alice", "overrides": {"max_channels": 4}}]
/// }"#)?;
/// let index = validate(&tenant)?;
/// let trace = Resolver::new(&index).explain("alice", "max_channels").unwrap();
/// let json = serde_json::to_value(&trace)?;
/// assert_eq!(json["value"], 2);
/// assert_eq!(json["steps"][1]["layer"], "override");
/// assert_eq!(json["steps"][1]["origin"], "admin");
/// assert_eq!(json["steps"][2]["effect"], "capped");
/// assert_eq!(json["steps"][2]["origin"]["plan"], "starter");
/// assert_eq!(json["text"], "max_channels = 2: an admin override sets 4; plan \"starter\" caps it at 2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The user.
    pub user: UserId,
    /// The feature.
    pub feature: FeatureId,
    /// The feature's key.
    pub key: String,
    /// The feature's kind, to render values.
    pub kind: Kind,
    /// Every layer that touched the value, including candidates that lost.
    pub steps: Vec<Step>,
    /// The effective value: always equal to the resolved value.
    pub value: Value,
    /// The key of the self-service gate, to explain ignored preferences.
    pub(crate) gate: Option<String>,
}

impl Trace {
    fn describe(&self, step: &Step, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &step.value;
        let who = Who(&step.origin);
        match step.effect {
            Effect::Set if step.origin == Origin::Catalog => {
                write!(f, "the catalog default is {v}")
            }
            Effect::Set if matches!(step.origin, Origin::Merge(_)) => {
                write!(f, "{who} gives {v}")
            }
            Effect::Set | Effect::Merged | Effect::Won => write!(f, "{who} sets {v}"),
            Effect::Lost => write!(f, "{who} sets {v} but is outranked"),
            Effect::Capped => write!(f, "{who} caps it at {v}"),
            Effect::NotInPlan => write!(f, "{who} does not include it"),
            Effect::Locked => write!(f, "the tenant locks it at {v}"),
            Effect::IgnoredLocked if step.origin == Origin::User => {
                write!(f, "{who} asks for {v}, ignored: the tenant locks it")
            }
            Effect::IgnoredLocked => write!(f, "{who} sets {v}, ignored: the tenant locks it"),
            Effect::Detached => f.write_str("the user is detached from templates"),
            Effect::Lowered => write!(f, "{who} lowers it to {v}"),
            Effect::IgnoredRaise => {
                write!(f, "{who} asks for {v}, ignored: a user can only lower")
            }
            Effect::IgnoredGate => write!(
                f,
                "{who} asks for {v}, ignored: {} is off",
                self.gate.as_deref().unwrap_or("self-service")
            ),
            Effect::IgnoredNotAdjustable => {
                write!(f, "{who} asks for {v}, ignored: users cannot change it")
            }
            Effect::NoSeat => match &step.origin {
                Origin::Seats { bought } => {
                    write!(f, "no seat left ({bought} of {bought} granted)")
                }
                _ => f.write_str("no seat left"),
            },
            Effect::NeedsPlatform => match &step.origin {
                Origin::Device {
                    device,
                    platform,
                    needs_platforms,
                    ..
                } => write!(
                    f,
                    "needs {needs_platforms}; device {} is {platform}",
                    Shown(device.as_str())
                ),
                _ => f.write_str("off on this device's platform"),
            },
            Effect::NeedsVersion => match &step.origin {
                Origin::Device {
                    device,
                    version,
                    needs_version: Some(min),
                    ..
                } => write!(
                    f,
                    "needs app {min}; device {} runs {version}",
                    Shown(device.as_str())
                ),
                _ => f.write_str("off on this device's app version"),
            },
            Effect::RequirementUnmet => match &step.origin {
                Origin::Requirement {
                    feature,
                    at_least: Some(min),
                } => write!(f, "off because {} is below {min}", Shown(feature)),
                Origin::Requirement { feature, .. } => {
                    write!(f, "off because {} is not on", Shown(feature))
                }
                _ => write!(f, "off because a requirement is unmet"),
            },
        }
    }
}

/// Serialises as `{"user", "feature", "value", "steps": [{"layer", "origin", "value",
/// "effect"}], "text"}`, values in the interchange shape of the feature's kind and `text` the
/// English rendering.
impl Serialize for Trace {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Steps<'a>(&'a Trace);
        impl Serialize for Steps<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.steps.iter().map(|step| StepOut(self.0, step)))
            }
        }
        struct StepOut<'a>(&'a Trace, &'a Step);
        impl Serialize for StepOut<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let StepOut(trace, step) = self;
                let mut map = serializer.serialize_map(Some(4))?;
                map.serialize_entry("layer", &step.layer)?;
                map.serialize_entry("origin", &step.origin)?;
                map.serialize_entry("value", &trace.kind.render(&step.value))?;
                map.serialize_entry("effect", &step.effect)?;
                map.end()
            }
        }
        let mut out = serializer.serialize_struct("Trace", 5)?;
        out.serialize_field("user", &self.user)?;
        out.serialize_field("feature", &self.key)?;
        out.serialize_field("value", &self.kind.render(&self.value))?;
        out.serialize_field("steps", &Steps(self))?;
        out.serialize_field("text", &self.to_string())?;
        out.end()
    }
}

/// Renders an origin as the subject of a sentence.
struct Who<'a>(&'a Origin);

impl fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Origin::Catalog => f.write_str("the catalog"),
            Origin::Tenant => f.write_str("tenant policy"),
            Origin::Template {
                template,
                inherited_by: None,
                via,
            } => write!(f, "template \"{}\" ({via})", Shown(template.as_str())),
            Origin::Template {
                template,
                inherited_by: Some(child),
                via,
            } => write!(
                f,
                "template \"{}\" (inherited by \"{}\", {via})",
                Shown(template.as_str()),
                Shown(child.as_str())
            ),
            Origin::Merge(MergeRule::MostPermissive) => f.write_str("the most permissive template"),
            Origin::Merge(MergeRule::MostRestrictive) => {
                f.write_str("the most restrictive template")
            }
            Origin::Merge(MergeRule::Ranked) => f.write_str("the highest-ranked template"),
            Origin::Admin => f.write_str("an admin override"),
            Origin::Plan(id) => write!(f, "plan \"{}\"", Shown(id.as_str())),
            Origin::User => f.write_str("the user's own setting"),
            Origin::Requirement { feature, .. } => write!(f, "requirement {}", Shown(feature)),
            Origin::Device { device, .. } => write!(f, "device {}", Shown(device.as_str())),
            Origin::Seats { .. } => f.write_str("the plan's seats"),
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", Shown(&self.key), self.value)?;
        // The default is worth saying only when no other step gave a value (a detached user's
        // step says where templates went, not where the value came from).
        let others_spoke = self
            .steps
            .iter()
            .any(|s| s.layer != Layer::Default && s.effect != Effect::Detached);
        let shown: Vec<&Step> = self
            .steps
            .iter()
            .filter(|s| !others_spoke || s.layer != Layer::Default)
            .collect();
        for (i, step) in shown.into_iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            self.describe(step, f)?;
        }
        Ok(())
    }
}

/// A step before its level is decoded into a value.
#[derive(Debug)]
struct RawStep {
    layer: Layer,
    origin: Origin,
    level: i64,
    effect: Effect,
}

/// Records the steps of one feature while the pipeline runs.
#[derive(Debug)]
pub(crate) struct Recorder<'i> {
    index: &'i TenantIndex,
    feature: usize,
    steps: Vec<RawStep>,
    /// Positions in `steps` of template candidates that took part in the merge, with priority.
    candidates: Vec<(usize, u32)>,
    /// The level the template or override layer left, before ceilings.
    last: Option<i64>,
}

impl<'i> Recorder<'i> {
    pub(crate) fn new(index: &'i TenantIndex, feature: usize) -> Recorder<'i> {
        Recorder {
            index,
            feature,
            steps: Vec::new(),
            candidates: Vec::new(),
            last: None,
        }
    }

    /// The recorded steps with their values.
    pub(crate) fn finish(self, kind: &Kind, lists: &ListPool) -> Vec<Step> {
        self.steps
            .into_iter()
            .map(|s| Step {
                layer: s.layer,
                origin: s.origin,
                value: decode(kind, s.level, lists),
                effect: s.effect,
            })
            .collect()
    }
}

impl Observer for Recorder<'_> {
    const ACTIVE: bool = true;

    fn feature(&self) -> usize {
        self.feature
    }

    fn step(&mut self, layer: Layer, origin: Origin, level: i64, effect: Effect) {
        if layer == Layer::Override && effect == Effect::Set {
            self.last = Some(level);
        }
        self.steps.push(RawStep {
            layer,
            origin,
            level,
            effect,
        });
    }

    fn candidate(
        &mut self,
        template: TemplateId,
        inherited_by: Option<TemplateId>,
        source: Option<UnitIx>,
        level: i64,
        priority: u32,
        locked: bool,
    ) {
        let via = match source {
            None => None,
            Some(UnitIx::Department(d)) => self
                .index
                .department(d)
                .map(|d| Via::Department(d.id.clone())),
            Some(UnitIx::Role(r)) => self.index.role(r).map(|r| Via::Role(r.unit.id.clone())),
        };
        let Some(via) = via else { return };
        if !locked {
            self.candidates.push((self.steps.len(), priority));
        }
        self.steps.push(RawStep {
            layer: Layer::Template,
            origin: Origin::Template {
                template,
                inherited_by,
                via,
            },
            level,
            effect: if locked {
                Effect::IgnoredLocked
            } else {
                Effect::Merged
            },
        });
    }

    fn templates_done(&mut self, rule: MergeRule, level: i64, winner: u32) {
        self.last = Some(level);
        let single = self.candidates.len() == 1;
        for &(at, priority) in &self.candidates {
            if let Some(step) = self.steps.get_mut(at) {
                step.effect = match rule {
                    _ if single => Effect::Set,
                    MergeRule::Ranked if priority == winner => Effect::Won,
                    MergeRule::Ranked => Effect::Lost,
                    _ => Effect::Merged,
                };
            }
        }
        if !single && rule != MergeRule::Ranked {
            self.steps.push(RawStep {
                layer: Layer::Template,
                origin: Origin::Merge(rule),
                level,
                effect: Effect::Set,
            });
        }
    }

    fn ceiling_changed(&self, after: i64) -> bool {
        self.last.is_some_and(|before| before != after)
    }
}
