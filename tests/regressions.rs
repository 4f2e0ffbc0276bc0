//! Edge cases found in review, pinned so they stay fixed.

use pbx_entitlements::model::Tenant;
use pbx_entitlements::{Catalog, FeatureDef, Problem, Resolver, validate};

fn tenant(json: &str) -> Tenant {
    serde_json::from_str(json).expect("test document parses")
}

/// §3.2 layer 6 reads the *effective* gate: a gate whose own requirement is unmet is off, so
/// the user's preferences are ignored.
#[test]
fn a_gate_turned_off_by_its_requirement_blocks_preferences() {
    let doc = r#"{
        "version": 1, "tenant": "t",
        "catalog": {
            "id": "portal-gate",
            "features": [
                {"key": "portal", "kind": "toggle"},
                {"key": "edit_settings", "kind": "toggle", "requires": [{"feature": "portal"}]},
                {"key": "chat", "kind": "toggle", "adjustable": true}
            ],
            "self_service_gate": "edit_settings"
        },
        "plan": {"id": "p", "features": "all"},
        "users": [{"id": "u", "overrides": {"edit_settings": true, "chat": true},
                   "preferences": {"chat": false}}]
    }"#;
    let index = validate(&tenant(doc)).unwrap();
    let resolver = Resolver::new(&index);
    let u = resolver.user("u").unwrap();
    assert_eq!(u.toggle("edit_settings"), Ok(false));
    assert_eq!(u.toggle("chat"), Ok(true));
    assert_eq!(
        resolver.explain("u", "chat").unwrap().to_string(),
        "chat = true: an admin override sets true; \
         the user's own setting asks for false, ignored: edit_settings is off"
    );

    // With the requirement met, the same preference applies.
    let mut met = tenant(doc);
    met.users[0].overrides.insert("portal".into(), true.into());
    let index = validate(&met).unwrap();
    assert_eq!(
        Resolver::new(&index).user("u").unwrap().toggle("chat"),
        Ok(false)
    );
}

/// A gate users could switch off themselves would make layer 6 circular.
#[test]
fn the_self_service_gate_cannot_be_adjustable() {
    let errors = Catalog::builder("acme")
        .feature(FeatureDef::toggle("edit_settings").adjustable())
        .self_service_gate("edit_settings")
        .build()
        .unwrap_err();
    assert!(matches!(
        errors.problems()[0].problem,
        Problem::AdjustableGate(ref key) if key == "edit_settings"
    ));
    assert_eq!(
        errors.problems()[0].path.as_str(),
        "catalog.self_service_gate"
    );
}

/// Seats are enforced: users with an override turning the feature on first, then the others,
/// each in user-id byte order; whoever is past the count gets the feature off, and what
/// requires it follows. Without enforcement nothing changes, and the report still says who is
/// over.
#[test]
fn seats_go_to_overrides_first_then_by_id() {
    let doc = |enforce: bool| {
        format!(
            r#"{{
        "version": 1, "tenant": "t",
        "catalog": {{"id": "crm", "self_service_gate": null, "features": [
            {{"key": "module_crm", "kind": "toggle", "seats": true}},
            {{"key": "crm_overlay", "kind": "toggle", "requires": [{{"feature": "module_crm"}}]}}
        ]}},
        "plan": {{"id": "p", "features": "all", "seats": {{"module_crm": 2}}, "enforce_seats": {enforce}}},
        "templates": [{{"id": "sales", "values": {{"module_crm": true, "crm_overlay": true}}}}],
        "departments": [{{"id": "sales", "template": "sales"}}],
        "users": [{{"id": "a", "departments": ["sales"]}},
                  {{"id": "b", "departments": ["sales"]}},
                  {{"id": "c", "departments": ["sales"], "overrides": {{"module_crm": true}}}},
                  {{"id": "d"}}]
    }}"#
        )
    };
    let enforced = tenant(&doc(true));
    let index = validate(&enforced).unwrap();
    let resolver = Resolver::new(&index);
    let crm: Vec<(String, bool, bool)> = resolver
        .tenant()
        .iter()
        .map(|(id, e)| {
            (
                id.to_string(),
                e.toggle("module_crm").unwrap(),
                e.toggle("crm_overlay").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        crm,
        [
            ("a".to_owned(), true, true),
            ("b".to_owned(), false, false),
            ("c".to_owned(), true, true),
            ("d".to_owned(), false, false),
        ]
    );
    assert_eq!(
        resolver.explain("b", "crm_overlay").unwrap().to_string(),
        "crm_overlay = false: template \"sales\" (department sales) sets true; off because module_crm is not on"
    );
    assert_eq!(
        serde_json::to_string(&resolver.licences()).unwrap(),
        r#"{"features":{"module_crm":{"bought":2,"wanted":3,"granted":2,"over":["b"]}},"users":{"a":["module_crm"],"c":["module_crm"]}}"#
    );

    let counted = tenant(&doc(false));
    let index = validate(&counted).unwrap();
    let resolver = Resolver::new(&index);
    assert_eq!(resolver.user("b").unwrap().toggle("module_crm"), Ok(true));
    assert_eq!(
        serde_json::to_string(&resolver.licences()).unwrap(),
        r#"{"features":{"module_crm":{"bought":2,"wanted":3,"granted":2,"over":["b"]}},"users":{"a":["module_crm"],"b":["module_crm"],"c":["module_crm"]}}"#
    );
}

/// Two resolutions may number built lists differently; equality compares values.
#[test]
fn entitlements_compare_by_value_across_resolutions() {
    let doc = r#"{
        "version": 1, "tenant": "t",
        "plan": {"id": "p", "features": "all"},
        "templates": [{"id": "a", "values": {"allowed_country_codes": ["1"]}},
                      {"id": "b", "values": {"allowed_country_codes": ["2"]}}],
        "departments": [{"id": "a", "template": "a"}, {"id": "b", "template": "b"}],
        "users": [{"id": "u1", "departments": ["a", "b"]}, {"id": "u2", "departments": ["a", "b"]}]
    }"#;
    let index = validate(&tenant(doc)).unwrap();
    let resolver = Resolver::new(&index);
    let alone = resolver.user("u2").unwrap();
    let together = resolver.tenant().user("u2").unwrap();
    assert_eq!(alone, together);
    assert!(alone.is_on("allowed_country_codes").unwrap());

    // A different list is a different value.
    let other = validate(&tenant(&doc.replace(r#"["2"]"#, r#"["3"]"#))).unwrap();
    assert_ne!(alone, Resolver::new(&other).user("u2").unwrap());
}

/// A key given twice would silently keep the last value: refuse it.
#[test]
fn a_feature_key_given_twice_is_refused() {
    let doc = r#"{
        "version": 1, "tenant": "t", "plan": {"id": "p", "features": "all"},
        "users": [{"id": "u", "overrides": {"max_channels": 1, "max_channels": 100}}]
    }"#;
    let error = serde_json::from_str::<Tenant>(doc).unwrap_err().to_string();
    assert!(error.contains("duplicate key `max_channels`"), "{error}");
    let policy = r#"{"version": 1, "tenant": "t", "plan": {"id": "p", "features": "all"},
        "policy": {"chat": {"value": true}, "chat": {"value": false}}}"#;
    assert!(serde_json::from_str::<Tenant>(policy).is_err());
}

/// §8: every problem at once, including every template cycle.
#[test]
fn every_template_cycle_is_reported() {
    let doc = r#"{
        "version": 1, "tenant": "t", "plan": {"id": "p", "features": "all"},
        "templates": [{"id": "a", "parent": "b"}, {"id": "b", "parent": "a"},
                      {"id": "c", "parent": "d"}, {"id": "d", "parent": "c"}]
    }"#;
    let errors = validate(&tenant(doc)).unwrap_err();
    let report: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        report,
        [
            "templates[a].parent: template parents form a cycle: a -> b -> a",
            "templates[c].parent: template parents form a cycle: c -> d -> c",
        ]
    );
}

/// The self-service gate behind a 40 000-feature requirement chain: every user's gate check walks
/// the chain once (linear), with no search inside the walk. Before, each step searched the steps
/// already turned off, and 100 users took tens of seconds.
#[test]
fn a_long_gate_requirement_chain_is_walked_once_per_user() {
    const CHAIN: usize = 40_000;
    let mut builder = Catalog::builder("chain");
    for i in 0..CHAIN {
        let mut f = FeatureDef::toggle(format!("f{i}")).default(true);
        if i > 0 {
            f = f.requires(format!("f{}", i - 1));
        }
        builder = builder.feature(f);
    }
    let catalog = builder
        .feature(FeatureDef::toggle("chat").adjustable().default(true))
        .self_service_gate(format!("f{}", CHAIN - 1))
        .build()
        .unwrap();
    let mut tenant =
        pbx_entitlements::model::Tenant::new("t", pbx_entitlements::model::Plan::all("p"))
            .with_catalog(pbx_entitlements::model::CatalogSource::Named(
                "chain".into(),
            ));
    for u in 0..100 {
        let mut user =
            pbx_entitlements::model::User::new(format!("u{u:03}")).with_preference("chat", false);
        if u == 0 {
            // Breaking the chain at its root turns the gate off for this user only.
            user = user.with_override("f0", false);
        }
        tenant.users.push(user);
    }
    let index = pbx_entitlements::validate_against(&tenant, catalog).unwrap();
    let everyone = Resolver::new(&index).tenant();
    for (id, e) in &everyone {
        let gate_on = id.as_str() != "u000";
        assert_eq!(e.toggle("chat"), Ok(!gate_on), "{id}");
    }
}

/// Detaching writes a user's template values as overrides; with enforced seats an override
/// comes first for a seat, so detaching the user past the count would take another user's
/// seat. Detaching must change no effective value: it is refused, naming who would change.
#[test]
fn detaching_that_would_move_a_seat_is_refused() {
    let doc = r#"{
        "version": 1, "tenant": "t",
        "plan": {"id": "p", "features": "all", "seats": {"module_crm": 2}, "enforce_seats": true},
        "templates": [{"id": "sales", "values": {"module_crm": true}}],
        "departments": [{"id": "sales", "template": "sales"}],
        "users": [{"id": "ann", "departments": ["sales"]}, {"id": "bob", "departments": ["sales"]},
                  {"id": "zoe", "departments": ["sales"]}]
    }"#;
    let t = tenant(doc);
    let errors = pbx_entitlements::batch::detach(&t, &["zoe"]).unwrap_err();
    let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "batch.detach: detaching would change `module_crm` for `bob`: with seats enforced, overrides come first for a seat",
            "batch.detach: detaching would change `module_crm` for `zoe`: with seats enforced, overrides come first for a seat",
        ]
    );
    // A user inside the granted seats can be detached: nothing moves.
    let (after, _) = pbx_entitlements::batch::detach(&t, &["ann"]).unwrap();
    assert!(after.users[0].detached);
}
