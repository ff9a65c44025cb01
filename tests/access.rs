//! The access audit on hand-worked scenarios (`tests/fixtures/access/<name>/`): each
//! scenario's `audit/access.json` is snapshotted, and the fact the scenario exists for
//! is asserted outright, so a wrong snapshot cannot be accepted by accident.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

fn audit(name: &str) -> Vec<Value> {
    let dir = root().join("tests/fixtures/access").join(name);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let res = orgc(&dir, &["compile", "org", "--out", out.to_str().unwrap()]);
    assert_eq!(
        res.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    let text = std::fs::read_to_string(out.join("audit/access.json")).unwrap();
    let settings = snapshot_settings();
    settings.bind(|| insta::assert_snapshot!(format!("access@{name}"), text));
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The rows of one principal on one account, as `(level, via)`.
fn rows(audit: &[Value], principal: &str, account: &str) -> Vec<(String, Vec<String>)> {
    audit
        .iter()
        .filter(|r| r["principal"] == principal && r["account"] == account)
        .map(|r| {
            (
                r["level"].as_str().unwrap().to_string(),
                r["via"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn direct_admin_assignment() {
    let a = audit("direct-admin");
    assert_eq!(
        rows(&a, "group:admins", "prod"),
        vec![("admin".into(), strs(&["permission_set:Admin"]))]
    );
}

#[test]
fn two_hop_chain_reaches_prod_through_the_deployer_role() {
    let a = audit("two-hop-chain");
    assert!(
        rows(&a, "group:developers", "prod").contains(&(
            "write".into(),
            strs(&["permission_set:Deployer@tooling", "role:deployer@prod"])
        )),
        "{a:#?}"
    );
}

#[test]
fn chain_without_sts_assume_role_is_not_followed() {
    let a = audit("chain-blocked-no-assume-role");
    assert!(rows(&a, "group:developers", "prod").is_empty(), "{a:#?}");
    assert!(!rows(&a, "group:developers", "tooling").is_empty());
}

#[test]
fn explicit_deny_blocks_the_chain() {
    let a = audit("chain-blocked-explicit-deny");
    assert!(rows(&a, "group:developers", "prod").is_empty(), "{a:#?}");
    assert_eq!(
        rows(&a, "group:developers", "tooling"),
        vec![("admin".into(), strs(&["permission_set:Deployer"]))]
    );
}

#[test]
fn third_party_reads_through_its_role() {
    let a = audit("third-party-external-id");
    assert_eq!(
        rows(&a, "external:999999999999", "prod"),
        vec![("read".into(), strs(&["role:vendor-audit@prod"]))]
    );
}

#[test]
fn service_principal_acts_as_the_task_role() {
    let a = audit("service-principal");
    assert_eq!(
        rows(&a, "service:ecs-tasks.amazonaws.com", "prod"),
        vec![("read".into(), strs(&["role:task@prod"]))]
    );
}

#[test]
fn roles_trusting_each_other_are_followed_once() {
    let a = audit("role-loop");
    assert!(
        rows(&a, "group:ops", "prod").contains(&(
            "admin".into(),
            strs(&["permission_set:Ops", "role:loop-a@prod", "role:loop-b@prod"])
        )),
        "{a:#?}"
    );
    assert!(
        rows(&a, "role:loop-b@prod", "prod")
            .contains(&("write".into(), strs(&["role:loop-a@prod"])))
    );
}

#[test]
fn levels_come_from_the_aws_managed_documents() {
    let a = audit("managed-policy-levels");
    assert_eq!(rows(&a, "group:readers", "prod")[0].0, "read");
    assert_eq!(rows(&a, "group:builders", "prod")[0].0, "write");
    assert_eq!(rows(&a, "group:admins", "prod")[0].0, "admin");
}

#[test]
fn invisible_customer_managed_policies_count_as_admin_and_mark_the_path() {
    let a = audit("customer-managed-unverified");
    let row = a
        .iter()
        .find(|r| r["principal"] == "group:ops" && r["account"] == "prod")
        .unwrap();
    assert_eq!(row["unverified"], true);
    assert_eq!(rows(&a, "group:ops", "tooling")[0].0, "admin");
}

#[test]
fn example_org_lets_only_admins_write_prod() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let res = orgc(&root(), &["compile", "--out", out.to_str().unwrap()]);
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let a: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(out.join("audit/access.json")).unwrap())
            .unwrap();
    let writers: Vec<&str> = a
        .iter()
        .filter(|r| r["account"] == "prod" && r["level"] != "read")
        .map(|r| r["principal"].as_str().unwrap())
        .collect();
    assert_eq!(
        writers,
        vec!["group:platform-admins", "role:ci-deployer-prod@prod"]
    );
}
