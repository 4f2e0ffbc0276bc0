//! Resolution on the reference workload: one user (all features), the whole tenant,
//! one feature check on a resolved user, and one trace.
//!
//! Targets (one core): check < 5 ns, one user < 500 ns median, tenant < 50 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::{Resolver, keys, validate};

mod workload;

fn resolve(c: &mut Criterion) {
    let tenant = workload::tenant(workload::Shape::REFERENCE, 2026);
    let index = validate(&tenant).expect("the reference workload is valid");
    let resolver = Resolver::new(&index);
    let users: Vec<_> = (0..1000)
        .map(|i| {
            index
                .user_ix(&format!("u{:06}", i * 97))
                .expect("generated user")
        })
        .collect();

    let mut group = c.benchmark_group("resolve");
    let mut next = 0usize;
    group.bench_function("one_user_all_features", |b| {
        b.iter(|| {
            next = (next + 1) % users.len();
            resolver.user(black_box(users[next]))
        })
    });
    group.sample_size(20);
    group.bench_function("whole_tenant_100k_users", |b| {
        b.iter(|| resolver.tenant().len())
    });
    // Every department's template with its own lists: users in several departments merge them.
    let listed = validate(&workload::tenant(workload::Shape::WITH_LISTS, 2026))
        .expect("the workload with lists is valid");
    let listed_resolver = Resolver::new(&listed);
    group.bench_function("whole_tenant_with_lists", |b| {
        b.iter(|| listed_resolver.tenant().len())
    });
    group.finish();

    // Checks are measured as callers write them. A typed key answers a plain value; a checked
    // getter answers a `Result` that the caller consumes at once, here failing closed. (Handing
    // the `Result` itself to the harness would add the harness's copy and drop of an error
    // type, about 5 ns, that no caller pays.)
    let mut group = c.benchmark_group("check");
    let alice = resolver.user(users[1]).expect("resolved user");
    let catalog = index.catalog();
    let calls = catalog.feature_id("calls").expect("standard feature");
    let channels = catalog
        .feature_id("max_channels")
        .expect("standard feature");
    group.bench_function("toggle_typed_key", |b| {
        b.iter(|| black_box(&alice).get(black_box(keys::CALLS)))
    });
    group.bench_function("limit_typed_key", |b| {
        b.iter(|| black_box(&alice).get(black_box(keys::MAX_CHANNELS)))
    });
    group.bench_function("toggle_by_id", |b| {
        b.iter(|| black_box(&alice).toggle(black_box(calls)).unwrap_or(false))
    });
    group.bench_function("limit_by_id", |b| {
        b.iter(|| black_box(&alice).limit(black_box(channels)).unwrap_or(0))
    });
    group.bench_function("toggle_by_key", |b| {
        b.iter(|| {
            black_box(&alice)
                .toggle(black_box("calls"))
                .unwrap_or(false)
        })
    });
    group.finish();

    // Finding users by id, and resolving a user named by id, cycling through every user in a
    // shuffled order: each lookup and each resolution starts cold, as a server's would.
    let mut ids: Vec<String> = index.users().iter().map(|u| u.id().to_string()).collect();
    let mut rng = workload::Rng::new(7);
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.below(i + 1));
    }
    // Copied in the shuffled order, so that the ids sit in memory in the order they are asked
    // for, as they would in a server's request buffers: the cold part is the tenant's data,
    // not the caller's id (kept where the unshuffled copies were, each id read cost the caller
    // a cache miss of its own).
    let ids: Vec<String> = ids.iter().map(|id| id.as_str().to_owned()).collect();
    let sorted: Vec<&str> = {
        let mut s: Vec<&str> = index.users().iter().map(|u| u.id().as_str()).collect();
        s.sort_unstable();
        s
    };
    let mut group = c.benchmark_group("lookup");
    let mut next = 0usize;
    group.bench_function("user_ix_100k", |b| {
        b.iter(|| {
            next = (next + 1) % ids.len();
            index.user_ix(black_box(&ids[next]))
        })
    });
    // The same lookup as a binary search over the sorted ids: how users were found before.
    group.bench_function("binary_search_100k", |b| {
        b.iter(|| {
            next = (next + 1) % ids.len();
            sorted.binary_search(&black_box(ids[next].as_str())).ok()
        })
    });
    group.finish();
    let mut group = c.benchmark_group("resolve");
    group.bench_function("user_by_id_cold", |b| {
        b.iter(|| {
            next = (next + 1) % ids.len();
            resolver.user(black_box(ids[next].as_str()))
        })
    });
    // The same users by handle: what resolving a cold user costs without finding it.
    let shuffled: Vec<_> = ids.iter().filter_map(|id| index.user_ix(id)).collect();
    group.bench_function("user_by_handle_cold", |b| {
        b.iter(|| {
            next = (next + 1) % shuffled.len();
            resolver.user(black_box(shuffled[next]))
        })
    });
    // One feature of a user from scratch, by handle, cycling through every user: a feature
    // with a requirement chain (`tags_required` needs `tag_calls`) and a plain one.
    let handles: Vec<_> = ids.iter().filter_map(|id| index.user_ix(id)).collect();
    let tags_required = catalog
        .feature_id("tags_required")
        .expect("standard feature");
    for (name, feature) in [
        ("one_feature_from_scratch", channels),
        ("one_feature_with_requirement_from_scratch", tags_required),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                next = (next + 1) % handles.len();
                resolver.feature(black_box(handles[next]), black_box(feature))
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("explain");
    group.bench_function("one_feature", |b| {
        b.iter(|| resolver.explain(black_box(users[3]), black_box(channels)))
    });
    group.finish();
}

criterion_group!(benches, resolve);
criterion_main!(benches);
