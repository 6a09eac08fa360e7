//! Numbers: `atoi`, `int`, `int64`, `float64`, `add`, `add1`, `sub`, `mul`, `div`, `mod`,
//! `max`, `min`.
//!
//! Sprig converts with `spf13/cast` and swallows conversion errors (an unparsable string is
//! 0). Its arithmetic returns `int64`, which Go will not pass where an `int` is expected.

use super::strings::bytes_arg;
use super::{CallContext, FnError, FuncDef, sprig};
use crate::template::reflect::{Rv, Ty};
use crate::template::strconv::{self, FloatParse};
use crate::template::value::Value;

const A: Ty = Ty::Any;

pub(crate) const FUNCS: &[FuncDef] = &[
    sprig("atoi", &[Ty::String], None, atoi),
    sprig("int", &[A], None, int),
    sprig("int64", &[A], None, int64),
    sprig("float64", &[A], None, float64),
    sprig("add", &[], Some(A), add),
    sprig("add1", &[A], None, add1),
    sprig("sub", &[A, A], None, sub),
    sprig("mul", &[A], Some(A), mul),
    sprig("div", &[A, A], None, div),
    sprig("mod", &[A, A], None, modulo),
    sprig("max", &[A], Some(A), max),
    sprig("min", &[A], Some(A), min),
];

type Result = std::result::Result<Rv, FnError>;

/// Go's conversion of a float to an integer on amd64: truncation, with the "integer
/// indefinite" value for NaN and out-of-range inputs.
fn float_to_int(number: f64) -> i64 {
    if number.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&number) {
        return i64::MIN;
    }
    number as i64
}

/// cast's `trimZeroDecimal`: `"1.00"` becomes `"1"`; anything else is unchanged.
fn trim_zero_decimal(text: &str) -> &str {
    let mut found_zero = false;
    for (index, byte) in text.bytes().enumerate().rev() {
        match byte {
            b'.' if found_zero => return &text[..index],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return text,
        }
    }
    text
}

/// `cast.ToInt64` (errors become 0).
pub(crate) fn to_int(value: &Value) -> i64 {
    match value {
        Value::Int(number) | Value::Int64(number) => *number,
        Value::Uint8(byte) => i64::from(*byte),
        Value::Float(number) => float_to_int(*number),
        Value::Bool(flag) => i64::from(*flag),
        Value::String(text) => text
            .as_str()
            .and_then(|text| strconv::parse_int(trim_zero_decimal(text)))
            .unwrap_or(0),
        _ => 0,
    }
}

/// `cast.ToFloat64` (errors become 0).
fn to_float(value: &Value) -> f64 {
    match value {
        Value::Int(number) | Value::Int64(number) => *number as f64,
        Value::Uint8(byte) => f64::from(*byte),
        Value::Float(number) => *number,
        Value::Bool(flag) => f64::from(u8::from(*flag)),
        Value::String(text) => match text.as_str().map(strconv::parse_float) {
            Some(FloatParse::Value(number)) => number,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

fn int_result(number: i64) -> Result {
    Ok(Rv::new(Value::Int64(number)))
}

fn value_arg(args: &[Rv], index: usize) -> &Value {
    args.get(index).map_or(&Value::Nil, |arg| &arg.value)
}

/// `strconv.Atoi` with the error ignored: 0 on a syntax error, the clamped value on overflow.
fn atoi(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = bytes_arg(args, 0);
    let (negative, digits) = match text.first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let clamped = if negative { i64::MIN } else { i64::MAX };
    let mut magnitude: u64 = 0;
    let mut number = 0;
    if !digits.is_empty() {
        number = clamped;
        for (position, digit) in digits.iter().enumerate() {
            if !digit.is_ascii_digit() {
                number = 0;
                break;
            }
            // Go's ParseUint reports overflow as soon as it happens, before looking further.
            match magnitude
                .checked_mul(10)
                .and_then(|value| value.checked_add(u64::from(digit - b'0')))
            {
                Some(value) => magnitude = value,
                None => break,
            }
            if position + 1 == digits.len() {
                number = if negative {
                    if magnitude > 1 << 63 {
                        i64::MIN
                    } else {
                        (magnitude as i64).wrapping_neg()
                    }
                } else {
                    i64::try_from(magnitude).unwrap_or(i64::MAX)
                };
            }
        }
    }
    Ok(Rv::new(Value::Int(number)))
}

fn int(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    Ok(Rv::new(Value::Int(to_int(value_arg(args, 0)))))
}

fn int64(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    int_result(to_int(value_arg(args, 0)))
}

fn float64(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    Ok(Rv::new(Value::Float(to_float(value_arg(args, 0)))))
}

fn add(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    int_result(
        args.iter()
            .fold(0i64, |sum, arg| sum.wrapping_add(to_int(&arg.value))),
    )
}

fn add1(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    int_result(to_int(value_arg(args, 0)).wrapping_add(1))
}

fn sub(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    int_result(to_int(value_arg(args, 0)).wrapping_sub(to_int(value_arg(args, 1))))
}

fn mul(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    int_result(
        args.iter()
            .skip(1)
            .fold(to_int(value_arg(args, 0)), |product, arg| {
                product.wrapping_mul(to_int(&arg.value))
            }),
    )
}

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

fn div(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let divisor = to_int(value_arg(args, 1));
    if divisor == 0 {
        return Err(FnError::new(DIVIDE_BY_ZERO));
    }
    int_result(to_int(value_arg(args, 0)).wrapping_div(divisor))
}

fn modulo(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let divisor = to_int(value_arg(args, 1));
    if divisor == 0 {
        return Err(FnError::new(DIVIDE_BY_ZERO));
    }
    int_result(to_int(value_arg(args, 0)).wrapping_rem(divisor))
}

fn max(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let first = to_int(value_arg(args, 0));
    int_result(
        args.iter()
            .skip(1)
            .map(|arg| to_int(&arg.value))
            .fold(first, i64::max),
    )
}

fn min(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let first = to_int(value_arg(args, 0));
    int_result(
        args.iter()
            .skip(1)
            .map(|arg| to_int(&arg.value))
            .fold(first, i64::min),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_trims_zero_decimals_only() {
        assert_eq!(trim_zero_decimal("1.00"), "1");
        assert_eq!(trim_zero_decimal("1.50"), "1.50");
        assert_eq!(trim_zero_decimal("10"), "10");
        assert_eq!(to_int(&Value::from("0x10")), 16);
        assert_eq!(to_int(&Value::from("010")), 8);
        assert_eq!(to_int(&Value::from("1.5")), 0);
        assert_eq!(to_int(&Value::Float(-2.7)), -2);
    }
}
