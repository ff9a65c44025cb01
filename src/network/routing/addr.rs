//! Addresses as integers: IPv4 and IPv6 are separate spaces, each handled as
//! inclusive intervals of `u128` so that one code path serves both families.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// An address family. IPv4 sorts before IPv6 everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Family {
    V4,
    V6,
}

impl Family {
    pub(crate) const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// The highest address of the family, as an integer.
    pub(crate) fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }

    fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
}

/// One value per address family.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PerFamily<T> {
    pub v4: T,
    pub v6: T,
}

impl<T> PerFamily<T> {
    pub(crate) fn get(&self, family: Family) -> &T {
        match family {
            Family::V4 => &self.v4,
            Family::V6 => &self.v6,
        }
    }

    pub(crate) fn get_mut(&mut self, family: Family) -> &mut T {
        match family {
            Family::V4 => &mut self.v4,
            Family::V6 => &mut self.v6,
        }
    }

    pub(crate) fn build(mut f: impl FnMut(Family) -> T) -> Self {
        PerFamily {
            v4: f(Family::V4),
            v6: f(Family::V6),
        }
    }
}

/// An inclusive interval of integer addresses within one family.
pub(crate) type Span = (u128, u128);

/// The family and the first and last address of a prefix (host bits ignored).
pub(crate) fn prefix_span(net: &IpNet) -> (Family, Span) {
    match net.trunc() {
        IpNet::V4(n) => (
            Family::V4,
            (
                u128::from(u32::from(n.network())),
                u128::from(u32::from(n.broadcast())),
            ),
        ),
        IpNet::V6(n) => (
            Family::V6,
            (u128::from(n.network()), u128::from(n.broadcast())),
        ),
    }
}

/// Sort key that orders prefixes by family, then address, then length.
pub(crate) fn prefix_key(net: &IpNet) -> (Family, u128, u8) {
    let (family, (first, _)) = prefix_span(net);
    (family, first, net.prefix_len())
}

fn to_ip(family: Family, value: u128) -> IpAddr {
    match family {
        Family::V4 => IpAddr::V4(Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX))),
        Family::V6 => IpAddr::V6(Ipv6Addr::from(value)),
    }
}

fn from_ip(ip: IpAddr) -> (Family, u128) {
    match ip {
        IpAddr::V4(a) => (Family::V4, u128::from(u32::from(a))),
        IpAddr::V6(a) => (Family::V6, u128::from(a)),
    }
}

/// Sorts spans and merges those that overlap or touch.
pub(crate) fn normalise(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (lo, hi) in spans {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Prefixes grouped by family, as normalised spans.
pub(crate) fn spans_of<'a>(nets: impl IntoIterator<Item = &'a IpNet>) -> PerFamily<Vec<Span>> {
    let mut out: PerFamily<Vec<Span>> = PerFamily::default();
    for net in nets {
        let (family, span) = prefix_span(net);
        out.get_mut(family).push(span);
    }
    PerFamily {
        v4: normalise(out.v4),
        v6: normalise(out.v6),
    }
}

/// The spans of a sorted, disjoint list that overlap `[lo, hi]`, clipped to it.
pub(crate) fn overlapping(spans: &[Span], lo: u128, hi: u128) -> impl Iterator<Item = Span> + '_ {
    let start = spans.partition_point(|s| s.1 < lo);
    spans
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(move |s| s.0 <= hi)
        .map(move |s| (s.0.max(lo), s.1.min(hi)))
}

/// The addresses in `0..=max` outside a sorted, disjoint list of spans.
pub(crate) fn gaps(spans: &[Span], max: u128) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len() + 1);
    let mut next = Some(0);
    for &(lo, hi) in spans {
        if let Some(n) = next.filter(|n| *n < lo) {
            out.push((n, lo - 1));
        }
        next = hi.checked_add(1);
    }
    if let Some(n) = next.filter(|n| *n <= max) {
        out.push((n, max));
    }
    out
}

/// Whether `[lo, hi]` lies entirely inside one span of a sorted, disjoint list.
pub(crate) fn covered(spans: &[Span], lo: u128, hi: u128) -> bool {
    let start = spans.partition_point(|s| s.1 < lo);
    spans.get(start).is_some_and(|s| s.0 <= lo && hi <= s.1)
}

/// The fewest prefixes whose union is exactly `[lo, hi]`, in address order.
pub(crate) fn span_prefixes(family: Family, lo: u128, hi: u128) -> Vec<IpNet> {
    let bits = family.bits();
    let mut out = Vec::new();
    if lo > hi || hi > family.max() {
        return out;
    }
    let mut cur = lo;
    loop {
        // The largest block that starts at `cur` (alignment) and ends by `hi` (size).
        let align = if cur == 0 {
            bits
        } else {
            cur.trailing_zeros().min(bits)
        };
        let width = hi - cur;
        let fit = match width.checked_add(1) {
            Some(size) => size.ilog2(),
            None => 128,
        };
        let host_bits = align.min(fit);
        let len = u8::try_from(bits - host_bits).unwrap_or(0);
        let net = match family {
            Family::V4 => u32::try_from(cur)
                .ok()
                .and_then(|a| Ipv4Net::new(Ipv4Addr::from(a), len).ok())
                .map(IpNet::V4),
            Family::V6 => Ipv6Net::new(Ipv6Addr::from(cur), len).ok().map(IpNet::V6),
        };
        out.extend(net);
        let next = 1u128
            .checked_shl(host_bits)
            .and_then(|block| cur.checked_add(block));
        match next {
            Some(n) if n <= hi && n > cur => cur = n,
            _ => break,
        }
    }
    out
}

/// An inclusive range of addresses of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddrRange {
    pub first: IpAddr,
    pub last: IpAddr,
}

impl AddrRange {
    pub(crate) fn new(family: Family, lo: u128, hi: u128) -> Self {
        AddrRange {
            first: to_ip(family, lo),
            last: to_ip(family, hi),
        }
    }

    fn span(&self) -> Option<(Family, u128, u128)> {
        let (family, lo) = from_ip(self.first);
        let (last_family, hi) = from_ip(self.last);
        (family == last_family && lo <= hi).then_some((family, lo, hi))
    }

    /// The fewest prefixes that make up the range (empty for a malformed range).
    pub fn prefixes(&self) -> Vec<IpNet> {
        self.span()
            .map(|(family, lo, hi)| span_prefixes(family, lo, hi))
            .unwrap_or_default()
    }

    /// The number of addresses in the range, saturating at `u128::MAX` (all of IPv6).
    pub fn address_count(&self) -> u128 {
        self.span()
            .map_or(0, |(_, lo, hi)| (hi - lo).saturating_add(1))
    }
}
