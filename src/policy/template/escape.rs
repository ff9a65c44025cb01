//! What makes interpolation safe: every `{{value}}` is escaped as the inside of a JSON
//! string, and the `json` helper writes whole values as JSON.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};

/// Escapes text for use between the quotes of a JSON string: `"`, `\` and control
/// characters become escape sequences, so a value can never end the string it sits in.
pub fn json_escape(text: &str) -> String {
    let quoted = serde_json::Value::String(text.to_owned()).to_string();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .map_or_else(String::new, str::to_owned)
}

/// `{{json value}}`: the value as compact JSON, for lists and objects
/// (`"Resource": {{json vars.buckets}}`). It writes to the output itself, bypassing the
/// escape function, which is safe because its output is always one complete JSON value.
pub struct JsonHelper;

impl HelperDef for JsonHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        if h.params().len() != 1 || !h.hash().is_empty() {
            return Err(RenderErrorReason::Other(
                "the `json` helper takes exactly one value, as in `{{json vars.buckets}}`"
                    .to_owned(),
            )
            .into());
        }
        let param = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("json", 0))?;
        if r.strict_mode() && param.is_value_missing() {
            return Err(RenderError::strict_error(param.relative_path()));
        }
        let text = serde_json::to_string(param.value()).map_err(RenderErrorReason::SerdeError)?;
        out.write(&text)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        assert_eq!(json_escape(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(json_escape("line\nbreak\u{1}"), r"line\nbreak\u0001");
        assert_eq!(json_escape("café <&>"), "café <&>");
        assert_eq!(json_escape(""), "");
    }
}
