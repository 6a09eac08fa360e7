//! Reading a gateway's error text for a customer-fragment failure and its cause.
//!
//! Gateways echo item names in their messages (`failed to obtain item /some/item`), and an
//! item may be called `/mdapi/derived-key-svc/404`. So the text is read as words, and what
//! could be a name never counts: spans in double quotes or backticks, and every token holding
//! a `/` (item paths, URLs). Keywords and status numbers must be whole words, so `acc-404` or
//! `derived-key-svc` match nothing.

use crate::error::FragmentFailureCause;

/// The words of a gateway message that may describe a fragment failure.
pub(crate) struct Words(Vec<String>);

impl Words {
    /// Splits `message` into lower-case words trimmed of punctuation, leaving out quoted spans
    /// and path-like tokens.
    pub(crate) fn of(message: &str) -> Self {
        let words = without_quoted_spans(message)
            .split_whitespace()
            .filter(|token| !token.contains('/'))
            .map(|token| {
                token
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|word| !word.is_empty())
            .collect();
        Self(words)
    }

    /// Where the message names the customer fragment or the derived key: the index of the
    /// first word of `customer fragment(s)` or `derived key(s)`.
    pub(crate) fn fragment_phrase(&self) -> Option<usize> {
        self.0.windows(2).position(|pair| {
            matches!(
                (pair[0].as_str(), pair[1].as_str()),
                ("customer", "fragment" | "fragments") | ("derived", "key" | "keys")
            )
        })
    }

    /// The cause the words state, keywords checked in the order of the runbook's precedence.
    pub(crate) fn cause(&self) -> FragmentFailureCause {
        let words = &self.0;
        let has = |phrase: &[&str]| {
            words
                .windows(phrase.len())
                .any(|window| window.iter().zip(phrase).all(|(word, want)| word == want))
        };
        if has(&["unreachable"])
            || has(&["connection", "refused"])
            || has(&["timed", "out"])
            || has(&["timeout"])
        {
            FragmentFailureCause::Unreachable
        } else if has(&["unknown", "key"]) {
            FragmentFailureCause::UnknownKey
        } else if has(&["404"]) || has(&["endpoint", "not", "found"]) {
            FragmentFailureCause::EndpointNotFound
        } else if has(&["500"]) || has(&["crashed"]) || has(&["internal", "server", "error"]) {
            FragmentFailureCause::ServiceFailure
        } else if has(&["409"]) || has(&["stale", "epoch"]) || has(&["epoch", "mismatch"]) {
            FragmentFailureCause::StaleEpoch
        } else if has(&["401"]) || has(&["rejected", "the", "token"]) {
            FragmentFailureCause::Unauthorized
        } else if has(&["429"]) || has(&["rate", "limit"]) || has(&["rate", "limited"]) {
            FragmentFailureCause::RateLimited
        } else if has(&["400"]) || has(&["malformed"]) {
            FragmentFailureCause::BadRequest
        } else if has(&["answer", "unusable"]) {
            FragmentFailureCause::InvalidAnswer
        } else {
            FragmentFailureCause::Unspecified
        }
    }

    /// The words from `start` on.
    pub(crate) fn from(&self, start: usize) -> Self {
        Self(self.0.get(start..).unwrap_or_default().to_vec())
    }
}

/// `message` without the spans between a pair of double quotes or backticks (an unpaired
/// quote is kept, so a stray one cannot hide the rest of the message).
fn without_quoted_spans(message: &str) -> String {
    let mut kept = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        let after = &rest[open + quote.len_utf8()..];
        let Some(close) = after.find(quote) else {
            break;
        };
        kept.push_str(&rest[..open]);
        kept.push(' ');
        rest = &after[close + quote.len_utf8()..];
    }
    kept.push_str(rest);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_spans_and_paths_are_not_words() {
        let words = Words::of(r#"item "/a/customer fragment" `derived key` /x/derived key/y ok"#);
        assert_eq!(words.0, ["item", "ok"]);
        assert_eq!(words.fragment_phrase(), None);
    }

    #[test]
    fn an_unpaired_quote_hides_nothing() {
        let words = Words::of("it's \"customer fragment unavailable: crashed");
        assert_eq!(words.fragment_phrase(), Some(1));
        assert_eq!(words.from(1).cause(), FragmentFailureCause::ServiceFailure);
    }

    #[test]
    fn numbers_count_only_as_whole_words() {
        assert_eq!(
            Words::of("account acc-404, access p-500x").cause(),
            FragmentFailureCause::Unspecified
        );
        assert_eq!(
            Words::of("derived-key endpoint answered (404).").cause(),
            FragmentFailureCause::EndpointNotFound
        );
    }
}
