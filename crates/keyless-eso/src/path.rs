//! Field paths such as `spec.data[2].remoteRef.key`.

use std::fmt;

use serde::{Serialize, Serializer};

/// One step of a [`FieldPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index, from zero.
    Index(usize),
}

/// Where a value sits inside one manifest, from its root, e.g. `spec.data[2].remoteRef.key`.
///
/// Keys that are not plain words (a `template.data` key such as `tls.crt`) print in brackets
/// and quotes, `spec.target.template.data["tls.crt"]`, so the text can be read back without
/// ambiguity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath {
    segments: Vec<PathSegment>,
}

impl FieldPath {
    /// The root of a manifest (prints as an empty string).
    pub const fn root() -> Self {
        Self {
            segments: Vec::new(),
        }
    }

    /// Parses a dotted path of plain keys and `[n]` indices, e.g. `spec.data[0].secretKey`.
    /// Quoted keys (`data["tls.crt"]`) are accepted too. Text that does not follow this shape
    /// is taken as keys split at dots.
    pub fn parse(text: &str) -> Self {
        let mut path = Self::root();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("[\"")
                && let Some(end) = after.find("\"]")
            {
                path.segments
                    .push(PathSegment::Key(after[..end].replace("\\\"", "\"")));
                rest = &after[end + 2..];
                continue;
            }
            if let Some(after) = rest.strip_prefix('[')
                && let Some(end) = after.find(']')
                && let Ok(index) = after[..end].parse()
            {
                path.segments.push(PathSegment::Index(index));
                rest = &after[end + 1..];
                continue;
            }
            let rest_trimmed = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_trimmed.find(['.', '[']).unwrap_or(rest_trimmed.len());
            let end = if end == 0 {
                rest_trimmed.len().min(1)
            } else {
                end
            };
            path.segments
                .push(PathSegment::Key(rest_trimmed[..end].to_owned()));
            rest = &rest_trimmed[end..];
        }
        path
    }

    /// This path extended by a key.
    #[must_use]
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut next = self.clone();
        next.segments.push(PathSegment::Key(key.into()));
        next
    }

    /// This path extended by a sequence index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.segments.push(PathSegment::Index(index));
        next
    }

    /// Appends a key in place.
    pub fn push_key(&mut self, key: impl Into<String>) {
        self.segments.push(PathSegment::Key(key.into()));
    }

    /// Appends an index in place.
    pub fn push_index(&mut self, index: usize) {
        self.segments.push(PathSegment::Index(index));
    }

    /// Removes the last step.
    pub fn pop(&mut self) -> Option<PathSegment> {
        self.segments.pop()
    }

    /// The steps from the root.
    pub fn segments(&self) -> &[PathSegment] {
        &self.segments
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The path without its last step (the root stays the root).
    #[must_use]
    pub fn parent(&self) -> Self {
        let mut parent = self.clone();
        parent.segments.pop();
        parent
    }

    /// Whether `prefix` is this path or one of its ancestors.
    pub fn starts_with(&self, prefix: &Self) -> bool {
        self.segments.starts_with(&prefix.segments)
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/')
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.segments.iter().enumerate() {
            match segment {
                PathSegment::Key(key) if is_plain_key(key) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                PathSegment::Key(key) => write!(f, "[\"{}\"]", key.replace('"', "\\\""))?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_parses() {
        for text in [
            "spec.data[2].remoteRef.key",
            "spec.target.template.data[\"tls.crt\"]",
            "",
        ] {
            assert_eq!(FieldPath::parse(text).to_string(), text);
        }
        let built = FieldPath::root()
            .key("spec")
            .key("data")
            .index(2)
            .key("secretKey");
        assert_eq!(built.to_string(), "spec.data[2].secretKey");
    }
}
