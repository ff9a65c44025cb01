//! Entity files added, removed, renamed or changed: permission sets, roles, the
//! assignments, route tables, VPC routes — every output file but the manifest and
//! the audits (which have their own sections).
//!
//! A changed file is compared as JSON: policy documents (any object with a
//! `Statement`) statement by statement, matched by `Sid`, else by content, else by
//! position among the statements without a `Sid`; arrays of named items (policies,
//! tags, attachments) item by item; everything else value by value. A file removed
//! and another of the same kind added whose texts differ only in the quoted name is
//! a rename.

use super::compact;
use crate::emit::Tree;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    PermissionSet,
    Role,
    Assignments,
    RouteTable,
    VpcRoutes,
    File,
}

impl EntityKind {
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::PermissionSet => "permission set",
            EntityKind::Role => "role",
            EntityKind::Assignments => "assignments",
            EntityKind::RouteTable => "route table",
            EntityKind::VpcRoutes => "VPC routes",
            EntityKind::File => "file",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
    Renamed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Renamed => "renamed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityChange {
    pub kind: EntityKind,
    /// `Developer`, `deployer@prod`, `core/production`, or the path of another file.
    pub name: String,
    pub path: String,
    pub change: Change,
    /// For a rename: the old name and path.
    pub old_name: Option<String>,
    pub old_path: Option<String>,
    /// What changed inside (for added entities: the statements they bring).
    pub details: Vec<Detail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// A policy statement added, removed or changed.
    Statement(StatementChange),
    /// Any other value: `old` absent when added, `new` absent when removed.
    Value {
        at: String,
        old: Option<String>,
        new: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementChange {
    /// Where the policy document is in the file, e.g.
    /// `PutInlinePolicyToPermissionSet.InlinePolicy`, `PutRolePolicy[deploy].PolicyDocument`
    /// ([`policy_label`] names it for people).
    pub policy: String,
    /// The statement's `Sid`, or `#n` (its position, from 1) when it has none.
    pub statement: String,
    pub change: Change,
    /// For added and removed statements: what the statement does, in one line.
    pub summary: Option<String>,
    /// For changed statements: each element's values added and removed.
    pub elements: Vec<ElementChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementChange {
    pub element: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// The entity a path holds, or `None` for the manifest and the audits.
pub fn classify(path: &str) -> Option<(EntityKind, String)> {
    if path == "manifest.json" || path.starts_with("audit/") {
        return None;
    }
    let stem = |f: &str| f.strip_suffix(".json").unwrap_or(f).to_string();
    let parts: Vec<&str> = path.split('/').collect();
    Some(match parts.as_slice() {
        ["identity-center", "permission-sets", f] => (EntityKind::PermissionSet, stem(f)),
        ["identity-center", "assignments.json"] => {
            (EntityKind::Assignments, "assignments".to_string())
        }
        ["iam", account, "roles", f] => (EntityKind::Role, format!("{}@{account}", stem(f))),
        ["network", gw, "route-tables", f] => (EntityKind::RouteTable, format!("{gw}/{}", stem(f))),
        ["network", _, "vpc-routes", f] => (EntityKind::VpcRoutes, stem(f)),
        _ => (EntityKind::File, path.to_string()),
    })
}

/// Every entity file that differs between the trees.
pub fn compare(old: &Tree, new: &Tree) -> Vec<EntityChange> {
    let mut out = Vec::new();
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for (path, bytes) in old {
        let Some((kind, name)) = classify(path) else {
            continue;
        };
        match new.get(path) {
            None => removed.push((kind, name, path.clone())),
            Some(b) if b != bytes => out.push(EntityChange {
                kind,
                name,
                path: path.clone(),
                change: Change::Changed,
                old_name: None,
                old_path: None,
                details: details(kind, bytes, b),
            }),
            Some(_) => {}
        }
    }
    for path in new.keys() {
        if !old.contains_key(path)
            && let Some((kind, name)) = classify(path)
        {
            added.push((kind, name, path.clone()));
        }
    }
    // Renames: a removed file and an added one of the same kind, in the same
    // directory, whose texts differ only in the quoted name.
    let mut renamed_added = vec![false; added.len()];
    for (kind, name, path) in removed {
        let found = added.iter().enumerate().position(|(i, (k, _, p))| {
            !renamed_added[i]
                && *k == kind
                && parent(p) == parent(&path)
                && is_rename(old.get(&path), new.get(p), &stem(&path), &stem(p))
        });
        match found {
            Some(i) => {
                renamed_added[i] = true;
                let (k, n, p) = &added[i];
                out.push(EntityChange {
                    kind: *k,
                    name: n.clone(),
                    path: p.clone(),
                    change: Change::Renamed,
                    old_name: Some(name),
                    old_path: Some(path),
                    details: Vec::new(),
                });
            }
            None => out.push(EntityChange {
                kind,
                name,
                path,
                change: Change::Removed,
                old_name: None,
                old_path: None,
                details: Vec::new(),
            }),
        }
    }
    for (i, (kind, name, path)) in added.into_iter().enumerate() {
        if renamed_added[i] {
            continue;
        }
        let details = new
            .get(&path)
            .and_then(|b| serde_json::from_slice::<Value>(b).ok())
            .map(|v| {
                let mut d = Vec::new();
                added_policies(&v, "", &mut d);
                d
            })
            .unwrap_or_default();
        out.push(EntityChange {
            kind,
            name,
            path,
            change: Change::Added,
            old_name: None,
            old_path: None,
            details,
        });
    }
    out.sort_by(|a, b| (a.kind, &a.name, a.change).cmp(&(b.kind, &b.name, b.change)));
    out
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".json").unwrap_or(file).to_string()
}

fn is_rename(old: Option<&Vec<u8>>, new: Option<&Vec<u8>>, from: &str, to: &str) -> bool {
    let (Some(old), Some(new)) = (old, new) else {
        return false;
    };
    let old = String::from_utf8_lossy(old);
    old.replace(&format!("\"{from}\""), &format!("\"{to}\"")) == String::from_utf8_lossy(new)
}

/// What changed inside a file, or a plain "content changed" when it is not JSON.
fn details(kind: EntityKind, old: &[u8], new: &[u8]) -> Vec<Detail> {
    if kind == EntityKind::Assignments
        && let Some(found) = list_details(old, new)
    {
        return found;
    }
    let (Ok(o), Ok(n)) = (
        serde_json::from_slice::<Value>(old),
        serde_json::from_slice::<Value>(new),
    ) else {
        return vec![Detail::Value {
            at: String::new(),
            old: None,
            new: Some("content changed".to_string()),
        }];
    };
    let mut out = Vec::new();
    walk(&o, &n, "", &mut out);
    out
}

/// What [`walk`] finds in a file that is an object of lists whose items no key names
/// (the assignments file: hundreds of thousands of items, whose parsing into values
/// was most of the time and memory of a diff), found instead by comparing each item's
/// text, borrowed from the file; only the items that differ are parsed. The texts of
/// two items are equal exactly when their values are, as orgc writes every item of a
/// list with the same layout and field order. `None` when the file is not of that
/// shape, for [`walk`] to compare.
fn list_details(old: &[u8], new: &[u8]) -> Option<Vec<Detail>> {
    let (a, b) = (lists(old)?, lists(new)?);
    if !a.keys().eq(b.keys()) {
        return None;
    }
    let mut out = Vec::new();
    let parse = |r: &str| serde_json::from_str::<Value>(r).ok();
    for ((key, a), b) in a.iter().zip(b.values()) {
        if a == b {
            continue;
        }
        // As `walk` does only when no key names the items: the first item of a
        // list lacking a key rules that key out.
        for first in [a.first(), b.first()].into_iter().flatten() {
            let first = parse(first)?;
            if ID_KEYS
                .iter()
                .any(|k| first.get(k).is_some_and(Value::is_string))
            {
                return None;
            }
        }
        let (gone, rest) = unpaired(a, b, |t| *t);
        let details = gone_and_added(key, &gone, &rest, |r| parse(r).map(|v| describe(&v)));
        out.extend(details?);
    }
    Some(out)
}

/// A file that is an object of lists, as each list's items' texts by key: read from
/// the layout orgc writes when it has it ([`laid_out_lists`]), else parsed. `None`
/// when the file is not an object of lists.
fn lists(text: &[u8]) -> Option<Lists<'_>> {
    laid_out_lists(text).or_else(|| parsed_lists(text))
}

/// [`lists`] by parsing the file, each item borrowed as its raw JSON text.
fn parsed_lists(text: &[u8]) -> Option<Lists<'_>> {
    let raw: std::collections::BTreeMap<String, Vec<&serde_json::value::RawValue>> =
        serde_json::from_slice(text).ok()?;
    Some(
        raw.into_iter()
            .map(|(k, items)| (k, items.into_iter().map(|r| r.get()).collect()))
            .collect(),
    )
}

type Lists<'a> = std::collections::BTreeMap<String, Vec<&'a str>>;

/// An object of lists of objects as serde_json pretty-prints it (two spaces a
/// level), read by its lines without parsing the items: each item runs from a line
/// `    {` to the next line `    }` (its own lines are indented deeper), and its text
/// is exactly what a parser would borrow for it. The items whose texts differ are
/// parsed later, which checks them; the others are the same on both sides. `None`
/// for any other layout, which is then parsed.
fn laid_out_lists(text: &[u8]) -> Option<Lists<'_>> {
    let text = std::str::from_utf8(text).ok()?;
    let body = text.strip_prefix("{\n")?;
    let body = body
        .strip_suffix("\n}\n")
        .or_else(|| body.strip_suffix("\n}"))?;
    let mut lists = Lists::new();
    let mut lines = body.split('\n');
    let mut at = 2;
    while let Some(line) = lines.next() {
        at += line.len() + 1;
        let open = line.strip_prefix("  ")?;
        let open = open.strip_suffix(',').unwrap_or(open);
        let (key, list) = open.split_once(": ")?;
        let key: String = serde_json::from_str(key).ok()?;
        let items = lists.entry(key).or_default();
        if !items.is_empty() {
            return None;
        }
        match list {
            "[]" => continue,
            "[" => {}
            _ => return None,
        }
        let mut item: Option<usize> = None;
        loop {
            let line = lines.next()?;
            let line_start = at;
            at += line.len() + 1;
            match (line, item) {
                ("    {", None) => item = Some(line_start + 4),
                ("    }" | "    },", Some(from)) => {
                    items.push(text.get(from..line_start + 5)?);
                    item = None;
                }
                ("  ]" | "  ],", None) => break,
                (_, Some(_)) if line.starts_with("      ") => {}
                _ => return None,
            }
        }
    }
    Some(lists)
}

/// What is left of two lists once equal items (by `key`) are paired off: the items
/// `a` has more of, in `a`'s order, and those `b` has more of, in `b`'s order.
///
/// Lists that orgc sorted (the assignments, by their text) are merged in one pass;
/// others are counted in a hash map. The merge finds the same items, as both pair
/// off equal items as often as both lists have them; it is there for speed: hashing
/// the hundreds of thousands of items of a large org's assignments, and finding
/// each in a table of them, was most of the time of comparing that file.
fn unpaired<'x, T, K: Ord + std::hash::Hash>(
    a: &'x [T],
    b: &'x [T],
    key: impl Fn(&T) -> K,
) -> (Vec<&'x T>, Vec<&'x T>) {
    let a_keys: Vec<K> = a.iter().map(&key).collect();
    let b_keys: Vec<K> = b.iter().map(&key).collect();
    if a_keys.is_sorted() && b_keys.is_sorted() {
        merged(a, &a_keys, b, &b_keys)
    } else {
        counted(a, &a_keys, b, &b_keys)
    }
}

/// [`unpaired`] for lists sorted by their keys: walked side by side, each key the
/// other side lacks (or has fewer of) left over.
fn merged<'x, T, K: Ord>(
    a: &'x [T],
    a_keys: &[K],
    b: &'x [T],
    b_keys: &[K],
) -> (Vec<&'x T>, Vec<&'x T>) {
    let (mut gone, mut added) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a_keys.get(i), b_keys.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => {
                gone.extend(a.get(i));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                added.extend(b.get(j));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    gone.extend(a.get(i..).unwrap_or_default());
    added.extend(b.get(j..).unwrap_or_default());
    (gone, added)
}

/// [`unpaired`] for lists in any order: `b`'s keys counted, and each of `a`'s
/// paired off against the count.
fn counted<'x, T, K: Eq + std::hash::Hash>(
    a: &'x [T],
    a_keys: &[K],
    b: &'x [T],
    b_keys: &[K],
) -> (Vec<&'x T>, Vec<&'x T>) {
    let mut counts: foldhash::HashMap<&K, usize> = foldhash::HashMap::default();
    for k in b_keys {
        *counts.entry(k).or_default() += 1;
    }
    let gone = a
        .iter()
        .zip(a_keys)
        .filter(|(_, k)| match counts.get_mut(k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .map(|(x, _)| x)
        .collect();
    let added = b
        .iter()
        .zip(b_keys)
        .filter(|(_, k)| match counts.get_mut(k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .map(|(y, _)| y)
        .collect();
    (gone, added)
}

/// A detail for each item gone and each added, at `at`, in that order, each
/// described by `describe`; `None` if an item cannot be.
fn gone_and_added<T>(
    at: &str,
    gone: &[&T],
    added: &[&T],
    describe: impl Fn(&T) -> Option<String>,
) -> Option<Vec<Detail>> {
    let mut out = Vec::with_capacity(gone.len() + added.len());
    for x in gone {
        out.push(Detail::Value {
            at: at.to_string(),
            old: Some(describe(x)?),
            new: None,
        });
    }
    for y in added {
        out.push(Detail::Value {
            at: at.to_string(),
            old: None,
            new: Some(describe(y)?),
        });
    }
    Some(out)
}

fn join_key(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

fn is_policy(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("Statement"))
}

/// A policy's name for people, from where it sits in the file: `trust policy`,
/// `inline policy`, ``policy `deploy` ``, or the place itself.
pub fn policy_label(at: &str) -> String {
    let last = at.rsplit('.').next().unwrap_or(at);
    match last {
        "AssumeRolePolicyDocument" => return "trust policy".to_string(),
        "InlinePolicy" => return "inline policy".to_string(),
        _ => {}
    }
    if let Some(rest) = at.strip_suffix(".PolicyDocument")
        && let Some(name) = rest
            .strip_suffix(']')
            .and_then(|r| r.rsplit_once('['))
            .map(|x| x.1)
    {
        return format!("policy `{name}`");
    }
    if at.is_empty() {
        "policy".to_string()
    } else {
        at.to_string()
    }
}

fn walk(old: &Value, new: &Value, at: &str, out: &mut Vec<Detail>) {
    if old == new {
        return;
    }
    if is_policy(old) && is_policy(new) {
        statements_diff(old, new, at, out);
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for k in keys {
                let here = join_key(at, k);
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => walk(x, y, &here, out),
                    (Some(x), None) => out.push(Detail::Value {
                        at: here,
                        old: Some(describe(x)),
                        new: None,
                    }),
                    (None, Some(y)) => {
                        out.push(Detail::Value {
                            at: here.clone(),
                            old: None,
                            new: Some(describe(y)),
                        });
                        added_policies(y, &here, out);
                    }
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => match id_key(a, b) {
            Some(key) => {
                let id = |v: &Value| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
                let by_id = |items: &[Value]| -> foldhash::HashMap<String, Value> {
                    items.iter().map(|v| (id(v), v.clone())).collect()
                };
                let (a_ids, b_ids) = (by_id(a), by_id(b));
                // Old order, then what is new in new order.
                let mut ids: Vec<String> = a.iter().map(id).collect();
                ids.extend(b.iter().map(id).filter(|i| !a_ids.contains_key(i)));
                for i in ids {
                    let here = format!("{at}[{i}]");
                    match (a_ids.get(&i), b_ids.get(&i)) {
                        (Some(x), Some(y)) => walk(x, y, &here, out),
                        (Some(x), None) => out.push(Detail::Value {
                            at: at.to_string(),
                            old: Some(describe(x)),
                            new: None,
                        }),
                        (None, Some(y)) => {
                            out.push(Detail::Value {
                                at: at.to_string(),
                                old: None,
                                new: Some(describe(y)),
                            });
                            added_policies(y, &here, out);
                        }
                        (None, None) => {}
                    }
                }
            }
            None => {
                // A multiset, its items counted by their compact text.
                let (gone, rest) = unpaired(a, b, compact);
                let details = gone_and_added(at, &gone, &rest, |v| Some(describe(v)));
                out.extend(details.unwrap_or_default());
            }
        },
        _ => out.push(Detail::Value {
            at: at.to_string(),
            old: Some(compact(old)),
            new: Some(compact(new)),
        }),
    }
}

/// Keys that may name the items of a list, in the order they are tried.
const ID_KEYS: [&str; 6] = [
    "PolicyName",
    "Name",
    "Key",
    "ManagedPolicyArn",
    "DestinationCidrBlock",
    "TransitGatewayAttachmentId",
];

/// The key that names the items of both arrays, when there is one: present as a
/// string in every item and unique on each side.
fn id_key(a: &[Value], b: &[Value]) -> Option<&'static str> {
    if a.is_empty() && b.is_empty() {
        return None;
    }
    ID_KEYS.into_iter().find(|k| {
        [a, b].iter().all(|items| {
            let mut ids = foldhash::HashSet::default();
            items.iter().all(|v| {
                v.get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| ids.insert(s))
            })
        })
    })
}

/// Every policy statement inside a value that is new.
fn added_policies(v: &Value, at: &str, out: &mut Vec<Detail>) {
    if is_policy(v) {
        for (i, st) in statements(v).into_iter().enumerate() {
            out.push(Detail::Statement(StatementChange {
                policy: at.to_string(),
                statement: statement_label(st, i),
                change: Change::Added,
                summary: Some(statement_summary(st)),
                elements: Vec::new(),
            }));
        }
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                added_policies(child, &join_key(at, k), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let name = child
                    .get("PolicyName")
                    .and_then(Value::as_str)
                    .map_or_else(|| i.to_string(), str::to_string);
                added_policies(child, &format!("{at}[{name}]"), out);
            }
        }
        _ => {}
    }
}

/// One item in one line, as plain text: an assignment, a tag, a named policy, or
/// compact JSON.
fn describe(v: &Value) -> String {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    if let (Some(set), Some(kind), Some(who), Some(account)) = (
        s("PermissionSetName"),
        s("PrincipalType"),
        s("PrincipalName"),
        s("Account"),
    ) {
        return format!("{set} for {} {who} on {account}", kind.to_ascii_lowercase());
    }
    if let (Some(k), Some(val), 2) = (s("Key"), s("Value"), v.as_object().map_or(0, |m| m.len())) {
        return format!("{k}={val}");
    }
    if let Some(name) = s("PolicyName") {
        return format!("policy {name}");
    }
    if v.as_object().is_some_and(|m| m.len() == 1)
        && let Some(arn) = s("ManagedPolicyArn")
    {
        return arn.to_string();
    }
    let text = compact(v);
    truncate(&text, 200)
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

fn sid(st: &Value) -> Option<&str> {
    st.get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn statement_label(st: &Value, index: usize) -> String {
    sid(st).map_or_else(|| format!("#{}", index + 1), str::to_string)
}

/// Statements matched by `Sid`; the rest by identical content (a move is no
/// change); then those without a `Sid` by position; whatever is left is added or
/// removed.
fn statements_diff(old: &Value, new: &Value, policy: &str, out: &mut Vec<Detail>) {
    let (o, n) = (statements(old), statements(new));
    let mut o_used = vec![false; o.len()];
    let mut n_used = vec![false; n.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, st) in o.iter().enumerate() {
        let Some(s) = sid(st) else { continue };
        if let Some(j) = (0..n.len()).find(|j| !n_used[*j] && sid(n[*j]) == Some(s)) {
            o_used[i] = true;
            n_used[j] = true;
            pairs.push((i, j));
        }
    }
    for (i, st) in o.iter().enumerate() {
        if o_used[i] {
            continue;
        }
        if let Some(j) = (0..n.len()).find(|j| !n_used[*j] && n[*j] == *st) {
            o_used[i] = true;
            n_used[j] = true;
        }
    }
    let o_rest: Vec<usize> = (0..o.len())
        .filter(|i| !o_used[*i] && sid(o[*i]).is_none())
        .collect();
    let n_rest: Vec<usize> = (0..n.len())
        .filter(|j| !n_used[*j] && sid(n[*j]).is_none())
        .collect();
    for (i, j) in o_rest.iter().zip(&n_rest) {
        o_used[*i] = true;
        n_used[*j] = true;
        pairs.push((*i, *j));
    }
    let mut changes: Vec<(usize, StatementChange)> = Vec::new();
    for (i, j) in pairs {
        let elements = element_changes(o[i], n[j]);
        if elements.is_empty() {
            continue;
        }
        changes.push((
            j,
            StatementChange {
                policy: policy.to_string(),
                statement: statement_label(n[j], j),
                change: Change::Changed,
                summary: None,
                elements,
            },
        ));
    }
    for (j, st) in n.iter().enumerate() {
        if !n_used[j] {
            changes.push((
                j,
                StatementChange {
                    policy: policy.to_string(),
                    statement: statement_label(st, j),
                    change: Change::Added,
                    summary: Some(statement_summary(st)),
                    elements: Vec::new(),
                },
            ));
        }
    }
    // Removed statements sort after the others, in their old order.
    for (i, st) in o.iter().enumerate() {
        if !o_used[i] {
            changes.push((
                n.len() + i,
                StatementChange {
                    policy: policy.to_string(),
                    statement: statement_label(st, i),
                    change: Change::Removed,
                    summary: Some(statement_summary(st)),
                    elements: Vec::new(),
                },
            ));
        }
    }
    changes.sort_by_key(|(pos, _)| *pos);
    out.extend(changes.into_iter().map(|(_, c)| Detail::Statement(c)));
}

/// Each element of two statements, as sets of values: what was added and removed.
fn element_changes(old: &Value, new: &Value) -> Vec<ElementChange> {
    let empty = serde_json::Map::new();
    let (a, b) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
    let mut out = Vec::new();
    for k in keys {
        let (x, y) = (element_values(k, a.get(k)), element_values(k, b.get(k)));
        let added: Vec<String> = y.iter().filter(|v| !x.contains(v)).cloned().collect();
        let removed: Vec<String> = x.iter().filter(|v| !y.contains(v)).cloned().collect();
        if !added.is_empty() || !removed.is_empty() {
            out.push(ElementChange {
                element: k.clone(),
                added,
                removed,
            });
        }
    }
    out
}

fn element_values(key: &str, v: Option<&Value>) -> Vec<String> {
    let Some(v) = v else { return Vec::new() };
    match key {
        "Principal" | "NotPrincipal" => flatten_principals(v),
        "Condition" => flatten_conditions(v),
        _ => strings(Some(v)),
    }
}

/// A string or a list of strings as a list (anything else as compact JSON).
pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| compact(i), str::to_string))
            .collect(),
        Some(other) => vec![compact(other)],
    }
}

/// `{"AWS": ["a", "b"]}` → `["AWS a", "AWS b"]`; `"*"` → `["*"]`.
pub(crate) fn flatten_principals(v: &Value) -> Vec<String> {
    match v {
        Value::Object(m) => m
            .iter()
            .flat_map(|(kind, values)| {
                strings(Some(values))
                    .into_iter()
                    .map(move |p| format!("{kind} {p}"))
            })
            .collect(),
        other => strings(Some(other)),
    }
}

/// `{"StringEquals": {"k": ["a", "b"]}}` → `["StringEquals k=a", "StringEquals k=b"]`.
pub(crate) fn flatten_conditions(v: &Value) -> Vec<String> {
    let Value::Object(ops) = v else {
        return vec![compact(v)];
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        match keys {
            Value::Object(keys) => {
                for (key, values) in keys {
                    for value in strings(Some(values)) {
                        out.push(format!("{op} {key}={value}"));
                    }
                }
            }
            other => out.push(format!("{op} {}", compact(other))),
        }
    }
    out.sort();
    out
}

/// What a statement does, in one line: `Allow s3:GetObject, s3:PutObject on
/// arn:aws:s3:::b/* (with conditions)`.
pub fn statement_summary(st: &Value) -> String {
    let list = |v: Vec<String>, max: usize| -> String {
        let more = v.len().saturating_sub(max);
        let mut s = v.into_iter().take(max).collect::<Vec<_>>().join(", ");
        if more > 0 {
            s.push_str(&format!(" and {more} more"));
        }
        s
    };
    let effect = st.get("Effect").and_then(Value::as_str).unwrap_or("?");
    let mut s = effect.to_string();
    if let Some(p) = st.get("Principal") {
        s.push_str(&format!(" {}", list(flatten_principals(p), 3)));
    }
    if let Some(a) = st.get("Action") {
        s.push_str(&format!(" {}", list(strings(Some(a)), 4)));
    } else if let Some(a) = st.get("NotAction") {
        s.push_str(&format!(" every action but {}", list(strings(Some(a)), 4)));
    }
    if let Some(r) = st.get("Resource") {
        s.push_str(&format!(" on {}", list(strings(Some(r)), 2)));
    } else if let Some(r) = st.get("NotResource") {
        s.push_str(&format!(
            " on every resource but {}",
            list(strings(Some(r)), 2)
        ));
    }
    if let Some(c) = st.get("Condition") {
        s.push_str(&format!(" when {}", list(flatten_conditions(c), 2)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree(files: &[(&str, Value)]) -> Tree {
        files
            .iter()
            .map(|(p, v)| {
                (
                    p.to_string(),
                    serde_json::to_vec_pretty(v).unwrap_or_default(),
                )
            })
            .collect()
    }

    fn statement_changes(c: &EntityChange) -> Vec<(String, Change)> {
        c.details
            .iter()
            .filter_map(|d| match d {
                Detail::Statement(s) => Some((s.statement.clone(), s.change)),
                Detail::Value { .. } => None,
            })
            .collect()
    }

    #[test]
    fn statements_match_by_sid_then_content_then_position() {
        let old = tree(&[(
            "identity-center/permission-sets/Dev.json",
            json!({"PutInlinePolicyToPermissionSet": {"InlinePolicy": {"Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Sid": "Gone", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
                {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
            ]}}}),
        )]);
        let new = tree(&[(
            "identity-center/permission-sets/Dev.json",
            json!({"PutInlinePolicyToPermissionSet": {"InlinePolicy": {"Statement": [
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
                {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
                {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
                {"Sid": "New", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
            ]}}}),
        )]);
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            statement_changes(&changes[0]),
            vec![
                ("A".to_string(), Change::Changed),
                ("#3".to_string(), Change::Changed),
                ("New".to_string(), Change::Added),
                ("Gone".to_string(), Change::Removed),
            ]
        );
        let Detail::Statement(a) = &changes[0].details[0] else {
            unreachable!()
        };
        assert_eq!(policy_label(&a.policy), "inline policy");
        assert_eq!(a.elements[0].element, "Action");
        assert_eq!(a.elements[0].added, vec!["s3:PutObject".to_string()]);
        assert!(a.elements[0].removed.is_empty());
    }

    #[test]
    fn a_rename_is_recognised_and_named_items_are_matched() {
        let old = tree(&[
            (
                "identity-center/permission-sets/Viewer.json",
                json!({"CreatePermissionSet": {"Name": "Viewer", "SessionDuration": "PT1H"}}),
            ),
            (
                "iam/prod/roles/r.json",
                json!({"PutRolePolicy": [
                    {"PolicyName": "a", "PolicyDocument": {"Statement": [{"Sid": "X", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}},
                    {"PolicyName": "b", "PolicyDocument": {"Statement": []}}
                ]}),
            ),
        ]);
        let new = tree(&[
            (
                "identity-center/permission-sets/ReadOnly.json",
                json!({"CreatePermissionSet": {"Name": "ReadOnly", "SessionDuration": "PT1H"}}),
            ),
            (
                "iam/prod/roles/r.json",
                json!({"PutRolePolicy": [
                    {"PolicyName": "b", "PolicyDocument": {"Statement": []}},
                    {"PolicyName": "a", "PolicyDocument": {"Statement": [{"Sid": "X", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}
                ]}),
            ),
        ]);
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].change, Change::Renamed);
        assert_eq!(changes[0].name, "ReadOnly");
        assert_eq!(changes[0].old_name.as_deref(), Some("Viewer"));
        assert_eq!(changes[1].name, "r@prod");
        let Detail::Statement(s) = &changes[1].details[0] else {
            unreachable!()
        };
        assert_eq!(s.policy, "PutRolePolicy[a].PolicyDocument");
        assert_eq!(policy_label(&s.policy), "policy `a`");
        assert_eq!(changes[1].details.len(), 1);
    }

    /// Sorted lists are merged and others counted, and both find the same items gone
    /// and added, duplicates paired off as often as both sides have them.
    #[test]
    fn merging_sorted_lists_finds_what_counting_finds() {
        // Lists drawn from a few values, with duplicates, by a fixed sequence.
        let mut seed = 7u32;
        let mut list = |len: usize| -> Vec<String> {
            (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    format!("item-{}", (seed >> 16) % 9)
                })
                .collect()
        };
        for (a_len, b_len) in [(0, 0), (0, 5), (5, 0), (20, 20), (30, 11), (11, 30)] {
            let (mut a, mut b) = (list(a_len), list(b_len));
            a.sort();
            b.sort();
            let key = |s: &String| s.clone();
            let a_keys: Vec<String> = a.iter().map(key).collect();
            let b_keys: Vec<String> = b.iter().map(key).collect();
            let found = merged(&a, &a_keys, &b, &b_keys);
            assert_eq!(found, counted(&a, &a_keys, &b, &b_keys));
            assert_eq!(found, unpaired(&a, &b, key));
            // What is left over is the difference of the two multisets.
            assert_eq!(a.len() - found.0.len(), b.len() - found.1.len());
            for gone in &found.0 {
                let left = found.0.iter().filter(|g| g == &gone).count();
                let (in_a, in_b) = (
                    a.iter().filter(|x| x == gone).count(),
                    b.iter().filter(|x| x == gone).count(),
                );
                assert_eq!(left, in_a - in_b);
            }
        }
        // Unsorted lists are counted, and keep their own order.
        let (a, b) = (vec!["b", "a", "c", "a"], vec!["c", "a", "d"]);
        assert_eq!(unpaired(&a, &b, |s| *s), (vec![&"b", &"a"], vec![&"d"]));
    }

    /// The assignments' fast comparison by text finds exactly what comparing values
    /// finds: items gone and added, duplicates counted, in the same order.
    #[test]
    fn lists_compared_by_text_find_what_values_find() {
        let item = |set: &str, who: &str, account: &str| json!({"Account": account, "PermissionSetName": set, "PrincipalType": "GROUP", "PrincipalName": who, "TargetId": "1"});
        let file = |items: Vec<Value>, other: Vec<Value>| {
            serde_json::to_vec_pretty(&json!({"CreateAccountAssignment": items, "Other": other}))
                .unwrap()
        };
        let (a, b, c, d) = (
            item("Admin", "ops", "prod"),
            item("Read", "dev", "prod"),
            item("Read", "dev", "test"),
            item("Write", "sre", "prod"),
        );
        let old = file(
            vec![a.clone(), b.clone(), b.clone(), c.clone()],
            vec![d.clone()],
        );
        let new = file(
            vec![d.clone(), b.clone(), c.clone(), a.clone(), a.clone()],
            vec![],
        );
        let by_values = {
            let (o, n): (Value, Value) = (
                serde_json::from_slice(&old).unwrap(),
                serde_json::from_slice(&new).unwrap(),
            );
            let mut out = Vec::new();
            walk(&o, &n, "", &mut out);
            out
        };
        assert_eq!(by_values.len(), 4);
        assert_eq!(list_details(&old, &new), Some(by_values));
        assert_eq!(list_details(&old, &old), Some(Vec::new()));
        // Read by their layout, the items are the texts a parser finds.
        assert!(laid_out_lists(&new).is_some());
        assert_eq!(laid_out_lists(&new), parsed_lists(&new));
        // Laid out otherwise, they are parsed, and found the same.
        let compact =
            |t: &[u8]| serde_json::to_vec(&serde_json::from_slice::<Value>(t).unwrap()).unwrap();
        assert_eq!(laid_out_lists(&compact(&new)), None);
        assert_eq!(
            list_details(&compact(&old), &compact(&new)),
            list_details(&old, &new)
        );
        // Items a key names are matched by it, as `walk` does.
        let named = |v: &str| {
            serde_json::to_vec_pretty(&json!({"Tags": [{"Name": "x", "Value": v}]})).unwrap()
        };
        assert_eq!(list_details(&named("1"), &named("2")), None);
        // Keys on one side only are left to `walk`.
        assert_eq!(list_details(&old, &named("2")), None);
    }

    #[test]
    fn assignments_are_described() {
        let item = json!({"Account": "prod", "PermissionSetName": "PowerUser", "PrincipalType": "GROUP", "PrincipalName": "aws-sre", "TargetId": "1"});
        assert_eq!(describe(&item), "PowerUser for group aws-sre on prod");
    }
}
