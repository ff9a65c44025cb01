//! The network audit: which accounts (or spokes) reach which, in both directions,
//! with the path, and the internet exposure — as data ([`audit`], the shape of
//! `audit/network.json` and `--format json`) and rendered for people ([`text`],
//! [`markdown`]).
//!
//! Pairs are ordered and never pair a unit with itself. By account, only accounts
//! that own a spoke take part (the others reach nothing); an account pair is decided
//! through the accounts' spokes as [`super::analysis`] describes. Paths always name
//! spokes.

use super::analysis::{AccountReach, Analysis, BestSource};
use super::explain;
use super::routing::{Forward, Reason, Status};
use crate::desired::network::{
    AuditPair, EgressSpoke, IngressSpoke, InternetExposure, LostRange, NetworkAudit, Reached,
};
use crate::model::{AccountIdx, Model, SpokeIdx};
use std::fmt::Write as _;

/// What a pair is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Account,
    Spoke,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Account => "account",
            By::Spoke => "spoke",
        }
    }
}

/// Which pairs to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    pub by: By,
    /// Only pairs from this account or spoke (by index, per `by`).
    pub from: Option<usize>,
    /// Only pairs to this one.
    pub to: Option<usize>,
    /// Also list pairs where neither direction delivers anything.
    pub all_pairs: bool,
}

impl Query {
    /// What `audit/network.json` holds: every pair of accounts where at least one
    /// direction delivers something.
    pub fn file() -> Query {
        Query {
            by: By::Account,
            from: None,
            to: None,
            all_pairs: false,
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn status_str(s: Status) -> &'static str {
    match s {
        Status::Full => "full",
        Status::Partial => "partial",
        Status::None => "none",
    }
}

/// Resolve a `--from`/`--to` name; the error says what exists.
pub fn lookup(model: &Model, by: By, name: &str) -> Result<usize, String> {
    let names: Vec<&str> = match by {
        By::Account => model.accounts.iter().map(|a| a.name.as_str()).collect(),
        By::Spoke => model.spokes.iter().map(|s| s.name.as_str()).collect(),
    };
    if let Some(i) = names.iter().position(|n| *n == name) {
        return Ok(i);
    }
    let mut msg = format!("no {} is named `{name}`", by.as_str());
    if let Some(hint) = crate::suggest::did_you_mean(name, names.iter().copied()) {
        msg.push_str(&format!("; {hint}"));
    } else if by == By::Account && model.spokes.iter().any(|s| s.name == name) {
        msg.push_str(&format!("; `{name}` is a spoke: add `--by spoke`"));
    }
    Err(msg)
}

/// The units pairs are made of: accounts that own a spoke, or every spoke.
fn units(model: &Model, net: &Analysis, by: By) -> Vec<usize> {
    match by {
        By::Account => (0..model.accounts.len())
            .filter(|&a| !net.spokes_of(a).is_empty())
            .collect(),
        By::Spoke => (0..model.spokes.len()).collect(),
    }
}

fn unit_name(model: &Model, by: By, i: usize) -> String {
    match by {
        By::Account => model
            .accounts
            .get(i)
            .map_or_else(String::new, |a| a.name.clone()),
        By::Spoke => explain::spoke(model, i).to_string(),
    }
}

/// Why `a`'s packets miss addresses of `b`.
fn spoke_losses(
    model: &Model,
    net: &Analysis,
    a: SpokeIdx,
    b: SpokeIdx,
    name_spokes: bool,
) -> Vec<LostRange> {
    let gateway = model.spokes.get(a).map_or(0, |s| s.gateway);
    let Some(f) = net.forward(a, b) else {
        return vec![other_gateway(model, a, b, name_spokes)];
    };
    f.lost
        .iter()
        .map(|l| {
            let (table, spoke) = match l.reason {
                Reason::Blackhole { table } | Reason::NoRoute { table } => (
                    Some(explain::table(model, gateway, table).to_string()),
                    None,
                ),
                Reason::NoVpcRoute { spoke }
                | Reason::SentTo { spoke }
                | Reason::Unassociated { spoke }
                | Reason::Loop { appliance: spoke } => {
                    (None, Some(explain::spoke(model, spoke).to_string()))
                }
                Reason::Local => (None, None),
            };
            LostRange {
                from_spoke: name_spokes.then(|| explain::spoke(model, a).to_string()),
                to_spoke: name_spokes.then(|| explain::spoke(model, b).to_string()),
                destinations: explain::cidrs(&l.range),
                reason: explain::reason_kind(&l.reason).to_string(),
                table,
                spoke,
                via: l
                    .via
                    .iter()
                    .map(|&s| explain::spoke(model, s).to_string())
                    .collect(),
                detail: explain::reason(model, gateway, &l.reason),
            }
        })
        .collect()
}

fn other_gateway(model: &Model, a: SpokeIdx, b: SpokeIdx, name_spokes: bool) -> LostRange {
    let cidrs = model
        .spokes
        .get(b)
        .map(|s| s.cidrs.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    LostRange {
        from_spoke: name_spokes.then(|| explain::spoke(model, a).to_string()),
        to_spoke: name_spokes.then(|| explain::spoke(model, b).to_string()),
        destinations: cidrs,
        reason: "other-gateway".to_string(),
        table: None,
        spoke: None,
        via: Vec::new(),
        detail: format!(
            "`{}` is attached to another gateway, and gateways do not route to each other",
            explain::spoke(model, b)
        ),
    }
}

/// Why an account's spokes miss addresses of another's: for each destination
/// spoke not reached in full, the losses from its best source spoke.
fn account_losses(
    model: &Model,
    net: &Analysis,
    from: AccountIdx,
    reach: &AccountReach,
) -> Vec<LostRange> {
    let mut out = Vec::new();
    for &BestSource {
        to,
        from: src,
        status,
    } in &reach.best
    {
        if status == Status::Full {
            continue;
        }
        match src {
            Some(a) => out.extend(spoke_losses(model, net, a, to, true)),
            None => {
                let mut l = match net.spokes_of(from).first() {
                    Some(&a) => other_gateway(model, a, to, true),
                    None => continue,
                };
                l.from_spoke = None;
                out.push(l);
            }
        }
    }
    out
}

/// Why `from`'s packets miss addresses of `to`, whatever the direction's status.
fn losses(model: &Model, net: &Analysis, by: By, from: usize, to: usize) -> Vec<LostRange> {
    match by {
        By::Spoke => spoke_losses(model, net, from, to, false),
        By::Account => account_losses(model, net, from, &net.account_reach(from, to, &[])),
    }
}

/// Every status a query needs, computed once: for each unit asked about, the units
/// it reaches at all, with the status and the spokes of the witness path, and
/// the units that reach it. Most pairs of a large org reach nothing either way;
/// only the pairs that reach something are held and visited, so the pairs of
/// thousands of accounts cost what they deliver, not the square of the accounts.
struct Rows {
    /// Unit → its position in the units (`u32::MAX` for what is not a unit).
    position: Vec<u32>,
    /// Per source position: every destination it reaches at all, by position.
    forward: Vec<Vec<Cell>>,
    /// Per destination position: the source positions that reach it, in order,
    /// with the status (the return direction of the destination's pairs).
    reverse: Vec<Vec<(u32, Status)>>,
}

/// A destination a source reaches at all.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// The destination's position.
    to: u32,
    /// Never none.
    status: Status,
    /// The witness path's first and last spoke.
    witness: (u32, u32),
}

fn small(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Rows {
    fn new(model: &Model, net: &Analysis, q: Query, units: &[usize]) -> Rows {
        let n = units.len();
        let kinds = match q.by {
            By::Account => model.accounts.len(),
            By::Spoke => model.spokes.len(),
        };
        let mut position = vec![u32::MAX; kinds];
        for (p, &u) in units.iter().enumerate() {
            if let Some(slot) = position.get_mut(u) {
                *slot = small(p);
            }
        }
        // Forward rows of the sources, and of the destinations for the return.
        let wanted = |u: usize| q.from.is_none_or(|f| f == u) || q.to.is_none_or(|t| t == u);
        let mut forward = vec![Vec::new(); n];
        for (pa, &a) in units.iter().enumerate() {
            if !wanted(a) {
                continue;
            }
            let cells = match q.by {
                By::Spoke => net
                    .spoke_reached(a)
                    .into_iter()
                    .filter_map(|(b, status)| {
                        let &to = position.get(b)?;
                        Some(Cell {
                            to,
                            status,
                            witness: (small(a), small(b)),
                        })
                    })
                    .collect(),
                By::Account => account_cells(model, net, &position, units, a),
            };
            if let Some(slot) = forward.get_mut(pa) {
                *slot = cells;
            }
        }
        let mut reverse = vec![Vec::new(); n];
        for (pa, cells) in forward.iter().enumerate() {
            for c in cells {
                if let Some(list) = reverse.get_mut(c.to as usize) {
                    list.push((small(pa), c.status));
                }
            }
        }
        Rows {
            position,
            forward,
            reverse,
        }
    }

    /// What `a` reaches of `b`, when it reaches anything.
    fn cell(&self, a: usize, b: usize) -> Option<&Cell> {
        let (pa, pb) = (self.position_of(a)?, self.position_of(b)?);
        let row = self.forward.get(pa as usize)?;
        row.binary_search_by_key(&pb, |c| c.to)
            .ok()
            .and_then(|i| row.get(i))
    }

    /// The position of unit `u`; `None` for what is not a unit.
    fn position_of(&self, u: usize) -> Option<u32> {
        self.position.get(u).copied().filter(|&p| p != u32::MAX)
    }

    /// The status of `a` to `b` alone.
    fn status_only(&self, a: usize, b: usize) -> Status {
        self.cell(a, b).map_or(Status::None, |c| c.status)
    }

    /// Every pair of `a` with a unit it reaches or is reached by, in order of the
    /// other unit's position: (its position, forward status and witness, return
    /// status). Both lists are in position order, so one walk along them finds
    /// both directions of each pair without a search. Stops at the first error of `f`.
    fn partners<E>(
        &self,
        a: usize,
        mut f: impl FnMut(u32, Option<Cell>, Status) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(pa) = self.position_of(a) else {
            return Ok(());
        };
        let to = self.forward.get(pa as usize).map_or(&[][..], Vec::as_slice);
        let from = self.reverse.get(pa as usize).map_or(&[][..], Vec::as_slice);
        let (mut i, mut j) = (0, 0);
        loop {
            let (next_to, next_from) = (to.get(i), from.get(j));
            let pb = match (next_to, next_from) {
                (None, None) => return Ok(()),
                (Some(c), None) => c.to,
                (None, Some(&(p, _))) => p,
                (Some(c), Some(&(p, _))) => c.to.min(p),
            };
            let forward = next_to.filter(|c| c.to == pb).copied();
            if forward.is_some() {
                i += 1;
            }
            let ret = match next_from {
                Some(&(p, st)) if p == pb => {
                    j += 1;
                    st
                }
                _ => Status::None,
            };
            f(pb, forward, ret)?;
        }
    }
}

/// The units account `a` reaches at all, by position, from its spokes' rows: each
/// destination account once, with its status and witness.
fn account_cells(
    model: &Model,
    net: &Analysis,
    position: &[u32],
    units: &[usize],
    a: AccountIdx,
) -> Vec<Cell> {
    let reached = net.account_reached(a);
    let mut to: Vec<u32> = reached
        .spokes()
        .iter()
        .filter_map(|c| position.get(model.spokes.get(c.to)?.account).copied())
        .filter(|&p| p != u32::MAX)
        .collect();
    to.sort_unstable();
    to.dedup();
    to.into_iter()
        .filter_map(|pb| {
            let spokes = net.spokes_of(*units.get(pb as usize)?);
            let status = reached.status(spokes);
            let (x, y) = reached.witness(spokes)?;
            (status != Status::None).then_some(Cell {
                to: pb,
                status,
                witness: (small(x), small(y)),
            })
        })
        .collect()
}

/// What `audit/network.json` (and `--format json`) says of which pairs are listed.
pub(super) fn pairs_listed(q: Query) -> &'static str {
    if q.all_pairs {
        "every ordered pair asked for"
    } else {
        "every ordered pair where at least one direction delivers something; pairs not listed are `none` both ways"
    }
}

/// One pair as found, before it is named: what an [`AuditPair`] (and the JSON
/// writer's row, [`super::audit_json`]) is made from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub from: usize,
    pub to: usize,
    pub forward: Status,
    pub ret: Status,
    /// The spokes of the forward path's witness, when the forward direction delivers.
    pub witness: Option<(SpokeIdx, SpokeIdx)>,
}

/// The pairs a query asks for, ready to be read one source at a time (on any
/// thread).
pub(crate) struct Pairs {
    q: Query,
    units: Vec<usize>,
    rows: Rows,
}

impl Pairs {
    pub fn new(model: &Model, net: &Analysis, q: Query) -> Pairs {
        let units = units(model, net, q.by);
        let rows = Rows::new(model, net, q, &units);
        Pairs { q, units, rows }
    }

    /// The units whose pairs are listed, in order.
    pub fn sources(&self) -> impl Iterator<Item = usize> + '_ {
        let from = self.q.from;
        self.units
            .iter()
            .copied()
            .filter(move |&a| from.is_none_or(|f| f == a))
    }

    /// The pairs from `a`, in order, handed to `f` one at a time.
    pub fn from<E>(&self, a: usize, mut f: impl FnMut(Found) -> Result<(), E>) -> Result<(), E> {
        let (q, rows) = (self.q, &self.rows);
        // The pair of `a` with the unit at position `pb`, from its two directions.
        let mut found = |pb: u32, forward: Option<Cell>, ret: Status| {
            let Some(&b) = self.units.get(pb as usize) else {
                return Ok(());
            };
            if a == b || (!q.all_pairs && forward.is_none() && ret == Status::None) {
                return Ok(());
            }
            f(Found {
                from: a,
                to: b,
                forward: forward.map_or(Status::None, |c| c.status),
                ret,
                witness: forward.map(|c| (c.witness.0 as usize, c.witness.1 as usize)),
            })
        };
        if let Some(t) = q.to {
            if let Some(pt) = rows.position_of(t) {
                found(pt, rows.cell(a, t).copied(), rows.status_only(t, a))?;
            }
        } else if q.all_pairs {
            for (pb, &b) in self.units.iter().enumerate() {
                found(small(pb), rows.cell(a, b).copied(), rows.status_only(b, a))?;
            }
        } else {
            // Only the units that reach `a` or are reached by it can be listed.
            rows.partners(a, &mut found)?;
        }
        Ok(())
    }
}

/// Why a `partial` direction of a pair misses addresses; empty for any other.
pub(super) fn losses_if_partial(
    model: &Model,
    net: &Analysis,
    by: By,
    status: Status,
    from: usize,
    to: usize,
) -> Vec<LostRange> {
    if status == Status::Partial {
        losses(model, net, by, from, to)
    } else {
        Vec::new()
    }
}

/// The audit a query asks for, in memory.
pub fn audit(model: &Model, net: &Analysis, q: Query) -> NetworkAudit {
    let pairs = Pairs::new(model, net, q);
    let mut found = Vec::new();
    for a in pairs.sources() {
        let _ = pairs.from(a, |p| {
            found.push(p);
            Ok::<(), std::convert::Infallible>(())
        });
    }
    let pairs = found
        .into_iter()
        .map(|p| AuditPair {
            from: unit_name(model, q.by, p.from),
            to: unit_name(model, q.by, p.to),
            forward: status_str(p.forward).to_string(),
            ret: status_str(p.ret).to_string(),
            reachable: p.forward != Status::None && p.ret != Status::None,
            path: p
                .witness
                .map(|(x, y)| net.path(x, y))
                .unwrap_or_default()
                .iter()
                .map(|&s| explain::spoke(model, s).to_string())
                .collect(),
            forward_lost: losses_if_partial(model, net, q.by, p.forward, p.from, p.to),
            return_lost: losses_if_partial(model, net, q.by, p.ret, p.to, p.from),
        })
        .collect();
    NetworkAudit {
        by: q.by.as_str().to_string(),
        pairs_listed: pairs_listed(q).to_string(),
        pairs,
        internet: internet(model, net, q),
    }
}

/// Whether spoke `s` belongs to unit `u`.
fn in_unit(model: &Model, by: By, u: usize, s: SpokeIdx) -> bool {
    match by {
        By::Account => model.spokes.get(s).is_some_and(|sp| sp.account == u),
        By::Spoke => s == u,
    }
}

pub(super) fn internet(model: &Model, net: &Analysis, q: Query) -> InternetExposure {
    let name = |s: SpokeIdx| explain::spoke(model, s).to_string();
    let account = |s: SpokeIdx| explain::account_of_spoke(model, s).to_string();
    let mut ingress = Vec::new();
    let mut egress = Vec::new();
    let all_egress = net.internet_egress_all(model);
    for (i, s) in model.spokes.iter().enumerate() {
        if s.internet.ingress() {
            let forwards_to = if s.appliance {
                (0..model.spokes.len())
                    .filter(|&b| b != i && q.to.is_none_or(|t| in_unit(model, q.by, t, b)))
                    .filter_map(|b| match net.status(i, b) {
                        Status::None => None,
                        st => Some(Reached {
                            spoke: name(b),
                            status: status_str(st).to_string(),
                        }),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            ingress.push(IngressSpoke {
                spoke: name(i),
                account: account(i),
                appliance: s.appliance,
                forwards_to,
            });
        }
        if q.from.is_some_and(|f| !in_unit(model, q.by, f, i)) {
            continue;
        }
        let Some(e) = all_egress.get(i).cloned() else {
            continue;
        };
        let direct = s.internet.egress();
        if direct || e.status != Status::None {
            egress.push(EgressSpoke {
                spoke: name(i),
                account: account(i),
                direct,
                through_appliance: status_str(e.status).to_string(),
                through: e.through.iter().map(|&a| name(a)).collect(),
                path: if e.path.is_empty() {
                    Vec::new()
                } else {
                    std::iter::once(i).chain(e.path).map(name).collect()
                },
            });
        }
    }
    InternetExposure { ingress, egress }
}

/// How a pair looks from its source, for grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    FullBoth,
    Partial,
    OutOnly,
    InOnly,
    Nothing,
}

impl Group {
    fn of(p: &AuditPair) -> Group {
        match (p.forward.as_str(), p.ret.as_str()) {
            ("full", "full") => Group::FullBoth,
            ("none", "none") => Group::Nothing,
            (_, "none") => Group::OutOnly,
            ("none", _) => Group::InOnly,
            _ => Group::Partial,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Group::FullBoth => "full, both ways",
            Group::Partial => "in part",
            Group::OutOnly => "one way, no reply",
            Group::InOnly => "one way, from them",
            Group::Nothing => "no path",
        }
    }
}

/// The audit for a person: grouped by source, then the pairs that need a closer
/// look (partial or one-way) in detail, then the internet. With both `--from` and
/// `--to`, every direction of the pair in detail.
pub fn text(model: &Model, net: &Analysis, q: Query, audit: &NetworkAudit) -> String {
    let mut out = String::new();
    let units = units(model, net, q.by);
    let gateways: Vec<&str> = model.gateways.iter().map(|g| g.name.as_str()).collect();
    let on = format!(
        "{} on {}: {}",
        plural(model.spokes.len(), "spoke"),
        plural(gateways.len(), "gateway"),
        if gateways.is_empty() {
            "-".to_string()
        } else {
            gateways.join(", ")
        }
    );
    let _ = match q.by {
        By::Account => writeln!(
            out,
            "Network reachability by account ({} with spokes, {on})",
            plural(units.len(), "account"),
        ),
        By::Spoke => writeln!(out, "Network reachability by spoke ({on})"),
    };
    let _ = writeln!(
        out,
        "Both ways = packets arrive and replies come back; full = every address of the destination."
    );
    out.push('\n');
    if let (Some(f), Some(t)) = (q.from, q.to) {
        pair_detail(&mut out, model, net, q.by, f, t);
        pair_detail(&mut out, model, net, q.by, t, f);
        return out;
    }
    // Group each source's destinations.
    let mut current: Option<&str> = None;
    let mut groups: Vec<(Group, Vec<String>)> = Vec::new();
    let header = |src: &str| -> String {
        if q.by == By::Spoke {
            let Some(sp) = model.spokes.iter().find(|s| s.name == src) else {
                return src.to_string();
            };
            let mut notes = Vec::new();
            let acc = model
                .accounts
                .get(sp.account)
                .map_or("?", |a| a.name.as_str());
            if acc != src {
                notes.push(format!("account {acc}"));
            }
            if sp.appliance {
                notes.push("appliance".to_string());
            }
            return if notes.is_empty() {
                src.to_string()
            } else {
                format!("{src} ({})", notes.join(", "))
            };
        }
        let Some(a) = model.accounts.iter().position(|a| a.name == src) else {
            return src.to_string();
        };
        let spokes: Vec<&str> = net
            .spokes_of(a)
            .iter()
            .map(|&s| explain::spoke(model, s))
            .collect();
        if spokes == [src] {
            src.to_string()
        } else {
            format!("{src} (spokes: {})", spokes.join(", "))
        }
    };
    let flush = |out: &mut String, src: Option<&str>, groups: &mut Vec<(Group, Vec<String>)>| {
        if let Some(src) = src {
            let _ = writeln!(out, "{}", header(src));
            groups.sort_by_key(|(g, _)| *g);
            for (g, names) in groups.iter() {
                let _ = writeln!(out, "  {:<20} {}", g.label(), names.join(", "));
            }
        }
        groups.clear();
    };
    for p in &audit.pairs {
        if current != Some(p.from.as_str()) {
            flush(&mut out, current, &mut groups);
            current = Some(p.from.as_str());
        }
        let g = Group::of(p);
        let name = if g == Group::Partial {
            format!("{} (forward {}, return {})", p.to, p.forward, p.ret)
        } else {
            p.to.clone()
        };
        match groups.iter_mut().find(|(x, _)| *x == g) {
            Some((_, names)) => names.push(name),
            None => groups.push((g, vec![name])),
        }
    }
    flush(&mut out, current, &mut groups);
    if !q.all_pairs {
        let _ = writeln!(out, "  (pairs not listed: no path either way)");
    }
    // Each unordered pair once, from the side that sends.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let closer: Vec<&AuditPair> = audit
        .pairs
        .iter()
        .filter(|p| matches!(Group::of(p), Group::Partial | Group::OutOnly))
        .filter(|p| {
            let fresh = !seen.contains(&(p.to.as_str(), p.from.as_str()));
            seen.push((p.from.as_str(), p.to.as_str()));
            fresh
        })
        .collect();
    if !closer.is_empty() {
        let _ = writeln!(out, "\nIn part or one way:");
        for p in closer {
            let _ = writeln!(
                out,
                "  {} → {}: forward {}, return {}{}",
                p.from,
                p.to,
                p.forward,
                p.ret,
                if p.path.is_empty() {
                    String::new()
                } else {
                    format!("; path {}", p.path.join(" → "))
                }
            );
            let index = |name: &str| match q.by {
                By::Account => model.accounts.iter().position(|a| a.name == name),
                By::Spoke => model.spokes.iter().position(|s| s.name == name),
            };
            let (Some(a), Some(b)) = (index(&p.from), index(&p.to)) else {
                continue;
            };
            for (dir, status, x, y) in [
                ("forward", p.forward.as_str(), a, b),
                ("return", p.ret.as_str(), b, a),
            ] {
                if status == "full" {
                    continue;
                }
                for l in losses(model, net, q.by, x, y) {
                    let _ = writeln!(out, "    {dir}: {}", lost_line(&l));
                }
            }
        }
    }
    if q.by == By::Account {
        let without: Vec<&str> = model
            .accounts
            .iter()
            .enumerate()
            .filter(|(i, _)| net.spokes_of(*i).is_empty())
            .map(|(_, a)| a.name.as_str())
            .collect();
        if !without.is_empty() && q.from.is_none() && q.to.is_none() {
            let _ = writeln!(out, "\nAccounts without spokes: {}", without.join(", "));
        }
    }
    let without: Vec<&str> = model
        .spokes
        .iter()
        .enumerate()
        .filter(|(i, _)| q.from.is_none_or(|f| in_unit(model, q.by, f, *i)))
        .map(|(_, s)| s.name.as_str())
        .filter(|s| !audit.internet.egress.iter().any(|e| e.spoke == *s))
        .collect();
    internet_text(&mut out, &audit.internet, &without);
    out
}

fn lost_line(l: &LostRange) -> String {
    let mut s = l.destinations.join(", ");
    if let (Some(a), Some(b)) = (&l.from_spoke, &l.to_spoke) {
        let _ = write!(s, " (spoke {a} → {b})");
    } else if let Some(b) = &l.to_spoke {
        let _ = write!(s, " (spoke {b})");
    }
    let _ = write!(s, ": {}", l.detail);
    if !l.via.is_empty() {
        let _ = write!(s, ", after {}", l.via.join(" → "));
    }
    s
}

/// `without_internet`: the spokes (of the query) that reach no part of the internet.
fn internet_text(out: &mut String, net: &InternetExposure, without_internet: &[&str]) {
    let _ = writeln!(out, "\nInternet:");
    if net.ingress.is_empty() {
        let _ = writeln!(
            out,
            "  inbound:  no spoke has an internet gateway for inbound traffic"
        );
    }
    for i in &net.ingress {
        let _ = write!(out, "  inbound:  {} (account {})", i.spoke, i.account);
        if i.appliance {
            let reached: Vec<String> = i
                .forwards_to
                .iter()
                .map(|r| {
                    if r.status == "full" {
                        r.spoke.clone()
                    } else {
                        format!("{} ({})", r.spoke, r.status)
                    }
                })
                .collect();
            let _ = write!(
                out,
                ", an appliance that can forward it to {}",
                if reached.is_empty() {
                    "no spoke".to_string()
                } else {
                    reached.join(", ")
                }
            );
        }
        let _ = writeln!(out);
    }
    let direct: Vec<&str> = net
        .egress
        .iter()
        .filter(|e| e.direct)
        .map(|e| e.spoke.as_str())
        .collect();
    if !direct.is_empty() {
        let _ = writeln!(
            out,
            "  outbound: {} directly, through {} own internet gateway",
            direct.join(", "),
            if direct.len() == 1 { "its" } else { "their" }
        );
    }
    // Spokes leaving through the same appliances, with the same status.
    let mut through: Vec<((String, String), Vec<&str>)> = Vec::new();
    for e in net.egress.iter().filter(|e| e.through_appliance != "none") {
        let key = (e.through.join(", "), e.through_appliance.clone());
        match through.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(e.spoke.as_str()),
            None => through.push((key, vec![e.spoke.as_str()])),
        }
    }
    for ((appliances, status), spokes) in &through {
        let _ = writeln!(
            out,
            "  outbound: {} through {appliances}{}",
            spokes.join(", "),
            if status == "full" {
                String::new()
            } else {
                format!(" ({status}: some public addresses do not leave)")
            }
        );
    }
    if direct.is_empty() && through.is_empty() {
        let _ = writeln!(out, "  outbound: no spoke reaches the internet");
    } else if !without_internet.is_empty() {
        let _ = writeln!(out, "  no way out: {}", without_internet.join(", "));
    }
}

/// One direction of one pair, spoke by spoke, with every range and its fate.
fn pair_detail(out: &mut String, model: &Model, net: &Analysis, by: By, a: usize, b: usize) {
    let (an, bn) = (unit_name(model, by, a), unit_name(model, by, b));
    let spokes = |u: usize| match by {
        By::Account => net.spokes_of(u).to_vec(),
        By::Spoke => vec![u],
    };
    let status = match by {
        By::Account => net.account_reach(a, b, &[]).status,
        By::Spoke => net.status(a, b),
    };
    let _ = writeln!(out, "{an} → {bn}: {}", status_str(status));
    let (sa, sb) = (spokes(a), spokes(b));
    if sa.is_empty() || sb.is_empty() {
        let _ = writeln!(
            out,
            "  `{}` has no spoke",
            if sa.is_empty() { &an } else { &bn }
        );
    }
    for &x in &sa {
        for &y in &sb {
            if x == y {
                continue;
            }
            let (xn, yn) = (explain::spoke(model, x), explain::spoke(model, y));
            match net.forward(x, y) {
                None => {
                    let _ = writeln!(
                        out,
                        "  spoke {xn} → {yn}: none (attached to different gateways, which do not route to each other)"
                    );
                }
                Some(f) => forward_detail(out, model, net, x, y, &f),
            }
        }
    }
    let _ = writeln!(out);
}

fn forward_detail(
    out: &mut String,
    model: &Model,
    net: &Analysis,
    x: SpokeIdx,
    y: SpokeIdx,
    f: &Forward,
) {
    let (xn, yn) = (explain::spoke(model, x), explain::spoke(model, y));
    let gateway = model.spokes.get(x).map_or(0, |s| s.gateway);
    let _ = write!(out, "  spoke {xn} → {yn}: {}", status_str(f.status));
    if !f.path.is_empty() {
        let _ = write!(out, ", path {}", explain::arrow_path(model, &f.path));
    }
    let _ = writeln!(out);
    for d in &f.delivered {
        let path: Vec<SpokeIdx> = std::iter::once(x)
            .chain(d.via.iter().copied())
            .chain(std::iter::once(y))
            .collect();
        let _ = writeln!(
            out,
            "    arrives   {} via {}",
            explain::cidrs(&d.range).join(", "),
            explain::arrow_path(model, &path)
        );
        for hop in explain::hops(model, net, &path, d.range.first) {
            let _ = writeln!(out, "              {}", hop.text);
        }
    }
    for l in &f.lost {
        let _ = write!(
            out,
            "    lost      {}: {}",
            explain::cidrs(&l.range).join(", "),
            explain::reason(model, gateway, &l.reason)
        );
        if !l.via.is_empty() {
            let _ = write!(out, ", after {}", explain::arrow_path(model, &l.via));
        }
        let _ = writeln!(out);
        // Losses decided by a table lookup: show the lookups of the first address.
        if matches!(
            l.reason,
            Reason::Blackhole { .. }
                | Reason::NoRoute { .. }
                | Reason::SentTo { .. }
                | Reason::Loop { .. }
        ) {
            let spokes: Vec<SpokeIdx> = std::iter::once(x).chain(l.via.iter().copied()).collect();
            for hop in explain::lookups(model, net, &spokes, l.range.first) {
                let _ = writeln!(out, "              {} (for {})", hop.text, l.range.first);
            }
        }
    }
}

/// The audit as a Markdown table (for pull-request comments), then the internet.
pub fn markdown(audit: &NetworkAudit) -> String {
    let mut out = String::new();
    if audit.pairs_listed
        != pairs_listed(Query {
            all_pairs: true,
            ..Query::file()
        })
    {
        let _ = writeln!(
            out,
            "_Pairs not listed reach nothing either way (`--all-pairs` lists them)._\n"
        );
    }
    let _ = writeln!(out, "| from | to | forward | return | reachable | path |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for p in &audit.pairs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            p.from,
            p.to,
            p.forward,
            p.ret,
            if p.reachable { "yes" } else { "no" },
            if p.path.is_empty() {
                "–".to_string()
            } else {
                p.path.join(" → ")
            }
        );
    }
    let lost: Vec<(&AuditPair, &str, &LostRange)> = audit
        .pairs
        .iter()
        .flat_map(|p| {
            p.forward_lost
                .iter()
                .map(move |l| (p, "forward", l))
                .chain(p.return_lost.iter().map(move |l| (p, "return", l)))
        })
        .collect();
    if !lost.is_empty() {
        let _ = writeln!(out, "\n**Addresses that do not arrive**\n");
        for (p, dir, l) in lost {
            let _ = writeln!(out, "- {} → {} ({dir}): {}", p.from, p.to, lost_line(l));
        }
    }
    let _ = writeln!(out, "\n**Internet**\n");
    let _ = writeln!(out, "| spoke | account | inbound | outbound |");
    let _ = writeln!(out, "|---|---|---|---|");
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for i in &audit.internet.ingress {
        rows.push((
            i.spoke.clone(),
            i.account.clone(),
            if i.appliance {
                format!("yes, forwards to {} spokes", i.forwards_to.len())
            } else {
                "yes".to_string()
            },
            String::new(),
        ));
    }
    for e in &audit.internet.egress {
        let how = match (e.direct, e.through_appliance.as_str()) {
            (true, "none") => "own internet gateway".to_string(),
            (true, s) => format!("own internet gateway; {s} through {}", e.through.join(", ")),
            (false, s) => format!("{s} through {}", e.through.join(", ")),
        };
        match rows.iter_mut().find(|r| r.0 == e.spoke) {
            Some(r) => r.3 = how,
            None => rows.push((e.spoke.clone(), e.account.clone(), String::new(), how)),
        }
    }
    rows.sort();
    for (s, a, i, e) in rows {
        let dash = |x: String| if x.is_empty() { "–".to_string() } else { x };
        let _ = writeln!(out, "| {s} | {a} | {} | {} |", dash(i), dash(e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairs listed, with their statuses and witnesses, are exactly the ordered
    /// pairs that the pair-by-pair answers say reach something one way or the other,
    /// by account and by spoke, for every org here.
    #[test]
    fn listed_pairs_are_the_pairs_that_reach_something() {
        for (org, checked) in crate::network::checked_test_orgs() {
            let (model, net) = (
                checked.model.as_ref().unwrap(),
                checked.network.as_ref().unwrap(),
            );
            for by in [By::Account, By::Spoke] {
                let q = Query {
                    by,
                    ..Query::file()
                };
                let pairs = Pairs::new(model, net, q);
                let mut listed = Vec::new();
                for a in pairs.sources() {
                    pairs
                        .from(a, |p| {
                            listed.push((p.from, p.to, p.forward, p.ret, p.witness));
                            Ok::<(), ()>(())
                        })
                        .unwrap();
                }
                let units = units(model, net, by);
                let answer = |a: usize, b: usize| match by {
                    By::Account => {
                        let r = net.account_reach(a, b, &[]);
                        (r.status, r.witness())
                    }
                    By::Spoke => {
                        let st = net.status(a, b);
                        (st, (st != Status::None).then_some((a, b)))
                    }
                };
                let mut expected = Vec::new();
                for &a in &units {
                    for &b in units.iter().filter(|&&b| b != a) {
                        let ((forward, witness), (ret, _)) = (answer(a, b), answer(b, a));
                        if forward != Status::None || ret != Status::None {
                            expected.push((a, b, forward, ret, witness));
                        }
                    }
                }
                assert!(!expected.is_empty(), "{} {by:?}", org.display());
                assert_eq!(listed, expected, "{} {by:?}", org.display());
            }
        }
    }
}
