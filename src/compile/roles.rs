//! Cross-account roles: one `CreateRole` per (role, target account) with its trust
//! policy, inline policies rendered for that account, and attached managed policies.

use super::lint::{LintCache, Owner, check_acknowledgements, lint_policy};
use super::policies::{
    PolicySources, RenderCache, account_context, check_inline_size, diagnostic, managed_arn,
    managed_arns,
};
use super::trust::{self, trust_policy};
use crate::access::{LevelCache, PolicyFacts};
use crate::desired::iam::*;
use crate::desired::tags;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Boundary, Model, Role, TrustPrincipal};
use crate::policy::check::thousands;
use crate::policy::{PolicyKind, check_document, size_without_whitespace};
use crate::source::{FileId, SourceFile, SourceMap};
use foldhash::HashSet;

/// One role in one account, compiled.
#[derive(Debug, Clone)]
pub struct CompiledRole {
    /// Index of the account in the model.
    pub account: usize,
    /// Index of the role in the model.
    pub role: usize,
    /// The role file (`iam/<account>/roles/<role>.json`) as written, when output was
    /// asked for. The bytes are a fifth of the memory of the typed file, which is
    /// dropped as soon as it is serialised.
    pub file: Option<Box<[u8]>>,
    /// What the access audit needs of the instance's inline policies.
    pub inline: Vec<PolicyFacts>,
}

/// Role instances from which the roles are compiled on two threads. Below it a
/// thread costs more than it saves, and small orgs keep a single, simple order.
const PARALLEL_FROM: usize = 2_000;

pub(super) fn roles(
    model: &Model,
    policies: &PolicySources,
    keep_files: bool,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Vec<CompiledRole> {
    // (account, permission set) of every assignment, asked once per account a
    // permission set is trusted in (a scan of the assignments each time was
    // quadratic: thousands of accounts times hundreds of thousands of assignments).
    let assigned: HashSet<(usize, usize)> = model
        .assignments
        .iter()
        .map(|x| (x.account, x.permission_set))
        .collect();
    let job = Job {
        model,
        policies,
        assigned: &assigned,
        keep_files,
    };
    // Roles are independent: each thread takes the next role when it is done with
    // one (a fixed split left one thread idle for a tenth of the stage), with its own
    // caches and copy of the source map (rendered texts are added to it for
    // diagnostics that need them). Each role's instances, diagnostics and texts are
    // merged in role order, so the result is the same as on one thread.
    let instances: usize = model.roles.iter().map(|r| r.targets.len()).sum();
    let per_chunk = if instances < PARALLEL_FROM {
        model.roles.len()
    } else {
        1
    };
    // The largest roles first, so that no thread is left with a large one at the end.
    let mut indexed: Vec<(usize, &Role)> = model.roles.iter().enumerate().collect();
    indexed.sort_by_key(|&(r, role)| {
        let work = role.targets.len() * (1 + role.inline_policies.len());
        (std::cmp::Reverse(work), r)
    });
    let base: &SourceMap = sources;
    let mut outputs = crate::parallel::map_chunks_with(
        &indexed,
        per_chunk,
        || Worker::new(model, base),
        |worker, part| {
            part.iter()
                .map(|&(r, role)| (r, compile_role(&job, worker, r, role)))
                .collect()
        },
    );
    outputs.sort_unstable_by_key(|(r, _)| *r);
    let mut out = Vec::with_capacity(instances);
    for (_, role) in outputs {
        let moved: foldhash::HashMap<FileId, FileId> = role
            .files
            .into_iter()
            .map(|(id, file)| (id, sources.add(file)))
            .collect();
        diags.extend(
            role.diags
                .into_iter()
                .map(|d| d.remap_files(|id| moved.get(&id).copied().unwrap_or(id))),
        );
        out.extend(role.instances);
    }
    // The model keeps accounts and roles in name order, so this is (account name,
    // role name) order.
    out.sort_unstable_by_key(|r| (r.account, r.role));
    out
}

/// What every thread compiling roles reads.
struct Job<'a> {
    model: &'a Model,
    policies: &'a PolicySources,
    /// (account, permission set) of every assignment.
    assigned: &'a HashSet<(usize, usize)>,
    /// Whether each instance's file is kept (serialised).
    keep_files: bool,
}

/// What one thread keeps from one role to the next.
struct Worker {
    lints: LintCache,
    rendered: RenderCache,
    levels: LevelCache,
    /// Each account's template context, built once however many roles it has.
    contexts: Vec<Option<crate::policy::TemplateContext>>,
    sources: SourceMap,
}

impl Worker {
    fn new(model: &Model, sources: &SourceMap) -> Worker {
        Worker {
            lints: LintCache::default(),
            rendered: RenderCache::default(),
            levels: LevelCache::default(),
            contexts: vec![None; model.accounts.len()],
            sources: sources.clone(),
        }
    }
}

/// One role compiled: its instances, its diagnostics, and the rendered texts they
/// show (by their id in the thread's source map).
struct RoleOutput {
    instances: Vec<CompiledRole>,
    diags: Diagnostics,
    files: Vec<(FileId, SourceFile)>,
}

/// Compile role `r` for every account it targets.
fn compile_role(job: &Job<'_>, worker: &mut Worker, r: usize, role: &Role) -> RoleOutput {
    let before = worker.sources.len();
    let mut diags = Diagnostics::default();
    let instances = role_instances(job, worker, r, role, &mut diags);
    let files = worker
        .sources
        .iter()
        .skip(before)
        .map(|(id, file)| (id, file.clone()))
        .collect();
    RoleOutput {
        instances,
        diags,
        files,
    }
}

/// The instances of role `r`, one per account it targets, with its problems reported
/// into `diags`.
fn role_instances(
    job: &Job<'_>,
    worker: &mut Worker,
    r: usize,
    role: &Role,
    diags: &mut Diagnostics,
) -> Vec<CompiledRole> {
    let &Job {
        model,
        policies,
        assigned,
        keep_files,
    } = job;
    let Worker {
        lints,
        rendered: render_cache,
        levels,
        contexts,
        sources,
    } = worker;
    let mut out = Vec::new();
    let mut owner = Owner::new(format!("role `{}`", role.name), &role.acknowledge);
    // A trust policy names the account it is created in only through service
    // entries (`aws:SourceAccount`). Without them it is the same document in every
    // account: built, serialised, checked and linted once (when building it
    // reported nothing, so no diagnostic is lost by not building it again; checking
    // and linting the same text again would only repeat their findings).
    let same_everywhere = !role
        .trust
        .iter()
        .any(|t| matches!(t.principal, TrustPrincipal::Service(_)));
    let mut shared_trust: Option<(crate::policy::PolicyDocument, String)> = None;
    check_permission_set_trust(model, role, assigned, diags);
    // Resolved once per role: the ARNs do not depend on the account.
    let attached: Vec<AttachRolePolicy> = managed_arns(model, &role.managed_policies, diags)
        .into_iter()
        .map(|policy_arn| AttachRolePolicy { policy_arn })
        .collect();
    let managed_boundary = match &role.boundary {
        Some(Boundary::Managed { reference, loc }) => managed_arn(model, reference, loc, diags),
        _ => None,
    };
    for &a in &role.targets {
        let Some(account) = model.accounts.get(a) else {
            continue;
        };
        let built_now = shared_trust.is_none();
        let fresh = if !built_now {
            None
        } else {
            let before = diags.len();
            let doc = trust_policy(model, role, account, diags);
            let text = serde_json::to_string(&doc).unwrap_or_default();
            if same_everywhere && diags.len() == before {
                shared_trust = Some((doc, text));
                None
            } else {
                Some((doc, text))
            }
        };
        let Some((trust, text)) = fresh.as_ref().or(shared_trust.as_ref()) else {
            continue;
        };
        // An entry that could not be generated has been reported; checking the
        // remainder would only add "empty Statement".
        if built_now && trust.statements().len() == role.trust.len() {
            check_trust(model, role, trust, text, diags);
            // Statement i was generated from trust entry i.
            let mut place = |statement: Option<usize>| {
                let loc = statement
                    .and_then(|i| role.trust.get(i))
                    .map_or_else(|| role.loc.clone(), |t| t.loc.clone());
                Diagnostic::warning("orgc::lint", "")
                    .at_loc(loc)
                    .with_note(format!(
                        "in the trust policy generated for role `{}`",
                        role.name
                    ))
            };
            lint_policy(
                lints,
                trust,
                PolicyKind::Trust,
                text,
                "trust policy",
                &mut owner,
                &mut place,
                diags,
            );
        }
        let Some(context) = contexts.get_mut(a) else {
            continue;
        };
        let context = &*context.get_or_insert_with(|| {
            crate::policy::TemplateContext::new(account_context(model, account))
        });
        let mut inline = Vec::new();
        let mut facts = Vec::new();
        let mut inline_size = 0;
        for (policy_name, t) in &role.inline_policies {
            let Some(rendered) = policies.render(
                &t.template,
                context,
                PolicyKind::Identity,
                &t.loc,
                &format_args!("role `{}` in account `{}`", role.name, account.name),
                render_cache,
                sources,
                diags,
            ) else {
                continue;
            };
            policies.lint_rendered(
                &t.template,
                &rendered,
                &t.loc,
                &format_args!("role `{}` in account `{}`", role.name, account.name),
                &mut owner,
                lints,
                sources,
                diags,
            );
            inline_size += rendered.size;
            facts.push(PolicyFacts::of(policy_name, &rendered.document, levels));
            if !keep_files {
                continue;
            }
            inline.push(PutRolePolicy {
                policy_name: policy_name.clone(),
                template: t.template.clone(),
                policy_document: rendered.document,
            });
        }
        check_inline_size(
            inline_size,
            &format_args!(
                "together, the inline policies of role `{}` in account `{}` are",
                role.name, account.name
            ),
            &role.loc,
            diags,
        );
        if !keep_files {
            out.push(CompiledRole {
                account: a,
                role: r,
                file: None,
                inline: facts,
            });
            continue;
        }
        let permissions_boundary = match &role.boundary {
            Some(Boundary::CustomerManaged(c)) => Some(format!(
                "{}:iam::{}:policy{}{}",
                model.arn_prefix(),
                account.id,
                c.path,
                c.name
            )),
            _ => managed_boundary.clone(),
        };
        let file = RoleFile {
            account: AccountRef {
                name: account.name.clone(),
                id: account.id.clone(),
            },
            create_role: CreateRole {
                role_name: role.name.clone(),
                path: role.path.clone(),
                description: role.description.clone(),
                max_session_duration: role.max_session_duration,
                permissions_boundary,
                tags: tags(&role.tags),
                assume_role_policy_document: trust.clone(),
            },
            put_role_policy: inline,
            attach_role_policy: attached.clone(),
            acknowledged: role.acknowledge.clone(),
        };
        out.push(CompiledRole {
            account: a,
            role: r,
            file: Some(crate::desired::to_json_file(&file).into_boxed_slice()),
            inline: facts,
        });
    }
    check_acknowledgements(&owner, &role.loc, diags);
    out
}

/// Every generated trust policy is checked like any policy before it is written (one
/// that a role shares between its accounts, once).
///
/// Rule `orgc::limit::trust-policy-size`: AWS limits a role trust policy to 2,048
/// characters not counting whitespace (raise `organization.limits.trust_policy_chars`
/// if AWS raised the quota).
fn check_trust(
    model: &Model,
    role: &Role,
    doc: &crate::policy::PolicyDocument,
    text: &str,
    diags: &mut Diagnostics,
) {
    for p in &check_document(doc, trust::KIND).problems {
        diags.push(diagnostic(p).at_loc(role.loc.clone()).with_note(format!(
            "in the trust policy generated for role `{}`",
            role.name
        )));
    }
    let size = size_without_whitespace(text);
    let limit = model.org.limits.trust_policy_chars;
    if size > limit {
        diags.push(
            Diagnostic::error(
                "orgc::limit::trust-policy-size",
                format!(
                    "the trust policy of role `{}` is {} characters long without whitespace; the quota is {}",
                    role.name,
                    thousands(size),
                    thousands(limit)
                ),
            )
            .at_loc(role.loc.clone())
            .with_help("trust fewer accounts per entry (an `account` or OU-wide role), or raise `organization.limits.trust_policy_chars` if AWS raised the quota"),
        );
    }
}

/// Rule `orgc::trust::permission-set-not-assigned` (warning): trusting a permission
/// set in an account where it is never assigned trusts a role that does not exist.
/// Rule `orgc::trust::permission-set-prefix`: the trust pattern
/// `AWSReservedSSO_<set>_*` also matches the roles of a set named `<set>_<more>`, so
/// trusting `<set>` would silently trust that set too.
fn check_permission_set_trust(
    model: &Model,
    role: &Role,
    assigned: &HashSet<(usize, usize)>,
    diags: &mut Diagnostics,
) {
    for t in &role.trust {
        let TrustPrincipal::PermissionSet {
            permission_set,
            accounts,
        } = &t.principal
        else {
            continue;
        };
        let Some(set) = model.permission_sets.get(*permission_set) else {
            continue;
        };
        for &a in accounts {
            if !assigned.contains(&(a, *permission_set))
                && let Some(account) = model.accounts.get(a)
            {
                diags.push(
                    Diagnostic::warning(
                        "orgc::trust::permission-set-not-assigned",
                        format!("permission set `{}` is never assigned in account `{}`", set.name, account.name),
                    )
                    .at_loc(t.loc.clone())
                    .with_help(format!("no Identity Center role of `{}` exists there to assume `{}`; assign the set in `{}` or remove the account", set.name, role.name, account.name)),
                );
            }
        }
        let prefix = format!("{}_", set.name);
        for other in model
            .permission_sets
            .iter()
            .filter(|o| o.name.starts_with(&prefix))
        {
            diags.push(
                Diagnostic::error(
                    "orgc::trust::permission-set-prefix",
                    format!("trusting permission set `{}` would also trust permission set `{}`", set.name, other.name),
                )
                .at_loc(t.loc.clone())
                .with_label(other.loc.clone(), "its roles match the same pattern")
                .with_help(format!("the trust pattern `AWSReservedSSO_{}_*` matches both; rename `{}` so no set's name is another's plus `_`", set.name, other.name)),
            );
        }
    }
}
