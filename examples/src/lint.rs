//! `lint_manifests`: validate manifest files and report what is wrong, where.
//!
//! Every file is loaded with [`Document::load`] and checked with [`keyless_eso::validate`].
//! Stores defined in any of the files are known to all of them, so an ExternalSecret that
//! names a store nobody defines is reported once the store manifests are linted with it.

use std::path::{Path, PathBuf};

use keyless_eso::{Diagnostic, Document, Options, RenderOptions, Severity, render_json};

use crate::error::ExampleError;

/// The usage text of `lint_manifests`.
pub const USAGE: &str = "\
usage: lint_manifests <path>... [--json] [--allowed-prefix <prefix>]...

Validates ExternalSecret, SecretStore and ClusterSecretStore manifests and prints rustc-style
diagnostics (or one JSON report with --json). A directory stands for the *.yaml and *.yml
files directly inside it.

options:
  --json                      print a JSON report instead of text
  --allowed-prefix <prefix>   remote keys must start with <prefix> (repeatable), e.g. /mdapi/
  -h, --help                  print this text

exit status: 0 without errors (warnings allowed), 1 when a manifest has errors,
2 on a usage or I/O problem";

/// What `lint_manifests` was asked to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LintCommand {
    /// Files and directories to lint.
    pub paths: Vec<PathBuf>,
    /// Print JSON instead of text.
    pub json: bool,
    /// Allowed remote key prefixes; empty means any key is allowed.
    pub allowed_prefixes: Vec<String>,
    /// Whether `--help` was asked for.
    pub help: bool,
}

impl LintCommand {
    /// Parses the arguments after the program name.
    ///
    /// # Errors
    ///
    /// [`ExampleError::Usage`] for an unknown option, a missing option value or no path.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, ExampleError> {
        let mut command = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => command.help = true,
                "--json" => command.json = true,
                "--allowed-prefix" => {
                    let prefix = args.next().ok_or_else(|| {
                        ExampleError::usage("--allowed-prefix needs a value, e.g. /mdapi/")
                    })?;
                    command.allowed_prefixes.push(prefix);
                }
                other => match other.strip_prefix("--allowed-prefix=") {
                    Some(prefix) => command.allowed_prefixes.push(prefix.to_owned()),
                    None if other.starts_with('-') && other != "-" => {
                        return Err(ExampleError::usage(format!("unknown option `{other}`")));
                    }
                    None => command.paths.push(PathBuf::from(other)),
                },
            }
        }

        if command.paths.is_empty() && !command.help {
            return Err(ExampleError::usage("no manifest path given"));
        }
        if command.allowed_prefixes.iter().any(String::is_empty) {
            return Err(ExampleError::usage("--allowed-prefix must not be empty"));
        }
        Ok(command)
    }

    /// The validation options the command line asks for.
    pub fn options(&self) -> Options {
        self.allowed_prefixes
            .iter()
            .fold(Options::new(), |options, prefix| {
                options.with_key_prefix(prefix.clone())
            })
    }
}

/// The files a list of paths stands for: files as given, directories replaced by the
/// `*.yaml` and `*.yml` files directly inside them, in name order.
///
/// # Errors
///
/// [`ExampleError::Read`] when a path does not exist or a directory cannot be listed;
/// [`ExampleError::Usage`] when the paths stand for no file at all, so that a CI gate pointed
/// at the wrong directory fails instead of passing with nothing checked.
pub fn manifest_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ExampleError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|source| ExampleError::Read {
            path: path.clone(),
            source,
        })?;
        if !metadata.is_dir() {
            files.push(path.clone());
            continue;
        }

        let read_error = |source| ExampleError::Read {
            path: path.clone(),
            source,
        };
        let mut inside = Vec::new();
        for entry in std::fs::read_dir(path).map_err(read_error)? {
            let entry_path = entry.map_err(read_error)?.path();
            if entry_path.is_file() && is_yaml(&entry_path) {
                inside.push(entry_path);
            }
        }
        inside.sort();
        files.extend(inside);
    }

    if files.is_empty() {
        let given: Vec<String> = paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        return Err(ExampleError::Usage {
            message: format!(
                "no manifest to check: {} holds no *.yaml or *.yml file (directories are read \
                 one level deep, not recursively)",
                given.join(", ")
            ),
        });
    }
    Ok(files)
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| extension == "yaml" || extension == "yml")
}

/// The diagnostics of one file.
#[derive(Debug)]
#[non_exhaustive]
pub struct FileReport {
    /// The loaded file.
    pub document: Document,
    /// What validation found, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// The result of linting a set of files.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct LintReport {
    /// One entry per file, in the order the files were given.
    pub files: Vec<FileReport>,
}

impl LintReport {
    /// Every diagnostic of every file.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|file| &file.diagnostics)
    }

    /// How many diagnostics have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether any manifest has an error (warnings and notes do not count).
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// The rustc-style report, ending with a one-line summary.
    pub fn to_text(&self, options: RenderOptions) -> String {
        let mut text = String::new();
        for file in &self.files {
            if file.diagnostics.is_empty() {
                continue;
            }
            let rendered = keyless_eso::render_text(&file.document, &file.diagnostics, options);
            // The renderer ends each file with its own counts; one summary for all files
            // reads better, so the per-file line goes when it is the one expected.
            let own_summary = format!("{}\n", counts(&file.diagnostics));
            text.push_str(rendered.strip_suffix(&own_summary).unwrap_or(&rendered));
        }
        text.push_str(&self.summary());
        text.push('\n');
        text
    }

    /// `5 files checked: 2 errors, 1 warning, 0 notes`.
    pub fn summary(&self) -> String {
        let all: Vec<Diagnostic> = self.diagnostics().cloned().collect();
        format!(
            "{} checked: {}",
            plural(self.files.len(), "file"),
            counts(&all)
        )
    }

    /// The JSON report of [`keyless_eso::render_json`] over every file (each diagnostic names
    /// its file).
    ///
    /// # Errors
    ///
    /// [`ExampleError::Manifest`] if serialisation fails.
    pub fn to_json(&self) -> Result<String, ExampleError> {
        let all: Vec<Diagnostic> = self.diagnostics().cloned().collect();
        Ok(render_json(&all)?)
    }
}

/// Loads and lints `paths` (see [`manifest_files`]).
///
/// # Errors
///
/// [`ExampleError::Read`] or [`ExampleError::Manifest`] when a file cannot be read; bad
/// content is never an error, it is a diagnostic.
pub fn lint_paths(paths: &[PathBuf], options: &Options) -> Result<LintReport, ExampleError> {
    let documents = manifest_files(paths)?
        .into_iter()
        .map(Document::load)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(lint_documents(documents, options))
}

/// Lints documents already loaded. Stores defined in any of them are known to all of them.
pub fn lint_documents(documents: Vec<Document>, options: &Options) -> LintReport {
    let defines_stores = documents
        .iter()
        .any(|document| document.stores().next().is_some());
    let options = if defines_stores {
        documents.iter().fold(options.clone(), |options, document| {
            options.with_stores_from(document)
        })
    } else {
        options.clone()
    };

    let files = documents
        .into_iter()
        .map(|document| {
            let diagnostics = keyless_eso::validate(&document, &options);
            FileReport {
                document,
                diagnostics,
            }
        })
        .collect();
    LintReport { files }
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// `2 errors, 1 warning, 0 notes`, as the diagnostics renderer writes it.
fn counts(diagnostics: &[Diagnostic]) -> String {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    format!(
        "{}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Note), "note"),
    )
}
