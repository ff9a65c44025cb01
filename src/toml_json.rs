//! Bridges the spanned TOML tree to JSON: converts it for schema validation, and maps a
//! JSON pointer from a schema error back to the span of the TOML key or value.

use serde_json::{Map, Number, Value};
use std::ops::Range;
use toml::Spanned as TSpanned;
use toml::de::{DeTable, DeValue};

/// Marker key for TOML date-times, which JSON has no type for; the schema has no
/// date-time fields, so such a value always fails validation and is named as such.
pub const DATETIME_KEY: &str = "$toml-datetime";

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
            let n = i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .map(Number::from)
                .unwrap_or_else(|_| Number::from(i64::MAX));
            Value::Number(n)
        }
        DeValue::Float(f) => {
            let parsed: f64 = f.as_str().replace('_', "").parse().unwrap_or(0.0);
            Number::from_f64(parsed).map_or(Value::Null, Value::Number)
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
