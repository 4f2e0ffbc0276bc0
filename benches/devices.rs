//! Devices, diffs, edits and seats on the reference workload (100 000 users, 2 devices each):
//! every device resolved, a full diff of two resolved tenants, one department's template edit
//! re-resolving its users, and the licence report.
//!
//! Targets (one core): devices < 100 ms, diff < 50 ms, a department edit (~1 000 users)
//! < 5 ms, licence report < 20 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::RawValue;
use pbx_entitlements::diff::Diff;
use pbx_entitlements::edit::{Affected, Edit};
use pbx_entitlements::{Resolver, validate};

mod workload;

fn devices(c: &mut Criterion) {
    let shape = workload::Shape::REFERENCE;
    let tenant = workload::tenant(shape, 2026);
    let index = validate(&tenant).expect("the reference workload is valid");
    let resolver = Resolver::new(&index);

    // One department's template edited: chat and voicemail flipped, a limit changed.
    let department = &tenant.departments[17];
    let template = department
        .template
        .clone()
        .expect("departments have templates");
    let mut values = tenant
        .templates
        .iter()
        .find(|t| t.id == template)
        .expect("the template exists")
        .values
        .clone();
    values.insert("chat".into(), RawValue::Bool(true));
    values.insert("max_channels".into(), RawValue::Integer(5));
    let edit = Edit::TemplateValues { template, values };
    let edited = edit.apply(&tenant).expect("the edit applies");
    let after_index = validate(&edited).expect("the edited tenant is valid");
    let after = Resolver::new(&after_index);
    if let Affected::Users(users) = edit.affected(&index) {
        eprintln!("the edit reaches {} users", users.len());
    }

    let mut group = c.benchmark_group("devices");
    group.sample_size(20);
    group.bench_function("every_device_200k", |b| b.iter(|| resolver.devices().len()));
    let (t1, t2) = (resolver.tenant(), after.tenant());
    let (d1, d2) = (resolver.devices(), after.devices());
    group.bench_function("diff_two_resolved_tenants", |b| {
        b.iter(|| {
            Diff::users(black_box(&t1), black_box(&t2)).len()
                + Diff::devices(black_box(&d1), black_box(&d2)).len()
        })
    });
    group.sample_size(100);
    group.bench_function("department_template_edit", |b| {
        b.iter(|| Diff::after_edit(black_box(&resolver), black_box(&after), &edit).len())
    });
    group.sample_size(20);
    group.bench_function("resolver_new", |b| {
        b.iter(|| Resolver::new(black_box(&index)).index().users().len())
    });
    group.bench_function("licence_report_first_call", |b| {
        b.iter(|| Resolver::new(black_box(&index)).licences().features.len())
    });
    group.finish();
}

criterion_group!(benches, devices);
criterion_main!(benches);
