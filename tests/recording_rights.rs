//! Recording rights and recording policy (SPEC §6, §12): endpoints over time and call
//! attribution, replay / download / delete, live listening, and whether a call is recorded.
//!
//! 1. Properties, with brute-force oracles written here from the SPEC's words (never from the
//!    crate's code): reassigned extensions, download and delete implying replay, groups
//!    and others only with replay own (on the standard catalog and on a catalog whose lists do
//!    not require it), bulk filters, order independence, whole-token matching, sampling, and
//!    attribution (agent beats extension, DEE, `owner_at`).
//! 2. Unit tests pinning every decision's reason, allowed and refused.
//! 3. Validation of replay groups and DEE members, and strict reading of recordings and calls.
//! 4. The seed scenarios: MiVoice (001), IP Office (002), SIMtrix (004).

mod common;
mod support;

use std::collections::BTreeMap;

use pbx_entitlements::model::{
    Call, CatalogSource, Direction, EndpointAssignment, EndpointKind, Group, Leg, Plan,
    PolicyEntry, Reach, Recording, Template, Tenant, User, read_document,
};
use pbx_entitlements::recording::{Ground, Reason, RecordingLog, Scope, fnv1a64, sampled_in};
use pbx_entitlements::{
    AttributedBy, Catalog, Entitlements, FeatureDef, ListValue, Problem, RawValue, Refers,
    Resolver, TenantIndex, ValueError, validate, validate_against,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

// ---------------------------------------------------------------------------------------------
// Helpers and oracles
// ---------------------------------------------------------------------------------------------

/// The tenant as JSON, for failure messages.
fn json(t: &Tenant) -> String {
    serde_json::to_string(t).unwrap_or_else(|e| format!("<unserialisable: {e}>"))
}

/// The index of a tenant that must be valid.
fn index(t: &Tenant) -> TenantIndex {
    validate(t).unwrap_or_else(|e| panic!("the tenant should be valid: {e}\n{}", json(t)))
}

/// The id of a user handle.
fn user_id(index: &TenantIndex, ix: pbx_entitlements::UserIx) -> &str {
    index
        .user(ix)
        .map_or("<unknown handle>", |u| u.id().as_str())
}

/// Whether an assignment holds at `at`: `[from, to)`.
fn holds(e: &EndpointAssignment, at: i64) -> bool {
    e.from <= at && e.to.is_none_or(|to| at < to)
}

/// SPEC §6.1, by brute force over every user's assignments: the user holding the endpoint
/// directly at `at`; else, for an extension, the user whose primary extension it is a DEE member
/// of at `at` (only reached when nobody holds it directly).
fn oracle_owner<'t>(t: &'t Tenant, kind: EndpointKind, id: &str, at: i64) -> Option<&'t str> {
    let direct: Vec<&str> = t
        .users
        .iter()
        .filter(|u| {
            u.endpoints
                .iter()
                .any(|e| e.kind == kind && e.id == id && holds(e, at))
        })
        .map(|u| u.id.as_str())
        .collect();
    assert!(
        direct.len() <= 1,
        "{kind:?} {id} held by {direct:?} at {at}"
    );
    if let Some(user) = direct.first() {
        return Some(user);
    }
    if kind == EndpointKind::Agent {
        return None;
    }
    let dee: Vec<&str> = t
        .users
        .iter()
        .filter(|u| {
            u.dee.iter().any(|m| m == id)
                && u.endpoints
                    .iter()
                    .any(|e| e.kind == EndpointKind::Extension && e.primary && holds(e, at))
        })
        .map(|u| u.id.as_str())
        .collect();
    assert!(dee.len() <= 1, "DEE member {id} follows {dee:?} at {at}");
    dee.first().copied()
}

/// SPEC §6.2: the agent id's holder at `at` if any, else the extension's.
fn oracle_attribute<'t>(
    t: &'t Tenant,
    at: i64,
    extension: &str,
    agent: Option<&str>,
) -> Option<(&'t str, AttributedBy)> {
    if let Some(user) = agent.and_then(|a| oracle_owner(t, EndpointKind::Agent, a, at)) {
        return Some((user, AttributedBy::Agent));
    }
    let user = oracle_owner(t, EndpointKind::Extension, extension, at)?;
    let direct = t.users.iter().any(|u| {
        u.endpoints
            .iter()
            .any(|e| e.kind == EndpointKind::Extension && e.id == extension && holds(e, at))
    });
    Some((
        user,
        if direct {
            AttributedBy::Extension
        } else {
            AttributedBy::Dee
        },
    ))
}

/// What the library says about a leg, as the oracle says it.
fn attribute<'i>(
    index: &'i TenantIndex,
    at: i64,
    extension: &str,
    agent: Option<&str>,
) -> Option<(&'i str, AttributedBy)> {
    index
        .endpoints()
        .attribute(at, extension, agent)
        .map(|a| (user_id(index, a.user), a.via))
}

/// Whether a list entitlement contains `entry`.
fn list_has(list: &ListValue, entry: &str) -> bool {
    match list {
        ListValue::Any => true,
        ListValue::Only(set) => set.contains(entry),
    }
}

/// Why replay is allowed or refused, by the rule of SPEC §6.3 (coarser than `Ground`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    All,
    Own,
    Listed,
    NoReplay,
    NeedsOwn,
    NotOwn,
}

impl Why {
    fn allows(self) -> bool {
        matches!(self, Why::All | Why::Own | Why::Listed)
    }

    fn of(ground: &Ground<'_>) -> Option<Why> {
        Some(match ground {
            Ground::All => Why::All,
            Ground::Own { .. } => Why::Own,
            Ground::Group { .. } | Ground::Number { .. } => Why::Listed,
            Ground::NoReplay => Why::NoReplay,
            Ground::NeedsOwn => Why::NeedsOwn,
            Ground::NotOwn { .. } => Why::NotOwn,
            _ => return None,
        })
    }
}

/// The ground of a replay decision.
fn ground_of<'r>(reason: &Reason<'r>) -> Option<Ground<'r>> {
    match *reason {
        Reason::Replay(g) | Reason::Download(g) | Reason::Delete(g) => Some(g),
        _ => None,
    }
}

/// Whether the viewer's replay groups or replay list name `recording` (SPEC §6.3: the handling
/// group in the groups; a token — a leg's extension or agent id, the account code, the line or
/// the handling group's number — equal to an entry of the list).
fn oracle_listed(t: &Tenant, e: &Entitlements, recording: &Recording) -> bool {
    let groups = e
        .list("recordings_replay_groups")
        .cloned()
        .unwrap_or_else(|_| ListValue::empty());
    let others = e
        .list("recordings_replay_others")
        .cloned()
        .unwrap_or_else(|_| ListValue::empty());
    let group = recording.group.as_ref().map(|g| g.as_str());
    if group.is_some_and(|g| list_has(&groups, g)) {
        return true;
    }
    let mut tokens: Vec<&str> = Vec::new();
    for leg in &recording.legs {
        tokens.push(&leg.extension);
        tokens.extend(leg.agent.as_deref());
    }
    tokens.extend(recording.account_code.as_deref());
    tokens.extend(recording.line.as_deref());
    tokens.extend(
        t.groups
            .iter()
            .filter(|g| Some(g.id.as_str()) == group)
            .filter_map(|g| g.number.as_deref()),
    );
    tokens.iter().any(|token| list_has(&others, token))
}

/// Whether a leg of `recording` is the viewer's at its start, by the oracle of §6.2.
fn oracle_own(t: &Tenant, viewer: &str, recording: &Recording) -> bool {
    recording.legs.iter().any(|leg| {
        oracle_attribute(t, recording.start, &leg.extension, leg.agent.as_deref())
            .is_some_and(|(user, _)| user == viewer)
    })
}

/// SPEC §6.3: replay all; replay own with a leg of the viewer's at the start, or the recording
/// listed; groups and others never count with replay none.
fn oracle_replay(t: &Tenant, e: &Entitlements, viewer: &str, recording: &Recording) -> Why {
    let listed = oracle_listed(t, e, recording);
    match e.choice("recordings_replay") {
        Ok("all") => Why::All,
        Ok("own") if oracle_own(t, viewer, recording) => Why::Own,
        Ok("own") if listed => Why::Listed,
        Ok("own") => Why::NotOwn,
        _ if listed => Why::NeedsOwn,
        _ => Why::NoReplay,
    }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Numbers for replay lists: extensions, agent ids, group numbers, an account code, `10` next
/// to `101` (a prefix), and a group id (`queue`), which is not one of a recording's numbers.
const OTHERS_POOL: &[&str] = &[
    "10", "101", "200", "201", "300", "500", "5001", "600", "601", "77", "queue",
];
/// Leg extensions: the primary extensions (`20<i>`), DEE members (`20<i>1`) and hot desk of
/// `common::valid_tenant`, and numbers nobody holds.
const EXTENSION_POOL: &[&str] = &[
    "200", "201", "202", "203", "204", "205", "2001", "2011", "2021", "300", "10", "101",
];
/// Leg agent ids: the agents of `common::valid_tenant` (`50<i>`) and some nobody holds.
const AGENT_POOL: &[&str] = &["500", "501", "502", "503", "504", "505", "10", "5099"];
/// Handling groups: the generated ones and one the tenant does not have.
const GROUP_POOL: &[&str] = &["queue", "team", "hunt", "elsewhere"];

/// One user's recording rights as overrides; each may be absent.
#[derive(Debug, Clone)]
struct RightsDraw {
    replay: Option<&'static str>,
    groups: Option<Vec<&'static str>>,
    others: Option<Vec<&'static str>>,
    download: Option<bool>,
    delete: Option<bool>,
}

fn rights_draw() -> impl Strategy<Value = RightsDraw> {
    (
        option::of(select(&["none", "own", "all"][..])),
        option::of(subsequence(common::GROUP_IDS, 0..=3)),
        option::of(subsequence(OTHERS_POOL, 0..=3)),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
    )
        .prop_map(|(replay, groups, others, download, delete)| RightsDraw {
            replay,
            groups,
            others,
            download,
            delete,
        })
}

/// Gives each user of `t` the overrides of its draw; replay groups keep only the tenant's own
/// groups (validation refuses the others).
fn apply_rights(t: &mut Tenant, draws: Vec<RightsDraw>) {
    let groups: Vec<String> = t.groups.iter().map(|g| g.id.to_string()).collect();
    for (user, draw) in t.users.iter_mut().zip(draws) {
        let o = &mut user.overrides;
        if let Some(replay) = draw.replay {
            o.insert("recordings_replay".into(), replay.into());
        }
        if let Some(list) = draw.groups {
            let list: Vec<&str> = list
                .into_iter()
                .filter(|g| groups.iter().any(|known| known == g))
                .collect();
            o.insert("recordings_replay_groups".into(), list.into());
        }
        if let Some(list) = draw.others {
            o.insert("recordings_replay_others".into(), list.into());
        }
        if let Some(on) = draw.download {
            o.insert("recordings_download".into(), on.into());
        }
        if let Some(on) = draw.delete {
            o.insert("recordings_delete".into(), on.into());
        }
    }
}

/// A valid tenant on the standard catalog (`common::valid_tenant`) whose users have random
/// recording rights as overrides.
fn rights_tenant() -> impl Strategy<Value = Tenant> {
    (
        common::valid_tenant(),
        vec(rights_draw(), common::USER_IDS.len()),
    )
        .prop_map(|(mut t, draws)| {
            apply_rights(&mut t, draws);
            t
        })
}

fn leg() -> impl Strategy<Value = Leg> {
    (select(EXTENSION_POOL), option::of(select(AGENT_POOL))).prop_map(|(extension, agent)| {
        let leg = Leg::extension(extension);
        match agent {
            Some(agent) => leg.with_agent(agent),
            None => leg,
        }
    })
}

/// Recordings `r0`, `r1` … mostly in the first 1100 seconds, where the agent ids of
/// `common::valid_tenant` are held, and sometimes anywhere in the hot-desk slots.
fn recordings() -> impl Strategy<Value = Vec<Recording>> {
    let one = (
        prop_oneof![3 => 0i64..1100, 1 => -10i64..6010],
        vec(leg(), 0..=3),
        option::of(select(GROUP_POOL)),
        option::of(select(&["77", "10", "600"][..])),
        option::of(select(&["+48221230000", "600", "101"][..])),
    );
    vec(one, 0..=8).prop_map(|parts| {
        parts
            .into_iter()
            .enumerate()
            .map(|(i, (start, legs, group, code, line))| {
                let mut r = Recording::new(format!("r{i}"), start);
                for leg in legs {
                    r = r.with_leg(leg);
                }
                if let Some(group) = group {
                    r = r.with_group(group);
                }
                if let Some(code) = code {
                    r = r.with_account_code(code);
                }
                if let Some(line) = line {
                    r = r.with_line(line);
                }
                r
            })
            .collect()
    })
}

/// A catalog whose replay groups and replay list do not require replay own, so that the
/// decision rule itself (not the standard catalog's requirement) must keep them from counting
/// with replay none. Its replay list has no size bound, so it may be `"any"`.
fn loose_catalog() -> Catalog {
    Catalog::builder("loose")
        .feature(FeatureDef::choice(
            "recordings_replay",
            &["none", "own", "all"],
        ))
        .feature(FeatureDef::list("recordings_replay_groups").refers_to(Refers::Groups))
        .feature(FeatureDef::list("recordings_replay_others"))
        .feature(FeatureDef::toggle("recordings_download"))
        .feature(FeatureDef::toggle("recordings_delete"))
        .feature(FeatureDef::toggle("edit_settings"))
        .self_service_gate("edit_settings")
        .build()
        .unwrap_or_else(|e| panic!("the loose catalog is well-formed: {e}"))
}

/// A tenant on [`loose_catalog`]: the users, endpoints and groups of `common::valid_tenant`
/// with every standard value removed, random rights as overrides, and sometimes tenant-wide
/// replay groups and list, either of which may be `"any"`.
fn loose_tenant() -> impl Strategy<Value = Tenant> {
    (
        common::valid_tenant(),
        vec(rights_draw(), common::USER_IDS.len()),
        option::of(option::weighted(
            0.75,
            subsequence(common::GROUP_IDS, 1..=3),
        )),
        option::of(option::weighted(0.75, subsequence(OTHERS_POOL, 1..=3))),
        any::<bool>(),
    )
        .prop_map(|(base, draws, groups, others, locked)| {
            let mut t = Tenant::new("acme", Plan::all("p"))
                .with_catalog(CatalogSource::Named("loose".into()));
            t.groups = base.groups;
            t.users = base
                .users
                .into_iter()
                .map(|u| {
                    let mut user = User::new(u.id.as_str());
                    user.endpoints = u.endpoints;
                    user.dee = u.dee;
                    user
                })
                .collect();
            let known: Vec<String> = t.groups.iter().map(|g| g.id.to_string()).collect();
            // `None` inside stands for "any".
            let list = |entries: Option<Vec<&str>>| match entries {
                Some(entries) => RawValue::from(entries),
                None => RawValue::from("any"),
            };
            if let Some(groups) = groups {
                let groups = groups.map(|groups| {
                    groups
                        .into_iter()
                        .filter(|g| known.iter().any(|k| k == g))
                        .collect()
                });
                let mut entry = PolicyEntry::new(list(groups));
                entry.locked = locked;
                t.policy.insert("recordings_replay_groups".into(), entry);
            }
            if let Some(others) = others {
                t.policy.insert(
                    "recordings_replay_others".into(),
                    PolicyEntry::new(list(others)),
                );
            }
            apply_rights(&mut t, draws);
            t
        })
}

/// One candidate endpoint assignment for [`endpoint_tenant`].
type Candidate = (usize, bool, &'static str, bool, i64, Option<i64>);

/// Users for attribution tests, named for the MiVoice seed.
const PEOPLE: &[&str] = &["ann", "ben", "cat", "dan"];

/// Small tenants whose endpoints collide often: extensions `201`–`203` and agents `501`–`503`
/// over instants 0..35, DEE members `202`–`204` (so a DEE member is often someone's extension).
/// Each candidate assignment is kept only if the tenant stays valid (no overlap between users,
/// one primary at a time, no DEE member following two primaries at once), so every tenant is
/// valid and shrinking removes candidates.
fn endpoint_tenant() -> impl Strategy<Value = Tenant> {
    let candidate = (
        0..PEOPLE.len(),
        any::<bool>(),
        select(&["201", "202", "203"][..]),
        any::<bool>(),
        0i64..20,
        option::of(1i64..15),
    );
    let dee = (0..PEOPLE.len(), select(&["202", "203", "204"][..]));
    (vec(candidate, 0..=10), vec(dee, 0..=3)).prop_map(|(candidates, dee)| {
        let mut t = Tenant::new("acme", Plan::all("p"));
        t.users = PEOPLE.iter().map(|id| User::new(*id)).collect();
        for (user, member) in dee {
            if !t.users[user].dee.iter().any(|m| m == member) {
                t.users[user].dee.push(member.to_owned());
            }
        }
        for candidate in candidates {
            let (user, agent, id, primary, from, len): Candidate = candidate;
            let id = if agent {
                id.replace("20", "50")
            } else {
                id.to_owned()
            };
            let mut e = if agent {
                EndpointAssignment::agent(id)
            } else {
                EndpointAssignment::extension(id)
            }
            .since(from);
            if let Some(len) = len {
                e = e.until(from + len);
            }
            if primary {
                e = e.primary();
            }
            t.users[user].endpoints.push(e);
            if validate(&t).is_err() {
                t.users[user].endpoints.pop();
            }
        }
        t
    })
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(128))]

    /// SPEC §6.2: extension 201 is A's during `[from, t)` and B's from `t` (B may give it up
    /// later). No leg before `t` is B's, B (replay own, no groups, no list) never replays a
    /// recording on 201 made before `t`, and legs from `t` while B holds it are B's. Before A
    /// and after B the extension is nobody's, or C's when C has it as a DEE member.
    #[test]
    fn a_reassigned_extension_never_carries_earlier_calls_to_the_new_holder(
        from in 0i64..50,
        gap in 1i64..50,
        b_len in option::of(1i64..50),
        a_primary in any::<bool>(),
        b_primary in any::<bool>(),
        c_dee in any::<bool>(),
        stray_agent in any::<bool>(),
        starts in vec(-5i64..200, 1..8),
    ) {
        let t_change = from + gap;
        let b_end = b_len.map(|len| t_change + len);
        let mut a = EndpointAssignment::extension("201").since(from).until(t_change);
        if a_primary {
            a = a.primary();
        }
        let mut b = EndpointAssignment::extension("201").since(t_change);
        if let Some(end) = b_end {
            b = b.until(end);
        }
        if b_primary {
            b = b.primary();
        }
        let mut t = Tenant::new("acme", Plan::all("p"));
        t.users.push(User::new("a").with_endpoint(a).with_override("recordings_replay", "own"));
        t.users.push(User::new("b").with_endpoint(b).with_override("recordings_replay", "own"));
        // C's primary extension is held at every instant tested, so C's DEE member 201 is C's
        // whenever nobody holds 201 directly.
        let mut c = User::new("c")
            .with_endpoint(EndpointAssignment::extension("209").primary().since(-100));
        if c_dee {
            c = c.with_dee("201");
        }
        t.users.push(c);
        let index = index(&t);
        let resolver = Resolver::new(&index);
        let a_rights = resolver.recording_rights("a").unwrap();
        let b_rights = resolver.recording_rights("b").unwrap();

        let agent = stray_agent.then_some("5999"); // held by nobody: the extension decides
        let recordings: Vec<Recording> = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let leg = Leg::extension("201");
                let leg = match agent {
                    Some(agent) => leg.with_agent(agent),
                    None => leg,
                };
                Recording::new(format!("r{i}"), s).with_leg(leg)
            })
            .collect();
        for r in &recordings {
            let s = r.start;
            let owner = attribute(&index, s, "201", agent).map(|(user, _)| user);
            let b_holds = s >= t_change && b_end.is_none_or(|end| s < end);
            let a_holds = from <= s && s < t_change;
            let expected = if a_holds {
                Some("a")
            } else if b_holds {
                Some("b")
            } else if c_dee {
                Some("c")
            } else {
                None
            };
            prop_assert_eq!(owner, expected, "leg at {}", s);
            if s < t_change {
                prop_assert_ne!(owner, Some("b"));
                prop_assert!(!b_rights.replay(r).allowed, "b replays {} at {}", b_rights.replay(r), s);
            }
            prop_assert_eq!(b_rights.replay(r).allowed, b_holds, "{} at {}", b_rights.replay(r), s);
            prop_assert_eq!(a_rights.replay(r).allowed, a_holds, "{} at {}", a_rights.replay(r), s);
        }
        prop_assert!(b_rights.replayable(&recordings).all(|r| r.start >= t_change));
    }

    /// SPEC §6.3 as a whole: every replay decision of every viewer on random recordings is the
    /// brute-force rule (scope, own legs attributed at the start, groups, whole-number tokens),
    /// and an own ground names the first leg that is the viewer's and how it became theirs.
    #[test]
    fn replay_follows_the_rule_of_6_3(t in rights_tenant(), recordings in recordings()) {
        let index = index(&t);
        let resolver = Resolver::new(&index);
        for user in &t.users {
            let viewer = user.id.as_str();
            let e = resolver.user(viewer).unwrap();
            let rights = resolver.recording_rights(viewer).unwrap();
            for r in &recordings {
                let decision = rights.replay(r);
                let ground = ground_of(&decision.reason).unwrap();
                let expected = oracle_replay(&t, &e, viewer, r);
                prop_assert_eq!(Why::of(&ground), Some(expected), "{} on {:?}: {}\n{}", viewer, r, decision, json(&t));
                prop_assert_eq!(decision.allowed, expected.allows());
                if let Ground::Own { extension, agent, by, .. } = ground {
                    let first = r.legs.iter().find(|leg| {
                        oracle_attribute(&t, r.start, &leg.extension, leg.agent.as_deref())
                            .is_some_and(|(u, _)| u == viewer)
                    }).unwrap();
                    prop_assert_eq!(extension, first.extension.as_str());
                    prop_assert_eq!(agent, first.agent.as_deref());
                    let via = oracle_attribute(&t, r.start, extension, agent).map(|(_, via)| via);
                    prop_assert_eq!(Some(by), via);
                }
            }
        }
    }

    /// SPEC §6.3: download allowed ⇒ `recordings_download` on and replay allowed; with the
    /// toggle on, download is exactly replay.
    #[test]
    fn download_needs_the_toggle_and_replay(t in rights_tenant(), recordings in recordings()) {
        let index = index(&t);
        let resolver = Resolver::new(&index);
        for user in &t.users {
            let viewer = user.id.as_str();
            let on = resolver.user(viewer).unwrap().toggle("recordings_download").unwrap();
            let rights = resolver.recording_rights(viewer).unwrap();
            for r in &recordings {
                let (replay, download) = (rights.replay(r), rights.download(r));
                if download.allowed {
                    prop_assert!(replay.allowed && on, "{} / {}", download, replay);
                }
                if on {
                    prop_assert_eq!(download.allowed, replay.allowed);
                } else {
                    prop_assert_eq!(
                        download.reason.to_string(),
                        format!("recordings_download is off for {viewer}")
                    );
                }
            }
        }
    }

    /// SPEC §6.3: delete is never allowed without `recordings_delete` (whatever replay and
    /// download say), and delete allowed ⇒ replay allowed.
    #[test]
    fn delete_needs_its_own_toggle_and_replay(t in rights_tenant(), recordings in recordings()) {
        let index = index(&t);
        let resolver = Resolver::new(&index);
        for user in &t.users {
            let viewer = user.id.as_str();
            let on = resolver.user(viewer).unwrap().toggle("recordings_delete").unwrap();
            let rights = resolver.recording_rights(viewer).unwrap();
            for r in &recordings {
                let (replay, delete) = (rights.replay(r), rights.delete(r));
                if !on {
                    prop_assert!(!delete.allowed, "{}", delete);
                    prop_assert_eq!(
                        delete.reason.to_string(),
                        format!("recordings_delete is off for {viewer}")
                    );
                }
                if delete.allowed {
                    prop_assert!(replay.allowed, "{} / {}", delete, replay);
                }
                if on {
                    prop_assert_eq!(delete.allowed, replay.allowed);
                }
            }
        }
    }

    /// SPEC §6.3, standard catalog: with replay none, nothing is replayable, downloadable or
    /// deletable; the catalog's requirement has already emptied the replay groups and list, so
    /// the reason is plainly "replay is none".
    #[test]
    fn replay_none_allows_nothing_on_the_standard_catalog(
        t in rights_tenant(),
        recordings in recordings(),
    ) {
        let index = index(&t);
        let resolver = Resolver::new(&index);
        for user in &t.users {
            let viewer = user.id.as_str();
            let rights = resolver.recording_rights(viewer).unwrap();
            if rights.scope() != Scope::None {
                continue;
            }
            let e = resolver.user(viewer).unwrap();
            let empty = ListValue::empty();
            prop_assert_eq!(e.list("recordings_replay_groups"), Ok(&empty));
            prop_assert_eq!(e.list("recordings_replay_others"), Ok(&empty));
            for r in &recordings {
                prop_assert_eq!(rights.replay(r).to_string(), "refused: replay is none");
                prop_assert!(!rights.download(r).allowed);
                prop_assert!(!rights.delete(r).allowed);
            }
            prop_assert_eq!(rights.replayable(&recordings).count(), 0);
        }
    }

    /// SPEC §6.3 on a catalog whose replay groups and list do not require replay own: the lists
    /// stay effective with replay none, and still allow nothing ("groups and others need replay
    /// own"); download and delete, which need no replay here either, follow replay. Replay
    /// follows the brute-force rule for every scope.
    #[test]
    fn groups_and_others_never_count_without_replay_own(
        t in loose_tenant(),
        recordings in recordings(),
    ) {
        let index = validate_against(&t, loose_catalog())
            .unwrap_or_else(|e| panic!("valid on the loose catalog: {e}\n{}", json(&t)));
        let resolver = Resolver::new(&index);
        for user in &t.users {
            let viewer = user.id.as_str();
            let e = resolver.user(viewer).unwrap();
            let rights = resolver.recording_rights(viewer).unwrap();
            for r in &recordings {
                let decision = rights.replay(r);
                let expected = oracle_replay(&t, &e, viewer, r);
                let ground = ground_of(&decision.reason).unwrap();
                prop_assert_eq!(Why::of(&ground), Some(expected), "{} on {:?}: {}\n{}", viewer, r, decision, json(&t));
                prop_assert_eq!(decision.allowed, expected.allows());
                if rights.scope() == Scope::None {
                    prop_assert!(!decision.allowed);
                    prop_assert!(!rights.download(r).allowed, "{}", rights.download(r));
                    prop_assert!(!rights.delete(r).allowed, "{}", rights.delete(r));
                    if expected == Why::NeedsOwn {
                        prop_assert_eq!(
                            decision.to_string(),
                            "refused: groups and others need replay own; replay is none"
                        );
                    }
                }
            }
        }
    }

    /// The bulk filters are the decisions (see [`check_bulk`]), on the standard catalog.
    #[test]
    fn bulk_filters_equal_the_decisions(t in rights_tenant(), recordings in recordings()) {
        check_bulk(&index(&t), &t, &recordings)?;
    }

    /// The bulk filters are the decisions (see [`check_bulk`]) on the loose catalog, where
    /// replay groups and lists may be `"any"` and may be set with replay none.
    #[test]
    fn bulk_filters_equal_the_decisions_on_the_loose_catalog(
        t in loose_tenant(),
        recordings in recordings(),
    ) {
        let index = validate_against(&t, loose_catalog())
            .unwrap_or_else(|e| panic!("valid on the loose catalog: {e}\n{}", json(&t)));
        check_bulk(&index, &t, &recordings)?;
    }

    /// SPEC §1: decisions do not depend on the order of the tenant's users, groups, endpoints
    /// (or anything else `shuffle_tenant` reorders), nor on the order of the recordings.
    #[test]
    fn decisions_do_not_depend_on_input_order(
        t in rights_tenant(),
        (recordings, shuffled) in recordings().prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
        seed in any::<u64>(),
    ) {
        let other = common::shuffle_tenant(&t, seed);
        prop_assert_eq!(decisions(&t, &recordings), decisions(&other, &shuffled), "{}", json(&t));
    }

    /// SPEC §6.3: "exact token match, never a substring or prefix". With the replay list
    /// `["10"]`, a recording whose one number is `token` (as a leg's extension, its agent id, the
    /// account code, the line or the handling group's number) is replayable exactly when the
    /// token is `10`.
    #[test]
    fn replay_list_matches_whole_tokens_only(
        token in prop_oneof![
            select(&["10", "101", "010", "1", "10 ", " 10", "100", "1 0"][..]).prop_map(str::to_owned),
            "[01 ]{1,4}",
        ],
        place in 0usize..5,
    ) {
        let (t, r) = token_case(&token, place);
        let index = index(&t);
        let resolver = Resolver::new(&index);
        let rights = resolver.recording_rights("vic").unwrap();
        let decision = rights.replay(&r);
        prop_assert_eq!(decision.allowed, token == "10", "token {:?} at {}: {}", token, place, decision);
    }

    /// SPEC §6.4: `sampled_in(id, p)` is `fnv1a64(id) % 100 < p`, with that bucket, and monotone
    /// in `p`.
    #[test]
    fn sampling_is_the_fnv_bucket_and_monotone(
        id in ".{0,12}",
        p in -5i64..=105,
        q in -5i64..=105,
    ) {
        let bucket = fnv1a64(id.as_bytes()) % 100;
        let (inside, got) = sampled_in(&id, p);
        prop_assert_eq!(got, bucket);
        prop_assert_eq!(inside, i64::try_from(bucket).unwrap() < p);
        let (low, high) = (p.min(q), p.max(q));
        if sampled_in(&id, low).0 {
            prop_assert!(sampled_in(&id, high).0);
        }
        prop_assert!(!sampled_in(&id, 0).0);
        prop_assert!(sampled_in(&id, 100).0);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// SPEC §6.1: `owner_at` is the brute-force scan over every user's assignments (direct
    /// holder, else the DEE member's user while nobody holds it directly), for every endpoint
    /// of the pools at every instant around the assignments.
    #[test]
    fn owner_at_is_a_scan_of_every_assignment(t in endpoint_tenant()) {
        let index = index(&t);
        let endpoints = index.endpoints();
        for at in (-1i64..=36).chain([i64::MIN, i64::MAX]) {
            for (kind, ids) in [
                (EndpointKind::Extension, &["201", "202", "203", "204", "205"][..]),
                (EndpointKind::Agent, &["501", "502", "503", "201"][..]),
            ] {
                for id in ids {
                    let got = endpoints.owner_at(kind, id, at).map(|ix| user_id(&index, ix));
                    prop_assert_eq!(got, oracle_owner(&t, kind, id, at), "{:?} {} at {}\n{}", kind, id, at, json(&t));
                }
            }
        }
    }

    /// SPEC §6.2: a leg is the agent id's holder's when someone holds the agent id at that
    /// instant (agent beats extension), else the extension's (directly, else as a DEE member);
    /// an agent id nobody holds falls back to the extension.
    #[test]
    fn agent_beats_extension_and_unheld_agents_fall_back(t in endpoint_tenant()) {
        let index = index(&t);
        for at in -1i64..=36 {
            for extension in ["201", "202", "203", "204", "205"] {
                for agent in [None, Some("501"), Some("502"), Some("509")] {
                    let got = attribute(&index, at, extension, agent);
                    prop_assert_eq!(got, oracle_attribute(&t, at, extension, agent), "{} / {:?} at {}\n{}", extension, agent, at, json(&t));
                    if let Some(agent) = agent && oracle_owner(&t, EndpointKind::Agent, agent, at).is_none() {
                        prop_assert_eq!(got, attribute(&index, at, extension, None));
                    }
                }
            }
        }
    }
}

/// The ids of some recordings, in order.
fn ids<'r>(recordings: impl Iterator<Item = &'r Recording>) -> Vec<&'r str> {
    recordings.map(|r| r.id.as_str()).collect()
}

/// The bulk filters are the decisions, for every user of `t`: `replayable` and
/// `replayable_in` (over a [`RecordingLog`]) keep exactly the recordings whose replay is
/// allowed, in order; `downloadable` and `downloadable_in` those whose download is;
/// `may_replay` is `replay(..).allowed`.
fn check_bulk(
    index: &TenantIndex,
    t: &Tenant,
    recordings: &[Recording],
) -> Result<(), TestCaseError> {
    let resolver = Resolver::new(index);
    let log = RecordingLog::new(recordings);
    for user in &t.users {
        let rights = resolver.recording_rights(user.id.as_str()).unwrap();
        let by_replay = ids(recordings.iter().filter(|r| rights.replay(r).allowed));
        let by_download = ids(recordings.iter().filter(|r| rights.download(r).allowed));
        prop_assert_eq!(
            &ids(rights.replayable(recordings)),
            &by_replay,
            "{}",
            user.id
        );
        prop_assert_eq!(
            &ids(rights.replayable_in(&log)),
            &by_replay,
            "{}\n{}",
            user.id,
            json(t)
        );
        prop_assert_eq!(
            &ids(rights.downloadable(recordings)),
            &by_download,
            "{}",
            user.id
        );
        prop_assert_eq!(
            &ids(rights.downloadable_in(&log)),
            &by_download,
            "{}\n{}",
            user.id,
            json(t)
        );
        for r in recordings {
            prop_assert_eq!(rights.may_replay(r), rights.replay(r).allowed);
        }
    }
    Ok(())
}

/// Every decision of every user of `t`, as it reads: on each recording (keyed by user and
/// recording id) replay, download, delete and each leg's attribution; and (keyed by user and
/// the empty id) recording a call in each direction and listening live to each user.
fn decisions(t: &Tenant, recordings: &[Recording]) -> BTreeMap<(String, String), Vec<String>> {
    let index = index(t);
    let resolver = Resolver::new(&index);
    let mut out = BTreeMap::new();
    for user in &t.users {
        let viewer = user.id.as_str();
        let rights = resolver.recording_rights(viewer).unwrap();
        for r in recordings {
            let mut answers = vec![
                rights.replay(r).to_string(),
                rights.download(r).to_string(),
                rights.delete(r).to_string(),
            ];
            for leg in &r.legs {
                let who = attribute(&index, r.start, &leg.extension, leg.agent.as_deref());
                answers.push(format!("{who:?}"));
            }
            out.insert((viewer.to_owned(), r.id.clone()), answers);
        }
        let mut calls = Vec::new();
        for direction in Direction::ALL {
            for reach in Reach::ALL {
                let call = Call::new("c1", 0, viewer, direction, reach);
                let d = resolver.record(&call).unwrap();
                calls.push(format!("{} {} {}", d.record, d.notify, d.reason));
            }
        }
        for target in &t.users {
            let d = resolver.listen_live(viewer, target.id.as_str()).unwrap();
            calls.push(d.to_string());
        }
        out.insert((viewer.to_owned(), String::new()), calls);
    }
    out
}

/// A tenant where `vic` has replay own, the replay list `["10"]` and no endpoints, and a
/// recording whose one number is `token`, placed as a leg's extension (0), its agent id (1),
/// the account code (2), the line (3) or the handling group's number (4).
fn token_case(token: &str, place: usize) -> (Tenant, Recording) {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.users.push(
        User::new("vic")
            .with_override("recordings_replay", "own")
            .with_override("recordings_replay_others", vec!["10"]),
    );
    t.groups.push(Group::new("numbered").with_number(token));
    t.groups.push(Group::new("plain"));
    let r = Recording::new("r", 100);
    let r = match place {
        0 => r.with_leg(Leg::extension(token)),
        1 => r.with_leg(Leg::extension("999").with_agent(token)),
        2 => r.with_account_code(token),
        3 => r.with_line(token),
        _ => r.with_group("numbered"),
    };
    (t, r)
}

/// The issue's example, each number in each place: `10` matches, its neighbours never.
#[test]
fn ten_matches_ten_and_nothing_like_it() {
    for place in 0..5 {
        for token in ["101", "010", "1", "10 ", "10"] {
            let (t, r) = token_case(token, place);
            let index = index(&t);
            let resolver = Resolver::new(&index);
            let decision = resolver
                .recording_rights("vic")
                .unwrap()
                .replay(&r)
                .to_string();
            let expected = if token == "10" {
                "allowed: number 10 is in vic's replay list"
            } else {
                "refused: replay is own and no leg was vic's at start; neither the group nor any \
                 number is in their replay lists"
            };
            assert_eq!(decision, expected, "token {token:?} in place {place}");
        }
    }
}

/// SPEC §6.4: FNV-1a 64 test vectors and the buckets of a few call ids, computed independently
/// (Python).
#[test]
fn fnv_vectors_and_buckets() {
    assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    for (id, bucket) in [("c1", 57), ("c2", 24), ("c3", 35), ("call-42", 2)] {
        assert_eq!(sampled_in(id, 100), (true, bucket), "{id}");
        assert_eq!(
            sampled_in(id, i64::try_from(bucket).unwrap() + 1),
            (true, bucket),
            "{id}"
        );
        assert_eq!(
            sampled_in(id, i64::try_from(bucket).unwrap()),
            (false, bucket),
            "{id}"
        );
        assert_eq!(sampled_in(id, 0), (false, bucket), "{id}");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Decisions and their reasons
// ---------------------------------------------------------------------------------------------

/// The tenant of the decision tests:
/// - `alice` replays all; `dave` has no replay;
/// - `bob` replays own, with primary extension 201, agent id 5001 and DEE member 2011, and may
///   download and delete;
/// - `carol` replays own with the group `support` (600) and the numbers 77 and 10;
/// - `erin` replays own, downloads and deletes, and holds nothing;
/// - `zed` replays all and downloads, but may not delete;
/// - `sam` may listen live; `lee` can be listened to.
fn rights_scenario() -> Tenant {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.groups.push(Group::new("support").with_number("600"));
    t.groups.push(Group::new("sales"));
    t.users
        .push(User::new("alice").with_override("recordings_replay", "all"));
    t.users.push(
        User::new("bob")
            .with_endpoint(EndpointAssignment::extension("201").primary())
            .with_endpoint(EndpointAssignment::agent("5001"))
            .with_dee("2011")
            .with_override("recordings_replay", "own")
            .with_override("recordings_download", true)
            .with_override("recordings_delete", true),
    );
    t.users.push(
        User::new("carol")
            .with_override("recordings_replay", "own")
            .with_override("recordings_replay_groups", vec!["support"])
            .with_override("recordings_replay_others", vec!["77", "10"]),
    );
    t.users.push(User::new("dave"));
    t.users.push(
        User::new("erin")
            .with_override("recordings_replay", "own")
            .with_override("recordings_download", true)
            .with_override("recordings_delete", true),
    );
    t.users.push(
        User::new("zed")
            .with_override("recordings_replay", "all")
            .with_override("recordings_download", true),
    );
    t.users
        .push(User::new("sam").with_override("listen_live", true));
    t.users
        .push(User::new("lee").with_override("can_be_listened", true));
    t
}

/// The recordings of the decision tests, all at t = 10.
fn on(extension: &str) -> Recording {
    Recording::new("r", 10).with_leg(Leg::extension(extension))
}

/// `viewer`'s replay, download and delete decisions on `r`, as they read.
fn said(t: &Tenant, viewer: &str, r: &Recording) -> [String; 3] {
    let index = index(t);
    let resolver = Resolver::new(&index);
    let rights = resolver.recording_rights(viewer).unwrap();
    [
        rights.replay(r).to_string(),
        rights.download(r).to_string(),
        rights.delete(r).to_string(),
    ]
}

fn replay(t: &Tenant, viewer: &str, r: &Recording) -> String {
    said(t, viewer, r)[0].clone()
}

const NOT_OWN_BOB: &str = "replay is own and no leg was bob's at start; neither the group nor \
                           any number is in their replay lists";

#[test]
fn replay_all_allows_any_recording() {
    let t = rights_scenario();
    assert_eq!(replay(&t, "alice", &on("999")), "allowed: replay is all");
    assert_eq!(
        replay(&t, "alice", &Recording::new("empty", 0)),
        "allowed: replay is all"
    );
}

#[test]
fn replay_own_by_extension() {
    let t = rights_scenario();
    assert_eq!(
        replay(&t, "bob", &on("201")),
        "allowed: own: leg 201 was bob's at start"
    );
    assert_eq!(
        replay(&t, "bob", &on("202")),
        format!("refused: {NOT_OWN_BOB}")
    );
}

#[test]
fn replay_own_by_agent() {
    let t = rights_scenario();
    let r = Recording::new("r", 10).with_leg(Leg::extension("999").with_agent("5001"));
    assert_eq!(
        replay(&t, "bob", &r),
        "allowed: own: leg 999 was bob's at start (by agent 5001)"
    );
    let r = Recording::new("r", 10).with_leg(Leg::extension("999").with_agent("5002"));
    assert_eq!(replay(&t, "bob", &r), format!("refused: {NOT_OWN_BOB}"));
}

#[test]
fn replay_own_by_dee_member() {
    let t = rights_scenario();
    assert_eq!(
        replay(&t, "bob", &on("2011")),
        "allowed: own: leg 2011 was bob's at start (a DEE member of their primary extension)"
    );
    // Another user's DEE member is not bob's.
    assert_eq!(
        replay(&t, "bob", &on("2012")),
        format!("refused: {NOT_OWN_BOB}")
    );
}

#[test]
fn replay_for_a_group() {
    let t = rights_scenario();
    let support = on("999").with_group("support");
    assert_eq!(
        replay(&t, "carol", &support),
        "allowed: group `support` is in carol's replay groups"
    );
    let sales = on("999").with_group("sales");
    assert_eq!(
        replay(&t, "carol", &sales),
        "refused: replay is own and no leg was carol's at start; neither the group nor any \
         number is in their replay lists"
    );
}

#[test]
fn replay_for_a_number() {
    let t = rights_scenario();
    let coded = on("999").with_account_code("77");
    assert_eq!(
        replay(&t, "carol", &coded),
        "allowed: number 77 is in carol's replay list"
    );
    let extension = on("10");
    assert_eq!(
        replay(&t, "carol", &extension),
        "allowed: number 10 is in carol's replay list"
    );
    let other = on("999").with_account_code("78").with_line("+48221234567");
    assert_eq!(
        replay(&t, "carol", &other),
        "refused: replay is own and no leg was carol's at start; neither the group nor any \
         number is in their replay lists"
    );
}

#[test]
fn replay_none_refuses() {
    let t = rights_scenario();
    assert_eq!(replay(&t, "dave", &on("201")), "refused: replay is none");
    assert_eq!(
        replay(&t, "dave", &on("999").with_group("support")),
        "refused: replay is none"
    );
}

/// With replay none, a matching group or number is refused because groups and others need
/// replay own: only reachable on a catalog whose lists do not require replay own (the standard
/// catalog empties them first).
#[test]
fn replay_for_groups_and_numbers_needs_own() {
    let mut t =
        Tenant::new("acme", Plan::all("p")).with_catalog(CatalogSource::Named("loose".into()));
    t.groups.push(Group::new("support").with_number("600"));
    t.groups.push(Group::new("sales").with_number("601"));
    let lists = |user: User| {
        user.with_override("recordings_replay_groups", vec!["support"])
            .with_override("recordings_replay_others", vec!["77", "601"])
    };
    t.users.push(lists(User::new("nell")));
    t.users
        .push(lists(User::new("owen")).with_override("recordings_replay", "own"));
    let index = validate_against(&t, loose_catalog()).unwrap();
    let resolver = Resolver::new(&index);
    let nell = resolver.recording_rights("nell").unwrap();
    let owen = resolver.recording_rights("owen").unwrap();
    let cases = [
        (
            on("999").with_group("support"),
            "allowed: group `support` is in owen's replay groups",
        ),
        (
            on("999").with_account_code("77"),
            "allowed: number 77 is in owen's replay list",
        ),
        (
            on("999").with_group("sales"),
            "allowed: number 601 is in owen's replay list",
        ),
    ];
    for (r, owen_says) in &cases {
        assert_eq!(
            nell.replay(r).to_string(),
            "refused: groups and others need replay own; replay is none"
        );
        assert_eq!(owen.replay(r).to_string(), *owen_says);
    }
    assert_eq!(
        nell.replay(&on("999")).to_string(),
        "refused: replay is none"
    );
}

#[test]
fn download_decisions() {
    let t = rights_scenario();
    // On, and the recording is bob's own.
    assert_eq!(
        said(&t, "bob", &on("201"))[1],
        "allowed: download is on and own: leg 201 was bob's at start"
    );
    // On, but bob may not replay this one.
    assert_eq!(
        said(&t, "bob", &on("202"))[1],
        format!("refused: download needs the right to replay this recording: {NOT_OWN_BOB}")
    );
    // Off: alice replays all but may not download.
    assert_eq!(
        said(&t, "alice", &on("202"))[1],
        "refused: recordings_download is off for alice"
    );
    assert_eq!(
        said(&t, "zed", &on("202"))[1],
        "allowed: download is on and replay is all"
    );
}

#[test]
fn delete_decisions() {
    let t = rights_scenario();
    assert_eq!(
        said(&t, "bob", &on("201"))[2],
        "allowed: delete is on and own: leg 201 was bob's at start"
    );
    assert_eq!(
        said(&t, "bob", &on("202"))[2],
        format!("refused: delete needs the right to replay this recording: {NOT_OWN_BOB}")
    );
    // Never implied by replay or download: zed replays all and downloads, and may not delete.
    let zed = said(&t, "zed", &on("202"));
    assert_eq!(zed[0], "allowed: replay is all");
    assert_eq!(zed[1], "allowed: download is on and replay is all");
    assert_eq!(zed[2], "refused: recordings_delete is off for zed");
    // erin may delete what she may replay, which here is nothing.
    assert_eq!(
        said(&t, "erin", &on("201"))[2],
        "refused: delete needs the right to replay this recording: replay is own and no leg was \
         erin's at start; neither the group nor any number is in their replay lists"
    );
}

#[test]
fn listen_live_decisions() {
    let t = rights_scenario();
    let index = index(&t);
    let resolver = Resolver::new(&index);
    let listen =
        |viewer: &str, target: &str| resolver.listen_live(viewer, target).unwrap().to_string();
    assert_eq!(
        listen("sam", "lee"),
        "allowed: sam may listen live and lee can be listened to"
    );
    assert_eq!(
        listen("sam", "bob"),
        "refused: target bob cannot be listened to"
    );
    assert_eq!(listen("lee", "lee"), "refused: listen_live is off for lee");
    assert_eq!(
        listen("alice", "lee"),
        "refused: listen_live is off for alice"
    );
    assert!(resolver.listen_live("sam", "nobody").is_err());
    assert!(resolver.listen_live("nobody", "lee").is_err());
}

/// Decisions about someone the tenant does not have are errors, never a default answer.
#[test]
fn unknown_users_are_errors() {
    let t = rights_scenario();
    let index = index(&t);
    let resolver = Resolver::new(&index);
    assert!(resolver.recording_rights("nobody").is_err());
    let call = Call::new("c1", 0, "nobody", Direction::Inbound, Reach::External);
    assert!(resolver.record(&call).is_err());
}

/// The tenant of the recording-policy tests: `on` records, `off` does not (the admin never
/// switched it on), `own_off` switched it off themselves (behind the self-service gate),
/// `no_gate` prefers it off without the gate, `inbound` records inbound external calls only,
/// `half` records 57 % or 58 % of calls, `silent` records without the announcement.
fn policy_scenario(policy: Option<PolicyEntry>) -> Tenant {
    let mut t = Tenant::new("acme", Plan::all("p"));
    if let Some(entry) = policy {
        t.policy.insert("record_conversations".into(), entry);
    }
    let recording = |id: &str| User::new(id).with_override("record_conversations", true);
    t.users.push(recording("on"));
    t.users.push(User::new("off"));
    t.users.push(
        recording("own_off")
            .with_override("edit_settings", true)
            .with_preference("record_conversations", false),
    );
    t.users
        .push(recording("no_gate").with_preference("record_conversations", false));
    t.users
        .push(recording("inbound").with_override("recording_directions", vec!["inbound_external"]));
    t.users
        .push(recording("p57").with_override("recording_percentage", 57));
    t.users
        .push(recording("p58").with_override("recording_percentage", 58));
    t.users
        .push(recording("silent").with_override("notify_when_recording", false));
    t
}

/// `record` for a call `c1` of `user`, inbound external unless `direction` says otherwise.
fn record(t: &Tenant, user: &str, direction: Direction, reach: Reach) -> (bool, bool, String) {
    let index = index(t);
    let resolver = Resolver::new(&index);
    let d = resolver
        .record(&Call::new("c1", 1_763_900_000, user, direction, reach))
        .unwrap();
    (d.record, d.notify, d.reason.to_string())
}

fn record_in(t: &Tenant, user: &str) -> (bool, bool, String) {
    record(t, user, Direction::Inbound, Reach::External)
}

const RECORDED: &str =
    "record_conversations is on and inbound_external calls are in recording_directions";

#[test]
fn record_when_on() {
    let t = policy_scenario(None);
    assert_eq!(record_in(&t, "on"), (true, true, RECORDED.to_owned()));
}

#[test]
fn no_record_when_the_admin_has_it_off() {
    let t = policy_scenario(None);
    assert_eq!(
        record_in(&t, "off"),
        (false, false, "record_conversations is off".to_owned())
    );
}

#[test]
fn no_record_when_the_users_own_switch_is_off() {
    let t = policy_scenario(None);
    assert_eq!(
        record_in(&t, "own_off"),
        (
            false,
            false,
            "the user's own switch turns record_conversations off".to_owned()
        )
    );
    // Without the self-service gate the preference does not apply (SPEC §6.4).
    assert_eq!(record_in(&t, "no_gate"), (true, true, RECORDED.to_owned()));
}

#[test]
fn a_tenant_lock_records_whatever_the_users_switch_says() {
    let t = policy_scenario(Some(PolicyEntry::locked(true)));
    let locked = "the tenant locks record_conversations on and inbound_external calls are in \
                  recording_directions";
    assert_eq!(record_in(&t, "own_off"), (true, true, locked.to_owned()));
    assert_eq!(record_in(&t, "off"), (true, true, locked.to_owned()));
    // Set but not locked: the user's switch still counts.
    let t = policy_scenario(Some(PolicyEntry::new(true)));
    assert_eq!(
        record_in(&t, "own_off").2,
        "the user's own switch turns record_conversations off"
    );
    assert_eq!(record_in(&t, "off"), (true, true, RECORDED.to_owned()));
    // Locked off: nobody records.
    let t = policy_scenario(Some(PolicyEntry::locked(false)));
    assert_eq!(
        record_in(&t, "on"),
        (
            false,
            false,
            "the tenant locks record_conversations off".to_owned()
        )
    );
}

#[test]
fn no_record_in_a_direction_not_listed() {
    let t = policy_scenario(None);
    assert_eq!(
        record_in(&t, "inbound"),
        (
            true,
            true,
            "record_conversations is on and inbound_external calls are in recording_directions"
                .to_owned()
        )
    );
    for (direction, reach, name) in [
        (Direction::Inbound, Reach::Internal, "inbound_internal"),
        (Direction::Outbound, Reach::External, "outbound_external"),
        (Direction::Outbound, Reach::Internal, "outbound_internal"),
    ] {
        assert_eq!(
            record(&t, "inbound", direction, reach),
            (
                false,
                false,
                format!("{name} calls are not in recording_directions")
            )
        );
        // The default, any, records every direction.
        assert!(record(&t, "on", direction, reach).0);
    }
}

/// `fnv1a64("c1") % 100` is 57: sampled out at 57 %, in at 58 %.
#[test]
fn sampling_by_recording_percentage() {
    let t = policy_scenario(None);
    assert_eq!(
        record_in(&t, "p57"),
        (
            false,
            false,
            "sampled out: fnv1a64(id) % 100 = 57, not below recording_percentage 57".to_owned()
        )
    );
    assert_eq!(
        record_in(&t, "p58"),
        (
            true,
            true,
            "record_conversations is on and inbound_external calls are in recording_directions; \
             sampled in: fnv1a64(id) % 100 = 57, below recording_percentage 58"
                .to_owned()
        )
    );
}

/// `notify` is true exactly when the call is recorded and `notify_when_recording` is on (it is
/// on by default, a restriction).
#[test]
fn notify_only_when_recorded_and_asked() {
    let t = policy_scenario(None);
    assert_eq!(record_in(&t, "on"), (true, true, RECORDED.to_owned()));
    assert_eq!(record_in(&t, "silent"), (true, false, RECORDED.to_owned()));
    // Not recorded: never notified, though notify_when_recording is on.
    let index = index(&t);
    let e = Resolver::new(&index).user("off").unwrap();
    assert_eq!(e.restriction("notify_when_recording"), Ok(true));
    assert!(!record_in(&t, "off").1);
    assert!(!record_in(&t, "p57").1);
}

#[test]
fn decisions_serialise_as_in_section_12() {
    let t = rights_scenario();
    let index = index(&t);
    let resolver = Resolver::new(&index);
    let r = on("201");
    let bob = resolver.recording_rights("bob").unwrap();
    assert_eq!(
        serde_json::to_value(bob.replay(&r)).unwrap(),
        serde_json::json!({"allowed": true, "reason": "own: leg 201 was bob's at start"})
    );
    let t = policy_scenario(None);
    let index = self::index(&t);
    let d = Resolver::new(&index)
        .record(&Call::new(
            "c1",
            0,
            "silent",
            Direction::Inbound,
            Reach::External,
        ))
        .unwrap();
    assert_eq!(
        serde_json::to_value(d).unwrap(),
        serde_json::json!({"record": true, "notify": false, "reason": RECORDED})
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Validation and strict reading
// ---------------------------------------------------------------------------------------------

/// Every problem of `t`, as `(path, problem)`.
fn problems(t: &Tenant) -> Vec<(String, Problem)> {
    match validate(t) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|invalid| (invalid.path.to_string(), invalid.problem))
            .collect(),
    }
}

fn unknown_group(id: &str) -> Problem {
    Problem::Unknown {
        what: "group",
        id: id.to_owned(),
    }
}

#[test]
fn replay_groups_must_be_tenant_groups() {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.groups.push(Group::new("support"));
    t.users.push(
        User::new("bob")
            .with_override("recordings_replay", "own")
            .with_override("recordings_replay_groups", vec!["support", "nope"]),
    );
    assert_eq!(
        problems(&t),
        [(
            "users[bob].overrides.recordings_replay_groups".to_owned(),
            unknown_group("nope")
        )]
    );

    let mut t = Tenant::new("acme", Plan::all("p"));
    t.groups.push(Group::new("support"));
    t.policy.insert(
        "recordings_replay_groups".into(),
        PolicyEntry::new(vec!["sales"]),
    );
    t.templates
        .push(Template::new("staff").with_value("recordings_replay_groups", vec!["ops"]));
    assert_eq!(
        problems(&t),
        [
            (
                "policy.recordings_replay_groups.value".to_owned(),
                unknown_group("sales")
            ),
            (
                "templates[staff].values.recordings_replay_groups".to_owned(),
                unknown_group("ops")
            ),
        ]
    );
    // A group id is not a group number: `600` names no group even when a group has it.
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.groups.push(Group::new("support").with_number("600"));
    t.users
        .push(User::new("bob").with_override("recordings_replay_groups", vec!["600"]));
    assert_eq!(
        problems(&t),
        [(
            "users[bob].overrides.recordings_replay_groups".to_owned(),
            unknown_group("600")
        )]
    );
}

#[test]
fn a_dee_member_may_not_follow_two_users_at_once() {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.users.push(
        User::new("x")
            .with_endpoint(EndpointAssignment::extension("201").primary().since(100))
            .with_dee("2099"),
    );
    t.users.push(
        User::new("w")
            .with_endpoint(EndpointAssignment::extension("202").primary().until(150))
            .with_dee("2099"),
    );
    assert_eq!(
        problems(&t),
        [(
            "users[x].dee".to_owned(),
            Problem::OverlappingAssignment {
                endpoint: "DEE member 2099".to_owned(),
                other_user: "w".to_owned(),
                from: 100,
                to: Some(150),
            }
        )]
    );
    // One after the other is fine, and each gets the member's calls in turn.
    t.users[0].endpoints[0].from = 150;
    let index = index(&t);
    let who = |at| attribute(&index, at, "2099", None);
    assert_eq!(who(149), Some(("w", AttributedBy::Dee)));
    assert_eq!(who(150), Some(("x", AttributedBy::Dee)));
}

/// Reads one `T` from JSON text as a backend would, with `read_document`.
fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value =
        read_document::<T, _>(&mut json).map_err(|e| (e.path.as_str().to_owned(), e.message))?;
    json.end().map_err(|e| (String::new(), e.to_string()))?;
    Ok(value)
}

#[test]
fn recordings_and_calls_read_strictly() {
    let good = r#"{"id": "r1", "start": 1763900000, "legs": [{"extension": "201", "agent": "5001"}],
                   "group": "support", "account_code": "77", "line": "+48221234567"}"#;
    assert_eq!(
        read::<Recording>(good),
        Ok(Recording::new("r1", 1_763_900_000)
            .with_leg(Leg::extension("201").with_agent("5001"))
            .with_group("support")
            .with_account_code("77")
            .with_line("+48221234567"))
    );
    let refused = |text: &str, path: &str, starts: &str| {
        let (at, message) = read::<Recording>(text).unwrap_err();
        assert_eq!(at, path, "{text}: {message}");
        assert!(message.starts_with(starts), "{text}: {message}");
    };
    refused(
        r#"{"id": "r1", "start": 1, "owner": "bob"}"#,
        "owner",
        "unknown field `owner`",
    );
    refused(
        r#"{"id": "r1", "start": 1, "legs": [{"extension": "201", "user": "bob"}]}"#,
        "legs[0].user",
        "unknown field `user`",
    );
    refused(
        r#"{"id": "r1", "start": 1763900000.5}"#,
        "start",
        "invalid type: floating point",
    );
    refused(
        r#"{"id": "r1", "start": "1763900000"}"#,
        "start",
        "invalid type: string",
    );
    refused(
        r#"{"id": "r1", "start": 9223372036854775808}"#,
        "start",
        "invalid value: integer `9223372036854775808`, expected i64",
    );
    refused(r#"{"id": "r1"}"#, "", "missing field `start`");
    refused(
        r#"{"id": "r1", "start": 1, "id": "r2"}"#,
        "",
        "duplicate field `id`",
    );
    refused(
        r#"["r1", 1763900000]"#,
        "",
        "invalid type: sequence, expected a recording object",
    );
    refused(
        r#"{"id": "r1", "start": 1, "legs": [["201", "5001"]]}"#,
        "legs[0]",
        "invalid type: sequence, expected a leg object",
    );

    let call = r#"{"id": "c1", "start": 1763900000, "user": "alice", "direction": "inbound", "reach": "external"}"#;
    assert_eq!(
        read::<Call>(call),
        Ok(Call::new(
            "c1",
            1_763_900_000,
            "alice",
            Direction::Inbound,
            Reach::External
        ))
    );
    let refused_call = |text: &str, path: &str, starts: &str| {
        let (at, message) = read::<Call>(text).unwrap_err();
        assert_eq!(at, path, "{text}: {message}");
        assert!(message.starts_with(starts), "{text}: {message}");
    };
    refused_call(
        r#"{"id": "c1", "start": 0, "user": "a", "direction": "inbound", "reach": "external", "x": 1}"#,
        "x",
        "unknown field `x`",
    );
    refused_call(
        r#"{"id": "c1", "start": 0.0, "user": "a", "direction": "inbound", "reach": "external"}"#,
        "start",
        "invalid type: floating point",
    );
    refused_call(
        r#"{"id": "c1", "start": 0, "user": "a", "direction": "sideways", "reach": "external"}"#,
        "direction",
        "unknown variant `sideways`",
    );
    refused_call(
        r#"["c1", 0, "a", "inbound", "external"]"#,
        "",
        "invalid type: sequence, expected a call object",
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Seed scenarios
// ---------------------------------------------------------------------------------------------

/// Seed 001 (MiVoice, "Users Overview"): "If users leave, and the agent ID and/or extensions are
/// reused, then they can be assigned to different users and any calls from that point would then
/// be associated with the new user." Ann leaves at 1000; her primary extension 201 goes to Ben
/// as a secondary one, her agent id 5001 to Cat. Ann's calls stay Ann's: Ben and Cat, who replay
/// their own, never see them, and Ann still does after leaving.
#[test]
fn seed_001_an_extension_reused_after_a_user_leaves() {
    let t = support::tenant(serde_json::json!({
        "users": [
            {"id": "ann", "overrides": {"recordings_replay": "own"}, "endpoints": [
                {"kind": "extension", "id": "201", "primary": true, "to": 1000},
                {"kind": "agent", "id": "5001", "to": 1000}]},
            {"id": "ben", "overrides": {"recordings_replay": "own"}, "endpoints": [
                {"kind": "extension", "id": "202", "primary": true},
                {"kind": "extension", "id": "201", "from": 1000}]},
            {"id": "cat", "overrides": {"recordings_replay": "own"}, "endpoints": [
                {"kind": "agent", "id": "5001", "primary": true, "from": 1200}]}
        ]
    }));
    let index = index(&t);
    let resolver = Resolver::new(&index);
    let before = Recording::new("before", 999).with_leg(Leg::extension("201"));
    let after = Recording::new("after", 1000).with_leg(Leg::extension("201"));
    let agent_before =
        Recording::new("agent_before", 500).with_leg(Leg::extension("999").with_agent("5001"));
    let agent_gap =
        Recording::new("agent_gap", 1100).with_leg(Leg::extension("999").with_agent("5001"));
    let agent_after =
        Recording::new("agent_after", 1200).with_leg(Leg::extension("999").with_agent("5001"));
    let all = [before, after, agent_before, agent_gap, agent_after];
    let mine = |viewer: &str| -> Vec<String> {
        let rights = resolver.recording_rights(viewer).unwrap();
        rights.replayable(&all).map(|r| r.id.clone()).collect()
    };
    assert_eq!(mine("ann"), ["before", "agent_before"]);
    assert_eq!(mine("ben"), ["after"]);
    assert_eq!(mine("cat"), ["agent_after"]);
    assert_eq!(
        attribute(&index, 999, "201", None),
        Some(("ann", AttributedBy::Extension))
    );
    assert_eq!(
        attribute(&index, 1000, "201", None),
        Some(("ben", AttributedBy::Extension))
    );
    // Between holders, the agent id is nobody's and the extension decides: nobody's either.
    assert_eq!(attribute(&index, 1100, "999", Some("5001")), None);
    assert_eq!(
        resolver
            .recording_rights("ann")
            .unwrap()
            .replay(&all[0])
            .to_string(),
        "allowed: own: leg 201 was ann's at start"
    );
    assert_eq!(
        resolver
            .recording_rights("ben")
            .unwrap()
            .replay(&all[0])
            .to_string(),
        "refused: replay is own and no leg was ben's at start; neither the group nor any number \
         is in their replay lists"
    );
}

/// Seed 001: "An agent ID/Extension can only be associated to one user at a time so there are
/// no conflicts." Giving Ben extension 201 before Ann left is refused.
#[test]
fn seed_001_one_user_at_a_time() {
    let t = support::tenant(serde_json::json!({
        "users": [
            {"id": "ann", "endpoints": [{"kind": "extension", "id": "201", "primary": true, "to": 1000}]},
            {"id": "ben", "endpoints": [{"kind": "extension", "id": "201", "from": 900}]}
        ]
    }));
    assert_eq!(
        problems(&t),
        [(
            "users[ben].endpoints".to_owned(),
            Problem::OverlappingAssignment {
                endpoint: "extension 201".to_owned(),
                other_user: "ann".to_owned(),
                from: 900,
                to: Some(1000),
            }
        )]
    );
}

/// Seed 001: "Each user can have one primary agent ID/extension and multiple secondary ones" and
/// "If users change agent ID or use different extensions they can then be updated whilst
/// maintaining the association with any calls that they made using the previous device(s)."
/// Dan's calls on his primary 301, his secondaries 302 and 303, and on 304 which he used until
/// 500 are all his own; 304 after 500 is not.
#[test]
fn seed_001_primary_and_secondary_extensions_and_previous_devices() {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.users.push(
        User::new("dan")
            .with_endpoint(EndpointAssignment::extension("301").primary())
            .with_endpoint(EndpointAssignment::extension("302"))
            .with_endpoint(EndpointAssignment::extension("303"))
            .with_endpoint(EndpointAssignment::extension("304").until(500))
            .with_override("recordings_replay", "own"),
    );
    let index = index(&t);
    let resolver = Resolver::new(&index);
    let dan = resolver.recording_rights("dan").unwrap();
    for extension in ["301", "302", "303"] {
        let r = Recording::new("r", 10_000).with_leg(Leg::extension(extension));
        assert_eq!(
            dan.replay(&r).to_string(),
            format!("allowed: own: leg {extension} was dan's at start")
        );
    }
    let old = Recording::new("old", 499).with_leg(Leg::extension("304"));
    let new = Recording::new("new", 500).with_leg(Leg::extension("304"));
    assert!(dan.replay(&old).allowed);
    assert!(!dan.replay(&new).allowed);
}

/// Seed 001: "Agent IDs will take precedence over extensions if a call is handled on an
/// extension that has one user associated with the extension and another with the agent ID
/// that is logged into that extension." Eve's extension 401 with Fay's agent id 6001 logged in:
/// the call is Fay's, not Eve's.
#[test]
fn seed_001_agent_id_beats_extension() {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.users.push(
        User::new("eve")
            .with_endpoint(EndpointAssignment::extension("401").primary())
            .with_override("recordings_replay", "own"),
    );
    t.users.push(
        User::new("fay")
            .with_endpoint(EndpointAssignment::agent("6001").primary())
            .with_override("recordings_replay", "own"),
    );
    let index = index(&t);
    let resolver = Resolver::new(&index);
    let r = Recording::new("r", 10).with_leg(Leg::extension("401").with_agent("6001"));
    assert_eq!(
        attribute(&index, 10, "401", Some("6001")),
        Some(("fay", AttributedBy::Agent))
    );
    assert_eq!(
        resolver
            .recording_rights("fay")
            .unwrap()
            .replay(&r)
            .to_string(),
        "allowed: own: leg 401 was fay's at start (by agent 6001)"
    );
    assert!(!resolver.recording_rights("eve").unwrap().replay(&r).allowed);
    // An agent id nobody holds leaves the call with the extension.
    let stray = Recording::new("s", 10).with_leg(Leg::extension("401").with_agent("6002"));
    assert_eq!(
        attribute(&index, 10, "401", Some("6002")),
        Some(("eve", AttributedBy::Extension))
    );
    assert_eq!(
        resolver
            .recording_rights("eve")
            .unwrap()
            .replay(&stray)
            .to_string(),
        "allowed: own: leg 401 was eve's at start"
    );
}

/// Seed 001, "DEE Devices": "If an extension gets associated to a user as DEE extension and has
/// not been assigned to any other user as a primary or secondary extension then any calls made
/// will also appear in the users call history." Gus's primary extension 501 has DEE members 5011
/// and 5012; Hal holds 5012 as a secondary extension from 100, so from then on 5012's calls are
/// Hal's. When Gus's primary extension ends at 1000, so do his DEE members.
#[test]
fn seed_001_dee_members_follow_the_primary_extension() {
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.users.push(
        User::new("gus")
            .with_endpoint(EndpointAssignment::extension("501").primary().until(1000))
            .with_dee("5011")
            .with_dee("5012")
            .with_override("recordings_replay", "own"),
    );
    t.users.push(
        User::new("hal")
            .with_endpoint(EndpointAssignment::extension("5012").since(100))
            .with_override("recordings_replay", "own"),
    );
    let index = index(&t);
    assert_eq!(
        attribute(&index, 50, "5011", None),
        Some(("gus", AttributedBy::Dee))
    );
    assert_eq!(
        attribute(&index, 50, "5012", None),
        Some(("gus", AttributedBy::Dee))
    );
    assert_eq!(
        attribute(&index, 100, "5012", None),
        Some(("hal", AttributedBy::Extension))
    );
    assert_eq!(
        attribute(&index, 999, "5011", None),
        Some(("gus", AttributedBy::Dee))
    );
    assert_eq!(attribute(&index, 1000, "5011", None), None);
    let resolver = Resolver::new(&index);
    let gus = resolver.recording_rights("gus").unwrap();
    let early = Recording::new("early", 50).with_leg(Leg::extension("5012"));
    let late = Recording::new("late", 100).with_leg(Leg::extension("5012"));
    assert_eq!(
        gus.replay(&early).to_string(),
        "allowed: own: leg 5012 was gus's at start (a DEE member of their primary extension)"
    );
    assert!(!gus.replay(&late).allowed);
    assert_eq!(
        resolver
            .recording_rights("hal")
            .unwrap()
            .replay(&late)
            .to_string(),
        "allowed: own: leg 5012 was hal's at start"
    );
}

/// Seed 002 (IP Office, Media Manager replay): "Replay All Recordings — the user can view and
/// replay all recordings"; "Replay Own Recordings — … When enabled, the Replay Recordings For
/// Group and Replay Recordings For Others options are also available"; "Replay Recordings For
/// Others — a list of numbers, separated by semi-colons … accounts codes, line numbers, user
/// extensions and group extension numbers. The list can be 127 characters in length."
#[test]
fn seed_002_replay_all_own_groups_and_others() {
    let t = support::tenant(serde_json::json!({
        "groups": [
            {"id": "support", "number": "600"},
            {"id": "sales", "number": "601"}
        ],
        "users": [
            {"id": "ida", "overrides": {"recordings_replay": "all"}},
            {"id": "jon", "overrides": {
                "recordings_replay": "own",
                "recordings_replay_groups": ["support"],
                "recordings_replay_others": ["77", "+48221234567", "205", "601"]},
             "endpoints": [{"kind": "extension", "id": "201", "primary": true}]},
            {"id": "kim", "overrides": {
                "recordings_replay_groups": ["support"],
                "recordings_replay_others": ["77"]}}
        ]
    }));
    let index = index(&t);
    let resolver = Resolver::new(&index);
    let base = || Recording::new("r", 10).with_leg(Leg::extension("299"));
    let cases = [
        (on("201"), "allowed: own: leg 201 was jon's at start"),
        (
            base().with_group("support"),
            "allowed: group `support` is in jon's replay groups",
        ),
        (
            base().with_account_code("77"),
            "allowed: number 77 is in jon's replay list",
        ),
        (
            base().with_line("+48221234567"),
            "allowed: number +48221234567 is in jon's replay list",
        ),
        (on("205"), "allowed: number 205 is in jon's replay list"),
        (
            base().with_group("sales"),
            "allowed: number 601 is in jon's replay list",
        ),
        (
            base().with_account_code("7"),
            "refused: replay is own and no leg was jon's at start; neither the group nor any \
             number is in their replay lists",
        ),
    ];
    let jon = resolver.recording_rights("jon").unwrap();
    let ida = resolver.recording_rights("ida").unwrap();
    let kim = resolver.recording_rights("kim").unwrap();
    for (r, expected) in &cases {
        assert_eq!(jon.replay(r).to_string(), *expected);
        assert_eq!(ida.replay(r).to_string(), "allowed: replay is all");
        // Without replay own, kim's groups and numbers are not available at all.
        assert_eq!(kim.replay(r).to_string(), "refused: replay is none");
    }
    let kim_e = resolver.user("kim").unwrap();
    assert_eq!(
        kim_e.list("recordings_replay_groups"),
        Ok(&ListValue::empty())
    );
    assert_eq!(
        kim_e.list("recordings_replay_others"),
        Ok(&ListValue::empty())
    );
}

/// Seed 002: "The list can be 127 characters in length" (joined with `;`): 127 is accepted,
/// 128 refused at the override's path, and `"any"` is past the bound.
#[test]
fn seed_002_the_replay_list_holds_127_characters() {
    // `n` distinct numbers of 9 digits joined with ';' take 10n − 1 characters: the last one
    // is shortened to make exactly `total`.
    let numbers = |total: usize| -> Vec<String> {
        let n = (total + 1).div_ceil(10);
        let mut list: Vec<String> = (0..n).map(|i| format!("{}", 100_000_000 + i)).collect();
        let surplus = 10 * n - 1 - total;
        let last = list.last_mut().unwrap();
        last.truncate(9 - surplus);
        assert_eq!(list.join(";").len(), total);
        list
    };
    let with_list = |list: RawValue| {
        let mut t = Tenant::new("acme", Plan::all("p"));
        t.users.push(
            User::new("jon")
                .with_override("recordings_replay", "own")
                .with_override("recordings_replay_others", list),
        );
        t
    };
    let fits = with_list(numbers(127).into());
    assert!(problems(&fits).is_empty(), "{:?}", problems(&fits));
    let index = index(&fits);
    let e = Resolver::new(&index).user("jon").unwrap();
    assert!(
        matches!(e.list("recordings_replay_others"), Ok(ListValue::Only(set)) if set.len() == 13)
    );

    let long = with_list(numbers(128).into());
    assert_eq!(
        problems(&long),
        [(
            "users[jon].overrides.recordings_replay_others".to_owned(),
            Problem::Value(ValueError::TooLong {
                chars: 128,
                max: 127
            })
        )]
    );
    let any = with_list("any".into());
    let found = problems(&any);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "users[jon].overrides.recordings_replay_others");
    assert!(
        matches!(found[0].1, Problem::Value(ValueError::AnyPastBound { .. })),
        "{found:?}"
    );
    // The list is ';'-separated: an entry may not hold the separator.
    let joined = with_list(vec!["77;78"].into());
    assert_eq!(
        problems(&joined),
        [(
            "users[jon].overrides.recordings_replay_others".to_owned(),
            Problem::Value(ValueError::BadEntry {
                item: "77;78".to_owned()
            })
        )]
    );
}

/// Seed 002: "Download Recordings — If selected, the user is able to download recordings as a
/// separate file": of the recordings they may replay (SPEC §6.3).
#[test]
fn seed_002_download_is_of_recordings_the_user_may_replay() {
    let t = support::tenant(serde_json::json!({
        "groups": [{"id": "support", "number": "600"}],
        "users": [
            {"id": "jon", "overrides": {
                "recordings_replay": "own",
                "recordings_replay_groups": ["support"],
                "recordings_download": true},
             "endpoints": [{"kind": "extension", "id": "201", "primary": true}]},
            {"id": "kim", "overrides": {"recordings_download": true}}
        ]
    }));
    let index = index(&t);
    let resolver = Resolver::new(&index);
    let all = [
        on("201").with_group("sales"),
        Recording::new("q", 10)
            .with_leg(Leg::extension("299"))
            .with_group("support"),
        on("299"),
    ];
    let jon = resolver.recording_rights("jon").unwrap();
    assert_eq!(jon.downloadable(&all).count(), 2);
    assert_eq!(
        jon.download(&all[2]).to_string(),
        "refused: download needs the right to replay this recording: replay is own and no leg \
         was jon's at start; neither the group nor any number is in their replay lists"
    );
    // Download requires replay own in the standard catalog: kim's toggle is forced off.
    let kim = resolver.recording_rights("kim").unwrap();
    assert_eq!(
        kim.download(&all[0]).to_string(),
        "refused: recordings_download is off for kim"
    );
}

/// Seed 004 (SIMtrix): "Dostępność nagrywania rozmów zależy zarówno od ustawienia administratora
/// tutaj, jak i od przełącznika użytkownika w aplikacji Android. Oba muszą być włączone, aby
/// nagrywanie działało." (Recording depends on both the admin's setting and the user's switch
/// in the Android app; both must be on.) And users "nie mogą włączać funkcji, które administrator
/// wyłączył" (cannot switch on what the admin switched off).
#[test]
fn seed_004_recording_needs_both_switches() {
    let user = |id: &str, admin: bool, own: Option<bool>| {
        let mut u = User::new(id)
            .with_override("record_conversations", admin)
            .with_override("edit_settings", true);
        if let Some(own) = own {
            u = u.with_preference("record_conversations", own);
        }
        u
    };
    let mut t = Tenant::new("acme", Plan::all("p"));
    t.users.push(user("both", true, Some(true)));
    t.users.push(user("admin_only", true, Some(false)));
    t.users.push(user("user_only", false, Some(true)));
    t.users.push(user("neither", false, Some(false)));
    t.users.push(user("untouched", true, None));
    let got: Vec<(bool, String)> = ["both", "admin_only", "user_only", "neither", "untouched"]
        .iter()
        .map(|u| {
            let (record, _, reason) = record_in(&t, u);
            (record, reason)
        })
        .collect();
    assert_eq!(
        got,
        [
            (true, RECORDED.to_owned()),
            (
                false,
                "the user's own switch turns record_conversations off".to_owned()
            ),
            (false, "record_conversations is off".to_owned()),
            (false, "record_conversations is off".to_owned()),
            (true, RECORDED.to_owned()),
        ]
    );
}
