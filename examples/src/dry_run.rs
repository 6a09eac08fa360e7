//! `render_manifest`: the Secret(s) an ExternalSecret would produce from values given in a
//! file, with no gateway and no cluster — a local dry run.
//!
//! The values file is a YAML or JSON map from remote key (`remoteRef.key`) to the value the
//! provider would return for it. Text stays text; a map or a list is stored as its JSON text,
//! so that `property` and `fromJson` work on it as they do on an Akeyless JSON item:
//!
//! ```yaml
//! /mdapi/orders/db/DB_USER: orders_app
//! /mdapi/orders/db/connection: {host: db.orders.internal, port: 5432}
//! ```
//!
//! Known limitation: the file is parsed into ordinary (not zeroised) memory before the values
//! move into [`SecretValue`]s; it is a tool for test values on a developer's machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use keyless_eso::model::{Secret, SecretValue};
use keyless_eso::render::{RenderError, render_with_values};
use keyless_eso::{Diagnostic, Document, Options};
use serde_json::Value;

use crate::error::ExampleError;

/// The usage text of `render_manifest`.
pub const USAGE: &str = "\
usage: render_manifest <manifest> --values <file> [--json] [--show-values]

Renders the Kubernetes Secret(s) the ExternalSecret(s) in <manifest> would produce, from the
values in <file> (a YAML or JSON map from remote key to value; maps and lists are stored as
JSON text), with no gateway and no cluster.

options:
  --values <file>   the values the provider would return, by remote key (required)
  --json            print JSON (one Secret, or a v1 List of them) instead of YAML
  --show-values     print the values (base64, as in a real Secret) instead of redacting them
  -h, --help        print this text

exit status: 0 when every ExternalSecret rendered and the manifest has no errors,
1 otherwise, 2 on a usage or I/O problem";

/// What `render_manifest` was asked to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderCommand {
    /// The manifest file.
    pub manifest: PathBuf,
    /// The values file.
    pub values: PathBuf,
    /// Print JSON instead of YAML.
    pub json: bool,
    /// Print values instead of redacting them.
    pub show_values: bool,
    /// Whether `--help` was asked for.
    pub help: bool,
}

impl RenderCommand {
    /// Parses the arguments after the program name.
    ///
    /// # Errors
    ///
    /// [`ExampleError::Usage`] for an unknown option, a missing value, or a missing or second
    /// manifest.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, ExampleError> {
        let mut command = Self::default();
        let mut manifest = None;
        let mut values = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => command.help = true,
                "--json" => command.json = true,
                "--show-values" => command.show_values = true,
                "--values" => {
                    let file = args
                        .next()
                        .ok_or_else(|| ExampleError::usage("--values needs a file"))?;
                    values = Some(PathBuf::from(file));
                }
                other => {
                    if let Some(file) = other.strip_prefix("--values=") {
                        values = Some(PathBuf::from(file));
                    } else if other.starts_with('-') && other != "-" {
                        return Err(ExampleError::usage(format!("unknown option `{other}`")));
                    } else if manifest.replace(PathBuf::from(other)).is_some() {
                        return Err(ExampleError::usage("give one manifest file"));
                    }
                }
            }
        }

        if command.help {
            return Ok(command);
        }
        command.manifest = manifest.ok_or_else(|| ExampleError::usage("no manifest given"))?;
        command.values =
            values.ok_or_else(|| ExampleError::usage("--values <file> is required"))?;
        Ok(command)
    }
}

/// Reads a values file (see the module docs).
///
/// # Errors
///
/// [`ExampleError::Read`] when the file cannot be read, [`ExampleError::InvalidValues`] when
/// it does not parse, is not a map, or holds a `null`.
pub fn load_values(path: &Path) -> Result<BTreeMap<String, SecretValue>, ExampleError> {
    let text = std::fs::read_to_string(path).map_err(|source| ExampleError::Read {
        path: path.to_owned(),
        source,
    })?;
    let is_json = path
        .extension()
        .is_some_and(|extension| extension == "json");
    parse_values(path, &text, is_json)
}

/// Parses the text of a values file; `is_json` picks the JSON parser (for its messages),
/// otherwise YAML, which also reads JSON.
///
/// # Errors
///
/// As [`load_values`], without the I/O.
pub fn parse_values(
    path: &Path,
    text: &str,
    is_json: bool,
) -> Result<BTreeMap<String, SecretValue>, ExampleError> {
    let invalid = |reason: &str, source: Option<Box<dyn std::error::Error + Send + Sync>>| {
        ExampleError::InvalidValues {
            path: path.to_owned(),
            reason: reason.to_owned(),
            source,
        }
    };
    let parsed: Value = if is_json {
        serde_json::from_str(text)
            .map_err(|error| invalid("not valid JSON", Some(Box::new(error))))?
    } else {
        serde_saphyr::from_str(text)
            .map_err(|error| invalid("not valid YAML", Some(Box::new(error))))?
    };
    let Value::Object(entries) = parsed else {
        return Err(invalid("expected a map from remote key to value", None));
    };

    let mut values = BTreeMap::new();
    for (key, value) in entries {
        let bytes = match value {
            Value::String(text) => text.into_bytes(),
            Value::Null => {
                return Err(invalid(&format!("the value of `{key}` is null"), None));
            }
            Value::Bool(_) | Value::Number(_) => value.to_string().into_bytes(),
            Value::Array(_) | Value::Object(_) => serde_json::to_vec(&value)
                .map_err(|error| invalid("a value does not serialise", Some(Box::new(error))))?,
        };
        values.insert(key, SecretValue::new(bytes));
    }
    Ok(values)
}

/// One ExternalSecret of the manifest and what rendering it gave.
#[derive(Debug)]
#[non_exhaustive]
pub struct Rendered {
    /// `namespace/name` of the ExternalSecret (`name` without a namespace).
    pub external_secret: String,
    /// The Secret, or why there is none.
    pub result: Result<Secret, RenderError>,
}

/// The result of a dry run.
#[derive(Debug)]
#[non_exhaustive]
pub struct DryRun {
    /// The manifest file.
    pub document: Document,
    /// What validation found.
    pub diagnostics: Vec<Diagnostic>,
    /// One entry per ExternalSecret, in file order.
    pub rendered: Vec<Rendered>,
}

impl DryRun {
    /// Whether everything rendered and the manifest has no errors.
    pub fn is_clean(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
            && self.rendered.iter().all(|rendered| rendered.result.is_ok())
    }

    /// The Secrets that rendered.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.rendered
            .iter()
            .filter_map(|rendered| rendered.result.as_ref().ok())
    }
}

/// Validates `document` and renders each of its ExternalSecrets against `values`. A manifest
/// with errors is still rendered, so the dry run shows what ESO would write (an empty value,
/// say) beside the diagnostic that explains it.
pub fn dry_run(document: Document, values: &BTreeMap<String, SecretValue>) -> DryRun {
    let diagnostics = keyless_eso::validate(&document, &Options::new());
    let rendered = document
        .external_secrets()
        .map(|(_, external_secret)| Rendered {
            external_secret: qualified_name(
                external_secret.metadata.namespace.as_deref(),
                external_secret.metadata.name.as_deref(),
            ),
            result: render_with_values(external_secret, values),
        })
        .collect();
    DryRun {
        document,
        diagnostics,
        rendered,
    }
}

/// `namespace/name`, or `name` alone without a namespace.
pub fn qualified_name(namespace: Option<&str>, name: Option<&str>) -> String {
    let name = name.unwrap_or("<unnamed>");
    match namespace {
        Some(namespace) => format!("{namespace}/{name}"),
        None => name.to_owned(),
    }
}

/// The Secrets as JSON: one Secret object, or a `v1` `List` of them (as `kubectl` prints
/// several objects).
///
/// # Errors
///
/// [`ExampleError::Json`] if serialisation fails.
pub fn secrets_json<'a>(
    secrets: impl IntoIterator<Item = &'a Secret>,
    show_values: bool,
) -> Result<Value, ExampleError> {
    let mut items = secrets
        .into_iter()
        .map(|secret| crate::secret_view::manifest(secret, show_values))
        .collect::<Result<Vec<_>, _>>()?;
    if items.len() == 1 {
        return Ok(items.remove(0));
    }
    Ok(serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items}))
}
