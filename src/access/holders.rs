//! What each identity that can act in an account holds: its policy documents (rendered
//! inline ones and the real documents of AWS-managed ones), the policies orgc cannot
//! see, and its permissions boundary — and from those, its access level and whether it
//! may call `sts:AssumeRole` on a given role.

use crate::compile::DesiredState;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Boundary, Model, PolicyRef};
use crate::policy::allowance::action_may_apply;
use crate::policy::document::{Effect, PolicyDocument};
use crate::policy::level::{LevelReport, level_of, managed_policy_level};
use crate::policy::{Allowance, allows_action_on};
use crate::spec::AccessLevel;
use foldhash::{HashMap, HashMapExt};
use std::ops::Deref;
use std::sync::Arc;

/// A policy document an identity holds: borrowed from the compiled state or the
/// embedded AWS-managed policies, or made for the audit (a document reduced to the
/// statements about one action). Copying the documents of 60,000 role instances
/// into their holdings, and freeing them again, was a third of the audit's time.
#[derive(Debug, Clone)]
pub enum Doc<'a> {
    Borrowed(&'a PolicyDocument),
    Made(Arc<PolicyDocument>),
}

impl Deref for Doc<'_> {
    type Target = PolicyDocument;
    fn deref(&self) -> &PolicyDocument {
        match self {
            Doc::Borrowed(d) => d,
            Doc::Made(d) => d,
        }
    }
}

/// The action whose statements decide the edges of the access graph.
pub const ASSUME_ROLE: &str = "sts:AssumeRole";

/// A policy orgc can read, one it read while compiling and kept only the facts of,
/// or one it cannot read (a customer-managed policy).
#[derive(Debug, Clone)]
pub enum Held<'a> {
    Document {
        name: &'a str,
        document: Doc<'a>,
        /// The level when it is not the document's own (a job-function policy, an
        /// org override, or a managed policy, whose level names the policy).
        level: Option<Decided>,
    },
    Known(&'a PolicyFacts),
    Invisible {
        name: &'a str,
    },
}

/// What the audit needs of a role instance's inline policy, taken when the policy is
/// compiled: the role files of a large org are tens of thousands of documents, and
/// keeping them all for the audit was most of the memory `validate` used.
#[derive(Debug, Clone)]
pub struct PolicyFacts {
    pub name: String,
    /// The document's level, as [`LevelCache::level`] decides it.
    pub level: Decided,
    /// The document's statements that may apply to [`ASSUME_ROLE`], when it has any.
    pub assume: Option<Arc<PolicyDocument>>,
}

impl PolicyFacts {
    pub fn of(name: &str, document: &PolicyDocument, cache: &mut LevelCache) -> PolicyFacts {
        PolicyFacts {
            name: name.to_string(),
            level: cache.level(document),
            assume: assume_statements(document).map(Arc::new),
        }
    }
}

/// `document` reduced to its statements that may apply to [`ASSUME_ROLE`], or `None`
/// when it has none.
fn assume_statements(document: &PolicyDocument) -> Option<PolicyDocument> {
    let statements: Vec<_> = document
        .statements()
        .iter()
        .filter(|s| action_may_apply(s, ASSUME_ROLE))
        .cloned()
        .collect();
    (!statements.is_empty()).then(|| PolicyDocument::new(statements))
}

/// Everything one identity holds.
#[derive(Debug, Clone, Default)]
pub struct Holdings<'a> {
    pub policies: Vec<Held<'a>>,
    pub boundary: Option<Held<'a>>,
}

/// A level with the actions (or the policy) that decided it. The reasons are shared:
/// every row of the audit that ends at an identity repeats them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub level: AccessLevel,
    pub because: Arc<[String]>,
}

/// Whether an identity may assume a role, as far as its own policies say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MayAssume {
    Yes,
    /// Only a policy orgc cannot see could allow it: counted as allowed, marked.
    Unverified,
    No,
}

pub fn level_from(l: crate::policy::level::Level) -> AccessLevel {
    match l {
        crate::policy::level::Level::Read => AccessLevel::Read,
        crate::policy::level::Level::Write => AccessLevel::Write,
        crate::policy::level::Level::Admin => AccessLevel::Admin,
    }
}

/// Computes levels, sharing the work between documents that allow and deny the same
/// actions: thousands of role instances render one template with different ARNs, and
/// a level depends on actions, not resources.
#[derive(Default)]
pub struct LevelCache {
    by_signature: HashMap<String, Decided>,
    /// The signature being looked up, written into the same buffer every time.
    key: String,
}

impl LevelCache {
    pub fn level(&mut self, doc: &PolicyDocument) -> Decided {
        self.key.clear();
        signature(doc, &mut self.key);
        if let Some(d) = self.by_signature.get(&self.key) {
            return d.clone();
        }
        let d = decided(level_of(doc));
        self.by_signature.insert(self.key.clone(), d.clone());
        d
    }
}

fn decided(r: LevelReport) -> Decided {
    Decided {
        level: level_from(r.level),
        because: r.because.into(),
    }
}

/// Writes to `s` the parts of a document a level depends on: effects, actions, whether a deny is
/// unconditional and on every resource.
fn signature(doc: &PolicyDocument, s: &mut String) {
    for st in doc.statements() {
        s.push(if st.effect == Effect::Allow { 'A' } else { 'D' });
        for (tag, list) in [('a', &st.action), ('n', &st.not_action)] {
            if let Some(l) = list {
                s.push(tag);
                for a in l.iter() {
                    s.push_str(a);
                    s.push(',');
                }
            }
        }
        if st.effect == Effect::Deny {
            let everywhere = st.condition.is_none()
                && st
                    .resource
                    .as_ref()
                    .is_some_and(|r| r.iter().any(|x| x == "*"));
            s.push(if everywhere { 'E' } else { 'S' });
        }
        s.push(';');
    }
}

/// The documents behind managed-policy references, with the org's overrides.
pub fn managed<'a>(model: &Model, refs: &[PolicyRef], cache: &mut LevelCache) -> Vec<Held<'a>> {
    refs.iter()
        .filter_map(|r| {
            let resolved =
                crate::policy::resolve(&r.reference, crate::compile::partition(model)).ok()?;
            let name = resolved.policy.name.as_str();
            let level =
                override_for(model, name, &resolved.policy.path_and_name()).unwrap_or_else(|| {
                    let report = managed_policy_level(resolved.policy);
                    // Job-function policies have fixed levels; others are computed and cached.
                    if report.fixed {
                        level_from(report.level)
                    } else {
                        cache.level(&resolved.policy.document).level
                    }
                });
            Some(Held::Document {
                name,
                document: Doc::Borrowed(&resolved.policy.document),
                level: Some(Decided {
                    level,
                    because: Arc::new([format!("policy `{name}`")]),
                }),
            })
        })
        .collect()
}

fn override_for(model: &Model, name: &str, path_and_name: &str) -> Option<AccessLevel> {
    let levels = &model.org.managed_policy_levels;
    levels
        .get(name)
        .or_else(|| levels.get(path_and_name))
        .or_else(|| levels.get(path_and_name.trim_start_matches('/')))
        .copied()
}

pub fn boundary<'a>(
    model: &Model,
    b: Option<&'a Boundary>,
    cache: &mut LevelCache,
) -> Option<Held<'a>> {
    match b? {
        Boundary::Managed { reference, loc } => managed(
            model,
            &[PolicyRef {
                reference: reference.clone(),
                loc: loc.clone(),
            }],
            cache,
        )
        .into_iter()
        .next(),
        Boundary::CustomerManaged(c) => Some(Held::Invisible { name: &c.name }),
    }
}

impl<'a> Holdings<'a> {
    /// The holder's level: the highest of its policies, capped by its boundary.
    ///
    /// Rule `orgc::access::unclassified-policy` (warning): a customer-managed policy's
    /// content is not in the org, so it counts as `admin` — the safe assumption for an
    /// audit — until `organization.managed_policy_levels` classifies it.
    pub fn level(&self, model: &Model, cache: &mut LevelCache, warn: &mut Vec<String>) -> Decided {
        let mut best = Decided {
            level: AccessLevel::Read,
            because: Arc::new([]),
        };
        let mut any = false;
        for held in &self.policies {
            let d = held_level(model, held, cache, warn);
            if !any || d.level > best.level {
                best = d;
                any = true;
            }
        }
        if let Some(b) = &self.boundary {
            let cap = held_level(model, b, cache, warn);
            if cap.level < best.level {
                best = Decided {
                    level: cap.level,
                    because: Arc::new([format!(
                        "capped by permissions boundary `{}`",
                        held_name(b)
                    )]),
                };
            }
        }
        best
    }

    /// The same holdings with only the statements that may apply to [`ASSUME_ROLE`].
    /// `may_assume` on them answers exactly as on the whole holdings (a statement whose
    /// actions do not match is skipped anyway), but a caller is asked about thousands
    /// of role ARNs, and matching the action against every pattern of a large managed
    /// policy for each of them was most of the audit's time.
    pub fn assume_view(&self) -> Holdings<'a> {
        let reduce = |held: &Held<'a>| match held {
            Held::Document {
                name,
                document,
                level,
            } => Held::Document {
                name,
                document: Doc::Made(Arc::new(
                    assume_statements(document).unwrap_or_else(|| PolicyDocument::new(Vec::new())),
                )),
                level: level.clone(),
            },
            // Facts hold only these statements already.
            Held::Known(_) | Held::Invisible { .. } => held.clone(),
        };
        Holdings {
            policies: self.policies.iter().map(reduce).collect(),
            boundary: self.boundary.as_ref().map(reduce),
        }
    }

    /// Whether the holder's policies allow `sts:AssumeRole` on `arn`: an explicit deny
    /// anywhere wins; a boundary must allow it too.
    pub fn may_assume(&self, arn: &str) -> MayAssume {
        let own = combine(self.policies.iter(), arn);
        match (&self.boundary, own) {
            (_, MayAssume::No) => MayAssume::No,
            (None, v) => v,
            (Some(b), v) => match combine(std::iter::once(b), arn) {
                MayAssume::No => MayAssume::No,
                MayAssume::Unverified => MayAssume::Unverified,
                MayAssume::Yes => v,
            },
        }
    }
}

fn combine<'h, 'a: 'h>(held: impl Iterator<Item = &'h Held<'a>>, arn: &str) -> MayAssume {
    let mut allowed = false;
    let mut invisible = false;
    for h in held {
        match h {
            Held::Document { document, .. } => match allows_action_on(document, ASSUME_ROLE, arn) {
                Allowance::Denied => return MayAssume::No,
                Allowance::Allowed => allowed = true,
                Allowance::NotAllowed => {}
            },
            Held::Known(facts) => {
                if let Some(document) = &facts.assume {
                    match allows_action_on(document, ASSUME_ROLE, arn) {
                        Allowance::Denied => return MayAssume::No,
                        Allowance::Allowed => allowed = true,
                        Allowance::NotAllowed => {}
                    }
                }
            }
            Held::Invisible { .. } => invisible = true,
        }
    }
    if allowed {
        MayAssume::Yes
    } else if invisible {
        MayAssume::Unverified
    } else {
        MayAssume::No
    }
}

fn held_name<'a>(h: &Held<'a>) -> &'a str {
    match h {
        Held::Document { name, .. } | Held::Invisible { name } => name,
        Held::Known(facts) => &facts.name,
    }
}

fn held_level(
    model: &Model,
    held: &Held<'_>,
    cache: &mut LevelCache,
    warn: &mut Vec<String>,
) -> Decided {
    match held {
        Held::Document {
            document, level, ..
        } => match level {
            Some(decided) => decided.clone(),
            None => cache.level(document),
        },
        Held::Known(facts) => facts.level.clone(),
        Held::Invisible { name } => match model.org.managed_policy_levels.get(*name) {
            Some(l) => Decided {
                level: *l,
                because: Arc::new([format!(
                    "customer-managed policy `{name}` (classified in the org)"
                )]),
            },
            None => {
                warn.push((*name).to_string());
                Decided {
                    level: AccessLevel::Admin,
                    because: Arc::new([format!(
                        "customer-managed policy `{name}`, which orgc cannot see"
                    )]),
                }
            }
        },
    }
}

/// The holdings of a permission set and of every role instance, from the compiled state.
pub struct AllHoldings<'a> {
    pub permission_sets: Vec<Holdings<'a>>,
    /// By (role index, account index).
    pub roles: HashMap<(usize, usize), Holdings<'a>>,
}

pub fn collect<'a>(
    model: &'a Model,
    desired: &'a DesiredState,
    cache: &mut LevelCache,
) -> AllHoldings<'a> {
    let inline_ps: HashMap<&str, &PolicyDocument> = desired
        .permission_sets
        .iter()
        .filter_map(|(n, f)| {
            f.put_inline_policy_to_permission_set
                .as_ref()
                .map(|p| (n.as_str(), &p.inline_policy))
        })
        .collect();
    let permission_sets = model
        .permission_sets
        .iter()
        .map(|ps| {
            let mut policies = managed(model, &ps.managed_policies, cache);
            if let Some(doc) = inline_ps.get(ps.name.as_str()) {
                policies.push(Held::Document {
                    name: "inline policy",
                    document: Doc::Borrowed(doc),
                    level: None,
                });
            }
            policies.extend(
                ps.customer_managed_policies
                    .iter()
                    .map(|c| Held::Invisible { name: &c.name }),
            );
            Holdings {
                policies,
                boundary: boundary(model, ps.boundary.as_ref(), cache),
            }
        })
        .collect();
    let mut managed_by_role: HashMap<usize, (Vec<Held>, Option<Held>)> = HashMap::new();
    let mut roles = HashMap::new();
    for compiled in &desired.roles {
        let (r, a) = (compiled.role, compiled.account);
        let Some(model_role) = model.roles.get(r) else {
            continue;
        };
        let (shared, bound) = managed_by_role
            .entry(r)
            .or_insert_with(|| {
                (
                    managed(model, &model_role.managed_policies, cache),
                    boundary(model, model_role.boundary.as_ref(), cache),
                )
            })
            .clone();
        let mut policies = shared;
        policies.extend(compiled.inline.iter().map(Held::Known));
        roles.insert(
            (r, a),
            Holdings {
                policies,
                boundary: bound,
            },
        );
    }
    AllHoldings {
        permission_sets,
        roles,
    }
}

/// One warning per customer-managed policy that had to be counted as `admin`.
pub fn unclassified_warnings(mut names: Vec<String>) -> Diagnostics {
    names.sort();
    names.dedup();
    let mut d = Diagnostics::default();
    for name in names {
        d.push(
            Diagnostic::warning(
                "orgc::access::unclassified-policy",
                format!("customer-managed policy `{name}` is counted as `admin` in the access audit: orgc cannot see its content"),
            )
            .with_help(format!("classify it: `managed_policy_levels = {{ {name} = \"read\" }}` in `[organization]` (or \"write\", \"admin\")")),
        );
    }
    d
}
