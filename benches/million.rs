//! Scale: the reference workload at 100 000 and at 1 000 000 users (ten times the departments
//! and roles too). Measures validation and whole-tenant resolution with criterion, and the
//! memory the index and the resolved tenant hold, with a counting allocator; and the whole
//! tenant in parts on one and on two threads.
//!
//! Targets (one core, 1 000 000 users): validate < 1.5 s, whole tenant < 500 ms, index and
//! resolved tenant < 300 MB.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use pbx_entitlements::{Resolver, validate};

mod workload;

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn scale(c: &mut Criterion) {
    for (name, shape) in [
        ("100k", workload::Shape::REFERENCE),
        ("1m", workload::Shape::MILLION),
    ] {
        let tenant = workload::tenant(shape, 2026);
        let before = LIVE.load(Ordering::Relaxed);
        let index = validate(&tenant).expect("the workload is valid");
        let with_index = LIVE.load(Ordering::Relaxed);
        let resolver = Resolver::new(&index);
        let resolved = resolver.tenant();
        let with_resolved = LIVE.load(Ordering::Relaxed);
        eprintln!(
            "{name}: {} users; index {:.1} MB, resolver and resolved tenant {:.1} MB, together {:.1} MB ({:.0} bytes per user)",
            index.users().len(),
            mb(with_index - before),
            mb(with_resolved - with_index),
            mb(with_resolved - before),
            (with_resolved - before) as f64 / index.users().len() as f64,
        );
        drop(resolved);

        let mut group = c.benchmark_group(format!("scale_{name}"));
        group.sample_size(10);
        group.bench_function("validate", |b| {
            b.iter(|| validate(black_box(&tenant)).map(|index| index.users().len()))
        });
        // Building alone: the index is freed outside the measurement.
        group.bench_function("validate_kept", |b| {
            b.iter_with_large_drop(|| validate(black_box(&tenant)))
        });
        group.bench_function("whole_tenant", |b| b.iter(|| resolver.tenant().len()));
        // The same split in parts on threads this bench owns (the crate starts none).
        for threads in [1usize, 2] {
            group.bench_function(format!("whole_tenant_{threads}_threads"), |b| {
                b.iter(|| {
                    std::thread::scope(|s| {
                        let parts: Vec<_> = resolver
                            .split(threads)
                            .into_iter()
                            .map(|users| s.spawn(|| resolver.part(users).len()))
                            .collect();
                        parts
                            .into_iter()
                            .map(|p| p.join().expect("a part resolves"))
                            .sum::<usize>()
                    })
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
