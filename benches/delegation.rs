//! Grant decisions on the reference workload: one admin with tenant scope, whose rights are
//! read once, deciding one value for one user.
//!
//! Target (one core): one grant decision < 200 ns.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::model::Role;
use pbx_entitlements::{RawValue, Resolver, validate};

mod workload;

fn delegation(c: &mut Criterion) {
    let mut tenant = workload::tenant(workload::Shape::REFERENCE, 2026);
    let mut admin = Role::new("admin");
    admin.administers = Some(pbx_entitlements::model::AdminScope::Tenant);
    tenant.roles.push(admin);
    let user = tenant
        .users
        .iter_mut()
        .find(|u| u.id.as_str() == "u000042")
        .expect("the user exists");
    user.roles.push("admin".into());
    user.overrides
        .insert("user_management".into(), RawValue::Text("write".into()));
    user.overrides
        .insert("max_channels".into(), RawValue::Integer(4));
    let index = validate(&tenant).expect("the reference workload is valid");
    let resolver = Resolver::new(&index);
    let targets: Vec<_> = (0..1000)
        .map(|i| {
            index
                .user_ix(&format!("u{:06}", i * 97))
                .expect("generated user")
        })
        .collect();
    let value = RawValue::Integer(3);
    let admin = resolver.admin_rights("u000042").expect("the admin exists");
    let mut next = 0usize;
    c.bench_function("grant/one_decision", |b| {
        b.iter(|| {
            next = (next + 1) % targets.len();
            admin
                .grant(black_box(targets[next]), "max_channels", &value)
                .map(|d| d.allowed)
        })
    });
}

criterion_group!(benches, delegation);
criterion_main!(benches);
