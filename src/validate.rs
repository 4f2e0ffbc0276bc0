//! Validation: plain model in, [`TenantIndex`] or every problem out (see the [guide](crate::guide::errors)).
//!
//! Validation walks the whole document and never stops at the first problem. Each problem
//! carries the path to the bad value (`users[alice].overrides.max_channels`). Work is linear in
//! the size of the input (plus sorting), and nothing recurses on user data, so hostile input
//! cannot make it loop, overflow the stack or panic.

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Feature, FeatureId, Refers};
use crate::dial::{DialClass, DialPrefix};
use crate::endpoints::{Endpoints, Overlap};
use crate::error::{At, Path, Problem, Problems, SHOWN_NAMES, ValidationErrors};
use crate::graph::dependency_order;
use crate::index::{
    Assignments, CompiledTemplate, DepartmentIx, DeviceEntry, DeviceIx, Endpoint, GroupEntry,
    ListTable, PlanCeiling, PolicySlot, RoleEntry, RoleIx, Scope, Setting, SourceRef, TemplateIx,
    TenantIndex, Unit, UnitIx, UserEntry, UserExtra, UserIx, UserRanges, handle, list_key,
};
use crate::limits;
use crate::model::{AdminScope, Availability, CatalogSource, SCHEMA_VERSION, Tenant, Values};
use crate::value::{Kind, ListValue, RawValue, Value};
use std::sync::Arc;

/// Validates a tenant against the catalog it names (`"standard"` or an embedded definition) and
/// builds its index, or returns every problem found.
///
/// ```
/// use pbx_entitlements::{model::Tenant, validate, Problem};
///
/// let tenant: Tenant = serde_json::from_str(r#"{
///     "version": 1, "tenant": "acme",
///     "plan": {"id": "starter", "features": "all"},
///     "users": [{"id": "alice", "departments": ["nowhere"],
///                "overrides": {"max_channels": 500, "teleport": true}}]
/// }"#).unwrap();
///
/// let errors = validate(&tenant).unwrap_err();
/// let paths: Vec<String> = errors.iter().map(|e| e.path.to_string()).collect();
/// assert_eq!(paths, [
///     "users[alice].departments",
///     "users[alice].overrides.max_channels",
///     "users[alice].overrides.teleport",
/// ]);
/// assert!(matches!(errors.problems()[2].problem, Problem::Unknown { what: "feature", .. }));
/// ```
///
/// # Errors
///
/// Every problem of the document, each with its path, in the order described on
/// [`ValidationErrors`]. A document that names a catalog by id (other than `standard`) is
/// refused with `Problem::Unknown { what: "catalog", .. }`: validate it with
/// [`validate_against`] and that catalog. An embedded catalog with problems is reported alone.
pub fn validate(tenant: &Tenant) -> Result<TenantIndex, ValidationErrors> {
    match &tenant.catalog {
        CatalogSource::Standard => index_tenant(tenant, Catalog::standard_shared()),
        CatalogSource::Custom(def) => index_tenant(tenant, Arc::new(def.build()?)),
        CatalogSource::Named(id) if id == crate::catalog::STANDARD_ID => {
            index_tenant(tenant, Catalog::standard_shared())
        }
        CatalogSource::Named(id) => Err(ValidationErrors::single(
            Path::root().field("catalog"),
            Problem::Unknown {
                what: "catalog",
                id: id.clone(),
            },
        )),
    }
}

/// Validates a tenant against a catalog the caller supplies: for vendors who keep their
/// catalog in code rather than in each document.
///
/// The document must name that catalog: by its id (`"catalog": "acme-v2"`, or `"standard"`
/// for [`Catalog::standard`]), or by embedding the same definition. Pass an
/// `Arc<Catalog>` to validate many tenants against one catalog without copying it; a
/// `Catalog` by value is moved into a new `Arc`.
///
/// ```
/// use std::sync::Arc;
/// use pbx_entitlements::{model::Tenant, validate_against, Catalog, FeatureDef, Problem};
///
/// let acme = Arc::new(
///     Catalog::builder("acme-v2")
///         .feature(FeatureDef::toggle("calls"))
///         .without_self_service_gate()
///         .build()?,
/// );
/// let tenant: Tenant = serde_json::from_str(r#"{
///     "version": 1, "tenant": "t1", "catalog": "acme-v2",
///     "plan": {"id": "basic", "features": "all"},
///     "users": [{"id": "alice", "overrides": {"calls": true}}]
/// }"#)?;
/// let index = validate_against(&tenant, Arc::clone(&acme))?;
/// assert_eq!(index.catalog().id(), "acme-v2");
///
/// // A document written for another catalog is refused, never silently re-read.
/// let other: Tenant = serde_json::from_str(r#"{
///     "version": 1, "tenant": "t2", "catalog": "standard",
///     "plan": {"id": "basic", "features": "all"}
/// }"#)?;
/// let errors = validate_against(&other, acme).unwrap_err();
/// assert_eq!(errors.problems()[0].path.as_str(), "catalog");
/// assert!(matches!(errors.problems()[0].problem, Problem::CatalogMismatch { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A document naming another catalog gives `Problem::CatalogMismatch` (or
/// `Problem::CatalogDiffers` for an embedded definition that is not the same catalog), reported
/// alone at the path `catalog`. Otherwise every problem of the document, as for [`validate`].
pub fn validate_against(
    tenant: &Tenant,
    catalog: impl Into<Arc<Catalog>>,
) -> Result<TenantIndex, ValidationErrors> {
    let catalog = catalog.into();
    let mismatch = match &tenant.catalog {
        CatalogSource::Custom(def) => {
            let embedded = def.build()?;
            (embedded != *catalog).then(|| {
                if embedded.id() == catalog.id() {
                    Problem::CatalogDiffers(catalog.id().to_owned())
                } else {
                    Problem::CatalogMismatch {
                        document: embedded.id().to_owned(),
                        given: catalog.id().to_owned(),
                    }
                }
            })
        }
        source => (source.id() != catalog.id()).then(|| Problem::CatalogMismatch {
            document: source.id().to_owned(),
            given: catalog.id().to_owned(),
        }),
    };
    if let Some(problem) = mismatch {
        return Err(ValidationErrors::single(
            Path::root().field("catalog"),
            problem,
        ));
    }
    index_tenant(tenant, catalog)
}

/// Checks a tenant against its catalog and builds the index.
///
/// O(D log D) time and O(D) memory in the document's size D: every section is sorted or
/// looked up by id, never searched per entry.
fn index_tenant(tenant: &Tenant, catalog: Arc<Catalog>) -> Result<TenantIndex, ValidationErrors> {
    let mut problems = Problems::default();
    let root = At::Root;
    if tenant.version != SCHEMA_VERSION {
        problems.push(
            root.field("version"),
            Problem::UnsupportedVersion {
                found: tenant.version,
                supported: SCHEMA_VERSION,
            },
        );
    }
    if tenant.tenant.as_str().is_empty() {
        problems.push(root.field("tenant"), Problem::EmptyId { what: "tenant" });
    }
    check_id_length(
        tenant.tenant.as_str(),
        "tenant",
        &root.field("tenant"),
        &mut problems,
    );
    check_id_length(
        tenant.plan.id.as_str(),
        "plan",
        &root.field("plan").field("id"),
        &mut problems,
    );
    let mut v = Validator {
        catalog: &catalog,
        problems,
        groups: Vec::new(),
        numbers: Vec::new(),
        endpoint_bytes: 0,
        scalars: BTreeMap::new(),
    };
    let defaults: Vec<Setting> = catalog
        .iter()
        .map(|(_, f)| v.setting(f.default().clone()))
        .collect();

    let templates = Names::of(&tenant.templates, &mut v.problems).looked_up();
    let departments = Names::of(&tenant.departments, &mut v.problems).looked_up();
    let roles = Names::of(&tenant.roles, &mut v.problems).looked_up();
    let groups = Names::of(&tenant.groups, &mut v.problems);
    v.groups = groups
        .order
        .iter()
        .filter_map(|&i| tenant.groups.get(i))
        .map(|g| g.id.as_str())
        .collect();
    let mut users = Names::of(&tenant.users, &mut v.problems).looked_up();
    let devices = Names::of(&tenant.devices, &mut v.problems);

    if let Some(code) = &tenant.home_country_code
        && !is_digits(code, 1, 3)
    {
        v.problems.push(
            root.field("home_country_code"),
            Problem::BadNumber(code.clone()),
        );
    }
    let mut emergency_numbers = Vec::new();
    for (i, number) in tenant.emergency_numbers.iter().enumerate() {
        if is_digits(number, 1, 15) {
            emergency_numbers.push(number.clone());
        } else {
            v.problems.push(
                Path::from(root.field("emergency_numbers")).at(i),
                Problem::BadNumber(number.clone()),
            );
        }
    }
    emergency_numbers.sort();
    emergency_numbers.dedup();

    let numbers_at = root.field("numbers");
    let departments_at = root.field("departments");
    let roles_at = root.field("roles");
    let groups_at = root.field("groups");
    let users_at = root.field("users");
    let devices_at = root.field("devices");
    let mut numbers = Vec::new();
    for (i, number) in tenant.numbers.iter().enumerate() {
        let path = numbers_at.index(i);
        let digits = number.number.strip_prefix('+').unwrap_or(&number.number);
        if !is_digits(digits, 1, 15) {
            v.problems.push(
                path.field("number"),
                Problem::BadNumber(number.number.clone()),
            );
        }
        for member in &number.members {
            users.resolve(
                member.as_str(),
                "user",
                &path.field("members"),
                &mut v.problems,
            );
        }
        numbers.push(number.clone());
    }
    numbers.sort_by(|a, b| a.number.cmp(&b.number));
    v.numbers = numbers.iter().map(|n| n.number.as_str()).collect();
    v.numbers.sort_unstable();

    let mut dial_plan = Vec::new();
    let dial_plan_at = root.field("dial_plan");
    for (class, field, prefixes) in [
        (DialClass::Special, "special", &tenant.dial_plan.special),
        (
            DialClass::OutOfPlan,
            "out_of_plan",
            &tenant.dial_plan.out_of_plan,
        ),
    ] {
        for (i, prefix) in prefixes.iter().enumerate() {
            if let Some(parsed) = DialPrefix::parse(class, prefix) {
                dial_plan.push(parsed);
            } else {
                v.problems.push(
                    Path::from(dial_plan_at.field(field)).at(i),
                    Problem::BadNumber(prefix.clone()),
                );
            }
        }
    }

    let plan = v.plan(tenant);
    let policy = v.policy(tenant);
    let compiled_templates = v.templates(tenant, &templates);

    let department_entries: Vec<Unit<crate::model::DepartmentId>> = departments
        .order
        .iter()
        .filter_map(|&i| tenant.departments.get(i))
        .map(|d| {
            let path = departments_at.key(d.id.as_str());
            Unit {
                id: d.id.clone(),
                template: d.template.as_ref().and_then(|t| {
                    templates
                        .resolve(
                            t.as_str(),
                            "template",
                            &path.field("template"),
                            &mut v.problems,
                        )
                        .map(TemplateIx)
                }),
                rank: d.rank,
            }
        })
        .collect();

    let role_entries: Vec<RoleEntry> = roles
        .order
        .iter()
        .filter_map(|&i| tenant.roles.get(i))
        .map(|r| {
            let path = roles_at.key(r.id.as_str());
            let template = r.template.as_ref().and_then(|t| {
                templates
                    .resolve(
                        t.as_str(),
                        "template",
                        &path.field("template"),
                        &mut v.problems,
                    )
                    .map(TemplateIx)
            });
            let administers = r.administers.as_ref().map(|scope| match scope {
                AdminScope::Tenant => Scope::Tenant,
                AdminScope::Units(ids) => {
                    let mut in_departments = Vec::new();
                    let mut in_roles = Vec::new();
                    for id in ids {
                        if let Some(d) = departments.get(id) {
                            in_departments.push(DepartmentIx(d));
                        } else if let Some(r) = roles.get(id) {
                            in_roles.push(RoleIx(r));
                        } else {
                            v.problems.push(
                                path.field("administers"),
                                Problem::Unknown {
                                    what: "department or role",
                                    id: id.clone(),
                                },
                            );
                        }
                    }
                    in_departments.sort();
                    in_departments.dedup();
                    in_roles.sort();
                    in_roles.dedup();
                    Scope::Units {
                        departments: in_departments,
                        roles: in_roles,
                    }
                }
            });
            RoleEntry {
                unit: Unit {
                    id: r.id.clone(),
                    template,
                    rank: r.rank,
                },
                administers,
            }
        })
        .collect();

    let group_entries = groups
        .order
        .iter()
        .filter_map(|&i| tenant.groups.get(i))
        .map(|g| {
            let path = groups_at.key(g.id.as_str());
            let mut members: Vec<UserIx> = g
                .members
                .iter()
                .filter_map(|m| {
                    users.resolve(m.as_str(), "user", &path.field("members"), &mut v.problems)
                })
                .map(UserIx)
                .collect();
            members.sort();
            members.dedup();
            GroupEntry {
                id: g.id.clone(),
                number: g.number.clone(),
                members,
            }
        })
        .collect();

    let mut user_entries: Vec<UserEntry> = Vec::with_capacity(users.order.len());
    for (h, &i) in users.order.iter().enumerate() {
        let Some(u) = tenant.users.get(i) else {
            continue;
        };
        let path = users_at.key(u.id.as_str());
        for (field, count) in [
            ("departments", u.departments.len()),
            ("roles", u.roles.len()),
        ] {
            if count > limits::MEMBERSHIPS {
                v.problems.push(
                    path.field(field),
                    Problem::TooMany {
                        what: field,
                        count,
                        max: limits::MEMBERSHIPS,
                    },
                );
            }
        }
        // Sized to the document's lists, so that boxing them does not reallocate.
        let mut in_departments: Vec<DepartmentIx> = Vec::with_capacity(u.departments.len());
        in_departments.extend(
            u.departments
                .iter()
                .filter_map(|d| {
                    departments.resolve(
                        d.as_str(),
                        "department",
                        &path.field("departments"),
                        &mut v.problems,
                    )
                })
                .map(DepartmentIx),
        );
        in_departments.sort_unstable();
        in_departments.dedup();
        let mut in_roles: Vec<RoleIx> = Vec::with_capacity(u.roles.len());
        in_roles.extend(
            u.roles
                .iter()
                .filter_map(|r| {
                    roles.resolve(r.as_str(), "role", &path.field("roles"), &mut v.problems)
                })
                .map(RoleIx),
        );
        in_roles.sort_unstable();
        in_roles.dedup();
        // In the model's field order, which is the order problems are reported in.
        let overrides = v.assignments(&u.overrides, &path.field("overrides"));
        let preferences = v.assignments(&u.preferences, &path.field("preferences"));
        let endpoints = v.endpoints(u, &path);
        let extra = UserExtra {
            name: u.name.clone(),
            overrides,
            preferences,
            dee: v.dee(u, &path),
        };
        user_entries.push(UserEntry {
            // From the names' buffer: the document's copy is a cache miss away.
            id: users.id(h).into(),
            departments: in_departments.into_boxed_slice(),
            roles: in_roles.into_boxed_slice(),
            endpoints: endpoints.into_boxed_slice(),
            detached: u.detached,
            extra: extra.boxed(),
        });
    }
    if v.endpoint_bytes > u32::MAX as usize {
        v.problems.push(
            users_at,
            Problem::TooMany {
                what: "bytes of endpoint ids",
                count: v.endpoint_bytes,
                max: u32::MAX as usize,
            },
        );
    }
    let (endpoints, overlaps) = Endpoints::new(&user_entries);
    report_overlaps(&user_entries, overlaps, &mut v.problems);
    let mut ranges: Vec<UserRanges> = user_entries
        .iter()
        .map(|u| UserRanges {
            detached: u.detached,
            ..UserRanges::default()
        })
        .collect();
    let (sources, units_by_priority) = template_sources(
        &department_entries,
        &role_entries,
        &user_entries,
        &mut ranges,
    );

    let mut device_entries = Vec::with_capacity(devices.order.len());
    // Each app id once, however many devices run the app.
    let mut apps: BTreeMap<&str, Arc<str>> = BTreeMap::new();
    // A user's devices usually sit together: remember the last owner found.
    let mut last_owner: Option<(&str, u32)> = None;
    for (h, &i) in devices.order.iter().enumerate() {
        let Some(d) = tenant.devices.get(i) else {
            continue;
        };
        let path = devices_at.key(d.id.as_str());
        let owner = match last_owner {
            Some((id, handle)) if id == d.owner.as_str() => Some(handle),
            _ => users.resolve(
                d.owner.as_str(),
                "user",
                &path.field("owner"),
                &mut v.problems,
            ),
        };
        if let Some(handle) = owner {
            last_owner = Some((d.owner.as_str(), handle));
        }
        let version = match d.version.parse() {
            Ok(version) => Some(version),
            Err(_) => {
                v.problems.push(
                    path.field("version"),
                    Problem::BadVersion(d.version.clone()),
                );
                None
            }
        };
        if let (Some(owner), Some(version)) = (owner, version) {
            device_entries.push(DeviceEntry {
                id: devices.id(h).into(),
                owner: UserIx(owner),
                platform: d.platform,
                app_id: Arc::clone(
                    apps.entry(d.app_id.as_str())
                        .or_insert_with(|| Arc::from(d.app_id.as_str())),
                ),
                version,
                last_seen: d.last_seen.unwrap_or(0),
                seen: d.last_seen.is_some(),
            });
        }
    }

    let Validator { problems, .. } = v;
    problems.finish(())?;
    numbers.dedup_by(|a, b| a.number == b.number);
    let mut index = TenantIndex {
        tenant: tenant.tenant.clone(),
        catalog: Arc::clone(&catalog),
        defaults,
        lists: ListTable::default(),
        home_country_code: tenant.home_country_code.clone(),
        emergency_numbers,
        numbers,
        dial_plan,
        plan,
        policy,
        templates: compiled_templates,
        departments: department_entries,
        roles: role_entries,
        groups: group_entries,
        endpoints,
        // The users and devices kept are the named ones, in the same order.
        user_positions: std::mem::take(&mut users.positions),
        device_positions: crate::fnv::BarePositions::hashed(&devices.hashes),
        users: user_entries,
        sources,
        units_by_priority,
        ranges,
        levels: Vec::new(),
        owned_devices: {
            let mut owned: Vec<(UserIx, DeviceIx)> = device_entries
                .iter()
                .enumerate()
                .map(|(d, entry)| (entry.owner, DeviceIx(handle(d))))
                .collect();
            owned.sort_unstable();
            owned
        },
        devices: device_entries,
    };
    assign_list_handles(&mut index);
    index.levels = user_levels(&index.users, &mut index.ranges);
    Ok(index)
}

/// The most template values, summed over all templates after applying their parents, that a
/// tenant may have (a million-user tenant with a few thousand templates needs far fewer).
const MAX_TEMPLATE_VALUES: usize = limits::TEMPLATE_VALUES;

/// Lays out every user's template sources in one array, in user order, with the priority each
/// department and role has in a `Ranked` merge: lowest rank first, ties broken by id (byte
/// order), departments before roles of the same rank and id.
///
/// O(M log M) for M memberships.
fn template_sources(
    departments: &[Unit<crate::model::DepartmentId>],
    roles: &[RoleEntry],
    users: &[UserEntry],
    ranges: &mut [UserRanges],
) -> (Vec<SourceRef>, Vec<UnitIx>) {
    let mut order: Vec<(i32, &str, UnitIx)> = departments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                d.rank,
                d.id.as_str(),
                UnitIx::Department(DepartmentIx(handle(i))),
            )
        })
        .chain(roles.iter().enumerate().map(|(i, r)| {
            (
                r.unit.rank,
                r.unit.id.as_str(),
                UnitIx::Role(RoleIx(handle(i))),
            )
        }))
        .collect();
    order.sort_by(|a, b| (a.0, a.1, a.2.is_role()).cmp(&(b.0, b.1, b.2.is_role())));
    let mut department_priority = vec![u32::MAX; departments.len()];
    let mut role_priority = vec![u32::MAX; roles.len()];
    let by_priority: Vec<UnitIx> = order.iter().map(|&(_, _, unit)| unit).collect();
    for (position, (_, _, unit)) in order.into_iter().enumerate() {
        let (table, i) = match unit {
            UnitIx::Department(d) => (&mut department_priority, d.index()),
            UnitIx::Role(r) => (&mut role_priority, r.index()),
        };
        if let Some(slot) = table.get_mut(i) {
            *slot = handle(position);
        }
    }

    // Sized once: one source per membership at most.
    let memberships = users
        .iter()
        .map(|u| u.departments.len().saturating_add(u.roles.len()))
        .fold(0usize, usize::saturating_add);
    let mut sources = Vec::with_capacity(memberships);
    for (user, range) in users.iter().zip(ranges) {
        let start = handle(sources.len());
        for d in &user.departments {
            if let (Some(unit), Some(&priority)) = (
                departments.get(d.index()),
                department_priority.get(d.index()),
            ) && let Some(template) = unit.template
            {
                sources.push(SourceRef { template, priority });
            }
        }
        for r in &user.roles {
            if let (Some(role), Some(&priority)) =
                (roles.get(r.index()), role_priority.get(r.index()))
                && let Some(template) = role.unit.template
            {
                sources.push(SourceRef { template, priority });
            }
        }
        range.sources = (start, handle(sources.len()));
    }
    sources.shrink_to_fit();
    (sources, by_priority)
}

/// Lays out every user's overrides and preferences as (feature, level) in one array, in user
/// order, so resolving users in order reads memory in order. Run after list handles are set.
///
/// O(total overrides and preferences).
fn user_levels(users: &[UserEntry], ranges: &mut [UserRanges]) -> Vec<(usize, i64)> {
    let count = users
        .iter()
        .map(|u| u.overrides().len().saturating_add(u.preferences().len()))
        .fold(0usize, usize::saturating_add);
    let mut levels = Vec::with_capacity(count);
    for (user, range) in users.iter().zip(ranges) {
        let start = handle(levels.len());
        levels.extend(user.overrides().iter().map(|(id, s)| (id.index(), s.level)));
        let middle = handle(levels.len());
        levels.extend(
            user.preferences()
                .iter()
                .map(|(id, s)| (id.index(), s.level)),
        );
        range.overrides = (start, middle);
        range.preferences = (middle, handle(levels.len()));
    }
    levels
}

/// Interns every list value of the index and stores each list setting's handle.
///
/// Handles follow the sorted order of the lists themselves (after the empty list and `Any`), so
/// they do not depend on the order in which the document listed anything.
///
/// O(L log L) comparisons for L list settings; each list is hashed and stored once.
fn assign_list_handles(index: &mut TenantIndex) {
    let mut settings: Vec<&mut Setting> = Vec::new();
    settings.extend(index.defaults.iter_mut());
    settings.extend(
        index
            .policy
            .iter_mut()
            .flatten()
            .map(|slot| &mut slot.setting),
    );
    settings.extend(index.plan.caps.iter_mut().flatten());
    for template in &mut index.templates {
        settings.extend(template.values.iter_mut().map(|(_, s)| s));
    }
    for extra in index
        .users
        .iter_mut()
        .filter_map(|u| u.extra.as_deref_mut())
    {
        settings.extend(extra.overrides.iter_mut().map(|(_, s)| s));
        settings.extend(extra.preferences.iter_mut().map(|(_, s)| s));
    }
    // Settings inherited through template parents share one allocation: number each shared
    // value once. The address only groups equal allocations; handles follow list order.
    let mut shared: Vec<(usize, Arc<Value>)> = settings
        .iter()
        .filter(|s| matches!(*s.value, Value::List(_)))
        .map(|s| (Arc::as_ptr(&s.value) as usize, Arc::clone(&s.value)))
        .collect();
    shared.sort_unstable_by_key(|(address, _)| *address);
    shared.dedup_by_key(|(address, _)| *address);
    let mut lists: Vec<(&ListValue, usize)> = shared
        .iter()
        .filter_map(|(address, value)| match &**value {
            Value::List(list) => Some((list, *address)),
            _ => None,
        })
        .collect();
    lists.sort_by(|a, b| list_key(a.0).cmp(&list_key(b.0)));
    let mut table = ListTable::with_bounds();
    let mut handle_of: BTreeMap<usize, i64> = BTreeMap::new();
    let mut previous: Option<(&ListValue, i64)> = None;
    for (list, address) in lists {
        let handle = match previous {
            Some((last, handle)) if last == list => handle,
            _ => table.intern(list),
        };
        previous = Some((list, handle));
        handle_of.insert(address, handle);
    }
    for setting in settings {
        if let Some(&handle) = handle_of.get(&(Arc::as_ptr(&setting.value) as usize)) {
            setting.level = handle;
        }
    }
    index.lists = table;
}

/// Reports an id longer than [`limits::ID_BYTES`].
fn check_id_length(id: &str, what: &'static str, path: &At<'_>, problems: &mut Problems) {
    if id.len() > limits::ID_BYTES {
        problems.push(
            path,
            Problem::IdTooLong {
                what,
                id: id.to_owned(),
                length: id.len(),
                max: limits::ID_BYTES,
            },
        );
    }
}

/// Ids of one collection, interned in id (byte) order.
///
/// A tenant's ids are small separate allocations spread over the heap: reading one costs a
/// cache miss. So each id is read once where possible: when the document lists entries in id
/// order (as exports do), one pass checks the order, hashes each id and copies it into one
/// buffer; later steps read the buffer.
struct Names {
    /// Document positions of the kept entries, in id order.
    order: Vec<usize>,
    /// The kept ids' FNV-1a hashes, in id order.
    hashes: Vec<u64>,
    /// The kept ids one after another, in id order; `ends[h]` is where id `h` ends.
    text: String,
    ends: Vec<u32>,
    /// The kept ids' handles by hash: every reference to an entry is looked up here.
    positions: crate::fnv::Positions,
}

/// Whether an entry's id can be kept: not empty, and not too long.
fn acceptable(id: &str) -> bool {
    !id.is_empty() && id.len() <= limits::ID_BYTES
}

/// A top-level collection of the document whose entries have ids.
trait Entry {
    /// The entry's kind, for messages (`user`).
    const WHAT: &'static str;
    /// The collection's field in the document (`users`).
    const FIELD: &'static str;
    fn id(&self) -> &str;
}

macro_rules! entries {
    ($($type:ty => $what:literal in $field:literal;)*) => {$(
        impl Entry for $type {
            const WHAT: &'static str = $what;
            const FIELD: &'static str = $field;
            fn id(&self) -> &str {
                self.id.as_str()
            }
        }
    )*};
}

entries! {
    crate::model::Template => "template" in "templates";
    crate::model::Department => "department" in "departments";
    crate::model::Role => "role" in "roles";
    crate::model::Group => "group" in "groups";
    crate::model::User => "user" in "users";
    crate::model::Device => "device" in "devices";
}

impl Names {
    /// Interns the ids of `items`; empty and repeated ids are reported (in document order) and
    /// the entry skipped, keeping the first of repeated ids.
    ///
    /// O(n) when the entries come in id order, O(n log n) otherwise.
    fn of<T: Entry>(items: &[T], problems: &mut Problems) -> Names {
        let mut names = Names {
            order: Vec::new(),
            hashes: Vec::new(),
            text: String::new(),
            ends: Vec::new(),
            positions: crate::fnv::Positions::default(),
        };
        let path = At::Root;
        let path = path.field(T::FIELD);
        if items.len() > u32::MAX as usize {
            problems.push(
                path,
                Problem::TooMany {
                    what: "entries",
                    count: items.len(),
                    max: u32::MAX as usize,
                },
            );
            return names;
        }
        if !names.take_in_order(items) {
            names.take_sorted(items, &path, problems);
        }
        // Lookup tables address id bytes with 32 bits.
        if names.text.len() > u32::MAX as usize {
            problems.push(
                path,
                Problem::TooMany {
                    what: "bytes of ids",
                    count: names.text.len(),
                    max: u32::MAX as usize,
                },
            );
        }
        names
    }

    /// Takes every id in one pass if the entries are in strictly increasing id order with
    /// valid ids; `false` (and nothing taken) otherwise.
    fn take_in_order<T: Entry>(&mut self, items: &[T]) -> bool {
        self.reserve(items.len());
        let mut last: Option<&str> = None;
        for (position, item) in items.iter().enumerate() {
            let id = item.id();
            if !acceptable(id) || last.is_some_and(|l| l >= id) {
                self.clear();
                return false;
            }
            last = Some(id);
            self.push(id, position);
        }
        true
    }

    /// Sorts the ids, drops and reports empty, too long and repeated ones.
    fn take_sorted<T: Entry>(&mut self, items: &[T], path: &At<'_>, problems: &mut Problems) {
        let what = T::WHAT;
        let mut keyed: Vec<(&str, usize)> = items.iter().map(T::id).zip(0..).collect();
        keyed.sort_unstable();
        let mut rejected: Vec<usize> = Vec::new();
        let mut last: Option<&str> = None;
        for (key, position) in keyed {
            if !acceptable(key) || last == Some(key) {
                rejected.push(position);
            } else {
                last = Some(key);
                self.push(key, position);
            }
        }
        rejected.sort_unstable();
        for position in rejected {
            let key = items.get(position).map(T::id).unwrap_or_default();
            if key.is_empty() {
                problems.push(path.index(position), Problem::EmptyId { what });
            } else if key.len() > limits::ID_BYTES {
                problems.push(
                    path.index(position),
                    Problem::IdTooLong {
                        what,
                        id: key.to_owned(),
                        length: key.len(),
                        max: limits::ID_BYTES,
                    },
                );
            } else {
                problems.push(
                    path.key(key),
                    Problem::Duplicate {
                        what,
                        id: key.to_owned(),
                    },
                );
            }
        }
    }

    fn reserve(&mut self, n: usize) {
        self.order.reserve(n);
        self.hashes.reserve(n);
        self.ends.reserve(n);
    }

    fn clear(&mut self) {
        self.order.clear();
        self.hashes.clear();
        self.text.clear();
        self.ends.clear();
    }

    fn push(&mut self, id: &str, position: usize) {
        self.order.push(position);
        self.hashes.push(crate::fnv::fnv1a64(id.as_bytes()));
        self.text.push_str(id);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// The id of handle `h`, read from the buffer.
    fn id(&self, h: usize) -> &str {
        let start = match h.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(h).copied().unwrap_or(0);
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The same names, ready to be looked up by id: for the collections other entries refer to
    /// by id (templates, departments, roles, users).
    fn looked_up(mut self) -> Names {
        self.positions = crate::fnv::Positions::hashed(&self.hashes, |h| self.id(h));
        self
    }

    /// The handle of `id`. O(1) typically.
    fn get(&self, id: &str) -> Option<u32> {
        self.positions
            .find(id)
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
    }

    /// The handle of `id`, or a reported `Unknown` problem at `path`.
    fn resolve(
        &self,
        id: &str,
        what: &'static str,
        path: &At<'_>,
        problems: &mut Problems,
    ) -> Option<u32> {
        let found = self.get(id);
        if found.is_none() {
            problems.push(
                path,
                Problem::Unknown {
                    what,
                    id: id.to_owned(),
                },
            );
        }
        found
    }
}

struct Validator<'c> {
    catalog: &'c Catalog,
    problems: Problems,
    /// The tenant's group ids, sorted, for lists whose entries name groups.
    groups: Vec<&'c str>,
    /// The tenant's numbers, sorted, for lists whose entries name numbers.
    numbers: Vec<&'c str>,
    /// The bytes of every endpoint id and DEE member kept: lookup tables address them with
    /// 32 bits.
    endpoint_bytes: usize,
    /// Each scalar value templates, overrides and preferences set, once per feature and level:
    /// most repeat a few values (`true`, `4`), and a value shared costs no allocation.
    scalars: BTreeMap<(FeatureId, i64), Arc<Value>>,
}

impl<'c> Validator<'c> {
    /// The feature id of `key`, or a reported `Unknown` problem at `path`.
    fn feature(&mut self, key: &str, path: &At<'_>) -> Option<(FeatureId, &'c Feature)> {
        let catalog = self.catalog;
        match catalog
            .feature_id(key)
            .and_then(|id| Some((id, catalog.get(id)?)))
        {
            Some(found) => Some(found),
            None => {
                self.problems.push(
                    path,
                    Problem::Unknown {
                        what: "feature",
                        id: key.to_owned(),
                    },
                );
                None
            }
        }
    }

    /// A document's value for `feature`, or its problems reported at `at`: the kind's own
    /// checks, then the entries of a list that names tenant entities (each group id must be a
    /// group of the tenant). O(k log U + k log G) for k entries.
    fn parse(
        &mut self,
        feature: &Feature,
        raw: &RawValue,
        sized: bool,
        at: &At<'_>,
    ) -> Option<Value> {
        let value = match feature.parse(raw, sized) {
            Ok(value) => value,
            Err(e) => {
                self.problems.push(at, e);
                return None;
            }
        };
        if let (Some(refers), Value::List(ListValue::Only(entries))) = (feature.refers_to(), &value)
        {
            let (what, known_ids) = match refers {
                Refers::Groups => ("group", &self.groups),
                Refers::Numbers => ("tenant number", &self.numbers),
            };
            let mut known = true;
            for entry in entries {
                if known_ids.binary_search(&entry.as_str()).is_err() {
                    known = false;
                    self.problems.push(
                        at,
                        Problem::Unknown {
                            what,
                            id: entry.clone(),
                        },
                    );
                }
            }
            if !known {
                return None;
            }
        }
        Some(value)
    }

    /// A template's, override's or preference's setting of `feature`: a scalar value shared
    /// with every equal one.
    fn shared_setting(&mut self, feature: FeatureId, value: Value) -> Setting {
        let Some(level) = value.level() else {
            return self.setting(value);
        };
        let shared = match self.scalars.entry((feature, level)) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                Arc::clone(slot.insert(Arc::new(value)))
            }
            // One feature's kind is fixed, so its level names one value; compared all the same.
            std::collections::btree_map::Entry::Occupied(slot) if **slot.get() == value => {
                Arc::clone(slot.get())
            }
            std::collections::btree_map::Entry::Occupied(_) => return self.setting(value),
        };
        Setting {
            value: shared,
            level,
        }
    }

    /// A value with its compact form. A list's handle is given later, by
    /// [`assign_list_handles`], once every list of the tenant is known.
    fn setting(&mut self, value: Value) -> Setting {
        let level = value.level().unwrap_or_default();
        Setting {
            value: Arc::new(value),
            level,
        }
    }

    /// Values keyed by feature key, typed and sorted by feature.
    ///
    /// O(k log k) for k values; each value's names are looked up in the catalog's sorted
    /// copy (O(log U)), never scanned.
    fn assignments(&mut self, values: &Values, path: &At<'_>) -> Assignments {
        let mut out = Vec::with_capacity(values.len());
        for (key, raw) in values {
            let at = path.field(key);
            if let Some((id, feature)) = self.feature(key, &at)
                && let Some(value) = self.parse(feature, raw, true, &at)
            {
                let setting = self.shared_setting(id, value);
                out.push((id, setting));
            }
        }
        out.sort_by_key(|(id, _)| *id);
        out
    }

    fn policy(&mut self, tenant: &Tenant) -> Vec<Option<PolicySlot>> {
        let mut slots = vec![None; self.catalog.len()];
        let path = At::Root;
        let path = path.field("policy");
        for (key, entry) in &tenant.policy {
            let at = path.field(key);
            let Some((id, feature)) = self.feature(key, &at) else {
                continue;
            };
            if let Some(value) = self.parse(feature, &entry.value, true, &at.field("value")) {
                let setting = self.setting(value);
                if let Some(slot) = slots.get_mut(id.index()) {
                    *slot = Some(PolicySlot {
                        setting,
                        locked: entry.locked,
                    });
                }
            }
        }
        slots
    }

    fn plan(&mut self, tenant: &Tenant) -> PlanCeiling {
        let plan = &tenant.plan;
        let n = self.catalog.len();
        let path = At::Root;
        let path = path.field("plan");
        let available = match &plan.features {
            Availability::All => vec![true; n],
            Availability::Only(keys) => {
                let mut available = vec![false; n];
                let features_at = path.field("features");
                for (i, key) in keys.iter().enumerate() {
                    if let Some((id, _)) = self.feature(key, &features_at.index(i))
                        && let Some(slot) = available.get_mut(id.index())
                    {
                        *slot = true;
                    }
                }
                available
            }
        };

        let mut caps = vec![None; n];
        let mut cap = |v: &mut Validator<'c>,
                       key: &str,
                       field: &str,
                       raw: RawValue,
                       fits: fn(&Kind) -> bool,
                       what| {
            let section = path.field(field);
            let at = section.field(key);
            let Some((id, feature)) = v.feature(key, &at) else {
                return;
            };
            let kind = feature.kind();
            if !fits(kind) {
                v.problems.push(
                    at,
                    Problem::WrongKind {
                        feature: key.to_owned(),
                        kind: kind.name(),
                        what,
                    },
                );
                return;
            }
            // A plan universe is a ceiling, not a user's list: list size bounds do not apply.
            if let Some(value) = v.parse(feature, &raw, false, &at) {
                let setting = v.setting(value);
                if let Some(slot) = caps.get_mut(id.index()) {
                    *slot = Some(setting);
                }
            }
        };
        for (key, max) in &plan.limits {
            cap(
                self,
                key,
                "limits",
                RawValue::Integer(*max),
                |k| matches!(k, Kind::Limit { .. }),
                "a plan maximum",
            );
        }
        for (key, option) in &plan.choices {
            cap(
                self,
                key,
                "choices",
                RawValue::Text(option.clone()),
                |k| matches!(k, Kind::Choice { .. }),
                "a plan highest option",
            );
        }
        for (key, items) in &plan.lists {
            cap(
                self,
                key,
                "lists",
                RawValue::List(items.clone()),
                |k| matches!(k, Kind::List { .. }),
                "a plan universe",
            );
        }

        let mut seats = vec![None; n];
        let seats_at = path.field("seats");
        for (key, count) in &plan.seats {
            let at = seats_at.field(key);
            let Some((id, feature)) = self.feature(key, &at) else {
                continue;
            };
            if feature.seats() {
                if let Some(slot) = seats.get_mut(id.index()) {
                    *slot = Some(*count);
                }
            } else {
                self.problems.push(
                    at,
                    Problem::WrongKind {
                        feature: key.clone(),
                        kind: feature.kind().name(),
                        what: "seats (the catalog does not sell it by the seat)",
                    },
                );
            }
        }

        PlanCeiling {
            id: plan.id.clone(),
            available,
            caps,
            seats,
            enforce_seats: plan.enforce_seats,
        }
    }

    /// Types each template's values and flattens parent chains (child entries win).
    ///
    /// O(T + V log V): parent chains are ordered once (cycles found in linear time), no
    /// deeper than `limits::TEMPLATE_DEPTH`, and the V flattened values are bounded by
    /// `limits::TEMPLATE_VALUES`.
    fn templates(&mut self, tenant: &Tenant, names: &Names) -> Vec<CompiledTemplate> {
        let path = At::Root;
        let path = path.field("templates");
        let mut own: Vec<Assignments> = Vec::with_capacity(names.order.len());
        let mut parents: Vec<Vec<usize>> = Vec::with_capacity(names.order.len());
        for &i in &names.order {
            let Some(t) = tenant.templates.get(i) else {
                continue;
            };
            let at = path.key(t.id.as_str());
            own.push(self.assignments(&t.values, &at.field("values")));
            let parent = t.parent.as_ref().and_then(|p| {
                names.resolve(
                    p.as_str(),
                    "template",
                    &at.field("parent"),
                    &mut self.problems,
                )
            });
            parents.push(parent.map(|p| vec![p as usize]).unwrap_or_default());
        }
        let id_of = |ix: usize| {
            names
                .order
                .get(ix)
                .and_then(|&i| tenant.templates.get(i))
                .map(|t| t.id.to_string())
                .unwrap_or_default()
        };
        let order = match dependency_order(own.len(), SHOWN_NAMES, |i| {
            parents.get(i).map_or(&[][..], Vec::as_slice)
        }) {
            Ok(order) => order,
            Err(cycles) => {
                for cycle in cycles {
                    let names: Vec<String> = cycle.nodes.iter().map(|&i| id_of(i)).collect();
                    let first = names.first().cloned().unwrap_or_default();
                    self.problems.push(
                        path.key(&first).field("parent"),
                        Problem::TemplateCycle {
                            names,
                            length: cycle.length,
                        },
                    );
                }
                return Vec::new();
            }
        };
        // Parent chains are bounded: report the first template past the limit on each chain.
        let mut depth = vec![0usize; own.len()];
        let mut too_deep = false;
        for &ix in &order {
            let parent_depth = parents
                .get(ix)
                .and_then(|p| p.first())
                .and_then(|&p| depth.get(p).copied())
                .unwrap_or(0);
            let d = parent_depth.saturating_add(1);
            if let Some(slot) = depth.get_mut(ix) {
                *slot = d;
            }
            if d == limits::TEMPLATE_DEPTH.saturating_add(1) {
                too_deep = true;
                self.problems.push(
                    path.key(&id_of(ix)).field("parent"),
                    Problem::TooDeep {
                        depth: d,
                        max: limits::TEMPLATE_DEPTH,
                    },
                );
            }
        }
        if too_deep {
            return Vec::new();
        }
        // Each flattened value with the template that set it, so explanations can credit it.
        let mut flat: Vec<Option<Vec<Sourced>>> = vec![None; own.len()];
        let mut inherited = 0usize;
        for ix in order {
            let parent_values = parents
                .get(ix)
                .and_then(|p| p.first())
                .and_then(|&p| flat.get(p).and_then(Option::as_ref))
                .map_or(&[][..], Vec::as_slice);
            let own_values: Vec<Sourced> = own
                .get(ix)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|(id, setting)| (*id, setting.clone(), TemplateIx(handle(ix))))
                .collect();
            let values = overlay(parent_values, &own_values);
            // Long parent chains over many features could otherwise make a small document
            // expand without bound.
            inherited = inherited.saturating_add(values.len());
            if inherited > MAX_TEMPLATE_VALUES {
                self.problems.push(
                    path,
                    Problem::TooMany {
                        what: "template values after applying parents",
                        count: inherited,
                        max: MAX_TEMPLATE_VALUES,
                    },
                );
                return Vec::new();
            }
            if let Some(slot) = flat.get_mut(ix) {
                *slot = Some(values);
            }
        }
        flat.into_iter()
            .enumerate()
            .map(|(ix, values)| {
                let (values, origins) = values
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(id, setting, origin)| ((id, setting), origin))
                    .unzip();
                (ix, values, origins)
            })
            .map(|(ix, values, origins)| CompiledTemplate {
                id: names
                    .order
                    .get(ix)
                    .and_then(|&i| tenant.templates.get(i))
                    .map(|t| t.id.clone())
                    .unwrap_or_default(),
                parent: parents
                    .get(ix)
                    .and_then(|p| p.first())
                    .map(|&p| TemplateIx(u32::try_from(p).unwrap_or(u32::MAX))),
                values,
                origins,
            })
            .collect()
    }

    /// A user's DEE members: non-empty, within the id bound, sorted and without repeats.
    fn dee(&mut self, user: &crate::model::User, path: &At<'_>) -> Vec<String> {
        let at = path.field("dee");
        let mut members = Vec::with_capacity(user.dee.len());
        for (i, member) in user.dee.iter().enumerate() {
            if member.is_empty() {
                self.problems
                    .push(at.index(i), Problem::EmptyId { what: "DEE member" });
            } else if member.len() > limits::ID_BYTES {
                check_id_length(member, "DEE member", &at.index(i), &mut self.problems);
            } else {
                self.endpoint_bytes = self.endpoint_bytes.saturating_add(member.len());
                members.push(member.clone());
            }
        }
        members.sort_unstable();
        members.dedup();
        members
    }

    fn endpoints(&mut self, user: &crate::model::User, path: &At<'_>) -> Vec<Endpoint> {
        let mut out = Vec::with_capacity(user.endpoints.len());
        let endpoints_at = path.field("endpoints");
        for (i, e) in user.endpoints.iter().enumerate() {
            let at = endpoints_at.index(i);
            if e.id.is_empty() {
                self.problems
                    .push(at.field("id"), Problem::EmptyId { what: "endpoint" });
                continue;
            }
            if e.id.len() > limits::ID_BYTES {
                check_id_length(&e.id, "endpoint", &at.field("id"), &mut self.problems);
                continue;
            }
            if let Some(to) = e.to
                && to <= e.from
            {
                self.problems
                    .push(at, Problem::EmptyRange { from: e.from, to });
                continue;
            }
            self.endpoint_bytes = self.endpoint_bytes.saturating_add(e.id.len());
            out.push(Endpoint {
                kind: e.kind,
                id: e.id.clone(),
                primary: e.primary,
                from: e.from,
                to: e.to,
            });
        }
        out.sort_by(|a, b| (a.kind, &a.id, a.from).cmp(&(b.kind, &b.id, b.from)));
        // One primary at a time (most users have one, or none: nothing to check).
        if out.iter().filter(|e| e.primary).nth(1).is_none() {
            return out;
        }
        let mut primaries: Vec<&Endpoint> = out.iter().filter(|e| e.primary).collect();
        primaries.sort_by_key(|e| e.from);
        let mut open: Option<&Endpoint> = None;
        for e in primaries {
            if let Some(prev) = open
                && prev.to.is_none_or(|to| e.from < to)
            {
                self.problems.push(
                    path.field("endpoints"),
                    Problem::SecondPrimary {
                        other: prev.id.clone(),
                    },
                );
            }
            if open.is_none_or(|prev| end(prev) < end(e)) {
                open = Some(e);
            }
        }
        out
    }
}

/// The end of an assignment; an open end lies after every instant, `i64::MAX` included.
fn end(e: &Endpoint) -> i128 {
    e.to.map_or(i128::MAX, i128::from)
}

/// A template value with the template (in a parent chain) that set it.
type Sourced = (FeatureId, Setting, TemplateIx);

/// `base` with `top`'s entries replacing or adding to it; both sorted by feature.
/// O((b + t) log(b + t)).
fn overlay(base: &[Sourced], top: &[Sourced]) -> Vec<Sourced> {
    let mut out: Vec<Sourced> = top.to_vec();
    out.extend(
        base.iter()
            .filter(|(id, _, _)| top.binary_search_by_key(id, |(t, _, _)| *t).is_err())
            .cloned(),
    );
    out.sort_by_key(|(id, _, _)| *id);
    out
}

/// Reports each endpoint held by two users at one instant (found while indexing endpoints):
/// extensions, then agent ids, then DEE members, each in id order, then by start.
fn report_overlaps(users: &[UserEntry], mut overlaps: Vec<Overlap<'_>>, problems: &mut Problems) {
    let rank = |what: &str| match what {
        "extension" => 0,
        "agent" => 1,
        _ => 2,
    };
    overlaps.sort_by(|a, b| {
        (rank(a.what), a.id, a.from, a.to, a.user).cmp(&(rank(b.what), b.id, b.from, b.to, b.user))
    });
    for o in overlaps {
        let (Some(user), Some(other)) = (users.get(o.user.index()), users.get(o.other.index()))
        else {
            continue;
        };
        let field = if o.what == "DEE member" {
            "dee"
        } else {
            "endpoints"
        };
        problems.push(
            Path::root().field("users").at(&user.id).field(field),
            Problem::OverlappingAssignment {
                endpoint: format!("{} {}", o.what, o.id),
                other_user: other.id.to_string(),
                from: o.from,
                to: o.to,
            },
        );
    }
}

/// Whether `s` is `min..=max` ASCII digits.
fn is_digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}
