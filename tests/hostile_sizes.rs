//! Documents built to be expensive: each must give a clear error or a bounded result, in time
//! and memory linear in its size (plus sorting). None of these assert a time; a quadratic path
//! shows as a test that takes minutes instead of a fraction of a second.

use pbx_entitlements::model::{Department, Plan, Template, Tenant, User};
use pbx_entitlements::{
    Catalog, FeatureDef, Invalid, ListValue, Problem, Resolver, ValueError, keys, limits, validate,
};

/// Every problem of a tenant, as text; empty when it validates.
fn problems(tenant: &Tenant) -> Vec<String> {
    match validate(tenant) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(Invalid::to_string).collect(),
    }
}

/// A tenant whose templates form one parent chain `t0 <- t1 <- … <- t(n-1)`, with a user in a
/// department on the deepest template.
fn template_chain(n: usize) -> Tenant {
    let mut tenant = Tenant::new("t", Plan::all("p"));
    for i in 0..n {
        let mut template =
            Template::new(format!("t{i}")).with_value("max_channels", (i % 90) as i64);
        if i > 0 {
            template = template.with_parent(format!("t{}", i - 1));
        }
        tenant.templates.push(template);
    }
    tenant
        .departments
        .push(Department::new("d").with_template(format!("t{}", n - 1)));
    tenant.users.push(User::new("u").with_department("d"));
    tenant
}

/// One user in 10 000 departments whose templates each hold a distinct one-entry list: the
/// lists are merged at once, not pairwise (which built and kept 10 000 growing unions).
#[test]
fn one_user_in_ten_thousand_departments_with_distinct_lists() {
    const N: usize = 10_000;
    let mut tenant = Tenant::new("t", Plan::all("p"));
    let mut user = User::new("u");
    for i in 0..N {
        let code = format!("{}", 1000 + i);
        tenant.templates.push(
            Template::new(format!("t{i:05}"))
                .with_value("allowed_country_codes", vec![code.as_str()]),
        );
        tenant
            .departments
            .push(Department::new(format!("d{i:05}")).with_template(format!("t{i:05}")));
        user = user.with_department(format!("d{i:05}"));
    }
    tenant.users.push(user);
    let index = validate(&tenant).unwrap();
    let everyone = Resolver::new(&index).tenant();
    let u = everyone.user("u").unwrap();
    let ListValue::Only(codes) = u.get(keys::ALLOWED_COUNTRY_CODES) else {
        panic!("a list")
    };
    assert_eq!(codes.len(), N);
    assert!(codes.contains("1000") && codes.contains("10999"));
}

/// A parent chain as deep as the bound resolves; one template deeper is refused at the first
/// template past it, once, however long the chain goes on.
#[test]
fn template_chains_are_bounded_in_depth() {
    let index = validate(&template_chain(limits::TEMPLATE_DEPTH)).unwrap();
    let u = Resolver::new(&index).user("u").unwrap();
    assert_eq!(
        u.limit(keys::MAX_CHANNELS),
        Ok(((limits::TEMPLATE_DEPTH - 1) % 90) as i64)
    );

    for n in [limits::TEMPLATE_DEPTH + 1, 10_000, 100_000] {
        let found = problems(&template_chain(n));
        assert_eq!(
            found,
            [format!(
                "templates[t{}].parent: the parent chain is 101 templates deep, at most 100 are supported",
                limits::TEMPLATE_DEPTH
            )],
            "{n} templates"
        );
    }
}

/// A template chain that is a 100 000-long cycle: one problem, naming a few templates.
#[test]
fn a_long_template_cycle_is_reported_once_and_briefly() {
    const N: usize = 100_000;
    let mut tenant = Tenant::new("t", Plan::all("p"));
    for i in 0..N {
        tenant
            .templates
            .push(Template::new(format!("t{i:06}")).with_parent(format!("t{:06}", (i + 1) % N)));
    }
    let found = problems(&tenant);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "templates[t000000].parent: template parents form a cycle: t000000 -> t000001 -> "
        ) && found[0].ends_with("… (100000 in all)"),
        "{}",
        found[0]
    );
}

/// One list value may hold at most `limits::LIST_ENTRIES` entries, in any source; a list of a
/// million entries is refused as quickly as it is read.
#[test]
fn list_values_are_bounded_in_entries() {
    let codes = |n: usize| -> Vec<String> { (0..n).map(|i| format!("{}", 100_000 + i)).collect() };
    let with = |n: usize| {
        let mut tenant = Tenant::new("t", Plan::all("p"));
        tenant
            .templates
            .push(Template::new("wide").with_value("allowed_country_codes", codes(n)));
        tenant
            .departments
            .push(Department::new("d").with_template("wide"));
        tenant.users.push(
            User::new("u")
                .with_department("d")
                .with_override("allowed_country_codes", codes(n)),
        );
        tenant
    };
    let max = limits::LIST_ENTRIES as usize;
    let index = validate(&with(max)).unwrap();
    let u = Resolver::new(&index).user("u").unwrap();
    let ListValue::Only(held) = u.get(keys::ALLOWED_COUNTRY_CODES) else {
        panic!("a list")
    };
    assert_eq!(held.len(), max);

    for n in [max + 1, 1_000_000] {
        let errors = validate(&with(n)).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors}");
        for invalid in &errors {
            assert_eq!(
                invalid.problem,
                Problem::Value(ValueError::TooManyEntries {
                    entries: n,
                    max: limits::LIST_ENTRIES
                }),
                "{invalid}"
            );
        }
        assert_eq!(
            errors.problems()[1].path.as_str(),
            "users[u].overrides.allowed_country_codes"
        );
    }
}

/// A user in more departments (or roles) than the bound is refused with one problem per field,
/// without echoing the ids.
#[test]
fn memberships_are_bounded() {
    const N: usize = 100_000;
    let mut tenant = Tenant::new("t", Plan::all("p"));
    let mut user = User::new("u");
    for i in 0..N {
        user = user
            .with_department(format!("d{i}"))
            .with_role(format!("r{i}"));
    }
    user.departments.truncate(limits::MEMBERSHIPS + 1);
    tenant.users.push(user);
    let errors = validate(&tenant).unwrap_err();
    let first: Vec<String> = errors.iter().take(2).map(Invalid::to_string).collect();
    assert_eq!(
        first,
        [
            "users[u].departments: 10001 departments, at most 10000 are supported",
            "users[u].roles: 100000 roles, at most 10000 are supported",
        ]
    );
}

/// Ids of exactly `limits::ID_BYTES` bytes are accepted; one byte more is refused, naming
/// what the id is.
#[test]
fn ids_are_bounded_in_length() {
    let at_bound = "é".repeat(limits::ID_BYTES / 2);
    let past = format!("{at_bound}x");
    let with = |id: &str| {
        let mut tenant = Tenant::new("t", Plan::all("p"));
        tenant.templates.push(Template::new(id));
        tenant
            .departments
            .push(Department::new(id).with_template(id));
        tenant.users.push(User::new(id).with_department(id));
        tenant
    };
    let index = validate(&with(&at_bound)).unwrap();
    assert!(Resolver::new(&index).user(at_bound.as_str()).is_ok());

    let errors = validate(&with(&past)).unwrap_err();
    let what: Vec<&str> = errors
        .iter()
        .map(|e| match e.problem {
            Problem::IdTooLong {
                what,
                length: 257,
                max: limits::ID_BYTES,
                ..
            } => what,
            ref other => panic!("{other}"),
        })
        .collect();
    assert_eq!(what, ["template", "department", "user"], "{errors}");

    // A feature key of a catalog, too.
    let key = "k".repeat(limits::ID_BYTES + 1);
    let errors = Catalog::builder("c")
        .feature(FeatureDef::toggle(key.as_str()))
        .without_self_service_gate()
        .build()
        .unwrap_err();
    assert!(
        matches!(
            errors.problems()[0].problem,
            Problem::IdTooLong {
                what: "feature",
                ..
            }
        ),
        "{errors}"
    );
}

/// 10 000 requirement cycles in one catalog: each reported once, in a report that grows
/// linearly (about a line per cycle), and a 40 000-feature cycle in one short line.
#[test]
fn requirement_cycles_are_reported_once_each_and_briefly() {
    const PAIRS: usize = 10_000;
    let mut builder = Catalog::builder("cycles");
    for i in 0..PAIRS {
        builder = builder
            .feature(FeatureDef::toggle(format!("a{i}")).requires(format!("b{i}")))
            .feature(FeatureDef::toggle(format!("b{i}")).requires(format!("a{i}")));
    }
    let errors = builder.without_self_service_gate().build().unwrap_err();
    assert_eq!(errors.len(), PAIRS);
    assert!(
        errors
            .iter()
            .all(|e| matches!(e.problem, Problem::RequirementCycle { length: 2, .. }))
    );
    let text = errors.to_string();
    assert!(text.len() < PAIRS * 120, "{} bytes", text.len());

    const LONG: usize = 40_000;
    let mut builder = Catalog::builder("ring");
    for i in 0..LONG {
        builder = builder
            .feature(FeatureDef::toggle(format!("f{i}")).requires(format!("f{}", (i + 1) % LONG)));
    }
    let errors = builder.without_self_service_gate().build().unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    let text = errors.to_string();
    assert!(
        text.len() < 400 && text.ends_with("… (40000 in all)"),
        "{text}"
    );
}

/// A catalog of `limits::FEATURES` features builds; one more is refused. The same for a
/// choice's options and a closed list's items.
#[test]
fn catalogs_are_bounded_at_their_limits() {
    let features = |n: usize| {
        let mut builder = Catalog::builder("wide");
        for i in 0..n {
            builder = builder.feature(FeatureDef::toggle(format!("f{i}")));
        }
        builder.without_self_service_gate().build()
    };
    assert_eq!(features(limits::FEATURES).unwrap().len(), limits::FEATURES);
    let errors = features(limits::FEATURES + 1).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "1 problem\n  catalog.features: 65536 features, at most 65535 are supported"
    );

    let names = |n: usize| -> Vec<String> { (0..n).map(|i| format!("n{i}")).collect() };
    for (what, max) in [
        ("options", limits::CHOICE_OPTIONS),
        ("items", limits::LIST_ITEMS),
    ] {
        let build = |n: usize| {
            let names = names(n);
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let feature = if what == "options" {
                FeatureDef::choice("k", &names)
            } else {
                FeatureDef::list_of("k", &names)
            };
            Catalog::builder("c")
                .feature(feature)
                .without_self_service_gate()
                .build()
        };
        assert!(build(max).is_ok(), "{what}");
        let errors = build(max + 1).unwrap_err();
        assert_eq!(
            errors.problems()[0].problem,
            Problem::TooMany {
                what,
                count: max + 1,
                max
            }
        );
    }
}

/// A tenant whose templates, once parents are applied, hold more than
/// `limits::TEMPLATE_VALUES` values is refused; at the bound it validates.
#[test]
fn flattened_template_values_are_bounded() {
    const FEATURES: usize = 40_000;
    const DEPTH: usize = limits::TEMPLATE_VALUES / FEATURES;
    let mut builder = Catalog::builder("many");
    for i in 0..FEATURES {
        builder = builder.feature(FeatureDef::toggle(format!("f{i}")));
    }
    let catalog = std::sync::Arc::new(builder.without_self_service_gate().build().unwrap());
    let chain = |extra: bool| {
        let mut tenant = Tenant::new("t", Plan::all("p"))
            .with_catalog(pbx_entitlements::model::CatalogSource::Named("many".into()));
        let mut root = Template::new("t0");
        for i in 0..FEATURES {
            root = root.with_value(format!("f{i}"), true);
        }
        tenant.templates.push(root);
        for i in 1..DEPTH {
            tenant
                .templates
                .push(Template::new(format!("t{i}")).with_parent(format!("t{}", i - 1)));
        }
        if extra {
            tenant
                .templates
                .push(Template::new("one").with_value("f0", true));
        }
        tenant
    };
    assert!(pbx_entitlements::validate_against(&chain(false), catalog.clone()).is_ok());
    let errors = pbx_entitlements::validate_against(&chain(true), catalog).unwrap_err();
    assert_eq!(
        errors.problems()[0].problem,
        Problem::TooMany {
            what: "template values after applying parents",
            count: limits::TEMPLATE_VALUES + 1,
            max: limits::TEMPLATE_VALUES
        }
    );
}

/// A 50 MB document of 150 000 users with overrides, lists and endpoints is read and
/// validated in one pass, and every user resolves.
#[test]
fn a_fifty_megabyte_document_is_read_and_validated() {
    use std::fmt::Write;
    const USERS: usize = 150_000;
    let mut text = String::from(
        r#"{"version": 1, "tenant": "big", "plan": {"id": "p", "features": "all"},
            "templates": [{"id": "base", "values": {"calls": true, "max_channels": 4}}],
            "departments": [{"id": "d", "template": "base"}], "users": ["#,
    );
    for i in 0..USERS {
        if i > 0 {
            text.push(',');
        }
        write!(
            text,
            r#"{{"id": "user-{i:07}", "name": "User number {i} of the big tenant", "departments": ["d"],
                "overrides": {{"max_channels": {}, "voicemail": true, "recordings_replay": "own",
                               "allowed_country_codes": ["48", "49", "{}"]}},
                "preferences": {{"chat": false}},
                "endpoints": [{{"kind": "extension", "id": "{}", "primary": true, "from": 0}}]}}"#,
            i % 100,
            100 + i % 800,
            1_000_000 + i
        )
        .unwrap();
    }
    text.push_str("]}");
    assert!(text.len() > 50_000_000, "{} bytes", text.len());
    let tenant: Tenant = serde_json::from_str(&text).unwrap();
    drop(text);
    let index = validate(&tenant).unwrap();
    let everyone = Resolver::new(&index).tenant();
    assert_eq!(everyone.len(), USERS);
    let last = everyone
        .user(format!("user-{:07}", USERS - 1).as_str())
        .unwrap();
    assert_eq!(
        last.limit(keys::MAX_CHANNELS),
        Ok(((USERS - 1) % 100) as i64)
    );
}
