//! Hand-worked cases, each small enough to check on paper.

use super::super::{
    AddrRange, Fate, Origin, Reachability, Reason, Route, RouteCounts, Shadowed, Status, Target,
    default_vpc_routes, effective_table, gateway_route_counts, vpc_routes,
};
use super::{appliance, gateway, net, spoke, table};

fn range(first: &str, last: &str) -> AddrRange {
    AddrRange {
        first: first.parse().unwrap(),
        last: last.parse().unwrap(),
    }
}

const BH: Target = Target::Blackhole;

#[test]
fn segmentation_keeps_prod_and_nonprod_apart() {
    // Tables: 0 prod, 1 nonprod, 2 shared. Shared services see everyone.
    let g = gateway(
        vec![
            table("prod", &[]),
            table("nonprod", &[]),
            table("shared", &[]),
        ],
        vec![
            spoke("prod-a", &["10.0.0.0/24"], 0, &[0, 2]),
            spoke("prod-b", &["10.0.1.0/24"], 0, &[0, 2]),
            spoke("dev", &["10.1.0.0/24"], 1, &[1, 2]),
            spoke("shared", &["10.2.0.0/24"], 2, &[0, 1]),
        ],
    );
    let r = Reachability::analyse(&g);
    assert_eq!(
        r.forward_row(0),
        [Status::Full, Status::Full, Status::None, Status::Full]
    );
    assert_eq!(
        r.forward_row(2),
        [Status::None, Status::None, Status::Full, Status::Full]
    );
    assert!(r.pair(0, 1).reachable);
    assert!(r.pair(2, 3).reachable);
    assert!(!r.pair(0, 2).reachable);
    let f = r.forward(0, 2);
    assert_eq!(f.status, Status::None);
    assert!(f.path.is_empty());
    // prod's default VPC routes only cover what the prod table routes.
    assert_eq!(f.lost.len(), 1);
    assert_eq!(f.lost[0].reason, Reason::NoVpcRoute { spoke: 0 });
    assert_eq!(f.lost[0].range, range("10.1.0.0", "10.1.0.255"));
    assert_eq!(r.forward(0, 3).path, [0, 3]);
    // shared reaches dev one way, but dev's table cannot answer prod.
    assert_eq!(r.status(3, 0), Status::Full);
    assert_eq!(r.status(2, 0), Status::None);
    let matrix: Vec<_> = r.pairs().collect();
    assert_eq!(matrix.len(), 16);
    // Each spoke with itself, prod-a↔prod-b, and shared with each of the others.
    assert_eq!(matrix.iter().filter(|p| p.reachable()).count(), 4 + 2 + 6);
}

#[test]
fn more_specific_blackhole_inside_a_spoke_is_partial() {
    let g = gateway(
        vec![table("all", &[("10.0.1.128/25", BH)])],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[0]),
            spoke("b", &["10.0.1.0/24"], 0, &[0]),
        ],
    );
    let r = Reachability::analyse(&g);
    let f = r.forward(0, 1);
    assert_eq!(f.status, Status::Partial);
    assert_eq!(f.path, [0, 1]);
    assert_eq!(f.delivered.len(), 1);
    assert_eq!(f.delivered[0].range, range("10.0.1.0", "10.0.1.127"));
    assert_eq!(f.lost.len(), 1);
    assert_eq!(f.lost[0].range, range("10.0.1.128", "10.0.1.255"));
    assert_eq!(f.lost[0].range.prefixes(), [net("10.0.1.128/25")]);
    assert_eq!(f.lost[0].range.address_count(), 128);
    assert_eq!(f.lost[0].reason, Reason::Blackhole { table: 0 });
    assert_eq!(r.status(1, 0), Status::Full);
    assert!(r.pair(0, 1).reachable);
}

#[test]
fn missing_return_route_is_one_way() {
    let mut b = spoke("b", &["10.0.1.0/24"], 1, &[]);
    b.vpc_routes = Some(vec![net("10.0.0.0/8")]);
    let g = gateway(
        vec![
            table("a-table", &[("10.0.1.0/24", Target::Spoke(1))]),
            table("b-table", &[]),
        ],
        vec![spoke("a", &["10.0.0.0/24"], 0, &[]), b],
    );
    let r = Reachability::analyse(&g);
    let p = r.pair(0, 1);
    assert_eq!(p.forward.status, Status::Full);
    assert_eq!(p.ret.status, Status::None);
    assert!(!p.reachable);
    assert_eq!(p.ret.lost[0].reason, Reason::NoRoute { table: 1 });
    assert_eq!(p.ret.lost[0].range, range("10.0.0.0", "10.0.0.255"));
}

#[test]
fn inspection_appliance_is_on_the_path() {
    // Spokes send everything to the inspection VPC, whose table knows the spokes.
    let g = gateway(
        vec![
            table("spokes", &[("0.0.0.0/0", Target::Spoke(2))]),
            table("inspection", &[]),
        ],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[1]),
            spoke("b", &["10.0.1.0/24"], 0, &[1]),
            appliance("inspect", &["10.9.0.0/24"], 1, &[]),
        ],
    );
    let r = Reachability::analyse(&g);
    let p = r.pair(0, 1);
    assert!(p.reachable);
    assert_eq!(p.forward.status, Status::Full);
    assert_eq!(p.forward.path, [0, 2, 1]);
    assert_eq!(p.forward.delivered[0].via, [2]);
    assert_eq!(p.ret.path, [1, 2, 0]);
    // The appliance itself: a reaches it directly, it answers directly.
    assert_eq!(r.forward(0, 2).path, [0, 2]);
    assert_eq!(r.forward(2, 0).path, [2, 0]);
}

#[test]
fn static_route_shadows_propagated_route() {
    let g = gateway(
        vec![
            table("main", &[("10.0.1.0/24", Target::Spoke(2))]),
            table("firewall", &[]),
        ],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[0, 1]),
            spoke("b", &["10.0.1.0/24"], 0, &[0, 1]),
            appliance("fw", &["10.9.0.0/24"], 1, &[0]),
        ],
    );
    let t = effective_table(&g, 0);
    let statik = Route {
        destination: net("10.0.1.0/24"),
        target: Target::Spoke(2),
        origin: Origin::Static,
    };
    assert_eq!(
        t.routes,
        [
            Route {
                destination: net("10.0.0.0/24"),
                target: Target::Spoke(0),
                origin: Origin::Propagated { spoke: 0 },
            },
            statik,
            Route {
                destination: net("10.9.0.0/24"),
                target: Target::Spoke(2),
                origin: Origin::Propagated { spoke: 2 },
            },
        ]
    );
    assert_eq!(
        t.shadowed,
        [Shadowed {
            route: Route {
                destination: net("10.0.1.0/24"),
                target: Target::Spoke(1),
                origin: Origin::Propagated { spoke: 1 },
            },
            by: statik,
        }]
    );
    assert_eq!(
        t.counts,
        RouteCounts {
            static_routes: 1,
            propagated: 2,
            shadowed: 1
        }
    );
    assert_eq!(t.counts.total(), 4);
    assert_eq!(gateway_route_counts(&g).total(), 4 + 2);
    let r = Reachability::analyse(&g);
    // a → b follows the static route through the firewall; b → a goes direct.
    assert_eq!(r.forward(0, 1).path, [0, 2, 1]);
    assert_eq!(r.forward(1, 0).path, [1, 0]);
}

#[test]
fn default_route_to_egress_appliance() {
    let g = gateway(
        vec![
            table("spokes", &[("0.0.0.0/0", Target::Spoke(2))]),
            table("egress", &[]),
        ],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[1]),
            spoke("b", &["10.0.1.0/24"], 0, &[1]),
            appliance("egress", &["10.9.0.0/24"], 1, &[]),
        ],
    );
    assert_eq!(default_vpc_routes(&g, 0), [net("0.0.0.0/0")]);
    // The egress VPC's own CIDR is covered by its local route, so it is dropped.
    assert_eq!(default_vpc_routes(&g, 2), [net("10.0.0.0/23")]);
    let r = Reachability::analyse(&g);
    assert_eq!(r.forward(0, 1).path, [0, 2, 1]);
    assert_eq!(r.forward(0, 2).path, [0, 2]);
    assert!(r.pair(0, 2).reachable);
    assert!(r.pair(0, 1).reachable);
}

#[test]
fn overlapping_routes_in_different_tables_are_independent() {
    let g = gateway(
        vec![
            table(
                "t0",
                &[
                    ("10.0.0.0/16", Target::Spoke(2)),
                    ("10.0.1.0/24", Target::Spoke(1)),
                ],
            ),
            table(
                "t1",
                &[("10.0.0.0/16", BH), ("10.0.0.0/24", Target::Spoke(0))],
            ),
            table("t2", &[("10.0.0.0/8", Target::Spoke(0))]),
        ],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[]),
            spoke("b", &["10.0.1.0/24"], 1, &[]),
            spoke("c", &["10.0.2.0/24"], 2, &[]),
        ],
    );
    let r = Reachability::analyse(&g);
    assert_eq!(r.forward_row(0), [Status::Full, Status::Full, Status::Full]);
    assert_eq!(r.forward_row(1), [Status::Full, Status::Full, Status::None]);
    assert_eq!(r.forward_row(2), [Status::Full, Status::None, Status::Full]);
    assert_eq!(
        r.forward(1, 2).lost[0].reason,
        Reason::Blackhole { table: 1 }
    );
    // c's /8 sends b's addresses to a, which does not own them.
    assert_eq!(r.forward(2, 1).lost[0].reason, Reason::SentTo { spoke: 0 });
    assert_eq!(r.return_row(0), [Status::Full, Status::Full, Status::Full]);
}

#[test]
fn appliances_sending_to_each_other_loop() {
    let g = gateway(
        vec![
            table("spokes", &[("0.0.0.0/0", Target::Spoke(2))]),
            table("f1", &[("0.0.0.0/0", Target::Spoke(3))]),
            table("f2", &[("0.0.0.0/0", Target::Spoke(2))]),
        ],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[]),
            spoke("b", &["10.0.1.0/24"], 0, &[]),
            appliance("f1", &["10.8.0.0/24"], 1, &[]),
            appliance("f2", &["10.9.0.0/24"], 2, &[]),
        ],
    );
    let r = Reachability::analyse(&g);
    let f = r.forward(0, 1);
    assert_eq!(f.status, Status::None);
    assert_eq!(f.lost.len(), 1);
    assert_eq!(f.lost[0].reason, Reason::Loop { appliance: 2 });
    assert_eq!(f.lost[0].via, [2, 3]);
    // f1's own addresses are delivered to it before any loop.
    assert_eq!(r.forward(0, 2).path, [0, 2]);
    assert_eq!(r.forward(0, 3).path, [0, 2, 3]);
}

#[test]
fn explicit_vpc_routes_that_miss_a_destination() {
    let mut a = spoke("a", &["10.0.0.0/24"], 0, &[0]);
    a.vpc_routes = Some(vec![net("10.0.1.0/25")]);
    let g = gateway(
        vec![table("all", &[])],
        vec![a, spoke("b", &["10.0.1.0/24"], 0, &[0])],
    );
    assert_eq!(vpc_routes(&g, 0), [net("10.0.1.0/25")]);
    assert_eq!(vpc_routes(&g, 1), [net("10.0.0.0/23")]);
    let r = Reachability::analyse(&g);
    let f = r.forward(0, 1);
    assert_eq!(f.status, Status::Partial);
    assert_eq!(f.lost[0].range, range("10.0.1.128", "10.0.1.255"));
    assert_eq!(f.lost[0].reason, Reason::NoVpcRoute { spoke: 0 });
    assert_eq!(r.status(1, 0), Status::Full);
}

#[test]
fn ipv6_is_a_separate_address_space() {
    let g = gateway(
        vec![table("all", &[("2001:db8:1::/48", BH)])],
        vec![
            spoke("a", &["10.0.0.0/24", "2001:db8::/48"], 0, &[0]),
            spoke("b", &["10.0.1.0/24", "2001:db8:1::/48"], 0, &[0]),
        ],
    );
    let t = effective_table(&g, 0);
    let order: Vec<_> = t.routes.iter().map(|r| r.destination).collect();
    assert_eq!(
        order,
        [
            net("10.0.0.0/24"),
            net("10.0.1.0/24"),
            net("2001:db8::/48"),
            net("2001:db8:1::/48")
        ]
    );
    let r = Reachability::analyse(&g);
    let f = r.forward(0, 1);
    assert_eq!(f.status, Status::Partial);
    assert_eq!(f.delivered[0].range, range("10.0.1.0", "10.0.1.255"));
    assert_eq!(f.lost[0].range.prefixes(), [net("2001:db8:1::/48")]);
    assert_eq!(f.lost[0].reason, Reason::Blackhole { table: 0 });
    assert_eq!(r.status(1, 0), Status::Full);
    assert_eq!(r.forward(1, 0).delivered.len(), 2);
}

#[test]
fn a_spoke_reaches_itself_locally() {
    let g = gateway(
        vec![table("empty", &[])],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[]),
            spoke("none", &[], 0, &[]),
        ],
    );
    let r = Reachability::analyse(&g);
    assert_eq!(r.status(0, 0), Status::Full);
    assert_eq!(r.forward(0, 0).path, [0]);
    assert_eq!(r.status(1, 1), Status::None);
    assert_eq!(r.forward_row(0), [Status::Full, Status::None]);
}

#[test]
fn garbage_input_does_not_panic() {
    let mut odd = appliance("odd", &["10.0.0.0/8", "10.0.0.0/16"], 99, &[0, 0, 7]);
    odd.vpc_routes = Some(vec![net("0.0.0.0/0"), net("::/0")]);
    let g = gateway(
        vec![table(
            "t",
            &[
                ("10.0.0.0/8", Target::Spoke(42)),
                ("10.0.0.0/24", BH),
                ("10.0.0.0/24", Target::Spoke(0)),
                ("::/0", Target::Spoke(2)),
            ],
        )],
        vec![
            spoke("a", &["10.0.0.0/24", "10.0.0.0/24"], 0, &[0, 0]),
            spoke("b", &["10.0.0.128/25", "::/0"], 0, &[0]),
            odd,
        ],
    );
    let r = Reachability::analyse(&g);
    for p in r.pairs() {
        assert_eq!(r.forward(p.from, p.to).status, p.forward);
    }
    assert!(
        r.forward(0, 1)
            .lost
            .iter()
            .any(|l| l.reason == Reason::Local)
    );
    assert_eq!(r.forward(2, 0).lost[0].reason, Reason::Local);
    let odd_to_b = r.forward(2, 1).lost;
    assert!(
        odd_to_b
            .iter()
            .any(|l| l.reason == Reason::Unassociated { spoke: 2 })
    );
    assert_eq!(r.status(5, 0), Status::None);
    assert!(r.forward_row(9).is_empty());
    assert!(effective_table(&g, 3).routes.is_empty());
    assert!(default_vpc_routes(&g, 2).is_empty());
    let everything = r.forward(0, 1);
    let total: u128 = everything
        .lost
        .iter()
        .map(|l| l.range.address_count())
        .chain(everything.delivered.iter().map(|d| d.range.address_count()))
        .fold(0, u128::saturating_add);
    assert_eq!(total, u128::MAX);
}

#[test]
fn toward_addresses_no_spoke_owns() {
    // a's table sends everything to the egress appliance; the egress VPC sends
    // only the spokes' range back, so the rest stays there (and leaves for the
    // internet). b's VPC sends only 10/8, so nothing public leaves b.
    let mut b = spoke("b", &["10.0.1.0/24"], 0, &[1]);
    b.vpc_routes = Some(vec![net("10.0.0.0/8")]);
    let g = gateway(
        vec![
            table(
                "spokes",
                &[("0.0.0.0/0", Target::Spoke(2)), ("192.168.0.0/16", BH)],
            ),
            table("egress", &[]),
        ],
        vec![
            spoke("a", &["10.0.0.0/24"], 0, &[1]),
            b,
            appliance("egress", &["10.9.0.0/24"], 1, &[]),
        ],
    );
    let r = Reachability::analyse(&g);
    let spokes: Vec<_> = ["10.0.0.0/24", "10.0.1.0/24", "10.9.0.0/24"]
        .iter()
        .map(|c| net(c))
        .collect();
    let exits = r.toward(0, &[net("192.0.0.0/7")], &spokes);
    assert_eq!(exits.len(), 3);
    assert_eq!(exits[0].range, range("192.0.0.0", "192.167.255.255"));
    assert_eq!(exits[0].fate, Fate::Lost(Reason::NoVpcRoute { spoke: 2 }));
    assert_eq!(exits[0].via, [2]);
    assert_eq!(exits[1].fate, Fate::Lost(Reason::Blackhole { table: 0 }));
    assert!(exits[1].via.is_empty());
    assert_eq!(exits[2].range, range("192.169.0.0", "193.255.255.255"));
    // b's own VPC does not send public addresses to the gateway.
    let from_b = r.toward(1, &[net("8.8.8.0/24")], &[]);
    assert_eq!(from_b.len(), 1);
    assert_eq!(from_b[0].fate, Fate::Lost(Reason::NoVpcRoute { spoke: 1 }));
    // Addresses of a spoke are delivered to it; a's own stay local.
    let inside = r.toward(0, &[net("10.0.0.0/23")], &[]);
    assert_eq!(inside[0].fate, Fate::Lost(Reason::Local));
    assert_eq!(inside[1].fate, Fate::Delivered { spoke: 1 });
    assert_eq!(inside[1].via, [2]);
    assert_eq!(r.path(0, 1), [0, 2, 1]);
    assert_eq!(r.path(0, 0), [0]);
}
