//! The answers of reachability queries: statuses, delivered and lost address
//! ranges with reasons and paths, and how they are assembled from pieces.

use super::addr::{AddrRange, Family, Span};
use super::paths::{PathArena, PathId};

/// How much of a destination's address space a source reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// No address arrives (also when the destination has no CIDRs).
    None,
    /// Some addresses arrive, some do not.
    Partial,
    /// Every address arrives.
    Full,
}

impl Status {
    pub(crate) fn of(delivered: bool, lost: bool) -> Status {
        match (delivered, lost) {
            (false, _) => Status::None,
            (true, true) => Status::Partial,
            (true, false) => Status::Full,
        }
    }
}

/// Why a range of destination addresses does not arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// The winning route in this table is a blackhole.
    Blackhole { table: usize },
    /// This table has no route for it.
    NoRoute { table: usize },
    /// This spoke's VPC does not send it to the gateway: the source's, or an
    /// appliance's on the way back.
    NoVpcRoute { spoke: usize },
    /// The winning route points at this spoke, which neither owns the address
    /// nor forwards (not an appliance).
    SentTo { spoke: usize },
    /// The packet came back to this appliance, so it circles until it expires.
    Loop { appliance: usize },
    /// The address is inside the source's own CIDRs, so it never leaves the
    /// source VPC (only possible when spoke CIDRs overlap).
    Local,
    /// This spoke has no associated table (an out-of-range index).
    Unassociated { spoke: usize },
}

/// Destination addresses that arrive, and the appliances they pass in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub range: AddrRange,
    pub via: Vec<usize>,
}

/// Destination addresses that do not arrive, why, and the appliances the
/// packets passed (or reached) first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub range: AddrRange,
    pub reason: Reason,
    pub via: Vec<usize>,
}

/// Packets from one spoke to every address of another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub status: Status,
    /// `[source, appliances..., destination]` for the lowest delivered address
    /// (IPv4 before IPv6); empty when nothing arrives.
    pub path: Vec<usize>,
    /// In address order, IPv4 first; neighbours with the same path merged.
    pub delivered: Vec<Delivery>,
    /// In address order, IPv4 first; neighbours with the same reason and path merged.
    pub lost: Vec<Loss>,
}

impl Forward {
    pub(crate) fn nothing() -> Forward {
        Forward {
            status: Status::None,
            path: Vec::new(),
            delivered: Vec::new(),
            lost: Vec::new(),
        }
    }
}

/// Both directions of an ordered pair of spokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// From the first spoke to the second spoke's addresses.
    pub forward: Forward,
    /// From the second spoke back to the first spoke's addresses.
    pub ret: Forward,
    /// Both directions deliver at least part.
    pub reachable: bool,
}

/// What happens to packets for a stretch of addresses that need not belong to
/// one spoke (see [`super::Reachability::toward`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub range: AddrRange,
    pub fate: Fate,
    /// The appliances the packets passed (or reached last), in order.
    pub via: Vec<usize>,
}

/// The fate of packets to an address, whoever owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fate {
    /// The spoke that owns the address receives them.
    Delivered { spoke: usize },
    /// They do not arrive at any owner. For an address no spoke owns,
    /// `NoVpcRoute` of the last appliance passed means the packets stay in that
    /// appliance's VPC, which does not send them back to the gateway (an
    /// egress VPC sends them on to the internet).
    Lost(Reason),
}

/// The statuses of an ordered pair, without details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PairStatus {
    pub from: usize,
    pub to: usize,
    pub forward: Status,
    pub ret: Status,
}

impl PairStatus {
    /// Both directions deliver at least part.
    pub fn reachable(&self) -> bool {
        self.forward != Status::None && self.ret != Status::None
    }
}

/// The fate of a stretch of destination addresses, before it is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    Delivered(PathId),
    Lost(Reason, PathId),
}

/// Collects pieces in address order, merging neighbours that agree.
#[derive(Default)]
pub(crate) struct Accumulator {
    pieces: Vec<(Family, Span, Piece)>,
}

impl Accumulator {
    pub(crate) fn add(&mut self, family: Family, (lo, hi): Span, piece: Piece) {
        if let Some((f, span, p)) = self.pieces.last_mut()
            && *f == family
            && *p == piece
            && span.1.checked_add(1) == Some(lo)
        {
            span.1 = hi;
            return;
        }
        self.pieces.push((family, (lo, hi), piece));
    }

    pub(crate) fn finish(self, from: usize, to: usize, paths: &PathArena) -> Forward {
        let mut out = Forward::nothing();
        for (family, (lo, hi), piece) in self.pieces {
            let range = AddrRange::new(family, lo, hi);
            match piece {
                Piece::Delivered(path) => {
                    let via = paths.spokes(path);
                    if out.delivered.is_empty() {
                        out.path = std::iter::once(from)
                            .chain(via.iter().copied())
                            .chain(std::iter::once(to))
                            .collect();
                        if from == to {
                            out.path = vec![from];
                        }
                    }
                    out.delivered.push(Delivery { range, via });
                }
                Piece::Lost(reason, path) => out.lost.push(Loss {
                    range,
                    reason,
                    via: paths.spokes(path),
                }),
            }
        }
        out.status = Status::of(!out.delivered.is_empty(), !out.lost.is_empty());
        out
    }
}
