//! Dial decisions on the reference workload: one number decided for a user whose rights are
//! read, cycling through national, international, special and emergency numbers.
//!
//! Target (one core): one dial decision < 100 ns.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::model::DialPlan;
use pbx_entitlements::{Resolver, validate};

mod workload;

fn dial(c: &mut Criterion) {
    let mut tenant = workload::tenant(workload::Shape::REFERENCE, 2026);
    tenant.home_country_code = Some("48".into());
    tenant.emergency_numbers = vec!["112".into(), "997".into()];
    let mut plan = DialPlan::default();
    plan.special = vec!["0700".into(), "+4880".into()];
    plan.out_of_plan = vec!["+88".into()];
    tenant.dial_plan = plan;
    // The caller may call, internationally to two countries, and special numbers: every rule
    // is read (a user with calls off would stop at the second rule).
    let caller = tenant
        .users
        .iter_mut()
        .find(|u| u.id.as_str() == "u000042")
        .expect("the user exists");
    for key in ["calls", "international_calls", "special_numbers"] {
        caller.overrides.insert(key.into(), true.into());
    }
    caller
        .overrides
        .insert("allowed_country_codes".into(), vec!["49", "420"].into());
    let index = validate(&tenant).expect("the reference workload is valid");
    let resolver = Resolver::new(&index);
    let rights = resolver.dial_rights("u000042").expect("the user exists");
    let numbers = [
        "221234567",
        "+48221234567",
        "+4930123456",
        "+442071234567",
        "+12425550100",
        "0700123456",
        "112",
        "+420212345678",
    ];
    let mut next = 0usize;
    c.bench_function("dial/one_decision", |b| {
        b.iter(|| {
            next = (next + 1) % numbers.len();
            rights.dial(black_box(numbers[next])).map(|d| d.allowed)
        })
    });
}

criterion_group!(benches, dial);
criterion_main!(benches);
