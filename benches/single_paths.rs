//! The single-user paths, each called 10 000 times over the reference workload, for counting
//! instructions with callgrind, which are stable where timings on a shared machine are not:
//!
//! ```text
//! cargo bench --bench single_paths --no-run
//! valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/deps/single_paths-<hash>
//! callgrind_annotate --threshold=100 --inclusive=yes cg.out | grep -E 'resolve_one|Resolver>::feature |user_ix|replay |dial |grant '
//! ```
//!
//! Divide each inclusive count by 10 000. Run normally it just makes the calls.

use std::hint::black_box;

use pbx_entitlements::model::Recording;
use pbx_entitlements::{Resolver, validate};

mod workload;

const CALLS: usize = 10_000;

fn main() {
    let tenant = workload::tenant(workload::Shape::REFERENCE, 2026);
    let index = validate(&tenant).expect("the reference workload is valid");
    let resolver = Resolver::new(&index);
    // Every 10th user, in a fixed spread, by id and by handle.
    let ids: Vec<String> = (0..CALLS)
        .map(|i| format!("u{:06}", (i * 9_973) % index.users().len()))
        .collect();
    let handles: Vec<_> = ids.iter().filter_map(|id| index.user_ix(id)).collect();
    let channels = index
        .catalog()
        .feature_id("max_channels")
        .expect("standard feature");

    let mut found = 0usize;
    for id in &ids {
        found += usize::from(index.user_ix(black_box(id)).is_some());
    }
    for id in &ids {
        found += usize::from(resolver.user(black_box(id.as_str())).is_ok());
    }
    for &h in &handles {
        found += usize::from(resolver.feature(black_box(h), channels).is_ok());
    }
    let viewer = resolver
        .recording_rights(workload::VIEWER)
        .expect("the viewer exists");
    let log: Vec<Recording> = workload::recordings(workload::Shape::REFERENCE, CALLS, 7);
    for recording in &log {
        found += usize::from(viewer.replay(black_box(recording)).allowed);
    }
    let dialer = resolver
        .dial_rights(workload::VIEWER)
        .expect("the user exists");
    for i in 0..CALLS {
        let number = format!("+4860{:07}", i);
        found += usize::from(dialer.dial(black_box(&number)).is_ok_and(|d| d.allowed));
    }
    let admin = resolver
        .admin_rights(workload::VIEWER)
        .expect("the user exists");
    let value = pbx_entitlements::RawValue::Integer(3);
    for &h in &handles {
        found += usize::from(
            admin
                .grant(black_box(h), channels, &value)
                .is_ok_and(|d| d.allowed),
        );
    }
    println!("{found} calls answered");
}
