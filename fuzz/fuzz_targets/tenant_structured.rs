//! Structure-aware: libFuzzer's bytes become a small description (users, templates with
//! parents, departments, roles, groups, devices, policy, plan caps, and values of every shape
//! on features of the standard catalog), which is built into a `Tenant` with the crate's
//! public constructors and handed to `pbx_fuzz::exercise`.
//!
//! Most values are drawn to fit their feature's kind (so that inputs get past validation and
//! reach resolution), the rest are of random shapes: booleans, small and huge integers,
//! strings, lists, `"any"` and unreadable JSON.
#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pbx_entitlements::model::{
    AdminScope, Department, Device, EndpointAssignment, Group, Number, Plan, PolicyEntry, Role,
    Template, Tenant, User,
};
use pbx_entitlements::{Catalog, Kind, Platform, RawValue};

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::standard);

const TEMPLATES: usize = 6;
const DEPARTMENTS: usize = 4;
const ROLES: usize = 4;
const GROUPS: usize = 3;
const USERS: usize = 10;
const DEVICES: usize = 4;
const VALUES: usize = 12;

#[derive(Arbitrary, Debug)]
struct Desc {
    plan: PlanDesc,
    home_country_code: Option<u16>,
    emergency: Vec<u16>,
    numbers: Vec<NumberDesc>,
    policy: Vec<(FeatureSel, ValueDesc, bool)>,
    templates: Vec<TemplateDesc>,
    departments: Vec<UnitDesc>,
    roles: Vec<RoleDesc>,
    groups: Vec<GroupDesc>,
    users: Vec<UserDesc>,
    devices: Vec<DeviceDesc>,
}

#[derive(Arbitrary, Debug)]
struct PlanDesc {
    only: Option<Vec<FeatureSel>>,
    limits: Vec<(FeatureSel, IntDesc)>,
    choices: Vec<(FeatureSel, NameDesc)>,
    lists: Vec<(FeatureSel, Vec<ItemDesc>)>,
    seats: Vec<(FeatureSel, u8)>,
}

#[derive(Arbitrary, Debug)]
struct NumberDesc {
    digits: u32,
    ivr: Option<u8>,
    members: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct TemplateDesc {
    parent: Option<u8>,
    values: Vec<(FeatureSel, ValueDesc)>,
}

#[derive(Arbitrary, Debug)]
struct UnitDesc {
    template: Option<u8>,
    rank: i8,
}

#[derive(Arbitrary, Debug)]
struct RoleDesc {
    unit: UnitDesc,
    administers: Option<Option<Vec<u8>>>,
}

#[derive(Arbitrary, Debug)]
struct GroupDesc {
    number: Option<u16>,
    members: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct UserDesc {
    /// Another user's id (a duplicate), or the user's own.
    same_id_as: Option<u8>,
    departments: Vec<u8>,
    roles: Vec<u8>,
    overrides: Vec<(FeatureSel, ValueDesc)>,
    preferences: Vec<(FeatureSel, ValueDesc)>,
    detached: bool,
    endpoints: Vec<EndpointDesc>,
}

#[derive(Arbitrary, Debug)]
struct EndpointDesc {
    agent: bool,
    id: u16,
    primary: bool,
    from: Option<i64>,
    to: Option<i64>,
}

#[derive(Arbitrary, Debug)]
struct DeviceDesc {
    owner: u8,
    platform: u8,
    version: (u8, u8, u8),
    raw_version: Option<String>,
}

/// A feature key: one of the standard catalog (by position), or an unknown one.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum FeatureSel {
    Known(u8),
    Known2(u8),
    Known3(u8),
    Unknown(u8),
}

#[derive(Arbitrary, Debug)]
enum IntDesc {
    Small(i8),
    Huge(i64),
    Edge(bool),
}

#[derive(Arbitrary, Debug)]
enum NameDesc {
    Option(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum ItemDesc {
    Universe(u8),
    Digits(u16),
    Text(String),
}

/// A value: mostly one that fits the feature's kind, else any shape.
#[derive(Arbitrary, Debug)]
enum ValueDesc {
    Fit(u16),
    Fit2(u16),
    Fit3(u16),
    Bool(bool),
    Int(IntDesc),
    Name(NameDesc),
    Items(Vec<ItemDesc>),
    Any,
    Unreadable(u8),
}

fn feature_key(sel: FeatureSel) -> String {
    let n = CATALOG.len();
    match sel {
        FeatureSel::Known(i) | FeatureSel::Known2(i) | FeatureSel::Known3(i) => {
            CATALOG.iter().nth(usize::from(i) % n).map(|(_, f)| f.key().to_owned()).unwrap_or_default()
        }
        FeatureSel::Unknown(i) => match i % 4 {
            0 => String::new(),
            1 => format!("feature_{i}"),
            2 => "x".repeat(usize::from(i) * 2),
            _ => "max_channels\u{0}".to_owned(),
        },
    }
}

fn kind_of(key: &str) -> Option<&'static Kind> {
    CATALOG.by_key(key).map(|f| f.kind())
}

fn int(d: &IntDesc) -> i64 {
    match d {
        IntDesc::Small(n) => i64::from(*n),
        IntDesc::Huge(n) => *n,
        IntDesc::Edge(true) => i64::MAX,
        IntDesc::Edge(false) => i64::MIN,
    }
}

fn item(d: &ItemDesc, kind: Option<&Kind>) -> String {
    match d {
        ItemDesc::Universe(i) => match kind {
            Some(Kind::List {
                items: Some(universe),
                ..
            }) if !universe.is_empty() => universe[usize::from(*i) % universe.len()].clone(),
            _ => format!("{}", 40 + u16::from(*i)),
        },
        ItemDesc::Digits(n) => n.to_string(),
        ItemDesc::Text(s) => s.clone(),
    }
}

fn name(d: &NameDesc, kind: Option<&Kind>) -> String {
    match d {
        NameDesc::Option(i) => match kind {
            Some(Kind::Choice { options }) if !options.is_empty() => {
                options[usize::from(*i) % options.len()].clone()
            }
            _ => ["none", "read", "write", "any", "own", "all"][usize::from(*i) % 6].to_owned(),
        },
        NameDesc::Text(s) => s.clone(),
    }
}

/// A value for the feature `key` as described.
fn value(key: &str, d: &ValueDesc) -> RawValue {
    let kind = kind_of(key);
    match d {
        ValueDesc::Fit(n) | ValueDesc::Fit2(n) | ValueDesc::Fit3(n) => fit(kind, *n),
        ValueDesc::Bool(b) => RawValue::Bool(*b),
        ValueDesc::Int(i) => RawValue::Integer(int(i)),
        ValueDesc::Name(n) => RawValue::Text(name(n, kind)),
        ValueDesc::Items(items) => {
            RawValue::List(items.iter().take(VALUES).map(|i| item(i, kind)).collect())
        }
        ValueDesc::Any => RawValue::Text("any".to_owned()),
        ValueDesc::Unreadable(n) => RawValue::Unreadable(format!("{}.5", n)),
    }
}

/// A value of `kind`'s shape, usually inside its domain.
fn fit(kind: Option<&Kind>, n: u16) -> RawValue {
    let k = usize::from(n);
    match kind {
        None | Some(Kind::Toggle) | Some(Kind::Restriction) => RawValue::Bool(n & 1 == 1),
        Some(Kind::Access) => RawValue::Text(["none", "read", "write"][k % 3].to_owned()),
        Some(Kind::Limit { min, max }) => {
            let span = (i128::from(*max) - i128::from(*min) + 1).max(1);
            let v = i128::from(*min) + i128::from(n) % span;
            RawValue::Integer(i64::try_from(v).unwrap_or(*min))
        }
        Some(Kind::Choice { options }) => {
            RawValue::Text(options.get(k % options.len().max(1)).cloned().unwrap_or_default())
        }
        Some(Kind::List { items, .. }) => {
            if n % 7 == 0 {
                return RawValue::Text("any".to_owned());
            }
            let count = k % 4;
            let entries = (0..count)
                .map(|j| match items {
                    Some(u) if !u.is_empty() => u[(k / 4 + j * 3) % u.len()].clone(),
                    _ => format!("{}", 30 + (k / 4 + j) % 20),
                })
                .collect();
            RawValue::List(entries)
        }
        Some(_) => RawValue::Bool(false),
    }
}

fn build(d: &Desc) -> Tenant {
    let mut plan = match &d.plan.only {
        None => Plan::all("plan"),
        Some(keys) => Plan::only("plan", keys.iter().take(40).map(|k| feature_key(*k))),
    };
    for (k, v) in d.plan.limits.iter().take(VALUES) {
        plan = plan.with_limit(feature_key(*k), int(v));
    }
    for (k, v) in d.plan.choices.iter().take(VALUES) {
        let key = feature_key(*k);
        let option = name(v, kind_of(&key));
        plan = plan.with_choice(key, option);
    }
    for (k, items) in d.plan.lists.iter().take(VALUES) {
        let key = feature_key(*k);
        let kind = kind_of(&key);
        plan = plan.with_list(key, items.iter().take(VALUES).map(|i| item(i, kind)));
    }
    for (k, n) in d.plan.seats.iter().take(VALUES) {
        plan = plan.with_seats(feature_key(*k), u32::from(*n));
    }

    let mut t = Tenant::new("fuzz", plan);
    t.home_country_code = d.home_country_code.map(|c| c.to_string());
    t.emergency_numbers = d.emergency.iter().take(4).map(|n| n.to_string()).collect();
    let n_users = d.users.len().min(USERS);
    let user_id = |i: u8| format!("u{}", usize::from(i) % (n_users + 1));
    for (i, n) in d.numbers.iter().take(4).enumerate() {
        let digits = format!("+{}", n.digits);
        let mut number = match n.ivr {
            Some(ivr) => Number::ivr(digits, format!("ivr{ivr}")),
            None => Number::new(digits),
        };
        for m in n.members.iter().take(4) {
            number = number.with_member(user_id(*m));
        }
        let _ = i;
        t.numbers.push(number);
    }
    for (k, v, locked) in d.policy.iter().take(VALUES) {
        let key = feature_key(*k);
        let raw = value(&key, v);
        t.policy.insert(
            key,
            if *locked { PolicyEntry::locked(raw) } else { PolicyEntry::new(raw) },
        );
    }
    let n_templates = d.templates.len().min(TEMPLATES);
    let template_id = |i: u8| format!("t{}", usize::from(i) % (n_templates + 1));
    for (i, td) in d.templates.iter().take(TEMPLATES).enumerate() {
        let mut template = Template::new(format!("t{i}"));
        if let Some(p) = td.parent {
            template = template.with_parent(template_id(p));
        }
        for (k, v) in td.values.iter().take(VALUES) {
            let key = feature_key(*k);
            let raw = value(&key, v);
            template = template.with_value(key, raw);
        }
        t.templates.push(template);
    }
    let n_departments = d.departments.len().min(DEPARTMENTS);
    for (i, ud) in d.departments.iter().take(DEPARTMENTS).enumerate() {
        let mut dep = Department::new(format!("d{i}")).with_rank(i32::from(ud.rank));
        if let Some(tpl) = ud.template {
            dep = dep.with_template(template_id(tpl));
        }
        t.departments.push(dep);
    }
    let n_roles = d.roles.len().min(ROLES);
    for (i, rd) in d.roles.iter().take(ROLES).enumerate() {
        let mut role = Role::new(format!("r{i}")).with_rank(i32::from(rd.unit.rank));
        if let Some(tpl) = rd.unit.template {
            role = role.with_template(template_id(tpl));
        }
        match &rd.administers {
            None => {}
            Some(None) => role = role.with_administers(AdminScope::Tenant),
            Some(Some(units)) => {
                let ids = units
                    .iter()
                    .take(4)
                    .map(|u| match u % 2 {
                        0 => format!("d{}", usize::from(u / 2) % (n_departments + 1)),
                        _ => format!("r{}", usize::from(u / 2) % (n_roles + 1)),
                    })
                    .collect();
                role = role.with_administers(AdminScope::Units(ids));
            }
        }
        t.roles.push(role);
    }
    for (i, gd) in d.groups.iter().take(GROUPS).enumerate() {
        let mut group = Group::new(format!("g{i}"));
        if let Some(n) = gd.number {
            group = group.with_number(n.to_string());
        }
        for m in gd.members.iter().take(6) {
            group = group.with_member(user_id(*m));
        }
        t.groups.push(group);
    }
    for (i, ud) in d.users.iter().take(USERS).enumerate() {
        let id = match ud.same_id_as {
            Some(other) if other % 8 == 0 => user_id(other / 8),
            _ => format!("u{i}"),
        };
        let mut user = User::new(id);
        for dep in ud.departments.iter().take(4) {
            user = user.with_department(format!("d{}", usize::from(*dep) % (n_departments + 1)));
        }
        for role in ud.roles.iter().take(4) {
            user = user.with_role(format!("r{}", usize::from(*role) % (n_roles + 1)));
        }
        for (k, v) in ud.overrides.iter().take(VALUES) {
            let key = feature_key(*k);
            let raw = value(&key, v);
            user = user.with_override(key, raw);
        }
        for (k, v) in ud.preferences.iter().take(VALUES) {
            let key = feature_key(*k);
            let raw = value(&key, v);
            user = user.with_preference(key, raw);
        }
        if ud.detached {
            user = user.detached();
        }
        for e in ud.endpoints.iter().take(3) {
            let mut ep = if e.agent {
                EndpointAssignment::agent(e.id.to_string())
            } else {
                EndpointAssignment::extension(e.id.to_string())
            };
            if e.primary {
                ep = ep.primary();
            }
            if let Some(from) = e.from {
                ep = ep.since(from);
            }
            if let Some(to) = e.to {
                ep = ep.until(to);
            }
            user = user.with_endpoint(ep);
        }
        t.users.push(user);
    }
    for (i, dd) in d.devices.iter().take(DEVICES).enumerate() {
        let platform = Platform::ALL[usize::from(dd.platform) % Platform::ALL.len()];
        let version = match &dd.raw_version {
            Some(v) => v.clone(),
            None => format!("{}.{}.{}", dd.version.0, dd.version.1, dd.version.2),
        };
        t.devices.push(Device::new(format!("dev{i}"), user_id(dd.owner), platform, version));
    }
    t
}

fuzz_target!(|desc: Desc| {
    let tenant = build(&desc);
    pbx_fuzz::exercise(&tenant);
});
