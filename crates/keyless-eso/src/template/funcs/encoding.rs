//! Encodings, hashes and JSON: `b64enc`, `b64dec`, `b32enc`, `b32dec`, `sha1sum`,
//! `sha256sum`, `toJson`, `toRawJson`, `toPrettyJson`, `fromJson`.

use base64::Engine as _;
use sha1::Digest as _;

use super::{CallContext, FnError, FuncDef, sprig};
use crate::template::json::{self, MarshalError, UnmarshalError};
use crate::template::reflect::{Rv, Ty};
use crate::template::value::{Exceeded, Value};

pub(crate) const FUNCS: &[FuncDef] = &[
    sprig("b64enc", &[Ty::String], None, b64enc),
    sprig("b64dec", &[Ty::String], None, b64dec),
    sprig("b32enc", &[Ty::String], None, b32enc),
    sprig("b32dec", &[Ty::String], None, b32dec),
    sprig("sha1sum", &[Ty::String], None, sha1sum),
    sprig("sha256sum", &[Ty::String], None, sha256sum),
    sprig("toJson", &[Ty::Any], None, to_json),
    sprig("toRawJson", &[Ty::Any], None, to_raw_json),
    sprig("toPrettyJson", &[Ty::Any], None, to_pretty_json),
    sprig("fromJson", &[Ty::String], None, from_json),
];

type Result = std::result::Result<Rv, FnError>;

fn text(args: &[Rv]) -> &[u8] {
    match args.first().map(|arg| &arg.value) {
        Some(Value::String(text)) => text.as_bytes(),
        _ => &[],
    }
}

fn string_result(context: &CallContext<'_>, bytes: Vec<u8>) -> Result {
    context.ensure_size(bytes.len())?;
    Ok(Rv::new(Value::string(bytes)))
}

fn b64enc(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let input = text(args);
    context.ensure_size(input.len().div_ceil(3) * 4)?;
    string_result(
        context,
        base64::engine::general_purpose::STANDARD
            .encode(input)
            .into_bytes(),
    )
}

/// Sprig returns the decoder's error text as the value (ESO #1476).
fn b64dec(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let decoded = match go_base64_decode(text(args)) {
        Ok(bytes) => bytes,
        Err(offset) => format!("illegal base64 data at input byte {offset}").into_bytes(),
    };
    string_result(context, decoded)
}

const BASE64_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_value(byte: u8) -> Option<u8> {
    BASE64_ALPHABET
        .iter()
        .position(|candidate| *candidate == byte)
        .map(|position| position as u8)
}

/// Go's `base64.StdEncoding.DecodeString`: padded, lenient about trailing bits, skipping `\r`
/// and `\n`; the error is the offset Go reports.
pub(crate) fn go_base64_decode(src: &[u8]) -> std::result::Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut quantum = [0u8; 4];
        let mut length = 4;
        let mut j = 0;
        let mut trailing_garbage = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                // Padding is required.
                return Err(si - j);
            }
            let byte = src[si];
            si += 1;
            if let Some(value) = base64_value(byte) {
                quantum[j] = value;
                j += 1;
                continue;
            }
            if byte == b'\n' || byte == b'\r' {
                continue;
            }
            if byte != b'=' {
                return Err(si - 1);
            }
            // Padding: only after two or three symbols.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing_garbage = Some(si);
            }
            length = j;
            break;
        }
        let value = (u32::from(quantum[0]) << 18)
            | (u32::from(quantum[1]) << 12)
            | (u32::from(quantum[2]) << 6)
            | u32::from(quantum[3]);
        let bytes = [(value >> 16) as u8, (value >> 8) as u8, value as u8];
        out.extend_from_slice(&bytes[..length - 1]);
        if let Some(offset) = trailing_garbage {
            return Err(offset);
        }
        if length < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

const BASE32_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn b32enc(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let input = text(args);
    context.ensure_size(input.len().div_ceil(5) * 8)?;
    let mut out = Vec::with_capacity(input.len().div_ceil(5) * 8);
    for chunk in input.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |accumulator, byte| {
            (accumulator << 8) | u64::from(*byte)
        });
        let symbols = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for index in 0..8 {
            if index < symbols {
                let value = (bits >> (35 - 5 * index)) & 0x1f;
                out.push(BASE32_ALPHABET[value as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    string_result(context, out)
}

/// Sprig returns the decoder's error text as the value.
fn b32dec(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let decoded = match go_base32_decode(text(args)) {
        Ok(bytes) => bytes,
        Err(offset) => format!("illegal base32 data at input byte {offset}").into_bytes(),
    };
    string_result(context, decoded)
}

/// Go's `base32.StdEncoding.DecodeString` with its error offsets (counted after removing
/// `\r` and `\n`).
fn go_base32_decode(input: &[u8]) -> std::result::Result<Vec<u8>, usize> {
    let src: Vec<u8> = input
        .iter()
        .copied()
        .filter(|byte| *byte != b'\r' && *byte != b'\n')
        .collect();
    let total = src.len();
    let mut rest: &[u8] = &src;
    let mut out = Vec::new();
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut quantum = [0u8; 8];
        let mut length = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&byte, tail)) = rest.split_first() else {
                return Err(total - rest.len() - j);
            };
            rest = tail;
            if byte == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(total);
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(total - rest.len() + k - 1);
                    }
                }
                length = j;
                end = true;
                if matches!(length, 1 | 3 | 6) {
                    return Err(total - rest.len() - 1);
                }
                break;
            }
            match BASE32_ALPHABET
                .iter()
                .position(|candidate| *candidate == byte)
            {
                Some(value) => quantum[j] = value as u8,
                None => return Err(total - rest.len() - 1),
            }
            j += 1;
        }
        let bits = quantum.iter().fold(0u64, |accumulator, value| {
            (accumulator << 5) | u64::from(*value)
        });
        let bytes = bits.to_be_bytes();
        let produced = match length {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[3..3 + produced]);
    }
    Ok(out)
}

fn sha1sum(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    string_result(
        context,
        hex::encode(sha1::Sha1::digest(text(args))).into_bytes(),
    )
}

fn sha256sum(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    string_result(
        context,
        hex::encode(sha2::Sha256::digest(text(args))).into_bytes(),
    )
}

fn any_arg(args: &[Rv]) -> &Value {
    args.first().map_or(&Value::Nil, |arg| &arg.value)
}

/// Marshalling errors are swallowed (the result is empty); resource limits are not.
fn swallowed(
    result: std::result::Result<Vec<u8>, MarshalError>,
) -> std::result::Result<Vec<u8>, FnError> {
    match result {
        Ok(encoded) => Ok(encoded),
        Err(MarshalError::Unsupported(_)) => Ok(Vec::new()),
        Err(MarshalError::Exceeded(exceeded)) => Err(exceeded.into()),
    }
}

fn to_json(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let encoded = swallowed(json::marshal(any_arg(args), true, context.max_bytes()))?;
    string_result(context, encoded)
}

/// Errors panic in sprig, which Go reports as the call's error.
fn to_raw_json(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    match json::marshal(any_arg(args), false, context.max_bytes()) {
        Ok(encoded) => string_result(context, encoded),
        Err(MarshalError::Unsupported(text)) => Err(FnError::new(text)),
        Err(MarshalError::Exceeded(exceeded)) => Err(exceeded.into()),
    }
}

fn to_pretty_json(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let encoded = swallowed(json::marshal_indent(any_arg(args), context.max_bytes()))?;
    string_result(context, encoded)
}

/// Invalid JSON gives nil (the error is swallowed); a document nested deeper than
/// [`MAX_VALUE_DEPTH`](crate::template::MAX_VALUE_DEPTH) is a limit error.
fn from_json(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    match json::unmarshal(text(args)) {
        Ok(value) => Ok(Rv::boxed(value)),
        Err(UnmarshalError::Invalid) => Ok(Rv::boxed(Value::Nil)),
        Err(UnmarshalError::TooDeep) => Err(Exceeded::Depth.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_errors_report_go_offsets() {
        assert_eq!(go_base64_decode(b"aGVsbG8="), Ok(b"hello".to_vec()));
        assert_eq!(go_base64_decode(b"hello!"), Err(5));
        assert_eq!(go_base64_decode(b"aGVsbG8"), Err(4));
        assert_eq!(go_base64_decode(b"aGVs\nbG8="), Ok(b"hello".to_vec()));
        assert_eq!(go_base64_decode(b"aGVsbG8=x"), Err(8));
        assert_eq!(go_base64_decode(b"a==="), Err(1));
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(go_base32_decode(b"NBSWY3DP"), Ok(b"hello".to_vec()));
        assert_eq!(go_base32_decode(b"MZXW6==="), Ok(b"foo".to_vec()));
        assert!(go_base32_decode(b"M1======").is_err());
    }
}
