//! The access graph. Nodes are the identities that act inside an account: the Identity
//! Center role of a permission set in each account it is assigned to, and each org
//! role in each account it is created in. Sources are the principals outside any
//! node: groups, users, services, third-party accounts, and "any principal of an org
//! account". An edge is an assignment (group or user → permission set in an account)
//! or a role assumption, which needs both sides: the role's trust policy admits the
//! caller, and the caller's own policies allow `sts:AssumeRole` on the role's ARN
//! (explicit denies win).

use super::holders::{AllHoldings, Holdings, MayAssume};
use crate::compile::trust::role_arn;
use crate::model::{AccountIdx, Model, PrincipalName, PrincipalRef, TrustPrincipal};
use foldhash::{HashMap, HashMapExt};
use std::collections::{BTreeMap, VecDeque};

/// An identity acting in an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    PermissionSet {
        permission_set: usize,
        account: AccountIdx,
    },
    Role {
        role: usize,
        account: AccountIdx,
    },
}

impl Node {
    pub fn account(self) -> AccountIdx {
        match self {
            Node::PermissionSet { account, .. } | Node::Role { account, .. } => account,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub to: usize,
    /// Only a policy orgc cannot see allows this assumption.
    pub unverified: bool,
}

pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Vec<Edge>>,
    /// Where each source principal enters the graph.
    pub entries: BTreeMap<PrincipalName, Vec<Edge>>,
}

/// Every possible node's slot in one dense table: permission sets then roles, each by
/// (entity, account). Walking the slots in order walks the nodes in `Node` order, and
/// finding a node's index is one array read: hashing hundreds of thousands of nodes
/// was most of the time to build the graph.
struct Slots {
    accounts: usize,
    permission_sets: usize,
    /// Node index + 1 per slot; 0 for a node that does not exist.
    index: Vec<u32>,
}

impl Slots {
    fn new(model: &Model) -> Slots {
        let accounts = model.accounts.len();
        let permission_sets = model.permission_sets.len();
        let len = (permission_sets + model.roles.len()).saturating_mul(accounts);
        Slots {
            accounts,
            permission_sets,
            index: vec![0; len],
        }
    }

    fn slot(&self, node: Node) -> Option<usize> {
        let (entity, account) = match node {
            Node::PermissionSet {
                permission_set,
                account,
            } => (permission_set, account),
            Node::Role { role, account } => (self.permission_sets + role, account),
        };
        (account < self.accounts).then(|| entity * self.accounts + account)
    }

    fn node(&self, slot: usize) -> Node {
        let (entity, account) = (slot / self.accounts, slot % self.accounts);
        if entity < self.permission_sets {
            Node::PermissionSet {
                permission_set: entity,
                account,
            }
        } else {
            Node::Role {
                role: entity - self.permission_sets,
                account,
            }
        }
    }

    fn mark(&mut self, node: Node) {
        if let Some(slot) = self.slot(node).and_then(|s| self.index.get_mut(s)) {
            *slot = 1;
        }
    }

    /// Number the marked nodes in slot order; the nodes, in that order.
    fn number(&mut self) -> Vec<Node> {
        let mut nodes = Vec::new();
        for i in 0..self.index.len() {
            if self.index[i] != 0 {
                nodes.push(self.node(i));
                self.index[i] = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
            }
        }
        nodes
    }

    fn get(&self, node: Node) -> Option<usize> {
        let i = *self.index.get(self.slot(node)?)?;
        (i != 0).then(|| i as usize - 1)
    }
}

impl Graph {
    pub fn build(model: &Model, holdings: &AllHoldings) -> Graph {
        let mut index = Slots::new(model);
        for a in &model.assignments {
            index.mark(Node::PermissionSet {
                permission_set: a.permission_set,
                account: a.account,
            });
        }
        for (r, role) in model.roles.iter().enumerate() {
            for &account in &role.targets {
                index.mark(Node::Role { role: r, account });
            }
        }
        let nodes = index.number();
        let mut by_account: HashMap<AccountIdx, Vec<usize>> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            by_account.entry(n.account()).or_default().push(i);
        }

        let mut entries: BTreeMap<PrincipalName, Vec<Edge>> = BTreeMap::new();
        for a in &model.assignments {
            let key = match a.principal {
                PrincipalRef::Group(g) => PrincipalName::Group(g),
                PrincipalRef::User(u) => PrincipalName::User(u),
            };
            if let Some(to) = index.get(Node::PermissionSet {
                permission_set: a.permission_set,
                account: a.account,
            }) {
                entries.entry(key).or_default().push(Edge {
                    to,
                    unverified: false,
                });
            }
        }

        let mut edges: Vec<Vec<Edge>> = vec![Vec::new(); nodes.len()];
        let mut assume_views: Vec<Option<Holdings>> = vec![None; nodes.len()];
        for (r, role) in model.roles.iter().enumerate() {
            for &target in &role.targets {
                let (Some(to), Some(account)) = (
                    index.get(Node::Role {
                        role: r,
                        account: target,
                    }),
                    model.accounts.get(target),
                ) else {
                    continue;
                };
                // Made only when some caller is asked about it.
                let mut arn: Option<String> = None;
                for t in &role.trust {
                    // Who the entry admits among the graph's nodes, or as a source.
                    let callers: Vec<usize> = match &t.principal {
                        TrustPrincipal::Role {
                            role: caller,
                            accounts,
                        } => accounts
                            .iter()
                            .filter_map(|&a| {
                                index.get(Node::Role {
                                    role: *caller,
                                    account: a,
                                })
                            })
                            .collect(),
                        TrustPrincipal::PermissionSet {
                            permission_set,
                            accounts,
                        } => accounts
                            .iter()
                            .filter_map(|&a| {
                                index.get(Node::PermissionSet {
                                    permission_set: *permission_set,
                                    account: a,
                                })
                            })
                            .collect(),
                        TrustPrincipal::Account(a) => {
                            // The account's root delegates to every identity in it whose
                            // own policies allow the call, and to ones orgc does not model.
                            entries
                                .entry(PrincipalName::Account(*a))
                                .or_default()
                                .push(Edge {
                                    to,
                                    unverified: false,
                                });
                            by_account.get(a).cloned().unwrap_or_default()
                        }
                        TrustPrincipal::Service(s) => {
                            entries
                                .entry(PrincipalName::Service(s.clone()))
                                .or_default()
                                .push(Edge {
                                    to,
                                    unverified: false,
                                });
                            Vec::new()
                        }
                        TrustPrincipal::External { account_id, .. } => {
                            entries
                                .entry(PrincipalName::External(account_id.clone()))
                                .or_default()
                                .push(Edge {
                                    to,
                                    unverified: false,
                                });
                            Vec::new()
                        }
                    };
                    for from in callers {
                        if from == to {
                            continue;
                        }
                        let Some(h) = holder(holdings, nodes.get(from).copied()) else {
                            continue;
                        };
                        // A caller is asked about every role that trusts it: reduce its
                        // policies to the statements about `sts:AssumeRole` once.
                        let Some(slot) = assume_views.get_mut(from) else {
                            continue;
                        };
                        let h = slot.get_or_insert_with(|| h.assume_view());
                        let arn = arn.get_or_insert_with(|| role_arn(model, role, account));
                        match h.may_assume(arn) {
                            MayAssume::Yes => edges[from].push(Edge {
                                to,
                                unverified: false,
                            }),
                            MayAssume::Unverified => edges[from].push(Edge {
                                to,
                                unverified: true,
                            }),
                            MayAssume::No => {}
                        }
                    }
                }
            }
        }
        for list in edges.iter_mut().chain(entries.values_mut()) {
            list.sort_by_key(|e| (e.to, e.unverified));
            list.dedup_by_key(|e| e.to);
        }
        Graph {
            nodes,
            edges,
            entries,
        }
    }

    /// Shortest paths from a set of entry edges (breadth first, so the first path found
    /// to a node is a shortest one; ties go to the lower node index, which is stable).
    /// Returns, for each reached node, its predecessor (`None` for an entry) and whether
    /// any hop on the path was unverified.
    pub fn reach(&self, start: &[Edge]) -> Vec<(usize, Option<usize>, bool)> {
        let mut pred: HashMap<usize, (Option<usize>, bool)> = HashMap::new();
        let mut order = Vec::new();
        let mut queue = VecDeque::new();
        for e in start {
            if let std::collections::hash_map::Entry::Vacant(v) = pred.entry(e.to) {
                v.insert((None, e.unverified));
                order.push(e.to);
                queue.push_back(e.to);
            }
        }
        while let Some(n) = queue.pop_front() {
            let unverified = pred.get(&n).is_some_and(|p| p.1);
            for e in self.edges.get(n).map(Vec::as_slice).unwrap_or(&[]) {
                if let std::collections::hash_map::Entry::Vacant(v) = pred.entry(e.to) {
                    v.insert((Some(n), unverified || e.unverified));
                    order.push(e.to);
                    queue.push_back(e.to);
                }
            }
        }
        order
            .into_iter()
            .map(|n| {
                (
                    n,
                    pred.get(&n).and_then(|p| p.0),
                    pred.get(&n).is_some_and(|p| p.1),
                )
            })
            .collect()
    }
}

pub fn holder<'h, 'a>(h: &'h AllHoldings<'a>, node: Option<Node>) -> Option<&'h Holdings<'a>> {
    match node? {
        Node::PermissionSet { permission_set, .. } => h.permission_sets.get(permission_set),
        Node::Role { role, account } => h.roles.get(&(role, account)),
    }
}
