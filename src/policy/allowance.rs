//! Whether one policy lets its holder perform one action on one resource, e.g. whether a
//! permission set's policy allows `sts:AssumeRole` on a role in another account.

use super::document::{Effect, OneOrMany, PolicyDocument, Statement};
use super::wildcard::{self, Case};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Allowance {
    /// Some `Allow` statement may apply and no unconditional `Deny` does.
    Allowed,
    /// An unconditional `Deny` applies; explicit denies beat any allow.
    Denied,
    /// No statement allows it (IAM's implicit deny).
    NotAllowed,
}

/// Decides whether `document` allows `action` (e.g. `sts:AssumeRole`) on `resource_arn`.
///
/// The answer errs towards "may be allowed", which is what both callers need: a reachability
/// audit must not miss a path, and a completeness check must not complain about access that
/// works. So conditions are assumed to hold for `Allow` statements and not to hold for
/// `Deny` statements (a conditional deny never denies here), and a policy variable such as
/// `${aws:username}` in a resource may match anything for an allow but never makes a deny
/// apply. Action names match case-insensitively with `*` and `?`; resource ARNs match
/// case-sensitively with `*` and `?`. A statement without `Resource` or `NotResource`
/// (a trust policy) applies to any resource.
pub fn allows_action_on(document: &PolicyDocument, action: &str, resource_arn: &str) -> Allowance {
    let mut allowed = false;
    for statement in document.statements() {
        if !action_applies(statement, action) {
            continue;
        }
        let resource = resource_applies(statement, resource_arn);
        match statement.effect {
            Effect::Deny => {
                let unconditional = statement.condition.as_ref().is_none_or(|c| c.is_empty());
                if unconditional && resource == Match::Yes {
                    return Allowance::Denied;
                }
            }
            Effect::Allow => allowed |= resource != Match::No,
        }
    }
    if allowed {
        Allowance::Allowed
    } else {
        Allowance::NotAllowed
    }
}

/// Whether `statement` can apply to `action` at all (its `Action` matches, or its
/// `NotAction` does not), whatever the resource: callers that ask about one action on
/// many resources keep only these statements.
pub fn action_may_apply(statement: &Statement, action: &str) -> bool {
    action_applies(statement, action)
}

/// A three-valued match, for patterns whose policy variables are unknown here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Yes,
    Maybe,
    No,
}

fn action_applies(statement: &Statement, action: &str) -> bool {
    let any = |patterns: &OneOrMany<String>| {
        patterns
            .iter()
            .any(|p| wildcard::matches(p, action, Case::Insensitive))
    };
    match (&statement.action, &statement.not_action) {
        (Some(actions), _) => any(actions),
        (None, Some(not_actions)) => !any(not_actions),
        (None, None) => false,
    }
}

fn resource_applies(statement: &Statement, arn: &str) -> Match {
    match (&statement.resource, &statement.not_resource) {
        (Some(resources), _) => best(resources.iter().map(|p| pattern_match(p, arn))),
        (None, Some(not_resources)) => {
            match best(not_resources.iter().map(|p| pattern_match(p, arn))) {
                Match::Yes => Match::No,
                Match::Maybe => Match::Maybe,
                Match::No => Match::Yes,
            }
        }
        (None, None) => Match::Yes,
    }
}

/// The strongest match among several patterns.
fn best(matches: impl Iterator<Item = Match>) -> Match {
    let mut result = Match::No;
    for m in matches {
        match m {
            Match::Yes => return Match::Yes,
            Match::Maybe => result = Match::Maybe,
            Match::No => {}
        }
    }
    result
}

fn pattern_match(pattern: &str, arn: &str) -> Match {
    if !pattern.contains("${") {
        return if wildcard::matches(pattern, arn, Case::Sensitive) {
            Match::Yes
        } else {
            Match::No
        };
    }
    if wildcard::matches(&variables_as_wildcards(pattern), arn, Case::Sensitive) {
        Match::Maybe
    } else {
        Match::No
    }
}

/// `arn:aws:s3:::home/${aws:username}/*` → `arn:aws:s3:::home/*/*`.
fn variables_as_wildcards(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                out.push('*');
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::222233334444:role/deployer";

    fn doc(statements: &str) -> PolicyDocument {
        serde_json::from_str(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
        .unwrap()
    }

    fn allowance(statements: &str) -> Allowance {
        allows_action_on(&doc(statements), "sts:AssumeRole", ROLE)
    }

    #[test]
    fn matching_allow_allows() {
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222233334444:role/deployer"}"#
            ),
            Allowance::Allowed
        );
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"STS:assume*","Resource":"arn:aws:iam::*:role/deploy?r"}"#
            ),
            Allowance::Allowed
        );
        assert_eq!(
            allowance(r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}"#),
            Allowance::Allowed
        );
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"*","NotResource":"arn:aws:iam::*:role/other"}"#
            ),
            Allowance::Allowed
        );
    }

    #[test]
    fn non_matching_statements_do_not_allow() {
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/*"}"#
            ),
            Allowance::NotAllowed
        );
        assert_eq!(
            allowance(r#"{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}"#),
            Allowance::NotAllowed
        );
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"sts:*","Resource":"arn:aws:iam::222233334444:role/Deployer"}"#
            ),
            Allowance::NotAllowed,
            "resource ARNs are case-sensitive"
        );
        assert_eq!(
            allowance(r#"{"Effect":"Allow","NotAction":"sts:*","Resource":"*"}"#),
            Allowance::NotAllowed
        );
    }

    #[test]
    fn explicit_deny_wins() {
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222233334444:role/*"}"#
            ),
            Allowance::Denied
        );
        assert_eq!(
            allowance(
                r#"{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:iam::*:role/safe"}"#
            ),
            Allowance::Denied
        );
    }

    #[test]
    fn conditions_allow_but_never_deny() {
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#
            ),
            Allowance::Allowed
        );
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#
            ),
            Allowance::Allowed
        );
    }

    #[test]
    fn policy_variables_may_allow_but_never_deny() {
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::${aws:PrincipalAccount}:role/deployer"}"#
            ),
            Allowance::Allowed
        );
        assert_eq!(
            allowance(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::${aws:PrincipalAccount}:role/deployer"}"#
            ),
            Allowance::Allowed
        );
        assert_eq!(variables_as_wildcards("a${x}b${y"), "a*b${y");
    }
}
