//! The part of Tera 2's language trustgen's templates use, parsed into a tree: text,
//! `{{ }}`, `if`/`elif`/`else`, `for`, `set`, `include`, component definitions and inline
//! component calls; expressions with `or`, `and`, `not`, comparisons, `~`, filters and
//! attribute paths, with Tera's binding powers. Anything else is an error naming the
//! template and line, so the build fails rather than compile a template differently.

use super::lexer::{lex, Piece};

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Text(String),
    Print(Expr),
    If(Vec<(Expr, Vec<Node>)>, Vec<Node>),
    For(String, Expr, Vec<Node>),
    Set(String, Expr),
    Include(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Compare {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// A name and its attributes: `definition.runtime_platform.cpu_architecture`.
    Path(String, Vec<String>),
    Str(String),
    Int(i64),
    Concat(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Compare, Box<Expr>, Box<Expr>),
    Filter(Box<Expr>, String, Vec<(String, Expr)>),
    Call(String, Vec<(String, Expr)>),
}

#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub(crate) name: String,
    /// Each parameter and its default.
    pub(crate) params: Vec<(String, Option<Expr>)>,
    pub(crate) body: Vec<Node>,
}

/// A template's tree, and the components it defines.
pub(crate) fn parse(name: &str, source: &str) -> Result<(Vec<Node>, Vec<Component>), String> {
    let pieces = lex(source).map_err(|error| format!("{name}: {error}"))?;
    let mut parser = Parser {
        name,
        pieces,
        at: 0,
        components: Vec::new(),
    };
    let (nodes, end) = parser.block(&[])?;
    if let Some((tag, line)) = end {
        return Err(format!("{name}:{line}: `{tag}` closes nothing"));
    }
    Ok((nodes, parser.components))
}

/// A block's nodes, and the tag that ended it with its line.
type Block = (Vec<Node>, Option<(String, usize)>);

struct Parser<'n> {
    name: &'n str,
    pieces: Vec<Piece>,
    at: usize,
    components: Vec<Component>,
}

impl Parser<'_> {
    fn error(&self, line: usize, what: &str) -> String {
        format!("{}:{line}: {what}", self.name)
    }

    /// Nodes up to a tag whose first word is in `ends` (returned with its line).
    fn block(&mut self, ends: &[&str]) -> Result<Block, String> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.get(self.at).cloned() {
            self.at += 1;
            match piece {
                Piece::Text(text) => nodes.push(Node::Text(text)),
                Piece::Print(source, line) => {
                    nodes.push(Node::Print(self.expression(&source, line)?))
                }
                Piece::Tag(source, line) => {
                    let word = source.split_whitespace().next().unwrap_or_default();
                    if ends.contains(&word) {
                        return Ok((nodes, Some((source, line))));
                    }
                    let rest = source[word.len()..].trim();
                    match word {
                        "if" => nodes.push(self.if_block(rest, line)?),
                        "for" => nodes.push(self.for_block(rest, line)?),
                        "set" => {
                            let (name, value) = rest
                                .split_once('=')
                                .ok_or_else(|| self.error(line, "`set` without `=`"))?;
                            let name = name.trim();
                            if !is_name(name) {
                                return Err(
                                    self.error(line, "`set` of something that is not a name")
                                );
                            }
                            nodes.push(Node::Set(name.to_string(), self.expression(value, line)?));
                        }
                        "include" => match self.expression(rest, line)? {
                            Expr::Str(template) => nodes.push(Node::Include(template)),
                            _ => {
                                return Err(self.error(line, "`include` of something not a literal"))
                            }
                        },
                        "component" => self.component(rest, line)?,
                        _ => return Err(self.error(line, &format!("`{word}` is not compiled"))),
                    }
                }
            }
        }
        if ends.is_empty() {
            Ok((nodes, None))
        } else {
            Err(format!("{}: missing `{}`", self.name, ends.join("` or `")))
        }
    }

    fn if_block(&mut self, condition: &str, line: usize) -> Result<Node, String> {
        let mut branches = Vec::new();
        let mut condition = self.expression(condition, line)?;
        loop {
            let (body, end) = self.block(&["elif", "else", "endif"])?;
            branches.push((condition, body));
            let (tag, line) = end.unwrap_or_default();
            let rest = tag
                .split_once(char::is_whitespace)
                .map_or("", |(_, rest)| rest);
            if tag.starts_with("elif") {
                condition = self.expression(rest, line)?;
                continue;
            }
            if tag.starts_with("else") {
                let (otherwise, _) = self.block(&["endif"])?;
                return Ok(Node::If(branches, otherwise));
            }
            return Ok(Node::If(branches, Vec::new()));
        }
    }

    fn for_block(&mut self, rest: &str, line: usize) -> Result<Node, String> {
        let (variable, iterable) = rest
            .split_once(" in ")
            .ok_or_else(|| self.error(line, "`for` without `in`"))?;
        let variable = variable.trim();
        if !is_name(variable) {
            return Err(self.error(line, "`for` over something other than one name"));
        }
        let iterable = self.expression(iterable, line)?;
        let (body, end) = self.block(&["endfor", "else"])?;
        if end.is_some_and(|(tag, _)| tag.starts_with("else")) {
            return Err(self.error(line, "`for … else` is not compiled"));
        }
        Ok(Node::For(variable.to_string(), iterable, body))
    }

    /// `component name(param: type = default, …)`, up to `endcomponent`.
    fn component(&mut self, rest: &str, line: usize) -> Result<(), String> {
        let (name, params) = rest
            .split_once('(')
            .ok_or_else(|| self.error(line, "a component without parameters"))?;
        let params = params
            .trim_end()
            .strip_suffix(')')
            .ok_or_else(|| self.error(line, "a component's parameters do not close"))?;
        let mut parsed = Vec::new();
        for param in params.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (declared, default) = match param.split_once('=') {
                Some((declared, default)) => (declared, Some(self.expression(default, line)?)),
                None => (param, None),
            };
            let name = declared.split(':').next().unwrap_or_default().trim();
            if !is_name(name) {
                return Err(self.error(line, "a component parameter that is not a name"));
            }
            parsed.push((name.to_string(), default));
        }
        let (body, _) = self.block(&["endcomponent"])?;
        self.components.push(Component {
            name: name.trim().to_string(),
            params: parsed,
            body,
        });
        Ok(())
    }

    fn expression(&self, source: &str, line: usize) -> Result<Expr, String> {
        let tokens = tokenize(source).map_err(|error| self.error(line, &error))?;
        let mut expressions = Expressions { tokens, at: 0 };
        let expr = expressions
            .parse(0)
            .map_err(|error| self.error(line, &error))?;
        if expressions.at != expressions.tokens.len() {
            return Err(self.error(line, &format!("cannot compile `{source}`")));
        }
        Ok(expr)
    }
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !text.starts_with(|c: char| c.is_ascii_digit())
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Int(i64),
    Symbol(&'static str),
}

const SYMBOLS: [&str; 17] = [
    "==", "!=", "<=", ">=", "/>", "~", "|", "(", ")", ",", "=", "<", ">", "{", "}", ".", ":",
];

fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '\'' || c == '`' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    None => return Err("a string that does not close".into()),
                    Some((_, q)) if q == c => break,
                    // Tera's escapes (lexer.rs): \" \' \/ \\ \n \t \r.
                    Some((_, '\\')) => match chars.next().map(|(_, e)| e) {
                        Some(e @ ('"' | '\'' | '/' | '\\')) => text.push(e),
                        Some('n') => text.push('\n'),
                        Some('t') => text.push('\t'),
                        Some('r') => text.push('\r'),
                        _ => return Err("an escape Tera does not know".into()),
                    },
                    Some((_, other)) => text.push(other),
                }
            }
            tokens.push(Token::Str(text));
        } else if c.is_ascii_digit() {
            let mut end = at;
            while let Some(&(i, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            let number = source[at..end]
                .parse()
                .map_err(|_| format!("the number {} is too large", &source[at..end]))?;
            tokens.push(Token::Int(number));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut end = at;
            while let Some(&(i, d)) = chars.peek() {
                if !(d.is_ascii_alphanumeric() || d == '_') {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            tokens.push(Token::Name(source[at..end].to_string()));
        } else {
            let symbol = SYMBOLS
                .iter()
                .find(|symbol| source[at..].starts_with(**symbol))
                .ok_or_else(|| format!("`{c}` is not compiled"))?;
            for _ in 0..symbol.len() {
                chars.next();
            }
            tokens.push(Token::Symbol(symbol));
        }
    }
    Ok(tokens)
}

struct Expressions {
    tokens: Vec<Token>,
    at: usize,
}

impl Expressions {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expect(&mut self, symbol: &str) -> Result<(), String> {
        match self.next() {
            Some(Token::Symbol(found)) if found == symbol => Ok(()),
            other => Err(format!("expected `{symbol}`, found {other:?}")),
        }
    }

    fn name(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Name(name)) => Ok(name),
            other => Err(format!("expected a name, found {other:?}")),
        }
    }

    /// Pratt parsing with Tera 2's binding powers (parser.rs): `or` 1/2, `and` 3/4,
    /// `not` 5, comparisons 7/8, `~` 13/14, `|` 17/18.
    fn parse(&mut self, min: u8) -> Result<Expr, String> {
        let mut left = match self.next() {
            Some(Token::Name(word)) if word == "not" => Expr::Not(Box::new(self.parse(5)?)),
            Some(Token::Name(name)) => {
                let mut attributes = Vec::new();
                while self.peek() == Some(&Token::Symbol(".")) {
                    self.at += 1;
                    attributes.push(self.name()?);
                }
                Expr::Path(name, attributes)
            }
            Some(Token::Str(text)) => Expr::Str(text),
            Some(Token::Int(number)) => Expr::Int(number),
            Some(Token::Symbol("(")) => {
                let inner = self.parse(0)?;
                self.expect(")")?;
                inner
            }
            Some(Token::Symbol("<")) => self.call()?,
            other => return Err(format!("cannot compile an expression starting {other:?}")),
        };
        loop {
            let (l_bp, r_bp) = match self.peek() {
                Some(Token::Name(word)) if word == "or" => (1, 2),
                Some(Token::Name(word)) if word == "and" => (3, 4),
                Some(Token::Symbol("==" | "!=" | "<=" | ">=" | "<" | ">")) => (7, 8),
                Some(Token::Symbol("~")) => (13, 14),
                Some(Token::Symbol("|")) => (17, 18),
                _ => break,
            };
            if l_bp < min {
                break;
            }
            let operator = self.next();
            left = match operator {
                Some(Token::Symbol("|")) => {
                    let filter = self.name()?;
                    let arguments = if self.peek() == Some(&Token::Symbol("(")) {
                        self.at += 1;
                        self.arguments(")")?
                    } else {
                        Vec::new()
                    };
                    Expr::Filter(Box::new(left), filter, arguments)
                }
                Some(Token::Name(word)) => {
                    let right = Box::new(self.parse(r_bp)?);
                    if word == "or" {
                        Expr::Or(Box::new(left), right)
                    } else {
                        Expr::And(Box::new(left), right)
                    }
                }
                Some(Token::Symbol("~")) => {
                    Expr::Concat(Box::new(left), Box::new(self.parse(r_bp)?))
                }
                Some(Token::Symbol(symbol)) => {
                    let compare = match symbol {
                        "==" => Compare::Equal,
                        "!=" => Compare::NotEqual,
                        "<=" => Compare::LessOrEqual,
                        ">=" => Compare::GreaterOrEqual,
                        "<" => Compare::Less,
                        _ => Compare::Greater,
                    };
                    Expr::Compare(compare, Box::new(left), Box::new(self.parse(r_bp)?))
                }
                _ => unreachable!("operators are peeked above"),
            };
        }
        Ok(left)
    }

    /// `name(key=value, …)` arguments of a filter, up to `close`.
    fn arguments(&mut self, close: &str) -> Result<Vec<(String, Expr)>, String> {
        let mut arguments = Vec::new();
        while self.peek() != Some(&Token::Symbol(if close == ")" { ")" } else { "/>" })) {
            let key = self.name()?;
            self.expect("=")?;
            arguments.push((key, self.parse(0)?));
            if self.peek() == Some(&Token::Symbol(",")) {
                self.at += 1;
            }
        }
        self.at += 1;
        Ok(arguments)
    }

    /// `<a.b key={expression} key="literal" />` (the `<` taken).
    fn call(&mut self) -> Result<Expr, String> {
        let mut name = self.name()?;
        while self.peek() == Some(&Token::Symbol(".")) {
            self.at += 1;
            name = format!("{name}.{}", self.name()?);
        }
        let mut arguments = Vec::new();
        loop {
            match self.next() {
                Some(Token::Symbol("/>")) => break,
                Some(Token::Name(key)) => {
                    self.expect("=")?;
                    let value = match self.next() {
                        Some(Token::Symbol("{")) => {
                            let value = self.parse(0)?;
                            self.expect("}")?;
                            value
                        }
                        Some(Token::Str(text)) => Expr::Str(text),
                        Some(Token::Int(number)) => Expr::Int(number),
                        other => return Err(format!("a component argument {other:?}")),
                    };
                    arguments.push((key, value));
                }
                other => return Err(format!("in a component call, {other:?}")),
            }
        }
        Ok(Expr::Call(name, arguments))
    }
}
