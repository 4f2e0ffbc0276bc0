//! Building the tenant index from plain types (target: < 150 ms for the reference workload),
//! and reading the reference tenant from JSON (target: < 200 ms per 100 000 users).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::model::{Tenant, read_document};
use pbx_entitlements::validate;

mod workload;

fn build_index(c: &mut Criterion) {
    let tenant = workload::tenant(workload::Shape::REFERENCE, 2026);
    let mut group = c.benchmark_group("index");
    group.sample_size(20);
    // Building and then freeing the index, as a service that rebuilds it on every change does.
    group.bench_function("validate_reference_tenant", |b| {
        b.iter(|| validate(black_box(&tenant)).map(|index| index.users().len()))
    });
    // Building alone: the index is freed outside the measurement.
    group.bench_function("validate_reference_tenant_kept", |b| {
        b.iter_with_large_drop(|| validate(black_box(&tenant)))
    });
    group.finish();

    let json = serde_json::to_string(&tenant).expect("the tenant serialises");
    eprintln!("the reference tenant as JSON: {} bytes", json.len());
    let mut group = c.benchmark_group("json");
    group.sample_size(10);
    // serde_json straight into the model: the fastest read, without a path on errors.
    group.bench_function("from_str_100k_users", |b| {
        b.iter(|| serde_json::from_str::<Tenant>(black_box(&json)).map(|tenant| tenant.users.len()))
    });
    // The crate's reader: the same, keeping the path to a value it cannot read.
    group.bench_function("read_document_100k_users", |b| {
        b.iter(|| {
            let mut reader = serde_json::Deserializer::from_str(black_box(&json));
            read_document::<Tenant, _>(&mut reader).map(|tenant| tenant.users.len())
        })
    });
    group.finish();
}

criterion_group!(benches, build_index);
criterion_main!(benches);
