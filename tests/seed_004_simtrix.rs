//! Seed 004 — SIMtrix for Bitrix24, "Konfiguracja funkcji per użytkownik" (per-user feature
//! configuration, in Polish: `seeds/004_7818764a5923bb28.txt`). Quotes are given in Polish with
//! an English translation.
//!
//! Plan-gated feature sets (calls only / SMS only / both), call recording that needs both the
//! admin's switch and the user's own switch in the Android app, users switching features off
//! but never on, and the country-code allow-list.
#![allow(dead_code)]

mod support;

use pbx_entitlements::model::{Plan, Tenant};
use pbx_entitlements::{Catalog, ListValue, Platforms};
use serde_json::{Value as Json, json};
use support::{explain, resolve, tenant};

/// One user, `alice`, in department `sales` whose template holds `values`, with her own
/// `preferences`.
fn sales(values: Json, preferences: Json) -> Tenant {
    tenant(json!({
        "templates": [{"id": "sales", "values": values}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"], "preferences": preferences}]
    }))
}

/// `calls` and `sms` of a user.
fn feature_set(t: &Tenant, user: &str) -> (Option<bool>, Option<bool>) {
    let e = resolve(t, user);
    (e.toggle("calls").ok(), e.toggle("sms").ok())
}

/// "Wybierz, do których funkcji ten użytkownik ma dostęp: Tylko połączenia … Tylko SMS … Oba
/// … Dostępne opcje zależą od Twojego planu subskrypcji." (Choose which features this user can
/// access: calls only, SMS only, both. The available options depend on your subscription plan.)
/// The admin grants both; the plan decides which of them is in effect.
#[test]
fn the_plan_decides_calls_only_sms_only_or_both() {
    let mut t = sales(json!({"calls": true, "sms": true}), json!({}));
    t.plan = Plan::only("calls_only", ["calls"]);
    assert_eq!(feature_set(&t, "alice"), (Some(true), Some(false)));
    assert_eq!(
        explain(&t, "alice", "sms"),
        r#"sms = false: template "sales" (department sales) sets true; plan "calls_only" does not include it"#
    );
    t.plan = Plan::only("sms_only", ["sms"]);
    assert_eq!(feature_set(&t, "alice"), (Some(false), Some(true)));
    t.plan = Plan::only("both", ["calls", "sms"]);
    assert_eq!(feature_set(&t, "alice"), (Some(true), Some(true)));
}

/// "Wybierz, do których funkcji ten użytkownik ma dostęp" (choose which features *this user*
/// can access): within a plan that sells both, one user can be set to calls only or SMS only.
#[test]
fn each_user_gets_calls_only_sms_only_or_both_within_the_plan() {
    let mut t = tenant(json!({
        "users": [
            {"id": "cal", "overrides": {"calls": true}},
            {"id": "sid", "overrides": {"sms": true}},
            {"id": "bo", "overrides": {"calls": true, "sms": true}},
            {"id": "nil"}
        ]
    }));
    t.plan = Plan::only("both", ["calls", "sms"]);
    assert_eq!(feature_set(&t, "cal"), (Some(true), Some(false)));
    assert_eq!(feature_set(&t, "sid"), (Some(false), Some(true)));
    assert_eq!(feature_set(&t, "bo"), (Some(true), Some(true)));
    assert_eq!(feature_set(&t, "nil"), (Some(false), Some(false)));
}

/// "Dostępność nagrywania rozmów zależy zarówno od ustawienia administratora tutaj, jak i od
/// przełącznika użytkownika w aplikacji Android. Oba muszą być włączone, aby nagrywanie
/// działało." (Call recording depends both on the admin's setting here and on the user's switch
/// in the Android app. Both must be on for recording to work.) With the admin's switch on, the
/// user's switch off turns recording off.
#[test]
fn recording_needs_the_admins_switch_and_the_users_own_switch() {
    let admin_on = json!({"record_conversations": true, "edit_settings": true});
    let off = sales(admin_on.clone(), json!({"record_conversations": false}));
    assert_eq!(
        resolve(&off, "alice").toggle("record_conversations"),
        Ok(false)
    );
    assert_eq!(
        explain(&off, "alice", "record_conversations"),
        r#"record_conversations = false: template "sales" (department sales) sets true; the user's own setting lowers it to false"#
    );
    // Requirements come after the user's switch (SPEC §3.2 layers 6–7): with recording off,
    // the Record button that needs it is off too.
    let button = sales(
        json!({"record_conversations": true, "edit_settings": true, "start_stop_recording": true}),
        json!({"record_conversations": false}),
    );
    assert_eq!(
        resolve(&button, "alice").toggle("start_stop_recording"),
        Ok(false)
    );
    let on = sales(admin_on.clone(), json!({"record_conversations": true}));
    assert_eq!(
        resolve(&on, "alice").toggle("record_conversations"),
        Ok(true)
    );
    let unset = sales(admin_on, json!({}));
    assert_eq!(
        resolve(&unset, "alice").toggle("record_conversations"),
        Ok(true)
    );
}

/// "Jednak użytkownicy nie mogą włączać funkcji, które administrator wyłączył" (However, users
/// cannot switch on features the admin switched off): the user's switch on does not record a
/// user whose admin switch is off, and the trace says the preference was ignored.
#[test]
fn a_user_cannot_switch_recording_on_when_the_admin_has_it_off() {
    let t = sales(
        json!({"record_conversations": false, "edit_settings": true}),
        json!({"record_conversations": true}),
    );
    assert_eq!(
        resolve(&t, "alice").toggle("record_conversations"),
        Ok(false)
    );
    assert_eq!(
        explain(&t, "alice", "record_conversations"),
        r#"record_conversations = false: template "sales" (department sales) sets false; the user's own setting asks for true, ignored: a user can only lower"#
    );
}

/// "Wymaga to planu Record." (This requires the Record plan.) — "użytkownicy nie mogą włączać
/// funkcji, … które nie są zawarte w planie subskrypcji" (users cannot switch on features …
/// not included in the subscription plan): admin on and user on still record nothing under a
/// plan without recording.
#[test]
fn a_user_cannot_switch_recording_on_beyond_the_plan() {
    let mut t = sales(
        json!({"record_conversations": true, "edit_settings": true, "calls": true}),
        json!({"record_conversations": true}),
    );
    t.plan = Plan::only(
        "reach",
        ["calls", "sms", "edit_settings", "allowed_country_codes"],
    );
    assert_eq!(
        resolve(&t, "alice").toggle("record_conversations"),
        Ok(false)
    );
    assert_eq!(
        explain(&t, "alice", "record_conversations"),
        r#"record_conversations = false: template "sales" (department sales) sets true; plan "reach" does not include it; the user's own setting asks for true, ignored: a user can only lower"#
    );
    t.plan = Plan::only(
        "record",
        [
            "calls",
            "sms",
            "edit_settings",
            "allowed_country_codes",
            "record_conversations",
        ],
    );
    assert_eq!(
        resolve(&t, "alice").toggle("record_conversations"),
        Ok(true)
    );
}

/// "Użytkownicy mogą wyłączyć nakładkę CRM … w aplikacji Android, nawet jeśli administrator je
/// włączył. Jednak użytkownicy nie mogą włączać funkcji, które administrator wyłączył" (Users
/// can switch the CRM overlay off in the Android app even if the admin switched it on. However,
/// users cannot switch on features the admin switched off.)
#[test]
fn users_may_switch_the_crm_overlay_off_but_never_on() {
    let overlay = |admin: bool, user: bool| {
        let t = sales(
            json!({"crm_overlay": admin, "edit_settings": true}),
            json!({"crm_overlay": user}),
        );
        resolve(&t, "alice").toggle("crm_overlay")
    };
    assert_eq!(overlay(true, false), Ok(false));
    assert_eq!(overlay(true, true), Ok(true));
    assert_eq!(overlay(false, true), Ok(false));
    assert_eq!(overlay(false, false), Ok(false));

    // The overlay is drawn by the Android app only.
    let catalog = Catalog::standard();
    let feature = catalog.by_key("crm_overlay").unwrap();
    assert!(feature.adjustable());
    assert_eq!(feature.device().platforms, Platforms::ANDROID);
}

/// "Czy użytkownicy mogą nadpisywać ustawienia administratora? Częściowo. Użytkownicy mogą
/// wyłączyć nakładkę CRM i nagrywanie rozmów" (Can users override the admin's settings?
/// Partially. Users can switch off the CRM overlay and call recording.) Only those are
/// user-adjustable among this seed's features: a user's own value for the feature set or the
/// country codes is ignored.
#[test]
fn only_the_crm_overlay_and_recording_are_the_users_to_switch() {
    let t = sales(
        json!({
            "calls": true, "sms": true, "allowed_country_codes": ["48", "49"],
            "edit_settings": true
        }),
        json!({"sms": false, "calls": false, "allowed_country_codes": ["48"]}),
    );
    let e = resolve(&t, "alice");
    assert_eq!(e.toggle("calls"), Ok(true));
    assert_eq!(e.toggle("sms"), Ok(true));
    assert_eq!(
        e.list("allowed_country_codes"),
        Ok(&ListValue::of(["48", "49"]))
    );
    assert_eq!(
        explain(&t, "alice", "sms"),
        r#"sms = true: template "sales" (department sales) sets true; the user's own setting asks for false, ignored: users cannot change it"#
    );
    let catalog = Catalog::standard();
    for key in ["crm_overlay", "record_conversations"] {
        assert!(catalog.by_key(key).unwrap().adjustable(), "{key}");
    }
    for key in ["calls", "sms", "allowed_country_codes"] {
        assert!(!catalog.by_key(key).unwrap().adjustable(), "{key}");
    }
}

/// A user's own switches count only while they may edit their settings at all: SPEC §3.2 layer
/// 6 puts self-preferences behind the self-service gate `edit_settings` (seed 003: "Edit
/// settings: allows defining whether the user can modify their settings or not"). With the gate
/// off, the admin's values stand.
#[test]
fn the_users_own_switches_need_the_edit_settings_gate() {
    let t = sales(
        json!({"record_conversations": true, "crm_overlay": true}),
        json!({"record_conversations": false, "crm_overlay": false}),
    );
    let e = resolve(&t, "alice");
    assert_eq!(e.toggle("edit_settings"), Ok(false));
    assert_eq!(e.toggle("record_conversations"), Ok(true));
    assert_eq!(e.toggle("crm_overlay"), Ok(true));
    assert_eq!(
        explain(&t, "alice", "crm_overlay"),
        r#"crm_overlay = true: template "sales" (department sales) sets true; the user's own setting asks for false, ignored: edit_settings is off"#
    );
}

/// SPEC §6.4: "A tenant-level compliance recording — `record_conversations` locked on — records
/// whatever the user's own switch says." The lock binds the user's switch too.
#[test]
fn compliance_recording_locked_on_ignores_the_users_switch() {
    let mut t = sales(
        json!({"edit_settings": true}),
        json!({"record_conversations": false}),
    );
    t.policy.insert(
        "record_conversations".into(),
        serde_json::from_value(json!({"value": true, "locked": true})).unwrap(),
    );
    assert_eq!(
        resolve(&t, "alice").toggle("record_conversations"),
        Ok(true)
    );
}

/// "Włącz filtrowanie kodów krajów, aby zapobiec połączeniom i SMS na numery międzynarodowe.
/// Wybierz, które kody krajów są dozwolone. … Dostępne w planach Reach i Record." (Enable
/// country-code filtering to prevent calls and SMS to international numbers. Choose which
/// country codes are allowed. Available in the Reach and Record plans.) The allow-list is
/// intersected with the plan's universe: nobody gets a country the plan does not sell.
#[test]
fn allowed_country_codes_are_capped_by_the_plans_list() {
    let t = tenant(json!({
        "plan": {"id": "reach", "features": "all",
                 "lists": {"allowed_country_codes": ["48", "49", "420"]}},
        "templates": [{"id": "sales", "values": {"allowed_country_codes": ["48", "44"]}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [
            {"id": "alice", "departments": ["sales"]},
            {"id": "bob"},
            {"id": "carol", "overrides": {"allowed_country_codes": "any"}},
            {"id": "dave", "overrides": {"allowed_country_codes": []}}
        ]
    }));
    let codes = |user: &str| resolve(&t, user).list("allowed_country_codes").cloned();
    assert_eq!(codes("alice"), Ok(ListValue::of(["48"])));
    assert_eq!(codes("bob"), Ok(ListValue::of(["420", "48", "49"])));
    assert_eq!(codes("carol"), Ok(ListValue::of(["420", "48", "49"])));
    assert_eq!(codes("dave"), Ok(ListValue::empty()));
    assert_eq!(
        explain(&t, "alice", "allowed_country_codes"),
        r#"allowed_country_codes = [48]: template "sales" (department sales) sets [44, 48]; plan "reach" caps it at [48]"#
    );

    // Without a plan list, the admin's list stands and the default is unrestricted.
    let open = tenant(json!({
        "users": [
            {"id": "alice", "overrides": {"allowed_country_codes": ["48", "44"]}},
            {"id": "bob"}
        ]
    }));
    let e = resolve(&open, "alice");
    assert_eq!(
        e.list("allowed_country_codes"),
        Ok(&ListValue::of(["44", "48"]))
    );
    assert!(!e.list("allowed_country_codes").unwrap().contains("4"));
    assert_eq!(
        resolve(&open, "bob").list("allowed_country_codes"),
        Ok(&ListValue::Any)
    );
}
