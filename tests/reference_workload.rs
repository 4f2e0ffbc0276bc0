//! The benchmarks' generated workload stays a valid tenant, and its recordings read back, at a
//! size a debug test can afford (the benches validate the full size when they run).

#[path = "../benches/workload/mod.rs"]
mod workload;

use pbx_entitlements::recording::RecordingLog;
use pbx_entitlements::{Resolver, validate};

#[test]
fn a_small_reference_workload_is_valid_and_its_recordings_decide() {
    let shape = workload::Shape {
        users: 2_000,
        ..workload::Shape::REFERENCE
    };
    let tenant = workload::tenant(shape, 2026);
    let index = validate(&tenant).unwrap_or_else(|e| panic!("{e}"));
    let resolver = Resolver::new(&index);
    let log = workload::recordings(shape, 10_000, 7);
    assert_eq!(log, workload::recordings(shape, 10_000, 7), "deterministic");
    let viewer = resolver.recording_rights(workload::VIEWER).unwrap();
    let allowed = viewer.replayable(&log).count();
    // The viewer's own legs, groups and numbers match some recordings, not all.
    assert!(0 < allowed && allowed < log.len(), "{allowed}");
    let by_decision = log.iter().filter(|r| viewer.replay(r).allowed).count();
    assert_eq!(allowed, by_decision);
    // The compact log gives the same recordings, for every kind of viewer.
    let compact = RecordingLog::new(&log);
    for user in index
        .users()
        .iter()
        .step_by(97)
        .map(|u| u.id().as_str())
        .chain([workload::VIEWER])
    {
        let rights = resolver.recording_rights(user).unwrap();
        let plain: Vec<&str> = rights.replayable(&log).map(|r| r.id.as_str()).collect();
        let logged: Vec<&str> = rights
            .replayable_in(&compact)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(plain, logged, "{user}");
        let plain = rights.downloadable(&log).count();
        assert_eq!(plain, rights.downloadable_in(&compact).count(), "{user}");
    }
}

/// With distinct lists in every department's template, each user's merged list is the union
/// of their departments' lists, computed here from the model with the lattice's own join.
#[test]
fn merged_lists_of_the_lists_workload_are_unions_of_the_departments_lists() {
    use pbx_entitlements::ListValue;
    use pbx_entitlements::RawValue;

    let shape = workload::Shape {
        users: 2_000,
        ..workload::Shape::WITH_LISTS
    };
    let tenant = workload::tenant(shape, 2026);
    let index = validate(&tenant).unwrap_or_else(|e| panic!("{e}"));
    let resolved = Resolver::new(&index).tenant();
    let list_of = |department: &str| -> ListValue {
        let template = tenant
            .departments
            .iter()
            .find(|d| d.id.as_str() == department)
            .and_then(|d| d.template.as_ref())
            .and_then(|t| tenant.templates.iter().find(|x| &x.id == t))
            .expect("every department has its template");
        match template.values.get("caller_id_numbers") {
            Some(RawValue::List(items)) => ListValue::of(items.iter().map(String::as_str)),
            other => panic!("a list in every department template, found {other:?}"),
        }
    };
    let mut merged = 0;
    for user in &tenant.users {
        let expected = user
            .departments
            .iter()
            .map(|d| list_of(d.as_str()))
            .fold(ListValue::empty(), |a, b| a.join(&b));
        let e = resolved.user(user.id.as_str()).unwrap();
        assert_eq!(
            e.list("caller_id_numbers").unwrap(),
            &expected,
            "{}",
            user.id
        );
        merged += usize::from(user.departments.len() > 1);
    }
    assert!(
        merged > 500,
        "users in several departments merge lists: {merged}"
    );
}
