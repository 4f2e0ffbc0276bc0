//! Delegated administration: each rule refusing with its reason, and the law that matters —
//! applying any sequence of allowed grants never gives anyone more than the admin holds, and
//! never reaches a user outside the admin's scope.

mod common;

use common::{FEATURE_POOL, raw_value_for};
use pbx_entitlements::model::{Tenant, User};
use pbx_entitlements::{Resolver, validate};
use proptest::prelude::*;
use serde_json::json;

/// Sam leads sales (department) and agents (role); Ada administers the tenant. Bob is in sales,
/// Ann holds the agent role, Carol is in support.
fn tenant() -> Tenant {
    serde_json::from_value(json!({
        "version": 1, "tenant": "t",
        "plan": {"id": "p", "features": "all", "limits": {"max_channels": 6},
                 "lists": {"allowed_country_codes": ["48", "49", "420"]}},
        "policy": {"chat": {"value": false, "locked": true}},
        "departments": [{"id": "sales"}, {"id": "support"}],
        "roles": [{"id": "lead", "administers": ["sales", "agent"]}, {"id": "agent"},
                  {"id": "admin", "administers": "tenant"}],
        "users": [
            {"id": "sam", "roles": ["lead"], "overrides": {"user_management": "write",
                "max_channels": 4, "calls": true, "allowed_country_codes": ["48", "49"],
                "recordings_replay": "own", "dashboard_logs": "read"}},
            {"id": "ada", "roles": ["admin"], "overrides": {"user_management": "write",
                "max_channels": 6}},
            {"id": "bob", "departments": ["sales"]},
            {"id": "ann", "roles": ["agent"]},
            {"id": "carol", "departments": ["support"]}
        ]
    }))
    .unwrap()
}

#[test]
fn each_rule_decides_with_its_reason() {
    let t = tenant();
    let index = validate(&t).unwrap();
    let r = Resolver::new(&index);
    let why = |admin: &str, target: &str, feature: &str, value: serde_json::Value| {
        let value = serde_json::from_value(value).unwrap();
        r.grant(admin, target, feature, &value).unwrap().to_string()
    };
    assert_eq!(
        why("sam", "bob", "max_channels", json!(4)),
        "allowed: sam administers department sales of bob, and max_channels 4 is within sam's own 4 and the plan"
    );
    assert_eq!(
        why("sam", "ann", "calls", json!(true)),
        "allowed: sam administers role agent of ann, and calls true is within sam's own true and the plan"
    );
    assert_eq!(
        why("ada", "carol", "max_channels", json!(6)),
        "allowed: ada administers the tenant, and max_channels 6 is within ada's own 6 and the plan"
    );
    assert_eq!(
        why("sam", "carol", "calls", json!(true)),
        "refused: carol is outside what sam administers"
    );
    assert_eq!(
        why("bob", "ann", "calls", json!(false)),
        "refused: user_management is none for bob, not write"
    );
    assert_eq!(
        why("ada", "bob", "chat", json!(true)),
        "refused: the tenant locks chat"
    );
    assert_eq!(
        why("ada", "bob", "max_channels", json!(7)),
        "refused: max_channels 7 is above the plan's 6"
    );
    assert_eq!(
        why("sam", "bob", "max_channels", json!(5)),
        "refused: max_channels 5 is above sam's own 4"
    );
    assert_eq!(
        why("sam", "bob", "recordings_replay", json!("all")),
        "refused: recordings_replay all is above sam's own own"
    );
    assert_eq!(
        why("sam", "bob", "dashboard_logs", json!("write")),
        "refused: dashboard_logs write is above sam's own read"
    );
    assert_eq!(
        why("sam", "bob", "allowed_country_codes", json!(["420"])),
        "refused: allowed_country_codes [420] is above sam's own [48, 49]"
    );
    // Restrictions: granting the restricted value is always within the admin's own.
    assert!(why("sam", "bob", "only_own_logs", json!(true)).starts_with("allowed"));
    // Unknown users, features and bad values are errors, not refusals.
    assert!(r.grant("zed", "bob", "calls", &true.into()).is_err());
    assert!(r.grant("sam", "bob", "calz", &true.into()).is_err());
    assert!(
        r.grant("sam", "bob", "max_channels", &"four".into())
            .is_err()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Any sequence of grants by Sam, applied as overrides when allowed, never gives anyone a
    /// value above Sam's own, and never changes anyone outside Sam's scope.
    #[test]
    fn delegation_never_escalates(
        grants in prop::collection::vec(
            (
                prop::sample::select(&["bob", "ann", "carol", "ada", "sam"][..]),
                prop::sample::select(FEATURE_POOL),
            ).prop_flat_map(|(target, key)| raw_value_for(key).prop_map(move |v| (target, key, v))),
            1..8,
        ),
    ) {
        let mut t = tenant();
        let before = validate(&t).unwrap();
        let carol_before = serde_json::to_value(Resolver::new(&before).user("carol").unwrap()).unwrap();
        for (target, key, value) in grants {
            let index = validate(&t).unwrap();
            let r = Resolver::new(&index);
            let Ok(decision) = r.grant("sam", target, key, &value) else { continue };
            if !decision.allowed {
                continue;
            }
            prop_assert!(["bob", "ann"].contains(&target), "{decision}");
            let user: &mut User = t.users.iter_mut().find(|u| u.id.as_str() == target).unwrap();
            user.overrides.insert(key.to_owned(), value);
        }
        let index = validate(&t).unwrap();
        let r = Resolver::new(&index);
        let sam = r.user("sam").unwrap();
        for target in ["bob", "ann"] {
            let e = r.user(target).unwrap();
            for (id, key, value) in e.iter() {
                // Only what Sam set is checked: a grant never lifts a value above Sam's.
                let granted = t.users.iter().find(|u| u.id.as_str() == target).unwrap().overrides.contains_key(key);
                if granted {
                    let own = sam.get(id).unwrap();
                    prop_assert!(own.permits(&value), "{target}.{key} = {value} above sam's {own}");
                }
            }
        }
        let carol_after = serde_json::to_value(r.user("carol").unwrap()).unwrap();
        prop_assert_eq!(carol_before, carol_after);
    }
}
