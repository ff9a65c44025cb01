//! A step function over one address family: the space is cut into consecutive
//! segments, each carrying one value. A lookup is a binary search, and walking
//! an interval costs one search plus one step per segment, which is what keeps
//! the analysis per interval rather than per address.

use super::addr::Span;

/// A total map from the addresses `0..=max` to values, stored as segment starts.
///
/// Invariant: the first segment starts at 0, starts strictly increase, and
/// neighbouring segments carry different values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StepMap<V> {
    first: V,
    /// Segments after the first: start address and value.
    rest: Vec<(u128, V)>,
    max: u128,
}

impl<V: Copy + Eq> StepMap<V> {
    /// Longest-prefix match as a map: each address takes the value of the
    /// innermost span containing it, or `default`. The spans must be nested or
    /// disjoint (as prefixes always are) and sorted by start, outer before inner.
    pub(crate) fn from_nested(max: u128, default: V, spans: &[(Span, V)]) -> Self {
        let mut out = Builder::new(default);
        // Enclosing spans of the current position, innermost last.
        let mut stack: Vec<(u128, V)> = Vec::new();
        for &((lo, hi), value) in spans {
            close_before(&mut stack, &mut out, default, lo);
            out.push(lo, value);
            stack.push((hi, value));
        }
        close_before(&mut stack, &mut out, default, max);
        // A span ending exactly at `max` has nothing after it to hand back to.
        out.finish(max)
    }

    /// The value at `x` and the last address of its segment.
    pub(crate) fn segment_at(&self, x: u128) -> (V, u128) {
        let idx = self.rest.partition_point(|e| e.0 <= x);
        let value = match idx.checked_sub(1) {
            Some(i) => self.rest.get(i).map_or(self.first, |e| e.1),
            None => self.first,
        };
        let end = self
            .rest
            .get(idx)
            .map_or(self.max, |e| e.0.saturating_sub(1));
        (value, end)
    }

    /// The segments overlapping `[lo, hi]`, clipped to it, in address order.
    pub(crate) fn segments(&self, lo: u128, hi: u128) -> Segments<'_, V> {
        Segments {
            map: self,
            next: (lo <= hi && lo <= self.max).then_some(lo),
            hi: hi.min(self.max),
        }
    }

    /// Every segment of the map.
    pub(crate) fn all(&self) -> Segments<'_, V> {
        self.segments(0, self.max)
    }

    /// Applies `f` to every value.
    pub(crate) fn map<W: Copy + Eq>(&self, mut f: impl FnMut(V) -> W) -> StepMap<W> {
        let mut out = Builder::new(f(self.first));
        for &(start, v) in &self.rest {
            out.push(start, f(v));
        }
        out.finish(self.max)
    }
}

/// Pops the enclosing spans that end before `until`, handing the addresses after
/// each back to its parent (or the default).
fn close_before<V: Copy + Eq>(
    stack: &mut Vec<(u128, V)>,
    out: &mut Builder<V>,
    default: V,
    until: u128,
) {
    while let Some(&(hi, _)) = stack.last() {
        if hi >= until {
            break;
        }
        stack.pop();
        let parent = stack.last().map_or(default, |e| e.1);
        // `hi < until` so `hi + 1` cannot overflow.
        out.push(hi.saturating_add(1), parent);
    }
}

/// Iterator over clipped segments.
pub(crate) struct Segments<'a, V> {
    map: &'a StepMap<V>,
    next: Option<u128>,
    hi: u128,
}

impl<V: Copy + Eq> Iterator for Segments<'_, V> {
    /// First address, last address, value.
    type Item = (u128, u128, V);

    fn next(&mut self) -> Option<Self::Item> {
        let lo = self.next.filter(|lo| *lo <= self.hi)?;
        let (value, end) = self.map.segment_at(lo);
        let end = end.min(self.hi);
        self.next = end.checked_add(1);
        Some((lo, end, value))
    }
}

/// Builds a map from segment starts given in increasing order.
pub(crate) struct Builder<V> {
    first: V,
    rest: Vec<(u128, V)>,
}

impl<V: Copy + Eq> Builder<V> {
    pub(crate) fn new(first: V) -> Self {
        Builder {
            first,
            rest: Vec::new(),
        }
    }

    /// Sets the value from `start` on. A start equal to the previous one
    /// replaces its value; equal neighbours are merged.
    pub(crate) fn push(&mut self, start: u128, value: V) {
        let last_start = self.rest.last().map_or(0, |e| e.0);
        if start < last_start {
            // Out of order: ignored rather than corrupting the map.
            return;
        }
        if start == last_start {
            match self.rest.pop() {
                Some(_) => {}
                None => {
                    self.first = value;
                    return;
                }
            }
        }
        let current = self.rest.last().map_or(self.first, |e| e.1);
        if current != value {
            self.rest.push((start, value));
        }
    }

    pub(crate) fn finish(self, max: u128) -> StepMap<V> {
        let mut rest = self.rest;
        rest.retain(|e| e.0 <= max);
        StepMap {
            first: self.first,
            rest,
            max,
        }
    }
}
