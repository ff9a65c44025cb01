//! Tests of the routing module: hand-worked cases, and a comparison with a
//! per-address oracle on random networks.

mod hand;
mod intervals;
mod oracle;
mod property;

use ipnet::IpNet;

use super::{Gateway, Spoke, StaticRoute, Table, Target};

pub(super) fn net(s: &str) -> IpNet {
    s.parse().expect("test CIDR")
}

pub(super) fn table(name: &str, routes: &[(&str, Target)]) -> Table {
    Table {
        name: name.to_string(),
        static_routes: routes
            .iter()
            .map(|(d, t)| StaticRoute {
                destination: net(d),
                target: *t,
            })
            .collect(),
    }
}

pub(super) fn spoke(name: &str, cidrs: &[&str], associate: usize, propagate: &[usize]) -> Spoke {
    Spoke {
        name: name.to_string(),
        cidrs: cidrs.iter().map(|c| net(c)).collect(),
        associate,
        propagate: propagate.to_vec(),
        appliance: false,
        vpc_routes: None,
    }
}

pub(super) fn appliance(
    name: &str,
    cidrs: &[&str],
    associate: usize,
    propagate: &[usize],
) -> Spoke {
    Spoke {
        appliance: true,
        ..spoke(name, cidrs, associate, propagate)
    }
}

pub(super) fn gateway(tables: Vec<Table>, spokes: Vec<Spoke>) -> Gateway {
    Gateway { tables, spokes }
}
