//! Defaults, lists and dicts: `default`, `empty`, `coalesce`, `ternary`, `list`, `dict`,
//! `dig`, `get`, `hasKey`, `keys`, `pluck`, `uniq`, `sortAlpha`, `slice`, `first`, `last`,
//! `has`.
//!
//! The dict functions take `map[string]interface {}`, so ESO's data map (`map[string]string`)
//! is rejected by Go's argument check before they run (`get . "x"` fails); they work on `dict`
//! and `fromJson` results.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::numeric::to_int;
use super::strings::{bytes_arg, strslice};
use super::{CallContext, FnError, FuncDef, nested_result, sprig};
use crate::template::gofmt::strval;
use crate::template::reflect::{Rv, Ty};
use crate::template::value::{GoMap, GoString, Value, check_depth};

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
    nested_result(Value::list(
        args.iter().map(|arg| arg.value.clone()).collect(),
    ))
}

fn dict(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let mut map = BTreeMap::new();
    // Keys that are not strings are printed, in at most the byte limit altogether.
    let mut room = context.max_bytes();
    for pair in args.chunks(2) {
        let key = strval(&pair[0].value, room)
            .map_err(|exceeded| exceeded.against(context.max_bytes()))?;
        if !matches!(pair[0].value, Value::String(_)) {
            room -= key.len();
        }
        let value = pair
            .get(1)
            .map_or_else(|| Value::from(""), |item| item.value.clone());
        map.insert(key, value);
    }
    nested_result(Value::map(map))
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

fn dict_arg(args: &[Rv], index: usize) -> GoMap {
    match value_arg(args, index) {
        Value::Map(map) => map.clone(),
        _ => GoMap::default(),
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
        Value::List(items) => Ok(items.to_vec()),
        Value::StrList(items) => Ok(items.iter().cloned().map(Value::String).collect()),
        other => Err(FnError::new(format!(
            "Cannot find {function} on type {}",
            other.go_kind()
        ))),
    }
}

/// A scalar as a hashable key: equal keys exactly when Go's `reflect.DeepEqual` holds.
#[derive(PartialEq, Eq, Hash)]
enum ScalarKey {
    Nil,
    Bool(bool),
    Int(i64),
    Int64(i64),
    Uint8(u8),
    /// The bits of a float, with -0 as 0 (they compare equal).
    Float(u64),
    String(GoString),
}

/// `Some(key)` for a scalar, `Some(None)` for NaN (equal to nothing, not even itself), `None`
/// for a list or map.
fn scalar_key(value: &Value) -> Option<Option<ScalarKey>> {
    Some(Some(match value {
        Value::Nil => ScalarKey::Nil,
        Value::Bool(flag) => ScalarKey::Bool(*flag),
        Value::Int(number) => ScalarKey::Int(*number),
        Value::Int64(number) => ScalarKey::Int64(*number),
        Value::Uint8(byte) => ScalarKey::Uint8(*byte),
        Value::Float(number) if number.is_nan() => return Some(None),
        Value::Float(number) => ScalarKey::Float(if *number == 0.0 { 0 } else { number.to_bits() }),
        Value::String(text) => ScalarKey::String(text.clone()),
        _ => return None,
    }))
}

/// Go's `reflect.DeepEqual` for template values: same type and same content, NaN never equal
/// to itself, and a list or map equal to itself without looking inside (Go compares the
/// backing pointers first). Looking inside costs a step per element, so comparing values that
/// share their elements (`$l = list $l $l`) stays within the step limit.
fn deep_equal(
    context: &mut CallContext<'_>,
    first: &Value,
    second: &Value,
) -> std::result::Result<bool, FnError> {
    match (first, second) {
        (Value::List(one), Value::List(other)) => {
            if one.same(other) {
                return Ok(true);
            }
            context.charge(1 + one.len() as u64)?;
            if one.len() != other.len() {
                return Ok(false);
            }
            for (one, other) in one.iter().zip(other.iter()) {
                if !deep_equal(context, one, other)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Value::Map(one), Value::Map(other)) => {
            if one.same(other) {
                return Ok(true);
            }
            context.charge(1 + one.len() as u64)?;
            if one.len() != other.len() {
                return Ok(false);
            }
            for ((one_key, one), (other_key, other)) in one.iter().zip(other.iter()) {
                if one_key != other_key || !deep_equal(context, one, other)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Value::StrList(one), Value::StrList(other)) => {
            context.charge(1 + one.len() as u64)?;
            Ok(one == other)
        }
        (Value::StrMap(one), Value::StrMap(other)) => {
            context.charge(1 + one.len() as u64)?;
            Ok(one == other)
        }
        _ => Ok(first == second),
    }
}

/// Sprig's `uniq` (first occurrences, compared with `reflect.DeepEqual`). Scalars are looked up
/// by hash; Go compares every pair, which is quadratic.
fn uniq(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let list = value_arg(args, 0);
    check_depth(list)?;
    let mut unique: Vec<Value> = Vec::new();
    let mut seen = HashSet::new();
    let mut collections: Vec<usize> = Vec::new();
    for item in slice_elements(list, "uniq")? {
        match scalar_key(&item) {
            Some(Some(key)) => {
                if seen.insert(key) {
                    unique.push(item);
                }
            }
            Some(None) => unique.push(item),
            None => {
                let mut found = false;
                for &position in &collections {
                    if deep_equal(context, &unique[position], &item)? {
                        found = true;
                        break;
                    }
                }
                if !found {
                    collections.push(unique.len());
                    unique.push(item);
                }
            }
        }
    }
    Ok(Rv::new(Value::list(unique)))
}

fn sort_alpha(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let value = value_arg(args, 0);
    let mut items = match value {
        Value::List(_) | Value::StrList(_) => strslice(value, context.max_bytes())?,
        other => vec![strval(other, context.max_bytes())?],
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

fn has(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let needle = value_arg(args, 0);
    let haystack = value_arg(args, 1);
    if matches!(haystack, Value::Nil) {
        return Ok(Rv::new(Value::Bool(false)));
    }
    check_depth(needle)?;
    check_depth(haystack)?;
    for item in slice_elements(haystack, "has")? {
        if deep_equal(context, &item, needle)? {
            return Ok(Rv::new(Value::Bool(true)));
        }
    }
    Ok(Rv::new(Value::Bool(false)))
}
