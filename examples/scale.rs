//! Times the analysis of the 5,000-spoke gateway and a sweep over all 25 million
//! ordered pairs. Run with `cargo run --release --example scale`.

#[path = "../tests/support/scale_gateway.rs"]
mod scale_gateway;

use std::time::{Duration, Instant};

use orgc::network::routing::{
    Gateway, Reachability, Status, all_default_vpc_routes, gateway_route_counts,
};
use scale_gateway::{SPOKES, scale_gateway, scale_gateway_distinct_vpc_routes};

const RUNS: usize = 5;

fn main() {
    println!("== VPC routes shared (default, or a few lists) ==");
    measure(&scale_gateway());
    println!("== every workload with its own VPC route list ==");
    measure(&scale_gateway_distinct_vpc_routes());
}

fn measure(g: &Gateway) {
    let counts = gateway_route_counts(g);
    println!(
        "{} spokes, {} tables, {} static, {} propagated, {} shadowed routes",
        g.spokes.len(),
        g.tables.len(),
        counts.static_routes,
        counts.propagated,
        counts.shadowed
    );
    let t = Instant::now();
    let vpc = all_default_vpc_routes(g);
    println!(
        "default VPC routes of every spoke: {:?} ({} routes)",
        t.elapsed(),
        vpc.iter().map(Vec::len).sum::<usize>()
    );
    let mut analyse = Vec::new();
    let mut rows = Vec::new();
    let mut pairs = Vec::new();
    let mut total = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = Reachability::analyse(g);
        analyse.push(start.elapsed());

        let t = Instant::now();
        let (mut full, mut partial, mut none) = (0usize, 0usize, 0usize);
        for a in 0..SPOKES {
            for s in r.forward_row(a) {
                match s {
                    Status::Full => full += 1,
                    Status::Partial => partial += 1,
                    Status::None => none += 1,
                }
            }
        }
        rows.push(t.elapsed());

        let t = Instant::now();
        let reachable = r.pairs().filter(|p| p.reachable()).count();
        pairs.push(t.elapsed());
        total.push(start.elapsed());
        println!("full {full}, partial {partial}, none {none}; reachable pairs {reachable}");
    }
    println!(
        "median of {RUNS}: analyse {:?}, forward rows {:?}, pairs with returns {:?}, total {:?}",
        median(analyse),
        median(rows),
        median(pairs),
        median(total)
    );
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}
