//! Property tests: EARS is causal (future points never change past alarms), upper bounds are
//! never negative, and no input makes any method panic.

use proptest::prelude::*;
use waspada_detect::{Frequency, Method, Series, Window, bounds, evaluate};

fn weekly(counts: Vec<u32>) -> Series {
    Series::new("p", "p", Frequency::Weekly, counts)
}

fn small_counts(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(
        prop_oneof![4 => 0u32..10, 2 => 0u32..200, 1 => Just(0u32)],
        len,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ears_alarms_ignore_future_points(
        y in small_counts(13..80),
        future in small_counts(1..30),
        variant in 0usize..3,
    ) {
        let m = Method::from_name(["ears-c1", "ears-c2", "ears-c3"][variant]).unwrap();
        let from = m.default_from(Frequency::Weekly);
        let to = y.len();
        let window = Window::Range { from, to };
        let before = bounds(&weekly(y.clone()), &m, window).unwrap();
        let mut longer = y;
        longer.extend(future);
        let after = bounds(&weekly(longer), &m, window).unwrap();
        // Compare alarms exactly and bounds bit for bit (NaN-free: None stays None).
        prop_assert_eq!(before, after);
    }

    #[test]
    fn upper_bounds_are_never_negative(
        y in small_counts(170..230),
        method in 0usize..6,
    ) {
        let m = Method::from_name(["ears-c1", "ears-c2", "ears-c3", "farrington", "noufaily", "cusum"][method]).unwrap();
        let n = y.len();
        let window = Window::Range { from: n - 4, to: n };
        // Noufaily needs more history than Farrington; both are fine here (n ≥ 170).
        for (u, _) in bounds(&weekly(y), &m, window).unwrap() {
            if let Some(u) = u {
                prop_assert!(u >= 0.0, "negative bound {u}");
            }
        }
    }

    #[test]
    fn no_panic_on_arbitrary_input(
        y in prop::collection::vec(prop_oneof![8 => 0u32..50, 1 => any::<u32>()], 0..420),
        method in 0usize..7,
        freq in prop::sample::select(vec![Frequency::Weekly, Frequency::Monthly, Frequency::Daily]),
        from in 0usize..430,
        span in 0usize..6,
        latest in any::<bool>(),
    ) {
        let m = Method::from_name(Method::NAMES[method]).unwrap();
        let s = Series::new("p", "p", freq, y);
        let window = if latest { Window::Latest(span + 1) } else { Window::Range { from, to: from + span } };
        // Ok or a described error are both fine; a panic fails the test.
        match evaluate(&s, &m, window) {
            Ok(signals) => {
                for sig in signals {
                    prop_assert!(!sig.explanation.is_empty());
                    prop_assert!(sig.upperbound.is_none_or(|u| !u.is_nan()));
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
