//! Resource identifiers derived from spec names, the same way for every backend.

/// `my-task` -> `MyTask`: a CloudFormation logical id stem (alphanumerics only).
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            word_start = true;
        } else if word_start {
            out.push(c.to_ascii_uppercase());
            word_start = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `my-task` -> `my_task`: a Terraform identifier.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_only_safe_characters() {
        assert_eq!(pascal_case("my-task"), "MyTask");
        assert_eq!(pascal_case("api_v2.worker"), "ApiV2Worker");
        assert_eq!(snake_case("my-Task.v2"), "my_task_v2");
        assert_eq!(pascal_case("--a--bC-é1"), "ABC1");
        assert_eq!(snake_case("é-a"), "__a");
    }
}
