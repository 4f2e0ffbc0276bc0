//! Recording rights on the reference workload with its 1 000 000 recordings: filtering them
//! for one viewer, one replay decision for a viewer whose rights are read, one attribution.
//!
//! Targets (one core): filter < 20 ms, one decision < 100 ns, one attribution < 100 ns.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::recording::RecordingLog;
use pbx_entitlements::{Resolver, validate};

mod workload;

fn recordings(c: &mut Criterion) {
    let shape = workload::Shape::REFERENCE;
    let tenant = workload::tenant(shape, 2026);
    let index = validate(&tenant).expect("the reference workload is valid");
    let resolver = Resolver::new(&index);
    let log = workload::recordings(shape, 1_000_000, 7);
    let viewer = resolver
        .recording_rights(workload::VIEWER)
        .expect("the viewer exists");

    let mut group = c.benchmark_group("recordings");
    group.sample_size(20);
    group.bench_function("filter_1m_for_one_viewer", |b| {
        b.iter(|| viewer.replayable(black_box(&log)).count())
    });
    let compact = RecordingLog::new(&log);
    group.bench_function("filter_1m_for_one_viewer_in_log", |b| {
        b.iter(|| viewer.replayable_in(black_box(&compact)).count())
    });
    group.bench_function("build_log_1m", |b| {
        b.iter(|| RecordingLog::new(black_box(&log)).len())
    });

    // The floor for any filter over the plain slice: reading every token's bytes once.
    group.bench_function("read_every_token_1m", |b| {
        b.iter(|| {
            black_box(&log)
                .iter()
                .map(|r| {
                    r.tokens()
                        .map(|t| t.as_bytes().first().copied().unwrap_or(0) as usize)
                        .sum::<usize>()
                        + r.group.as_ref().map_or(0, |g| g.as_str().len())
                })
                .sum::<usize>()
        })
    });
    group.sample_size(100);

    let mut next = 0usize;
    group.bench_function("one_replay_decision", |b| {
        b.iter(|| {
            next = (next + 1) % log.len();
            viewer.replay(black_box(&log[next])).allowed
        })
    });

    // Legs cycled through in log order: each lookup is for another endpoint.
    let legs: Vec<(i64, &str, Option<&str>)> = log
        .iter()
        .flat_map(|r| {
            r.legs
                .iter()
                .map(move |l| (r.start, l.extension.as_str(), l.agent.as_deref()))
        })
        .take(100_000)
        .collect();
    let endpoints = index.endpoints();
    let mut next = 0usize;
    group.bench_function("one_attribution", |b| {
        b.iter(|| {
            next = (next + 1) % legs.len();
            let (t, extension, agent) = legs[next];
            endpoints.attribute(black_box(t), black_box(extension), black_box(agent))
        })
    });
    group.finish();
}

criterion_group!(benches, recordings);
criterion_main!(benches);
