//! The plain form of a catalog: what vendors write in code (builder) or data (serde).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Catalog, Condition, Feature, FeatureId, MergeRule, Requirement};
use crate::device::{AppVersion, DeviceConstraint, Platforms};
use crate::error::{Path, Problem, Problems, SHOWN_NAMES, ValidationErrors};
use crate::graph::dependency_order;
use crate::limits;
use crate::value::{Kind, RawValue};

/// A requirement as written: the key of the required feature and, optionally, the least value
/// it must have. Without `at_least` the required feature must merely be on (not off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RequirementDef {
    /// The key of the required feature.
    pub feature: String,
    /// The least value, in the required feature's interchange shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<RawValue>,
}

impl RequirementDef {
    /// Requires `feature` to be on (not its kind's off value).
    pub fn on(feature: impl Into<String>) -> RequirementDef {
        RequirementDef {
            feature: feature.into(),
            at_least: None,
        }
    }

    /// Requires `feature` to be at least `value`.
    pub fn at_least(feature: impl Into<String>, value: impl Into<RawValue>) -> RequirementDef {
        RequirementDef {
            feature: feature.into(),
            at_least: Some(value.into()),
        }
    }
}

/// A feature as written, before it is checked and its references resolved.
///
/// Constructors name the kind; chained setters add the rest:
///
/// ```
/// use pbx_entitlements::{FeatureDef, MergeRule, Platforms};
///
/// let chat = FeatureDef::toggle("chat")
///     .adjustable()
///     .platforms(Platforms::all().difference(Platforms::DESK_PHONE))
///     .describe("Chat tab in the apps");
/// let replay = FeatureDef::choice("recordings_replay", &["none", "own", "all"])
///     .merge(MergeRule::MostPermissive);
/// assert_eq!(chat.key, "chat");
/// assert!(replay.default.is_none()); // bottom: "none"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FeatureDef {
    /// Stable key, part of the public contract once stored.
    pub key: String,
    /// The kind and its domain.
    pub kind: Kind,
    /// The default value; absent means the kind's bottom (closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<RawValue>,
    /// How template values combine.
    #[serde(default, skip_serializing_if = "is_default")]
    pub merge: MergeRule,
    /// Features this one needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<RequirementDef>,
    /// Platforms that support it; absent means all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Platforms>,
    /// The oldest app version that supports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<AppVersion>,
    /// Whether users may lower it themselves.
    #[serde(default, skip_serializing_if = "is_default")]
    pub adjustable: bool,
    /// Whether the plan may sell it by the seat (toggles only).
    #[serde(default, skip_serializing_if = "is_default")]
    pub seats: bool,
    /// What the entries of an open list name, for validation to check against the tenant
    /// (`"groups"`: each entry must be a group id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<Refers>,
    /// A one-line description for admins.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// What the entries of an open list name, for validation to check each against the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refers {
    /// Group ids of the tenant (`recordings_replay_groups`).
    Groups,
    /// Numbers of the tenant (`caller_id_numbers`).
    Numbers,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl FeatureDef {
    /// A feature of any kind, closed by default.
    pub fn new(key: impl Into<String>, kind: Kind) -> FeatureDef {
        FeatureDef {
            key: key.into(),
            kind,
            default: None,
            merge: MergeRule::default(),
            requires: Vec::new(),
            platforms: None,
            min_version: None,
            adjustable: false,
            seats: false,
            refers_to: None,
            description: String::new(),
        }
    }

    /// An on/off right, off by default.
    pub fn toggle(key: impl Into<String>) -> FeatureDef {
        FeatureDef::new(key, Kind::Toggle)
    }

    /// A restriction that applies when on; on (restricting) by default.
    pub fn restriction(key: impl Into<String>) -> FeatureDef {
        FeatureDef::new(key, Kind::Restriction)
    }

    /// A no / read / write access, `none` by default.
    pub fn access(key: impl Into<String>) -> FeatureDef {
        FeatureDef::new(key, Kind::Access)
    }

    /// An integer in `min..=max`, `min` by default.
    pub fn limit(key: impl Into<String>, min: i64, max: i64) -> FeatureDef {
        FeatureDef::new(key, Kind::Limit { min, max })
    }

    /// One of `options`, least permissive first; the first by default.
    pub fn choice(key: impl Into<String>, options: &[&str]) -> FeatureDef {
        let options = options.iter().map(|o| (*o).to_owned()).collect();
        FeatureDef::new(key, Kind::Choice { options })
    }

    /// A set of any strings, empty by default.
    pub fn list(key: impl Into<String>) -> FeatureDef {
        FeatureDef::new(
            key,
            Kind::List {
                items: None,
                max_entries: None,
                max_chars: None,
            },
        )
    }

    /// A set drawn from a closed universe of `items`, empty by default.
    pub fn list_of(key: impl Into<String>, items: &[&str]) -> FeatureDef {
        let items = Some(items.iter().map(|o| (*o).to_owned()).collect());
        FeatureDef::new(
            key,
            Kind::List {
                items,
                max_entries: None,
                max_chars: None,
            },
        )
    }

    /// Sets the default value.
    pub fn default(mut self, value: impl Into<RawValue>) -> FeatureDef {
        self.default = Some(value.into());
        self
    }

    /// Sets the merge rule.
    pub fn merge(mut self, rule: MergeRule) -> FeatureDef {
        self.merge = rule;
        self
    }

    /// Requires another feature to be on.
    pub fn requires(mut self, key: impl Into<String>) -> FeatureDef {
        self.requires.push(RequirementDef::on(key));
        self
    }

    /// Requires another feature to be at least `value`.
    pub fn requires_at_least(
        mut self,
        key: impl Into<String>,
        value: impl Into<RawValue>,
    ) -> FeatureDef {
        self.requires.push(RequirementDef::at_least(key, value));
        self
    }

    /// Restricts the feature to these platforms.
    pub fn platforms(mut self, platforms: Platforms) -> FeatureDef {
        self.platforms = Some(platforms);
        self
    }

    /// Requires at least this app version.
    pub fn min_version(mut self, version: AppVersion) -> FeatureDef {
        self.min_version = Some(version);
        self
    }

    /// Lets users lower the feature themselves.
    pub fn adjustable(mut self) -> FeatureDef {
        self.adjustable = true;
        self
    }

    /// Makes the feature seat-licensable.
    pub fn seats(mut self) -> FeatureDef {
        self.seats = true;
        self
    }

    /// Says what the entries of an open list name (group ids …), so that validation checks
    /// each against the tenant.
    pub fn refers_to(mut self, refers: Refers) -> FeatureDef {
        self.refers_to = Some(refers);
        self
    }

    /// Bounds a list's size: entries, and characters when joined with `;`.
    /// Has no effect on other kinds.
    pub fn list_bounds(mut self, entries: Option<u32>, chars: Option<u32>) -> FeatureDef {
        if let Kind::List {
            max_entries,
            max_chars,
            ..
        } = &mut self.kind
        {
            *max_entries = entries;
            *max_chars = chars;
        }
        self
    }

    /// Sets the admin-facing description.
    pub fn describe(mut self, text: impl Into<String>) -> FeatureDef {
        self.description = text.into();
        self
    }
}

/// Whether a catalog has a self-service gate (the toggle that lets users change their own
/// settings), and which.
///
/// There is no default: a catalog without a gate applies every user's preference, and a gate
/// the plan leaves out ignores every one, so the choice is made explicitly. In JSON the gate
/// is the toggle's key, or `null` for none.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SelfServiceGate {
    /// Users may lower their adjustable features while this toggle is on for them.
    Feature(String),
    /// No gate: users may always lower their adjustable features.
    Without,
}

/// A whole catalog as written: its id, its features in order and its self-service gate.
///
/// ```
/// use pbx_entitlements::{CatalogDef, FeatureDef};
///
/// let def: CatalogDef = serde_json::from_str(r#"{
///     "id": "acme-v2",
///     "features": [{"key": "calls", "kind": "toggle"}, {"key": "edit_settings", "kind": "toggle"}],
///     "self_service_gate": "edit_settings"
/// }"#)?;
/// let catalog = def.build()?;
/// assert_eq!(catalog.id(), "acme-v2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CatalogDef {
    /// The catalog's id: what a tenant document names in its `catalog` field (`acme-v2`).
    /// `standard` is the id of [`Catalog::standard`] and of no other catalog.
    pub id: String,
    /// The features, in catalog order.
    pub features: Vec<FeatureDef>,
    /// The self-service gate: the key of a toggle, or explicitly none (`null`).
    /// Absent (`None`) is refused by [`build`](CatalogDef::build).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "gate_to_json",
        deserialize_with = "gate_from_json"
    )]
    pub self_service_gate: Option<SelfServiceGate>,
}

impl CatalogDef {
    /// A definition with this id, no features and no decision on the self-service gate.
    pub fn new(id: impl Into<String>) -> CatalogDef {
        CatalogDef {
            id: id.into(),
            ..CatalogDef::default()
        }
    }
}

fn gate_to_json<S: serde::Serializer>(
    gate: &Option<SelfServiceGate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match gate {
        Some(SelfServiceGate::Feature(key)) => serializer.serialize_str(key),
        Some(SelfServiceGate::Without) | None => serializer.serialize_none(),
    }
}

/// A present field is `Some`: a key, or `null` for [`SelfServiceGate::Without`].
fn gate_from_json<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SelfServiceGate>, D::Error> {
    let key = Option::<String>::deserialize(deserializer)?;
    Ok(Some(key.map_or(
        SelfServiceGate::Without,
        SelfServiceGate::Feature,
    )))
}

/// Builds a [`Catalog`] in code; [`build`](CatalogBuilder::build) checks it.
///
/// A catalog must say whether it has a self-service gate: call
/// [`self_service_gate`](CatalogBuilder::self_service_gate) or
/// [`without_self_service_gate`](CatalogBuilder::without_self_service_gate).
#[derive(Debug, Clone)]
pub struct CatalogBuilder {
    def: CatalogDef,
}

impl CatalogBuilder {
    pub(super) fn new(id: impl Into<String>) -> CatalogBuilder {
        CatalogBuilder {
            def: CatalogDef::new(id),
        }
    }

    /// Adds a feature at the end of catalog order.
    pub fn feature(mut self, feature: FeatureDef) -> CatalogBuilder {
        self.def.features.push(feature);
        self
    }

    /// Names the self-service gate toggle: users' own preferences apply only while it is on.
    pub fn self_service_gate(mut self, key: impl Into<String>) -> CatalogBuilder {
        self.def.self_service_gate = Some(SelfServiceGate::Feature(key.into()));
        self
    }

    /// Builds the catalog without a self-service gate: every user may always lower their
    /// adjustable features.
    pub fn without_self_service_gate(mut self) -> CatalogBuilder {
        self.def.self_service_gate = Some(SelfServiceGate::Without);
        self
    }

    /// Checks the catalog and resolves its references.
    ///
    /// # Errors
    ///
    /// Every problem of [`CatalogDef::build`].
    pub fn build(self) -> Result<Catalog, ValidationErrors> {
        self.def.build()
    }

    /// The definition built so far.
    pub fn def(&self) -> &CatalogDef {
        &self.def
    }
}

/// Features are addressed by `u16` ids.
const MAX_FEATURES: usize = limits::FEATURES;

impl CatalogDef {
    /// Checks the catalog and resolves its references, reporting every problem with its path
    /// (`catalog.features[max_channels].default`).
    ///
    /// O(n log n) in the catalog's size: keys, options and items are sorted once, and
    /// requirement cycles are found in one linear walk, each reported once with its first
    /// names and its length.
    ///
    /// # Errors
    ///
    /// Every problem found, each with its path: an empty or reserved id, an empty or repeated
    /// feature key, a default or requirement value that does not fit its kind, a kind with an
    /// empty range or repeated options, seats on a feature that is not a toggle, requirements
    /// that name unknown features or form a cycle, and a self-service gate that is missing,
    /// unknown, not a toggle, or user-adjustable.
    pub fn build(&self) -> Result<Catalog, ValidationErrors> {
        let catalog = self.build_unchecked_id()?;
        if catalog.id == super::STANDARD_ID && catalog != **super::standard::shared() {
            return Err(ValidationErrors::single(
                Path::root().field("catalog").field("id"),
                Problem::ReservedCatalogId(super::STANDARD_ID),
            ));
        }
        Ok(catalog)
    }

    /// [`build`](CatalogDef::build) without reserving the standard id: for the standard
    /// catalog itself.
    pub(super) fn build_unchecked_id(&self) -> Result<Catalog, ValidationErrors> {
        let mut problems = Problems::default();
        let root = Path::root().field("catalog");
        if self.id.is_empty() {
            problems.push(root.field("id"), Problem::EmptyId { what: "catalog" });
        }
        if self.id.len() > limits::ID_BYTES {
            problems.push(
                root.field("id"),
                Problem::IdTooLong {
                    what: "catalog",
                    id: self.id.clone(),
                    length: self.id.len(),
                    max: limits::ID_BYTES,
                },
            );
        }
        let list_path = root.field("features");
        if self.features.len() > MAX_FEATURES {
            problems.push(
                list_path.clone(),
                Problem::TooMany {
                    what: "features",
                    count: self.features.len(),
                    max: MAX_FEATURES,
                },
            );
            return problems.finish(empty_catalog());
        }

        let mut keys = BTreeMap::new();
        for (i, def) in self.features.iter().enumerate() {
            let path = list_path.at(&def.key);
            if def.key.is_empty() {
                problems.push(path, Problem::EmptyId { what: "feature" });
            } else if def.key.len() > limits::ID_BYTES {
                problems.push(
                    path,
                    Problem::IdTooLong {
                        what: "feature",
                        id: def.key.clone(),
                        length: def.key.len(),
                        max: limits::ID_BYTES,
                    },
                );
            } else if let Some(id) = FeatureId::from_index(i)
                && keys.entry(def.key.clone()).or_insert(id) != &id
            {
                problems.push(
                    path,
                    Problem::Duplicate {
                        what: "feature",
                        id: def.key.clone(),
                    },
                );
            }
        }

        let mut features = Vec::with_capacity(self.features.len());
        let mut edges: Vec<Vec<usize>> = Vec::with_capacity(self.features.len());
        for def in &self.features {
            let path = list_path.at(&def.key);
            check_kind(&def.kind, &path.field("kind"), &mut problems);
            let default = match &def.default {
                None => def.kind.bottom(),
                Some(raw) => def.kind.parse(raw).unwrap_or_else(|e| {
                    problems.push(path.field("default"), e);
                    def.kind.bottom()
                }),
            };
            if def.refers_to.is_some() && !matches!(def.kind, Kind::List { items: None, .. }) {
                problems.push(
                    path.field("refers_to"),
                    Problem::WrongKind {
                        feature: def.key.clone(),
                        kind: def.kind.name(),
                        what: "refers_to (open lists only)",
                    },
                );
            }
            if def.seats && def.kind != Kind::Toggle {
                problems.push(
                    path.field("seats"),
                    Problem::WrongKind {
                        feature: def.key.clone(),
                        kind: def.kind.name(),
                        what: "seats",
                    },
                );
            }
            let mut requires = Vec::new();
            for (r, req) in def.requires.iter().enumerate() {
                let req_path = path.field("requires").at(r);
                let Some(target) = keys.get(&req.feature).copied() else {
                    problems.push(
                        req_path.field("feature"),
                        Problem::Unknown {
                            what: "feature",
                            id: req.feature.clone(),
                        },
                    );
                    continue;
                };
                let condition = match (&req.at_least, self.features.get(target.index())) {
                    (None, _) => Condition::On,
                    (Some(raw), Some(target_def)) => match target_def.kind.parse(raw) {
                        Ok(v) => Condition::AtLeast(v),
                        Err(e) => {
                            problems.push(req_path.field("at_least"), e);
                            continue;
                        }
                    },
                    (Some(_), None) => continue,
                };
                requires.push(Requirement {
                    feature: target,
                    condition,
                });
            }
            edges.push(requires.iter().map(|r| r.feature.index()).collect());
            features.push(Feature {
                key: def.key.clone(),
                lookup: crate::value::Lookup::of(&def.kind),
                kind: def.kind.clone(),
                default,
                merge: def.merge,
                requires,
                device: DeviceConstraint {
                    platforms: def.platforms.unwrap_or(Platforms::all()),
                    min_version: def.min_version,
                },
                adjustable: def.adjustable,
                seats: def.seats,
                refers_to: def.refers_to,
                description: def.description.clone(),
            });
        }

        let requirement_order = match dependency_order(features.len(), SHOWN_NAMES, |i| {
            edges.get(i).map_or(&[][..], Vec::as_slice)
        }) {
            Ok(order) => order
                .into_iter()
                .filter_map(FeatureId::from_index)
                .collect(),
            Err(cycles) => {
                for cycle in cycles {
                    let names: Vec<String> = cycle
                        .nodes
                        .iter()
                        .filter_map(|i| features.get(*i).map(|f: &Feature| f.key.clone()))
                        .collect();
                    let first = names.first().cloned().unwrap_or_default();
                    problems.push(
                        list_path.at(first).field("requires"),
                        Problem::RequirementCycle {
                            names,
                            length: cycle.length,
                        },
                    );
                }
                Vec::new()
            }
        };

        let gate_path = root.field("self_service_gate");
        let self_service_gate = match &self.self_service_gate {
            None => {
                problems.push(gate_path, Problem::UndecidedGate);
                None
            }
            Some(SelfServiceGate::Without) => None,
            Some(SelfServiceGate::Feature(key)) => match keys.get(key).copied() {
                None => {
                    problems.push(
                        gate_path,
                        Problem::Unknown {
                            what: "feature",
                            id: key.clone(),
                        },
                    );
                    None
                }
                Some(id) => match features
                    .get(id.index())
                    .map(|f: &Feature| (&f.kind, f.adjustable))
                {
                    Some((Kind::Toggle, true)) => {
                        problems.push(gate_path, Problem::AdjustableGate(key.clone()));
                        None
                    }
                    Some((Kind::Toggle, false)) => Some(id),
                    Some((other, _)) => {
                        problems.push(
                            gate_path,
                            Problem::WrongKind {
                                feature: key.clone(),
                                kind: other.name(),
                                what: "the self-service gate",
                            },
                        );
                        None
                    }
                    None => None,
                },
            },
        };

        problems.finish(Catalog {
            id: self.id.clone(),
            // `build` refuses this id for anything but the built-in catalog.
            standard: self.id == super::STANDARD_ID,
            features,
            keys,
            self_service_gate,
            requirement_order,
        })
    }
}

fn empty_catalog() -> Catalog {
    Catalog {
        id: String::new(),
        standard: false,
        features: Vec::new(),
        keys: BTreeMap::new(),
        self_service_gate: None,
        requirement_order: Vec::new(),
    }
}

/// Checks a kind's own domain: non-empty bounds, distinct options and items.
fn check_kind(kind: &Kind, path: &Path, problems: &mut Problems) {
    match kind {
        Kind::Limit { min, max } if min > max => problems.push(
            path.clone(),
            Problem::EmptyRange {
                from: *min,
                to: *max,
            },
        ),
        Kind::Choice { options } if options.len() > limits::CHOICE_OPTIONS => problems.push(
            path.field("options"),
            Problem::TooMany {
                what: "options",
                count: options.len(),
                max: limits::CHOICE_OPTIONS,
            },
        ),
        Kind::List {
            items: Some(items), ..
        } if items.len() > limits::LIST_ITEMS => problems.push(
            path.field("items"),
            Problem::TooMany {
                what: "items",
                count: items.len(),
                max: limits::LIST_ITEMS,
            },
        ),
        Kind::Choice { options } => {
            if let Some(name) = first_bad_name(options, false) {
                problems.push(
                    path.field("options"),
                    Problem::BadOptions {
                        what: "options",
                        name,
                    },
                );
            }
        }
        Kind::List {
            items: Some(items), ..
        } => {
            if let Some(name) = first_bad_name(items, true) {
                problems.push(
                    path.field("items"),
                    Problem::BadOptions {
                        what: "items",
                        name,
                    },
                );
            }
        }
        _ => {}
    }
}

/// The first name that is empty, repeated, or (for list items) holds `;` or a control
/// character; `Some("")` for no names at all. O(n log n).
fn first_bad_name(names: &[String], list_items: bool) -> Option<String> {
    if names.is_empty() {
        return Some(String::new());
    }
    let mut seen = std::collections::BTreeSet::new();
    names
        .iter()
        .find(|name| {
            name.is_empty()
                || !seen.insert(name.as_str())
                || (list_items && (name.contains(';') || name.chars().any(char::is_control)))
        })
        .cloned()
}

impl From<&Catalog> for CatalogDef {
    fn from(catalog: &Catalog) -> CatalogDef {
        let features = catalog
            .features
            .iter()
            .map(|f| FeatureDef {
                key: f.key.clone(),
                kind: f.kind.clone(),
                default: (f.default != f.kind.bottom())
                    .then(|| f.kind.render(&f.default))
                    .flatten(),
                merge: f.merge,
                requires: f
                    .requires
                    .iter()
                    .map(|r| RequirementDef {
                        feature: catalog.key(r.feature).to_owned(),
                        at_least: match &r.condition {
                            Condition::On => None,
                            Condition::AtLeast(v) => catalog
                                .get(r.feature)
                                .and_then(|target| target.kind.render(v)),
                        },
                    })
                    .collect(),
                platforms: (f.device.platforms != Platforms::all()).then_some(f.device.platforms),
                min_version: f.device.min_version,
                adjustable: f.adjustable,
                seats: f.seats,
                refers_to: f.refers_to,
                description: f.description.clone(),
            })
            .collect();
        CatalogDef {
            id: catalog.id.clone(),
            features,
            self_service_gate: Some(match catalog.self_service_gate {
                Some(id) => SelfServiceGate::Feature(catalog.key(id).to_owned()),
                None => SelfServiceGate::Without,
            }),
        }
    }
}

objects_only! {
    RequirementDef => "a requirement object",
    FeatureDef => "a feature object",
    CatalogDef => "a catalog object",
}
