//! The reference workload (README, "Performance"), generated deterministically from a seed.
//!
//! `Catalog::standard()`, 100 000 users, 200 departments, 20 roles, each user in 1–3 departments
//! and 0–2 roles, 10 % of users with 1–5 overrides, 20 % with self-preferences, 2 devices per
//! user, a few tenant locks, 20 hunt groups; each user holds an extension, one in five an agent
//! id too, and one in a hundred an extension that changed hands. [`recordings`] gives the
//! 1 000 000 recordings of the call log. The same seed gives the same tenant on every machine: the generator
//! uses its own SplitMix64, never a randomly seeded hasher.
//!
//! Shared by the benches (`mod workload;`) and tests (`#[path = "../benches/workload/mod.rs"]`).
#![allow(dead_code)]

use pbx_entitlements::Platform;
use pbx_entitlements::RawValue;
use pbx_entitlements::model::{
    Department, Device, EndpointAssignment, Group, Leg, Plan, PolicyEntry, Recording, Role,
    Template, Tenant, User,
};

/// The sizes of a generated tenant.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub users: usize,
    pub departments: usize,
    pub roles: usize,
    pub devices_per_user: usize,
    pub groups: usize,
    /// Whether each department's template carries its own 5-entry lists (replay numbers,
    /// country codes, caller-ID numbers), so that users in several departments merge lists.
    pub lists: bool,
}

impl Shape {
    /// The reference workload.
    pub const REFERENCE: Shape = Shape {
        users: 100_000,
        departments: 200,
        roles: 20,
        devices_per_user: 2,
        groups: 20,
        lists: false,
    };

    /// The reference workload with list values in every department's template.
    pub const WITH_LISTS: Shape = Shape {
        lists: true,
        ..Shape::REFERENCE
    };

    /// The reference workload ten times over: 1 000 000 users, 2 000 departments, 200 roles.
    pub const MILLION: Shape = Shape {
        users: 1_000_000,
        departments: 2_000,
        roles: 200,
        ..Shape::REFERENCE
    };
}

/// How many tenant numbers a tenant with lists has: caller-ID lists choose among them.
pub const NUMBERS: usize = 50;

/// A tenant number.
pub fn number(n: usize) -> String {
    format!("+4822123{n:04}")
}

/// Country codes department lists draw from.
const COUNTRY_CODES: &[&str] = &[
    "1", "7", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "351", "352", "353", "354", "358", "359", "370", "371", "372", "380", "420", "421",
];

/// Five distinct entries drawn by `draw`.
fn five(rng: &mut Rng, mut draw: impl FnMut(&mut Rng) -> String) -> RawValue {
    let mut entries: Vec<String> = Vec::new();
    while entries.len() < 5 {
        let entry = draw(rng);
        if !entries.contains(&entry) {
            entries.push(entry);
        }
    }
    RawValue::List(entries)
}

/// The instant extensions that change hands do so, and the call log's time range.
pub const HANDOVER: i64 = 1_750_000_000;
pub const LOG_START: i64 = 1_700_000_000;
pub const LOG_END: i64 = 1_800_000_000;

/// A user's extension and agent id.
pub fn extension(u: usize) -> String {
    format!("{}", 100_000 + u)
}

pub fn agent(u: usize) -> String {
    format!("{}", 500_000 + u)
}

/// The viewer of the recording benchmarks: replay own, two replay groups and three numbers in
/// the replay list, set by overrides (the reference user with the most to check).
pub const VIEWER: &str = "u000042";

/// SplitMix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Feature values that templates and overrides draw from: (key, candidate values).
fn value_pool() -> Vec<(&'static str, Vec<RawValue>)> {
    let b = |v: bool| RawValue::Bool(v);
    let t = |s: &str| RawValue::Text(s.to_owned());
    let access = || vec![t("none"), t("read"), t("write")];
    vec![
        ("calls", vec![b(true), b(false)]),
        ("sms", vec![b(true), b(false)]),
        ("voicemail", vec![b(true)]),
        ("chat", vec![b(true), b(false)]),
        ("do_not_disturb", vec![b(true)]),
        ("edition_business", vec![b(true)]),
        ("edition_ios", vec![b(true)]),
        ("edition_android", vec![b(true)]),
        ("module_crm", vec![b(true)]),
        ("user_portal", vec![b(true)]),
        ("menu_profile", access()),
        ("menu_call_handling", access()),
        ("recordings_replay", vec![t("none"), t("own"), t("all")]),
        ("recordings_download", vec![b(true)]),
        ("record_conversations", vec![b(true), b(false)]),
        ("show_waiting_list", vec![b(true)]),
        ("pick_up_waiting_calls", vec![b(true)]),
        ("tag_calls", vec![b(true)]),
        ("tags_required", vec![b(true), b(false)]),
        ("only_own_logs", vec![b(true), b(false)]),
        (
            "after_call_work_seconds",
            vec![
                RawValue::Integer(0),
                RawValue::Integer(30),
                RawValue::Integer(120),
            ],
        ),
        ("max_channels", (1..=8).map(RawValue::Integer).collect()),
        (
            "recording_percentage",
            vec![RawValue::Integer(50), RawValue::Integer(100)],
        ),
        ("dashboard_logs", access()),
        ("dashboard_statistics", access()),
        ("international_calls", vec![b(true)]),
        (
            "allowed_country_codes",
            vec![
                RawValue::List(vec!["48".into(), "49".into()]),
                RawValue::List(vec!["48".into()]),
                t("any"),
            ],
        ),
        (
            "recordings_replay_groups",
            vec![RawValue::List(vec!["g01".into(), "g02".into()])],
        ),
        (
            "caller_id_mode",
            vec![t("fixed"), t("assigned_ivr"), t("selected")],
        ),
        ("listen_live", vec![b(true)]),
    ]
}

/// User-adjustable features a user may lower.
const PREFERENCES: &[&str] = &[
    "chat",
    "do_not_disturb",
    "voicemail",
    "snooze",
    "video_conference",
    "power_dialer",
    "record_conversations",
    "crm_overlay",
];

fn values(
    rng: &mut Rng,
    pool: &[(&'static str, Vec<RawValue>)],
    count: usize,
) -> indexmap::IndexMap<String, RawValue> {
    let mut out = indexmap::IndexMap::new();
    for _ in 0..count {
        let (key, candidates) = rng.pick(pool);
        out.insert((*key).to_owned(), rng.pick(candidates).clone());
    }
    out
}

/// A tenant of the given shape, the same for the same seed.
pub fn tenant(shape: Shape, seed: u64) -> Tenant {
    let mut rng = Rng::new(seed);
    let pool = value_pool();
    let mut plan = Plan::all("reference");
    plan.limits.insert("max_channels".into(), 6);
    plan.choices
        .insert("recordings_replay".into(), "all".into());
    plan.seats
        .insert("module_crm".into(), (shape.users / 2) as u32);
    let mut tenant = Tenant::new("reference", plan);

    for (key, value, locked) in [
        ("agent_pause", false, true),
        ("access_codes", false, true),
        ("notify_when_recording", true, true),
        ("edit_settings", true, false),
        ("voicemail", true, false),
    ] {
        let entry = if locked {
            PolicyEntry::locked(value)
        } else {
            PolicyEntry::new(value)
        };
        tenant.policy.insert(key.into(), entry);
    }

    // A shared base template, one per department and one per role; half extend the base.
    let mut base = Template::new("base");
    base.values = values(&mut rng, &pool, 6);
    tenant.templates.push(base);
    for d in 0..shape.departments {
        let n = rng.between(3, 10);
        let mut template = Template::new(format!("dept-{d:03}"));
        template.parent = rng.chance(50).then(|| "base".into());
        template.values = values(&mut rng, &pool, n);
        if shape.lists {
            let users = shape.users;
            let lists = [
                (
                    "recordings_replay_others",
                    five(&mut rng, |r| extension(r.below(users))),
                ),
                (
                    "allowed_country_codes",
                    five(&mut rng, |r| (*r.pick(COUNTRY_CODES)).to_owned()),
                ),
                (
                    "caller_id_numbers",
                    five(&mut rng, |r| number(r.below(NUMBERS))),
                ),
            ];
            for (key, list) in lists {
                template.values.insert(key.into(), list);
            }
        }
        tenant.templates.push(template);
        tenant.departments.push(
            Department::new(format!("d{d:03}"))
                .with_template(format!("dept-{d:03}"))
                .with_rank(rng.below(100) as i32),
        );
    }
    for r in 0..shape.roles {
        let n = rng.between(2, 6);
        let mut template = Template::new(format!("role-{r:02}"));
        template.values = values(&mut rng, &pool, n);
        tenant.templates.push(template);
        tenant.roles.push(
            Role::new(format!("r{r:02}"))
                .with_template(format!("role-{r:02}"))
                .with_rank(rng.below(100) as i32),
        );
    }

    let platforms = [
        Platform::Android,
        Platform::Ios,
        Platform::Desktop,
        Platform::Web,
        Platform::DeskPhone,
    ];
    for u in 0..shape.users {
        let mut user = User::new(format!("u{u:06}"));
        for _ in 0..rng.between(1, 3) {
            user.departments
                .push(format!("d{:03}", rng.below(shape.departments)).into());
        }
        for _ in 0..rng.between(0, 2) {
            user.roles
                .push(format!("r{:02}", rng.below(shape.roles)).into());
        }
        if rng.chance(10) {
            let n = rng.between(1, 5);
            user.overrides = values(&mut rng, &pool, n);
        }
        if rng.chance(20) {
            for _ in 0..rng.between(1, 3) {
                user.preferences
                    .insert((*rng.pick(PREFERENCES)).to_owned(), RawValue::Bool(false));
            }
        }
        if u % 100 == 99 {
            // An extension that changed hands: the user's own until the handover, then the
            // next user's secondary.
            user.endpoints.push(
                EndpointAssignment::extension(extension(u))
                    .primary()
                    .until(HANDOVER),
            );
            user.endpoints.push(
                EndpointAssignment::extension(extension(u + 1_000_000))
                    .primary()
                    .since(HANDOVER),
            );
        } else {
            user.endpoints
                .push(EndpointAssignment::extension(extension(u)).primary());
        }
        if u.is_multiple_of(100) && u > 0 {
            // Takes over the previous user's extension at the handover.
            user.endpoints
                .push(EndpointAssignment::extension(extension(u - 1)).since(HANDOVER));
        }
        if u.is_multiple_of(5) {
            user.endpoints.push(EndpointAssignment::agent(agent(u)));
        }
        if user.id.as_str() == VIEWER {
            user.overrides = values_of(&[
                ("recordings_replay", RawValue::Text("own".into())),
                (
                    "recordings_replay_groups",
                    RawValue::List(vec!["g01".into(), "g02".into()]),
                ),
                (
                    "recordings_replay_others",
                    RawValue::List(vec!["100007".into(), "77".into(), "+48221230003".into()]),
                ),
                ("recordings_download", RawValue::Bool(true)),
            ]);
        }
        for k in 0..shape.devices_per_user {
            let platform = *rng.pick(&platforms);
            let version = format!("6.{}.{}", rng.below(6), rng.below(10));
            tenant.devices.push(
                Device::new(
                    format!("dev-{u:06}-{k}"),
                    user.id.clone(),
                    platform,
                    version,
                )
                .with_app_id("com.example.voice")
                .with_last_seen(1_763_000_000 + rng.below(1_000_000) as i64),
            );
        }
        tenant.users.push(user);
    }
    if shape.lists {
        for n in 0..NUMBERS {
            tenant
                .numbers
                .push(pbx_entitlements::model::Number::new(number(n)));
        }
    }
    for g in 0..shape.groups {
        let mut group = Group::new(format!("g{:02}", g + 1)).with_number(format!("{}", 600 + g));
        for _ in 0..10 {
            group = group.with_member(format!("u{:06}", rng.below(shape.users)));
        }
        tenant.groups.push(group);
    }
    tenant
}

fn values_of(pairs: &[(&str, RawValue)]) -> indexmap::IndexMap<String, RawValue> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// `count` recordings of calls between `LOG_START` and `LOG_END` in a tenant of `shape`, the
/// same for the same seed: one or two legs on users' extensions (one in five with the user's
/// agent id), one in three handled by a group, one in five with an account code, half with a
/// line.
pub fn recordings(shape: Shape, count: usize, seed: u64) -> Vec<Recording> {
    let mut rng = Rng::new(seed);
    let span = (LOG_END - LOG_START) as usize;
    (0..count)
        .map(|i| {
            let start = LOG_START + rng.below(span) as i64;
            let mut recording = Recording::new(format!("rec-{i:07}"), start);
            for _ in 0..rng.between(1, 2) {
                let u = rng.below(shape.users);
                let mut leg = Leg::extension(extension(u));
                if u.is_multiple_of(5) && rng.chance(50) {
                    leg = leg.with_agent(agent(u));
                }
                recording = recording.with_leg(leg);
            }
            if rng.chance(33) {
                recording = recording.with_group(format!("g{:02}", rng.below(shape.groups) + 1));
            }
            if rng.chance(20) {
                recording = recording.with_account_code(format!("{}", rng.below(100)));
            }
            if rng.chance(50) {
                recording = recording.with_line(format!("+4822123{:04}", rng.below(10_000)));
            }
            recording
        })
        .collect()
}
