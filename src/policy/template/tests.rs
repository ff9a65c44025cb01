//! Rendering tests, above all that no value can change a policy's structure.

use super::*;
use crate::policy::json;
use proptest::prelude::*;
use serde_json::json;

const BUCKET_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBucket",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": "arn:aws:s3:::{{vars.bucket}}"
    }
  ]
}"#;

fn load(templates: &[(&str, &str)]) -> Templates {
    let (templates, problems) = Templates::load(templates.iter().copied());
    assert!(problems.is_empty(), "{problems:#?}");
    templates
}

fn problems_of(source: &str) -> Vec<Problem> {
    Templates::load([("t", source)])
        .1
        .into_iter()
        .map(|p| {
            assert_eq!(p.template, "t");
            p.problem
        })
        .collect()
}

#[test]
fn templates_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Templates>();
}

#[test]
fn injection_stays_inside_one_string() {
    let hostile = r#"x"}],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"y":""#;
    let templates = load(&[("bucket", BUCKET_POLICY)]);
    let context = json!({"vars": {"bucket": hostile}});
    let rendered = templates
        .render_and_check("bucket", &context, PolicyKind::Identity)
        .unwrap();
    let statements = rendered.document.statements();
    assert_eq!(statements.len(), 1, "no statement was added");
    assert_eq!(statements[0].sid.as_deref(), Some("ReadBucket"));
    assert_eq!(statements[0].actions(), ["s3:GetObject", "s3:ListBucket"]);
    assert_eq!(
        statements[0].resources(),
        [format!("arn:aws:s3:::{hostile}")]
    );
    let parsed: serde_json::Value = serde_json::from_str(&rendered.text).unwrap();
    assert_eq!(
        parsed.as_object().unwrap().len(),
        2,
        "no top-level key was added"
    );
    assert_eq!(parsed["Statement"].as_array().unwrap().len(), 1);
}

#[test]
fn injection_from_the_spec_is_escaped() {
    let hostile = r#"x"}],"Statement":[{"Effect":"Allow","Action":"*""#;
    let templates = load(&[("bucket", BUCKET_POLICY)]);
    let rendered = templates
        .render_and_check(
            "bucket",
            &json!({"vars": {"bucket": hostile}}),
            PolicyKind::Identity,
        )
        .unwrap();
    assert_eq!(rendered.document.statements().len(), 1);
}

#[test]
fn unescaped_expressions_are_rejected_anywhere() {
    for source in [
        r#"{"Resource": "{{{vars.bucket}}}"}"#,
        r#"{"Resource": "{{& vars.bucket}}"}"#,
        r#"{"Resource": [{{#each vars.buckets}}"{{{this}}}"{{/each}}]}"#,
        r#"{{#if vars.x}}{{else}}{{#with vars}}{{{bucket}}}{{/with}}{{/if}}"#,
    ] {
        let problems = problems_of(source);
        assert_eq!(problems.len(), 1, "{source}");
        assert_eq!(problems[0].code, codes::TRIPLE_STASH);
        let span = problems[0].span.clone().unwrap();
        assert!(source[span].starts_with("{{"), "{source}");
    }
}

#[test]
fn syntax_errors_point_into_the_source() {
    let source = "{\n  \"Resource\": \"{{vars.bucket\"\n}";
    let problems = problems_of(source);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, codes::TEMPLATE_SYNTAX);
    let span = problems[0].span.clone().unwrap();
    assert!(span.start > source.find("Resource").unwrap(), "{span:?}");
    assert!(span.end <= source.len());
}

#[test]
fn json_helper_inside_a_string_is_rejected() {
    let problems = problems_of(r#"{"Resource": "arn:aws:s3:::{{json vars.bucket}}"}"#);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, codes::JSON_IN_STRING);
}

#[test]
fn bad_templates_are_skipped_and_good_ones_load() {
    let (templates, problems) = Templates::load([("good", BUCKET_POLICY), ("bad", "{{{x}}}")]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].template, "bad");
    assert_eq!(templates.names().collect::<Vec<_>>(), ["good"]);
    let p = templates.render("bad", &json!({})).unwrap_err();
    assert_eq!(p.code, codes::UNKNOWN_TEMPLATE);
    let p = templates.render("goood", &json!({})).unwrap_err();
    assert_eq!(p.help.as_deref(), Some("did you mean `good`?"));
}

#[test]
fn json_helper_writes_lists_and_objects() {
    let source = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {{json vars.buckets}}, "Condition": {{json vars.condition}}}]}"#;
    let templates = load(&[("t", source)]);
    let context = json!({"vars": {
        "buckets": ["arn:aws:s3:::a", "arn:aws:s3:::b\"c"],
        "condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}},
    }});
    let rendered = templates
        .render_and_check("t", &context, PolicyKind::Identity)
        .unwrap();
    assert_eq!(
        rendered.document.statements()[0].resources(),
        ["arn:aws:s3:::a", "arn:aws:s3:::b\"c"]
    );
    assert!(
        rendered
            .text
            .contains(r#""Resource": ["arn:aws:s3:::a","arn:aws:s3:::b\"c"]"#)
    );
}

#[test]
fn missing_variables_name_what_exists() {
    let templates = load(&[("bucket", BUCKET_POLICY)]);
    let p = templates
        .render(
            "bucket",
            &json!({"vars": {"buckets": "x", "region": "eu-west-1"}}),
        )
        .unwrap_err();
    assert_eq!(p.code, codes::MISSING_VARIABLE);
    assert_eq!(p.message, "template variable `vars.bucket` is not defined");
    assert_eq!(
        p.help.as_deref(),
        Some("did you mean `buckets`? `vars` has `buckets`, `region`")
    );
    assert_eq!(&BUCKET_POLICY[p.span.unwrap()], "{{vars.bucket}}");

    let source = r#"{"Resource": {{json vars.list}}}"#;
    let templates = load(&[("t", source)]);
    let p = templates.render("t", &json!({"vars": {}})).unwrap_err();
    assert_eq!(p.code, codes::MISSING_VARIABLE);
    assert!(p.span.is_some());
}

#[test]
fn check_failures_keep_the_rendered_text() {
    let source = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "{{vars.action}}", "Resource": "*"}]}"#;
    let templates = load(&[("t", source)]);
    let rejected = templates
        .render_and_check(
            "t",
            &json!({"vars": {"action": "s3:GetObjekt"}}),
            PolicyKind::Identity,
        )
        .unwrap_err();
    let text = rejected.text.unwrap();
    assert_eq!(rejected.problems[0].code, codes::UNKNOWN_ACTION);
    assert_eq!(
        &text[rejected.problems[0].span.clone().unwrap()],
        r#""s3:GetObjekt""#
    );

    let rejected = templates
        .render_and_check("t", &json!({}), PolicyKind::Identity)
        .unwrap_err();
    assert!(rejected.text.is_none());
}

#[test]
fn blocks_and_partials_render() {
    let source = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [{{#each vars.buckets}}{{#unless @first}}, {{/unless}}"arn:aws:s3:::{{this}}/*"{{/each}}]}]}"#;
    let templates = load(&[("t", source)]);
    let rendered = templates
        .render_and_check(
            "t",
            &json!({"vars": {"buckets": ["a", "b\"], \"Action\": \"*"]}}),
            PolicyKind::Identity,
        )
        .unwrap();
    assert_eq!(rendered.document.statements()[0].resources().len(), 2);
}

proptest! {
    #[test]
    fn any_string_round_trips_through_a_template(value in any::<String>()) {
        let templates = load(&[
            ("bucket", BUCKET_POLICY),
            ("plain", r#"{"v": "{{v}}", "w": "pre{{v}}post"}"#),
        ]);
        let text = templates.render("plain", &json!({"v": value})).unwrap();
        let parsed = json::parse(&text).unwrap().value.to_json();
        prop_assert_eq!(&parsed["v"], &json!(value));
        prop_assert_eq!(&parsed["w"], &json!(format!("pre{value}post")));

        let text = templates.render("bucket", &json!({"vars": {"bucket": value}})).unwrap();
        let parsed = json::parse(&text).unwrap().value.to_json();
        prop_assert_eq!(parsed["Statement"].as_array().map(Vec::len), Some(1));
        prop_assert_eq!(
            &parsed["Statement"][0]["Resource"],
            &json!(format!("arn:aws:s3:::{value}"))
        );
    }

    #[test]
    fn any_value_round_trips_through_the_json_helper(
        values in proptest::collection::vec(any::<String>(), 0..5)
    ) {
        let templates = load(&[("t", r#"{"r": {{json vals}}}"#)]);
        let text = templates.render("t", &json!({"vals": values})).unwrap();
        let parsed = json::parse(&text).unwrap().value.to_json();
        prop_assert_eq!(&parsed["r"], &json!(values));
    }

    #[test]
    fn loading_template_like_text_never_panics(source in "[{}#/&!~>*\"a-z. \n-]{0,80}") {
        let (templates, _) = Templates::load([("t", source.as_str())]);
        let _ = templates.render("t", &json!({"vars": {"a": "b"}}));
    }

    #[test]
    fn loading_arbitrary_templates_never_panics(source in ".{0,80}") {
        let (templates, _) = Templates::load([("t", source.as_str())]);
        let _ = templates.render("t", &json!({"vars": {"a": "b"}}));
    }
}

#[test]
fn syntax_errors_describe_the_expression_not_the_grammar() {
    let cases = [
        // (source, message, underlined text, help starts with)
        (
            r#""arn:aws:s3:::{{vars.bucket}/*""#,
            "malformed `{{ … }}` expression",
            "{{vars.bucket}",
            "close every `{{` with `}}`",
        ),
        (
            "x{{vars.bucket",
            "malformed `{{ … }}` expression",
            "{{vars.bucket",
            "close every",
        ),
        (
            "{{ }}",
            "malformed `{{ … }}` expression",
            "{{ }}",
            "an expression holds",
        ),
        (
            "{{#if x}}a",
            "block `{{#if}}` is never closed",
            "{{#if x}}",
            "end the block with `{{/if}}`",
        ),
        (
            "{{#if x}}\n{{#each y}}{{/each}}",
            "block `{{#if}}` is never closed",
            "{{#if x}}",
            "end the block",
        ),
        (
            "{{#if x}}a{{/each}}",
            "block `{{#if}}` is closed by `{{/each}}`",
            "{{/each}}",
            "close `{{#if …}}` with `{{/if}}`",
        ),
        (
            "a{{/if}}",
            "malformed `{{ … }}` expression",
            "{{/if}}",
            "`{{/if}}` closes a block that is not open",
        ),
    ];
    for (source, message, covers, help) in cases {
        let problems = problems_of(source);
        assert_eq!(problems.len(), 1, "{source}");
        let p = &problems[0];
        assert_eq!(p.code, codes::TEMPLATE_SYNTAX, "{source}");
        assert_eq!(p.message, message, "{source}");
        assert!(!p.message.contains("expected"), "{source}");
        assert_eq!(&source[p.span.clone().unwrap()], covers, "{source}");
        let h = p.help.as_deref().unwrap_or_default();
        assert!(h.starts_with(help), "{source}: {h}");
    }
}
