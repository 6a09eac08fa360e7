//! Go `time.ParseDuration` / `Duration.String` compatibility, checked against vectors that
//! Go itself produced (`tests/data/gen_go_durations.py` with the go-oracle).

use keyless_eso::GoDuration;
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    text: String,
    nanos: Option<i64>,
    string: Option<String>,
    err: Option<String>,
}

fn vectors() -> Vec<Vector> {
    let raw = include_str!("data/go_durations.json");
    let parsed: Vectors = serde_json::from_str(raw).expect("vector file is valid JSON");
    parsed.vectors
}

#[test]
fn golden_vectors_match_go_exactly() {
    let vectors = vectors();
    assert!(vectors.len() > 300, "the vector file lost entries");
    let mut errors = 0;
    for vector in &vectors {
        let parsed = vector.text.parse::<GoDuration>();
        match (&vector.err, parsed) {
            (Some(expected), Err(actual)) => {
                errors += 1;
                assert_eq!(&actual.to_string(), expected, "error for {:?}", vector.text);
            }
            (None, Ok(duration)) => {
                assert_eq!(
                    Some(duration.as_nanos()),
                    vector.nanos,
                    "value of {:?}",
                    vector.text
                );
                assert_eq!(
                    Some(duration.to_string()),
                    vector.string,
                    "String() of {:?}",
                    vector.text
                );
            }
            (Some(expected), Ok(duration)) => {
                panic!(
                    "{:?} parsed as {duration:?}, Go says {expected}",
                    vector.text
                )
            }
            (None, Err(error)) => panic!("{:?} rejected ({error}), Go accepts it", vector.text),
        }
    }
    assert!(errors > 100, "the vector file lost its error cases");
}

#[test]
fn serde_keeps_the_text_as_written() {
    let parsed: GoDuration = serde_json::from_str("\"15h\"").expect("valid duration");
    assert_eq!(parsed.to_string(), "15h0m0s");
    assert_eq!(
        serde_json::to_string(&parsed).expect("serialises"),
        "\"15h\""
    );
    assert_eq!(
        serde_json::to_string(&GoDuration::from_nanos(90_000_000_000)).expect("serialises"),
        "\"1m30s\""
    );
    let error = serde_json::from_str::<GoDuration>("\"5d\"").expect_err("5d is not Go");
    assert!(
        error
            .to_string()
            .contains(r#"time: unknown unit "d" in duration "5d""#)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_is_the_identity(nanos in any::<i64>()) {
        let printed = GoDuration::from_nanos(nanos).to_string();
        let reparsed: GoDuration = printed.parse().expect("the canonical form parses");
        prop_assert_eq!(reparsed.as_nanos(), nanos);
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,24}") {
        let _ = text.parse::<GoDuration>();
    }

    #[test]
    fn grammar_shaped_text_never_panics(
        text in "[-+]?([0-9]{0,21}(\\.[0-9]{0,21})?(ns|us|µs|μs|ms|s|m|h|d)){1,4}",
    ) {
        if let Ok(duration) = text.parse::<GoDuration>() {
            let reparsed: GoDuration = duration.to_string().parse().expect("canonical parses");
            prop_assert_eq!(reparsed, duration);
        }
    }
}
