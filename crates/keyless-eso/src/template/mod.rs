//! ESO's template engine v2: Go `text/template` with the sprig and ESO functions people use,
//! reimplemented to give the same bytes and the same errors.
//!
//! ESO renders every `template.data` entry, `templateFrom` item, label and annotation as a Go
//! template named after its output key, with `missingkey=error`, against a flat
//! `map[string]string` of the fetched values. This module reproduces that:
//!
//! * the grammar: text, actions, pipelines, parentheses, variables (`:=`, `=`), `if`/`else if`/
//!   `else`, `range` (with `break`/`continue`), `with`, `define`/`template`/`block`, comments,
//!   trim markers (`{{-`, `-}}`), all literal forms (raw strings, character constants, hex,
//!   octal and binary numbers, underscores), and custom delimiters;
//! * the evaluation rules: `missingkey=error` on field access but not on `index`, sorted
//!   `range` over maps, interface unwrapping, Go's argument conversion and type checks, the
//!   short-circuit `and`/`or`, and Go's printing of numbers, nil, maps and slices;
//! * the functions of [`supported_functions`], with sprig's quirks (`b64dec` returns its error
//!   text as the value, `fromJson` turns invalid JSON into nil, `toJson` escapes HTML
//!   characters, numbers read from JSON are `float64`);
//! * Go's error messages, `template: NAME:LINE: ...` for parse errors and
//!   `template: NAME:LINE:COL: executing "NAME" at <NODE>: ...` for execution errors.
//!
//! ```
//! use std::collections::BTreeMap;
//! use keyless_eso::template::Template;
//!
//! let data = BTreeMap::from([
//!     ("db-pass".to_owned(), "s3cret".to_owned()),
//!     ("user".to_owned(), "app".to_owned()),
//! ]);
//! let template = Template::parse("DSN", r#"{{ .user }}:{{ index . "db-pass" | b64enc }}"#)?;
//! assert_eq!(template.execute(&data)?, "app:czNjcmV0");
//!
//! let broken = Template::parse("DSN", "{{ .missing }}")?;
//! let error = broken.execute(&data).unwrap_err();
//! assert_eq!(
//!     error.message(),
//!     r#"template: DSN:1:3: executing "DSN" at <.missing>: map has no entry for key "missing""#
//! );
//! # Ok::<(), keyless_eso::template::TemplateError>(())
//! ```
//!
//! Static checks use [`Template::references`], which lists every `.KEY`, every
//! `index . "KEY"`, every function call and every selector-style access with its byte span.
//!
//! # Fidelity
//!
//! Golden vectors produced by Go 1.19 with sprig 3.2.3 (`tests/golden/`) are compared byte for
//! byte, outputs and error messages alike. What differs from Go, on purpose or by limitation:
//!
//! * **Unsupported functions.** A template may name any function ESO defines; calling one this
//!   crate does not implement is an [`Unsupported`](TemplateErrorKind::Unsupported) error naming
//!   it, never a wrong value. Not implemented: the PKCS#12 family (`pkcs12key`,
//!   `pkcs12keyPass`, `pkcs12cert`, `pkcs12certPass`, `pemToPkcs12`, `pemToPkcs12Pass`,
//!   `fullPemToPkcs12`, `fullPemToPkcs12Pass`, `pemTruststoreToPKCS12`,
//!   `pemTruststoreToPKCS12Pass`), `jwkPublicKeyPem`, `jwkPrivateKeyPem`, `filterCertChain`,
//!   `certSANs`, `rsaDecrypt`, the key and certificate generators (`genPrivateKey`, `genCA`,
//!   `genSelfSignedCert`, `genSignedCert` and their variants, `buildCustomCert`,
//!   `derivePassword`, `bcrypt`, `htpasswd`, `encryptAES`, `decryptAES`), the clock and random
//!   functions (`now`, `date` and friends, `uuidv4`, `rand*`, `shuffle`), `semver*`,
//!   `urlParse`/`urlJoin`, the reflection helpers (`typeOf`, `kindOf`, ...), and the mutating
//!   or rarely used dict and list helpers (`set`, `unset`, `merge*`, `pick`, `omit`,
//!   `deepCopy`, `chunk`, ...). [`supported_functions`] lists what is implemented.
//! * **Complex number literals** (`1i`, `1+2i`) parse, but evaluating one is an
//!   `Unsupported` error.
//! * **Resource limits** ([`Limits`]): output size, values a function builds, evaluation
//!   steps and nesting depth are bounded, so a hostile template cannot exhaust memory, time or
//!   the stack. Go has no such limits except a template-call depth of 100000; the depth
//!   limit here is much lower and counts all nesting, not only `{{template}}` calls, and its
//!   message names the lower limit. Parsing limits nesting of parentheses and control
//!   structures to 100 (Go 1.19 has no limit).
//! * **Map iteration order.** `keys` returns the keys sorted; Go returns them in random order.
//! * **Aliasing.** Values are immutable: `sortAlpha` on a `[]string` variable sorts a copy,
//!   while Go also reorders the variable's backing array.
//! * **Unicode.** Character classes (`IsPrint` for `%q` and `quote`, `IsLetter` for
//!   identifiers, case mapping for `upper`/`lower`/`title`) come from Rust's and the `regex`
//!   crate's Unicode tables, which are newer than Go 1.19's Unicode 13; characters assigned
//!   since, and the few characters whose simple and full case mappings differ, may differ.
//! * **Regular expressions** use the `regex` crate, which implements the same RE2 syntax as
//!   Go's `regexp` with ASCII meaning for `\d`, `\w`, `\s` and `\b` kept by translation;
//!   compile error messages differ from Go's, so for an invalid pattern only the stable
//!   prefix (`error calling regexReplaceAll: `) is asserted in the golden tests.
//! * **`printf "%p"`** prints a bad-verb marker instead of a memory address.
//!
//! The oracle is Go 1.19 with sprig 3.2.3 (Debian's packages), while current ESO vendors a
//! sprig 3.3 pre-release. Known differences of that copy: `camelcase` is `ToPascalCase`,
//! `sha512sum` and `hexdec` exist, `getHostByName` is removed, `mustMerge`/`mustDeepCopy` have
//! fixed error texts, and `dig`/`merge` use `dario.cat/mergo`. ESO's own functions (`toYaml`,
//! `fromYaml`, `filterPEM`) are not in the oracle; they follow ESO's source, and their tests
//! state the expected values directly.

mod ast;
mod error;
mod exec;
mod funcs;
mod gofmt;
mod json;
mod lexer;
mod parser;
mod references;
mod reflect;
mod strconv;
mod unicode;
mod value;

use std::collections::BTreeMap;

pub use error::{TemplateError, TemplateErrorKind};
pub use funcs::{is_eso_function, is_supported_function, supported_functions};
pub use references::{
    FieldReference, FunctionReference, IndexReference, References, SelectorKind,
    SelectorReference,
};
pub use value::{GoString, Value};

/// A parsed template, ready to execute any number of times.
#[derive(Debug)]
pub struct Template {
    name: String,
    text: String,
    trees: BTreeMap<String, ast::Tree>,
}

/// What a field access on a map does when the key is missing (Go's `missingkey` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum MissingKey {
    /// Fail with `map has no entry for key "K"` (ESO since v0.9.19).
    #[default]
    Error,
    /// Yield no value, printed as `<no value>` (Go's default; ESO before v0.9.19, #2497).
    Invalid,
    /// Yield the zero value of the map's element type.
    Zero,
}

/// Resource limits for one execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum size of the output and of any string a function builds.
    pub max_output_bytes: usize,
    /// Maximum number of evaluation steps (nodes walked, range iterations, calls).
    pub max_steps: u64,
    /// Maximum nesting of pipelines, control structures and template calls.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_output_bytes: 16 << 20, max_steps: 1_000_000, max_depth: 200 }
    }
}

impl Limits {
    /// Sets the maximum output size in bytes.
    #[must_use]
    pub fn with_max_output_bytes(mut self, bytes: usize) -> Self {
        self.max_output_bytes = bytes;
        self
    }

    /// Sets the maximum number of evaluation steps.
    #[must_use]
    pub fn with_max_steps(mut self, steps: u64) -> Self {
        self.max_steps = steps;
        self
    }

    /// Sets the maximum nesting depth.
    #[must_use]
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
}

/// Options for [`Template::execute_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecOptions {
    /// Behaviour of a missing map key; ESO uses [`MissingKey::Error`].
    pub missing_key: MissingKey,
    /// Resource limits.
    pub limits: Limits,
}

impl ExecOptions {
    /// ESO's options: `missingkey=error`, default limits.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the missing-key behaviour.
    #[must_use]
    pub fn with_missing_key(mut self, missing_key: MissingKey) -> Self {
        self.missing_key = missing_key;
        self
    }

    /// Sets the resource limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

impl Template {
    /// Parses `text` as the template `name` with the default delimiters `{{` and `}}`.
    ///
    /// # Errors
    ///
    /// A [`TemplateErrorKind::Parse`] error with Go's message (`template: NAME:LINE: ...`),
    /// located at the offending token.
    pub fn parse(name: &str, text: &str) -> Result<Self, TemplateError> {
        Self::parse_with_delimiters(name, text, "{{", "}}")
    }

    /// Parses with custom delimiters (ESO's `--template-left-delimiter` and
    /// `--template-right-delimiter` flags). Empty delimiters mean the defaults.
    ///
    /// # Errors
    ///
    /// As [`Template::parse`].
    pub fn parse_with_delimiters(
        name: &str,
        text: &str,
        left_delimiter: &str,
        right_delimiter: &str,
    ) -> Result<Self, TemplateError> {
        let parsed = parser::parse(name, text, left_delimiter, right_delimiter)?;
        Ok(Self { name: name.to_owned(), text: text.to_owned(), trees: parsed.trees })
    }

    /// The template's name (ESO: the output key).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The template text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The names of the templates defined by this text (`{{define}}`/`{{block}}` plus the
    /// template itself), sorted.
    #[must_use]
    pub fn defined_templates(&self) -> Vec<&str> {
        self.trees.keys().map(String::as_str).collect()
    }

    pub(crate) fn tree(&self, name: &str) -> Option<&ast::Tree> {
        self.trees.get(name)
    }

    pub(crate) fn trees(&self) -> impl Iterator<Item = (&String, &ast::Tree)> {
        self.trees.iter()
    }

    /// Executes with ESO's data: `.` is a `map[string]string` of `data`.
    ///
    /// # Errors
    ///
    /// An execution error with Go's message; [`TemplateErrorKind::NotUtf8`] if the output is
    /// not UTF-8 (use [`Template::execute_bytes`] for binary output).
    pub fn execute(&self, data: &BTreeMap<String, String>) -> Result<String, TemplateError> {
        let output = self.execute_value(&Value::from_string_map(data))?;
        String::from_utf8(output).map_err(|error| {
            let valid = error.utf8_error().valid_up_to();
            TemplateError::at_offset(
                TemplateErrorKind::NotUtf8,
                &self.text,
                0,
                1,
                format!(
                    "template: {}: output is not UTF-8 (invalid byte at offset {valid})",
                    self.name
                ),
            )
        })
    }

    /// Executes with ESO's data given as bytes, as the provider returns it; the output is
    /// bytes, as a Secret stores them.
    ///
    /// # Errors
    ///
    /// An execution error with Go's message.
    pub fn execute_bytes(&self, data: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, TemplateError> {
        self.execute_value(&Value::from_bytes_map(data))
    }

    /// Executes with any value as `.` (for example a map built once and shared by several
    /// templates), with ESO's options.
    ///
    /// # Errors
    ///
    /// An execution error with Go's message.
    pub fn execute_value(&self, data: &Value) -> Result<Vec<u8>, TemplateError> {
        self.execute_with(data, &ExecOptions::default())
    }

    /// Executes with explicit options.
    ///
    /// # Errors
    ///
    /// An execution error with Go's message, or a [`TemplateErrorKind::Limit`] error.
    pub fn execute_with(&self, data: &Value, options: &ExecOptions) -> Result<Vec<u8>, TemplateError> {
        exec::execute(self, data, options)
    }

    /// The data keys, `index` keys, functions and selector-style accesses of the template.
    #[must_use]
    pub fn references(&self) -> References {
        references::collect(self)
    }
}
