//! String functions: Go's `strings` package as sprig exposes it (argument order switched so
//! that the subject comes last and can be piped in).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::{Bounded, CallContext, FnError, FuncDef, sprig};
use crate::template::gofmt::{push_rune, quote_bytes, runes, sprint_value, strval};
use crate::template::reflect::{Rv, Ty};
use crate::template::unicode::{is_digit, is_letter, is_space, to_lower, to_title, to_upper};
use crate::template::value::{Exceeded, GoString, Value};

const S: Ty = Ty::String;

pub(crate) const FUNCS: &[FuncDef] = &[
    sprig("upper", &[S], None, upper),
    sprig("lower", &[S], None, lower),
    sprig("title", &[S], None, title),
    sprig("trim", &[S], None, trim),
    sprig("trimAll", &[S, S], None, trim_all),
    sprig("trimall", &[S, S], None, trim_all),
    sprig("trimPrefix", &[S, S], None, trim_prefix),
    sprig("trimSuffix", &[S, S], None, trim_suffix),
    sprig("replace", &[S, S, S], None, replace),
    sprig("quote", &[], Some(Ty::Any), quote),
    sprig("squote", &[], Some(Ty::Any), squote),
    sprig("indent", &[Ty::Int, S], None, indent),
    sprig("nindent", &[Ty::Int, S], None, nindent),
    sprig("trunc", &[Ty::Int, S], None, trunc),
    sprig("repeat", &[Ty::Int, S], None, repeat),
    sprig("contains", &[S, S], None, contains),
    sprig("hasPrefix", &[S, S], None, has_prefix),
    sprig("hasSuffix", &[S, S], None, has_suffix),
    sprig("split", &[S, S], None, split),
    sprig("splitList", &[S, S], None, split_list),
    sprig("join", &[S, Ty::Any], None, join),
    sprig("toString", &[Ty::Any], None, to_string),
    sprig("cat", &[], Some(Ty::Any), cat),
    sprig("nospace", &[S], None, nospace),
];

type Result = std::result::Result<Rv, FnError>;

/// The `index`-th argument as bytes (arguments are already converted to `string`).
pub(crate) fn bytes_arg(args: &[Rv], index: usize) -> &[u8] {
    match args.get(index).map(|arg| &arg.value) {
        Some(Value::String(text)) => text.as_bytes(),
        _ => &[],
    }
}

/// The `index`-th argument as an `int`.
pub(crate) fn int_arg(args: &[Rv], index: usize) -> i64 {
    match args.get(index).map(|arg| &arg.value) {
        Some(Value::Int(number)) => *number,
        _ => 0,
    }
}

pub(crate) fn string_result(context: &CallContext<'_>, bytes: Vec<u8>) -> Result {
    context.ensure_size(bytes.len())?;
    Ok(Rv::new(Value::string(bytes)))
}

fn bool_result(flag: bool) -> Result {
    Ok(Rv::new(Value::Bool(flag)))
}

/// Go's `strings.Map`: invalid UTF-8 bytes become U+FFFD once any rune is mapped.
fn map_runes(text: &[u8], mut mapping: impl FnMut(char) -> char) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for (rune, _, _) in runes(text) {
        push_rune(&mut out, mapping(rune));
    }
    out
}

fn upper(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = bytes_arg(args, 0);
    if text.is_ascii() {
        return string_result(context, text.to_ascii_uppercase());
    }
    string_result(context, map_runes(text, to_upper))
}

fn lower(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = bytes_arg(args, 0);
    if text.is_ascii() {
        return string_result(context, text.to_ascii_lowercase());
    }
    string_result(context, map_runes(text, to_lower))
}

/// Go's `strings.Title`: upper-cases (title-cases) the first letter of each word.
fn title(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = bytes_arg(args, 0);
    let mut previous = ' ';
    let changed = runes(text).any(|(rune, _, valid)| {
        let separated = is_separator(previous);
        previous = rune;
        !valid || (separated && to_title(rune) != rune)
    });
    if !changed {
        return string_result(context, text.to_vec());
    }
    let mut previous = ' ';
    let out = map_runes(text, |rune| {
        let mapped = if is_separator(previous) {
            to_title(rune)
        } else {
            rune
        };
        previous = rune;
        mapped
    });
    string_result(context, out)
}

fn is_separator(rune: char) -> bool {
    if rune.is_ascii() {
        return !(rune.is_ascii_alphanumeric() || rune == '_');
    }
    if is_letter(rune) || is_digit(rune) {
        return false;
    }
    is_space(rune)
}

/// The byte range left of `text` once leading and trailing runes for which `cut` holds are
/// dropped, in one pass. Runes are decoded Go's way (each invalid byte is a U+FFFD of its own,
/// passed with `valid == false`); decoding from either end gives the same runes, so one
/// forward pass finds both ends.
fn trimmed(text: &[u8], mut cut: impl FnMut(char, bool) -> bool) -> std::ops::Range<usize> {
    let mut start = None;
    let mut end = 0;
    let mut offset = 0;
    for (rune, width, valid) in runes(text) {
        let dropped = cut(rune, valid);
        if start.is_none() && !dropped {
            start = Some(offset);
        }
        offset += width;
        if !dropped {
            end = offset;
        }
    }
    match start {
        Some(start) => start..end,
        None => text.len()..text.len(),
    }
}

/// Go's `strings.TrimSpace`.
fn trim(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = bytes_arg(args, 0);
    let range = trimmed(text, |rune, valid| valid && is_space(rune));
    string_result(context, text[range].to_vec())
}

/// The runes of a `strings.Trim` cutset, for constant-time membership tests.
struct Cutset {
    ascii: [bool; 128],
    other: HashSet<char>,
}

impl Cutset {
    /// Invalid UTF-8 in the cutset decodes to U+FFFD, which then matches invalid bytes and
    /// U+FFFD in the text, as Go's `ContainsRune(cutset, RuneError)` does.
    fn new(cutset: &[u8]) -> Self {
        let mut set = Self {
            ascii: [false; 128],
            other: HashSet::new(),
        };
        for (rune, _, _) in runes(cutset) {
            match usize::try_from(u32::from(rune)) {
                Ok(code) if code < 128 => set.ascii[code] = true,
                _ => {
                    set.other.insert(rune);
                }
            }
        }
        set
    }

    fn contains(&self, rune: char) -> bool {
        match usize::try_from(u32::from(rune)) {
            Ok(code) if code < 128 => self.ascii[code],
            _ => self.other.contains(&rune),
        }
    }
}

/// Go's `strings.Trim(subject, cutset)`.
fn trim_all(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let cutset = bytes_arg(args, 0);
    let text = bytes_arg(args, 1);
    if text.is_empty() || cutset.is_empty() {
        return string_result(context, text.to_vec());
    }
    let cutset = Cutset::new(cutset);
    let range = trimmed(text, |rune, _| cutset.contains(rune));
    string_result(context, text[range].to_vec())
}

fn trim_prefix(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let prefix = bytes_arg(args, 0);
    let text = bytes_arg(args, 1);
    string_result(context, text.strip_prefix(prefix).unwrap_or(text).to_vec())
}

fn trim_suffix(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let suffix = bytes_arg(args, 0);
    let text = bytes_arg(args, 1);
    string_result(context, text.strip_suffix(suffix).unwrap_or(text).to_vec())
}

/// Calls `visit` with the offset of each occurrence of a non-empty `needle` in `text`,
/// leftmost first and without overlap (Go's `strings.Index` loop), until it returns false.
/// Knuth-Morris-Pratt keeps this linear in both lengths; comparing the needle at every offset
/// takes time proportional to their product, hours for two long strings.
fn search(text: &[u8], needle: &[u8], mut visit: impl FnMut(usize) -> bool) {
    if needle.is_empty() || needle.len() > text.len() {
        return;
    }
    // fallback[i]: the length of the longest proper prefix of needle[..=i] that is also its
    // suffix, where a partial match resumes after a mismatch.
    let mut fallback = vec![0usize; needle.len()];
    let mut length = 0;
    for index in 1..needle.len() {
        while length > 0 && needle[index] != needle[length] {
            length = fallback[length - 1];
        }
        if needle[index] == needle[length] {
            length += 1;
        }
        fallback[index] = length;
    }
    let mut matched = 0;
    for (index, &byte) in text.iter().enumerate() {
        while matched > 0 && byte != needle[matched] {
            matched = fallback[matched - 1];
        }
        if byte == needle[matched] {
            matched += 1;
        }
        if matched == needle.len() {
            if !visit(index + 1 - needle.len()) {
                return;
            }
            // No overlap: the next occurrence starts after this one.
            matched = 0;
        }
    }
}

/// Byte offsets where `needle` occurs without overlap (Go's `strings.Count` positions); an
/// empty needle matches before every rune and at the end.
fn occurrences(text: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut positions = Vec::new();
    if needle.is_empty() {
        let mut offset = 0;
        for (_, width, _) in runes(text) {
            positions.push(offset);
            offset += width;
        }
        positions.push(text.len());
        return positions;
    }
    search(text, needle, |position| {
        positions.push(position);
        true
    });
    positions
}

/// Go's `strings.Replace(src, old, new, -1)`.
pub(crate) fn replace_all(
    context: &CallContext<'_>,
    text: &[u8],
    old: &[u8],
    new: &[u8],
) -> std::result::Result<Vec<u8>, FnError> {
    let positions = occurrences(text, old);
    let size = text.len() + positions.len().saturating_mul(new.len());
    context.ensure_size(size.saturating_sub(positions.len() * old.len()))?;
    let mut out = Vec::with_capacity(size);
    let mut last = 0;
    for position in positions {
        out.extend_from_slice(&text[last..position]);
        out.extend_from_slice(new);
        last = position + old.len();
    }
    out.extend_from_slice(&text[last.min(text.len())..]);
    Ok(out)
}

fn replace(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let out = replace_all(
        context,
        bytes_arg(args, 2),
        bytes_arg(args, 0),
        bytes_arg(args, 1),
    )?;
    string_result(context, out)
}

/// The non-nil arguments, each rendered by `part` within the room left, joined by spaces
/// (sprig's `quote`, `squote` and `cat`).
fn join_parts(
    context: &CallContext<'_>,
    args: &[Rv],
    mut part: impl FnMut(&Value, usize) -> std::result::Result<Vec<u8>, Exceeded>,
) -> Result {
    let mut out = Bounded::new(context);
    for (position, arg) in args
        .iter()
        .filter(|arg| !matches!(arg.value, Value::Nil))
        .enumerate()
    {
        if position > 0 {
            out.push(b" ")?;
        }
        let rendered = part(&arg.value, out.room())
            .map_err(|exceeded| exceeded.against(context.max_bytes()))?;
        out.push(&rendered)?;
    }
    string_result(context, out.into_bytes())
}

fn quote(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    join_parts(context, args, |value, room| {
        let text = strval(value, room)?;
        // Quoting adds at least the two quotes; fail before quoting what cannot fit.
        if text.len().saturating_add(2) > room {
            return Err(Exceeded::Size(room));
        }
        Ok(quote_bytes(text.as_bytes(), false))
    })
}

fn squote(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    join_parts(context, args, |value, room| {
        let mut part = vec![b'\''];
        part.extend_from_slice(&sprint_value(value, room.saturating_sub(2))?);
        part.push(b'\'');
        Ok(part)
    })
}

/// Go's `strings.Repeat`, with its panics as errors.
pub(crate) fn repeat_bytes(
    context: &CallContext<'_>,
    text: &[u8],
    count: i64,
) -> std::result::Result<Vec<u8>, FnError> {
    let Ok(count) = usize::try_from(count) else {
        return Err(FnError::new("strings: negative Repeat count"));
    };
    let Some(size) = text.len().checked_mul(count) else {
        return Err(FnError::new("strings: Repeat count causes overflow"));
    };
    context.ensure_size(size)?;
    Ok(text.repeat(count))
}

fn indent_bytes(
    context: &CallContext<'_>,
    spaces: i64,
    text: &[u8],
) -> std::result::Result<Vec<u8>, FnError> {
    let pad = repeat_bytes(context, b" ", spaces)?;
    let mut separator = b"\n".to_vec();
    separator.extend_from_slice(&pad);
    let replaced = replace_all(context, text, b"\n", &separator)?;
    let mut out = pad;
    out.extend_from_slice(&replaced);
    Ok(out)
}

fn indent(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let out = indent_bytes(context, int_arg(args, 0), bytes_arg(args, 1))?;
    string_result(context, out)
}

fn nindent(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let mut out = b"\n".to_vec();
    out.extend_from_slice(&indent_bytes(
        context,
        int_arg(args, 0),
        bytes_arg(args, 1),
    )?);
    string_result(context, out)
}

/// Sprig's `trunc`: cuts bytes (a negative count keeps the end).
fn trunc(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let count = int_arg(args, 0);
    let text = bytes_arg(args, 1);
    let length = i64::try_from(text.len()).unwrap_or(i64::MAX);
    let out = if count < 0 && length + count > 0 {
        &text[(length + count) as usize..]
    } else if count >= 0 && length > count {
        &text[..count as usize]
    } else {
        text
    };
    string_result(context, out.to_vec())
}

fn repeat(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let out = repeat_bytes(context, bytes_arg(args, 1), int_arg(args, 0))?;
    string_result(context, out)
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    let mut found = needle.is_empty();
    search(haystack, needle, |_| {
        found = true;
        false
    });
    found
}

fn contains(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    bool_result(find(bytes_arg(args, 1), bytes_arg(args, 0)))
}

fn has_prefix(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    bool_result(bytes_arg(args, 1).starts_with(bytes_arg(args, 0)))
}

fn has_suffix(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    bool_result(bytes_arg(args, 1).ends_with(bytes_arg(args, 0)))
}

/// Go's `strings.Split`: an empty separator splits into runes (and an empty string into no
/// parts at all).
pub(crate) fn split_bytes(text: &[u8], separator: &[u8]) -> Vec<GoString> {
    if separator.is_empty() {
        let mut parts = Vec::new();
        let mut offset = 0;
        for (_, width, _) in runes(text) {
            parts.push(GoString::from(&text[offset..offset + width]));
            offset += width;
        }
        return parts;
    }
    let mut parts = Vec::new();
    let mut last = 0;
    for position in occurrences(text, separator) {
        parts.push(GoString::from(&text[last..position]));
        last = position + separator.len();
    }
    parts.push(GoString::from(&text[last..]));
    parts
}

fn split(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let parts = split_bytes(bytes_arg(args, 1), bytes_arg(args, 0));
    let map: BTreeMap<GoString, GoString> = parts
        .into_iter()
        .enumerate()
        .map(|(index, part)| (GoString::from(format!("_{index}")), part))
        .collect();
    Ok(Rv::new(Value::StrMap(Arc::new(map))))
}

fn split_list(_: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let parts = split_bytes(bytes_arg(args, 1), bytes_arg(args, 0));
    Ok(Rv::new(Value::StrList(Arc::new(parts))))
}

/// Sprig's `strslice`: a list of strings from a slice (nil elements dropped) or a scalar.
/// Elements that are not strings are printed, in at most `limit` bytes altogether.
pub(crate) fn strslice(
    value: &Value,
    limit: usize,
) -> std::result::Result<Vec<GoString>, Exceeded> {
    Ok(match value {
        Value::StrList(items) => items.as_ref().clone(),
        Value::List(items) => {
            let mut room = limit;
            let mut parts = Vec::with_capacity(items.len());
            for item in items.iter().filter(|item| !matches!(item, Value::Nil)) {
                let part = strval(item, room).map_err(|exceeded| exceeded.against(limit))?;
                if !matches!(item, Value::String(_)) {
                    room -= part.len();
                }
                parts.push(part);
            }
            parts
        }
        Value::Nil => Vec::new(),
        other => vec![strval(other, limit)?],
    })
}

fn join(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let separator = bytes_arg(args, 0);
    let parts = strslice(
        args.get(1).map_or(&Value::Nil, |arg| &arg.value),
        context.max_bytes(),
    )?;
    let size = parts.iter().map(GoString::len).sum::<usize>()
        + separator
            .len()
            .saturating_mul(parts.len().saturating_sub(1));
    context.ensure_size(size)?;
    let joined = parts
        .iter()
        .map(GoString::as_bytes)
        .collect::<Vec<_>>()
        .join(separator);
    string_result(context, joined)
}

fn to_string(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let value = args.first().map_or(&Value::Nil, |arg| &arg.value);
    let text = strval(value, context.max_bytes())?;
    string_result(context, text.as_bytes().to_vec())
}

/// Sprig's `cat`: non-nil arguments printed with `%v`, separated by spaces.
fn cat(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    join_parts(context, args, sprint_value)
}

/// Sprig's `nospace` (goutils `DeleteWhiteSpace`). It walks bytes, not runes: each byte is
/// taken as the code point of the same value, so when anything is removed, non-ASCII bytes
/// come out re-encoded as two-byte UTF-8 (Latin-1 to UTF-8), as in Go.
fn nospace(context: &mut CallContext<'_>, args: &[Rv]) -> Result {
    let text = bytes_arg(args, 0);
    let mut out = Vec::with_capacity(text.len());
    let mut kept = 0;
    for byte in text {
        let rune = char::from(*byte);
        if !is_space(rune) {
            push_rune(&mut out, rune);
            kept += 1;
        }
    }
    if kept == text.len() {
        return string_result(context, text.to_vec());
    }
    string_result(context, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(text: &[u8], needle: &[u8]) -> Vec<usize> {
        let mut positions = Vec::new();
        let mut offset = 0;
        while offset + needle.len() <= text.len() {
            if &text[offset..offset + needle.len()] == needle {
                positions.push(offset);
                offset += needle.len();
            } else {
                offset += 1;
            }
        }
        positions
    }

    #[test]
    fn search_finds_what_comparing_everywhere_finds() {
        let texts: [&[u8]; 6] = [b"", b"a", b"aaaaa", b"abababab", b"aabaabaaab", b"xyz,,x,"];
        let needles: [&[u8]; 8] = [b"a", b"aa", b"aab", b"abab", b"b", b",", b",,", b"zz"];
        for text in texts {
            for needle in needles {
                assert_eq!(
                    occurrences(text, needle),
                    naive(text, needle),
                    "{text:?} {needle:?}"
                );
                assert_eq!(
                    find(text, needle),
                    !naive(text, needle).is_empty(),
                    "{text:?} {needle:?}"
                );
            }
        }
        assert_eq!(occurrences("aé".as_bytes(), b""), vec![0, 1, 3]);
        assert!(find(b"", b""));
    }

    #[test]
    fn trimming_keeps_go_semantics() {
        let trim_space = |text: &[u8]| {
            let range = trimmed(text, |rune, valid| valid && is_space(rune));
            text[range].to_vec()
        };
        assert_eq!(trim_space(b" \t a b \n"), b"a b");
        assert_eq!(trim_space(b"   "), b"");
        assert_eq!(trim_space("\u{85}x\u{a0}".as_bytes()), b"x");
        assert_eq!(trim_space(b" \xff "), b"\xff");
        let cutset = Cutset::new("xé\u{FFFD}".as_bytes());
        let trim_set = |text: &[u8]| {
            let range = trimmed(text, |rune, _| cutset.contains(rune));
            text[range].to_vec()
        };
        assert_eq!(trim_set("xéaéx".as_bytes()), b"a");
        // Invalid bytes decode to U+FFFD, which the cutset holds.
        assert_eq!(trim_set(b"\xffa\xfe"), b"a");
        assert_eq!(trim_set("éx".as_bytes()), b"");
    }
}
