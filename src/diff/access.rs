//! Access gained and lost, from the two sides' `audit/access.json`.
//!
//! The audit has one row per (principal, account, level) reached, each with its
//! shortest path. What a principal can do on an account is its highest level there,
//! so that is what is compared: a principal gains access (none → a level), loses it,
//! or has it raised or lowered. Rows whose level did not change but whose path did
//! (a renamed permission set, a new chain below a higher level already held) are
//! reported apart, as the same access reached differently.

use super::GuardrailState;
use crate::emit::Tree;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

pub const ACCESS_AUDIT: &str = "audit/access.json";

/// A row as read from the audit file: its strings borrowed from the file where they
/// have no escapes (the audit of a large org has hundreds of thousands of rows, and
/// copying each string was most of the time and memory of comparing them).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
struct Row<'a> {
    #[serde(borrow)]
    principal: Cow<'a, str>,
    #[serde(borrow)]
    account: Cow<'a, str>,
    #[serde(borrow)]
    level: Cow<'a, str>,
    #[serde(default, borrow)]
    via: Vec<Cow<'a, str>>,
    #[serde(default)]
    unverified: bool,
}

fn owned(via: &[Cow<'_, str>]) -> Vec<String> {
    via.iter().map(|v| v.to_string()).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessChangeKind {
    /// No access before, some now.
    Gained,
    /// A higher level than before.
    Raised,
    /// A lower level than before.
    Lowered,
    /// Some access before, none now.
    Lost,
}

/// A change of one principal's highest level on one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessChange {
    pub principal: String,
    pub account: String,
    pub change: AccessChangeKind,
    pub old_level: Option<String>,
    pub new_level: Option<String>,
    /// The path of the new access (gains and raises) or of the old one (losses).
    pub via: Vec<String>,
    /// The access depends on a customer-managed policy orgc cannot see.
    pub unverified: bool,
    /// A gain of `admin`.
    pub admin: bool,
    /// Guardrails, on either side, that guard this access: `require_*` guardrails
    /// that select the account, and `deny_access` guardrails that select it and do
    /// not except the principal.
    pub guarded_by: Vec<String>,
    /// A gain of admin, or of anything on a guarded account.
    pub risky: bool,
}

impl AccessChange {
    pub fn gain(&self) -> bool {
        matches!(
            self.change,
            AccessChangeKind::Gained | AccessChangeKind::Raised
        )
    }
}

/// The same highest level as before, reached by a different path (or a lower level
/// added or removed under it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathChange {
    pub principal: String,
    pub account: String,
    pub level: String,
    pub old_via: Option<Vec<String>>,
    pub new_via: Option<Vec<String>>,
}

/// `read` < `write` < `admin`; anything else ranks lowest.
pub fn rank(level: &str) -> u8 {
    match level {
        "read" => 1,
        "write" => 2,
        "admin" => 3,
        _ => 0,
    }
}

type Key<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The rows of an access audit (a JSON array), by (principal, account), in file
/// order; `None` when it does not read as rows. Hashed, not sorted: a large org has
/// hundreds of thousands of keys, nearly all unchanged.
fn rows(audit: &[u8]) -> Option<foldhash::HashMap<Key<'_>, Vec<Row<'_>>>> {
    let mut out: foldhash::HashMap<Key, Vec<Row>> = foldhash::HashMap::default();
    let rows: Vec<Row> = serde_json::from_slice(audit).ok()?;
    for r in rows {
        out.entry((r.principal.clone(), r.account.clone()))
            .or_default()
            .push(r);
    }
    Some(out)
}

/// Each account's rows in an access audit as orgc writes it — pretty JSON, every row
/// an object of its own lines (`  {` … `  }`) that names its account on a line of
/// its own, the rows of one account together — as (the account's line, the bytes
/// from its first row's opening to its last row's closing). `None` for a file laid
/// out otherwise, which is then read whole.
fn account_segments(audit: &[u8]) -> Option<Vec<(&[u8], Range<usize>)>> {
    let mut segments: Vec<(&[u8], Range<usize>)> = Vec::new();
    let mut seen: foldhash::HashSet<&[u8]> = foldhash::HashSet::default();
    for (account, row) in rows_naming(audit, b"    \"account\": ")? {
        match segments.last_mut() {
            Some((last, range)) if *last == account => range.end = row.end,
            _ => {
                // An account's rows apart from each other.
                if !seen.insert(account) {
                    return None;
                }
                segments.push((account, row));
            }
        }
    }
    Some(segments)
}

/// Each row of rows laid out as orgc writes an audit — every row an object of its
/// own lines, from a line `  {` to a line `  }`, inside a JSON array or not — as the
/// line that starts with `field` (the field's key and value) and where the row runs
/// from its `{` to its `}`. `None` for text laid out otherwise, or a row without
/// that line.
fn rows_naming<'a>(text: &'a [u8], field: &[u8]) -> Option<Vec<(&'a [u8], Range<usize>)>> {
    let mut rows = Vec::new();
    // The row being read: where it opened, and its field's line once found.
    let mut row: Option<(usize, Option<&[u8]>)> = None;
    for (start, line) in lines(text) {
        match (line, &mut row) {
            (b"  {", None) => row = Some((start, None)),
            (b"  }" | b"  },", Some((opened, named))) => {
                // The row's closing brace, not the comma after it.
                rows.push(((*named)?, *opened..start + 3));
                row = None;
            }
            (_, Some((_, named))) if line.starts_with(field) => *named = Some(line),
            (b"[" | b"]" | b"[]" | b"", None) => {}
            (_, None) => return None,
            (_, Some(_)) => {}
        }
    }
    row.is_none().then_some(rows)
}

/// Each line of a text with where it starts, without its line break. Breaks are
/// found with `memchr`, a word at a time: the audit of a large org is a hundred
/// megabytes.
fn lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let ends = memchr::memchr_iter(b'\n', text).chain(std::iter::once(text.len()));
    ends.scan(0, move |start, end| {
        let line = (*start, text.get(*start..end).unwrap_or_default());
        *start = end + 1;
        Some(line)
    })
}

/// The rows whose principal's rows on their account differ between two access
/// audits, one JSON array for each side. Whatever is compared is compared per
/// (principal, account), so the rows of every other pair hold no change: first the
/// accounts whose rows are the same on both sides are passed over (a 1% change of a
/// 5,000-account org's assignments changes the rows of one account in seven), then,
/// within each other account, the principals whose rows are the same. `None` when an
/// audit is not laid out as [`account_segments`] and [`principal_rows`] read it.
fn rows_that_differ(old: &[u8], new: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (a, b) = (account_segments(old)?, account_segments(new)?);
    fn index<'a>(
        segments: &[(&'a [u8], Range<usize>)],
    ) -> foldhash::HashMap<&'a [u8], Range<usize>> {
        segments.iter().map(|(k, r)| (*k, r.clone())).collect()
    }
    let (in_a, in_b) = (index(&a), index(&b));
    let (mut old_rows, mut new_rows) = (Vec::new(), Vec::new());
    for (account, range) in &a {
        let mine = old.get(range.clone())?;
        match in_b.get(account) {
            None => old_rows.push(mine),
            Some(r) => {
                let theirs = new.get(r.clone())?;
                if mine != theirs {
                    let (x, y) = rows_of_changed_principals(mine, theirs)?;
                    old_rows.extend(x);
                    new_rows.extend(y);
                }
            }
        }
    }
    for (account, range) in &b {
        if !in_a.contains_key(account) {
            new_rows.push(new.get(range.clone())?);
        }
    }
    let array = |rows: Vec<&[u8]>| {
        let mut out = b"[".to_vec();
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(row);
        }
        out.push(b']');
        out
    };
    Some((array(old_rows), array(new_rows)))
}

/// Rows as their texts in an audit.
type RowTexts<'a> = Vec<&'a [u8]>;

/// Of one account's rows on each side, those of the principals whose rows there
/// differ, in file order.
fn rows_of_changed_principals<'a>(
    old: &'a [u8],
    new: &'a [u8],
) -> Option<(RowTexts<'a>, RowTexts<'a>)> {
    let (a, b) = (principal_rows(old)?, principal_rows(new)?);
    fn by_principal<'x>(
        rows: &[(&'x [u8], &'x [u8])],
    ) -> foldhash::HashMap<&'x [u8], Vec<&'x [u8]>> {
        let mut out: foldhash::HashMap<&[u8], Vec<&[u8]>> = foldhash::HashMap::default();
        for (principal, row) in rows {
            out.entry(*principal).or_default().push(*row);
        }
        out
    }
    let (in_a, in_b) = (by_principal(&a), by_principal(&b));
    let changed = |p: &[u8]| in_a.get(p) != in_b.get(p);
    Some((
        a.iter()
            .filter(|(p, _)| changed(p))
            .map(|(_, r)| *r)
            .collect(),
        b.iter()
            .filter(|(p, _)| changed(p))
            .map(|(_, r)| *r)
            .collect(),
    ))
}

/// The rows of an account's segment (from [`account_segments`]), each as its
/// principal's line and its text; `None` for a segment laid out otherwise, or a row
/// that names no principal on a line of its own.
fn principal_rows(segment: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    rows_naming(segment, b"    \"principal\": ")?
        .into_iter()
        .map(|(principal, row)| Some((principal, segment.get(row)?)))
        .collect()
}

/// The row with the highest level (the first, when several share it).
fn top<'r, 'a>(rows: &'r [Row<'a>]) -> Option<&'r Row<'a>> {
    rows.iter().fold(None, |best: Option<&Row>, r| match best {
        Some(b) if rank(&b.level) >= rank(&r.level) => Some(b),
        _ => Some(r),
    })
}

/// Compare the access audits of two trees.
pub fn compare(
    old: &Tree,
    new: &Tree,
    old_guardrails: &[GuardrailState],
    new_guardrails: &[GuardrailState],
) -> (Vec<AccessChange>, Vec<PathChange>) {
    let (old_audit, new_audit) = (
        old.get(ACCESS_AUDIT).map(Vec::as_slice),
        new.get(ACCESS_AUDIT).map(Vec::as_slice),
    );
    // Only the accounts whose rows differ are read, where the audits allow it;
    // otherwise each audit whole (a side without one, or one that does not read,
    // has no rows).
    let differing = old_audit
        .zip(new_audit)
        .and_then(|(a, b)| rows_that_differ(a, b));
    let (old_rows, new_rows) = differing
        .as_ref()
        .and_then(|(a, b)| Some((rows(a)?, rows(b)?)))
        .unwrap_or_else(|| {
            (
                old_audit.and_then(rows).unwrap_or_default(),
                new_audit.and_then(rows).unwrap_or_default(),
            )
        });
    let guards = |principal: &str, account: &str| -> Vec<String> {
        let mut names: Vec<String> = old_guardrails
            .iter()
            .chain(new_guardrails)
            .filter(|g| g.guards(principal, account))
            .map(|g| g.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    // Every key, each once: the old side's, then the new side's that are new.
    let keys = old_rows
        .keys()
        .chain(new_rows.keys().filter(|k| !old_rows.contains_key(*k)));
    let mut changes = Vec::new();
    let mut paths = Vec::new();
    for key in keys {
        let before = old_rows.get(key).map(Vec::as_slice).unwrap_or_default();
        let after = new_rows.get(key).map(Vec::as_slice).unwrap_or_default();
        if before == after {
            continue;
        }
        let (o, n) = (top(before), top(after));
        let (o_rank, n_rank) = (
            o.map_or(0, |r| rank(&r.level)),
            n.map_or(0, |r| rank(&r.level)),
        );
        let change = match (o, n) {
            (None, Some(_)) => AccessChangeKind::Gained,
            (Some(_), None) => AccessChangeKind::Lost,
            (Some(_), Some(_)) if n_rank > o_rank => AccessChangeKind::Raised,
            (Some(_), Some(_)) if n_rank < o_rank => AccessChangeKind::Lowered,
            _ => {
                paths.extend(path_changes(key, before, after));
                continue;
            }
        };
        let shown = match change {
            AccessChangeKind::Gained | AccessChangeKind::Raised | AccessChangeKind::Lowered => n,
            AccessChangeKind::Lost => o,
        };
        let gain = matches!(change, AccessChangeKind::Gained | AccessChangeKind::Raised);
        let admin = gain && n.is_some_and(|r| r.level == "admin");
        let guarded_by = guards(&key.0, &key.1);
        changes.push(AccessChange {
            principal: key.0.to_string(),
            account: key.1.to_string(),
            change,
            old_level: o.map(|r| r.level.to_string()),
            new_level: n.map(|r| r.level.to_string()),
            via: shown.map(|r| owned(&r.via)).unwrap_or_default(),
            unverified: shown.is_some_and(|r| r.unverified),
            admin,
            risky: gain && (admin || !guarded_by.is_empty()),
            guarded_by,
        });
    }
    changes.sort_by(|a, b| {
        let key = |c: &AccessChange| {
            let level = if c.gain() { &c.new_level } else { &c.old_level };
            (
                !c.gain(),
                !c.risky,
                std::cmp::Reverse(level.as_deref().map_or(0, rank)),
                c.change,
                c.account.clone(),
                c.principal.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    // By key; within a key, as `path_changes` ordered them (highest level first).
    paths.sort_by(|a, b| (&a.principal, &a.account).cmp(&(&b.principal, &b.account)));
    (changes, paths)
}

/// Rows of one (principal, account) whose highest level did not change: every
/// level whose path differs.
fn path_changes<'r, 'a>(key: &Key, before: &'r [Row<'a>], after: &'r [Row<'a>]) -> Vec<PathChange> {
    // Borrowed while compared: nearly every key's paths are unchanged.
    type ByLevel<'r, 'a> = BTreeMap<u8, (&'r str, &'r [Cow<'a, str>])>;
    fn by_level<'r, 'a>(rows: &'r [Row<'a>]) -> ByLevel<'r, 'a> {
        rows.iter()
            .map(|r| (rank(&r.level), (r.level.as_ref(), r.via.as_slice())))
            .collect()
    }
    let (b, a) = (by_level(before), by_level(after));
    let mut levels: Vec<u8> = b.keys().chain(a.keys()).copied().collect();
    levels.sort_by(|x, y| y.cmp(x));
    levels.dedup();
    levels
        .into_iter()
        .filter_map(|l| {
            let (o, n) = (b.get(&l), a.get(&l));
            if o.map(|x| x.1) == n.map(|x| x.1) {
                return None;
            }
            let level = o.or(n).map(|x| x.0.to_string()).unwrap_or_default();
            Some(PathChange {
                principal: key.0.to_string(),
                account: key.1.to_string(),
                level,
                old_via: o.map(|x| owned(x.1)),
                new_via: n.map(|x| owned(x.1)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(rows: &str) -> Tree {
        let mut t = Tree::new();
        t.insert(ACCESS_AUDIT.to_string(), rows.as_bytes().to_vec());
        t
    }

    fn guard(name: &str, account: &str) -> GuardrailState {
        GuardrailState {
            name: name.to_string(),
            rule: String::new(),
            protects: vec![account.to_string()],
            failure: None,
            except: Vec::new(),
        }
    }

    /// Paths changed under an unchanged level come by principal, then account, and
    /// within one pair highest level first, whatever the order of the file (twelve
    /// pairs, listed backwards, so that no hashing order passes by chance).
    #[test]
    fn path_changes_come_in_key_order() {
        let rows = |via: &str| {
            let mut rows = Vec::new();
            for p in (0..4).rev() {
                for a in ["prod", "dev", "test"] {
                    for level in ["admin", "write"] {
                        rows.push(format!(
                            r#"{{"principal":"group:p{p}","account":"{a}","level":"{level}","via":["permission_set:{level}{via}"]}}"#
                        ));
                    }
                }
            }
            tree(&format!("[{}]", rows.join(",")))
        };
        let (changes, paths) = compare(&rows("1"), &rows("2"), &[], &[]);
        assert!(changes.is_empty());
        let order: Vec<(&str, &str, &str)> = paths
            .iter()
            .map(|p| (p.principal.as_str(), p.account.as_str(), p.level.as_str()))
            .collect();
        let mut expected = Vec::new();
        for p in ["group:p0", "group:p1", "group:p2", "group:p3"] {
            for a in ["dev", "prod", "test"] {
                expected.push((p, a, "admin"));
                expected.push((p, a, "write"));
            }
        }
        assert_eq!(order, expected);
    }

    /// Rows as orgc writes the audit (pretty) and compact (which is read whole).
    fn audits(rows: &[(&str, &str, &str, &str)]) -> (Tree, Tree) {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|(p, a, level, via)| {
                serde_json::json!({"principal": p, "account": a, "level": level,
                    "via": [via], "because": ["x:Y"]})
            })
            .collect();
        (
            tree(&serde_json::to_string_pretty(&rows).unwrap()),
            tree(&serde_json::to_string(&rows).unwrap()),
        )
    }

    /// Only the rows of the principals whose rows on an account differ are read from
    /// audits laid out as orgc writes them, and what is found is what reading them
    /// whole finds.
    #[test]
    fn only_the_rows_that_differ_are_read() {
        let old = [
            ("group:a", "dev", "admin", "permission_set:A"),
            ("group:b", "dev", "read", "permission_set:R"),
            ("group:a", "prod", "write", "permission_set:W"),
            ("group:b", "prod", "write", "permission_set:W"),
            ("group:a", "prod", "read", "permission_set:R"),
            ("group:b", "prod", "read", "permission_set:R"),
            ("group:a", "test", "read", "permission_set:R"),
        ];
        let new = [
            ("group:a", "dev", "admin", "permission_set:A"),
            ("group:b", "dev", "read", "permission_set:R"),
            // `a`'s lower row changed, `b`'s rows did not, `c` is new.
            ("group:a", "prod", "write", "permission_set:W"),
            ("group:b", "prod", "write", "permission_set:W"),
            ("group:a", "prod", "read", "permission_set:R2"),
            ("group:b", "prod", "read", "permission_set:R"),
            ("group:c", "prod", "read", "permission_set:R"),
            ("group:c", "stage", "read", "permission_set:R"),
        ];
        let ((old_pretty, old_compact), (new_pretty, new_compact)) = (audits(&old), audits(&new));
        let (a, b) = (&old_pretty[ACCESS_AUDIT], &new_pretty[ACCESS_AUDIT]);
        let segments = account_segments(a).unwrap();
        let accounts: Vec<&str> = segments
            .iter()
            .map(|(line, _)| std::str::from_utf8(line).unwrap().trim())
            .collect();
        assert_eq!(
            accounts,
            [
                r#""account": "dev","#,
                r#""account": "prod","#,
                r#""account": "test","#
            ]
        );
        let (a_rows, b_rows) = rows_that_differ(a, b).unwrap();
        let read = |rows: &[u8]| -> Vec<String> {
            let rows: Vec<serde_json::Value> = serde_json::from_slice(rows).unwrap();
            rows.iter()
                .map(|r| format!("{} {} {}", r["principal"], r["account"], r["level"]))
                .map(|r| r.replace('"', ""))
                .collect()
        };
        // Every row of a principal whose rows changed, the unchanged ones too.
        assert_eq!(
            read(&a_rows),
            [
                "group:a prod write",
                "group:a prod read",
                "group:a test read"
            ]
        );
        assert_eq!(
            read(&b_rows),
            [
                "group:a prod write",
                "group:a prod read",
                "group:c prod read",
                "group:c stage read"
            ]
        );
        let found = compare(&old_pretty, &new_pretty, &[], &[]);
        assert_eq!(found, compare(&old_compact, &new_compact, &[], &[]));
        assert_eq!(found.0.len(), 3);
        assert_eq!(found.1.len(), 1);
        // An account whose rows are apart is not read so.
        let apart = [old[0], old[2], old[1]];
        assert!(account_segments(&audits(&apart).0[ACCESS_AUDIT]).is_none());
        assert!(account_segments(&old_compact[ACCESS_AUDIT]).is_none());
        // Nor is a row that names no principal.
        let segment = &a[segments[0].1.clone()];
        let unnamed = String::from_utf8_lossy(segment).replace("\"principal\"", "\"who\"");
        assert!(principal_rows(unnamed.as_bytes()).is_none());
        assert_eq!(principal_rows(segment).unwrap().len(), 2);
    }

    /// A `deny_access` guardrail guards the access of every principal it does not
    /// except, at any level.
    #[test]
    fn deny_access_guards_all_but_the_principals_it_excepts() {
        let old = tree("[]");
        let new = tree(
            r#"[{"principal":"group:ops","account":"prod","level":"admin","via":["x"]},
                {"principal":"group:dev","account":"prod","level":"read","via":["x"]},
                {"principal":"group:qa","account":"prod","level":"write","via":["x"]},
                {"principal":"group:qa","account":"test","level":"write","via":["x"]}]"#,
        );
        let deny = GuardrailState {
            except: vec!["group:ops".to_string()],
            ..guard("only-ops-write-prod", "prod")
        };
        let (changes, _) = compare(&old, &new, &[], &[deny, guard("required", "test")]);
        let guarded: Vec<(&str, &str, Vec<String>)> = changes
            .iter()
            .map(|c| {
                (
                    c.principal.as_str(),
                    c.account.as_str(),
                    c.guarded_by.clone(),
                )
            })
            .collect();
        assert_eq!(guarded.len(), 4);
        for (principal, account, by) in guarded {
            let expected: &[&str] = match (principal, account) {
                ("group:qa" | "group:dev", "prod") => &["only-ops-write-prod"],
                ("group:qa", "test") => &["required"],
                _ => &[],
            };
            assert_eq!(by, expected, "{principal} on {account}");
        }
    }

    #[test]
    fn highest_level_decides_and_lower_rows_are_paths() {
        let old = tree(
            r#"[{"principal":"group:a","account":"prod","level":"read","via":["permission_set:R"]},
                {"principal":"group:b","account":"dev","level":"admin","via":["x"]},
                {"principal":"group:b","account":"dev","level":"write","via":["permission_set:P"]}]"#,
        );
        let new = tree(
            r#"[{"principal":"group:a","account":"prod","level":"admin","via":["permission_set:A"]},
                {"principal":"group:a","account":"prod","level":"read","via":["permission_set:R"]},
                {"principal":"group:b","account":"dev","level":"admin","via":["x"]}]"#,
        );
        let (changes, paths) = compare(&old, &new, &[], &[guard("g", "prod")]);
        assert_eq!(changes.len(), 1);
        let c = &changes[0];
        assert_eq!(c.change, AccessChangeKind::Raised);
        assert_eq!(c.new_level.as_deref(), Some("admin"));
        assert!(c.admin && c.risky);
        assert_eq!(c.guarded_by, vec!["g".to_string()]);
        assert_eq!(c.via, vec!["permission_set:A".to_string()]);
        // b keeps admin on dev; its write row went away: not an access change.
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0].level, "write");
        assert_eq!(paths[0].new_via, None);
    }

    #[test]
    fn gains_come_before_losses_and_risky_first() {
        let old = tree(r#"[{"principal":"user:z","account":"dev","level":"admin","via":[]}]"#);
        let new = tree(
            r#"[{"principal":"group:a","account":"dev","level":"read","via":[]},
                {"principal":"group:b","account":"prod","level":"read","via":[]}]"#,
        );
        let (changes, _) = compare(&old, &new, &[guard("g", "prod")], &[]);
        let order: Vec<(&str, AccessChangeKind)> = changes
            .iter()
            .map(|c| (c.principal.as_str(), c.change))
            .collect();
        assert_eq!(
            order,
            vec![
                ("group:b", AccessChangeKind::Gained),
                ("group:a", AccessChangeKind::Gained),
                ("user:z", AccessChangeKind::Lost),
            ]
        );
        assert!(changes[0].risky && !changes[1].risky && !changes[2].risky);
    }
}
