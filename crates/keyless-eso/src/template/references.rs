//! Static analysis of a parsed template: which data keys it reads and how, and which
//! functions it calls, with source spans, without executing it.

use std::ops::Range;

use super::Template;
use super::ast::{Arg, CommandNode, FuncRef, ListNode, Node, PipeNode};
use super::value::GoString;

/// Everything a template reads from its data and every function it calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    fields: Vec<FieldReference>,
    index_keys: Vec<IndexReference>,
    functions: Vec<FunctionReference>,
    selectors: Vec<SelectorReference>,
}

/// A field access `.KEY` (or `$.KEY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldReference {
    key: String,
    span: Range<usize>,
    on_data: bool,
    chained: bool,
}

impl FieldReference {
    /// The key, e.g. `user` for `.user`.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Byte range of `.KEY` in the template text.
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Whether `.` is certainly the data map here (top level, `if` bodies, or `$.KEY`); inside
    /// `range`/`with` bodies and `{{define}}` bodies `.` is something else.
    #[must_use]
    pub fn on_data(&self) -> bool {
        self.on_data
    }

    /// Whether more fields follow (`.tls.crt`): ESO reads that as a lookup of `tls`, then of
    /// `crt` inside its (string) value, which fails.
    #[must_use]
    pub fn chained(&self) -> bool {
        self.chained
    }
}

/// A literal key read with `index . "KEY"` (or `index $ "KEY"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexReference {
    key: String,
    span: Range<usize>,
    on_data: bool,
}

impl IndexReference {
    /// The key (the unquoted literal; non-UTF-8 bytes shown as U+FFFD).
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Byte range of the quoted literal in the template text.
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Whether the indexed value is certainly the data map (see [`FieldReference::on_data`]).
    #[must_use]
    pub fn on_data(&self) -> bool {
        self.on_data
    }
}

/// A function call by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionReference {
    name: String,
    span: Range<usize>,
    supported: bool,
}

impl FunctionReference {
    /// The function name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Byte range of the name in the template text.
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Whether this crate implements the function (ESO defines every function a template
    /// that parses can name).
    #[must_use]
    pub fn supported(&self) -> bool {
        self.supported
    }
}

/// How a selector-style access reaches a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SelectorKind {
    /// `index X ...`.
    Index,
    /// `dig ... X`.
    Dig,
    /// `get X "key"`.
    Get,
    /// Field access into a computed value: `(x | fromJson).field`, `$obj.field`, or a field of
    /// a field (`.a.b`).
    FieldOfValue,
}

/// A place where a template reaches a value by path or lookup rather than by a plain `.KEY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorReference {
    kind: SelectorKind,
    span: Range<usize>,
}

impl SelectorReference {
    /// How the value is reached.
    #[must_use]
    pub fn kind(&self) -> SelectorKind {
        self.kind
    }

    /// Byte range of the function name or field chain in the template text.
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl References {
    /// Every `.KEY` access, in source order.
    #[must_use]
    pub fn fields(&self) -> &[FieldReference] {
        &self.fields
    }

    /// Every `index . "KEY"` literal key, in source order.
    #[must_use]
    pub fn index_keys(&self) -> &[IndexReference] {
        &self.index_keys
    }

    /// Every function call, in source order.
    #[must_use]
    pub fn functions(&self) -> &[FunctionReference] {
        &self.functions
    }

    /// Every selector-style access, in source order.
    #[must_use]
    pub fn selectors(&self) -> &[SelectorReference] {
        &self.selectors
    }

    /// Whether the template reads its data only through plain `.KEY` accesses on the data (or
    /// reads nothing): no `index`, `dig`, `get`, and no navigation into values.
    #[must_use]
    pub fn is_direct(&self) -> bool {
        self.selectors.is_empty()
            && self
                .fields
                .iter()
                .all(|field| field.on_data && !field.chained)
    }

    /// Functions the template calls that this crate does not implement.
    pub fn unsupported_functions(&self) -> impl Iterator<Item = &FunctionReference> {
        self.functions.iter().filter(|function| !function.supported)
    }

    fn sort(&mut self) {
        self.fields.sort_by_key(|field| field.span.start);
        self.index_keys.sort_by_key(|index| index.span.start);
        self.functions.sort_by_key(|function| function.span.start);
        self.selectors.sort_by_key(|selector| selector.span.start);
    }
}

/// Collects references from every tree of the template.
pub(crate) fn collect(template: &Template) -> References {
    let mut references = References::default();
    for (name, tree) in template.trees() {
        let top = name == template.name();
        let mut walker = Walker {
            references: &mut references,
        };
        walker.list(&tree.root, top, top);
    }
    references.sort();
    references
}

struct Walker<'r> {
    references: &'r mut References,
}

impl Walker<'_> {
    /// `dot_is_data`: whether `.` is the data map; `root_is_data`: whether `$` is.
    fn list(&mut self, list: &ListNode, dot_is_data: bool, root_is_data: bool) {
        for node in &list.nodes {
            self.node(node, dot_is_data, root_is_data);
        }
    }

    fn node(&mut self, node: &Node, dot_is_data: bool, root_is_data: bool) {
        match node {
            Node::Action { pipe, .. } => self.pipe(pipe, dot_is_data, root_is_data),
            Node::If(branch) => {
                self.pipe(&branch.pipe, dot_is_data, root_is_data);
                self.list(&branch.list, dot_is_data, root_is_data);
                if let Some(else_list) = &branch.else_list {
                    self.list(else_list, dot_is_data, root_is_data);
                }
            }
            Node::Range(branch) | Node::With(branch) => {
                self.pipe(&branch.pipe, dot_is_data, root_is_data);
                self.list(&branch.list, false, root_is_data);
                if let Some(else_list) = &branch.else_list {
                    self.list(else_list, dot_is_data, root_is_data);
                }
            }
            Node::Template {
                pipe: Some(pipe), ..
            } => self.pipe(pipe, dot_is_data, root_is_data),
            Node::Template { pipe: None, .. }
            | Node::Text { .. }
            | Node::Break { .. }
            | Node::Continue { .. } => {}
        }
    }

    fn pipe(&mut self, pipe: &PipeNode, dot_is_data: bool, root_is_data: bool) {
        for command in &pipe.cmds {
            self.command(command, dot_is_data, root_is_data);
        }
    }

    fn command(&mut self, command: &CommandNode, dot_is_data: bool, root_is_data: bool) {
        if let Some(Arg::Identifier {
            name,
            func: FuncRef::Supported(_),
            ..
        }) = command.args.first()
            && name == "index"
        {
            let receiver_is_data = match command.args.get(1) {
                Some(Arg::Dot { .. }) => dot_is_data,
                Some(Arg::Variable(variable)) => {
                    variable.ident.len() == 1 && variable.ident[0] == "$" && root_is_data
                }
                _ => false,
            };
            if let Some(Arg::String { pos, quoted, text }) = command.args.get(2) {
                self.references.index_keys.push(IndexReference {
                    key: lossy(text),
                    span: *pos..*pos + quoted.len(),
                    on_data: receiver_is_data,
                });
            }
        }
        for arg in &command.args {
            self.arg(arg, dot_is_data, root_is_data);
        }
    }

    fn arg(&mut self, arg: &Arg, dot_is_data: bool, root_is_data: bool) {
        match arg {
            Arg::Field { ident, spans, .. } => {
                if let (Some(key), Some(span)) = (ident.first(), spans.first()) {
                    self.references.fields.push(FieldReference {
                        key: key.clone(),
                        span: span.start..spans.last().map_or(span.end, |last| last.end),
                        on_data: dot_is_data,
                        chained: ident.len() > 1,
                    });
                }
                if ident.len() > 1
                    && let (Some(first), Some(last)) = (spans.first(), spans.last())
                {
                    self.selector(SelectorKind::FieldOfValue, first.start..last.end);
                }
            }
            Arg::Variable(variable) => {
                let is_root = variable.ident.first().is_some_and(|name| name == "$");
                if is_root && variable.ident.len() > 1 {
                    self.references.fields.push(FieldReference {
                        key: variable.ident[1].clone(),
                        span: variable.spans.first().map_or(0, |span| span.start)
                            ..variable.spans.last().map_or(0, |span| span.end),
                        on_data: root_is_data,
                        chained: variable.ident.len() > 2,
                    });
                }
                let navigates = if is_root {
                    variable.ident.len() > 2
                } else {
                    variable.ident.len() > 1
                };
                if navigates
                    && let (Some(first), Some(last)) =
                        (variable.spans.first(), variable.spans.last())
                {
                    self.selector(SelectorKind::FieldOfValue, first.start..last.end);
                }
            }
            Arg::Chain { node, spans, .. } => {
                if let (Some(first), Some(last)) = (spans.first(), spans.last()) {
                    self.selector(SelectorKind::FieldOfValue, first.start..last.end);
                }
                self.arg(node, dot_is_data, root_is_data);
            }
            Arg::Identifier { pos, name, func } => {
                let span = *pos..*pos + name.len();
                self.references.functions.push(FunctionReference {
                    name: name.clone(),
                    span: span.clone(),
                    supported: matches!(func, FuncRef::Supported(_)),
                });
                match name.as_str() {
                    "index" => self.selector(SelectorKind::Index, span),
                    "dig" => self.selector(SelectorKind::Dig, span),
                    "get" => self.selector(SelectorKind::Get, span),
                    _ => {}
                }
            }
            Arg::Pipe(pipe) => self.pipe(pipe, dot_is_data, root_is_data),
            Arg::Dot { .. }
            | Arg::Nil { .. }
            | Arg::Bool { .. }
            | Arg::Number(_)
            | Arg::String { .. } => {}
        }
    }

    fn selector(&mut self, kind: SelectorKind, span: Range<usize>) {
        self.references
            .selectors
            .push(SelectorReference { kind, span });
    }
}

fn lossy(text: &GoString) -> String {
    text.to_string_lossy()
}
