//! Property: whatever a person (or a bad merge) does to the example org's text —
//! deleted lines, swapped values, truncation, garbage bytes — orgc never panics and
//! always answers with either a valid model or at least one error diagnostic, whose
//! rendering does not panic either.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use orgc::diagnostic::{ColorChoice, render_human, render_json};
use orgc::load::{Inputs, read_inputs};
use orgc::source::SourceFile;
use proptest::prelude::*;

fn example() -> Inputs {
    read_inputs(
        &common::root().join("org"),
        &common::root().join("policies"),
    )
    .unwrap()
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
    Insert(usize, String),
    SwapValues(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                "\\PC{0,8}",
                Just("\u{0}".to_string()),
                Just("[".to_string()),
                Just("\"".to_string()),
                Just("= =".to_string()),
                Just("[accounts.x]\n".to_string()),
                Just("\n[[assignments]]\n".to_string()),
                Just("id = 1e999\n".to_string()),
                Just("é".to_string()),
            ]
        )
            .prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapValues(a, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    match m {
        Mutation::DeleteLine(i) => {
            let i = i % n;
            lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n")
        }
        Mutation::SwapLines(a, b) => {
            let mut v = lines.clone();
            if !v.is_empty() {
                v.swap(a % n, b % n);
            }
            v.join("\n")
        }
        Mutation::Truncate(at) => {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text[..at].to_string()
        }
        Mutation::Insert(at, s) => {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            format!("{}{}{}", &text[..at], s, &text[at..])
        }
        Mutation::SwapValues(a, b) => {
            // Swap the right-hand sides of two `key = value` lines.
            let with_value: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.contains(" = "))
                .map(|(i, _)| i)
                .collect();
            if with_value.len() < 2 {
                return text.to_string();
            }
            let (ia, ib) = (
                with_value[a % with_value.len()],
                with_value[b % with_value.len()],
            );
            let mut v: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let (ka, va) = lines[ia].split_once(" = ").unwrap();
            let (kb, vb) = lines[ib].split_once(" = ").unwrap();
            v[ia] = format!("{ka} = {vb}");
            v[ib] = format!("{kb} = {va}");
            v.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_orgs_never_panic(file in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..4)) {
        let mut inputs = example();
        let i = file % inputs.org_files.len();
        let original = &inputs.org_files[i];
        let mut text = original.text.to_string();
        for m in &mutations {
            text = apply(&text, m);
        }
        inputs.org_files[i] = SourceFile::new(original.name.clone(), text);
        let checked = orgc::check(inputs);
        let diags = checked.diagnostics.clone().sorted();
        if checked.model.is_none() {
            prop_assert!(checked.diagnostics.has_errors(), "no model but no error");
        }
        let _ = render_human(&diags, &checked.sources, ColorChoice::Never);
        let _ = render_json(&diags, &checked.sources);
    }
}

#[test]
fn invalid_utf8_is_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("org")).unwrap();
    std::fs::write(
        dir.path().join("org/a.toml"),
        b"[organization]\nname = \"\xff\xfe\"\n",
    )
    .unwrap();
    let out = common::orgc(dir.path(), &["validate", "org"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("orgc::syntax::encoding"), "{stderr}");
    assert!(stderr.contains("org/a.toml:2:9"), "{stderr}");
}
