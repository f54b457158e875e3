//! The JSON report of the whole corpus is pinned byte for byte: any change
//! to the checker's report filling or to the view types that alters a
//! single byte of `weft check --format json scenarios/` fails here.
//!
//! The recording (`tests/recorded/corpus.jsonl`) was made with the binary
//! from the workspace root; the only fields that vary between runs, the
//! wall time `stats.seconds` and the memory measured (the process's peak
//! `stats.peak_resident_bytes`, and a fingerprint search's
//! `stats.frontier.resident_beyond_bytes` and
//! `stats.frontier.peak_with_in_flight_bytes`, which depends on the
//! threads), are written as `0` in it and zeroed in the output before
//! comparing.
//!
//! After an intended change of the JSON: run
//! `cargo run --release --bin weft -- check --format json scenarios/`
//! from the workspace root, zero those fields and commit the result
//! as the new recording, saying in the commit why the JSON changed.

use std::path::Path;
use std::process::Command;

/// The fields measured (`"seconds":<number>`, `"peak_resident_bytes":<number>`
/// and the frontier's two measured fields) become `0`.
fn zero_seconds(json: &str) -> String {
    [
        "\"seconds\":",
        "\"peak_resident_bytes\":",
        "\"resident_beyond_bytes\":",
        "\"peak_with_in_flight_bytes\":",
    ]
    .iter()
    .fold(json.to_string(), |json, key| zero(&json, key))
}

/// `KEY<number>` becomes `KEY0`.
fn zero(json: &str, key: &str) -> String {
    let key_len = key.len();
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key_len]);
        out.push('0');
        rest = &rest[i + key_len..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+')))
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn zeroing_touches_only_the_seconds() {
    assert_eq!(
        zero_seconds(
            r#"{"a":1.5,"seconds":0.012345,"b":2}{"seconds":1e-5,"peak_resident_bytes":123}"#
        ),
        r#"{"a":1.5,"seconds":0,"b":2}{"seconds":0,"peak_resident_bytes":0}"#
    );
}

#[test]
fn the_corpus_json_is_byte_identical_to_the_recording() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["check", "--format", "json", "scenarios/"])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .expect("weft runs");
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "weft failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = zero_seconds(&String::from_utf8_lossy(&out.stdout));
    let recorded = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded/corpus.jsonl"),
    )
    .expect("the recording exists");
    if got != recorded {
        let (g, r): (Vec<&str>, Vec<&str>) = (got.lines().collect(), recorded.lines().collect());
        let first = g
            .iter()
            .zip(&r)
            .position(|(a, b)| a != b)
            .unwrap_or(g.len().min(r.len()));
        let a = g.get(first).copied().unwrap_or("<none>");
        let b = r.get(first).copied().unwrap_or("<none>");
        let at = a
            .bytes()
            .zip(b.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let from = at.saturating_sub(120);
        panic!(
            "line {} differs at byte {at} ({} lines now, {} recorded)\n  now:      …{}\n  recorded: …{}",
            first + 1,
            g.len(),
            r.len(),
            a.get(from..(at + 120).min(a.len())).unwrap_or(a),
            b.get(from..(at + 120).min(b.len())).unwrap_or(b),
        );
    }
}
