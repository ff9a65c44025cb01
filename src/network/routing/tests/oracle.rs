//! A per-address simulation of the routing rules, written straight from the
//! spec and sharing no code with the interval engine: every lookup scans every
//! route. IPv4 only, which is all the random networks use.

use std::net::Ipv4Addr;

use ipnet::IpNet;

use super::super::{Gateway, Reason, Target};

/// What happens to one packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fate {
    Delivered { via: Vec<usize> },
    Lost { reason: Reason, via: Vec<usize> },
}

/// A prefix as (network, mask).
#[derive(Debug, Clone, Copy)]
struct Prefix {
    network: u32,
    mask: u32,
    len: u8,
}

impl Prefix {
    fn of(net: &IpNet) -> Option<Prefix> {
        match net {
            IpNet::V4(n) => Some(Prefix {
                network: u32::from(n.network()),
                mask: u32::from(n.netmask()),
                len: n.prefix_len(),
            }),
            IpNet::V6(_) => None,
        }
    }

    fn contains(&self, x: u32) -> bool {
        x & self.mask == self.network
    }
}

#[derive(Debug, Clone, Copy)]
struct OracleRoute {
    prefix: Prefix,
    is_static: bool,
    target: Target,
}

pub(super) struct Oracle<'a> {
    gateway: &'a Gateway,
    /// Per table, every route: static ones in order, then each propagating
    /// spoke's CIDRs in spoke order.
    routes: Vec<Vec<OracleRoute>>,
    own: Vec<Vec<Prefix>>,
}

impl<'a> Oracle<'a> {
    pub(super) fn new(gateway: &'a Gateway) -> Self {
        let routes = (0..gateway.tables.len())
            .map(|t| {
                let mut list: Vec<OracleRoute> = gateway.tables[t]
                    .static_routes
                    .iter()
                    .filter_map(|r| {
                        Some(OracleRoute {
                            prefix: Prefix::of(&r.destination)?,
                            is_static: true,
                            target: r.target,
                        })
                    })
                    .collect();
                for (s, spoke) in gateway.spokes.iter().enumerate() {
                    if spoke.propagate.contains(&t) {
                        for c in &spoke.cidrs {
                            list.push(OracleRoute {
                                prefix: Prefix::of(c).unwrap(),
                                is_static: false,
                                target: Target::Spoke(s),
                            });
                        }
                    }
                }
                list
            })
            .collect();
        let own = gateway
            .spokes
            .iter()
            .map(|s| s.cidrs.iter().filter_map(Prefix::of).collect())
            .collect();
        Oracle {
            gateway,
            routes,
            own,
        }
    }

    /// Longest prefix wins; for equal prefixes static beats propagated.
    pub(super) fn lookup(&self, table: usize, x: u32) -> Option<Target> {
        let mut best: Option<OracleRoute> = None;
        for r in &self.routes[table] {
            if !r.prefix.contains(x) {
                continue;
            }
            let better = match best {
                None => true,
                Some(b) => {
                    r.prefix.len > b.prefix.len
                        || (r.prefix.len == b.prefix.len && r.is_static && !b.is_static)
                }
            };
            if better {
                best = Some(*r);
            }
        }
        best.map(|r| r.target)
    }

    fn owns(&self, spoke: usize, x: u32) -> bool {
        self.own[spoke].iter().any(|p| p.contains(x))
    }

    /// Whether the spoke's VPC sends `x` to the gateway (its own CIDRs aside).
    pub(super) fn vpc_sends(&self, spoke: usize, x: u32) -> bool {
        let s = &self.gateway.spokes[spoke];
        match &s.vpc_routes {
            Some(list) => list.iter().filter_map(Prefix::of).any(|p| p.contains(x)),
            None => self.lookup(s.associate, x).is_some(),
        }
    }

    /// A packet from spoke `from` to address `x`, meant for spoke `to`.
    pub(super) fn fate(&self, from: usize, to: usize, x: u32) -> Fate {
        if self.owns(from, x) {
            return if from == to {
                Fate::Delivered { via: vec![] }
            } else {
                Fate::Lost {
                    reason: Reason::Local,
                    via: vec![],
                }
            };
        }
        if !self.vpc_sends(from, x) {
            return Fate::Lost {
                reason: Reason::NoVpcRoute { spoke: from },
                via: vec![],
            };
        }
        let mut table = self.gateway.spokes[from].associate;
        let mut via: Vec<usize> = Vec::new();
        loop {
            let reason = match self.lookup(table, x) {
                None => Reason::NoRoute { table },
                Some(Target::Blackhole) => Reason::Blackhole { table },
                Some(Target::Spoke(s)) if self.owns(s, x) => {
                    if s == to {
                        return Fate::Delivered { via };
                    }
                    Reason::SentTo { spoke: s }
                }
                Some(Target::Spoke(s)) if !self.gateway.spokes[s].appliance => {
                    Reason::SentTo { spoke: s }
                }
                Some(Target::Spoke(s)) if via.contains(&s) => Reason::Loop { appliance: s },
                Some(Target::Spoke(s)) => {
                    via.push(s);
                    if !self.vpc_sends(s, x) {
                        Reason::NoVpcRoute { spoke: s }
                    } else {
                        table = self.gateway.spokes[s].associate;
                        continue;
                    }
                }
            };
            return Fate::Lost { reason, via };
        }
    }

    /// Every address of a spoke, ascending.
    pub(super) fn addresses(&self, spoke: usize) -> Vec<u32> {
        let mut out: Vec<u32> = self.own[spoke]
            .iter()
            .flat_map(|p| p.network..=(p.network | !p.mask))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

pub(super) fn v4(x: u32) -> std::net::IpAddr {
    std::net::IpAddr::V4(Ipv4Addr::from(x))
}
