//! Deterministic generators of tenants for property tests (validation now, resolution later).
//!
//! Two families of strategies:
//!
//! - [`valid_tenant`] builds tenants that are VALID on `Catalog::standard()` by construction:
//!   every reference resolves, every value fits its feature, template parents only point to
//!   templates generated earlier (no cycles), endpoints of different users never overlap, devices
//!   are owned by existing users and carry parseable versions. Use it for "every valid tenant
//!   …" properties and as the base for fault injection.
//! - [`arbitrary_tenant`] builds tenants that are usually INVALID in every way the model allows:
//!   empty and duplicate ids, dangling references, unknown feature keys, values of the wrong
//!   shape, extreme integers, template cycles, overlapping or empty endpoint intervals, bad
//!   versions and numbers, unsupported schema versions and embedded custom catalogs that are
//!   themselves broken. Use it for "never panics" properties.
//!
//! Everything is drawn from small fixed pools (ids, feature keys, values) so that collisions
//! (duplicates, overlaps, cycles) happen often and shrunk counterexamples stay readable.
//! [`shuffle_collections`] and [`shuffle_tenant`] reorder the top-level collections, or every
//! order-insensitive collection, of a tenant with a seeded, platform-independent permutation,
//! for order-independence properties.
//!
//! Each integration test compiles this module separately, so unused items are expected.
#![allow(dead_code)]

use indexmap::IndexMap;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use pbx_entitlements::model::{
    AdminScope, Availability, CatalogSource, Department, Device, EndpointAssignment, EndpointKind,
    Group, Number, NumberKind, Plan, PolicyEntry, Role, SCHEMA_VERSION, Template, Tenant, User,
    Values,
};
use pbx_entitlements::{
    AppVersion, Catalog, CatalogDef, FeatureDef, Kind, MergeRule, Platform, Platforms, RawValue,
    RequirementDef, SelfServiceGate,
};

// ---------------------------------------------------------------------------------------------
// Pools
// ---------------------------------------------------------------------------------------------

/// The standard features that generated values, overrides, policy entries and plans draw from,
/// with at least one feature of every kind:
///
/// | key | kind | values produced by [`raw_value_for`] |
/// |---|---|---|
/// | `chat`, `voicemail`, `record_conversations`, `calls`, `international_calls`, `tag_calls`, `edit_settings`, `module_crm` | toggle | `true` / `false` |
/// | `tags_required`, `only_own_logs` | restriction toggle | `true` / `false` |
/// | `dashboard_logs`, `user_management` | access | `"none"` / `"read"` / `"write"` |
/// | `max_channels` | limit 0..=100 | 0..=100 |
/// | `after_call_work_seconds` | limit 0..=3600 | 0..=3600 |
/// | `recordings_replay` | choice | `"none"` / `"own"` / `"all"` |
/// | `caller_id_mode` | choice | `"fixed"` / `"assigned_ivr"` / `"selected"` / `"all"` |
/// | `allowed_country_codes` | open list | a subset of `["48", "49", "420"]` or `"any"` |
/// | `recordings_replay_others` | open list, ≤ 127 chars | a few short numbers (never `"any"`: bounded) |
/// | `call_operations` | closed list | a subset of `["desk_phone", "softphone"]` or `"any"` |
pub const FEATURE_POOL: &[&str] = &[
    "chat",
    "voicemail",
    "record_conversations",
    "calls",
    "international_calls",
    "tag_calls",
    "edit_settings",
    "module_crm",
    "tags_required",
    "only_own_logs",
    "dashboard_logs",
    "user_management",
    "max_channels",
    "after_call_work_seconds",
    "recordings_replay",
    "caller_id_mode",
    "allowed_country_codes",
    "recordings_replay_others",
    "call_operations",
];

/// The user-adjustable (§3.6) features of [`FEATURE_POOL`]: the only keys generated as a user's
/// own preferences, so that resolver tests see preferences that can take effect.
pub const ADJUSTABLE_POOL: &[&str] = &["chat", "voicemail", "record_conversations"];

/// Template ids; [`valid_tenant`] takes a shuffled prefix, so id order differs from the order in
/// which parents were generated.
pub const TEMPLATE_IDS: &[&str] = &["base", "sales", "support", "night"];
/// Department ids (a separate namespace from templates: `sales` is both on purpose).
pub const DEPARTMENT_IDS: &[&str] = &["sales", "support", "ops", "hq"];
/// Role ids.
pub const ROLE_IDS: &[&str] = &["supervisor", "agent", "technical"];
/// Group ids.
pub const GROUP_IDS: &[&str] = &["queue", "team", "hunt"];
/// User ids.
pub const USER_IDS: &[&str] = &["alice", "bob", "carol", "dave", "erin", "frank"];

/// App versions that parse (`6.4` reads as `6.4.0`).
pub const GOOD_VERSIONS: &[&str] = &["6.4.0", "6.4", "7", "6.10.2", "0.0.0"];
/// App versions that do not parse.
pub const BAD_VERSIONS: &[&str] = &["", "v6", "6..1", "1.2.3.4", "99999999999", "6.4.x", " 6"];

/// The extension that every user of a [`valid_tenant`] may hold in turn (hot desk): user `i`
/// holds it within `[i * HOT_DESK_SLOT, (i + 1) * HOT_DESK_SLOT)`, so assignments of different
/// users never overlap but may touch.
pub const HOT_DESK: &str = "300";
/// The length of one user's hot-desk slot, in seconds.
pub const HOT_DESK_SLOT: i64 = 1000;

/// The primary extension of the `i`-th user of a [`valid_tenant`]: `20<i>`.
pub fn primary_extension(i: usize) -> String {
    format!("20{i}")
}

/// The agent id of the `i`-th user of a [`valid_tenant`]: `50<i>`.
pub fn agent_id(i: usize) -> String {
    format!("50{i}")
}

/// A pool of strings as owned `String`s, for `select`.
fn owned(pool: &[&str]) -> Vec<String> {
    pool.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// Valid values
// ---------------------------------------------------------------------------------------------

/// A value valid for the standard feature `key` (one of [`FEATURE_POOL`]), in its interchange
/// shape. Values stay inside catalog bounds; list values may be `"any"` unless
/// the list has a size bound.
///
/// Keys outside the pool get a boolean, which is right for any standard toggle.
pub fn raw_value_for(key: &str) -> BoxedStrategy<RawValue> {
    let text = |options: &'static [&'static str]| select(options).prop_map(RawValue::from).boxed();
    let list = |items: &'static [&'static str]| {
        prop_oneof![
            4 => subsequence(items, 0..=items.len()).prop_map(RawValue::from),
            1 => Just(RawValue::from("any")),
        ]
        .boxed()
    };
    // A list with a size bound refuses "any".
    let bounded_list = |items: &'static [&'static str]| {
        subsequence(items, 0..=items.len())
            .prop_map(RawValue::from)
            .boxed()
    };
    match key {
        "dashboard_logs" | "user_management" => text(&["none", "read", "write"]),
        "max_channels" => (0i64..=100).prop_map(RawValue::Integer).boxed(),
        "after_call_work_seconds" => prop_oneof![Just(0i64), Just(3600), 0i64..=3600]
            .prop_map(RawValue::Integer)
            .boxed(),
        "recordings_replay" => text(&["none", "own", "all"]),
        "caller_id_mode" => text(&["fixed", "assigned_ivr", "selected", "all"]),
        "allowed_country_codes" => list(&["48", "49", "420"]),
        "recordings_replay_others" => bounded_list(&["10", "101", "201", "5001", "600"]),
        "call_operations" => list(&["desk_phone", "softphone"]),
        _ => any::<bool>().prop_map(RawValue::Bool).boxed(),
    }
}

/// Up to `max` distinct keys of `pool`, each with a valid value.
pub fn values_from(pool: &'static [&'static str], max: usize) -> BoxedStrategy<Values> {
    subsequence(pool, 0..=max.min(pool.len()))
        .prop_flat_map(|keys| {
            keys.into_iter()
                .map(|k| raw_value_for(k).prop_map(move |v| (k.to_owned(), v)))
                .collect::<Vec<_>>()
        })
        .prop_map(|pairs| pairs.into_iter().collect())
        .boxed()
}

/// Up to `max` valid feature values from [`FEATURE_POOL`]: template values and overrides.
pub fn valid_values(max: usize) -> BoxedStrategy<Values> {
    values_from(FEATURE_POOL, max)
}

/// A valid tenant policy: a few pool features, some locked.
pub fn valid_policy() -> BoxedStrategy<IndexMap<String, PolicyEntry>> {
    subsequence(FEATURE_POOL, 0..=3)
        .prop_flat_map(|keys| {
            keys.into_iter()
                .map(|k| {
                    (raw_value_for(k), any::<bool>()).prop_map(move |(value, locked)| {
                        (k.to_owned(), {
                            let mut v = PolicyEntry::new(value);
                            v.locked = locked;
                            v
                        })
                    })
                })
                .collect::<Vec<_>>()
        })
        .prop_map(|pairs| pairs.into_iter().collect())
        .boxed()
}

/// A valid plan: `"all"` or a subset of [`FEATURE_POOL`], optionally capping `max_channels`,
/// `recordings_replay` and `allowed_country_codes`, optionally selling `module_crm` seats.
pub fn valid_plan() -> BoxedStrategy<Plan> {
    let features = prop_oneof![
        2 => Just(Availability::All),
        1 => subsequence(FEATURE_POOL, 0..=FEATURE_POOL.len())
            .prop_map(|keys| Availability::Only(owned(&keys))),
    ];
    (
        select(&["business", "starter"][..]),
        features,
        option::of(0i64..=100),
        option::of(select(&["none", "own", "all"][..])),
        option::of(subsequence(&["48", "49", "420"][..], 0..=3)),
        option::of(0u32..=10),
        // Seat enforcement is refused by validation until seats are applied.
        Just(false),
    )
        .prop_map(
            |(id, features, channels, replay, countries, seats, enforce_seats)| {
                let mut plan = Plan::all(id);
                plan.features = features;
                if let Some(max) = channels {
                    plan.limits.insert("max_channels".into(), max);
                }
                if let Some(option) = replay {
                    plan.choices
                        .insert("recordings_replay".into(), option.into());
                }
                if let Some(codes) = countries {
                    plan.lists
                        .insert("allowed_country_codes".into(), owned(&codes));
                }
                if let Some(n) = seats {
                    plan.seats.insert("module_crm".into(), n);
                }
                plan.enforce_seats = enforce_seats;
                plan
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Valid tenants
// ---------------------------------------------------------------------------------------------

/// `min..=max` distinct ids of `pool`, in a shuffled order.
fn some_ids(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<&'static str>> {
    subsequence(pool, 0..=max.min(pool.len())).prop_shuffle()
}

/// Up to `max` ids out of `ids` (document order of the chosen ones is preserved).
fn refs(ids: &[&'static str], max: usize) -> BoxedStrategy<Vec<String>> {
    if ids.is_empty() {
        return Just(Vec::new()).boxed();
    }
    subsequence(ids.to_vec(), 0..=max.min(ids.len()))
        .prop_map(|v| owned(&v))
        .boxed()
}

/// An optional reference to one of `ids`.
fn opt_ref(ids: &[&'static str]) -> BoxedStrategy<Option<String>> {
    if ids.is_empty() {
        return Just(None).boxed();
    }
    option::of(select(ids.to_vec()).prop_map(str::to_owned)).boxed()
}

fn valid_templates(ids: Vec<&'static str>) -> BoxedStrategy<Vec<Template>> {
    ids.iter()
        .enumerate()
        .map(|(i, &id)| {
            // Only templates generated earlier can be parents: no cycles.
            let parent = opt_ref(&ids[..i]);
            (parent, valid_values(3)).prop_map(move |(parent, values)| {
                let mut v = Template::new(id);
                v.parent = parent.map(Into::into);
                v.values = values;
                v
            })
        })
        .collect::<Vec<_>>()
        .boxed()
}

fn valid_departments(
    ids: Vec<&'static str>,
    templates: Vec<&'static str>,
) -> BoxedStrategy<Vec<Department>> {
    ids.into_iter()
        .map(|id| {
            (opt_ref(&templates), -5i32..=20).prop_map(move |(template, rank)| {
                let mut v = Department::new(id);
                v.template = template.map(Into::into);
                v.rank = rank;
                v
            })
        })
        .collect::<Vec<_>>()
        .boxed()
}

fn valid_roles(
    ids: Vec<&'static str>,
    templates: Vec<&'static str>,
    departments: Vec<&'static str>,
) -> BoxedStrategy<Vec<Role>> {
    let units: Vec<&'static str> = departments.iter().chain(ids.iter()).copied().collect();
    ids.clone()
        .into_iter()
        .map(|id| {
            let administers = prop_oneof![
                2 => Just(None),
                1 => Just(Some(AdminScope::Tenant)),
                2 => refs(&units, 3).prop_map(|u| Some(AdminScope::Units(u))),
            ];
            (opt_ref(&templates), -5i32..=20, administers).prop_map(
                move |(template, rank, administers)| {
                    let mut v = Role::new(id);
                    v.template = template.map(Into::into);
                    v.rank = rank;
                    v.administers = administers;
                    v
                },
            )
        })
        .collect::<Vec<_>>()
        .boxed()
}

fn valid_groups(ids: Vec<&'static str>, users: Vec<&'static str>) -> BoxedStrategy<Vec<Group>> {
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            (any::<bool>(), refs(&users, 3)).prop_map(move |(numbered, members)| {
                let mut v = Group::new(id);
                v.number = numbered.then(|| format!("60{i}"));
                v.members = members.into_iter().map(Into::into).collect();
                v
            })
        })
        .collect::<Vec<_>>()
        .boxed()
}

/// The endpoints of the `i`-th user: a primary extension held since 0, optionally an agent id
/// for a bounded interval, optionally the [`HOT_DESK`] during the user's own slot.
fn valid_endpoints(i: usize) -> BoxedStrategy<Vec<EndpointAssignment>> {
    let slot = i64::try_from(i).unwrap_or(0) * HOT_DESK_SLOT;
    (
        option::of((0i64..=1000, 1i64..=1000, any::<bool>())),
        option::of((0i64..HOT_DESK_SLOT, 1i64..=HOT_DESK_SLOT)),
    )
        .prop_map(move |(agent, desk)| {
            let mut endpoints = vec![{
                let mut v = EndpointAssignment::new(EndpointKind::Extension, primary_extension(i));
                v.primary = true;
                v
            }];
            if let Some((from, len, open)) = agent {
                endpoints.push({
                    let mut v = EndpointAssignment::new(EndpointKind::Agent, agent_id(i));
                    v.from = from;
                    v.to = (!open).then_some(from + len);
                    v
                });
            }
            if let Some((start, len)) = desk {
                // Stays inside [slot, slot + HOT_DESK_SLOT).
                let len = len.min(HOT_DESK_SLOT - start);
                endpoints.push({
                    let mut v = EndpointAssignment::new(EndpointKind::Extension, HOT_DESK);
                    v.from = slot + start;
                    v.to = Some(slot + start + len);
                    v
                });
            }
            endpoints
        })
        .boxed()
}

fn valid_users(
    ids: Vec<&'static str>,
    departments: Vec<&'static str>,
    roles: Vec<&'static str>,
) -> BoxedStrategy<Vec<User>> {
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            (
                refs(&departments, 2),
                refs(&roles, 2),
                valid_values(3),
                values_from(ADJUSTABLE_POOL, 2),
                any::<bool>(),
                any::<bool>(),
                valid_endpoints(i),
                any::<bool>(),
            )
                .prop_map(
                    move |(
                        departments,
                        roles,
                        overrides,
                        preferences,
                        detached,
                        named,
                        endpoints,
                        dee,
                    )| {
                        {
                            let mut v = User::new(id);
                            v.name = named.then(|| id.to_uppercase());
                            v.departments = departments.into_iter().map(Into::into).collect();
                            v.roles = roles.into_iter().map(Into::into).collect();
                            v.overrides = overrides;
                            v.preferences = preferences;
                            v.detached = detached;
                            v.endpoints = endpoints;
                            v.dee = if dee {
                                vec![format!("{}1", primary_extension(i))]
                            } else {
                                Vec::new()
                            };
                            v
                        }
                    },
                )
        })
        .collect::<Vec<_>>()
        .boxed()
}

fn valid_devices(users: Vec<&'static str>) -> BoxedStrategy<Vec<Device>> {
    if users.is_empty() {
        return Just(Vec::new()).boxed();
    }
    vec(
        (
            select(users),
            select(&Platform::ALL[..]),
            select(GOOD_VERSIONS),
            option::of(1_700_000_000i64..=1_800_000_000),
        ),
        0..=3,
    )
    .prop_map(|devices| {
        devices
            .into_iter()
            .enumerate()
            .map(|(j, (owner, platform, version, last_seen))| {
                let mut v = Device::new(format!("dev{j}"), owner, platform, "");
                v.app_id = "com.example.voice".into();
                v.version = version.into();
                v.last_seen = last_seen;
                v
            })
            .collect()
    })
    .boxed()
}

fn valid_numbers(users: Vec<&'static str>) -> BoxedStrategy<Vec<Number>> {
    vec((any::<bool>(), refs(&users, 2)), 0..=2)
        .prop_map(|numbers| {
            numbers
                .into_iter()
                .enumerate()
                .map(|(j, (ivr, members))| {
                    let mut v = Number::new(format!("+4822123000{j}"));
                    v.kind = if ivr {
                        NumberKind::Ivr
                    } else {
                        NumberKind::Standard
                    };
                    v.ivr = ivr.then(|| format!("ivr{j}"));
                    v.members = members.into_iter().map(Into::into).collect();
                    v
                })
                .collect()
        })
        .boxed()
}

/// A tenant that is valid on the standard catalog by construction.
///
/// - 0..=4 templates (ids from [`TEMPLATE_IDS`]), each optionally extending a template generated
///   before it, with up to 3 values;
/// - 0..=4 departments and 0..=3 roles, each optionally with a template and a rank in -5..=20;
///   roles optionally administer the tenant or some departments and roles;
/// - 0..=3 groups with optional numbers and existing members;
/// - 0..=6 users, each in 0..=2 departments and 0..=2 roles, with up to 3 overrides from
///   [`FEATURE_POOL`], up to 2 preferences from [`ADJUSTABLE_POOL`], the endpoints of
///   `valid_endpoints` (primary extension `20<i>`, agent `50<i>`, hot desk [`HOT_DESK`] in the
///   user's own slot) and optionally a DEE member;
/// - 0..=3 devices owned by existing users with versions from [`GOOD_VERSIONS`];
/// - 0..=2 tenant numbers, a home country code and emergency numbers;
/// - a policy of up to 3 entries, some locked, and a plan from [`valid_plan`].
pub fn valid_tenant() -> impl Strategy<Value = Tenant> {
    (
        some_ids(TEMPLATE_IDS, 4),
        some_ids(DEPARTMENT_IDS, 4),
        some_ids(ROLE_IDS, 3),
        some_ids(GROUP_IDS, 3),
        some_ids(USER_IDS, 6),
    )
        .prop_flat_map(|(templates, departments, roles, groups, users)| {
            (
                (
                    select(&["acme", "globex", "initech"][..]),
                    option::of(select(&["48", "1", "420"][..])),
                    subsequence(&["112", "997", "998", "999"][..], 0..=4),
                    valid_numbers(users.clone()),
                    valid_plan(),
                    valid_policy(),
                ),
                (
                    valid_templates(templates.clone()),
                    valid_departments(departments.clone(), templates.clone()),
                    valid_roles(roles.clone(), templates, departments.clone()),
                    valid_groups(groups, users.clone()),
                    valid_users(users.clone(), departments, roles),
                    valid_devices(users),
                ),
            )
        })
        .prop_map(
            |(
                (id, home, emergency, numbers, plan, policy),
                (templates, departments, roles, groups, users, devices),
            )| {
                let mut tenant = Tenant::new(id, plan);
                tenant.home_country_code = home.map(str::to_owned);
                tenant.emergency_numbers = owned(&emergency);
                tenant.numbers = numbers;
                tenant.policy = policy;
                tenant.templates = templates;
                tenant.departments = departments;
                tenant.roles = roles;
                tenant.groups = groups;
                tenant.users = users;
                tenant.devices = devices;
                tenant
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Shuffling
// ---------------------------------------------------------------------------------------------

/// SplitMix64: a tiny, specified generator, so that a seed means the same permutation on every
/// platform and run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }

    fn shuffle_collections(&mut self, t: &mut Tenant) {
        self.shuffle(&mut t.templates);
        self.shuffle(&mut t.departments);
        self.shuffle(&mut t.roles);
        self.shuffle(&mut t.groups);
        self.shuffle(&mut t.users);
        self.shuffle(&mut t.devices);
        self.shuffle(&mut t.numbers);
        self.shuffle(&mut t.emergency_numbers);
    }

    fn shuffle_map<V>(&mut self, map: &mut IndexMap<String, V>) {
        let mut entries: Vec<(String, V)> = std::mem::take(map).into_iter().collect();
        self.shuffle(&mut entries);
        *map = entries.into_iter().collect();
    }
}

/// `tenant` with its top-level collections listed in another order, determined by `seed`:
/// templates, departments, roles, groups, users, devices, numbers and emergency numbers.
pub fn shuffle_collections(tenant: &Tenant, seed: u64) -> Tenant {
    let mut rng = SplitMix(seed);
    let mut t = tenant.clone();
    rng.shuffle_collections(&mut t);
    t
}

/// [`shuffle_collections`] and, in addition, every nested collection whose order carries no
/// meaning: the policy, the plan's feature list and caps, each template's values, each role's
/// administered units, each group's members, and each user's departments, roles, overrides,
/// preferences and endpoints.
///
/// Left alone: the members of tenant numbers and users' DEE lists (the crate keeps them as
/// given) and the catalog.
pub fn shuffle_tenant(tenant: &Tenant, seed: u64) -> Tenant {
    let mut rng = SplitMix(seed);
    let mut t = tenant.clone();
    rng.shuffle_collections(&mut t);
    rng.shuffle_map(&mut t.policy);
    if let Availability::Only(keys) = &mut t.plan.features {
        rng.shuffle(keys);
    }
    rng.shuffle_map(&mut t.plan.limits);
    rng.shuffle_map(&mut t.plan.choices);
    rng.shuffle_map(&mut t.plan.lists);
    rng.shuffle_map(&mut t.plan.seats);
    for template in &mut t.templates {
        rng.shuffle_map(&mut template.values);
    }
    for role in &mut t.roles {
        if let Some(AdminScope::Units(units)) = &mut role.administers {
            rng.shuffle(units);
        }
    }
    for group in &mut t.groups {
        rng.shuffle(&mut group.members);
    }
    for user in &mut t.users {
        rng.shuffle(&mut user.departments);
        rng.shuffle(&mut user.roles);
        rng.shuffle_map(&mut user.overrides);
        rng.shuffle_map(&mut user.preferences);
        rng.shuffle(&mut user.endpoints);
    }
    t
}

// ---------------------------------------------------------------------------------------------
// Arbitrary (mostly invalid) tenants
// ---------------------------------------------------------------------------------------------

/// Ids from a tiny pool, so duplicates and matching references are frequent; includes the empty
/// id and ids with characters that look like path syntax.
pub fn arb_id() -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(&["a", "b", "c", "alice", "sales", "base"][..]).prop_map(str::to_owned),
        1 => Just(String::new()),
        1 => select(&["x.y", "[0]", "ü", " ", "users[alice]"][..]).prop_map(str::to_owned),
        1 => "[a-c]{0,3}",
    ]
    .boxed()
}

/// Feature keys: pool features, any standard key, unknown keys and the empty key.
pub fn arb_key() -> BoxedStrategy<String> {
    let standard: Vec<String> = Catalog::standard()
        .iter()
        .map(|(_, f)| f.key().to_owned())
        .collect();
    prop_oneof![
        4 => select(FEATURE_POOL).prop_map(str::to_owned),
        2 => select(standard),
        1 => select(&["", "teleport", "max_channels ", "a", "b", "c", "a.b"][..]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// Integers with the edges that break naive code.
pub fn arb_i64() -> BoxedStrategy<i64> {
    prop_oneof![
        3 => -2i64..=102,
        1 => select(&[i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1, 3600, 3601, -1][..]),
        1 => any::<i64>(),
    ]
    .boxed()
}

/// Strings used as list entries and option names: valid and invalid ones.
fn arb_word() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(
            &["48", "49", "none", "own", "all", "read", "write", "any", "desk_phone", "201"][..]
        )
        .prop_map(str::to_owned),
        1 => select(&["", "a;b", ";", "ANY", "ü", "softphone"][..]).prop_map(str::to_owned),
        1 => "[0-9]{0,40}",
    ]
    .boxed()
}

/// Any RawValue variant, of any content: right or wrong for whatever key it lands on.
pub fn arb_raw() -> BoxedStrategy<RawValue> {
    prop_oneof![
        any::<bool>().prop_map(RawValue::Bool),
        arb_i64().prop_map(RawValue::Integer),
        arb_word().prop_map(RawValue::Text),
        vec(arb_word(), 0..=4).prop_map(RawValue::List),
    ]
    .boxed()
}

/// Feature values keyed by [`arb_key`], each right ([`raw_value_for`]) or arbitrary.
pub fn arb_values() -> BoxedStrategy<Values> {
    vec(
        arb_key().prop_flat_map(|k| {
            let value = prop_oneof![raw_value_for(&k), arb_raw()];
            (Just(k), value)
        }),
        0..=3,
    )
    .prop_map(|pairs| pairs.into_iter().collect())
    .boxed()
}

/// Instants, including the extremes.
fn arb_time() -> BoxedStrategy<i64> {
    prop_oneof![
        4 => 0i64..=10,
        1 => select(&[i64::MIN, i64::MAX, -1][..]),
        1 => any::<i64>(),
    ]
    .boxed()
}

/// Endpoint assignments on a tiny pool of ids, so that overlaps are common; intervals may be
/// empty or reversed.
pub fn arb_endpoint() -> BoxedStrategy<EndpointAssignment> {
    (
        select(&[EndpointKind::Extension, EndpointKind::Agent][..]),
        select(&["", "201", "202", "5001"][..]),
        any::<bool>(),
        arb_time(),
        option::of(arb_time()),
    )
        .prop_map(|(kind, id, primary, from, to)| {
            let mut v = EndpointAssignment::new(kind, id);
            v.primary = primary;
            v.from = from;
            v.to = to;
            v
        })
        .boxed()
}

/// Telephone-number-ish strings: good ones and bad ones.
fn arb_number() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "112",
                "48",
                "+48221234567",
                "",
                "+",
                "++1",
                "abc",
                "1234567890123456"
            ][..]
        )
        .prop_map(str::to_owned),
        "\\+?[0-9]{0,17}",
    ]
    .boxed()
}

fn arb_version() -> BoxedStrategy<String> {
    prop_oneof![
        select(GOOD_VERSIONS).prop_map(str::to_owned),
        select(BAD_VERSIONS).prop_map(str::to_owned),
        "[0-9.]{0,8}",
    ]
    .boxed()
}

fn arb_plan() -> BoxedStrategy<Plan> {
    (
        arb_id(),
        prop_oneof![
            Just(Availability::All),
            vec(arb_key(), 0..=4).prop_map(Availability::Only)
        ],
        vec((arb_key(), arb_i64()), 0..=2),
        vec((arb_key(), arb_word()), 0..=2),
        vec((arb_key(), vec(arb_word(), 0..=3)), 0..=2),
        vec((arb_key(), any::<u32>()), 0..=2),
        any::<bool>(),
    )
        .prop_map(
            |(id, features, limits, choices, lists, seats, enforce_seats)| {
                let mut v = Plan::all(id);
                v.features = features;
                v.limits = limits.into_iter().collect();
                v.choices = choices.into_iter().collect();
                v.lists = lists.into_iter().collect();
                v.seats = seats.into_iter().collect();
                v.enforce_seats = enforce_seats;
                v
            },
        )
        .boxed()
}

/// Catalog feature keys: a tiny pool so that duplicates and requirement cycles are common.
fn arb_catalog_key() -> BoxedStrategy<String> {
    select(&["a", "b", "c", "", "max_channels"][..])
        .prop_map(str::to_owned)
        .boxed()
}

/// Kinds with possibly empty or reversed domains.
pub fn arb_kind() -> BoxedStrategy<Kind> {
    prop_oneof![
        Just(Kind::Toggle),
        Just(Kind::Restriction),
        Just(Kind::Access),
        (arb_i64(), arb_i64()).prop_map(|(min, max)| Kind::Limit { min, max }),
        vec(arb_word(), 0..=4).prop_map(|options| Kind::Choice { options }),
        (
            option::of(vec(arb_word(), 0..=3)),
            option::of(0u32..=3),
            option::of(0u32..=10),
        )
            .prop_map(|(items, max_entries, max_chars)| Kind::List {
                items,
                max_entries,
                max_chars,
            }),
    ]
    .boxed()
}

/// A catalog definition: half of the time [`broken_catalog_def`], otherwise
/// [`sane_catalog_def`], so that tenants are also checked against odd but valid catalogs.
pub fn arb_catalog_def() -> BoxedStrategy<CatalogDef> {
    prop_oneof![broken_catalog_def(), sane_catalog_def()].boxed()
}

/// A kind with a well-formed domain: ordered limit bounds (possibly extreme), distinct options,
/// a non-empty closed universe, optional list bounds.
pub fn sane_kind() -> BoxedStrategy<Kind> {
    let names = &["none", "own", "all", "any", "x", "48"][..];
    prop_oneof![
        Just(Kind::Toggle),
        Just(Kind::Restriction),
        Just(Kind::Access),
        (arb_i64(), arb_i64()).prop_map(|(a, b)| Kind::Limit {
            min: a.min(b),
            max: a.max(b),
        }),
        subsequence(names, 1..=names.len()).prop_map(|o| Kind::Choice { options: owned(&o) }),
        (
            option::of(subsequence(names, 1..=names.len())),
            option::of(0u32..=3),
            option::of(0u32..=10),
        )
            .prop_map(|(items, max_entries, max_chars)| Kind::List {
                items: items.map(|i| owned(&i)),
                max_entries,
                max_chars,
            }),
    ]
    .boxed()
}

/// A catalog that builds: features `a`, `b`, `c` (a subset, in order) of [`sane_kind`]s with
/// bottom defaults, each possibly requiring an earlier one to be on.
pub fn sane_catalog_def() -> BoxedStrategy<CatalogDef> {
    subsequence(&["a", "b", "c"][..], 0..=3)
        .prop_flat_map(|keys| {
            let features: Vec<_> = keys
                .iter()
                .enumerate()
                .map(|(i, &key)| {
                    let earlier = owned(&keys[..i]);
                    let requires = if earlier.is_empty() {
                        Just(None).boxed()
                    } else {
                        option::of(select(earlier)).boxed()
                    };
                    (sane_kind(), requires, any::<bool>()).prop_map(
                        move |(kind, requires, adjustable)| {
                            let mut f = FeatureDef::new(key, kind);
                            if let Some(r) = requires {
                                f = f.requires(r);
                            }
                            f.adjustable = adjustable;
                            f
                        },
                    )
                })
                .collect();
            features
        })
        .prop_map(|features| {
            let mut def = CatalogDef::new("custom");
            def.features = features;
            def.self_service_gate = Some(SelfServiceGate::Without);
            def
        })
        .boxed()
}

/// A catalog definition that may be broken: duplicate or empty keys, reversed limit bounds, bad
/// options, bad defaults, unknown or cyclic requirements, seats on non-toggles, a bad gate.
pub fn broken_catalog_def() -> BoxedStrategy<CatalogDef> {
    let feature = (
        arb_catalog_key(),
        arb_kind(),
        option::of(arb_raw()),
        select(
            &[
                MergeRule::MostPermissive,
                MergeRule::MostRestrictive,
                MergeRule::Ranked,
            ][..],
        ),
        vec(
            (arb_catalog_key(), option::of(arb_raw())).prop_map(|(feature, at_least)| {
                let mut r = RequirementDef::on(feature);
                r.at_least = at_least;
                r
            }),
            0..=2,
        ),
        option::of(any::<u8>().prop_map(Platforms::from_bits_truncate)),
        option::of((0u32..=9, 0u32..=9, 0u32..=9).prop_map(|(a, b, c)| AppVersion::new(a, b, c))),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(key, kind, default, merge, requires, platforms, min_version, adjustable, seats)| {
                let mut f = FeatureDef::new(key, kind);
                f.default = default;
                f.merge = merge;
                f.requires = requires;
                f.platforms = platforms;
                f.min_version = min_version;
                f.adjustable = adjustable;
                f.seats = seats;
                f
            },
        );
    (vec(feature, 0..=4), option::of(arb_catalog_key()))
        .prop_map(|(features, self_service_gate)| {
            let mut def = CatalogDef::new("custom");
            def.features = features;
            // No gate at all is one more way to be broken: the gate must be decided.
            def.self_service_gate = self_service_gate.map(SelfServiceGate::Feature);
            def
        })
        .boxed()
}

fn arb_template() -> BoxedStrategy<Template> {
    (arb_id(), option::of(arb_id()), arb_values())
        .prop_map(|(id, parent, values)| {
            let mut v = Template::new(id);
            v.parent = parent.map(Into::into);
            v.values = values;
            v
        })
        .boxed()
}

fn arb_department() -> BoxedStrategy<Department> {
    (arb_id(), option::of(arb_id()), any::<i32>())
        .prop_map(|(id, template, rank)| {
            let mut v = Department::new(id);
            v.template = template.map(Into::into);
            v.rank = rank;
            v
        })
        .boxed()
}

fn arb_role() -> BoxedStrategy<Role> {
    let administers = option::of(prop_oneof![
        Just(AdminScope::Tenant),
        vec(arb_id(), 0..=3).prop_map(AdminScope::Units),
    ]);
    (arb_id(), option::of(arb_id()), any::<i32>(), administers)
        .prop_map(|(id, template, rank, administers)| {
            let mut v = Role::new(id);
            v.template = template.map(Into::into);
            v.rank = rank;
            v.administers = administers;
            v
        })
        .boxed()
}

fn arb_group() -> BoxedStrategy<Group> {
    (arb_id(), option::of(arb_number()), vec(arb_id(), 0..=3))
        .prop_map(|(id, number, members)| {
            let mut v = Group::new(id);
            v.number = number;
            v.members = members.into_iter().map(Into::into).collect();
            v
        })
        .boxed()
}

fn arb_user() -> BoxedStrategy<User> {
    (
        arb_id(),
        vec(arb_id(), 0..=2),
        vec(arb_id(), 0..=2),
        arb_values(),
        arb_values(),
        any::<bool>(),
        vec(arb_endpoint(), 0..=3),
        vec(arb_number(), 0..=1),
    )
        .prop_map(
            |(id, departments, roles, overrides, preferences, detached, endpoints, dee)| {
                let mut v = User::new(id);
                v.departments = departments.into_iter().map(Into::into).collect();
                v.roles = roles.into_iter().map(Into::into).collect();
                v.overrides = overrides;
                v.preferences = preferences;
                v.detached = detached;
                v.endpoints = endpoints;
                v.dee = dee;
                v
            },
        )
        .boxed()
}

fn arb_device() -> BoxedStrategy<Device> {
    (
        arb_id(),
        arb_id(),
        select(&Platform::ALL[..]),
        arb_version(),
        option::of(arb_time()),
    )
        .prop_map(|(id, owner, platform, version, last_seen)| {
            let mut v = Device::new(id, owner, platform, "");
            v.version = version;
            v.last_seen = last_seen;
            v
        })
        .boxed()
}

fn arb_numbers() -> BoxedStrategy<Vec<Number>> {
    vec((arb_number(), any::<bool>(), vec(arb_id(), 0..=2)), 0..=2)
        .prop_map(|numbers| {
            numbers
                .into_iter()
                .map(|(number, ivr, members)| {
                    let mut v = Number::new(number);
                    v.kind = if ivr {
                        NumberKind::Ivr
                    } else {
                        NumberKind::Standard
                    };
                    v.ivr = ivr.then(|| "main".to_owned());
                    v.members = members.into_iter().map(Into::into).collect();
                    v
                })
                .collect()
        })
        .boxed()
}

/// A tenant built from arbitrary parts only: every field may be wrong.
pub fn wild_tenant() -> BoxedStrategy<Tenant> {
    (
        (
            prop_oneof![4 => Just(SCHEMA_VERSION), 1 => any::<u32>()],
            arb_id(),
            prop_oneof![
                6 => Just(CatalogSource::Standard),
                1 => arb_catalog_def().prop_map(CatalogSource::Custom),
            ],
            option::of(arb_number()),
            vec(arb_number(), 0..=2),
            arb_numbers(),
            arb_plan(),
            vec((arb_key(), arb_raw(), any::<bool>()), 0..=3),
        ),
        (
            vec(arb_template(), 0..=4),
            vec(arb_department(), 0..=3),
            vec(arb_role(), 0..=3),
            vec(arb_group(), 0..=2),
            vec(arb_user(), 0..=4),
            vec(arb_device(), 0..=2),
        ),
    )
        .prop_map(
            |(
                (version, id, catalog, home, emergency, numbers, plan, policy),
                (templates, departments, roles, groups, users, devices),
            )| {
                let mut t = Tenant::new(id, plan).with_catalog(catalog);
                t.version = version;
                t.home_country_code = home;
                t.emergency_numbers = emergency;
                t.numbers = numbers;
                t.policy = policy
                    .into_iter()
                    .map(|(k, value, locked)| {
                        let mut entry = PolicyEntry::new(value);
                        entry.locked = locked;
                        (k, entry)
                    })
                    .collect();
                t.templates = templates;
                t.departments = departments;
                t.roles = roles;
                t.groups = groups;
                t.users = users;
                t.devices = devices;
                t
            },
        )
        .boxed()
}

/// A possibly invalid tenant: either entirely arbitrary ([`wild_tenant`]), or a
/// [`valid_tenant`] with arbitrary templates, users and devices appended (so that broken
/// entries meet real ones: duplicate ids, overlaps with real endpoints, references into real
/// collections). Mostly small.
pub fn arbitrary_tenant() -> impl Strategy<Value = Tenant> {
    prop_oneof![
        2 => wild_tenant(),
        1 => (
            valid_tenant(),
            vec(arb_template(), 0..=2),
            vec(arb_user(), 0..=2),
            vec(arb_device(), 0..=1),
            vec((arb_key(), arb_raw()), 0..=1),
        )
            .prop_map(|(mut t, templates, users, devices, policy)| {
                t.templates.extend(templates);
                t.users.extend(users);
                t.devices.extend(devices);
                for (key, value) in policy {
                    t.policy.insert(key, { let mut v = PolicyEntry::new(value); v.locked = true; v });
                }
                t
            }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

/// One valid value for every key of [`FEATURE_POOL`], in pool order. Tests keep the keys they
/// need (a template that only sets features already set elsewhere, say).
pub fn full_values() -> BoxedStrategy<Values> {
    FEATURE_POOL
        .iter()
        .map(|&k| raw_value_for(k).prop_map(move |v| (k.to_owned(), v)))
        .collect::<Vec<_>>()
        .prop_map(|pairs| pairs.into_iter().collect())
        .boxed()
}

/// A plan that includes only a subset of [`FEATURE_POOL`] (and maybe `user_portal`, the
/// requirement of `call_operations`) and, most of the time, caps every
/// limit, choice and list of the pool: `max_channels`, `after_call_work_seconds`,
/// `recordings_replay`, `caller_id_mode`, `allowed_country_codes`, `recordings_replay_others`
/// and `call_operations`. Each cap shrinks away on its own.
pub fn capped_plan() -> BoxedStrategy<Plan> {
    let sub = |items: &'static [&'static str]| {
        option::weighted(
            0.8,
            subsequence(items, 0..=items.len()).prop_map(|v| owned(&v)),
        )
    };
    (
        (
            subsequence(FEATURE_POOL, 0..=FEATURE_POOL.len()),
            any::<bool>(),
        ),
        (
            option::weighted(0.8, 0i64..=100),
            option::weighted(0.8, prop_oneof![Just(0i64), 0i64..=3600]),
        ),
        (
            option::weighted(0.8, select(&["none", "own", "all"][..])),
            option::weighted(
                0.8,
                select(&["fixed", "assigned_ivr", "selected", "all"][..]),
            ),
        ),
        (
            sub(&["48", "49", "420"]),
            sub(&["10", "101", "201", "5001", "600"]),
            sub(&["desk_phone", "softphone"]),
        ),
    )
        .prop_map(
            |(
                (features, portal),
                (channels, acw),
                (replay, caller_id),
                (countries, others, operations),
            )| {
                let mut plan = Plan::only("capped", features.iter().copied());
                if portal && let Availability::Only(keys) = &mut plan.features {
                    keys.push("user_portal".to_owned());
                }
                let limits = [("max_channels", channels), ("after_call_work_seconds", acw)];
                for (key, max) in limits {
                    if let Some(max) = max {
                        plan.limits.insert(key.into(), max);
                    }
                }
                let choices = [("recordings_replay", replay), ("caller_id_mode", caller_id)];
                for (key, option) in choices {
                    if let Some(option) = option {
                        plan.choices.insert(key.into(), option.into());
                    }
                }
                let lists = [
                    ("allowed_country_codes", countries),
                    ("recordings_replay_others", others),
                    ("call_operations", operations),
                ];
                for (key, items) in lists {
                    if let Some(items) = items {
                        plan.lists.insert(key.into(), items);
                    }
                }
                plan
            },
        )
        .boxed()
}

/// Preferences for one user: up to 3 user-adjustable features ([`ADJUSTABLE_POOL`]) and up to
/// 2 arbitrary pool features (which the resolver must ignore unless they are adjustable).
pub fn preference_values() -> BoxedStrategy<Values> {
    (values_from(ADJUSTABLE_POOL, 3), valid_values(2))
        .prop_map(|(adjustable, others)| {
            let mut prefs = others;
            prefs.extend(adjustable);
            prefs
        })
        .boxed()
}

/// The pool features that [`resolution_tenant`] adds to templates, so that several templates
/// of one user often set the same feature: toggles that are adjustable (`chat`, `voicemail`),
/// the self-service gate, a requirement pair (`tag_calls` and the restriction
/// `tags_required`), a limit, a choice and a list.
pub const HOT_POOL: &[&str] = &[
    "chat",
    "voicemail",
    "edit_settings",
    "tag_calls",
    "tags_required",
    "max_channels",
    "recordings_replay",
    "allowed_country_codes",
];

/// The features of [`HOT_POOL`] whose merge rule [`varied_merges`] changes.
pub const MERGE_POOL: &[&str] = &[
    "chat",
    "tags_required",
    "max_channels",
    "recordings_replay",
    "allowed_country_codes",
];

/// The standard catalog as a custom catalog, with the merge rule of each feature of
/// [`MERGE_POOL`] drawn from all three rules (the standard catalog merges everything
/// MostPermissive), so that MostRestrictive and Ranked merges (ties by source id) are resolved
/// too.
pub fn varied_merges() -> BoxedStrategy<CatalogSource> {
    let rule = select(
        &[
            MergeRule::MostPermissive,
            MergeRule::MostRestrictive,
            MergeRule::Ranked,
        ][..],
    );
    vec(rule, MERGE_POOL.len())
        .prop_map(|rules| {
            let mut def = CatalogDef::from(&Catalog::standard());
            // A variant of the standard catalog is another catalog: it needs its own id.
            def.id = "standard-merges".into();
            for (key, rule) in MERGE_POOL.iter().zip(rules) {
                for feature in def.features.iter_mut().filter(|f| f.key == *key) {
                    feature.merge = rule;
                }
            }
            CatalogSource::Custom(def)
        })
        .boxed()
}

/// A [`valid_tenant`] tuned for resolution, where templates meet more often:
/// - each template also sets up to 2 features of [`HOT_POOL`] (its own values win);
/// - a department or role without a template is given one, some of the time;
/// - sometimes the tenant policy turns the self-service gate (`edit_settings`) on, so that
///   preferences take effect, and sometimes `user_portal`, the requirement of
///   `call_operations` (not in [`FEATURE_POOL`]); either may be locked;
/// - a quarter of the time the catalog is the standard one with [`varied_merges`].
pub fn resolution_tenant() -> BoxedStrategy<Tenant> {
    (
        valid_tenant(),
        vec(values_from(HOT_POOL, 2), TEMPLATE_IDS.len()),
        vec(any::<bool>(), DEPARTMENT_IDS.len() + ROLE_IDS.len()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::weighted(0.25, varied_merges()),
    )
        .prop_map(|(mut tenant, hot, fill, gate, portal, catalog)| {
            if let Some(catalog) = catalog {
                tenant.catalog = catalog;
            }
            for (template, hot) in tenant.templates.iter_mut().zip(hot) {
                for (key, value) in hot {
                    template.values.entry(key).or_insert(value);
                }
            }
            let ids: Vec<String> = tenant.templates.iter().map(|t| t.id.to_string()).collect();
            let slots = tenant
                .departments
                .iter_mut()
                .map(|d| &mut d.template)
                .chain(tenant.roles.iter_mut().map(|r| &mut r.template));
            for (i, (slot, fill)) in slots.zip(fill).enumerate() {
                if slot.is_none() && fill && !ids.is_empty() {
                    *slot = Some(ids[i % ids.len()].clone().into());
                }
            }
            for (key, locked) in [("edit_settings", gate), ("user_portal", portal)] {
                if let Some(locked) = locked {
                    let value = RawValue::Bool(true);
                    tenant.policy.insert(key.to_owned(), {
                        let mut v = PolicyEntry::new(value);
                        v.locked = locked;
                        v
                    });
                }
            }
            tenant
        })
        .boxed()
}
