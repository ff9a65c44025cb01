//! The command line as users meet it: exit codes, output channels, flags.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

#[test]
fn example_org_validates_clean() {
    let out = orgc(&root(), &["validate"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("is valid"), "{stdout}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn committed_schema_matches_the_generated_one() {
    let out = orgc(&root(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed = std::fs::read_to_string(root().join("org/org.schema.json")).unwrap();
    assert!(
        committed == String::from_utf8_lossy(&out.stdout),
        "org/org.schema.json is stale: run `cargo run -- schema > org/org.schema.json`"
    );
}

#[test]
fn every_example_file_points_editors_at_the_schema() {
    for entry in std::fs::read_dir(root().join("org")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.starts_with("#:schema ./org.schema.json\n"),
                "{} does not start with the #:schema line",
                path.display()
            );
        }
    }
}

#[test]
fn missing_org_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = orgc(dir.path(), &["validate", "no-such-dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-dir"));
}

#[test]
fn bad_flag_is_a_usage_error() {
    let out = orgc(&root(), &["validate", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("org")).unwrap();
    std::fs::write(
        dir.path().join("org/org.toml"),
        r#"
[organization]
name = "w"
management_account = "mgmt"
home_region = "eu-west-1"

[accounts.mgmt]
id = "111111111111"

[[guardrails]]
name = "nobody-ingress"
internet_ingress = { only = { tags = { role = "edge" } } }
"#,
    )
    .unwrap();
    let out = orgc(dir.path(), &["validate", "org"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("orgc::selector::empty"));
    let out = orgc(dir.path(), &["validate", "org", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn github_format_prints_annotations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("org")).unwrap();
    std::fs::write(
        dir.path().join("org/org.toml"),
        "[organization]\nname = \"x\"\n",
    )
    .unwrap();
    let out = orgc(
        dir.path(),
        &["validate", "org", "--diagnostic-format", "github"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("::error file=org/org.toml,line=1,col=1"),
        "{stderr}"
    );
}

#[test]
fn completions_are_generated() {
    let out = orgc(&root(), &["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("validate"));
}

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    orgc::cli::Cli::command().debug_assert();
}

#[test]
fn require_mfa_on_a_permission_set_entry_warns_that_it_would_lock_users_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("org")).unwrap();
    std::fs::write(
        dir.path().join("org/org.toml"),
        r#"
[organization]
name = "m"
management_account = "mgmt"
home_region = "eu-west-1"

[identity_center]
instance_arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
identity_store_id = "d-0123456789"

[accounts.mgmt]
id = "111111111111"

[accounts.tools]
id = "222222222222"

[groups.ops]

[permission_sets.Ops]

[[assignments]]
permission_set = "Ops"
groups = ["ops"]
targets = { accounts = ["tools"] }

[roles.deployer]
targets = { accounts = ["mgmt"] }

[[roles.deployer.trust]]
permission_set = "Ops"
accounts = ["tools"]
require_mfa = true
"#,
    )
    .unwrap();
    let out = orgc(dir.path(), &["validate", "org"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning[orgc::trust::mfa-unavailable]"),
        "{stderr}"
    );
    assert!(stderr.contains("org/org.toml:29:1"), "{stderr}");
}

#[test]
fn readme_documents_every_lint() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for info in orgc::policy::lint::all_lints() {
        assert!(
            readme.contains(&format!("`{}`", info.code)),
            "README does not document {}",
            info.code
        );
    }
}
