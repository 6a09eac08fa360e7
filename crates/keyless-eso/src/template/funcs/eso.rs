//! ESO's own template functions: `filterPEM`, `toYaml`, `fromYaml`.

use base64::Engine as _;

use super::encoding::go_base64_decode;
use super::strings::{bytes_arg, string_result};
use super::{CallContext, FnError, FuncDef, nested_result, sprig};
use crate::template::gofmt::runes;
use crate::template::reflect::{Rv, Ty};
use crate::template::unicode::{to_lower, to_upper};
use crate::template::value::Value;
use crate::template::yaml;

pub(crate) const FUNCS: &[FuncDef] = &[
    sprig("filterPEM", &[Ty::String, Ty::String], None, filter_pem),
    sprig("toYaml", &[Ty::Any], None, to_yaml),
    sprig("fromYaml", &[Ty::String], None, from_yaml),
];

type Result = std::result::Result<Rv, FnError>;

/// A PEM block as Go's `encoding/pem` decodes it.
struct Block {
    kind: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    bytes: Vec<u8>,
}

/// Go's `getLine`: the line without its `\n` (and `\r`), right-trimmed of spaces and tabs.
fn get_line(data: &[u8]) -> (&[u8], &[u8]) {
    let (mut line, rest) = match data.iter().position(|byte| *byte == b'\n') {
        Some(newline) => {
            let mut end = newline;
            if end > 0 && data[end - 1] == b'\r' {
                end -= 1;
            }
            (&data[..end], &data[newline + 1..])
        }
        None => (data, &data[data.len()..]),
    };
    while let Some((last, init)) = line.split_last() {
        if *last != b' ' && *last != b'\t' {
            break;
        }
        line = init;
    }
    (line, rest)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn trim_ascii_space(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(start, |end| end + 1);
    &bytes[start..end]
}

/// Go 1.19's `pem.Decode`: the next block and the rest, or `None` with all of `data`.
fn pem_decode(data: &[u8]) -> (Option<Block>, &[u8]) {
    const START: &[u8] = b"\n-----BEGIN ";
    const END: &[u8] = b"\n-----END ";
    const END_OF_LINE: &[u8] = b"-----";
    let mut rest = data;
    loop {
        if rest.starts_with(&START[1..]) {
            rest = &rest[START.len() - 1..];
        } else if let Some(position) = find(rest, START) {
            rest = &rest[position + START.len()..];
        } else {
            return (None, data);
        }

        let (type_line, after_type) = get_line(rest);
        rest = after_type;
        let Some(kind) = type_line.strip_suffix(END_OF_LINE) else {
            continue;
        };

        let mut headers = Vec::new();
        loop {
            if rest.is_empty() {
                return (None, data);
            }
            let (line, next) = get_line(rest);
            let Some(colon) = line.iter().position(|byte| *byte == b':') else {
                break;
            };
            let key = trim_ascii_space(&line[..colon]).to_vec();
            let value = trim_ascii_space(&line[colon + 1..]).to_vec();
            headers.retain(|(existing, _): &(Vec<u8>, Vec<u8>)| *existing != key);
            headers.push((key, value));
            rest = next;
        }

        let (end_index, end_trailer_index) = if headers.is_empty() && rest.starts_with(&END[1..]) {
            (0, END.len() - 1)
        } else {
            match find(rest, END) {
                Some(index) => (index, index + END.len()),
                None => continue,
            }
        };
        let end_trailer = &rest[end_trailer_index..];
        let trailer_length = kind.len() + END_OF_LINE.len();
        if end_trailer.len() < trailer_length {
            continue;
        }
        let (trailer, rest_of_end_line) = end_trailer.split_at(trailer_length);
        if !trailer.starts_with(kind) || !trailer.ends_with(END_OF_LINE) {
            continue;
        }
        if !get_line(rest_of_end_line).0.is_empty() {
            continue;
        }
        let base64_data: Vec<u8> = rest[..end_index]
            .iter()
            .copied()
            .filter(|byte| *byte != b' ' && *byte != b'\t')
            .collect();
        let Ok(bytes) = go_base64_decode(&base64_data) else {
            continue;
        };
        let after_end = &rest[end_index + END.len() - 1..];
        let (_, remaining) = get_line(after_end);
        return (
            Some(Block {
                kind: kind.to_vec(),
                headers,
                bytes,
            }),
            remaining,
        );
    }
}

/// Go's `pem.Encode`.
fn pem_encode(block: &Block) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"-----BEGIN ");
    out.extend_from_slice(&block.kind);
    out.extend_from_slice(b"-----\n");
    if !block.headers.is_empty() {
        let mut keys: Vec<&(Vec<u8>, Vec<u8>)> = block.headers.iter().collect();
        keys.sort_by(|first, second| {
            let first_is_proc = first.0 == b"Proc-Type";
            let second_is_proc = second.0 == b"Proc-Type";
            second_is_proc
                .cmp(&first_is_proc)
                .then_with(|| first.0.cmp(&second.0))
        });
        for (key, value) in keys {
            out.extend_from_slice(key);
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(&block.bytes);
    for line in encoded.as_bytes().chunks(64) {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.extend_from_slice(b"-----END ");
    out.extend_from_slice(&block.kind);
    out.extend_from_slice(b"-----\n");
    out
}

/// Go's `strings.EqualFold` (simple Unicode case folding).
fn equal_fold(first: &[u8], second: &[u8]) -> bool {
    let mut first_runes = runes(first).map(|(rune, _, _)| rune);
    let mut second_runes = runes(second).map(|(rune, _, _)| rune);
    loop {
        match (first_runes.next(), second_runes.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) => {
                if a != b && to_lower(a) != to_lower(b) && to_upper(a) != to_upper(b) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// ESO's `filterPEM TYPE INPUT`: the blocks of that type, re-encoded; an error when nothing
/// matched and unparsable text remained.
fn filter_pem(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let wanted = bytes_arg(args, 0);
    let input = bytes_arg(args, 1);
    let start = find(input, b"-----BEGIN").unwrap_or(0);
    let mut data = &input[start..];
    let mut out = Vec::new();
    let rest = loop {
        let (block, rest) = pem_decode(data);
        data = rest;
        let Some(block) = block else {
            break rest;
        };
        if equal_fold(&block.kind, wanted) {
            out.extend_from_slice(&pem_encode(&block));
        }
    };
    if out.is_empty() && !rest.is_empty() {
        return Err(FnError::new("error filtering pem: found junk"));
    }
    string_result(context, out)
}

/// ESO's `toYaml`: sigs.k8s.io/yaml's output without the final newline; empty on error
/// (but not past a resource limit).
fn to_yaml(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let value = args.first().map_or(&Value::Nil, |arg| &arg.value);
    // One more byte for the final newline, which is dropped.
    let mut out = match yaml::marshal(value, context.max_bytes().saturating_add(1)) {
        Ok(out) => out,
        Err(yaml::MarshalError::Unsupported) => Vec::new(),
        Err(yaml::MarshalError::Exceeded(exceeded)) => {
            return Err(exceeded.against(context.max_bytes()).into());
        }
    };
    if out.last() == Some(&b'\n') {
        out.pop();
    }
    string_result(context, out)
}

/// ESO's `fromYaml`: a `map[string]interface {}`, with any error text under the key `Error`.
/// (serde-saphyr refuses documents nested deeper than 64 levels, below the value limit.)
fn from_yaml(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    nested_result(yaml::unmarshal_to_map(bytes_arg(args, 0)))
}
