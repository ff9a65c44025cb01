//! Converting handlebars' 1-based line and column numbers into byte spans in the source.

use std::ops::Range;

/// The byte offset of a 1-based line and column (counted in characters), clamped to the
/// text, so a position handlebars reports past the end still yields a usable span.
pub fn offset(source: &str, line: usize, column: usize) -> usize {
    let line_start = line_span(source, line).start;
    let line_text = source.get(line_start..).unwrap_or("");
    line_text
        .char_indices()
        .take_while(|(_, c)| *c != '\n')
        .nth(column.saturating_sub(1))
        .map_or_else(
            || line_start + line_text.find('\n').unwrap_or(line_text.len()),
            |(i, _)| line_start + i,
        )
}

/// The byte range of a 1-based line, without its line break.
pub fn line_span(source: &str, line: usize) -> Range<usize> {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match source.get(start..).and_then(|rest| rest.find('\n')) {
            Some(i) => start += i + 1,
            None => return source.len()..source.len(),
        }
    }
    let rest = source.get(start..).unwrap_or("");
    let end = start + rest.find('\n').unwrap_or(rest.len());
    let end = if source.get(..end).is_some_and(|s| s.ends_with('\r')) {
        end - 1
    } else {
        end
    };
    start..end
}

/// From `start` to the end of the mustache that begins there (`{{…}}`, `{{{…}}}`), or to
/// the end of the line if it does not close.
pub fn mustache_span(source: &str, start: usize) -> Range<usize> {
    let rest = source.get(start..).unwrap_or("");
    match rest.find("}}") {
        Some(i) => {
            let closing = rest
                .get(i..)
                .map_or(2, |tail| tail.bytes().take_while(|b| *b == b'}').count());
            start..start + i + closing
        }
        None => start..start + rest.find('\n').unwrap_or(rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let s = "ab\r\ncé{{x}}\nlast";
        assert_eq!(line_span(s, 1), 0..2);
        assert_eq!(line_span(s, 2), 4..12);
        assert_eq!(line_span(s, 3), 13..17);
        assert_eq!(line_span(s, 9), 17..17);
        assert_eq!(offset(s, 2, 3), 7);
        assert_eq!(&s[mustache_span(s, offset(s, 2, 3))], "{{x}}");
        assert_eq!(offset(s, 2, 99), 12);
        assert_eq!(offset(s, 0, 0), 0);
        let triple = "{{{x}}} y";
        assert_eq!(&triple[mustache_span(triple, 0)], "{{{x}}}");
    }
}
