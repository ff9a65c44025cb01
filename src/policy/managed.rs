//! AWS-managed policies: their names, paths and current documents, read from the
//! embedded gzipped snapshot (each document when first asked for), and the resolution
//! of a user's reference to one of them.

use super::document::PolicyDocument;
use super::partition::Partition;
use super::problem::{Problem, codes};
use super::suggest;
use flate2::read::GzDecoder;
use foldhash::HashMap;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::io::Read;
use std::sync::OnceLock;

const DATA: &[u8] = include_bytes!("../../data/aws-managed-policies.json.gz");

/// One AWS-managed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    /// E.g. `ViewOnlyAccess`.
    pub name: String,
    /// `/` or a path such as `/job-function/`, with both slashes.
    pub path: String,
    /// The default version when the snapshot was taken, e.g. `v188`.
    pub version: String,
    /// When AWS last changed it (ISO 8601).
    pub updated: String,
    pub document: PolicyDocument,
}

impl ManagedPolicy {
    /// The policy's ARN in a partition.
    pub fn arn(&self, partition: Partition) -> String {
        format!("arn:{partition}:iam::aws:policy{}{}", self.path, self.name)
    }

    /// How a user would write it with its path, e.g. `job-function/ViewOnlyAccess`.
    pub fn path_and_name(&self) -> String {
        format!("{}{}", self.path.trim_start_matches('/'), self.name)
    }
}

/// A reference resolved to a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPolicy {
    /// The ARN in the requested partition.
    pub arn: String,
    pub policy: &'static ManagedPolicy,
}

/// Every AWS-managed policy in the snapshot, keyed by name (names are unique across
/// paths). A policy's document is parsed the first time it is asked for: an org uses
/// a handful of the snapshot's 1,600 policies, and parsing them all took longer than
/// validating a small org.
#[derive(Debug, Default)]
pub struct ManagedPolicies {
    by_name: HashMap<String, Entry>,
}

#[derive(Debug)]
struct Entry {
    path: String,
    version: String,
    updated: String,
    /// The document's JSON text in the decompressed snapshot.
    document: &'static RawValue,
    /// `None` if the document does not parse: then the policy is unknown, never an
    /// empty document (which would read as no access at all).
    parsed: OnceLock<Option<ManagedPolicy>>,
}

/// The snapshot, decompressed and indexed on first use.
///
/// If the embedded data could not be read the set is empty, so every reference is reported
/// as unknown rather than the compiler stopping; a test guards the shipped file.
pub fn managed_policies() -> &'static ManagedPolicies {
    static TEXT: OnceLock<String> = OnceLock::new();
    static POLICIES: OnceLock<ManagedPolicies> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let text = TEXT.get_or_init(|| decompress(DATA).unwrap_or_default());
        ManagedPolicies::index(text).unwrap_or_default()
    })
}

fn decompress(gzipped: &[u8]) -> Option<String> {
    let mut json = String::with_capacity(gzipped.len() * 8);
    GzDecoder::new(gzipped).read_to_string(&mut json).ok()?;
    Some(json)
}

#[derive(Deserialize)]
struct RawEntry<'a> {
    arn: String,
    version: String,
    updated: String,
    #[serde(borrow)]
    document: &'a RawValue,
}

impl ManagedPolicies {
    fn index(json: &'static str) -> Option<ManagedPolicies> {
        let raw: HashMap<String, RawEntry<'static>> = serde_json::from_str(json).ok()?;
        let by_name = raw
            .into_iter()
            .filter_map(|(name, entry)| {
                let path = path_from_arn(&entry.arn, &name)?;
                let entry = Entry {
                    path,
                    version: entry.version,
                    updated: entry.updated,
                    document: entry.document,
                    parsed: OnceLock::new(),
                };
                Some((name, entry))
            })
            .collect();
        Some(ManagedPolicies { by_name })
    }

    pub fn get(&self, name: &str) -> Option<&ManagedPolicy> {
        let (name, entry) = self.by_name.get_key_value(name)?;
        entry
            .parsed
            .get_or_init(|| {
                let document = serde_json::from_str(entry.document.get()).ok()?;
                Some(ManagedPolicy {
                    name: name.clone(),
                    path: entry.path.clone(),
                    version: entry.version.clone(),
                    updated: entry.updated.clone(),
                    document,
                })
            })
            .as_ref()
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Every policy, each parsed as it comes (in no particular order).
    pub fn iter(&self) -> impl Iterator<Item = &ManagedPolicy> {
        self.by_name.keys().filter_map(|name| self.get(name))
    }

    fn unknown(&self, reference: &str, name: &str) -> Problem {
        Problem::error(
            codes::UNKNOWN_MANAGED_POLICY,
            format!("unknown AWS-managed policy `{reference}`"),
        )
        .with_optional_help(
            suggest::closest(name, self.by_name.keys().map(String::as_str)).map(|good| match self
                .get(good)
            {
                Some(p) if p.path != "/" => {
                    format!("did you mean `{good}` (`{}`)?", p.path_and_name())
                }
                _ => format!("did you mean `{good}`?"),
            }),
        )
    }
}

/// `/job-function/` from `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`.
fn path_from_arn(arn: &str, name: &str) -> Option<String> {
    let (_, resource) = arn.split_once(":policy")?;
    let path = resource.strip_suffix(name)?;
    (path.starts_with('/') && path.ends_with('/')).then(|| path.to_owned())
}

/// Resolves a reference to an AWS-managed policy, as a user may write it:
/// a bare name (`ReadOnlyAccess`, `ViewOnlyAccess`), a name with its path
/// (`job-function/ViewOnlyAccess`), or a full ARN in any partition. Names and paths are
/// case-sensitive, as in IAM. The returned ARN is in `partition`, whatever partition an
/// ARN reference named. Problems have no span: the caller knows where the reference was.
pub fn resolve(reference: &str, partition: Partition) -> Result<ResolvedPolicy, Problem> {
    let policies = managed_policies();
    let (path, name) = split_reference(reference)?;
    let policy = policies
        .get(name)
        .ok_or_else(|| policies.unknown(reference, name))?;
    if let Some(path) = path
        && path != policy.path
    {
        return Err(Problem::error(
            codes::UNKNOWN_MANAGED_POLICY,
            format!(
                "AWS-managed policy `{name}` is at path `{}`, not `{path}`",
                policy.path
            ),
        )
        .with_help(if policy.path == "/" {
            format!("write just `{name}`")
        } else {
            format!("write `{}` or just `{name}`", policy.path_and_name())
        }));
    }
    Ok(ResolvedPolicy {
        arn: policy.arn(partition),
        policy,
    })
}

/// Splits a reference into its path (`/x/`, if one was written) and name.
fn split_reference(reference: &str) -> Result<(Option<String>, &str), Problem> {
    // An ARN always spells out the path, even when it is just `/`.
    let (path_and_name, explicit_path) = if reference.starts_with("arn:") {
        (arn_resource(reference)?, true)
    } else {
        (reference, false)
    };
    match path_and_name.rsplit_once('/') {
        Some((path, name)) => {
            let path = path.trim_start_matches('/');
            let path = if path.is_empty() {
                "/".to_owned()
            } else {
                format!("/{path}/")
            };
            Ok((Some(path), name))
        }
        None if explicit_path => Ok((Some("/".to_owned()), path_and_name)),
        None => Ok((None, path_and_name)),
    }
}

/// The `path/name` part of `arn:<partition>:iam::aws:policy/<path/name>`.
fn arn_resource(arn: &str) -> Result<&str, Problem> {
    let invalid = |why: &str| {
        Problem::error(
            codes::INVALID_MANAGED_POLICY_ARN,
            format!("`{arn}` is not an AWS-managed policy ARN: {why}"),
        )
        .with_help("AWS-managed policy ARNs look like `arn:aws:iam::aws:policy/ReadOnlyAccess`")
    };
    let mut parts = arn.splitn(6, ':');
    let (Some(_), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid("it has fewer than six `:`-separated parts"));
    };
    if Partition::parse(partition).is_none() {
        return Err(invalid(&format!(
            "unknown partition `{partition}` (expected `aws`, `aws-cn` or `aws-us-gov`)"
        )));
    }
    if service != "iam" || !region.is_empty() {
        return Err(invalid("it is not an IAM ARN"));
    }
    if account != "aws" {
        let problem = invalid(&format!(
            "it belongs to account `{account}`, so it is a customer-managed policy"
        ));
        return Err(match customer_policy_help(resource) {
            Some(help) => problem.with_help(help),
            None => problem,
        });
    }
    resource
        .strip_prefix("policy/")
        .filter(|rest| !rest.is_empty())
        .ok_or_else(|| invalid("its resource is not `policy/<name>`"))
}

/// How to attach the customer-managed policy whose ARN resource is `resource`
/// (`policy/<path/>name`): by name and path, as permission sets name one, since the same
/// policy must exist in every account the set is assigned to.
fn customer_policy_help(resource: &str) -> Option<String> {
    let path_and_name = resource.strip_prefix("policy/")?;
    let (path, name) = match path_and_name.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_owned(), path_and_name),
    };
    (!name.is_empty()).then(|| {
        format!(
            "use `customer_managed_policies = [{{ name = \"{name}\", path = \"{path}\" }}]`: a permission set names a customer-managed policy by name and path, and it must exist in every account the set is assigned to"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_every_policy_with_its_document() {
        let all = managed_policies();
        assert_eq!(all.len(), 1594);
        // Documents are parsed when asked for: every one of them parses.
        assert_eq!(all.iter().count(), all.len());
        let ro = all.get("ReadOnlyAccess").unwrap();
        assert_eq!(ro.path, "/");
        assert!(!ro.document.statements().is_empty());
        assert_eq!(all.get("ViewOnlyAccess").unwrap().path, "/job-function/");
    }

    #[test]
    fn resolves_every_written_form() {
        let arn = |r: &str, p: Partition| resolve(r, p).map(|r| r.arn);
        assert_eq!(
            arn("ReadOnlyAccess", Partition::Aws).unwrap(),
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        );
        assert_eq!(
            arn("ViewOnlyAccess", Partition::AwsCn).unwrap(),
            "arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess"
        );
        assert_eq!(
            arn("job-function/ViewOnlyAccess", Partition::Aws).unwrap(),
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
        );
        assert_eq!(
            arn(
                "service-role/AWSLambdaBasicExecutionRole",
                Partition::AwsUsGov
            )
            .unwrap(),
            "arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        );
        assert_eq!(
            arn(
                "arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess",
                Partition::Aws
            )
            .unwrap(),
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
        );
        assert_eq!(
            arn("/AdministratorAccess", Partition::Aws).unwrap(),
            "arn:aws:iam::aws:policy/AdministratorAccess"
        );
        assert_eq!(
            resolve("PowerUserAccess", Partition::Aws)
                .unwrap()
                .policy
                .name,
            "PowerUserAccess"
        );
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let p = resolve("ReadOnlyAcess", Partition::Aws).unwrap_err();
        assert_eq!(p.code, codes::UNKNOWN_MANAGED_POLICY);
        assert_eq!(p.help.as_deref(), Some("did you mean `ReadOnlyAccess`?"));
        let p = resolve("viewonlyaccess", Partition::Aws).unwrap_err();
        assert_eq!(
            p.help.as_deref(),
            Some("did you mean `ViewOnlyAccess` (`job-function/ViewOnlyAccess`)?")
        );
    }

    #[test]
    fn wrong_paths_and_arns_are_rejected() {
        let p = resolve("service-role/ViewOnlyAccess", Partition::Aws).unwrap_err();
        assert_eq!(p.code, codes::UNKNOWN_MANAGED_POLICY);
        assert!(p.help.unwrap().contains("job-function/ViewOnlyAccess"));
        let p = resolve("job-function/SecurityAudit", Partition::Aws).unwrap_err();
        assert_eq!(p.help.as_deref(), Some("write just `SecurityAudit`"));
        assert!(resolve("arn:aws:iam::aws:policy/ViewOnlyAccess", Partition::Aws).is_err());
        for bad in [
            "arn:aws:iam::123456789012:policy/Mine",
            "arn:aws-iso:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:s3:::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:role/ReadOnlyAccess",
            "arn:aws:iam",
        ] {
            let p = resolve(bad, Partition::Aws).unwrap_err();
            assert_eq!(p.code, codes::INVALID_MANAGED_POLICY_ARN, "{bad}");
        }
        assert!(resolve("", Partition::Aws).is_err());
    }

    #[test]
    fn customer_arns_point_to_customer_managed_policies() {
        let p = resolve(
            "arn:aws:iam::123456789012:policy/team/Deploy",
            Partition::Aws,
        )
        .unwrap_err();
        assert!(
            p.message.contains("customer-managed policy"),
            "{}",
            p.message
        );
        let help = p.help.unwrap();
        assert!(
            help.starts_with(
                r#"use `customer_managed_policies = [{ name = "Deploy", path = "/team/" }]`"#
            ),
            "{help}"
        );
        let p = resolve("arn:aws:iam::123456789012:policy/Deploy", Partition::Aws).unwrap_err();
        assert!(p.help.unwrap().contains(r#"path = "/" }"#));
    }
}
