//! IAM wildcard matching: `*` matches any run of characters, `?` exactly one.

/// Whether to compare letters ignoring ASCII case. Action names are case-insensitive in
/// IAM; resource ARNs are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    Insensitive,
}

/// Whether `text` matches `pattern` as a whole.
///
/// Greedy matching with a single backtrack point: linear in the common case and
/// `O(pattern × text)` at worst, with no recursion, so hostile patterns cannot blow the stack.
pub fn matches(pattern: &str, text: &str, case: Case) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    // Most candidates fail on the literal text before the first or after the last
    // wildcard; checking those first keeps scans over a whole service cheap.
    let head = literal_prefix(pattern).as_bytes();
    let tail = literal_suffix(pattern).as_bytes();
    if head.len() == p.len() {
        return head.len() == t.len() && same_bytes(head, t, case);
    }
    let fits = t
        .get(..head.len())
        .is_some_and(|start| same_bytes(head, start, case))
        && t.len()
            .checked_sub(tail.len())
            .and_then(|from| t.get(from..))
            .is_some_and(|end| same_bytes(tail, end, case));
    if !fits {
        return false;
    }
    // A single `*` (`s3:Get*`, `*Tags`) is decided by the prefix and suffix alone.
    if head.len() + 1 + tail.len() == p.len() && p.get(head.len()) == Some(&b'*') {
        return t.len() >= head.len() + tail.len();
    }
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where the last `*` resumes the pattern, and where in the text it started matching.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&tb) = t.get(ti) {
        match p.get(pi) {
            Some(b'*') => {
                pi += 1;
                star = Some((pi, ti));
                continue;
            }
            Some(b'?') => {
                pi += 1;
                ti += char_len(tb);
                continue;
            }
            Some(&pb) if same(pb, tb, case) => {
                pi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((resume, start)) => {
                let next = start + t.get(start).map_or(1, |&b| char_len(b));
                star = Some((resume, next));
                pi = resume;
                ti = next;
            }
            None => return false,
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
}

/// Whether the pattern contains a wildcard at all.
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// The text before the first wildcard: every match starts with it, which lets a sorted
/// list be narrowed before matching.
pub fn literal_prefix(pattern: &str) -> &str {
    match pattern.find(['*', '?']) {
        Some(i) => pattern.get(..i).unwrap_or(""),
        None => pattern,
    }
}

/// The text after the last wildcard: every match ends with it.
fn literal_suffix(pattern: &str) -> &str {
    match pattern.rfind(['*', '?']) {
        Some(i) => pattern.get(i + 1..).unwrap_or(""),
        None => pattern,
    }
}

fn same_bytes(a: &[u8], b: &[u8], case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(b),
    }
}

fn same(a: u8, b: u8, case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(&b),
    }
}

/// Length of the UTF-8 sequence a leading byte starts, so `?` consumes whole characters.
fn char_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(matches("s3:Get*", "s3:GetObject", Case::Sensitive));
        assert!(matches("*", "", Case::Sensitive));
        assert!(matches("*Object", "GetObject", Case::Sensitive));
        assert!(matches("Get?bject", "GetObject", Case::Sensitive));
        assert!(matches("a*b*c", "aXbYbZc", Case::Sensitive));
        assert!(!matches("a*b*c", "aXbYbZ", Case::Sensitive));
        assert!(!matches("Get?", "Get", Case::Sensitive));
        assert!(matches("ARN:é?x", "ARN:éüx", Case::Sensitive));
    }

    #[test]
    fn case_folding_is_opt_in() {
        assert!(matches("S3:getobject", "s3:GetObject", Case::Insensitive));
        assert!(!matches("S3:getobject", "s3:GetObject", Case::Sensitive));
    }

    /// Obviously correct and exponential; for comparison only.
    fn reference(p: &str, t: &str) -> bool {
        let (mut pc, tc) = (p.chars(), t.chars());
        match pc.next() {
            None => t.is_empty(),
            Some('*') => {
                let rest = pc.as_str();
                (0..=t.len())
                    .filter(|i| t.is_char_boundary(*i))
                    .any(|i| reference(rest, &t[i..]))
            }
            Some(c) => {
                let mut tc = tc;
                match tc.next() {
                    Some(d) if c == '?' || c == d => reference(pc.as_str(), tc.as_str()),
                    _ => false,
                }
            }
        }
    }

    #[test]
    fn overlapping_prefix_and_suffix() {
        assert!(!matches("ab*b", "ab", Case::Sensitive));
        assert!(matches("ab*b", "abb", Case::Sensitive));
        assert!(matches("a?", "aé", Case::Sensitive));
        assert!(!matches("a?", "a", Case::Sensitive));
    }

    #[test]
    fn literal_prefix_stops_at_first_wildcard() {
        assert_eq!(literal_prefix("Get*Obj?"), "Get");
        assert_eq!(literal_prefix("GetObject"), "GetObject");
        assert_eq!(literal_prefix("*"), "");
    }

    proptest! {
        #[test]
        fn a_string_matches_itself_and_star(s in "[^*?]{0,40}") {
            prop_assert!(matches(&s, &s, Case::Sensitive));
            prop_assert!(matches("*", &s, Case::Sensitive));
        }

        #[test]
        fn never_panics(p in ".{0,20}", t in ".{0,40}") {
            let _ = matches(&p, &t, Case::Insensitive);
        }

        #[test]
        fn agrees_with_a_simple_recursive_matcher(p in "[ab*?]{0,8}", t in "[abé]{0,8}") {
            prop_assert_eq!(matches(&p, &t, Case::Sensitive), reference(&p, &t));
        }
    }
}
