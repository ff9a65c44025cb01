//! Bridges the spanned TOML tree to JSON: converts it for schema validation, and maps a
//! JSON pointer from a schema error back to the span of the TOML key or value.

use serde_json::{Map, Number, Value};
use std::ops::Range;
use toml::Spanned as TSpanned;
use toml::de::{DeTable, DeValue};

/// Marker key for TOML date-times, which JSON has no type for; the schema has no
/// date-time fields, so such a value always fails validation and is named as such.
pub const DATETIME_KEY: &str = "$toml-datetime";

/// Marker key for TOML floats. The schema has no float fields, but JSON Schema counts
/// `64512.0` as an integer, and JSON has no `nan` or `inf`: a float kept as a number
/// would pass the schema and fail later in serde with a message about `i64`. As a
/// marker it fails validation as "a float", with the text the user wrote.
pub const FLOAT_KEY: &str = "$toml-float";

pub fn table_to_json(table: &DeTable<'_>) -> Value {
    let mut map = Map::new();
    for (k, v) in table {
        map.insert(k.get_ref().to_string(), value_to_json(v.get_ref()));
    }
    Value::Object(map)
}

fn value_to_json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let n = i64::from_str_radix(&digits, i.radix())
                .map(Number::from)
                .or_else(|_| u64::from_str_radix(&digits, i.radix()).map(Number::from))
                .ok()
                // Beyond u64: an approximation is enough to fail every range check.
                .or_else(|| digits.parse::<f64>().ok().and_then(Number::from_f64))
                .unwrap_or_else(|| Number::from(i64::MAX));
            Value::Number(n)
        }
        DeValue::Float(f) => {
            let mut m = Map::new();
            m.insert(FLOAT_KEY.to_string(), Value::String(f.as_str().to_string()));
            Value::Object(m)
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => {
            let mut m = Map::new();
            m.insert(DATETIME_KEY.to_string(), Value::String(d.to_string()));
            Value::Object(m)
        }
        DeValue::Array(a) => Value::Array(a.iter().map(|v| value_to_json(v.get_ref())).collect()),
        DeValue::Table(t) => table_to_json(t),
    }
}

/// One step of a JSON pointer.
pub enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The span of the value at `path`, and of its key when it is a table entry.
/// Stops at the deepest node that exists, so a bad pointer still gets a place.
pub fn locate(
    root: &TSpanned<DeTable<'_>>,
    path: &[Segment<'_>],
) -> (Range<usize>, Option<Range<usize>>) {
    let mut span = root.span();
    let mut key_span = None;
    let mut current: Option<&DeValue<'_>> = None;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    for seg in path {
        let next = match (seg, table, current) {
            (Segment::Key(k), Some(t), _) => t
                .iter()
                .find(|(key, _)| key.get_ref() == k)
                .map(|(key, v)| (Some(key.span()), v)),
            (Segment::Index(i), None, Some(DeValue::Array(a))) => a.get(*i).map(|v| (None, v)),
            _ => None,
        };
        let Some((k, v)) = next else { break };
        span = v.span();
        key_span = k;
        current = Some(v.get_ref());
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    (span, key_span)
}
