//! A small JSON parser that keeps the byte span of every key and value, keeps object keys
//! in source order and reports repeated keys, which IAM rejects but `serde_json` silently
//! merges.

use super::problem::{Problem, codes};
use foldhash::HashSet;
use std::borrow::Cow;
use std::ops::Range;

/// Deeper nesting than any IAM policy needs; the limit keeps hostile input from
/// exhausting the stack.
const MAX_DEPTH: usize = 128;

/// Objects with more members than this switch from scanning to hashing for repeated keys.
const LINEAR_SCAN_LIMIT: usize = 16;

/// A JSON value with the byte range it occupies in the source (quotes included).
#[derive(Debug, Clone, PartialEq)]
pub struct SpannedValue<'a> {
    pub span: Range<usize>,
    pub kind: ValueKind<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    /// Borrowed from the text unless it has escapes: a rendered policy is mostly
    /// strings, and it is parsed once per account.
    String(Cow<'a, str>),
    Array(Vec<SpannedValue<'a>>),
    /// Members in source order, repeats included.
    Object(Vec<Member<'a>>),
}

/// One `"key": value` pair of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Range<usize>,
    pub value: SpannedValue<'a>,
}

impl Member<'_> {
    /// From the key's opening quote to the end of the value.
    pub fn span(&self) -> Range<usize> {
        self.key_span.start..self.value.span.end
    }
}

/// A parsed document and the repeated keys found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<'a> {
    pub value: SpannedValue<'a>,
    pub duplicate_keys: Vec<Problem>,
}

impl<'a> SpannedValue<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[SpannedValue<'a>]> {
        match &self.kind {
            ValueKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.kind {
            ValueKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The first member called `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&Member<'a>> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// "a string", "an array" and so on, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ValueKind::Null => "null",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Number(_) => "a number",
            ValueKind::String(_) => "a string",
            ValueKind::Array(_) => "an array",
            ValueKind::Object(_) => "an object",
        }
    }

    /// The same value without spans. A repeated key keeps its last value, as most JSON
    /// readers do.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            ValueKind::Null => serde_json::Value::Null,
            ValueKind::Bool(b) => serde_json::Value::Bool(*b),
            ValueKind::Number(n) => serde_json::Value::Number(n.clone()),
            ValueKind::String(s) => serde_json::Value::String(s.to_string()),
            ValueKind::Array(items) => {
                serde_json::Value::Array(items.iter().map(SpannedValue::to_json).collect())
            }
            ValueKind::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.to_string(), m.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parses one JSON document. Syntax errors come back as a single problem with the span of
/// the offending character; repeated keys do not stop parsing and are listed in
/// [`Parsed::duplicate_keys`].
pub fn parse(text: &str) -> Result<Parsed<'_>, Problem> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        duplicates: Vec::new(),
    };
    parser.skip_whitespace();
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("unexpected text after the end of the document"));
    }
    Ok(Parsed {
        value,
        duplicate_keys: parser.duplicates,
    })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    duplicates: Vec<Problem>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// A problem pointing at the current character (or the end of the text).
    fn error(&self, message: &str) -> Problem {
        let end = match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => self.pos + c.len_utf8(),
            None => self.pos,
        };
        let message = if self.pos >= self.bytes.len() {
            format!("{message}: the text ends too early")
        } else {
            message.to_owned()
        };
        Problem::error(codes::INVALID_JSON, message).with_span(self.pos..end)
    }

    fn value(&mut self) -> Result<SpannedValue<'a>, Problem> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => ValueKind::String(self.string()?),
            Some(b't') => self.literal("true", ValueKind::Bool(true))?,
            Some(b'f') => self.literal("false", ValueKind::Bool(false))?,
            Some(b'n') => self.literal("null", ValueKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a JSON value")),
            None => return Err(self.error("expected a JSON value")),
        };
        Ok(SpannedValue {
            span: start..self.pos,
            kind,
        })
    }

    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<ValueKind<'a>, Problem>,
    ) -> Result<ValueKind<'a>, Problem> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(&format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn object(&mut self) -> Result<ValueKind<'a>, Problem> {
        self.pos += 1;
        let mut members: Vec<Member<'a>> = Vec::new();
        // Policy objects are small, so a linear scan finds repeats faster than hashing;
        // the set only takes over for large objects, to stay linear on hostile input.
        let mut seen: Option<HashSet<Cow<'a, str>>> = None;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(ValueKind::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key in double quotes"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = key_start..self.pos;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after the key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value()?;
            let repeated = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let repeated = members.iter().any(|m| m.key == key);
                    if members.len() >= LINEAR_SCAN_LIMIT {
                        seen = Some(
                            members
                                .iter()
                                .map(|m| m.key.clone())
                                .chain([key.clone()])
                                .collect(),
                        );
                    }
                    repeated
                }
            };
            if repeated {
                self.duplicates.push(
                    Problem::error(codes::DUPLICATE_KEY, format!("duplicate key `{key}`"))
                        .with_span(key_span.clone())
                        .with_help("IAM rejects a policy that repeats a key; keep only one"),
                );
            }
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b'}')?,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(ValueKind::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}` after an object member")),
            }
        }
    }

    fn array(&mut self) -> Result<ValueKind<'a>, Problem> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(ValueKind::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b']')?,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(ValueKind::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]` after an array element")),
            }
        }
    }

    /// Steps over the `,` between members or elements. A comma followed by the closing
    /// bracket is the most common hand-editing slip, so it is reported on the comma
    /// itself rather than on the bracket after it.
    fn comma(&mut self, close: u8) -> Result<(), Problem> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() != Some(close) {
            return Ok(());
        }
        let (what, shown) = if close == b'}' {
            ("member", "}")
        } else {
            ("element", "]")
        };
        Err(Problem::error(
            codes::INVALID_JSON,
            format!("trailing comma after the last {what}"),
        )
        .with_span(comma..comma + 1)
        .with_help(format!("JSON allows no comma before `{shown}`")))
    }

    fn literal(&mut self, word: &str, kind: ValueKind<'a>) -> Result<ValueKind<'a>, Problem> {
        if self
            .bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()))
        {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<ValueKind<'a>, Problem> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let raw = self.text.get(start..self.pos).unwrap_or("");
        match serde_json::from_str::<serde_json::Number>(raw) {
            Ok(n) => Ok(ValueKind::Number(n)),
            Err(_) => Err(Problem::error(
                codes::INVALID_JSON,
                format!("number `{raw}` is out of range"),
            )
            .with_span(start..self.pos)),
        }
    }

    fn string(&mut self) -> Result<Cow<'a, str>, Problem> {
        self.pos += 1;
        // Most strings have no escapes: they are borrowed from the text.
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.pos += 1;
        }
        if self.peek() == Some(b'"')
            && let Some(plain) = self.text.get(start..self.pos)
        {
            self.pos += 1;
            return Ok(Cow::Borrowed(plain));
        }
        // An escape (or an error) ahead: the run before it is the string's start.
        let mut out = self
            .text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_owned();
        loop {
            // Copy the run up to the next quote, backslash or control character in one go.
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            if let Some(run) = self.text.get(run_start..self.pos) {
                out.push_str(run);
            }
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                Some(_) => {
                    return Err(self.error("control character in a string; escape it"));
                }
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, Problem> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.error("invalid escape sequence")),
        };
        self.pos += 1;
        Ok(c)
    }

    /// `\uXXXX`, joining a UTF-16 surrogate pair into one character.
    fn unicode_escape(&mut self) -> Result<char, Problem> {
        let high = self.hex4()?;
        if !(0xD800..0xE000).contains(&high) {
            return char::from_u32(high).ok_or_else(|| self.error("invalid unicode escape"));
        }
        if high >= 0xDC00 || self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
            return Err(self.error("unpaired UTF-16 surrogate in a unicode escape"));
        }
        self.pos += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(self.error("unpaired UTF-16 surrogate in a unicode escape"));
        }
        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode escape"))
    }

    fn hex4(&mut self) -> Result<u32, Problem> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error("expected four hex digits after `\\u`"))?;
            value = value * 16 + digit;
            self.pos += 1;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value(text: &str) -> SpannedValue<'_> {
        parse(text).unwrap().value
    }

    #[test]
    fn keeps_spans_and_key_order() {
        let text = r#"{ "b": [1, "x"], "a": {"k": null} }"#;
        let v = value(text);
        let members = v.as_object().unwrap();
        assert_eq!(members[0].key, "b");
        assert_eq!(members[1].key, "a");
        assert_eq!(&text[members[0].key_span.clone()], r#""b""#);
        let items = members[0].value.as_array().unwrap();
        assert_eq!(&text[items[1].span.clone()], r#""x""#);
        assert_eq!(&text[members[1].value.span.clone()], r#"{"k": null}"#);
        assert_eq!(v.span, 0..text.len());
    }

    #[test]
    fn reports_duplicate_keys_without_failing() {
        let text = r#"{"Effect": "Allow", "Effect": "Deny"}"#;
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.duplicate_keys.len(), 1);
        let p = &parsed.duplicate_keys[0];
        assert_eq!(p.code, codes::DUPLICATE_KEY);
        assert_eq!(&text[p.span.clone().unwrap()], r#""Effect""#);
    }

    #[test]
    fn finds_duplicates_in_large_objects() {
        let members: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 30)).collect();
        let text = format!("{{{}}}", members.join(","));
        assert_eq!(parse(&text).unwrap().duplicate_keys.len(), 10);
    }

    #[test]
    fn unescapes_strings() {
        let v = value(r#""a\"b\\c\u00e9\ud83d\ude00\n""#);
        assert_eq!(v.as_str(), Some("a\"b\\cé😀\n"));
    }

    #[test]
    fn strings_without_escapes_borrow_the_text() {
        let v = value(r#"{"plain": "s3:GetObject", "escaped": "x\\y"}"#);
        let members = v.as_object().unwrap();
        assert!(matches!(&members[0].key, Cow::Borrowed("plain")));
        assert!(matches!(
            &members[0].value.kind,
            ValueKind::String(Cow::Borrowed("s3:GetObject"))
        ));
        assert_eq!(members[1].value.as_str(), Some("x\\y"));
    }

    #[test]
    fn agrees_with_serde_json_on_values() {
        let text = r#"{"n": -1.5e3, "i": 12, "t": true, "f": false, "z": null, "s": "é"}"#;
        let expected: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(value(text).to_json(), expected);
    }

    #[test]
    fn syntax_errors_point_at_the_character() {
        let text = r#"{"a": 1 "b": 2}"#;
        let p = parse(text).unwrap_err();
        assert_eq!(p.code, codes::INVALID_JSON);
        assert_eq!(p.span, Some(8..9));
        for bad in [
            "",
            "{",
            "[1,]",
            "01",
            "1.",
            "\"\\x\"",
            "\"\u{1}\"",
            "\"\\ud800\"",
            "tru",
            "{} x",
            "1e999",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn trailing_commas_are_reported_on_the_comma() {
        let text = "{\"a\": [1, 2,\n ],\n}";
        let p = parse(text).unwrap_err();
        assert_eq!(p.message, "trailing comma after the last element");
        assert_eq!(p.span, Some(11..12));
        assert_eq!(p.help.as_deref(), Some("JSON allows no comma before `]`"));
        let text = "{\"a\": 1 ,\n  }";
        let p = parse(text).unwrap_err();
        assert_eq!(p.message, "trailing comma after the last member");
        assert_eq!(p.span, Some(8..9));
        assert_eq!(p.help.as_deref(), Some("JSON allows no comma before `}`"));
        // A comma followed by something else than a closing bracket is not trailing.
        assert_eq!(parse("[1,,]").unwrap_err().message, "expected a JSON value");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse(&text);
        }

        #[test]
        fn never_panics_on_json_like_text(text in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,200}") {
            if let Ok(parsed) = parse(&text) {
                let ours = parsed.value.to_json();
                let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
                if parsed.duplicate_keys.is_empty() {
                    prop_assert_eq!(ours, theirs);
                }
            }
        }

        #[test]
        fn accepts_everything_serde_json_writes(v in arb_json()) {
            let text = serde_json::to_string_pretty(&v).unwrap();
            let parsed = parse(&text).unwrap();
            prop_assert_eq!(parsed.value.to_json(), v);
        }
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
