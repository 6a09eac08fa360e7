//! The executor: Go `text/template`'s `exec.go`, function for function.
//!
//! Go reports execution errors "at" the node it evaluated last, and that node is updated by
//! specific calls (`s.at(node)`) in specific places. The functions below make the same calls in
//! the same places, so an error names the same node and column as Go's.

use super::ast::{
    Arg, BranchNode, CommandNode, FuncRef, ListNode, Node, NodeRef, NumberNode, PipeNode,
    VariableNode,
};
use super::error::{Message, TemplateError, TemplateErrorKind};
use super::funcs::{CallContext, FuncDef};
use super::gofmt::sprint_value;
use super::lexer::go_quote;
use super::reflect::{Rv, Ty};
use super::value::{Exceeded, GoString, Value};
use super::{ExecOptions, MissingKey, Template};

/// Units of work per evaluation step charged for the values a function call receives and
/// returns, and for what a `range` walks: a string byte is a unit, a list or map element
/// [`ELEMENT_WORK`] units (copying, hashing or comparing an element costs far more than a
/// byte). With the default million steps a template handles at most a GiB of strings or
/// 32 million elements, seconds of work.
const WORK_PER_STEP: usize = 1024;

/// Units of work of one list or map element.
const ELEMENT_WORK: usize = 32;

/// The work units of handling `value`: its bytes or its elements (not nested ones: what a
/// function does deeper is bounded by its output or charged by the function).
fn work_units(value: &Value) -> usize {
    match value {
        Value::String(text) => text.len(),
        other => other
            .length()
            .map_or(0, |elements| elements.saturating_mul(ELEMENT_WORK)),
    }
}

/// Why evaluation stopped early.
pub(crate) enum Flow {
    /// An error; execution ends.
    Error(Box<TemplateError>),
    /// `{{break}}`, caught by the enclosing `range`.
    Break,
    /// `{{continue}}`, caught by the enclosing `range`.
    Continue,
}

type Exec<T> = Result<T, Flow>;

/// The execution state (Go's `state`).
struct State<'t> {
    template: &'t Template,
    options: &'t ExecOptions,
    /// Name of the template being executed (a `{{define}}` name inside `{{template}}`).
    current: &'t str,
    node: Option<NodeRef<'t>>,
    vars: Vec<(&'t str, Rv)>,
    out: Vec<u8>,
    depth: usize,
    steps: u64,
}

/// Executes the template named `name` of `template` with `data` as `.` and `$`.
pub(crate) fn execute(
    template: &Template,
    data: &Value,
    options: &ExecOptions,
) -> Result<Vec<u8>, TemplateError> {
    let root_value = Rv::new(data.clone());
    let mut state = State {
        template,
        options,
        current: template.name(),
        node: None,
        vars: vec![("$", root_value.clone())],
        out: Vec::new(),
        depth: 0,
        steps: 0,
    };
    let Some(tree) = template.tree(template.name()) else {
        let message = Message::plain(format!(
            "template: {}: {} is an incomplete or empty template",
            template.name(),
            go_quote(template.name())
        ));
        return Err(state.error_at(None, TemplateErrorKind::Execute, &message));
    };
    match state.walk_list(&root_value, &tree.root) {
        Ok(()) => Ok(state.out),
        Err(Flow::Error(error)) => Err(*error),
        Err(Flow::Break | Flow::Continue) => Ok(state.out),
    }
}

/// Go's `isTrue` (after `indirectInterface`).
pub(crate) fn truth(value: &Rv) -> bool {
    !value.value.is_zero()
}

impl<'t> State<'t> {
    // ----- errors -----

    fn at(&mut self, node: NodeRef<'t>) {
        self.node = Some(node);
    }

    /// Builds a Go-shaped error located at `node`.
    fn error_at(
        &self,
        node: Option<NodeRef<'t>>,
        kind: TemplateErrorKind,
        message: &Message,
    ) -> TemplateError {
        let text = self.template.text();
        let name = self.current;
        let Some(node) = node else {
            let full = message.clone().prefixed(format!("template: {name}: "));
            return TemplateError::at_offset(kind, text, 0, 1, String::new()).with_message(&full);
        };
        let pos = node.pos().min(text.len());
        let before = &text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|byte| **byte == b'\n').count();
        let column = match before.iter().rposition(|byte| *byte == b'\n') {
            Some(newline) => pos - (newline + 1),
            None => pos,
        };
        let full = message.clone().prefixed(format!(
            "template: {}:{line}:{column}: executing {} at <{node}>: ",
            self.template.name(),
            go_quote(name)
        ));
        TemplateError::at_offset(kind, text, pos, line, String::new()).with_message(&full)
    }

    fn fail(&self, message: Message) -> Flow {
        self.fail_kind(TemplateErrorKind::Execute, message)
    }

    fn fail_kind(&self, kind: TemplateErrorKind, message: Message) -> Flow {
        Flow::Error(Box::new(self.error_at(self.node, kind, &message)))
    }

    fn failf(&self, text: String) -> Flow {
        self.fail(Message::plain(text))
    }

    fn step(&mut self) -> Exec<()> {
        self.add_steps(1)
    }

    /// Counts `units` of work (see [`WORK_PER_STEP`]), so that a loop cannot run a function
    /// over a large value a million times within the step limit.
    fn charge_work(&mut self, units: usize) -> Exec<()> {
        self.add_steps(u64::try_from(units / WORK_PER_STEP).unwrap_or(u64::MAX))
    }

    fn add_steps(&mut self, steps: u64) -> Exec<()> {
        self.steps = self.steps.saturating_add(steps);
        if self.steps > self.options.limits.max_steps {
            let text = format!(
                "execution exceeded the limit of {} steps",
                self.options.limits.max_steps
            );
            return Err(self.fail_kind(TemplateErrorKind::Limit, Message::plain(text)));
        }
        Ok(())
    }

    fn enter(&mut self) -> Exec<()> {
        if self.depth >= self.options.limits.max_depth {
            let text = format!(
                "exceeded maximum template depth ({})",
                self.options.limits.max_depth
            );
            return Err(self.fail_kind(TemplateErrorKind::Limit, Message::plain(text)));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn write(&mut self, bytes: &[u8]) -> Exec<()> {
        if self.out.len() + bytes.len() > self.options.limits.max_output_bytes {
            return Err(self.output_exceeded());
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    fn output_exceeded(&self) -> Flow {
        let text = format!(
            "output exceeds the limit of {} bytes",
            self.options.limits.max_output_bytes
        );
        self.fail_kind(TemplateErrorKind::Limit, Message::plain(text))
    }

    fn exceeded(&self, exceeded: Exceeded) -> Flow {
        self.fail_kind(
            TemplateErrorKind::Limit,
            Message::plain(exceeded.to_string()),
        )
    }

    // ----- variables -----

    fn set_var(&mut self, name: &str, value: Rv) -> Exec<()> {
        for (existing, slot) in self.vars.iter_mut().rev() {
            if *existing == name {
                *slot = value;
                return Ok(());
            }
        }
        Err(self.failf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, from_top: usize, value: Rv) -> Exec<()> {
        let Some(index) = self.vars.len().checked_sub(from_top) else {
            return Err(self.failf("range variable has no slot".to_owned()));
        };
        self.vars[index].1 = value;
        Ok(())
    }

    fn var_value(&self, name: &str) -> Exec<Rv> {
        for (existing, slot) in self.vars.iter().rev() {
            if *existing == name {
                return Ok(slot.clone());
            }
        }
        Err(self.failf(format!("undefined variable: {name}")))
    }

    // ----- walking -----

    fn walk_list(&mut self, dot: &Rv, list: &'t ListNode) -> Exec<()> {
        for node in &list.nodes {
            self.walk(dot, node)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Rv, node: &'t Node) -> Exec<()> {
        self.at(NodeRef::Node(node));
        self.step()?;
        match node {
            Node::Action { pipe, .. } => {
                let value = self.eval_pipeline(dot, Some(pipe))?;
                if pipe.decl.is_empty() {
                    self.print_value(node, &value)?;
                }
                Ok(())
            }
            Node::Break { .. } => Err(Flow::Break),
            Node::Continue { .. } => Err(Flow::Continue),
            Node::If(branch) => self.walk_if_or_with(false, dot, branch),
            Node::With(branch) => self.walk_if_or_with(true, dot, branch),
            Node::Range(branch) => self.walk_range(dot, node, branch),
            Node::Template { name, pipe, .. } => self.walk_template(dot, node, name, pipe.as_ref()),
            Node::Text { text, .. } => self.write(text.as_bytes()),
        }
    }

    fn walk_if_or_with(&mut self, is_with: bool, dot: &Rv, branch: &'t BranchNode) -> Exec<()> {
        let mark = self.vars.len();
        let result = self.walk_if_or_with_body(is_with, dot, branch);
        self.vars.truncate(mark);
        result
    }

    fn walk_if_or_with_body(
        &mut self,
        is_with: bool,
        dot: &Rv,
        branch: &'t BranchNode,
    ) -> Exec<()> {
        self.enter()?;
        let value = self.eval_pipeline(dot, Some(&branch.pipe));
        let result = value.and_then(|value| {
            if truth(&value) {
                if is_with {
                    self.walk_list(&value, &branch.list)
                } else {
                    self.walk_list(dot, &branch.list)
                }
            } else if let Some(else_list) = &branch.else_list {
                self.walk_list(dot, else_list)
            } else {
                Ok(())
            }
        });
        self.leave();
        result
    }

    fn walk_range(&mut self, dot: &Rv, node: &'t Node, branch: &'t BranchNode) -> Exec<()> {
        self.at(NodeRef::Node(node));
        let outer_mark = self.vars.len();
        self.enter()?;
        let result = self.walk_range_body(dot, branch);
        self.leave();
        self.vars.truncate(outer_mark);
        match result {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn walk_range_body(&mut self, dot: &Rv, branch: &'t BranchNode) -> Exec<()> {
        let value = self.eval_pipeline(dot, Some(&branch.pipe))?.unboxed();
        let mark = self.vars.len();
        let items: Vec<(Rv, Rv)> = match &value.value {
            Value::List(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| (int_value(index), Rv::boxed(item.clone())))
                .collect(),
            Value::StrList(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| (int_value(index), Rv::new(Value::String(item.clone()))))
                .collect(),
            Value::StrMap(map) => map
                .iter()
                .map(|(key, item)| {
                    (
                        Rv::new(Value::String(key.clone())),
                        Rv::new(Value::String(item.clone())),
                    )
                })
                .collect(),
            Value::Map(map) => map
                .iter()
                .map(|(key, item)| (Rv::new(Value::String(key.clone())), Rv::boxed(item.clone())))
                .collect(),
            Value::Nil => Vec::new(),
            other => {
                let shown = match sprint_value(other, self.options.limits.max_output_bytes) {
                    Ok(shown) => String::from_utf8_lossy(&shown).into_owned(),
                    Err(exceeded) => return Err(self.exceeded(exceeded)),
                };
                return Err(self.fail(Message::plain("range can't iterate over ").sensitive(shown)));
            }
        };
        self.charge_work(items.len().saturating_mul(ELEMENT_WORK))?;
        if items.is_empty() {
            if let Some(else_list) = &branch.else_list {
                return self.walk_list(dot, else_list);
            }
            return Ok(());
        }
        for (index, element) in items {
            self.step()?;
            if !branch.pipe.decl.is_empty() {
                self.set_top_var(1, element.clone())?;
            }
            if branch.pipe.decl.len() > 1 {
                self.set_top_var(2, index)?;
            }
            let result = self.walk_list(&element, &branch.list);
            self.vars.truncate(mark);
            match result {
                Ok(()) | Err(Flow::Continue) => {}
                Err(Flow::Break) => return Ok(()),
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    fn walk_template(
        &mut self,
        dot: &Rv,
        node: &'t Node,
        name: &'t str,
        pipe: Option<&'t PipeNode>,
    ) -> Exec<()> {
        self.at(NodeRef::Node(node));
        let Some(tree) = self.template.tree(name) else {
            return Err(self.failf(format!("template {} not defined", go_quote(name))));
        };
        self.enter()?;
        let new_dot = match self.eval_pipeline(dot, pipe) {
            Ok(value) => value,
            Err(flow) => {
                self.leave();
                return Err(flow);
            }
        };
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$", new_dot.clone())]);
        let saved_current = std::mem::replace(&mut self.current, name);
        let result = self.walk_list(&new_dot, &tree.root);
        self.vars = saved_vars;
        self.current = saved_current;
        self.leave();
        result
    }

    fn print_value(&mut self, node: &'t Node, value: &Rv) -> Exec<()> {
        self.at(NodeRef::Node(node));
        if !value.is_valid() {
            return self.write(b"<no value>");
        }
        // Printed against the room left, so a value that would overflow the output stops
        // being printed as soon as it does.
        let room = self
            .options
            .limits
            .max_output_bytes
            .saturating_sub(self.out.len());
        match sprint_value(&value.value, room) {
            Ok(text) => self.write(&text),
            Err(Exceeded::Size(_)) => Err(self.output_exceeded()),
            Err(exceeded) => Err(self.exceeded(exceeded)),
        }
    }

    // ----- evaluation -----

    fn eval_pipeline(&mut self, dot: &Rv, pipe: Option<&'t PipeNode>) -> Exec<Rv> {
        let Some(pipe) = pipe else {
            return Ok(Rv::invalid());
        };
        self.at(NodeRef::Pipe(pipe));
        self.enter()?;
        let mut value: Option<Rv> = None;
        for command in &pipe.cmds {
            match self.eval_command(dot, command, value.take()) {
                // A value of interface type is replaced by the value inside it.
                Ok(result) => value = Some(result.unboxed()),
                Err(flow) => {
                    self.leave();
                    return Err(flow);
                }
            }
        }
        self.leave();
        let value = value.unwrap_or_else(Rv::invalid);
        for variable in &pipe.decl {
            let name = variable.ident.first().map_or("", String::as_str);
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name, value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'t [Arg], has_final: bool) -> Exec<()> {
        if args.len() > 1 || has_final {
            let first = args.first().map(ToString::to_string).unwrap_or_default();
            return Err(self.failf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, command: &'t CommandNode, last: Option<Rv>) -> Exec<Rv> {
        let Some(first) = command.args.first() else {
            return Err(self.failf("empty command".to_owned()));
        };
        match first {
            Arg::Field { ident, .. } => {
                return self.eval_field_node(dot, first, ident, &command.args, last);
            }
            Arg::Chain { node, fields, .. } => {
                return self.eval_chain_node(dot, first, node, fields, &command.args, last);
            }
            Arg::Identifier { name, func, .. } => {
                return self.eval_function(
                    dot,
                    first,
                    name,
                    *func,
                    NodeRef::Command(command),
                    Some(&command.args),
                    last,
                );
            }
            Arg::Pipe(pipe) => {
                self.not_a_function(&command.args, last.is_some())?;
                return self.eval_pipeline(dot, Some(pipe));
            }
            Arg::Variable(variable) => {
                return self.eval_variable_node(dot, first, variable, &command.args, last);
            }
            _ => {}
        }
        self.at(NodeRef::Arg(first));
        self.not_a_function(&command.args, last.is_some())?;
        match first {
            Arg::Bool { value, .. } => Ok(Rv::new(Value::Bool(*value))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.failf("nil is not a command".to_owned())),
            Arg::Number(number) => self.ideal_constant(first, number),
            Arg::String { text, .. } => Ok(Rv::new(Value::String(text.clone()))),
            _ => Err(self.failf(format!(
                "can't evaluate command {}",
                go_quote(&first.to_string())
            ))),
        }
    }

    /// Go's `idealConstant`: a number literal where no type is expected.
    fn ideal_constant(&mut self, node: &'t Arg, number: &NumberNode) -> Exec<Rv> {
        self.at(NodeRef::Arg(node));
        if number.is_complex {
            return Err(self.fail_kind(
                TemplateErrorKind::Unsupported,
                Message::plain(format!("complex constant {} is not supported", number.text)),
            ));
        }
        let text = &number.text;
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if number.is_float && !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Rv::new(Value::Float(number.float64)));
        }
        if number.is_int {
            return Ok(Rv::new(Value::Int(number.int64)));
        }
        if number.is_uint {
            return Err(self.failf(format!("{text} overflows int")));
        }
        Ok(Rv::invalid())
    }

    fn eval_field_node(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        ident: &'t [String],
        args: &'t [Arg],
        last: Option<Rv>,
    ) -> Exec<Rv> {
        self.at(NodeRef::Arg(node));
        self.eval_field_chain(dot.clone(), ident, args, last)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        inner: &'t Arg,
        fields: &'t [String],
        args: &'t [Arg],
        last: Option<Rv>,
    ) -> Exec<Rv> {
        self.at(NodeRef::Arg(node));
        if let Arg::Nil { .. } = inner {
            return Err(self.failf(format!("indirection through explicit nil in {node}")));
        }
        let receiver = self.eval_arg(dot, None, inner)?;
        self.eval_field_chain(receiver, fields, args, last)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        variable: &'t VariableNode,
        args: &'t [Arg],
        last: Option<Rv>,
    ) -> Exec<Rv> {
        let _ = dot;
        self.at(NodeRef::Arg(node));
        let name = variable.ident.first().map_or("", String::as_str);
        let value = self.var_value(name)?;
        if variable.ident.len() == 1 {
            self.not_a_function(args, last.is_some())?;
            return Ok(value);
        }
        self.eval_field_chain(value, &variable.ident[1..], args, last)
    }

    fn eval_field_chain(
        &mut self,
        mut receiver: Rv,
        ident: &'t [String],
        args: &'t [Arg],
        last: Option<Rv>,
    ) -> Exec<Rv> {
        let Some((final_name, leading)) = ident.split_last() else {
            return Ok(receiver);
        };
        for name in leading {
            receiver = self.eval_field(name, &[], false, receiver)?;
        }
        self.eval_field(final_name, args, last.is_some(), receiver)
    }

    /// Go's `evalField` for the types templates see: only maps have fields.
    fn eval_field(&mut self, name: &str, args: &[Arg], has_final: bool, receiver: Rv) -> Exec<Rv> {
        if !receiver.is_valid() {
            return match self.options.missing_key {
                MissingKey::Error => {
                    Err(self.failf(format!("nil data; no entry for key {}", go_quote(name))))
                }
                MissingKey::Invalid | MissingKey::Zero => Ok(Rv::invalid()),
            };
        }
        let type_name = receiver.type_name().unwrap_or("<nil>");
        if receiver.boxed && matches!(receiver.value, Value::Nil) {
            return Err(self.failf(format!("nil pointer evaluating {type_name}.{name}")));
        }
        let has_args = args.len() > 1 || has_final;
        let found = match &receiver.value {
            Value::StrMap(map) => Some(
                map.get(name.as_bytes())
                    .map(|text| Rv::new(Value::String(text.clone()))),
            ),
            Value::Map(map) => Some(map.get(name.as_bytes()).map(|item| Rv::boxed(item.clone()))),
            _ => None,
        };
        let Some(found) = found else {
            return Err(self.failf(format!("can't evaluate field {name} in type {type_name}")));
        };
        if has_args {
            return Err(self.failf(format!("{name} is not a method but has arguments")));
        }
        match found {
            Some(value) => Ok(value),
            None => match self.options.missing_key {
                MissingKey::Error => {
                    Err(self.failf(format!("map has no entry for key {}", go_quote(name))))
                }
                MissingKey::Invalid => Ok(Rv::invalid()),
                MissingKey::Zero => Ok(match &receiver.value {
                    Value::StrMap(_) => Rv::new(Value::String(GoString::from(""))),
                    _ => Rv::boxed(Value::Nil),
                }),
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function(
        &mut self,
        dot: &Rv,
        node: &'t Arg,
        name: &'t str,
        func: FuncRef,
        call_node: NodeRef<'t>,
        args: Option<&'t [Arg]>,
        last: Option<Rv>,
    ) -> Exec<Rv> {
        self.at(NodeRef::Arg(node));
        let definition = match func {
            FuncRef::Supported(definition) => definition,
            FuncRef::Unsupported => {
                let text = format!(
                    "function {} is defined by ESO but not supported by this renderer",
                    go_quote(name)
                );
                return Err(self.fail_kind(TemplateErrorKind::Unsupported, Message::plain(text)));
            }
        };
        self.eval_call(dot, definition, call_node, args, last)
    }

    /// Go's `evalCall`: arity check, argument conversion, the call, and error wrapping.
    fn eval_call(
        &mut self,
        dot: &Rv,
        definition: &'static FuncDef,
        call_node: NodeRef<'t>,
        args: Option<&'t [Arg]>,
        last: Option<Rv>,
    ) -> Exec<Rv> {
        self.step()?;
        let name = definition.name;
        let args: &'t [Arg] = args.map_or(&[], |args| args.get(1..).unwrap_or(&[]));
        let has_final = last.is_some();
        let num_in = args.len() + usize::from(has_final);
        let fixed = definition.params.len();
        let num_fixed = if definition.variadic.is_some() {
            if num_in < fixed {
                return Err(self.failf(format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )));
            }
            fixed
        } else {
            if num_in != fixed {
                return Err(self.failf(format!(
                    "wrong number of args for {name}: want {fixed} got {num_in}"
                )));
            }
            args.len()
        };

        if definition.builtin && (name == "and" || name == "or") {
            let stop_on = name == "or";
            let mut value = Rv::invalid();
            for arg in args {
                value = self.eval_arg(dot, Some(Ty::Reflect), arg)?;
                if truth(&value) == stop_on {
                    return Ok(value);
                }
            }
            if let Some(last) = last {
                value = self.validate_type(last, Some(Ty::Reflect))?;
            }
            return Ok(value);
        }

        let mut argv: Vec<Rv> = Vec::with_capacity(num_in);
        let mut index = 0;
        while index < num_fixed && index < args.len() {
            let param = definition.params.get(index).copied().unwrap_or(Ty::Any);
            argv.push(self.eval_arg(dot, Some(param), &args[index])?);
            index += 1;
        }
        if let Some(element) = definition.variadic {
            while index < args.len() {
                argv.push(self.eval_arg(dot, Some(element), &args[index])?);
                index += 1;
            }
        }
        if let Some(last) = last {
            let param = match definition.variadic {
                Some(element) if num_in > num_fixed => element,
                _ => definition
                    .params
                    .get(num_in - 1)
                    .copied()
                    .unwrap_or(Ty::Any),
            };
            argv.push(self.validate_type(last, Some(param))?);
        }

        let options = self.options;
        let mut context = CallContext {
            limits: &options.limits,
            steps: &mut self.steps,
        };
        match (definition.call)(&mut context, &argv) {
            Ok(value) => {
                // Functions take time (and build values) in proportion to the strings and
                // collections they are given and return.
                let work = argv
                    .iter()
                    .chain(std::iter::once(&value))
                    .map(|arg| work_units(&arg.value))
                    .fold(0usize, usize::saturating_add);
                // A limit error names the call; otherwise Go's current node stays.
                let current = self.node;
                self.at(call_node);
                self.charge_work(work)?;
                self.node = current;
                Ok(value)
            }
            Err(error) => {
                self.at(call_node);
                let kind = if error.limit {
                    TemplateErrorKind::Limit
                } else {
                    TemplateErrorKind::Execute
                };
                Err(self.fail_kind(
                    kind,
                    error.message.prefixed(format!("error calling {name}: ")),
                ))
            }
        }
    }

    /// Go's `validateType`: converts a value to a parameter type or fails.
    fn validate_type(&mut self, value: Rv, ty: Option<Ty>) -> Exec<Rv> {
        let Some(ty) = ty else {
            return Ok(value);
        };
        if !value.is_valid() {
            if ty.can_be_nil() {
                return Ok(ty.zero());
            }
            return Err(self.failf(format!("invalid value; expected {}", ty.name())));
        }
        if ty == Ty::Reflect || ty == Ty::Any {
            return Ok(value);
        }
        if !value.boxed && ty.accepts(&value.value) {
            return Ok(value);
        }
        let shown_type = if value.boxed && !matches!(value.value, Value::Nil) {
            let inner = value.unboxed();
            if ty.accepts(&inner.value) {
                return Ok(inner);
            }
            inner.type_name().unwrap_or("<nil>")
        } else {
            value.type_name().unwrap_or("<nil>")
        };
        Err(self.failf(format!(
            "wrong type for value; expected {}; got {shown_type}",
            ty.name()
        )))
    }

    /// Go's `evalArg`: evaluates an argument for a parameter of type `ty` (`None`: no type,
    /// used for the receiver of a chain).
    fn eval_arg(&mut self, dot: &Rv, ty: Option<Ty>, arg: &'t Arg) -> Exec<Rv> {
        self.at(NodeRef::Arg(arg));
        match arg {
            Arg::Dot { .. } => return self.validate_type(dot.clone(), ty),
            Arg::Nil { .. } => {
                return match ty {
                    Some(ty) if ty.can_be_nil() => Ok(ty.zero()),
                    Some(ty) => Err(self.failf(format!("cannot assign nil to {}", ty.name()))),
                    None => Ok(Rv::invalid()),
                };
            }
            Arg::Field { ident, .. } => {
                let value = self.eval_field_node(dot, arg, ident, &[], None)?;
                return self.validate_type(value, ty);
            }
            Arg::Variable(variable) => {
                let value = self.eval_variable_node(dot, arg, variable, &[], None)?;
                return self.validate_type(value, ty);
            }
            Arg::Pipe(pipe) => {
                let value = self.eval_pipeline(dot, Some(pipe))?;
                return self.validate_type(value, ty);
            }
            Arg::Identifier { name, func, .. } => {
                let value =
                    self.eval_function(dot, arg, name, *func, NodeRef::Arg(arg), None, None)?;
                return self.validate_type(value, ty);
            }
            Arg::Chain { node, fields, .. } => {
                let value = self.eval_chain_node(dot, arg, node, fields, &[], None)?;
                return self.validate_type(value, ty);
            }
            _ => {}
        }
        let Some(ty) = ty else {
            return self.eval_literal(arg);
        };
        match ty {
            Ty::Bool => match arg {
                Arg::Bool { value, .. } => Ok(Rv::new(Value::Bool(*value))),
                _ => Err(self.failf(format!("expected bool; found {arg}"))),
            },
            Ty::Int => match arg {
                Arg::Number(number) if number.is_int => Ok(Rv::new(Value::Int(number.int64))),
                _ => Err(self.failf(format!("expected integer; found {arg}"))),
            },
            Ty::Any | Ty::Reflect => self.eval_literal(arg),
            Ty::String => match arg {
                Arg::String { text, .. } => Ok(Rv::new(Value::String(text.clone()))),
                _ => Err(self.failf(format!("expected string; found {arg}"))),
            },
            Ty::Dict => {
                Err(self.failf(format!("can't handle {arg} for arg of type {}", ty.name())))
            }
        }
    }

    /// Go's `evalEmptyInterface` for literals.
    fn eval_literal(&mut self, arg: &'t Arg) -> Exec<Rv> {
        self.at(NodeRef::Arg(arg));
        match arg {
            Arg::Bool { value, .. } => Ok(Rv::new(Value::Bool(*value))),
            Arg::Number(number) => self.ideal_constant(arg, number),
            Arg::String { text, .. } => Ok(Rv::new(Value::String(text.clone()))),
            _ => Err(self.failf(format!(
                "can't handle assignment of {arg} to empty interface argument"
            ))),
        }
    }
}

fn int_value(index: usize) -> Rv {
    Rv::new(Value::Int(i64::try_from(index).unwrap_or(i64::MAX)))
}
