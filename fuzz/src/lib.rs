//! Shared code of the fuzz targets: one way to parse a tenant document, and one function,
//! [`exercise`], that drives every decision API of `pbx-entitlements` over a tenant and checks
//! the invariants the crate documents. New decision APIs join [`exercise`] so that every
//! target covers them.
//!
//! Checked invariants (a failure is a finding, reported as a panic with a message):
//! - validation errors: at least one problem, each with a non-empty path, every `Display`
//!   works;
//! - a valid tenant survives a JSON round trip (serialise, parse, compare);
//! - `validate_against` with the tenant's own catalog accepts what `validate` accepts;
//! - `Resolver::user` equals the row of `Resolver::tenant` for every user;
//! - every resolved value is admitted by its feature's kind, reads the same through `get` by
//!   id, by key, and through the kind's own getter; other kinds' getters say `WrongKind`;
//! - `explain(user, feature).value` equals the resolved value ("always equal to the resolved
//!   value", `Trace::value`);
//! - batch results validate; `detach` changes no effective value (its documented promise);
//! - attribution agrees with a scan of every user's assignments; download and delete allowed
//!   imply replay allowed; the bulk filters equal the single decisions; recording decisions and
//!   JSON answers never fail for known users.

use std::sync::Arc;

use pbx_entitlements::batch;
use pbx_entitlements::model::{Tenant, Values};
use pbx_entitlements::{
    Catalog, Entitlements, FeatureId, Kind, LookupError, RawValue, Resolver, TenantIndex,
    ValidationErrors, Value, keys, validate, validate_against,
};

/// How many users get every feature explained (explain runs the whole pipeline per call).
pub const EXPLAIN_USERS: usize = 20;
/// At most this many `explain` calls per input, whatever the catalog's size.
pub const EXPLAIN_CALLS: usize = 2_000;
/// Users resolved one by one and read feature by feature.
pub const READ_USERS: usize = 200;
/// Users a batch operation is applied to.
pub const BATCH_USERS: usize = 3;
/// Devices checked against every feature's device constraint.
pub const DEVICES: usize = 16;

/// The parse step of the JSON targets: one call, so it can be swapped (for example for
/// `model::read_document`).
pub fn parse_tenant(data: &[u8]) -> Option<Tenant> {
    match serde_json::from_slice::<Tenant>(data) {
        Ok(tenant) => Some(tenant),
        Err(_) => {
            // The path-reporting reader must refuse it too, with a printable error.
            let mut json = serde_json::Deserializer::from_slice(data);
            if let Err(e) = pbx_entitlements::model::read_document::<Tenant, _>(&mut json) {
                let _ = e.to_string();
            }
            None
        }
    }
}

/// Validates `tenant` and, if it is valid, drives every decision API over it.
pub fn exercise(tenant: &Tenant) {
    match validate(tenant) {
        Ok(index) => exercise_valid(tenant, &index),
        Err(errors) => check_errors(&errors),
    }
}

/// The documented shape of a validation failure.
pub fn check_errors(errors: &ValidationErrors) {
    assert!(!errors.is_empty(), "ValidationErrors holds no problem");
    assert_eq!(errors.len(), errors.problems().len());
    let _ = errors.to_string();
    for invalid in errors.iter() {
        let _ = invalid.to_string();
        let _ = invalid.problem.to_string();
        assert!(
            !invalid.path.as_str().is_empty(),
            "validation problem with an empty path: {invalid}"
        );
    }
}

fn exercise_valid(tenant: &Tenant, index: &TenantIndex) {
    let catalog = index.catalog();

    // A valid document is written back and read again unchanged.
    let text = serde_json::to_string(tenant).expect("a valid tenant serialises");
    let again: Tenant = serde_json::from_str(&text).expect("a serialised tenant parses");
    assert_eq!(&again, tenant, "tenant JSON round trip changed the tenant");

    // The document's own catalog, supplied by the caller, gives the same index.
    let same = validate_against(tenant, Arc::new(catalog.clone()))
        .expect("validate_against with the document's own catalog");
    assert_eq!(same.users().len(), index.users().len());

    let resolver = Resolver::new(index);
    let everyone = resolver.tenant();
    assert_eq!(everyone.len(), index.users().len());
    assert_eq!(everyone.iter().len(), everyone.len());
    let _ = everyone.bytes_per_user();
    serde_json::to_string(&everyone).expect("a resolved tenant serialises");

    let mut explained = 0usize;
    for (i, (id, row)) in everyone.iter().enumerate() {
        if i >= READ_USERS {
            break;
        }
        let one = resolver
            .user(id.as_str())
            .unwrap_or_else(|e| panic!("listed user {id:?} does not resolve: {e}"));
        assert!(
            one == row,
            "user {id:?}: Resolver::user differs from Resolver::tenant's row"
        );
        let by_handle = index
            .user_ix(id.as_str())
            .map(|ix| resolver.user(ix).expect("user by handle"));
        assert!(
            by_handle.is_some_and(|e| e == one),
            "user {id:?} by handle differs"
        );
        read_everything(&one, catalog);

        // One feature alone is the user's value, and a part holding the user agrees.
        for (feature, f) in catalog.iter().take(FEATURES_ALONE) {
            let alone = resolver
                .feature(id.as_str(), feature)
                .expect("a listed user");
            let whole = one.get(feature).expect("a catalog feature");
            assert!(
                alone == whole,
                "{id:?} {}: alone {alone} vs whole {whole}",
                f.key()
            );
        }
        let part = resolver.part(i..i.saturating_add(1));
        assert!(
            part.user(id.as_str()).is_ok_and(|e| e == one),
            "{id:?}: part differs"
        );

        let derived = resolver
            .template_values(id.as_str())
            .expect("template_values of a listed user");
        for (feature, value) in &derived {
            let f = catalog
                .get(*feature)
                .expect("template value of a known feature");
            assert!(
                f.kind().admits(value),
                "template value {value:?} of {} not admitted by its kind",
                f.key()
            );
        }

        if i < EXPLAIN_USERS {
            for (feature, f) in catalog.iter() {
                if explained >= EXPLAIN_CALLS {
                    break;
                }
                explained += 1;
                let trace = resolver
                    .explain(id.as_str(), feature)
                    .unwrap_or_else(|e| panic!("explain({id:?}, {}) failed: {e}", f.key()));
                let resolved = one.get(feature).expect("resolved value");
                assert_eq!(
                    trace.value,
                    resolved,
                    "explain({id:?}, {}) says {} but the user resolves to {}",
                    f.key(),
                    trace.value,
                    resolved
                );
                let _ = trace.to_string();
                serde_json::to_string(&trace).expect("a trace serialises");
            }
            // By key, as callers do.
            if let Some((_, f)) = catalog.iter().next() {
                resolver
                    .explain(id.as_str(), f.key())
                    .expect("explain by key");
            }
        }
    }
    assert!(matches!(
        resolver.user("\u{0}no such user"),
        Err(LookupError::UnknownUser(_))
    ));
    if let Some(user) = index.users().first() {
        assert!(matches!(
            resolver.explain(user.id().as_str(), "\u{0}no such feature"),
            Err(LookupError::UnknownFeature(_))
        ));
    }

    // Devices against every feature's device constraint.
    for device in index.devices().iter().take(DEVICES) {
        for (_, f) in catalog.iter() {
            let _ = f.device().check(device.platform(), device.version());
        }
    }

    // A shared resolver reads the same.
    let shared = Resolver::shared(Arc::new(index.clone()));
    if let Some(user) = index.users().first() {
        let id = user.id().as_str();
        assert!(shared.user(id).expect("shared") == resolver.user(id).expect("plain"));
    }

    exercise_batch(tenant, index, &resolver);
    exercise_recordings(index, &resolver);
    exercise_devices(index, &resolver);
}

/// Devices, seats and diffs: every device's projection agrees with the single-device call and
/// never holds what its owner lacks; seats are never granted past what was bought; a tenant
/// diffed with itself has no change.
fn exercise_devices(index: &TenantIndex, resolver: &Resolver<'_>) {
    use pbx_entitlements::diff::Diff;

    let everyone = resolver.tenant();
    let devices = resolver.devices();
    for (id, device) in devices.iter().take(DEVICES) {
        let single = resolver.device(id).expect("a known device");
        assert!(single == device, "devices() and device({id:?}) differ");
        let entry = index.device(id).expect("a known device");
        let owner = everyone.user(entry.owner()).expect("the owner resolves");
        for (fid, key, value) in device.iter() {
            let held = owner.get(fid).expect("the owner has every feature");
            let off = index.catalog().get(fid).expect("a feature").kind().off();
            assert!(
                value == held || value == off,
                "device {id:?} {key}: {value} vs owner {held}"
            );
        }
        let _ = resolver.explain_device(id, "chat").map(|t| t.to_string());
    }
    let report = resolver.licences();
    for seats in &report.features {
        assert!(seats.granted <= seats.bought as usize && seats.granted <= seats.wanted);
    }
    let _ = serde_json::to_string(&report).expect("the report serialises");
    let audit = resolver.audit();
    for finding in &audit {
        assert!(
            !finding.message.contains('\n'),
            "one line per finding: {finding:?}"
        );
    }
    let _ = serde_json::to_string(&audit).expect("the audit serialises");
    assert!(Diff::between(resolver, resolver).is_empty());
    let _ = index.device_list().search("1").rows().count();
}

/// Features per listed user computed alone and compared with the whole user.
pub const FEATURES_ALONE: usize = 80;

/// Users whose endpoints make recordings, and users who view them.
pub const RECORDING_USERS: usize = 8;

/// Attribution, recording rights and recording policy over recordings built from the tenant's
/// own endpoints, at the edges of every assignment.
fn exercise_recordings(index: &TenantIndex, resolver: &Resolver<'_>) {
    use pbx_entitlements::model::{Call, Direction, EndpointKind, Leg, Reach, Recording};
    use pbx_entitlements::question::{Answer, Question};

    let users = index.users();
    let mut log = Vec::new();
    for user in users.iter().take(RECORDING_USERS) {
        for e in user.endpoints() {
            let instants = [
                Some(e.from),
                e.from.checked_sub(1),
                e.to,
                e.to.and_then(|t| t.checked_sub(1)),
            ];
            for t in instants.into_iter().flatten() {
                let leg = match e.kind {
                    EndpointKind::Extension => Leg::extension(e.id.clone()),
                    _ => Leg::extension("\u{0}none").with_agent(e.id.clone()),
                };
                // The oracle: the one user holding it at t, by a scan.
                let holders: Vec<&str> = users
                    .iter()
                    .filter(|u| {
                        u.endpoints()
                            .iter()
                            .any(|x| x.kind == e.kind && x.id == e.id && x.holds_at(t))
                    })
                    .map(|u| u.id().as_str())
                    .collect();
                assert!(holders.len() <= 1, "{} held by {holders:?} at {t}", e.id);
                let owner = index.endpoints().owner_at(e.kind, &e.id, t);
                let owner = owner.and_then(|ix| index.user(ix)).map(|u| u.id().as_str());
                if holders.len() == 1 {
                    assert_eq!(owner, holders.first().copied(), "owner of {} at {t}", e.id);
                }
                let mut recording = Recording::new(format!("r{}", log.len()), t).with_leg(leg);
                if let Some(group) = index.groups().first() {
                    recording = recording.with_group(group.id().clone());
                }
                log.push(recording);
            }
        }
    }
    for viewer in users.iter().take(RECORDING_USERS) {
        let rights = resolver
            .recording_rights(viewer.id())
            .expect("a known viewer");
        for r in &log {
            let replay = rights.replay(r);
            assert_eq!(rights.may_replay(r), replay.allowed, "{}", replay.reason);
            let download = rights.download(r);
            let delete = rights.delete(r);
            assert!(!download.allowed || replay.allowed, "{}", download.reason);
            assert!(!delete.allowed || replay.allowed, "{}", delete.reason);
            let _ = (replay.to_string(), download.to_string(), delete.to_string());
        }
        let filtered: Vec<&str> = rights.replayable(&log).map(|r| r.id.as_str()).collect();
        let decided: Vec<&str> = log
            .iter()
            .filter(|r| rights.replay(r).allowed)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(filtered, decided);
        for target in users.iter().take(RECORDING_USERS) {
            let decision = resolver
                .listen_live(viewer.id(), target.id())
                .expect("known users");
            let _ = decision.to_string();
        }
        for (direction, reach) in [
            (Direction::Inbound, Reach::External),
            (Direction::Outbound, Reach::Internal),
        ] {
            let call = Call::new("c1", 0, viewer.id().clone(), direction, reach);
            let decision = resolver.record(&call).expect("a known user");
            assert!(!decision.notify || decision.record);
            let answer = resolver.answer(&Question::Record { call });
            assert!(!matches!(answer, Answer::Error { .. }), "{answer:?}");
        }
    }
    let unknown = Question::ListenLive {
        viewer: "\u{0}nobody".into(),
        target: "\u{0}nobody".into(),
    };
    assert!(matches!(resolver.answer(&unknown), Answer::Error { .. }));
}

/// Reads every feature of `e` through every getter.
pub fn read_everything(e: &Entitlements, catalog: &Catalog) {
    let _ = e.packed_bytes();
    let _ = e.catalog().id();
    let mut count = 0usize;
    for (id, key, value) in e.iter() {
        count += 1;
        let f = catalog.get(id).expect("iterated feature is in the catalog");
        assert_eq!(f.key(), key);
        let kind = f.kind();
        assert!(
            kind.admits(&value),
            "resolved value {value:?} of {key} is not admitted by its kind {kind:?}"
        );
        assert_eq!(e.get(id).as_ref(), Ok(&value), "get by id of {key}");
        assert_eq!(e.get(key).as_ref(), Ok(&value), "get by key of {key}");
        assert_eq!(
            e.get(key.to_owned()).as_ref(),
            Ok(&value),
            "get by String of {key}"
        );
        let _ = value.to_string();
        let on = e.is_on(id).expect("is_on of a known feature");
        assert_eq!(
            on,
            value != kind.off(),
            "is_on of {key} disagrees with its value"
        );
        if let Some(raw) = kind.render(&value) {
            // The size bounds of a list are input checks: a merged list may exceed them.
            if let Ok(back) = kind.parse(&raw) {
                assert_eq!(back, value, "render/parse of {key} changed the value");
            }
        } else {
            panic!("resolved value {value:?} of {key} does not render");
        }
        check_getters(e, id, key, kind, &value);
    }
    assert_eq!(count, catalog.len(), "iter does not yield every feature");
    serde_json::to_string(e).expect("entitlements serialise");

    // Typed keys of every kind: on a catalog without them, they read the closed value.
    let _: bool = e.get(keys::CALLS);
    let _: bool = e.get(keys::EDITION_IOS);
    let _: bool = e.get(keys::ONLY_OWN_LOGS);
    let _ = e.get(keys::DASHBOARD_LOGS);
    let _: i64 = e.get(keys::MAX_CHANNELS);
    let _: &str = e.get(keys::RECORDINGS_REPLAY);
    let _ = e.get(keys::CALLER_ID_NUMBERS);
    let _ = e.get(keys::ALLOWED_COUNTRY_CODES);
    assert!(matches!(
        e.get("\u{0}no such feature"),
        Err(LookupError::UnknownFeature(_))
    ));
}

fn check_getters(e: &Entitlements, id: FeatureId, key: &str, kind: &Kind, value: &Value) {
    let wrong = |r: Result<(), LookupError>, getter: &str| {
        assert!(
            matches!(r, Err(LookupError::WrongKind { .. })),
            "{getter}({key}) on a {} did not say WrongKind",
            kind.name()
        );
    };
    let toggle = e.toggle(id).map(drop);
    let restriction = e.restriction(id).map(drop);
    let access = e.access(id).map(drop);
    let limit = e.limit(id).map(drop);
    let choice = e.choice(id).map(drop);
    let list = e.list(id).map(drop);
    match (kind, value) {
        (Kind::Toggle, Value::Toggle(b)) => {
            assert_eq!(e.toggle(id), Ok(*b));
            assert_eq!(e.toggle(key), Ok(*b));
            for (r, g) in [
                (restriction, "restriction"),
                (access, "access"),
                (limit, "limit"),
            ] {
                wrong(r, g);
            }
            wrong(choice, "choice");
            wrong(list, "list");
        }
        (Kind::Restriction, Value::Restriction(b)) => {
            assert_eq!(e.restriction(id), Ok(*b));
            wrong(toggle, "toggle");
            wrong(access, "access");
            wrong(list, "list");
        }
        (Kind::Access, Value::Access(a)) => {
            assert_eq!(e.access(id), Ok(*a));
            wrong(toggle, "toggle");
            wrong(limit, "limit");
        }
        (Kind::Limit { .. }, Value::Limit(n)) => {
            assert_eq!(e.limit(id), Ok(*n));
            wrong(toggle, "toggle");
            wrong(choice, "choice");
        }
        (Kind::Choice { .. }, Value::Choice(c)) => {
            assert_eq!(e.choice(id), Ok(c.name()));
            wrong(limit, "limit");
            wrong(list, "list");
        }
        (Kind::List { .. }, Value::List(l)) => {
            assert_eq!(e.list(id), Ok(l));
            wrong(toggle, "toggle");
            wrong(limit, "limit");
        }
        _ => panic!("{key}: value {value:?} is not of kind {kind:?}"),
    }
}

/// The batch functions on the first users, each result validated.
fn exercise_batch(tenant: &Tenant, index: &TenantIndex, resolver: &Resolver<'_>) {
    let catalog = index.catalog();
    let users: Vec<&str> = tenant
        .users
        .iter()
        .take(BATCH_USERS)
        .map(|u| u.id.as_str())
        .collect();

    // An unknown user is refused, at batch.users[i].
    match batch::set_overrides(tenant, &["\u{0}nobody"], &Values::new()) {
        Ok(_) => panic!("set_overrides accepted an unknown user"),
        Err(errors) => check_errors(&errors),
    }

    // detach: no effective value changes.
    match batch::detach(tenant, &users) {
        Ok((next, report)) => {
            let _ = serde_json::to_string(&report);
            let index2 = validate(&next).expect("the tenant detach returned validates");
            let after = Resolver::new(&index2);
            for id in &users {
                let before = resolver.user(*id).expect("user before detach");
                let now = after.user(*id).expect("user after detach");
                if before != now {
                    let diff: Vec<String> = before
                        .iter()
                        .zip(now.iter())
                        .filter(|(a, b)| a.2 != b.2)
                        .map(|(a, b)| format!("{}: {} -> {}", a.1, a.2, b.2))
                        .collect();
                    panic!("detach changed effective values of {id:?}: {diff:?}");
                }
            }
            match batch::reapply_templates(&next, &users) {
                Ok((back, _)) => {
                    validate(&back).expect("the tenant reapply_templates returned validates");
                }
                Err(errors) => check_errors(&errors),
            }
        }
        Err(errors) => check_errors(&errors),
    }

    match batch::reapply_templates(tenant, &users) {
        Ok((next, _)) => {
            validate(&next).expect("the tenant reapply_templates returned validates");
        }
        Err(errors) => check_errors(&errors),
    }

    // set_overrides: values the first user resolves to, rendered, plus some closed values.
    let mut values = Values::new();
    if let Some(first) = users.first()
        && let Ok(e) = resolver.user(*first)
    {
        for (id, key, value) in e.iter().step_by(3).take(12) {
            if let Some(raw) = catalog.get(id).and_then(|f| f.kind().render(&value)) {
                values.insert(key.to_owned(), raw);
            }
        }
    }
    for (_, f) in catalog.iter().skip(1).step_by(7).take(6) {
        if let Some(raw) = f.kind().render(&f.kind().off()) {
            values.insert(f.key().to_owned(), raw);
        }
    }
    values.insert("\u{0}not a feature".to_owned(), RawValue::Bool(true));
    match batch::set_overrides(tenant, &users, &values) {
        Ok(_) if !users.is_empty() => panic!("set_overrides accepted an unknown feature"),
        Ok(_) => {}
        Err(errors) => check_errors(&errors),
    }
    values.shift_remove("\u{0}not a feature");
    match batch::set_overrides(tenant, &users, &values) {
        Ok((next, report)) => {
            validate(&next).expect("the tenant set_overrides returned validates");
            for change in &report.changes {
                assert!(change.overrides_set.is_sorted(), "overrides_set not sorted");
            }
        }
        Err(errors) => check_errors(&errors),
    }
}
