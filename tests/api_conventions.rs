//! The conventions every public type follows: typed keys, lookups that tell a typo from "off",
//! catalogs named by id, an explicit self-service gate, one naming scheme for ids and handles,
//! and values that print by name.

use std::str::FromStr;
use std::sync::Arc;

use pbx_entitlements::keys::{self, Key, kind};
use pbx_entitlements::model::{
    CatalogSource, Department, EndpointKind, NumberKind, Plan, Template, Tenant, User,
};
use pbx_entitlements::resolve::{Origin, Via};
use pbx_entitlements::{
    Access, Catalog, CatalogDef, FeatureDef, LookupError, MergeRule, Platform, Problem, Resolver,
    SelfServiceGate, Value, validate, validate_against,
};
use proptest::prelude::*;

fn demo() -> Tenant {
    let mut t = Tenant::new("acme", Plan::all("business").with_limit("max_channels", 5));
    t.templates.push(
        Template::new("portal")
            .with_value("recordings_replay", "own")
            .with_value("max_channels", 3),
    );
    t.templates.push(
        Template::new("agent")
            .with_parent("portal")
            .with_value("calls", true),
    );
    t.departments
        .push(Department::new("support").with_template("agent"));
    t.users.push(User::new("alice").with_department("support"));
    t.users
        .push(User::new("bob").with_override("only_own_logs", false));
    t
}

fn vendor_catalog(id: &str) -> Catalog {
    Catalog::builder(id)
        .feature(FeatureDef::toggle("call_park"))
        .feature(FeatureDef::limit("max_channels", 0, 10).default(2))
        .without_self_service_gate()
        .build()
        .unwrap()
}

// ---- Keys that cannot be mistyped ----

#[test]
fn typed_keys_read_as_their_kind() {
    let index = validate(&demo()).unwrap();
    let resolver = Resolver::new(&index);
    let alice = resolver.user("alice").unwrap();
    let channels: i64 = alice.get(keys::MAX_CHANNELS);
    assert_eq!(channels, 3);
    let calls: bool = alice.get(keys::CALLS);
    assert!(calls);
    let own_logs: bool = alice.get(keys::ONLY_OWN_LOGS);
    assert!(own_logs, "the restriction applies by default");
    let replay: &str = alice.get(keys::RECORDINGS_REPLAY);
    assert_eq!(replay, "own");
    let logs: Access = alice.get(keys::DASHBOARD_LOGS);
    assert_eq!(logs, Access::None);
    assert!(alice.get(keys::ALLOWED_COUNTRY_CODES).contains("48"));
    assert!(!resolver.user("bob").unwrap().get(keys::ONLY_OWN_LOGS));
}

#[test]
fn a_misspelled_or_wrong_kind_string_key_is_an_error_not_off() {
    let index = validate(&demo()).unwrap();
    let alice = Resolver::new(&index).user("alice").unwrap();
    // The failure this guards against: a typo lifting a restriction.
    assert_eq!(
        alice.restriction("only_own_logz"),
        Err(LookupError::UnknownFeature("only_own_logz".into()))
    );
    assert_eq!(alice.restriction("only_own_logs"), Ok(true));
    assert_eq!(
        alice.toggle("max_channels"),
        Err(LookupError::WrongKind {
            feature: "max_channels".into(),
            kind: "limit",
            asked: "toggle"
        })
    );
    assert!(matches!(
        alice.limit("calls"),
        Err(LookupError::WrongKind { .. })
    ));
    assert!(matches!(
        alice.access("recordings_replay"),
        Err(LookupError::WrongKind { .. })
    ));
    assert!(matches!(
        alice.choice("calls"),
        Err(LookupError::WrongKind { .. })
    ));
    assert!(matches!(
        alice.list("calls"),
        Err(LookupError::WrongKind { .. })
    ));
    assert!(matches!(
        alice.is_on("cals"),
        Err(LookupError::UnknownFeature(_))
    ));
    assert!(matches!(
        alice.get("cals"),
        Err(LookupError::UnknownFeature(_))
    ));
    assert_eq!(alice.is_on("calls"), Ok(true));
    assert_eq!(alice.is_on(keys::CHAT), Ok(false));
    // A typed key also names a feature wherever a key is accepted.
    assert_eq!(alice.limit(keys::MAX_CHANNELS), Ok(3));
    assert!(matches!(
        alice.toggle(keys::MAX_CHANNELS),
        Err(LookupError::WrongKind { .. })
    ));
}

#[test]
fn typed_keys_read_closed_values_from_a_catalog_without_the_feature() {
    let catalog = Arc::new(vendor_catalog("acme-v2"));
    let tenant =
        Tenant::new("t", Plan::all("p")).with_catalog(CatalogSource::Named("acme-v2".into()));
    let mut tenant = tenant;
    tenant
        .users
        .push(User::new("u").with_override("call_park", true));
    let index = validate_against(&tenant, catalog).unwrap();
    let u = Resolver::new(&index).user("u").unwrap();

    const CALL_PARK: Key<kind::Toggle> = Key::new("call_park");
    assert!(u.get(CALL_PARK));
    assert_eq!(
        u.get(keys::MAX_CHANNELS),
        2,
        "found by key in a vendor catalog"
    );
    // Absent features read closed: never a permission.
    assert!(!u.get(keys::CALLS));
    assert!(u.get(keys::ONLY_OWN_LOGS));
    assert_eq!(u.get(keys::DASHBOARD_LOGS), Access::None);
    assert_eq!(u.get(keys::RECORDINGS_REPLAY), "");
    assert!(u.get(keys::ALLOWED_COUNTRY_CODES).is_empty());
    // A typed key of the wrong kind for this catalog also reads closed.
    const PARK_AS_LIMIT: Key<kind::Limit> = Key::new("call_park");
    assert_eq!(u.get(PARK_AS_LIMIT), 0);
    assert!(matches!(
        u.limit(PARK_AS_LIMIT),
        Err(LookupError::WrongKind { .. })
    ));
}

// ---- Values display by name ----

#[test]
fn values_display_by_name() {
    let index = validate(&demo()).unwrap();
    let alice = Resolver::new(&index).user("alice").unwrap();
    let replay = alice.get("recordings_replay").unwrap();
    assert_eq!(replay.to_string(), "own");
    assert!(matches!(&replay, Value::Choice(c) if c.position() == 1 && c.name() == "own"));
    assert_eq!(alice.get("dashboard_logs").unwrap().to_string(), "none");
    assert_eq!(alice.get("max_channels").unwrap().to_string(), "3");
    assert_eq!(
        alice.get("allowed_country_codes").unwrap().to_string(),
        "any"
    );
    assert_eq!(alice.get("call_operations").unwrap().to_string(), "[]");
}

proptest! {
    /// Every closed set of names parses what it prints, and nothing else.
    #[test]
    fn names_round_trip(word in "[a-z_]{0,12}") {
        for a in Access::ALL {
            prop_assert_eq!(Access::from_str(a.as_str()), Ok(a));
        }
        for p in Platform::ALL {
            prop_assert_eq!(p.to_string().parse::<Platform>(), Ok(p));
        }
        for m in MergeRule::ALL {
            prop_assert_eq!(m.to_string().parse::<MergeRule>(), Ok(m));
        }
        for k in EndpointKind::ALL {
            prop_assert_eq!(k.to_string().parse::<EndpointKind>(), Ok(k));
        }
        for k in NumberKind::ALL {
            prop_assert_eq!(k.to_string().parse::<NumberKind>(), Ok(k));
        }
        let known = Access::ALL.iter().any(|a| a.as_str() == word);
        prop_assert_eq!(word.parse::<Access>().is_ok(), known);
    }
}

#[test]
fn an_unknown_name_says_what_it_is_not() {
    let err = "admin".parse::<Access>().unwrap_err();
    assert_eq!(err.to_string(), "unknown access level `admin`");
    assert_eq!(err.name, "admin");
}

// ---- Catalogs by id ----

fn named(id: &str) -> Tenant {
    let mut t = Tenant::new("t", Plan::all("p")).with_catalog(CatalogSource::Named(id.into()));
    t.users.push(User::new("u"));
    t
}

#[test]
fn a_document_naming_another_catalog_is_refused_with_its_path() {
    let acme = Arc::new(vendor_catalog("acme-v2"));

    // Names the catalog it is validated against: fine, and the catalog is shared, not copied.
    let index = validate_against(&named("acme-v2"), Arc::clone(&acme)).unwrap();
    assert!(std::ptr::eq(index.catalog(), &*acme));

    // Names another vendor catalog.
    let errors = validate_against(&named("acme-v1"), Arc::clone(&acme)).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors.problems()[0].path.as_str(), "catalog");
    assert_eq!(
        errors.problems()[0].problem,
        Problem::CatalogMismatch {
            document: "acme-v1".into(),
            given: "acme-v2".into()
        }
    );
    assert_eq!(
        errors.problems()[0].to_string(),
        "catalog: the document names catalog `acme-v1` but is validated against catalog `acme-v2`"
    );

    // Says (or implies) "standard" but is validated against a vendor catalog.
    let mut standard = named("x");
    standard.catalog = CatalogSource::Standard;
    let errors = validate_against(&standard, Arc::clone(&acme)).unwrap_err();
    assert!(matches!(
        &errors.problems()[0].problem,
        Problem::CatalogMismatch { document, .. } if document == "standard"
    ));

    // Names a vendor catalog but is validated against the standard one.
    let errors = validate_against(&named("acme-v2"), Catalog::standard_shared()).unwrap_err();
    assert!(matches!(
        &errors.problems()[0].problem,
        Problem::CatalogMismatch { given, .. } if given == "standard"
    ));

    // `validate` knows only the standard catalog and embedded ones.
    let errors = validate(&named("acme-v2")).unwrap_err();
    assert_eq!(errors.problems()[0].path.as_str(), "catalog");
    assert_eq!(
        errors.problems()[0].problem,
        Problem::Unknown {
            what: "catalog",
            id: "acme-v2".into()
        }
    );
}

#[test]
fn an_embedded_catalog_must_be_the_one_validated_against() {
    let acme = Arc::new(vendor_catalog("acme-v2"));
    let mut same = named("x");
    same.catalog = CatalogSource::Custom(CatalogDef::from(&*acme));
    assert!(validate_against(&same, Arc::clone(&acme)).is_ok());
    assert!(validate(&same).is_ok());

    let mut changed = CatalogDef::from(&*acme);
    changed.features.push(FeatureDef::toggle("extra"));
    let mut differs = named("x");
    differs.catalog = CatalogSource::Custom(changed);
    let errors = validate_against(&differs, Arc::clone(&acme)).unwrap_err();
    assert_eq!(errors.problems()[0].path.as_str(), "catalog");
    assert_eq!(
        errors.problems()[0].problem,
        Problem::CatalogDiffers("acme-v2".into())
    );
}

#[test]
fn the_standard_catalog_and_its_id() {
    assert_eq!(Catalog::standard().id(), "standard");
    assert!(Arc::ptr_eq(
        &Catalog::standard_shared(),
        &Catalog::standard_shared()
    ));
    // A document that says "standard" validates against it, by either entry point.
    let t = demo();
    assert_eq!(
        validate(&t).unwrap(),
        validate_against(&t, Catalog::standard()).unwrap()
    );
    // The id is the built-in catalog's alone.
    let mut fake = CatalogDef::from(&vendor_catalog("x"));
    fake.id = "standard".into();
    let errors = fake.build().unwrap_err();
    assert_eq!(errors.problems()[0].path.as_str(), "catalog.id");
    assert!(matches!(
        errors.problems()[0].problem,
        Problem::ReservedCatalogId(_)
    ));
    // The standard catalog itself round-trips through its definition.
    assert_eq!(
        CatalogDef::from(&Catalog::standard()).build().unwrap(),
        Catalog::standard()
    );
}

#[test]
fn catalog_ids_travel_through_json() {
    let t: Tenant = serde_json::from_str(
        r#"{"version": 1, "tenant": "t", "catalog": "acme-v2", "plan": {"id": "p", "features": "all"}}"#,
    )
    .unwrap();
    assert_eq!(t.catalog, CatalogSource::Named("acme-v2".into()));
    assert_eq!(serde_json::to_value(&t).unwrap()["catalog"], "acme-v2");
    let t: Tenant = serde_json::from_str(
        r#"{"version": 1, "tenant": "t", "catalog": "standard", "plan": {"id": "p", "features": "all"}}"#,
    )
    .unwrap();
    assert_eq!(t.catalog, CatalogSource::Standard);
    let empty = serde_json::from_str::<Tenant>(
        r#"{"version": 1, "tenant": "t", "catalog": "", "plan": {"id": "p", "features": "all"}}"#,
    );
    assert!(empty.is_err());
}

// ---- The self-service gate is a decision ----

#[test]
fn a_catalog_must_decide_its_self_service_gate() {
    let errors = Catalog::builder("acme")
        .feature(FeatureDef::toggle("chat").adjustable())
        .build()
        .unwrap_err();
    assert_eq!(
        errors.problems()[0].path.as_str(),
        "catalog.self_service_gate"
    );
    assert_eq!(errors.problems()[0].problem, Problem::UndecidedGate);

    // In JSON: absent is refused, `null` is a deliberate "no gate".
    let without: CatalogDef = serde_json::from_str(
        r#"{"id": "a", "features": [{"key": "chat", "kind": "toggle"}], "self_service_gate": null}"#,
    )
    .unwrap();
    assert_eq!(without.self_service_gate, Some(SelfServiceGate::Without));
    assert_eq!(without.build().unwrap().self_service_gate(), None);
    let undecided: CatalogDef =
        serde_json::from_str(r#"{"id": "a", "features": [{"key": "chat", "kind": "toggle"}]}"#)
            .unwrap();
    assert!(undecided.build().is_err());
    // A built catalog writes its decision back out.
    let json = serde_json::to_value(vendor_catalog("a")).unwrap();
    assert_eq!(json["self_service_gate"], serde_json::Value::Null);
    assert!(json.as_object().unwrap().contains_key("self_service_gate"));
}

// ---- One naming scheme for ids and handles ----

#[test]
fn users_are_named_by_id_or_handle_alike() {
    let index = validate(&demo()).unwrap();
    let resolver = Resolver::new(&index);
    let ix = index.user_ix("alice").unwrap();
    let entry = index.user(ix).unwrap();
    assert_eq!(index.user("alice"), Some(entry));
    assert_eq!(index.user(entry.id()), Some(entry));
    assert_eq!(index.user(String::from("alice")), Some(entry));

    let by_id = resolver.user("alice").unwrap();
    assert_eq!(resolver.user(ix).unwrap(), by_id);
    assert_eq!(resolver.user(entry.id()).unwrap(), by_id);
    let all = resolver.tenant();
    assert_eq!(all.user(ix).unwrap(), by_id);
    assert_eq!(all.user("alice").unwrap(), by_id);
    assert_eq!(
        resolver.explain(ix, keys::MAX_CHANNELS).unwrap(),
        resolver.explain("alice", "max_channels").unwrap()
    );

    assert_eq!(
        resolver.user("zed"),
        Err(LookupError::UnknownUser("zed".into()))
    );
    assert!(matches!(all.user("zed"), Err(LookupError::UnknownUser(_))));
    assert!(index.department("support").is_some());
    assert!(index.template("agent").is_some());
    assert!(index.role("nobody").is_none());
}

#[test]
fn explain_tells_an_unknown_user_from_an_unknown_feature() {
    let index = validate(&demo()).unwrap();
    let resolver = Resolver::new(&index);
    assert_eq!(
        resolver.explain("zed", "calls"),
        Err(LookupError::UnknownUser("zed".into()))
    );
    assert_eq!(
        resolver.explain("alice", "cals"),
        Err(LookupError::UnknownFeature("cals".into()))
    );
}

#[test]
fn a_resolved_tenant_iterates_by_reference() {
    let index = validate(&demo()).unwrap();
    let all = Resolver::new(&index).tenant();
    let mut ids = Vec::new();
    for (id, e) in &all {
        ids.push(id.to_string());
        assert_eq!(
            e.get(keys::MAX_CHANNELS),
            if id.as_str() == "alice" { 3 } else { 1 }
        );
    }
    assert_eq!(ids, ["alice", "bob"]);
    assert_eq!(all.iter().len(), 2);
}

// ---- Traces credit inherited values ----

#[test]
fn an_inherited_value_is_credited_to_the_template_that_set_it() {
    let index = validate(&demo()).unwrap();
    let resolver = Resolver::new(&index);
    let trace = resolver.explain("alice", "recordings_replay").unwrap();
    assert_eq!(
        trace.to_string(),
        r#"recordings_replay = own: template "portal" (inherited by "agent", department support) sets own"#
    );
    assert_eq!(
        trace.steps[1].origin,
        Origin::Template {
            template: "portal".into(),
            inherited_by: Some("agent".into()),
            via: Via::Department("support".into()),
        }
    );
    let json = serde_json::to_value(&trace).unwrap();
    assert_eq!(
        json["steps"][1]["origin"]["template"]["inherited_by"],
        "agent"
    );
    // A value the template sets itself is credited to it alone.
    let own = resolver.explain("alice", "calls").unwrap();
    assert_eq!(
        own.to_string(),
        r#"calls = true: template "agent" (department support) sets true"#
    );
    // The index knows where each flattened value came from.
    let agent = index.template("agent").unwrap();
    let replay = index.catalog().feature_id("recordings_replay").unwrap();
    assert_eq!(agent.origin(replay), index.template_ix("portal"));
}

// ---- Sharing across threads ----

#[test]
fn the_main_types_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Catalog>();
    shared::<pbx_entitlements::TenantIndex>();
    shared::<Resolver<'static>>();
    shared::<pbx_entitlements::ResolvedTenant<'static>>();
    shared::<pbx_entitlements::Entitlements>();

    let index = Arc::new(validate(&demo()).unwrap());
    let resolver = Resolver::shared(Arc::clone(&index));
    let expected = resolver.user("alice").unwrap();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| s.spawn(|| (0..100).all(|_| resolver.user("alice").unwrap() == expected)))
            .collect();
        for worker in workers {
            assert!(worker.join().unwrap());
        }
    });
}

#[test]
fn a_detached_user_sees_where_the_value_came_from() {
    let mut t = demo();
    t.users
        .push(User::new("carol").with_department("support").detached());
    let index = validate(&t).unwrap();
    assert_eq!(
        Resolver::new(&index)
            .explain("carol", "max_channels")
            .unwrap()
            .to_string(),
        "max_channels = 1: the catalog default is 1; the user is detached from templates"
    );
}

#[test]
fn naming_the_standard_catalog_by_id_is_naming_it() {
    let mut t = demo();
    t.catalog = CatalogSource::Named("standard".into());
    assert_eq!(validate(&t).unwrap(), validate(&demo()).unwrap());
}
