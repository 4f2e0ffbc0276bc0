//! The audit of the reference tenant: one resolution of every user, the seat allocation and a
//! pass over the policy, the templates and every override and preference.
//!
//! Target (one core): the audit of the tenant < 200 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::{FindingKind, Resolver, validate};

mod workload;

fn audit(c: &mut Criterion) {
    let tenant = workload::tenant(workload::Shape::REFERENCE, 2026);
    let index = validate(&tenant).expect("the reference workload is valid");
    let findings = Resolver::new(&index).audit();
    eprintln!(
        "audit of the reference tenant ({} users): {} findings",
        index.users().len(),
        findings.len(),
    );
    for kind in FindingKind::ALL {
        let of_kind: Vec<_> = findings.of_kind(kind).collect();
        if let Some(first) = of_kind.first() {
            eprintln!("  {kind}: {}, e.g. {first}", of_kind.len());
        }
    }
    let mut group = c.benchmark_group("audit");
    group.sample_size(20);
    // A new resolver each time: the seat allocation the audit reads is part of the cost.
    group.bench_function("reference_tenant", |b| {
        b.iter(|| Resolver::new(black_box(&index)).audit().len())
    });
    group.finish();
}

criterion_group!(benches, audit);
criterion_main!(benches);
