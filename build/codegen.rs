//! A parsed template as one Rust function over its context struct, with Tera's meaning:
//! names are the context's fields (`ctx.name`), `for` and `set` bind locals, includes and
//! component calls are written in place, and what a value is worth to `if`, `{{ }}`, `~`,
//! `length` and `join` is asked of its `Serialize` (the same serialization Tera's context
//! is made from), through `crate::render::compiled`. An include of a template that is not
//! compiled returns `Flow::Fallback`: the caller renders that file with Tera.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::parser::{Compare, Component, Expr, Node};

/// What an expression is in the generated code.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// `Option<&T>` with `T: Serialize`: a context value, `None` where Tera has none.
    Value,
    /// Something that derefs to `str`.
    Text,
    Int,
    Bool,
}

#[derive(Clone)]
enum Binding {
    /// Rust code of an `Option<&T>`.
    Value(String),
    /// A local `String`.
    Text(String),
    /// Set inside an `if` branch that has ended: Tera would still see it, Rust cannot.
    Ended,
}

/// Names bound by `for`, `set` and component parameters, innermost last. A frame is
/// Tera's scope: the template, a loop body, an included template, a component.
struct Frame {
    /// Each name, and how many `if` branches deep it was declared.
    names: Vec<(String, Binding, usize)>,
    /// How many Rust blocks (`if` branches) deep the frame's code is now: a name declared
    /// in one ends with it in Rust, so a use after the branch is refused.
    depth: usize,
    /// Whether the context's fields are visible (not in a component).
    context: bool,
    /// A component's own frame: names outside it are not visible.
    boundary: bool,
}

pub(crate) struct Generator<'t> {
    /// Templates compiled into this file, by name, parsed.
    pub(crate) templates: &'t BTreeMap<String, Vec<Node>>,
    pub(crate) components: &'t BTreeMap<String, Component>,
    frames: Vec<Frame>,
    counter: usize,
    code: String,
    /// Templates being written, to refuse an include cycle.
    including: Vec<String>,
}

impl<'t> Generator<'t> {
    pub(crate) fn new(
        templates: &'t BTreeMap<String, Vec<Node>>,
        components: &'t BTreeMap<String, Component>,
    ) -> Self {
        Generator {
            templates,
            components,
            frames: Vec::new(),
            counter: 0,
            code: String::new(),
            including: Vec::new(),
        }
    }

    /// `fn function(ctx: &context, out) -> Result<Flow, String>` rendering `template`.
    pub(crate) fn function(
        &mut self,
        template: &str,
        function: &str,
        context: &str,
    ) -> Result<String, String> {
        let nodes = self
            .templates
            .get(template)
            .ok_or_else(|| format!("{template} is not a template"))?
            .clone();
        self.code.clear();
        self.frames = vec![Frame {
            names: Vec::new(),
            depth: 0,
            context: true,
            boundary: false,
        }];
        self.including = vec![template.to_string()];
        self.nodes(&nodes)
            .map_err(|error| format!("{template}: {error}"))?;
        let mut out = String::new();
        let _ = writeln!(out, "/// `{template}`, compiled (build.rs).");
        out.push_str("#[allow(unused_mut, unused_variables, unused_assignments, unused_parens, unreachable_code, clippy::all)]\n");
        let _ = writeln!(
            out,
            "pub(super) fn {function}(ctx: &{context}, out: &mut rt::Out<'_>) -> Result<rt::Flow, String> {{"
        );
        out.push_str("    use rt::{ViewOption as _, ViewPlain as _};\n");
        out.push_str(&self.code);
        out.push_str("    Ok(rt::Flow::Done)\n}\n");
        Ok(out)
    }

    fn fresh(&mut self, name: &str) -> String {
        self.counter += 1;
        format!("v{}_{name}", self.counter)
    }

    fn line(&mut self, line: &str) {
        self.code.push_str(line);
        self.code.push('\n');
    }

    fn nodes(&mut self, nodes: &[Node]) -> Result<(), String> {
        let mut text = String::new();
        for node in nodes {
            if let Node::Text(piece) = node {
                text.push_str(piece);
                continue;
            }
            if !text.is_empty() {
                self.line(&format!("out.push({text:?});"));
                text.clear();
            }
            self.node(node)?;
        }
        if !text.is_empty() {
            self.line(&format!("out.push({text:?});"));
        }
        Ok(())
    }

    fn node(&mut self, node: &Node) -> Result<(), String> {
        match node {
            Node::Text(text) => self.line(&format!("out.push({text:?});")),
            Node::Print(Expr::Call(name, arguments)) => self.call(name, arguments)?,
            Node::Print(expr) => {
                let (code, kind) = self.expr(expr)?;
                match kind {
                    Kind::Value => {
                        self.line(&format!("rt::print(out, {code}, {:?})?;", describe(expr)))
                    }
                    Kind::Text => self.line(&format!("out.push(&*({code}));")),
                    Kind::Int => self.line(&format!("out.push(&({code}).to_string());")),
                    Kind::Bool => {
                        return Err(format!(
                            "printing `{}`, a test, is not compiled",
                            describe(expr)
                        ))
                    }
                }
            }
            Node::If(branches, otherwise) => {
                for (index, (condition, body)) in branches.iter().enumerate() {
                    let test = self.truthy(condition)?;
                    let keyword = if index == 0 { "if" } else { "} else if" };
                    self.line(&format!("{keyword} {test} {{"));
                    self.in_block(body)?;
                }
                if !otherwise.is_empty() {
                    self.line("} else {");
                    self.in_block(otherwise)?;
                }
                self.line("}");
            }
            Node::For(variable, iterable, body) => {
                let (code, kind) = self.expr(iterable)?;
                if kind != Kind::Value {
                    return Err(format!(
                        "`for` over `{}`, which is not a list",
                        describe(iterable)
                    ));
                }
                let local = self.fresh(variable);
                self.line(&format!(
                    "for {local} in rt::items({code}, {:?})? {{",
                    describe(iterable)
                ));
                self.frames.push(Frame {
                    names: vec![(
                        variable.clone(),
                        Binding::Value(format!("Some({local})")),
                        0,
                    )],
                    depth: 0,
                    context: self.context_visible(),
                    boundary: false,
                });
                self.nodes(body)?;
                self.frames.pop();
                self.line("out.flush()?;");
                self.line("}");
            }
            Node::Set(name, value) => self.set(name, value)?,
            Node::Include(template) => self.include(template)?,
        }
        Ok(())
    }

    /// An included template written in place, in a frame of its own; one that is not
    /// compiled makes the function fall back to Tera.
    fn include(&mut self, template: &String) -> Result<(), String> {
        if self.including.contains(template) {
            return Err(format!("{template} includes itself"));
        }
        let Some(nodes) = self.templates.get(template).cloned() else {
            self.line("return Ok(rt::Flow::Fallback);");
            return Ok(());
        };
        self.including.push(template.clone());
        self.line("{");
        self.frames.push(Frame {
            names: Vec::new(),
            depth: 0,
            context: self.context_visible(),
            boundary: false,
        });
        self.nodes(&nodes)
            .map_err(|error| format!("{template}: {error}"))?;
        self.frames.pop();
        self.line("}");
        self.including.pop();
        Ok(())
    }

    fn context_visible(&self) -> bool {
        self.frames.last().is_some_and(|frame| frame.context)
    }

    fn in_block(&mut self, body: &[Node]) -> Result<(), String> {
        if let Some(frame) = self.frames.last_mut() {
            frame.depth += 1;
        }
        self.nodes(body)?;
        if let Some(frame) = self.frames.last_mut() {
            let depth = frame.depth;
            for (_, binding, declared) in &mut frame.names {
                if *declared == depth {
                    *binding = Binding::Ended;
                }
            }
            frame.depth -= 1;
        }
        Ok(())
    }

    fn set(&mut self, name: &str, value: &Expr) -> Result<(), String> {
        let (code, kind) = self.expr(value)?;
        let frame = self.frames.last().ok_or("no scope")?;
        let existing = frame
            .names
            .iter()
            .rev()
            .find(|(bound, _, _)| bound == name)
            .map(|(_, binding, _)| binding.clone());
        match (existing, kind) {
            (Some(Binding::Text(local)), Kind::Text) => {
                self.line(&format!("{local} = String::from(&*({code}));"));
            }
            (Some(Binding::Value(_) | Binding::Text(_)), _) => {
                return Err(format!("`set {name}` to a value of another kind"))
            }
            (None | Some(Binding::Ended), Kind::Value) => {
                let local = self.fresh(name);
                self.line(&format!("let {local} = {code};"));
                self.bind(name, Binding::Value(local));
            }
            (None | Some(Binding::Ended), Kind::Text) => {
                let local = self.fresh(name);
                self.line(&format!(
                    "let mut {local}: String = String::from(&*({code}));"
                ));
                self.bind(name, Binding::Text(local));
            }
            (_, _) => return Err(format!("`set {name}` to a number or test is not compiled")),
        }
        Ok(())
    }

    fn bind(&mut self, name: &str, binding: Binding) {
        if let Some(frame) = self.frames.last_mut() {
            frame.names.push((name.to_string(), binding, frame.depth));
        }
    }

    fn lookup(&self, name: &str) -> Option<Binding> {
        for frame in self.frames.iter().rev() {
            if let Some((_, binding, _)) =
                frame.names.iter().rev().find(|(bound, _, _)| bound == name)
            {
                return Some(binding.clone());
            }
            if frame.boundary {
                // A component sees its parameters only.
                return None;
            }
        }
        None
    }

    /// A component call, written in place with its parameters bound.
    fn call(&mut self, name: &str, arguments: &[(String, Expr)]) -> Result<(), String> {
        let component = self
            .components
            .get(name)
            .ok_or_else(|| format!("no component {name}"))?
            .clone();
        for (key, _) in arguments {
            if !component.params.iter().any(|(param, _)| param == key) {
                return Err(format!("{name} has no parameter {key}"));
            }
        }
        self.line("{");
        let mut bound: Vec<(String, Binding, usize)> = Vec::new();
        for (param, default) in &component.params {
            let value = arguments
                .iter()
                .find(|(key, _)| key == param)
                .map(|(_, value)| value)
                .or(default.as_ref())
                .ok_or_else(|| format!("{name} needs {param}"))?;
            let (code, kind) = self.expr(value)?;
            let local = self.fresh(param);
            match kind {
                Kind::Value => {
                    self.line(&format!("let {local} = {code};"));
                    bound.push((param.clone(), Binding::Value(local), 0));
                }
                Kind::Text => {
                    self.line(&format!("let {local}: String = String::from(&*({code}));"));
                    bound.push((param.clone(), Binding::Text(local), 0));
                }
                Kind::Int | Kind::Bool => {
                    return Err(format!(
                        "{name}: a number or test as an argument is not compiled"
                    ))
                }
            }
        }
        self.frames.push(Frame {
            names: bound,
            depth: 0,
            context: false,
            boundary: true,
        });
        self.nodes(&component.body)
            .map_err(|error| format!("component {name}: {error}"))?;
        self.frames.pop();
        self.line("}");
        Ok(())
    }

    fn truthy(&mut self, expr: &Expr) -> Result<String, String> {
        let (code, kind) = self.expr(expr)?;
        Ok(match kind {
            Kind::Value => format!("rt::truthy({code}, {:?})?", describe(expr)),
            Kind::Text => format!("!(&*({code})).is_empty()"),
            Kind::Int => format!("(({code}) != 0)"),
            Kind::Bool => code,
        })
    }

    /// Rust code of a `String` holding `expr`'s text, as Tera's `~` and filters take it.
    fn text(&mut self, expr: &Expr) -> Result<String, String> {
        let (code, kind) = self.expr(expr)?;
        Ok(match kind {
            Kind::Value => format!("rt::text({code}, {:?})?", describe(expr)),
            Kind::Text => format!("String::from(&*({code}))"),
            Kind::Int => format!("({code}).to_string()"),
            Kind::Bool => {
                return Err(format!(
                    "the text of a test `{}` is not compiled",
                    describe(expr)
                ))
            }
        })
    }

    fn expr(&mut self, expr: &Expr) -> Result<(String, Kind), String> {
        Ok(match expr {
            Expr::Str(text) => (format!("{text:?}"), Kind::Text),
            Expr::Int(number) => (format!("{number}i64"), Kind::Int),
            Expr::Path(name, attributes) => {
                let mut code = match self.lookup(name) {
                    Some(Binding::Value(code)) => code,
                    Some(Binding::Text(local)) if attributes.is_empty() => {
                        return Ok((local, Kind::Text))
                    }
                    Some(Binding::Text(_)) => {
                        return Err(format!("`{name}` is text, it has no attributes"))
                    }
                    Some(Binding::Ended) => {
                        return Err(format!(
                            "`{name}` is used after the `if` branch that set it"
                        ))
                    }
                    None if self.context_visible() => format!("(&rt::View(&ctx.{name})).view()"),
                    None => return Err(format!("`{name}` is not defined here")),
                };
                // Each owner must be there (Tera refuses `a.b` where `a` is not); the last
                // attribute may be absent (a skipped `None`), which `if` takes as false.
                let mut owner = name.clone();
                for attribute in attributes {
                    code =
                        format!("(&rt::View(&rt::defined({code}, {owner:?})?.{attribute})).view()");
                    owner = format!("{owner}.{attribute}");
                }
                (code, Kind::Value)
            }
            Expr::Concat(..) => (self.concat(expr)?, Kind::Text),
            Expr::Not(inner) => (format!("!({})", self.truthy(inner)?), Kind::Bool),
            Expr::And(left, right) => (
                format!("({} && {})", self.truthy(left)?, self.truthy(right)?),
                Kind::Bool,
            ),
            Expr::Or(left, right) => (
                format!("({} || {})", self.truthy(left)?, self.truthy(right)?),
                Kind::Bool,
            ),
            Expr::Compare(compare, left, right) => {
                let (left_code, left_kind) = self.expr(left)?;
                let (right_code, right_kind) = self.expr(right)?;
                if left_kind != Kind::Int || right_kind != Kind::Int {
                    return Err("comparing anything but numbers is not compiled".into());
                }
                let operator = match compare {
                    Compare::Equal => "==",
                    Compare::NotEqual => "!=",
                    Compare::Less => "<",
                    Compare::LessOrEqual => "<=",
                    Compare::Greater => ">",
                    Compare::GreaterOrEqual => ">=",
                };
                (
                    format!("(({left_code}) {operator} ({right_code}))"),
                    Kind::Bool,
                )
            }
            Expr::Filter(input, filter, arguments) => self.filter(input, filter, arguments)?,
            Expr::Call(name, _) => {
                return Err(format!(
                    "component {name} inside an expression is not compiled"
                ))
            }
        })
    }

    /// `a ~ b ~ …` as a block that builds a `String`.
    fn concat(&mut self, expr: &Expr) -> Result<String, String> {
        let mut parts = Vec::new();
        flatten_concat(expr, &mut parts);
        let mut code = String::from("{ let mut s = String::new();");
        for part in parts {
            let (piece, kind) = self.expr(part)?;
            match kind {
                Kind::Value => {
                    let _ = write!(
                        code,
                        " rt::push_text(&mut s, {piece}, {:?})?;",
                        describe(part)
                    );
                }
                Kind::Text => {
                    let _ = write!(code, " s.push_str(&*({piece}));");
                }
                Kind::Int => {
                    let _ = write!(code, " s.push_str(&({piece}).to_string());");
                }
                Kind::Bool => return Err("`~` of a test is not compiled".into()),
            }
        }
        code.push_str(" s }");
        Ok(code)
    }

    fn filter(
        &mut self,
        input: &Expr,
        filter: &str,
        arguments: &[(String, Expr)],
    ) -> Result<(String, Kind), String> {
        let what = describe(input);
        Ok(match (filter, arguments) {
            ("length", []) => {
                let (code, kind) = self.expr(input)?;
                match kind {
                    Kind::Value => (format!("(rt::length({code}, {what:?})? as i64)"), Kind::Int),
                    // Tera counts characters (without its `unicode` feature).
                    Kind::Text => (format!("((&*({code})).chars().count() as i64)"), Kind::Int),
                    _ => return Err(format!("`{what} | length` is not compiled")),
                }
            }
            ("join", [(key, separator)]) if key == "sep" => {
                let (code, kind) = self.expr(input)?;
                if kind != Kind::Value {
                    return Err(format!("`{what} | join` of something not a list"));
                }
                let separator = self.text(separator)?;
                (
                    format!("rt::join({code}, &{separator}, {what:?})?"),
                    Kind::Text,
                )
            }
            ("yaml", []) => (format!("rt::yaml(&{})", self.text(input)?), Kind::Text),
            ("hcl", []) => (format!("rt::hcl(&{})", self.text(input)?), Kind::Text),
            _ => {
                return Err(format!(
                    "the filter `{filter}` with these arguments is not compiled"
                ))
            }
        })
    }
}

fn flatten_concat<'e>(expr: &'e Expr, parts: &mut Vec<&'e Expr>) {
    match expr {
        Expr::Concat(left, right) => {
            flatten_concat(left, parts);
            flatten_concat(right, parts);
        }
        other => parts.push(other),
    }
}

/// An expression as its template spells it, for messages.
fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Path(name, attributes) => {
            let mut text = name.clone();
            for attribute in attributes {
                text.push('.');
                text.push_str(attribute);
            }
            text
        }
        Expr::Str(text) => format!("{text:?}"),
        Expr::Int(number) => number.to_string(),
        Expr::Filter(input, filter, _) => format!("{} | {filter}", describe(input)),
        _ => "an expression".to_string(),
    }
}
