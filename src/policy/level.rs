//! Access levels (`read` < `write` < `admin`): what a policy lets its holder do, decided by
//! the catalogue levels of the actions it allows after its explicit denies.

use super::actions::{AccessLevel, Lookup, Matched, catalogue};
use super::document::{Effect, OneOrMany, PolicyDocument, Statement};
use super::managed::ManagedPolicy;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Read,
    Write,
    Admin,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::Admin => "admin",
        }
    }

    /// The level spelled as in the org format: `read`, `write` or `admin`.
    pub fn parse(text: &str) -> Option<Level> {
        [Level::Read, Level::Write, Level::Admin]
            .into_iter()
            .find(|l| l.as_str() == text)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelReport {
    pub level: Level,
    /// Up to [`MAX_REASONS`] allowed actions that decided the level (`*`, or `service:Action`
    /// ordered by service then action); for a fixed level, empty.
    pub because: Vec<String>,
    /// The level comes from the table of AWS job-function policies, not from the document.
    pub fixed: bool,
}

/// How many deciding actions a report names; enough for a reviewer to see why.
pub const MAX_REASONS: usize = 5;

/// Services whose permissions-management actions change who may do what.
const ADMIN_SERVICES: [&str; 6] = [
    "iam",
    "sso",
    "sso-directory",
    "identitystore",
    "organizations",
    "account",
];

/// AWS's job-function policies have fixed levels: a few of AWS's own read-only policies
/// contain single actions the catalogue classes as write, and `PowerUserAccess` allows
/// `sso:*` although it is meant as "everything but identity".
const JOB_FUNCTION_LEVELS: [(&str, Level); 11] = [
    ("AdministratorAccess", Level::Admin),
    ("PowerUserAccess", Level::Write),
    ("SystemAdministrator", Level::Write),
    ("DatabaseAdministrator", Level::Write),
    ("NetworkAdministrator", Level::Write),
    ("DataScientist", Level::Write),
    ("Billing", Level::Write),
    ("ReadOnlyAccess", Level::Read),
    ("ViewOnlyAccess", Level::Read),
    ("SecurityAudit", Level::Read),
    ("SupportUser", Level::Read),
];

/// The fixed level of an AWS job-function policy, by name.
pub fn job_function_level(name: &str) -> Option<Level> {
    JOB_FUNCTION_LEVELS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, level)| *level)
}

/// The level of an AWS-managed policy: fixed for job-function policies, computed otherwise.
/// `organization.managed_policy_levels` overrides are the caller's to apply first.
pub fn managed_policy_level(policy: &ManagedPolicy) -> LevelReport {
    match job_function_level(&policy.name) {
        Some(level) => LevelReport {
            level,
            because: Vec::new(),
            fixed: true,
        },
        None => level_of(&policy.document),
    }
}

/// The level of a policy document.
///
/// Allowed actions are those matched by `Allow` statements (`NotAction` allows every
/// catalogue action except those listed), minus those denied by `Deny` statements that
/// have no condition and `Resource` `*`. The result errs towards the higher level: an
/// `Allow` counts whatever its resource or condition, and a conditional or resource-scoped
/// `Deny` removes nothing, because we cannot tell when it applies.
pub fn level_of(document: &PolicyDocument) -> LevelReport {
    let cat = catalogue();
    let mut allowed = ActionSet::empty(cat.action_count());
    let mut allows_star = false;
    for statement in document.statements() {
        if statement.effect != Effect::Allow {
            continue;
        }
        if let Some(actions) = &statement.action {
            allows_star |= actions.iter().any(|a| a == "*");
            allowed.union_with(&matched(actions));
        }
        if let Some(not_actions) = &statement.not_action {
            allowed.union_with(&matched(not_actions).complement());
        }
    }
    let before = allowed.count();
    for statement in document.statements() {
        if statement.effect != Effect::Deny || !denies_everywhere(statement) {
            continue;
        }
        if let Some(actions) = &statement.action {
            allowed.subtract(&matched(actions));
        }
        if let Some(not_actions) = &statement.not_action {
            allowed.intersect_with(&matched(not_actions));
        }
    }
    // `*` also allows actions the catalogue does not know yet, so it is admin on its own,
    // unless a deny took something away; then the remaining actions decide.
    if allows_star && allowed.count() == before {
        return LevelReport {
            level: Level::Admin,
            because: vec!["*".to_owned()],
            fixed: false,
        };
    }
    classify(allowed.iter().filter_map(|id| cat.get(id)))
}

/// The level of each allowed action, keeping the first few of the highest level.
fn classify<'a>(allowed: impl Iterator<Item = Matched<'a>>) -> LevelReport {
    let mut level = Level::Read;
    let mut because = Vec::new();
    for m in allowed {
        let this = action_level(&m);
        if this > level {
            level = this;
            because.clear();
        }
        if this == level && because.len() < MAX_REASONS {
            because.push(m.full_name());
        }
    }
    LevelReport {
        level,
        because,
        fixed: false,
    }
}

fn action_level(m: &Matched<'_>) -> Level {
    match m.action.level {
        AccessLevel::PermissionsManagement if ADMIN_SERVICES.contains(&m.service.prefix()) => {
            Level::Admin
        }
        level if level.is_read_only() => Level::Read,
        _ => Level::Write,
    }
}

/// A deny that applies whatever the request: no condition and `Resource` `*`.
fn denies_everywhere(statement: &Statement) -> bool {
    let unconditional = statement.condition.as_ref().is_none_or(|c| c.is_empty());
    let all_resources = statement
        .resource
        .as_ref()
        .is_some_and(|r| r.iter().any(|r| r == "*"));
    unconditional && all_resources
}

/// The catalogue actions some pattern in the list matches; patterns the catalogue does not
/// know match nothing.
fn matched(patterns: &OneOrMany<String>) -> ActionSet {
    let cat = catalogue();
    let mut set = ActionSet::empty(cat.action_count());
    for pattern in patterns {
        match cat.lookup(pattern) {
            Lookup::Everything => set = ActionSet::empty(cat.action_count()).complement(),
            Lookup::Matches(found) => found.iter().for_each(|m| set.insert(m.id)),
            _ => {}
        }
    }
    set
}

/// A set of catalogue action ids, one bit each: the catalogue has ~22,000 actions, so
/// `NotAction` and `*` stay cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ActionSet {
    words: Vec<u64>,
    len: usize,
}

impl ActionSet {
    fn empty(len: usize) -> Self {
        ActionSet {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    fn insert(&mut self, id: usize) {
        if let Some(word) = self.words.get_mut(id / 64) {
            *word |= 1 << (id % 64);
        }
    }

    fn complement(&self) -> Self {
        let mut out = ActionSet {
            words: self.words.iter().map(|w| !w).collect(),
            len: self.len,
        };
        // Bits past the last action must stay clear.
        let tail = self.len % 64;
        if tail != 0
            && let Some(last) = out.words.last_mut()
        {
            *last &= (1u64 << tail) - 1;
        }
        out
    }

    fn union_with(&mut self, other: &ActionSet) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a |= b);
    }

    fn intersect_with(&mut self, other: &ActionSet) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= b);
    }

    fn subtract(&mut self, other: &ActionSet) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= !b);
    }

    fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            (0..64)
                .filter(move |bit| word & (1 << bit) != 0)
                .map(move |bit| i * 64 + bit)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::managed::managed_policies;

    fn doc(json: &str) -> PolicyDocument {
        serde_json::from_str(json).unwrap()
    }

    fn allow(actions: &str) -> PolicyDocument {
        doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
        ))
    }

    fn managed(name: &str) -> LevelReport {
        managed_policy_level(managed_policies().get(name).unwrap())
    }

    #[test]
    fn job_function_policies_have_fixed_levels() {
        assert_eq!(managed("ReadOnlyAccess").level, Level::Read);
        assert_eq!(managed("PowerUserAccess").level, Level::Write);
        assert_eq!(managed("AdministratorAccess").level, Level::Admin);
        assert_eq!(managed("ViewOnlyAccess").level, Level::Read);
        assert!(managed("SecurityAudit").fixed);
    }

    #[test]
    fn computed_levels_follow_the_catalogue() {
        let r = level_of(&allow(r#""iam:CreateRole""#));
        assert_eq!(r.level, Level::Admin);
        assert_eq!(r.because, ["iam:CreateRole"]);
        assert_eq!(level_of(&allow(r#""s3:PutObject""#)).level, Level::Write);
        let r = level_of(&allow(r#"["s3:GetObject", "s3:ListBucket"]"#));
        assert_eq!(r.level, Level::Read);
        assert_eq!(r.because, ["s3:GetObject", "s3:ListBucket"]);
        assert_eq!(level_of(&allow(r#""*""#)).because, ["*"]);
        assert_eq!(level_of(&allow(r#""*""#)).level, Level::Admin);
        // Tagging and permissions management outside identity services are write.
        assert_eq!(
            level_of(&allow(r#""s3:PutBucketPolicy""#)).level,
            Level::Write
        );
        assert_eq!(level_of(&allow(r#""s3:TagResource""#)).level, Level::Write);
        assert_eq!(
            level_of(&allow(r#""sso:CreatePermissionSet""#)).level,
            Level::Admin
        );
    }

    #[test]
    fn deciding_actions_are_few_and_sorted() {
        let r = level_of(&allow(r#""s3:Put*""#));
        assert_eq!(r.level, Level::Write);
        assert_eq!(r.because.len(), MAX_REASONS);
        let mut sorted = r.because.clone();
        sorted.sort_by_key(|s| s.to_lowercase());
        assert_eq!(r.because, sorted);
    }

    #[test]
    fn unconditional_denies_remove_actions() {
        let d = doc(r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["s3:GetObject","iam:CreateRole"],"Resource":"*"},
                {"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#);
        assert_eq!(level_of(&d).level, Level::Read);
    }

    #[test]
    fn conditional_or_scoped_denies_remove_nothing() {
        for deny in [
            r#"{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#,
            r#"{"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::*:role/x"}"#,
            r#"{"Effect":"Deny","Action":"iam:*","NotResource":"arn:aws:iam::*:role/x"}"#,
        ] {
            let d = doc(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*"}},{deny}]}}"#
            ));
            assert_eq!(level_of(&d).level, Level::Admin, "{deny}");
        }
    }

    #[test]
    fn not_action_allows_everything_else() {
        let d = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*","sso:*","sso-directory:*","identitystore:*"],"Resource":"*"}]}"#,
        );
        assert_eq!(level_of(&d).level, Level::Write);
        let d = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}]}"#,
        );
        assert_eq!(level_of(&d).level, Level::Read);
    }

    #[test]
    fn star_with_a_deny_is_judged_by_what_is_left() {
        let d = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
        );
        let r = level_of(&d);
        assert_eq!(r.level, Level::Admin);
        assert_ne!(r.because, ["*"]);
    }

    #[test]
    fn levels_parse_and_order() {
        assert!(Level::Read < Level::Write && Level::Write < Level::Admin);
        assert_eq!(Level::parse("write"), Some(Level::Write));
        assert_eq!(Level::parse("Write"), None);
    }
}
