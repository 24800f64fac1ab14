//! The Tera environment: embedded templates, optional user overrides, and our filters.

use std::path::Path;

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use super::doc::from_tera;
use super::{hcl, yaml};

/// Every built-in template, by the name users override it with.
pub const EMBEDDED: [(&str, &str); 7] = [
    (
        "cloudformation/tasks.yaml.tera",
        include_str!("../../templates/cloudformation/tasks.yaml.tera"),
    ),
    (
        "cloudformation/developers.yaml.tera",
        include_str!("../../templates/cloudformation/developers.yaml.tera"),
    ),
    (
        "cloudformation/trust.yaml.tera",
        include_str!("../../templates/cloudformation/trust.yaml.tera"),
    ),
    (
        "cloudformation/role.yaml.tera",
        include_str!("../../templates/cloudformation/role.yaml.tera"),
    ),
    (
        "terraform/versions.tf.tera",
        include_str!("../../templates/terraform/versions.tf.tera"),
    ),
    (
        "terraform/providers.tf.tera",
        include_str!("../../templates/terraform/providers.tf.tera"),
    ),
    (
        "terraform/account.tf.tera",
        include_str!("../../templates/terraform/account.tf.tera"),
    ),
];

pub struct Templates {
    tera: Tera,
    /// Names of the templates a user's file replaces.
    overridden: Vec<&'static str>,
}

impl Templates {
    /// The built-in templates, each replaced by a file of the same relative name in
    /// `overrides` where one exists.
    pub fn load(overrides: Option<&Path>) -> Result<Self, String> {
        let mut tera = Tera::default();
        tera.autoescape_on(Vec::<&str>::new());
        register_filters(&mut tera);
        let mut sources = Vec::new();
        let mut overridden = Vec::new();
        for (name, embedded) in EMBEDDED {
            let source = match overrides.map(|dir| dir.join(name)).filter(|p| p.is_file()) {
                Some(path) => {
                    overridden.push(name);
                    std::fs::read_to_string(&path).map_err(|error| {
                        format!("cannot read template {}: {error}", path.display())
                    })?
                }
                None => embedded.to_string(),
            };
            sources.push((name, source));
        }
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, source)| (*name, source.as_str())),
        )
        .map_err(|error| describe_error(&error))?;
        Ok(Templates { tera, overridden })
    }

    /// Whether none of `names` is replaced by a user's file: the built-in layout of these
    /// templates is then written natively, byte for byte what Tera would render from them
    /// (the template-dump tests compare the two on every example).
    pub fn all_built_in(&self, names: &[&str]) -> bool {
        !names.iter().any(|name| self.overridden.contains(name))
    }

    pub fn render(&self, name: &str, context: &Context) -> Result<String, String> {
        self.tera
            .render(name, context)
            .map_err(|error| describe_error(&error))
    }
}

/// Tera's message with its located report (template, line, source) and causes.
fn describe_error(error: &tera::Error) -> String {
    let rendered = error.to_string();
    let mut text = rendered
        .strip_prefix("error: ")
        .unwrap_or(&rendered)
        .to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    text
}

fn indent_kwarg(kwargs: &Kwargs) -> TeraResult<usize> {
    Ok(kwargs
        .get::<i64>("indent")?
        .map_or(0, |n| usize::try_from(n).unwrap_or(0)))
}

fn register_filters(tera: &mut Tera) {
    // `x | yaml(indent=N)`: any value as CloudFormation YAML, continuation lines indented.
    tera.register_filter(
        "yaml",
        |value: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            Ok(yaml::to_yaml(&from_tera(value), indent_kwarg(&kwargs)?))
        },
    );
    // `x | hcl(indent=N)`: any value as an HCL expression, nested lines indented from N.
    tera.register_filter(
        "hcl",
        |value: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            Ok(hcl::expression(&from_tera(value), indent_kwarg(&kwargs)?))
        },
    );
    // `x is yaml_inline`: whether `yaml` writes it on the key's own line.
    tera.register_test(
        "yaml_inline",
        |value: &Value, _: Kwargs, _: &State| -> TeraResult<bool> {
            Ok(yaml::is_inline(&from_tera(value)))
        },
    );
}
