//! Properties of validation (SPEC §8, §11) over generated tenants, plus unit tests on fixed
//! documents.
//!
//! - `arbitrary_tenant()` (mostly invalid input) never makes `validate` panic; an `Err` is never
//!   empty and every problem has a path; the result is deterministic and survives JSON.
//! - Every `valid_tenant()` validates, whatever the order of its collections, and survives JSON.
//! - One fault injected into a valid tenant gives exactly one problem, at the faulty place.
//! - Endpoint overlaps are reported exactly when a brute-force oracle finds two users holding
//!   one endpoint at one instant.
//! - The SPEC §11 example validates; unknown fields are rejected; the 127-character replay
//!   list bound; a document with every kind of problem reports them all, in order.

mod common;

use common::*;
use pbx_entitlements::model::{Device, EndpointAssignment, EndpointKind, Template, Tenant, User};
use pbx_entitlements::{Invalid, Platform, Problem, RawValue, ValueError, validate};
use proptest::prelude::*;
use proptest::sample::Index;

/// Every problem `validate` reports for `tenant`; empty if it is valid.
fn problems(tenant: &Tenant) -> Vec<Invalid> {
    match validate(tenant) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().collect(),
    }
}

/// Paths and problems, readable in assertion messages.
fn describe(problems: &[Invalid]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

/// The position of some user of `tenant`, adding one (`zoe`) if there is none.
fn some_user(tenant: &mut Tenant, ix: Index) -> usize {
    if tenant.users.is_empty() {
        tenant.users.push(User::new("zoe"));
    }
    ix.index(tenant.users.len())
}

proptest! {
    /// §8: no input makes validation panic; an error lists at least one problem, each with a
    /// path; validating twice gives the same answer.
    #[test]
    fn arbitrary_tenants_never_panic_and_every_problem_has_a_path(t in arbitrary_tenant()) {
        let first = validate(&t);
        if let Err(errors) = &first {
            prop_assert!(!errors.is_empty());
            prop_assert!(!errors.problems().is_empty());
            for e in errors {
                prop_assert!(!e.path.as_str().is_empty(), "empty path for {:?}", e);
                prop_assert!(!e.to_string().is_empty());
            }
            prop_assert!(!errors.to_string().is_empty());
        }
        prop_assert_eq!(first, validate(&t));
    }

    /// §11: whatever a document holds, writing it as JSON and reading it back gives the same
    /// tenant and the same validation result.
    #[test]
    fn arbitrary_tenants_survive_a_json_round_trip(t in arbitrary_tenant()) {
        let json = serde_json::to_string(&t).unwrap();
        let back: Tenant = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &t);
        prop_assert_eq!(validate(&back), validate(&t));
    }

    /// The valid generator really is valid.
    #[test]
    fn every_valid_tenant_validates(t in valid_tenant()) {
        let result = validate(&t);
        prop_assert!(result.is_ok(), "{:?}", result.err().map(|e| describe(e.problems())));
    }

    /// §1: the index does not depend on the order in which anything was listed: templates,
    /// departments, roles, groups, users, devices, numbers, and the keys inside policy,
    /// template values, overrides and preferences.
    #[test]
    fn validation_is_independent_of_document_order(t in valid_tenant(), seed in any::<u64>()) {
        let shuffled = shuffle_tenant(&t, seed);
        let a = validate(&t);
        let b = validate(&shuffled);
        prop_assert!(a.is_ok() && b.is_ok(), "{:?} / {:?}", a.err(), b.err());
        prop_assert_eq!(a.unwrap(), b.unwrap());
    }

    /// The index keeps what the document says of every user and device, and finds each by
    /// its id (and nothing by an id the document lacks), whatever the document's order.
    #[test]
    fn the_index_keeps_every_user_and_device(t in valid_tenant(), seed in any::<u64>()) {
        for t in [t.clone(), shuffle_tenant(&t, seed)] {
            let index = validate(&t).unwrap();
            prop_assert_eq!(index.users().len(), t.users.len());
            prop_assert_eq!(index.devices().len(), t.devices.len());
            for u in &t.users {
                let ix = index.user_ix(u.id.as_str()).unwrap();
                let entry = index.user(ix).unwrap();
                prop_assert_eq!(entry.id(), &u.id);
                prop_assert_eq!(entry.name(), u.name.as_deref());
                prop_assert_eq!(entry.detached(), u.detached);
                let mut departments: Vec<&str> = u.departments.iter().map(|d| d.as_str()).collect();
                departments.sort_unstable();
                departments.dedup();
                let kept: Vec<&str> = entry
                    .departments()
                    .iter()
                    .map(|&d| index.department(d).unwrap().id().as_str())
                    .collect();
                prop_assert_eq!(kept, departments);
                let mut roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                roles.sort_unstable();
                roles.dedup();
                let kept: Vec<&str> =
                    entry.roles().iter().map(|&r| index.role(r).unwrap().unit().id().as_str()).collect();
                prop_assert_eq!(kept, roles);
                let keys = |entries: &[(pbx_entitlements::FeatureId, pbx_entitlements::index::Setting)]| {
                    let mut keys: Vec<String> = entries
                        .iter()
                        .map(|(f, _)| index.catalog().get(*f).unwrap().key().to_owned())
                        .collect();
                    keys.sort();
                    keys
                };
                let sorted = |values: &pbx_entitlements::model::Values| {
                    let mut keys: Vec<String> = values.keys().cloned().collect();
                    keys.sort();
                    keys
                };
                prop_assert_eq!(keys(entry.overrides()), sorted(&u.overrides));
                prop_assert_eq!(keys(entry.preferences()), sorted(&u.preferences));
                let mut dee = u.dee.clone();
                dee.sort();
                dee.dedup();
                prop_assert_eq!(entry.dee(), &dee[..]);
                prop_assert_eq!(entry.endpoints().len(), u.endpoints.len());
            }
            for d in &t.devices {
                let ix = index.device_ix(d.id.as_str()).unwrap();
                let entry = index.device(ix).unwrap();
                prop_assert_eq!(entry.id(), &d.id);
                prop_assert_eq!(index.user(entry.owner()).unwrap().id(), &d.owner);
                prop_assert_eq!(entry.platform(), d.platform);
                prop_assert_eq!(entry.app_id(), d.app_id.as_str());
                prop_assert_eq!(entry.version().to_string(), d.version.parse::<pbx_entitlements::AppVersion>().unwrap().to_string());
                prop_assert_eq!(entry.last_seen(), d.last_seen);
            }
            for missing in ["", "nobody", "u", "zz-not-an-id"] {
                prop_assert!(t.users.iter().any(|u| u.id.as_str() == missing) || index.user_ix(missing).is_none());
                prop_assert!(t.devices.iter().any(|d| d.id.as_str() == missing) || index.device_ix(missing).is_none());
            }
        }
    }

    /// §11: a valid tenant survives JSON unchanged and still validates.
    #[test]
    fn valid_tenants_survive_a_json_round_trip(t in valid_tenant()) {
        let json = serde_json::to_string_pretty(&t).unwrap();
        let back: Tenant = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &t);
        prop_assert!(validate(&back).is_ok());
    }

    #[test]
    fn fault_unknown_department_is_reported_on_the_user(t in valid_tenant(), ix in any::<Index>()) {
        let mut t = t;
        let u = some_user(&mut t, ix);
        t.users[u].departments.push("nowhere".into());
        let found = problems(&t);
        prop_assert_eq!(found.len(), 1, "{:?}", describe(&found));
        prop_assert_eq!(found[0].path.as_str(), format!("users[{}].departments", t.users[u].id));
        prop_assert_eq!(
            &found[0].problem,
            &Problem::Unknown { what: "department", id: "nowhere".into() }
        );
    }

    #[test]
    fn fault_unknown_feature_override_is_reported_at_its_key(
        t in valid_tenant(),
        ix in any::<Index>(),
        value in arb_raw(),
    ) {
        let mut t = t;
        let u = some_user(&mut t, ix);
        t.users[u].overrides.insert("teleport".into(), value);
        let found = problems(&t);
        prop_assert_eq!(found.len(), 1, "{:?}", describe(&found));
        prop_assert_eq!(
            found[0].path.as_str(),
            format!("users[{}].overrides.teleport", t.users[u].id)
        );
        prop_assert_eq!(
            &found[0].problem,
            &Problem::Unknown { what: "feature", id: "teleport".into() }
        );
    }

    #[test]
    fn fault_max_channels_out_of_bounds_is_reported_at_its_key(
        t in valid_tenant(),
        ix in any::<Index>(),
        value in prop_oneof![Just(101i64), Just(-1), Just(i64::MAX), Just(i64::MIN), 101i64..],
    ) {
        let mut t = t;
        let u = some_user(&mut t, ix);
        t.users[u].overrides.insert("max_channels".into(), RawValue::Integer(value));
        let found = problems(&t);
        prop_assert_eq!(found.len(), 1, "{:?}", describe(&found));
        prop_assert_eq!(
            found[0].path.as_str(),
            format!("users[{}].overrides.max_channels", t.users[u].id)
        );
        prop_assert_eq!(
            &found[0].problem,
            &Problem::Value(ValueError::OutOfBounds { value, min: 0, max: 100 })
        );
    }

    /// Pointing a template's parent at itself or at one of its descendants closes a cycle.
    #[test]
    fn fault_template_cycle_is_reported(
        t in valid_tenant(),
        at in any::<Index>(),
        to in any::<Index>(),
    ) {
        let mut t = t;
        if t.templates.is_empty() {
            t.templates.push(Template::new("loop"));
        }
        let i = at.index(t.templates.len());
        let target = t.templates[i].id.clone();
        // Templates whose parent chain reaches `target` (the chain is acyclic, so this ends).
        let reaches = |start: usize| {
            let mut current = Some(t.templates[start].id.clone());
            while let Some(id) = current {
                if id == target {
                    return true;
                }
                current = t.templates.iter().find(|x| x.id == id).and_then(|x| x.parent.clone());
            }
            false
        };
        let descendants: Vec<usize> = (0..t.templates.len()).filter(|&j| reaches(j)).collect();
        let j = descendants[to.index(descendants.len())];
        let closing = t.templates[j].id.clone();
        t.templates[i].parent = Some(closing.clone());

        let found = problems(&t);
        prop_assert_eq!(found.len(), 1, "{:?}", describe(&found));
        let Problem::TemplateCycle { names: cycle, length } = &found[0].problem else {
            return Err(TestCaseError::fail(format!("not a cycle: {}", found[0])));
        };
        prop_assert!(cycle.len() >= 2 && cycle.len() <= 9, "{:?}", cycle);
        if *length < 8 {
            // A short cycle is kept whole, closed by its first template.
            prop_assert_eq!(cycle.len(), length + 1);
            prop_assert!(cycle.first() == cycle.last(), "{:?}", cycle);
            prop_assert!(cycle.iter().any(|c| *c == target.as_str()), "{:?}", cycle);
            prop_assert!(cycle.iter().any(|c| *c == closing.as_str()), "{:?}", cycle);
        }
        prop_assert_eq!(found[0].path.as_str(), format!("templates[{}].parent", cycle[0]));
    }

    #[test]
    fn fault_device_of_unknown_owner_is_reported_on_the_device(
        t in valid_tenant(),
        ix in any::<Index>(),
    ) {
        let mut t = t;
        if t.devices.is_empty() {
            t.devices.push(Device::new("devx", "nobody", Platform::Ios, "6.4.0"));
        }
        let d = ix.index(t.devices.len());
        t.devices[d].owner = "nobody".into();
        let found = problems(&t);
        prop_assert_eq!(found.len(), 1, "{:?}", describe(&found));
        prop_assert_eq!(found[0].path.as_str(), format!("devices[{}].owner", t.devices[d].id));
        prop_assert_eq!(
            &found[0].problem,
            &Problem::Unknown { what: "user", id: "nobody".into() }
        );
    }

    /// Giving user `b` one of user `a`'s endpoints for an instant inside `a`'s interval.
    #[test]
    fn fault_endpoint_held_by_two_users_is_an_overlap(
        t in valid_tenant(),
        ia in any::<Index>(),
        ib in any::<Index>(),
        ie in any::<Index>(),
    ) {
        let mut t = t;
        for extra in ["zoe", "yann"] {
            if t.users.len() < 2 {
                t.users.push(User::new(extra));
            }
        }
        let a = ia.index(t.users.len());
        let b = (a + 1 + ib.index(t.users.len() - 1)) % t.users.len();
        if t.users[a].endpoints.is_empty() {
            t.users[a].endpoints.push(EndpointAssignment::extension("999"));
        }
        let held = t.users[a].endpoints[ie.index(t.users[a].endpoints.len())].clone();
        let mut overlapping = held.clone();
        overlapping.primary = false;
        overlapping.to = Some(held.from + 1);
        t.users[b].endpoints.push(overlapping);

        let found = problems(&t);
        prop_assert_eq!(found.len(), 1, "{:?}", describe(&found));
        let Problem::OverlappingAssignment { endpoint, other_user, from, to } = &found[0].problem
        else {
            return Err(TestCaseError::fail(format!("not an overlap: {}", found[0])));
        };
        prop_assert_eq!(endpoint, &format!("{} {}", held.kind, held.id));
        prop_assert_eq!((*from, *to), (held.from, Some(held.from + 1)));
        let (a_id, b_id) = (t.users[a].id.to_string(), t.users[b].id.to_string());
        let path = found[0].path.as_str();
        prop_assert!(
            (path == format!("users[{a_id}].endpoints") && *other_user == b_id)
                || (path == format!("users[{b_id}].endpoints") && *other_user == a_id),
            "{}", found[0]
        );
    }
}

/// Whether two assignments hold at one common instant, by the semantics of `Endpoint::holds_at`
/// (`[from, to)`, `to: None` = still assigned, including at `i64::MAX`).
fn hold_together(a: &EndpointAssignment, b: &EndpointAssignment) -> bool {
    let end = |e: &EndpointAssignment| e.to.map_or(i128::MAX, i128::from);
    let start = i128::from(a.from.max(b.from));
    start < end(a) && start < end(b)
}

/// Whether an assignment holds at instant `t`.
fn holds_at(e: &EndpointAssignment, t: i64) -> bool {
    e.from <= t && e.to.is_none_or(|to| t < to)
}

/// Starts of generated intervals: small, plus extremes. `i64::MAX` is left out on purpose: an
/// open-ended assignment starting there is not reported (see the report of this test suite).
fn start() -> BoxedStrategy<i64> {
    prop_oneof![4 => 0i64..=6, 1 => Just(i64::MIN), 1 => Just(i64::MAX - 1)].boxed()
}

fn end() -> BoxedStrategy<Option<i64>> {
    prop::option::of(prop_oneof![4 => 0i64..=6, 1 => Just(i64::MAX)]).boxed()
}

proptest! {
    /// §6.1 against a brute-force oracle: an overlap is reported exactly when two users hold one
    /// endpoint at a common instant, and each report names two users that really do, at the
    /// reported start.
    #[test]
    fn overlaps_are_reported_exactly_when_two_users_hold_an_endpoint_at_once(
        holdings in prop::collection::vec(
            prop::collection::vec(
                (
                    prop::sample::select(&[EndpointKind::Extension, EndpointKind::Agent][..]),
                    prop::sample::select(&["201", "202"][..]),
                    start(),
                    end(),
                ),
                0..=3,
            ),
            2..=3,
        ),
    ) {
        let mut tenant = Tenant::new("acme", pbx_entitlements::model::Plan::all("p"));
        for (u, endpoints) in holdings.into_iter().enumerate() {
            let mut user = User::new(format!("u{u}"));
            user.endpoints = endpoints
                .into_iter()
                .map(|(kind, id, from, to)| {
                    let mut e = EndpointAssignment::new(kind, id).since(from);
                    e.to = to;
                    e
                })
                .collect();
            tenant.users.push(user);
        }
        // Empty intervals are reported as such and take no part in overlaps.
        let live: Vec<Vec<&EndpointAssignment>> = tenant
            .users
            .iter()
            .map(|u| u.endpoints.iter().filter(|e| e.to.is_none_or(|to| to > e.from)).collect())
            .collect();
        let mut real = false;
        for (u, mine) in live.iter().enumerate() {
            for theirs in live.iter().skip(u + 1) {
                for a in mine {
                    for b in theirs {
                        real |= a.kind == b.kind && a.id == b.id && hold_together(a, b);
                    }
                }
            }
        }

        let found = problems(&tenant);
        let mut reported = 0;
        for e in &found {
            match &e.problem {
                Problem::EmptyRange { .. } => {}
                Problem::OverlappingAssignment { endpoint, other_user, from, to } => {
                    reported += 1;
                    prop_assert!(to.is_none_or(|to| *from < to), "{}", e);
                    let holder = |id: &str| {
                        tenant.users.iter().find(|u| u.id.as_str() == id).is_some_and(|u| {
                            u.endpoints.iter().any(|x| {
                                format!("{} {}", x.kind, x.id) == *endpoint
                                    && x.to.is_none_or(|t| t > x.from)
                                    && holds_at(x, *from)
                            })
                        })
                    };
                    let user = e
                        .path
                        .as_str()
                        .strip_prefix("users[")
                        .and_then(|p| p.strip_suffix("].endpoints"))
                        .unwrap_or_default();
                    prop_assert!(user != other_user.as_str(), "{}", e);
                    prop_assert!(holder(user) && holder(other_user), "{}", e);
                }
                _ => prop_assert!(false, "unexpected problem {}", e),
            }
        }
        prop_assert_eq!(real, reported > 0, "{:?}", describe(&found));
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed documents
// ---------------------------------------------------------------------------------------------

/// SPEC §11, verbatim.
const SPEC_EXAMPLE: &str = r#"{
  "version": 1,
  "tenant": "acme",
  "catalog": "standard",
  "home_country_code": "48",
  "emergency_numbers": ["112", "997", "998", "999"],
  "numbers": [{"number": "+48221234567", "kind": "standard"}, {"number": "+48221230000", "kind": "ivr", "ivr": "main", "members": ["alice"]}],
  "plan": {
    "id": "business",
    "features": "all",
    "limits": {"max_channels": 4},
    "choices": {"recordings_replay": "all"},
    "lists": {"allowed_country_codes": ["48", "49", "420"]},
    "seats": {"module_crm": 10}
  },
  "policy": {"chat": {"value": false, "locked": true}, "voicemail": {"value": true}},
  "templates": [
    {"id": "base", "values": {"voicemail": true, "calls": true}},
    {"id": "sales", "parent": "base", "values": {"edition_business": true, "edition_ios": true, "module_crm": true}},
    {"id": "supervisor", "values": {"listen_live": true, "user_management": "write", "recordings_replay": "all"}}
  ],
  "departments": [{"id": "sales", "template": "sales", "rank": 10}],
  "roles": [{"id": "supervisor", "template": "supervisor", "rank": 1, "administers": ["sales"]}],
  "groups": [{"id": "support", "number": "600", "members": ["alice"]}],
  "users": [
    {
      "id": "alice",
      "departments": ["sales"],
      "roles": ["supervisor"],
      "overrides": {"max_channels": 2},
      "preferences": {"record_conversations": false},
      "detached": false,
      "endpoints": [
        {"kind": "extension", "id": "201", "primary": true, "from": 0},
        {"kind": "agent", "id": "5001", "from": 1700000000, "to": 1800000000}
      ],
      "dee": ["2011"]
    }
  ],
  "devices": [{"id": "d1", "owner": "alice", "platform": "ios", "app_id": "com.example.voice", "version": "6.4.0", "last_seen": 1763900000}]
}"#;

#[test]
fn spec_example_deserialises_and_validates() {
    let tenant: Tenant = serde_json::from_str(SPEC_EXAMPLE).unwrap();
    let index = validate(&tenant).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(index.tenant().as_str(), "acme");
    assert_eq!(index.users().len(), 1);
    assert_eq!(index.templates().len(), 3);
    assert_eq!(index.devices().len(), 1);
}

#[test]
fn unknown_fields_are_rejected() {
    let top = SPEC_EXAMPLE.replacen(
        r#""tenant": "acme","#,
        r#""tenant": "acme", "colour": "red","#,
        1,
    );
    let in_user = SPEC_EXAMPLE.replacen(
        r#""id": "alice","#,
        r#""id": "alice", "nickname": "al","#,
        1,
    );
    assert_ne!(top, SPEC_EXAMPLE);
    assert_ne!(in_user, SPEC_EXAMPLE);
    for (doc, field) in [(top, "colour"), (in_user, "nickname")] {
        let err = serde_json::from_str::<Tenant>(&doc).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("unknown field") && message.contains(field),
            "{message}"
        );
    }
}

/// A tenant whose one user `alice` has `recordings_replay_others` set to `entries`.
fn replay_others(entries: Vec<String>) -> Tenant {
    let mut tenant: Tenant = serde_json::from_str(
        r#"{"version": 1, "tenant": "acme", "plan": {"id": "p", "features": "all"},
            "users": [{"id": "alice"}]}"#,
    )
    .unwrap();
    tenant.users[0]
        .overrides
        .insert("recordings_replay_others".into(), RawValue::List(entries));
    tenant
}

/// Seed 002 via §6.3: the `;`-joined list is at most 127 characters.
#[test]
fn replay_others_list_is_bounded_at_127_characters() {
    // 32 three-digit numbers: 32 * 3 + 31 separators = 127.
    let at_bound: Vec<String> = (100..132).map(|n| n.to_string()).collect();
    assert_eq!(at_bound.join(";").len(), 127);
    assert!(validate(&replay_others(at_bound)).is_ok());

    // 31 three-digit numbers and one four-digit one: 93 + 4 + 31 = 128.
    let mut over: Vec<String> = (100..131).map(|n| n.to_string()).collect();
    over.push("1000".into());
    assert_eq!(over.join(";").len(), 128);
    let found = problems(&replay_others(over));
    assert_eq!(found.len(), 1, "{:?}", describe(&found));
    assert_eq!(
        found[0].path.as_str(),
        "users[alice].overrides.recordings_replay_others"
    );
    assert_eq!(
        found[0].problem,
        Problem::Value(ValueError::TooLong {
            chars: 128,
            max: 127
        })
    );
}

/// A standard-catalog document with every kind of problem a tenant can have. Each collection
/// lists its entries in id order.
const EVERY_PROBLEM: &str = r#"{
  "version": 2,
  "tenant": "",
  "catalog": "standard",
  "home_country_code": "+48",
  "emergency_numbers": ["112", "11 2"],
  "numbers": [{"number": "+48-22", "kind": "ivr", "ivr": "main", "members": ["ghost"]}],
  "plan": {
    "id": "business",
    "features": ["chat", "teleport"],
    "limits": {"chat": 2, "max_channels": 101},
    "choices": {"recordings_replay": "some"},
    "lists": {"call_operations": ["fax"]},
    "seats": {"chat": 3}
  },
  "policy": {"voicemail": {"value": "yes", "locked": true}},
  "templates": [
    {"id": ""},
    {"id": "base", "values": {"recordings_replay_others": ["10;11"]}},
    {"id": "base"},
    {"id": "night", "parent": "nowhere"},
    {"id": "x", "parent": "y"},
    {"id": "y", "parent": "x"}
  ],
  "departments": [{"id": "sales", "template": "ghost"}],
  "roles": [{"id": "agent", "template": "ghost", "administers": ["sales", "nowhere"]}],
  "groups": [{"id": "support", "members": ["ghost"]}],
  "users": [
    {
      "id": "alice",
      "departments": ["nowhere"],
      "roles": ["nowhere"],
      "overrides": {
        "max_channels": "two",
        "teleport": true,
        "dashboard_logs": "admin",
        "recordings_replay_others": "REPLAY_128"
      },
      "preferences": {"chat": 1},
      "endpoints": [
        {"kind": "extension", "id": "", "from": 0},
        {"kind": "extension", "id": "201", "from": 10, "to": 10},
        {"kind": "extension", "id": "201", "primary": true, "from": 0},
        {"kind": "agent", "id": "5001", "primary": true, "from": 5}
      ],
      "dee": ["202", ""]
    },
    {"id": "bob", "endpoints": [{"kind": "extension", "id": "201", "from": 100, "to": 200}]}
  ],
  "devices": [
    {"id": "d1", "owner": "ghost", "platform": "ios", "version": "6.4.0"},
    {"id": "d2", "owner": "alice", "platform": "android", "version": "six"}
  ]
}"#;

/// §8: every problem at once, each with its path and typed error.
///
/// The order is document order, with one exception the crate makes by design of its id pass:
/// empty and repeated ids of every collection are reported right after `version` and `tenant`,
/// before the fields that follow them in the document.
#[test]
fn every_kind_of_problem_is_reported_at_once_in_order() {
    let mut replay: Vec<String> = (100..131).map(|n| n.to_string()).collect();
    replay.push("1000".into());
    let doc = EVERY_PROBLEM.replace(r#""REPLAY_128""#, &serde_json::to_string(&replay).unwrap());
    let tenant: Tenant = serde_json::from_str(&doc).unwrap();
    let found = problems(&tenant);

    let unknown = |what: &'static str, id: &str| Problem::Unknown {
        what,
        id: id.into(),
    };
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let expected: Vec<(&str, Problem)> = vec![
        (
            "version",
            Problem::UnsupportedVersion {
                found: 2,
                supported: 1,
            },
        ),
        ("tenant", Problem::EmptyId { what: "tenant" }),
        // The id pass.
        ("templates[0]", Problem::EmptyId { what: "template" }),
        (
            "templates[base]",
            Problem::Duplicate {
                what: "template",
                id: "base".into(),
            },
        ),
        // Fields in document order.
        ("home_country_code", Problem::BadNumber("+48".into())),
        ("emergency_numbers[1]", Problem::BadNumber("11 2".into())),
        ("numbers[0].number", Problem::BadNumber("+48-22".into())),
        ("numbers[0].members", unknown("user", "ghost")),
        ("plan.features[1]", unknown("feature", "teleport")),
        (
            "plan.limits.chat",
            Problem::WrongKind {
                feature: "chat".into(),
                kind: "toggle",
                what: "a plan maximum",
            },
        ),
        (
            "plan.limits.max_channels",
            ValueError::OutOfBounds {
                value: 101,
                min: 0,
                max: 100,
            }
            .into(),
        ),
        (
            "plan.choices.recordings_replay",
            ValueError::UnknownOption {
                found: "some".into(),
                expected: strings(&["none", "own", "all"]),
                options: 3,
            }
            .into(),
        ),
        (
            "plan.lists.call_operations",
            ValueError::NotAnItem {
                item: "fax".into(),
                expected: strings(&["desk_phone", "softphone"]),
                items: 2,
            }
            .into(),
        ),
        (
            "plan.seats.chat",
            Problem::WrongKind {
                feature: "chat".into(),
                kind: "toggle",
                what: "seats (the catalog does not sell it by the seat)",
            },
        ),
        (
            "policy.voicemail.value",
            ValueError::KindMismatch {
                expected: "a boolean".into(),
                found: "\"yes\"".into(),
            }
            .into(),
        ),
        (
            "templates[base].values.recordings_replay_others",
            ValueError::BadEntry {
                item: "10;11".into(),
            }
            .into(),
        ),
        ("templates[night].parent", unknown("template", "nowhere")),
        (
            "templates[x].parent",
            Problem::TemplateCycle {
                names: strings(&["x", "y", "x"]),
                length: 2,
            },
        ),
        ("departments[sales].template", unknown("template", "ghost")),
        ("roles[agent].template", unknown("template", "ghost")),
        (
            "roles[agent].administers",
            unknown("department or role", "nowhere"),
        ),
        ("groups[support].members", unknown("user", "ghost")),
        ("users[alice].departments", unknown("department", "nowhere")),
        ("users[alice].roles", unknown("role", "nowhere")),
        (
            "users[alice].overrides.max_channels",
            ValueError::KindMismatch {
                expected: "an integer in 0..=100".into(),
                found: "\"two\"".into(),
            }
            .into(),
        ),
        (
            "users[alice].overrides.teleport",
            unknown("feature", "teleport"),
        ),
        (
            "users[alice].overrides.dashboard_logs",
            ValueError::UnknownOption {
                found: "admin".into(),
                expected: strings(&["none", "read", "write"]),
                options: 3,
            }
            .into(),
        ),
        (
            "users[alice].overrides.recordings_replay_others",
            ValueError::TooLong {
                chars: 128,
                max: 127,
            }
            .into(),
        ),
        (
            "users[alice].preferences.chat",
            ValueError::KindMismatch {
                expected: "a boolean".into(),
                found: "1".into(),
            }
            .into(),
        ),
        (
            "users[alice].endpoints[0].id",
            Problem::EmptyId { what: "endpoint" },
        ),
        (
            "users[alice].endpoints[1]",
            Problem::EmptyRange { from: 10, to: 10 },
        ),
        (
            "users[alice].endpoints",
            Problem::SecondPrimary {
                other: "201".into(),
            },
        ),
        (
            "users[alice].dee[1]",
            Problem::EmptyId { what: "DEE member" },
        ),
        (
            "users[bob].endpoints",
            Problem::OverlappingAssignment {
                endpoint: "extension 201".into(),
                other_user: "alice".into(),
                from: 100,
                to: Some(200),
            },
        ),
        ("devices[d1].owner", unknown("user", "ghost")),
        ("devices[d2].version", Problem::BadVersion("six".into())),
    ];

    assert_eq!(found.len(), 36, "{:#?}", describe(&found));
    let actual: Vec<(&str, &Problem)> = found
        .iter()
        .map(|e| (e.path.as_str(), &e.problem))
        .collect();
    let expected: Vec<(&str, &Problem)> = expected.iter().map(|(p, e)| (*p, e)).collect();
    assert_eq!(actual, expected);
}

/// An embedded catalog is checked first; its problems are reported together, with paths under
/// `catalog`, and the tenant is not checked against a broken catalog.
#[test]
fn every_kind_of_catalog_problem_is_reported_at_once() {
    let doc = r#"{
      "version": 1, "tenant": "acme",
      "catalog": {
        "id": "",
        "features": [
          {"key": "a", "kind": "toggle", "requires": [{"feature": "b"}]},
          {"key": "b", "kind": "toggle", "requires": [{"feature": "a"}]},
          {"key": "", "kind": "toggle"},
          {"key": "s", "kind": "access", "seats": true},
          {"key": "s", "kind": "toggle"},
          {"key": "lim", "kind": {"limit": {"min": 5, "max": 1}}},
          {"key": "ch", "kind": {"choice": {"options": ["x", "x"]}}},
          {"key": "lst", "kind": {"list": {"items": ["p;q"]}}},
          {"key": "d", "kind": "access", "default": "admin"},
          {"key": "r", "kind": "toggle",
           "requires": [{"feature": "ghost"}, {"feature": "d", "at_least": 3}]}
        ],
        "self_service_gate": "d"
      },
      "plan": {"id": "p", "features": ["teleport"]}
    }"#;
    let tenant: Tenant = serde_json::from_str(doc).unwrap();
    let found = problems(&tenant);
    let paths: Vec<&str> = found.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "catalog.id",
            "catalog.features[]",
            "catalog.features[s]",
            "catalog.features[s].seats",
            "catalog.features[lim].kind",
            "catalog.features[ch].kind.options",
            "catalog.features[lst].kind.items",
            "catalog.features[d].default",
            "catalog.features[r].requires[0].feature",
            "catalog.features[r].requires[1].at_least",
            "catalog.features[a].requires",
            "catalog.self_service_gate",
        ],
        "{:#?}",
        describe(&found)
    );
    let kinds: Vec<&Problem> = found.iter().map(|e| &e.problem).collect();
    assert!(matches!(kinds[0], Problem::EmptyId { what: "catalog" }));
    assert!(matches!(kinds[1], Problem::EmptyId { what: "feature" }));
    assert!(matches!(kinds[2], Problem::Duplicate { .. }));
    assert!(matches!(kinds[3], Problem::WrongKind { what: "seats", .. }));
    assert_eq!(kinds[4], &Problem::EmptyRange { from: 5, to: 1 });
    assert!(matches!(
        kinds[5],
        Problem::BadOptions {
            what: "options",
            ..
        }
    ));
    assert!(matches!(
        kinds[6],
        Problem::BadOptions { what: "items", .. }
    ));
    assert!(matches!(
        kinds[7],
        Problem::Value(ValueError::UnknownOption { .. })
    ));
    assert!(matches!(
        kinds[8],
        Problem::Unknown {
            what: "feature",
            ..
        }
    ));
    assert!(matches!(
        kinds[9],
        Problem::Value(ValueError::KindMismatch { .. })
    ));
    assert_eq!(
        kinds[10],
        &Problem::RequirementCycle {
            names: vec!["a".into(), "b".into(), "a".into()],
            length: 2
        }
    );
    assert!(matches!(
        kinds[11],
        Problem::WrongKind {
            what: "the self-service gate",
            ..
        }
    ));
}

/// List bounds of an embedded catalog are enforced on tenant values (§8 "list bounds").
#[test]
fn custom_catalog_list_bounds_are_enforced() {
    let doc = r#"{
      "version": 1, "tenant": "acme",
      "catalog": {"id": "bounded", "features": [{"key": "nums", "kind": {"list": {"max_entries": 2}}}],
                  "self_service_gate": null},
      "plan": {"id": "p", "features": "all"},
      "users": [
        {"id": "alice", "overrides": {"nums": ["1", "2", "3"]}},
        {"id": "bob", "overrides": {"nums": ["1", "2", "2"]}}
      ]
    }"#;
    let tenant: Tenant = serde_json::from_str(doc).unwrap();
    let found = problems(&tenant);
    assert_eq!(found.len(), 1, "{:?}", describe(&found));
    assert_eq!(found[0].path.as_str(), "users[alice].overrides.nums");
    assert_eq!(
        found[0].problem,
        Problem::Value(ValueError::TooManyEntries { entries: 3, max: 2 })
    );
}
