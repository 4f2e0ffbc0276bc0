//! One feature of one user computed alone (`Resolver::feature`) is exactly what resolving the
//! whole user gives: for every user and every feature of random tenants — templates of every
//! merge rule, locks, plans, overrides, preferences behind the gate, requirements, detached
//! users and enforced seats.

mod common;

use common::{resolution_tenant, valid_tenant};
use pbx_entitlements::model::Tenant;
use pbx_entitlements::{Resolver, validate};
use proptest::prelude::*;

fn agrees(t: &Tenant) -> Result<(), TestCaseError> {
    let index = validate(t).map_err(|e| TestCaseError::fail(e.to_string()))?;
    agrees_in(&index)
}

fn agrees_in(index: &pbx_entitlements::TenantIndex) -> Result<(), TestCaseError> {
    let resolver = Resolver::new(index);
    for user in index.users() {
        let whole = resolver.user(user.id().as_str()).unwrap();
        for (id, feature) in index.catalog().iter() {
            let alone = resolver.feature(user.id().as_str(), id).unwrap();
            let expected = whole.get(id).unwrap();
            prop_assert_eq!(
                &alone,
                &expected,
                "{} of {}: alone {}, whole {}",
                feature.key(),
                user.id(),
                alone,
                expected
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn one_feature_alone_is_the_users_value(t in resolution_tenant()) {
        agrees(&t)?;
    }

    #[test]
    fn one_feature_alone_is_the_users_value_on_any_valid_tenant(t in valid_tenant()) {
        agrees(&t)?;
    }
}

#[test]
fn unknown_users_and_features_are_errors() {
    let mut tenant = Tenant::new("acme", pbx_entitlements::model::Plan::all("p"));
    tenant
        .users
        .push(pbx_entitlements::model::User::new("alice"));
    let index = validate(&tenant).unwrap();
    let resolver = Resolver::new(&index);
    assert!(resolver.feature("bob", "chat").is_err());
    assert!(resolver.feature("alice", "chatt").is_err());
    assert!(resolver.feature("alice", "chat").is_ok());
}

/// Seats: a user past the seats bought has the feature off alone as in full, and so has what
/// requires it; a user refused a seat of the self-service gate has their preferences ignored.
#[test]
fn seats_and_a_seat_licensed_gate_agree() {
    use pbx_entitlements::{Catalog, FeatureDef, validate_against};
    let catalog = Catalog::builder("seated")
        .feature(FeatureDef::toggle("crm").seats())
        .feature(FeatureDef::toggle("panel").requires("crm"))
        .feature(FeatureDef::toggle("self_service").seats())
        .feature(FeatureDef::toggle("chat").adjustable())
        .self_service_gate("self_service")
        .build()
        .expect("the catalog is well-formed");
    let tenant: Tenant = serde_json::from_value(serde_json::json!({
        "version": 1, "tenant": "acme", "catalog": "seated",
        "plan": {"id": "p", "features": "all", "enforce_seats": true,
                 "seats": {"crm": 1, "self_service": 1}},
        "users": [
            {"id": "alice", "overrides": {"crm": true, "panel": true, "self_service": true,
                                          "chat": true}, "preferences": {"chat": false}},
            {"id": "bob", "overrides": {"crm": true, "panel": true, "self_service": true,
                                        "chat": true}, "preferences": {"chat": false}}
        ]
    }))
    .unwrap();
    let index = validate_against(&tenant, catalog).unwrap();
    let resolver = Resolver::new(&index);
    let value = |user: &str, key: &str| resolver.feature(user, key).unwrap().to_string();
    // Alice gets both seats; Bob none: his CRM, panel and gate are off, so his chat stays on.
    assert_eq!(
        ["crm", "panel", "self_service", "chat"].map(|k| value("alice", k)),
        ["true", "true", "true", "false"]
    );
    assert_eq!(
        ["crm", "panel", "self_service", "chat"].map(|k| value("bob", k)),
        ["false", "false", "false", "true"]
    );
    agrees_in(&index).unwrap_or_else(|e| panic!("alone agrees with whole: {e}"));
}
