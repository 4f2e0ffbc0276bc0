//! Dial rights and caller IDs: each rule allowing and refusing with its reason, the country
//! code table, and properties: an emergency number is always allowed, nothing else is with
//! `calls` off, and adding a country code never refuses more.

use pbx_entitlements::dial::{DialError, country_code};
use pbx_entitlements::model::Tenant;
use pbx_entitlements::{Resolver, TenantIndex, validate};
use proptest::prelude::*;
use serde_json::json;

fn tenant(users: serde_json::Value) -> Tenant {
    serde_json::from_value(json!({
        "version": 1, "tenant": "acme", "home_country_code": "48",
        "emergency_numbers": ["112", "997"],
        "dial_plan": {"special": ["0700", "+4880"], "out_of_plan": ["+88", "+881"]},
        "numbers": [
            {"number": "+48221234567", "members": ["ola"]},
            {"number": "+48221230000", "kind": "ivr", "ivr": "main", "members": ["ola"]},
            {"number": "+48221239999"}
        ],
        "plan": {"id": "p", "features": "all"},
        "users": users
    }))
    .unwrap()
}

fn decide(index: &TenantIndex, user: &str, number: &str) -> String {
    let resolver = Resolver::new(index);
    let rights = resolver.dial_rights(user).unwrap();
    rights.dial(number).unwrap().to_string()
}

#[test]
fn every_rule_allows_and_refuses_with_its_reason() {
    let t = tenant(json!([
        {"id": "all", "overrides": {"calls": true, "international_calls": true,
            "special_numbers": true, "out_of_plan_destinations": true, "allowed_country_codes": "any"}},
        {"id": "none"},
        {"id": "local", "overrides": {"calls": true}},
        {"id": "eu", "overrides": {"calls": true, "international_calls": true,
            "allowed_country_codes": ["49", "420"]}},
        {"id": "ola"}
    ]));
    let index = validate(&t).unwrap();
    let cases = [
        (
            "none",
            "112",
            "allowed: an emergency number is always allowed",
        ),
        ("none", "221234567", "refused: calls is off"),
        ("local", "221234567", "allowed: calls is on"),
        ("local", "+48221234567", "allowed: calls is on"),
        (
            "local",
            "0700123",
            "refused: a special number (prefix 0700) needs special_numbers, which is off",
        ),
        (
            "all",
            "0700123",
            "allowed: calls is on; a special number (prefix 0700) and special_numbers is on",
        ),
        (
            "local",
            "+4880123",
            "refused: a special number (prefix +4880) needs special_numbers, which is off",
        ),
        (
            "local",
            "80123",
            "refused: a special number (prefix +4880) needs special_numbers, which is off",
        ),
        (
            "local",
            "+881234",
            "refused: a destination out of plan (prefix +881) needs out_of_plan_destinations, which is off",
        ),
        (
            "local",
            "+4930123",
            "refused: +49 is international and international_calls is off",
        ),
        (
            "eu",
            "+4930123",
            "allowed: calls is on; country code +49 is in allowed_country_codes",
        ),
        (
            "eu",
            "+442071234",
            "refused: country code +44 is not in allowed_country_codes",
        ),
        (
            "eu",
            "+12425550100",
            "refused: country code +1 is not in allowed_country_codes",
        ),
        ("all", "+2891234", "refused: unknown country code"),
        (
            "all",
            "+442071234",
            "allowed: calls is on; country code +44 is in allowed_country_codes",
        ),
    ];
    for (user, number, want) in cases {
        assert_eq!(decide(&index, user, number), want, "{user} dials {number}");
    }
    let resolver = Resolver::new(&index);
    let rights = resolver.dial_rights("all").unwrap();
    for bad in [
        "",
        "+",
        "12 34",
        "+48-22",
        "1234567890123456",
        "+1234567890123456",
        "abc",
    ] {
        assert!(
            matches!(rights.dial(bad), Err(DialError::Malformed(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn the_country_code_table_takes_the_longest_match() {
    for (digits, code) in [
        ("14155550100", Some("1")),
        ("12425550100", Some("1")),
        ("442071234567", Some("44")),
        ("48221234567", Some("48")),
        ("420212345678", Some("420")),
        ("74951234567", Some("7")),
        ("8613912345678", Some("86")),
        ("2891234", None),
        ("0", None),
    ] {
        assert_eq!(country_code(digits), code, "{digits}");
    }
}

#[test]
fn caller_ids_follow_the_mode() {
    let t = tenant(json!([
        {"id": "ola"},
        {"id": "ivr", "overrides": {"edit_caller_id": true, "caller_id_mode": "assigned_ivr"}},
        {"id": "every", "overrides": {"edit_caller_id": true, "caller_id_mode": "all"}},
        {"id": "fixed", "overrides": {"edit_caller_id": true, "caller_id_mode": "fixed"}}
    ]));
    let mut t = t;
    t.numbers[1].members.push("ivr".into());
    t.numbers[0].members.push("fixed".into());
    let index = validate(&t).unwrap();
    let resolver = Resolver::new(&index);
    let ids = |u: &str| resolver.caller_ids(u).unwrap();
    assert_eq!(ids("ola").numbers, ["+48221234567"]);
    assert_eq!(
        ids("ola").to_string(),
        "the user's own numbers: edit_caller_id is off"
    );
    assert_eq!(ids("ivr").numbers, ["+48221230000"]);
    assert_eq!(ids("every").numbers, ["+48221234567", "+48221239999"]);
    assert_eq!(ids("fixed").numbers, ["+48221234567"]);
    assert_eq!(
        ids("fixed").to_string(),
        "the user's own numbers: caller_id_mode is fixed"
    );
}

#[test]
fn a_malformed_dial_plan_prefix_is_refused() {
    let mut t = tenant(json!([{"id": "ola"}]));
    t.dial_plan.special.push("+48 80".into());
    assert_eq!(
        validate(&t).unwrap_err().to_string(),
        "1 problem\n  dial_plan.special[2]: `+48 80` is not a telephone number"
    );
}

/// Numbers drawn to hit every rule: emergency numbers, dial-plan prefixes, home and foreign
/// country codes, unknown codes.
fn arb_number() -> impl Strategy<Value = String> {
    let tails = prop::collection::vec(0u8..10, 0..6).prop_map(|d| {
        d.into_iter()
            .map(|x| char::from(b'0' + x))
            .collect::<String>()
    });
    (
        prop::sample::select(
            &[
                "", "+", "+48", "+49", "+44", "+1", "+420", "+88", "+289", "0700", "80", "+4811",
                "+11", "99",
            ][..],
        ),
        tails,
    )
        .prop_map(|(head, tail)| format!("{head}{tail}"))
        .prop_filter("a number", |n| n != "+" && !n.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Emergency numbers are always allowed; with `calls` off nothing else is; adding a country
    /// code never refuses a number that was allowed.
    #[test]
    fn dial_laws(
        calls in any::<bool>(),
        international in any::<bool>(),
        special in any::<bool>(),
        codes in prop::collection::btree_set(prop::sample::select(&["1", "44", "49", "420", "88"][..]), 0..4),
        extra in prop::sample::select(&["1", "44", "49", "420", "88", "7"][..]),
        number in arb_number(),
    ) {
        let user = |codes: Vec<&str>| json!({"id": "ola", "overrides": {
            "calls": calls, "international_calls": international, "special_numbers": special,
            "allowed_country_codes": codes}});
        let before: Vec<&str> = codes.iter().copied().collect();
        let mut after = before.clone();
        after.push(extra);
        let (a, b) = (validate(&tenant(json!([user(before)]))).unwrap(), validate(&tenant(json!([user(after)]))).unwrap());
        let (ra, rb) = (Resolver::new(&a), Resolver::new(&b));
        let (da, db) = (ra.dial_rights("ola").unwrap(), rb.dial_rights("ola").unwrap());
        let (Ok(x), Ok(y)) = (da.dial(&number), db.dial(&number)) else {
            prop_assert!(da.dial(&number).is_err() && db.dial(&number).is_err());
            return Ok(());
        };
        if ["112", "997", "+48112", "+48997"].contains(&number.as_str()) {
            prop_assert!(x.allowed && y.allowed);
        } else if !calls {
            prop_assert!(!x.allowed, "{number}: {x}");
        }
        prop_assert!(!x.allowed || y.allowed, "{number}: {x} then {y}");
    }
}

/// An emergency number counts as dialled or with the home country code; written with a bare
/// `+` it is an international number (`+112` is a `+1` number) and needs `calls`.
#[test]
fn emergency_numbers_national_or_with_the_home_code() {
    let index = validate(&tenant(
        json!([{"id": "ola", "overrides": {"calls": false}}]),
    ))
    .unwrap();
    let resolver = Resolver::new(&index);
    let ola = resolver.dial_rights("ola").unwrap();
    for number in ["112", "+48112", "997", "+48997"] {
        assert_eq!(
            ola.dial(number).unwrap().to_string(),
            "allowed: an emergency number is always allowed",
            "{number}"
        );
    }
    for number in ["+112", "+997", "+49112", "0112"] {
        assert_eq!(
            ola.dial(number).unwrap().to_string(),
            "refused: calls is off",
            "{number}"
        );
    }
}
