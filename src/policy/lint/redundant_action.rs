//! `orgc::lint::redundant-action`: an action another pattern of the same list covers.

use super::support::pattern_covers;
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::document::OneOrMany;
use crate::policy::wildcard::{self, Case};
use foldhash::{HashMap, HashMapExt};

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::redundant-action",
    severity: LintSeverity::Suggestion,
    summary: "an action already covered by another pattern in the same statement",
    doc: "Reports an entry of a statement's `Action` or `NotAction` list that another entry \
          of the same list already covers, such as `s3:GetObject` next to `s3:Get*`, or the \
          same action written twice in different case (IAM ignores the case of action \
          names). The entry changes nothing and costs policy size; often it shows that the \
          wildcard is wider than its author meant, so check which of the two was intended \
          before removing the other. IAM Access Analyzer suggests the same (\"Redundant \
          action\").",
};

/// ## What it does
/// Finds entries of an `Action`/`NotAction` list covered by another entry.
///
/// ## Why is this bad?
/// The entry does nothing, and the wildcard covering it may be wider than intended.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"}
/// ```
/// Use instead: `["s3:GetObject"]`, or `["s3:Get*"]` if every read was meant.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        for (element, list) in [
            ("Action", statement.action.as_ref()),
            ("NotAction", statement.not_action.as_ref()),
        ] {
            for (entry, covering) in redundant_entries(list, Case::Insensitive) {
                out.push(
                    Finding::new(
                        &INFO,
                        index,
                        format!("`{entry}` in `{element}` is already covered by `{covering}`"),
                    )
                    .with_help(format!("remove `{entry}`, or narrow `{covering}` if it is wider than meant")),
                );
            }
        }
    }
}

/// Each entry that another entry covers, with the first covering one. Of two entries that
/// cover each other (the same pattern twice), only the later is reported.
///
/// Lists of hundreds of actions are common (AWS's `ReadOnlyAccess` has thousands), so
/// entries of long lists are not compared pairwise ([`indexed`]; short lists are,
/// by the same rules, in [`pairwise`]). A literal entry is covered only by an equal literal,
/// looked up by its normalised text, or by a wildcard. A wildcard whose part before the
/// first `:` (the service, or `arn`) is literal matches only strings starting with that
/// part, so it is tried only against entries with the same part; the rest are tried
/// against everything.
pub(super) fn redundant_entries(
    list: Option<&OneOrMany<String>>,
    case: Case,
) -> Vec<(&str, &str)> {
    let entries = list.map_or(&[][..], OneOrMany::as_slice);
    if entries.len() <= SHORT {
        pairwise(entries, case)
    } else {
        indexed(entries, case)
    }
}

/// Lists up to this long are compared entry by entry: the few actions or resources a
/// template's statement lists are compared faster than they are indexed (a role
/// template is linted once per account, tens of thousands of times in a large org).
const SHORT: usize = 8;

/// [`redundant_entries`] for short lists, by the same rules as [`indexed`]: entry `i`
/// is covered by the first entry `j` that is an equal literal before it, or a wildcard
/// with the same literal head (or none) that covers it — and that it does not cover
/// back when `j` comes later.
fn pairwise(entries: &[String], case: Case) -> Vec<(&str, &str)> {
    let same = |a: &str, b: &str| match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(b),
    };
    let mut found = Vec::new();
    for (i, narrow) in entries.iter().enumerate() {
        let narrow_literal = !wildcard::has_wildcard(narrow);
        let narrow_head = literal_head(narrow);
        let covering = entries.iter().enumerate().find(|&(j, wide)| {
            if j == i {
                return false;
            }
            if !wildcard::has_wildcard(wide) {
                return j < i && narrow_literal && same(wide, narrow);
            }
            let head_fits = match literal_head(wide) {
                None => true,
                Some(head) => narrow_head.is_some_and(|n| same(head, n)),
            };
            head_fits
                && pattern_covers(wide, narrow, case)
                && !(j > i && pattern_covers(narrow, wide, case))
        });
        if let Some((_, wide)) = covering {
            found.push((narrow.as_str(), wide.as_str()));
        }
    }
    found
}

/// [`redundant_entries`] for long lists, through indexes of the entries.
fn indexed(entries: &[String], case: Case) -> Vec<(&str, &str)> {
    let normalise = |s: &str| match case {
        Case::Sensitive => s.to_owned(),
        Case::Insensitive => s.to_ascii_lowercase(),
    };
    let mut first_literal: HashMap<String, usize> = HashMap::new();
    let mut by_head: HashMap<String, Vec<(usize, &str)>> = HashMap::new();
    let mut anywhere: Vec<(usize, &str)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if !wildcard::has_wildcard(entry) {
            first_literal.entry(normalise(entry)).or_insert(i);
            continue;
        }
        match literal_head(entry) {
            Some(head) => by_head.entry(normalise(head)).or_default().push((i, entry)),
            None => anywhere.push((i, entry)),
        }
    }
    let mut found = Vec::new();
    for (i, narrow) in entries.iter().enumerate() {
        let equal_before = if wildcard::has_wildcard(narrow) {
            None
        } else {
            first_literal.get(&normalise(narrow)).copied().filter(|&j| j < i)
        };
        let same_head = literal_head(narrow)
            .and_then(|head| by_head.get(&normalise(head)))
            .map_or(&[][..], Vec::as_slice);
        let by_wildcard = anywhere
            .iter()
            .chain(same_head)
            .copied()
            .filter(|&(j, wide)| {
                j != i
                    && pattern_covers(wide, narrow, case)
                    && !(j > i && pattern_covers(narrow, wide, case))
            })
            .min_by_key(|&(j, _)| j);
        let covering = match (equal_before, by_wildcard) {
            (Some(j), Some((k, wide))) if k < j => Some(wide),
            (Some(j), _) => entries.get(j).map(String::as_str),
            (None, found) => found.map(|(_, wide)| wide),
        };
        if let Some(wide) = covering {
            found.push((narrow.as_str(), wide));
        }
    }
    found
}

/// The text before the first `:` when it has no wildcard, e.g. `s3` in `s3:Get*`.
fn literal_head(pattern: &str) -> Option<&str> {
    let (head, _) = pattern.split_once(':')?;
    (!wildcard::has_wildcard(head)).then_some(head)
}

#[cfg(test)]
mod agreement {
    use super::*;
    use proptest::prelude::*;

    /// Entries sharing heads, cases and wildcards, so that lists of a few of them
    /// cover each other in every way the rules distinguish.
    fn entry() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "s3:GetObject", "S3:getobject", "s3:Get*", "s3:G?tObject", "s3:*", "s?:Get*",
            "*", "*:Get*", "s3:GetObject*", "iam:PassRole", "iam:*", "IAM:Pass*", "s3",
            "arn:aws:s3:::logs/*", "arn:aws:s3:::logs/a", "arn:aws:s3:::*", "arn:*",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        /// Short lists are compared pairwise, long ones through indexes: both give
        /// the same findings in the same order, whatever the case rule.
        #[test]
        fn pairwise_and_indexed_agree(list in prop::collection::vec(entry(), 0..=SHORT)) {
            for case in [Case::Sensitive, Case::Insensitive] {
                prop_assert_eq!(pairwise(&list, case), indexed(&list, case));
            }
        }
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"],
                      "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": ["s3:GetObject", "S3:getobject"],
                      "Resource": "*"}])),
        fails(json!([{"Effect": "Deny", "NotAction": ["iam:*", "iam:Get*"],
                      "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"],
                       "Resource": "*"}])),
        // `?` is one character and `*` any number, so neither covers the other.
        passes(json!([{"Effect": "Allow", "Action": ["s3:GetObj?ct", "s3:GetObject*"],
                       "Resource": "*"}])),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        super::super::tests::run(&INFO, &super::examples());
    }

    #[test]
    fn reports_each_covered_entry_once() {
        let list = OneOrMany::Many(
            ["s3:GetObject", "s3:Get*", "s3:GetObject", "s3:*"]
                .map(String::from)
                .to_vec(),
        );
        assert_eq!(
            redundant_entries(Some(&list), Case::Insensitive),
            [
                ("s3:GetObject", "s3:Get*"),
                ("s3:Get*", "s3:*"),
                ("s3:GetObject", "s3:GetObject"),
            ]
        );
    }
}
