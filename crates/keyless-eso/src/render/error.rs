//! Rendering errors, with ESO's message for every failure and the cause kept as a source.
//!
//! Each error's `Display` is its own layer of ESO's message; the cause is the `source()`.
//! [`RenderError::eso_message`] joins the layers with ESO's separators, giving the exact text
//! ESO puts into its Warning event and log (never into the Ready condition, which only says
//! `could not get secret data from provider` or `could not update secret`).

use std::fmt::Write as _;

use crate::extract::GoJsonError;
use crate::render::gobase64::CorruptInputError;
use crate::template::TemplateError;

/// Why fetching or processing one `data[]` or `dataFrom[]` entry failed.
///
/// A [`SecretSource`](crate::source::SecretSource) returns these; the pipeline steps after the
/// fetch (decoding, key conversion, rewrite, key validation) add their own variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The item does not exist (Akeyless: describe-item answered 404).
    #[error("item does not exist")]
    ItemNotFound {
        /// The item path.
        key: String,
    },
    /// The provider refused or failed. `Display` is the provider's message without its cause;
    /// [`eso_message`](Self::eso_message) appends the cause as ESO does.
    #[error("{message}")]
    Provider {
        /// The provider's message in ESO's words, up to the cause (for example
        /// `can't describe item: K`).
        message: String,
        /// What ESO writes between the message and the cause (`": "`, or `", error: "` after
        /// `can't describe item: K`); `None` when ESO's text ends with the message.
        cause_separator: Option<&'static str>,
        /// The transport or API error underneath, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// The item has an empty value and no `property` was asked for.
    #[error("invalid value received, found no value string : {key}")]
    EmptyValue {
        /// The item path.
        key: String,
    },
    /// `property` matched nothing in the value.
    #[error("key {property} does not exist in value {key}")]
    PropertyNotFound {
        /// The property (a GJSON path).
        property: String,
        /// The item path (ESO's message says "value" but prints the key).
        key: String,
    },
    /// `property` uses GJSON syntax this crate does not implement; ESO would evaluate it.
    #[error("property {property} uses {construct}, which keyless does not implement")]
    UnsupportedProperty {
        /// The property.
        property: String,
        /// The GJSON construct.
        construct: &'static str,
    },
    /// `extract` got a value that is not a JSON object.
    #[error("unable to unmarshal secret from JSON")]
    NotAJsonObject {
        /// Go's `encoding/json` error.
        #[source]
        source: GoJsonError,
    },
    /// `find` failed (ESO adds `error getting all secrets` around the provider's error).
    #[error("error getting all secrets")]
    Find {
        /// The provider's error.
        #[source]
        source: Box<Self>,
    },
    /// `find.name.regexp` does not compile.
    #[error("could not compile find.name.regexp [regexp: {pattern}]: {message}")]
    FindRegexp {
        /// The pattern.
        pattern: String,
        /// The regular expression library's message.
        message: String,
    },
    /// `find` has neither `name` nor `tags`.
    #[error("unexpected find operator")]
    UnexpectedFindOperator,
    /// A base64 decoding strategy failed.
    #[error("error applying decoding strategy {strategy} to data")]
    Decode {
        /// `Base64` or `Base64URL`.
        strategy: &'static str,
        /// Go's decoder error.
        #[source]
        source: CorruptInputError,
    },
    /// Two keys became the same after key conversion.
    #[error("error applying conversion strategy {strategy} to keys")]
    KeyCollision {
        /// `Default` or `Unicode`.
        strategy: &'static str,
        /// The converted key.
        key: String,
    },
    /// A `rewrite` operation failed.
    #[error("error applying rewrite to keys")]
    Rewrite {
        /// Position of the operation in `rewrite[]`.
        index: usize,
        /// What went wrong, in ESO's words (`regexp failed with failed to compile: …`).
        message: String,
        /// The template error, for a `transform`.
        #[source]
        source: Option<TemplateError>,
    },
    /// A key is not a valid Secret key after conversion or rewrite.
    #[error("invalid secret keys (TIP: use rewrite or conversionStrategy to change keys)")]
    InvalidKey {
        /// ESO's reason (`key has invalid character …` or `key has length …`).
        reason: String,
    },
    /// A value contains a NUL byte and `nullBytePolicy: Fail` is set.
    #[error("secret value contains a null byte")]
    NullByte,
    /// The entry uses a feature that rendering cannot perform (generators, other stores).
    #[error("{what} is not supported by keyless rendering")]
    Unsupported {
        /// The feature.
        what: String,
    },
}

impl FetchError {
    /// A provider error with ESO's message and no further cause.
    pub fn provider(message: impl Into<String>) -> Self {
        Self::Provider {
            message: message.into(),
            cause_separator: None,
            source: None,
        }
    }

    /// ESO's complete text for this error, causes included.
    pub fn eso_message(&self) -> String {
        match self {
            Self::Provider {
                message,
                cause_separator: Some(separator),
                source: Some(source),
            } => format!("{message}{separator}{source}"),
            Self::NotAJsonObject { source } => format!("{self}: {}", source.message()),
            Self::Find { source } => format!("{self}: {}", source.eso_message()),
            Self::Decode { source, .. } => format!("{self}: {source}"),
            Self::KeyCollision { key, .. } => {
                format!("{self}: secret name collision during conversion: {key}")
            }
            Self::Rewrite {
                index,
                message,
                source,
            } => {
                let mut text = format!("{self}: failed rewrite operation[{index}]: {message}");
                if let Some(source) = source {
                    let _ = write!(text, ": {}", source.message());
                }
                text
            }
            Self::InvalidKey { reason } => format!("{self}: {reason}"),
            _ => self.to_string(),
        }
    }
}

/// Which part of the template failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateSite {
    /// `template.data[key]`.
    Data,
    /// `template.metadata.labels[key]`.
    Label,
    /// `template.metadata.annotations[key]`.
    Annotation,
    /// `template.templateFrom[index]` (the template is named after its whole text, as in ESO).
    TemplateFrom {
        /// Position in `templateFrom[]`.
        index: usize,
    },
}

/// Why rendering an ExternalSecret failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// Fetching or processing `spec.data[index]` failed.
    #[error("error processing spec.data[{index}] (key: {key})")]
    Data {
        /// Position in `data[]`.
        index: usize,
        /// `remoteRef.key`.
        key: String,
        /// The cause.
        #[source]
        source: Box<FetchError>,
    },
    /// Fetching or processing `spec.dataFrom[index]` failed.
    #[error("error processing spec.dataFrom[{index}].{kind}")]
    DataFrom {
        /// Position in `dataFrom[]`.
        index: usize,
        /// `extract`, `find` or `sourceRef.generatorRef`.
        kind: &'static str,
        /// The cause.
        #[source]
        source: Box<FetchError>,
    },
    /// A template does not parse or fails to execute.
    #[error("could not apply template")]
    Template {
        /// Which template.
        site: TemplateSite,
        /// The output key (for `templateFrom`, the template text, which is its Go name).
        key: String,
        /// The template engine's error, in Go's words.
        #[source]
        source: Box<TemplateError>,
    },
    /// A KeysAndValues template rendered text that is not a YAML map of strings.
    #[error("could not apply template")]
    KeysAndValues {
        /// Position in `templateFrom[]`.
        index: usize,
        /// ESO's message after `could not unmarshal template to 'map[string][]byte': `.
        reason: String,
    },
    /// A KeysAndValues template rendered YAML whose aliases expand beyond `yaml.v2`'s budget
    /// (an alias bomb); ESO fails the same way. Nothing was expanded.
    #[error("could not apply template")]
    ExcessiveAliasing {
        /// Position in `templateFrom[]`.
        index: usize,
    },
    /// The ExternalSecret uses something rendering cannot do.
    #[error("{what} is not supported by keyless rendering")]
    Unsupported {
        /// The feature.
        what: String,
    },
    /// The secret source did not answer synchronously in
    /// [`render_with_values`](crate::render::render_with_values) (an internal invariant).
    #[error("the in-memory source did not complete synchronously")]
    SourceNotReady,
}

impl RenderError {
    /// ESO's complete text for this error (what ESO writes to the Warning event and its log).
    pub fn eso_message(&self) -> String {
        match self {
            Self::Data { source, .. } | Self::DataFrom { source, .. } => {
                format!("{self}, err: {}", source.eso_message())
            }
            Self::Template { site, key, source } => {
                let inner = match source.kind() {
                    crate::template::TemplateErrorKind::Parse => {
                        format!(
                            "unable to parse template at key {key}: {}",
                            source.message()
                        )
                    }
                    _ => format!(
                        "unable to execute template at key {key}: {}",
                        source.message()
                    ),
                };
                let middle = match site {
                    TemplateSite::TemplateFrom { .. } => "error fetching templateFrom data",
                    _ => "could not execute template",
                };
                format!("{self}: {middle}: unable to execute template at key {key}: {inner}")
            }
            Self::KeysAndValues { reason, .. } => format!(
                "{self}: error fetching templateFrom data: could not unmarshal template to \
                 'map[string][]byte': {reason}"
            ),
            Self::ExcessiveAliasing { .. } => format!(
                "{self}: error fetching templateFrom data: could not unmarshal template to \
                 'map[string][]byte': {}",
                super::kv_yaml::EXCESSIVE_ALIASING
            ),
            Self::Unsupported { .. } | Self::SourceNotReady => self.to_string(),
        }
    }

    /// The Ready condition message ESO shows for this error (it never contains the cause).
    pub fn ready_message(&self) -> &'static str {
        match self {
            Self::Data { .. } | Self::DataFrom { .. } | Self::SourceNotReady => {
                "could not get secret data from provider"
            }
            Self::Template { .. }
            | Self::KeysAndValues { .. }
            | Self::ExcessiveAliasing { .. }
            | Self::Unsupported { .. } => "could not update secret",
        }
    }
}
