//! The resolved org: every reference turned into an index, every selector expanded into
//! a sorted list of accounts, every CIDR parsed and every duration in seconds. Later
//! stages (compile, audit) read only this; it is built only when the org has no errors.
//!
//! Entities keep the [`Loc`] of their definition so later stages can still point a
//! diagnostic at the TOML.

use crate::source::Loc;
use crate::spec::{AccessLevel, ConditionValue, Internet, Partition};
use ipnet::IpNet;
use std::collections::BTreeMap;

pub type AccountIdx = usize;
pub type OuIdx = usize;
pub type GroupIdx = usize;
pub type UserIdx = usize;
pub type PermissionSetIdx = usize;
pub type RoleIdx = usize;
pub type GatewayIdx = usize;
pub type SpokeIdx = usize;
pub type TableIdx = usize;

#[derive(Debug, Clone)]
pub struct Model {
    pub org: Org,
    pub identity_center: Option<IdentityCenter>,
    /// In name order, as are all entity lists.
    pub ous: Vec<Ou>,
    pub accounts: Vec<Account>,
    pub groups: Vec<Principal>,
    pub users: Vec<Principal>,
    pub permission_sets: Vec<PermissionSet>,
    /// Expanded: one per (principal, permission set, account), sorted, without duplicates.
    pub assignments: Vec<Assignment>,
    pub roles: Vec<Role>,
    pub gateways: Vec<Gateway>,
    pub spokes: Vec<Spoke>,
    pub guardrails: Vec<Guardrail>,
}

#[derive(Debug, Clone)]
pub struct Org {
    pub name: String,
    pub id: Option<String>,
    pub management_account: AccountIdx,
    pub partition: Partition,
    pub home_region: String,
    pub vars: BTreeMap<String, String>,
    pub managed_policy_levels: BTreeMap<String, AccessLevel>,
    pub limits: Limits,
}

/// AWS quotas in force for this org (defaults unless raised).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub managed_policies_per_role: usize,
    pub trust_policy_chars: usize,
    pub permission_sets_per_account: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            managed_policies_per_role: 10,
            trust_policy_chars: 2048,
            permission_sets_per_account: 500,
        }
    }
}

#[derive(Debug, Clone)]
pub struct IdentityCenter {
    pub instance_arn: String,
    pub identity_store_id: String,
    pub region: String,
    pub delegated_admin: Option<AccountIdx>,
}

#[derive(Debug, Clone)]
pub struct Ou {
    pub name: String,
    pub parent: Option<OuIdx>,
    pub description: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub id: String,
    pub email: Option<String>,
    pub ou: Option<OuIdx>,
    pub description: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub vars: BTreeMap<String, String>,
    pub loc: Loc,
}

/// A group or user of the identity store.
#[derive(Debug, Clone)]
pub struct Principal {
    pub name: String,
    /// `display_name` of a group, `user_name` of a user (default: the key).
    pub lookup_name: String,
    pub id: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalRef {
    Group(GroupIdx),
    User(UserIdx),
}

/// A customer-managed policy reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CustomerManaged {
    pub name: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Boundary {
    /// As written: a name, a name with path, or an ARN.
    Managed {
        reference: String,
        loc: Loc,
    },
    CustomerManaged(CustomerManaged),
}

/// A managed-policy reference as the user wrote it, with its place.
#[derive(Debug, Clone)]
pub struct PolicyRef {
    pub reference: String,
    pub loc: Loc,
}

/// A template reference: the template's name and where it was named.
#[derive(Debug, Clone)]
pub struct TemplateRef {
    pub template: String,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct PermissionSet {
    pub name: String,
    pub description: Option<String>,
    /// As written (`PT90M`), and in seconds.
    pub session_duration: String,
    pub session_seconds: u32,
    pub relay_state: Option<String>,
    pub managed_policies: Vec<PolicyRef>,
    pub customer_managed_policies: Vec<CustomerManaged>,
    pub inline_policy: Option<TemplateRef>,
    pub boundary: Option<Boundary>,
    pub tags: BTreeMap<String, String>,
    pub acknowledge: Vec<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Assignment {
    pub account: AccountIdx,
    pub permission_set: PermissionSetIdx,
    pub principal: PrincipalRef,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub path: String,
    pub description: Option<String>,
    /// The accounts the role is created in, sorted.
    pub targets: Vec<AccountIdx>,
    pub max_session_duration: u32,
    pub managed_policies: Vec<PolicyRef>,
    /// Policy name → template.
    pub inline_policies: BTreeMap<String, TemplateRef>,
    pub boundary: Option<Boundary>,
    pub tags: BTreeMap<String, String>,
    pub acknowledge: Vec<String>,
    pub trust: Vec<Trust>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Trust {
    pub principal: TrustPrincipal,
    pub require_mfa: bool,
    pub conditions: BTreeMap<String, BTreeMap<String, ConditionValue>>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustPrincipal {
    /// An org role in these accounts (each among the role's targets).
    Role {
        role: RoleIdx,
        accounts: Vec<AccountIdx>,
    },
    /// The Identity Center roles of a permission set in these accounts.
    PermissionSet {
        permission_set: PermissionSetIdx,
        accounts: Vec<AccountIdx>,
    },
    Service(String),
    External {
        account_id: String,
        external_id: String,
    },
    /// Any principal of an org account that its own IAM allows.
    Account(AccountIdx),
}

#[derive(Debug, Clone)]
pub struct Gateway {
    pub name: String,
    pub account: AccountIdx,
    pub region: String,
    pub asn: Option<i64>,
    pub tables: Vec<RouteTable>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub name: String,
    pub routes: Vec<StaticRoute>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticRoute {
    pub destination: IpNet,
    pub target: RouteTarget,
    /// The route's `{ destination = …, … }` entry.
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTarget {
    Spoke(SpokeIdx),
    Blackhole,
}

#[derive(Debug, Clone)]
pub struct Spoke {
    pub name: String,
    pub account: AccountIdx,
    pub gateway: GatewayIdx,
    pub cidrs: Vec<IpNet>,
    /// Index into the gateway's `tables`.
    pub associate: TableIdx,
    pub propagate: Vec<TableIdx>,
    pub appliance: bool,
    pub internet: Internet,
    pub vpc_routes: Option<Vec<IpNet>>,
    pub loc: Loc,
    /// Where each table of `propagate` is named, in the order of `propagate`.
    pub propagate_locs: Vec<Loc>,
    /// The `internet` value, when written.
    pub internet_loc: Option<Loc>,
}

#[derive(Debug, Clone)]
pub struct Guardrail {
    pub name: String,
    pub description: Option<String>,
    pub rule: GuardrailRule,
    pub loc: Loc,
    /// The rule's value (`deny_network = { … }`).
    pub rule_loc: Loc,
}

#[derive(Debug, Clone)]
pub enum GuardrailRule {
    DenyNetwork {
        from: Vec<AccountIdx>,
        to: Vec<AccountIdx>,
        via: Vec<SpokeIdx>,
    },
    RequireNetwork {
        from: Vec<AccountIdx>,
        to: Vec<AccountIdx>,
        via: Vec<SpokeIdx>,
    },
    DenyAccess {
        to: Vec<AccountIdx>,
        level: AccessLevel,
        except: Vec<PrincipalName>,
    },
    InternetIngress {
        only: Vec<AccountIdx>,
    },
}

/// A principal as guardrails and audits name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalName {
    Group(GroupIdx),
    User(UserIdx),
    Role { role: RoleIdx, account: AccountIdx },
    Account(AccountIdx),
    External(String),
    Service(String),
}

impl Model {
    /// `arn:<partition>`: the start of every ARN this org writes.
    pub fn arn_prefix(&self) -> String {
        format!("arn:{}", self.org.partition.as_str())
    }
}
