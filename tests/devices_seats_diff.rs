//! Devices, seats and diffs: SPEC §3.2 layers 5 (seat ceiling) and 8 (device projection), §4,
//! §5 and the shapes of §12 (`--devices`, `--licences`, `--diff`).
//!
//! 1. Properties over generated tenants ([`resolution_tenant`] with more devices, device
//!    constraints on features other features require, seat-licensed values and seat counts):
//!    - a device never holds what its owner lacks, and projection only moves a value to off;
//!    - a device's value is off exactly when its constraint refuses the device, a requirement
//!      is unmet on the device, or the owner's value is off (an independent oracle);
//!    - every device at once agrees with each device alone and with its explanation;
//!    - seats: counts, holders, allocation order, order independence, no effect unenforced;
//!    - diffs: empty against itself; applying one turns the first resolution into the second.
//! 2. Exact explanations, device lists, licence reports and diffs.
//! 3. Seed 000 (IPVoice): the License Counter and the Devices page.
//!
//! Values are compared as typed [`Value`]s or as the interchange JSON of `tenant()`,
//! `devices()` and `licences()`, never as packed rows. Failure messages carry the tenant as
//! JSON, ready to paste into a regression test.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use pbx_entitlements::diff::{Change, Diff, Subject};
use pbx_entitlements::model::{
    CatalogSource, Device, EndpointAssignment, Plan, PolicyEntry, Tenant, User, Values,
};
use pbx_entitlements::resolve::{Effect, Layer};
use pbx_entitlements::{
    AppVersion, Catalog, CatalogDef, Entitlements, FeatureDef, Kind, LookupError, Platform,
    Platforms, RawValue, RequirementDef, Resolver, TenantIndex, Value, validate, validate_against,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value as Json, json};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The tenant as JSON, for failure messages.
fn doc(t: &Tenant) -> String {
    serde_json::to_string(t).unwrap_or_else(|e| format!("<unserialisable: {e}>"))
}

/// The index of a tenant that must be valid.
fn index(t: &Tenant) -> TenantIndex {
    match validate(t) {
        Ok(index) => index,
        Err(e) => panic!("the tenant should be valid, but: {e}\n{}", doc(t)),
    }
}

/// A tenant from a JSON document.
fn tenant(document: Json) -> Tenant {
    serde_json::from_value(document).expect("the test document is a well-formed tenant")
}

/// Every value of a resolution, in catalog order.
fn values(e: &Entitlements) -> Vec<Value> {
    e.iter().map(|(_, _, v)| v).collect()
}

/// Any serialisable result as JSON.
fn to_json(value: &impl serde::Serialize) -> Json {
    serde_json::to_value(value).expect("results serialise")
}

/// The ids of the rows of a device list.
fn ids(list: &pbx_entitlements::DeviceList<'_>) -> Vec<String> {
    list.rows().map(|row| row.device.id().to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Standard features that devices constrain (or that require one that is constrained), given
/// to users as extra overrides so that projection has something to take away.
const DEVICE_POOL: &[&str] = &[
    "crm_overlay",
    "chat",
    "edition_ios",
    "edition_android",
    "edition_desktop",
    "video_conference",
    "voicemail",
    "voicemail_drop",
    "tag_calls",
    "tags_required",
    "note_required",
    "after_call_work_seconds",
    "recordings_replay",
    "recordings_download",
    "calls",
    "international_calls",
    "user_portal",
    "enduser_wizard",
    "call_reporting",
];

/// The value of a feature of [`DEVICE_POOL`] that puts it in effect.
fn on_value(key: &str) -> RawValue {
    match key {
        "after_call_work_seconds" => RawValue::Integer(60),
        "recordings_replay" => RawValue::from("all"),
        _ => RawValue::Bool(true),
    }
}

/// Overrides of one user from [`DEVICE_POOL`]: mostly features put in effect (whole chains of
/// requirements at once), sometimes any valid value.
fn device_overrides() -> BoxedStrategy<Values> {
    prop_oneof![
        3 => proptest::sample::subsequence(DEVICE_POOL, 0..=DEVICE_POOL.len())
            .prop_map(|keys| keys.into_iter().map(|k| (k.to_owned(), on_value(k))).collect()),
        1 => proptest::sample::subsequence(DEVICE_POOL, 0..=3)
            .prop_flat_map(|keys| {
                keys.into_iter()
                    .map(|k| raw_value_for(k).prop_map(move |v| (k.to_owned(), v)))
                    .collect::<Vec<_>>()
            })
            .prop_map(|pairs| pairs.into_iter().collect()),
    ]
    .boxed()
}
/// App versions of generated devices: below, at and above every minimum of
/// [`with_device_constraints`], and `6.9.3` against `6.10.0` (numeric, not textual, order).
const VERSIONS: &[&str] = &["0.0.0", "6.4", "6.9.3", "6.10.0", "7", "7.1.2"];

/// Device ids, in an order that is not byte order (`d10` < `d2`, `Desk` < `d1`).
const DEVICE_IDS: &[&str] = &["d2", "d10", "d1", "Desk", "tablet", "d9"];

/// Device constraints the standard catalog does not have, on features that other features
/// require, one at least of every kind:
///
/// | feature | kind | needs | required by |
/// |---|---|---|---|
/// | `tag_calls` | toggle | app 6.10.0 | `tags_required` (restriction) |
/// | `voicemail` | toggle | not web | `voicemail_drop` |
/// | `calls` | toggle | app 6.4.0 | `international_calls` |
/// | `user_portal` | toggle | app 6.9.3 | menus, `call_operations`, `call_reporting`, … |
/// | `recordings_replay` | choice | not a desk phone | download, groups, others (≥ own) |
/// | `after_call_work_seconds` | limit | not web | `note_required` (≥ 1) |
/// | `max_channels` | limit | desk phone or desktop, app 6.9.3 | |
/// | `allowed_country_codes` | list | app 7.0.0 | |
/// | `user_management` | access | desktop or web | |
/// | `only_own_logs` | restriction | android or ios | |
fn with_device_constraints(def: &mut CatalogDef) {
    let v = |major, minor, patch| Some(AppVersion::new(major, minor, patch));
    let all = Platforms::all();
    let constraints: [(&str, Option<Platforms>, Option<AppVersion>); 10] = [
        ("tag_calls", None, v(6, 10, 0)),
        ("voicemail", Some(all.difference(Platforms::WEB)), None),
        ("calls", None, v(6, 4, 0)),
        ("user_portal", None, v(6, 9, 3)),
        (
            "recordings_replay",
            Some(all.difference(Platforms::DESK_PHONE)),
            None,
        ),
        (
            "after_call_work_seconds",
            Some(all.difference(Platforms::WEB)),
            None,
        ),
        (
            "max_channels",
            Some(Platforms::DESK_PHONE | Platforms::DESKTOP),
            v(6, 9, 3),
        ),
        ("allowed_country_codes", None, v(7, 0, 0)),
        (
            "user_management",
            Some(Platforms::DESKTOP | Platforms::WEB),
            None,
        ),
        (
            "only_own_logs",
            Some(Platforms::ANDROID | Platforms::IOS),
            None,
        ),
    ];
    for feature in &mut def.features {
        if let Some((_, platforms, min)) = constraints.iter().find(|c| c.0 == feature.key) {
            if platforms.is_some() {
                feature.platforms = *platforms;
            }
            feature.min_version = *min;
        }
    }
}

/// A [`resolution_tenant`] for device projection:
/// - each user also gets overrides from [`DEVICE_POOL`] ([`device_overrides`]; their own
///   overrides win);
/// - 0..=6 devices ([`DEVICE_IDS`]) of random owners, platforms and versions ([`VERSIONS`]);
/// - half of the time the catalog (standard, or the variant with other merge rules) gets the
///   constraints of [`with_device_constraints`].
fn device_tenant() -> impl Strategy<Value = Tenant> {
    (
        resolution_tenant(),
        vec(device_overrides(), USER_IDS.len()),
        vec(
            (any::<Index>(), select(&Platform::ALL[..]), select(VERSIONS)),
            0..=DEVICE_IDS.len(),
        ),
        any::<bool>(),
    )
        .prop_map(|(mut t, extra, devices, constrain)| {
            for (user, extra) in t.users.iter_mut().zip(extra) {
                for (key, value) in extra {
                    user.overrides.entry(key).or_insert(value);
                }
            }
            if !t.users.is_empty() {
                let owners: Vec<_> = t.users.iter().map(|u| u.id.clone()).collect();
                t.devices = devices
                    .into_iter()
                    .zip(DEVICE_IDS)
                    .map(|((owner, platform, version), id)| {
                        Device::new(*id, owner.get(&owners).clone(), platform, version)
                            .with_app_id("com.example.voice")
                    })
                    .collect();
            }
            if constrain {
                let mut def = match std::mem::take(&mut t.catalog) {
                    CatalogSource::Custom(def) => def,
                    _ => {
                        let mut def = CatalogDef::from(&Catalog::standard());
                        def.id = "standard-devices".into();
                        def
                    }
                };
                with_device_constraints(&mut def);
                t.catalog = CatalogSource::Custom(def);
            }
            t
        })
}

/// The seat-licensed features of the standard catalog that seat tenants use.
const SEAT_POOL: &[&str] = &[
    "edition_business",
    "edition_ios",
    "edition_android",
    "module_crm",
];

/// Values for some features of [`SEAT_POOL`], on four times out of five.
fn seat_values() -> BoxedStrategy<Values> {
    proptest::sample::subsequence(SEAT_POOL, 0..=SEAT_POOL.len())
        .prop_flat_map(|keys| {
            keys.into_iter()
                .map(|k| {
                    proptest::bool::weighted(0.8)
                        .prop_map(move |on| (k.to_owned(), RawValue::Bool(on)))
                })
                .collect::<Vec<_>>()
        })
        .prop_map(|pairs| pairs.into_iter().collect())
        .boxed()
}

/// A [`valid_tenant`] with seats:
/// - each template also sets some features of [`SEAT_POOL`], each user overrides some
///   ([`seat_values`]);
/// - the plan sells 0..=4 seats of each [`SEAT_POOL`] feature, or none, and enforces them or
///   not;
/// - half of the time the catalog is the standard one with `crm_overlay` requiring
///   `module_crm`, and users at even positions override `crm_overlay` on, so that a refused
///   seat has something to take along.
fn seat_tenant() -> impl Strategy<Value = Tenant> {
    (
        valid_tenant(),
        vec(seat_values(), TEMPLATE_IDS.len()),
        vec(seat_values(), USER_IDS.len()),
        vec(option::of(0u32..=4), SEAT_POOL.len()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(mut t, template_values, overrides, seats, enforce, follow)| {
                for (template, extra) in t.templates.iter_mut().zip(template_values) {
                    for (key, value) in extra {
                        template.values.entry(key).or_insert(value);
                    }
                }
                for (user, extra) in t.users.iter_mut().zip(overrides) {
                    for (key, value) in extra {
                        user.overrides.entry(key).or_insert(value);
                    }
                }
                t.plan.seats.clear();
                for (key, count) in SEAT_POOL.iter().zip(seats) {
                    if let Some(count) = count {
                        t.plan.seats.insert((*key).to_owned(), count);
                    }
                }
                t.plan.enforce_seats = enforce;
                if follow {
                    let mut def = CatalogDef::from(&Catalog::standard());
                    def.id = "standard-seats".into();
                    for feature in def.features.iter_mut().filter(|f| f.key == "crm_overlay") {
                        feature.requires.push(RequirementDef::on("module_crm"));
                    }
                    t.catalog = CatalogSource::Custom(def);
                    for user in t.users.iter_mut().step_by(2) {
                        user.overrides
                            .entry("crm_overlay".to_owned())
                            .or_insert(RawValue::Bool(true));
                    }
                }
                t
            },
        )
}

/// One edit an admin makes between two versions of a tenant; every edit keeps it valid.
#[derive(Debug, Clone)]
enum Edit {
    /// Sets an override of a user.
    Override(Index, String, RawValue),
    /// Sets a value of a template.
    TemplateValue(Index, String, RawValue),
    /// Clears a user's overrides.
    ClearOverrides(Index),
    /// Sets a tenant policy entry.
    Policy(String, RawValue, bool),
    /// Removes a user, their devices and their group and number memberships.
    RemoveUser(Index),
    /// Adds user `zed` in some departments, with overrides and maybe a device `dz`.
    AddUser(Vec<Index>, Values, Option<(Platform, &'static str)>),
    /// Removes a device.
    RemoveDevice(Index),
    /// A device re-registers with another platform and app version.
    Reregister(Index, Platform, &'static str),
}

/// A feature key of [`FEATURE_POOL`] or [`DEVICE_POOL`] with a valid value.
fn key_value() -> BoxedStrategy<(String, RawValue)> {
    let keys: Vec<&'static str> = FEATURE_POOL.iter().chain(DEVICE_POOL).copied().collect();
    select(keys)
        .prop_flat_map(|key| raw_value_for(key).prop_map(move |v| (key.to_owned(), v)))
        .boxed()
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), key_value()).prop_map(|(u, (k, v))| Edit::Override(u, k, v)),
        3 => (any::<Index>(), key_value()).prop_map(|(t, (k, v))| Edit::TemplateValue(t, k, v)),
        1 => any::<Index>().prop_map(Edit::ClearOverrides),
        1 => (key_value(), any::<bool>()).prop_map(|((k, v), locked)| Edit::Policy(k, v, locked)),
        1 => any::<Index>().prop_map(Edit::RemoveUser),
        1 => (
            vec(any::<Index>(), 0..=2),
            vec(key_value(), 0..=3),
            option::of((select(&Platform::ALL[..]), select(VERSIONS))),
        )
            .prop_map(|(departments, overrides, device)| {
                Edit::AddUser(departments, overrides.into_iter().collect(), device)
            }),
        1 => any::<Index>().prop_map(Edit::RemoveDevice),
        1 => (any::<Index>(), select(&Platform::ALL[..]), select(VERSIONS))
            .prop_map(|(d, p, v)| Edit::Reregister(d, p, v)),
    ]
}

/// `t` after `edit` (unchanged when the edit names something the tenant does not have).
fn apply_edit(t: &Tenant, edit: &Edit) -> Tenant {
    let mut t = t.clone();
    match edit {
        Edit::Override(u, key, value) if !t.users.is_empty() => {
            let i = u.index(t.users.len());
            t.users[i].overrides.insert(key.clone(), value.clone());
        }
        Edit::TemplateValue(i, key, value) if !t.templates.is_empty() => {
            let i = i.index(t.templates.len());
            t.templates[i].values.insert(key.clone(), value.clone());
        }
        Edit::ClearOverrides(u) if !t.users.is_empty() => {
            let i = u.index(t.users.len());
            t.users[i].overrides.clear();
        }
        Edit::Policy(key, value, locked) => {
            let mut entry = PolicyEntry::new(value.clone());
            entry.locked = *locked;
            t.policy.insert(key.clone(), entry);
        }
        Edit::RemoveUser(u) if !t.users.is_empty() => {
            let gone = t.users.remove(u.index(t.users.len())).id;
            t.devices.retain(|d| d.owner != gone);
            for group in &mut t.groups {
                group.members.retain(|m| *m != gone);
            }
            for number in &mut t.numbers {
                number.members.retain(|m| *m != gone);
            }
        }
        Edit::AddUser(departments, overrides, device) => {
            let mut zed = User::new("zed");
            if !t.departments.is_empty() {
                let mut chosen: Vec<_> = departments
                    .iter()
                    .map(|d| t.departments[d.index(t.departments.len())].id.clone())
                    .collect();
                chosen.sort();
                chosen.dedup();
                zed.departments = chosen;
            }
            zed.overrides = overrides.clone();
            t.users.push(zed);
            if let Some((platform, version)) = device {
                t.devices
                    .push(Device::new("dz", "zed", *platform, *version));
            }
        }
        Edit::RemoveDevice(d) if !t.devices.is_empty() => {
            t.devices.remove(d.index(t.devices.len()));
        }
        Edit::Reregister(d, platform, version) if !t.devices.is_empty() => {
            let i = d.index(t.devices.len());
            t.devices[i].platform = *platform;
            t.devices[i].version = (*version).to_owned();
        }
        _ => {}
    }
    t
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Properties: device projection (§3.2 layer 8, §4)
// ---------------------------------------------------------------------------------------------

/// Each device with its owner's values and its own, in catalog order.
struct Projected {
    device: String,
    platform: Platform,
    version: AppVersion,
    owner: Vec<Value>,
    values: Vec<Value>,
}

fn projected(index: &TenantIndex) -> Vec<Projected> {
    let r = Resolver::new(index);
    index
        .devices()
        .iter()
        .map(|d| {
            let owner = index.user(d.owner()).expect("a device's owner exists");
            Projected {
                device: d.id().to_string(),
                platform: d.platform(),
                version: d.version(),
                owner: values(&r.user(owner.id()).expect("the owner resolves")),
                values: values(&r.device(d.id()).expect("the device resolves")),
            }
        })
        .collect()
}

/// Layer 8 written from SPEC §4 alone: starting from the owner's values, any feature that is
/// on and whose device constraint refuses the device, or one of whose requirements the device's
/// values do not meet, goes off; repeated until nothing changes (only ever lowering to off, so
/// this ends, whatever order the catalog lists requirements in).
fn project_oracle(
    catalog: &Catalog,
    owner: &[Value],
    platform: Platform,
    version: AppVersion,
) -> Vec<Value> {
    let mut device = owner.to_vec();
    loop {
        let mut changed = false;
        for (id, feature) in catalog.iter() {
            let off = feature.kind().off();
            if device[id.index()] == off {
                continue;
            }
            let refused = feature.device().check(platform, version).is_err();
            let unmet = feature.requires().iter().any(|r| {
                let kind = catalog
                    .get(r.feature)
                    .expect("requirements name features")
                    .kind();
                !r.condition.holds(kind, &device[r.feature.index()])
            });
            if refused || unmet {
                device[id.index()] = off;
                changed = true;
            }
        }
        if !changed {
            return device;
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A device never holds a feature its owner lacks: each of its values is the owner's or
    /// the kind's off value, and, for every kind but the restriction toggle (whose off value
    /// `false` lifts the restriction), no more permissive than the owner's.
    #[test]
    fn a_device_holds_its_owners_value_or_off(t in device_tenant()) {
        let index = index(&t);
        let catalog = index.catalog();
        for d in projected(&index) {
            for ((_, feature), (owner, device)) in
                catalog.iter().zip(d.owner.iter().zip(&d.values))
            {
                let kind = feature.kind();
                prop_assert!(
                    device == owner || *device == kind.off(),
                    "device {} {}: {} is neither the owner's {} nor off\n{}",
                    d.device, feature.key(), device, owner, doc(&t)
                );
                if *kind != Kind::Restriction {
                    prop_assert!(
                        owner.permits(device),
                        "device {} {}: {} is above the owner's {}\n{}",
                        d.device, feature.key(), device, owner, doc(&t)
                    );
                }
            }
        }
    }

    /// A device's value is off exactly when the feature's device constraint refuses the
    /// device's platform or app version, a requirement is unmet on the device, or the owner's
    /// value is off; otherwise it is the owner's. Checked against [`project_oracle`] and, per
    /// feature, as that equivalence over the device's own values.
    #[test]
    fn a_device_value_is_off_exactly_when_refused_unmet_or_off_for_the_owner(
        t in device_tenant()
    ) {
        let index = index(&t);
        let catalog = index.catalog();
        for d in projected(&index) {
            let expected = project_oracle(catalog, &d.owner, d.platform, d.version);
            prop_assert_eq!(
                &d.values, &expected,
                "device {} ({} {})\n{}", d.device, d.platform, d.version, doc(&t)
            );
            for (id, feature) in catalog.iter() {
                let off = feature.kind().off();
                let refused = feature.device().check(d.platform, d.version).is_err();
                let unmet = feature.requires().iter().any(|r| {
                    let kind = catalog.get(r.feature).expect("a known feature").kind();
                    !r.condition.holds(kind, &d.values[r.feature.index()])
                });
                let owner_off = d.owner[id.index()] == off;
                prop_assert_eq!(
                    d.values[id.index()] == off,
                    refused || unmet || owner_off,
                    "device {} {}: refused {}, unmet {}, owner off {}\n{}",
                    &d.device, feature.key(), refused, unmet, owner_off, doc(&t)
                );
            }
        }
    }

    /// `Resolver::devices()` resolves every device at once exactly as `Resolver::device(id)`
    /// does alone, in device-id byte order, and `explain_device` ends at the device's value.
    #[test]
    fn every_device_at_once_agrees_with_each_device_and_its_explanation(t in device_tenant()) {
        let index = index(&t);
        let r = Resolver::new(&index);
        let all = r.devices();
        prop_assert_eq!(all.len(), t.devices.len());
        let listed: Vec<String> = all.iter().map(|(id, _)| id.to_string()).collect();
        let mut sorted: Vec<String> = t.devices.iter().map(|d| d.id.to_string()).collect();
        sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        prop_assert_eq!(&listed, &sorted);
        let mut by_id = serde_json::Map::new();
        for (id, together) in all.iter() {
            let alone = r.device(id).expect("a listed device resolves");
            prop_assert_eq!(values(&together), values(&alone), "device {}\n{}", id, doc(&t));
            prop_assert_eq!(
                values(&all.device(id.as_str()).expect("a listed device")),
                values(&alone)
            );
            for (_, key, value) in alone.iter() {
                let trace = r.explain_device(id, key).expect("device and feature exist");
                prop_assert_eq!(
                    &trace.value, &value,
                    "device {} {}: {}\n{}", id, key, trace, doc(&t)
                );
            }
            by_id.insert(id.to_string(), to_json(&alone));
        }
        prop_assert_eq!(to_json(&all), Json::Object(by_id));
    }
}

// ---------------------------------------------------------------------------------------------
// Properties: seats and the licence counter (§3.2 layer 5, §5)
// ---------------------------------------------------------------------------------------------

/// Per seat-licensed feature the plan counts, the users whose value after layers 1–7 is on:
/// the users holding it when the same tenant does not enforce seats (unenforced seats change
/// no value, checked by `unenforced_seats_change_no_value`).
fn wanting(t: &Tenant) -> BTreeMap<String, BTreeSet<String>> {
    let mut counted = t.clone();
    counted.plan.enforce_seats = false;
    let index = index(&counted);
    let resolved = Resolver::new(&index).tenant();
    t.plan
        .seats
        .keys()
        .map(|key| {
            let on = resolved
                .iter()
                .filter(|(_, e)| e.toggle(key.as_str()).expect("a seat feature is a toggle"))
                .map(|(id, _)| id.to_string())
                .collect();
            (key.clone(), on)
        })
        .collect()
}

/// Whether `user` has an override entry setting `key` on.
fn overridden_on(t: &Tenant, user: &str, key: &str) -> bool {
    t.users
        .iter()
        .find(|u| u.id.as_str() == user)
        .and_then(|u| u.overrides.get(key))
        == Some(&RawValue::Bool(true))
}

proptest! {
    #![proptest_config(config(256))]

    /// The licence report lists every feature the plan counts, in catalog order; per feature,
    /// wanted is the number of users whose value after layers 1–7 is on, granted is
    /// min(wanted, bought) (so never above bought), and the users over are the wanting users
    /// past the count in allocation order: those with an override setting the feature on first,
    /// then the rest, each in user-id byte order.
    #[test]
    fn seats_are_counted_and_allocated_overrides_first_then_by_id(t in seat_tenant()) {
        let index = index(&t);
        let report = Resolver::new(&index).licences();
        let catalog = index.catalog();
        let mut counted: Vec<&str> = t.plan.seats.keys().map(String::as_str).collect();
        counted.sort_by_key(|k| catalog.feature_id(k).map(|id| id.index()));
        let listed: Vec<&str> = report.features.iter().map(|f| f.feature.as_str()).collect();
        prop_assert_eq!(listed, counted);

        let wanting = wanting(&t);
        for f in &report.features {
            let bought = usize::try_from(f.bought).expect("small");
            let want = &wanting[&f.feature];
            prop_assert_eq!(f.wanted, want.len(), "{}\n{}", &f.feature, doc(&t));
            prop_assert!(f.granted <= bought, "{}\n{}", &f.feature, doc(&t));
            prop_assert_eq!(f.granted, f.wanted.min(bought), "{}\n{}", &f.feature, doc(&t));

            let mut order: Vec<&String> = want.iter().collect();
            order.sort_by_key(|u| (!overridden_on(&t, u, &f.feature), u.as_bytes()));
            let over: Vec<&str> = f.over.iter().map(|u| u.as_str()).collect();
            let expected: Vec<&str> = order[f.granted..].iter().map(|u| u.as_str()).collect();
            prop_assert_eq!(over, expected, "{}\n{}", &f.feature, doc(&t));
        }
    }

    /// With enforcement, exactly `granted` users hold each seat-licensed feature: the wanting
    /// users not over; the users over hold it off, and whatever requires it follows (every
    /// requirement holds in the final values). Without enforcement every wanting user holds
    /// it. Either way, the report's users are the holders, each with the features they hold
    /// in catalog order.
    #[test]
    fn the_holders_of_each_seat_are_the_granted_users(t in seat_tenant()) {
        let index = index(&t);
        let r = Resolver::new(&index);
        let report = r.licences();
        let resolved = r.tenant();
        let wanting = wanting(&t);
        let catalog = index.catalog();
        let mut held: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in &report.features {
            let holders: BTreeSet<String> = resolved
                .iter()
                .filter(|(_, e)| e.toggle(f.feature.as_str()).expect("a toggle"))
                .map(|(id, _)| id.to_string())
                .collect();
            let over: BTreeSet<String> = f.over.iter().map(ToString::to_string).collect();
            let want = &wanting[&f.feature];
            if t.plan.enforce_seats {
                prop_assert_eq!(holders.len(), f.granted, "{}\n{}", &f.feature, doc(&t));
                prop_assert_eq!(
                    &holders, &want.difference(&over).cloned().collect(),
                    "{}\n{}", &f.feature, doc(&t)
                );
            } else {
                prop_assert_eq!(&holders, want, "{}\n{}", &f.feature, doc(&t));
            }
            for user in holders {
                held.entry(user).or_default().push(f.feature.clone());
            }
        }
        let reported: BTreeMap<String, Vec<String>> = report
            .users
            .iter()
            .map(|(u, keys)| (u.to_string(), keys.clone()))
            .collect();
        prop_assert_eq!(reported, held, "{}", doc(&t));

        for (user, e) in &resolved {
            for (id, key, value) in e.iter() {
                let feature = catalog.get(id).expect("a known feature");
                if value == feature.kind().off() {
                    continue;
                }
                for req in feature.requires() {
                    let target = catalog.get(req.feature).expect("a known feature");
                    let have = e.get(req.feature).expect("a known feature");
                    prop_assert!(
                        req.condition.holds(target.kind(), &have),
                        "{} {} is on but {} is {}\n{}",
                        user, key, target.key(), have, doc(&t)
                    );
                }
            }
        }
    }

    /// Who is over, who holds what and every value are independent of the order in which
    /// users, departments, templates (and everything else) are listed.
    #[test]
    fn seat_allocation_ignores_input_order(t in seat_tenant(), seed in any::<u64>()) {
        let shuffled = shuffle_tenant(&t, seed);
        let (a, b) = (index(&t), index(&shuffled));
        let (ra, rb) = (Resolver::new(&a), Resolver::new(&b));
        prop_assert_eq!(
            serde_json::to_string(&ra.licences()).expect("serialises"),
            serde_json::to_string(&rb.licences()).expect("serialises"),
            "{}", doc(&t)
        );
        prop_assert_eq!(to_json(&ra.tenant()), to_json(&rb.tenant()), "{}", doc(&t));
        prop_assert_eq!(to_json(&ra.devices()), to_json(&rb.devices()), "{}", doc(&t));
    }

    /// Seats that are counted but not enforced change no value of any user or device against
    /// the same tenant with no seats in its plan.
    #[test]
    fn unenforced_seats_change_no_value(t in seat_tenant()) {
        let mut counted = t.clone();
        counted.plan.enforce_seats = false;
        let mut unsold = t.clone();
        unsold.plan.seats.clear();
        let (a, b) = (index(&counted), index(&unsold));
        let (ra, rb) = (Resolver::new(&a), Resolver::new(&b));
        prop_assert_eq!(to_json(&ra.tenant()), to_json(&rb.tenant()), "{}", doc(&t));
        prop_assert_eq!(to_json(&ra.devices()), to_json(&rb.devices()), "{}", doc(&t));
        prop_assert!(Diff::between(&ra, &rb).is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Properties: diffs (§12 `--diff`)
// ---------------------------------------------------------------------------------------------

/// A subject's place in a diff: users (0) before devices (1), each in id byte order.
fn subject_key(subject: &Subject) -> (u8, Vec<u8>) {
    match subject {
        Subject::User(id) => (0, id.as_str().as_bytes().to_vec()),
        Subject::Device(id) => (1, id.as_str().as_bytes().to_vec()),
        other => panic!("a subject this test does not know: {other:?}"),
    }
}

/// The resolution of users (or devices) as JSON, after the changes of `changes` for them:
/// each change's `new` written over `old` (a `null` new removes the feature; a subject left
/// with no feature is gone).
fn applied(mut before: Json, changes: &[&Change]) -> Json {
    let map = before
        .as_object_mut()
        .expect("a resolution is a JSON object");
    for change in changes {
        let id = match &change.subject {
            Subject::User(id) => id.to_string(),
            Subject::Device(id) => id.to_string(),
            other => panic!("a subject this test does not know: {other:?}"),
        };
        let row = map
            .entry(id.clone())
            .or_insert_with(|| Json::Object(serde_json::Map::new()))
            .as_object_mut()
            .expect("a row is a JSON object");
        match &change.new {
            Some(value) => {
                row.insert(change.feature.clone(), to_json(value));
            }
            None => {
                row.remove(&change.feature);
            }
        }
        if row.is_empty() {
            map.remove(&id);
        }
    }
    before
}

/// The value a change names on one side, as JSON (`null` for a subject that side lacks).
fn side_value(users: &Json, devices: &Json, change: &Change) -> Json {
    let (side, id) = match &change.subject {
        Subject::User(id) => (users, id.to_string()),
        Subject::Device(id) => (devices, id.to_string()),
        other => panic!("a subject this test does not know: {other:?}"),
    };
    side.get(&id)
        .and_then(|row| row.get(&change.feature))
        .cloned()
        .unwrap_or(Json::Null)
}

proptest! {
    #![proptest_config(config(256))]

    /// A resolution compared with itself, with another resolver of the same tenant, or with
    /// the same tenant listed in another order, has no change.
    #[test]
    fn a_diff_against_itself_is_empty(t in device_tenant(), seed in any::<u64>()) {
        let a = index(&t);
        let again = index(&t);
        let shuffled = index(&shuffle_tenant(&t, seed));
        let r = Resolver::new(&a);
        prop_assert!(Diff::between(&r, &r).is_empty(), "{}", doc(&t));
        prop_assert!(Diff::between(&r, &Resolver::new(&again)).is_empty(), "{}", doc(&t));
        let diff = Diff::between(&r, &Resolver::new(&shuffled));
        prop_assert!(diff.is_empty(), "{:?}\n{}", diff, doc(&t));
        prop_assert!(Diff::users(&r.tenant(), &r.tenant()).is_empty());
        prop_assert!(Diff::devices(&r.devices(), &r.devices()).is_empty());
    }

    /// For a tenant and the same tenant after one admin edit: every change has `old` !=
    /// `new`, `old` is the first resolution's value and `new` the second's (`null` where the
    /// subject is missing); applying the changes' new values to the first resolution's users
    /// and devices gives the second's; changes come users first, then devices, each in id byte
    /// order, each subject's features in catalog order.
    #[test]
    fn applying_a_diff_gives_the_second_resolution(
        t in device_tenant(),
        edit in edit(),
    ) {
        let after = apply_edit(&t, &edit);
        let (a, b) = (index(&t), index(&after));
        let (ra, rb) = (Resolver::new(&a), Resolver::new(&b));
        let diff = Diff::between(&ra, &rb);
        let (users_a, devices_a) = (to_json(&ra.tenant()), to_json(&ra.devices()));
        let (users_b, devices_b) = (to_json(&rb.tenant()), to_json(&rb.devices()));
        let context = || format!("{edit:?}\n{diff:?}\n{}", doc(&t));

        for change in &diff.changes {
            prop_assert_ne!(&change.old, &change.new, "{}", context());
            prop_assert_eq!(
                to_json(&change.old), side_value(&users_a, &devices_a, change), "{}", context()
            );
            prop_assert_eq!(
                to_json(&change.new), side_value(&users_b, &devices_b, change), "{}", context()
            );
        }

        let (to_users, to_devices): (Vec<&Change>, Vec<&Change>) = diff
            .changes
            .iter()
            .partition(|c| matches!(c.subject, Subject::User(_)));
        prop_assert_eq!(applied(users_a, &to_users), users_b, "{}", context());
        prop_assert_eq!(applied(devices_a, &to_devices), devices_b, "{}", context());

        let catalog = a.catalog();
        let keys: Vec<(u8, Vec<u8>, usize)> = diff
            .changes
            .iter()
            .map(|c| {
                let (side, id) = subject_key(&c.subject);
                let at = catalog.feature_id(&c.feature).expect("a catalog feature").index();
                (side, id, at)
            })
            .collect();
        prop_assert!(keys.windows(2).all(|w| w[0] < w[1]), "out of order: {}", context());
        prop_assert_eq!(diff.is_empty(), users_equal_and_devices_equal(&ra, &rb));
    }
}

/// Whether two resolutions agree on every user and device.
fn users_equal_and_devices_equal(a: &Resolver<'_>, b: &Resolver<'_>) -> bool {
    to_json(&a.tenant()) == to_json(&b.tenant()) && to_json(&a.devices()) == to_json(&b.devices())
}

// ---------------------------------------------------------------------------------------------
// Unit tests: explanations of device projection
// ---------------------------------------------------------------------------------------------

/// A platform refusal, in the standard catalog: the Android edition from a department
/// template on an iPhone, chat (not on desk phones) on a desk phone, and the CRM overlay
/// (Android only) from an override.
#[test]
fn a_device_explains_a_platform_refusal() {
    let t = tenant(json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"chat": {"value": true}},
        "templates": [{"id": "mobile", "values": {"edition_android": true}}],
        "departments": [{"id": "field", "template": "mobile"}],
        "users": [
            {"id": "alice", "departments": ["field"], "overrides": {"crm_overlay": true}},
            {"id": "bob"}
        ],
        "devices": [
            {"id": "d1", "owner": "alice", "platform": "android", "version": "6.4"},
            {"id": "d2", "owner": "alice", "platform": "ios", "version": "6.4"},
            {"id": "d3", "owner": "alice", "platform": "desk_phone", "version": "1.0"},
            {"id": "d4", "owner": "bob", "platform": "android", "version": "6.4"}
        ]
    }));
    let index = index(&t);
    let r = Resolver::new(&index);
    let explain = |device: &str, key: &str| r.explain_device(device, key).unwrap().to_string();

    assert_eq!(r.device("d1").unwrap().toggle("edition_android"), Ok(true));
    assert_eq!(
        explain("d1", "edition_android"),
        r#"edition_android = true: template "mobile" (department field) sets true"#
    );
    assert_eq!(r.device("d2").unwrap().toggle("edition_android"), Ok(false));
    assert_eq!(
        explain("d2", "edition_android"),
        r#"edition_android = false: template "mobile" (department field) sets true; needs android; device d2 is ios"#
    );
    assert_eq!(
        explain("d2", "crm_overlay"),
        "crm_overlay = false: an admin override sets true; needs android; device d2 is ios"
    );
    assert_eq!(
        explain("d3", "chat"),
        "chat = false: tenant policy sets true; needs android, ios, desktop, web; device d3 is desk_phone"
    );
    // The owner lacks it: nothing for the device to say.
    assert_eq!(
        explain("d4", "crm_overlay"),
        "crm_overlay = false: the catalog default is false"
    );

    let trace = r.explain_device("d2", "crm_overlay").unwrap();
    assert_eq!(trace.user.as_str(), "alice");
    let last = trace.steps.last().unwrap();
    assert_eq!(
        (last.layer, last.effect),
        (Layer::Device, Effect::NeedsPlatform)
    );
    let json = to_json(&trace);
    assert_eq!(
        json["steps"].as_array().unwrap().last().unwrap(),
        &json!({
            "layer": "device",
            "origin": {"device": {
                "device": "d2", "platform": "ios", "version": "6.4.0",
                "needs_platforms": ["android"], "needs_version": null
            }},
            "value": false,
            "effect": "needs_platform"
        })
    );
}

/// A vendor catalog whose video needs app 6.10.0, whose screen sharing requires video, whose
/// CRM overlay needs Android and app 7, and whose download requires replay at least `own`,
/// replay being a desktop feature.
fn apps_catalog() -> Catalog {
    Catalog::builder("apps")
        .feature(FeatureDef::toggle("video").min_version(AppVersion::new(6, 10, 0)))
        .feature(FeatureDef::toggle("screen_share").requires("video"))
        .feature(
            FeatureDef::toggle("crm_overlay")
                .platforms(Platforms::ANDROID)
                .min_version(AppVersion::new(7, 0, 0)),
        )
        .feature(
            FeatureDef::choice("replay", &["none", "own", "all"]).platforms(Platforms::DESKTOP),
        )
        .feature(FeatureDef::toggle("download").requires_at_least("replay", "own"))
        .without_self_service_gate()
        .build()
        .expect("the catalog is well-formed")
}

fn apps_tenant() -> Tenant {
    tenant(json!({
        "version": 1, "tenant": "acme", "catalog": "apps",
        "plan": {"id": "p", "features": "all"},
        "users": [{"id": "alice", "overrides": {
            "video": true, "screen_share": true, "crm_overlay": true,
            "replay": "all", "download": true
        }}],
        "devices": [
            {"id": "d1", "owner": "alice", "platform": "ios", "version": "6.4"},
            {"id": "d2", "owner": "alice", "platform": "android", "version": "6.10"},
            {"id": "d3", "owner": "alice", "platform": "android", "version": "6.9.3"},
            {"id": "d4", "owner": "alice", "platform": "desktop", "version": "7.0.0"}
        ]
    }))
}

/// A version refusal: the minimum app version is compared numerically (`6.9.3` < `6.10.0`),
/// the minimum itself is enough, and a device refused on both counts is told its platform.
#[test]
fn a_device_explains_a_version_refusal() {
    let index = validate_against(&apps_tenant(), apps_catalog()).unwrap();
    let r = Resolver::new(&index);
    let explain = |device: &str, key: &str| r.explain_device(device, key).unwrap().to_string();

    assert_eq!(
        explain("d1", "video"),
        "video = false: an admin override sets true; needs app 6.10.0; device d1 runs 6.4.0"
    );
    assert_eq!(
        explain("d3", "video"),
        "video = false: an admin override sets true; needs app 6.10.0; device d3 runs 6.9.3"
    );
    assert_eq!(r.device("d2").unwrap().toggle("video"), Ok(true));
    assert_eq!(
        explain("d2", "video"),
        "video = true: an admin override sets true"
    );
    assert_eq!(
        explain("d2", "crm_overlay"),
        "crm_overlay = false: an admin override sets true; needs app 7.0.0; device d2 runs 6.10.0"
    );
    assert_eq!(
        explain("d1", "crm_overlay"),
        "crm_overlay = false: an admin override sets true; needs android; device d1 is ios"
    );
    let trace = r.explain_device("d1", "video").unwrap();
    assert_eq!(trace.steps.last().unwrap().effect, Effect::NeedsVersion);
    let json = to_json(&trace);
    let last = json["steps"].as_array().unwrap().last().unwrap();
    assert_eq!(last["effect"], "needs_version");
    assert_eq!(last["origin"]["device"]["needs_version"], "6.10.0");
}

/// A requirement unmet on the device only: the owner has video and replay, so screen sharing
/// and download are on for the user, but a device without video (or replay) turns them off,
/// saying which requirement failed.
#[test]
fn a_device_explains_a_requirement_unmet_on_the_device() {
    let index = validate_against(&apps_tenant(), apps_catalog()).unwrap();
    let r = Resolver::new(&index);
    let explain = |device: &str, key: &str| r.explain_device(device, key).unwrap().to_string();

    let alice = r.user("alice").unwrap();
    assert_eq!(alice.toggle("screen_share"), Ok(true));
    assert_eq!(alice.toggle("download"), Ok(true));

    assert_eq!(
        explain("d1", "screen_share"),
        "screen_share = false: an admin override sets true; off because video is not on"
    );
    assert_eq!(
        explain("d1", "download"),
        "download = false: an admin override sets true; off because replay is below own"
    );
    assert_eq!(
        explain("d4", "download"),
        "download = true: an admin override sets true"
    );
    let d1 = r.device("d1").unwrap();
    assert_eq!(d1.choice("replay"), Ok("none"));
    assert_eq!(d1.toggle("screen_share"), Ok(false));
    let d4 = r.device("d4").unwrap();
    assert_eq!(d4.choice("replay"), Ok("all"));
    assert_eq!(d4.toggle("screen_share"), Ok(true));
    let trace = r.explain_device("d1", "screen_share").unwrap();
    let last = trace.steps.last().unwrap();
    assert_eq!(
        (last.layer, last.effect),
        (Layer::Device, Effect::RequirementUnmet)
    );

    // The whole list, in the `--devices` shape of every device.
    assert_eq!(
        to_json(&r.devices()),
        json!({
            "d1": {"video": false, "screen_share": false, "crm_overlay": false, "replay": "none", "download": false},
            "d2": {"video": true, "screen_share": true, "crm_overlay": false, "replay": "none", "download": false},
            "d3": {"video": false, "screen_share": false, "crm_overlay": false, "replay": "none", "download": false},
            "d4": {"video": true, "screen_share": true, "crm_overlay": false, "replay": "all", "download": true}
        })
    );
}

/// An unknown device or feature is named in the error, never read as "off".
#[test]
fn unknown_devices_and_features_are_errors() {
    let index = validate_against(&apps_tenant(), apps_catalog()).unwrap();
    let r = Resolver::new(&index);
    assert_eq!(
        r.device("d7").unwrap_err(),
        LookupError::UnknownDevice("d7".into())
    );
    assert_eq!(
        r.explain_device("d7", "video").unwrap_err(),
        LookupError::UnknownDevice("d7".into())
    );
    assert_eq!(
        r.explain_device("d1", "vidoe").unwrap_err(),
        LookupError::UnknownFeature("vidoe".into())
    );
    assert_eq!(
        r.devices().device("alice").unwrap_err(),
        LookupError::UnknownDevice("alice".into())
    );
}

// ---------------------------------------------------------------------------------------------
// Unit tests: the device list
// ---------------------------------------------------------------------------------------------

/// Filtering by platform (several calls: any of them), searching by extension or app version
/// (a substring of either), both at once, and the extension shown: the owner's current primary
/// extension, none when they have none (or it ended).
#[test]
fn the_device_list_filters_by_platform_and_searches_extension_and_version() {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.users.push(
        User::new("alice")
            .with_endpoint(EndpointAssignment::extension("201").primary())
            .with_endpoint(EndpointAssignment::extension("300")),
    );
    t.users.push(
        User::new("bob")
            .with_endpoint(EndpointAssignment::extension("202").primary().until(100))
            .with_endpoint(EndpointAssignment::extension("212").primary().since(100)),
    );
    t.users.push(
        User::new("carol").with_endpoint(EndpointAssignment::extension("209").primary().until(50)),
    );
    t.devices
        .push(Device::new("d1", "alice", Platform::Ios, "6.4.0"));
    t.devices
        .push(Device::new("d2", "bob", Platform::Android, "6.10.2"));
    t.devices
        .push(Device::new("d3", "bob", Platform::Ios, "7.0.0"));
    t.devices
        .push(Device::new("d4", "carol", Platform::DeskPhone, "3.1.20"));
    t.devices
        .push(Device::new("d5", "alice", Platform::Web, "2.1.0"));
    let index = index(&t);
    let list = || index.device_list();

    assert_eq!(ids(&list()), ["d1", "d2", "d3", "d4", "d5"]);
    assert_eq!(ids(&list().platform(Platform::Ios)), ["d1", "d3"]);
    assert_eq!(
        ids(&list()
            .platform(Platform::Android)
            .platform(Platform::DeskPhone)),
        ["d2", "d4"]
    );
    assert_eq!(
        ids(&list().platform(Platform::Desktop)),
        Vec::<String>::new()
    );
    // Extensions: alice 201, bob 212 now (202 ended), carol none (209 ended).
    assert_eq!(ids(&list().search("201")), ["d1", "d5"]);
    assert_eq!(ids(&list().search("212")), ["d2", "d3"]);
    assert_eq!(ids(&list().search("202")), Vec::<String>::new()); // bob's extension until 100
    assert_eq!(ids(&list().search("209")), Vec::<String>::new());
    // Versions, as `major.minor.patch`.
    assert_eq!(ids(&list().search("6.")), ["d1", "d2"]);
    assert_eq!(ids(&list().search(".0")), ["d1", "d3", "d5"]);
    assert_eq!(ids(&list().search("3.1.2")), ["d4"]);
    // Both: platform and text.
    assert_eq!(
        ids(&list().platform(Platform::Ios).search("2")),
        ["d1", "d3"]
    );
    assert_eq!(
        ids(&list().platform(Platform::Web).search("6.4")),
        Vec::<String>::new()
    );

    let rows: Vec<(String, String, Option<String>)> = list()
        .rows()
        .map(|row| {
            (
                row.device.id().to_string(),
                row.owner.id().to_string(),
                row.extension.map(str::to_owned),
            )
        })
        .collect();
    let expected: Vec<(String, String, Option<String>)> = [
        ("d1", "alice", Some("201")),
        ("d2", "bob", Some("212")),
        ("d3", "bob", Some("212")),
        ("d4", "carol", None),
        ("d5", "alice", Some("201")),
    ]
    .iter()
    .map(|(d, o, e)| ((*d).into(), (*o).into(), e.map(str::to_owned)))
    .collect();
    assert_eq!(rows, expected);
}

// ---------------------------------------------------------------------------------------------
// Unit tests: the licence report
// ---------------------------------------------------------------------------------------------

/// Users `101`..`112`, every one in Sales (Business edition, CRM module); `101`..`103` also in
/// Mobile (iOS edition); `112` given the CRM module by hand as well.
fn counter_tenant(enforce: bool) -> Tenant {
    let users: Vec<Json> = (101..=112)
        .map(|n| {
            let mut departments = vec!["sales"];
            if n <= 103 {
                departments.push("mobile");
            }
            let mut user = json!({"id": n.to_string(), "departments": departments});
            if n == 112 {
                user["overrides"] = json!({"module_crm": true});
            }
            user
        })
        .collect();
    tenant(json!({
        "version": 1, "tenant": "acme",
        "plan": {
            "id": "ipvoice", "features": "all",
            "seats": {"module_crm": 10, "edition_ios": 2, "edition_business": 12},
            "enforce_seats": enforce
        },
        "templates": [
            {"id": "sales", "values": {"edition_business": true, "module_crm": true}},
            {"id": "mobile", "values": {"edition_ios": true}}
        ],
        "departments": [
            {"id": "sales", "template": "sales", "rank": 10},
            {"id": "mobile", "template": "mobile", "rank": 20}
        ],
        "users": users
    }))
}

/// Ten CRM seats for twelve users who want one: the seat goes first to `112`, whose override
/// turns the module on, then to the others by id, so `110` and `111` (the last two in
/// allocation order) are over, and are told why. Features in catalog order, users in id order.
#[test]
fn the_licence_report_counts_seats_and_names_who_is_over() {
    let t = counter_tenant(true);
    let index = index(&t);
    let r = Resolver::new(&index);
    let full = json!(["edition_business", "edition_ios", "module_crm"]);
    let both = json!(["edition_business", "module_crm"]);
    let expected = json!({
        "features": {
            "edition_business": {"bought": 12, "wanted": 12, "granted": 12, "over": []},
            "edition_ios": {"bought": 2, "wanted": 3, "granted": 2, "over": ["103"]},
            "module_crm": {"bought": 10, "wanted": 12, "granted": 10, "over": ["110", "111"]}
        },
        "users": {
            "101": full, "102": full, "103": both, "104": both, "105": both, "106": both,
            "107": both, "108": both, "109": both,
            "110": ["edition_business"], "111": ["edition_business"], "112": both
        }
    });
    let report = r.licences();
    assert_eq!(to_json(&report), expected);
    // Key order: features in catalog order (not the plan's), fields as in SPEC §12, users in
    // id order.
    let text = serde_json::to_string(&report).unwrap();
    let at = |needle: &str| text.find(needle).unwrap();
    assert!(at("\"edition_business\":{") < at("\"edition_ios\":{"));
    assert!(at("\"edition_ios\":{") < at("\"module_crm\":{"));
    assert!(at("\"101\":[") < at("\"112\":["));
    assert!(
        text.contains(
            r#""module_crm":{"bought":10,"wanted":12,"granted":10,"over":["110","111"]}"#
        )
    );

    assert_eq!(
        r.explain("110", "module_crm").unwrap().to_string(),
        r#"module_crm = false: template "sales" (department sales) sets true; no seat left (10 of 10 granted)"#
    );
    assert_eq!(
        r.explain("103", "edition_ios").unwrap().to_string(),
        r#"edition_ios = false: template "mobile" (department mobile) sets true; no seat left (2 of 2 granted)"#
    );
    assert_eq!(
        r.explain("112", "module_crm").unwrap().to_string(),
        r#"module_crm = true: template "sales" (department sales) sets true; an admin override sets true"#
    );
    let trace = to_json(&r.explain("111", "module_crm").unwrap());
    let steps = trace["steps"].as_array().unwrap();
    assert_eq!(
        steps.last().unwrap(),
        &json!({"layer": "ceiling", "origin": {"seats": {"bought": 10}}, "value": false, "effect": "no_seat"})
    );
    let everyone = r.tenant();
    let crm: Vec<&str> = everyone
        .iter()
        .filter(|(_, e)| e.toggle("module_crm") == Ok(true))
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(
        crm,
        [
            "101", "102", "103", "104", "105", "106", "107", "108", "109", "112"
        ]
    );

    // Counted only: the same report of who is over, and everyone keeps what they want.
    let t = counter_tenant(false);
    let index = self::index(&t);
    let r = Resolver::new(&index);
    let report = to_json(&r.licences());
    assert_eq!(report["features"], expected["features"]);
    assert_eq!(report["users"]["110"], both);
    assert_eq!(report["users"]["103"], full);
    assert_eq!(r.user("110").unwrap().toggle("module_crm"), Ok(true));
}

/// A seat-licensed module that requires a seat-licensed edition (a vendor catalog): `b` wants
/// both, gets the only module seat (no one else wants it) but not the only edition seat (`a`'s
/// override comes first), so the module follows the edition off (SPEC §3.2 layer 5: "what
/// requires it follows"). The report's users are "per user the seat-licensed features held"
/// (SPEC §12): `b` holds none.
#[test]
fn the_licence_report_lists_only_features_a_user_actually_holds() {
    let catalog = Catalog::builder("vendor")
        .feature(FeatureDef::toggle("edition_business").seats())
        .feature(
            FeatureDef::toggle("module_crm")
                .seats()
                .requires("edition_business"),
        )
        .without_self_service_gate()
        .build()
        .unwrap();
    let t = tenant(json!({
        "version": 1, "tenant": "acme", "catalog": "vendor",
        "plan": {"id": "p", "features": "all",
                 "seats": {"edition_business": 1, "module_crm": 1}, "enforce_seats": true},
        "users": [
            {"id": "a", "overrides": {"edition_business": true}},
            {"id": "b", "overrides": {"edition_business": true, "module_crm": true}}
        ]
    }));
    let index = validate_against(&t, catalog).unwrap();
    let r = Resolver::new(&index);
    assert_eq!(
        to_json(&r.tenant()),
        json!({"a": {"edition_business": true, "module_crm": false},
               "b": {"edition_business": false, "module_crm": false}})
    );
    assert_eq!(
        r.explain("b", "module_crm").unwrap().to_string(),
        "module_crm = false: an admin override sets true; off because edition_business is not on"
    );
    // Actual: {"a": ["edition_business"], "b": ["module_crm"]}.
    assert_eq!(
        to_json(&r.licences())["users"],
        json!({"a": ["edition_business"]})
    );
}

/// A vendor that sells the self-service gate by the seat: `b` is past the count, so their
/// gate is off after the seat ceiling (layer 5), and their own preference (layer 6, which
/// reads the *effective* gate) must be ignored, as for any user whose gate is off.
#[test]
fn a_gate_refused_a_seat_blocks_preferences() {
    let catalog = Catalog::builder("vendor")
        .feature(FeatureDef::toggle("edit_settings").seats())
        .feature(FeatureDef::toggle("chat").adjustable())
        .self_service_gate("edit_settings")
        .build()
        .unwrap();
    let t = tenant(json!({
        "version": 1, "tenant": "acme", "catalog": "vendor",
        "plan": {"id": "p", "features": "all",
                 "seats": {"edit_settings": 1}, "enforce_seats": true},
        "users": [
            {"id": "a", "overrides": {"edit_settings": true, "chat": true},
             "preferences": {"chat": false}},
            {"id": "b", "overrides": {"edit_settings": true, "chat": true},
             "preferences": {"chat": false}}
        ]
    }));
    let index = validate_against(&t, catalog).unwrap();
    let r = Resolver::new(&index);
    assert_eq!(r.user("a").unwrap().toggle("chat"), Ok(false));
    assert_eq!(r.user("b").unwrap().toggle("edit_settings"), Ok(false));
    // Actual: chat = false, "…; the user's own setting lowers it to false".
    assert_eq!(
        r.explain("b", "chat").unwrap().to_string(),
        "chat = true: an admin override sets true; \
         the user's own setting asks for false, ignored: edit_settings is off"
    );
    assert_eq!(r.user("b").unwrap().toggle("chat"), Ok(true));
}

// ---------------------------------------------------------------------------------------------
// Unit tests: diffs
// ---------------------------------------------------------------------------------------------

/// A three-feature catalog, so that every value of a subject fits in the expected diff.
fn mini_catalog() -> Catalog {
    Catalog::builder("mini")
        .feature(FeatureDef::toggle("calls"))
        .feature(FeatureDef::limit("max_channels", 0, 10).default(1))
        .feature(FeatureDef::toggle("crm_overlay").platforms(Platforms::ANDROID))
        .without_self_service_gate()
        .build()
        .expect("the catalog is well-formed")
}

/// Bob leaves with his device `d2`, Carol arrives with `d10`, Alice gets the CRM overlay: the
/// subjects on one side only list every feature with `old` or `new` null; users come first,
/// then devices, each in id byte order (`d10` < `d2` < `d9`), features in catalog order.
#[test]
fn a_diff_shows_removed_and_added_users_and_devices_with_null() {
    let before = tenant(json!({
        "version": 1, "tenant": "acme", "catalog": "mini",
        "plan": {"id": "p", "features": "all"},
        "users": [
            {"id": "alice", "overrides": {"calls": true}},
            {"id": "bob", "overrides": {"max_channels": 3}}
        ],
        "devices": [
            {"id": "d9", "owner": "alice", "platform": "android", "version": "7"},
            {"id": "d2", "owner": "bob", "platform": "ios", "version": "7"}
        ]
    }));
    let after = tenant(json!({
        "version": 1, "tenant": "acme", "catalog": "mini",
        "plan": {"id": "p", "features": "all"},
        "users": [
            {"id": "carol", "overrides": {"calls": true}},
            {"id": "alice", "overrides": {"calls": true, "crm_overlay": true}}
        ],
        "devices": [
            {"id": "d10", "owner": "carol", "platform": "ios", "version": "7"},
            {"id": "d9", "owner": "alice", "platform": "android", "version": "7"}
        ]
    }));
    let (b, a) = (
        validate_against(&before, mini_catalog()).unwrap(),
        validate_against(&after, mini_catalog()).unwrap(),
    );
    let diff = Diff::between(&Resolver::new(&b), &Resolver::new(&a));
    // Written out: the key order of each change is part of the §12 shape.
    let expected = concat!(
        r#"{"changes":["#,
        r#"{"user":"alice","feature":"crm_overlay","old":false,"new":true},"#,
        r#"{"user":"bob","feature":"calls","old":false,"new":null},"#,
        r#"{"user":"bob","feature":"max_channels","old":3,"new":null},"#,
        r#"{"user":"bob","feature":"crm_overlay","old":false,"new":null},"#,
        r#"{"user":"carol","feature":"calls","old":null,"new":true},"#,
        r#"{"user":"carol","feature":"max_channels","old":null,"new":1},"#,
        r#"{"user":"carol","feature":"crm_overlay","old":null,"new":false},"#,
        r#"{"device":"d10","feature":"calls","old":null,"new":true},"#,
        r#"{"device":"d10","feature":"max_channels","old":null,"new":1},"#,
        r#"{"device":"d10","feature":"crm_overlay","old":null,"new":false},"#,
        r#"{"device":"d2","feature":"calls","old":false,"new":null},"#,
        r#"{"device":"d2","feature":"max_channels","old":3,"new":null},"#,
        r#"{"device":"d2","feature":"crm_overlay","old":false,"new":null},"#,
        r#"{"device":"d9","feature":"crm_overlay","old":false,"new":true}"#,
        r#"]}"#
    );
    assert_eq!(serde_json::to_string(&diff).unwrap(), expected);
    assert_eq!(diff.len(), 14);
    assert_eq!(diff.changes[1].subject, Subject::User("bob".into()));
    assert_eq!(diff.changes[1].new, None);
    assert_eq!(diff.changes[4].old, None);

    // The other way round, old and new swap places.
    let back = Diff::between(&Resolver::new(&a), &Resolver::new(&b));
    assert_eq!(back.len(), 14);
    assert!(
        back.changes
            .iter()
            .any(|c| c.subject == Subject::Device("d2".into())
                && c.feature == "max_channels"
                && c.old.is_none()
                && c.new == Some(RawValue::Integer(3)))
    );
}

// ---------------------------------------------------------------------------------------------
// Seed 000 — IPVoice "Apps – Administration" (`seeds/000_d2496794c9d65de2.txt`)
// ---------------------------------------------------------------------------------------------

/// Seed 000: Sales gets Business and iOS editions with the CRM module, Support Business and
/// Android; Frank is in both departments and was given the Business edition from his extension
/// page. The tenant bought 3 Business, 2 iOS, 1 Android seat and 2 CRM modules, enforced. Five
/// apps are registered ("Extension, Platform, Last Update, App ID, Version").
fn ipvoice_tenant() -> Tenant {
    let app = "com.ipvoice.app";
    tenant(json!({
        "version": 1, "tenant": "ipvoice-demo",
        "plan": {
            "id": "ipvoice", "features": "all",
            "seats": {"module_crm": 2, "edition_android": 1, "edition_ios": 2, "edition_business": 3},
            "enforce_seats": true
        },
        "templates": [
            {"id": "sales", "values": {
                "edition_business": true, "edition_ios": true, "edition_android": false,
                "edition_desktop": false, "module_crm": true
            }},
            {"id": "support", "values": {"edition_business": true, "edition_android": true}}
        ],
        "departments": [
            {"id": "sales", "template": "sales", "rank": 10},
            {"id": "support", "template": "support", "rank": 20}
        ],
        "users": [
            {"id": "chris", "name": "Chris Nolan", "departments": ["sales"],
             "endpoints": [{"kind": "extension", "id": "101", "primary": true, "from": 0}]},
            {"id": "dana", "name": "Dana Scully", "departments": ["sales"],
             "endpoints": [{"kind": "extension", "id": "102", "primary": true, "from": 0}]},
            {"id": "erin", "name": "Erin Brock", "departments": ["support"],
             "endpoints": [{"kind": "extension", "id": "103", "primary": true, "from": 0}]},
            {"id": "frank", "name": "Frank Drebin", "departments": ["sales", "support"],
             "overrides": {"edition_business": true},
             "endpoints": [{"kind": "extension", "id": "104", "primary": true, "from": 0}]}
        ],
        "devices": [
            {"id": "d5", "owner": "frank", "platform": "desktop", "app_id": "com.ipvoice.desktop",
             "version": "7.0.1", "last_seen": 1763600000},
            {"id": "d1", "owner": "chris", "platform": "ios", "app_id": app, "version": "6.4",
             "last_seen": 1763900000},
            {"id": "d2", "owner": "chris", "platform": "android", "app_id": app,
             "version": "6.4.1", "last_seen": 1763800000},
            {"id": "d3", "owner": "dana", "platform": "ios", "app_id": app, "version": "6.10.2",
             "last_seen": 1763700000},
            {"id": "d4", "owner": "erin", "platform": "android", "app_id": app, "version": "6.4"}
        ]
    }))
}

/// "License Counter: The “Overview” page displays the full list of extensions on your IPVoice
/// system with their assigned IPVoice editions." With more users wanting an edition than seats
/// bought, seats go first to users whose extension page turned the edition on (Frank, Business),
/// then by id (SPEC §5); whoever is past the count is listed as over and does not get it.
#[test]
fn seed_000_the_license_counter_as_the_admin_sees_it() {
    let t = ipvoice_tenant();
    let index = index(&t);
    let r = Resolver::new(&index);
    assert_eq!(
        serde_json::to_string(&r.licences()).unwrap(),
        concat!(
            r#"{"features":{"#,
            r#""edition_business":{"bought":3,"wanted":4,"granted":3,"over":["erin"]},"#,
            r#""edition_ios":{"bought":2,"wanted":3,"granted":2,"over":["frank"]},"#,
            r#""edition_android":{"bought":1,"wanted":2,"granted":1,"over":["frank"]},"#,
            r#""module_crm":{"bought":2,"wanted":3,"granted":2,"over":["frank"]}},"#,
            r#""users":{"chris":["edition_business","edition_ios","module_crm"],"#,
            r#""dana":["edition_business","edition_ios","module_crm"],"#,
            r#""erin":["edition_android"],"frank":["edition_business"]}}"#
        )
    );
    assert_eq!(
        r.explain("erin", "edition_business").unwrap().to_string(),
        r#"edition_business = false: template "support" (department support) sets true; no seat left (3 of 3 granted)"#
    );
    assert_eq!(
        r.explain("frank", "edition_business").unwrap().to_string(),
        r#"edition_business = true: template "sales" (department sales) sets true; template "support" (department support) sets true; the most permissive template gives true; an admin override sets true"#
    );
    assert_eq!(
        r.explain("frank", "module_crm").unwrap().to_string(),
        r#"module_crm = false: template "sales" (department sales) sets true; no seat left (2 of 2 granted)"#
    );
}

/// "Devices: The devices page displays full list of all registered devices on your IPVoice
/// tenant and the App version level that they are operating from", searchable by platform
/// ("ex. Android, iOS") and by extension or version; each app gets exactly its owner's editions
/// that its platform can run (SPEC §4).
#[test]
fn seed_000_the_device_list_as_the_admin_sees_it() {
    let t = ipvoice_tenant();
    let index = index(&t);

    // "Extension: Name and number of extension using device (ex. 101 (Chris Nolan))".
    let page: Vec<String> = index
        .device_list()
        .rows()
        .map(|row| {
            format!(
                "{} | {} ({}) | {} | {} | {} | {}",
                row.device.id(),
                row.extension.unwrap_or("-"),
                row.owner.name().unwrap_or("?"),
                row.device.platform(),
                row.device.app_id(),
                row.device.version(),
                row.device
                    .last_seen()
                    .map_or_else(|| "never".to_owned(), |t| t.to_string()),
            )
        })
        .collect();
    assert_eq!(
        page,
        [
            "d1 | 101 (Chris Nolan) | ios | com.ipvoice.app | 6.4.0 | 1763900000",
            "d2 | 101 (Chris Nolan) | android | com.ipvoice.app | 6.4.1 | 1763800000",
            "d3 | 102 (Dana Scully) | ios | com.ipvoice.app | 6.10.2 | 1763700000",
            "d4 | 103 (Erin Brock) | android | com.ipvoice.app | 6.4.0 | never",
            "d5 | 104 (Frank Drebin) | desktop | com.ipvoice.desktop | 7.0.1 | 1763600000",
        ]
    );
    let rows: Vec<Json> = index
        .device_list()
        .search("103")
        .rows()
        .map(|r| to_json(&r))
        .collect();
    assert_eq!(
        rows,
        [
            json!({"id": "d4", "owner": "erin", "extension": "103", "platform": "android",
                "app_id": "com.ipvoice.app", "version": "6.4.0", "last_seen": null})
        ]
    );
    // "Platform: Select to search devices by platform (ex. Android, iOS)".
    assert_eq!(
        ids(&index.device_list().platform(Platform::Android)),
        ["d2", "d4"]
    );
    assert_eq!(
        ids(&index.device_list().platform(Platform::Ios)),
        ["d1", "d3"]
    );
    // "Search: … (ex. by Extension, Platform, Version…)"; "Version … (ex. 6.4)".
    assert_eq!(ids(&index.device_list().search("101")), ["d1", "d2"]);
    assert_eq!(ids(&index.device_list().search("6.4")), ["d1", "d2", "d4"]);
    assert_eq!(
        ids(&index.device_list().platform(Platform::Ios).search("6.4")),
        ["d1"]
    );

    // What each app may run: the owner's editions and modules (seats applied), less what its
    // platform cannot run.
    let r = Resolver::new(&index);
    let devices = to_json(&r.devices());
    let editions = |device: &str| -> Json {
        let keys = [
            "edition_business",
            "edition_ios",
            "edition_android",
            "edition_desktop",
            "module_crm",
        ];
        keys.iter()
            .map(|k| ((*k).to_owned(), devices[device][*k].clone()))
            .collect::<serde_json::Map<String, Json>>()
            .into()
    };
    let row = |b: bool, i: bool, a: bool, d: bool, c: bool| {
        json!({"edition_business": b, "edition_ios": i, "edition_android": a,
               "edition_desktop": d, "module_crm": c})
    };
    assert_eq!(editions("d1"), row(true, true, false, false, true));
    assert_eq!(editions("d2"), row(true, false, false, false, true));
    assert_eq!(editions("d3"), row(true, true, false, false, true));
    assert_eq!(editions("d4"), row(false, false, true, false, false));
    assert_eq!(editions("d5"), row(true, false, false, false, false));
    assert_eq!(
        r.explain_device("d2", "edition_ios").unwrap().to_string(),
        r#"edition_ios = false: template "sales" (department sales) sets true; needs ios; device d2 is android"#
    );
    assert_eq!(
        r.explain_device("d4", "edition_business")
            .unwrap()
            .to_string(),
        r#"edition_business = false: template "support" (department support) sets true; no seat left (3 of 3 granted)"#
    );
}
