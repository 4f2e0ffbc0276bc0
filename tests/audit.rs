//! The tenant audit (SPEC §8.1): each finding kind on a small tenant that shows it, next to a
//! near-identical tenant that does not; a clean tenant with no findings and the JSON form; and
//! properties on random valid tenants that tie every finding to what the resolver does, so that
//! a finding which is wrong about the tenant fails a test.

mod common;

use std::collections::BTreeSet;

use common::*;
use pbx_entitlements::model::{CatalogSource, Tenant};
use pbx_entitlements::{Audit, Catalog, CatalogDef, Finding, FindingKind, Resolver, validate};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A tenant document as the model.
fn tenant(doc: &Json) -> Tenant {
    serde_json::from_value(doc.clone()).expect("a tenant document")
}

/// A tenant as JSON text, for failure messages.
fn text(t: &Tenant) -> String {
    serde_json::to_string(t).unwrap_or_else(|e| format!("<unserialisable: {e}>"))
}

/// The audit of a tenant that must be valid.
fn audit_of(t: &Tenant) -> Audit {
    let index = match validate(t) {
        Ok(index) => index,
        Err(e) => panic!("invalid tenant: {e}\n{}", text(t)),
    };
    let resolver = Resolver::new(&index);
    resolver.audit()
}

/// The audit of a tenant document that must be valid.
fn audit(doc: &Json) -> Audit {
    audit_of(&tenant(doc))
}

/// Every user's resolved entitlements, as JSON.
fn resolved(t: &Tenant) -> Json {
    let index = validate(t).expect("a valid tenant");
    let resolver = Resolver::new(&index);
    let everyone = resolver.tenant();
    serde_json::to_value(&everyone).expect("serialisable")
}

/// The findings of one kind at one path.
fn at<'a>(audit: &'a Audit, path: &str, kind: FindingKind) -> Vec<&'a Finding> {
    audit
        .of_kind(kind)
        .filter(|f| f.path.as_str() == path)
        .collect()
}

/// The one finding of `kind` at `path`; fails with the whole audit otherwise.
fn the<'a>(audit: &'a Audit, path: &str, kind: FindingKind) -> &'a Finding {
    let found = at(audit, path, kind);
    assert_eq!(
        found.len(),
        1,
        "expected one {kind} finding at {path}, the audit says:\n{audit}"
    );
    found[0]
}

/// Fails unless the audit has no finding of `kind`.
fn assert_none(audit: &Audit, kind: FindingKind) {
    assert_eq!(
        audit.of_kind(kind).count(),
        0,
        "expected no {kind} finding, the audit says:\n{audit}"
    );
}

/// Paths and kinds, in order.
fn summary(audit: &Audit) -> Vec<(String, FindingKind)> {
    audit
        .iter()
        .map(|f| (f.path.as_str().to_owned(), f.kind))
        .collect()
}

/// `users[alice].overrides.chat` as `("alice", "overrides", Some("chat"))`,
/// `users[alice].preferences` as `("alice", "preferences", None)`; ids here are plain.
fn user_entry(path: &str) -> Option<(&str, &str, Option<&str>)> {
    let rest = path.strip_prefix("users[")?;
    let (user, rest) = rest.split_once("].")?;
    Some(match rest.split_once('.') {
        Some((field, key)) => (user, field, Some(key)),
        None => (user, rest, None),
    })
}

/// The feature a finding is about: the last segment of its path.
fn feature_of(finding: &Finding) -> &str {
    let path = finding.path.as_str();
    path.rsplit('.').next().unwrap_or(path)
}

/// `t` without the user entries (`overrides.f`, `preferences.f`) or whole preference sets
/// (`preferences`) the findings point at.
fn without<'a>(t: &Tenant, findings: impl IntoIterator<Item = &'a Finding>) -> Tenant {
    let mut t = t.clone();
    for finding in findings {
        let Some((id, field, key)) = user_entry(finding.path.as_str()) else {
            panic!("not a user entry: {finding}");
        };
        let user = t
            .users
            .iter_mut()
            .find(|u| u.id.as_str() == id)
            .unwrap_or_else(|| panic!("no user {id}: {finding}"));
        let entries = match field {
            "overrides" => &mut user.overrides,
            "preferences" => &mut user.preferences,
            other => panic!("unexpected field {other}: {finding}"),
        };
        match key {
            Some(key) => {
                assert!(
                    entries.shift_remove(key).is_some(),
                    "the finding points at no entry: {finding}\n{}",
                    text(&t)
                );
            }
            None => entries.clear(),
        }
    }
    t
}

/// A standard plan of the given features.
fn plan(id: &str, features: &[&str]) -> Json {
    json!({"id": id, "features": features})
}

/// The standard catalog with `allowed_country_codes` adjustable by users: a list preference.
fn adjustable_countries() -> CatalogSource {
    let mut def = CatalogDef::from(&Catalog::standard());
    def.id = "standard-adjustable-countries".into();
    for feature in def
        .features
        .iter_mut()
        .filter(|f| f.key == "allowed_country_codes")
    {
        feature.adjustable = true;
    }
    CatalogSource::Custom(def)
}

// ---------------------------------------------------------------------------------------------
// gate_unavailable
// ---------------------------------------------------------------------------------------------

/// Two users with preferences on a plan that leaves the gate out.
fn gate_outside_the_plan() -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": plan("basic", &["calls", "chat", "voicemail"]),
        "users": [
            {"id": "alice", "preferences": {"chat": false}},
            {"id": "bob", "preferences": {"chat": false, "voicemail": false}},
            {"id": "carol"}
        ]
    })
}

#[test]
fn a_gate_the_plan_leaves_out_is_reported_once_at_the_plan() {
    let audit = audit(&gate_outside_the_plan());
    let finding = the(&audit, "plan.features", FindingKind::GateUnavailable);
    assert_eq!(
        finding.message,
        r#"no user can have the self-service gate edit_settings (plan "basic" does not include edit_settings): 3 preferences of 2 users ignored"#
    );
    assert_eq!(audit.of_kind(FindingKind::GateUnavailable).count(), 1);
}

#[test]
fn a_gate_outside_the_plan_without_preferences_is_not_reported() {
    let mut doc = gate_outside_the_plan();
    for user in doc["users"].as_array_mut().unwrap() {
        user.as_object_mut().unwrap().remove("preferences");
    }
    assert_none(&audit(&doc), FindingKind::GateUnavailable);
}

#[test]
fn a_gate_in_the_plan_and_on_for_everyone_is_not_reported() {
    let mut doc = gate_outside_the_plan();
    doc["plan"] = plan("basic", &["calls", "chat", "voicemail", "edit_settings"]);
    doc["policy"] = json!({"edit_settings": {"value": true}});
    let audit = audit(&doc);
    assert!(audit.is_empty(), "{audit}");
}

/// A tenant whose policy locks the gate off.
fn gate_locked_off() -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"edit_settings": {"value": false, "locked": true}},
        "users": [{"id": "alice", "preferences": {"chat": false}}]
    })
}

#[test]
fn a_gate_locked_off_is_reported_once_at_the_lock() {
    let audit = audit(&gate_locked_off());
    let finding = the(&audit, "policy.edit_settings", FindingKind::GateUnavailable);
    assert_eq!(
        finding.message,
        "no user can have the self-service gate edit_settings (the tenant policy locks edit_settings at false): 1 preference of 1 user ignored"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_gate_locked_on_is_not_reported() {
    let mut doc = gate_locked_off();
    doc["policy"]["edit_settings"]["value"] = json!(true);
    let audit = audit(&doc);
    assert!(audit.is_empty(), "{audit}");
}

/// The lock holds the gate on, but the plan leaves it out: the plan closes it, not the lock.
#[test]
fn a_gate_locked_on_but_left_out_of_the_plan_is_blamed_on_the_plan() {
    let doc = json!({
        "version": 1, "tenant": "acme",
        "plan": plan("basic", &["calls", "chat"]),
        "policy": {"edit_settings": {"value": true, "locked": true}},
        "users": [{"id": "alice", "preferences": {"chat": false}}]
    });
    let audit = audit(&doc);
    let gate: Vec<&Finding> = audit.of_kind(FindingKind::GateUnavailable).collect();
    assert_eq!(gate.len(), 1, "{audit}");
    assert_eq!(
        (gate[0].path.as_str(), gate[0].message.as_str()),
        (
            "plan.features",
            r#"no user can have the self-service gate edit_settings (plan "basic" does not include edit_settings): 1 preference of 1 user ignored"#
        ),
        "a lock at true keeps nobody from the gate; the plan does:\n{audit}"
    );
}

/// Alice has the gate off (the catalog default), Bob has it on by an override.
fn gate_off_for_one_user() -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "users": [
            {"id": "alice", "preferences": {"chat": false, "voicemail": false}},
            {"id": "bob", "overrides": {"edit_settings": true}, "preferences": {"chat": false}}
        ]
    })
}

#[test]
fn a_gate_off_for_one_user_is_reported_at_their_preferences() {
    let audit = audit(&gate_off_for_one_user());
    let finding = the(
        &audit,
        "users[alice].preferences",
        FindingKind::GateUnavailable,
    );
    assert_eq!(
        finding.message,
        "2 preferences ignored, since the self-service gate is off for this user: edit_settings = false: the catalog default is false"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_user_with_the_gate_on_is_not_reported() {
    let mut doc = gate_off_for_one_user();
    doc["users"][0]["overrides"] = json!({"edit_settings": true});
    let audit = audit(&doc);
    assert!(audit.is_empty(), "{audit}");
}

// ---------------------------------------------------------------------------------------------
// preference_never_applies
// ---------------------------------------------------------------------------------------------

/// The gate is on for everyone; Alice prefers fewer channels, which users may not adjust.
fn preference_not_adjustable() -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"edit_settings": {"value": true}, "voicemail": {"value": true}},
        "users": [{"id": "alice", "preferences": {"max_channels": 0}}]
    })
}

#[test]
fn a_preference_on_a_feature_users_may_not_adjust_never_applies() {
    let audit = audit(&preference_not_adjustable());
    let finding = the(
        &audit,
        "users[alice].preferences.max_channels",
        FindingKind::PreferenceNeverApplies,
    );
    assert_eq!(
        finding.message,
        "asks for 0, but users may not adjust max_channels"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_preference_on_an_adjustable_feature_applies() {
    let mut doc = preference_not_adjustable();
    doc["users"][0]["preferences"] = json!({"voicemail": false});
    let audit = audit(&doc);
    assert_none(&audit, FindingKind::PreferenceNeverApplies);
    assert_none(&audit, FindingKind::PreferenceRaises);
    assert_none(&audit, FindingKind::GateUnavailable);
}

/// The gate is on; the policy sets chat on, locked or not.
fn preference_on_chat(locked: bool) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"edit_settings": {"value": true}, "chat": {"value": true, "locked": locked}},
        "users": [{"id": "alice", "preferences": {"chat": false}}]
    })
}

#[test]
fn a_preference_on_a_locked_feature_never_applies() {
    let audit = audit(&preference_on_chat(true));
    let finding = the(
        &audit,
        "users[alice].preferences.chat",
        FindingKind::PreferenceNeverApplies,
    );
    assert_eq!(
        finding.message,
        "asks for false, but the tenant policy locks chat at true"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_preference_on_an_unlocked_feature_applies() {
    let audit = audit(&preference_on_chat(false));
    assert_none(&audit, FindingKind::PreferenceNeverApplies);
    assert_none(&audit, FindingKind::PreferenceRaises);
    assert_none(&audit, FindingKind::GateUnavailable);
}

// ---------------------------------------------------------------------------------------------
// preference_raises
// ---------------------------------------------------------------------------------------------

/// The gate is on; Alice asks for chat on while she has `chat` (off unless given).
fn preference_for_chat(given: bool) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"edit_settings": {"value": true}, "chat": {"value": given}},
        "users": [{"id": "alice", "preferences": {"chat": true}}]
    })
}

#[test]
fn a_preference_above_the_users_value_is_ignored_and_reported() {
    let audit = audit(&preference_for_chat(false));
    let finding = the(
        &audit,
        "users[alice].preferences.chat",
        FindingKind::PreferenceRaises,
    );
    assert_eq!(
        finding.message,
        "asks for true, more than the false the user has: ignored, since a preference can only lower"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_preference_equal_to_the_users_value_does_not_raise() {
    let audit = audit(&preference_for_chat(true));
    assert!(audit.is_empty(), "{audit}");
}

/// Users may narrow their own country codes (a custom catalog); Alice has 48 and 420.
fn country_preference(preference: &[&str]) -> Tenant {
    let doc = json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"edit_settings": {"value": true}, "allowed_country_codes": {"value": ["48", "420"]}},
        "users": [{"id": "alice", "preferences": {"allowed_country_codes": preference}}]
    });
    tenant(&doc).with_catalog(adjustable_countries())
}

#[test]
fn a_list_preference_partly_above_the_users_list_is_reported_with_what_applies() {
    let t = country_preference(&["48", "49"]);
    let audit = audit_of(&t);
    let finding = the(
        &audit,
        "users[alice].preferences.allowed_country_codes",
        FindingKind::PreferenceRaises,
    );
    assert!(
        finding
            .message
            .starts_with("asks for [48, 49], partly more than the "),
        "{finding}"
    );
    assert!(
        finding.message.ends_with(": the user gets [48]"),
        "{finding}"
    );
    assert!(finding.message.contains("420"), "{finding}");
    assert_eq!(audit.len(), 1, "{audit}");
    // What the finding says the user gets is what the resolver gives.
    assert_eq!(
        resolved(&t)["alice"]["allowed_country_codes"],
        json!(["48"])
    );
}

#[test]
fn a_list_preference_within_the_users_list_does_not_raise() {
    let audit = audit_of(&country_preference(&["48"]));
    assert!(audit.is_empty(), "{audit}");
}

// ---------------------------------------------------------------------------------------------
// redundant_override
// ---------------------------------------------------------------------------------------------

/// Sales gives chat; the policy gives voicemail; max_channels is 1 by default. Alice repeats
/// all three; Bob does the same but is detached.
fn overrides_repeating_what_is_given() -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"voicemail": {"value": true}},
        "templates": [{"id": "sales", "values": {"chat": true}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [
            {"id": "alice", "departments": ["sales"],
             "overrides": {"chat": true, "voicemail": true, "max_channels": 1}},
            {"id": "bob", "departments": ["sales"], "detached": true,
             "overrides": {"chat": true, "voicemail": true, "max_channels": 1}}
        ]
    })
}

#[test]
fn an_override_equal_to_the_templates_is_redundant() {
    let audit = audit(&overrides_repeating_what_is_given());
    let finding = the(
        &audit,
        "users[alice].overrides.chat",
        FindingKind::RedundantOverride,
    );
    assert_eq!(
        finding.message,
        "sets true, which the user's templates give already"
    );
}

#[test]
fn an_override_equal_to_the_policy_where_no_template_sets_it_is_redundant() {
    let audit = audit(&overrides_repeating_what_is_given());
    let finding = the(
        &audit,
        "users[alice].overrides.voicemail",
        FindingKind::RedundantOverride,
    );
    assert_eq!(
        finding.message,
        "sets true, which the tenant policy gives already"
    );
}

#[test]
fn an_override_equal_to_the_default_where_nothing_sets_it_is_redundant() {
    let audit = audit(&overrides_repeating_what_is_given());
    let finding = the(
        &audit,
        "users[alice].overrides.max_channels",
        FindingKind::RedundantOverride,
    );
    assert_eq!(
        finding.message,
        "sets 1, which is the catalog default already"
    );
}

#[test]
fn a_detached_users_overrides_are_never_redundant() {
    let audit = audit(&overrides_repeating_what_is_given());
    assert_eq!(
        summary(&audit),
        [
            (
                "users[alice].overrides.chat".to_owned(),
                FindingKind::RedundantOverride
            ),
            (
                "users[alice].overrides.voicemail".to_owned(),
                FindingKind::RedundantOverride
            ),
            (
                "users[alice].overrides.max_channels".to_owned(),
                FindingKind::RedundantOverride
            ),
        ],
        "{audit}"
    );
}

#[test]
fn overrides_that_change_the_value_are_not_redundant() {
    let mut doc = overrides_repeating_what_is_given();
    doc["users"][0]["overrides"] = json!({"chat": false, "voicemail": false, "max_channels": 2});
    let audit = audit(&doc);
    assert!(audit.is_empty(), "{audit}");
}

/// An override the templates repeat is compared with the templates, not with the policy: a
/// policy value equal to the override does not make it redundant where a template differs.
#[test]
fn an_override_equal_to_the_policy_but_not_to_the_templates_is_not_redundant() {
    let mut doc = overrides_repeating_what_is_given();
    doc["policy"] = json!({"chat": {"value": true}});
    doc["templates"][0]["values"] = json!({"chat": false});
    doc["users"][0]["overrides"] = json!({"chat": true});
    let audit = audit(&doc);
    assert!(audit.is_empty(), "{audit}");
}

/// With seats enforced, an override turning a seat-licensed feature on puts the user first in
/// line for a seat (SPEC §5): Bob's override, equal to what his template gives, is what wins
/// him the only seat. Removing it hands the seat to Alice, so the audit must not call it
/// redundant.
#[test]
fn an_override_that_wins_a_seat_is_not_redundant() {
    let doc = json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all", "seats": {"module_crm": 1}, "enforce_seats": true},
        "templates": [{"id": "sales", "values": {"module_crm": true}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [
            {"id": "alice", "departments": ["sales"]},
            {"id": "bob", "departments": ["sales"], "overrides": {"module_crm": true}}
        ]
    });
    let t = tenant(&doc);
    let mut without_override = t.clone();
    without_override.users[1].overrides.clear();
    let (with, without) = (resolved(&t), resolved(&without_override));
    assert_eq!(
        (&with["alice"]["module_crm"], &with["bob"]["module_crm"]),
        (&json!(false), &json!(true))
    );
    assert_eq!(
        (
            &without["alice"]["module_crm"],
            &without["bob"]["module_crm"]
        ),
        (&json!(true), &json!(false))
    );
    let audit = audit_of(&t);
    assert!(
        at(
            &audit,
            "users[bob].overrides.module_crm",
            FindingKind::RedundantOverride
        )
        .is_empty(),
        "the override decides who gets the seat, yet the audit says:\n{audit}"
    );
}

// ---------------------------------------------------------------------------------------------
// shadowed_entry
// ---------------------------------------------------------------------------------------------

/// Sales sets `max_channels` to `channels` on a plan capping it at 4.
fn template_under_a_cap(channels: i64) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "basic", "features": "all", "limits": {"max_channels": 4}},
        "templates": [{"id": "sales", "values": {"max_channels": channels}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"]}]
    })
}

#[test]
fn a_template_entry_above_the_plans_cap_is_shadowed() {
    let audit = audit(&template_under_a_cap(8));
    let finding = the(
        &audit,
        "templates[sales].values.max_channels",
        FindingKind::ShadowedEntry,
    );
    assert_eq!(
        finding.message,
        r#"sets 8, but plan "basic" caps max_channels at 4"#
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_template_entry_within_the_plans_cap_is_not_shadowed() {
    let audit = audit(&template_under_a_cap(4));
    assert!(audit.is_empty(), "{audit}");
}

#[test]
fn a_template_list_beyond_the_plans_universe_is_shadowed() {
    let doc = json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "basic", "features": "all", "lists": {"allowed_country_codes": ["48", "49"]}},
        "templates": [{"id": "sales", "values": {"allowed_country_codes": ["48", "420"]}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"]}]
    });
    let audit = audit(&doc);
    let finding = the(
        &audit,
        "templates[sales].values.allowed_country_codes",
        FindingKind::ShadowedEntry,
    );
    // Lists show sorted, as the sets they are.
    assert_eq!(
        finding.message,
        r#"sets [420, 48], but plan "basic" caps allowed_country_codes at [48, 49]"#
    );
}

/// Sales turns the CRM module on; the plan includes it or not.
fn template_module(included: bool) -> Json {
    let mut features = vec!["calls"];
    if included {
        features.push("module_crm");
    }
    json!({
        "version": 1, "tenant": "acme",
        "plan": plan("basic", &features),
        "templates": [{"id": "sales", "values": {"calls": true, "module_crm": true}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"]}]
    })
}

#[test]
fn a_template_entry_the_plan_leaves_out_is_shadowed() {
    let audit = audit(&template_module(false));
    let finding = the(
        &audit,
        "templates[sales].values.module_crm",
        FindingKind::ShadowedEntry,
    );
    assert_eq!(
        finding.message,
        r#"sets true, but plan "basic" does not include module_crm"#
    );
}

#[test]
fn a_template_entry_the_plan_includes_is_not_shadowed() {
    let audit = audit(&template_module(true));
    assert!(audit.is_empty(), "{audit}");
}

/// The policy locks voicemail off; Alice's override sets `value`.
fn override_on_a_lock(value: bool) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "policy": {"voicemail": {"value": false, "locked": true}},
        "users": [{"id": "alice", "overrides": {"voicemail": value}}]
    })
}

#[test]
fn an_override_on_a_locked_feature_is_shadowed() {
    let audit = audit(&override_on_a_lock(true));
    let finding = the(
        &audit,
        "users[alice].overrides.voicemail",
        FindingKind::ShadowedEntry,
    );
    assert_eq!(
        finding.message,
        "sets true, but the tenant policy locks voicemail at false"
    );
}

#[test]
fn an_override_equal_to_the_lock_is_not_shadowed() {
    let audit = audit(&override_on_a_lock(false));
    assert_none(&audit, FindingKind::ShadowedEntry);
}

/// An override equal to the locked value changes nothing: it is redundant, not shadowed.
#[test]
fn an_override_equal_to_the_lock_is_redundant() {
    let audit = audit(&override_on_a_lock(false));
    let finding = the(
        &audit,
        "users[alice].overrides.voicemail",
        FindingKind::RedundantOverride,
    );
    assert_eq!(
        finding.message,
        "sets false, which the tenant policy locks already"
    );
}

/// The policy sets `max_channels` to `channels`, unlocked, on a plan capping it at 4.
fn policy_under_a_cap(channels: i64) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "basic", "features": "all", "limits": {"max_channels": 4}},
        "policy": {"max_channels": {"value": channels}},
        "users": [{"id": "alice"}]
    })
}

#[test]
fn an_unlocked_policy_entry_above_the_plan_is_shadowed() {
    let audit = audit(&policy_under_a_cap(10));
    let finding = the(&audit, "policy.max_channels", FindingKind::ShadowedEntry);
    assert_eq!(
        finding.message,
        r#"sets 10, but plan "basic" caps max_channels at 4"#
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn an_unlocked_policy_entry_within_the_plan_is_not_shadowed() {
    let audit = audit(&policy_under_a_cap(3));
    assert!(audit.is_empty(), "{audit}");
}

/// The policy locks chat on; the plan includes chat or not.
fn lock_on_chat(included: bool) -> Json {
    let mut features = vec!["calls"];
    if included {
        features.push("chat");
    }
    json!({
        "version": 1, "tenant": "acme",
        "plan": plan("basic", &features),
        "policy": {"chat": {"value": true, "locked": true}},
        "users": [{"id": "alice"}]
    })
}

#[test]
fn a_lock_the_plan_overrides_is_shadowed() {
    let audit = audit(&lock_on_chat(false));
    let finding = the(&audit, "policy.chat", FindingKind::ShadowedEntry);
    assert_eq!(
        finding.message,
        r#"locks true, but plan "basic" does not include chat (the plan wins over a lock)"#
    );
}

#[test]
fn a_lock_within_the_plan_is_not_shadowed() {
    let audit = audit(&lock_on_chat(true));
    assert!(audit.is_empty(), "{audit}");
}

/// Template and override entries repeating a lock at `true` that the plan leaves out: the
/// plan always turns them off, so they are entries the plan always overrides.
#[test]
fn entries_equal_to_a_lock_the_plan_leaves_out_are_shadowed_by_the_plan() {
    let doc = json!({
        "version": 1, "tenant": "acme",
        "plan": plan("basic", &["calls"]),
        "policy": {"chat": {"value": true, "locked": true}},
        "templates": [{"id": "sales", "values": {"chat": true}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"], "overrides": {"chat": true}}]
    });
    assert_eq!(resolved(&tenant(&doc))["alice"]["chat"], json!(false));
    let audit = audit(&doc);
    let shadowed: Vec<(&str, &str)> = audit
        .of_kind(FindingKind::ShadowedEntry)
        .map(|f| (f.path.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        shadowed,
        [
            (
                "policy.chat",
                r#"locks true, but plan "basic" does not include chat (the plan wins over a lock)"#
            ),
            (
                "templates[sales].values.chat",
                r#"sets true, but plan "basic" does not include chat"#
            ),
            (
                "users[alice].overrides.chat",
                r#"sets true, but plan "basic" does not include chat"#
            ),
        ],
        "the plan always turns these entries off:\n{audit}"
    );
}

/// The policy locks `tags_required` on (a restriction: the plan cannot remove it); the plan
/// includes `tag_calls`, its requirement, or not.
fn lock_on_tags_required(tagging: bool) -> Json {
    let mut features = vec!["calls"];
    if tagging {
        features.push("tag_calls");
    }
    json!({
        "version": 1, "tenant": "acme",
        "plan": plan("basic", &features),
        "policy": {"tags_required": {"value": true, "locked": true}},
        "users": [{"id": "alice"}]
    })
}

#[test]
fn a_lock_whose_requirement_no_user_can_meet_is_shadowed() {
    let audit = audit(&lock_on_tags_required(false));
    let finding = the(&audit, "policy.tags_required", FindingKind::ShadowedEntry);
    assert_eq!(
        finding.message,
        r#"locks true, but it requires tag_calls, and plan "basic" does not include tag_calls: a lock does not hold against an unmet requirement"#
    );
    // And no user ends up with it.
    let unreachable = the(
        &audit,
        "policy.tags_required",
        FindingKind::UnreachableFeature,
    );
    assert_eq!(
        unreachable.message,
        r#"turns the restriction tags_required on, yet no user ends up with it: it requires tag_calls, and plan "basic" does not include tag_calls"#
    );
    assert_eq!(
        resolved(&tenant(&lock_on_tags_required(false)))["alice"]["tags_required"],
        json!(false)
    );
}

#[test]
fn a_lock_whose_requirement_the_plan_offers_is_not_shadowed() {
    let audit = audit(&lock_on_tags_required(true));
    assert_none(&audit, FindingKind::ShadowedEntry);
}

// ---------------------------------------------------------------------------------------------
// unreachable_feature
// ---------------------------------------------------------------------------------------------

#[test]
fn a_template_entry_the_plan_leaves_out_is_unreachable() {
    let audit = audit(&template_module(false));
    let finding = the(
        &audit,
        "templates[sales].values.module_crm",
        FindingKind::UnreachableFeature,
    );
    assert_eq!(
        finding.message,
        r#"sets module_crm on, yet no user ends up with it: plan "basic" does not include module_crm"#
    );
    assert_eq!(audit.len(), 2, "{audit}");
}

#[test]
fn a_feature_set_in_several_places_is_reported_at_the_first_entry() {
    let mut doc = template_module(false);
    doc["policy"] = json!({"module_crm": {"value": true}});
    doc["users"][0]["overrides"] = json!({"module_crm": true});
    let audit = audit(&doc);
    let unreachable: Vec<&str> = audit
        .of_kind(FindingKind::UnreachableFeature)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(unreachable, ["policy.module_crm"], "{audit}");
    // Every entry is shadowed, where it is written.
    let shadowed: Vec<&str> = audit
        .of_kind(FindingKind::ShadowedEntry)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        shadowed,
        [
            "policy.module_crm",
            "templates[sales].values.module_crm",
            "users[alice].overrides.module_crm"
        ],
        "{audit}"
    );
}

/// Sales is used by a department; Night sets chat and is used by nothing unless `used`.
fn template_night(used: bool) -> Json {
    let mut doc = json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "templates": [
            {"id": "sales", "values": {"calls": true}},
            {"id": "night", "values": {"chat": true}}
        ],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"]}]
    });
    if used {
        doc["roles"] = json!([{"id": "agent", "template": "night"}]);
        doc["users"][0]["roles"] = json!(["agent"]);
    }
    doc
}

#[test]
fn a_template_no_department_or_role_uses_is_unreachable() {
    let audit = audit(&template_night(false));
    let finding = the(
        &audit,
        "templates[night].values.chat",
        FindingKind::UnreachableFeature,
    );
    assert_eq!(
        finding.message,
        "sets chat on, yet no user ends up with it: no user's department or role uses a template that sets it"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_template_a_users_role_uses_is_reachable() {
    let audit = audit(&template_night(true));
    assert!(audit.is_empty(), "{audit}");
}

/// Sales gives download rights; the plan caps replay at `replay`.
fn download_under_a_replay_cap(replay: &str) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "basic", "features": "all", "choices": {"recordings_replay": replay}},
        "templates": [{"id": "sales", "values": {"recordings_replay": "own", "recordings_download": true}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"]}]
    })
}

#[test]
fn a_feature_whose_requirement_the_plan_caps_away_is_unreachable() {
    let audit = audit(&download_under_a_replay_cap("none"));
    let finding = the(
        &audit,
        "templates[sales].values.recordings_download",
        FindingKind::UnreachableFeature,
    );
    assert_eq!(
        finding.message,
        r#"sets recordings_download on, yet no user ends up with it: it requires recordings_replay at least own, and plan "basic" caps recordings_replay at none"#
    );
}

#[test]
fn a_feature_whose_requirement_the_plan_allows_is_reachable() {
    let audit = audit(&download_under_a_replay_cap("own"));
    assert!(audit.is_empty(), "{audit}");
}

/// Sales gives voicemail drop, which requires voicemail; voicemail is on or off.
fn voicemail_drop(voicemail: bool) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "templates": [{"id": "sales", "values": {"voicemail_drop": true, "voicemail": voicemail}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "alice", "departments": ["sales"]}]
    })
}

#[test]
fn a_feature_no_user_meets_the_requirement_of_is_unreachable_with_a_users_trace() {
    let audit = audit(&voicemail_drop(false));
    let finding = the(
        &audit,
        "templates[sales].values.voicemail_drop",
        FindingKind::UnreachableFeature,
    );
    assert_eq!(
        finding.message,
        r#"sets voicemail_drop on, yet no user ends up with it; for alice: voicemail_drop = false: template "sales" (department sales) sets true; off because voicemail is not on"#
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_feature_whose_requirement_some_user_meets_is_reachable() {
    let audit = audit(&voicemail_drop(true));
    assert!(audit.is_empty(), "{audit}");
}

/// The policy turns chat on and the only user switches it off for herself, as the gate lets
/// her: she can have chat whenever she likes, so chat is not a feature no user can get.
#[test]
fn a_feature_users_switch_off_for_themselves_is_not_unreachable() {
    let doc = preference_on_chat(false);
    let t = tenant(&doc);
    let mut without_preference = t.clone();
    without_preference.users[0].preferences.clear();
    assert_eq!(resolved(&t)["alice"]["chat"], json!(false));
    assert_eq!(resolved(&without_preference)["alice"]["chat"], json!(true));
    let audit = audit_of(&t);
    assert!(
        audit.is_empty(),
        "the user's own choice is no admin's mistake, yet the audit says:\n{audit}"
    );
}

#[test]
fn a_tenant_without_users_has_no_unreachable_feature() {
    let mut doc = template_night(false);
    doc["users"] = json!([]);
    let audit = audit(&doc);
    assert_none(&audit, FindingKind::UnreachableFeature);
    assert!(audit.is_empty(), "{audit}");
}

/// A lock at `true` keeps nobody from a feature: when the plan leaves it out, the plan is why
/// no user has it.
#[test]
fn a_feature_locked_on_but_left_out_of_the_plan_is_unreachable_because_of_the_plan() {
    let audit = audit(&lock_on_chat(false));
    let finding = the(&audit, "policy.chat", FindingKind::UnreachableFeature);
    assert_eq!(
        finding.message,
        r#"sets chat on, yet no user ends up with it: plan "basic" does not include chat"#
    );
}

// ---------------------------------------------------------------------------------------------
// seats_short
// ---------------------------------------------------------------------------------------------

/// Alice and Bob each have the CRM module by an override; the plan bought `seats`.
fn crm_seats(seats: u32, enforce: bool) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all", "seats": {"module_crm": seats}, "enforce_seats": enforce},
        "users": [
            {"id": "alice", "overrides": {"module_crm": true}},
            {"id": "bob", "overrides": {"module_crm": true}},
            {"id": "carol"}
        ]
    })
}

#[test]
fn enforced_seats_short_of_the_users_who_want_them_are_reported() {
    let audit = audit(&crm_seats(1, true));
    let finding = the(&audit, "plan.seats.module_crm", FindingKind::SeatsShort);
    assert_eq!(
        finding.message,
        "2 users want module_crm, 1 seat bought; over: bob (they go without it)"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn seats_short_without_enforcement_are_reported() {
    let audit = audit(&crm_seats(0, false));
    let finding = the(&audit, "plan.seats.module_crm", FindingKind::SeatsShort);
    assert_eq!(
        finding.message,
        "2 users want module_crm, 0 seats bought; over: alice, bob (seats are not enforced, so they have it anyway)"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn enough_seats_are_not_reported() {
    for enforce in [false, true] {
        let audit = audit(&crm_seats(2, enforce));
        assert!(audit.is_empty(), "{audit}");
    }
}

// ---------------------------------------------------------------------------------------------
// unknown_replay_number
// ---------------------------------------------------------------------------------------------

/// Alice holds extension 201, agent ID 5001 and DEE member 2011; the support group answers on
/// 600 and the tenant has one line. Sales may replay the calls of `others`.
fn replay_others(others: &[&str]) -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
        "numbers": [{"number": "+48221234567", "kind": "standard"}],
        "groups": [{"id": "support", "number": "600", "members": ["alice"]}],
        "templates": [{"id": "sales", "values": {"recordings_replay": "own", "recordings_replay_others": others}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{
            "id": "alice", "departments": ["sales"], "dee": ["2011"],
            "endpoints": [
                {"kind": "extension", "id": "201", "primary": true},
                {"kind": "agent", "id": "5001"}
            ]
        }]
    })
}

#[test]
fn a_replay_list_naming_unknown_numbers_is_reported() {
    let audit = audit(&replay_others(&["201", "777", "5001", "10"]));
    let finding = the(
        &audit,
        "templates[sales].values.recordings_replay_others",
        FindingKind::UnknownReplayNumber,
    );
    assert_eq!(
        finding.message,
        "names 10, 777, which no extension, agent ID, DEE member, group or line of the tenant carries (an account code would still match)"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn an_override_naming_an_unknown_number_is_reported_at_the_override() {
    let mut doc = replay_others(&["201"]);
    doc["users"][0]["overrides"] = json!({"recordings_replay_others": ["201", "2"]});
    let audit = audit(&doc);
    let finding = the(
        &audit,
        "users[alice].overrides.recordings_replay_others",
        FindingKind::UnknownReplayNumber,
    );
    assert!(
        finding.message.starts_with("names 2, which no "),
        "{finding}"
    );
    assert_eq!(audit.len(), 1, "{audit}");
}

#[test]
fn a_replay_list_naming_only_the_tenants_numbers_is_not_reported() {
    let audit = audit(&replay_others(&[
        "201",
        "5001",
        "2011",
        "600",
        "+48221234567",
    ]));
    assert!(audit.is_empty(), "{audit}");
}

// ---------------------------------------------------------------------------------------------
// A clean tenant and the JSON form
// ---------------------------------------------------------------------------------------------

/// Everything the plan offers, templates that build on each other, overrides that change what
/// the templates give and preferences that lower adjustable features with the gate on.
fn clean_tenant() -> Json {
    json!({
        "version": 1, "tenant": "acme",
        "plan": {"id": "business", "features": "all", "seats": {"module_crm": 5}},
        "policy": {"edit_settings": {"value": true}, "chat": {"value": true}},
        "templates": [
            {"id": "base", "values": {"calls": true, "voicemail": true, "max_channels": 2}},
            {"id": "sales", "parent": "base", "values": {"module_crm": true, "max_channels": 4}},
            {"id": "supervisor", "values": {"listen_live": true, "recordings_replay": "all"}}
        ],
        "departments": [
            {"id": "sales", "template": "sales", "rank": 1},
            {"id": "support", "template": "base", "rank": 2}
        ],
        "roles": [{"id": "supervisor", "template": "supervisor"}],
        "users": [
            {"id": "alice", "departments": ["sales"], "roles": ["supervisor"],
             "overrides": {"max_channels": 8}, "preferences": {"chat": false}},
            {"id": "bob", "departments": ["support"],
             "overrides": {"voicemail": false, "module_crm": true},
             "preferences": {"record_conversations": false}},
            {"id": "carol", "departments": ["sales", "support"],
             "preferences": {"voicemail": false, "chat": false}}
        ]
    })
}

#[test]
fn a_clean_tenant_has_no_findings() {
    let audit = audit(&clean_tenant());
    assert!(audit.is_empty(), "{audit}");
    assert_eq!(audit.len(), 0);
    assert_eq!(audit.to_string(), "");
    assert_eq!(audit, Audit::default());
}

#[test]
fn a_clean_tenants_audit_serialises_as_an_empty_list() {
    let audit = audit(&clean_tenant());
    let value = serde_json::to_value(&audit).unwrap();
    assert_eq!(value, json!({"findings": []}));
    assert_eq!(serde_json::to_string(&audit).unwrap(), r#"{"findings":[]}"#);
}

#[test]
fn findings_serialise_with_path_kind_and_message_in_that_order() {
    let audit = audit(&policy_under_a_cap(10));
    let value = serde_json::to_value(&audit).unwrap();
    assert_eq!(
        value,
        json!({"findings": [{
            "path": "policy.max_channels",
            "kind": "shadowed_entry",
            "message": "sets 10, but plan \"basic\" caps max_channels at 4"
        }]})
    );
    assert_eq!(
        serde_json::to_string(&audit).unwrap(),
        r#"{"findings":[{"path":"policy.max_channels","kind":"shadowed_entry","message":"sets 10, but plan \"basic\" caps max_channels at 4"}]}"#
    );
    let back: Audit = serde_json::from_value(value).unwrap();
    assert_eq!(back, audit);
}

#[test]
fn findings_come_grouped_by_kind_in_the_documented_order() {
    // One tenant with a finding of every kind.
    let mut doc = replay_others(&["201", "777"]);
    doc["plan"] = json!({
        "id": "basic", "features": "all", "limits": {"max_channels": 4},
        "seats": {"module_crm": 0}
    });
    doc["templates"][0]["values"]["max_channels"] = json!(8);
    doc["templates"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "night", "values": {"chat": true}}));
    doc["users"][0]["overrides"] = json!({"module_crm": true, "calls": false});
    doc["users"][0]["preferences"] = json!({"chat": true, "max_channels": 1});
    doc["users"].as_array_mut().unwrap().push(
        json!({"id": "bob", "overrides": {"edit_settings": true}, "preferences": {"chat": true}}),
    );
    let audit = audit(&doc);
    let kinds: Vec<FindingKind> = audit.iter().map(|f| f.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted, "{audit}");
    let present: BTreeSet<FindingKind> = kinds.iter().copied().collect();
    let all: BTreeSet<FindingKind> = FindingKind::ALL.into_iter().collect();
    assert_eq!(present, all, "{audit}");
    // The kinds' JSON names.
    let value = serde_json::to_value(&audit).unwrap();
    let names: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    assert_eq!(names, expected);
}

// ---------------------------------------------------------------------------------------------
// Properties on random valid tenants
// ---------------------------------------------------------------------------------------------

/// A valid tenant, sometimes with the gate on and templates that meet (so that preferences
/// take effect and overrides repeat templates more often), sometimes with preferences on
/// features users may not adjust, and sometimes with few CRM seats for users given the module
/// by an override, enforced or not.
fn audited_tenant() -> impl Strategy<Value = Tenant> {
    use proptest::collection::vec;
    use proptest::option::weighted;
    (
        prop_oneof![valid_tenant().boxed(), resolution_tenant()],
        vec(weighted(0.3, preference_values()), USER_IDS.len()),
        weighted(0.3, 0u32..=2),
        vec(weighted(0.3, any::<bool>()), USER_IDS.len()),
        any::<bool>(),
    )
        .prop_map(|(mut t, preferences, seats, crm, enforce)| {
            for (user, preferences) in t.users.iter_mut().zip(preferences) {
                if let Some(preferences) = preferences {
                    user.preferences = preferences;
                }
            }
            if let Some(seats) = seats {
                t.plan.seats.insert("module_crm".into(), seats);
                for (user, crm) in t.users.iter_mut().zip(crm) {
                    if let Some(on) = crm {
                        user.overrides.insert("module_crm".into(), on.into());
                    }
                }
            }
            t.plan.enforce_seats = enforce && !t.plan.seats.is_empty();
            t
        })
        .prop_filter("a valid tenant", |t| validate(t).is_ok())
}

/// [`audited_tenant`] with seats not enforced: with enforcement, leaving preferences out can
/// move a seat.
fn unenforced_tenant() -> impl Strategy<Value = Tenant> {
    audited_tenant().prop_map(|mut t| {
        t.plan.enforce_seats = false;
        t
    })
}

/// 64 cases per property, unless `PROPTEST_CASES` says otherwise, for longer hunts. The
/// properties about one kind of finding skip tenants without one, hence the room for rejects.
fn config() -> ProptestConfig {
    let config = if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(64)
    };
    ProptestConfig {
        max_global_rejects: config.cases.saturating_mul(20),
        ..config
    }
}

proptest! {
    #![proptest_config(config())]

    /// The same tenant gives the same findings, whatever order its collections, maps and
    /// lists are written in: the audit orders by kind, then policy (catalog order), templates
    /// and users by id.
    #[test]
    fn the_audit_is_deterministic_and_ignores_document_order(
        t in audited_tenant(),
        seed in any::<u64>(),
    ) {
        let first = audit_of(&t);
        let again = audit_of(&t);
        prop_assert_eq!(&first, &again);
        // Auditing changes no result of the resolver that audits.
        let index = validate(&t).expect("a valid tenant");
        let resolver = Resolver::new(&index);
        let audited = resolver.audit();
        prop_assert_eq!(&audited, &first);
        let after = serde_json::to_value(resolver.tenant()).expect("serialisable");
        prop_assert_eq!(after, resolved(&t), "{}", text(&t));
        let shuffled = shuffle_tenant(&t, seed);
        let reordered = audit_of(&shuffled);
        prop_assert_eq!(&first, &reordered, "{}", text(&t));
        let collections = shuffle_collections(&t, seed);
        let listed = audit_of(&collections);
        prop_assert_eq!(&first, &listed, "{}", text(&t));
    }

    /// Every finding points at an entry the tenant has.
    #[test]
    fn every_finding_points_at_an_entry_of_the_tenant(t in audited_tenant()) {
        let audit = audit_of(&t);
        for finding in &audit {
            let path = finding.path.as_str();
            let exists = if let Some((id, field, key)) = user_entry(path) {
                t.users.iter().any(|u| {
                    u.id.as_str() == id
                        && match (field, key) {
                            ("overrides", Some(k)) => u.overrides.contains_key(k),
                            ("preferences", Some(k)) => u.preferences.contains_key(k),
                            ("preferences", None) => !u.preferences.is_empty(),
                            _ => false,
                        }
                })
            } else if let Some(key) = path.strip_prefix("policy.") {
                t.policy.contains_key(key)
            } else if let Some(rest) = path.strip_prefix("templates[") {
                rest.split_once("].values.").is_some_and(|(id, key)| {
                    t.templates
                        .iter()
                        .any(|tp| tp.id.as_str() == id && tp.values.contains_key(key))
                })
            } else if let Some(key) = path.strip_prefix("plan.seats.") {
                t.plan.seats.contains_key(key)
            } else {
                path.starts_with("plan.")
            };
            prop_assert!(exists, "{} points at nothing\n{}", finding, text(&t));
        }
    }

    /// An override reported as redundant changes nothing: without every one of them, every
    /// user resolves to the same entitlements.
    #[test]
    fn removing_redundant_overrides_changes_no_result(t in audited_tenant()) {
        let audit = audit_of(&t);
        let redundant: Vec<&Finding> = audit.of_kind(FindingKind::RedundantOverride).collect();
        prop_assume!(!redundant.is_empty());
        let lean = without(&t, redundant);
        prop_assert_eq!(resolved(&t), resolved(&lean), "{}\n{}", audit, text(&t));
    }

    /// A preference reported as never applying changes nothing.
    #[test]
    fn removing_preferences_that_never_apply_changes_no_result(t in audited_tenant()) {
        let audit = audit_of(&t);
        let never: Vec<&Finding> = audit.of_kind(FindingKind::PreferenceNeverApplies).collect();
        prop_assume!(!never.is_empty());
        let lean = without(&t, never);
        prop_assert_eq!(resolved(&t), resolved(&lean), "{}\n{}", audit, text(&t));
    }

    /// A preference reported as raising and ignored changes nothing.
    #[test]
    fn removing_ignored_raising_preferences_changes_no_result(t in audited_tenant()) {
        let audit = audit_of(&t);
        let ignored: Vec<&Finding> = audit
            .of_kind(FindingKind::PreferenceRaises)
            .filter(|f| f.message.contains("ignored, since a preference can only lower"))
            .collect();
        prop_assume!(!ignored.is_empty());
        let lean = without(&t, ignored);
        prop_assert_eq!(resolved(&t), resolved(&lean), "{}\n{}", audit, text(&t));
    }

    /// An override the tenant lock shadows changes nothing.
    #[test]
    fn removing_lock_shadowed_overrides_changes_no_result(t in audited_tenant()) {
        let audit = audit_of(&t);
        let locked: Vec<&Finding> = audit
            .of_kind(FindingKind::ShadowedEntry)
            .filter(|f| f.path.as_str().starts_with("users["))
            .filter(|f| f.message.contains("the tenant policy locks"))
            .collect();
        prop_assume!(!locked.is_empty());
        let lean = without(&t, locked);
        prop_assert_eq!(resolved(&t), resolved(&lean), "{}\n{}", audit, text(&t));
    }

    /// The preferences of a user whose gate is off change nothing; nor do anyone's when the
    /// gate is unavailable to the whole tenant.
    #[test]
    fn removing_preferences_behind_a_closed_gate_changes_no_result(t in audited_tenant()) {
        let audit = audit_of(&t);
        let gate: Vec<&Finding> = audit.of_kind(FindingKind::GateUnavailable).collect();
        prop_assume!(!gate.is_empty());
        let (per_user, tenant_wide): (Vec<&Finding>, Vec<&Finding>) = gate
            .into_iter()
            .partition(|f| f.path.as_str().starts_with("users["));
        prop_assert!(
            per_user.is_empty() || tenant_wide.is_empty(),
            "the gate is reported both ways\n{}", audit
        );
        prop_assert!(tenant_wide.len() <= 1, "{}", audit);
        let lean = if tenant_wide.is_empty() {
            for finding in &per_user {
                let entry = user_entry(finding.path.as_str());
                prop_assert_eq!(entry.map(|(_, field, key)| (field, key)), Some(("preferences", None)));
            }
            without(&t, per_user)
        } else {
            let mut lean = t.clone();
            for user in &mut lean.users {
                user.preferences.clear();
            }
            lean
        };
        prop_assert_eq!(resolved(&t), resolved(&lean), "{}\n{}", audit, text(&t));
    }

    /// A feature reported as unreachable is off for every user.
    #[test]
    fn unreachable_features_are_off_for_every_user(t in audited_tenant()) {
        let audit = audit_of(&t);
        let index = validate(&t).expect("a valid tenant");
        let resolver = Resolver::new(&index);
        let everyone = resolver.tenant();
        let catalog = Catalog::standard();
        for finding in audit.of_kind(FindingKind::UnreachableFeature) {
            let key = feature_of(finding);
            let off = catalog.by_key(key).expect("a standard feature").kind().off();
            prop_assert!(!t.users.is_empty(), "{} in a tenant without users", finding);
            for (user, entitlements) in everyone.iter() {
                let value = entitlements
                    .iter()
                    .find(|(_, k, _)| *k == key)
                    .map(|(_, _, v)| v)
                    .expect("every feature resolved");
                prop_assert_eq!(
                    &value, &off,
                    "{} but {} has {}\n{}", finding, user, value, text(&t)
                );
            }
        }
    }

    /// Conversely, a feature that some policy, template or override entry sets on, yet that
    /// every user of the tenant has off — also with every preference left out, since users
    /// switching a feature off for themselves is their choice, not a setting that fails — is
    /// reported as unreachable, once. (Seats not enforced: with enforcement, leaving
    /// preferences out could move a seat.)
    #[test]
    fn a_feature_set_on_that_every_user_has_off_is_unreachable(t in unenforced_tenant()) {
        prop_assume!(!t.users.is_empty());
        let audit = audit_of(&t);
        let index = validate(&t).expect("a valid tenant");
        let resolver = Resolver::new(&index);
        let everyone = resolver.tenant();
        let mut own_choices_left_out = t.clone();
        for user in &mut own_choices_left_out.users {
            user.preferences.clear();
        }
        let plain_index = validate(&own_choices_left_out).expect("still valid");
        let plain_resolver = Resolver::new(&plain_index);
        let plain = plain_resolver.tenant();
        let catalog = Catalog::standard();
        let entries = t
            .policy
            .iter()
            .map(|(k, e)| (k, &e.value))
            .chain(t.templates.iter().flat_map(|tp| tp.values.iter()))
            .chain(t.users.iter().flat_map(|u| u.overrides.iter()));
        let mut set_on: BTreeSet<&str> = BTreeSet::new();
        for (key, raw) in entries {
            let kind = catalog.by_key(key).expect("a standard feature").kind();
            if kind.parse(raw).expect("a valid value") != kind.off() {
                set_on.insert(key.as_str());
            }
        }
        for key in set_on {
            let off = catalog.by_key(key).expect("a standard feature").kind().off();
            let nobody = [&everyone, &plain].iter().all(|resolved| {
                resolved.iter().all(|(_, e)| e.iter().any(|(_, k, v)| k == key && v == off))
            });
            let reported = audit
                .of_kind(FindingKind::UnreachableFeature)
                .filter(|f| feature_of(f) == key)
                .count();
            prop_assert_eq!(
                reported,
                usize::from(nobody),
                "{} (nobody has it: {})\n{}\n{}", key, nobody, audit, text(&t)
            );
        }
    }

    /// A seat shortage is reported exactly where the licence report has more users wanting a
    /// feature than seats bought, with the report's counts.
    #[test]
    fn seats_short_agrees_with_the_licence_report(t in audited_tenant()) {
        let audit = audit_of(&t);
        let index = validate(&t).expect("a valid tenant");
        let resolver = Resolver::new(&index);
        let report = resolver.licences();
        let short: Vec<String> = report
            .features
            .iter()
            .filter(|s| s.wanted > s.bought as usize)
            .map(|s| format!("plan.seats.{}", s.feature))
            .collect();
        let reported: Vec<String> = audit
            .of_kind(FindingKind::SeatsShort)
            .map(|f| f.path.as_str().to_owned())
            .collect();
        prop_assert_eq!(&reported, &short, "{}\n{}", audit, text(&t));
        for finding in audit.of_kind(FindingKind::SeatsShort) {
            let key = feature_of(finding);
            let seats = report.features.iter().find(|s| s.feature == key).expect("reported");
            let counts = format!(
                "{} users want {}, {} seat",
                seats.wanted, seats.feature, seats.bought
            );
            prop_assert!(finding.message.starts_with(&counts), "{} vs {}", finding, counts);
            for user in &seats.over {
                prop_assert!(finding.message.contains(user.as_str()), "{} lacks {}", finding, user);
            }
        }
    }

    /// Without users, only the entries themselves can be wrong: nothing is unreachable, no
    /// preference or gate or seat is reported.
    #[test]
    fn a_tenant_without_users_has_only_entry_findings(t in audited_tenant()) {
        let mut t = t;
        t.users.clear();
        t.devices.clear();
        t.numbers.iter_mut().for_each(|n| n.members.clear());
        t.groups.iter_mut().for_each(|g| g.members.clear());
        prop_assume!(validate(&t).is_ok());
        let audit = audit_of(&t);
        for finding in &audit {
            prop_assert!(
                matches!(finding.kind, FindingKind::ShadowedEntry | FindingKind::UnknownReplayNumber),
                "{}\n{}", finding, text(&t)
            );
        }
    }

    /// A tenant that sets nothing — no policy, no template values, no overrides, no
    /// preferences — has no findings, whatever its plan and organisation.
    #[test]
    fn a_tenant_that_sets_nothing_has_no_findings(t in audited_tenant()) {
        let mut t = t;
        t.policy.clear();
        t.templates.iter_mut().for_each(|tp| tp.values.clear());
        for user in &mut t.users {
            user.overrides.clear();
            user.preferences.clear();
        }
        let audit = audit_of(&t);
        prop_assert!(audit.is_empty(), "{}\n{}", audit, text(&t));
    }
}
