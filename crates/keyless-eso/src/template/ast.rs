//! The parse tree, shaped like Go's `text/template/parse` nodes.
//!
//! Each node keeps its byte offset, and `Display` prints a node exactly as Go's `String()`
//! does, because Go's execution errors quote the node being evaluated
//! (`executing "K" at <.tls.crt>: ...`).

use std::fmt;
use std::ops::Range;

use super::funcs::FuncDef;
use super::lexer::go_quote;
use super::value::GoString;

/// A named template: the top-level text or a `{{define}}`/`{{block}}` body.
#[derive(Debug)]
pub(crate) struct Tree {
    pub(crate) name: String,
    pub(crate) root: ListNode,
}

/// A sequence of nodes.
#[derive(Debug, Default)]
pub(crate) struct ListNode {
    pub(crate) nodes: Vec<Node>,
}

/// A node of a list.
#[derive(Debug)]
pub(crate) enum Node {
    /// Plain text, already trimmed by `{{-`/`-}}`.
    Text { pos: usize, text: GoString },
    /// `{{pipeline}}`.
    Action { pos: usize, pipe: PipeNode },
    /// `{{if}}`.
    If(BranchNode),
    /// `{{range}}`.
    Range(BranchNode),
    /// `{{with}}`.
    With(BranchNode),
    /// `{{template "name" pipeline}}` (also what `{{block}}` leaves in place).
    Template {
        pos: usize,
        name: String,
        pipe: Option<PipeNode>,
    },
    /// `{{break}}`.
    Break { pos: usize },
    /// `{{continue}}`.
    Continue { pos: usize },
}

/// The shared shape of `if`, `range` and `with`.
#[derive(Debug)]
pub(crate) struct BranchNode {
    pub(crate) pos: usize,
    pub(crate) pipe: PipeNode,
    pub(crate) list: ListNode,
    pub(crate) else_list: Option<ListNode>,
}

/// A pipeline with optional variable declarations.
#[derive(Debug)]
pub(crate) struct PipeNode {
    pub(crate) pos: usize,
    pub(crate) is_assign: bool,
    pub(crate) decl: Vec<VariableNode>,
    pub(crate) cmds: Vec<CommandNode>,
}

/// One command of a pipeline: an operand and its arguments.
#[derive(Debug)]
pub(crate) struct CommandNode {
    pub(crate) pos: usize,
    pub(crate) args: Vec<Arg>,
}

/// `$x` or `$x.Field.Chain`; `spans` locates each part in the source.
#[derive(Debug, Clone)]
pub(crate) struct VariableNode {
    pub(crate) pos: usize,
    pub(crate) ident: Vec<String>,
    pub(crate) spans: Vec<Range<usize>>,
}

/// What the identifier of a function call resolved to at parse time.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FuncRef {
    /// A function this crate implements.
    Supported(&'static FuncDef),
    /// A function ESO defines that this crate does not implement; calling it is an error.
    Unsupported,
}

/// A number literal with every interpretation Go derives from it.
#[derive(Debug, Clone)]
pub(crate) struct NumberNode {
    pub(crate) pos: usize,
    pub(crate) is_int: bool,
    pub(crate) is_uint: bool,
    pub(crate) is_float: bool,
    pub(crate) is_complex: bool,
    pub(crate) int64: i64,
    pub(crate) float64: f64,
    pub(crate) text: String,
}

/// An operand.
#[derive(Debug)]
pub(crate) enum Arg {
    /// `.Field.Chain`; `spans` locates each `.Name` in the source.
    Field {
        pos: usize,
        ident: Vec<String>,
        spans: Vec<Range<usize>>,
    },
    /// `(pipeline).Field` or `function.Field`.
    Chain {
        pos: usize,
        node: Box<Self>,
        fields: Vec<String>,
        spans: Vec<Range<usize>>,
    },
    /// A function name.
    Identifier {
        pos: usize,
        name: String,
        func: FuncRef,
    },
    /// `.`
    Dot { pos: usize },
    /// `nil`
    Nil { pos: usize },
    /// `true` / `false`
    Bool { pos: usize, value: bool },
    /// A number.
    Number(NumberNode),
    /// A quoted string: its source text and its value.
    String {
        pos: usize,
        quoted: String,
        text: GoString,
    },
    /// A variable.
    Variable(VariableNode),
    /// A parenthesized pipeline.
    Pipe(Box<PipeNode>),
}

impl Arg {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Self::Field { pos, .. }
            | Self::Chain { pos, .. }
            | Self::Identifier { pos, .. }
            | Self::Dot { pos }
            | Self::Nil { pos }
            | Self::Bool { pos, .. }
            | Self::String { pos, .. } => *pos,
            Self::Number(number) => number.pos,
            Self::Variable(variable) => variable.pos,
            Self::Pipe(pipe) => pipe.pos,
        }
    }
}

impl fmt::Display for ListNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.nodes.iter().try_for_each(|node| write!(f, "{node}"))
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text { text, .. } => f.write_str(&text.to_string_lossy()),
            Self::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Self::If(branch) => write_branch(f, "if", branch),
            Self::Range(branch) => write_branch(f, "range", branch),
            Self::With(branch) => write_branch(f, "with", branch),
            Self::Template { name, pipe, .. } => {
                write!(f, "{{{{template {}", go_quote(name))?;
                if let Some(pipe) = pipe {
                    write!(f, " {pipe}")?;
                }
                f.write_str("}}")
            }
            Self::Break { .. } => f.write_str("{{break}}"),
            Self::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}

fn write_branch(f: &mut fmt::Formatter<'_>, keyword: &str, branch: &BranchNode) -> fmt::Result {
    write!(f, "{{{{{keyword} {}}}}}{}", branch.pipe, branch.list)?;
    if let Some(else_list) = &branch.else_list {
        write!(f, "{{{{else}}}}{else_list}")?;
    }
    f.write_str("{{end}}")
}

impl fmt::Display for PipeNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (position, variable) in self.decl.iter().enumerate() {
                if position > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{variable}")?;
            }
            f.write_str(" := ")?;
        }
        for (position, command) in self.cmds.iter().enumerate() {
            if position > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{command}")?;
        }
        Ok(())
    }
}

impl fmt::Display for CommandNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, arg) in self.args.iter().enumerate() {
            if position > 0 {
                f.write_str(" ")?;
            }
            match arg {
                Arg::Pipe(pipe) => write!(f, "({pipe})")?,
                other => write!(f, "{other}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for VariableNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ident.join("."))
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field { ident, .. } => ident.iter().try_for_each(|name| write!(f, ".{name}")),
            Self::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Self::Pipe(pipe) => write!(f, "({pipe})")?,
                    other => write!(f, "{other}")?,
                }
                fields.iter().try_for_each(|name| write!(f, ".{name}"))
            }
            Self::Identifier { name, .. } => f.write_str(name),
            Self::Dot { .. } => f.write_str("."),
            Self::Nil { .. } => f.write_str("nil"),
            Self::Bool { value, .. } => f.write_str(if *value { "true" } else { "false" }),
            Self::Number(number) => f.write_str(&number.text),
            Self::String { quoted, .. } => f.write_str(quoted),
            Self::Variable(variable) => write!(f, "{variable}"),
            Self::Pipe(pipe) => write!(f, "{pipe}"),
        }
    }
}

/// A reference to the node being evaluated, for error context.
#[derive(Clone, Copy)]
pub(crate) enum NodeRef<'t> {
    Node(&'t Node),
    Pipe(&'t PipeNode),
    Command(&'t CommandNode),
    Arg(&'t Arg),
}

impl NodeRef<'_> {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Self::Node(node) => match node {
                Node::Text { pos, .. }
                | Node::Action { pos, .. }
                | Node::Template { pos, .. }
                | Node::Break { pos }
                | Node::Continue { pos } => *pos,
                Node::If(branch) | Node::Range(branch) | Node::With(branch) => branch.pos,
            },
            Self::Pipe(pipe) => pipe.pos,
            Self::Command(command) => command.pos,
            Self::Arg(arg) => arg.pos(),
        }
    }
}

impl fmt::Display for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Node(node) => write!(f, "{node}"),
            Self::Pipe(pipe) => write!(f, "{pipe}"),
            Self::Command(command) => write!(f, "{command}"),
            Self::Arg(arg) => write!(f, "{arg}"),
        }
    }
}
