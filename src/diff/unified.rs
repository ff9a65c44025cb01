//! The unified diff of two texts, as `diff -u` prints it, found fast for the texts of
//! millions of lines that the largest orgs' assignments file and access audit are.
//!
//! A text is diffed line by line (patience), except a large one laid out in records,
//! as every pretty-printed JSON list is. Its segments end at each line indented no
//! deeper than its records (an item's closing brace). Both texts are walked side by
//! side: where they are the same they are compared a block at a time and only their
//! line breaks counted; where they part, the walk looks segment by segment for the
//! nearest point where they are the same again, and only the segments in between are
//! diffed line by line. Every line outside those runs is the same on both sides, so
//! the result is a true diff. It costs a pass over the bytes plus the lines that
//! changed, where diffing every line hashed each of millions of lines, and most of
//! the time of a `diff` of a large org went there. Past a change too long for the walk
//! to find its end, the rest is diffed line by line, as a small text is.

use similar::{Algorithm, DiffOp, DiffTag, DiffableStr, capture_diff_slices, group_diff_ops};
use std::fmt::Write as _;
use std::ops::Range;

/// A unified diff and the lines it adds and removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unified {
    pub added: usize,
    pub removed: usize,
    /// The diff, with `--- old_name` and `+++ new_name` headers; empty when the
    /// texts have the same lines.
    pub text: String,
}

/// Texts together shorter than this are diffed line by line: cutting them into
/// segments would save nothing worth the difference in how the diff may read.
const SEGMENTED_FROM: usize = 1 << 20;

/// How many lines from the start of each text show how it is laid out.
const SAMPLED_LINES: usize = 20_000;

/// The unified diff of `old` and `new` with `context` lines around each change.
pub fn unified(old: &str, new: &str, context: usize, old_name: &str, new_name: &str) -> Unified {
    let (ops, old_lines, new_lines) = match segment_level(old, new) {
        Some(level) => {
            let (ops, a, b) = walked_ops(old, new, level, SEARCH_BUDGET);
            (ops, Lines::Marked(a), Lines::Marked(b))
        }
        None => {
            let (a, b) = (old.tokenize_lines(), new.tokenize_lines());
            let ops = capture_diff_slices(Algorithm::Patience, &a, &b);
            (ops, Lines::All(a), Lines::All(b))
        }
    };
    let (mut added, mut removed) = (0, 0);
    for op in ops.iter().filter(|op| op.tag() != DiffTag::Equal) {
        added += op.new_range().len();
        removed += op.old_range().len();
    }
    let text = render(ops, &old_lines, &new_lines, context, old_name, new_name);
    Unified {
        added,
        removed,
        text,
    }
}

/// The indentation at which a large text's records end, when the texts are large
/// and laid out in records: the deepest at which at most a third of the sampled
/// lines are indented, so that a segment holds three lines or more on average.
/// `None` for a small text, one without such a level, or one with a carriage return
/// (a line break of its own to [`DiffableStr::tokenize_lines`], which segments are
/// not cut at).
fn segment_level(old: &str, new: &str) -> Option<usize> {
    if old.len() + new.len() < SEGMENTED_FROM
        || memchr::memchr(b'\r', old.as_bytes()).is_some()
        || memchr::memchr(b'\r', new.as_bytes()).is_some()
    {
        return None;
    }
    const DEEPEST: usize = 16;
    let mut at_most = [0usize; DEEPEST + 1];
    let mut sampled = 0;
    for text in [old, new] {
        for line in text.split_terminator('\n').take(SAMPLED_LINES) {
            at_most[indent(line.as_bytes()).min(DEEPEST)] += 1;
            sampled += 1;
        }
    }
    let mut level = None;
    let mut shallower = 0;
    for (depth, n) in at_most.iter().enumerate().take(DEEPEST) {
        shallower += n;
        if shallower * 3 > sampled {
            break;
        }
        if *n > 0 {
            level = Some(depth);
        }
    }
    level
}

/// How many spaces a line starts with.
fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

/// How far apart, in segments, two texts may be before they are the same again for
/// the walk of [`walked_ops`] to find it; past that it diffs the rest line by line.
const RESUMES_WITHIN: usize = 4096;

/// How many places all the searches of one walk may try before it diffs the rest
/// line by line: each search tries up to half the square of how far apart the texts
/// are, and many changes each nearly [`RESUMES_WITHIN`] long would add up.
const SEARCH_BUDGET: usize = 1 << 26;

/// How many segments must be the same on both sides for the texts to be the same
/// again there (a lone `{` is the same everywhere).
const RESUMED_FOR: usize = 3;

/// The line-by-line ops of two large texts laid out in records, found by walking
/// them side by side. Where they are the same, they are compared a word at a time
/// and only their line breaks counted. Where they differ, the nearest point where
/// they are the same again is looked for segment by segment (`budget` places in all
/// the searches), and the segments between are diffed line by line; past
/// [`RESUMES_WITHIN`] segments, or once the budget is spent, the rest of both texts
/// is. The texts' marks are where each op starts.
fn walked_ops<'a>(
    old: &'a str,
    new: &'a str,
    level: usize,
    mut budget: usize,
) -> (Vec<DiffOp>, Marked<'a>, Marked<'a>) {
    let mut ops = Vec::new();
    // Where the walk is on each side, as (line, byte).
    let (mut a, mut b) = ((0, 0), (0, 0));
    let (mut a_marks, mut b_marks) = (Vec::new(), Vec::new());
    loop {
        let same = common_prefix(&old.as_bytes()[a.1..], &new.as_bytes()[b.1..]);
        let equal = if a.1 + same == old.len() && b.1 + same == new.len() {
            same
        } else {
            last_segment_end(&old.as_bytes()[a.1..a.1 + same], level)
        };
        if equal > 0 {
            let len = old.as_bytes()[a.1..a.1 + equal]
                .iter()
                .filter(|&&c| c == b'\n')
                .count()
                + usize::from(a.1 + equal == old.len() && !old.ends_with('\n'));
            a_marks.push(a);
            b_marks.push(b);
            push(
                &mut ops,
                DiffOp::Equal {
                    old_index: a.0,
                    new_index: b.0,
                    len,
                },
            );
            a = (a.0 + len, a.1 + equal);
            b = (b.0 + len, b.1 + equal);
        }
        if a.1 == old.len() && b.1 == new.len() {
            break;
        }
        let (x, y) = (&old[a.1..], &new[b.1..]);
        let (x_end, y_end) = resumption(x, y, level, &mut budget).unwrap_or((x.len(), y.len()));
        let (x, y) = (x[..x_end].tokenize_lines(), y[..y_end].tokenize_lines());
        let (x_at, y_at) = (line_starts(&x), line_starts(&y));
        for op in capture_diff_slices(Algorithm::Patience, &x, &y) {
            let (o, n) = (op.old_range().start, op.new_range().start);
            a_marks.push((a.0 + o, a.1 + x_at[o]));
            b_marks.push((b.0 + n, b.1 + y_at[n]));
            push(&mut ops, shifted(op, a.0, b.0));
        }
        a = (a.0 + x.len(), a.1 + x_end);
        b = (b.0 + y.len(), b.1 + y_end);
    }
    a_marks.push(a);
    b_marks.push(b);
    let marked = |text, marks| Marked { text, marks };
    (ops, marked(old, a_marks), marked(new, b_marks))
}

/// Where each of `lines` starts in the text they were cut from, and where the last
/// ends.
fn line_starts(lines: &[&str]) -> Vec<usize> {
    let mut at = 0;
    let mut starts = Vec::with_capacity(lines.len() + 1);
    starts.push(0);
    for l in lines {
        at += l.len();
        starts.push(at);
    }
    starts
}

/// The length of the longest common prefix of two byte strings, compared a block at
/// a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 4096;
    let mut at = 0;
    let shorter = a.len().min(b.len());
    while at + BLOCK <= shorter && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..shorter]
        .iter()
        .zip(&b[at..shorter])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Where the last segment that `text` holds whole ends (0 for none): after the last
/// line break that ends a line indented no deeper than `level`.
fn last_segment_end(text: &[u8], level: usize) -> usize {
    let mut end = text.len();
    while let Some(brk) = memchr::memrchr(b'\n', &text[..end]) {
        let start = memchr::memrchr(b'\n', &text[..brk]).map_or(0, |p| p + 1);
        if indent(&text[start..brk]) <= level {
            return brk + 1;
        }
        end = brk;
    }
    0
}

/// Where two texts that differ in their first segments are the same again: the
/// lengths of the segments before that point on each side, the fewest in all (or
/// both ends). `None` when that is more than [`RESUMES_WITHIN`] segments away, or
/// when `budget` (places tried, counted down) runs out first.
fn resumption(a: &str, b: &str, level: usize, budget: &mut usize) -> Option<(usize, usize)> {
    let (mut a, mut b) = (Lazy::new(a, level), Lazy::new(b, level));
    for apart in 1..=RESUMES_WITHIN {
        for x in 0..=apart {
            *budget = budget.checked_sub(1)?;
            let y = apart - x;
            let resumes = (0..RESUMED_FOR)
                .map(|t| (a.get(x + t), b.get(y + t)))
                .take_while(|pair| *pair != (None, None))
                .all(|(p, q)| p.is_some() && p == q);
            if resumes {
                return Some((a.start(x)?, b.start(y)?));
            }
        }
    }
    None
}

/// A text's segments, found as far as they are asked for.
struct Lazy<'a> {
    text: &'a str,
    level: usize,
    /// Where each segment found so far ends.
    ends: Vec<usize>,
}

impl<'a> Lazy<'a> {
    fn new(text: &'a str, level: usize) -> Lazy<'a> {
        Lazy {
            text,
            level,
            ends: Vec::new(),
        }
    }

    /// Where segment `i` starts (the text's end for the one after the last).
    fn start(&mut self, i: usize) -> Option<usize> {
        match i {
            0 => Some(0),
            _ => self.get(i - 1).map(|_| self.ends[i - 1]),
        }
    }

    /// Segment `i`, if the text has that many.
    fn get(&mut self, i: usize) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        while self.ends.len() <= i {
            let mut at = self.ends.last().copied().unwrap_or(0);
            if at == bytes.len() {
                return None;
            }
            loop {
                let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p + 1);
                let shallow = indent(&bytes[at..end]) <= self.level;
                at = end;
                if shallow || at == bytes.len() {
                    break;
                }
            }
            self.ends.push(at);
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..self.ends[i]])
    }
}

/// `op` with its old lines moved down by `old` and its new lines by `new`.
fn shifted(op: DiffOp, old: usize, new: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + old,
            new_index: new_index + new,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + old,
            old_len,
            new_index: new_index + new,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + old,
            new_index: new_index + new,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + old,
            old_len,
            new_index: new_index + new,
            new_len,
        },
    }
}

/// Appends `op`, joining it to the previous op when both are equal lines: the
/// hunks are cut at long runs of equal lines, wherever those were found.
fn push(ops: &mut Vec<DiffOp>, op: DiffOp) {
    if let (Some(DiffOp::Equal { len, .. }), DiffOp::Equal { len: more, .. }) = (ops.last_mut(), op)
    {
        *len += more;
    } else if op.old_range().len() + op.new_range().len() > 0 {
        ops.push(op);
    }
}

/// A text's lines: all of them, or marks from which any run of lines is found.
enum Lines<'a> {
    All(Vec<&'a str>),
    Marked(Marked<'a>),
}

impl Lines<'_> {
    /// Each line in `range`, passed to `f`.
    fn each(&self, range: Range<usize>, f: &mut impl FnMut(&str)) {
        match self {
            Lines::All(lines) => lines
                .get(range)
                .unwrap_or_default()
                .iter()
                .for_each(|l| f(l)),
            Lines::Marked(m) => m.text[m.start_of(range.start)..]
                .split_inclusive('\n')
                .take(range.len())
                .for_each(f),
        }
    }
}

/// A text and where some of its lines start, as (line, byte), in order: the start
/// of every op of its diff, so that the lines of a hunk are found from the mark
/// nearest to them instead of from the start of the text.
struct Marked<'a> {
    text: &'a str,
    marks: Vec<(usize, usize)>,
}

impl Marked<'_> {
    /// The byte at which `line` starts, found from the mark nearest to it, forward
    /// or back (the context before a change is at the end of a long run of equal
    /// lines, whose mark is at its start).
    fn start_of(&self, line: usize) -> usize {
        let bytes = self.text.as_bytes();
        let after = self.marks.partition_point(|m| m.0 <= line);
        let (from, mut at) = self
            .marks
            .get(after.wrapping_sub(1))
            .copied()
            .unwrap_or((0, 0));
        if let Some(&(to, end)) = self.marks.get(after)
            && to - line < line - from
        {
            at = end;
            for _ in line..to {
                // The line before starts after the line break before this line's.
                at = memchr::memrchr(b'\n', &bytes[..at.saturating_sub(1)]).map_or(0, |p| p + 1);
            }
            return at;
        }
        for _ in from..line {
            at = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p + 1);
        }
        at
    }
}

/// The unified diff of `ops`, in hunks with `context` lines of context, as similar's
/// `UnifiedDiff` prints it.
fn render(
    ops: Vec<DiffOp>,
    old: &Lines<'_>,
    new: &Lines<'_>,
    context: usize,
    old_name: &str,
    new_name: &str,
) -> String {
    let mut out = String::new();
    for (i, hunk) in group_diff_ops(ops, context).iter().enumerate() {
        let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
            continue;
        };
        if i == 0 {
            let _ = writeln!(out, "--- {old_name}\n+++ {new_name}");
        }
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            HunkRange(first.old_range().start..last.old_range().end),
            HunkRange(first.new_range().start..last.new_range().end)
        );
        for op in hunk {
            let (o, n) = (op.old_range(), op.new_range());
            match op.tag() {
                DiffTag::Equal => old.each(o, &mut |t| line(&mut out, ' ', t)),
                DiffTag::Delete => old.each(o, &mut |t| line(&mut out, '-', t)),
                DiffTag::Insert => new.each(n, &mut |t| line(&mut out, '+', t)),
                DiffTag::Replace => {
                    old.each(o, &mut |t| line(&mut out, '-', t));
                    new.each(n, &mut |t| line(&mut out, '+', t));
                }
            }
        }
    }
    out
}

/// One line of a hunk, marked with `sign`.
fn line(out: &mut String, sign: char, text: &str) {
    out.push(sign);
    out.push_str(text);
    if !text.ends_with_newline() {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// A hunk's range of lines as a unified diff writes it: `start,len`, one-based, or
/// `start` alone for one line; an empty range starts at the line before it.
struct HunkRange(Range<usize>);

impl std::fmt::Display for HunkRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.0.len();
        match len {
            1 => write!(f, "{}", self.0.start + 1),
            0 => write!(f, "{},0", self.0.start),
            _ => write!(f, "{},{len}", self.0.start + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use similar::TextDiff;

    fn similar_unified(old: &str, new: &str, context: usize) -> String {
        TextDiff::configure()
            .algorithm(Algorithm::Patience)
            .diff_lines(old, new)
            .unified_diff()
            .context_radius(context)
            .header("a/x", "b/x")
            .to_string()
    }

    /// Applies a unified diff to `old`, checking every context and removed line
    /// against it: the text the diff says `new` is.
    fn apply(old: &str, diff: &str) -> String {
        let old: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut at = 0;
        let mut lines = diff.split_inclusive('\n').skip(2).peekable();
        while let Some(header) = lines.next() {
            let start: usize = header
                .trim_start_matches("@@ -")
                .split([',', ' '])
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap();
            // An empty old range names the line before it.
            let len_zero = header.split(' ').nth(1).is_some_and(|r| r.ends_with(",0"));
            let from = if len_zero { start } else { start - 1 };
            out.extend(old[at..from].iter().copied());
            at = from;
            while let Some(l) = lines.peek() {
                if l.starts_with("@@") {
                    break;
                }
                let l = lines.next().unwrap();
                let (sign, text) = l.split_at(1);
                // "\ No newline at end of file" follows a line that lacks one.
                let text = if lines.peek().is_some_and(|n| n.starts_with('\\')) {
                    lines.next();
                    text.strip_suffix('\n').unwrap()
                } else {
                    text
                };
                match sign {
                    " " => {
                        assert_eq!(old[at], text);
                        out.push_str(text);
                        at += 1;
                    }
                    "-" => {
                        assert_eq!(old[at], text);
                        at += 1;
                    }
                    "+" => out.push_str(text),
                    _ => panic!("unexpected line {l:?}"),
                }
            }
        }
        out.extend(old[at..].iter().copied());
        out
    }

    /// A pretty-printed JSON list of `n` records, some changed by `seed`.
    fn records(n: usize, changed: &[usize], dropped: &[usize], extra: &[usize]) -> String {
        let mut items = Vec::new();
        for i in 0..n {
            if dropped.contains(&i) {
                continue;
            }
            let level = if changed.contains(&i) {
                "write"
            } else {
                "read"
            };
            items.push(format!(
                "  {{\n    \"account\": \"acct-{}\",\n    \"level\": \"{level}\",\n    \"via\": [\n      \"set:{}\"\n    ]\n  }}",
                i / 3,
                i % 7
            ));
            if extra.contains(&i) {
                items.push(format!(
                    "  {{\n    \"account\": \"new-{i}\",\n    \"level\": \"admin\",\n    \"via\": []\n  }}"
                ));
            }
        }
        format!("[\n{}\n]\n", items.join(",\n"))
    }

    #[test]
    fn small_texts_read_exactly_as_similar_prints_them() {
        for (old, new) in [
            ("1\n2\n3\n", "1\n2\n4\n"),
            ("a\nb", "a\nc"),
            ("a\nb\n", "a\nb"),
            ("", "x\n"),
            ("x\n", ""),
            ("same\n", "same\n"),
            ("a\r\nb\r\n", "a\r\nc\r\n"),
        ] {
            for context in [0, 1, 3] {
                let ours = unified(old, new, context, "a/x", "b/x");
                assert_eq!(
                    ours.text,
                    similar_unified(old, new, context),
                    "{old:?} → {new:?}"
                );
            }
        }
        let ours = unified("1\n2\n3\n", "1\n4\n3\n5\n", 3, "a/x", "b/x");
        assert_eq!((ours.added, ours.removed), (2, 1));
    }

    /// A large text is cut into records, and the diff found that way is a true one:
    /// applied to the old text it gives the new, and it counts what it shows.
    #[test]
    fn large_texts_are_diffed_by_records_and_the_diff_applies() {
        let n = 12_000;
        let old = records(n, &[], &[], &[]);
        let new = records(n, &[5, 6, 4_000, 11_999], &[100, 7_000], &[0, 9_000]);
        assert!(old.len() + new.len() >= SEGMENTED_FROM);
        assert_eq!(segment_level(&old, &new), Some(2));
        let ours = unified(&old, &new, 3, "a/x", "b/x");
        assert_eq!(apply(&old, &ours.text), new);
        let plus = ours.text.lines().filter(|l| l.starts_with('+')).count() - 1;
        let minus = ours.text.lines().filter(|l| l.starts_with('-')).count() - 1;
        assert_eq!((ours.added, ours.removed), (plus, minus));
        // Four changed levels, two records gone (seven lines each), two added (five):
        // the least a diff can show.
        assert_eq!((ours.added, ours.removed), (4 + 10, 4 + 14));
        // Where no record moves, it reads as the line-by-line diff does.
        let small_change = records(n, &[4_000], &[], &[]);
        assert_eq!(
            unified(&old, &small_change, 3, "a/x", "b/x").text,
            similar_unified(&old, &small_change, 3)
        );
        assert_eq!(unified(&old, &old, 3, "a/x", "b/x").text, "");
    }

    /// Texts that are not the same again within [`RESUMES_WITHIN`] segments of a
    /// change: the rest is diffed line by line, still exactly.
    #[test]
    fn texts_far_apart_are_diffed_line_by_line_from_there() {
        let n = 12_000;
        let old = records(n, &[], &[], &[]);
        // 2,100 records (4,200 segments) added in one block after the 1,000th.
        let block: String = (0..2_100)
            .map(|k| format!("  {{\n    \"account\": \"new-{k}\",\n    \"level\": \"admin\",\n    \"via\": []\n  }},\n"))
            .collect();
        let changed = records(n, &[11_000], &[], &[]);
        let at = changed
            .match_indices("\n  {\n")
            .nth(1_000)
            .map_or(0, |(i, _)| i + 1);
        let new = format!("{}{block}{}", &changed[..at], &changed[at..]);
        assert!(resumption(&old[at..], &new[at..], 2, &mut SEARCH_BUDGET.clone()).is_none());
        // Three records (six segments) apart: found, unless the budget runs out first.
        let fewer = records(n, &[], &[1_001, 1_002, 1_003], &[]);
        let from = old
            .match_indices("\n  {\n")
            .nth(1_001)
            .map_or(0, |(i, _)| i + 1);
        let found = resumption(&old[from..], &fewer[from..], 2, &mut SEARCH_BUDGET.clone());
        assert_eq!(
            found.map(|(x, y)| (old[from..from + x].lines().count(), y)),
            Some((21, 0))
        );
        assert!(resumption(&old[from..], &fewer[from..], 2, &mut 10).is_none());
        let ours = unified(&old, &new, 3, "a/x", "b/x");
        assert_eq!(apply(&old, &ours.text), new);
        assert_eq!((ours.added, ours.removed), (1 + 2_100 * 5, 1));
    }

    #[test]
    fn a_text_without_records_is_diffed_line_by_line() {
        let flat: String = (0..200_000).map(|i| format!("{i}\n")).collect();
        assert_eq!(segment_level(&flat, &flat), None);
        let crlf = records(12_000, &[], &[], &[]).replace('\n', "\r\n");
        assert_eq!(segment_level(&crlf, &crlf), None);
    }

    proptest! {
        /// Whatever the texts, the walked diff applies and accounts for every line,
        /// whether its searches find where the texts meet again or its budget runs
        /// out first (the rest then diffed line by line); and the line-by-line diff
        /// reads exactly as `similar` prints it.
        #[test]
        fn every_diff_applies(
            old in proptest::collection::vec(0u8..6, 0..60),
            new in proptest::collection::vec(0u8..6, 0..60),
            level in 0usize..3,
            context in 0usize..4,
            unterminated in (any::<bool>(), any::<bool>()),
            budget in prop_oneof![0usize..20, Just(SEARCH_BUDGET)],
        ) {
            // Each text's last line without its line break, or with it.
            let text = |v: &[u8], unterminated: bool| -> String {
                let t: String = v
                    .iter()
                    .map(|&i| format!("{}{i}\n", " ".repeat(usize::from(i % 3) * 2)))
                    .collect();
                match unterminated {
                    true => t.trim_end_matches('\n').to_string(),
                    false => t,
                }
            };
            let (old, new) = (text(&old, unterminated.0), text(&new, unterminated.1));
            let (ops, a, b) = walked_ops(&old, &new, level * 2, budget);
            // The ops account for every line of both texts, in order.
            let lines = |t: &str| t.split_inclusive('\n').count();
            let ends = ops.last().map_or((0, 0), |o| (o.old_range().end, o.new_range().end));
            prop_assert_eq!(ends, (lines(&old), lines(&new)));
            prop_assert!(ops.windows(2).all(|w| w[0].old_range().end == w[1].old_range().start
                && w[0].new_range().end == w[1].new_range().start));
            let diff = render(ops, &Lines::Marked(a), &Lines::Marked(b), context, "a/x", "b/x");
            if old == new {
                prop_assert_eq!(diff.as_str(), "");
            } else {
                prop_assert_eq!(apply(&old, &diff), new.clone());
            }
            let whole = unified(&old, &new, context, "a/x", "b/x");
            prop_assert_eq!(whole.text, similar_unified(&old, &new, context));
        }
    }
}
