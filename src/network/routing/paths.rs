//! Interned appliance paths: each path is a node pointing at its prefix, so a
//! walk extends a path in constant time and outcomes stay small and comparable.

use foldhash::{HashMap, HashMapExt};

/// Identifies a sequence of appliance spokes.
pub(crate) type PathId = usize;

/// The empty path.
pub(crate) const ROOT: PathId = 0;

#[derive(Debug, Clone)]
pub(crate) struct PathArena {
    /// Parent path and last spoke; entry 0 is the empty path.
    nodes: Vec<(PathId, usize)>,
    index: HashMap<(PathId, usize), PathId>,
}

impl Default for PathArena {
    fn default() -> Self {
        PathArena {
            nodes: vec![(ROOT, usize::MAX)],
            index: HashMap::new(),
        }
    }
}

impl PathArena {
    /// The path `parent` followed by `spoke`.
    pub(crate) fn child(&mut self, parent: PathId, spoke: usize) -> PathId {
        let next = self.nodes.len();
        *self.index.entry((parent, spoke)).or_insert_with(|| {
            self.nodes.push((parent, spoke));
            next
        })
    }

    /// The spokes of a path, first to last.
    pub(crate) fn spokes(&self, mut id: PathId) -> Vec<usize> {
        let mut out = Vec::new();
        // Parents always have smaller ids, so this ends; the bound guards anyway.
        while id != ROOT && out.len() < self.nodes.len() {
            match self.nodes.get(id) {
                Some(&(parent, spoke)) => {
                    out.push(spoke);
                    id = parent;
                }
                None => break,
            }
        }
        out.reverse();
        out
    }
}
