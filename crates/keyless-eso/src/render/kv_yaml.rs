//! The KeysAndValues scope: rendered text read as YAML into `map[string]string`, as ESO does
//! with `sigs.k8s.io/yaml` over `yaml.v2`.
//!
//! What that pipeline does to a line such as `password: 0123` is surprising and silent, so it
//! is reproduced here (eso-model §5.1, appendix case A10):
//!
//! * plain scalars follow YAML 1.1: `yes`/`on`/`y` become `true`, `0123` is octal (`83`),
//!   `1_000` is `1000`, `1e3` is `1000`, `~`/`null`/nothing is the empty string;
//! * a ` #` starts a comment, so `abc #def` is `abc`;
//! * quoted and block scalars stay text;
//! * the same key twice: the last one wins;
//! * a nested map or list as a value, or a document that is not a map, is an error with Go's
//!   `encoding/json` wording.
//!
//! Aliases are expanded under `yaml.v2`'s own budget (its `allowedAliasRatio`): every node
//! decoded counts, nodes reached through an alias count again as aliased, and once more than
//! 100 of more than 1,000 decodes are aliased and their share exceeds 99% (falling to 10% for
//! documents of 400,000 to 4,000,000 decodes), reading stops with `yaml.v2`'s `document
//! contains excessive aliasing`, before anything is expanded, so an alias bomb costs no more
//! than its text.
//!
//! Known limitations: YAML syntax errors come from the `granit-parser` scanner (the one
//! `serde-saphyr` uses) in `yaml.v2`'s message shape, but the wording of a given error can
//! differ from libyaml's; merge keys (`<<`) are rejected instead of merged; an alias to the
//! node that contains it is reported as an unknown anchor where `yaml.v2` says the anchor's
//! value contains itself.

use std::collections::BTreeMap;

use granit_parser::{Event, Parser, ScalarStyle};

/// A scalar after YAML 1.1 resolution.
#[derive(Debug, Clone)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(String),
}

/// A node of the document, as far as a `map[string]string` needs it.
#[derive(Debug, Clone)]
enum Node {
    Scalar(Scalar),
    Mapping(Vec<(Self, Self)>),
    Sequence,
}

/// Why rendered KeysAndValues text is not a map of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KvError {
    /// ESO's text after `could not unmarshal template to 'map[string][]byte': `.
    Eso(String),
    /// Alias expansion exceeded `yaml.v2`'s budget (see the module docs).
    ExcessiveAliasing,
}

impl From<String> for KvError {
    fn from(message: String) -> Self {
        Self::Eso(message)
    }
}

/// ESO's text for [`KvError::ExcessiveAliasing`].
pub(crate) const EXCESSIVE_ALIASING: &str =
    "error converting YAML to JSON: yaml: document contains excessive aliasing";

/// Parses rendered KeysAndValues text into key/value pairs.
pub(crate) fn parse(text: &str) -> Result<BTreeMap<String, String>, KvError> {
    let Some(root) = read_first_document(text)? else {
        return Ok(BTreeMap::new());
    };
    let entries = match root {
        Node::Mapping(entries) => entries,
        Node::Scalar(Scalar::Null) => return Ok(BTreeMap::new()),
        Node::Scalar(Scalar::Text(_)) => return Err(top_level_type_error("string").into()),
        Node::Scalar(Scalar::Bool(_)) => return Err(top_level_type_error("bool").into()),
        Node::Scalar(Scalar::Int(_) | Scalar::Float(_)) => {
            return Err(top_level_type_error("number").into());
        }
        Node::Sequence => return Err(top_level_type_error("array").into()),
    };

    // yaml.v2 fills a Go map (the last duplicate wins); JSON then visits it in sorted key order,
    // so the first type error reported is the one of the smallest key.
    let mut values: BTreeMap<String, Node> = BTreeMap::new();
    for (key, value) in entries {
        values.insert(key_to_string(&key)?, value);
    }
    let mut out = BTreeMap::new();
    for (key, value) in values {
        let text = match value {
            Node::Scalar(scalar) => scalar_to_string(&scalar),
            Node::Mapping(_) => return Err(value_type_error("object").into()),
            Node::Sequence => return Err(value_type_error("array").into()),
        };
        out.insert(key, text);
    }
    Ok(out)
}

fn top_level_type_error(kind: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go \
         value of type map[string]string"
    )
}

fn value_type_error(kind: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go \
         value of type string"
    )
}

fn key_to_string(key: &Node) -> Result<String, String> {
    match key {
        Node::Scalar(Scalar::Text(text)) => Ok(text.clone()),
        Node::Scalar(Scalar::Int(number)) => Ok(number.to_string()),
        Node::Scalar(Scalar::Bool(flag)) => Ok(flag.to_string()),
        // sigs.k8s.io/yaml formats float keys with 32-bit precision.
        Node::Scalar(Scalar::Float(number)) => Ok(go_special_float(*number).map_or_else(
            || format_go_g(f64::from(*number as f32), true),
            str::to_owned,
        )),
        Node::Scalar(Scalar::Null) => Err(
            "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, \
             value: <redacted>"
                .to_owned(),
        ),
        Node::Mapping(_) | Node::Sequence => {
            Err("error converting YAML to JSON: yaml: invalid map key".to_owned())
        }
    }
}

fn go_special_float(number: f64) -> Option<&'static str> {
    if number.is_nan() {
        Some(".nan")
    } else if number == f64::INFINITY {
        Some(".inf")
    } else if number == f64::NEG_INFINITY {
        Some("-.inf")
    } else {
        None
    }
}

fn scalar_to_string(scalar: &Scalar) -> String {
    match scalar {
        Scalar::Null => String::new(),
        Scalar::Bool(flag) => flag.to_string(),
        Scalar::Int(number) => number.to_string(),
        Scalar::Float(number) => {
            if number.is_nan() {
                "NaN".to_owned()
            } else if number.is_infinite() {
                if *number > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
            } else {
                format_go_g(*number, false)
            }
        }
        Scalar::Text(text) => text.clone(),
    }
}

/// Go's `strconv.FormatFloat(v, 'g', -1, 64)` (or 32 when `single`, for the digit count).
fn format_go_g(value: f64, single: bool) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.5e3", "-1e-7".
    let scientific = if single {
        format!("{:e}", value as f32)
    } else {
        format!("{value:e}")
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digit_count = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let point = exponent + 1;

    // Go: %e when the exponent is < -4 or >= the precision, which for the shortest form is
    // 6 unless fewer digits would print the number exactly.
    let mut precision = 6;
    if precision > digit_count && digit_count >= point {
        precision = digit_count;
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if exponent < -4 || exponent >= precision {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exponent.unsigned_abs()));
        return out;
    }
    if point <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat(point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else if point >= digit_count {
        out.push_str(&digits);
        out.push_str(&"0".repeat((point - digit_count) as usize));
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// Reads the first YAML document into a [`Node`] tree; `None` for an empty stream.
fn read_first_document(text: &str) -> Result<Option<Node>, KvError> {
    let mut reader = Reader {
        parser: Parser::new_from_str(text),
        anchors: BTreeMap::new(),
        budget: AliasBudget::default(),
    };
    loop {
        match reader.next()? {
            None | Some(Event::StreamEnd) => return Ok(None),
            Some(Event::DocumentStart(..)) => break,
            Some(_) => {}
        }
    }
    // yaml.v2 counts one decode for the document node itself.
    reader.budget.count(1, 0)?;
    let root = match reader.next()? {
        None | Some(Event::DocumentEnd) => return Ok(None),
        Some(event) => reader.node(event, 0, false),
    };
    match root {
        Err(KvError::ExcessiveAliasing) => {
            // yaml.v2 parses the whole document before decoding it, so a syntax error later
            // in the document is what it reports.
            reader.skip_document()?;
            Err(KvError::ExcessiveAliasing)
        }
        other => other.map(Some),
    }
}

/// Nesting limit: rendered KeysAndValues text is a flat map; deep nesting is only an attack.
const MAX_DEPTH: usize = 64;

/// yaml.v2's alias bookkeeping (`decoder.decodeCount` and `aliasCount`).
#[derive(Debug, Default)]
struct AliasBudget {
    /// Nodes decoded, aliases and nodes reached through them included.
    decodes: u64,
    /// Nodes decoded while inside an alias.
    aliased: u64,
}

impl AliasBudget {
    /// Counts `decodes` more decodes, `aliased` of them inside an alias, and fails as yaml.v2
    /// does. Counting a whole alias expansion at once gives yaml.v2's verdict: during an
    /// expansion the aliased share only grows and the allowed share only shrinks.
    fn count(&mut self, decodes: u64, aliased: u64) -> Result<(), KvError> {
        self.decodes = self.decodes.saturating_add(decodes);
        self.aliased = self.aliased.saturating_add(aliased);
        let share = self.aliased as f64 / self.decodes.max(1) as f64;
        if self.aliased > 100 && self.decodes > 1000 && share > allowed_alias_ratio(self.decodes) {
            return Err(KvError::ExcessiveAliasing);
        }
        Ok(())
    }
}

/// yaml.v2's `allowedAliasRatio`: 99% of small documents may come from aliases, falling
/// linearly to 10% between 400,000 and 4,000,000 decodes.
fn allowed_alias_ratio(decodes: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decodes <= LOW {
        0.99
    } else if decodes >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decodes - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

/// An anchored node and what decoding it costs (its nodes, its own aliases expanded).
struct Anchored {
    node: Node,
    decodes: u64,
}

struct Reader<'input> {
    parser: Parser<'input, granit_parser::StrInput<'input>>,
    anchors: BTreeMap<usize, Anchored>,
    budget: AliasBudget,
}

impl<'input> Reader<'input> {
    fn next(&mut self) -> Result<Option<Event<'input>>, String> {
        loop {
            match self.parser.next_event() {
                None => return Ok(None),
                // Comments and anchor metadata carry no value.
                Some(Ok((Event::Comment(..) | Event::Anchor(..), _))) => {}
                Some(Ok((event, _span))) => return Ok(Some(event)),
                Some(Err(error)) => {
                    return Err(format!(
                        "error converting YAML to JSON: yaml: line {}: {}",
                        error.marker().line(),
                        error.info()
                    ));
                }
            }
        }
    }

    fn next_required(&mut self) -> Result<Event<'input>, String> {
        self.next()?
            .ok_or_else(|| "error converting YAML to JSON: yaml: unexpected end".to_owned())
    }

    /// Reads the rest of the document without building anything, for its syntax errors.
    fn skip_document(&mut self) -> Result<(), String> {
        loop {
            match self.next()? {
                None | Some(Event::DocumentEnd | Event::StreamEnd) => return Ok(()),
                Some(Event::UnresolvedAlias(name)) => return Err(unknown_anchor(&name)),
                Some(_) => {}
            }
        }
    }

    /// Builds the node that starts with `event`. Items of a sequence are read only for their
    /// anchors and their cost (`in_sequence`): a sequence is never a valid value here.
    fn node(
        &mut self,
        event: Event<'input>,
        depth: usize,
        in_sequence: bool,
    ) -> Result<Node, KvError> {
        if depth > MAX_DEPTH {
            return Err(KvError::Eso(
                "error converting YAML to JSON: yaml: exceeded max depth".to_owned(),
            ));
        }
        let decodes_before = self.budget.decodes;
        self.budget.count(1, 0)?;
        let (node, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let explicit_string = tag.as_ref().is_some_and(|tag| tag.suffix() == "str");
                let scalar = if style == ScalarStyle::Plain && !explicit_string {
                    if value == "<<" && !in_sequence {
                        return Err(KvError::Eso(
                            "merge keys (<<) are not supported by keyless rendering".to_owned(),
                        ));
                    }
                    resolve_plain(&value)
                } else {
                    Scalar::Text(value.into_owned())
                };
                (Node::Scalar(scalar), anchor)
            }
            Event::MappingStart(_, anchor, _) => {
                let mut entries = Vec::new();
                loop {
                    let event = self.next_required()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(event, depth + 1, false)?;
                    let value_event = self.next_required()?;
                    let value = self.node(value_event, depth + 1, false)?;
                    entries.push((key, value));
                }
                (Node::Mapping(entries), anchor)
            }
            Event::SequenceStart(_, anchor, _) => {
                loop {
                    let event = self.next_required()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    self.node(event, depth + 1, true)?;
                }
                (Node::Sequence, anchor)
            }
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(KvError::Eso(
                        "error converting YAML to JSON: yaml: unknown anchor".to_owned(),
                    ));
                };
                // Checked before the clone: an alias bomb stops here, unexpanded.
                self.budget.count(anchored.decodes, anchored.decodes)?;
                return Ok(anchored.node.clone());
            }
            Event::UnresolvedAlias(name) => return Err(KvError::Eso(unknown_anchor(&name))),
            _ => {
                return Err(KvError::Eso(
                    "error converting YAML to JSON: yaml: unexpected document structure".to_owned(),
                ));
            }
        };
        if anchor > 0 {
            let decodes = self.budget.decodes.saturating_sub(decodes_before);
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    decodes,
                },
            );
        }
        Ok(node)
    }
}

fn unknown_anchor(name: &str) -> String {
    format!("error converting YAML to JSON: yaml: unknown anchor '{name}' referenced")
}

/// `yaml.v2`'s `resolve` for an untagged plain scalar.
fn resolve_plain(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Scalar::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Scalar::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Scalar::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        _ => {}
    }
    let starts_numeric = text
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'));
    if !starts_numeric {
        return Scalar::Text(text.to_owned());
    }
    let plain = text.replace('_', "");
    if let Some(number) = parse_go_int_base0(&plain) {
        return Scalar::Int(number);
    }
    // Go's ParseFloat reports overflow as an error, and yaml.v2 then keeps the text.
    if is_yaml_float(&plain)
        && let Ok(number) = plain.parse::<f64>()
        && number.is_finite()
    {
        return Scalar::Float(number);
    }
    Scalar::Text(text.to_owned())
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)` as yaml.v2 does.
fn parse_go_int_base0(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits) = if let Some(hex) = lower.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = lower.strip_prefix("0o") {
        (8, octal)
    } else if let Some(binary) = lower.strip_prefix("0b") {
        (2, binary)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower.get(1..)?)
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    let value = if negative {
        -i128::from(magnitude)
    } else {
        i128::from(magnitude)
    };
    // ParseInt covers i64; ParseUint adds the positive range up to u64::MAX.
    (value >= i128::from(i64::MIN)).then_some(value)
}

/// yaml.v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (
            body.get(..at).unwrap_or_default(),
            Some(body.get(at + 1..).unwrap_or_default()),
        ),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => {
            !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        Some((whole, fraction)) => {
            !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|exp| {
        let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
        super::parse(text).map_err(|error| match error {
            KvError::Eso(message) => message,
            KvError::ExcessiveAliasing => EXCESSIVE_ALIASING.to_owned(),
        })
    }

    fn one(line: &str) -> Result<String, String> {
        parse(line).map(|map| {
            map.get("pw")
                .cloned()
                .unwrap_or_else(|| "<absent>".to_owned())
        })
    }

    #[test]
    fn appendix_a10_yaml_coercions() {
        assert_eq!(one("pw: 0123").as_deref(), Ok("83"));
        assert_eq!(one("pw: yes").as_deref(), Ok("true"));
        assert_eq!(one("pw: abc #1").as_deref(), Ok("abc"));
        assert_eq!(one("pw: ").as_deref(), Ok(""));
        assert_eq!(one("pw: abc#def").as_deref(), Ok("abc#def"));
        assert_eq!(one("pw: ~").as_deref(), Ok(""));
        assert_eq!(one("pw: null").as_deref(), Ok(""));
        assert_eq!(one("pw: true").as_deref(), Ok("true"));
        assert_eq!(one("pw: 1e3").as_deref(), Ok("1000"));
        assert_eq!(one("pw: \"quoted\"").as_deref(), Ok("quoted"));
        assert_eq!(one("pw: '0123'").as_deref(), Ok("0123"));
        assert_eq!(one("pw: 1_000").as_deref(), Ok("1000"));
        assert_eq!(one("pw: 0x1F").as_deref(), Ok("31"));
        assert_eq!(one("pw: 08").as_deref(), Ok("8"));
        assert_eq!(one("pw: 1.50").as_deref(), Ok("1.5"));
        assert_eq!(one("pw: 1e21").as_deref(), Ok("1e+21"));
        assert_eq!(one("pw: 123456789.5").as_deref(), Ok("1.234567895e+08"));
        assert_eq!(one("pw: 0.0001").as_deref(), Ok("0.0001"));
        assert_eq!(one("pw: 0.00001").as_deref(), Ok("1e-05"));
        assert_eq!(one("pw: 1e400").as_deref(), Ok("1e400"));
        assert_eq!(one("pw: 2024-01-02").as_deref(), Ok("2024-01-02"));
        assert_eq!(
            one("pw: 18446744073709551615").as_deref(),
            Ok("18446744073709551615")
        );
        assert_eq!(one("pw: !!str 0123").as_deref(), Ok("0123"));
        assert_eq!(one("pw: |\n  block\n").as_deref(), Ok("block\n"));
    }

    #[test]
    fn duplicate_keys_last_wins() {
        assert_eq!(one("pw: first\npw: second").as_deref(), Ok("second"));
    }

    #[test]
    fn shape_errors_use_go_json_words() {
        let nested = one("pw: {a: b}").unwrap_err();
        assert!(
            nested.ends_with("cannot unmarshal object into Go value of type string"),
            "{nested}"
        );
        let list = one("pw: [1]").unwrap_err();
        assert!(
            list.ends_with("cannot unmarshal array into Go value of type string"),
            "{list}"
        );
        let scalar = parse("just text").unwrap_err();
        assert!(
            scalar.ends_with("cannot unmarshal string into Go value of type map[string]string")
        );
        assert_eq!(parse("").map(|m| m.len()), Ok(0));
        let bad = one("pw: a: b").unwrap_err();
        assert!(
            bad.starts_with("error converting YAML to JSON: yaml: line 1: "),
            "{bad}"
        );
        assert!(bad.contains("mapping values are not allowed"), "{bad}");
    }

    #[test]
    fn keys_are_coerced_too() {
        let map = parse("1: one\ntrue: yes\n").expect("parses");
        assert_eq!(map.get("1").map(String::as_str), Some("one"));
        assert_eq!(map.get("true").map(String::as_str), Some("true"));
    }

    #[test]
    fn aliases_resolve() {
        let map = parse("a: &x secret\nb: *x\n").expect("parses");
        assert_eq!(map.get("b").map(String::as_str), Some("secret"));
        assert!(parse("b: *missing\n").is_err());
        // Anchors inside a list are known to what follows, as in yaml.v2.
        let map = parse("a: &l [&x inner]\nb: *x\n");
        assert!(
            map.is_err_and(|e| e.ends_with("cannot unmarshal array into Go value of type string"))
        );
        assert!(parse("a: [*missing]\n").is_err_and(|e| e.contains("unknown anchor")));
    }

    #[test]
    fn the_alias_budget_follows_yaml_v2() {
        assert_eq!(allowed_alias_ratio(400_000), 0.99);
        assert!((allowed_alias_ratio(2_200_000) - 0.545).abs() < 1e-9);
        assert_eq!(allowed_alias_ratio(4_000_000), 0.10);
        // A syntax error after the bomb is what yaml.v2 reports: it parses before decoding.
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..6 {
            let aliases = vec![format!("*l{}", level - 1); 10].join(", ");
            bomb.push_str(&format!("l{level}: &l{level} [{aliases}]\n"));
        }
        assert_eq!(parse(&bomb), Err(EXCESSIVE_ALIASING.to_owned()));
        let broken = format!("{bomb}z: [unclosed\n");
        assert!(
            parse(&broken)
                .is_err_and(|e| e.starts_with("error converting YAML to JSON: yaml: line "))
        );
    }
}
