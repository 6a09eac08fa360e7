//! Go's `encoding/base64` decoding (`StdEncoding` and `URLEncoding`), with Go's error offsets.
//!
//! The `base64` crate rejects what Go accepts (embedded `\r`/`\n`, non-zero trailing bits) and
//! reports different offsets, so ESO's `decodingStrategy` needs Go's own algorithm: quanta of
//! four characters, line breaks skipped anywhere, `=` padding required, and a
//! `illegal base64 data at input byte N` error whose offset counts the skipped line breaks.

use std::fmt;

/// The two alphabets ESO decodes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alphabet {
    /// `+` and `/` (Go's `StdEncoding`).
    Standard,
    /// `-` and `_` (Go's `URLEncoding`).
    UrlSafe,
}

/// Go's `base64.CorruptInputError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorruptInputError {
    offset: usize,
}

impl CorruptInputError {
    /// The offset Go reports.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for CorruptInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "illegal base64 data at input byte {}", self.offset)
    }
}

impl std::error::Error for CorruptInputError {}

fn sextet(alphabet: Alphabet, byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' if alphabet == Alphabet::Standard => Some(62),
        b'/' if alphabet == Alphabet::Standard => Some(63),
        b'-' if alphabet == Alphabet::UrlSafe => Some(62),
        b'_' if alphabet == Alphabet::UrlSafe => Some(63),
        _ => None,
    }
}

fn is_line_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// Decodes `input` exactly as Go's `Encoding.DecodeString` (padded, non-strict).
pub(crate) fn decode(alphabet: Alphabet, input: &[u8]) -> Result<Vec<u8>, CorruptInputError> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut cursor = 0usize;
    loop {
        let mut quantum = [0u8; 4];
        let mut filled = 0usize;
        let mut finished = false;
        while filled < 4 {
            let Some(&byte) = input.get(cursor) else {
                if filled == 0 {
                    return Ok(out);
                }
                return Err(CorruptInputError {
                    offset: cursor - filled,
                });
            };
            cursor += 1;
            if let Some(value) = sextet(alphabet, byte) {
                if let Some(slot) = quantum.get_mut(filled) {
                    *slot = value;
                }
                filled += 1;
                continue;
            }
            if is_line_break(byte) {
                continue;
            }
            if byte != b'=' || filled < 2 {
                return Err(CorruptInputError { offset: cursor - 1 });
            }

            // Padding: "xx==" or "xxx=", then only line breaks until the end.
            if filled == 2 {
                while input.get(cursor).copied().is_some_and(is_line_break) {
                    cursor += 1;
                }
                match input.get(cursor) {
                    None => {
                        return Err(CorruptInputError {
                            offset: input.len(),
                        });
                    }
                    Some(b'=') => cursor += 1,
                    Some(_) => return Err(CorruptInputError { offset: cursor - 1 }),
                }
            }
            while input.get(cursor).copied().is_some_and(is_line_break) {
                cursor += 1;
            }
            if cursor < input.len() {
                return Err(CorruptInputError { offset: cursor });
            }
            finished = true;
            break;
        }

        let [a, b, c, d] = quantum;
        let bits = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
        let bytes = bits.to_be_bytes();
        let produced = filled.saturating_sub(1);
        out.extend_from_slice(bytes.get(1..1 + produced).unwrap_or_default());
        if finished {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn std(input: &str) -> Result<String, String> {
        decode(Alphabet::Standard, input.as_bytes())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn go_behaviour() {
        assert_eq!(std("aGVsbG8="), Ok("hello".to_owned()));
        assert_eq!(std("aGVs\nbG8="), Ok("hello".to_owned()));
        assert_eq!(std("aGVsbA=="), Ok("hell".to_owned()));
        assert_eq!(std(""), Ok(String::new()));
        assert_eq!(
            std("hello!"),
            Err("illegal base64 data at input byte 5".to_owned())
        );
        assert_eq!(
            std("aGVsbA"),
            Err("illegal base64 data at input byte 4".to_owned())
        );
        assert_eq!(
            std("aGVsbA="),
            Err("illegal base64 data at input byte 7".to_owned())
        );
        assert_eq!(
            std("aGVsbG8=x"),
            Err("illegal base64 data at input byte 8".to_owned())
        );
        assert_eq!(
            decode(Alphabet::Standard, b"1234"),
            Ok(vec![0xd7, 0x6d, 0xf8])
        );
        assert_eq!(
            decode(Alphabet::UrlSafe, b"-_-_"),
            Ok(vec![0xfb, 0xff, 0xbf])
        );
        assert!(decode(Alphabet::Standard, b"-_-_").is_err());
    }
}

#[cfg(test)]
mod go_vectors {
    //! Vectors from Go's `base64.StdEncoding` (through sprig's `b64dec` in the go-oracle).

    use super::*;

    #[test]
    fn standard_decoding_matches_go() {
        let vectors = include_str!("../../tests/golden/base64_vectors.jsonl");
        for line in vectors.lines().filter(|line| !line.is_empty()) {
            let record: serde_json::Value = serde_json::from_str(line).expect("vector");
            let input = record["input"].as_str().expect("input");
            let ours = decode(Alphabet::Standard, input.as_bytes());
            match (record["hex"].as_str(), record["err"].as_str()) {
                (Some(hex), _) => {
                    let ours = ours.map(|bytes| bytes.iter().map(|b| format!("{b:02x}")).collect());
                    assert_eq!(
                        ours,
                        Ok::<String, CorruptInputError>(hex.to_owned()),
                        "{input:?}"
                    );
                }
                (_, Some(err)) => {
                    let ours = ours.map(|_| ()).map_err(|e| e.to_string());
                    assert_eq!(ours, Err(err.to_owned()), "{input:?}");
                }
                _ => panic!("bad vector {line}"),
            }
        }
    }
}
