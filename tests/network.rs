//! The network, end to end through the real binary: hand-worked scenarios under
//! `tests/fixtures/network/<name>/org/` (each file's comment says what to expect and
//! why) with their audits snapshotted, the example org's audit, and the audit
//! command's behaviour.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    root().join("tests/fixtures/network").join(name)
}

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = orgc(dir, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "orgc {args:?} in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `audit network --by spoke --format json --all-pairs`: every pair, as printed.
fn spoke_json(dir: &Path) -> String {
    run_ok(
        dir,
        &[
            "audit",
            "network",
            "org",
            "--by",
            "spoke",
            "--format",
            "json",
            "--all-pairs",
        ],
    )
}

/// [`spoke_json`] as a list of pair objects.
fn spoke_pairs(dir: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&spoke_json(dir))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn pair<'a>(pairs: &'a [Value], from: &str, to: &str) -> &'a Value {
    pairs
        .iter()
        .find(|p| p["from"] == from && p["to"] == to)
        .unwrap_or_else(|| panic!("no pair {from} -> {to}"))
}

/// Forward, return and path of a pair.
fn fr(pairs: &[Value], from: &str, to: &str) -> (String, String, Vec<String>) {
    let p = pair(pairs, from, to);
    (
        p["forward"].as_str().unwrap().to_string(),
        p["return"].as_str().unwrap().to_string(),
        p["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
    )
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn every_scenario_validates_and_its_audits_are_snapshotted() {
    let settings = snapshot_settings();
    let _guard = settings.bind_to_scope();
    let dirs = fixtures("network");
    assert!(dirs.len() >= 7, "{} scenarios", dirs.len());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        run_ok(&dir, &["validate", "org"]);
        let text = run_ok(
            &dir,
            &["audit", "network", "org", "--by", "spoke", "--all-pairs"],
        );
        insta::assert_snapshot!(format!("{name}@spokes.txt"), text);
        insta::assert_snapshot!(format!("{name}@spokes.json"), spoke_json(&dir));
    }
}

/// Without `--from`, `--to` or `--all-pairs`, only pairs where something arrives are
/// listed (an org of thousands of accounts has millions that reach nothing), exactly
/// the pairs of `audit/network.json`.
#[test]
fn by_default_only_pairs_that_deliver_are_listed() {
    let dir = scenario("segmentation");
    let all = spoke_pairs(&dir);
    let json = run_ok(
        &dir,
        &[
            "audit", "network", "org", "--by", "spoke", "--format", "json",
        ],
    );
    let listed: Vec<Value> = serde_json::from_str(&json).unwrap();
    let delivering: Vec<Value> = all
        .iter()
        .filter(|p| p["forward"] != "none" || p["return"] != "none")
        .cloned()
        .collect();
    assert!(
        delivering.len() < all.len(),
        "the scenario has pairs that reach nothing"
    );
    assert_eq!(listed, delivering);
    let text = run_ok(&dir, &["audit", "network", "org", "--by", "spoke"]);
    assert!(!text.contains("  no path "), "{text}");
    assert!(
        text.contains("(pairs not listed: no path either way)"),
        "{text}"
    );
    let every = run_ok(
        &dir,
        &["audit", "network", "org", "--by", "spoke", "--all-pairs"],
    );
    assert!(every.contains("  no path "), "{every}");
    let md = run_ok(
        &dir,
        &[
            "audit", "network", "org", "--by", "spoke", "--format", "markdown",
        ],
    );
    assert!(md.contains("Pairs not listed reach nothing"), "{md}");
    assert!(!md.contains("| none | none |"), "{md}");
}

#[test]
fn plain_segmentation() {
    let p = spoke_pairs(&scenario("segmentation"));
    for prod in ["prod-a", "prod-b"] {
        assert_eq!(
            fr(&p, prod, "shared"),
            ("full".into(), "full".into(), s(&[prod, "shared"]))
        );
        assert_eq!(fr(&p, "dev", prod), ("none".into(), "none".into(), vec![]));
        assert_eq!(pair(&p, "dev", prod)["reachable"], false);
    }
    assert_eq!(fr(&p, "prod-a", "prod-b").0, "full");
    assert_eq!(fr(&p, "dev", "shared").0, "full");
    // By account, prod's two spokes make one account; dev and prod never meet.
    let text = run_ok(&scenario("segmentation"), &["audit", "network", "org"]);
    assert!(text.contains("prod (spokes: prod-a, prod-b)"), "{text}");
}

#[test]
fn a_more_specific_blackhole_makes_a_pair_partial() {
    let p = spoke_pairs(&scenario("partial-blackhole"));
    let ab = pair(&p, "a", "b");
    assert_eq!(
        fr(&p, "a", "b"),
        ("partial".into(), "full".into(), s(&["a", "b"]))
    );
    assert_eq!(ab["reachable"], true);
    let lost = ab["forward_lost"].as_array().unwrap();
    assert_eq!(lost.len(), 1);
    assert_eq!(
        lost[0]["destinations"],
        serde_json::json!(["10.0.1.128/25"])
    );
    assert_eq!(lost[0]["reason"], "blackhole");
    assert_eq!(lost[0]["table"], "all");
    assert!(ab.get("return_lost").is_none());
}

#[test]
fn a_missing_return_route_is_one_way_and_not_reachable() {
    let p = spoke_pairs(&scenario("one-way"));
    let ab = pair(&p, "a", "b");
    assert_eq!(
        fr(&p, "a", "b"),
        ("full".into(), "none".into(), s(&["a", "b"]))
    );
    assert_eq!(ab["reachable"], false);
    assert_eq!(fr(&p, "b", "a"), ("none".into(), "full".into(), vec![]));
    let detail = run_ok(
        &scenario("one-way"),
        &["audit", "network", "org", "--from", "b", "--to", "a"],
    );
    assert!(detail.contains("table `b-table` has no route"), "{detail}");
}

#[test]
fn inspection_puts_the_appliance_on_the_path() {
    let p = spoke_pairs(&scenario("inspection"));
    assert_eq!(
        fr(&p, "a", "b"),
        ("full".into(), "full".into(), s(&["a", "inspect", "b"]))
    );
    assert_eq!(fr(&p, "b", "a").2, s(&["b", "inspect", "a"]));
    assert_eq!(fr(&p, "a", "inspect").2, s(&["a", "inspect"]));
}

#[test]
fn a_static_route_shadows_a_propagated_one() {
    let dir = scenario("shadowed-static");
    let p = spoke_pairs(&dir);
    assert_eq!(
        fr(&p, "a", "b"),
        ("full".into(), "full".into(), s(&["a", "fw", "b"]))
    );
    assert_eq!(fr(&p, "b", "a").2, s(&["b", "a"]));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&dir, &["compile", "org", "--out", out.to_str().unwrap()]);
    let main = std::fs::read_to_string(out.join("network/hub/route-tables/main.json")).unwrap();
    let settings = snapshot_settings();
    let _guard = settings.bind_to_scope();
    insta::assert_snapshot!("shadowed-static@route-tables__main.json", main);
    let main: Value = serde_json::from_str(&main).unwrap();
    assert_eq!(
        main["ShadowedRoutes"],
        serde_json::json!([{
            "DestinationCidrBlock": "10.0.1.0/24",
            "TransitGatewayAttachmentName": "b",
            "ShadowedBy": "fw"
        }])
    );
}

#[test]
fn a_default_route_to_an_egress_appliance_reaches_the_internet() {
    let dir = scenario("egress-default");
    let p = spoke_pairs(&dir);
    assert_eq!(
        fr(&p, "a", "b"),
        ("full".into(), "full".into(), s(&["a", "egress", "b"]))
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&dir, &["compile", "org", "--out", out.to_str().unwrap()]);
    let audit: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("audit/network.json")).unwrap())
            .unwrap();
    let egress = audit["internet"]["egress"].as_array().unwrap();
    let a = egress.iter().find(|e| e["spoke"] == "a").unwrap();
    assert_eq!(a["through_appliance"], "full");
    assert_eq!(a["through"], serde_json::json!(["egress"]));
    assert_eq!(a["path"], serde_json::json!(["a", "egress"]));
    // b sends only 10/8 to the gateway: it is not listed.
    assert!(egress.iter().all(|e| e["spoke"] != "b"));
    let settings = snapshot_settings();
    let _guard = settings.bind_to_scope();
    for spoke in ["a", "b", "egress"] {
        let file =
            std::fs::read_to_string(out.join(format!("network/hub/vpc-routes/{spoke}.json")))
                .unwrap();
        insta::assert_snapshot!(format!("egress-default@vpc-routes__{spoke}.json"), file);
    }
    let a_routes: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("network/hub/vpc-routes/a.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        a_routes["CreateRoute"][0]["DestinationCidrBlock"],
        "0.0.0.0/0"
    );
    let egress_routes: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("network/hub/vpc-routes/egress.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        egress_routes["CreateTransitGatewayVpcAttachment"]["Options"]["ApplianceModeSupport"],
        "enable"
    );
}

#[test]
fn overlapping_routes_in_different_tables() {
    let p = spoke_pairs(&scenario("overlapping-tables"));
    assert_eq!(
        fr(&p, "a", "b"),
        ("full".into(), "full".into(), s(&["a", "b"]))
    );
    assert_eq!(
        fr(&p, "a", "c"),
        ("full".into(), "full".into(), s(&["a", "c"]))
    );
    assert_eq!(fr(&p, "b", "c"), ("none".into(), "none".into(), vec![]));
}

#[test]
fn example_org_audit() {
    let settings = snapshot_settings();
    let _guard = settings.bind_to_scope();
    let text = run_ok(&root(), &["audit", "network", "--all-pairs"]);
    insta::assert_snapshot!("example@accounts.txt", text);
    let detail = run_ok(
        &root(),
        &["audit", "network", "--from", "dev", "--to", "prod"],
    );
    insta::assert_snapshot!("example@dev-prod.txt", detail);
    let md = run_ok(
        &root(),
        &["audit", "network", "--format", "markdown", "--all-pairs"],
    );
    insta::assert_snapshot!("example@accounts.md", md);
    let json: Value = serde_json::from_str(&run_ok(
        &root(),
        &[
            "audit", "network", "--from", "dev", "--to", "prod", "--format", "json",
        ],
    ))
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!([{
            "from": "dev", "to": "prod", "forward": "none", "return": "none",
            "reachable": false, "path": []
        }])
    );
}

/// The example's exact-prefix blackholes keep `dev-cannot-reach-prod` true even
/// when prod is propagated into the nonprod table by mistake: the static route
/// wins, and the propagated one is reported as shadowed. (The failing case,
/// `tests/fixtures/invalid/guardrail-deny-network`, has no such blackholes.)
#[test]
fn the_example_survives_a_stray_propagation_into_nonprod() {
    let proj = tempfile::tempdir().unwrap();
    for sub in ["org", "policies"] {
        std::fs::create_dir(proj.path().join(sub)).unwrap();
        for e in std::fs::read_dir(root().join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, proj.path().join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    let path = proj.path().join("org/network.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let stray = text.replace(
        "associate = \"production\"\npropagate = [\"shared\", \"inspection\"]",
        "associate = \"production\"\npropagate = [\"shared\", \"inspection\", \"nonprod\"]",
    );
    assert_ne!(stray, text);
    std::fs::write(&path, stray).unwrap();
    run_ok(proj.path(), &["compile", "org"]);
    let nonprod: Value = serde_json::from_str(
        &std::fs::read_to_string(
            proj.path()
                .join("out/network/core/route-tables/nonprod.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        nonprod["ShadowedRoutes"][0],
        serde_json::json!({
            "DestinationCidrBlock": "10.20.0.0/16",
            "TransitGatewayAttachmentName": "prod",
            "ShadowedBy": "blackhole"
        })
    );
}

#[test]
fn audit_still_answers_when_a_guardrail_fails() {
    let dir = root().join("tests/fixtures/invalid/guardrail-deny-network");
    let out = orgc(
        &dir,
        &["audit", "network", "org", "--from", "dev", "--to", "prod"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("spoke dev → prod: full, path dev → prod"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("orgc::guardrail::deny-network"));
}

#[test]
fn unknown_names_are_usage_errors_with_a_hint() {
    let out = orgc(&root(), &["audit", "network", "--from", "dve"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did you mean `dev`?"), "{stderr}");
    let out = orgc(&root(), &["audit", "network", "--from", "inspection"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--by spoke"));
    run_ok(
        &root(),
        &["audit", "network", "--by", "spoke", "--from", "inspection"],
    );
}

/// An org whose one table learns `spokes × cidrs` propagated routes, plus
/// `statics` static routes that shadow the first propagated ones.
fn quota_org(spokes: usize, cidrs: usize, statics: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("org")).unwrap();
    let mut t = String::from(
        "[organization]\nname = \"quota\"\nmanagement_account = \"m\"\nhome_region = \"eu-west-1\"\n\n[accounts.m]\nid = \"111111111111\"\n\n[transit_gateways.hub]\naccount = \"m\"\n\n[transit_gateways.hub.route_tables.all]\nroutes = [\n",
    );
    // Spoke s, CIDR c: 10.s.(c/16).((c%16)*16)/28
    let cidr = |s: usize, c: usize| format!("10.{s}.{}.{}/28", c / 16, (c % 16) * 16);
    for i in 0..statics {
        t.push_str(&format!(
            "  {{ destination = \"{}\", blackhole = true }},\n",
            cidr(0, i)
        ));
    }
    t.push_str("]\n");
    for s in 0..spokes {
        let list: Vec<String> = (0..cidrs).map(|c| format!("\"{}\"", cidr(s, c))).collect();
        t.push_str(&format!(
            "\n[spokes.s{s}]\naccount = \"m\"\ntransit_gateway = \"hub\"\ncidrs = [{}]\nassociate = \"all\"\npropagate = [\"all\"]\n",
            list.join(", ")
        ));
    }
    std::fs::write(dir.path().join("org/org.toml"), t).unwrap();
    dir
}

/// The resolver's route quota and the compiled route counts agree: propagated
/// routes count, and so does a propagation a static route shadows.
#[test]
fn the_route_quota_counts_what_the_gateway_holds() {
    let at_limit = quota_org(100, 100, 0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(
        at_limit.path(),
        &["compile", "org", "--out", out.to_str().unwrap()],
    );
    let gw: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("network/hub/transit-gateway.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(gw["RouteCount"]["Total"], 10_000);
    assert_eq!(gw["RouteCount"]["Propagated"], 10_000);

    let over = quota_org(100, 100, 1);
    let res = orgc(over.path(), &["validate", "org"]);
    assert_eq!(res.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(stderr.contains("orgc::limit::routes"), "{stderr}");
    assert!(
        stderr.contains("10001 routes (1 static, 10000 propagated)"),
        "{stderr}"
    );

    let shadowing = quota_org(10, 10, 3);
    run_ok(
        shadowing.path(),
        &["compile", "org", "--out", out.to_str().unwrap()],
    );
    let gw: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("network/hub/transit-gateway.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        gw["RouteCount"],
        serde_json::json!({"StaticRoutes": 3, "Propagated": 97, "Shadowed": 3, "Total": 103})
    );
}
