//! `orgc compile`: the output tree of every org is snapshotted, and the promises of
//! the output writer hold — atomic replacement, `--check`, byte-identical output, and
//! hostile template values that cannot change a policy's structure.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`, by relative path.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Compile the org in `dir/org` into a fresh temporary directory.
fn compile_into(dir: &Path) -> (tempfile::TempDir, BTreeMap<String, String>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let res = orgc(dir, &["compile", "org", "--out", out.to_str().unwrap()]);
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let tree = read_tree(&out);
    (tmp, tree)
}

fn snapshot_tree(prefix: &str, tree: &BTreeMap<String, String>) {
    let settings = snapshot_settings();
    let _g = settings.bind_to_scope();
    for (path, content) in tree {
        insta::assert_snapshot!(format!("{prefix}@{path}"), content);
    }
}

#[test]
fn example_org_output_tree() {
    let (_tmp, tree) = compile_into(&root());
    assert!(tree.contains_key("manifest.json"));
    assert!(tree.contains_key("identity-center/assignments.json"));
    // The manifest's input hash and version change with every edit and release; the
    // rest of the manifest is checked below.
    let mut tree = tree;
    let manifest = tree.remove("manifest.json").unwrap();
    snapshot_tree("example", &tree);
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = tree.keys().map(String::as_str).collect();
    assert_eq!(listed, expected, "the manifest lists every file but itself");
}

#[test]
fn valid_fixture_output_trees() {
    for dir in fixtures("valid") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (_tmp, mut tree) = compile_into(&dir);
        tree.remove("manifest.json");
        snapshot_tree(&format!("valid-{name}"), &tree);
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    let (_a, first) = compile_into(&root());
    let (_b, second) = compile_into(&root());
    assert_eq!(first, second);
}

#[test]
fn a_synced_compile_writes_the_same_tree() {
    let (_a, plain) = compile_into(&root());
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let res = orgc(
        &root(),
        &["compile", "org", "--sync", "--out", out.to_str().unwrap()],
    );
    assert_eq!(res.status.code(), Some(0));
    assert_eq!(read_tree(&out), plain);
}

#[test]
fn manifest_hashes_every_file() {
    use sha2::{Digest, Sha256};
    let (_tmp, tree) = compile_into(&root());
    let manifest: serde_json::Value = serde_json::from_str(&tree["manifest.json"]).unwrap();
    assert_eq!(manifest["tool"], "orgc");
    assert_eq!(manifest["inputs_sha256"].as_str().unwrap().len(), 64);
    for f in manifest["files"].as_array().unwrap() {
        let content = &tree[f["path"].as_str().unwrap()];
        let digest: String = Sha256::digest(content.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"].as_str().unwrap(), digest, "{}", f["path"]);
    }
}

/// Copy the example org and templates into a temporary project directory.
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for sub in ["org", "policies"] {
        std::fs::create_dir(tmp.path().join(sub)).unwrap();
        for e in std::fs::read_dir(root().join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, tmp.path().join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    tmp
}

#[test]
fn a_failing_compile_leaves_the_previous_output_byte_identical() {
    let proj = example_copy();
    let ok = orgc(proj.path(), &["compile", "org"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = read_tree(&proj.path().join("out"));
    // Break the org: a dangling reference.
    let path = proj.path().join("org/accounts.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("ou = \"", "ou = \"no-such-", 1)).unwrap();
    let bad = orgc(proj.path(), &["compile", "org"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nothing was written"));
    assert_eq!(read_tree(&proj.path().join("out")), before);
    let names: Vec<String> = std::fs::read_dir(proj.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("orgc-")),
        "temporary directories left: {names:?}"
    );
}

#[test]
fn check_reports_a_stale_output_directory() {
    let proj = example_copy();
    let fresh = orgc(proj.path(), &["compile", "org", "--check"]);
    assert_eq!(
        fresh.status.code(),
        Some(3),
        "nothing compiled yet is stale"
    );
    assert!(String::from_utf8_lossy(&fresh.stdout).contains("missing"));
    assert_eq!(
        orgc(proj.path(), &["compile", "org"]).status.code(),
        Some(0)
    );
    let current = orgc(proj.path(), &["compile", "org", "--check"]);
    assert_eq!(
        current.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&current.stdout)
    );
    // Edit one output file, add another: both are listed, and nothing is rewritten.
    let assignments = proj.path().join("out/identity-center/assignments.json");
    std::fs::write(&assignments, "{}\n").unwrap();
    std::fs::write(proj.path().join("out/stray.json"), "{}\n").unwrap();
    let stale = orgc(proj.path(), &["compile", "org", "--check"]);
    assert_eq!(stale.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&stale.stdout);
    assert!(
        stdout.contains("changed  out/identity-center/assignments.json"),
        "{stdout}"
    );
    assert!(stdout.contains("extra    out/stray.json"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&assignments).unwrap(), "{}\n");
}

/// A compile whose output is already on disk leaves the tree as it is; one that finds
/// an edited output file or a stray one replaces the tree, mending both.
#[test]
fn recompiling_leaves_a_current_tree_alone_and_mends_an_edited_one() {
    let proj = example_copy();
    let first = orgc(proj.path(), &["compile", "org"]);
    assert_eq!(first.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&first.stdout).contains("nothing written"));
    let compiled = read_tree(&proj.path().join("out"));

    let again = orgc(proj.path(), &["compile", "org"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("it already held them, nothing written"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    assert_eq!(read_tree(&proj.path().join("out")), compiled);

    // One file edited in place, keeping its length: found by its bytes, not its size.
    let assignments = proj.path().join("out/identity-center/assignments.json");
    let mut edited = std::fs::read(&assignments).unwrap();
    let at = edited.iter().position(|b| b.is_ascii_digit()).unwrap();
    edited[at] = if edited[at] == b'9' { b'8' } else { b'9' };
    std::fs::write(&assignments, &edited).unwrap();
    let manifest = proj.path().join("out/manifest.json");
    #[cfg(unix)]
    let inode =
        |p: &std::path::Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    #[cfg(unix)]
    let manifest_before = inode(&manifest);
    let mended = orgc(proj.path(), &["compile", "org"]);
    assert_eq!(mended.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&mended.stdout).contains("nothing written"));
    assert_eq!(read_tree(&proj.path().join("out")), compiled);
    // The files that were right are the same files, shared with the new tree.
    #[cfg(unix)]
    assert_eq!(inode(&manifest), manifest_before);

    // An entry the tree should not have makes it replaced, even with every file right.
    std::fs::create_dir(proj.path().join("out/stray")).unwrap();
    let tidied = orgc(proj.path(), &["compile", "org"]);
    assert_eq!(tidied.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&tidied.stdout).contains("nothing written"));
    assert_eq!(read_tree(&proj.path().join("out")), compiled);
    assert!(!proj.path().join("out/stray").exists());
    // No temporary is left beside the output, only the tree replaced last, kept as
    // the spare for the next compile to fill.
    let beside: Vec<_> = std::fs::read_dir(proj.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("orgc-"))
        .collect();
    assert_eq!(beside, [".out.orgc-spare"]);
    let mut spare = read_tree(&proj.path().join(".out.orgc-spare"));
    // It tells git to ignore it, should the output be in a repository.
    assert_eq!(spare.remove(".gitignore").as_deref(), Some("*\n"));
    assert_eq!(spare, compiled);
    assert!(proj.path().join(".out.orgc-spare/stray").is_dir());
}

const HOSTILE: &str = r#"x"}],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"y":""#;

/// The injection test of the policy pipeline, end to end: a hostile value in
/// `organization.vars` is interpolated into a permission set's inline policy.
#[test]
fn hostile_template_values_stay_one_escaped_string() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("org")).unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    let toml_value = toml::Value::String(HOSTILE.to_string()).to_string();
    std::fs::write(
        dir.path().join("org/org.toml"),
        format!(
            r#"
[organization]
name = "inj"
management_account = "mgmt"
home_region = "eu-west-1"
vars = {{ bucket = {toml_value} }}

[identity_center]
instance_arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
identity_store_id = "d-0123456789"

[accounts.mgmt]
id = "111111111111"

[permission_sets.Reader]
inline_policy = "reader"
"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policies/reader.json.hbs"),
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBucket",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:{{org.partition}}:s3:::{{vars.bucket}}/*"
    }
  ]
}
"#,
    )
    .unwrap();
    let out = orgc(dir.path(), &["compile", "org"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::read_to_string(
        dir.path()
            .join("out/identity-center/permission-sets/Reader.json"),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&file).unwrap();
    let policy = &json["PutInlinePolicyToPermissionSet"]["InlinePolicy"];
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        1,
        "the hostile value added a statement: {policy}"
    );
    assert_eq!(statements[0]["Action"], "s3:GetObject");
    assert_eq!(
        statements[0]["Resource"],
        format!("arn:aws:s3:::{HOSTILE}/*")
    );
    assert_eq!(
        policy.as_object().unwrap().len(),
        2,
        "only Version and Statement: {policy}"
    );
}

#[test]
fn triple_stash_templates_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("org")).unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("org/org.toml"),
        r#"
[organization]
name = "t"
management_account = "mgmt"
home_region = "eu-west-1"
vars = { bucket = "b" }

[identity_center]
instance_arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
identity_store_id = "d-0123456789"

[accounts.mgmt]
id = "111111111111"

[permission_sets.Reader]
inline_policy = "reader"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policies/reader.json.hbs"),
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"{{{vars.bucket}}}\"}]}\n",
    )
    .unwrap();
    let out = orgc(dir.path(), &["compile", "org"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("orgc::template::triple-stash"), "{stderr}");
    assert!(stderr.contains("policies/reader.json.hbs:1:"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}
