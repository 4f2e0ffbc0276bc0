//! Seed 001 — Mitel MiVoice Office Application Suite, "Users Overview"
//! (`seeds/001_8cb5c5f28ce633db.txt`).
//!
//! User roles controlling access to the website and Phone Manager; agent IDs and extensions
//! owned by one user at a time, one primary and several secondary, reusable after a user
//! leaves. (Call attribution, DEE and "agent ID beats extension" belong to a later feature and
//! are not pinned here.)
#![allow(dead_code)]

mod support;

use pbx_entitlements::model::Tenant;
use pbx_entitlements::{LookupError, Problem, Resolver};
use serde_json::{Value as Json, json};
use support::{explain, problems, resolve, tenant};

/// The users of one scenario, given as JSON, with nothing else in the tenant.
fn users(users: Json) -> Tenant {
    tenant(json!({ "users": users }))
}

/// A tenant with three user roles: website only, Phone Manager only, and both.
fn roles_tenant() -> Tenant {
    tenant(json!({
        "templates": [
            {"id": "web", "values": {"website_login": true}},
            {"id": "phone_manager", "values": {"phone_manager": true}},
            {"id": "full", "values": {"website_login": true, "phone_manager": true}}
        ],
        "roles": [
            {"id": "web_user", "template": "web", "rank": 20},
            {"id": "pm_user", "template": "phone_manager", "rank": 20},
            {"id": "full_user", "template": "full", "rank": 10}
        ],
        "users": [
            {"id": "ann", "roles": ["web_user"]},
            {"id": "ben", "roles": ["pm_user"]},
            {"id": "cat", "roles": ["full_user"]},
            {"id": "dan", "roles": ["web_user", "pm_user"]},
            {"id": "eve"}
        ]
    }))
}

/// "Each user can have a User Role assigned that can control what they do on the system and
/// what they can access." — "they control access to the system (both the website and Phone
/// Manager clients)". A user's role templates decide `website_login` and `phone_manager`.
#[test]
fn a_user_role_controls_website_and_phone_manager_access() {
    let t = roles_tenant();
    let access = |user: &str| {
        let e = resolve(&t, user);
        (e.toggle("website_login"), e.toggle("phone_manager"))
    };
    assert_eq!(access("ann"), (Ok(true), Ok(false)));
    assert_eq!(access("ben"), (Ok(false), Ok(true)));
    assert_eq!(access("cat"), (Ok(true), Ok(true)));
    assert_eq!(access("dan"), (Ok(true), Ok(true)));
    assert_eq!(
        explain(&t, "ann", "website_login"),
        r#"website_login = true: template "web" (role web_user) sets true"#
    );
    assert_eq!(
        explain(&t, "ben", "website_login"),
        "website_login = false: the catalog default is false"
    );
}

/// "To be able to login to the website or to connect with a Phone Manager client a valid user
/// account is required." A user without a role gets neither (closed defaults), and an unknown
/// account resolves to nothing at all rather than to default rights.
#[test]
fn no_role_or_no_account_means_no_access() {
    let t = roles_tenant();
    let eve = resolve(&t, "eve");
    assert_eq!(eve.toggle("website_login"), Ok(false));
    assert_eq!(eve.toggle("phone_manager"), Ok(false));

    let index = support::index(&t);
    let resolver = Resolver::new(&index);
    let unknown = Err(LookupError::UnknownUser("mallory".into()));
    assert_eq!(resolver.user("mallory"), unknown);
    assert_eq!(
        resolver
            .explain("mallory", "website_login")
            .map(|t| t.to_string()),
        unknown.map(|_| String::new())
    );
}

/// "Each user can have one primary agent ID/extension and multiple secondary ones."
#[test]
fn one_primary_and_several_secondary_endpoints_validate() {
    let t = users(json!([{
        "id": "ann",
        "endpoints": [
            {"kind": "extension", "id": "201", "primary": true, "from": 0},
            {"kind": "extension", "id": "202", "from": 0},
            {"kind": "extension", "id": "203", "from": 1000},
            {"kind": "agent", "id": "5001", "from": 0}
        ]
    }]));
    assert_eq!(problems(&t), []);
}

/// "Each user can have one primary agent ID/extension": two primaries at the same instant are
/// a validation error naming the other primary.
#[test]
fn two_primary_endpoints_at_once_are_a_second_primary_error() {
    let t = users(json!([{
        "id": "ann",
        "endpoints": [
            {"kind": "extension", "id": "201", "primary": true, "from": 0},
            {"kind": "agent", "id": "5001", "primary": true, "from": 500, "to": 900}
        ]
    }]));
    assert_eq!(
        problems(&t),
        [(
            "users[ann].endpoints".to_owned(),
            Problem::SecondPrimary {
                other: "201".into()
            }
        )]
    );
}

/// "If users change agent ID or use different extensions they can then be updated": a primary
/// that ends before the next one starts is not a second primary.
#[test]
fn changing_the_primary_over_time_validates() {
    let t = users(json!([{
        "id": "ann",
        "endpoints": [
            {"kind": "extension", "id": "201", "primary": true, "from": 0, "to": 1000},
            {"kind": "extension", "id": "301", "primary": true, "from": 1000},
            {"kind": "extension", "id": "201", "from": 1000}
        ]
    }]));
    assert_eq!(problems(&t), []);
}

/// "An agent ID/Extension can only be associated to one user at a time so there are no
/// conflicts." The same extension assigned to two users over overlapping intervals is a
/// validation error, reported once with the other user and the overlap.
#[test]
fn an_extension_held_by_two_users_at_once_is_an_overlapping_assignment() {
    let t = users(json!([
        {"id": "ann", "endpoints": [
            {"kind": "extension", "id": "201", "primary": true, "from": 0, "to": 2000}
        ]},
        {"id": "ben", "endpoints": [
            {"kind": "extension", "id": "201", "from": 1500}
        ]}
    ]));
    let found = problems(&t);
    assert_eq!(
        found,
        [(
            "users[ben].endpoints".to_owned(),
            Problem::OverlappingAssignment {
                endpoint: "extension 201".into(),
                other_user: "ann".into(),
                from: 1500,
                to: Some(2000),
            }
        )]
    );
    let errors = pbx_entitlements::validate(&t).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "1 problem\n  users[ben].endpoints: extension 201 is also assigned to `ann` during [1500, 2000)"
    );
}

/// "An agent ID/Extension can only be associated to one user at a time": the same holds for
/// agent IDs, and for assignments that never end.
#[test]
fn an_agent_id_held_by_two_users_at_once_is_an_overlapping_assignment() {
    let t = users(json!([
        {"id": "ann", "endpoints": [{"kind": "agent", "id": "5001", "from": 100}]},
        {"id": "ben", "endpoints": [{"kind": "agent", "id": "5001", "from": 0}]}
    ]));
    assert_eq!(
        problems(&t),
        [(
            "users[ann].endpoints".to_owned(),
            Problem::OverlappingAssignment {
                endpoint: "agent 5001".into(),
                other_user: "ben".into(),
                from: 100,
                to: None,
            }
        )]
    );
}

/// "If users leave, and the agent ID and/or extensions are reused, then they can be assigned to
/// different users and any calls from that point would then be associated with the new user."
/// Assignments are half-open `[from, to)` (SPEC §6.1): the next user may start at the very
/// second the previous one left.
#[test]
fn endpoints_are_reused_after_a_user_leaves() {
    let t = users(json!([
        {"id": "ann", "endpoints": [
            {"kind": "extension", "id": "201", "primary": true, "from": 0, "to": 1000},
            {"kind": "agent", "id": "5001", "from": 0, "to": 1000}
        ]},
        {"id": "ben", "endpoints": [
            {"kind": "extension", "id": "201", "primary": true, "from": 1000, "to": 5000},
            {"kind": "agent", "id": "5001", "from": 2000}
        ]},
        {"id": "cat", "endpoints": [
            {"kind": "extension", "id": "201", "primary": true, "from": 5000}
        ]}
    ]));
    assert_eq!(problems(&t), []);
}

/// "An agent ID/Extension can only be associated to one user at a time": reusing an extension
/// whose first owner never left conflicts for every later user, and each conflict is reported
/// (SPEC §8: all problems at once).
#[test]
fn reusing_an_extension_that_was_never_released_conflicts_for_every_new_user() {
    let t = users(json!([
        {"id": "ann", "endpoints": [{"kind": "extension", "id": "201", "from": 0}]},
        {"id": "ben", "endpoints": [{"kind": "extension", "id": "201", "from": 100, "to": 200}]},
        {"id": "cat", "endpoints": [{"kind": "extension", "id": "201", "from": 300, "to": 400}]}
    ]));
    assert_eq!(
        problems(&t),
        [
            (
                "users[ben].endpoints".to_owned(),
                Problem::OverlappingAssignment {
                    endpoint: "extension 201".into(),
                    other_user: "ann".into(),
                    from: 100,
                    to: Some(200),
                }
            ),
            (
                "users[cat].endpoints".to_owned(),
                Problem::OverlappingAssignment {
                    endpoint: "extension 201".into(),
                    other_user: "ann".into(),
                    from: 300,
                    to: Some(400),
                }
            ),
        ]
    );
}
