//! Documents built to be expensive: each must give a clear error or a bounded result, in time
//! and memory linear in its size (plus sorting). None of these assert a time; a quadratic path
//! shows as a test that takes minutes instead of a fraction of a second.

use pbx_entitlements::model::{Department, Plan, Template, Tenant, User};
use pbx_entitlements::{ListValue, Resolver, keys, validate};

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
