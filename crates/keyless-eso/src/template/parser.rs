//! The parser: Go `text/template/parse`, production for production.
//!
//! The structure (three-token lookahead, `backup2`/`backup3`, the per-template parse state of
//! `{{define}}` and `{{block}}` bodies) follows Go closely because Go's parse errors name the
//! line of the most recently scanned token, and only the same lookahead reproduces it.

use std::collections::BTreeMap;

use super::ast::{
    Arg, BranchNode, CommandNode, FuncRef, ListNode, Node, NumberNode, PipeNode, Tree, VariableNode,
};
use super::error::{TemplateError, TemplateErrorKind};
use super::funcs;
use super::lexer::{Token, TokenKind, go_quote, lex};
use super::strconv::{self, FloatParse};

/// Nesting limit for parenthesized pipelines and control structures (`if`, `with`, `range`,
/// `block`, and each `else if`, which stands for a nested `if`). Go 1.19 has none (it recurses
/// until the stack runs out); a limit keeps hostile templates from exhausting the stack. Real
/// templates nest a handful of levels. `{{define}}` only appears at the top level and
/// `{{template}}` has no body, so neither nests here; their recursion at execution is bounded
/// by [`Limits::max_depth`](super::Limits::max_depth).
pub(crate) const MAX_NESTING: usize = 100;

/// The result of parsing: every named tree.
pub(crate) struct Parsed {
    pub(crate) trees: BTreeMap<String, Tree>,
}

/// The per-tree parse state Go keeps in each `parse.Tree`.
struct TreeState<'a> {
    name: String,
    lookahead: [Option<Token<'a>>; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
}

impl TreeState<'_> {
    fn new(name: String) -> Self {
        Self {
            name,
            lookahead: [None, None, None],
            peek_count: 0,
            vars: vec!["$".to_owned()],
            action_line: 0,
            range_depth: 0,
        }
    }
}

/// Something `itemList` returns besides ordinary nodes.
enum Item {
    Node(Node),
    Else,
    End,
}

struct Parser<'a> {
    parse_name: &'a str,
    text: &'a str,
    tokens: Vec<Token<'a>>,
    next_token: usize,
    state: TreeState<'a>,
    trees: BTreeMap<String, Tree>,
    nesting: usize,
}

type ParseResult<T> = Result<T, TemplateError>;

/// Parses `text` as the template `name` with the given delimiters.
pub(crate) fn parse(
    name: &str,
    text: &str,
    left_delim: &str,
    right_delim: &str,
) -> ParseResult<Parsed> {
    let mut parser = Parser {
        parse_name: name,
        text,
        tokens: lex(text, left_delim, right_delim),
        next_token: 0,
        state: TreeState::new(name.to_owned()),
        trees: BTreeMap::new(),
        nesting: 0,
    };
    let root = parser.parse_top()?;
    parser.add_tree(Tree {
        name: name.to_owned(),
        root,
    })?;
    Ok(Parsed {
        trees: parser.trees,
    })
}

/// Go's `IsEmptyTree`: nothing but whitespace text.
fn is_empty_list(list: &ListNode) -> bool {
    list.nodes.iter().all(|node| match node {
        Node::Text { text, .. } => text.as_bytes().iter().all(u8::is_ascii_whitespace),
        _ => false,
    })
}

impl<'a> Parser<'a> {
    // ----- token plumbing (Go's next/backup/peek) -----

    fn lex_next(&mut self) -> Token<'a> {
        // The token list always ends with EOF or an error; past it, keep returning EOF.
        let token = self
            .tokens
            .get(self.next_token)
            .cloned()
            .unwrap_or_else(|| self.eof_token());
        if self.next_token < self.tokens.len() {
            self.next_token += 1;
        }
        token
    }

    fn next(&mut self) -> Token<'a> {
        if self.state.peek_count > 0 {
            self.state.peek_count -= 1;
        } else {
            self.state.lookahead[0] = Some(self.lex_next());
        }
        self.state.lookahead[self.state.peek_count]
            .clone()
            .unwrap_or_else(|| self.eof_token())
    }

    fn eof_token(&self) -> Token<'a> {
        Token {
            kind: TokenKind::Eof,
            pos: self.text.len(),
            value: std::borrow::Cow::Borrowed(""),
            line: 0,
        }
    }

    fn backup(&mut self) {
        self.state.peek_count += 1;
    }

    fn backup2(&mut self, first: Token<'a>) {
        self.state.lookahead[1] = Some(first);
        self.state.peek_count = 2;
    }

    fn backup3(&mut self, second: Token<'a>, first: Token<'a>) {
        self.state.lookahead[1] = Some(first);
        self.state.lookahead[2] = Some(second);
        self.state.peek_count = 3;
    }

    fn peek(&mut self) -> Token<'a> {
        if self.state.peek_count > 0 {
            return self.state.lookahead[self.state.peek_count - 1]
                .clone()
                .unwrap_or_else(|| self.eof_token());
        }
        self.state.peek_count = 1;
        let token = self.lex_next();
        self.state.lookahead[0] = Some(token.clone());
        token
    }

    fn next_non_space(&mut self) -> Token<'a> {
        loop {
            let token = self.next();
            if token.kind != TokenKind::Space {
                return token;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token<'a> {
        let token = self.next_non_space();
        self.backup();
        token
    }

    // ----- errors -----

    /// Go's `Tree.errorf`: the line is that of the most recently scanned token.
    fn error(&self, message: impl Into<String>) -> TemplateError {
        let (line, pos) = match &self.state.lookahead[0] {
            Some(token) => (token.line, token.pos),
            None => (1, 0),
        };
        let message = format!("template: {}:{}: {}", self.parse_name, line, message.into());
        TemplateError::at_offset(TemplateErrorKind::Parse, self.text, pos, line, message)
    }

    fn unexpected(&self, token: &Token<'_>, context: &str) -> TemplateError {
        if token.kind == TokenKind::Error {
            let mut extra = String::new();
            if self.state.action_line != 0 && self.state.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.state.action_line
                );
                if token.value.ends_with(" action") {
                    extra = extra[" in action".len()..].to_owned();
                }
            }
            return self.error(format!("{}{}", token.describe(), extra));
        }
        self.error(format!("unexpected {} in {}", token.describe(), context))
    }

    fn expect(&mut self, expected: TokenKind, context: &str) -> ParseResult<Token<'a>> {
        let token = self.next_non_space();
        if token.kind != expected {
            return Err(self.unexpected(&token, context));
        }
        Ok(token)
    }

    fn enter(&mut self, what: &str) -> ParseResult<()> {
        if self.nesting >= MAX_NESTING {
            return Err(self.error(format!("max {what} depth exceeded")));
        }
        self.nesting += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    // ----- trees -----

    /// Go's `Tree.add`: a later non-empty definition of a name already defined non-empty is an
    /// error; an empty one never replaces an existing one.
    fn add_tree(&mut self, tree: Tree) -> ParseResult<()> {
        match self.trees.get(&tree.name) {
            Some(existing) if !is_empty_list(&existing.root) => {
                if !is_empty_list(&tree.root) {
                    return Err(self.error(format!(
                        "template: multiple definition of template {}",
                        go_quote(&tree.name)
                    )));
                }
                Ok(())
            }
            _ => {
                self.trees.insert(tree.name.clone(), tree);
                Ok(())
            }
        }
    }

    /// Runs `body` with a fresh per-tree state, as Go does for `{{define}}` and `{{block}}`
    /// bodies, and hands that state back for errors that Go reports through the inner tree.
    fn with_tree_state<T>(
        &mut self,
        name: String,
        body: impl FnOnce(&mut Self) -> ParseResult<T>,
    ) -> (ParseResult<T>, TreeState<'a>) {
        let saved = std::mem::replace(&mut self.state, TreeState::new(name));
        let result = body(self);
        let inner = std::mem::replace(&mut self.state, saved);
        (result, inner)
    }

    // ----- productions -----

    fn parse_top(&mut self) -> ParseResult<ListNode> {
        let mut root = ListNode::default();
        while self.peek().kind != TokenKind::Eof {
            if self.peek().kind == TokenKind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == TokenKind::Define {
                    self.with_tree_state("definition".to_owned(), Self::parse_definition)
                        .0?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Item::Node(node) => root.nodes.push(node),
                Item::Else => return Err(self.error("unexpected {{else}}")),
                Item::End => return Err(self.error("unexpected {{end}}")),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> ParseResult<()> {
        const CONTEXT: &str = "define clause";
        let name_token = self.next_non_space();
        if !matches!(name_token.kind, TokenKind::String | TokenKind::RawString) {
            return Err(self.unexpected(&name_token, CONTEXT));
        }
        let name = self.unquote_name(&name_token)?;
        self.state.name = name.clone();
        self.expect(TokenKind::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list()?;
        if let Item::Else = end {
            return Err(self.error(format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.add_tree(Tree { name, root })
    }

    fn unquote_name(&self, token: &Token<'_>) -> ParseResult<String> {
        let bytes =
            strconv::unquote(&token.value).ok_or_else(|| self.error(strconv::INVALID_SYNTAX))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Go's `itemList`: nodes up to `{{end}}` or `{{else}}`.
    fn item_list(&mut self) -> ParseResult<(ListNode, Item)> {
        self.peek_non_space();
        let mut list = ListNode::default();
        while self.peek_non_space().kind != TokenKind::Eof {
            match self.text_or_action()? {
                Item::Node(node) => list.nodes.push(node),
                terminator => return Ok((list, terminator)),
            }
        }
        Err(self.error("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> ParseResult<Item> {
        let token = self.next_non_space();
        match token.kind {
            TokenKind::Text => Ok(Item::Node(Node::Text {
                pos: token.pos,
                text: (&*token.value).into(),
            })),
            TokenKind::LeftDelim => {
                self.state.action_line = token.line;
                let result = self.action();
                self.state.action_line = 0;
                result
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> ParseResult<Item> {
        let token = self.next_non_space();
        match token.kind {
            TokenKind::Block => return self.block_control().map(Item::Node),
            TokenKind::Break => return self.break_or_continue(token, true).map(Item::Node),
            TokenKind::Continue => return self.break_or_continue(token, false).map(Item::Node),
            TokenKind::Else => return self.else_control(),
            TokenKind::End => {
                self.expect(TokenKind::RightDelim, "end")?;
                return Ok(Item::End);
            }
            TokenKind::If => return self.if_control().map(Item::Node),
            TokenKind::Range => return self.branch_control("range").map(Item::Node),
            TokenKind::Template => return self.template_control().map(Item::Node),
            TokenKind::With => return self.branch_control("with").map(Item::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", TokenKind::RightDelim)?;
        Ok(Item::Node(Node::Action {
            pos: token.pos,
            pipe,
        }))
    }

    fn break_or_continue(&mut self, keyword: Token<'a>, is_break: bool) -> ParseResult<Node> {
        let name = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        let token = self.next_non_space();
        if token.kind != TokenKind::RightDelim {
            return Err(self.unexpected(&token, name));
        }
        if self.state.range_depth == 0 {
            return Err(self.error(format!("{name} outside {{{{range}}}}")));
        }
        Ok(if is_break {
            Node::Break { pos: keyword.pos }
        } else {
            Node::Continue { pos: keyword.pos }
        })
    }

    fn else_control(&mut self) -> ParseResult<Item> {
        if self.peek_non_space().kind == TokenKind::If {
            return Ok(Item::Else);
        }
        self.expect(TokenKind::RightDelim, "else")?;
        Ok(Item::Else)
    }

    fn if_control(&mut self) -> ParseResult<Node> {
        self.parse_control(true, "if").map(Node::If)
    }

    fn branch_control(&mut self, context: &str) -> ParseResult<Node> {
        let branch = self.parse_control(false, context)?;
        Ok(if context == "range" {
            Node::Range(branch)
        } else {
            Node::With(branch)
        })
    }

    fn parse_control(&mut self, allow_else_if: bool, context: &str) -> ParseResult<BranchNode> {
        self.enter("nesting")?;
        let vars_mark = self.state.vars.len();
        let result = self.parse_control_body(allow_else_if, context);
        self.state.vars.truncate(vars_mark);
        self.leave();
        result
    }

    fn parse_control_body(
        &mut self,
        allow_else_if: bool,
        context: &str,
    ) -> ParseResult<BranchNode> {
        let pipe = self.pipeline(context, TokenKind::RightDelim)?;
        if context == "range" {
            self.state.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.state.range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        match next {
            Item::End => {}
            Item::Else => {
                if allow_else_if && self.peek().kind == TokenKind::If {
                    // `{{else if b}}` is `{{else}}{{if b}}...{{end}}{{end}}` with one `{{end}}`.
                    self.next();
                    let nested = self.if_control()?;
                    else_list = Some(ListNode {
                        nodes: vec![nested],
                    });
                } else {
                    let (list, next) = self.item_list()?;
                    match next {
                        Item::End => {}
                        Item::Else => {
                            return Err(self.error("expected end; found {{else}}"));
                        }
                        Item::Node(_) => {}
                    }
                    else_list = Some(list);
                }
            }
            Item::Node(_) => {}
        }
        Ok(BranchNode {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    /// A `{{block}}` nests its body like any control structure, so it counts against
    /// [`MAX_NESTING`].
    fn block_control(&mut self) -> ParseResult<Node> {
        self.enter("nesting")?;
        let result = self.block_control_body();
        self.leave();
        result
    }

    fn block_control_body(&mut self) -> ParseResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, TokenKind::RightDelim)?;
        let (listed, inner) = self.with_tree_state(name.clone(), Self::item_list);
        let (root, end) = listed?;
        if let Item::Else = end {
            return Err(self.error(format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        // Go adds the block through its own tree, so a redefinition error names the line of
        // the block's last token.
        let outer = std::mem::replace(&mut self.state, inner);
        let added = self.add_tree(Tree {
            name: name.clone(),
            root,
        });
        self.state = outer;
        added?;
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self) -> ParseResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().kind != TokenKind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, TokenKind::RightDelim)?);
        }
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe,
        })
    }

    fn template_name(&self, token: &Token<'_>, context: &str) -> ParseResult<String> {
        match token.kind {
            TokenKind::String | TokenKind::RawString => self.unquote_name(token),
            _ => Err(self.unexpected(token, context)),
        }
    }

    /// Go's `pipeline`: declarations, then commands separated by `|`.
    fn pipeline(&mut self, context: &str, end: TokenKind) -> ParseResult<PipeNode> {
        let token = self.peek_non_space();
        let mut pipe = PipeNode {
            pos: token.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };

        'decls: loop {
            let variable = self.peek_non_space();
            if variable.kind != TokenKind::Variable {
                break 'decls;
            }
            self.next();
            let token_after_variable = self.peek();
            let next = self.peek_non_space();
            match next.kind {
                TokenKind::Assign | TokenKind::Declare => {
                    pipe.is_assign = next.kind == TokenKind::Assign;
                    self.next_non_space();
                    pipe.decl.push(new_variable(variable.pos, &variable.value));
                    self.state.vars.push(variable.value.to_string());
                }
                TokenKind::Char if &*next.value == "," => {
                    self.next_non_space();
                    pipe.decl.push(new_variable(variable.pos, &variable.value));
                    self.state.vars.push(variable.value.to_string());
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            TokenKind::Variable | TokenKind::RightDelim | TokenKind::RightParen => {
                                continue 'decls;
                            }
                            _ => return Err(self.error("range can only initialize variables")),
                        }
                    }
                    return Err(self.error(format!("too many declarations in {context}")));
                }
                _ if token_after_variable.kind == TokenKind::Space => {
                    self.backup3(variable, token_after_variable);
                }
                _ => self.backup2(variable),
            }
            break 'decls;
        }

        loop {
            let token = self.next_non_space();
            if token.kind == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match token.kind {
                TokenKind::Bool
                | TokenKind::CharConstant
                | TokenKind::Complex
                | TokenKind::Dot
                | TokenKind::Field
                | TokenKind::Identifier
                | TokenKind::Number
                | TokenKind::Nil
                | TokenKind::RawString
                | TokenKind::String
                | TokenKind::Variable
                | TokenKind::LeftParen => {
                    self.backup();
                    let command = self.command()?;
                    pipe.cmds.push(command);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &PipeNode, context: &str) -> ParseResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.error(format!("missing value for {context}")));
        }
        for (index, command) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool { .. }
                | Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Number(_)
                | Arg::String { .. },
            ) = command.args.first()
            {
                return Err(self.error(format!(
                    "non executable command in pipeline stage {}",
                    index + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> ParseResult<CommandNode> {
        let mut command = CommandNode {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                command.args.push(operand);
            }
            let token = self.next();
            match token.kind {
                TokenKind::Space => continue,
                TokenKind::RightDelim | TokenKind::RightParen => self.backup(),
                TokenKind::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if command.args.is_empty() {
            return Err(self.error("empty command"));
        }
        Ok(command)
    }

    fn operand(&mut self) -> ParseResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != TokenKind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        let mut spans = Vec::new();
        while self.peek().kind == TokenKind::Field {
            let field = self.next();
            spans.push(field.pos..field.pos + field.value.len());
            fields.push(field.value.trim_start_matches('.').to_owned());
        }
        // Fields after a field or variable extend it (taking the position of the first added
        // field, as Go does); fields after a literal are an error; anything else is a chain.
        Ok(Some(match node {
            Arg::Field {
                mut ident,
                spans: mut field_spans,
                ..
            } => {
                ident.extend(fields);
                field_spans.extend(spans);
                Arg::Field {
                    pos: chain_pos,
                    ident,
                    spans: field_spans,
                }
            }
            Arg::Variable(mut variable) => {
                variable.ident.extend(fields);
                variable.spans.extend(spans);
                Arg::Variable(VariableNode {
                    pos: chain_pos,
                    ..variable
                })
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number(_)
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return Err(self.error(format!(
                    "unexpected . after term {}",
                    go_quote(&node.to_string())
                )));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields,
                spans,
            },
        }))
    }

    fn term(&mut self) -> ParseResult<Option<Arg>> {
        let token = self.next_non_space();
        let arg = match token.kind {
            TokenKind::Identifier => {
                let func = match funcs::lookup(&token.value) {
                    Some(definition) => FuncRef::Supported(definition),
                    None if funcs::is_eso_function(&token.value) => FuncRef::Unsupported,
                    None => {
                        return Err(
                            self.error(format!("function {} not defined", go_quote(&token.value)))
                        );
                    }
                };
                Arg::Identifier {
                    pos: token.pos,
                    name: token.value.to_string(),
                    func,
                }
            }
            TokenKind::Dot => Arg::Dot { pos: token.pos },
            TokenKind::Nil => Arg::Nil { pos: token.pos },
            TokenKind::Variable => self.use_var(token.pos, &token.value)?,
            TokenKind::Field => Arg::Field {
                pos: token.pos,
                ident: vec![token.value[1..].to_owned()],
                spans: std::iter::once(token.pos..token.pos + token.value.len()).collect(),
            },
            TokenKind::Bool => Arg::Bool {
                pos: token.pos,
                value: &*token.value == "true",
            },
            TokenKind::CharConstant | TokenKind::Complex | TokenKind::Number => {
                Arg::Number(self.new_number(&token)?)
            }
            TokenKind::LeftParen => {
                self.enter("expression")?;
                let pipe = self.pipeline("parenthesized pipeline", TokenKind::RightParen);
                self.leave();
                Arg::Pipe(Box::new(pipe?))
            }
            TokenKind::String | TokenKind::RawString => {
                let text = strconv::unquote(&token.value)
                    .ok_or_else(|| self.error(strconv::INVALID_SYNTAX))?;
                Arg::String {
                    pos: token.pos,
                    quoted: token.value.to_string(),
                    text: text.into(),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }

    fn use_var(&self, pos: usize, name: &str) -> ParseResult<Arg> {
        let variable = new_variable(pos, name);
        let first = variable.ident.first().cloned().unwrap_or_default();
        if self.state.vars.contains(&first) {
            return Ok(Arg::Variable(variable));
        }
        Err(self.error(format!("undefined variable {}", go_quote(&first))))
    }

    /// Go's `newNumber`: every interpretation of a number literal.
    fn new_number(&self, token: &Token<'_>) -> ParseResult<NumberNode> {
        let text = token.value.to_string();
        let mut number = NumberNode {
            pos: token.pos,
            is_int: false,
            is_uint: false,
            is_float: false,
            is_complex: false,
            int64: 0,
            float64: 0.0,
            text: text.clone(),
        };
        match token.kind {
            TokenKind::CharConstant => {
                let inner = &text[1..];
                let (value, _, tail) = strconv::unquote_char(inner, b'\'')
                    .ok_or_else(|| self.error(strconv::INVALID_SYNTAX))?;
                if tail != "'" {
                    return Err(self.error(format!("malformed character constant: {text}")));
                }
                number.int64 = i64::from(value);
                number.is_int = true;
                number.is_uint = true;
                number.float64 = f64::from(value);
                number.is_float = true;
                return Ok(number);
            }
            TokenKind::Complex => {
                let (real, imaginary) = strconv::parse_complex(&text).ok_or_else(|| {
                    self.error(format!(
                        "strconv.ParseFloat: parsing {}: invalid syntax",
                        go_quote(&text)
                    ))
                })?;
                number.is_complex = true;
                simplify_complex(&mut number, real, imaginary);
                return Ok(number);
            }
            _ => {}
        }
        if let Some(imaginary_text) = text.strip_suffix('i')
            && let FloatParse::Value(imaginary) = strconv::parse_float(imaginary_text)
        {
            number.is_complex = true;
            simplify_complex(&mut number, 0.0, imaginary);
            return Ok(number);
        }
        let unsigned = strconv::parse_uint(&text);
        if unsigned.is_some() {
            number.is_uint = true;
        }
        if let Some(signed) = strconv::parse_int(&text) {
            number.is_int = true;
            number.int64 = signed;
            if signed == 0 {
                number.is_uint = true;
            }
        }
        if number.is_int {
            number.is_float = true;
            number.float64 = number.int64 as f64;
        } else if let Some(unsigned) = unsigned {
            number.is_float = true;
            number.float64 = unsigned as f64;
        } else if let FloatParse::Value(float) = strconv::parse_float(&text) {
            if !text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Err(self.error(format!("integer overflow: {}", go_quote(&text))));
            }
            number.is_float = true;
            number.float64 = float;
            if float.fract() == 0.0
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&float)
            {
                number.is_int = true;
                number.int64 = float as i64;
            }
            if float.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&float) {
                number.is_uint = true;
            }
        }
        if !number.is_int && !number.is_uint && !number.is_float {
            return Err(self.error(format!("illegal number syntax: {}", go_quote(&text))));
        }
        Ok(number)
    }
}

/// Go's `simplifyComplex`: a complex number with no imaginary part also counts as a float and
/// possibly an integer.
fn simplify_complex(number: &mut NumberNode, real: f64, imaginary: f64) {
    number.is_float = imaginary == 0.0;
    if number.is_float {
        number.float64 = real;
        number.is_int = real.fract() == 0.0 && real.abs() < 9.2e18;
        if number.is_int {
            number.int64 = real as i64;
        }
        number.is_uint = real.fract() == 0.0 && (0.0..1.8e19).contains(&real);
    }
}

fn new_variable(pos: usize, name: &str) -> VariableNode {
    VariableNode {
        pos,
        ident: vec![name.to_owned()],
        spans: std::iter::once(pos..pos + name.len()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(text: &str) -> String {
        match parse("t", text, "", "") {
            Ok(_) => String::new(),
            Err(error) => error.go_message().to_owned(),
        }
    }

    #[test]
    fn reports_go_parse_errors() {
        assert_eq!(
            parse_error("{{ .db-pass }}"),
            "template: t:1: bad character U+002D '-'"
        );
        assert_eq!(
            parse_error("{{ nosuch }}"),
            "template: t:1: function \"nosuch\" not defined"
        );
        assert_eq!(parse_error("{{ if .a }}"), "template: t:1: unexpected EOF");
        assert_eq!(
            parse_error("{{ end }}"),
            "template: t:1: unexpected {{end}}"
        );
        assert_eq!(
            parse_error("{{ $x }}"),
            "template: t:1: undefined variable \"$x\""
        );
        assert_eq!(
            parse_error("a\n{{ .x | 3 }}"),
            "template: t:2: non executable command in pipeline stage 2"
        );
    }

    #[test]
    fn prints_nodes_as_go_does() {
        let parsed = parse(
            "t",
            "{{ $x := index . \"a\" | printf \"%s\" (.b) }}",
            "",
            "",
        )
        .expect("valid template");
        let tree = &parsed.trees["t"];
        assert_eq!(
            tree.root.to_string(),
            "{{$x := index . \"a\" | printf \"%s\" (.b)}}"
        );
    }
}
