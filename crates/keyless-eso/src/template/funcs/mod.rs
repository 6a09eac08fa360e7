//! The function registry: every function a template may call, by name.
//!
//! Each function declares its Go parameter types, because Go converts and checks arguments
//! against them before the call (`repeat (add 1 2) "x"` fails with `wrong type for value;
//! expected int; got int64` because sprig's `add` returns `int64`). Adding a function means
//! adding one [`FuncDef`] to one of the tables below.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Limits;
use super::error::Message;
use super::reflect::{Rv, Ty};
use super::value::{Exceeded, Value, check_depth};

mod builtins;
mod collections;
mod encoding;
mod eso;
mod numeric;
mod regex;
mod strings;

/// A function callable from a template.
#[derive(Debug)]
pub(crate) struct FuncDef {
    /// The name templates call it by.
    pub(crate) name: &'static str,
    /// Types of the fixed parameters.
    pub(crate) params: &'static [Ty],
    /// Element type of the trailing variadic parameter, if any.
    pub(crate) variadic: Option<Ty>,
    /// Whether it is a Go `text/template` builtin (only `and`/`or` care: they short-circuit).
    pub(crate) builtin: bool,
    /// The implementation; receives arguments already converted to the parameter types.
    pub(crate) call: CallFn,
}

/// A function implementation.
pub(crate) type CallFn = fn(&mut CallContext<'_>, &[Rv]) -> Result<Rv, FnError>;

/// What a function may consult while running.
pub(crate) struct CallContext<'a> {
    pub(crate) limits: &'a Limits,
    /// The execution's step counter, which functions doing work beyond a fixed amount per
    /// call (deep comparisons) advance as they go.
    pub(crate) steps: &'a mut u64,
}

impl CallContext<'_> {
    /// Refuses to build a value longer than the output limit, before allocating it.
    pub(crate) fn ensure_size(&self, bytes: usize) -> Result<(), FnError> {
        if bytes > self.limits.max_output_bytes {
            return Err(FnError::limit(format!(
                "result of {bytes} bytes exceeds the limit of {} bytes",
                self.limits.max_output_bytes
            )));
        }
        Ok(())
    }

    /// The byte budget of any string a function builds.
    pub(crate) fn max_bytes(&self) -> usize {
        self.limits.max_output_bytes
    }

    /// Counts `steps` evaluation steps of work done inside a function.
    pub(crate) fn charge(&mut self, steps: u64) -> Result<(), FnError> {
        *self.steps = self.steps.saturating_add(steps);
        if *self.steps > self.limits.max_steps {
            return Err(FnError::limit(format!(
                "execution exceeded the limit of {} steps",
                self.limits.max_steps
            )));
        }
        Ok(())
    }
}

/// A string a function builds piece by piece: fails as soon as it passes the byte limit,
/// rather than after building all of it (escaping grows its input, and a call may join many
/// large arguments).
pub(crate) struct Bounded {
    bytes: Vec<u8>,
    limit: usize,
}

impl Bounded {
    /// An empty string that may grow to the limit.
    pub(crate) fn new(context: &CallContext<'_>) -> Self {
        Self {
            bytes: Vec::new(),
            limit: context.max_bytes(),
        }
    }

    /// An empty string for a result at least `length` bytes long, checked up front.
    pub(crate) fn at_least(context: &CallContext<'_>, length: usize) -> Result<Self, FnError> {
        context.ensure_size(length)?;
        Ok(Self {
            bytes: Vec::with_capacity(length),
            limit: context.max_bytes(),
        })
    }

    /// Appends `bytes`, or fails if they do not fit.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result<(), FnError> {
        if self.bytes.len().saturating_add(bytes.len()) > self.limit {
            return Err(Exceeded::Size(self.limit).into());
        }
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    /// The bytes left before the limit.
    pub(crate) fn room(&self) -> usize {
        self.limit.saturating_sub(self.bytes.len())
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// A function result that nests lists and maps: refused past
/// [`MAX_VALUE_DEPTH`](super::value::MAX_VALUE_DEPTH).
pub(crate) fn nested_result(value: Value) -> Result<Rv, FnError> {
    check_depth(&value)?;
    Ok(Rv::new(value))
}

/// A function failure: Go's error text (what `error calling NAME: ` is followed by).
#[derive(Debug)]
pub(crate) struct FnError {
    pub(crate) message: Message,
    pub(crate) limit: bool,
}

impl FnError {
    /// An error whose text holds no runtime value.
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Self {
            message: Message::plain(text),
            limit: false,
        }
    }

    /// An error whose text embeds runtime values.
    pub(crate) fn with_message(message: Message) -> Self {
        Self {
            message,
            limit: false,
        }
    }

    /// A resource-limit failure (not a Go behaviour).
    pub(crate) fn limit(text: impl Into<String>) -> Self {
        Self {
            message: Message::plain(text),
            limit: true,
        }
    }
}

impl From<Exceeded> for FnError {
    fn from(exceeded: Exceeded) -> Self {
        Self::limit(exceeded.to_string())
    }
}

/// A sprig or ESO function (not a Go builtin).
pub(crate) const fn sprig(
    name: &'static str,
    params: &'static [Ty],
    variadic: Option<Ty>,
    call: CallFn,
) -> FuncDef {
    FuncDef {
        name,
        params,
        variadic,
        builtin: false,
        call,
    }
}

/// The function tables; a later table wins on a name clash, as ESO's function map overrides
/// Go's builtins.
fn tables() -> [&'static [FuncDef]; 7] {
    [
        builtins::FUNCS,
        strings::FUNCS,
        collections::FUNCS,
        numeric::FUNCS,
        encoding::FUNCS,
        regex::FUNCS,
        eso::FUNCS,
    ]
}

fn registry() -> &'static HashMap<&'static str, &'static FuncDef> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static FuncDef>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut map = HashMap::new();
        for table in tables() {
            for definition in table {
                map.insert(definition.name, definition);
            }
        }
        map
    })
}

/// The definition of a supported function.
pub(crate) fn lookup(name: &str) -> Option<&'static FuncDef> {
    registry().get(name).copied()
}

/// Whether templates may call `name` with this crate.
#[must_use]
pub fn is_supported_function(name: &str) -> bool {
    lookup(name).is_some()
}

/// The names of all supported functions, sorted.
#[must_use]
pub fn supported_functions() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = registry().keys().copied().collect();
    names.sort_unstable();
    names
}

/// Whether ESO's engine defines `name` (Go builtins, ESO's sprig copy, ESO's own functions).
/// A template calling such a function parses; calling one this crate lacks is an
/// [`Unsupported`](super::TemplateErrorKind::Unsupported) error.
#[must_use]
pub fn is_eso_function(name: &str) -> bool {
    ESO_FUNCTIONS.binary_search(&name).is_ok() || is_supported_function(name)
}

/// Every function name ESO's template engine v2 defines: Go's builtins, the sprig functions
/// ESO vendors (without `env`, `expandenv`, `getHostByName`), and ESO's own additions. Sorted.
pub(crate) const ESO_FUNCTIONS: &[&str] = &[
    "abbrev",
    "abbrevboth",
    "add",
    "add1",
    "add1f",
    "addf",
    "adler32sum",
    "ago",
    "all",
    "and",
    "any",
    "append",
    "atoi",
    "b32dec",
    "b32enc",
    "b64dec",
    "b64enc",
    "base",
    "bcrypt",
    "biggest",
    "buildCustomCert",
    "call",
    "camelcase",
    "cat",
    "ceil",
    "certSANs",
    "chunk",
    "clean",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "deepCopy",
    "deepEqual",
    "default",
    "derivePassword",
    "dict",
    "dig",
    "dir",
    "div",
    "divf",
    "duration",
    "durationRound",
    "empty",
    "encryptAES",
    "eq",
    "ext",
    "fail",
    "filterCertChain",
    "filterPEM",
    "first",
    "float64",
    "floor",
    "fromJson",
    "fromYaml",
    "fullPemToPkcs12",
    "fullPemToPkcs12Pass",
    "ge",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "get",
    "gt",
    "has",
    "hasKey",
    "hasPrefix",
    "hasSuffix",
    "hello",
    "hexdec",
    "html",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "indent",
    "index",
    "initial",
    "initials",
    "int",
    "int64",
    "isAbs",
    "join",
    "js",
    "jwkPrivateKeyPem",
    "jwkPublicKeyPem",
    "kebabcase",
    "keys",
    "kindIs",
    "kindOf",
    "last",
    "le",
    "len",
    "list",
    "lower",
    "lt",
    "max",
    "maxf",
    "merge",
    "mergeOverwrite",
    "min",
    "minf",
    "mod",
    "mul",
    "mulf",
    "mustAppend",
    "mustChunk",
    "mustCompact",
    "mustDateModify",
    "mustDeepCopy",
    "mustFirst",
    "mustFromJson",
    "mustHas",
    "mustInitial",
    "mustLast",
    "mustMerge",
    "mustMergeOverwrite",
    "mustPrepend",
    "mustPush",
    "mustRegexFind",
    "mustRegexFindAll",
    "mustRegexMatch",
    "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral",
    "mustRegexSplit",
    "mustRest",
    "mustReverse",
    "mustSlice",
    "mustToDate",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "mustUniq",
    "mustWithout",
    "must_date_modify",
    "ne",
    "nindent",
    "nospace",
    "not",
    "now",
    "omit",
    "or",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "pemToPkcs12",
    "pemToPkcs12Pass",
    "pemTruststoreToPKCS12",
    "pemTruststoreToPKCS12Pass",
    "pick",
    "pkcs12cert",
    "pkcs12certPass",
    "pkcs12key",
    "pkcs12keyPass",
    "pluck",
    "plural",
    "prepend",
    "print",
    "printf",
    "println",
    "push",
    "quote",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "regexFind",
    "regexFindAll",
    "regexMatch",
    "regexQuoteMeta",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "repeat",
    "replace",
    "rest",
    "reverse",
    "round",
    "rsaDecrypt",
    "semver",
    "semverCompare",
    "seq",
    "set",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shuffle",
    "slice",
    "snakecase",
    "sortAlpha",
    "split",
    "splitList",
    "splitn",
    "squote",
    "sub",
    "subf",
    "substr",
    "swapcase",
    "ternary",
    "title",
    "toDate",
    "toDecimal",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "toString",
    "toStrings",
    "toYaml",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "trimall",
    "trunc",
    "tuple",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unixEpoch",
    "unset",
    "until",
    "untilStep",
    "untitle",
    "upper",
    "urlJoin",
    "urlParse",
    "urlquery",
    "uuidv4",
    "values",
    "without",
    "wrap",
    "wrapWith",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eso_function_list_is_sorted_and_covers_the_supported_set() {
        assert!(ESO_FUNCTIONS.windows(2).all(|pair| pair[0] < pair[1]));
        for name in supported_functions() {
            assert!(
                ESO_FUNCTIONS.binary_search(&name).is_ok(),
                "{name} is supported but not an ESO function"
            );
        }
    }
}
