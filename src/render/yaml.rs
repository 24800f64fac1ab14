//! YAML for CloudFormation: JSON values (with long-form intrinsics such as `{"Fn::Sub": …}`)
//! written as block YAML with the short tags (`!Sub`, `!Ref`, `!GetAtt`) people read.
//!
//! A small emitter of our own rather than a general YAML serializer: it quotes every string
//! YAML 1.1 parsers (CloudFormation's among them) could read as anything but a string,
//! `2012-10-17` and `yes` included, and lays sequences out the way the templates do.

use serde_json::{Map, Value};

/// `value` as YAML; lines after the first are indented by `indent` spaces so the text can
/// follow a `Key: ` already placed by the template.
pub fn to_yaml(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    if let Some(inline) = inline(value) {
        return inline;
    }
    write_block(&mut out, value, indent);
    let text = out.trim_end_matches('\n');
    text.strip_prefix(&" ".repeat(indent))
        .unwrap_or(text)
        .to_string()
}

/// Whether a value renders on one line (a scalar, an empty collection or an intrinsic).
pub fn is_inline(value: &Value) -> bool {
    inline(value).is_some()
}

fn inline(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(scalar(s)),
        Value::Array(items) if items.is_empty() => Some("[]".into()),
        Value::Object(map) if map.is_empty() => Some("{}".into()),
        Value::Object(map) => intrinsic(map),
        Value::Array(_) => None,
    }
}

fn intrinsic(map: &Map<String, Value>) -> Option<String> {
    if map.len() != 1 {
        return None;
    }
    let (key, inner) = map.iter().next()?;
    match (key.as_str(), inner) {
        ("Ref", Value::String(name)) => Some(format!("!Ref {}", scalar(name))),
        ("Fn::Sub", Value::String(text)) => Some(format!("!Sub {}", scalar(text))),
        ("Fn::GetAtt", Value::Array(parts)) => {
            let parts: Option<Vec<&str>> = parts.iter().map(Value::as_str).collect();
            Some(format!("!GetAtt {}", scalar(&parts?.join("."))))
        }
        _ => None,
    }
}

fn write_block(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                out.push_str(&pad);
                out.push_str(&scalar(key));
                out.push(':');
                write_nested(out, item, indent + 2);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                match inline(item) {
                    Some(text) => {
                        out.push_str(&text);
                        out.push('\n');
                    }
                    None => {
                        // The item's first line goes after "- ", the rest at the item's indent.
                        let mut nested = String::new();
                        write_block(&mut nested, item, indent + 2);
                        out.push_str(nested.trim_start_matches(' '));
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&inline(other).unwrap_or_default());
            out.push('\n');
        }
    }
}

fn write_nested(out: &mut String, value: &Value, indent: usize) {
    match inline(value) {
        Some(text) => {
            out.push(' ');
            out.push_str(&text);
            out.push('\n');
        }
        None => {
            out.push('\n');
            write_block(out, value, indent);
        }
    }
}

/// A string as a YAML scalar: plain when it cannot be misread, else double-quoted (JSON
/// string syntax is valid YAML).
pub fn scalar(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
    }
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let reserved = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ];
    (first.is_ascii_alphabetic() || first == '/' || first == '_' || first == '$')
        && !reserved.contains(&text.to_ascii_lowercase().as_str())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./:@${}*+=,()-".contains(c))
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intrinsics_use_short_tags() {
        let value = json!({"Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"}, "Role": {"Fn::GetAtt": ["TaskRole", "Arn"]}});
        assert_eq!(
            to_yaml(&value, 2),
            "Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x\n  Role: !GetAtt TaskRole.Arn"
        );
    }

    #[test]
    fn strings_a_yaml_1_1_parser_could_misread_are_quoted() {
        for text in [
            "2012-10-17",
            "true",
            "yes",
            "No",
            "*",
            "256",
            "",
            "a: b",
            "it's",
            "-x",
            "x #y",
        ] {
            assert!(scalar(text).starts_with('"'), "{text} should be quoted");
        }
        for text in [
            "sts:AssumeRole",
            "ecs-tasks.amazonaws.com",
            "/ecs/my-task",
            "arn:aws:iam::aws:policy/X",
        ] {
            assert_eq!(scalar(text), text);
        }
    }

    #[test]
    fn sequences_of_maps_are_indented_under_their_key() {
        let value =
            json!({"Statement": [{"Sid": "A", "Action": ["s3:GetObject", "s3:PutObject"]}]});
        assert_eq!(
            to_yaml(&value, 4),
            "Statement:\n      - Sid: A\n        Action:\n          - s3:GetObject\n          - s3:PutObject"
        );
    }
}
