//! Shared helpers for the seed scenario tests (`tests/seed_*.rs`).
//!
//! Tenants are written as JSON documents in the interchange format of SPEC §11 and read with
//! serde, so each scenario reads like the data a PBX backend would hand the crate. Only the
//! public API is used.
//!
//! Each integration test compiles this module separately, so unused items are expected.
#![allow(dead_code)]

use pbx_entitlements::model::{Tenant, Values};
use pbx_entitlements::{Entitlements, Problem, Resolver, TenantIndex, validate};
use serde_json::{Value as Json, json};

/// A tenant from a partial document: `version` 1, tenant `acme` and a plan `business` with every
/// feature available are filled in unless `fields` sets them.
pub fn tenant(fields: Json) -> Tenant {
    let mut doc = json!({
        "version": 1,
        "tenant": "acme",
        "plan": {"id": "business", "features": "all"},
    });
    let (Json::Object(base), Json::Object(extra)) = (&mut doc, fields) else {
        panic!("a tenant document is a JSON object");
    };
    base.extend(extra);
    serde_json::from_value(doc).expect("the scenario is a well-formed tenant document")
}

/// The tenant's index; the scenario must be valid.
pub fn index(tenant: &Tenant) -> TenantIndex {
    match validate(tenant) {
        Ok(index) => index,
        Err(errors) => panic!("the scenario should validate, but: {errors}"),
    }
}

/// The effective entitlements of `user`.
pub fn resolve(tenant: &Tenant, user: &str) -> Entitlements {
    let index = index(tenant);
    Resolver::new(&index)
        .user(user)
        .unwrap_or_else(|e| panic!("user {user} exists: {e}"))
}

/// The explanation of `user`'s `feature`, as an admin reads it.
pub fn explain(tenant: &Tenant, user: &str, feature: &str) -> String {
    let index = index(tenant);
    Resolver::new(&index)
        .explain(user, feature)
        .unwrap_or_else(|e| panic!("user {user} and feature {feature} exist: {e}"))
        .to_string()
}

/// Every validation problem of a tenant, as `(path, problem)`; empty when it is valid.
pub fn problems(tenant: &Tenant) -> Vec<(String, Problem)> {
    match validate(tenant) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|invalid| (invalid.path.to_string(), invalid.problem))
            .collect(),
    }
}

/// Feature values from a JSON object (`{"module_crm": true, "max_channels": 2}`).
pub fn values(map: Json) -> Values {
    serde_json::from_value(map).expect("feature values are a JSON object")
}

/// The mutable template with this id.
pub fn template_mut<'t>(tenant: &'t mut Tenant, id: &str) -> &'t mut Values {
    &mut tenant
        .templates
        .iter_mut()
        .find(|t| t.id.as_str() == id)
        .unwrap_or_else(|| panic!("template {id} exists"))
        .values
}

/// The user with this id.
pub fn user<'t>(tenant: &'t Tenant, id: &str) -> &'t pbx_entitlements::model::User {
    tenant
        .users
        .iter()
        .find(|u| u.id.as_str() == id)
        .unwrap_or_else(|| panic!("user {id} exists"))
}

/// A string of `n` characters that, as the only entry of a list, serialises to exactly `n`
/// characters: digits, like the extension and account-code numbers of seed 002.
pub fn digits(n: usize) -> String {
    "0123456789".chars().cycle().take(n).collect()
}
