//! Seed 000 — IPVoice "Apps – Administration" (`seeds/000_d2496794c9d65de2.txt`).
//!
//! Department templates of editions and modules, secondary departments, manual edits from the
//! extension page, tenant-wide switches, and the device registry's platforms.
#![allow(dead_code)]

mod support;

use pbx_entitlements::batch::{self, ChangeReport, UserChange};
use pbx_entitlements::model::{Plan, Tenant};
use pbx_entitlements::{Catalog, Platforms, Problem, Value};
use serde_json::json;
use support::{explain, problems, resolve, tenant};

const EDITIONS_AND_MODULES: [&str; 5] = [
    "edition_business",
    "edition_ios",
    "edition_android",
    "edition_desktop",
    "module_crm",
];

/// The Sales department of the seed: Business and iOS editions plus the CRM module, every
/// other edition and module unchecked; Alice is in Sales, Bob in Support (no template).
fn sales_tenant() -> Tenant {
    tenant(json!({
        "templates": [{"id": "sales", "values": {
            "edition_business": true, "edition_ios": true, "edition_android": false,
            "edition_desktop": false, "module_crm": true
        }}],
        "departments": [
            {"id": "sales", "template": "sales", "rank": 10},
            {"id": "support", "rank": 20}
        ],
        "users": [
            {"id": "alice", "departments": ["sales"]},
            {"id": "bob", "departments": ["support"]},
            {"id": "carol"}
        ]
    }))
}

/// "if you would like to enable all extensions to members of the Sales department to use
/// Business and iOS editions of IPVoice along with CRM module, Select Sales department …,
/// uncheck ALL checkboxes in Editions and Modules sections, and select checkboxes for Business
/// and iOS editions, as well as checkbox for CRM module."
#[test]
fn sales_template_grants_business_and_ios_editions_and_the_crm_module() {
    let t = sales_tenant();
    let alice = resolve(&t, "alice");
    let got: Vec<(&str, Option<bool>)> = EDITIONS_AND_MODULES
        .iter()
        .map(|k| (*k, alice.toggle(*k).ok()))
        .collect();
    assert_eq!(
        got,
        [
            ("edition_business", Some(true)),
            ("edition_ios", Some(true)),
            ("edition_android", Some(false)),
            ("edition_desktop", Some(false)),
            ("module_crm", Some(true)),
        ]
    );
    assert_eq!(
        explain(&t, "alice", "edition_ios"),
        r#"edition_ios = true: template "sales" (department sales) sets true"#
    );
}

/// "Saving these settings will apply these permissions to all extensions that are members of
/// Sales department" — and only to them: members of other departments, and extensions in no
/// department, keep the closed defaults (SPEC §3.2: absent data is never read as permission).
#[test]
fn members_of_other_departments_get_no_edition_or_module() {
    let t = sales_tenant();
    for user in ["bob", "carol"] {
        let e = resolve(&t, user);
        for key in EDITIONS_AND_MODULES {
            assert_eq!(e.toggle(key), Ok(false), "{user} {key}");
        }
    }
    assert_eq!(
        explain(&t, "bob", "module_crm"),
        "module_crm = false: the catalog default is false"
    );
}

/// "Should some of these extensions need additional permissions, you can … create a secondary
/// Department to assign additional modules." Editions and modules merge MostPermissive: the
/// secondary department adds, it never takes away what Sales granted.
#[test]
fn a_secondary_department_adds_modules_most_permissively() {
    let t = tenant(json!({
        "templates": [
            {"id": "sales", "values": {
                "edition_business": true, "edition_ios": true, "module_crm": false
            }},
            {"id": "crm_users", "values": {"module_crm": true, "edition_ios": false}}
        ],
        "departments": [
            {"id": "sales", "template": "sales", "rank": 10},
            {"id": "crm", "template": "crm_users", "rank": 20}
        ],
        "users": [
            {"id": "alice", "departments": ["sales", "crm"]},
            {"id": "dave", "departments": ["sales"]}
        ]
    }));
    let alice = resolve(&t, "alice");
    assert_eq!(alice.toggle("module_crm"), Ok(true));
    assert_eq!(alice.toggle("edition_business"), Ok(true));
    // The secondary department's unchecked iOS box does not remove Sales' iOS edition.
    assert_eq!(alice.toggle("edition_ios"), Ok(true));
    let dave = resolve(&t, "dave");
    assert_eq!(dave.toggle("module_crm"), Ok(false));
    // Sources are listed in a fixed order (departments by id), not in membership order.
    assert_eq!(
        explain(&t, "alice", "module_crm"),
        r#"module_crm = true: template "crm_users" (department crm) sets true; template "sales" (department sales) sets false; the most permissive template gives true"#
    );
}

/// "Should some of these extensions need additional permissions, you can edit permissions from
/// extension edit page": an admin override for one extension (SPEC §3.4), on top of the
/// department template, touching only that extension and that feature.
#[test]
fn an_edit_from_the_extension_page_adds_an_edition_for_that_extension_only() {
    let mut t = sales_tenant();
    t.users.push(
        serde_json::from_value(json!({
            "id": "erin", "departments": ["sales"],
            "overrides": {"edition_android": true, "module_crm": false}
        }))
        .unwrap(),
    );
    let erin = resolve(&t, "erin");
    assert_eq!(erin.toggle("edition_android"), Ok(true));
    assert_eq!(erin.toggle("module_crm"), Ok(false));
    assert_eq!(erin.toggle("edition_business"), Ok(true));
    assert_eq!(resolve(&t, "alice").toggle("edition_android"), Ok(false));
    assert_eq!(
        explain(&t, "erin", "module_crm"),
        r#"module_crm = false: template "sales" (department sales) sets true; an admin override sets false"#
    );
}

/// "Saving permissions for selected departments will apply these values to all extensions that
/// belong to that department": a later template edit reaches every (attached) member, while a
/// manual override keeps its own value for the feature it names.
#[test]
fn a_template_edit_reaches_members_but_not_their_overridden_features() {
    let mut t = sales_tenant();
    t.users[0]
        .overrides
        .insert("edition_ios".into(), true.into());
    support::template_mut(&mut t, "sales").insert("edition_ios".into(), false.into());
    support::template_mut(&mut t, "sales").insert("edition_android".into(), true.into());
    t.users
        .push(serde_json::from_value(json!({"id": "frank", "departments": ["sales"]})).unwrap());

    let alice = resolve(&t, "alice");
    assert_eq!(alice.toggle("edition_ios"), Ok(true));
    assert_eq!(alice.toggle("edition_android"), Ok(true));
    let frank = resolve(&t, "frank");
    assert_eq!(frank.toggle("edition_ios"), Ok(false));
    assert_eq!(frank.toggle("edition_android"), Ok(true));
}

/// "Permissions: … the ability for an Admin to control IPVoice features globally per tenant,
/// permissions that can be Allowed/Disabled are: Chat, Access Codes, Do not Disturb, Voicemail,
/// Agent Pause." Disabled = a locked tenant policy at bottom (SPEC §3.3): no template and no
/// override can turn the feature on for anyone.
#[test]
fn tenant_wide_switches_disabled_cannot_be_turned_on_by_template_or_override() {
    const SWITCHES: [&str; 5] = [
        "chat",
        "access_codes",
        "do_not_disturb",
        "voicemail",
        "agent_pause",
    ];
    let all_on = json!({
        "chat": true, "access_codes": true, "do_not_disturb": true,
        "voicemail": true, "agent_pause": true
    });
    let t = tenant(json!({
        "policy": {
            "chat": {"value": false, "locked": true},
            "access_codes": {"value": false, "locked": true},
            "do_not_disturb": {"value": false, "locked": true},
            "voicemail": {"value": false, "locked": true},
            "agent_pause": {"value": false, "locked": true}
        },
        "templates": [{"id": "sales", "values": all_on}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [
            {"id": "alice", "departments": ["sales"], "overrides": all_on},
            {"id": "bob", "overrides": all_on},
            {"id": "carol", "departments": ["sales"]}
        ]
    }));
    for user in ["alice", "bob", "carol"] {
        let e = resolve(&t, user);
        for key in SWITCHES {
            assert_eq!(e.toggle(key), Ok(false), "{user} {key}");
        }
    }
    assert_eq!(
        explain(&t, "alice", "chat"),
        r#"chat = false: tenant policy sets false; template "sales" (department sales) sets true, ignored: the tenant locks it; an admin override sets true, ignored: the tenant locks it; the tenant locks it at false"#
    );
    assert_eq!(
        explain(&t, "carol", "agent_pause"),
        r#"agent_pause = false: tenant policy sets false; template "sales" (department sales) sets true, ignored: the tenant locks it; the tenant locks it at false"#
    );
}

/// "permissions that can be Allowed/Disabled": a switch that is Allowed (an unlocked tenant
/// value) gives the feature to every extension, and an extension edit may still take it away
/// from one extension.
#[test]
fn a_tenant_wide_switch_allowed_reaches_everyone_and_stays_editable() {
    let t = tenant(json!({
        "policy": {"voicemail": {"value": true}, "do_not_disturb": {"value": true}},
        "users": [
            {"id": "alice"},
            {"id": "bob", "overrides": {"voicemail": false}}
        ]
    }));
    let alice = resolve(&t, "alice");
    assert_eq!(alice.toggle("voicemail"), Ok(true));
    assert_eq!(alice.toggle("do_not_disturb"), Ok(true));
    let bob = resolve(&t, "bob");
    assert_eq!(bob.toggle("voicemail"), Ok(false));
    assert_eq!(bob.toggle("do_not_disturb"), Ok(true));
    assert_eq!(
        explain(&t, "bob", "voicemail"),
        "voicemail = false: tenant policy sets true; an admin override sets false"
    );
}

/// A switch that is disabled for the whole tenant binds the user's own setting too (SPEC §3.2
/// layer 6: "a lock holds against the user too"); voicemail is user-adjustable, yet a user who
/// may edit their settings cannot turn a locked-on voicemail off.
#[test]
fn a_locked_switch_holds_against_the_users_own_setting() {
    let t = tenant(json!({
        "policy": {"voicemail": {"value": true, "locked": true}},
        "users": [{
            "id": "alice",
            "overrides": {"edit_settings": true},
            "preferences": {"voicemail": false}
        }]
    }));
    assert_eq!(resolve(&t, "alice").toggle("voicemail"), Ok(true));
    assert_eq!(
        explain(&t, "alice", "voicemail"),
        "voicemail = true: tenant policy sets true; the tenant locks it at true; the user's own setting asks for false, ignored: the tenant locks it"
    );
}

/// "Note – “Modules” will only appear if the relevant licenses are applied to the tenant." A
/// template cannot grant a module the plan did not sell, and a tenant switch locked on cannot
/// either (SPEC §3.2 layer 5: "a lock cannot grant what was not bought").
#[test]
fn modules_and_switches_need_the_tenants_licence() {
    let mut t = sales_tenant();
    t.plan = Plan::only(
        "apps_basic",
        [
            "edition_business",
            "edition_ios",
            "edition_android",
            "edition_desktop",
        ],
    );
    t.policy.insert(
        "voicemail".into(),
        serde_json::from_value(json!({"value": true, "locked": true})).unwrap(),
    );
    let alice = resolve(&t, "alice");
    assert_eq!(alice.toggle("edition_ios"), Ok(true));
    assert_eq!(alice.toggle("module_crm"), Ok(false));
    assert_eq!(alice.toggle("voicemail"), Ok(false));
    assert_eq!(
        explain(&t, "alice", "module_crm"),
        r#"module_crm = false: template "sales" (department sales) sets true; plan "apps_basic" does not include it"#
    );
    assert_eq!(
        explain(&t, "alice", "voicemail"),
        r#"voicemail = false: tenant policy sets true; the tenant locks it at true; plan "apps_basic" does not include it"#
    );
}

/// "Devices … Platform (ex. Android, iOS)": the iOS and Android editions only work on their
/// platform, so the catalog constrains `edition_ios` to iOS devices and `edition_android` to
/// Android devices; the Business edition and the CRM module run anywhere. Editions and modules
/// are what the "License Counter" counts: seat-licensable toggles (SPEC §3.5).
#[test]
fn edition_device_constraints_and_seats_are_in_the_catalog() {
    let catalog = Catalog::standard();
    let device = |key: &str| catalog.by_key(key).unwrap().device().platforms;
    assert_eq!(device("edition_ios"), Platforms::IOS);
    assert_eq!(device("edition_android"), Platforms::ANDROID);
    assert_eq!(device("edition_desktop"), Platforms::DESKTOP);
    assert_eq!(device("edition_business"), Platforms::all());
    assert_eq!(device("module_crm"), Platforms::all());
    assert_eq!(
        catalog.by_key("edition_ios").unwrap().device().min_version,
        None
    );
    for key in EDITIONS_AND_MODULES {
        assert!(
            catalog.by_key(key).unwrap().seats(),
            "{key} is seat-licensed"
        );
    }
    assert!(!catalog.by_key("chat").unwrap().seats());
}

/// "The devices page displays full list of all registered devices … Extension, Platform, Last
/// Update, App ID, Version (ex.6.4)": a device registry entry with a two-part version is valid;
/// a device whose extension is unknown is a validation error (SPEC §4).
#[test]
fn registered_devices_validate_and_need_a_known_owner() {
    let mut t = tenant(json!({
        "users": [{"id": "chris", "name": "101 (Chris Nolan)"}],
        "devices": [
            {"id": "d1", "owner": "chris", "platform": "ios",
             "app_id": "com.ipvoice.app", "version": "6.4", "last_seen": 1763900000},
            {"id": "d2", "owner": "chris", "platform": "android",
             "app_id": "com.ipvoice.app", "version": "6.4.1"}
        ]
    }));
    assert_eq!(problems(&t), []);

    t.devices.push(
        serde_json::from_value(json!({
            "id": "d3", "owner": "nolan", "platform": "ios", "version": "6.4"
        }))
        .unwrap(),
    );
    let found = problems(&t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "devices[d3].owner");
    assert_eq!(
        found[0].1,
        Problem::Unknown {
            what: "user",
            id: "nolan".into()
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Manual edits, batch mode and reapplying templates (SPEC §3.4)
// ---------------------------------------------------------------------------------------------

/// Every effective value of a user, as `key -> value`, to compare resolutions.
fn effective(t: &Tenant, user: &str) -> Vec<(String, Value)> {
    resolve(t, user)
        .iter()
        .map(|(_, key, value)| (key.to_owned(), value))
        .collect()
}

/// Sales with editions, the CRM module and more channels than the plan sells; Chris and Dana
/// are in Sales, Chris also in a CRM department; Erin is in Support.
fn batch_tenant() -> Tenant {
    tenant(json!({
        "plan": {"id": "business", "features": "all", "limits": {"max_channels": 2}},
        "policy": {
            "voicemail": {"value": true},
            "chat": {"value": false, "locked": true}
        },
        "templates": [
            {"id": "sales", "values": {
                "edition_business": true, "edition_ios": true, "module_crm": true,
                "max_channels": 4, "chat": true
            }},
            {"id": "crm_users", "values": {"module_crm": true, "edition_desktop": true}}
        ],
        "departments": [
            {"id": "sales", "template": "sales", "rank": 10},
            {"id": "crm", "template": "crm_users", "rank": 20},
            {"id": "support", "rank": 30}
        ],
        "users": [
            {"id": "chris", "departments": ["sales", "crm"], "overrides": {"voicemail": false}},
            {"id": "dana", "departments": ["sales"]},
            {"id": "erin", "departments": ["support"]}
        ]
    }))
}

/// The Sales template after a later save: iOS and CRM unchecked, Android checked.
fn edit_sales_template(t: &mut Tenant) {
    let sales = support::template_mut(t, "sales");
    sales.insert("edition_ios".into(), false.into());
    sales.insert("module_crm".into(), false.into());
    sales.insert("edition_android".into(), true.into());
}

/// SPEC §3.4: "Detaching writes the user's current template-derived values as overrides first,
/// so that the act of detaching changes no effective value; only later template edits stop
/// reaching the user." The values come from every template of the user, merged; locked
/// features are not written (a template cannot change them anyway).
#[test]
fn detaching_alone_changes_no_effective_value() {
    let t = batch_tenant();
    let (detached, report) = batch::detach(&t, &["chris"]).unwrap();

    assert_eq!(
        report.changes,
        [UserChange::new("chris")
            .with_overrides_set([
                "edition_business",
                "edition_desktop",
                "edition_ios",
                "max_channels",
                "module_crm",
            ])
            .with_detached(true)]
    );
    let chris = support::user(&detached, "chris");
    assert!(chris.detached);
    assert_eq!(
        chris.overrides,
        support::values(json!({
            "voicemail": false,
            "edition_business": true, "edition_ios": true, "edition_desktop": true,
            "max_channels": 4, "module_crm": true
        }))
    );
    for user in ["chris", "dana", "erin"] {
        assert_eq!(effective(&detached, user), effective(&t, user), "{user}");
    }
    // Pure: the input model is untouched.
    assert_eq!(t, batch_tenant());
}

/// "Extensions that have had their permissions changed manually after the department template
/// was applied will be excluded from future changes made in this manner." A manual edit is a
/// detach plus an override; when Sales is later saved with other editions, the edited extension
/// keeps its values while the other Sales members follow the template.
#[test]
fn a_manually_edited_user_keeps_their_values_when_the_template_changes() {
    let t = batch_tenant();
    let (t, _) = batch::detach(&t, &["chris"]).unwrap();
    let grant = support::values(json!({"edition_android": false, "module_crm": true}));
    let (mut t, report) = batch::set_overrides(&t, &["chris"], &grant).unwrap();
    assert_eq!(
        report.changes,
        [UserChange::new("chris").with_overrides_set(["edition_android"])]
    );
    edit_sales_template(&mut t);

    let chris = resolve(&t, "chris");
    assert_eq!(chris.toggle("edition_ios"), Ok(true));
    assert_eq!(chris.toggle("module_crm"), Ok(true));
    assert_eq!(chris.toggle("edition_android"), Ok(false));
    assert_eq!(chris.limit("max_channels"), Ok(2));
    let dana = resolve(&t, "dana");
    assert_eq!(dana.toggle("edition_ios"), Ok(false));
    assert_eq!(dana.toggle("module_crm"), Ok(false));
    assert_eq!(dana.toggle("edition_android"), Ok(true));
    assert_eq!(
        explain(&t, "chris", "edition_ios"),
        "edition_ios = true: the user is detached from templates; an admin override sets true"
    );
}

/// "Batch Mode … To reapply department templates to one or more extension that have had their
/// permissions manually changed after department template was applied": reapplying clears the
/// overrides and the detachment, so the extension gets the Sales template as it is now.
#[test]
fn reapplying_templates_brings_a_manually_edited_user_back_to_the_new_template() {
    let t = batch_tenant();
    let (t, _) = batch::detach(&t, &["chris"]).unwrap();
    let grant = support::values(json!({"edition_android": false}));
    let (mut t, _) = batch::set_overrides(&t, &["chris"], &grant).unwrap();
    edit_sales_template(&mut t);

    let (t, report) = batch::reapply_templates(&t, &["chris"]).unwrap();
    assert_eq!(
        report.changes,
        [UserChange::new("chris")
            .with_overrides_cleared([
                "edition_android",
                "edition_business",
                "edition_desktop",
                "edition_ios",
                "max_channels",
                "module_crm",
                "voicemail",
            ])
            .with_detached(false)]
    );
    let chris = support::user(&t, "chris");
    assert!(!chris.detached);
    assert!(chris.overrides.is_empty());

    let e = resolve(&t, "chris");
    assert_eq!(e.toggle("edition_ios"), Ok(false));
    assert_eq!(e.toggle("edition_android"), Ok(true));
    assert_eq!(e.toggle("edition_business"), Ok(true));
    // The CRM department still grants the module and the desktop edition.
    assert_eq!(e.toggle("module_crm"), Ok(true));
    assert_eq!(e.toggle("edition_desktop"), Ok(true));
    // The earlier manual voicemail edit is gone: the tenant value applies again.
    assert_eq!(e.toggle("voicemail"), Ok(true));
    assert_eq!(
        explain(&t, "chris", "edition_ios"),
        r#"edition_ios = false: template "sales" (department sales) sets false"#
    );
}

/// "To apply department specific templates to one or more extensions that are members of
/// several different departments, … add a list of extensions …. Once you click Save, the rules
/// should be applied to all extensions from your list." Extensions not listed keep their edits.
#[test]
fn reapplying_templates_to_a_list_of_users_in_different_departments() {
    let t = batch_tenant();
    let grant = support::values(json!({"edition_android": true}));
    let (t, _) = batch::detach(&t, &["chris", "dana", "erin"]).unwrap();
    let (mut t, _) = batch::set_overrides(&t, &["chris", "dana", "erin"], &grant).unwrap();
    edit_sales_template(&mut t);

    let (t, report) = batch::reapply_templates(&t, &["erin", "chris"]).unwrap();
    let changed: Vec<&str> = report.changes.iter().map(|c| c.user.as_str()).collect();
    assert_eq!(changed, ["chris", "erin"]);
    assert_eq!(resolve(&t, "chris").toggle("edition_ios"), Ok(false));
    assert_eq!(resolve(&t, "erin").toggle("edition_android"), Ok(false));
    // Dana was not listed: still detached, still on the old Sales values plus her grant.
    assert!(support::user(&t, "dana").detached);
    let dana = resolve(&t, "dana");
    assert_eq!(dana.toggle("edition_ios"), Ok(true));
    assert_eq!(dana.toggle("edition_android"), Ok(true));
}

/// "The “Batch Mode” page allows you to add a selected set of permissions to specific
/// extensions only, regardless of their department membership. This can be used in situations
/// where selected department members need to use additional IPVoice editions."
#[test]
fn batch_mode_grants_a_set_of_permissions_regardless_of_department() {
    let t = batch_tenant();
    let grant = support::values(json!({"edition_android": true, "module_crm": true}));
    let (after, report) = batch::set_overrides(&t, &["erin", "dana"], &grant).unwrap();
    assert_eq!(
        report.changes,
        [
            UserChange::new("dana").with_overrides_set(["edition_android", "module_crm"]),
            UserChange::new("erin").with_overrides_set(["edition_android", "module_crm"]),
        ]
    );
    for user in ["dana", "erin"] {
        let e = resolve(&after, user);
        assert_eq!(e.toggle("edition_android"), Ok(true), "{user}");
        assert_eq!(e.toggle("module_crm"), Ok(true), "{user}");
    }
    assert_eq!(
        resolve(&after, "chris").toggle("edition_android"),
        Ok(false)
    );
    assert_eq!(t, batch_tenant());

    // Applying the same set again changes nothing.
    let (_, again) = batch::set_overrides(&after, &["erin", "dana"], &grant).unwrap();
    assert_eq!(again, ChangeReport::default());
}

/// Batch mode takes a list of extensions typed by an admin: an unknown one, or a value the
/// feature does not take, is reported with its path and nothing is applied.
#[test]
fn batch_mode_rejects_unknown_extensions_and_bad_values() {
    let t = batch_tenant();
    let grant = support::values(json!({"edition_android": true}));
    let errors = batch::set_overrides(&t, &["dana", "zoe"], &grant).unwrap_err();
    let found: Vec<(String, Problem)> = errors
        .into_iter()
        .map(|i| (i.path.to_string(), i.problem))
        .collect();
    assert_eq!(
        found,
        [(
            "batch.users[1]".to_owned(),
            Problem::Unknown {
                what: "user",
                id: "zoe".into()
            }
        )]
    );

    let bad = support::values(json!({"max_channels": 500}));
    let errors = batch::set_overrides(&t, &["dana"], &bad).unwrap_err();
    let paths: Vec<String> = errors.iter().map(|i| i.path.to_string()).collect();
    assert_eq!(paths, ["users[dana].overrides.max_channels"]);
}

/// SPEC §3.4, for a user whose departments each grant a replay-for-others list (seed 002)
/// within the 127-character bound but whose merged list is longer: detaching would have to store
/// that list as an override, past the bound a person may enter, so `detach` refuses the user
/// with the bound's error, naming user and feature, and changes nothing.
#[test]
fn detaching_a_user_whose_merged_list_exceeds_the_input_bound_is_refused() {
    let a = support::digits(70);
    let b: String = support::digits(71).chars().rev().collect();
    let t = tenant(json!({
        "templates": [
            {"id": "a", "values": {"recordings_replay": "own", "recordings_replay_others": [a]}},
            {"id": "b", "values": {"recordings_replay_others": [b]}}
        ],
        "departments": [{"id": "a", "template": "a"}, {"id": "b", "template": "b"}],
        "users": [{"id": "chris", "departments": ["a", "b"]}, {"id": "dana", "departments": ["a"]}]
    }));
    let errors = batch::detach(&t, &["dana", "chris"]).unwrap_err();
    let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "users[chris].overrides.recordings_replay_others: 142 characters when joined with ';', \
          at most 127 allowed"
        ]
    );
    // All or nothing: dana, who could be detached alone, is not detached either (the input is
    // never modified, and no tenant is returned).
    let (alone, _) = batch::detach(&t, &["dana"]).unwrap();
    assert!(
        alone
            .users
            .iter()
            .any(|u| u.id.as_str() == "dana" && u.detached)
    );
}
