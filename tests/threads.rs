//! Resolving a tenant in parts on threads the caller owns: the parts, in order, are the whole
//! tenant, whatever the number of parts and the threads they ran on.

mod common;

use common::valid_tenant;
use pbx_entitlements::{Resolver, validate};
use proptest::prelude::*;

/// The tenant resolved on `threads` threads, one part each, as JSON user by user.
fn in_parts(resolver: &Resolver<'_>, threads: usize) -> Vec<(String, serde_json::Value)> {
    let parts = std::thread::scope(|s| {
        let handles: Vec<_> = resolver
            .split(threads)
            .into_iter()
            .map(|users| s.spawn(move || resolver.part(users)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a part resolves"))
            .collect::<Vec<_>>()
    });
    let mut next = 0;
    let mut out = Vec::new();
    for part in &parts {
        assert_eq!(
            part.users().start,
            next,
            "parts are contiguous and in order"
        );
        next = part.users().end;
        for (id, e) in part.iter() {
            assert_eq!(part.user(id.as_str()).as_ref(), Ok(&e));
            out.push((id.to_string(), serde_json::to_value(&e).unwrap()));
        }
    }
    assert_eq!(next, resolver.index().users().len(), "every user once");
    out
}

fn whole(resolver: &Resolver<'_>) -> Vec<(String, serde_json::Value)> {
    resolver
        .tenant()
        .iter()
        .map(|(id, e)| (id.to_string(), serde_json::to_value(&e).unwrap()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any number of parts on as many threads gives the whole tenant.
    #[test]
    fn parts_on_threads_are_the_whole_tenant(t in valid_tenant(), threads in 1usize..6) {
        let index = validate(&t).unwrap();
        let resolver = Resolver::new(&index);
        prop_assert_eq!(in_parts(&resolver, threads), whole(&resolver));
    }
}

/// Splits cover every position once, in order, with sizes differing by at most one.
#[test]
fn splits_cover_every_user_once() {
    let mut tenant =
        pbx_entitlements::model::Tenant::new("acme", pbx_entitlements::model::Plan::all("p"));
    for i in 0..10 {
        tenant
            .users
            .push(pbx_entitlements::model::User::new(format!("u{i:02}")));
    }
    let index = validate(&tenant).unwrap();
    let resolver = Resolver::new(&index);
    assert_eq!(resolver.split(3), [0..4, 4..7, 7..10]);
    assert_eq!(
        resolver.split(0),
        vec![std::ops::Range { start: 0, end: 10 }]
    );
    assert_eq!(resolver.split(20).len(), 10);
    let part = resolver.part(8..50);
    assert_eq!((part.users(), part.len()), (8..10, 2));
    assert!(part.user("u00").is_err(), "outside the part");
    assert!(resolver.part(12..20).is_empty());
}
