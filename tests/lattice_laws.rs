//! Lattice laws of every value kind (SPEC §3.1).
//!
//! Each kind has a small generator of a kind plus three values of it, and one generic function,
//! [`check_lattice_laws`], states every law once: join and meet form a bounded lattice whose order
//! is `permits`, the kind admits its own values and bounds, values survive the interchange shape,
//! and `off` is bottom except for a restriction toggle. A last property checks that values of
//! different kinds never combine.

use pbx_entitlements::{Access, ChoiceValue, Kind, ListValue, Value};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use std::cmp::Ordering;

/// A kind and three values of that kind.
type Sample = (Kind, Value, Value, Value);

/// The item alphabet of generated lists; small, so that sets overlap often.
const ITEMS: [&str; 5] = ["a", "b", "c", "d", "e"];

/// Option names of generated choices. Some collide with access levels and with the list word
/// `"any"`, to show that parsing goes by the kind, not by the name.
const OPTION_NAMES: [&str; 7] = ["none", "own", "read", "all", "write", "any", "x"];

/// Three values from the same strategy, paired with `kind`.
fn sample_of<S>(kind: Kind, values: S) -> impl Strategy<Value = Sample>
where
    S: Strategy<Value = Value> + Clone,
{
    (Just(kind), values.clone(), values.clone(), values)
}

fn toggle() -> impl Strategy<Value = Sample> {
    sample_of(Kind::Toggle, any::<bool>().prop_map(Value::Toggle))
}

fn restriction() -> impl Strategy<Value = Sample> {
    sample_of(
        Kind::Restriction,
        any::<bool>().prop_map(Value::Restriction),
    )
}

fn access() -> impl Strategy<Value = Sample> {
    sample_of(
        Kind::Access,
        select(Access::ALL.to_vec()).prop_map(Value::Access),
    )
}

/// Bounds `min..=max` with `min` in `-5..=5` and at most five steps wide, then values inside them.
fn limit() -> impl Strategy<Value = Sample> {
    (-5i64..=5, 0i64..=5).prop_flat_map(|(min, width)| {
        let max = min + width;
        sample_of(Kind::Limit { min, max }, (min..=max).prop_map(Value::Limit))
    })
}

/// One to five distinct option names, then option indices.
fn choice() -> impl Strategy<Value = Sample> {
    subsequence(OPTION_NAMES.to_vec(), 1..=5)
        .prop_shuffle()
        .prop_flat_map(|names| {
            let count = u16::try_from(names.len()).expect("at most five options");
            let options: Vec<String> = names.into_iter().map(str::to_owned).collect();
            let named = options.clone();
            sample_of(
                Kind::Choice { options },
                (0..count).prop_map(move |i| {
                    Value::Choice(ChoiceValue::new(i, named[usize::from(i)].clone()))
                }),
            )
        })
}

/// `Any`, or a set of items drawn from `universe`.
fn list_value(universe: Vec<&'static str>) -> impl Strategy<Value = Value> + Clone {
    let size = 0..=universe.len();
    prop_oneof![
        1 => Just(ListValue::Any),
        4 => subsequence(universe, size).prop_map(ListValue::of),
    ]
    .prop_map(Value::List)
}

/// A list over any string (the generator draws from [`ITEMS`]).
fn open_list() -> impl Strategy<Value = Sample> {
    let kind = Kind::List {
        items: None,
        max_entries: None,
        max_chars: None,
    };
    sample_of(kind, list_value(ITEMS.to_vec()))
}

/// A list over a closed, non-empty universe drawn from [`ITEMS`].
fn closed_list() -> impl Strategy<Value = Sample> {
    subsequence(ITEMS.to_vec(), 1..=ITEMS.len()).prop_flat_map(|universe| {
        let kind = Kind::List {
            items: Some(universe.iter().map(|i| (*i).to_owned()).collect()),
            max_entries: None,
            max_chars: None,
        };
        sample_of(kind, list_value(universe))
    })
}

/// A sample of any kind.
fn any_kind() -> impl Strategy<Value = Sample> {
    prop_oneof![
        toggle().boxed(),
        restriction().boxed(),
        access().boxed(),
        limit().boxed(),
        choice().boxed(),
        open_list().boxed(),
        closed_list().boxed(),
    ]
}

fn join(x: &Value, y: &Value) -> Result<Value, TestCaseError> {
    x.join(y)
        .ok_or_else(|| TestCaseError::fail(format!("{x:?} ∨ {y:?} is None for one kind")))
}

fn meet(x: &Value, y: &Value) -> Result<Value, TestCaseError> {
    x.meet(y)
        .ok_or_else(|| TestCaseError::fail(format!("{x:?} ∧ {y:?} is None for one kind")))
}

/// The order `permits` describes, as an `Ordering`.
fn order_by_permits(x: &Value, y: &Value) -> Option<Ordering> {
    match (x.permits(y), y.permits(x)) {
        (true, true) => Some(Ordering::Equal),
        (true, false) => Some(Ordering::Greater),
        (false, true) => Some(Ordering::Less),
        (false, false) => None,
    }
}

/// Every law of a bounded lattice of one kind, for the values `a`, `b`, `c` of `kind`.
fn check_lattice_laws(kind: &Kind, a: &Value, b: &Value, c: &Value) -> Result<(), TestCaseError> {
    let (bottom, top) = (kind.bottom(), kind.top());

    // Domain: generated values, bounds, and the results of join and meet are in the kind.
    for v in [a, b, c, &bottom, &top] {
        prop_assert!(kind.admits(v), "{kind:?} does not admit {v:?}");
    }
    let (a_join_b, a_meet_b) = (join(a, b)?, meet(a, b)?);
    prop_assert!(
        kind.admits(&a_join_b),
        "{kind:?} does not admit a ∨ b = {a_join_b:?}"
    );
    prop_assert!(
        kind.admits(&a_meet_b),
        "{kind:?} does not admit a ∧ b = {a_meet_b:?}"
    );

    // Round trip through the interchange shape.
    for v in [a, b, c, &bottom, &top, &a_join_b, &a_meet_b] {
        let raw = kind.render(v);
        prop_assert!(raw.is_some(), "{kind:?} cannot render {v:?}");
        prop_assert_eq!(kind.parse(&raw.unwrap()), Ok(v.clone()));
    }

    // Commutativity.
    prop_assert_eq!(&a_join_b, &join(b, a)?, "a ∨ b = b ∨ a");
    prop_assert_eq!(&a_meet_b, &meet(b, a)?, "a ∧ b = b ∧ a");

    // Associativity.
    prop_assert_eq!(
        join(&a_join_b, c)?,
        join(a, &join(b, c)?)?,
        "(a ∨ b) ∨ c = a ∨ (b ∨ c)"
    );
    prop_assert_eq!(
        meet(&a_meet_b, c)?,
        meet(a, &meet(b, c)?)?,
        "(a ∧ b) ∧ c = a ∧ (b ∧ c)"
    );

    // Idempotence.
    prop_assert_eq!(&join(a, a)?, a, "a ∨ a = a");
    prop_assert_eq!(&meet(a, a)?, a, "a ∧ a = a");

    // Absorption.
    prop_assert_eq!(&join(a, &a_meet_b)?, a, "a ∨ (a ∧ b) = a");
    prop_assert_eq!(&meet(a, &a_join_b)?, a, "a ∧ (a ∨ b) = a");

    // Bounds.
    prop_assert_eq!(&join(a, &bottom)?, a, "a ∨ bottom = a");
    prop_assert_eq!(&meet(a, &top)?, a, "a ∧ top = a");
    prop_assert_eq!(&join(a, &top)?, &top, "a ∨ top = top");
    prop_assert_eq!(&meet(a, &bottom)?, &bottom, "a ∧ bottom = bottom");
    prop_assert!(top.permits(a), "top permits a");
    prop_assert!(a.permits(&bottom), "a permits bottom");

    // The order: `permits` is the order of join and meet, and `partial_cmp` is `permits`.
    let permits = a.permits(b);
    prop_assert_eq!(permits, a_join_b == *a, "a permits b ⇔ a ∨ b = a");
    prop_assert_eq!(permits, a_meet_b == *b, "a permits b ⇔ a ∧ b = b");
    prop_assert_eq!(permits, meet(b, a)? == *b, "a permits b ⇔ b ∧ a = b");
    prop_assert_eq!(
        a.partial_cmp(b),
        order_by_permits(a, b),
        "partial_cmp is permits"
    );
    prop_assert_eq!(
        a.partial_cmp(b) == Some(Ordering::Equal),
        a == b,
        "a and b permit each other ⇔ a = b"
    );

    // Join is the least upper bound and meet the greatest lower bound.
    prop_assert!(
        a_join_b.permits(a) && a_join_b.permits(b),
        "a ∨ b is above a and b"
    );
    prop_assert!(
        a.permits(&a_meet_b) && b.permits(&a_meet_b),
        "a ∧ b is below a and b"
    );
    if c.permits(a) && c.permits(b) {
        prop_assert!(c.permits(&a_join_b), "c above a and b is above a ∨ b");
    }
    if a.permits(c) && b.permits(c) {
        prop_assert!(a_meet_b.permits(c), "c below a and b is below a ∧ b");
    }

    // Off is bottom, except that a restriction toggle is off when it does not restrict.
    let expected_off = if *kind == Kind::Restriction {
        Value::Restriction(false)
    } else {
        bottom
    };
    prop_assert_eq!(kind.off(), expected_off, "off of {:?}", kind);

    Ok(())
}

proptest! {
    #[test]
    fn toggle_is_a_bounded_lattice((kind, a, b, c) in toggle()) {
        check_lattice_laws(&kind, &a, &b, &c)?;
    }

    #[test]
    fn restriction_is_a_bounded_lattice((kind, a, b, c) in restriction()) {
        check_lattice_laws(&kind, &a, &b, &c)?;
    }

    #[test]
    fn access_is_a_bounded_lattice((kind, a, b, c) in access()) {
        check_lattice_laws(&kind, &a, &b, &c)?;
    }

    #[test]
    fn limit_is_a_bounded_lattice((kind, a, b, c) in limit()) {
        check_lattice_laws(&kind, &a, &b, &c)?;
    }

    #[test]
    fn choice_is_a_bounded_lattice((kind, a, b, c) in choice()) {
        check_lattice_laws(&kind, &a, &b, &c)?;
    }

    #[test]
    fn open_list_is_a_bounded_lattice((kind, a, b, c) in open_list()) {
        check_lattice_laws(&kind, &a, &b, &c)?;
    }

    #[test]
    fn closed_list_is_a_bounded_lattice((kind, a, b, c) in closed_list()) {
        check_lattice_laws(&kind, &a, &b, &c)?;
    }

    /// Values of different kinds are incomparable: no join, no meet, no order, and neither kind
    /// admits or renders the other's values. Values of one kind (two limits with different
    /// bounds, say) do combine.
    #[test]
    fn different_kinds_never_combine(
        (kind_x, x, _, _) in any_kind(),
        (kind_y, y, _, _) in any_kind(),
    ) {
        if kind_x.name() == kind_y.name() {
            prop_assert!(x.join(&y).is_some(), "{:?} ∨ {:?}", x, y);
            prop_assert!(x.meet(&y).is_some(), "{:?} ∧ {:?}", x, y);
        } else {
            prop_assert_eq!(x.join(&y), None);
            prop_assert_eq!(x.meet(&y), None);
            prop_assert!(!x.permits(&y), "{:?} permits {:?}", x, y);
            prop_assert!(!y.permits(&x), "{:?} permits {:?}", y, x);
            prop_assert_eq!(x.partial_cmp(&y), None);
            prop_assert!(!kind_x.admits(&y), "{:?} admits {:?}", kind_x, y);
            prop_assert_eq!(kind_x.render(&y), None);
        }
    }
}
