//! Generates a realistic org in the v1 format at any scale, in memory: the org's TOML
//! files and its policy templates. Deterministic for a seed.
//!
//! Shape at 5,000 accounts (every count scales with the number of accounts):
//! about 60 OUs three deep (`workloads` → business unit → `prod`/`nonprod`), 300
//! groups, 200 users, 120 permission sets each with its own inline template, about
//! 3,000 assignment blocks that expand to over 150,000 assignments, 40 roles using
//! every trust form with over 60,000 instances, two Transit Gateways (one more per
//! 2,500 accounts) with about 2,500 spokes and 20 route tables each, a few thousand
//! static and blackhole routes, inspection and edge appliances, and guardrails of
//! every kind, built so that they hold:
//!
//! - access: only platform admins hold `admin` in the workloads; in a business unit's
//!   production only its admins (and the release deployer, excepted by name) hold
//!   `write`. Every permission set assigned in production and every role created
//!   there (but the release deployer) allows read and list actions only.
//! - network: a business unit's spokes are on one gateway; a nonprod table blackholes
//!   every prod range of its gateway (and prod every nonprod range), more specific
//!   than the default route to the inspection appliance, so nothing leaks through it;
//!   the platform table learns every spoke and every table learns the platform
//!   spokes, so monitoring reaches every workload in full, both ways.

use super::policies::{self, Cap};
use super::rng::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

pub struct Config {
    pub accounts: usize,
    pub seed: u64,
    /// Percentage of assignment blocks to change (a second version of the same org
    /// for `orgc diff`): each chosen block names another team of its business unit.
    pub change_assignments_percent: f64,
    /// Production spokes of a gateway reach each other through its inspection
    /// appliance (a route for every prod range to the appliance, more specific than
    /// the private ranges' blackholes), as in a hub where production is one segment.
    /// Delivering account pairs then grow with the square of production accounts.
    pub mesh_prod: bool,
}

/// What was generated, counted the way the format counts it. Printed with `--stats`
/// and checked by `tests/generated_org.rs`.
#[allow(dead_code)]
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub ous: usize,
    pub ou_depth: usize,
    pub accounts: usize,
    pub groups: usize,
    pub users: usize,
    pub permission_sets: usize,
    pub templates: usize,
    pub assignment_blocks: usize,
    pub assignments: usize,
    pub roles: usize,
    pub role_instances: usize,
    pub trust_forms: BTreeSet<&'static str>,
    pub gateways: usize,
    pub route_tables: usize,
    pub spokes: usize,
    pub appliances: usize,
    pub static_routes: usize,
    pub blackhole_routes: usize,
    pub propagated_routes: usize,
    pub guardrails: BTreeMap<&'static str, usize>,
}

pub struct Generated {
    /// `(file name, text)` of the org directory.
    pub org: Vec<(String, String)>,
    /// `(file name, text)` of the policies directory.
    pub policies: Vec<(String, String)>,
    pub stats: Stats,
}

const REGIONS: &[&str] = &[
    "eu-west-1",
    "us-east-1",
    "eu-central-1",
    "us-west-2",
    "ap-southeast-2",
    "ap-northeast-1",
    "eu-north-1",
    "ca-central-1",
    "sa-east-1",
    "ap-south-1",
    "eu-west-2",
    "us-east-2",
    "ap-southeast-1",
    "eu-west-3",
    "us-west-1",
    "ap-northeast-2",
];

const BU_WORDS: &[&str] = &[
    "retail",
    "payments",
    "logistics",
    "media",
    "data",
    "mobile",
    "marketplace",
    "ads",
    "travel",
    "health",
    "insurance",
    "banking",
    "gaming",
    "learning",
    "energy",
    "telecom",
];

const TEAM_WORDS: &[&str] = &[
    "core", "web", "apps", "api", "platform", "growth", "search", "checkout", "ml", "ops", "edge",
    "backend",
];

const APP_WORDS: &[&str] = &[
    "orders",
    "catalog",
    "ledger",
    "identity",
    "billing",
    "inventory",
    "shipping",
    "pricing",
    "reviews",
    "notify",
    "analytics",
    "profile",
    "gateway",
    "risk",
    "fraud",
    "loyalty",
    "recs",
    "chat",
    "maps",
    "reports",
    "media",
    "feeds",
    "auth",
    "quotes",
];

const FIRST: &[&str] = &[
    "maria", "james", "aiko", "lena", "omar", "priya", "tomas", "chen", "fatima", "noah", "ines",
    "kofi", "sara", "diego", "anna", "yusuf", "mei", "lucas", "zara", "ivan",
];
const LAST: &[&str] = &[
    "garcia", "smith", "tanaka", "novak", "haddad", "patel", "berg", "wang", "ali", "jones",
    "costa", "mensah", "klein", "rossi", "kim", "okafor", "silva", "dubois", "nagy", "moreau",
];

// ---------------------------------------------------------------------------------
// The org as the generator builds it: plain data, then written out as TOML.
// ---------------------------------------------------------------------------------

struct Ou {
    name: String,
    parent: Option<usize>,
    description: String,
}

struct Account {
    name: String,
    id: String,
    ou: Option<usize>,
    description: Option<String>,
    tags: Vec<(&'static str, String)>,
    vars: Vec<(&'static str, String)>,
}

/// A selector, with the union semantics of the format.
#[derive(Clone, Default)]
struct Sel {
    accounts: Vec<usize>,
    ous: Vec<usize>,
    tags: Vec<(&'static str, String)>,
    all: bool,
    exclude: Vec<usize>,
}

struct PermissionSet {
    name: String,
    description: String,
    session: &'static str,
    managed: Vec<&'static str>,
    customer_managed: Vec<(String, &'static str)>,
    boundary: Option<&'static str>,
    relay_state: Option<String>,
    template: String,
    tags: Vec<(&'static str, String)>,
}

struct Block {
    permission_set: String,
    groups: Vec<String>,
    users: Vec<String>,
    targets: Sel,
    /// The business unit whose team groups may replace `groups[0]` in a changed version.
    team_of_bu: Option<usize>,
}

enum TrustForm {
    Role(&'static str, Vec<usize>),
    PermissionSet(String, Vec<usize>),
    Service(&'static str),
    External(String, String),
    Account(usize),
}

struct Trust {
    form: TrustForm,
    require_mfa: bool,
    condition: Option<String>,
}

struct Role {
    name: String,
    description: String,
    path: Option<&'static str>,
    targets: Sel,
    max_session: Option<u32>,
    managed: Vec<&'static str>,
    inline: Vec<(&'static str, &'static str)>,
    boundary: Option<&'static str>,
    acknowledge: Vec<&'static str>,
    owner: &'static str,
    trust: Vec<Trust>,
}

struct Spoke {
    name: String,
    account: usize,
    cidrs: Vec<(u32, u8)>,
    associate: usize,
    propagate: Vec<usize>,
    appliance: bool,
    internet: Option<&'static str>,
}

enum Target {
    Spoke(String),
    Blackhole,
}

struct Table {
    name: String,
    routes: Vec<((u32, u8), Target)>,
}

struct Gateway {
    name: String,
    account: usize,
    region: &'static str,
    asn: u32,
    tables: Vec<Table>,
    spokes: Vec<Spoke>,
}

enum Guardrail {
    DenyNetwork {
        name: String,
        from: Sel,
        to: Sel,
        via: Vec<String>,
    },
    RequireNetwork {
        name: String,
        from: Sel,
        to: Sel,
    },
    DenyAccess {
        name: String,
        to: Sel,
        level: &'static str,
        except: Vec<String>,
    },
    InternetIngress {
        name: String,
        only: Sel,
    },
}

struct World {
    ous: Vec<Ou>,
    accounts: Vec<Account>,
    /// Accounts in each OU or below it.
    ou_members: Vec<Vec<usize>>,
    tag_index: BTreeMap<(&'static str, String), Vec<usize>>,
}

impl World {
    fn index(&mut self) {
        self.ou_members = vec![Vec::new(); self.ous.len()];
        self.tag_index.clear();
        for (i, a) in self.accounts.iter().enumerate() {
            let mut cur = a.ou;
            while let Some(o) = cur {
                self.ou_members[o].push(i);
                cur = self.ous[o].parent;
            }
            for (k, v) in &a.tags {
                self.tag_index.entry((k, v.clone())).or_default().push(i);
            }
        }
    }

    fn expand(&self, s: &Sel) -> Vec<usize> {
        let mut out: BTreeSet<usize> = BTreeSet::new();
        if s.all {
            out.extend(0..self.accounts.len());
        }
        out.extend(&s.accounts);
        for &o in &s.ous {
            out.extend(&self.ou_members[o]);
        }
        if !s.tags.is_empty() {
            let mut acc: Option<BTreeSet<usize>> = None;
            for (k, v) in &s.tags {
                let set: BTreeSet<usize> = self
                    .tag_index
                    .get(&(*k, v.clone()))
                    .map(|v| v.iter().copied().collect())
                    .unwrap_or_default();
                acc = Some(match acc {
                    None => set,
                    Some(a) => a.intersection(&set).copied().collect(),
                });
            }
            out.extend(acc.unwrap_or_default());
        }
        for e in &s.exclude {
            out.remove(e);
        }
        out.into_iter().collect()
    }

    fn toml(&self, s: &Sel) -> String {
        let mut parts = Vec::new();
        let names = |v: &[usize], f: &dyn Fn(usize) -> String| {
            v.iter().map(|&i| q(&f(i))).collect::<Vec<_>>().join(", ")
        };
        if !s.accounts.is_empty() {
            parts.push(format!(
                "accounts = [{}]",
                names(&s.accounts, &|i| self.accounts[i].name.clone())
            ));
        }
        if !s.ous.is_empty() {
            parts.push(format!(
                "ous = [{}]",
                names(&s.ous, &|i| self.ous[i].name.clone())
            ));
        }
        if !s.tags.is_empty() {
            let t: Vec<String> = s
                .tags
                .iter()
                .map(|(k, v)| format!("{k} = {}", q(v)))
                .collect();
            parts.push(format!("tags = {{ {} }}", t.join(", ")));
        }
        if s.all {
            parts.push("all = true".into());
        }
        if !s.exclude.is_empty() {
            parts.push(format!(
                "exclude = [{}]",
                names(&s.exclude, &|i| self.accounts[i].name.clone())
            ));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

/// A TOML basic string.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A TOML key: bare when it can be.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        q(s)
    }
}

fn scaled(base: f64, f: f64, min: usize) -> usize {
    ((base * f).round() as usize).max(min)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn cidr_text((addr, len): (u32, u8)) -> String {
    format!(
        "{}.{}.{}.{}/{len}",
        addr >> 24,
        (addr >> 16) & 255,
        (addr >> 8) & 255,
        addr & 255
    )
}

/// The fewest prefixes that cover exactly the addresses `[start, end)`.
fn cover(mut start: u64, end: u64) -> Vec<(u32, u8)> {
    let mut out = Vec::new();
    while start < end {
        let mut size: u64 = if start == 0 {
            1 << 32
        } else {
            1 << start.trailing_zeros().min(32)
        };
        while start + size > end {
            size >>= 1;
        }
        out.push((start as u32, (32 - size.trailing_zeros()) as u8));
        start += size;
    }
    out
}

/// A global permission set kept only at larger scales: name, description, session,
/// managed policies, inline statements, and whether it writes.
type OptionalSet = (
    &'static str,
    &'static str,
    &'static str,
    Vec<&'static str>,
    Vec<Cap>,
    bool,
);

/// The address space of one gateway, handed out in aligned blocks of /24s.
struct Space {
    cursor: u64,
    limit: u64,
}

impl Space {
    fn alloc(&mut self, units: u64) -> Result<(u32, u8), String> {
        let size = units * 256;
        self.cursor = self.cursor.div_ceil(size) * size;
        let start = self.cursor;
        self.cursor += size;
        if self.cursor > self.limit {
            return Err("a gateway's /12 is full: too many spokes on one gateway".into());
        }
        Ok((start as u32, (32 - size.trailing_zeros()) as u8))
    }
}

/// One business unit: its OUs, accounts by tier, teams.
struct Bu {
    name: String,
    /// Capitalised, for permission set names.
    cap: String,
    ou: usize,
    prod_ou: usize,
    nonprod_ou: usize,
    gateway: usize,
    prod: Vec<usize>,
    nonprod: Vec<usize>,
    teams: Vec<String>,
}

pub fn generate(cfg: &Config) -> Result<Generated, String> {
    let n = cfg.accounts;
    if n < 40 {
        return Err("--accounts must be at least 40".into());
    }
    let f = n as f64 / 5000.0;
    let mut rng = Rng::new(cfg.seed);
    let gateways_n = n.div_ceil(2500).max(2);
    if gateways_n > REGIONS.len() {
        return Err(format!(
            "at most {} accounts: one gateway per 2,500 accounts, one region per gateway",
            REGIONS.len() * 2500
        ));
    }
    // Business units: 16 at 5,000 accounts; at most 8 per gateway (20 route tables).
    let bus_n = scaled(16.0, f, 2).min(8 * gateways_n);
    let regions: Vec<&'static str> = REGIONS[..gateways_n].to_vec();

    let mut w = World {
        ous: Vec::new(),
        accounts: Vec::new(),
        ou_members: Vec::new(),
        tag_index: BTreeMap::new(),
    };
    let ou = |w: &mut World, name: &str, parent: Option<usize>, description: &str| {
        w.ous.push(Ou {
            name: name.to_string(),
            parent,
            description: description.to_string(),
        });
        w.ous.len() - 1
    };
    let ou_security = ou(
        &mut w,
        "security",
        None,
        "Security tooling and the log archive.",
    );
    let ou_infra = ou(
        &mut w,
        "infrastructure",
        None,
        "Platform accounts every workload depends on.",
    );
    let ou_network = ou(
        &mut w,
        "network",
        Some(ou_infra),
        "Network hubs: Transit Gateways and appliances.",
    );
    let ou_shared = ou(
        &mut w,
        "shared",
        Some(ou_infra),
        "Shared services and monitoring.",
    );
    let ou_workloads = ou(
        &mut w,
        "workloads",
        None,
        "Accounts that run the products, by business unit.",
    );
    let ou_sandbox = ou(&mut w, "sandbox", None, "Experiments; no production data.");
    let ou_sb_people = ou(
        &mut w,
        "sandbox-individual",
        Some(ou_sandbox),
        "One sandbox per engineer.",
    );
    let ou_sb_teams = ou(&mut w, "sandbox-team", Some(ou_sandbox), "Team sandboxes.");
    let ou_suspended = ou(&mut w, "suspended", None, "Accounts being closed.");
    ou(
        &mut w,
        "policy-staging",
        None,
        "Where new service control policies are tried.",
    );
    ou(
        &mut w,
        "transitional",
        None,
        "Accounts joining from acquisitions.",
    );
    let ou_exceptions = ou(
        &mut w,
        "exceptions",
        Some(ou_workloads),
        "Workloads with approved exceptions.",
    );
    let _ = ou_exceptions;

    // --- accounts ---------------------------------------------------------------
    let id_offset = (cfg.seed % 1_000_003) * 977;
    let push_account = |w: &mut World,
                        name: String,
                        ou: Option<usize>,
                        tags: Vec<(&'static str, String)>,
                        description: Option<String>| {
        let i = w.accounts.len() as u64;
        let id = 100_000_000_000 + (i * 7_919_033 + id_offset) % 800_000_000_000;
        w.accounts.push(Account {
            name,
            id: format!("{id:012}"),
            ou,
            description,
            tags,
            vars: Vec::new(),
        });
        w.accounts.len() - 1
    };
    let plat = |env: &str, owner: &str, cc: &str, tier: &str| {
        vec![
            ("environment", env.to_string()),
            ("tier", tier.to_string()),
            ("owner", owner.to_string()),
            ("cost-center", cc.to_string()),
        ]
    };
    let management = push_account(
        &mut w,
        "management".into(),
        None,
        plat("management", "platform", "cc-1000", "management"),
        Some("Organisation management account: billing and Organizations only.".into()),
    );
    let security = push_account(
        &mut w,
        "security".into(),
        Some(ou_security),
        plat("security", "security", "cc-2000", "security"),
        Some("Security tooling and Identity Center delegated administrator.".into()),
    );
    let log_archive = push_account(
        &mut w,
        "log-archive".into(),
        Some(ou_security),
        plat("security", "security", "cc-2000", "security"),
        Some("Immutable CloudTrail, Config and flow-log archive.".into()),
    );
    let audit = push_account(
        &mut w,
        "audit".into(),
        Some(ou_security),
        plat("security", "security", "cc-2000", "security"),
        Some("Inventory and compliance reporting.".into()),
    );
    let mut network_acct = Vec::new();
    let mut shared_acct = Vec::new();
    let mut monitoring_acct = Vec::new();
    for r in &regions {
        network_acct.push(push_account(
            &mut w,
            format!("network-{r}"),
            Some(ou_network),
            plat("infrastructure", "network", "cc-1100", "platform"),
            Some(format!(
                "Network hub of {r}: the Transit Gateway and the inspection VPC."
            )),
        ));
        shared_acct.push(push_account(
            &mut w,
            format!("shared-services-{r}"),
            Some(ou_shared),
            plat("infrastructure", "platform", "cc-1100", "platform"),
            Some(format!("CI/CD runners and registries of {r}.")),
        ));
        monitoring_acct.push(push_account(
            &mut w,
            format!("monitoring-{r}"),
            Some(ou_shared),
            plat("infrastructure", "sre", "cc-1200", "platform"),
            Some(format!(
                "Observability of {r}: must reach every workload there."
            )),
        ));
    }
    let suspended_n = scaled(20.0, f, 1);
    for i in 0..suspended_n {
        push_account(
            &mut w,
            format!("suspended-{i:04}"),
            Some(ou_suspended),
            plat("suspended", "platform", "cc-1000", "suspended"),
            None,
        );
    }
    let sandbox_n = scaled(500.0, f, 2);
    let mut sandboxes = Vec::new();
    for i in 0..sandbox_n {
        let team = i % 5 == 0;
        let person = format!("{}-{}", rng.pick(FIRST), rng.pick(LAST));
        let name = if team {
            format!("sandbox-team-{i:04}")
        } else {
            format!("sandbox-{person}-{i:04}")
        };
        sandboxes.push(push_account(
            &mut w,
            name,
            Some(if team { ou_sb_teams } else { ou_sb_people }),
            plat("sandbox", "engineering", "cc-4000", "sandbox"),
            None,
        ));
    }
    let fixed = w.accounts.len();
    if fixed + bus_n * 2 > n {
        return Err("too few accounts for the fixed part of the org".into());
    }
    let workload_n = n - fixed;
    let mut bus: Vec<Bu> = Vec::new();
    for b in 0..bus_n {
        let word = BU_WORDS[b % BU_WORDS.len()];
        let name = if b < BU_WORDS.len() {
            word.to_string()
        } else {
            format!("{word}{}", b / BU_WORDS.len() + 1)
        };
        let bu_ou = ou(
            &mut w,
            &name,
            Some(ou_workloads),
            &format!("Business unit {name}."),
        );
        let prod_ou = ou(
            &mut w,
            &format!("{name}-prod"),
            Some(bu_ou),
            &format!("Production of {name}: only its admins change it."),
        );
        let nonprod_ou = ou(
            &mut w,
            &format!("{name}-nonprod"),
            Some(bu_ou),
            &format!("Development, testing and staging of {name}."),
        );
        let size = workload_n / bus_n + usize::from(b < workload_n % bus_n);
        let teams_n = (size / 23).clamp(1, TEAM_WORDS.len());
        let teams: Vec<String> = TEAM_WORDS[..teams_n]
            .iter()
            .map(|t| format!("{name}-{t}"))
            .collect();
        bus.push(Bu {
            cap: capitalised(&name),
            name,
            ou: bu_ou,
            prod_ou,
            nonprod_ou,
            gateway: b * gateways_n / bus_n,
            prod: Vec::new(),
            nonprod: Vec::new(),
            teams,
        });
        let prod_n = (size * 2 / 5).max(1);
        for k in 0..size {
            let is_prod = k < prod_n;
            let team = k % bus[b].teams.len();
            let app = rng.pick(APP_WORDS);
            let (env, short) = if is_prod {
                ("production", "prod")
            } else {
                match (k - prod_n) % 4 {
                    0 | 1 => ("development", "dev"),
                    2 => ("testing", "test"),
                    _ => ("staging", "stg"),
                }
            };
            let serial = w.accounts.len();
            let bu = &bus[b];
            let team_name = bu.teams[team].clone();
            let name = format!("{}-{app}-{short}-{serial:04}", team_name);
            let mut tags = vec![
                ("environment", env.to_string()),
                ("tier", if is_prod { "prod" } else { "nonprod" }.to_string()),
                ("bu", bu.name.clone()),
                ("team", team_name),
                ("owner", format!("{}-engineering", bu.name)),
                ("cost-center", format!("cc-{}", 3000 + b)),
            ];
            if is_prod && rng.chance(0.3) {
                tags.push(("data-classification", "confidential".into()));
            }
            // The release deployer writes to a few production accounts, on purpose.
            let release = is_prod && (k == 0 && b == 0 || rng.chance(0.02));
            if release {
                tags.push(("release", "managed".into()));
            }
            let description = rng
                .chance(0.5)
                .then(|| format!("{} {app} service, {env}.", capitalised(&bu.name)));
            let ou_idx = if is_prod { bu.prod_ou } else { bu.nonprod_ou };
            let i = push_account(&mut w, name, Some(ou_idx), tags, description);
            if rng.chance(0.2) {
                w.accounts[i]
                    .vars
                    .push(("ecs_cluster", format!("{app}-{short}")));
            }
            if rng.chance(0.1) {
                w.accounts[i].vars.push(("app_name", app.to_string()));
            }
            if is_prod {
                bus[b].prod.push(i);
            } else {
                bus[b].nonprod.push(i);
            }
        }
    }
    w.index();
    let all_but_management = Sel {
        all: true,
        exclude: vec![management],
        ..Sel::default()
    };
    let acct_names = |w: &World, v: &[usize]| -> Vec<String> {
        v.iter().map(|&i| w.accounts[i].name.clone()).collect()
    };
    let _ = acct_names;

    // --- groups and users -------------------------------------------------------
    let mut groups: Vec<(String, String)> = [
        (
            "platform-admins",
            "Platform team: administers every member account.",
        ),
        (
            "security-admins",
            "Security engineering: administers the security accounts.",
        ),
        ("security-ops", "Security operations: triage findings."),
        (
            "network-admins",
            "Network engineering: gateways, routes, appliances.",
        ),
        (
            "auditors",
            "Internal audit and compliance: read-only security view.",
        ),
        ("finops", "Cost management."),
        (
            "support",
            "Customer support engineers: read-only diagnostics.",
        ),
        (
            "cloud-readers",
            "Read-only access for architects and reviewers.",
        ),
        ("data-platform", "Data platform engineers."),
        ("sre-central", "Central site reliability engineering."),
        ("incident-response", "On-call incident responders."),
        ("sandbox-users", "Everyone with a sandbox."),
    ]
    .iter()
    .map(|(g, d)| (g.to_string(), d.to_string()))
    .collect();
    for bu in &bus {
        for (suffix, what) in [
            ("admins", "administer"),
            ("sre", "operate"),
            ("developers", "develop in"),
            ("qa", "test in"),
            ("readers", "read"),
            ("finops", "review the costs of"),
        ] {
            groups.push((
                format!("{}-{suffix}", bu.name),
                format!("People who {what} business unit {}.", bu.name),
            ));
        }
        for t in &bu.teams {
            groups.push((format!("{t}-engineers"), format!("Engineers of team {t}.")));
        }
    }
    let users_n = scaled(200.0, f, 4);
    let mut users: Vec<(String, String)> = vec![
        (
            "breakglass-1".into(),
            "Break-glass administrator, credentials in the safe.".into(),
        ),
        (
            "breakglass-2".into(),
            "Second break-glass administrator.".into(),
        ),
    ];
    for i in 2..users_n {
        let u = format!("{}.{}{}", rng.pick(FIRST), rng.pick(LAST), i);
        users.push((u, "Named access outside the groups.".into()));
    }

    // --- permission sets --------------------------------------------------------
    let mut sets: Vec<PermissionSet> = Vec::new();
    let mut templates: Vec<(String, String)> = Vec::new();
    let mut customer_managed_levels: Vec<String> = Vec::new();
    let add_set = |sets: &mut Vec<PermissionSet>,
                   templates: &mut Vec<(String, String)>,
                   name: String,
                   description: String,
                   session: &'static str,
                   managed: Vec<&'static str>,
                   caps: Vec<Cap>,
                   bu: &str| {
        let template = format!("ps-{}", name.to_ascii_lowercase());
        templates.push((template.clone(), policies::template(&caps, bu)));
        sets.push(PermissionSet {
            name,
            description,
            session,
            managed,
            customer_managed: Vec::new(),
            boundary: None,
            relay_state: None,
            template,
            tags: Vec::new(),
        });
        sets.len() - 1
    };
    let read = |names: &[&str]| -> Vec<Cap> {
        names
            .iter()
            .filter_map(|n| policies::READ.iter().find(|c| c.sid == *n).cloned())
            .collect()
    };
    let write = |names: &[&str]| -> Vec<Cap> {
        names
            .iter()
            .filter_map(|n| policies::WRITE.iter().find(|c| c.sid == *n).cloned())
            .collect()
    };
    let platform = "platform";
    let g = |sets: &mut Vec<PermissionSet>,
             templates: &mut Vec<(String, String)>,
             name: &str,
             d: &str,
             s: &'static str,
             m: Vec<&'static str>,
             caps: Vec<Cap>| {
        add_set(sets, templates, name.into(), d.into(), s, m, caps, platform)
    };
    let ps_admin = g(
        &mut sets,
        &mut templates,
        "AdministratorAccess",
        "Full administrator; short sessions.",
        "PT1H",
        vec!["AdministratorAccess"],
        vec![policies::DENY_TAMPERING],
    );
    sets[ps_admin].tags.push(("risk", "high".into()));
    let ps_readonly = g(
        &mut sets,
        &mut templates,
        "ReadOnly",
        "Read every resource except sensitive data.",
        "PT12H",
        vec!["ReadOnlyAccess"],
        vec![policies::DENY_SENSITIVE_DATA],
    );
    sets[ps_readonly].relay_state =
        Some("https://console.aws.amazon.com/cloudwatch/home#dashboards:".into());
    let ps_auditor = g(
        &mut sets,
        &mut templates,
        "SecurityAuditor",
        "Read security configuration.",
        "PT8H",
        vec!["SecurityAudit", "job-function/ViewOnlyAccess"],
        read(&["ReadHealth"]),
    );
    let ps_secops = g(
        &mut sets,
        &mut templates,
        "SecurityOps",
        "Triage security findings.",
        "PT4H",
        vec!["SecurityAudit"],
        write(&["PublishEvents"]),
    );
    let ps_netadmin = g(
        &mut sets,
        &mut templates,
        "NetworkAdmin",
        "Operate gateways and appliances.",
        "PT4H",
        vec!["job-function/NetworkAdministrator"],
        read(&["ReadLoadBalancers"]),
    );
    let ps_platop = g(
        &mut sets,
        &mut templates,
        "PlatformOperator",
        "Operate platform accounts.",
        "PT8H",
        vec!["PowerUserAccess"],
        vec![policies::DENY_REGION],
    );
    let ps_finops = g(
        &mut sets,
        &mut templates,
        "FinOps",
        "Read costs and usage.",
        "PT12H",
        vec![],
        read(&["ReadMetrics", "ReadHealth"]),
    );
    sets[ps_finops]
        .customer_managed
        .push(("finops-reporting".into(), "/finops/"));
    customer_managed_levels.push("finops-reporting".into());
    let ps_support = g(
        &mut sets,
        &mut templates,
        "SupportUser",
        "Open and read support cases.",
        "PT8H",
        vec!["job-function/SupportUser"],
        read(&["ReadHealth"]),
    );
    let ps_viewonly = g(
        &mut sets,
        &mut templates,
        "ViewOnly",
        "See what exists, read no data.",
        "PT12H",
        vec!["job-function/ViewOnlyAccess"],
        read(&["ReadMetrics"]),
    );
    let ps_sandbox = g(
        &mut sets,
        &mut templates,
        "SandboxPowerUser",
        "Power user in sandboxes.",
        "PT8H",
        vec!["PowerUserAccess"],
        vec![policies::DENY_LARGE_INSTANCES],
    );
    sets[ps_sandbox].boundary = Some("PowerUserAccess");
    let ps_datareader = g(
        &mut sets,
        &mut templates,
        "DataPlatformReader",
        "Query shared datasets.",
        "PT8H",
        vec![],
        read(&["ReadQueries", "ReadCatalog", "ReadStreams"]),
    );
    let ps_incident = g(
        &mut sets,
        &mut templates,
        "IncidentResponder",
        "Investigate incidents.",
        "PT4H",
        vec!["SecurityAudit"],
        read(&["ReadLogs", "ReadTraces"]),
    );
    let optional: Vec<OptionalSet> = vec![
        (
            "DatabaseAdmin",
            "Operate databases in nonprod.",
            "PT4H",
            vec!["job-function/DatabaseAdministrator"],
            read(&["ReadDatabases"]),
            true,
        ),
        (
            "SystemAdmin",
            "Operate platform hosts.",
            "PT4H",
            vec!["job-function/SystemAdministrator"],
            vec![policies::DENY_REGION],
            true,
        ),
        (
            "DataScientist",
            "Experiment with data in sandboxes.",
            "PT8H",
            vec!["job-function/DataScientist"],
            write(&["RunQueries"]),
            true,
        ),
        (
            "LogArchiveReader",
            "Read the log archive.",
            "PT8H",
            vec![],
            read(&["ListArtifacts", "ReadArtifacts"]),
            false,
        ),
        (
            "ComplianceReviewer",
            "Review compliance evidence.",
            "PT8H",
            vec!["SecurityAudit"],
            read(&["ReadStacks"]),
            false,
        ),
        (
            "CloudOpsReader",
            "Read operational telemetry.",
            "PT12H",
            vec![],
            read(&["ReadMetrics", "ReadTraces", "ReadHealth"]),
            false,
        ),
        (
            "ReleaseManager",
            "Run release pipelines.",
            "PT4H",
            vec![],
            write(&["StartPipelines"]),
            true,
        ),
        (
            "ObservabilityAdmin",
            "Operate the monitoring accounts.",
            "PT8H",
            vec!["job-function/ViewOnlyAccess"],
            write(&["PublishEvents"]),
            true,
        ),
        (
            "EksViewer",
            "Read Kubernetes clusters.",
            "PT8H",
            vec![],
            read(&["ReadClusters"]),
            false,
        ),
        (
            "BackupAuditor",
            "Read backup state.",
            "PT8H",
            vec![],
            read(&["ReadDatabases", "ReadCaches"]),
            false,
        ),
        (
            "FunctionsViewer",
            "Read functions.",
            "PT8H",
            vec![],
            read(&["ReadFunctions"]),
            false,
        ),
        (
            "PipelineViewer",
            "Read pipelines.",
            "PT8H",
            vec![],
            read(&["ReadPipelines"]),
            false,
        ),
    ];
    let optional_n = scaled(12.0, f, 3).min(optional.len());
    // Optional global sets: the writers go to the platform accounts, the readers everywhere.
    let mut optional_sets: Vec<(usize, bool)> = Vec::new();
    for (name, d, s, m, caps, writes) in optional.into_iter().take(optional_n) {
        let i = g(&mut sets, &mut templates, name, d, s, m, caps);
        optional_sets.push((i, writes));
    }
    // Six sets per business unit.
    struct BuSets {
        admin: usize,
        developer: usize,
        qa: usize,
        reader: usize,
        oncall: usize,
        analyst: usize,
    }
    let mut bu_sets = Vec::new();
    for bu in &bus {
        let reads: Vec<Cap> = rng.sample(policies::READ, 4);
        let writes: Vec<Cap> = rng.sample(policies::WRITE, 3);
        let mut dev = rng.sample(policies::READ, 2);
        dev.extend(writes.iter().cloned());
        dev.retain({
            let mut seen = BTreeSet::new();
            move |c: &Cap| seen.insert(c.sid)
        });
        let mut dev_caps = dev.clone();
        dev_caps.push(policies::DENY_REGION);
        let admin = add_set(
            &mut sets,
            &mut templates,
            format!("{}Admin", bu.cap),
            format!("Administer business unit {} (no IAM).", bu.name),
            "PT2H",
            vec!["PowerUserAccess"],
            write(&["ManageStacks", "ScaleOwnGroups"]),
            &bu.name,
        );
        let developer = add_set(
            &mut sets,
            &mut templates,
            format!("{}Developer", bu.cap),
            format!("Develop in the nonprod accounts of {}.", bu.name),
            "PT8H",
            vec!["job-function/ViewOnlyAccess"],
            dev_caps,
            &bu.name,
        );
        sets[developer].boundary = Some("PowerUserAccess");
        let qa = add_set(
            &mut sets,
            &mut templates,
            format!("{}Qa", bu.cap),
            format!("Run and debug tests of {}.", bu.name),
            "PT8H",
            vec![],
            {
                let mut c = read(&["ReadLogs", "ReadFunctions"]);
                c.extend(write(&["DeployFunctions", "WriteTables"]));
                c
            },
            &bu.name,
        );
        let reader = add_set(
            &mut sets,
            &mut templates,
            format!("{}Reader", bu.cap),
            format!("Read business unit {}.", bu.name),
            "PT12H",
            vec!["ReadOnlyAccess"],
            reads.clone(),
            &bu.name,
        );
        let cm = format!("{}-data-read", bu.name);
        sets[reader].customer_managed.push((cm.clone(), "/bu/"));
        customer_managed_levels.push(cm);
        let oncall = add_set(
            &mut sets,
            &mut templates,
            format!("{}OnCall", bu.cap),
            format!("Diagnose incidents in {}.", bu.name),
            "PT4H",
            vec!["job-function/ViewOnlyAccess"],
            read(&["ReadLogs", "ReadMetrics", "ReadTraces", "ReadServices"]),
            &bu.name,
        );
        let analyst = add_set(
            &mut sets,
            &mut templates,
            format!("{}Analyst", bu.cap),
            format!("Analyse the data of {}.", bu.name),
            "PT8H",
            vec![],
            read(&["ReadQueries", "ReadCatalog", "ReadTables"]),
            &bu.name,
        );
        sets[admin].tags.push(("bu", bu.name.clone()));
        bu_sets.push(BuSets {
            admin,
            developer,
            qa,
            reader,
            oncall,
            analyst,
        });
    }

    // --- assignments ------------------------------------------------------------
    let mut blocks: Vec<Block> = Vec::new();
    let block = |blocks: &mut Vec<Block>,
                 w: &World,
                 ps: usize,
                 groups: Vec<String>,
                 users: Vec<String>,
                 targets: Sel,
                 team_of_bu: Option<usize>| {
        if !w.expand(&targets).is_empty() {
            blocks.push(Block {
                permission_set: sets[ps].name.clone(),
                groups,
                users,
                targets,
                team_of_bu,
            });
        }
    };
    let gs = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
    let ous = |v: &[usize]| Sel {
        ous: v.to_vec(),
        ..Sel::default()
    };
    let tags = |v: &[(&'static str, &str)]| Sel {
        tags: v.iter().map(|(k, x)| (*k, x.to_string())).collect(),
        ..Sel::default()
    };
    let accts = |v: &[usize]| Sel {
        accounts: v.to_vec(),
        ..Sel::default()
    };
    block(
        &mut blocks,
        &w,
        ps_admin,
        gs(&["platform-admins"]),
        vec![],
        all_but_management.clone(),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_admin,
        vec![],
        gs(&["breakglass-1", "breakglass-2"]),
        accts(&[security]),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_admin,
        gs(&["security-admins"]),
        vec![],
        ous(&[ou_security]),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_readonly,
        gs(&["cloud-readers"]),
        vec![],
        all_but_management.clone(),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_auditor,
        gs(&["auditors", "security-ops"]),
        vec![],
        all_but_management.clone(),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_secops,
        gs(&["security-ops"]),
        vec![],
        ous(&[ou_security]),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_netadmin,
        gs(&["network-admins"]),
        vec![],
        ous(&[ou_infra]),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_platop,
        gs(&["sre-central", "platform-admins"]),
        vec![],
        ous(&[ou_infra]),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_finops,
        gs(&["finops"]),
        vec![],
        all_but_management.clone(),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_support,
        gs(&["support"]),
        vec![],
        all_but_management.clone(),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_viewonly,
        gs(&["sre-central", "incident-response"]),
        vec![],
        all_but_management.clone(),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_sandbox,
        gs(&["sandbox-users"]),
        vec![],
        ous(&[ou_sandbox]),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_datareader,
        gs(&["data-platform"]),
        vec![],
        ous(&[ou_workloads]),
        None,
    );
    block(
        &mut blocks,
        &w,
        ps_incident,
        gs(&["incident-response"]),
        vec![],
        all_but_management.clone(),
        None,
    );
    for &(i, writes) in &optional_sets {
        let (g, targets) = if writes {
            if sets[i].name == "DataScientist" {
                ("data-platform", ous(&[ou_sandbox]))
            } else if sets[i].name == "DatabaseAdmin" {
                ("sre-central", tags(&[("tier", "nonprod")]))
            } else {
                ("sre-central", ous(&[ou_infra]))
            }
        } else if sets[i].name == "LogArchiveReader" {
            ("auditors", accts(&[log_archive]))
        } else {
            ("cloud-readers", all_but_management.clone())
        };
        block(&mut blocks, &w, i, gs(&[g]), vec![], targets, None);
    }
    // Users: named access to a few accounts of their business unit (read sets only
    // where production is involved).
    let mut user_bu = Vec::new();
    for (u, _) in users.iter().skip(2) {
        let b = rng.below(bus.len());
        user_bu.push((u.clone(), b));
    }
    for (b, bu) in bus.iter().enumerate() {
        let s = &bu_sets[b];
        let n = |x: &str| format!("{}-{x}", bu.name);
        block(
            &mut blocks,
            &w,
            s.admin,
            vec![n("admins")],
            vec![],
            ous(&[bu.ou]),
            None,
        );
        block(
            &mut blocks,
            &w,
            s.reader,
            vec![n("readers"), n("sre"), n("developers"), n("qa")],
            vec![],
            ous(&[bu.prod_ou]),
            None,
        );
        block(
            &mut blocks,
            &w,
            s.developer,
            vec![n("developers")],
            vec![],
            ous(&[bu.nonprod_ou]),
            None,
        );
        block(
            &mut blocks,
            &w,
            s.oncall,
            vec![n("sre")],
            vec![],
            ous(&[bu.ou]),
            None,
        );
        block(
            &mut blocks,
            &w,
            s.qa,
            vec![n("qa")],
            vec![],
            tags(&[("bu", &bu.name), ("environment", "testing")]),
            None,
        );
        block(
            &mut blocks,
            &w,
            s.qa,
            vec![n("qa")],
            vec![],
            tags(&[("bu", &bu.name), ("environment", "staging")]),
            None,
        );
        block(
            &mut blocks,
            &w,
            s.analyst,
            vec![n("finops"), n("readers")],
            vec![],
            ous(&[bu.ou]),
            None,
        );
        block(
            &mut blocks,
            &w,
            ps_finops,
            vec![n("finops")],
            vec![],
            ous(&[bu.ou]),
            None,
        );
        block(
            &mut blocks,
            &w,
            ps_sandbox,
            vec![n("developers")],
            vec![],
            ous(&[ou_sandbox]),
            None,
        );
        let leads: Vec<String> = user_bu
            .iter()
            .filter(|(_, ub)| *ub == b)
            .take(3)
            .map(|(u, _)| u.clone())
            .collect();
        if !leads.is_empty() {
            block(
                &mut blocks,
                &w,
                s.reader,
                vec![],
                leads,
                ous(&[bu.ou]),
                None,
            );
        }
        for t in &bu.teams {
            let team = format!("{t}-engineers");
            let tm = |extra: &[(&'static str, &str)]| {
                let mut v: Vec<(&'static str, &str)> = vec![("team", t.as_str())];
                v.extend_from_slice(extra);
                tags(&v)
            };
            block(
                &mut blocks,
                &w,
                s.developer,
                vec![team.clone()],
                vec![],
                tm(&[("tier", "nonprod")]),
                Some(b),
            );
            block(
                &mut blocks,
                &w,
                s.reader,
                vec![team.clone()],
                vec![],
                tm(&[("tier", "prod")]),
                Some(b),
            );
            block(
                &mut blocks,
                &w,
                s.oncall,
                vec![team.clone(), n("sre")],
                vec![],
                tm(&[]),
                Some(b),
            );
            block(
                &mut blocks,
                &w,
                s.analyst,
                vec![team.clone()],
                vec![],
                tm(&[]),
                Some(b),
            );
            block(
                &mut blocks,
                &w,
                s.qa,
                vec![team.clone(), n("qa")],
                vec![],
                tm(&[("environment", "testing")]),
                Some(b),
            );
            block(
                &mut blocks,
                &w,
                s.reader,
                vec![team.clone()],
                vec![],
                ous(&[bu.prod_ou]),
                Some(b),
            );
            block(
                &mut blocks,
                &w,
                s.oncall,
                vec![team.clone()],
                vec![],
                ous(&[bu.nonprod_ou]),
                Some(b),
            );
            block(
                &mut blocks,
                &w,
                ps_viewonly,
                vec![team.clone()],
                vec![],
                ous(&[bu.ou]),
                Some(b),
            );
            // Owners: the team's own accounts one by one, as orgs grow them.
            let own: Vec<usize> = w.expand(&tm(&[("tier", "nonprod")]));
            for chunk in own.chunks(2).take(6) {
                block(
                    &mut blocks,
                    &w,
                    s.developer,
                    vec![team.clone()],
                    vec![],
                    accts(chunk),
                    Some(b),
                );
            }
        }
    }
    for (u, b) in &user_bu {
        let bu = &bus[*b];
        let s = &bu_sets[*b];
        let k = 1 + rng.below(3);
        let p: Vec<usize> = rng.sample(&bu.prod, k);
        if !p.is_empty() {
            block(
                &mut blocks,
                &w,
                *rng.pick(&[s.reader, s.oncall, s.analyst]),
                vec![],
                vec![u.clone()],
                accts(&p),
                None,
            );
        }
        let np: Vec<usize> = rng.sample(&bu.nonprod, k);
        if !np.is_empty() {
            block(
                &mut blocks,
                &w,
                *rng.pick(&[s.developer, s.qa]),
                vec![],
                vec![u.clone()],
                accts(&np),
                None,
            );
        }
    }
    // A second version of the org: some team blocks name another team of the unit.
    // Forked whether or not it is used, so both versions draw the same numbers after it.
    let mut r = rng.fork(0xD1FF);
    if cfg.change_assignments_percent > 0.0 {
        let want =
            ((blocks.len() as f64) * cfg.change_assignments_percent / 100.0).round() as usize;
        let candidates: Vec<usize> = (0..blocks.len())
            .filter(|&i| blocks[i].team_of_bu.is_some())
            .collect();
        for i in r.sample(&candidates, want) {
            let Some(b) = blocks[i].team_of_bu else {
                continue;
            };
            let teams = &bus[b].teams;
            let other = format!("{}-engineers", r.pick(teams));
            blocks[i].groups[0] = other;
        }
    }

    // --- roles ------------------------------------------------------------------
    let ss0 = shared_acct[0];
    let nonprod = tags(&[("tier", "nonprod")]);
    let svc = |s: &'static str| Trust {
        form: TrustForm::Service(s),
        require_mfa: false,
        condition: None,
    };
    let mut roles: Vec<Role> = Vec::new();
    let role = |name: &str,
                description: &str,
                targets: Sel,
                inline: Vec<(&'static str, &'static str)>,
                managed: Vec<&'static str>,
                trust: Vec<Trust>| Role {
        name: name.into(),
        description: description.into(),
        path: None,
        targets,
        max_session: None,
        managed,
        inline,
        boundary: None,
        acknowledge: Vec::new(),
        owner: "platform",
        trust,
    };
    let mut r = role(
        "incident-responder",
        "Forensic read access for the security team during an incident.",
        Sel {
            all: true,
            ..Sel::default()
        },
        vec![("forensics", "role-incident-forensics")],
        vec!["SecurityAudit"],
        vec![Trust {
            form: TrustForm::Account(security),
            require_mfa: true,
            condition: None,
        }],
    );
    r.max_session = Some(14400);
    r.owner = "security";
    roles.push(r);
    let mut r = role(
        "acme-compliance-audit",
        "Acme Compliance scanner (SOC 2 evidence). Read-only.",
        Sel {
            all: true,
            ..Sel::default()
        },
        vec![],
        vec!["SecurityAudit", "job-function/ViewOnlyAccess"],
        vec![Trust {
            form: TrustForm::External(
                "944455556666".into(),
                format!("GenCorp-{:08x}-acme", cfg.seed as u32),
            ),
            require_mfa: false,
            condition: Some("{ IpAddress = { \"aws:SourceIp\" = [\"203.0.113.0/24\"] } }".into()),
        }],
    );
    r.owner = "security";
    roles.push(r);
    roles.push(role(
        "config-recorder",
        "AWS Config recorder: describes resources.",
        Sel {
            all: true,
            ..Sel::default()
        },
        vec![("describe", "role-config-recorder")],
        vec![],
        vec![svc("config.amazonaws.com")],
    ));
    roles.push(role(
        "security-scanner",
        "Assumed by the central scanner to read findings.",
        Sel {
            all: true,
            ..Sel::default()
        },
        vec![("scan", "role-security-scanner")],
        vec![],
        vec![Trust {
            form: TrustForm::Role("security-scanner-hub", vec![security]),
            require_mfa: false,
            condition: Some(
                "{ StringEquals = { \"aws:PrincipalTag/team\" = \"security\" } }".into(),
            ),
        }],
    ));
    roles.push(role(
        "finops-reader",
        "Read cost and usage for the central FinOps collector.",
        Sel {
            all: true,
            ..Sel::default()
        },
        vec![("costs", "role-finops-reader")],
        vec![],
        vec![Trust {
            form: TrustForm::Role("finops-collector", vec![ss0]),
            require_mfa: false,
            condition: None,
        }],
    ));
    roles.push(role(
        "event-responder",
        "Runs automated responses to health events (read-only).",
        Sel {
            all: true,
            ..Sel::default()
        },
        vec![("describe", "role-event-responder")],
        vec![],
        vec![svc("events.amazonaws.com")],
    ));
    roles.push(role(
        "org-inventory-reader",
        "Inventory of the organisation, for the audit account.",
        Sel {
            all: true,
            ..Sel::default()
        },
        vec![("inventory", "role-org-inventory")],
        vec![],
        vec![Trust {
            form: TrustForm::Account(audit),
            require_mfa: false,
            condition: None,
        }],
    ));
    let mut r = role(
        "monitoring-reader",
        "Read metrics, logs and traces for central monitoring.",
        ous(&[ou_workloads]),
        vec![("read-telemetry", "role-monitoring-reader")],
        vec![],
        vec![Trust {
            form: TrustForm::Role("monitoring-collector", monitoring_acct.clone()),
            require_mfa: false,
            condition: None,
        }],
    );
    r.path = Some("/monitoring/");
    r.owner = "sre";
    roles.push(r);
    roles.push(role(
        "app-config-reader",
        "Task role of the services: reads their own configuration.",
        ous(&[ou_workloads]),
        vec![("read-config", "role-app-config")],
        vec![],
        vec![svc("ecs-tasks.amazonaws.com")],
    ));
    roles.push(role(
        "vendor-monitoring",
        "Third-party monitoring vendor: metrics and inventory.",
        ous(&[ou_workloads]),
        vec![("vendor", "role-vendor-monitoring")],
        vec![],
        vec![Trust {
            form: TrustForm::External(
                "955566667777".into(),
                format!("gencorp-{}-metrics", cfg.seed),
            ),
            require_mfa: false,
            condition: None,
        }],
    ));
    roles.push(role(
        "ci-deployer-nonprod",
        "Deploys services to a nonprod account.",
        nonprod.clone(),
        vec![("deploy", "role-deployer")],
        vec![],
        vec![
            Trust {
                form: TrustForm::Role("ci-runner", shared_acct.clone()),
                require_mfa: false,
                condition: None,
            },
            Trust {
                form: TrustForm::PermissionSet("PlatformOperator".into(), vec![ss0]),
                require_mfa: false,
                condition: None,
            },
        ],
    ));
    roles.push(role(
        "backup-operator",
        "AWS Backup service role for nonprod volumes.",
        nonprod.clone(),
        vec![("backup", "role-backup")],
        vec![],
        vec![svc("backup.amazonaws.com")],
    ));
    roles.push(role(
        "ssm-instance",
        "Instance profile role of nonprod hosts.",
        nonprod.clone(),
        vec![],
        vec![
            "AmazonSSMManagedInstanceCore",
            "CloudWatchAgentServerPolicy",
        ],
        vec![svc("ec2.amazonaws.com")],
    ));
    roles.push(role(
        "lambda-exec",
        "Execution role of nonprod functions.",
        nonprod.clone(),
        vec![("app", "role-lambda-exec")],
        vec!["service-role/AWSLambdaBasicExecutionRole"],
        vec![svc("lambda.amazonaws.com")],
    ));
    roles.push(role(
        "test-runner",
        "Runs integration tests, started by CI.",
        tags(&[("environment", "testing")]),
        vec![("reports", "role-test-runner")],
        vec![],
        vec![Trust {
            form: TrustForm::Role("ci-runner", shared_acct.clone()),
            require_mfa: false,
            condition: None,
        }],
    ));
    let mut r = role(
        "sandbox-admin",
        "Administers a sandbox within its guard rails.",
        ous(&[ou_sandbox]),
        vec![("guard", "role-sandbox-guard")],
        vec!["PowerUserAccess"],
        vec![Trust {
            form: TrustForm::PermissionSet("SandboxPowerUser".into(), vec![sandboxes[0]]),
            require_mfa: false,
            condition: None,
        }],
    );
    r.boundary = Some("PowerUserAccess");
    roles.push(r);
    let mut r = role(
        "release-deployer",
        "Deploys to the production accounts with managed releases. Platform admins only.",
        tags(&[("release", "managed")]),
        vec![("deploy", "role-deployer")],
        vec![],
        vec![Trust {
            form: TrustForm::PermissionSet("AdministratorAccess".into(), vec![ss0]),
            require_mfa: false,
            condition: None,
        }],
    );
    r.max_session = Some(3600);
    roles.push(r);
    let mut r = role(
        "monitoring-collector",
        "Central telemetry collector; assumes monitoring-reader everywhere.",
        accts(&monitoring_acct),
        vec![("assume-readers", "role-monitoring-collector")],
        vec![],
        vec![svc("ecs-tasks.amazonaws.com")],
    );
    r.path = Some("/monitoring/");
    r.owner = "sre";
    roles.push(r);
    roles.push(role(
        "ci-runner",
        "CodeBuild service role: builds and hands off to the deployers.",
        accts(&shared_acct),
        vec![("build", "role-ci-runner")],
        vec![],
        vec![svc("codebuild.amazonaws.com")],
    ));
    roles.push(role(
        "security-scanner-hub",
        "The central scanner; assumes security-scanner everywhere.",
        accts(&[security]),
        vec![("assume-scanners", "role-scanner-hub")],
        vec![],
        vec![svc("ecs-tasks.amazonaws.com")],
    ));
    roles.push(role(
        "finops-collector",
        "Collects costs from every account.",
        accts(&[ss0]),
        vec![("collect", "role-finops-collector")],
        vec![],
        vec![svc("lambda.amazonaws.com")],
    ));
    let mut r = role(
        "network-automation",
        "Maintains gateway routes.",
        ous(&[ou_network]),
        vec![("routes", "role-network-automation")],
        vec![],
        vec![Trust {
            form: TrustForm::PermissionSet("NetworkAdmin".into(), vec![network_acct[0]]),
            require_mfa: false,
            condition: None,
        }],
    );
    r.acknowledge = vec!["orgc::lint::pass-role-star"];
    r.owner = "network";
    roles.push(r);
    roles.push(role(
        "dns-automation",
        "Maintains internal DNS records, run by CI.",
        ous(&[ou_shared]),
        vec![("records", "role-dns")],
        vec![],
        vec![Trust {
            form: TrustForm::Role("ci-runner", shared_acct.clone()),
            require_mfa: false,
            condition: None,
        }],
    ));
    roles.push(role(
        "log-writer",
        "Delivers logs to the archive.",
        accts(&[log_archive]),
        vec![("deliver", "role-log-writer")],
        vec![],
        vec![svc("firehose.amazonaws.com")],
    ));
    // One application role per business unit, every trust form but one among them.
    for (b, bu) in bus.iter().enumerate() {
        let trust = match b % 3 {
            0 => svc("ecs-tasks.amazonaws.com"),
            1 => Trust {
                form: TrustForm::PermissionSet(
                    sets[bu_sets[b].admin].name.clone(),
                    vec![bu.nonprod[0]],
                ),
                require_mfa: false,
                condition: None,
            },
            _ => Trust {
                form: TrustForm::Role("ci-runner", vec![shared_acct[bu.gateway]]),
                require_mfa: false,
                condition: None,
            },
        };
        let mut r = role(
            &format!("{}-app", bu.name),
            &format!(
                "Application role of business unit {}: reads its configuration.",
                bu.name
            ),
            ous(&[bu.ou]),
            vec![("app", "role-bu-app")],
            vec![],
            vec![trust],
        );
        r.owner = "platform";
        roles.push(r);
    }

    // --- network ----------------------------------------------------------------
    let mut gws: Vec<Gateway> = Vec::new();
    let sites = scaled(20.0, f, 2).min(20);
    let mut spoke_of_account: Vec<Option<usize>> = vec![None; w.accounts.len()];
    let _ = &mut spoke_of_account;
    for (gi, region) in regions.iter().enumerate() {
        let base: u64 = (10u64 << 24) | ((16 * gi as u64) << 16);
        let mut space = Space {
            cursor: base,
            limit: base + (1 << 20),
        };
        // Tables: inspection, platform, sandbox, quarantine, then prod and nonprod per unit.
        let mut tables: Vec<Table> = ["inspection", "platform", "sandbox", "quarantine"]
            .iter()
            .map(|n| Table {
                name: n.to_string(),
                routes: Vec::new(),
            })
            .collect();
        let (t_insp, t_plat, t_sandbox, t_quar) = (0, 1, 2, 3);
        let my_bus: Vec<usize> = (0..bus.len()).filter(|&b| bus[b].gateway == gi).collect();
        let mut bu_tables = Vec::new();
        for &b in &my_bus {
            tables.push(Table {
                name: format!("{}-prod", bus[b].name),
                routes: Vec::new(),
            });
            tables.push(Table {
                name: format!("{}-nonprod", bus[b].name),
                routes: Vec::new(),
            });
            bu_tables.push((b, tables.len() - 2, tables.len() - 1));
        }
        let all_tables: Vec<usize> = (0..tables.len()).collect();
        let mut spokes: Vec<Spoke> = Vec::new();
        let inspection = format!("inspection-{region}");
        let edge = format!("edge-{region}");
        spokes.push(Spoke {
            name: inspection.clone(),
            account: network_acct[gi],
            cidrs: vec![space.alloc(4)?],
            associate: t_insp,
            propagate: all_tables.clone(),
            appliance: true,
            internet: Some("both"),
        });
        spokes.push(Spoke {
            name: edge.clone(),
            account: network_acct[gi],
            cidrs: vec![space.alloc(1)?],
            associate: t_insp,
            propagate: all_tables.clone(),
            appliance: true,
            internet: None,
        });
        let mut platform_accts = vec![shared_acct[gi], monitoring_acct[gi]];
        if gi == 0 {
            platform_accts.extend([security, log_archive, audit]);
        }
        for &a in &platform_accts {
            spokes.push(Spoke {
                name: format!("{}-vpc", w.accounts[a].name),
                account: a,
                cidrs: vec![space.alloc(4)?],
                associate: t_plat,
                propagate: all_tables.clone(),
                appliance: false,
                internet: None,
            });
        }
        let vpc = |rng: &mut Rng,
                   a: usize,
                   associate: usize,
                   propagate: Vec<usize>,
                   internet: Option<&'static str>,
                   space: &mut Space|
         -> Result<Spoke, String> {
            let roll = rng.below(100);
            let cidrs = if roll < 80 {
                vec![space.alloc(1)?]
            } else if roll < 95 {
                vec![space.alloc(2)?]
            } else {
                vec![space.alloc(1)?, space.alloc(1)?]
            };
            Ok(Spoke {
                name: format!("{}-vpc", w.accounts[a].name),
                account: a,
                cidrs,
                associate,
                propagate,
                appliance: false,
                internet,
            })
        };
        for (k, &a) in sandboxes.iter().enumerate() {
            if k % gateways_n == gi {
                let s = vpc(
                    &mut rng,
                    a,
                    t_sandbox,
                    vec![t_insp, t_plat],
                    Some("egress"),
                    &mut space,
                )?;
                spokes.push(s);
            }
        }
        // Each table's spokes are contiguous, so a range is a few prefixes.
        let mut ranges: Vec<(usize, u64, u64)> = Vec::new();
        for &(b, tp, tn) in &bu_tables {
            let start = space.cursor;
            for &a in &bus[b].prod {
                let s = vpc(&mut rng, a, tp, vec![t_insp, t_plat], None, &mut space)?;
                spokes.push(s);
            }
            ranges.push((tp, start, space.cursor));
            let start = space.cursor;
            for &a in &bus[b].nonprod {
                let s = vpc(&mut rng, a, tn, vec![tn, t_insp, t_plat], None, &mut space)?;
                spokes.push(s);
            }
            ranges.push((tn, start, space.cursor));
        }
        let prod_tables: BTreeSet<usize> = bu_tables.iter().map(|x| x.1).collect();
        let nonprod_tables: BTreeSet<usize> = bu_tables.iter().map(|x| x.2).collect();
        let cover_of = |set: &BTreeSet<usize>| -> Vec<(u32, u8)> {
            ranges
                .iter()
                .filter(|(t, s, e)| set.contains(t) && s < e)
                .flat_map(|(_, s, e)| cover(*s, *e))
                .collect()
        };
        let prod_cover = cover_of(&prod_tables);
        let nonprod_cover = cover_of(&nonprod_tables);
        let all_bu: BTreeSet<usize> = prod_tables.union(&nonprod_tables).copied().collect();
        let workload_cover = cover_of(&all_bu);
        let private = [
            ((10u32 << 24, 8u8), Target::Blackhole),
            (((172u32 << 24) | (16 << 16), 12), Target::Blackhole),
            (((192u32 << 24) | (168 << 16), 16), Target::Blackhole),
        ];
        let site_routes = |edge: &str| -> Vec<((u32, u8), Target)> {
            (0..sites)
                .map(|s| {
                    (
                        (((192u32 << 24) | (168 << 16) | ((s as u32) << 8)), 24u8),
                        Target::Spoke(edge.to_string()),
                    )
                })
                .collect()
        };
        let standard = |edge: &str, extra: &[(u32, u8)]| -> Vec<((u32, u8), Target)> {
            let mut v = vec![((0u32, 0u8), Target::Spoke(inspection.clone()))];
            v.extend(private.iter().map(|(c, _)| (*c, Target::Blackhole)));
            v.extend(site_routes(edge));
            v.extend(extra.iter().map(|c| (*c, Target::Blackhole)));
            v
        };
        tables[t_plat].routes = standard(&edge, &[]);
        tables[t_sandbox].routes = standard(&edge, &workload_cover);
        tables[t_quar].routes = vec![((0, 0), Target::Blackhole)];
        for &(_, tp, tn) in &bu_tables {
            tables[tp].routes = standard(&edge, &nonprod_cover);
            if cfg.mesh_prod {
                let to_inspection = prod_cover
                    .iter()
                    .map(|c| (*c, Target::Spoke(inspection.clone())));
                tables[tp].routes.extend(to_inspection);
            }
            tables[tn].routes = standard(&edge, &prod_cover);
        }
        let statics: usize = tables.iter().map(|t| t.routes.len()).sum();
        let propagated: usize = spokes
            .iter()
            .map(|s| s.cidrs.len() * s.propagate.len())
            .sum();
        if statics + propagated > 10_000 || tables.len() > 20 || spokes.len() > 5_000 {
            return Err(format!(
                "gateway {gi} would break an AWS quota: {} tables, {} spokes, {} routes",
                tables.len(),
                spokes.len(),
                statics + propagated
            ));
        }
        gws.push(Gateway {
            name: format!("tgw-{region}"),
            account: network_acct[gi],
            region,
            asn: 64512 + gi as u32,
            tables,
            spokes,
        });
    }

    // --- guardrails -------------------------------------------------------------
    let mut guardrails: Vec<Guardrail> = Vec::new();
    guardrails.push(Guardrail::DenyNetwork {
        name: "nonprod-cannot-reach-prod".into(),
        from: ous(&bus.iter().map(|b| b.nonprod_ou).collect::<Vec<_>>()),
        to: ous(&bus.iter().map(|b| b.prod_ou).collect::<Vec<_>>()),
        via: vec![],
    });
    guardrails.push(Guardrail::DenyNetwork {
        name: "sandboxes-cannot-reach-workloads".into(),
        from: ous(&[ou_sandbox]),
        to: ous(&[ou_workloads]),
        via: gws.iter().map(|g| g.spokes[0].name.clone()).collect(),
    });
    for (gi, region) in regions.iter().enumerate() {
        let mine: Vec<usize> = bus
            .iter()
            .filter(|b| b.gateway == gi)
            .map(|b| b.ou)
            .collect();
        if mine.is_empty() {
            continue;
        }
        guardrails.push(Guardrail::RequireNetwork {
            name: format!("monitoring-reaches-workloads-{region}"),
            from: accts(&[monitoring_acct[gi]]),
            to: ous(&mine),
        });
    }
    guardrails.push(Guardrail::RequireNetwork {
        name: "ci-reaches-nonprod".into(),
        from: accts(&[ss0]),
        to: ous(&bus
            .iter()
            .filter(|b| b.gateway == 0)
            .map(|b| b.nonprod_ou)
            .collect::<Vec<_>>()),
    });
    guardrails.push(Guardrail::InternetIngress {
        name: "one-front-door-per-region".into(),
        only: accts(&network_acct),
    });
    guardrails.push(Guardrail::DenyAccess {
        name: "only-platform-admins-administer-workloads".into(),
        to: ous(&[ou_workloads]),
        level: "admin",
        except: vec!["group:platform-admins".into()],
    });
    guardrails.push(Guardrail::DenyAccess {
        name: "only-security-admins-administer-security".into(),
        to: ous(&[ou_security]),
        level: "admin",
        except: vec![
            "group:platform-admins".into(),
            "group:security-admins".into(),
            "user:breakglass-1".into(),
            "user:breakglass-2".into(),
        ],
    });
    for bu in &bus {
        let mut except = vec![
            "group:platform-admins".to_string(),
            format!("group:{}-admins", bu.name),
        ];
        for &a in &bu.prod {
            if w.accounts[a]
                .tags
                .iter()
                .any(|(k, v)| *k == "release" && v == "managed")
            {
                except.push(format!("role:release-deployer@{}", w.accounts[a].name));
            }
        }
        guardrails.push(Guardrail::DenyAccess {
            name: format!("{}-only-admins-write-prod", bu.name),
            to: ous(&[bu.prod_ou]),
            level: "write",
            except,
        });
    }

    // --- write ------------------------------------------------------------------
    let mut stats = Stats {
        ous: w.ous.len(),
        ou_depth: 3,
        accounts: w.accounts.len(),
        groups: groups.len(),
        users: users.len(),
        permission_sets: sets.len(),
        assignment_blocks: blocks.len(),
        roles: roles.len(),
        gateways: gws.len(),
        ..Stats::default()
    };
    let mut triples: BTreeSet<(usize, String, String)> = BTreeSet::new();
    let set_index: BTreeMap<&str, usize> = sets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    for bl in &blocks {
        let ps = set_index[bl.permission_set.as_str()];
        for a in w.expand(&bl.targets) {
            for gname in &bl.groups {
                triples.insert((a, format!("g:{gname}"), ps.to_string()));
            }
            for u in &bl.users {
                triples.insert((a, format!("u:{u}"), ps.to_string()));
            }
        }
    }
    stats.assignments = triples.len();
    drop(triples);
    for r in &roles {
        stats.role_instances += w.expand(&r.targets).len();
        for t in &r.trust {
            stats.trust_forms.insert(match t.form {
                TrustForm::Role(..) => "role",
                TrustForm::PermissionSet(..) => "permission_set",
                TrustForm::Service(..) => "service",
                TrustForm::External(..) => "external_account",
                TrustForm::Account(..) => "account",
            });
        }
    }
    for gw in &gws {
        stats.route_tables += gw.tables.len();
        stats.spokes += gw.spokes.len();
        stats.appliances += gw.spokes.iter().filter(|s| s.appliance).count();
        for t in &gw.tables {
            stats.static_routes += t.routes.len();
            stats.blackhole_routes += t
                .routes
                .iter()
                .filter(|r| matches!(r.1, Target::Blackhole))
                .count();
        }
        stats.propagated_routes += gw
            .spokes
            .iter()
            .map(|s| s.cidrs.len() * s.propagate.len())
            .sum::<usize>();
    }
    for g in &guardrails {
        *stats
            .guardrails
            .entry(match g {
                Guardrail::DenyNetwork { .. } => "deny_network",
                Guardrail::RequireNetwork { .. } => "require_network",
                Guardrail::DenyAccess { .. } => "deny_access",
                Guardrail::InternetIngress { .. } => "internet_ingress",
            })
            .or_default() += 1;
    }

    let mut org_files = Vec::new();
    let header = |what: &str| {
        format!(
            "# Generated org ({what}); seed {}, {} accounts.\n\n",
            cfg.seed, n
        )
    };

    // organization.toml
    let mut s = header("organisation, Identity Center, OUs");
    let _ = writeln!(
        s,
        "[organization]\nname = {}\nid = \"o-{}\"\nmanagement_account = \"management\"\npartition = \"aws\"\nhome_region = \"{}\"\n",
        q(&format!("Generated Corp {}", cfg.seed)),
        org_id(cfg.seed),
        regions[0]
    );
    let _ = writeln!(
        s,
        "[organization.vars]\napp_name = \"shop\"\nartifact_bucket = \"gencorp-build-artifacts\"\necs_cluster = \"apps\"\nlog_prefix = \"apps\"\nsecondary_region = \"{}\"\nsensitive_bucket_prefix = \"gencorp-sensitive\"\nmetrics_namespace = \"GenCorp/Workloads\"\nfinops_bucket = \"gencorp-finops\"\n",
        regions.get(1).copied().unwrap_or("us-east-1")
    );
    let _ = writeln!(s, "[organization.managed_policy_levels]");
    for c in &customer_managed_levels {
        let _ = writeln!(s, "{} = \"read\"", key(c));
    }
    let _ = writeln!(
        s,
        "\n[identity_center]\ninstance_arn = \"arn:aws:sso:::instance/ssoins-{:016x}\"\nidentity_store_id = \"d-{:010x}\"\nregion = \"{}\"\ndelegated_admin = \"security\"\n",
        rng.next_u64(),
        rng.next_u64() & 0xff_ffff_ffff,
        regions[0]
    );
    for o in &w.ous {
        let _ = writeln!(s, "[ous.{}]", key(&o.name));
        if let Some(p) = o.parent {
            let _ = writeln!(s, "parent = {}", q(&w.ous[p].name));
        }
        let _ = writeln!(s, "description = {}\n", q(&o.description));
    }
    org_files.push(("organization.toml".to_string(), s));

    // accounts.toml
    let mut s = header("accounts");
    for a in &w.accounts {
        let _ = writeln!(
            s,
            "[accounts.{}]\nid = \"{}\"\nemail = {}",
            key(&a.name),
            a.id,
            q(&format!("aws+{}@example.com", a.name))
        );
        if let Some(o) = a.ou {
            let _ = writeln!(s, "ou = {}", q(&w.ous[o].name));
        }
        if let Some(d) = &a.description {
            let _ = writeln!(s, "description = {}", q(d));
        }
        let t: Vec<String> = a
            .tags
            .iter()
            .map(|(k, v)| format!("{} = {}", key(k), q(v)))
            .collect();
        let _ = writeln!(s, "tags = {{ {} }}", t.join(", "));
        if !a.vars.is_empty() {
            let v: Vec<String> = a
                .vars
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), q(v)))
                .collect();
            let _ = writeln!(s, "vars = {{ {} }}", v.join(", "));
        }
        s.push('\n');
    }
    org_files.push(("accounts.toml".to_string(), s));

    // identity.toml: groups, users, permission sets
    let mut s = header("Identity Center principals and permission sets");
    for (gname, d) in &groups {
        let _ = writeln!(
            s,
            "[groups.{}]\ndisplay_name = {}\ndescription = {}\n",
            key(gname),
            q(&format!("aws-{gname}")),
            q(d)
        );
    }
    for (u, d) in &users {
        let _ = writeln!(
            s,
            "[users.{}]\nuser_name = {}\ndescription = {}\n",
            key(u),
            q(&format!("{u}@example.com")),
            q(d)
        );
    }
    for p in &sets {
        let _ = writeln!(
            s,
            "[permission_sets.{}]\ndescription = {}\nsession_duration = \"{}\"",
            key(&p.name),
            q(&p.description),
            p.session
        );
        if !p.managed.is_empty() {
            let m: Vec<String> = p.managed.iter().map(|m| q(m)).collect();
            let _ = writeln!(s, "managed_policies = [{}]", m.join(", "));
        }
        if !p.customer_managed.is_empty() {
            let m: Vec<String> = p
                .customer_managed
                .iter()
                .map(|(n, path)| format!("{{ name = {}, path = {} }}", q(n), q(path)))
                .collect();
            let _ = writeln!(s, "customer_managed_policies = [{}]", m.join(", "));
        }
        let _ = writeln!(s, "inline_policy = {}", q(&p.template));
        if let Some(b) = p.boundary {
            let _ = writeln!(s, "permissions_boundary = {{ managed = {} }}", q(b));
        }
        if let Some(r) = &p.relay_state {
            let _ = writeln!(s, "relay_state = {}", q(r));
        }
        if !p.tags.is_empty() {
            let t: Vec<String> = p
                .tags
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), q(v)))
                .collect();
            let _ = writeln!(s, "tags = {{ {} }}", t.join(", "));
        }
        s.push('\n');
    }
    org_files.push(("identity.toml".to_string(), s));

    // assignments.toml
    let mut s = header("assignments");
    for bl in &blocks {
        let _ = writeln!(
            s,
            "[[assignments]]\npermission_set = {}",
            q(&bl.permission_set)
        );
        if !bl.groups.is_empty() {
            let v: Vec<String> = bl.groups.iter().map(|x| q(x)).collect();
            let _ = writeln!(s, "groups = [{}]", v.join(", "));
        }
        if !bl.users.is_empty() {
            let v: Vec<String> = bl.users.iter().map(|x| q(x)).collect();
            let _ = writeln!(s, "users = [{}]", v.join(", "));
        }
        let _ = writeln!(s, "targets = {}\n", w.toml(&bl.targets));
    }
    org_files.push(("assignments.toml".to_string(), s));

    // roles.toml
    let mut s = header("cross-account roles");
    for r in &roles {
        let _ = writeln!(
            s,
            "[roles.{}]\ndescription = {}",
            key(&r.name),
            q(&r.description)
        );
        if let Some(p) = r.path {
            let _ = writeln!(s, "path = {}", q(p));
        }
        let _ = writeln!(s, "targets = {}", w.toml(&r.targets));
        if let Some(m) = r.max_session {
            let _ = writeln!(s, "max_session_duration = {m}");
        }
        if !r.managed.is_empty() {
            let m: Vec<String> = r.managed.iter().map(|m| q(m)).collect();
            let _ = writeln!(s, "managed_policies = [{}]", m.join(", "));
        }
        if !r.inline.is_empty() {
            let m: Vec<String> = r
                .inline
                .iter()
                .map(|(k, t)| format!("{} = {}", key(k), q(t)))
                .collect();
            let _ = writeln!(s, "inline_policies = {{ {} }}", m.join(", "));
        }
        if let Some(b) = r.boundary {
            let _ = writeln!(s, "permissions_boundary = {{ managed = {} }}", q(b));
        }
        if !r.acknowledge.is_empty() {
            let m: Vec<String> = r.acknowledge.iter().map(|m| q(m)).collect();
            let _ = writeln!(s, "acknowledge = [{}]", m.join(", "));
        }
        let _ = writeln!(s, "tags = {{ owner = {} }}\n", q(r.owner));
        for t in &r.trust {
            let _ = writeln!(s, "[[roles.{}.trust]]", key(&r.name));
            match &t.form {
                TrustForm::Role(role, accounts) => {
                    let a: Vec<String> = accounts.iter().map(|&i| q(&w.accounts[i].name)).collect();
                    let _ = writeln!(s, "role = {}\naccounts = [{}]", q(role), a.join(", "));
                }
                TrustForm::PermissionSet(ps, accounts) => {
                    let a: Vec<String> = accounts.iter().map(|&i| q(&w.accounts[i].name)).collect();
                    let _ = writeln!(
                        s,
                        "permission_set = {}\naccounts = [{}]",
                        q(ps),
                        a.join(", ")
                    );
                }
                TrustForm::Service(svc) => {
                    let _ = writeln!(s, "service = {}", q(svc));
                }
                TrustForm::External(id, ext) => {
                    let _ = writeln!(s, "external_account = {}\nexternal_id = {}", q(id), q(ext));
                }
                TrustForm::Account(a) => {
                    let _ = writeln!(s, "account = {}", q(&w.accounts[*a].name));
                }
            }
            if t.require_mfa {
                let _ = writeln!(s, "require_mfa = true");
            }
            if let Some(c) = &t.condition {
                let _ = writeln!(s, "conditions = {c}");
            }
            s.push('\n');
        }
    }
    org_files.push(("roles.toml".to_string(), s));

    // network-<region>.toml
    for gw in &gws {
        let mut s = header(&format!("network of {}", gw.region));
        let _ = writeln!(
            s,
            "[transit_gateways.{}]\naccount = {}\nregion = \"{}\"\nasn = {}\n",
            key(&gw.name),
            q(&w.accounts[gw.account].name),
            gw.region,
            gw.asn
        );
        for t in &gw.tables {
            let _ = writeln!(
                s,
                "[transit_gateways.{}.route_tables.{}]",
                key(&gw.name),
                key(&t.name)
            );
            if !t.routes.is_empty() {
                let _ = writeln!(s, "routes = [");
                for (c, target) in &t.routes {
                    match target {
                        Target::Spoke(sp) => {
                            let _ = writeln!(
                                s,
                                "  {{ destination = \"{}\", attachment = {} }},",
                                cidr_text(*c),
                                q(sp)
                            );
                        }
                        Target::Blackhole => {
                            let _ = writeln!(
                                s,
                                "  {{ destination = \"{}\", blackhole = true }},",
                                cidr_text(*c)
                            );
                        }
                    }
                }
                let _ = writeln!(s, "]");
            }
            s.push('\n');
        }
        for sp in &gw.spokes {
            let cidrs: Vec<String> = sp.cidrs.iter().map(|c| q(&cidr_text(*c))).collect();
            let prop: Vec<String> = sp
                .propagate
                .iter()
                .map(|&t| q(&gw.tables[t].name))
                .collect();
            let _ = writeln!(
                s,
                "[spokes.{}]\naccount = {}\ntransit_gateway = {}\ncidrs = [{}]\nassociate = {}\npropagate = [{}]",
                key(&sp.name),
                q(&w.accounts[sp.account].name),
                q(&gw.name),
                cidrs.join(", "),
                q(&gw.tables[sp.associate].name),
                prop.join(", ")
            );
            if sp.appliance {
                let _ = writeln!(s, "appliance = true");
            }
            if let Some(i) = sp.internet {
                let _ = writeln!(s, "internet = \"{i}\"");
            }
            s.push('\n');
        }
        org_files.push((format!("network-{}.toml", gw.region), s));
    }

    // guardrails.toml
    let mut s = header("guardrails");
    for g in &guardrails {
        match g {
            Guardrail::DenyNetwork {
                name,
                from,
                to,
                via,
            } => {
                let via = if via.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", via = [{}]",
                        via.iter().map(|v| q(v)).collect::<Vec<_>>().join(", ")
                    )
                };
                let _ = writeln!(
                    s,
                    "[[guardrails]]\nname = {}\ndeny_network = {{ from = {}, to = {}{via} }}\n",
                    q(name),
                    w.toml(from),
                    w.toml(to)
                );
            }
            Guardrail::RequireNetwork { name, from, to } => {
                let _ = writeln!(
                    s,
                    "[[guardrails]]\nname = {}\nrequire_network = {{ from = {}, to = {} }}\n",
                    q(name),
                    w.toml(from),
                    w.toml(to)
                );
            }
            Guardrail::DenyAccess {
                name,
                to,
                level,
                except,
            } => {
                let e: Vec<String> = except.iter().map(|x| q(x)).collect();
                let _ = writeln!(
                    s,
                    "[[guardrails]]\nname = {}\ndeny_access = {{ to = {}, level = \"{level}\", except = [{}] }}\n",
                    q(name),
                    w.toml(to),
                    e.join(", ")
                );
            }
            Guardrail::InternetIngress { name, only } => {
                let _ = writeln!(
                    s,
                    "[[guardrails]]\nname = {}\ninternet_ingress = {{ only = {} }}\n",
                    q(name),
                    w.toml(only)
                );
            }
        }
    }
    org_files.push(("guardrails.toml".to_string(), s));

    let mut policy_files: Vec<(String, String)> = templates
        .into_iter()
        .map(|(n, t)| (format!("{n}.json.hbs"), t))
        .collect();
    for (n, t) in policies::role_templates() {
        policy_files.push((format!("{n}.json.hbs"), t));
    }
    stats.templates = policy_files.len();
    Ok(Generated {
        org: org_files,
        policies: policy_files,
        stats,
    })
}

fn org_id(seed: u64) -> String {
    let mut r = Rng::new(seed ^ 0x0E6);
    (0..10)
        .map(|_| {
            let c = r.below(36) as u8;
            (if c < 10 { b'0' + c } else { b'a' + c - 10 }) as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn cover_is_exact() {
        assert_eq!(super::cover(0, 1 << 32), vec![(0, 0)]);
        let c = super::cover(256, 256 * 7);
        let total: u64 = c.iter().map(|(_, l)| 1u64 << (32 - l)).sum();
        assert_eq!(total, 256 * 6);
        assert_eq!(c[0], (256, 24));
    }
}
