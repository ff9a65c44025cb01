//! "Did you mean …?": the closest known name to a misspelt one — a key, an entity, an
//! IAM action or a lint code. One implementation for the whole program.

/// The candidate closest to `word`, if it is close enough to be a plausible typo: an edit
/// distance (ignoring ASCII case) of at most a third of the word's length, at least 1.
/// A candidate equal to `word` except for case always wins, because IAM users mostly get
/// the case of `Statement` or `getObject` wrong rather than the letters.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    closest_within(word, candidates, limit)
}

/// Like [`closest`] with an explicit distance limit.
pub fn closest_within<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Option<&'a str> {
    let word: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut scratch = Scratch::default();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let len = candidate.chars().count();
        // The length difference is a lower bound on the distance, so most candidates are
        // skipped without running the quadratic comparison.
        if len.abs_diff(word.len()) > limit {
            continue;
        }
        let d = scratch.distance(&word, candidate);
        if d <= limit && best.is_none_or(|(bd, bc)| (d, candidate) < (bd, bc)) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `help:` text for an unknown name.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Buffers reused across comparisons, so scanning a service's 700 actions allocates once.
#[derive(Default)]
struct Scratch {
    b: Vec<char>,
    prev2: Vec<usize>,
    prev: Vec<usize>,
    cur: Vec<usize>,
}

impl Scratch {
    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions, the
    /// commonest typo), ignoring ASCII case; `a` is already lower-cased.
    fn distance(&mut self, a: &[char], b: &str) -> usize {
        self.b.clear();
        self.b.extend(b.chars().map(|c| c.to_ascii_lowercase()));
        let b = &self.b;
        let n = b.len();
        self.prev2.clear();
        self.prev2.resize(n + 1, 0);
        self.prev.clear();
        self.prev.extend(0..=n);
        self.cur.clear();
        self.cur.resize(n + 1, 0);
        for (i, ca) in a.iter().enumerate() {
            if let Some(first) = self.cur.first_mut() {
                *first = i + 1;
            }
            for (j, cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                let diagonal = self.prev.get(j).copied().unwrap_or(usize::MAX - 1) + cost;
                let up = self.prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
                let left = self.cur.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
                let mut v = diagonal.min(up).min(left);
                if i > 0
                    && j > 0
                    && a.get(i - 1) == Some(cb)
                    && b.get(j - 1) == Some(ca)
                    && let Some(t) = self.prev2.get(j - 1)
                {
                    v = v.min(t + 1);
                }
                if let Some(slot) = self.cur.get_mut(j + 1) {
                    *slot = v;
                }
            }
            std::mem::swap(&mut self.prev2, &mut self.prev);
            std::mem::swap(&mut self.prev, &mut self.cur);
        }
        self.prev.last().copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
        Scratch::default().distance(&a, b)
    }

    #[test]
    fn finds_iam_typos_and_case_mistakes() {
        let names = ["Statement", "Version", "Id"];
        assert_eq!(closest("statement", names), Some("Statement"));
        assert_eq!(closest("Statment", names), Some("Statement"));
        assert_eq!(closest("Verison", names), Some("Version"));
        assert_eq!(closest("xyz", names), None);
    }

    #[test]
    fn distance_counts_transpositions_once() {
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("GetObject", "getobject"), 0);
    }

    #[test]
    fn finds_typos_and_case_mistakes() {
        let names = ["production", "staging", "development"];
        assert_eq!(closest("prodution", names), Some("production"));
        assert_eq!(closest("Staging", names), Some("staging"));
        assert_eq!(closest("stagnig", names), Some("staging"));
        assert_eq!(closest("xyz", names), None);
    }

    #[test]
    fn distance_counts_transpositions_once_also_between_names() {
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }
}
