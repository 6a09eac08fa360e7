//! Access roles: which caller may do what on which item path.

use std::sync::Arc;

use crate::config::{Capability, PathRule, Role};

/// Item paths are stored and compared with exactly one leading `/` and no trailing `/`.
pub(crate) fn normalize_path(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    let mut normalized = String::with_capacity(trimmed.len() + 1);
    normalized.push('/');
    let mut previous_slash = true;
    for character in trimmed.chars() {
        if character == '/' {
            if previous_slash {
                continue;
            }
            previous_slash = true;
        } else {
            previous_slash = false;
        }
        normalized.push(character);
    }
    normalized
}

/// Glob match where `*` stands for any run of characters, `/` included.
///
/// Iterative with one backtrack point, so its cost stays linear-ish for any pattern and never
/// recurses on hostile input.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern = pattern.as_bytes();
    let text = text.as_bytes();
    let (mut p, mut t) = (0_usize, 0_usize);
    let mut backtrack: Option<(usize, usize)> = None;

    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&expected) if expected == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star, matched)) => {
                    p = star + 1;
                    t = matched + 1;
                    backtrack = Some((star, matched + 1));
                }
                None => return false,
            },
        }
    }

    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&byte| byte == b'*'))
}

/// The path rules a caller holds through the roles of its auth method.
#[derive(Debug, Clone, Default)]
pub(crate) struct AccessPolicy {
    rules: Arc<[PathRule]>,
}

impl AccessPolicy {
    /// Collects the rules of `role_names` from `roles`; unknown names contribute nothing.
    pub(crate) fn from_roles(role_names: &[String], roles: &[Role]) -> Self {
        let rules: Vec<PathRule> = roles
            .iter()
            .filter(|role| role_names.iter().any(|name| name == &role.name))
            .flat_map(|role| role.rules.iter().cloned())
            .collect();
        Self {
            rules: rules.into(),
        }
    }

    /// Whether `capability` is granted on `path` (already normalized) and not denied.
    pub(crate) fn allows(&self, capability: Capability, path: &str) -> bool {
        let mut granted = false;
        for rule in self
            .rules
            .iter()
            .filter(|rule| glob_matches(&rule.pattern, path))
        {
            if rule.capabilities.contains(&Capability::Deny) {
                return false;
            }
            granted |= rule.capabilities.contains(&capability);
        }
        granted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_slashes() {
        assert_eq!(normalize_path("a/b"), "/a/b");
        assert_eq!(normalize_path("//a//b/"), "/a/b");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path(""), "/");
    }

    #[test]
    fn star_matches_across_segments() {
        assert!(glob_matches("/mdapi/a/*", "/mdapi/a/x"));
        assert!(glob_matches("/mdapi/a/*", "/mdapi/a/x/y"));
        assert!(!glob_matches("/mdapi/a/*", "/mdapi/b/x"));
        assert!(!glob_matches("/mdapi/a/*", "/mdapi/a"));
        assert!(glob_matches("/*/a/*z", "/q/a/bbz"));
        assert!(!glob_matches("/*/a/*z", "/q/a/bbzq"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("/exact", "/exact"));
        assert!(!glob_matches("/exact", "/exactly"));
    }

    #[test]
    fn deny_wins_over_grants() {
        let roles = [
            Role::new("broad").allow_all("/mdapi/*"),
            Role::new("carve-out").rule(PathRule::new("/mdapi/private/*", [Capability::Deny])),
        ];
        let policy = AccessPolicy::from_roles(&["broad".into(), "carve-out".into()], &roles);
        assert!(policy.allows(Capability::Read, "/mdapi/a/x"));
        assert!(!policy.allows(Capability::Read, "/mdapi/private/x"));
        assert!(!policy.allows(Capability::Read, "/other/x"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn a_pattern_without_stars_matches_only_itself(
            pattern in "[a-c/]{0,8}",
            text in "[a-c/]{0,8}",
        ) {
            proptest::prop_assert_eq!(glob_matches(&pattern, &text), pattern == text);
        }

        #[test]
        fn a_prefix_star_matches_every_extension(prefix in "[a-c/]{0,6}", rest in "[a-c/*]{0,6}") {
            let pattern = format!("{prefix}*");
            let text = format!("{prefix}{rest}");
            proptest::prop_assert!(glob_matches(&pattern, &text));
        }
    }
}
