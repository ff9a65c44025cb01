//! Data-driven tests over `tests/fixtures/`: every `invalid/<name>/` org must be
//! rejected (exit 1) and its rendered diagnostics are snapshotted; every
//! `valid/<name>/` org must validate (exit 0). A fixture is a directory holding
//! `org/*.toml` and, when it needs templates, `policies/`; the real binary runs in it
//! as `orgc validate org`, so file names in the snapshots read `org/<file>.toml`.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

#[test]
fn invalid_fixtures_are_rejected_with_their_diagnostics() {
    let fixtures = fixtures("invalid");
    assert!(
        fixtures.len() >= 40,
        "the bad-input corpus has {} fixtures",
        fixtures.len()
    );
    let settings = snapshot_settings();
    let _guard = settings.bind_to_scope();
    for dir in fixtures {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let out = orgc(&dir, &["validate", "org"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "fixture `{name}` should be rejected:\n{stderr}"
        );
        assert!(
            stderr.contains("error"),
            "fixture `{name}` printed no error"
        );
        insta::assert_snapshot!(format!("invalid@{name}"), stderr);
    }
}

#[test]
fn invalid_fixtures_as_json_name_a_file_and_line() {
    for dir in fixtures("invalid") {
        let out = orgc(&dir, &["validate", "org", "--diagnostic-format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stderr)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", dir.display()));
        let items = json.as_array().unwrap();
        assert!(!items.is_empty(), "{}", dir.display());
        for d in items {
            for key in [
                "code", "severity", "message", "file", "line", "column", "help",
            ] {
                assert!(
                    d.get(key).is_some(),
                    "{}: diagnostic without `{key}`: {d}",
                    dir.display()
                );
            }
            assert!(d["code"].as_str().unwrap().starts_with("orgc::"));
        }
    }
}

#[test]
fn valid_fixtures_validate() {
    for dir in fixtures("valid") {
        let out = orgc(&dir, &["validate", "org"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
