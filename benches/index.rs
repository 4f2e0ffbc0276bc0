//! Building the tenant index from plain types (target: < 150 ms for the reference workload).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::validate;

mod workload;

fn build_index(c: &mut Criterion) {
    let tenant = workload::tenant(workload::Shape::REFERENCE, 2026);
    let mut group = c.benchmark_group("index");
    group.sample_size(20);
    group.bench_function("validate_reference_tenant", |b| {
        b.iter(|| validate(black_box(&tenant)).map(|index| index.users().len()))
    });
    group.finish();
}

criterion_group!(benches, build_index);
criterion_main!(benches);
