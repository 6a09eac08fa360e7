//! The reflection layer: values as Go's `reflect.Value` carries them during execution, and the
//! parameter types of functions.
//!
//! Go distinguishes a value stored in an `interface{}`-typed slot (an element of a
//! `map[string]interface{}` or `[]interface{}`, or the result of a function returning
//! `interface{}`) from the same value held concretely. The distinction shows in error messages
//! (`can't evaluate field x in type interface {}`, `got interface {}`) and in how a nil element
//! behaves, so [`Rv`] records it.

use super::value::Value;

/// A value during execution, as a `reflect.Value`.
///
/// `Value::Nil` with `boxed == false` is the invalid (zero) `reflect.Value`; with
/// `boxed == true` it is a nil `interface{}`.
#[derive(Clone, Debug)]
pub(crate) struct Rv {
    pub(crate) value: Value,
    pub(crate) boxed: bool,
}

impl Rv {
    /// The invalid `reflect.Value` (what a missing key or an untyped nil evaluates to).
    pub(crate) fn invalid() -> Self {
        Self {
            value: Value::Nil,
            boxed: false,
        }
    }

    /// A value of its concrete type.
    pub(crate) fn new(value: Value) -> Self {
        Self {
            value,
            boxed: false,
        }
    }

    /// A value held in an `interface{}` slot.
    pub(crate) fn boxed(value: Value) -> Self {
        Self { value, boxed: true }
    }

    /// Whether this is a valid `reflect.Value`.
    pub(crate) fn is_valid(&self) -> bool {
        self.boxed || !matches!(self.value, Value::Nil)
    }

    /// `reflect.Value.Type().String()`, or `None` for the invalid value.
    pub(crate) fn type_name(&self) -> Option<&'static str> {
        if self.boxed {
            return Some("interface {}");
        }
        self.value.go_type()
    }

    /// Go's `indirectInterface`: the concrete value inside an interface (a nil interface
    /// becomes the invalid value).
    pub(crate) fn unboxed(self) -> Self {
        Self {
            value: self.value,
            boxed: false,
        }
    }
}

/// A parameter type of a template function, as far as argument conversion cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// `interface{}`: anything.
    Any,
    /// `reflect.Value`: anything, passed with its reflection details (Go builtins).
    Reflect,
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `bool`.
    Bool,
    /// `map[string]interface {}`.
    Dict,
}

impl Ty {
    /// The Go type name used in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Any => "interface {}",
            Self::Reflect => "reflect.Value",
            Self::String => "string",
            Self::Int => "int",
            Self::Bool => "bool",
            Self::Dict => "map[string]interface {}",
        }
    }

    /// Go's `canBeNil`.
    pub(crate) fn can_be_nil(self) -> bool {
        matches!(self, Self::Any | Self::Reflect | Self::Dict)
    }

    /// The zero value an untyped nil converts to.
    pub(crate) fn zero(self) -> Rv {
        match self {
            Self::Any => Rv::boxed(Value::Nil),
            Self::Dict => Rv::new(Value::Map(Default::default())),
            _ => Rv::invalid(),
        }
    }

    /// Whether a concrete (not boxed) value is assignable to this type.
    pub(crate) fn accepts(self, value: &Value) -> bool {
        match self {
            Self::Any | Self::Reflect => true,
            Self::String => matches!(value, Value::String(_)),
            Self::Int => matches!(value, Value::Int(_)),
            Self::Bool => matches!(value, Value::Bool(_)),
            Self::Dict => matches!(value, Value::Map(_)),
        }
    }
}
