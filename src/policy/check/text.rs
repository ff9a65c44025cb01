//! Checks on the raw policy text before it is parsed: its size as AWS counts it, and the
//! characters IAM accepts.

use crate::policy::problem::{Problem, codes};

/// Reports beyond this many add noise, not information.
const MAX_CHARSET_PROBLEMS: usize = 10;

/// The policy's size as IAM counts it against its quotas: characters, not counting
/// whitespace (spaces, tabs and line breaks, inside strings too).
pub fn size_without_whitespace(text: &str) -> usize {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
        .count()
}

/// A count as the spec and AWS's documentation write it, with thousands separators:
/// `10240` → `10,240`. For quotas and sizes in messages.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Whether IAM accepts the character in policy text: tab, line feed, carriage return and
/// U+0020 to U+00FF.
pub fn is_allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

/// One problem per run of characters IAM does not accept.
pub fn charset_problems(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    // Nearly all policies are plain ASCII, which a byte scan settles quickly.
    if text
        .bytes()
        .all(|b| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7F))
    {
        return problems;
    }
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if is_allowed_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if is_allowed_char(next) {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        if problems.len() == MAX_CHARSET_PROBLEMS {
            break;
        }
        problems.push(
            Problem::error(
                codes::INVALID_CHARACTER,
                format!("character {} is not allowed in an IAM policy", describe(c)),
            )
            .with_span(start..end)
            .with_help(
                "IAM accepts only tab, line feed, carriage return and characters U+0020 to U+00FF",
            ),
        );
    }
    problems
}

fn describe(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}` (U+{:04X})", u32::from(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_skips_whitespace_everywhere() {
        assert_eq!(size_without_whitespace("{ \"a b\":\n\t1 }"), 8);
        assert_eq!(size_without_whitespace("é"), 1);
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2048), "2,048");
        assert_eq!(thousands(10_240), "10,240");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn latin1_is_allowed_and_beyond_is_not() {
        assert!(charset_problems("{\"Sid\": \"café\"}\r\n\t").is_empty());
        let text = "{\"Sid\": \"a😀😀b\u{1}\"}";
        let problems = charset_problems(text);
        assert_eq!(problems.len(), 2);
        assert_eq!(&text[problems[0].span.clone().unwrap()], "😀😀");
        assert!(problems[0].message.contains("U+1F600"));
        assert_eq!(&text[problems[1].span.clone().unwrap()], "\u{1}");
    }
}
