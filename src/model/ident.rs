//! Resource identifiers derived from spec names, the same way for every backend.

/// `my-task` -> `MyTask`: a CloudFormation logical id stem (alphanumerics only).
pub fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// `my-task` -> `my_task`: a Terraform identifier.
pub fn snake_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_only_safe_characters() {
        assert_eq!(pascal_case("my-task"), "MyTask");
        assert_eq!(pascal_case("api_v2.worker"), "ApiV2Worker");
        assert_eq!(snake_case("my-Task.v2"), "my_task_v2");
    }
}
