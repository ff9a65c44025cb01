//! The engine against the per-address oracle on small random networks inside
//! 10.0.0.0/20: every ordered pair, every destination address, both directions.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};
use proptest::prelude::*;

use super::super::{
    Gateway, Reachability, Reason, Spoke, StaticRoute, Status, Table, Target,
    all_default_vpc_routes, default_vpc_routes,
};
use super::oracle::{Fate, Oracle, v4};

const BASE: u32 = 0x0A00_0000;
const SPACE: u32 = 4096;

#[derive(Debug, Clone)]
struct RouteSpec {
    len: u8,
    offset: u32,
    /// `None` is a blackhole; otherwise a spoke, modulo the spoke count.
    target: Option<usize>,
}

#[derive(Debug, Clone)]
struct SpokeSpec {
    cidrs: Vec<(u8, u32)>,
    associate: usize,
    propagate: u8,
    appliance: bool,
    vpc: Option<Vec<(u8, u32)>>,
}

#[derive(Debug, Clone)]
struct NetSpec {
    tables: Vec<Vec<RouteSpec>>,
    spokes: Vec<SpokeSpec>,
}

fn prefix(len: u8, offset: u32) -> IpNet {
    IpNet::V4(
        Ipv4Net::new(Ipv4Addr::from(BASE + offset % SPACE), len)
            .unwrap()
            .trunc(),
    )
}

fn route_len() -> impl Strategy<Value = u8> {
    prop_oneof![1 => Just(0u8), 1 => Just(8u8), 1 => Just(16u8), 8 => 20u8..=32]
}

fn net_spec() -> impl Strategy<Value = NetSpec> {
    let route = (
        route_len(),
        0..SPACE,
        prop::option::weighted(0.75, any::<usize>()),
    )
        .prop_map(|(len, offset, target)| RouteSpec {
            len,
            offset,
            target,
        });
    let vpc_len = prop_oneof![Just(16u8), 20u8..=28];
    let spoke = (
        prop::collection::vec((22u8..=28, 0..SPACE), 1..=2),
        any::<usize>(),
        any::<u8>(),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.35, prop::collection::vec((vpc_len, 0..SPACE), 1..=3)),
    )
        .prop_map(|(cidrs, associate, propagate, appliance, vpc)| SpokeSpec {
            cidrs,
            associate,
            propagate,
            appliance,
            vpc,
        });
    (
        prop::collection::vec(prop::collection::vec(route, 0..=5), 1..=4),
        prop::collection::vec(spoke, 2..=8),
    )
        .prop_map(|(tables, spokes)| NetSpec { tables, spokes })
}

/// A valid gateway: spoke CIDRs that would overlap are dropped, one static
/// route per destination and table.
fn build(spec: &NetSpec) -> Gateway {
    let n_tables = spec.tables.len();
    let n_spokes = spec.spokes.len();
    let mut taken: Vec<IpNet> = Vec::new();
    let spokes = spec
        .spokes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut cidrs = Vec::new();
            for &(len, offset) in &s.cidrs {
                let c = prefix(len, offset);
                if !taken.iter().any(|t| t.contains(&c) || c.contains(t)) {
                    taken.push(c);
                    cidrs.push(c);
                }
            }
            Spoke {
                name: format!("s{i}"),
                cidrs,
                associate: s.associate % n_tables,
                propagate: (0..n_tables)
                    .filter(|t| s.propagate & (1 << t) != 0)
                    .collect(),
                appliance: s.appliance,
                vpc_routes: s
                    .vpc
                    .as_ref()
                    .map(|v| v.iter().map(|&(len, offset)| prefix(len, offset)).collect()),
            }
        })
        .collect();
    let tables = spec
        .tables
        .iter()
        .enumerate()
        .map(|(i, routes)| {
            let mut static_routes: Vec<StaticRoute> = Vec::new();
            for r in routes {
                let destination = prefix(r.len, r.offset);
                if static_routes.iter().any(|s| s.destination == destination) {
                    continue;
                }
                let target = match r.target {
                    Some(s) => Target::Spoke(s % n_spokes),
                    None => Target::Blackhole,
                };
                static_routes.push(StaticRoute {
                    destination,
                    target,
                });
            }
            Table {
                name: format!("t{i}"),
                static_routes,
            }
        })
        .collect();
    Gateway { tables, spokes }
}

fn as_u32(ip: IpAddr) -> u32 {
    match ip {
        IpAddr::V4(a) => u32::from(a),
        IpAddr::V6(_) => panic!("IPv6 in an IPv4-only network"),
    }
}

/// Checks every ordered pair against the oracle.
fn check(g: &Gateway) -> Result<(), TestCaseError> {
    let oracle = Oracle::new(g);
    let r = Reachability::analyse(g);
    let n = g.spokes.len();
    for a in 0..n {
        let row = r.forward_row(a);
        prop_assert_eq!(row.len(), n);
        // The sparse form: the row's cells that reach anything, `a` left out.
        let sparse: Vec<(usize, Status)> = row
            .iter()
            .copied()
            .enumerate()
            .filter(|&(b, st)| b != a && st != Status::None)
            .collect();
        prop_assert_eq!(r.reached_from(a).collect::<Vec<_>>(), sparse);
        for (b, &in_row) in row.iter().enumerate() {
            let f = r.forward(a, b);
            // The engine's answer, one address at a time.
            let mut engine: Vec<(u32, Fate)> = Vec::new();
            for d in &f.delivered {
                for x in as_u32(d.range.first)..=as_u32(d.range.last) {
                    engine.push((x, Fate::Delivered { via: d.via.clone() }));
                }
            }
            for l in &f.lost {
                for x in as_u32(l.range.first)..=as_u32(l.range.last) {
                    engine.push((
                        x,
                        Fate::Lost {
                            reason: l.reason,
                            via: l.via.clone(),
                        },
                    ));
                }
            }
            engine.sort_by_key(|e| e.0);
            let expected: Vec<(u32, Fate)> = oracle
                .addresses(b)
                .into_iter()
                .map(|x| (x, oracle.fate(a, b, x)))
                .collect();
            prop_assert_eq!(&engine, &expected, "pair ({}, {})", a, b);

            let delivered = expected
                .iter()
                .filter(|e| matches!(e.1, Fate::Delivered { .. }))
                .count();
            let status = match delivered {
                0 => Status::None,
                d if d == expected.len() => Status::Full,
                _ => Status::Partial,
            };
            prop_assert_eq!(f.status, status, "pair ({}, {})", a, b);
            let counted: u128 = f.delivered.iter().map(|d| d.range.address_count()).sum();
            prop_assert_eq!(counted, delivered as u128);
            prop_assert_eq!(r.status(a, b), status);
            prop_assert_eq!(in_row, status);
            let path = expected.iter().find_map(|e| match &e.1 {
                Fate::Delivered { via } if a == b => Some(vec![a]),
                Fate::Delivered { via } => Some([vec![a], via.clone(), vec![b]].concat()),
                Fate::Lost { .. } => None,
            });
            prop_assert_eq!(&r.path(a, b), &f.path, "path of pair ({}, {})", a, b);
            prop_assert_eq!(f.path, path.unwrap_or_default());
        }
    }
    for p in r.pairs() {
        prop_assert_eq!(p.ret, r.status(p.to, p.from));
        prop_assert_eq!(r.return_row(p.from)[p.to], p.ret);
    }
    let pair = r.pair(0, 1);
    prop_assert_eq!(&pair.ret, &r.forward(1, 0));
    prop_assert_eq!(
        pair.reachable,
        pair.forward.status != Status::None && pair.ret.status != Status::None
    );
    // Default VPC routes: what they send (own CIDRs aside) is what the table
    // routes. Both sides are unions of prefixes, so each is constant between
    // prefix boundaries: probing every prefix's first address and the one
    // after its last visits every stretch where either could change.
    let defaults = all_default_vpc_routes(g);
    for (s, routes) in defaults.iter().enumerate() {
        prop_assert_eq!(routes, &default_vpc_routes(g, s));
    }
    let every_prefix = g
        .tables
        .iter()
        .flat_map(|t| t.static_routes.iter().map(|r| r.destination))
        .chain(g.spokes.iter().flat_map(|s| s.cidrs.iter().copied()))
        .chain(defaults.iter().flatten().copied());
    let mut probes: Vec<u32> = vec![0];
    for p in every_prefix {
        if let IpNet::V4(p) = p {
            probes.push(u32::from(p.network()));
            probes.extend(u32::from(p.broadcast()).checked_add(1));
        }
    }
    probes.sort_unstable();
    probes.dedup();
    let routed: Vec<Vec<bool>> = (0..g.tables.len())
        .map(|t| {
            probes
                .iter()
                .map(|&x| oracle.lookup(t, x).is_some())
                .collect()
        })
        .collect();
    for s in 0..n {
        let routes: Vec<(u32, u32)> = defaults[s]
            .iter()
            .map(|net| match net {
                IpNet::V4(n) => (u32::from(n.network()), u32::from(n.broadcast())),
                IpNet::V6(_) => panic!("IPv6 route in an IPv4-only network"),
            })
            .collect();
        let own = oracle.addresses(s);
        for (i, &x) in probes.iter().enumerate() {
            if own.binary_search(&x).is_ok() {
                continue;
            }
            let sent = routes.iter().any(|&(lo, hi)| lo <= x && x <= hi);
            let expected = routed[g.spokes[s].associate][i];
            prop_assert_eq!(sent, expected, "spoke {} address {}", s, v4(x));
        }
    }
    Ok(())
}

/// Checks packets from every spoke to every address of the space (minus the
/// first spoke's CIDRs), owned by a spoke or not, against the oracle.
fn check_toward(g: &Gateway) -> Result<(), TestCaseError> {
    use super::super::Fate as EngineFate;
    let oracle = Oracle::new(g);
    let r = Reachability::analyse(g);
    let space = [prefix(20, 0)];
    let excluded = g.spokes[0].cidrs.clone();
    let skip = oracle.addresses(0);
    let mut owners: Vec<Option<usize>> = vec![None; SPACE as usize];
    for s in 0..g.spokes.len() {
        for x in oracle.addresses(s) {
            owners[(x - BASE) as usize] = Some(s);
        }
    }
    let owner = |x: u32| owners[(x - BASE) as usize];
    for from in 0..g.spokes.len() {
        let mut engine: Vec<(u32, EngineFate, Vec<usize>)> = Vec::new();
        for e in r.toward(from, &space, &excluded) {
            for x in as_u32(e.range.first)..=as_u32(e.range.last) {
                engine.push((x, e.fate, e.via.clone()));
            }
        }
        let expected: Vec<(u32, EngineFate, Vec<usize>)> = (BASE..BASE + SPACE)
            .filter(|x| skip.binary_search(x).is_err())
            .map(|x| match owner(x) {
                Some(s) if s == from => (x, EngineFate::Lost(Reason::Local), vec![]),
                o => match oracle.fate(from, o.unwrap_or(usize::MAX), x) {
                    Fate::Delivered { via } => {
                        (x, EngineFate::Delivered { spoke: o.unwrap() }, via)
                    }
                    Fate::Lost { reason, via } => (x, EngineFate::Lost(reason), via),
                },
            })
            .collect();
        prop_assert_eq!(engine, expected, "from {}", from);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn engine_matches_oracle(spec in net_spec()) {
        check(&build(&spec))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn toward_matches_oracle(spec in net_spec()) {
        check_toward(&build(&spec))?;
    }
}
