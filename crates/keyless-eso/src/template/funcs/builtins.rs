//! Go `text/template`'s builtin functions: `and`, `or`, `not`, `len`, `index`, `print`,
//! `printf`, `println`, `html`, `js`, `urlquery`, `call` and the comparisons.
//! (`slice` is sprig's, which replaces the builtin of the same name.)

use super::{Bounded, CallContext, FnError, FuncDef};
use crate::template::error::Message;
use crate::template::exec::truth;
use crate::template::gofmt::{decode_rune, sprint, sprint_value, sprintf, sprintln};
use crate::template::reflect::{Rv, Ty};
use crate::template::unicode::is_print;
use crate::template::value::{GoString, Value};

const R: Ty = Ty::Reflect;

pub(crate) const FUNCS: &[FuncDef] = &[
    builtin("and", &[R], Some(R), short_circuit),
    builtin("or", &[R], Some(R), short_circuit),
    builtin("not", &[R], None, not),
    builtin("len", &[R], None, length),
    builtin("index", &[R], Some(R), index),
    builtin("print", &[], Some(Ty::Any), print),
    builtin("printf", &[Ty::String], Some(Ty::Any), printf),
    builtin("println", &[], Some(Ty::Any), println),
    builtin("html", &[], Some(Ty::Any), html),
    builtin("js", &[], Some(Ty::Any), js),
    builtin("urlquery", &[], Some(Ty::Any), urlquery),
    builtin("call", &[R], Some(R), call),
    builtin("eq", &[R], Some(R), eq),
    builtin("ne", &[R, R], None, ne),
    builtin("lt", &[R, R], None, lt),
    builtin("le", &[R, R], None, le),
    builtin("gt", &[R, R], None, gt),
    builtin("ge", &[R, R], None, ge),
];

const fn builtin(
    name: &'static str,
    params: &'static [Ty],
    variadic: Option<Ty>,
    call: super::CallFn,
) -> FuncDef {
    FuncDef {
        name,
        params,
        variadic,
        builtin: true,
        call,
    }
}

type Result = std::result::Result<Rv, FnError>;

fn string_result(context: &CallContext<'_>, bytes: Vec<u8>) -> Result {
    context.ensure_size(bytes.len())?;
    Ok(Rv::new(Value::String(GoString::from(bytes))))
}

fn bool_result(flag: bool) -> Result {
    Ok(Rv::new(Value::Bool(flag)))
}

/// `and`/`or` are evaluated by the executor (they short-circuit); this is never called.
fn short_circuit(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    Ok(args.last().cloned().unwrap_or_else(Rv::invalid))
}

fn not(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    bool_result(!args.first().is_some_and(truth))
}

fn length(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let item = args.first().cloned().unwrap_or_else(Rv::invalid);
    if item.boxed && matches!(item.value, Value::Nil) {
        return Err(FnError::new("len of nil pointer"));
    }
    if !item.is_valid() {
        return Err(FnError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    match item.value.length() {
        Some(length) => Ok(Rv::new(Value::Int(
            i64::try_from(length).unwrap_or(i64::MAX),
        ))),
        None => Err(FnError::new(format!(
            "len of type {}",
            item.value.go_type().unwrap_or("<nil>")
        ))),
    }
}

/// Go's `indexArg`: an integer index no larger than `cap`.
fn index_arg(index: &Rv, cap: usize) -> std::result::Result<usize, FnError> {
    let position = match &index.value {
        Value::Int(number) | Value::Int64(number) => *number,
        Value::Uint8(byte) => i64::from(*byte),
        Value::Nil => return Err(FnError::new("cannot index slice/array with nil")),
        other => {
            return Err(FnError::new(format!(
                "cannot index slice/array with type {}",
                other.go_type().unwrap_or("<nil>")
            )));
        }
    };
    match usize::try_from(position) {
        Ok(position) if position <= cap => Ok(position),
        // The index may be computed from a secret (`index $list (atoi .pin)`).
        _ => Err(FnError::with_message(
            Message::plain("index out of range: ").sensitive(position.to_string()),
        )),
    }
}

/// Go's `prepareArg` for a map key of type string.
fn map_key(index: &Rv) -> std::result::Result<GoString, FnError> {
    match &index.value {
        Value::String(key) => Ok(key.clone()),
        Value::Nil => Err(FnError::new("value is nil; should be of type string")),
        other => Err(FnError::new(format!(
            "value has type {}; should be string",
            other.go_type().unwrap_or("<nil>")
        ))),
    }
}

fn index(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let Some((first, indexes)) = args.split_first() else {
        return Err(FnError::new("index of untyped nil"));
    };
    let mut item = first.clone().unboxed();
    if !item.is_valid() {
        return Err(FnError::new("index of untyped nil"));
    }
    for index in indexes {
        let index = index.clone().unboxed();
        if item.boxed && matches!(item.value, Value::Nil) {
            return Err(FnError::new("index of nil pointer"));
        }
        let current = item.value.clone();
        item = match &current {
            Value::List(items) => {
                let position = index_arg(&index, items.len())?;
                let element = items
                    .get(position)
                    .ok_or_else(|| FnError::new("reflect: slice index out of range"))?;
                Rv::boxed(element.clone())
            }
            Value::StrList(items) => {
                let position = index_arg(&index, items.len())?;
                let element = items
                    .get(position)
                    .ok_or_else(|| FnError::new("reflect: slice index out of range"))?;
                Rv::new(Value::String(element.clone()))
            }
            Value::String(text) => {
                let position = index_arg(&index, text.len())?;
                let byte = text
                    .as_bytes()
                    .get(position)
                    .ok_or_else(|| FnError::new("reflect: string index out of range"))?;
                Rv::new(Value::Uint8(*byte))
            }
            Value::StrMap(map) => {
                let key = map_key(&index)?;
                let found = map
                    .get(key.as_bytes())
                    .cloned()
                    .unwrap_or_else(|| GoString::from(""));
                Rv::new(Value::String(found))
            }
            Value::Map(map) => {
                let key = map_key(&index)?;
                Rv::boxed(map.get(key.as_bytes()).cloned().unwrap_or(Value::Nil))
            }
            other => {
                return Err(FnError::new(format!(
                    "can't index item of type {}",
                    other.go_type().unwrap_or("<nil>")
                )));
            }
        };
    }
    Ok(item)
}

fn values(args: &[Rv]) -> Vec<Value> {
    args.iter().map(|arg| arg.value.clone()).collect()
}

fn print(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let printed = sprint(&values(args), context.max_bytes())?;
    string_result(context, printed)
}

fn printf(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let Some((format, rest)) = args.split_first() else {
        return string_result(context, Vec::new());
    };
    let format = match &format.value {
        Value::String(text) => text.as_bytes(),
        _ => &[],
    };
    let printed = sprintf(format, &values(rest), context.max_bytes())?;
    string_result(context, printed)
}

fn println(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let printed = sprintln(&values(args), context.max_bytes())?;
    string_result(context, printed)
}

/// Go's `evalArgs`: one string argument as is, otherwise `Sprint` of the printable values
/// (a nil argument prints as `<no value>`).
fn eval_args(context: &CallContext<'_>, args: &[Rv]) -> std::result::Result<Vec<u8>, FnError> {
    if let [single] = args
        && let Value::String(text) = &single.value
    {
        return Ok(text.as_bytes().to_vec());
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|arg| match &arg.value {
            Value::Nil => Value::from("<no value>"),
            other => other.clone(),
        })
        .collect();
    Ok(sprint(&printable, context.max_bytes())?)
}

fn html(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = eval_args(context, args)?;
    let mut out = Bounded::at_least(context, text.len())?;
    for byte in text {
        match byte {
            0 => out.push("\u{FFFD}".as_bytes())?,
            b'"' => out.push(b"&#34;")?,
            b'\'' => out.push(b"&#39;")?,
            b'&' => out.push(b"&amp;")?,
            b'<' => out.push(b"&lt;")?,
            b'>' => out.push(b"&gt;")?,
            other => out.push(&[other])?,
        }
    }
    string_result(context, out.into_bytes())
}

fn js(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = eval_args(context, args)?;
    let mut out = Bounded::at_least(context, text.len())?;
    let mut index = 0;
    while index < text.len() {
        let byte = text[index];
        if byte < 0x80 {
            match byte {
                b'\\' => out.push(b"\\\\")?,
                b'\'' => out.push(b"\\'")?,
                b'"' => out.push(b"\\\"")?,
                b'<' => out.push(b"\\u003C")?,
                b'>' => out.push(b"\\u003E")?,
                b'&' => out.push(b"\\u0026")?,
                b'=' => out.push(b"\\u003D")?,
                control if control < b' ' => {
                    out.push(format!("\\u00{control:02X}").as_bytes())?;
                }
                plain => out.push(&[plain])?,
            }
            index += 1;
            continue;
        }
        let (rune, width) = decode_rune(&text[index..]);
        if is_print(rune) {
            out.push(&text[index..index + width])?;
        } else {
            out.push(format!("\\u{:04X}", u32::from(rune)).as_bytes())?;
        }
        index += width;
    }
    string_result(context, out.into_bytes())
}

fn urlquery(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = eval_args(context, args)?;
    let mut out = Bounded::at_least(context, text.len())?;
    for byte in text {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(&[byte])?;
            }
            b' ' => out.push(b"+")?,
            other => out.push(format!("%{other:02X}").as_bytes())?,
        }
    }
    string_result(context, out.into_bytes())
}

fn call(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let function = args.first().cloned().unwrap_or_else(Rv::invalid).unboxed();
    match function.value.go_type() {
        None => Err(FnError::new("call of nil")),
        Some(type_name) => Err(FnError::new(format!("non-function of type {type_name}"))),
    }
}

/// Go's comparison kinds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    String,
}

fn basic_kind(value: &Value) -> Kind {
    match value {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Uint8(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn int_of(value: &Value) -> i64 {
    match value {
        Value::Int(number) | Value::Int64(number) => *number,
        Value::Uint8(byte) => i64::from(*byte),
        _ => 0,
    }
}

fn float_of(value: &Value) -> f64 {
    match value {
        Value::Float(number) => *number,
        _ => 0.0,
    }
}

fn bytes_of(value: &Value) -> &[u8] {
    match value {
        Value::String(text) => text.as_bytes(),
        _ => &[],
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

fn is_nil(value: &Value) -> bool {
    matches!(value, Value::Nil)
}

/// `%s` of a value, for Go's "non-comparable" messages.
fn shown_with_s(value: &Value, limit: usize) -> std::result::Result<String, FnError> {
    let shown = sprintf(b"%s", std::slice::from_ref(value), limit)?;
    Ok(String::from_utf8_lossy(&shown).into_owned())
}

fn shown_with_v(value: &Value, limit: usize) -> std::result::Result<String, FnError> {
    Ok(String::from_utf8_lossy(&sprint_value(value, limit)?).into_owned())
}

/// Go's `eq` for one pair; `limit` bounds the values printed into its error messages.
fn equal(first: &Value, other: &Value, limit: usize) -> std::result::Result<bool, FnError> {
    let first_kind = basic_kind(first);
    let other_kind = basic_kind(other);
    if first_kind != other_kind {
        return match (first_kind, other_kind) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(int_of(first) == int_of(other)),
            _ if !is_nil(first) && !is_nil(other) => Err(FnError::new(BAD_COMPARISON)),
            _ => Ok(false),
        };
    }
    Ok(match first_kind {
        Kind::Bool => first == other,
        Kind::Float => float_of(first) == float_of(other),
        Kind::Int | Kind::Uint => int_of(first) == int_of(other),
        Kind::String => bytes_of(first) == bytes_of(other),
        Kind::Invalid => {
            let same_kind = first.go_kind() == other.go_kind();
            if !same_kind && !is_nil(first) && !is_nil(other) {
                return Err(FnError::with_message(
                    Message::plain("non-comparable types ")
                        .sensitive(shown_with_s(first, limit)?)
                        .text(format!(
                            ": {}, {}: ",
                            first.go_type().unwrap_or("<nil>"),
                            other.go_type().unwrap_or("<nil>")
                        ))
                        .sensitive(shown_with_v(other, limit)?),
                ));
            }
            if is_nil(first) || is_nil(other) {
                is_nil(first) == is_nil(other)
            } else {
                // Maps and slices are not comparable in Go.
                return Err(FnError::with_message(
                    Message::plain("non-comparable type ")
                        .sensitive(shown_with_s(other, limit)?)
                        .text(format!(": {}", other.go_type().unwrap_or("<nil>"))),
                ));
            }
        }
    })
}

fn eq(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let Some((first, others)) = args.split_first() else {
        return Err(FnError::new("missing argument for comparison"));
    };
    if others.is_empty() {
        return Err(FnError::new("missing argument for comparison"));
    }
    let first = first.clone().unboxed();
    for other in others {
        if equal(
            &first.value,
            &other.clone().unboxed().value,
            context.max_bytes(),
        )? {
            return bool_result(true);
        }
    }
    bool_result(false)
}

fn pair(args: &[Rv]) -> (Value, Value) {
    let first = args
        .first()
        .cloned()
        .unwrap_or_else(Rv::invalid)
        .unboxed()
        .value;
    let second = args
        .get(1)
        .cloned()
        .unwrap_or_else(Rv::invalid)
        .unboxed()
        .value;
    (first, second)
}

fn less(first: &Value, second: &Value) -> std::result::Result<bool, FnError> {
    let first_kind = basic_kind(first);
    if first_kind == Kind::Invalid {
        return Err(FnError::new(BAD_COMPARISON_TYPE));
    }
    let second_kind = basic_kind(second);
    if second_kind == Kind::Invalid {
        return Err(FnError::new(BAD_COMPARISON_TYPE));
    }
    if first_kind != second_kind {
        return match (first_kind, second_kind) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(int_of(first) < int_of(second)),
            _ => Err(FnError::new(BAD_COMPARISON)),
        };
    }
    match first_kind {
        Kind::Bool | Kind::Invalid => Err(FnError::new(BAD_COMPARISON_TYPE)),
        Kind::Float => Ok(float_of(first) < float_of(second)),
        Kind::Int | Kind::Uint => Ok(int_of(first) < int_of(second)),
        Kind::String => Ok(bytes_of(first) < bytes_of(second)),
    }
}

fn ne(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let (first, second) = pair(args);
    bool_result(!equal(&first, &second, context.max_bytes())?)
}

fn lt(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let (first, second) = pair(args);
    bool_result(less(&first, &second)?)
}

fn less_or_equal(
    first: &Value,
    second: &Value,
    limit: usize,
) -> std::result::Result<bool, FnError> {
    if less(first, second)? {
        return Ok(true);
    }
    equal(first, second, limit)
}

fn le(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let (first, second) = pair(args);
    bool_result(less_or_equal(&first, &second, context.max_bytes())?)
}

fn gt(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let (first, second) = pair(args);
    bool_result(!less_or_equal(&first, &second, context.max_bytes())?)
}

fn ge(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let (first, second) = pair(args);
    bool_result(!less(&first, &second)?)
}
