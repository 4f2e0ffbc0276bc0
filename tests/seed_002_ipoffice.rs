//! Seed 002 — Avaya IP Office, "User | Web Self Administration"
//! (`seeds/002_d4eca4b72d17f78c.txt`).
//!
//! The user portal and its menus (No / Read / Write access), the end-user wizard, allowed call
//! operations, call reporting, and the Media Manager replay rights: replay all / own / for
//! groups / for listed numbers (127 characters at most) and download.
#![allow(dead_code)]

mod support;

use pbx_entitlements::model::Tenant;
use pbx_entitlements::{Access, ListValue, Problem, ValueError};
use serde_json::{Value as Json, json};
use support::{explain, problems, resolve, tenant};

const MENUS: [&str; 5] = [
    "menu_profile",
    "menu_call_handling",
    "menu_personal_directory",
    "menu_button_programming",
    "menu_download_applications",
];

/// One user, `alice`, in department `staff` whose template holds `values`; hunt groups
/// `support` (600) and `sales` (601).
fn staff(values: Json) -> Tenant {
    tenant(json!({
        "templates": [{"id": "staff", "values": values}],
        "departments": [{"id": "staff", "template": "staff"}],
        "groups": [
            {"id": "support", "number": "600", "members": ["alice"]},
            {"id": "sales", "number": "601"}
        ],
        "users": [{"id": "alice", "departments": ["staff"]}]
    }))
}

/// The template of the menu tests: every access level once, the portal switched by `portal`.
fn menus(portal: bool) -> Tenant {
    staff(json!({
        "user_portal": portal,
        "menu_profile": "write",
        "menu_call_handling": "read",
        "menu_personal_directory": "none",
        "menu_button_programming": "read"
    }))
}

/// "Enable User Portal — Default = Off"; "Run Enduser Wizard — Default = Off"; "Enable Media
/// Manager Replay — Default = Off"; "Enable Historical Call Reporting — Default = Off". A user
/// nobody configured gets none of it, and no menu. (The seed's "Allowed Call Operations —
/// Default = Both" is closed by SPEC Appendix A: the standard catalog defaults the list to
/// empty, since absent data is never read as permission.)
#[test]
fn portal_features_default_off() {
    let t = tenant(json!({"users": [{"id": "alice"}]}));
    let e = resolve(&t, "alice");
    assert_eq!(e.toggle("user_portal"), Ok(false));
    assert_eq!(e.toggle("enduser_wizard"), Ok(false));
    assert_eq!(e.toggle("call_reporting"), Ok(false));
    assert_eq!(e.choice("recordings_replay"), Ok("none"));
    assert_eq!(e.toggle("recordings_download"), Ok(false));
    assert_eq!(e.list("call_operations"), Ok(&ListValue::empty()));
    for menu in MENUS {
        assert_eq!(e.access(menu), Ok(Access::None), "{menu}");
    }
}

/// "For each set of options, the user can be given the following access: No Access …, Read
/// Access - The user can view the settings on the menu but cannot change them. Write Access -
/// The user can both view and change the settings on the menu." Each menu has its own level;
/// a menu the template does not name stays at No Access.
#[test]
fn each_menu_has_its_own_no_read_or_write_access() {
    let e = resolve(&menus(true), "alice");
    let got: Vec<(&str, Option<Access>)> = MENUS.iter().map(|m| (*m, e.access(*m).ok())).collect();
    assert_eq!(
        got,
        [
            ("menu_profile", Some(Access::Write)),
            ("menu_call_handling", Some(Access::Read)),
            ("menu_personal_directory", Some(Access::None)),
            ("menu_button_programming", Some(Access::Read)),
            ("menu_download_applications", Some(Access::None)),
        ]
    );
    assert!(e.is_on("menu_call_handling").unwrap());
    assert!(!e.is_on("menu_personal_directory").unwrap());
}

/// "Use this menu to enable user portal for a user. You can configure whether they can use
/// user portal and what features they can access within the user portal menus." The menus live
/// inside the portal: with the portal off, every menu is No Access whatever the template says,
/// and the trace names the unmet requirement.
#[test]
fn menus_are_no_access_while_the_user_portal_is_off() {
    let t = menus(false);
    let e = resolve(&t, "alice");
    for menu in MENUS {
        assert_eq!(e.access(menu), Ok(Access::None), "{menu}");
    }
    assert_eq!(
        explain(&t, "alice", "menu_profile"),
        r#"menu_profile = none: template "staff" (department staff) sets write; off because user_portal is not on"#
    );
}

/// "Run Enduser Wizard — If enabled, the user is walked through a series of menus when they
/// login for the first time": there is no first portal login without the portal.
#[test]
fn the_enduser_wizard_requires_the_user_portal() {
    let off = resolve(&staff(json!({"enduser_wizard": true})), "alice");
    assert_eq!(off.toggle("enduser_wizard"), Ok(false));
    let on = resolve(
        &staff(json!({"enduser_wizard": true, "user_portal": true})),
        "alice",
    );
    assert_eq!(on.toggle("enduser_wizard"), Ok(true));
}

/// "Enable Historical Call Reporting — When enabled, the user can access the call reporting
/// menus through their user portal."
#[test]
fn call_reporting_requires_the_user_portal() {
    let off = resolve(&staff(json!({"call_reporting": true})), "alice");
    assert_eq!(off.toggle("call_reporting"), Ok(false));
    let on = resolve(
        &staff(json!({"call_reporting": true, "user_portal": true})),
        "alice",
    );
    assert_eq!(on.toggle("call_reporting"), Ok(true));
}

/// "Allowed Call Operations — Set whether and how the user can use their user portal to make
/// and answer calls": none, desk phone, softphone, or both — a list over
/// `{desk_phone, softphone}` that only applies inside the portal.
#[test]
fn call_operations_is_a_list_over_desk_phone_and_softphone() {
    let both = resolve(
        &staff(json!({"user_portal": true, "call_operations": ["softphone", "desk_phone"]})),
        "alice",
    );
    assert_eq!(
        both.list("call_operations"),
        Ok(&ListValue::of(["desk_phone", "softphone"]))
    );
    let softphone = resolve(
        &staff(json!({"user_portal": true, "call_operations": ["softphone"]})),
        "alice",
    );
    let ops = softphone.list("call_operations").unwrap();
    assert!(ops.contains("softphone"));
    assert!(!ops.contains("desk_phone"));

    let no_portal = staff(json!({"call_operations": ["desk_phone", "softphone"]}));
    assert_eq!(
        resolve(&no_portal, "alice").list("call_operations"),
        Ok(&ListValue::empty())
    );

    let webrtc = staff(json!({"user_portal": true, "call_operations": ["webrtc"]}));
    assert_eq!(
        problems(&webrtc),
        [(
            "templates[staff].values.call_operations".to_owned(),
            Problem::Value(ValueError::NotAnItem {
                item: "webrtc".into(),
                expected: vec!["desk_phone".into(), "softphone".into()],
                items: 2,
            })
        )]
    );
}

/// "Replay All Recordings — If selected, the user can view and replay all recordings. Replay
/// Own Recordings — If selected, the user can view and replay their own call recordings."
#[test]
fn replay_scope_is_none_own_or_all() {
    for scope in ["none", "own", "all"] {
        let e = resolve(&staff(json!({"recordings_replay": scope})), "alice");
        assert_eq!(e.choice("recordings_replay"), Ok(scope));
    }
}

/// "Replay Own Recordings — … When enabled, the Replay Recordings For Group and Replay
/// Recordings For Others options are also available." Without replay-own (scope `none`) both
/// lists are empty; with `own`, or `all` which includes it, they apply as configured.
#[test]
fn replay_for_groups_and_others_only_apply_with_replay_own() {
    let lists = |scope: &str| {
        let t = staff(json!({
            "recordings_replay": scope,
            "recordings_replay_groups": ["support", "sales"],
            "recordings_replay_others": ["201", "600", "ACC42"]
        }));
        let e = resolve(&t, "alice");
        (
            e.list("recordings_replay_groups").ok().cloned(),
            e.list("recordings_replay_others").ok().cloned(),
        )
    };
    let empty = Some(ListValue::empty());
    assert_eq!(lists("none"), (empty.clone(), empty));
    for scope in ["own", "all"] {
        assert_eq!(
            lists(scope),
            (
                Some(ListValue::of(["sales", "support"])),
                Some(ListValue::of(["201", "600", "ACC42"]))
            ),
            "{scope}"
        );
    }
    let t = staff(json!({"recordings_replay_groups": ["support"]}));
    assert_eq!(
        explain(&t, "alice", "recordings_replay_groups"),
        r#"recordings_replay_groups = []: template "staff" (department staff) sets [support]; off because recordings_replay is below own"#
    );
}

/// "Download Recordings — If selected, the user is able to download recordings as a separate
/// file." Downloading needs the right to replay (SPEC §6.3: "download: requires the right to
/// replay that recording"), so it needs at least replay-own.
#[test]
fn download_requires_at_least_replay_own() {
    let download = |scope: &str| {
        let t = staff(json!({"recordings_replay": scope, "recordings_download": true}));
        resolve(&t, "alice").toggle("recordings_download").ok()
    };
    assert_eq!(download("none"), Some(false));
    assert_eq!(download("own"), Some(true));
    assert_eq!(download("all"), Some(true));
}

/// "Replay Recordings For Others — … a list of numbers, separated by semi-colons … Those
/// numbers can be accounts codes, line numbers, user extensions and group extension numbers.
/// The list can be 127 characters in length." Joined with `;`, 127 characters validate and 128
/// are a validation error with the path of the offending value.
#[test]
fn replay_for_others_is_limited_to_127_characters() {
    // 25 four-digit extensions and one more number: 25 × 4 + 25 separators + its length.
    let numbers = |last: &str| -> Vec<String> {
        (2001..=2025)
            .map(|n| n.to_string())
            .chain([last.to_owned()])
            .collect()
    };
    let with = |list: Vec<String>| {
        tenant(json!({
            "users": [{"id": "alice", "overrides": {
                "recordings_replay": "own", "recordings_replay_others": list
            }}]
        }))
    };
    let at_limit = with(numbers("60"));
    assert_eq!(problems(&at_limit), []);
    assert_eq!(
        resolve(&at_limit, "alice")
            .list("recordings_replay_others")
            .map(|l| matches!(l, ListValue::Only(s) if s.len() == 26)),
        Ok(true)
    );

    assert_eq!(
        problems(&with(numbers("600"))),
        [(
            "users[alice].overrides.recordings_replay_others".to_owned(),
            Problem::Value(ValueError::TooLong {
                chars: 128,
                max: 127
            })
        )]
    );
    // The same bound holds for a single long entry, in a template as in an override.
    let template = staff(json!({"recordings_replay_others": [support::digits(128)]}));
    assert_eq!(
        problems(&template),
        [(
            "templates[staff].values.recordings_replay_others".to_owned(),
            Problem::Value(ValueError::TooLong {
                chars: 128,
                max: 127
            })
        )]
    );
}

/// "a list of numbers, separated by semi-colons": in the interchange format the list is an
/// array, so an entry that still holds a `;` is rejected rather than split or matched as text.
#[test]
fn replay_for_others_entries_cannot_hold_the_separator() {
    let t = staff(json!({"recordings_replay_others": ["201;202"]}));
    assert_eq!(
        problems(&t),
        [(
            "templates[staff].values.recordings_replay_others".to_owned(),
            Problem::Value(ValueError::BadEntry {
                item: "201;202".into()
            })
        )]
    );
}

/// "Those numbers can be accounts codes, line numbers, user extensions and group extension
/// numbers": each is a whole token; `10` grants extension 10, not 101 or 1 (SPEC §6.3: exact
/// token match, never a substring or prefix).
#[test]
fn replay_for_others_matches_whole_numbers_only() {
    let t = staff(json!({"recordings_replay": "own", "recordings_replay_others": ["10", "600"]}));
    let e = resolve(&t, "alice");
    let others = e.list("recordings_replay_others").unwrap();
    assert!(others.contains("10"));
    assert!(others.contains("600"));
    assert!(!others.contains("101"));
    assert!(!others.contains("1"));
    assert!(!others.contains("60"));
}
