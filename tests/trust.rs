//! Trust policies grant exactly the principals the TOML names, under the right
//! conditions, and nothing else — checked on random orgs by parsing every generated
//! trust policy back and comparing it with an independent reading of the entries.

// Tests fail by panicking; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use orgc::load::Inputs;
use orgc::source::SourceFile;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;

const ACCOUNTS: [(&str, &str); 4] = [
    ("mgmt", "111111111111"),
    ("alpha", "222222222222"),
    ("beta", "333333333333"),
    ("gamma", "444444444444"),
];

#[derive(Debug, Clone)]
enum Form {
    Role { role: usize, accounts: Vec<usize> },
    PermissionSet { accounts: Vec<usize> },
    Service(&'static str),
    External { id: String, ext: String },
    Account(usize),
}

#[derive(Debug, Clone)]
struct Entry {
    form: Form,
    mfa: bool,
}

/// A random role: its targets (account indices) and trust entries.
#[derive(Debug, Clone)]
struct RoleSpec {
    targets: Vec<usize>,
    trust: Vec<Entry>,
}

fn subset() -> impl Strategy<Value = Vec<usize>> {
    proptest::sample::subsequence(vec![0usize, 1, 2, 3], 1..=4)
}

fn entry(n_roles: usize) -> impl Strategy<Value = Entry> {
    let form = prop_oneof![
        ((0..n_roles), subset()).prop_map(|(role, accounts)| Form::Role { role, accounts }),
        subset().prop_map(|accounts| Form::PermissionSet { accounts }),
        prop_oneof![
            Just("ecs-tasks.amazonaws.com"),
            Just("lambda.amazonaws.com")
        ]
        .prop_map(Form::Service),
        ("[5-9][0-9]{11}", "[A-Za-z0-9_+=,.@:/-]{2,40}")
            .prop_map(|(id, ext)| Form::External { id, ext }),
        (0usize..4).prop_map(Form::Account),
    ];
    (form, any::<bool>()).prop_map(|(form, mfa)| {
        let mfa = mfa && !matches!(form, Form::Service(_));
        Entry { form, mfa }
    })
}

fn org() -> impl Strategy<Value = Vec<RoleSpec>> {
    (1usize..4)
        .prop_flat_map(|n| {
            proptest::collection::vec((subset(), proptest::collection::vec(entry(n), 1..4)), n..=n)
        })
        .prop_map(|roles| {
            roles
                .into_iter()
                .map(|(targets, trust)| RoleSpec { targets, trust })
                .collect()
        })
}

/// A trusted org role must be created in every account it is trusted in: make the
/// generated org valid by adding those accounts to its targets.
fn normalise(mut roles: Vec<RoleSpec>) -> Vec<RoleSpec> {
    let needs: Vec<(usize, usize)> = roles
        .iter()
        .flat_map(|r| r.trust.iter())
        .filter_map(|e| match &e.form {
            Form::Role { role, accounts } => Some(accounts.iter().map(move |a| (*role, *a))),
            _ => None,
        })
        .flatten()
        .collect();
    for (role, account) in needs {
        if !roles[role].targets.contains(&account) {
            roles[role].targets.push(account);
            roles[role].targets.sort_unstable();
        }
    }
    roles
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn names(list: &[usize]) -> String {
    list.iter()
        .map(|a| quote(ACCOUNTS[*a].0))
        .collect::<Vec<_>>()
        .join(", ")
}

fn to_toml(roles: &[RoleSpec]) -> String {
    let mut t = String::from(
        "[organization]\nname = \"p\"\nid = \"o-abcdefghij\"\nmanagement_account = \"mgmt\"\nhome_region = \"eu-west-1\"\n\n\
         [identity_center]\ninstance_arn = \"arn:aws:sso:::instance/ssoins-0123456789abcdef\"\nidentity_store_id = \"d-0123456789\"\n\n\
         [groups.ops]\n\n[permission_sets.Ops]\n\n\
         [[assignments]]\npermission_set = \"Ops\"\ngroups = [\"ops\"]\ntargets = { all = true }\n\n",
    );
    for (name, id) in ACCOUNTS {
        t += &format!("[accounts.{name}]\nid = \"{id}\"\n\n");
    }
    for (i, r) in roles.iter().enumerate() {
        t += &format!(
            "[roles.r{i}]\ntargets = {{ accounts = [{}] }}\n\n",
            names(&r.targets)
        );
        for e in &r.trust {
            t += &format!("[[roles.r{i}.trust]]\n");
            match &e.form {
                Form::Role { role, accounts } => {
                    t += &format!("role = \"r{role}\"\naccounts = [{}]\n", names(accounts))
                }
                Form::PermissionSet { accounts } => {
                    t += &format!(
                        "permission_set = \"Ops\"\naccounts = [{}]\n",
                        names(accounts)
                    )
                }
                Form::Service(s) => t += &format!("service = \"{s}\"\n"),
                Form::External { id, ext } => {
                    t += &format!(
                        "external_account = \"{id}\"\nexternal_id = {}\n",
                        quote(ext)
                    )
                }
                Form::Account(a) => t += &format!("account = \"{}\"\n", ACCOUNTS[*a].0),
            }
            if e.mfa {
                t += "require_mfa = true\n";
            }
            t += "\n";
        }
    }
    t
}

/// What one statement must say, read straight from the entry.
fn expected(e: &Entry, target: usize) -> Value {
    let arn = |id: &str, rest: &str| format!("arn:aws:iam::{id}:{rest}");
    let one_or_many = |v: Vec<String>| {
        if v.len() == 1 {
            Value::String(v[0].clone())
        } else {
            Value::from(v)
        }
    };
    let (principal, mut condition) = match &e.form {
        Form::Role { role, accounts } => (
            serde_json::json!({ "AWS": one_or_many(accounts.iter().map(|a| arn(ACCOUNTS[*a].1, &format!("role/r{role}"))).collect()) }),
            serde_json::Map::new(),
        ),
        Form::PermissionSet { accounts } => {
            let mut c = serde_json::Map::new();
            let patterns: Vec<String> = accounts
                .iter()
                .map(|a| {
                    arn(
                        ACCOUNTS[*a].1,
                        "role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Ops_*",
                    )
                })
                .collect();
            c.insert(
                "ArnLike".into(),
                serde_json::json!({ "aws:PrincipalArn": one_or_many(patterns) }),
            );
            (
                serde_json::json!({ "AWS": one_or_many(accounts.iter().map(|a| arn(ACCOUNTS[*a].1, "root")).collect()) }),
                c,
            )
        }
        Form::Service(s) => {
            let mut c = serde_json::Map::new();
            c.insert(
                "StringEquals".into(),
                serde_json::json!({ "aws:SourceAccount": ACCOUNTS[target].1 }),
            );
            (serde_json::json!({ "Service": s }), c)
        }
        Form::External { id, ext } => {
            let mut c = serde_json::Map::new();
            c.insert(
                "StringEquals".into(),
                serde_json::json!({ "sts:ExternalId": ext }),
            );
            (serde_json::json!({ "AWS": arn(id, "root") }), c)
        }
        Form::Account(a) => {
            let mut c = serde_json::Map::new();
            c.insert(
                "StringEquals".into(),
                serde_json::json!({ "aws:PrincipalOrgID": "o-abcdefghij" }),
            );
            (serde_json::json!({ "AWS": arn(ACCOUNTS[*a].1, "root") }), c)
        }
    };
    if e.mfa {
        condition.insert(
            "Bool".into(),
            serde_json::json!({ "aws:MultiFactorAuthPresent": "true" }),
        );
    }
    let mut s = serde_json::json!({ "Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole" });
    if !condition.is_empty() {
        s["Condition"] = Value::Object(condition);
    }
    s
}

/// The order of values in a principal or condition list carries no meaning.
fn sorted(v: Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.into_iter().map(sorted).collect();
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, sorted(v))).collect()),
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn trust_policies_grant_exactly_what_the_entries_name(roles in org()) {
        let roles = normalise(roles);
        let text = to_toml(&roles);
        let inputs = Inputs { org_files: vec![SourceFile::new("org/org.toml", text.clone())], ..Inputs::default() };
        let checked = orgc::check(inputs);
        let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.severity == orgc::diagnostic::Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{errors:#?}\n{text}");
        let tree = checked.tree().unwrap();
        let mut seen = BTreeSet::new();
        for (i, role) in roles.iter().enumerate() {
            for &target in &role.targets {
                let path = format!("iam/{}/roles/r{i}.json", ACCOUNTS[target].0);
                let file: Value = serde_json::from_slice(&tree[&path]).unwrap();
                let doc = &file["CreateRole"]["AssumeRolePolicyDocument"];
                let statements = doc["Statement"].as_array().unwrap();
                prop_assert_eq!(statements.len(), role.trust.len(), "{}", path);
                for (s, e) in statements.iter().zip(&role.trust) {
                    let mut s = s.clone();
                    s.as_object_mut().unwrap().remove("Sid");
                    prop_assert_eq!(sorted(s), sorted(expected(e, target)), "{}", path);
                }
                prop_assert!(doc.get("NotPrincipal").is_none());
                seen.insert(path);
            }
        }
        // No role file exists for an account the role does not target.
        let role_files: BTreeSet<String> = tree.keys().filter(|k| k.starts_with("iam/")).cloned().collect();
        prop_assert_eq!(role_files, seen);
    }
}

const HOSTILE: &str = r#"x"}],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"y":""#;

/// The injection test again, through an account's `vars` into a role's inline policy.
#[test]
fn hostile_account_vars_stay_one_escaped_string() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("org")).unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("org/org.toml"),
        format!(
            "[organization]\nname = \"inj\"\nmanagement_account = \"mgmt\"\nhome_region = \"eu-west-1\"\nvars = {{ bucket = \"safe\" }}\n\n\
             [accounts.mgmt]\nid = \"111111111111\"\nvars = {{ bucket = {} }}\n\n\
             [roles.reader]\ntargets = {{ accounts = [\"mgmt\"] }}\ninline_policies = {{ read = \"reader\" }}\n\n\
             [[roles.reader.trust]]\nservice = \"lambda.amazonaws.com\"\n",
            quote(HOSTILE)
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policies/reader.json.hbs"),
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Read\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"arn:{{org.partition}}:s3:::{{vars.bucket}}/{{account.id}}/*\"\n    }\n  ]\n}\n",
    )
    .unwrap();
    let out = common::orgc(dir.path(), &["compile", "org"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/iam/mgmt/roles/reader.json")).unwrap(),
    )
    .unwrap();
    let policy = &file["PutRolePolicy"][0]["PolicyDocument"];
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{policy}");
    assert_eq!(
        statements[0]["Resource"],
        format!("arn:aws:s3:::{HOSTILE}/111111111111/*")
    );
    assert_eq!(statements[0]["Action"], "s3:GetObject");
}
