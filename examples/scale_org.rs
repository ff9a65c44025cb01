//! Writes a generated org at the size of AWS's attachment quota, for timing the
//! whole pipeline: `cargo run --release --example scale_org -- DIR`, then
//! `orgc validate DIR/org` or `orgc audit network DIR/org --format json`.
//!
//! It is the 5,000-spoke, 20-table gateway of the routing scale test, made to fit
//! the 10,000-routes quota (workloads propagate only into the inspection table, so
//! each segment reaches its own spokes through inspection too), with ten spokes per
//! account (500 accounts).

#[path = "../tests/support/scale_gateway.rs"]
mod scale_gateway;

use orgc::network::routing::Target;
use std::fmt::Write as _;

const SPOKES_PER_ACCOUNT: usize = 10;
const INSPECTION_TABLE: usize = 16;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: scale_org DIR");
        std::process::exit(2);
    };
    let g = scale_gateway::scale_gateway();
    let accounts = g.spokes.len().div_ceil(SPOKES_PER_ACCOUNT);
    let mut t = String::from(
        "[organization]\nname = \"scale\"\nmanagement_account = \"management\"\nhome_region = \"eu-west-1\"\n\n[accounts.management]\nid = \"100000000000\"\n",
    );
    for a in 0..accounts {
        let _ = write!(
            t,
            "\n[accounts.acct-{a:04}]\nid = \"{:012}\"\n",
            200_000_000_000usize + a
        );
    }
    t.push_str("\n[transit_gateways.hub]\naccount = \"management\"\nasn = 64512\n");
    for table in &g.tables {
        let _ = writeln!(
            t,
            "\n[transit_gateways.hub.route_tables.{}]\nroutes = [",
            table.name
        );
        for r in &table.static_routes {
            match r.target {
                Target::Spoke(s) => {
                    let _ = writeln!(
                        t,
                        "  {{ destination = \"{}\", attachment = \"{}\" }},",
                        r.destination, g.spokes[s].name
                    );
                }
                Target::Blackhole => {
                    let _ = writeln!(
                        t,
                        "  {{ destination = \"{}\", blackhole = true }},",
                        r.destination
                    );
                }
            }
        }
        t.push_str("]\n");
    }
    for (i, s) in g.spokes.iter().enumerate() {
        let workload = s.name.starts_with("workload-");
        let propagate: Vec<String> = s
            .propagate
            .iter()
            .filter(|&&p| !workload || p == INSPECTION_TABLE)
            .map(|&p| format!("\"{}\"", g.tables[p].name))
            .collect();
        let cidrs: Vec<String> = s.cidrs.iter().map(|c| format!("\"{c}\"")).collect();
        let _ = write!(
            t,
            "\n[spokes.{}]\naccount = \"acct-{:04}\"\ntransit_gateway = \"hub\"\ncidrs = [{}]\nassociate = \"{}\"\npropagate = [{}]\n",
            s.name,
            i / SPOKES_PER_ACCOUNT,
            cidrs.join(", "),
            g.tables[s.associate].name,
            propagate.join(", ")
        );
        if s.appliance {
            t.push_str("appliance = true\n");
        }
        if s.name == "egress" {
            t.push_str("internet = \"egress\"\n");
        }
        if let Some(v) = &s.vpc_routes {
            let v: Vec<String> = v.iter().map(|c| format!("\"{c}\"")).collect();
            let _ = writeln!(t, "vpc_routes = [{}]", v.join(", "));
        }
    }
    let org = std::path::Path::new(&dir).join("org");
    if let Err(e) =
        std::fs::create_dir_all(&org).and_then(|()| std::fs::write(org.join("org.toml"), t))
    {
        eprintln!("{}: {e}", org.display());
        std::process::exit(1);
    }
    println!(
        "wrote {} ({} spokes, {accounts} accounts)",
        org.display(),
        g.spokes.len()
    );
}
