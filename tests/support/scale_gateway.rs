//! A synthetic gateway at the size of AWS's attachment quota: 5,000 spokes,
//! 20 tables, about 3,000 static and blackhole routes, three appliances.
//! Shared by the scale test and the timing example.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};
use orgc::network::routing::{Gateway, Spoke, StaticRoute, Table, Target};

pub const SPOKES: usize = 5_000;
const SEGMENTS: usize = 16;
const INSPECTION: usize = 16;
const EGRESS: usize = 17;
const SHARED: usize = 18;
const QUARANTINE: usize = 19;
const SHARED_SPOKES: usize = 50;
/// Spoke indices of the appliances.
pub const INSPECT_A: usize = 0;
pub const EGRESS_SPOKE: usize = 1;
pub const INSPECT_B: usize = 2;
const FIRST_WORKLOAD: usize = 3 + SHARED_SPOKES;

fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> IpNet {
    match Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len) {
        Ok(n) => IpNet::V4(n),
        Err(_) => IpNet::V4(Ipv4Net::default()),
    }
}

fn route(destination: IpNet, target: Target) -> StaticRoute {
    StaticRoute {
        destination,
        target,
    }
}

/// Deterministic pseudo-random numbers (a linear congruential generator).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn appliance(name: &str, cidr: IpNet, associate: usize) -> Spoke {
    Spoke {
        name: name.to_string(),
        cidrs: vec![cidr],
        associate,
        propagate: vec![],
        appliance: true,
        vpc_routes: None,
    }
}

/// Workload spoke `j` of segment `k`: 10.(2k + j/256).(j%256).0/24, and for one
/// in ten a second /24 in 100.64.0.0/10.
fn workload_cidrs(k: usize, j: usize) -> Vec<IpNet> {
    let (hi, lo) = ((2 * k + j / 256) as u8, (j % 256) as u8);
    let mut cidrs = vec![v4(10, hi, lo, 0, 24)];
    if j % 10 == 3 {
        cidrs.push(v4(100, 64 + hi, lo, 0, 24));
    }
    cidrs
}

pub fn scale_gateway() -> Gateway {
    let mut spokes = vec![
        appliance("inspect-a", v4(10, 255, 0, 0, 24), INSPECTION),
        appliance("egress", v4(10, 255, 1, 0, 24), EGRESS),
        appliance("inspect-b", v4(10, 255, 2, 0, 24), INSPECTION),
    ];
    for s in 0..SHARED_SPOKES {
        spokes.push(Spoke {
            name: format!("shared-{s}"),
            cidrs: vec![v4(10, 254, s as u8, 0, 24)],
            associate: SHARED,
            propagate: (0..SEGMENTS).chain([INSPECTION]).collect(),
            appliance: false,
            vpc_routes: None,
        });
    }
    let mut per_segment = [0usize; SEGMENTS];
    for i in FIRST_WORKLOAD..SPOKES {
        let k = i % SEGMENTS;
        let Some(count) = per_segment.get_mut(k) else {
            continue;
        };
        let j = *count;
        *count += 1;
        spokes.push(Spoke {
            name: format!("workload-{i}"),
            cidrs: workload_cidrs(k, j),
            associate: if i % 101 == 0 { QUARANTINE } else { k },
            propagate: vec![k, INSPECTION],
            appliance: false,
            vpc_routes: (i % 50 == 0).then(|| vec![v4(10, 0, 0, 0, 8)]),
        });
    }

    let mut rng = Lcg(7);
    let mut tables = Vec::new();
    for k in 0..SEGMENTS {
        let inspect = if k % 2 == 0 { INSPECT_A } else { INSPECT_B };
        let mut routes = vec![
            route(v4(0, 0, 0, 0, 0), Target::Spoke(EGRESS_SPOKE)),
            route(v4(10, 0, 0, 0, 8), Target::Spoke(inspect)),
            route(v4(100, 64, 0, 0, 10), Target::Spoke(inspect)),
        ];
        let mut seen = std::collections::BTreeSet::new();
        // Blackholes: a /26 inside some workload's first CIDR.
        for _ in 0..150 {
            let s = FIRST_WORKLOAD + rng.below(SPOKES - FIRST_WORKLOAD);
            if let Some(IpNet::V4(c)) = spokes.get(s).and_then(|sp| sp.cidrs.first()) {
                let o = c.network().octets();
                let quarter = (rng.below(4) * 64) as u8;
                let dest = v4(o[0], o[1], o[2], quarter, 26);
                if seen.insert(dest) {
                    routes.push(route(dest, Target::Blackhole));
                }
            }
        }
        // Direct routes past inspection to chosen workloads.
        for _ in 0..40 {
            let s = FIRST_WORKLOAD + rng.below(SPOKES - FIRST_WORKLOAD);
            if let Some(&dest) = spokes.get(s).and_then(|sp| sp.cidrs.first())
                && seen.insert(dest)
            {
                routes.push(route(dest, Target::Spoke(s)));
            }
        }
        tables.push(Table {
            name: format!("segment-{k}"),
            static_routes: routes,
        });
    }
    let summaries = |target: usize| {
        vec![
            route(v4(10, 0, 0, 0, 8), Target::Spoke(target)),
            route(v4(100, 64, 0, 0, 10), Target::Spoke(target)),
        ]
    };
    tables.push(Table {
        name: "inspection".to_string(),
        static_routes: vec![route(v4(0, 0, 0, 0, 0), Target::Spoke(EGRESS_SPOKE))],
    });
    tables.push(Table {
        name: "egress".to_string(),
        static_routes: summaries(INSPECT_A),
    });
    tables.push(Table {
        name: "shared".to_string(),
        static_routes: summaries(INSPECT_B),
    });
    tables.push(Table {
        name: "quarantine".to_string(),
        static_routes: vec![route(v4(10, 254, 0, 0, 24), Target::Spoke(3))],
    });
    Gateway { tables, spokes }
}

/// The same gateway where every workload lists its own VPC routes, all
/// different, so no two workloads share precomputed results.
#[allow(dead_code, reason = "used by the timing example only")]
pub fn scale_gateway_distinct_vpc_routes() -> Gateway {
    let mut g = scale_gateway();
    for (i, spoke) in g.spokes.iter_mut().enumerate().skip(FIRST_WORKLOAD) {
        spoke.vpc_routes = Some(vec![
            v4(10, 0, 0, 0, 9),
            v4(100, 64, 0, 0, 11),
            v4(10, 200, (i / 256) as u8, (i % 256) as u8, 32),
        ]);
    }
    g
}
