//! Builds and analyses the 5,000-spoke gateway and checks a few facts about it.
//! Never asserts on time: `cargo run --release --example scale` measures it.

mod support {
    pub mod scale_gateway;
}

use orgc::network::routing::{
    Reachability, Status, all_default_vpc_routes, default_vpc_routes, gateway_route_counts,
};
use support::scale_gateway::{EGRESS_SPOKE, INSPECT_B, SPOKES, scale_gateway};

#[test]
fn five_thousand_spokes() {
    let g = scale_gateway();
    assert_eq!(g.spokes.len(), SPOKES);
    assert_eq!(g.tables.len(), 20);
    let counts = gateway_route_counts(&g);
    assert!(counts.static_routes > 2_500, "{counts:?}");

    let vpc = all_default_vpc_routes(&g);
    assert_eq!(vpc.len(), SPOKES);
    assert_eq!(vpc[100], default_vpc_routes(&g, 100));

    let r = Reachability::analyse(&g);
    let mut tally = [0usize; 3];
    for a in 0..SPOKES {
        let row = r.forward_row(a);
        assert_eq!(row.len(), SPOKES);
        for s in row {
            tally[s as usize] += 1;
        }
    }
    assert_eq!(tally.iter().sum::<usize>(), SPOKES * SPOKES);
    assert!(tally.iter().all(|&n| n > 0), "{tally:?}");

    // Workloads 53 and 69 share segment 5: direct, both ways.
    let p = r.pair(53, 69);
    assert!(p.reachable);
    assert_eq!(p.forward.path.len(), 2);
    // Workload 53 (segment 5) reaches other segments through inspection-b,
    // except the few workloads its table routes to directly.
    let others: Vec<usize> = (54..400).filter(|b| b % 16 != 5).collect();
    let inspected = others
        .iter()
        .filter(|&&b| r.forward(53, b).path == [53, INSPECT_B, b])
        .count();
    assert!(
        inspected > others.len() * 9 / 10,
        "{inspected} of {}",
        others.len()
    );
    assert_ne!(r.status(53, 54), Status::None);
    // The egress VPC sits in 10/8 too, so it is reached through inspection.
    assert_eq!(
        r.forward(53, EGRESS_SPOKE).path,
        [53, INSPECT_B, EGRESS_SPOKE]
    );
    let reachable = r
        .pairs()
        .take(SPOKES * 10)
        .filter(|p| p.reachable())
        .count();
    assert!(reachable > 0);
}
