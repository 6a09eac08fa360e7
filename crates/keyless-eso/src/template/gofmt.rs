//! Go's `fmt` printing (`Sprint`, `Sprintln`, `Sprintf`) and the `strconv` formatting it relies
//! on, for the value types of [`Value`].
//!
//! Template output is produced by `fmt.Fprint`, `printf` is `fmt.Sprintf`, and several sprig
//! functions format with `%v` or `%q`, so the exact text of Go's printer is part of what a
//! template renders: `1754110382` read by `fromJson` prints as `1.754110382e+09`, a list as
//! `[a b]`, a bad verb as `%!d(string=x)`.

use super::unicode::is_print;
use super::value::{Exceeded, GoString, Value, check_depth};

/// Formatting flags and sizes of one verb, as Go's `fmt.fmt` keeps them.
#[derive(Clone, Copy, Default)]
struct Flags {
    width: Option<usize>,
    precision: Option<usize>,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

/// The printer's output: bytes up to a budget. Past the budget nothing more is written and
/// [`exceeded`](Self::exceeded) is set, which the printer checks to stop walking the value:
/// lists sharing their elements can print to far more bytes than they occupy.
struct Buffer {
    bytes: Vec<u8>,
    limit: usize,
    exceeded: bool,
}

impl Buffer {
    fn new(limit: usize) -> Self {
        Self {
            bytes: Vec::new(),
            limit,
            exceeded: false,
        }
    }

    /// Whether `count` more bytes fit; marks the buffer exceeded when not.
    fn room_for(&mut self, count: usize) -> bool {
        if !self.exceeded && self.bytes.len().saturating_add(count) > self.limit {
            self.exceeded = true;
        }
        !self.exceeded
    }

    fn push(&mut self, byte: u8) {
        if self.room_for(1) {
            self.bytes.push(byte);
        }
    }

    fn extend_from_slice(&mut self, bytes: &[u8]) {
        if self.room_for(bytes.len()) {
            self.bytes.extend_from_slice(bytes);
        }
    }

    fn fill(&mut self, byte: u8, count: usize) {
        if self.room_for(count) {
            self.bytes.resize(self.bytes.len() + count, byte);
        }
    }

    fn push_rune(&mut self, rune: char) {
        let mut buffer = [0u8; 4];
        self.extend_from_slice(rune.encode_utf8(&mut buffer).as_bytes());
    }

    fn finish(self) -> Result<Vec<u8>, Exceeded> {
        if self.exceeded {
            return Err(Exceeded::Size(self.limit));
        }
        Ok(self.bytes)
    }
}

/// A printer writing into a byte buffer.
struct Printer {
    out: Buffer,
    flags: Flags,
}

// Every printing entry point takes `limit`, the most bytes the text may have, and fails with
// `Exceeded::Size` past it without building the rest; a value nested deeper than
// `MAX_VALUE_DEPTH` is refused before printing, as printing recurses once per level.

/// `fmt.Sprint`: operands joined with a space when neither side is a string.
pub(crate) fn sprint(args: &[Value], limit: usize) -> Result<Vec<u8>, Exceeded> {
    args.iter().try_for_each(check_depth)?;
    let mut printer = Printer::new(limit);
    let mut previous_was_string = false;
    for (position, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if position > 0 && !is_string && !previous_was_string {
            printer.out.push(b' ');
        }
        printer.flags = Flags::default();
        printer.print_arg(arg, 'v');
        if printer.out.exceeded {
            break;
        }
        previous_was_string = is_string;
    }
    printer.out.finish()
}

/// `fmt.Sprintln`: operands always separated by a space, newline appended.
pub(crate) fn sprintln(args: &[Value], limit: usize) -> Result<Vec<u8>, Exceeded> {
    args.iter().try_for_each(check_depth)?;
    let mut printer = Printer::new(limit);
    for (position, arg) in args.iter().enumerate() {
        if position > 0 {
            printer.out.push(b' ');
        }
        printer.flags = Flags::default();
        printer.print_arg(arg, 'v');
        if printer.out.exceeded {
            break;
        }
    }
    printer.out.push(b'\n');
    printer.out.finish()
}

/// The `%v` text of one value (`fmt.Sprint(v)` for a single operand).
pub(crate) fn sprint_value(value: &Value, limit: usize) -> Result<Vec<u8>, Exceeded> {
    check_depth(value)?;
    let mut printer = Printer::new(limit);
    printer.print_arg(value, 'v');
    printer.out.finish()
}

/// `fmt.Sprintf`.
pub(crate) fn sprintf(format: &[u8], args: &[Value], limit: usize) -> Result<Vec<u8>, Exceeded> {
    args.iter().try_for_each(check_depth)?;
    let mut printer = Printer::new(limit);
    printer.do_printf(format, args);
    printer.out.finish()
}

/// Go's `tooLarge`: widths and precisions beyond a million are treated as absent.
fn too_large(number: usize) -> bool {
    number > 1_000_000
}

/// Parses a decimal number at `start`; returns the number, whether one was present, and the
/// index after it (Go's `parsenum`).
fn parse_number(format: &[u8], start: usize) -> (usize, bool, usize) {
    let mut number = 0usize;
    let mut present = false;
    let mut index = start;
    while index < format.len() && format[index].is_ascii_digit() {
        if too_large(number) {
            return (0, false, format.len());
        }
        number = number * 10 + usize::from(format[index] - b'0');
        present = true;
        index += 1;
    }
    (number, present, index)
}

/// The value of a `*` width or precision operand (Go's `intFromArg`).
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(arg) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (mut number, mut is_int) = match arg {
        Value::Int(number) | Value::Int64(number) => (*number, true),
        Value::Uint8(byte) => (i64::from(*byte), true),
        _ => (0, false),
    };
    if !(-1_000_000..=1_000_000).contains(&number) {
        number = 0;
        is_int = false;
    }
    (number, is_int, arg_num + 1)
}

impl Printer {
    fn new(limit: usize) -> Self {
        Self {
            out: Buffer::new(limit),
            flags: Flags::default(),
        }
    }

    fn do_printf(&mut self, format: &[u8], args: &[Value]) {
        let end = format.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut reordered = false;
        let mut index = 0usize;
        'format: while index < end {
            if self.out.exceeded {
                return;
            }
            let mut good_arg_num = true;
            let literal_start = index;
            while index < end && format[index] != b'%' {
                index += 1;
            }
            if index > literal_start {
                self.out.extend_from_slice(&format[literal_start..index]);
            }
            if index >= end {
                break;
            }
            index += 1;
            self.flags = Flags::default();

            // Flags, and the fast path for a simple verb right after them.
            while index < end {
                let byte = format[index];
                match byte {
                    b'#' => self.flags.sharp = true,
                    b'0' => self.flags.zero = !self.flags.minus,
                    b'+' => self.flags.plus = true,
                    b'-' => {
                        self.flags.minus = true;
                        self.flags.zero = false;
                    }
                    b' ' => self.flags.space = true,
                    _ => {
                        if byte.is_ascii_lowercase() && arg_num < args.len() {
                            if byte == b'v' {
                                self.flags.sharp_v = self.flags.sharp;
                                self.flags.sharp = false;
                                self.flags.plus_v = self.flags.plus;
                                self.flags.plus = false;
                            }
                            self.print_arg(&args[arg_num], char::from(byte));
                            arg_num += 1;
                            index += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                index += 1;
            }

            // Argument index, then width.
            (arg_num, index, after_index) = self.arg_number(
                arg_num,
                format,
                index,
                args.len(),
                &mut good_arg_num,
                &mut reordered,
            );
            if index < end && format[index] == b'*' {
                index += 1;
                let (width, present, next_arg) = int_from_arg(args, arg_num);
                arg_num = next_arg;
                if !present {
                    self.out.extend_from_slice(b"%!(BADWIDTH)");
                }
                self.flags.width = present.then_some(width.unsigned_abs() as usize);
                if width < 0 {
                    self.flags.minus = true;
                    self.flags.zero = false;
                }
                after_index = false;
            } else {
                let (width, present, next) = parse_number(format, index);
                index = next;
                self.flags.width = present.then_some(width);
                if after_index && present {
                    good_arg_num = false;
                }
            }

            // Precision.
            if index + 1 < end && format[index] == b'.' {
                index += 1;
                if after_index {
                    good_arg_num = false;
                }
                (arg_num, index, after_index) = self.arg_number(
                    arg_num,
                    format,
                    index,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
                if index < end && format[index] == b'*' {
                    index += 1;
                    let (precision, present, next_arg) = int_from_arg(args, arg_num);
                    arg_num = next_arg;
                    let valid = present && precision >= 0;
                    self.flags.precision = valid.then_some(precision.unsigned_abs() as usize);
                    if !valid {
                        self.out.extend_from_slice(b"%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (precision, present, next) = parse_number(format, index);
                    index = next;
                    self.flags.precision = Some(if present { precision } else { 0 });
                }
            }

            if !after_index {
                (arg_num, index, after_index) = self.arg_number(
                    arg_num,
                    format,
                    index,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
            }
            let _ = after_index;

            if index >= end {
                self.out.extend_from_slice(b"%!(NOVERB)");
                break;
            }
            let (verb, size) = decode_rune(&format[index..]);
            index += size;
            if verb == '%' {
                self.out.push(b'%');
            } else if !good_arg_num {
                self.write_bang(verb);
                self.out.extend_from_slice(b"(BADINDEX)");
            } else if arg_num >= args.len() {
                self.write_bang(verb);
                self.out.extend_from_slice(b"(MISSING)");
            } else {
                if verb == 'v' {
                    self.flags.sharp_v = self.flags.sharp;
                    self.flags.sharp = false;
                    self.flags.plus_v = self.flags.plus;
                    self.flags.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }

        if !reordered && arg_num < args.len() {
            self.flags = Flags::default();
            self.out.extend_from_slice(b"%!(EXTRA ");
            for (position, arg) in args[arg_num..].iter().enumerate() {
                if position > 0 {
                    self.out.extend_from_slice(b", ");
                }
                match arg.go_type() {
                    None => self.out.extend_from_slice(b"<nil>"),
                    Some(type_name) => {
                        self.out.extend_from_slice(type_name.as_bytes());
                        self.out.push(b'=');
                        self.print_arg(arg, 'v');
                    }
                }
            }
            self.out.push(b')');
        }
    }

    /// Go's `argNumber`: an explicit `[n]` argument index.
    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        index: usize,
        num_args: usize,
        good_arg_num: &mut bool,
        reordered: &mut bool,
    ) -> (usize, usize, bool) {
        if format.len() <= index || format[index] != b'[' {
            return (arg_num, index, false);
        }
        *reordered = true;
        let rest = &format[index..];
        let (arg_index, width, ok) = parse_arg_number(rest);
        if let Some(arg_index) = arg_index.filter(|arg_index| ok && *arg_index < num_args) {
            return (arg_index, index + width, true);
        }
        *good_arg_num = false;
        (arg_num, index + width, ok)
    }

    fn write_bang(&mut self, verb: char) {
        self.out.extend_from_slice(b"%!");
        self.out.push_rune(verb);
    }

    fn bad_verb(&mut self, verb: char, value: &Value) {
        self.write_bang(verb);
        self.out.push(b'(');
        match value.go_type() {
            Some(type_name) => {
                self.out.extend_from_slice(type_name.as_bytes());
                self.out.push(b'=');
                let saved = self.flags;
                self.print_value(value, 'v', 0);
                self.flags = saved;
            }
            None => self.out.extend_from_slice(b"<nil>"),
        }
        self.out.push(b')');
    }

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if matches!(arg, Value::Nil) {
            match verb {
                'T' | 'v' => self.pad(b"<nil>"),
                _ => self.bad_verb(verb, arg),
            }
            return;
        }
        match verb {
            'T' => {
                let name = arg.go_type().unwrap_or("<nil>");
                self.format_string_verb_s(name.as_bytes());
                return;
            }
            'p' => {
                // Addresses are meaningless here; Go prints a pointer for maps and slices and
                // a bad verb for everything else.
                self.bad_verb(verb, arg);
                return;
            }
            _ => {}
        }
        self.print_value(arg, verb, 0);
    }

    fn print_value(&mut self, value: &Value, verb: char, depth: usize) {
        if self.out.exceeded {
            return;
        }
        match value {
            Value::Nil => {
                // A nil element inside a map or slice (an interface holding nil).
                if self.flags.sharp_v {
                    self.out.extend_from_slice(b"interface {}(nil)");
                } else if depth == 0 {
                    self.out.extend_from_slice(b"<invalid reflect.Value>");
                } else {
                    self.out.extend_from_slice(b"<nil>");
                }
            }
            Value::Bool(flag) => match verb {
                't' | 'v' => self.pad(if *flag { b"true" } else { b"false" }),
                _ => self.bad_verb(verb, value),
            },
            Value::Int(number) | Value::Int64(number) => {
                self.format_integer(*number as u64, true, verb, value);
            }
            Value::Uint8(byte) => self.format_integer(u64::from(*byte), false, verb, value),
            Value::Float(number) => self.format_float_verb(*number, verb, value),
            Value::String(text) => self.format_string(text.as_bytes(), verb, value),
            Value::StrMap(map) => {
                self.open_composite(value, b"map[");
                for (position, (key, item)) in map.iter().enumerate() {
                    self.composite_separator(position);
                    self.format_string(key.as_bytes(), verb, &Value::String(key.clone()));
                    self.out.push(b':');
                    self.format_string(item.as_bytes(), verb, &Value::String(item.clone()));
                }
                self.close_composite(b']');
            }
            Value::Map(map) => {
                self.open_composite(value, b"map[");
                for (position, (key, item)) in map.iter().enumerate() {
                    self.composite_separator(position);
                    self.format_string(key.as_bytes(), verb, &Value::String(key.clone()));
                    self.out.push(b':');
                    self.print_value(item, verb, depth + 1);
                }
                self.close_composite(b']');
            }
            Value::List(items) => {
                self.open_composite(value, b"[");
                for (position, item) in items.iter().enumerate() {
                    self.composite_separator(position);
                    self.print_value(item, verb, depth + 1);
                }
                self.close_composite(b']');
            }
            Value::StrList(items) => {
                self.open_composite(value, b"[");
                for (position, item) in items.iter().enumerate() {
                    self.composite_separator(position);
                    self.format_string(item.as_bytes(), verb, &Value::String(item.clone()));
                }
                self.close_composite(b']');
            }
        }
    }

    fn open_composite(&mut self, value: &Value, plain_open: &[u8]) {
        if self.flags.sharp_v {
            self.out
                .extend_from_slice(value.go_type().unwrap_or("").as_bytes());
            self.out.push(b'{');
        } else {
            self.out.extend_from_slice(plain_open);
        }
    }

    fn composite_separator(&mut self, position: usize) {
        if position > 0 {
            if self.flags.sharp_v {
                self.out.extend_from_slice(b", ");
            } else {
                self.out.push(b' ');
            }
        }
    }

    fn close_composite(&mut self, plain_close: u8) {
        self.out.push(if self.flags.sharp_v {
            b'}'
        } else {
            plain_close
        });
    }

    /// Writes with width padding (Go's `fmt.pad`); width counts runes.
    fn pad(&mut self, bytes: &[u8]) {
        let Some(width) = self.flags.width.filter(|width| *width > 0) else {
            self.out.extend_from_slice(bytes);
            return;
        };
        let padding = width.saturating_sub(rune_count(bytes));
        if self.flags.minus {
            self.out.extend_from_slice(bytes);
            self.write_padding(padding);
        } else {
            self.write_padding(padding);
            self.out.extend_from_slice(bytes);
        }
    }

    fn write_padding(&mut self, count: usize) {
        let byte = if self.flags.zero { b'0' } else { b' ' };
        self.out.fill(byte, count);
    }

    fn format_integer(&mut self, bits: u64, signed: bool, verb: char, value: &Value) {
        match verb {
            'v' => {
                if self.flags.sharp_v && !signed {
                    let saved = self.flags.sharp;
                    self.flags.sharp = true;
                    self.fmt_integer(bits, 16, signed, verb, LOWER_DIGITS);
                    self.flags.sharp = saved;
                } else {
                    self.fmt_integer(bits, 10, signed, verb, LOWER_DIGITS);
                }
            }
            'd' => self.fmt_integer(bits, 10, signed, verb, LOWER_DIGITS),
            'b' => self.fmt_integer(bits, 2, signed, verb, LOWER_DIGITS),
            'o' | 'O' => self.fmt_integer(bits, 8, signed, verb, LOWER_DIGITS),
            'x' => self.fmt_integer(bits, 16, signed, verb, LOWER_DIGITS),
            'X' => self.fmt_integer(bits, 16, signed, verb, UPPER_DIGITS),
            'c' => {
                let rune = rune_from_code(bits);
                let mut encoded = Vec::new();
                push_rune(&mut encoded, rune);
                self.pad(&encoded);
            }
            'q' => {
                let rune = rune_from_code(bits);
                let quoted = quote_rune(rune, self.flags.plus);
                self.pad(quoted.as_bytes());
            }
            'U' => self.fmt_unicode(bits),
            _ => self.bad_verb(verb, value),
        }
    }

    /// Go's `fmt.fmtInteger`.
    fn fmt_integer(&mut self, bits: u64, base: u64, signed: bool, verb: char, digits: &[u8]) {
        let negative = signed && (bits as i64) < 0;
        let mut magnitude = if negative {
            (bits as i64).unsigned_abs()
        } else {
            bits
        };

        let mut precision = 0usize;
        if let Some(explicit) = self.flags.precision {
            precision = explicit;
            if explicit == 0 && magnitude == 0 {
                let saved = self.flags.zero;
                self.flags.zero = false;
                self.write_padding(self.flags.width.unwrap_or(0));
                self.flags.zero = saved;
                return;
            }
        } else if let (true, Some(width)) = (self.flags.zero, self.flags.width) {
            precision = width;
            if negative || self.flags.plus || self.flags.space {
                precision = precision.saturating_sub(1);
            }
        }

        let mut reversed: Vec<u8> = Vec::with_capacity(24);
        loop {
            reversed.push(digits[(magnitude % base) as usize]);
            magnitude /= base;
            if magnitude == 0 {
                break;
            }
        }
        while reversed.len() < precision {
            reversed.push(b'0');
        }
        if self.flags.sharp {
            match base {
                2 => reversed.extend_from_slice(b"b0"),
                8 if reversed.last() != Some(&b'0') => reversed.push(b'0'),
                16 => {
                    reversed.push(digits[16]);
                    reversed.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            reversed.extend_from_slice(b"o0");
        }
        if negative {
            reversed.push(b'-');
        } else if self.flags.plus {
            reversed.push(b'+');
        } else if self.flags.space {
            reversed.push(b' ');
        }
        reversed.reverse();

        let saved = self.flags.zero;
        self.flags.zero = false;
        self.pad(&reversed);
        self.flags.zero = saved;
    }

    /// Go's `fmt.fmtUnicode` (`%U`).
    fn fmt_unicode(&mut self, bits: u64) {
        let minimum = self
            .flags
            .precision
            .filter(|precision| *precision > 4)
            .unwrap_or(4);
        let mut text = format!("U+{bits:0minimum$X}");
        if self.flags.sharp
            && let Some(rune) = char::from_u32(u32::try_from(bits).unwrap_or(u32::MAX))
            && is_print(rune)
        {
            text.push_str(" '");
            text.push(rune);
            text.push('\'');
        }
        let saved = self.flags.zero;
        self.flags.zero = false;
        self.pad(text.as_bytes());
        self.flags.zero = saved;
    }

    fn format_float_verb(&mut self, number: f64, verb: char, value: &Value) {
        match verb {
            'v' => self.fmt_float(number, 'g', None),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(number, verb, None),
            'f' | 'e' | 'E' => self.fmt_float(number, verb, Some(6)),
            'F' => self.fmt_float(number, 'f', Some(6)),
            _ => self.bad_verb(verb, value),
        }
    }

    /// Go's `fmt.fmtFloat`.
    fn fmt_float(&mut self, number: f64, verb: char, default_precision: Option<usize>) {
        let precision = self.flags.precision.or(default_precision);
        let formatted = format_float(number, verb, precision);
        let mut num: Vec<u8> = Vec::with_capacity(formatted.len() + 1);
        if formatted.starts_with('-') || formatted.starts_with('+') {
            num.extend_from_slice(formatted.as_bytes());
        } else {
            num.push(b'+');
            num.extend_from_slice(formatted.as_bytes());
        }
        if self.flags.space && num[0] == b'+' && !self.flags.plus {
            num[0] = b' ';
        }
        if num.get(1) == Some(&b'I') || num.get(1) == Some(&b'N') {
            let saved = self.flags.zero;
            self.flags.zero = false;
            if num[1] == b'N' && !self.flags.space && !self.flags.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.flags.zero = saved;
            return;
        }
        if self.flags.sharp && verb != 'b' {
            num = sharp_float(num, verb, precision);
        }
        if self.flags.plus || num[0] != b'+' {
            if let (true, Some(width)) = (self.flags.zero, self.flags.width)
                && width > num.len()
            {
                self.out.push(num[0]);
                self.write_padding(width - num.len());
                self.out.extend_from_slice(&num[1..]);
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(&num[1..]);
    }

    fn format_string(&mut self, text: &[u8], verb: char, value: &Value) {
        match verb {
            'v' => {
                if self.flags.sharp_v {
                    self.fmt_q(text);
                } else {
                    self.format_string_verb_s(text);
                }
            }
            's' => self.format_string_verb_s(text),
            'x' => self.fmt_sx(text, LOWER_DIGITS),
            'X' => self.fmt_sx(text, UPPER_DIGITS),
            'q' => self.fmt_q(text),
            _ => self.bad_verb(verb, value),
        }
    }

    fn format_string_verb_s(&mut self, text: &[u8]) {
        let truncated = self.truncate(text);
        self.pad(truncated);
    }

    /// Go's `fmt.truncate`: precision limits the number of runes.
    fn truncate<'t>(&self, text: &'t [u8]) -> &'t [u8] {
        let Some(precision) = self.flags.precision else {
            return text;
        };
        let mut remaining = precision;
        let mut index = 0;
        while index < text.len() {
            if remaining == 0 {
                return &text[..index];
            }
            remaining -= 1;
            index += decode_rune(&text[index..]).1;
        }
        text
    }

    /// Go's `fmt.fmtSbx` for strings (`%x`, `%X`).
    fn fmt_sx(&mut self, text: &[u8], digits: &[u8]) {
        let mut length = text.len();
        if let Some(precision) = self.flags.precision {
            length = length.min(precision);
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.flags.space {
                if self.flags.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.flags.sharp {
                width += 2;
            }
        } else {
            if let Some(explicit) = self.flags.width {
                self.write_padding(explicit);
            }
            return;
        }
        let explicit_width = self.flags.width.unwrap_or(0);
        if explicit_width > width && !self.flags.minus {
            self.write_padding(explicit_width - width);
        }
        if self.flags.sharp {
            self.out.push(b'0');
            self.out.push(digits[16]);
        }
        for (position, byte) in text[..length].iter().enumerate() {
            if self.flags.space && position > 0 {
                self.out.push(b' ');
                if self.flags.sharp {
                    self.out.push(b'0');
                    self.out.push(digits[16]);
                }
            }
            self.out.push(digits[usize::from(byte >> 4)]);
            self.out.push(digits[usize::from(byte & 0x0f)]);
        }
        if explicit_width > width && self.flags.minus {
            self.write_padding(explicit_width - width);
        }
    }

    /// Go's `fmt.fmtQ` (`%q`).
    fn fmt_q(&mut self, text: &[u8]) {
        let truncated = self.truncate(text).to_vec();
        if self.flags.sharp && can_backquote(&truncated) {
            let mut quoted = Vec::with_capacity(truncated.len() + 2);
            quoted.push(b'`');
            quoted.extend_from_slice(&truncated);
            quoted.push(b'`');
            self.pad(&quoted);
            return;
        }
        let quoted = quote_bytes(&truncated, self.flags.plus);
        self.pad(&quoted);
    }
}

const LOWER_DIGITS: &[u8] = b"0123456789abcdefx";
const UPPER_DIGITS: &[u8] = b"0123456789ABCDEFX";

/// Go's `parseArgNumber`: returns the zero-based index (`None` for `[0]`), the bytes consumed,
/// and whether the bracket held a number.
fn parse_arg_number(format: &[u8]) -> (Option<usize>, usize, bool) {
    if format.len() < 3 {
        return (None, 1, false);
    }
    for index in 1..format.len() {
        if format[index] == b']' {
            let (number, present, next) = parse_number(format, 1);
            if !present || next != index {
                return (None, index + 1, false);
            }
            return (number.checked_sub(1), index + 1, true);
        }
    }
    (None, 1, false)
}

/// The `#` flag for floats: keep the decimal point and pad to the precision.
fn sharp_float(mut num: Vec<u8>, verb: char, precision: Option<usize>) -> Vec<u8> {
    let mut digits: i64 = match verb {
        'v' | 'g' | 'G' | 'x' => precision.map_or(6, |precision| precision as i64),
        _ => 0,
    };
    let mut tail: Vec<u8> = Vec::new();
    let mut has_decimal_point = false;
    let mut saw_nonzero_digit = false;
    let mut index = 1;
    while index < num.len() {
        match num[index] {
            b'.' => has_decimal_point = true,
            b'p' | b'P' => {
                tail.extend_from_slice(&num[index..]);
                num.truncate(index);
                break;
            }
            b'e' | b'E' if verb != 'x' && verb != 'X' => {
                tail.extend_from_slice(&num[index..]);
                num.truncate(index);
                break;
            }
            byte => {
                if byte != b'0' {
                    saw_nonzero_digit = true;
                }
                if saw_nonzero_digit {
                    digits -= 1;
                }
            }
        }
        index += 1;
    }
    if !has_decimal_point {
        if num.len() == 2 && num[1] == b'0' {
            digits -= 1;
        }
        num.push(b'.');
    }
    while digits > 0 {
        num.push(b'0');
        digits -= 1;
    }
    num.extend_from_slice(&tail);
    num
}

fn rune_from_code(code: u64) -> char {
    u32::try_from(code)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}')
}

/// Appends the UTF-8 encoding of a rune.
pub(crate) fn push_rune(out: &mut Vec<u8>, rune: char) {
    let mut buffer = [0u8; 4];
    out.extend_from_slice(rune.encode_utf8(&mut buffer).as_bytes());
}

/// Go's `utf8.DecodeRune`: the rune at the start of `bytes` and its width; an invalid or empty
/// sequence decodes as U+FFFD of width 1 (0 for empty input).
pub(crate) fn decode_rune(bytes: &[u8]) -> (char, usize) {
    let Some(&first) = bytes.first() else {
        return ('\u{FFFD}', 0);
    };
    if first < 0x80 {
        return (char::from(first), 1);
    }
    let width = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return ('\u{FFFD}', 1),
    };
    match bytes
        .get(..width)
        .and_then(|slice| std::str::from_utf8(slice).ok())
    {
        Some(text) => (text.chars().next().unwrap_or('\u{FFFD}'), width),
        None => ('\u{FFFD}', 1),
    }
}

/// Decodes Go-style: each invalid byte is one U+FFFD rune. Yields `(rune, width, valid)`.
pub(crate) fn runes(bytes: &[u8]) -> impl Iterator<Item = (char, usize, bool)> + '_ {
    let mut index = 0;
    std::iter::from_fn(move || {
        if index >= bytes.len() {
            return None;
        }
        let (rune, width) = decode_rune(&bytes[index..]);
        let valid = !(rune == '\u{FFFD}' && width == 1);
        index += width;
        Some((rune, width, valid))
    })
}

/// Go's `utf8.RuneCount`.
pub(crate) fn rune_count(bytes: &[u8]) -> usize {
    runes(bytes).count()
}

/// Go's `strconv.Quote` (or `QuoteToASCII` when `ascii_only`).
pub(crate) fn quote_bytes(text: &[u8], ascii_only: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    out.push(b'"');
    let mut index = 0;
    while index < text.len() {
        let (rune, width) = decode_rune(&text[index..]);
        if width == 1 && rune == '\u{FFFD}' {
            out.extend_from_slice(format!("\\x{:02x}", text[index]).as_bytes());
            index += 1;
            continue;
        }
        push_escaped_rune(&mut out, rune, b'"', ascii_only);
        index += width;
    }
    out.push(b'"');
    out
}

/// Go's `strconv.QuoteRune` (or `QuoteRuneToASCII`).
fn quote_rune(rune: char, ascii_only: bool) -> String {
    let mut out = vec![b'\''];
    push_escaped_rune(&mut out, rune, b'\'', ascii_only);
    out.push(b'\'');
    String::from_utf8_lossy(&out).into_owned()
}

fn push_escaped_rune(out: &mut Vec<u8>, rune: char, quote: u8, ascii_only: bool) {
    if rune == char::from(quote) || rune == '\\' {
        out.push(b'\\');
        push_rune(out, rune);
        return;
    }
    let printable = if ascii_only {
        rune.is_ascii() && is_print(rune)
    } else {
        is_print(rune)
    };
    if printable {
        push_rune(out, rune);
        return;
    }
    match rune {
        '\u{7}' => out.extend_from_slice(b"\\a"),
        '\u{8}' => out.extend_from_slice(b"\\b"),
        '\u{c}' => out.extend_from_slice(b"\\f"),
        '\n' => out.extend_from_slice(b"\\n"),
        '\r' => out.extend_from_slice(b"\\r"),
        '\t' => out.extend_from_slice(b"\\t"),
        '\u{b}' => out.extend_from_slice(b"\\v"),
        _ => {
            let code = u32::from(rune);
            let text = if code < 0x20 || code == 0x7f {
                format!("\\x{code:02x}")
            } else if code < 0x10000 {
                format!("\\u{code:04x}")
            } else {
                format!("\\U{code:08x}")
            };
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(text: &[u8]) -> bool {
    for (rune, width, valid) in runes(text) {
        if !valid {
            return false;
        }
        if width > 1 {
            if rune == '\u{FEFF}' {
                return false;
            }
            continue;
        }
        if rune == '`' || rune == '\u{7f}' || (rune < ' ' && rune != '\t') {
            return false;
        }
    }
    true
}

/// Decimal digits of a float: `digits` without trailing zeros, and the position of the decimal
/// point relative to them (`0.123` is digits `123`, point 0).
struct Decimal {
    digits: Vec<u8>,
    point: i32,
}

/// Parses Rust's `{:e}` rendering (`1.2345e-7`) of a non-negative finite float.
fn decimal_from_exponential(text: &str) -> Decimal {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits == b"0" {
        return Decimal {
            digits: Vec::new(),
            point: 0,
        };
    }
    Decimal {
        digits,
        point: exponent + 1,
    }
}

/// The shortest decimal that reads back as `magnitude` (Go's Ryu shortest mode).
fn shortest_decimal(magnitude: f64) -> Decimal {
    decimal_from_exponential(&format!("{magnitude:e}"))
}

/// `magnitude` correctly rounded to `significant` digits.
fn rounded_decimal(magnitude: f64, significant: usize) -> Decimal {
    let fraction_digits = significant.saturating_sub(1);
    decimal_from_exponential(&format!("{magnitude:.fraction_digits$e}"))
}

/// Go's `strconv.FormatFloat(number, verb, precision, 64)` for verbs `e E f g G b x X`.
pub(crate) fn format_float(number: f64, verb: char, precision: Option<usize>) -> String {
    if number.is_nan() {
        return "NaN".to_owned();
    }
    if number.is_infinite() {
        return if number > 0.0 {
            "+Inf".to_owned()
        } else {
            "-Inf".to_owned()
        };
    }
    let negative = number.is_sign_negative();
    let magnitude = number.abs();
    match verb {
        'b' => return format_float_binary(number),
        'x' | 'X' => return format_float_hex(number, verb, precision),
        _ => {}
    }

    let mut out = String::new();
    if negative {
        out.push('-');
    }
    match verb {
        'f' | 'F' => match precision {
            Some(precision) => out.push_str(&format!("{magnitude:.precision$}")),
            None => {
                let decimal = shortest_decimal(magnitude);
                let fraction = (decimal.digits.len() as i32 - decimal.point).max(0) as usize;
                write_fixed(&mut out, &decimal, fraction);
            }
        },
        'e' | 'E' => {
            let (decimal, fraction) = match precision {
                Some(precision) => (rounded_decimal(magnitude, precision + 1), precision),
                None => {
                    let decimal = shortest_decimal(magnitude);
                    let fraction = decimal.digits.len().saturating_sub(1);
                    (decimal, fraction)
                }
            };
            write_exponential(&mut out, &decimal, fraction, verb);
        }
        'g' | 'G' => {
            let shortest = precision.is_none();
            let (decimal, mut digits) = match precision {
                Some(precision) => {
                    let precision = precision.max(1);
                    (rounded_decimal(magnitude, precision), precision)
                }
                None => {
                    let decimal = shortest_decimal(magnitude);
                    let count = decimal.digits.len();
                    (decimal, count)
                }
            };
            let count = decimal.digits.len() as i32;
            let mut exponent_threshold = digits as i32;
            if exponent_threshold > count && count >= decimal.point {
                exponent_threshold = count;
            }
            if shortest {
                exponent_threshold = 6;
            }
            let exponent = decimal.point - 1;
            let exponent_verb = if verb == 'g' { 'e' } else { 'E' };
            if exponent < -4 || exponent >= exponent_threshold {
                if digits as i32 > count {
                    digits = count.max(0) as usize;
                }
                write_exponential(&mut out, &decimal, digits.saturating_sub(1), exponent_verb);
            } else {
                if digits as i32 > decimal.point {
                    digits = count.max(0) as usize;
                }
                let fraction = (digits as i32 - decimal.point).max(0) as usize;
                write_fixed(&mut out, &decimal, fraction);
            }
        }
        _ => {
            out.push('%');
            out.push(verb);
        }
    }
    out
}

/// Go's `fmtE`.
fn write_exponential(out: &mut String, decimal: &Decimal, fraction: usize, verb: char) {
    out.push(
        decimal
            .digits
            .first()
            .map_or('0', |digit| char::from(*digit)),
    );
    if fraction > 0 {
        out.push('.');
        for position in 1..=fraction {
            out.push(
                decimal
                    .digits
                    .get(position)
                    .map_or('0', |digit| char::from(*digit)),
            );
        }
    }
    out.push(verb);
    let exponent = if decimal.digits.is_empty() {
        0
    } else {
        decimal.point - 1
    };
    out.push(if exponent < 0 { '-' } else { '+' });
    let exponent = exponent.unsigned_abs();
    if exponent < 10 {
        out.push('0');
    }
    out.push_str(&exponent.to_string());
}

/// Go's `fmtF`.
fn write_fixed(out: &mut String, decimal: &Decimal, fraction: usize) {
    if decimal.point > 0 {
        let point = decimal.point as usize;
        for position in 0..point {
            out.push(
                decimal
                    .digits
                    .get(position)
                    .map_or('0', |digit| char::from(*digit)),
            );
        }
    } else {
        out.push('0');
    }
    if fraction > 0 {
        out.push('.');
        for position in 0..fraction {
            let index = decimal.point + position as i32;
            let digit = usize::try_from(index)
                .ok()
                .and_then(|index| decimal.digits.get(index));
            out.push(digit.map_or('0', |digit| char::from(*digit)));
        }
    }
}

/// Mantissa and binary exponent as Go's `genericFtoa` computes them.
fn float_parts(number: f64) -> (bool, u64, i32) {
    let bits = number.to_bits();
    let negative = bits >> 63 != 0;
    let mut exponent = ((bits >> 52) & 0x7ff) as i32;
    let mut mantissa = bits & ((1u64 << 52) - 1);
    if exponent == 0 {
        exponent += 1;
    } else {
        mantissa |= 1u64 << 52;
    }
    exponent -= 1023;
    (negative, mantissa, exponent)
}

/// Go's `%b` for floats: `mantissa p exponent`.
fn format_float_binary(number: f64) -> String {
    let (negative, mantissa, exponent) = float_parts(number);
    let exponent = exponent - 52;
    let sign = if negative { "-" } else { "" };
    let exponent_sign = if exponent >= 0 { "+" } else { "" };
    format!("{sign}{mantissa}p{exponent_sign}{exponent}")
}

/// Go's `%x` / `%X` for floats (hexadecimal mantissa, binary exponent).
fn format_float_hex(number: f64, verb: char, precision: Option<usize>) -> String {
    let (negative, mut mantissa, mut exponent) = float_parts(number);
    if mantissa == 0 {
        exponent = 0;
    }
    mantissa <<= 60 - 52;
    while mantissa != 0 && mantissa & (1 << 60) == 0 {
        mantissa <<= 1;
        exponent -= 1;
    }
    if let Some(precision) = precision.filter(|precision| *precision < 15) {
        let shift = (precision * 4) as u32;
        let extra = (mantissa << shift) & ((1u64 << 60) - 1);
        mantissa >>= 60 - shift;
        if extra | (mantissa & 1) > 1 << 59 {
            mantissa += 1;
        }
        mantissa <<= 60 - shift;
        if mantissa & (1 << 61) != 0 {
            mantissa >>= 1;
            exponent += 1;
        }
    }
    let digits: &[u8] = if verb == 'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push('0');
    out.push(verb);
    out.push(char::from(b'0' + ((mantissa >> 60) & 1) as u8));
    mantissa <<= 4;
    match precision {
        None if mantissa != 0 => {
            out.push('.');
            while mantissa != 0 {
                out.push(char::from(digits[((mantissa >> 60) & 15) as usize]));
                mantissa <<= 4;
            }
        }
        Some(precision) if precision > 0 => {
            out.push('.');
            for _ in 0..precision {
                out.push(char::from(digits[((mantissa >> 60) & 15) as usize]));
                mantissa <<= 4;
            }
        }
        _ => {}
    }
    out.push(if verb == 'X' { 'P' } else { 'p' });
    out.push(if exponent < 0 { '-' } else { '+' });
    let exponent = exponent.unsigned_abs();
    if exponent < 10 {
        out.push('0');
    }
    out.push_str(&exponent.to_string());
    out
}

/// Sprig's `strval`: a string as it is, anything else printed with `%v` in at most `limit`
/// bytes.
pub(crate) fn strval(value: &Value, limit: usize) -> Result<GoString, Exceeded> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => sprint_value(other, limit).map(GoString::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printf(format: &str, args: &[Value]) -> String {
        let printed = sprintf(format.as_bytes(), args, usize::MAX).expect("no limit");
        String::from_utf8(printed).expect("test output is UTF-8")
    }

    #[test]
    fn float_shortest_forms_match_go() {
        assert_eq!(format_float(1754110382.0, 'g', None), "1.754110382e+09");
        assert_eq!(format_float(100000.0, 'g', None), "100000");
        assert_eq!(format_float(1e6, 'g', None), "1e+06");
        assert_eq!(format_float(0.0000001, 'g', None), "1e-07");
        assert_eq!(format_float(0.0001, 'g', None), "0.0001");
        assert_eq!(format_float(0.0, 'g', None), "0");
        assert_eq!(format_float(-0.0, 'g', None), "-0");
        assert_eq!(format_float(1.5, 'e', None), "1.5e+00");
        assert_eq!(format_float(1.23456, 'f', Some(2)), "1.23");
        assert_eq!(format_float(123456789.0, 'g', Some(3)), "1.23e+08");
        assert_eq!(format_float(1.0, 'x', None), "0x1p+00");
        assert_eq!(format_float(1.0, 'b', None), "4503599627370496p-52");
    }

    #[test]
    fn printf_bad_verbs_and_missing_arguments() {
        assert_eq!(printf("%d", &[Value::from("a")]), "%!d(string=a)");
        assert_eq!(printf("%s %s", &[Value::Int(1)]), "%!s(int=1) %!s(MISSING)");
        assert_eq!(
            printf("%s", &[Value::from("a"), Value::Int(2)]),
            "a%!(EXTRA int=2)"
        );
        assert_eq!(
            printf(
                "%05.1f|%-4d|%x",
                &[Value::Float(1.23456), Value::Int(7), Value::from("hi")]
            ),
            "001.2|7   |6869"
        );
        assert_eq!(printf("%q", &[Value::from("a\"b\n")]), "\"a\\\"b\\n\"");
        assert_eq!(printf("%v", &[Value::Nil]), "<nil>");
        assert_eq!(
            printf("%[2]d %[1]d", &[Value::Int(1), Value::Int(2)]),
            "2 1"
        );
    }

    #[test]
    fn sprint_spaces_only_between_non_strings() {
        let args = [
            Value::Int(1),
            Value::Int(2),
            Value::from("a"),
            Value::Int(3),
        ];
        assert_eq!(sprint(&args, usize::MAX), Ok(b"1 2a3".to_vec()));
    }

    #[test]
    fn printing_stops_at_the_byte_limit() {
        let text = Value::from("0123456789");
        assert_eq!(sprint_value(&text, 10), Ok(b"0123456789".to_vec()));
        assert_eq!(sprint_value(&text, 9), Err(Exceeded::Size(9)));
        let list = Value::list(vec![text.clone(), text]);
        assert_eq!(sprint_value(&list, 23).map(|out| out.len()), Ok(23));
        assert_eq!(sprint_value(&list, 22), Err(Exceeded::Size(22)));
        assert_eq!(
            sprintf(b"%999999d", &[Value::Int(1)], 1000),
            Err(Exceeded::Size(1000))
        );
        assert_eq!(sprintln(&[Value::Int(1)], 1), Err(Exceeded::Size(1)));
        let mut deep = Value::Int(1);
        for _ in 0..=crate::template::value::MAX_VALUE_DEPTH {
            deep = Value::list(vec![deep]);
        }
        assert_eq!(sprint(&[deep], usize::MAX), Err(Exceeded::Depth));
    }

    #[test]
    fn quote_escapes_like_strconv() {
        assert_eq!(
            quote_bytes(b"\xff\x01\xe2\x80\xa8", false),
            b"\"\\xff\\x01\\u2028\""
        );
        assert_eq!(quote_bytes("é".as_bytes(), true), b"\"\\u00e9\"");
    }
}
