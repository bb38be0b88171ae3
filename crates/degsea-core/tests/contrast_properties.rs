//! Properties of contrast parsing on arbitrary input: parsing never panics; whatever parses
//! prints back (`Display`) to text that parses to the same contrast; a well-formed contrast
//! built from arbitrary level names always parses to exactly those levels; the folder slug is
//! file-name safe.

#![allow(clippy::unwrap_used, reason = "test code: a panic is a test failure")]

use degsea_core::Contrast;
use proptest::prelude::*;

/// Level and column names as they appear in sample sheets (no `+`, `:`, spaces or `vs` words).
fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.-]{1,12}".prop_filter("not the separator word", |s| s != "vs")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn parsing_never_panics_and_round_trips(spec in ".{0,60}") {
        if let Ok(c) = spec.parse::<Contrast>() {
            let again: Contrast = c.to_string().parse().unwrap();
            prop_assert_eq!(&again, &c);
            prop_assert!(c.slug().chars().all(|ch| ch.is_ascii_alphanumeric() || "+-_.".contains(ch)));
        }
    }

    #[test]
    fn well_formed_contrasts_parse_to_their_levels(
        column in name(),
        test in prop::collection::hash_set(name(), 1..4),
        reference in prop::collection::hash_set(name(), 1..4),
    ) {
        let test: Vec<String> = test.into_iter().collect();
        let reference: Vec<String> = reference.into_iter().filter(|r| !test.contains(r)).collect();
        prop_assume!(!reference.is_empty());
        let spec = format!("{column}: {} vs {}", test.join("+"), reference.join(" + "));
        let c: Contrast = spec.parse().unwrap();
        prop_assert_eq!(c.column, column);
        prop_assert_eq!(c.test_levels, test);
        prop_assert_eq!(c.reference_levels, reference);
    }
}
