//! The JSON Schema of the org format: generated from the input types in `spec`, printed
//! by `orgc schema`, and used to check every file before serde reads it, so that every
//! structural mistake in every file is reported at once with its TOML line.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Loc};
use crate::spec::OrgFile;
use crate::suggest;
use crate::toml_json::{DATETIME_KEY, FLOAT_KEY, Segment, locate};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde_json::Value;
use std::sync::OnceLock;
use toml::Spanned as TSpanned;
use toml::de::DeTable;

/// The schema as JSON, exactly as `orgc schema` prints it.
pub fn org_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<OrgFile>();
        let mut value = schema.to_value();
        strip_null(&mut value);
        value
    })
}

/// `orgc schema`'s output: pretty JSON with a trailing newline.
pub fn org_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(org_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// TOML has no null, so the `null` alternatives schemars adds for `Option` fields
/// only make editors offer a value that cannot be written, and turn plain type
/// errors into unreadable `anyOf` errors.
fn strip_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1
                    && let Some(t) = types.pop()
                {
                    map.insert("type".to_string(), t);
                }
            }
            for key in ["anyOf", "oneOf"] {
                let single = if let Some(Value::Array(options)) = map.get_mut(key) {
                    options.retain(|o| o.get("type").is_none_or(|t| t != "null"));
                    if options.len() == 1 {
                        options.pop()
                    } else {
                        None
                    }
                } else {
                    None
                };
                if let Some(Value::Object(only)) = single {
                    map.remove(key);
                    for (k, v) in only {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("enum") {
                options.retain(|o| !o.is_null());
            }
            for v in map.values_mut() {
                strip_null(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::validator_for(org_schema()).ok())
        .as_ref()
}

/// Check one file's JSON form against the schema; each error becomes a diagnostic
/// at the TOML key or value it is about. `text` is the file's text, to quote values
/// as the user wrote them.
pub fn check_file(
    file: FileId,
    text: &str,
    root: &TSpanned<DeTable<'_>>,
    json: &Value,
    out: &mut Diagnostics,
) {
    let Some(validator) = validator() else {
        out.push(Diagnostic::error(
            "orgc::internal::schema",
            "the built-in schema could not be compiled",
        ));
        return;
    };
    let mut markers = Vec::new();
    find_markers(json, &mut Vec::new(), &mut markers);
    for error in validator.iter_errors(json) {
        let path: Vec<LocationSegment<'_>> = error.instance_path().iter().collect();
        let segments: Vec<Segment<'_>> = path
            .iter()
            .map(|s| match s {
                LocationSegment::Property(p) => Segment::Key(p),
                LocationSegment::Index(i) => Segment::Index(*i),
            })
            .collect();
        let schema_path: Vec<String> = error.schema_path().iter().map(|s| s.to_string()).collect();
        let node = schema_node(&schema_path[..schema_path.len().saturating_sub(1)]);
        let (span, _) = locate(root, &segments);
        let place = display_path(&segments);
        let key = last_key(&segments);
        let instance = error.instance();
        let written = text.get(span.clone()).unwrap_or_default();
        // A date-time or float stands in the JSON as a marker table (see
        // `toml_json`): an error at or below one is about the value's type, and is
        // reported once, after this loop.
        if let Some(m) = markers.iter_mut().find(|m| {
            path.len() >= m.path.len() && path.iter().zip(&m.path).all(|(a, b)| same(a, b))
        }) {
            if m.expected.is_none() || path.len() == m.path.len() {
                m.expected = Some(match error.kind() {
                    ValidationErrorKind::Type { kind } if path.len() == m.path.len() => {
                        type_names(kind)
                    }
                    // Anything else means the schema took the marker for a table.
                    _ => "a table".to_string(),
                });
                m.node = node;
            }
            continue;
        }
        let d = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known: Vec<&str> = node
                    .and_then(|n| n.get("properties"))
                    .and_then(Value::as_object)
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for key in unexpected {
                    let mut key_path = segments.iter().map(clone_segment).collect::<Vec<_>>();
                    key_path.push(Segment::Key(key));
                    let (vspan, kspan) = locate(root, &key_path);
                    let help = suggest::did_you_mean(key, known.iter().copied()).or_else(|| {
                        (!known.is_empty()).then(|| {
                            format!(
                                "the keys allowed here are {}",
                                known
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        })
                    });
                    out.push(
                        Diagnostic::error(
                            "orgc::schema::unknown-key",
                            format!("unknown key `{key}` in {place}"),
                        )
                        .at(file, kspan.unwrap_or(vspan))
                        .label_primary("not a key of the org format")
                        .with_help_opt(help)
                        .with_note("orgc never ignores a key it does not know: a misspelt key would silently change nothing"),
                    );
                }
                continue;
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let description = describe(
                    Some(name),
                    node.and_then(|n| n.get("properties"))
                        .and_then(|p| p.get(name)),
                );
                Diagnostic::error(
                    "orgc::schema::missing-key",
                    format!("missing required key `{name}` in {place}"),
                )
                .at(file, span)
                .label_primary(format!("`{name}` is required here"))
                .with_help_opt(description)
            }
            ValidationErrorKind::Type { kind } => {
                let expected = type_names(kind);
                let found = json_type(instance);
                let d = Diagnostic::error(
                    "orgc::schema::wrong-type",
                    format!("expected {expected} for {place}, found {found}"),
                )
                .at(file, span)
                .label_primary(format!("this is {found}"));
                let unquoted = instance.as_str().map(str::trim);
                let help =
                    if expected == "a string" && (instance.is_number() || instance.is_boolean()) {
                        let why = if key.is_some_and(|k| k == "id" || k.ends_with("_account")) {
                            " (account ids are strings, so leading zeros are kept)"
                        } else {
                            ""
                        };
                        Some(format!("quote it: `\"{written}\"`{why}"))
                    } else if expected == "a list" && instance.is_string() {
                        Some(format!("write a list, even of one item: `[{written}]`"))
                    } else if (expected == "an integer"
                        && unquoted.is_some_and(|u| u.parse::<i64>().is_ok()))
                        || (expected.starts_with("a boolean")
                            && unquoted.is_some_and(|u| u == "true" || u == "false"))
                    {
                        Some(format!(
                            "remove the quotes: `{}`",
                            unquoted.unwrap_or_default()
                        ))
                    } else {
                        describe(key, node)
                    };
                d.with_help_opt(help)
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let got = instance.as_str().unwrap_or_default();
                let all = format!(
                    "one of {}",
                    opts.iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let help = match suggest::closest(got, opts.iter().copied()) {
                    Some(c) => format!("did you mean `{c}`? (the value is {all})"),
                    None => format!("use {all}"),
                };
                Diagnostic::error(
                    "orgc::schema::unknown-value",
                    format!("{} is not a valid value for {place}", show(instance)),
                )
                .at(file, span)
                .label_primary("not one of the allowed values")
                .with_help(help)
            }
            ValidationErrorKind::Pattern { .. } => Diagnostic::error(
                "orgc::schema::bad-format",
                format!("{} is not a valid value for {place}", show(instance)),
            )
            .at(file, span)
            .label_primary("wrong format")
            .with_help_opt(describe(key, node)),
            ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
                let range = node
                    .map(|n| {
                        format!(
                            "from {} to {}",
                            n.get("minimum").map_or("-".to_string(), Value::to_string),
                            n.get("maximum").map_or("-".to_string(), Value::to_string)
                        )
                    })
                    .unwrap_or_else(|| format!("within {limit}"));
                Diagnostic::error(
                    "orgc::schema::out-of-range",
                    format!("`{}` is out of range for {place}", written.trim()),
                )
                .at(file, span)
                .label_primary(format!("must be {range}"))
                .with_help_opt(describe(key, node))
            }
            ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
                Diagnostic::error(
                    "orgc::schema::wrong-type",
                    format!("`{}` is not a valid value for {place}", written.trim()),
                )
                .at(file, span)
                .label_primary(format!("this is {}", json_type(instance)))
                .with_help_opt(describe(None, node))
            }
            _ => Diagnostic::error(
                "orgc::schema::invalid",
                format!("invalid value for {place}: {error}"),
            )
            .at(file, span)
            .with_help_opt(describe(key, node)),
        };
        out.push(d);
    }
    for m in markers {
        let segments: Vec<Segment<'_>> = m
            .path
            .iter()
            .map(|s| match s {
                Step::Key(k) => Segment::Key(k),
                Step::Index(i) => Segment::Index(*i),
            })
            .collect();
        let (span, _) = locate(root, &segments);
        let written = text.get(span.clone()).unwrap_or_default().trim();
        if m.found == TOO_LARGE {
            out.push(
                Diagnostic::error(
                    "orgc::schema::out-of-range",
                    format!(
                        "`{written}` is out of range for {}",
                        display_path(&segments)
                    ),
                )
                .at(file, span)
                .label_primary(
                    "TOML integers are 64-bit, from -9223372036854775808 to 9223372036854775807",
                )
                .with_help_opt(describe(last_key(&segments), m.node)),
            );
            continue;
        }
        // A marker no rule complained about was accepted as a table (tags, vars).
        let expected = m.expected.unwrap_or_else(|| "a table".to_string());
        let d = Diagnostic::error(
            "orgc::schema::wrong-type",
            format!(
                "expected {expected} for {}, found {}",
                display_path(&segments),
                m.found
            ),
        )
        .at(file, span)
        .label_primary(format!("this is {}", m.found));
        let help = if m.found == "a float" && expected == "an integer" {
            Some(format!(
                "write a whole number, without a decimal point or exponent: `{}`",
                written.split(['.', 'e', 'E']).next().unwrap_or(written)
            ))
        } else if expected == "a string" {
            Some(format!("quote it: `\"{written}\"`"))
        } else {
            describe(last_key(&segments), m.node)
        };
        out.push(d.with_help_opt(help));
    }
}

/// One step of a path into the JSON form, owned.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn same(a: &LocationSegment<'_>, b: &Step) -> bool {
    match (a, b) {
        (LocationSegment::Property(p), Step::Key(k)) => *p == k.as_str(),
        (LocationSegment::Index(i), Step::Index(j)) => i == j,
        _ => false,
    }
}

/// What a [`Marker`] for an integer beyond 64 bits has found.
const TOO_LARGE: &str = "an integer beyond 64 bits";

/// A float, date-time or over-long integer in the file, and what the schema
/// expected there.
struct Marker {
    path: Vec<Step>,
    found: &'static str,
    expected: Option<String>,
    node: Option<&'static Value>,
}

fn find_markers(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Marker>) {
    // TOML integers are 64-bit signed; the parser keeps a longer one, which serde
    // would then refuse with a message about `i64`.
    let too_large = matches!(v, Value::Number(n) if n.as_i64().is_none());
    if let Some(found) = marker_type(v).or(too_large.then_some(TOO_LARGE)) {
        out.push(Marker {
            path: path.clone(),
            found,
            expected: None,
            node: None,
        });
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                path.push(Step::Key(k.clone()));
                find_markers(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                find_markers(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn clone_segment<'a>(s: &Segment<'a>) -> Segment<'a> {
    match s {
        Segment::Key(k) => Segment::Key(k),
        Segment::Index(i) => Segment::Index(*i),
    }
}

/// The schema node a keyword path leads to, following `$ref`s into `$defs`.
fn schema_node(path: &[String]) -> Option<&'static Value> {
    let root = org_schema();
    let mut node = root;
    for seg in path {
        if seg == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            node = root.pointer(target)?;
            continue;
        }
        node = match node {
            Value::Object(m) => m.get(seg.as_str())?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    // A node that only refers elsewhere describes nothing itself.
    if let Some(target) = node.get("$ref").and_then(Value::as_str)
        && node.get("properties").is_none()
    {
        return target
            .strip_prefix('#')
            .and_then(|t| root.pointer(t))
            .or(Some(node));
    }
    Some(node)
}

fn description_of(node: &Value) -> Option<String> {
    node.get("description")
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `help:` text from a schema description, in the voice of a diagnostic:
/// "`home_region`: the region … e.g. `eu-west-1`" (lower-case start unless the
/// first word is an acronym such as `AWS`, no closing full stop).
fn describe(key: Option<&str>, node: Option<&Value>) -> Option<String> {
    let desc = node.and_then(description_of)?;
    let desc = desc.strip_suffix('.').unwrap_or(&desc);
    let mut chars = desc.chars();
    let desc = match (chars.next(), chars.next()) {
        (Some(first), Some(second))
            if first.is_uppercase() && (second.is_lowercase() || second == ' ') =>
        {
            format!("{}{}", first.to_lowercase(), &desc[first.len_utf8()..])
        }
        _ => desc.to_string(),
    };
    Some(match key {
        Some(k) => format!("`{k}`: {desc}"),
        None => desc,
    })
}

/// The name of the key a path ends at, if it ends at a key.
fn last_key<'a>(segments: &[Segment<'a>]) -> Option<&'a str> {
    match segments.last() {
        Some(Segment::Key(k)) => Some(k),
        _ => None,
    }
}

/// The TOML type a marker table stands for (see [`crate::toml_json`]).
fn marker_type(v: &Value) -> Option<&'static str> {
    let m = v.as_object()?;
    if m.contains_key(DATETIME_KEY) {
        Some("a date-time")
    } else if m.contains_key(FLOAT_KEY) {
        Some("a float")
    } else {
        None
    }
}

/// Where in the file the value is, in TOML's own notation: `[accounts.prod]`,
/// `assignments[2].targets`.
fn display_path(segments: &[Segment<'_>]) -> String {
    if segments.is_empty() {
        return "the file's top level".to_string();
    }
    let mut s = String::new();
    for seg in segments {
        match seg {
            Segment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                if k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    s.push_str(k);
                } else {
                    s.push_str(&format!("\"{k}\""));
                }
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    format!("`{s}`")
}

fn type_name(t: &str) -> &'static str {
    match t {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean (`true` or `false`)",
        "array" => "a list",
        "object" => "a table",
        _ => "a value",
    }
}

fn type_names(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => type_name(&t.to_string()).to_string(),
        TypeKind::Multiple(ts) => ts
            .iter()
            .map(|t| type_name(&t.to_string()))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(m) if m.contains_key(DATETIME_KEY) => "a date-time",
        Value::Object(m) if m.contains_key(FLOAT_KEY) => "a float",
        Value::Object(_) => "a table",
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        Value::Object(m) if m.contains_key(DATETIME_KEY) => "a date-time".to_string(),
        Value::Object(m) if m.contains_key(FLOAT_KEY) => "a float".to_string(),
        other => format!("`{other}`"),
    }
}

/// Where a diagnostic about a whole file goes when it has no better place.
pub fn file_start(file: FileId) -> Loc {
    Loc::new(file, 0..0)
}
