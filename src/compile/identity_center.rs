//! Permission sets and account assignments.

use super::lint::{LintCache, Owner, check_acknowledgements};
use super::policies::{
    PolicySources, RenderCache, check_inline_size, managed_arn, managed_arns, org_wide_context,
};
use crate::desired::identity_center::*;
use crate::desired::{CustomerManagedPolicyReference, tags};
use crate::diagnostic::Diagnostics;
use crate::model::{Boundary, CustomerManaged, Model, PrincipalRef};
use crate::policy::PolicyKind;
use crate::source::SourceMap;
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn permission_sets(
    model: &Model,
    policies: &PolicySources,
    lints: &mut LintCache,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Vec<(String, PermissionSetFile)> {
    let instance_arn = model
        .identity_center
        .as_ref()
        .map(|ic| ic.instance_arn.clone())
        .unwrap_or_default();
    let context = crate::policy::TemplateContext::new(org_wide_context(model));
    let mut out = Vec::with_capacity(model.permission_sets.len());
    let mut render_cache = RenderCache::default();
    for ps in &model.permission_sets {
        let mut owner = Owner::new(format!("permission set `{}`", ps.name), &ps.acknowledge);
        let inline = ps.inline_policy.as_ref().and_then(|t| {
            let rendered = policies.render(
                &t.template,
                &context,
                PolicyKind::Identity,
                &t.loc,
                &format_args!("permission set `{}`", ps.name),
                &mut render_cache,
                sources,
                diags,
            )?;
            check_inline_size(
                rendered.size,
                &format_args!("the inline policy of permission set `{}` is", ps.name),
                &t.loc,
                diags,
            );
            policies.lint_rendered(
                &t.template,
                &rendered,
                &t.loc,
                &format_args!("permission set `{}`", ps.name),
                &mut owner,
                lints,
                sources,
                diags,
            );
            Some(PutInlinePolicy {
                template: t.template.clone(),
                inline_policy: rendered.document,
            })
        });
        check_acknowledgements(&owner, &ps.loc, diags);
        let managed: Vec<AttachManagedPolicy> = managed_arns(model, &ps.managed_policies, diags)
            .into_iter()
            .map(|managed_policy_arn| AttachManagedPolicy { managed_policy_arn })
            .collect();
        let mut customer: Vec<AttachCustomerManagedPolicy> = ps
            .customer_managed_policies
            .iter()
            .map(|c| AttachCustomerManagedPolicy {
                customer_managed_policy_reference: reference(c),
            })
            .collect();
        customer.sort();
        customer.dedup();
        let boundary = ps
            .boundary
            .as_ref()
            .and_then(|b| boundary(model, b, diags))
            .map(|permissions_boundary| PutPermissionsBoundary {
                permissions_boundary,
            });
        out.push((
            ps.name.clone(),
            PermissionSetFile {
                create_permission_set: CreatePermissionSet {
                    instance_arn: instance_arn.clone(),
                    name: ps.name.clone(),
                    description: ps.description.clone(),
                    session_duration: ps.session_duration.clone(),
                    relay_state: ps.relay_state.clone(),
                    tags: tags(&ps.tags),
                },
                put_inline_policy_to_permission_set: inline,
                attach_managed_policy_to_permission_set: managed,
                attach_customer_managed_policy_reference_to_permission_set: customer,
                put_permissions_boundary_to_permission_set: boundary,
                acknowledged: ps.acknowledge.clone(),
            },
        ));
    }
    out
}

fn reference(c: &CustomerManaged) -> CustomerManagedPolicyReference {
    CustomerManagedPolicyReference {
        name: c.name.clone(),
        path: c.path.clone(),
    }
}

pub(super) fn boundary(
    model: &Model,
    b: &Boundary,
    diags: &mut Diagnostics,
) -> Option<PermissionsBoundary> {
    match b {
        Boundary::Managed { reference, loc } => {
            managed_arn(model, reference, loc, diags).map(|arn| PermissionsBoundary {
                managed_policy_arn: Some(arn),
                customer_managed_policy_reference: None,
            })
        }
        Boundary::CustomerManaged(c) => Some(PermissionsBoundary {
            managed_policy_arn: None,
            customer_managed_policy_reference: Some(reference(c)),
        }),
    }
}

pub(super) fn assignments(model: &Model) -> AssignmentsFile {
    let instance_arn = model
        .identity_center
        .as_ref()
        .map(|ic| ic.instance_arn.clone())
        .unwrap_or_default();
    let mut required: BTreeMap<usize, BTreeMap<(String, String), BTreeSet<String>>> =
        BTreeMap::new();
    let mut entries = Vec::with_capacity(model.assignments.len());
    for a in &model.assignments {
        let (Some(account), Some(ps)) = (
            model.accounts.get(a.account),
            model.permission_sets.get(a.permission_set),
        ) else {
            continue;
        };
        let (principal_type, principal) = match a.principal {
            PrincipalRef::Group(g) => ("GROUP", model.groups.get(g)),
            PrincipalRef::User(u) => ("USER", model.users.get(u)),
        };
        let Some(principal) = principal else { continue };
        entries.push(CreateAccountAssignment {
            account: account.name.clone(),
            instance_arn: instance_arn.clone(),
            permission_set_name: ps.name.clone(),
            principal_type: principal_type.to_string(),
            principal_id: principal.id.clone(),
            principal_name: principal.lookup_name.clone(),
            target_id: account.id.clone(),
            target_type: "AWS_ACCOUNT".to_string(),
        });
        for c in &ps.customer_managed_policies {
            required
                .entry(a.account)
                .or_default()
                .entry((c.path.clone(), c.name.clone()))
                .or_default()
                .insert(ps.name.clone());
        }
    }
    let required_customer_managed_policies = required
        .into_iter()
        .filter_map(|(i, policies)| {
            let account = model.accounts.get(i)?;
            Some(RequiredPolicies {
                account: account.name.clone(),
                account_id: account.id.clone(),
                policies: policies
                    .into_iter()
                    .map(|((path, name), sets)| RequiredPolicy {
                        name,
                        path,
                        permission_sets: sets.into_iter().collect(),
                    })
                    .collect(),
            })
        })
        .collect();
    AssignmentsFile {
        create_account_assignment: entries,
        required_customer_managed_policies,
    }
}
