//! Defaults, lists and dicts: `default`, `empty`, `coalesce`, `ternary`, `list`, `dict`,
//! `dig`, `get`, `hasKey`, `keys`, `pluck`, `uniq`, `sortAlpha`, `slice`, `first`, `last`,
//! `has`.
//!
//! The dict functions take `map[string]interface {}`, so ESO's data map (`map[string]string`)
//! is rejected by Go's argument check before they run (`get . "x"` fails); they work on `dict`
//! and `fromJson` results.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::numeric::to_int;
use super::strings::{bytes_arg, strslice};
use super::{CallContext, FnError, FuncDef, sprig};
use crate::template::gofmt::strval;
use crate::template::reflect::{Rv, Ty};
use crate::template::value::{GoString, Value};

const A: Ty = Ty::Any;

pub(crate) const FUNCS: &[FuncDef] = &[
    sprig("default", &[A], Some(A), default),
    sprig("empty", &[A], None, empty),
    sprig("coalesce", &[], Some(A), coalesce),
    sprig("ternary", &[A, A, Ty::Bool], None, ternary),
    sprig("list", &[], Some(A), list),
    sprig("dict", &[], Some(A), dict),
    sprig("dig", &[], Some(A), dig),
    sprig("get", &[Ty::Dict, Ty::String], None, get),
    sprig("hasKey", &[Ty::Dict, Ty::String], None, has_key),
    sprig("keys", &[], Some(Ty::Dict), keys),
    sprig("pluck", &[Ty::String], Some(Ty::Dict), pluck),
    sprig("uniq", &[A], None, uniq),
    sprig("sortAlpha", &[A], None, sort_alpha),
    sprig("slice", &[A], Some(A), slice),
    sprig("first", &[A], None, first),
    sprig("last", &[A], None, last),
    sprig("has", &[A, A], None, has),
];

type Result = std::result::Result<Rv, FnError>;

const NIL_DEREFERENCE: &str = "runtime error: invalid memory address or nil pointer dereference";

fn value_arg(args: &[Rv], index: usize) -> &Value {
    args.get(index).map_or(&Value::Nil, |arg| &arg.value)
}

fn default(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let fallback = value_arg(args, 0).clone();
    match args.get(1) {
        Some(given) if !given.value.is_zero() => Ok(Rv::boxed(given.value.clone())),
        _ => Ok(Rv::boxed(fallback)),
    }
}

fn empty(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    Ok(Rv::new(Value::Bool(value_arg(args, 0).is_zero())))
}

fn coalesce(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let found = args.iter().find(|arg| !arg.value.is_zero());
    Ok(Rv::boxed(found.map_or(Value::Nil, |arg| arg.value.clone())))
}

fn ternary(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let condition = matches!(value_arg(args, 2), Value::Bool(true));
    Ok(Rv::boxed(
        value_arg(args, if condition { 0 } else { 1 }).clone(),
    ))
}

fn list(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    Ok(Rv::new(Value::list(
        args.iter().map(|arg| arg.value.clone()).collect(),
    )))
}

fn dict(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let mut map = BTreeMap::new();
    for pair in args.chunks(2) {
        let key = strval(&pair[0].value);
        let value = pair
            .get(1)
            .map_or_else(|| Value::from(""), |item| item.value.clone());
        map.insert(key, value);
    }
    Ok(Rv::new(Value::map(map)))
}

/// A Go type assertion `value.(T)` that panics with the runtime's message.
fn assertion_error(value: &Value, asserted: &str) -> FnError {
    match value.go_type() {
        None => FnError::new(format!(
            "interface conversion: interface {{}} is nil, not {asserted}"
        )),
        Some(concrete) => FnError::new(format!(
            "interface conversion: interface {{}} is {concrete}, not {asserted}"
        )),
    }
}

fn dig(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    if args.len() < 3 {
        return Err(FnError::new("dig needs at least three arguments"));
    }
    let (dict_arg, rest) = args
        .split_last()
        .ok_or_else(|| FnError::new(NIL_DEREFERENCE))?;
    let Value::Map(mut current) = dict_arg.value.clone() else {
        return Err(assertion_error(&dict_arg.value, "map[string]interface {}"));
    };
    let (fallback, key_args) = rest
        .split_last()
        .ok_or_else(|| FnError::new(NIL_DEREFERENCE))?;
    let mut keys = Vec::with_capacity(key_args.len());
    for key in key_args {
        match &key.value {
            Value::String(text) => keys.push(text.clone()),
            other => return Err(assertion_error(other, "string")),
        }
    }
    for (position, key) in keys.iter().enumerate() {
        let Some(step) = current.get(key.as_bytes()).cloned() else {
            return Ok(Rv::boxed(fallback.value.clone()));
        };
        if position + 1 == keys.len() {
            return Ok(Rv::boxed(step));
        }
        match step {
            Value::Map(next) => current = next,
            other => return Err(assertion_error(&other, "map[string]interface {}")),
        }
    }
    Ok(Rv::boxed(fallback.value.clone()))
}

fn dict_arg(args: &[Rv], index: usize) -> Arc<BTreeMap<GoString, Value>> {
    match value_arg(args, index) {
        Value::Map(map) => Arc::clone(map),
        _ => Arc::default(),
    }
}

fn get(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let map = dict_arg(args, 0);
    let found = map
        .get(bytes_arg(args, 1))
        .cloned()
        .unwrap_or_else(|| Value::from(""));
    Ok(Rv::boxed(found))
}

fn has_key(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    Ok(Rv::new(Value::Bool(
        dict_arg(args, 0).contains_key(bytes_arg(args, 1)),
    )))
}

/// The keys of every dict, each dict's keys in sorted order (Go's order is random).
fn keys(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let mut names = Vec::new();
    for index in 0..args.len() {
        names.extend(dict_arg(args, index).keys().cloned());
    }
    Ok(Rv::new(Value::StrList(Arc::new(names))))
}

fn pluck(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let key = bytes_arg(args, 0).to_vec();
    let mut found = Vec::new();
    for index in 1..args.len() {
        if let Some(value) = dict_arg(args, index).get(key.as_slice()) {
            found.push(value.clone());
        }
    }
    Ok(Rv::new(Value::list(found)))
}

/// The elements of a slice argument, or sprig's error for other kinds.
fn slice_elements(value: &Value, function: &str) -> std::result::Result<Vec<Value>, FnError> {
    match value {
        Value::Nil => Err(FnError::new(NIL_DEREFERENCE)),
        Value::List(items) => Ok(items.as_ref().clone()),
        Value::StrList(items) => Ok(items.iter().cloned().map(Value::String).collect()),
        other => Err(FnError::new(format!(
            "Cannot find {function} on type {}",
            other.go_kind()
        ))),
    }
}

fn uniq(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let mut unique: Vec<Value> = Vec::new();
    for item in slice_elements(value_arg(args, 0), "uniq")? {
        // Go's reflect.DeepEqual: same type and same content (NaN never equals itself).
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    Ok(Rv::new(Value::list(unique)))
}

fn sort_alpha(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let value = value_arg(args, 0);
    let mut items = match value {
        Value::List(_) | Value::StrList(_) => strslice(value),
        other => vec![strval(other)],
    };
    items.sort();
    Ok(Rv::new(Value::StrList(Arc::new(items))))
}

/// Sprig's `slice` (which replaces Go's builtin): `slice LIST [START [END]]`.
fn slice(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let value = value_arg(args, 0);
    let length = match value {
        Value::Nil => return Err(FnError::new(NIL_DEREFERENCE)),
        Value::List(items) => items.len(),
        Value::StrList(items) => items.len(),
        other => {
            return Err(FnError::new(format!(
                "list should be type of slice or array but {}",
                other.go_kind()
            )));
        }
    };
    if length == 0 {
        return Ok(Rv::boxed(Value::Nil));
    }
    let start = args.get(1).map_or(0, |arg| to_int(&arg.value));
    let end = match args.get(2) {
        Some(arg) => to_int(&arg.value),
        None => i64::try_from(length).unwrap_or(i64::MAX),
    };
    let range = match (usize::try_from(start), usize::try_from(end)) {
        (Ok(start), Ok(end)) if start <= end && end <= length => start..end,
        _ => {
            return Err(FnError::new(
                "reflect.Value.Slice: slice index out of bounds",
            ));
        }
    };
    Ok(Rv::boxed(match value {
        Value::StrList(items) => Value::StrList(Arc::new(items[range].to_vec())),
        Value::List(items) => Value::list(items[range].to_vec()),
        _ => Value::Nil,
    }))
}

fn first(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let items = slice_elements(value_arg(args, 0), "first")?;
    Ok(Rv::boxed(items.into_iter().next().unwrap_or(Value::Nil)))
}

fn last(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let items = slice_elements(value_arg(args, 0), "last")?;
    Ok(Rv::boxed(
        items.into_iter().next_back().unwrap_or(Value::Nil),
    ))
}

fn has(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let haystack = value_arg(args, 1);
    if matches!(haystack, Value::Nil) {
        return Ok(Rv::new(Value::Bool(false)));
    }
    let items = slice_elements(haystack, "has")?;
    Ok(Rv::new(Value::Bool(items.contains(value_arg(args, 0)))))
}
