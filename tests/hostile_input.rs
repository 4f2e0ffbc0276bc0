//! Documents written to break the reader: wrong shapes, values no feature takes, ids built to
//! forge or flood messages, bounds pushed past. Each must give an error that names where it
//! is, in one line per problem, of bounded size, and never a panic.
//!
//! - A proptest reads mutated valid tenants (one node replaced by arbitrary JSON) and arbitrary
//!   JSON through `read_document`, `validate`, `Resolver::tenant` and `explain`.
//! - Unit tests pin the path of every object of the format given an array, the message for
//!   every unreadable value shape in every source, and the escaping and bounds of messages.

mod common;

use common::valid_tenant;
use pbx_entitlements::error::{KEPT_BYTES, SHOWN_CHARS};
use pbx_entitlements::limits;
use pbx_entitlements::model::{ReadError, Tenant, read_document};
use pbx_entitlements::{CatalogDef, Invalid, Problem, Resolver, ValueError, validate};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

/// The demo tenant of the examples: every section of the format is present.
fn demo() -> Value {
    serde_json::from_str(include_str!("../examples/data/demo.json")).unwrap()
}

/// Why a document could not be read: a [`ReadError`], or text after the document.
#[derive(Debug)]
struct Failure {
    path: String,
    message: String,
    shown: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Failure {
        Failure {
            path: e.path.as_str().to_owned(),
            message: e.message.clone(),
            shown: e.to_string(),
        }
    }
}

/// Reads a document as the resolve program does: `read_document`, then nothing may follow.
fn read(text: &str) -> Result<Tenant, Failure> {
    let mut json = serde_json::Deserializer::from_str(text);
    let tenant = read_document(&mut json)?;
    json.end().map_err(|e| Failure {
        path: String::new(),
        message: e.to_string(),
        shown: e.to_string(),
    })?;
    Ok(tenant)
}

fn read_value(document: &Value) -> Result<Tenant, Failure> {
    read(&serde_json::to_string(document).unwrap())
}

/// The problems of a document that reads but does not validate, one string each.
fn problems(document: &Value) -> Vec<String> {
    let tenant = read_value(document).unwrap_or_else(|e| panic!("unreadable: {e}"));
    match validate(&tenant) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(Invalid::to_string).collect(),
    }
}

/// The value at a JSON pointer, to edit.
fn at<'a>(document: &'a mut Value, pointer: &str) -> &'a mut Value {
    document
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the document"))
}

// ---------------------------------------------------------------------------------------------
// Mutated and arbitrary documents
// ---------------------------------------------------------------------------------------------

/// Sets the value at a JSON pointer, adding its last key to the object that holds it.
fn put(document: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match at(document, parent) {
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        object => object[key] = value,
    }
}

/// Small arbitrary JSON: every shape, with the awkward numbers and strings.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(json!(0)),
            Just(json!(-0.0)),
            Just(json!(2.5)),
            Just(json!(-1)),
            Just(json!(101)),
            Just(json!(u64::MAX)),
            Just(json!(i64::MIN)),
            Just(json!(1e300)),
        ],
        prop_oneof![
            Just(json!("")),
            Just(json!("any")),
            Just(json!("own")),
            Just(json!("all")),
            Just(json!("48")),
            Just(json!("a;b")),
            Just(json!("x\ny: unknown user")),
            Just(json!("\u{0}\u{1b}[2J\u{202e}")),
            Just(json!("alice")),
            Just(json!("sales")),
        ],
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(
                        &[
                            "id",
                            "value",
                            "locked",
                            "x\nforged: line",
                            "features",
                            "kind"
                        ][..]
                    ),
                    inner
                ),
                0..4
            )
            .prop_map(|fields| Value::Object(
                fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// Every node of a document with the path a reader names it by (`users[0].overrides`), in
/// document order.
fn nodes(value: &Value, path: String, pointer: String, out: &mut Vec<(String, String)>) {
    out.push((path.clone(), pointer.clone()));
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nodes(item, format!("{path}[{i}]"), format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                nodes(item, join(name), format!("{pointer}/{name}"), out);
            }
        }
        _ => {}
    }
}

/// Reads, validates and resolves a document, checking what every outcome promises.
fn exercise(text: &str, mutated: Option<&str>) -> Result<(), TestCaseError> {
    let tenant = match read(text) {
        Ok(tenant) => tenant,
        Err(e) => {
            let shown = e.to_string();
            prop_assert!(!shown.contains('\n'), "one line: {shown}");
            if let Some(mutated) = mutated {
                // The reader stops inside the replaced value, at it, or at an object holding it.
                let path = e.path.as_str();
                prop_assert!(
                    mutated.starts_with(path) || path.starts_with(mutated),
                    "error at `{path}`, the document was changed at `{mutated}`: {shown}"
                );
            }
            return Ok(());
        }
    };
    match validate(&tenant) {
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for invalid in &errors {
                prop_assert!(!invalid.path.as_str().is_empty(), "no path: {invalid}");
                prop_assert!(!invalid.to_string().contains('\n'), "one line: {invalid}");
            }
            prop_assert_eq!(
                errors.to_string().lines().count(),
                errors.len() + 1,
                "a count, then one line per problem"
            );
        }
        Ok(index) => {
            let resolver = Resolver::new(&index);
            let everyone = resolver.tenant();
            for user in tenant.users.iter().take(3) {
                let resolved = everyone
                    .user(&user.id)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                for (id, feature) in index.catalog().iter().take(12) {
                    let trace = resolver
                        .explain(user.id.as_str(), feature.key())
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(Ok(trace.value.clone()), resolved.get(id));
                }
            }
            // The audit of any valid tenant: one line per finding, each with a path.
            for finding in &resolver.audit() {
                prop_assert!(!finding.path.as_str().is_empty(), "no path: {}", finding);
                prop_assert!(!finding.to_string().contains('\n'), "one line: {}", finding);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// One node of a valid tenant (or of the demo) replaced by arbitrary JSON: an error at or
    /// around that node, or a tenant that validates or reports problems with paths.
    #[test]
    fn a_mutated_document_fails_where_it_was_changed(
        base in prop_oneof![
            1 => Just(demo()),
            2 => valid_tenant().prop_map(|t| serde_json::to_value(&t).unwrap()),
        ],
        which in any::<Index>(),
        replacement in arb_json(),
    ) {
        let mut all = Vec::new();
        nodes(&base, String::new(), String::new(), &mut all);
        let (path, pointer) = which.get(&all).clone();
        let mut document = base;
        if pointer.is_empty() {
            document = replacement;
        } else {
            *document.pointer_mut(&pointer).unwrap() = replacement;
        }
        exercise(&serde_json::to_string(&document).unwrap(), Some(&path))?;
    }

    /// Arbitrary JSON, and arbitrary bytes, never panic the reader.
    #[test]
    fn arbitrary_json_never_panics(document in arb_json(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        exercise(&serde_json::to_string(&document).unwrap(), None)?;
        exercise(&String::from_utf8_lossy(&bytes), None)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Strict schema: every object is an object
// ---------------------------------------------------------------------------------------------

/// Each object of the format, given as an array of its values, is refused at its own path.
#[test]
fn an_array_in_place_of_any_object_is_refused_at_its_path() {
    let cases = [
        ("/plan", "plan", "a plan object"),
        ("/policy/chat", "policy.chat", "a policy entry object"),
        ("/templates/0", "templates[0]", "a template object"),
        ("/departments/0", "departments[0]", "a department object"),
        ("/roles/0", "roles[0]", "a role object"),
        ("/groups/0", "groups[0]", "a group object"),
        ("/users/0", "users[0]", "a user object"),
        (
            "/users/1/endpoints/0",
            "users[1].endpoints[0]",
            "an endpoint",
        ),
        ("/devices/2", "devices[2]", "a device object"),
        ("/numbers/1", "numbers[1]", "a number object"),
    ];
    for (pointer, path, what) in cases {
        let mut document = demo();
        let node = at(&mut document, pointer);
        let fields: Vec<Value> = node.as_object().unwrap().values().cloned().collect();
        *node = Value::Array(fields);
        let error = read_value(&document).unwrap_err();
        assert_eq!(error.path.as_str(), path, "{pointer}: {error}");
        assert!(
            error
                .message
                .starts_with("invalid type: sequence, expected ")
                && error.message.contains(what),
            "{pointer}: {error}"
        );
    }

    let mut document = demo();
    document["users"] = json!([["alice"]]);
    assert_eq!(read_value(&document).unwrap_err().path.as_str(), "users[0]");

    // The whole document.
    let error = read("[1, \"acme\"]").unwrap_err();
    assert_eq!(error.path.as_str(), "");
    assert!(
        error.message.contains("expected a tenant object"),
        "{error}"
    );
}

/// The same for an embedded catalog: the catalog, a feature, a requirement and a kind.
#[test]
fn an_array_in_place_of_a_catalog_object_is_refused_at_its_path() {
    let catalog = || {
        json!({
            "id": "acme-v2",
            "features": [
                {"key": "calls", "kind": "toggle", "default": true},
                {"key": "call_park", "kind": "toggle", "requires": [{"feature": "calls"}]},
                {"key": "max_channels", "kind": {"limit": {"min": 0, "max": 20}}, "default": 1},
                {"key": "mode", "kind": {"choice": {"options": ["a", "b"]}}},
                {"key": "codes", "kind": {"list": {"items": ["1", "2"]}}},
                {"key": "edit_settings", "kind": "toggle"}
            ],
            "self_service_gate": "edit_settings"
        })
    };
    let tenant = |catalog: Value| {
        json!({
            "version": 1, "tenant": "t", "catalog": catalog,
            "plan": {"id": "p", "features": "all"},
            "users": [{"id": "alice", "overrides": {"call_park": true}}]
        })
    };
    let ok = read_value(&tenant(catalog())).unwrap();
    validate(&ok).unwrap();

    let cases = [
        ("", "catalog"),
        ("/features/0", "catalog.features[0]"),
        ("/features/1/requires/0", "catalog.features[1].requires[0]"),
        ("/features/2/kind/limit", "catalog.features[2].kind.limit"),
        ("/features/3/kind/choice", "catalog.features[3].kind.choice"),
        ("/features/4/kind/list", "catalog.features[4].kind.list"),
    ];
    for (pointer, path) in cases {
        let mut def = catalog();
        let node = if pointer.is_empty() {
            &mut def
        } else {
            at(&mut def, pointer)
        };
        let fields: Vec<Value> = node.as_object().unwrap().values().cloned().collect();
        *node = Value::Array(fields);
        // Inside a tenant, and as a catalog document of its own.
        let error = read_value(&tenant(def.clone())).unwrap_err();
        assert!(
            error.path.as_str() == path || path.starts_with(error.path.as_str()),
            "{pointer}: {error}"
        );
        assert!(error.message.contains("sequence"), "{pointer}: {error}");
        let text = def.to_string();
        let mut json = serde_json::Deserializer::from_str(&text);
        let alone = read_document::<CatalogDef, _>(&mut json).unwrap_err();
        assert_eq!(
            alone.path.as_str(),
            path.trim_start_matches("catalog").trim_start_matches('.'),
            "{pointer}: {alone}"
        );
    }
}

/// Unknown fields are refused where they are, so a misspelt field never goes unnoticed.
#[test]
fn an_unknown_field_is_refused_at_its_object() {
    for (pointer, path) in [
        ("", ""),
        ("/plan", "plan"),
        ("/policy/chat", "policy.chat"),
        ("/templates/1", "templates[1]"),
        ("/users/2", "users[2]"),
        ("/users/0/endpoints/1", "users[0].endpoints[1]"),
        ("/devices/0", "devices[0]"),
    ] {
        let mut document = demo();
        let node = if pointer.is_empty() {
            &mut document
        } else {
            at(&mut document, pointer)
        };
        node["lockd"] = json!(true);
        let error = read_value(&document).unwrap_err();
        assert!(error.message.contains("unknown field `lockd`"), "{error}");
        let shown = error.path.as_str();
        assert!(
            shown == path
                || shown
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.ends_with("lockd")),
            "{pointer}: {error}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Values no feature takes: every source names the path and the feature
// ---------------------------------------------------------------------------------------------

/// The pointer to a value of `max_channels` in each place a document gives values, and the path
/// validation reports it at.
const SOURCES: &[(&str, &str)] = &[
    ("/policy/max_channels/value", "policy.max_channels.value"),
    (
        "/templates/0/values/max_channels",
        "templates[base].values.max_channels",
    ),
    (
        "/users/0/overrides/max_channels",
        "users[alice].overrides.max_channels",
    ),
];

/// A float, `null`, `-0`, integers past 64 bits or past the bounds, nested arrays and objects:
/// each a one-line problem with its path and the kind the feature expects.
#[test]
fn every_unreadable_value_is_named_with_its_path_in_every_source() {
    let shapes = [
        (json!(2.5), "expected an integer in 0..=100, found 2.5"),
        (json!(null), "expected an integer in 0..=100, found null"),
        (json!(-0.0), "expected an integer in 0..=100, found -0"),
        (
            json!(u64::MAX),
            "expected an integer in 0..=100, found 18446744073709551615",
        ),
        (json!(101), "101 is outside 0..=100"),
        (json!(-1), "-1 is outside 0..=100"),
        (json!("4"), "expected an integer in 0..=100, found \"4\""),
        (json!(true), "expected an integer in 0..=100, found true"),
        (
            json!([1, 2]),
            "expected an integer in 0..=100, found an array holding a number",
        ),
        (
            json!([["a"]]),
            "expected an integer in 0..=100, found an array holding an array",
        ),
        (
            json!({"value": 4}),
            "expected an integer in 0..=100, found an object",
        ),
    ];
    for (pointer, path) in SOURCES {
        for (shape, message) in &shapes {
            let mut document = demo();
            document["policy"]["max_channels"] = json!({"value": 0});
            put(&mut document, pointer, shape.clone());
            let found = problems(&document);
            let want = format!("{path}: {message}");
            assert!(
                found.iter().any(|p| p == &want),
                "{shape} at {pointer}: want {want}, found {found:#?}"
            );
        }
    }
}

/// A plan's ceilings are typed (integers, option names, lists of entries, seat counts): a value
/// of another shape is refused while reading, at its path, naming the feature.
#[test]
fn a_plan_ceiling_of_the_wrong_shape_is_refused_at_its_path() {
    let cases = [
        (
            "/plan/limits/max_channels",
            json!(2.5),
            "floating point `2.5`, expected i64",
        ),
        (
            "/plan/limits/max_channels",
            json!(null),
            "null, expected i64",
        ),
        ("/plan/limits/max_channels", json!(u64::MAX), "expected i64"),
        (
            "/plan/limits/max_channels",
            json!([4]),
            "sequence, expected i64",
        ),
        (
            "/plan/choices/recordings_replay",
            json!(1),
            "integer `1`, expected a string",
        ),
        (
            "/plan/lists/allowed_country_codes",
            json!("any"),
            "expected a sequence",
        ),
        (
            "/plan/lists/allowed_country_codes/0",
            json!(48),
            "integer `48`, expected a string",
        ),
        (
            "/plan/seats/module_crm",
            json!(-1),
            "integer `-1`, expected u32",
        ),
    ];
    for (pointer, value, message) in cases {
        let mut document = demo();
        *at(&mut document, pointer) = value.clone();
        let error = read_value(&document).unwrap_err();
        let path = pointer
            .trim_start_matches('/')
            .replace("/0", "[0]")
            .replace('/', ".");
        assert_eq!(error.path, path, "{value} at {pointer}: {error}");
        assert!(
            error.message.contains(message),
            "{value} at {pointer}: {error}"
        );
    }
}

/// The same shapes given to a choice and to a list, and a user's preference.
#[test]
fn unreadable_values_of_other_kinds_are_named_too() {
    let cases = [
        (
            "/templates/2/values/recordings_replay",
            json!(1.5),
            "templates[support].values.recordings_replay: expected one of \"none\", \"own\", \"all\", found 1.5",
        ),
        (
            "/templates/2/values/recordings_replay",
            json!("everyone"),
            "templates[support].values.recordings_replay: unknown option \"everyone\"; expected one of \"none\", \"own\", \"all\"",
        ),
        (
            "/templates/1/values/allowed_country_codes",
            json!([48, 49]),
            "templates[sales].values.allowed_country_codes: expected an array of strings or \"any\", found an array holding a number",
        ),
        (
            "/users/0/overrides/allowed_country_codes",
            json!(null),
            "users[alice].overrides.allowed_country_codes: expected an array of strings or \"any\", found null",
        ),
        (
            "/users/1/preferences/chat",
            json!(-0.0),
            "users[bob].preferences.chat: expected a boolean, found -0",
        ),
        (
            "/users/1/preferences/chat",
            json!({"on": true}),
            "users[bob].preferences.chat: expected a boolean, found an object",
        ),
    ];
    for (pointer, value, want) in cases {
        let mut document = demo();
        put(&mut document, pointer, value.clone());
        let found = problems(&document);
        assert!(
            found.iter().any(|p| p == want),
            "{value} at {pointer}: want {want}, found {found:#?}"
        );
    }
}

/// `"any"` means every entry, so a list with a bound refuses it wherever it is given; an
/// unbounded list takes it.
#[test]
fn any_is_refused_by_a_bounded_list_in_every_source() {
    let bounded = "recordings_replay_others";
    let places = [
        ("/templates/2/values", "templates[support].values"),
        ("/users/1/overrides", "users[bob].overrides"),
    ];
    for (pointer, path) in places {
        let mut document = demo();
        at(&mut document, pointer)[bounded] = json!("any");
        let want = format!(
            "{path}.{bounded}: \"any\" is not allowed: this list holds at most 127 characters"
        );
        let found = problems(&document);
        assert!(found.contains(&want), "want {want}, found {found:#?}");
    }
    let mut document = demo();
    document["policy"][bounded] = json!({"value": "any", "locked": true});
    let found = problems(&document);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("policy.recordings_replay_others.value: \"any\"")),
        "{found:#?}"
    );

    // Unbounded: accepted everywhere.
    let mut document = demo();
    document["templates"][1]["values"]["allowed_country_codes"] = json!("any");
    document["users"][0]["overrides"]["allowed_country_codes"] = json!("any");
    assert_eq!(problems(&document), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Messages: escaped, bounded, one line per problem
// ---------------------------------------------------------------------------------------------

/// Ids holding a newline, NUL, ESC or a bidi override cannot forge a second problem line or
/// reorder what a terminal shows.
#[test]
fn control_and_bidi_characters_in_ids_are_escaped() {
    let forged = [
        "ghost\nusers[bob]: unknown role `admin`",
        "nul\u{0}byte",
        "esc\u{1b}[2Jclear",
        "rtl\u{202e}txt.exe",
        "zero\u{200b}width",
        "back\\slash",
    ];
    let mut document = demo();
    document["users"][0]["departments"] = json!(forged);
    document["users"][1]["roles"] = json!(forged);
    document["users"][2]["overrides"] = json!({ forged[0]: true, forged[3]: 1 });
    let tenant = read_value(&document).unwrap();
    let errors = validate(&tenant).unwrap_err();
    assert_eq!(errors.len(), forged.len() * 2 + 2, "{errors}");
    let text = errors.to_string();
    assert_eq!(text.lines().count(), errors.len() + 1, "{text}");
    for c in ['\u{0}', '\u{1b}', '\u{202e}', '\u{200b}'] {
        assert!(!text.contains(c), "{c:?} shown as itself: {text}");
    }
    assert!(
        text.contains(r"users[alice].departments: unknown department `ghost\u{a}users[bob]: unknown role `admin``"),
        "{text}"
    );
    assert!(
        text.contains(r"unknown department `rtl\u{202e}txt.exe`"),
        "{text}"
    );
    assert!(text.contains(r"unknown role `back\u{5c}slash`"), "{text}");
    assert!(
        text.contains(
            r"users[carol].overrides.ghost\u{a}users[bob]: unknown role `admin`: unknown feature"
        ),
        "{text}"
    );
}

/// A 10 MB id named in 100 problems: every problem is reported, each cut short.
#[test]
fn a_huge_id_in_many_problems_gives_a_small_report() {
    let huge = "x".repeat(10 * 1024 * 1024);
    let departments: Vec<String> = (0..100).map(|i| format!("nowhere{i}")).collect();
    let document = json!({
        "version": 1, "tenant": "t", "plan": {"id": "p", "features": "all"},
        "users": [{"id": huge, "departments": departments}]
    });
    // An entry whose id is past the bound is reported once, and not checked further.
    let errors = validate(&read_value(&document).unwrap()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    match &errors.problems()[0].problem {
        Problem::IdTooLong {
            what: "user",
            id,
            length,
            max: limits::ID_BYTES,
        } => {
            assert_eq!(*length, huge.len());
            assert!(id.len() <= KEPT_BYTES);
        }
        other => panic!("{other}"),
    }
    assert!(errors.to_string().len() < 1024, "{errors}");

    // The id as a reference, 100 times over (a 1 MB id: the document is 100 MB otherwise).
    let big = "y".repeat(1024 * 1024);
    let users: Vec<Value> = (0..100)
        .map(|i| json!({"id": format!("u{i}"), "departments": [big.as_str()]}))
        .collect();
    let document = json!({
        "version": 1, "tenant": "t", "plan": {"id": "p", "features": "all"}, "users": users
    });
    let errors = validate(&read_value(&document).unwrap()).unwrap_err();
    assert_eq!(errors.len(), 100);
    for invalid in &errors {
        match &invalid.problem {
            Problem::Unknown {
                what: "department",
                id,
            } => assert!(id.len() <= KEPT_BYTES),
            other => panic!("{other}"),
        }
    }
    let text = errors.to_string();
    assert!(text.len() < 100 * 1024, "{} bytes", text.len());
    assert!(
        text.contains(&format!("`{}…`", "y".repeat(SHOWN_CHARS))),
        "{text}"
    );
}

/// A choice past the option bound is reported as too many, not as a malformed list, and its
/// options are not echoed.
#[test]
fn a_choice_with_too_many_options_is_refused_briefly() {
    let options: Vec<String> = (0..70_000).map(|i| format!("option{i}")).collect();
    let document = json!({
        "version": 1, "tenant": "t",
        "catalog": {
            "id": "wide",
            "features": [{"key": "mode", "kind": {"choice": {"options": options}}}],
            "self_service_gate": null
        },
        "plan": {"id": "p", "features": "all"}
    });
    let errors = validate(&read_value(&document).unwrap()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(
        errors.problems()[0].problem,
        Problem::TooMany {
            what: "options",
            count: 70_000,
            max: limits::CHOICE_OPTIONS
        }
    );
    assert!(errors.to_string().len() < 200, "{errors}");
}

/// Unknown options and list items show a few of the expected names, then how many there are.
#[test]
fn expected_names_are_cut_after_a_few() {
    let items: Vec<String> = (0..1000).map(|i| format!("{i:04}")).collect();
    let document = json!({
        "version": 1, "tenant": "t",
        "catalog": {
            "id": "wide",
            "features": [{"key": "codes", "kind": {"list": {"items": items}}}],
            "self_service_gate": null
        },
        "plan": {"id": "p", "features": "all"},
        "users": [{"id": "u", "overrides": {"codes": ["0001", "nope"]}}]
    });
    let found = problems(&document);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0],
        "users[u].overrides.codes: \"nope\" is not an allowed entry; expected one of \"0000\", \
         \"0001\", \"0002\", \"0003\", \"0004\", \"0005\", \"0006\", \"0007\", … (1000 in all)"
    );
    assert!(matches!(
        validate(&read_value(&document).unwrap())
            .unwrap_err()
            .problems()[0]
            .problem,
        Problem::Value(ValueError::NotAnItem { items: 1000, .. })
    ));
}

/// A field name or a string value that the reader quotes cannot forge a line either.
#[test]
fn read_errors_escape_what_they_quote() {
    let mut document = demo();
    document["users"][0]["lo\ncked\u{202e}"] = json!(true);
    let error = read_value(&document).unwrap_err();
    assert!(
        !error.shown.contains('\n') && !error.shown.contains('\u{202e}'),
        "{error}"
    );
    assert!(error.path.starts_with("users[0]"), "{error}");

    let mut document = demo();
    document["users"][0]["endpoints"][0]["kind"] = json!("ext\nusers[1]: forged");
    let error = read_value(&document).unwrap_err();
    assert!(!error.shown.contains('\n'), "{error}");
    assert_eq!(error.path, "users[0].endpoints[0].kind", "{error}");
}

/// A user-adjustable bounded list refuses `"any"` as a user's own setting too.
#[test]
fn any_is_refused_by_a_bounded_list_as_a_preference() {
    let document = json!({
        "version": 1, "tenant": "t",
        "catalog": {
            "id": "prefs",
            "features": [
                {"key": "watch", "kind": {"list": {"max_chars": 20}}, "adjustable": true},
                {"key": "edit_settings", "kind": "toggle", "default": true}
            ],
            "self_service_gate": "edit_settings"
        },
        "plan": {"id": "p", "features": "all"},
        "users": [
            {"id": "u", "preferences": {"watch": "any"}},
            {"id": "v", "preferences": {"watch": ["201", "202"]}}
        ]
    });
    assert_eq!(
        problems(&document),
        [
            "users[u].preferences.watch: \"any\" is not allowed: this list holds at most 20 characters"
        ]
    );
}
