//! Re-resolving after an edit: `Diff::after_edit`, which resolves only the users an edit can
//! affect, equals the diff of two full resolutions, for random valid tenants and random edits.

mod common;

use common::*;
use pbx_entitlements::diff::Diff;
use pbx_entitlements::edit::{Affected, Edit};
use pbx_entitlements::model::{DepartmentId, RoleId, Tenant};
use pbx_entitlements::{Resolver, validate};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// An edit of one of the kinds a backend makes, naming the pools' ids (some of which the
/// tenant may lack: such an edit is refused by `apply` or by validation, and skipped).
fn arb_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (select(TEMPLATE_IDS), valid_values(4)).prop_map(|(t, values)| Edit::TemplateValues {
            template: t.into(),
            values,
        }),
        2 => (
            select(USER_IDS),
            subsequence(DEPARTMENT_IDS, 0..=2),
            subsequence(ROLE_IDS, 0..=2)
        )
            .prop_map(|(u, d, r)| Edit::Membership {
                user: u.into(),
                departments: d.into_iter().map(DepartmentId::from).collect(),
                roles: r.into_iter().map(RoleId::from).collect(),
            }),
        2 => (select(USER_IDS), valid_values(3))
            .prop_map(|(u, values)| Edit::Overrides { user: u.into(), values }),
        1 => (select(USER_IDS), values_from(ADJUSTABLE_POOL, 2))
            .prop_map(|(u, values)| Edit::Preferences { user: u.into(), values }),
        1 => valid_plan().prop_map(|p| Edit::Plan(Box::new(p))),
        1 => valid_policy().prop_map(Edit::Policy),
    ]
}

/// The edited tenant, if the edit applies and the result is valid.
fn edited(tenant: &Tenant, edit: &Edit) -> Option<Tenant> {
    let after = edit.apply(tenant).ok()?;
    validate(&after).ok()?;
    Some(after)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The incremental diff is the full diff.
    #[test]
    fn the_diff_after_an_edit_equals_the_diff_of_two_resolutions(
        tenant in valid_tenant(),
        edit in arb_edit(),
    ) {
        let after = edited(&tenant, &edit);
        prop_assume!(after.is_some(), "the edit names what the tenant lacks");
        let after = after.unwrap();
        let (b, a) = (validate(&tenant).unwrap(), validate(&after).unwrap());
        let (rb, ra) = (Resolver::new(&b), Resolver::new(&a));
        prop_assert_eq!(Diff::after_edit(&rb, &ra, &edit), Diff::between(&rb, &ra));
    }

    /// Users outside the affected set keep every value: the set is never too small.
    #[test]
    fn users_outside_the_affected_set_do_not_change(
        tenant in valid_tenant(),
        edit in arb_edit(),
    ) {
        let after = edited(&tenant, &edit);
        prop_assume!(after.is_some(), "the edit names what the tenant lacks");
        let after = after.unwrap();
        let (b, a) = (validate(&tenant).unwrap(), validate(&after).unwrap());
        let Affected::Users(users) = edit.affected(&b) else { return Ok(()) };
        let affected: Vec<&str> = users.iter().map(|&u| b.user(u).unwrap().id().as_str()).collect();
        let (rb, ra) = (Resolver::new(&b), Resolver::new(&a));
        for change in Diff::between(&rb, &ra).changes {
            if let pbx_entitlements::diff::Subject::User(id) = &change.subject {
                prop_assert!(affected.contains(&id.as_str()), "{id} changed: {change:?}");
            }
        }
    }
}

/// A template edit reaches the members of departments and roles using the template or a child
/// of it, but not detached users.
#[test]
fn a_template_edit_affects_who_inherits_it() {
    let tenant: Tenant = serde_json::from_value(serde_json::json!({
        "version": 1, "tenant": "t", "plan": {"id": "p", "features": "all"},
        "templates": [{"id": "base"}, {"id": "sales", "parent": "base"}, {"id": "other"}],
        "departments": [{"id": "sales", "template": "sales"}, {"id": "ops", "template": "other"}],
        "roles": [{"id": "lead", "template": "base"}],
        "users": [{"id": "a", "departments": ["sales"]}, {"id": "b", "departments": ["ops"]},
                  {"id": "c", "roles": ["lead"]}, {"id": "d", "departments": ["sales"], "detached": true}]
    }))
    .unwrap();
    let index = validate(&tenant).unwrap();
    let edit = Edit::TemplateValues {
        template: "base".into(),
        values: Default::default(),
    };
    let Affected::Users(users) = edit.affected(&index) else {
        panic!("some users")
    };
    let ids: Vec<&str> = users
        .iter()
        .map(|&u| index.user(u).unwrap().id().as_str())
        .collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(
        Edit::Plan(Box::new(tenant.plan.clone())).affected(&index),
        Affected::All
    );
    let unknown = Edit::Overrides {
        user: "zed".into(),
        values: Default::default(),
    };
    assert_eq!(
        unknown.apply(&tenant).unwrap_err().to_string(),
        "1 problem\n  edit.user: unknown user `zed`"
    );
}
