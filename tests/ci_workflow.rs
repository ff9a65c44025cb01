//! The GitHub Actions recipe in `docs/github-actions/orgc.yml`: every `orgc`
//! command its `run:` scripts contain is run, as the workflow writes it, in a
//! temporary repository shaped like a pull request to the example org (base branch
//! `origin/main`, `out/` committed), and must behave as the workflow expects.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const WORKFLOW: &str = "docs/github-actions/orgc.yml";

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The `run:` scripts of the workflow, in order: `run: cmd` on one line, or a block
/// scalar (`run: |`) whose lines are indented deeper than the key.
fn run_scripts(yaml: &str) -> Vec<String> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let (key_indent, body) = match trimmed.strip_prefix("- ") {
            Some(b) => (indent(line) + 2, b),
            None => (indent(line), trimmed),
        };
        i += 1;
        let Some(rest) = body.strip_prefix("run:") else {
            continue;
        };
        let rest = rest.trim();
        if rest.starts_with('|') || rest.starts_with('>') {
            let mut script = String::new();
            while i < lines.len() && (lines[i].trim().is_empty() || indent(lines[i]) > key_indent) {
                script.push_str(lines[i].trim());
                script.push('\n');
                i += 1;
            }
            out.push(script);
        } else {
            out.push(rest.to_string());
        }
    }
    out
}

/// A shell command's words, up to the first redirection or list operator, with
/// quotes removed and `$NAME` expanded from `env`.
fn words(command: &str, env: &BTreeMap<&str, String>) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        let expand = c == '$' && quote != Some('\'');
        if expand {
            let mut name = String::new();
            while let Some(&n) = chars
                .peek()
                .filter(|n| n.is_ascii_alphanumeric() || **n == '_')
            {
                name.push(n);
                chars.next();
            }
            word.push_str(env.get(name.as_str()).expect("a variable the test sets"));
            in_word = true;
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None => match c {
                '"' | '\'' => {
                    quote = Some(c);
                    in_word = true;
                }
                '>' | '|' | ';' | '&' => break,
                c if c.is_whitespace() => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                c => {
                    word.push(c);
                    in_word = true;
                }
            },
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn the_workflow_runs_what_orgc_offers() {
    let yaml = std::fs::read_to_string(root().join(WORKFLOW)).unwrap();
    assert!(yaml.contains("pull_request:"));
    assert!(
        yaml.contains("fetch-depth: 0"),
        "--base needs the base branch's history"
    );
    assert!(yaml.contains(&format!("'{}'", orgc::diff::render::MARKER)));

    // A repository with the example org on `main`, and a pull request that gives
    // QA read access to production.
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&root().join("org"), &repo.join("org"));
    copy_dir(&root().join("policies"), &repo.join("policies"));
    assert_eq!(orgc(&repo, &["compile", "--quiet"]).status.code(), Some(0));
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    git(&repo, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    let identity = repo.join("org/identity.toml");
    let mut text = std::fs::read_to_string(&identity).unwrap();
    text.push_str(
        "\n[[assignments]]\npermission_set = \"ReadOnly\"\ngroups = [\"qa\"]\ntargets = { ous = [\"prod\"] }\n",
    );
    std::fs::write(&identity, text).unwrap();
    assert_eq!(orgc(&repo, &["compile", "--quiet"]).status.code(), Some(0));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "qa reads prod"]);

    let runner_temp = tmp.path().join("runner");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let env: BTreeMap<&str, String> = [
        ("GITHUB_BASE_REF", "main".to_string()),
        ("RUNNER_TEMP", runner_temp.display().to_string()),
    ]
    .into_iter()
    .collect();

    let mut seen = Vec::new();
    for script in run_scripts(&yaml) {
        for line in script.lines().filter(|l| l.starts_with("orgc ")) {
            let args = words(line, &env);
            let args: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
            let out = orgc(&repo, &args);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "orgc {args:?}: {stderr}");
            match args.first().copied() {
                Some("validate") => {
                    assert!(args.contains(&"github"), "{args:?}");
                    assert!(!stderr.contains("::error"), "{stderr}");
                }
                Some("compile") => {
                    assert!(args.contains(&"--check"), "{args:?}");
                    assert!(stdout.contains("out is current"), "{stdout}");
                }
                Some("diff") => {
                    assert_eq!(args[1..3], ["--base", "origin/main"]);
                    assert!(stdout.starts_with(orgc::diff::render::MARKER), "{stdout}");
                    assert!(
                        stdout.contains("| ⚠️ gained | `group:qa` | `prod` | **`read`** |"),
                        "{stdout}"
                    );
                    assert!(stdout.chars().count() < orgc::diff::render::COMMENT_LIMIT);
                }
                other => panic!("the workflow runs an unexpected command: {other:?}"),
            }
            seen.push(args[0].to_string());
        }
    }
    assert_eq!(seen, ["validate", "compile", "diff"]);
}

#[test]
fn words_split_like_a_shell() {
    let env: BTreeMap<&str, String> = [("B", "main".to_string())].into_iter().collect();
    assert_eq!(
        words(
            r#"orgc diff --base "origin/$B" --format markdown > "$B/x" || echo"#,
            &env
        ),
        [
            "orgc",
            "diff",
            "--base",
            "origin/main",
            "--format",
            "markdown"
        ]
    );
    assert_eq!(
        words("orgc compile --check", &env),
        ["orgc", "compile", "--check"]
    );
}
