//! Loading manifest files: YAML documents → located trees → typed manifests.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use crate::Error;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::{ESO_API_VERSION_V1, ESO_GROUP, ExternalSecret, Manifest, Secret, SecretStore};
use crate::path::FieldPath;
use crate::yaml::de::{self, DeError, ErrorKind, Pass};
use crate::yaml::{Node, Occurrence, Value, YamlProblem, parse_stream, same_key_indices};

/// How many times the loader prunes a bad value and retries before giving up on a manifest.
const MAX_REPAIRS: usize = 24;

/// A loaded manifest file: its text and every YAML document in it.
///
/// Loading never fails on bad content: malformed YAML, alias bombs, unknown kinds, unknown
/// fields and values of the wrong type become [`Diagnostic`]s (see
/// [`Document::load_diagnostics`]), and every manifest that could be read is available as a
/// typed [`Manifest`]. [`validate`](crate::validate) adds the semantic rules.
///
/// ```
/// use keyless_eso::{Document, Manifest};
///
/// let text = "apiVersion: external-secrets.io/v1
/// kind: ExternalSecret
/// metadata: {name: app}
/// spec:
///   secretStoreRef: {name: cm-akeyless, kind: ClusterSecretStore}
///   data:
///     - secretKey: DB_PASSWORD
///       remoteRef: {key: /mdapi/app/db/DB_PASSWORD}
/// ";
/// let document = Document::parse("app.yaml", text);
/// assert!(document.load_diagnostics().is_empty());
/// let Some(Manifest::ExternalSecret(es)) = document.resources()[0].manifest() else {
///     panic!("not an ExternalSecret");
/// };
/// assert_eq!(es.spec.data[0].remote_ref.key, "/mdapi/app/db/DB_PASSWORD");
/// ```
///
/// `Debug` shows the file name, sizes and each resource's kind and name, never the text or
/// the parsed values (a file may hold a Secret's `data` and `stringData`).
pub struct Document {
    name: String,
    text: String,
    resources: Vec<Resource>,
    diagnostics: Vec<Diagnostic>,
    sensitive: Vec<Range<usize>>,
    /// Byte offset of the start of every line, for turning offsets into line:column.
    line_starts: Vec<usize>,
}

/// One YAML document of a [`Document`].
///
/// `Debug` shows where it starts, its `apiVersion`, kind and name, never its values.
pub struct Resource {
    index: usize,
    span: Span,
    api_version: Option<String>,
    kind: Option<String>,
    manifest: Option<Manifest>,
    tree: Option<Node>,
}

impl fmt::Debug for Resource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Resource")
            .field("index", &self.index)
            .field("line", &self.span.line)
            .field("api_version", &self.api_version)
            .field("name", &self.display_name())
            .field("typed", &self.manifest.as_ref().map(Manifest::kind))
            .finish_non_exhaustive()
    }
}

impl Resource {
    /// Index of the YAML document in its file (documents with content only), from zero.
    pub const fn index(&self) -> usize {
        self.index
    }

    /// Where the document starts.
    pub const fn span(&self) -> Span {
        self.span
    }

    /// `apiVersion` as written (before any conversion).
    pub fn api_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }

    /// `kind` as written.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// Whether the manifest was written as `external-secrets.io/v1beta1`.
    pub fn is_v1beta1(&self) -> bool {
        self.api_version.as_deref() == Some(crate::model::ESO_API_VERSION_V1BETA1)
    }

    /// The typed manifest, when the document is a kind this crate models and could be read.
    pub const fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    /// `Kind/name`, for messages.
    pub fn display_name(&self) -> Option<String> {
        let kind = self.kind.as_deref()?;
        let name = self
            .manifest
            .as_ref()
            .and_then(|m| m.metadata().name.clone())
            .or_else(|| {
                let tree = self.tree.as_ref()?;
                tree.get("metadata")?
                    .get("name")?
                    .as_str()
                    .map(str::to_owned)
            });
        Some(match name {
            Some(name) => format!("{kind}/{name}"),
            None => kind.to_owned(),
        })
    }

    pub(crate) const fn tree(&self) -> Option<&Node> {
        self.tree.as_ref()
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Document")
            .field("name", &self.name)
            .field("text_bytes", &self.text.len())
            .field("resources", &self.resources)
            .field("load_diagnostics", &self.diagnostics.len())
            .finish_non_exhaustive()
    }
}

impl Document {
    /// Parses `text`, a stream of YAML documents, under the file name `name`.
    pub fn parse(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut document = Self {
            name: name.into(),
            text: text.into(),
            resources: Vec::new(),
            diagnostics: Vec::new(),
            sensitive: Vec::new(),
            line_starts: Vec::new(),
        };
        document.line_starts = std::iter::once(0)
            .chain(document.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for raw in parse_stream(&document.text) {
            let span = Span {
                line: raw.first_line,
                column: 1,
                offset: raw.range.start,
                len: 0,
            };
            let mut resource = Resource {
                index: raw.index,
                span,
                api_version: None,
                kind: None,
                manifest: None,
                tree: None,
            };
            let mut found = Vec::new();
            match raw.tree {
                Ok(tree) => {
                    load_resource(
                        &document.text,
                        &mut resource,
                        tree,
                        &mut found,
                        &mut document.sensitive,
                    );
                }
                Err(problem) => found.push(yaml_problem(&problem)),
            }
            for diagnostic in found {
                document
                    .diagnostics
                    .push(document.finish(&resource, diagnostic));
            }
            document.resources.push(resource);
        }
        document
    }

    /// Reads and parses a file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|source| Error::NotUtf8 {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self::parse(path.display().to_string(), text))
    }

    /// The file name given at load time.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The YAML documents, in file order.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Problems found while loading: YAML errors, kinds, unknown fields, wrong types.
    pub fn load_diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Every ExternalSecret that could be read.
    pub fn external_secrets(&self) -> impl Iterator<Item = (&Resource, &ExternalSecret)> {
        self.resources
            .iter()
            .filter_map(|resource| match &resource.manifest {
                Some(Manifest::ExternalSecret(es)) => Some((resource, es.as_ref())),
                _ => None,
            })
    }

    /// Every SecretStore and ClusterSecretStore that could be read.
    pub fn stores(&self) -> impl Iterator<Item = (&Resource, &SecretStore)> {
        self.resources
            .iter()
            .filter_map(|resource| match &resource.manifest {
                Some(Manifest::SecretStore(store) | Manifest::ClusterSecretStore(store)) => {
                    Some((resource, store.as_ref()))
                }
                _ => None,
            })
    }

    /// Every Kubernetes Secret that could be read.
    pub fn secrets(&self) -> impl Iterator<Item = (&Resource, &Secret)> {
        self.resources
            .iter()
            .filter_map(|resource| match &resource.manifest {
                Some(Manifest::Secret(secret)) => Some((resource, secret.as_ref())),
                _ => None,
            })
    }

    /// Where `path` of `resource` is in the file. A path that does not exist resolves to
    /// the nearest ancestor that does (the place where the missing field belongs).
    pub fn locate(&self, resource: &Resource, path: &FieldPath) -> Span {
        let Some(tree) = &resource.tree else {
            return resource.span;
        };
        let walk = tree.walk(path);
        let collection = matches!(walk.node.value, Value::Map(_) | Value::Seq(_));
        match (walk.complete, walk.key) {
            (true, Some(key)) if collection => key.span,
            (true, _) => walk.node.span,
            (false, Some(key)) => key.span,
            (false, None) => walk.node.span,
        }
    }

    /// Where the *key* of the field at `path` is (its value's place if it has no key).
    pub fn locate_key(&self, resource: &Resource, path: &FieldPath) -> Span {
        let Some(tree) = &resource.tree else {
            return resource.span;
        };
        let walk = tree.walk(path);
        walk.key.map_or(walk.node.span, |key| key.span)
    }

    /// The place of a byte range of the file (line and character column of its start).
    pub fn span_at(&self, offset: usize, len: usize) -> Span {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = self
            .line_starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let line = line_index + 1;
        let column = self.text[line_start..offset].chars().count() + 1;
        Span {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset,
            len: len.min(self.text.len() - offset),
        }
    }

    /// Byte ranges whose text must not be shown (values of Secret `data`/`stringData`).
    pub(crate) fn sensitive_ranges(&self) -> &[Range<usize>] {
        &self.sensitive
    }

    /// A diagnostic for `path` of `resource`, with file, document and place filled in.
    pub(crate) fn diagnostic(
        &self,
        resource: &Resource,
        rule: Rule,
        path: FieldPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        let span = self.locate(resource, &path);
        self.finish(
            resource,
            Diagnostic::new(rule, message).at_path(path).at_span(span),
        )
    }

    fn finish(&self, resource: &Resource, mut diagnostic: Diagnostic) -> Diagnostic {
        diagnostic.file.clone_from(&self.name);
        diagnostic.document = Some(resource.index);
        diagnostic.resource = resource.display_name();
        if !diagnostic.span.is_known() {
            diagnostic.span = resource.span;
        }
        diagnostic
    }
}

fn yaml_problem(problem: &YamlProblem) -> Diagnostic {
    let rule = if problem.budget {
        Rule::YamlLimit
    } else {
        Rule::YamlSyntax
    };
    let diagnostic = Diagnostic::new(rule, problem.message.clone()).at_span(problem.span);
    if problem.budget {
        diagnostic.with_help(
            "the document expands past the parser's limits (aliases, nesting or size); \
             Kubernetes manifests never need this, so the document was not read",
        )
    } else {
        diagnostic
    }
}

/// What a document's `apiVersion` and `kind` make of it.
enum Target {
    ExternalSecret,
    SecretStore,
    ClusterSecretStore,
    Secret,
}

const ESO_KINDS: [&str; 3] = ["ExternalSecret", "SecretStore", "ClusterSecretStore"];
const ESO_UNMODELLED_KINDS: [&str; 3] =
    ["ClusterExternalSecret", "PushSecret", "ClusterPushSecret"];

fn load_resource(
    text: &str,
    resource: &mut Resource,
    tree: Node,
    found: &mut Vec<Diagnostic>,
    sensitive: &mut Vec<Range<usize>>,
) {
    if !matches!(tree.value, Value::Map(_)) {
        found.push(
            Diagnostic::new(
                Rule::NotAnObject,
                format!(
                    "a Kubernetes manifest is a mapping, this document is {}",
                    article(&tree)
                ),
            )
            .at_span(tree.span),
        );
        resource.tree = Some(tree);
        return;
    }

    report_key_problems(text, &tree, &mut FieldPath::root(), found);
    resource.api_version = tree
        .get("apiVersion")
        .and_then(Node::as_str)
        .map(str::to_owned);
    resource.kind = tree.get("kind").and_then(Node::as_str).map(str::to_owned);

    let target = classify(resource, &tree, found);
    if let Some(target) = target {
        if matches!(target, Target::Secret) {
            collect_secret_values(&tree, sensitive);
        }
        resource.manifest = read_manifest(&tree, &target, found);
    }
    resource.tree = Some(tree);
}

fn article(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// Reports repeated keys and keys that Kubernetes' YAML 1.1 reading turns into other text.
/// `path` is extended and restored while walking, so nothing is allocated per node.
fn report_key_problems(text: &str, node: &Node, path: &mut FieldPath, found: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Map(entries) => {
            let first_indices = same_key_indices(entries, Occurrence::First);
            for (position, (key, value)) in entries.iter().enumerate() {
                let key_name = key.key_text();
                let first = first_indices
                    .get(position)
                    .filter(|first| **first != position)
                    .and_then(|first| entries.get(*first));
                if !matches!(key.value, Value::Str(_)) {
                    let written = text
                        .get(key.span.offset..key.span.offset + key.span.len)
                        .unwrap_or_default();
                    if !written.is_empty() && written != key_name {
                        found.push(
                            Diagnostic::new(
                                Rule::InvalidType,
                                format!(
                                    "key `{written}` is read as the {} `{key_name}`, so \
                                    Kubernetes names it `{key_name}`",
                                    key.type_name()
                                ),
                            )
                            .at_path(path.key(key_name.as_ref()))
                            .at_span(key.span)
                            .with_severity(Severity::Warning)
                            .with_help(format!(
                                "quote the key to keep it as written: \
                                `\"{written}\":`"
                            )),
                        );
                    }
                }
                if let Some((earlier, _)) = first {
                    found.push(
                        Diagnostic::new(
                            Rule::DuplicateYamlKey,
                            format!("key `{key_name}` appears again in the same mapping"),
                        )
                        .at_path(path.key(key_name.as_ref()))
                        .at_span(key.span)
                        .with_help(format!(
                            "the first `{key_name}` is at line {}; Kubernetes keeps only the \
                             last value, silently; remove one of them",
                            earlier.span.line
                        )),
                    );
                }
                if matches!(value.value, Value::Map(_) | Value::Seq(_)) {
                    path.push_key(key_name.as_ref());
                    report_key_problems(text, value, path, found);
                    path.pop();
                }
            }
        }
        Value::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                if matches!(item.value, Value::Map(_) | Value::Seq(_)) {
                    path.push_index(index);
                    report_key_problems(text, item, path, found);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

fn classify(resource: &Resource, tree: &Node, found: &mut Vec<Diagnostic>) -> Option<Target> {
    let api_version_node = tree.get("apiVersion");
    let kind_node = tree.get("kind");
    let (Some(api_version), Some(kind)) = (&resource.api_version, &resource.kind) else {
        let missing = match (&resource.api_version, &resource.kind) {
            (None, None) => "`apiVersion` and `kind` are",
            (None, Some(_)) => "`apiVersion` is",
            _ => "`kind` is",
        };
        let present = api_version_node.or(kind_node).is_some();
        let note = if present { " (or not a string)" } else { "" };
        found.push(
            Diagnostic::new(Rule::MissingTypeMeta, format!("{missing} missing{note}"))
                .at_span(tree.span)
                .with_help("every manifest starts with `apiVersion:` and `kind:`"),
        );
        return None;
    };
    let api_span = api_version_node.map_or(tree.span, |n| n.span);
    let kind_span = kind_node.map_or(tree.span, |n| n.span);
    let (group, version) = api_version
        .rsplit_once('/')
        .unwrap_or(("", api_version.as_str()));

    if group == ESO_GROUP {
        if ESO_UNMODELLED_KINDS.contains(&kind.as_str()) {
            found.push(skipped(kind, api_version, kind_span));
            return None;
        }
        let target = match kind.as_str() {
            "ExternalSecret" => Target::ExternalSecret,
            "SecretStore" => Target::SecretStore,
            "ClusterSecretStore" => Target::ClusterSecretStore,
            _ => {
                let suggestion = closest(kind, &ESO_KINDS);
                let mut diagnostic = Diagnostic::new(
                    Rule::UnknownKind,
                    format!("`{api_version}` has no kind `{kind}`"),
                )
                .at_path(FieldPath::root().key("kind"))
                .at_span(kind_span);
                if let Some(suggestion) = suggestion {
                    diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                }
                found.push(diagnostic);
                return None;
            }
        };
        return match version {
            "v1" => Some(target),
            "v1beta1" => {
                found.push(
                    Diagnostic::new(
                        Rule::DeprecatedApiVersion,
                        format!("`{api_version}` is not served by ESO 0.17 and later"),
                    )
                    .at_path(FieldPath::root().key("apiVersion"))
                    .at_span(api_span)
                    .with_help(format!(
                        "the manifest was read as `{ESO_API_VERSION_V1}`; write \
                         `apiVersion: {ESO_API_VERSION_V1}` (the {kind} schema is the same)"
                    )),
                );
                Some(target)
            }
            _ => {
                found.push(
                    Diagnostic::new(
                        Rule::UnsupportedApiVersion,
                        format!("`{api_version}` is not served by current ESO"),
                    )
                    .at_path(FieldPath::root().key("apiVersion"))
                    .at_span(api_span)
                    .with_help(format!(
                        "use `apiVersion: {ESO_API_VERSION_V1}`; v1alpha1 manifests need the \
                         v1beta1 migration (`dataFrom` became `extract`/`find`)"
                    )),
                );
                None
            }
        };
    }

    if ESO_KINDS.contains(&kind.as_str()) {
        found.push(
            Diagnostic::new(
                Rule::UnknownKind,
                format!("`{kind}` is an ESO kind, but `{api_version}` does not serve it"),
            )
            .at_path(FieldPath::root().key("apiVersion"))
            .at_span(api_span)
            .with_help(format!("write `apiVersion: {ESO_API_VERSION_V1}`")),
        );
        return None;
    }
    if api_version == "v1" && kind == "Secret" {
        return Some(Target::Secret);
    }
    found.push(skipped(kind, api_version, kind_span));
    None
}

fn skipped(kind: &str, api_version: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Rule::SkippedResource,
        format!("`{api_version}` `{kind}` is not modelled; it was not validated"),
    )
    .at_path(FieldPath::root().key("kind"))
    .at_span(span)
}

fn collect_secret_values(tree: &Node, sensitive: &mut Vec<Range<usize>>) {
    for field in ["data", "stringData"] {
        if let Some(Value::Map(entries)) = tree.get(field).map(|n| &n.value) {
            for (_, value) in entries {
                sensitive.push(value.span.offset..value.span.offset + value.span.len);
            }
        }
    }
}

fn read_manifest(tree: &Node, target: &Target, found: &mut Vec<Diagnostic>) -> Option<Manifest> {
    let mut pass = Pass::default();
    for _ in 0..MAX_REPAIRS {
        pass.unknown.get_mut().clear();
        let result = match target {
            Target::ExternalSecret => de::from_node::<ExternalSecret>(tree, &pass).map(|mut es| {
                ESO_API_VERSION_V1.clone_into(&mut es.api_version);
                Manifest::ExternalSecret(Box::new(es))
            }),
            Target::SecretStore | Target::ClusterSecretStore => {
                de::from_node::<SecretStore>(tree, &pass).map(|mut store| {
                    ESO_API_VERSION_V1.clone_into(&mut store.api_version);
                    if matches!(target, Target::ClusterSecretStore) {
                        Manifest::ClusterSecretStore(Box::new(store))
                    } else {
                        Manifest::SecretStore(Box::new(store))
                    }
                })
            }
            Target::Secret => de::from_node::<Secret>(tree, &pass)
                .map(|secret| Manifest::Secret(Box::new(secret))),
        };
        match result {
            Ok(manifest) => {
                for unknown in pass.unknown.get_mut().drain(..) {
                    found.push(unknown_field(unknown));
                }
                return Some(manifest);
            }
            Err(error) => {
                let node_id = error.location.as_ref().map(|l| l.node_id);
                found.push(typed_error(error));
                match node_id {
                    Some(id) if id != de::node_id(tree) && pass.pruned.insert(id) => {}
                    // The root itself failed, or pruning did not help: give up on the model.
                    _ => return None,
                }
            }
        }
    }
    found.push(
        Diagnostic::new(
            Rule::InvalidValue,
            "too many invalid values; the manifest was not read",
        )
        .at_span(tree.span),
    );
    None
}

fn typed_error(error: DeError) -> Diagnostic {
    let rule = match error.kind {
        ErrorKind::InvalidType => Rule::InvalidType,
        ErrorKind::InvalidEnum => Rule::InvalidEnum,
        ErrorKind::InvalidDuration => Rule::InvalidDuration,
        ErrorKind::InvalidBase64 => Rule::InvalidBase64,
        ErrorKind::MissingField => Rule::RequiredField,
        ErrorKind::InvalidValue | ErrorKind::Other => Rule::InvalidValue,
    };
    let mut diagnostic = Diagnostic::new(rule, error.message);
    if let Some(location) = error.location {
        diagnostic = diagnostic.at_path(location.path).at_span(location.span);
    }
    match rule {
        Rule::InvalidType => diagnostic.with_help(
            "Kubernetes checks JSON types: quote numbers and booleans that are meant as text",
        ),
        Rule::InvalidDuration => diagnostic.with_help(
            "Go durations use the units ns, us, ms, s, m and h, e.g. `1h0m0s`, `90m`, `120h`; \
             there is no `d` unit",
        ),
        _ => diagnostic,
    }
}

fn unknown_field(unknown: de::UnknownField) -> Diagnostic {
    let name = match unknown.path.segments().last() {
        Some(crate::path::PathSegment::Key(name)) => name.clone(),
        _ => String::new(),
    };
    let mut diagnostic = Diagnostic::new(
        Rule::UnknownField,
        format!(
            "`{name}` is not a field of `{}`",
            describe_parent(&unknown.path)
        ),
    )
    .at_path(unknown.path)
    .at_span(unknown.key_span);
    if let Some(suggestion) = closest(&name, unknown.known) {
        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
    } else {
        diagnostic = diagnostic.with_help(
            "the API server drops unknown fields (or rejects them under strict validation)",
        );
    }
    diagnostic
}

fn describe_parent(path: &FieldPath) -> String {
    let parent = path.parent();
    if parent.is_root() {
        "the manifest".to_owned()
    } else {
        parent.to_string()
    }
}

/// The known name closest to `name`: the same ignoring case, or at most two edits away.
pub(crate) fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    known
        .iter()
        .map(|k| {
            (
                edit_distance(&name.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(distance, k)| *distance <= 2 && *distance < k.len())
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b_char) in b_chars.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            let insertion = current[j] + 1;
            let deletion = previous[j + 1] + 1;
            current.push(substitution.min(insertion).min(deletion));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

impl Diagnostic {
    /// Whether the diagnostic is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
