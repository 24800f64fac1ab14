//! The Tera environment: the embedded templates (with the components they share), a
//! user's overrides (`--templates DIR`), and the two filters. Templates are the layout of
//! every file; what they receive is already written in the target language, one line
//! each, and documents are placed (`place`), so a template lays out values, never
//! quoting or indenting them.
//!
//! Overrides fail loudly: a missing directory, a file that is no template of ours, a
//! template that does not parse, an undefined variable or an absent optional value are
//! errors naming the template and line; and what an override renders must still parse as
//! YAML or HCL, or nothing is written.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use super::compiled::{Flow, Out};
use super::emit::{hcl, yaml};
use super::place::{self, Document, Documents, Lines, Nothing, MARK};
use crate::collections::HashMap;
use crate::diagnostic::suggest;

/// Every built-in template, by the name users override it with.
pub(crate) const EMBEDDED: [(&str, &str); 17] = [
    (
        "cloudformation/components.tera",
        include_str!("../../templates/cloudformation/components.tera"),
    ),
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
        "cloudformation/identity-center.yaml.tera",
        include_str!("../../templates/cloudformation/identity-center.yaml.tera"),
    ),
    (
        "cloudformation/bootstrap.yaml.tera",
        include_str!("../../templates/cloudformation/bootstrap.yaml.tera"),
    ),
    (
        "cloudformation/role.yaml.tera",
        include_str!("../../templates/cloudformation/role.yaml.tera"),
    ),
    (
        "terraform/components.tera",
        include_str!("../../templates/terraform/components.tera"),
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
    (
        "terraform/identity-center.tf.tera",
        include_str!("../../templates/terraform/identity-center.tf.tera"),
    ),
    (
        "terraform/bootstrap.tf.tera",
        include_str!("../../templates/terraform/bootstrap.tf.tera"),
    ),
    (
        "terraform/atlantis.yaml.tera",
        include_str!("../../templates/terraform/atlantis.yaml.tera"),
    ),
    (
        "terraform/terragrunt.hcl.tera",
        include_str!("../../templates/terraform/terragrunt.hcl.tera"),
    ),
    (
        "terraform/backend.tf.tera",
        include_str!("../../templates/terraform/backend.tf.tera"),
    ),
    (
        "terraform/backend.tfbackend.tera",
        include_str!("../../templates/terraform/backend.tfbackend.tera"),
    ),
];

/// A compiled template's entry (`compiled::render` of a backend): renders `name` into the
/// `Out`, or `None` when `name` is not compiled.
pub(super) type Compiled<'c, C> =
    &'c dyn Fn(&str, &C, &mut Out<'_>) -> Option<Result<Flow, String>>;

pub struct Templates {
    tera: Tera,
    /// Names of the templates a user's file replaces.
    overridden: BTreeSet<&'static str>,
    /// The largest file each template has rendered so far, by template name: the next
    /// file of the same template starts with that much room (at most `MAX_ROOM`) instead
    /// of growing (and copying itself) there from nothing: megabytes for an account's
    /// stack or Terraform file. A file that fills less than half its room gives the rest
    /// back when it is finished (`rendered`), so a small file after a large one holds no
    /// more than twice its size.
    sizes: Mutex<HashMap<String, usize>>,
}

/// The most room a file starts with, whatever its template rendered before.
const MAX_ROOM: usize = 64 << 20;

impl Templates {
    /// The built-in templates, each replaced by the file of the same relative name in
    /// `overrides`, which must exist and hold nothing but such files.
    pub fn load(overrides: Option<&Path>) -> Result<Self, String> {
        let mut tera = Tera::default();
        tera.autoescape_on(Vec::<&str>::new());
        register_filters(&mut tera);
        let user = match overrides {
            Some(dir) => read_overrides(dir)?,
            None => Vec::new(),
        };
        let mut overridden = BTreeSet::new();
        let mut sources: Vec<(&'static str, String)> = Vec::new();
        for (name, embedded) in EMBEDDED {
            let source = match user.iter().find(|(own, _)| *own == name) {
                Some((_, text)) => {
                    overridden.insert(name);
                    text.clone()
                }
                None => embedded.to_string(),
            };
            sources.push((name, source));
        }
        if let Some((name, _)) = sources.iter().find(|(_, source)| source.contains(MARK)) {
            return Err(format!(
                "template {name} holds the control character U+0001, which trustgen reserves for placing documents"
            ));
        }
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, source)| (*name, source.as_str())),
        )
        .map_err(|error| describe_error(&error))?;
        Ok(Templates {
            tera,
            overridden,
            sizes: Mutex::default(),
        })
    }

    /// A CloudFormation template, rendered: `context` in `name`, each document placed
    /// written in (`place`), then without blank lines or trailing spaces. An override's
    /// output must parse as YAML.
    pub(super) fn render_yaml<D: Document>(
        &self,
        name: &str,
        context: &impl Serialize,
        documents: &Documents<D>,
    ) -> Result<String, String> {
        let room = self.room(name);
        let mut text = self
            .render_lines(name, context, documents, yaml::Finished::with_room(room))?
            .finish();
        self.rendered(name, &mut text);
        if self.any_overridden("cloudformation/") {
            if let Err(error) = serde_norway::from_str::<serde_norway::Value>(&text) {
                return Err(format!(
                    "the overridden CloudFormation templates rendered {name} as text that is not YAML: {error}"
                ));
            }
        }
        Ok(text)
    }

    /// A Terraform template, rendered with its documents written in (`place`) and aligned
    /// as `terraform fmt` aligns it. An override's output must parse as HCL.
    pub(super) fn render_hcl<D: Document>(
        &self,
        name: &str,
        context: &impl Serialize,
        documents: &Documents<D>,
    ) -> Result<String, String> {
        let room = self.room(name);
        let mut text = self
            .render_lines(name, context, documents, hcl::Formatted::with_room(room))?
            .finish();
        self.rendered(name, &mut text);
        if self.any_overridden("terraform/") {
            if let Err(error) = ::hcl::parse(&text) {
                return Err(format!(
                    "the overridden Terraform templates rendered {name} as text that is not HCL: {error}"
                ));
            }
        }
        Ok(text)
    }

    /// `render_yaml`, written by the template's compiled function where it has one (build.rs)
    /// and no template is overridden. Test builds render it with Tera too and compare.
    pub(super) fn render_yaml_with<C: Serialize, D: Document>(
        &self,
        name: &str,
        context: &C,
        documents: &Documents<D>,
        compiled: Compiled<'_, C>,
    ) -> Result<String, String> {
        let room = self.room(name);
        let lines = || yaml::Finished::with_room(room);
        let rendered = self.render_compiled(name, context, documents, compiled, lines);
        self.compiled_or_tera(name, rendered, yaml::Finished::finish, || {
            self.render_yaml(name, context, documents)
        })
    }

    /// `render_hcl`, as `render_yaml_with` is `render_yaml`.
    pub(super) fn render_hcl_with<C: Serialize, D: Document>(
        &self,
        name: &str,
        context: &C,
        documents: &Documents<D>,
        compiled: Compiled<'_, C>,
    ) -> Result<String, String> {
        let room = self.room(name);
        let lines = || hcl::Formatted::with_room(room);
        let rendered = self.render_compiled(name, context, documents, compiled, lines);
        self.compiled_or_tera(name, rendered, hcl::Formatted::finish, || {
            self.render_hcl(name, context, documents)
        })
    }

    /// The compiled rendering's text (`finish`ed), or Tera's (`tera`) where there is none.
    fn compiled_or_tera<L>(
        &self,
        name: &str,
        rendered: Result<Option<L>, String>,
        finish: impl FnOnce(L) -> String,
        tera: impl Fn() -> Result<String, String>,
    ) -> Result<String, String> {
        #[cfg(test)]
        if let Err(error) = &rendered {
            // A compiled template fails only where Tera fails too.
            assert!(
                tera().is_err(),
                "{name}: the compiled template failed where Tera did not: {error}"
            );
        }
        match rendered? {
            Some(lines) => {
                let mut text = finish(lines);
                self.rendered(name, &mut text);
                #[cfg(test)]
                compiled_check::compare(&text, tera(), name);
                #[cfg(not(test))]
                let _ = name;
                Ok(text)
            }
            None => tera(),
        }
    }

    /// How much room a file of template `name` starts with (`sizes`).
    fn room(&self, name: &str) -> usize {
        self.sizes
            .lock()
            .map_or(0, |sizes| sizes.get(name).copied().unwrap_or(0))
            .min(MAX_ROOM)
    }

    /// Notes the size of a file template `name` rendered, and gives back the room it left.
    fn rendered(&self, name: &str, text: &mut String) {
        if text.capacity() > 2 * text.len() {
            text.shrink_to_fit();
        }
        if let Ok(mut sizes) = self.sizes.lock() {
            let largest = sizes.entry(name.to_string()).or_default();
            *largest = (*largest).max(text.len());
        }
    }

    /// The lines `compiled` writes for template `name`, documents written in; `None` when
    /// Tera renders it instead: a template is overridden, `name` is not compiled, or it
    /// includes one that is not.
    fn render_compiled<C, D: Document, L: Lines>(
        &self,
        name: &str,
        context: &C,
        documents: &Documents<D>,
        compiled: Compiled<'_, C>,
        lines: impl FnOnce() -> L,
    ) -> Result<Option<L>, String> {
        if !self.overridden.is_empty() {
            return Ok(None);
        }
        let mut expanding = place::Expanding::new(documents, lines());
        let mut out = Out::new(&mut expanding);
        let flow = match compiled(name, context, &mut out) {
            None => return Ok(None),
            Some(Ok(Flow::Done)) => out.finish().map(|()| Flow::Done),
            Some(other) => other,
        };
        // What failed while expanding explains the failed write it caused.
        if let Some(failure) = expanding.failure() {
            return Err(format!("template {name}: {failure}"));
        }
        match flow.map_err(|error| format!("template {name}: {error}"))? {
            Flow::Fallback => {
                #[cfg(test)]
                compiled_check::FELL_BACK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(None)
            }
            Flow::Done => expanding
                .finish()
                .map(Some)
                .map_err(|error| format!("template {name}: {error}")),
        }
    }

    /// A Terraform template that places no document.
    pub(super) fn render_hcl_plain(
        &self,
        name: &str,
        context: &impl Serialize,
    ) -> Result<String, String> {
        self.render_hcl(name, context, &Documents::<Nothing>::new())
    }

    /// What component `name` renders with `arguments`: the templates' own spelling of
    /// something the renderer needs inside a document (a Terraform reference).
    pub(super) fn component(
        &self,
        name: &str,
        arguments: &impl Serialize,
    ) -> Result<String, String> {
        let context = Context::from_serialize(arguments)
            .map_err(|error| format!("cannot pass the model to component {name}: {error}"))?;
        self.tera
            .render_component(name, &context, None, false)
            .map_err(|error| describe_error(&error))
    }

    /// Whether a user's file replaces any template under `prefix`.
    pub fn any_overridden(&self, prefix: &str) -> bool {
        self.overridden.iter().any(|name| name.starts_with(prefix))
    }

    /// `context` in template `name`, its lines fed to `lines` as Tera renders them, each
    /// document placed written in (`place`).
    fn render_lines<D: Document, L: Lines>(
        &self,
        name: &str,
        context: &impl Serialize,
        documents: &Documents<D>,
        lines: L,
    ) -> Result<L, String> {
        #[cfg(test)]
        single_line::check(name, context);
        let context = Context::from_serialize(context)
            .map_err(|error| format!("cannot pass the model to template {name}: {error}"))?;
        let mut expanding = place::Expanding::new(documents, lines);
        let rendered = self.tera.render_to(name, &context, &mut expanding);
        let expanded = match expanding.failure() {
            Some(failure) => Err(failure),
            None => {
                rendered.map_err(|error| describe_error(&error))?;
                expanding.finish()
            }
        };
        expanded.map_err(|error| format!("template {name}: {error}"))
    }
}

/// The `.tera` files below `dir`, by relative name; anything else is an error.
fn read_overrides(dir: &Path) -> Result<Vec<(String, String)>, String> {
    if !dir.is_dir() {
        return Err(format!(
            "the templates directory {} does not exist (dump the built-in ones there with `trustgen templates --dump {}`)",
            dir.display(),
            dir.display()
        ));
    }
    let known: Vec<&str> = EMBEDDED.iter().map(|(name, _)| *name).collect();
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .map_err(|error| format!("cannot read {}: {error}", current.display()))?;
        for entry in entries {
            let entry =
                entry.map_err(|error| format!("cannot read {}: {error}", current.display()))?;
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().into_owned();
            // Editors' swap and backup files.
            if file_name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or(file_name);
            if !known.contains(&relative.as_str()) {
                let hint = match suggest(&relative, known.iter().copied()) {
                    Some(near) => format!("did you mean {near}?"),
                    None => format!("the templates are {}", known.join(", ")),
                };
                return Err(format!(
                    "{} is not a trustgen template, so it would be ignored: {hint}",
                    path.display()
                ));
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|error| format!("cannot read template {}: {error}", path.display()))?;
            found.push((relative, text));
        }
    }
    found.sort();
    Ok(found)
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

/// A string or number a template writes itself, as one YAML scalar or HCL expression.
/// Everything trustgen passes is already written; these are for a template's own literals.
fn scalar_argument(value: &Value, filter: &str) -> TeraResult<String> {
    if let Some(text) = value.as_str() {
        return Ok(text.to_string());
    }
    if value.as_i64().is_some() || value.as_f64().is_some() || value.as_bool().is_some() {
        return Ok(value.to_string());
    }
    Err(tera::Error::message(format!(
        "the `{filter}` filter quotes one string or number; the values trustgen passes are already written"
    )))
}

fn register_filters(tera: &mut Tera) {
    // `x | yaml`: a string as one YAML scalar, quoted where YAML 1.1 could misread it.
    tera.register_filter(
        "yaml",
        |value: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(yaml::scalar(&scalar_argument(value, "yaml")?))
        },
    );
    // `x | hcl`: a string as a quoted HCL string (`${` and `%{` escaped).
    tera.register_filter(
        "hcl",
        |value: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(hcl::quote(&scalar_argument(value, "hcl")?))
        },
    );
}

/// Test builds: every file a compiled template writes is rendered by Tera too, and the
/// two must agree byte for byte.
#[cfg(test)]
pub(super) mod compiled_check {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Files compared, and compiled renderings that fell back to Tera, by every test.
    pub(crate) static COMPARED: AtomicUsize = AtomicUsize::new(0);
    pub(crate) static FELL_BACK: AtomicUsize = AtomicUsize::new(0);

    pub(super) fn compare(compiled: &str, tera: Result<String, String>, name: &str) {
        assert_eq!(
            Ok(compiled),
            tera.as_deref(),
            "{name}: the compiled template and Tera disagree"
        );
        COMPARED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Test builds check every context a template receives: each value is one line. A
/// multi-line value would be layout written in Rust; documents, the one exception, are
/// placed (`place::Placed`), not passed as text.
#[cfg(test)]
pub(super) mod single_line {
    use serde_json::Value;

    pub(crate) fn check(name: &str, context: &impl serde::Serialize) {
        match serde_json::to_value(context) {
            Ok(value) => walk(name, "", &value),
            Err(error) => panic!("{name}: the context does not serialize: {error}"),
        }
    }

    fn walk(name: &str, path: &str, value: &Value) {
        match value {
            Value::String(text) => assert!(
                !text.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']),
                "{name}: `{path}` reaches the template as more than one line: {text:?}"
            ),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(name, &format!("{path}[{index}]"), item);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    walk(name, &format!("{path}.{key}"), item);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod room_tests {
    use super::{Templates, MAX_ROOM};

    /// A file starts with the room its template's largest file took, never more than
    /// `MAX_ROOM`, and a small file after a large one gives back what it left unfilled.
    #[test]
    fn room_follows_the_largest_file_and_small_files_give_it_back() {
        let templates = Templates::load(None).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(templates.room("t"), 0);
        let mut large = "x".repeat(3 << 20);
        templates.rendered("t", &mut large);
        assert_eq!(templates.room("t"), 3 << 20);
        let mut small = String::with_capacity(templates.room("t"));
        small.push_str("a few bytes");
        templates.rendered("t", &mut small);
        assert!(small.capacity() <= 2 * small.len(), "{}", small.capacity());
        assert_eq!(templates.room("t"), 3 << 20, "the largest is kept");
        let mut huge = "x".repeat(MAX_ROOM + 1);
        templates.rendered("t", &mut huge);
        assert_eq!(templates.room("t"), MAX_ROOM);
    }
}
