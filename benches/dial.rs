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
