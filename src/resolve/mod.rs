//! Semantic checks and resolution: merged [`Spec`] → [`Model`].
//!
//! Every rule is one function with its own stable code, documented with what it checks
//! and why. Rules never stop at the first problem: they report into [`Diagnostics`] and
//! resolution carries on with what it can, so one run shows everything. The model is
//! returned only when no rule found an error.

mod accounts;
mod duration;
mod guardrails;
mod identity;
mod names;
mod network;
mod roles;
mod selector;

pub use duration::parse_iso8601_duration;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::parse::{Defined, Spec};
use crate::source::Loc;
use crate::spanned::Spanned;
use crate::suggest;
use std::collections::BTreeMap;

/// Resolve and check the merged spec. `templates` are the names (without extension)
/// of the templates in the policies directory.
pub fn resolve(spec: &Spec, templates: &[String], diags: &mut Diagnostics) -> Option<Model> {
    names::check_all(spec, diags);
    let ctx = Ctx::new(spec, templates);
    let org = accounts::organization(&ctx, diags);
    let ous = accounts::ous(&ctx, diags);
    let accounts = accounts::accounts(&ctx, diags);
    let selectors = selector::Expander::new(spec, &ctx);
    let identity_center = identity::identity_center(&ctx, org.as_ref(), diags);
    let (groups, users) = identity::principals(&ctx);
    let permission_sets = identity::permission_sets(&ctx, org.as_ref(), diags);
    let assignments = identity::assignments(
        &ctx,
        &selectors,
        org.as_ref(),
        identity_center.as_ref(),
        diags,
    );
    let roles = roles::roles(&ctx, &selectors, org.as_ref(), diags);
    let (gateways, spokes) = network::network(&ctx, org.as_ref(), diags);
    let guardrails = guardrails::guardrails(&ctx, &selectors, &spokes, diags);

    if diags.has_errors() {
        return None;
    }
    Some(Model {
        org: org?,
        identity_center,
        ous,
        accounts,
        groups,
        users,
        permission_sets,
        assignments,
        roles,
        gateways,
        spokes,
        guardrails,
    })
}

/// Name → index tables for every kind of entity, and the reference helpers that use them.
pub(crate) struct Ctx<'a> {
    pub spec: &'a Spec,
    pub templates: &'a [String],
    pub accounts: BTreeMap<&'a str, AccountIdx>,
    pub ous: BTreeMap<&'a str, OuIdx>,
    pub groups: BTreeMap<&'a str, GroupIdx>,
    pub users: BTreeMap<&'a str, UserIdx>,
    pub permission_sets: BTreeMap<&'a str, PermissionSetIdx>,
    pub roles: BTreeMap<&'a str, RoleIdx>,
    pub gateways: BTreeMap<&'a str, GatewayIdx>,
    pub spokes: BTreeMap<&'a str, SpokeIdx>,
}

fn index<T>(map: &BTreeMap<String, T>) -> BTreeMap<&str, usize> {
    map.keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect()
}

/// What a reference names, for messages and codes.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Account,
    Ou,
    Group,
    User,
    PermissionSet,
    Role,
    Gateway,
    Spoke,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Account => "orgc::ref::unknown-account",
            Kind::Ou => "orgc::ref::unknown-ou",
            Kind::Group => "orgc::ref::unknown-group",
            Kind::User => "orgc::ref::unknown-user",
            Kind::PermissionSet => "orgc::ref::unknown-permission-set",
            Kind::Role => "orgc::ref::unknown-role",
            Kind::Gateway => "orgc::ref::unknown-transit-gateway",
            Kind::Spoke => "orgc::ref::unknown-spoke",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::Ou => "OU",
            Kind::Group => "group",
            Kind::User => "user",
            Kind::PermissionSet => "permission set",
            Kind::Role => "role",
            Kind::Gateway => "transit gateway",
            Kind::Spoke => "spoke",
        }
    }

    fn section(self) -> &'static str {
        match self {
            Kind::Account => "accounts",
            Kind::Ou => "ous",
            Kind::Group => "groups",
            Kind::User => "users",
            Kind::PermissionSet => "permission_sets",
            Kind::Role => "roles",
            Kind::Gateway => "transit_gateways",
            Kind::Spoke => "spokes",
        }
    }
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a Spec, templates: &'a [String]) -> Self {
        Ctx {
            spec,
            templates,
            accounts: index(&spec.accounts),
            ous: index(&spec.ous),
            groups: index(&spec.groups),
            users: index(&spec.users),
            permission_sets: index(&spec.permission_sets),
            roles: index(&spec.roles),
            gateways: index(&spec.transit_gateways),
            spokes: index(&spec.spokes),
        }
    }

    fn table(&self, kind: Kind) -> &BTreeMap<&'a str, usize> {
        match kind {
            Kind::Account => &self.accounts,
            Kind::Ou => &self.ous,
            Kind::Group => &self.groups,
            Kind::User => &self.users,
            Kind::PermissionSet => &self.permission_sets,
            Kind::Role => &self.roles,
            Kind::Gateway => &self.gateways,
            Kind::Spoke => &self.spokes,
        }
    }

    /// Resolve a reference, reporting an unknown name with the closest existing one.
    ///
    /// Rule `orgc::ref::unknown-*`: every reference must name an entity defined
    /// somewhere in the org. A dangling reference would otherwise compile into an
    /// assignment or route to nothing.
    pub fn lookup(
        &self,
        kind: Kind,
        name: &Spanned<String>,
        loc: Loc,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        let table = self.table(kind);
        if let Some(i) = table.get(name.as_str()) {
            return Some(*i);
        }
        let help = suggest::did_you_mean(name, table.keys().copied()).unwrap_or_else(|| {
            if table.is_empty() {
                format!(
                    "no {} is defined; add a `[{}.{}]` table",
                    kind.noun(),
                    kind.section(),
                    name.value
                )
            } else {
                format!(
                    "define it as `[{}.{}]`, or name an existing {}",
                    kind.section(),
                    name.value,
                    kind.noun()
                )
            }
        });
        diags.push(
            Diagnostic::error(
                kind.code(),
                format!("unknown {} `{}`", kind.noun(), name.value),
            )
            .at_loc(loc)
            .label_primary(format!("no {} has this name", kind.noun()))
            .with_help(help),
        );
        None
    }

    /// Resolve a reference inside an entry.
    pub fn lookup_in<T>(
        &self,
        kind: Kind,
        def: &Defined<T>,
        name: &Spanned<String>,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        self.lookup(kind, name, def.loc(name), diags)
    }

    /// Resolve a list of references, keeping the ones that exist (sorted, unique).
    pub fn lookup_all<T>(
        &self,
        kind: Kind,
        def: &Defined<T>,
        names: &[Spanned<String>],
        diags: &mut Diagnostics,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = names
            .iter()
            .filter_map(|n| self.lookup_in(kind, def, n, diags))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Rule `orgc::ref::unknown-template`: a policy template must exist in the
    /// policies directory as `<name>.json.hbs` or `<name>.json`.
    pub fn template<T>(
        &self,
        def: &Defined<T>,
        name: &Spanned<String>,
        diags: &mut Diagnostics,
    ) -> Option<TemplateRef> {
        if self.templates.iter().any(|t| t == name.as_str()) {
            return Some(TemplateRef {
                template: name.value.clone(),
                loc: def.loc(name),
            });
        }
        let help = suggest::did_you_mean(name, self.templates.iter().map(String::as_str))
            .unwrap_or_else(|| format!("create `policies/{}.json.hbs` (or `.json`)", name.value));
        diags.push(
            Diagnostic::error(
                "orgc::ref::unknown-template",
                format!("unknown policy template `{}`", name.value),
            )
            .at_loc(def.loc(name))
            .label_primary("no template of this name in the policies directory")
            .with_help(help),
        );
        None
    }
}

/// Plain strings out of a spanned string map.
pub(crate) fn plain_map(map: &BTreeMap<String, Spanned<String>>) -> BTreeMap<String, String> {
    map.iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect()
}

/// A length rule on an optional string: `what` (e.g. "description") at most `max`
/// characters.
pub(crate) fn check_length<T>(
    code: &'static str,
    def: &Defined<T>,
    value: Option<&Spanned<String>>,
    what: &str,
    max: usize,
    diags: &mut Diagnostics,
) {
    if let Some(v) = value {
        let n = v.chars().count();
        if n > max {
            diags.push(
                Diagnostic::error(
                    code,
                    format!("{what} is {n} characters long; AWS allows at most {max}"),
                )
                .at_loc(def.loc(v))
                .label_primary(characters(n))
                .with_help(format!("shorten it by {}", characters(n - max))),
            );
        } else if n == 0 {
            diags.push(
                Diagnostic::error(code, format!("{what} is empty"))
                    .at_loc(def.loc(v))
                    .with_help("remove the key, or give it a value"),
            );
        }
    }
}

/// "1 character", "2 characters".
pub(crate) fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".to_string()
    } else {
        format!("{n} characters")
    }
}

/// A region name such as `eu-west-1` or `us-gov-west-1`.
pub(crate) fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
        && parts
            .first()
            .is_some_and(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_lowercase()))
}

/// Rule `orgc::region::invalid`: regions are written as AWS writes them
/// (`eu-west-1`); a typo would put resources in a region that does not exist.
pub(crate) fn check_region<T>(def: &Defined<T>, region: &Spanned<String>, diags: &mut Diagnostics) {
    if !is_region(region) {
        diags.push(
            Diagnostic::error("orgc::region::invalid", format!("`{}` is not an AWS region name", region.value))
                .at_loc(def.loc(region))
                .label_primary("expected a region such as `eu-west-1`")
                .with_help("write the region code as AWS does: `<area>-<direction>-<number>`, e.g. `us-east-1`, `eu-central-1`, `us-gov-west-1`"),
        );
    }
}
