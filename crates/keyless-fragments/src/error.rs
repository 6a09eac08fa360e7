//! The crate's error type.

use core::fmt;

use crate::ids::{Epoch, HolderId, KeyId, KeyVersion};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong while dealing, deriving, sealing or opening.
///
/// Errors never contain secret material. [`Error::Decrypt`] is deliberately opaque: it does not
/// say whether the key check, the header binding or the authentication tag failed, so that
/// opening cannot be used as an oracle.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Fewer SaaS partials than the roster's threshold were usable.
    #[error("too few SaaS partials: have {have}, the roster needs {need}")]
    InsufficientPartials {
        /// How many SaaS partials passed the checks.
        have: usize,
        /// The roster's threshold.
        need: usize,
    },

    /// No partial of the customer fragment was supplied; every derivation needs one.
    #[error("no partial from the customer fragment; every derivation needs it")]
    MissingCustomerFragment,

    /// Two partials claim the same holder id; nothing was combined.
    #[error("holder {holder} sent more than one partial")]
    DuplicateHolderId {
        /// The repeated holder id.
        holder: HolderId,
    },

    /// A partial (or a share) carries holder id 0, which is the secret's own evaluation point.
    #[error("holder id 0 is reserved: it is the secret's own evaluation point")]
    ZeroHolderId,

    /// A partial names a holder that the pinned roster does not list.
    #[error("holder {holder} is not in the roster")]
    UnknownHolderId {
        /// The holder id found in the partial.
        holder: HolderId,
    },

    /// Bytes that should encode a ristretto255 element are non-canonical or the identity.
    #[error("{what}{} is not a valid ristretto255 element (non-canonical or identity)", of_holder(.holder))]
    InvalidElement {
        /// Which element was rejected.
        what: &'static str,
        /// The holder whose partial carried it, if it came from a partial.
        holder: Option<HolderId>,
    },

    /// Bytes that should encode a scalar are not canonical (at least the group order) or zero
    /// where zero is not allowed.
    #[error("{what}{} is not a valid scalar (non-canonical or zero)", of_holder(.holder))]
    InvalidScalar {
        /// Which scalar was rejected.
        what: &'static str,
        /// The holder whose partial carried it, if it came from a partial.
        holder: Option<HolderId>,
    },

    /// The DLEQ proof of one or more partials did not verify against the roster.
    #[error("DLEQ proof of holder(s) {} failed verification", HolderList(.holders))]
    InvalidProof {
        /// Every holder whose proof failed, in the order they were checked.
        holders: Vec<HolderId>,
    },

    /// An object belongs to a different refresh epoch than the one it is used with.
    #[error("{what}{} is for epoch {found}, expected epoch {expected}", of_holder(.holder))]
    EpochMismatch {
        /// What carried the unexpected epoch.
        what: &'static str,
        /// The holder whose partial carried it, if it came from a partial.
        holder: Option<HolderId>,
        /// The epoch that was required.
        expected: Epoch,
        /// The epoch that was found.
        found: Epoch,
    },

    /// An object belongs to a different key or key version than the one it is used with.
    #[error(
        "{what}{} is for key {found_key} version {found_version}, \
         expected key {expected_key} version {expected_version}",
        of_holder(.holder)
    )]
    KeyMismatch {
        /// What carried the unexpected key.
        what: &'static str,
        /// The holder whose partial carried it, if it came from a partial.
        holder: Option<HolderId>,
        /// The key id that was required.
        expected_key: KeyId,
        /// The key version that was required.
        expected_version: KeyVersion,
        /// The key id that was found.
        found_key: KeyId,
        /// The key version that was found.
        found_version: KeyVersion,
    },

    /// A fixed-size encoding had the wrong length; nothing is truncated or padded.
    #[error("{what} must be exactly {expected} bytes, found {found}")]
    MalformedLength {
        /// What was being decoded.
        what: &'static str,
        /// The required length.
        expected: usize,
        /// The length received.
        found: usize,
    },

    /// An encoding announced a version, suite or flag this implementation does not know.
    #[error("{what} has unsupported {field} {value}")]
    Unsupported {
        /// What was being decoded.
        what: &'static str,
        /// Which field carried the unknown value.
        field: &'static str,
        /// The value found.
        value: u32,
    },

    /// A textual or structured encoding could not be decoded.
    #[error("{what} is malformed: {reason}")]
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// A threshold outside `1 <= t <= n <= 65534` was requested.
    #[error("invalid threshold {threshold} of {holders} holders (need 1 <= t <= n <= 65534)")]
    InvalidThreshold {
        /// The requested threshold t.
        threshold: u16,
        /// The requested number of holders n.
        holders: u16,
    },

    /// A roster is internally inconsistent.
    #[error("roster rejected: {reason}")]
    InvalidRoster {
        /// Why it was rejected.
        reason: &'static str,
    },

    /// A refresh (re-sharing) message is inconsistent or does not apply.
    #[error("refresh rejected: {reason}")]
    InvalidRefresh {
        /// Why it was rejected.
        reason: &'static str,
    },

    /// An item context could not be encoded.
    #[error("item context rejected: {reason}")]
    InvalidContext {
        /// Why it was rejected.
        reason: &'static str,
    },

    /// A holder's secret share does not match its public share in the roster or the
    /// commitments it was dealt with.
    #[error("the share of holder {holder} does not match its public commitment")]
    ShareMismatch {
        /// The holder whose share failed the check.
        holder: HolderId,
    },

    /// Opening failed. Deliberately opaque: wrong key, wrong item, tampered header, nonce,
    /// ciphertext or tag all give this same error, and no plaintext is returned.
    #[error("decryption failed")]
    Decrypt,

    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Randomness(#[source] getrandom::Error),
}

fn of_holder(holder: &Option<HolderId>) -> String {
    match holder {
        Some(holder) => format!(" of holder {holder}"),
        None => String::new(),
    }
}

struct HolderList<'a>(&'a [HolderId]);

impl fmt::Display for HolderList<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, holder) in self.0.iter().enumerate() {
            if index > 0 {
                formatter.write_str(", ")?;
            }
            write!(formatter, "{holder}")?;
        }
        Ok(())
    }
}
