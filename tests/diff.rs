//! `orgc diff` on pairs of orgs (`tests/fixtures/diff/<case>/{old,new}/`): every
//! case's diff is snapshotted in every format (text without colour, markdown, JSON),
//! and the fact each case exists for is asserted outright from the JSON, so a wrong
//! snapshot cannot be accepted by accident. Then `--base` against temporary git
//! repositories.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

const FORMATS: [&str; 3] = ["text", "markdown", "json"];

/// Cases whose new side fails a guardrail: the diff is printed, the exit code is 1.
const FAILING: [&str; 1] = ["guardrail-newly-fails"];

fn diff_json(dir: &Path) -> Value {
    let out = orgc(dir, &["diff", "old/org", "new/org", "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_case_in_every_format() {
    let settings = snapshot_settings();
    for dir in fixtures("diff") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected = if FAILING.contains(&name.as_str()) {
            1
        } else {
            0
        };
        for format in FORMATS {
            let out = orgc(&dir, &["diff", "old/org", "new/org", "--format", format]);
            assert_eq!(
                out.status.code(),
                Some(expected),
                "{name} ({format}): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(!text.contains('\x1b'), "{name}: colour in a pipe");
            settings.bind(|| insta::assert_snapshot!(format!("diff@{name}.{format}"), text));
        }
        // The same comparison, twice: byte-identical.
        let a = orgc(&dir, &["diff", "old/org", "new/org", "--format", "json"]);
        let b = orgc(&dir, &["diff", "old/org", "new/org", "--format", "json"]);
        assert_eq!(a.stdout, b.stdout, "{name}: not deterministic");
        // A side compared with itself: nothing changed, and --exit-code says so.
        let same = orgc(&dir, &["diff", "old/org", "old/org", "--exit-code"]);
        assert_eq!(same.status.code(), Some(0), "{name}");
        let text = String::from_utf8(same.stdout).unwrap();
        assert!(
            text.contains("no change in access, no output file changed"),
            "{text}"
        );
    }
}

#[test]
fn exit_code_reports_changes() {
    let dir = root().join("tests/fixtures/diff/pure-rename");
    let out = orgc(&dir, &["diff", "old/org", "new/org", "--exit-code"]);
    assert_eq!(out.status.code(), Some(1));
    let out = orgc(&dir, &["diff", "old/org", "new/org"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn colour_when_asked() {
    let dir = root().join("tests/fixtures/diff/template-only");
    let out = orgc(&dir, &["diff", "old/org", "new/org", "--color", "always"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\x1b[32m+            \"ssm:PutParameter\"\x1b[0m"),
        "{text}"
    );
    let out = orgc(&dir, &["diff", "old/org", "new/org", "--color", "never"]);
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\x1b'));
}

#[test]
fn a_new_group_assignment_to_production() {
    let d = diff_json(&root().join("tests/fixtures/diff/group-assignment-to-prod"));
    let access = d["summary"]["access"].as_array().unwrap();
    assert_eq!(access.len(), 1, "{access:?}");
    let a = &access[0];
    assert_eq!(a["principal"], "group:sre");
    assert_eq!(a["account"], "prod");
    assert_eq!(a["change"], "gained");
    assert_eq!(a["new_level"], "write");
    assert_eq!(a["via"][0], "permission_set:PowerUser");
    assert_eq!(a["guarded_by"][0], "only-admins-administer-prod");
    assert_eq!(a["risky"], true);
    assert_eq!(d["risky"], true);
    assert!(
        d["headline"]
            .as_str()
            .unwrap()
            .starts_with("+1 access grant")
    );
}

#[test]
fn a_guardrail_newly_failing() {
    let dir = root().join("tests/fixtures/diff/guardrail-newly-fails");
    let d = diff_json(&dir);
    let g = &d["summary"]["guardrails"][0];
    assert_eq!(g["name"], "only-admins-administer-prod");
    assert_eq!(g["change"], "newly_fails");
    let a = &d["summary"]["access"][0];
    assert_eq!(
        (a["change"].as_str(), a["admin"].as_bool()),
        (Some("raised"), Some(true))
    );
    let out = orgc(&dir, &["diff", "old/org", "new/org"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error[orgc::guardrail::deny-access]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: the new side fails 1 guardrail"),
        "{stderr}"
    );
}

#[test]
fn a_widened_trust_policy() {
    let d = diff_json(&root().join("tests/fixtures/diff/widened-trust"));
    let trust = d["summary"]["trust"].as_array().unwrap();
    assert_eq!(trust.len(), 1);
    let t = &trust[0];
    assert_eq!(t["role"], "deployer@prod");
    assert_eq!(
        t["added"][0]["principal"],
        "AWS arn:aws:iam::999999999999:root"
    );
    assert_eq!(
        t["conditions"][0]["principal"],
        "AWS arn:aws:iam::222222222222:root"
    );
    assert_eq!(
        t["conditions"][0]["removed"][0],
        "Bool aws:MultiFactorAuthPresent=true"
    );
    assert!(t["removed"].as_array().unwrap().is_empty());
    let a = &d["summary"]["access"][0];
    assert_eq!(a["principal"], "external:999999999999");
    assert_eq!(a["change"], "gained");
}

#[test]
fn a_pure_rename_changes_no_access() {
    let dir = root().join("tests/fixtures/diff/pure-rename");
    let d = diff_json(&dir);
    assert!(d["summary"]["access"].as_array().unwrap().is_empty());
    assert!(d["summary"]["trust"].as_array().unwrap().is_empty());
    assert_eq!(d["risky"], false);
    let renamed = d["summary"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["change"] == "renamed")
        .unwrap();
    assert_eq!(
        (renamed["old_name"].as_str(), renamed["name"].as_str()),
        (Some("ReadOnly"), Some("Viewer"))
    );
    let path = &d["summary"]["access_paths"][0];
    assert_eq!(path["old_via"][0], "permission_set:ReadOnly");
    assert_eq!(path["new_via"][0], "permission_set:Viewer");
    for format in ["text", "markdown"] {
        let out = orgc(&dir, &["diff", "old/org", "new/org", "--format", format]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("No change in access."), "{text}");
        assert!(
            !text.contains("WARNING") && !text.contains("warning:"),
            "{text}"
        );
    }
}

#[test]
fn a_change_only_in_a_policy_template() {
    let d = diff_json(&root().join("tests/fixtures/diff/template-only"));
    let entities = d["summary"]["entities"].as_array().unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0]["name"], "Developer");
    let st = &entities[0]["details"][0];
    assert_eq!(st["kind"], "statement");
    assert_eq!(st["statement"], "ReadShopParameters");
    assert_eq!(st["policy"], "PutInlinePolicyToPermissionSet.InlinePolicy");
    assert_eq!(st["elements"][0]["element"], "Action");
    assert_eq!(st["elements"][0]["added"][0], "ssm:PutParameter");
    let a = &d["summary"]["access"][0];
    assert_eq!(a["principal"], "group:developers");
    assert_eq!(
        (a["old_level"].as_str(), a["new_level"].as_str()),
        (Some("read"), Some("write"))
    );
}

/// The network cases: when the network audit exists, the path between dev and
/// prod opens both ways; until then nothing in the output changes.
fn network_case(case: &str) {
    let d = diff_json(&root().join("tests/fixtures/diff").join(case));
    let s = &d["summary"];
    if s["network_audited"] == true {
        let opened: Vec<(String, String)> = s["network"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["change"] == "opened")
            .map(|n| {
                (
                    n["from"].as_str().unwrap().to_string(),
                    n["to"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(
            opened.contains(&("dev".to_string(), "prod".to_string())),
            "{opened:?}"
        );
        assert!(
            opened.contains(&("prod".to_string(), "dev".to_string())),
            "{opened:?}"
        );
    } else {
        assert_eq!(d["changed"], false, "{d}");
    }
    assert!(s["access"].as_array().unwrap().is_empty());
}

#[test]
fn a_new_propagation() {
    network_case("new-propagation");
}

#[test]
fn a_removed_blackhole() {
    network_case("removed-blackhole");
}

#[test]
fn a_side_that_does_not_compile_is_named() {
    for (broken_side, other) in [("new", "old"), ("old", "new")] {
        let tmp = tempfile::tempdir().unwrap();
        let fixture = root().join("tests/fixtures/diff/pure-rename");
        copy_dir(&fixture.join("old"), &tmp.path().join("old"));
        copy_dir(&fixture.join("new"), &tmp.path().join("new"));
        let broken = tmp.path().join(broken_side).join("org/org.toml");
        let text = std::fs::read_to_string(&broken).unwrap();
        std::fs::write(&broken, text.replace("ou = \"prod\"", "ou = \"prd\"")).unwrap();
        let out = orgc(tmp.path(), &["diff", "old/org", "new/org"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(&format!(
                "error: the {broken_side} side `{broken_side}/org` does not compile:"
            )),
            "{stderr}"
        );
        assert!(stderr.contains("orgc::ref::unknown-ou"), "{stderr}");
        assert!(!stderr.contains(&format!("the {other} side")), "{stderr}");
    }
}

#[test]
fn usage_errors() {
    let dir = root().join("tests/fixtures/diff/pure-rename");
    for args in [
        vec!["diff"],
        vec!["diff", "old/org"],
        vec!["diff", "old/org", "new/org", "--base", "HEAD"],
        vec!["diff", "old/org", "new/org", "--policies", "x"],
        vec!["diff", "old/org", "missing/org"],
    ] {
        let out = orgc(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

// --- `--base` ---------------------------------------------------------------

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replace the org and policies in `repo` with `side`'s.
fn check_out_side(repo: &Path, side: &Path) {
    for d in ["org", "policies"] {
        let _ = std::fs::remove_dir_all(repo.join(d));
        if side.join(d).is_dir() {
            copy_dir(&side.join(d), &repo.join(d));
        }
    }
}

/// A repository whose first commit holds a case's old side and second its new.
fn two_commits(case: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let fixture = root().join("tests/fixtures/diff").join(case);
    git(repo, &["init", "-q"]);
    check_out_side(repo, &fixture.join("old"));
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "old"]);
    check_out_side(repo, &fixture.join("new"));
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "new"]);
    tmp
}

#[test]
fn base_compares_a_revision_with_the_working_tree() {
    let settings = snapshot_settings();
    for case in ["template-only", "widened-trust"] {
        let tmp = two_commits(case);
        let repo = tmp.path();
        let status_before = git(repo, &["status", "--porcelain", "--ignored"]);
        for format in FORMATS {
            let base = orgc(repo, &["diff", "--base", "HEAD~1", "--format", format]);
            assert_eq!(
                base.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&base.stderr)
            );
            let dirs = orgc(
                &root().join("tests/fixtures/diff").join(case),
                &["diff", "old/org", "new/org", "--format", format],
            );
            // The same diff as between the two directories, but for the labels.
            let base_text = String::from_utf8(base.stdout).unwrap();
            let dirs_text = String::from_utf8(dirs.stdout).unwrap();
            let normal_base = base_text
                .replace("HEAD~1:org", "OLD")
                .replace("→ org\n", "→ NEW\n")
                .replace("with `org`", "with `NEW`")
                .replace("\"new\": \"org\"", "\"new\": \"NEW\"");
            let normal_dirs = dirs_text
                .replace("old/org", "OLD")
                .replace("new/org", "NEW");
            assert_eq!(normal_base, normal_dirs, "{case} ({format})");
            if case == "template-only" {
                settings.bind(|| insta::assert_snapshot!(format!("diff@base.{format}"), base_text));
            }
        }
        // Reading the revision touched nothing.
        assert_eq!(
            git(repo, &["status", "--porcelain", "--ignored"]),
            status_before
        );
    }
}

#[test]
fn base_sees_uncommitted_changes_and_reads_no_working_file_at_the_revision() {
    let tmp = two_commits("pure-rename");
    let repo = tmp.path();
    // Against HEAD: nothing changed.
    let out = orgc(repo, &["diff", "--base", "HEAD", "--exit-code"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An uncommitted edit, and an untracked file that is not at the revision.
    let org = repo.join("org/org.toml");
    let text = std::fs::read_to_string(&org).unwrap();
    std::fs::write(
        &org,
        text.replace("session_duration = \"PT4H\"", "session_duration = \"PT2H\""),
    )
    .unwrap();
    std::fs::write(repo.join("org/extra.toml"), "[groups.qa]\n").unwrap();
    let out = orgc(repo, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        vec!["identity-center/permission-sets/PowerUser.json"]
    );
    let detail = &d["summary"]["entities"][0]["details"][0];
    assert_eq!(detail["at"], "CreatePermissionSet.SessionDuration");
    assert_eq!(
        (detail["old"].as_str(), detail["new"].as_str()),
        (Some("\"PT4H\""), Some("\"PT2H\""))
    );
    // The working tree is as the test left it.
    assert!(std::fs::read_to_string(&org).unwrap().contains("PT2H"));
}

#[test]
fn base_from_outside_the_repository() {
    let tmp = two_commits("template-only");
    let repo = tmp.path();
    // Run from outside the repository, naming the org directory.
    let outside = tempfile::tempdir().unwrap();
    let org = repo.join("org");
    let out = orgc(
        outside.path(),
        &[
            "diff",
            "--base",
            "HEAD~1",
            org.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["old"], "HEAD~1:org");
    assert_eq!(d["summary"]["entities"][0]["name"], "Developer");
}

#[test]
fn base_before_the_org_existed() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    std::fs::write(repo.join("README.md"), "An org, soon.\n").unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "empty"]);
    check_out_side(repo, &root().join("tests/fixtures/diff/pure-rename/old"));
    let out = orgc(repo, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("the old side `HEAD:org` has no org"),
        "{stderr}"
    );
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        d["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "added")
    );
    assert!(
        d["summary"]["access"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["change"] == "gained")
    );
    assert_eq!(d["summary"]["guardrails"][0]["change"], "added");
}

#[test]
fn base_errors() {
    let tmp = two_commits("pure-rename");
    let repo = tmp.path();
    for (args, message) in [
        (
            vec!["diff", "--base", "no-such-branch"],
            "unknown revision `no-such-branch`",
        ),
        (vec!["diff", "--base=-x"], "`-x` is not a revision"),
    ] {
        let out = orgc(repo, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    // Not a repository at all.
    let plain = tempfile::tempdir().unwrap();
    check_out_side(
        plain.path(),
        &root().join("tests/fixtures/diff/pure-rename/old"),
    );
    let out = orgc(plain.path(), &["diff", "--base", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("is not in a git repository")
    );
}
