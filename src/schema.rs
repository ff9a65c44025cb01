//! The JSON Schema of the org format: generated from the input types in `spec`, printed
//! by `orgc schema`, and used to check every file before serde reads it, so that every
//! structural mistake in every file is reported at once with its TOML line.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Loc};
use crate::spec::OrgFile;
use crate::suggest;
use crate::toml_json::{DATETIME_KEY, Segment, locate};
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
/// at the TOML key or value it is about.
pub fn check_file(file: FileId, root: &TSpanned<DeTable<'_>>, json: &Value, out: &mut Diagnostics) {
    let Some(validator) = validator() else {
        out.push(Diagnostic::error(
            "orgc::internal::schema",
            "the built-in schema could not be compiled",
        ));
        return;
    };
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
        let instance = error.instance();
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
                let description = node
                    .and_then(|n| n.get("properties"))
                    .and_then(|p| p.get(name))
                    .and_then(description_of);
                Diagnostic::error(
                    "orgc::schema::missing-key",
                    format!("missing required key `{name}` in {place}"),
                )
                .at(file, span)
                .label_primary(format!("`{name}` is required here"))
                .with_help_opt(description.map(|d| format!("`{name}`: {d}")))
            }
            ValidationErrorKind::Type { kind } => {
                let expected = type_names(kind);
                let found = json_type(instance);
                let mut d = Diagnostic::error(
                    "orgc::schema::wrong-type",
                    format!("expected {expected} for {place}, found {found}"),
                )
                .at(file, span)
                .label_primary(format!("this is {found}"));
                if expected == "a string" && instance.is_number() {
                    d = d.with_help(format!(
                        "quote it: `\"{}\"` (ids are strings, so leading zeros are kept)",
                        instance
                    ));
                } else if let Some(desc) = node.and_then(description_of) {
                    d = d.with_help(desc);
                }
                d
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let got = instance.as_str().unwrap_or_default();
                let help = suggest::did_you_mean(got, opts.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "use one of {}",
                        opts.iter()
                            .map(|o| format!("`{o}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
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
            .with_help_opt(node.and_then(description_of)),
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
                    format!("{} is out of range for {place}", show(instance)),
                )
                .at(file, span)
                .label_primary(format!("must be {range}"))
                .with_help_opt(node.and_then(description_of))
            }
            _ => Diagnostic::error(
                "orgc::schema::invalid",
                format!("invalid value for {place}: {error}"),
            )
            .at(file, span)
            .with_help_opt(node.and_then(description_of)),
        };
        out.push(d);
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

fn type_names(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean (`true` or `false`)",
        "array" => "a list",
        "object" => "a table",
        _ => "a value",
    };
    match kind {
        TypeKind::Single(t) => name(t).to_string(),
        TypeKind::Multiple(ts) => ts.iter().map(|t| name(&t)).collect::<Vec<_>>().join(" or "),
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
        Value::Object(_) => "a table",
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        Value::Object(m) if m.contains_key(DATETIME_KEY) => "a date-time".to_string(),
        other => format!("`{other}`"),
    }
}

/// Where a diagnostic about a whole file goes when it has no better place.
pub fn file_start(file: FileId) -> Loc {
    Loc::new(file, 0..0)
}
