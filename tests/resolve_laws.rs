//! Laws of resolution (SPEC §3.2–§3.6) over generated tenants ([`resolution_tenant`] and
//! friends: the standard catalog, a quarter of the time with MostRestrictive and Ranked merge
//! rules on a few features), one property per law:
//!
//! 1. determinism: the order of anything in the document never shows in a result;
//! 2. no value exceeds its plan ceiling (restriction toggles aside);
//! 3. a locked feature equals the tenant policy value, unless the plan or a requirement says
//!    otherwise;
//! 4. self-preferences never raise a value, and removing one never lowers a value;
//! 5. a detached user does not see template changes;
//! 6. adding a department never lowers a MostPermissive value (precise statement below);
//! 7. a feature with an unmet requirement is off, and the plan never removes a restriction;
//! 8. a trace ends at the resolved value and starts at the catalog default;
//!
//! and resolving the whole tenant agrees with resolving each user.
//!
//! Values are compared as typed [`Value`]s via [`Entitlements::iter`], never as
//! `Entitlements`, whose list handles depend on the resolution that produced them.
//! Failure messages carry the tenant as JSON, ready to paste into a regression test.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use pbx_entitlements::model::{
    Availability, Department, PolicyEntry, Template, Tenant, User, Values,
};
use pbx_entitlements::resolve::{Effect, Layer, Origin};
use pbx_entitlements::{
    Catalog, Entitlements, FeatureId, Kind, MergeRule, RawValue, Resolver, TenantIndex, Value,
    validate,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::Index;

/// One user's effective values, in catalog order.
type Row = Vec<(String, Value)>;

/// The tenant as JSON, for failure messages.
fn json(t: &Tenant) -> String {
    serde_json::to_string(t).unwrap_or_else(|e| format!("<unserialisable: {e}>"))
}

/// The index of a tenant the generators promise is valid.
fn index(t: &Tenant) -> TenantIndex {
    match validate(t) {
        Ok(index) => index,
        Err(e) => panic!("a generated tenant is invalid: {e}\n{}", json(t)),
    }
}

fn row(e: &Entitlements) -> Row {
    e.iter().map(|(_, key, v)| (key.to_owned(), v)).collect()
}

/// The entitlements of the user with this id, who must exist.
fn user(r: &Resolver<'_>, id: &str) -> Entitlements {
    r.user(id)
        .unwrap_or_else(|e| panic!("user {id} does not resolve: {e}"))
}

/// Every user's effective values, by user id.
fn resolve_all(index: &TenantIndex) -> BTreeMap<String, Row> {
    let r = Resolver::new(index);
    index
        .users()
        .iter()
        .map(|u| (u.id().to_string(), row(&user(&r, u.id().as_str()))))
        .collect()
}

/// The kind of a feature of `catalog`.
fn kind(catalog: &Catalog, id: FeatureId) -> &Kind {
    catalog
        .get(id)
        .unwrap_or_else(|| panic!("feature {id} is not in the catalog"))
        .kind()
}

/// Whether the model's plan includes `key` (SPEC §11: `"all"` or a list of keys).
fn in_plan(t: &Tenant, key: &str) -> bool {
    match &t.plan.features {
        Availability::All => true,
        Availability::Only(keys) => keys.iter().any(|k| k == key),
    }
}

/// The model plan's cap of `key` (maximum, highest option or universe) as a typed value.
fn plan_cap(t: &Tenant, kind: &Kind, key: &str) -> Option<Value> {
    let raw = t
        .plan
        .limits
        .get(key)
        .map(|n| RawValue::Integer(*n))
        .or_else(|| t.plan.choices.get(key).map(|o| RawValue::Text(o.clone())))
        .or_else(|| t.plan.lists.get(key).map(|l| RawValue::List(l.clone())))?;
    // A plan universe is a ceiling, not a user's list: list size bounds do not apply.
    let kind = kind.without_size_bounds();
    Some(
        kind.parse(&raw)
            .unwrap_or_else(|e| panic!("plan cap of {key}: {e}")),
    )
}

/// The key of the first requirement of `id` that the effective values `e` do not meet.
fn unmet_requirement(catalog: &Catalog, e: &Entitlements, id: FeatureId) -> Option<String> {
    let feature = catalog.get(id)?;
    feature
        .requires()
        .iter()
        .find(|r| {
            let have = e.get(r.feature).expect("a required feature has a value");
            !r.condition.holds(kind(catalog, r.feature), &have)
        })
        .map(|r| catalog.key(r.feature).to_owned())
}

/// Asserts that every value in `low` is permitted by the same user's value in `high`.
fn assert_permits(
    high: &BTreeMap<String, Row>,
    low: &BTreeMap<String, Row>,
    what: &str,
    t: &Tenant,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(high.len(), low.len());
    for (id, low_row) in low {
        let high_row = &high[id];
        for ((key, lo), (_, hi)) in low_row.iter().zip(high_row) {
            prop_assert!(
                hi.permits(lo),
                "{}: {}.{} is {:?}, above {:?}\n{}",
                what,
                id,
                key,
                lo,
                hi,
                json(t)
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generators specific to these laws
// ---------------------------------------------------------------------------------------------

/// A [`resolution_tenant`] whose plan is, half of the time, a [`capped_plan`].
fn mixed_plan_tenant() -> impl Strategy<Value = Tenant> {
    (resolution_tenant(), option::of(capped_plan())).prop_map(|(mut t, plan)| {
        if let Some(plan) = plan {
            t.plan = plan;
        }
        t
    })
}

/// A [`mixed_plan_tenant`] with up to 4 more locked policy entries from [`FEATURE_POOL`]: the
/// very features templates, overrides and preferences name.
fn locked_tenant() -> impl Strategy<Value = Tenant> {
    (mixed_plan_tenant(), valid_values(4)).prop_map(|(mut t, locks)| {
        for (key, value) in locks {
            t.policy.insert(key, {
                let mut v = PolicyEntry::new(value);
                v.locked = true;
                v
            });
        }
        t
    })
}

/// A [`resolution_tenant`] whose users have [`preference_values`].
fn preference_tenant() -> impl Strategy<Value = Tenant> {
    (
        resolution_tenant(),
        vec(preference_values(), USER_IDS.len()),
    )
        .prop_map(|(mut t, prefs)| {
            for (user, prefs) in t.users.iter_mut().zip(prefs) {
                user.preferences = prefs;
            }
            t
        })
}

/// Ids for a new department: before, between and after every id of [`DEPARTMENT_IDS`], so
/// that the new template comes first, in the middle or last when templates are combined.
const NEW_DEPARTMENT_IDS: &[&str] = &["extra", "pr", "zone"];

/// `t` with a new template `extra` holding `values`, a new department `department` using it at
/// `rank`, and the user `who` in that department.
fn with_extra_department(
    t: &Tenant,
    who: &str,
    department: &str,
    values: Values,
    rank: i32,
) -> Tenant {
    let mut t = t.clone();
    t.templates.push({
        let mut v = Template::new("extra");
        v.parent = None;
        v.values = values;
        v
    });
    t.departments.push({
        let mut v = Department::new(department);
        v.template = Some("extra".into());
        v.rank = rank;
        v
    });
    for u in t.users.iter_mut().filter(|u| u.id.as_str() == who) {
        u.departments.push(department.into());
    }
    t
}

/// Features for which resolution is not monotone in the template layer's output, so law 6
/// cannot hold end to end:
/// - a feature whose merge rule is not MostPermissive (the standard catalog has none,
///   [`varied_merges`] makes some);
/// - a restriction toggle with a requirement: its off value (`false`, §3.1) is its *top*, so
///   raising the required feature can switch the restriction back on (`tags_required` when
///   `tag_calls` is granted);
/// - a feature requiring a restriction toggle (`On` means "restricting": raising the target
///   unmeets it) or requiring any feature of this set.
fn not_monotone(catalog: &Catalog) -> BTreeSet<FeatureId> {
    fn visit(catalog: &Catalog, id: FeatureId, memo: &mut BTreeMap<FeatureId, bool>) -> bool {
        if let Some(known) = memo.get(&id) {
            return *known;
        }
        let feature = catalog.get(id).expect("catalog feature");
        let requires = feature.requires();
        let unstable = feature.merge() != MergeRule::MostPermissive
            || (!requires.is_empty()
                && (*feature.kind() == Kind::Restriction
                    || requires.iter().any(|r| {
                        *kind(catalog, r.feature) == Kind::Restriction
                            || visit(catalog, r.feature, memo)
                    })));
        memo.insert(id, unstable);
        unstable
    }
    let mut memo = BTreeMap::new();
    catalog
        .iter()
        .map(|(id, _)| id)
        .filter(|&id| visit(catalog, id, &mut memo))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The laws
// ---------------------------------------------------------------------------------------------

/// 128 cases per law (about 3 s in debug for the whole file), unless `PROPTEST_CASES` says
/// otherwise, for longer hunts.
fn config() -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(128)
    }
}

proptest! {
    #![proptest_config(config())]

    /// Law 1 (§1 "Deterministic"): listing departments, roles, templates, overrides, users,
    /// policy entries, plan entries, preferences … in another order gives the same effective
    /// values for every user, the same serialised tenant, the same template values and the same
    /// traces (whose sources are in a documented, fixed order).
    #[test]
    fn law1_resolution_is_independent_of_document_order(
        t in resolution_tenant(),
        seed in any::<u64>(),
    ) {
        let shuffled = shuffle_tenant(&t, seed);
        let (a, b) = (index(&t), index(&shuffled));
        let (ra, rb) = (Resolver::new(&a), Resolver::new(&b));
        prop_assert_eq!(
            serde_json::to_string(&ra.tenant()).expect("serialises"),
            serde_json::to_string(&rb.tenant()).expect("serialises"),
            "{}", json(&t)
        );
        for u in a.users() {
            let id = u.id().as_str();
            prop_assert_eq!(row(&user(&ra, id)), row(&user(&rb, id)), "user {}\n{}", id, json(&t));
            let (ua, ub) = (a.user_ix(id).expect("user"), b.user_ix(id).expect("user"));
            prop_assert_eq!(ra.template_values(ua), rb.template_values(ub), "user {}", id);
            for &key in FEATURE_POOL {
                prop_assert_eq!(
                    ra.explain(id, key), rb.explain(id, key),
                    "trace of {}.{}\n{}", id, key, json(&t)
                );
            }
        }
    }

    /// Law 2 (§3.2 layer 5, plan): under a plan that includes only some features and caps
    /// limits, choices and lists, every user's value of a capped feature is permitted by the
    /// cap, and a feature the plan does not include is `kind.off()`. Restriction toggles are
    /// exempt: the plan never removes a restriction (law 7 checks that).
    #[test]
    fn law2_no_value_exceeds_its_plan_ceiling(
        t in (resolution_tenant(), capped_plan()).prop_map(|(mut t, plan)| {
            t.plan = plan;
            t
        }),
    ) {
        let ix = index(&t);
        let r = Resolver::new(&ix);
        let catalog = ix.catalog();
        for u in ix.users() {
            let e = user(&r, u.id().as_str());
            for (id, key, v) in e.iter() {
                let kind = kind(catalog, id);
                if *kind == Kind::Restriction {
                    continue;
                }
                if !in_plan(&t, key) {
                    prop_assert_eq!(
                        &v, &kind.off(),
                        "{}.{} is not in the plan\n{}", u.id(), key, json(&t)
                    );
                } else if let Some(cap) = plan_cap(&t, kind, key) {
                    prop_assert!(
                        cap.permits(&v),
                        "{}.{} = {:?} exceeds the plan's {:?}\n{}", u.id(), key, v, cap, json(&t)
                    );
                }
            }
        }
    }

    /// Law 3 (§3.2 layer 5, lock; §3.3): for a locked feature `f` with policy value `p`,
    /// whatever templates, overrides and preferences say, every user's value is exactly:
    /// - `kind.off()` if a requirement of `f` is unmet (layer 7 comes after the lock);
    /// - otherwise `p` if `f` is a restriction toggle (the plan binds rights only);
    /// - otherwise `kind.off()` if the plan does not include `f` (the plan wins over a lock);
    /// - otherwise `p` met with the plan's cap, if the plan caps `f`;
    /// - otherwise `p`.
    ///
    /// That is: a locked feature equals the policy value exactly when the plan includes it (or
    /// it is a restriction toggle), the plan's cap (if any) permits the policy value, and all
    /// its requirements hold.
    #[test]
    fn law3_a_locked_feature_equals_the_policy_value(t in locked_tenant()) {
        let ix = index(&t);
        let r = Resolver::new(&ix);
        let catalog = ix.catalog();
        let locked: Vec<(FeatureId, &str, Value)> = t
            .policy
            .iter()
            .filter(|(_, entry)| entry.locked)
            .map(|(key, entry)| {
                let id = catalog.feature_id(key).expect("policy key");
                let policy = kind(catalog, id).parse(&entry.value).expect("policy value");
                (id, key.as_str(), policy)
            })
            .collect();
        for u in ix.users() {
            let e = user(&r, u.id().as_str());
            for (id, key, policy) in &locked {
                let kind = kind(catalog, *id);
                let v = e.get(*id).expect("value");
                let expected = if unmet_requirement(catalog, &e, *id).is_some() {
                    kind.off()
                } else if *kind == Kind::Restriction {
                    policy.clone()
                } else if !in_plan(&t, key) {
                    kind.off()
                } else if let Some(cap) = plan_cap(&t, kind, key) {
                    policy.meet(&cap).expect("same kind")
                } else {
                    policy.clone()
                };
                prop_assert_eq!(
                    &v, &expected,
                    "{}.{} is locked at {:?}\n{}", u.id(), key, policy, json(&t)
                );
            }
        }
    }

    /// Law 4 (§3.2 layer 6, §3.6): preferences can only lower. With every user's preferences
    /// removed, every value permits the value with preferences; removing any single preference
    /// of any user never lowers any value of any user. Exactly: a preference for a feature
    /// without requirements gives the value without preferences met with the preference when
    /// the feature is user-adjustable, not locked and the user's gate (`edit_settings`) is on,
    /// and leaves it alone otherwise.
    ///
    /// This holds on the standard catalog because the self-service gate is not itself
    /// adjustable and no restriction toggle requires an adjustable feature (a preference that
    /// turned such a requirement off would switch the restriction off, which raises it).
    #[test]
    fn law4_self_preferences_never_raise_a_value(
        t in preference_tenant(),
        who in any::<Index>(),
        which in any::<Index>(),
    ) {
        let with_ix = index(&t);
        let with = resolve_all(&with_ix);

        let mut none = t.clone();
        for u in &mut none.users {
            u.preferences.clear();
        }
        let without = resolve_all(&index(&none));
        assert_permits(&without, &with, "with preferences", &t)?;

        // Exactly when a preference applies, for features no requirement touches.
        let catalog = with_ix.catalog();
        let gate = catalog.self_service_gate().map(|g| catalog.key(g));
        for u in &t.users {
            let id = u.id.as_str();
            let value_of = |values: &BTreeMap<String, Row>, key: &str| {
                values[id].iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
            };
            let gate_on = gate.is_none_or(|g| value_of(&with, g) == Some(Value::Toggle(true)));
            for (key, raw) in &u.preferences {
                let feature = catalog.by_key(key).expect("preference key");
                if !feature.requires().is_empty() {
                    continue;
                }
                let locked = t.policy.get(key).is_some_and(|e| e.locked);
                let before = value_of(&without, key).expect("value");
                let expected = if feature.adjustable() && !locked && gate_on {
                    let preference = feature.kind().parse(raw).expect("preference value");
                    before.meet(&preference).expect("same kind")
                } else {
                    before
                };
                prop_assert_eq!(
                    value_of(&with, key), Some(expected),
                    "{}.{} with preference {:?}\n{}", id, key, raw, json(&t)
                );
            }
        }

        if !t.users.is_empty() {
            let mut fewer = t.clone();
            let u = &mut fewer.users[who.index(t.users.len())];
            if !u.preferences.is_empty() {
                let i = which.index(u.preferences.len());
                u.preferences.shift_remove_index(i);
                let fewer_values = resolve_all(&index(&fewer));
                assert_permits(&fewer_values, &with, "with one more preference", &t)?;
            }
        }
    }

    /// Law 5 (§3.2 layer 3, §3.4): a detached user skips the template layer, so replacing every
    /// template's values (and dropping parents) changes none of a detached user's values, and
    /// no trace of a detached user names a template (or a merge of templates) as a source.
    #[test]
    fn law5_detached_users_do_not_see_template_changes(
        t in resolution_tenant(),
        new_values in vec(valid_values(3), TEMPLATE_IDS.len()),
        orphan in vec(any::<bool>(), TEMPLATE_IDS.len()),
    ) {
        let mut changed = t.clone();
        let templates = changed.templates.iter_mut().zip(new_values).zip(orphan);
        for ((template, values), orphan) in templates {
            template.values = values;
            if orphan {
                template.parent = None;
            }
        }
        let before = resolve_all(&index(&t));
        let changed_ix = index(&changed);
        let after = resolve_all(&changed_ix);
        let r = Resolver::new(&changed_ix);
        for u in t.users.iter().filter(|u| u.detached) {
            let id = u.id.as_str();
            prop_assert_eq!(&before[id], &after[id], "detached {}\n{}", id, json(&t));
            for &key in FEATURE_POOL {
                let trace = r.explain(id, key).expect("trace");
                prop_assert!(
                    trace
                        .steps
                        .iter()
                        .all(|s| !matches!(s.origin, Origin::Template { .. } | Origin::Merge(_))),
                    "detached {}.{}: {:?}\n{}", id, key, trace.steps, json(&changed)
                );
            }
        }
    }

    /// Law 6 (§3.2 layer 3, MostPermissive): templates REPLACE the policy value, so adding a
    /// department can lower a feature that none of the user's templates set before (the new
    /// template may set it below the policy value). The laws that do hold:
    ///
    /// (a) the template layer is monotone: after adding a department with any template, every
    ///     feature the user's templates set before ([`Resolver::template_values`]) is still
    ///     set, to a value that permits the old one (join, for MostPermissive features);
    ///
    /// (b) end to end: if the new department's template only sets features the user's
    ///     templates already set, then no effective value of that user is lowered, except
    ///     - features [`not_monotone`] in the template layer's output: a restriction toggle
    ///       with a requirement (`tags_required`, `note_required`) is switched back on when its
    ///       requirement becomes met, and a restriction toggle is "off" at its top;
    ///     - when the new department turns the self-service gate on for a user with
    ///       preferences: the user's own preferences then take effect and lower values (the
    ///       user's own choice, §3.6); such users are not compared;
    ///
    /// (c) every other user's values are unchanged.
    #[test]
    fn law6_adding_a_department_never_lowers_a_most_permissive_value(
        t in resolution_tenant(),
        who in any::<Index>(),
        extra in full_values(),
        keep in vec(any::<bool>(), FEATURE_POOL.len()),
        department in proptest::sample::select(NEW_DEPARTMENT_IDS),
        rank in -5i32..=20,
    ) {
        let mut t = t;
        if t.users.is_empty() {
            t.users.push(User::new("zoe"));
        }
        let before_ix = index(&t);
        let before_r = Resolver::new(&before_ix);
        let catalog = before_ix.catalog();
        let template_values = |r: &Resolver<'_>, ix: &TenantIndex, who: &str| {
            r.template_values(ix.user_ix(who).expect("user"))
                .expect("user")
                .into_iter()
                .collect::<BTreeMap<FeatureId, Value>>()
        };
        // The user: preferably an attached one whose templates set something, so that (b) has
        // work to do.
        let ids: Vec<&str> = t.users.iter().map(|u| u.id.as_str()).collect();
        let busy: Vec<&str> = t
            .users
            .iter()
            .filter(|u| !u.detached)
            .map(|u| u.id.as_str())
            .filter(|id| !template_values(&before_r, &before_ix, id).is_empty())
            .collect();
        let pool = if busy.is_empty() { &ids } else { &busy };
        let who = pool[who.index(pool.len())].to_owned();
        let set_before = template_values(&before_r, &before_ix, &who);
        let kept: Values = extra
            .iter()
            .zip(&keep)
            .filter(|(_, keep)| **keep)
            .map(|((key, value), _)| (key.clone(), value.clone()))
            .collect();

        // (a) The template layer.
        let any_extra = with_extra_department(&t, &who, department, kept, rank);
        let any_ix = index(&any_extra);
        let set_after = template_values(&Resolver::new(&any_ix), &any_ix, &who);
        for (id, old) in &set_before {
            if catalog.get(*id).expect("feature").merge() != MergeRule::MostPermissive {
                continue;
            }
            let new = set_after.get(id);
            prop_assert!(
                new.is_some_and(|new| new.permits(old)),
                "{}: templates set {} to {:?}, then {:?}\n{}",
                who, catalog.key(*id), old, new, json(&any_extra)
            );
        }

        // (b) and (c) End to end, with a template that only sets features already set.
        let only_set: Values = extra
            .into_iter()
            .filter(|(key, _)| catalog.feature_id(key).is_some_and(|id| set_before.contains_key(&id)))
            .collect();
        let grown = with_extra_department(&t, &who, department, only_set, rank);
        let before = resolve_all(&before_ix);
        let after = resolve_all(&index(&grown));
        let excluded = not_monotone(catalog);
        for (id, old_row) in &before {
            let new_row = &after[id];
            if *id != who {
                prop_assert_eq!(old_row, new_row, "bystander {}\n{}", id, json(&grown));
                continue;
            }
            let gate = catalog.self_service_gate().map(|g| catalog.key(g));
            let gate_flipped = gate.is_some_and(|g| {
                old_row.iter().find(|(k, _)| k == g) != new_row.iter().find(|(k, _)| k == g)
            });
            let has_preferences = t
                .users
                .iter()
                .any(|u| u.id.as_str() == who && !u.preferences.is_empty());
            if gate_flipped && has_preferences {
                continue;
            }
            for ((key, old), (_, new)) in old_row.iter().zip(new_row) {
                if catalog.feature_id(key).is_some_and(|f| excluded.contains(&f)) {
                    continue;
                }
                prop_assert!(
                    new.permits(old),
                    "{}.{} went from {:?} to {:?}\n{}", who, key, old, new, json(&grown)
                );
            }
        }
    }

    /// Law 7 (§3.2 layer 7, §3.1): for every user and every feature, if a requirement of the
    /// feature does not hold on the user's effective values (`Condition::holds` on the required
    /// feature's value), the feature is `kind.off()`. And the plan never removes a restriction
    /// toggle: adding every restriction toggle to the plan's feature list, or removing every one
    /// from it, changes no value of any user (a plan of `"all"` is the list of every key).
    #[test]
    fn law7_unmet_requirements_are_off_and_the_plan_keeps_restrictions(t in mixed_plan_tenant()) {
        let ix = index(&t);
        let r = Resolver::new(&ix);
        let catalog = ix.catalog();
        for u in ix.users() {
            let e = user(&r, u.id().as_str());
            for (id, key, v) in e.iter() {
                if let Some(target) = unmet_requirement(catalog, &e, id) {
                    prop_assert_eq!(
                        &v, &kind(catalog, id).off(),
                        "{}.{} requires {}\n{}", u.id(), key, target, json(&t)
                    );
                }
            }
        }

        let restrictions: BTreeSet<String> = catalog
            .iter()
            .filter(|(_, f)| *f.kind() == Kind::Restriction)
            .map(|(_, f)| f.key().to_owned())
            .collect();
        let bought: BTreeSet<String> = catalog
            .iter()
            .map(|(_, f)| f.key().to_owned())
            .filter(|key| in_plan(&t, key))
            .collect();
        let mut with = t.clone();
        with.plan.features = Availability::Only(bought.union(&restrictions).cloned().collect());
        let mut without = t.clone();
        without.plan.features =
            Availability::Only(bought.difference(&restrictions).cloned().collect());
        let as_is = resolve_all(&ix);
        let (added, removed) = (resolve_all(&index(&with)), resolve_all(&index(&without)));
        prop_assert_eq!(&as_is, &added, "restrictions added\n{}", json(&t));
        prop_assert_eq!(&as_is, &removed, "restrictions removed\n{}", json(&t));
    }

    /// Law 8 (§3.2 traces): for every user and every catalog feature, `explain` gives a trace
    /// whose value is the resolved value; its steps are non-empty, in pipeline (layer) order,
    /// the first being the catalog default; and the last step that took effect (not a losing
    /// or ignored candidate) carries the final value, so the trace says who decided it.
    #[test]
    fn law8_traces_end_at_the_resolved_value(t in locked_tenant()) {
        let ix = index(&t);
        let r = Resolver::new(&ix);
        let catalog = ix.catalog();
        for u in ix.users() {
            let id = u.id().as_str();
            let e = user(&r, id);
            for (fid, feature) in catalog.iter() {
                let key = feature.key();
                let trace = r.explain(id, key).expect("a trace for a known user and feature");
                let resolved = e.get(fid).expect("value");
                prop_assert_eq!(&trace.value, &resolved, "{}.{}\n{}", id, key, json(&t));
                prop_assert_eq!(trace.key.as_str(), key);
                prop_assert_eq!(trace.user.as_str(), id);
                let first = trace.steps.first().map(|s| (s.layer, &s.origin, &s.value, s.effect));
                prop_assert_eq!(
                    first,
                    Some((Layer::Default, &Origin::Catalog, feature.default(), Effect::Set)),
                    "{}.{}: {:?}", id, key, trace.steps
                );
                prop_assert!(
                    trace.steps.windows(2).all(|w| w[0].layer <= w[1].layer),
                    "{}.{}: steps out of order: {:?}\n{}", id, key, trace.steps, json(&t)
                );
                let decisive = trace.steps.iter().rev().find(|s| {
                    !matches!(
                        s.effect,
                        Effect::Lost
                            | Effect::IgnoredLocked
                            | Effect::IgnoredRaise
                            | Effect::IgnoredGate
                            | Effect::IgnoredNotAdjustable
                    )
                });
                prop_assert_eq!(
                    decisive.map(|s| &s.value), Some(&resolved),
                    "{}.{}: the last effective step is not the value: {}\n{:?}\n{}",
                    id, key, trace, trace.steps, json(&t)
                );
            }
        }
    }

    /// `Resolver::tenant` and `Resolver::user` / `resolve` agree for every user, and the tenant
    /// lists users in id order.
    #[test]
    fn the_tenant_and_each_user_resolve_alike(t in mixed_plan_tenant()) {
        let ix = index(&t);
        let r = Resolver::new(&ix);
        let all = r.tenant();
        prop_assert_eq!(all.len(), ix.users().len());
        prop_assert_eq!(all.is_empty(), t.users.is_empty());
        let listed: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
        let mut sorted: Vec<&str> = t.users.iter().map(|u| u.id.as_str()).collect();
        sorted.sort_unstable();
        prop_assert_eq!(listed, sorted);
        for u in ix.users() {
            let id = u.id().as_str();
            let ux = ix.user_ix(id).expect("user");
            let one = user(&r, id);
            let expected = row(&one);
            prop_assert_eq!(&row(&all.user(id).expect("user")), &expected, "{}\n{}", id, json(&t));
            prop_assert_eq!(&row(&all.user(ux).expect("user")), &expected, "{}", id);
            prop_assert_eq!(&row(&r.user(ux).expect("user")), &expected, "{}", id);
            prop_assert_eq!(
                serde_json::to_value(all.user(id).expect("user")).expect("serialises"),
                serde_json::to_value(&one).expect("serialises")
            );
        }
    }
}
